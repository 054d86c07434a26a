"""The public label of images made with AI: ``{% load ai_images %}{% ai_image_label image %}``.

The page's JSON-LD gets the matching ImageObject from ``cimaise.ai.images.public.image_object_json_ld``.
"""

from django import template
from django.template.loader import render_to_string

from cimaise.ai.images.public import label_text
from cimaise.ai.images.services import declaration_of

register = template.Library()


@register.simple_tag
def ai_image_label(image):
    """A short paragraph to put under ``image`` (in the active language); '' for an image not declared as AI."""
    declaration = declaration_of(image) if image else None
    if declaration is None:
        return ""
    return render_to_string("ai/images/label.html",
                            {"text": label_text(declaration), "source_type": declaration.source_type})
