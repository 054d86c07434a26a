"""What the public sees of an image's AI declaration: the label under it and its schema.org ImageObject."""

from django.utils import translation
from django.utils.translation import gettext as _

from cimaise.ai.images.services import declaration_of
from cimaise.ai.models import DigitalSourceType


def label_text(declaration):
    """The label's sentence, in the active language."""
    values = {"tool": declaration.tool}
    if declaration.source_type == DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA:
        return _("Image generated with AI — tool: %(tool)s") % values
    if declaration.source_type == DigitalSourceType.COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA:
        return _("Image edited with AI — tool: %(tool)s") % values
    return _("Image made by an algorithm — tool: %(tool)s") % values


def image_object_json_ld(image, url, language=None):
    """The schema.org ImageObject of ``image`` at ``url`` (absolute).

    For an image declared as made with AI, ``digitalSourceType`` is the IPTC
    code's full URI and ``creditText`` the label's sentence (in ``language``,
    else the active language).
    """
    data = {"@type": "ImageObject", "contentUrl": url, "url": url}
    declaration = declaration_of(image)
    if declaration is not None:
        with translation.override(language or translation.get_language()):
            data["creditText"] = label_text(declaration)
        data["digitalSourceType"] = declaration.source_type_uri
    return data
