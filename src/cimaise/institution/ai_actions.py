"""The vocabulary of AI actions that an institution's AI policy allows or forbids.

It lives here, below ``cimaise.ai``, because the policy is part of the
institution's profile; the AI studio reads it from here.
"""

from django.utils.translation import gettext_lazy as _

AI_ACTIONS = [
    ("draft", _("Draft from a brief")),
    ("rewrite", _("Rewrite in the institution's tone")),
    ("shorten", _("Shorten")),
    ("expand", _("Expand")),
    ("translate", _("Translate French ↔ English")),
    ("plain_language", _("Plain-language version")),
    ("titles", _("Title and meta-description suggestions")),
    ("alt_text", _("Image alt text from a description")),
    ("social", _("Social-media posts")),
    ("newsletter", _("Newsletter blurb")),
    ("brainstorm", _("Creative lab (brainstorming)")),
    ("image_generation", _("Image generation")),
]
AI_ACTION_KEYS = [key for key, _label in AI_ACTIONS]
