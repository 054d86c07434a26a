"""The form of a methodology note in the admin: its four texts, what the person checked, who answers for it.

The form only reads what the person typed; the rules (the short form keeps the
measured share and the models' names, approval says what was checked) are the
services' (``cimaise.ai.transparency.services``), whose errors the view puts
back on these fields.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cimaise.ai.models import MethodologyNote

WORDING_FIELDS = ("short_fr", "full_fr", "short_en", "full_en")
# The language of each text, for the browser's spell checker and screen readers.
FIELD_LANGUAGES = {"short_fr": "fr", "full_fr": "fr", "short_en": "en", "full_en": "en"}


def normalise(text):
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _label(name):
    return capfirst(MethodologyNote._meta.get_field(name).verbose_name)


class NoteForm(forms.Form):
    """The note's wording and the review; ``note`` says which note the person was looking at."""

    note = forms.IntegerField(widget=forms.HiddenInput)
    short_fr = forms.CharField(label=_label("short_fr"), required=False, strip=False,
                               widget=forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
                               help_text=_("One or two sentences, shown with the page. Keep the measured share "
                                           "and the model's name."))
    full_fr = forms.CharField(label=_label("full_fr"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 9, "lang": "fr"}))
    short_en = forms.CharField(label=_label("short_en"), required=False, strip=False,
                               widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
                               help_text=_("One or two sentences, shown with the page. Keep the measured share "
                                           "and the model's name."))
    full_en = forms.CharField(label=_label("full_en"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 9, "lang": "en"}))
    checks = forms.MultipleChoiceField(
        label=_("What I checked"), choices=MethodologyNote.Check.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Needed to approve: what you verified in the text written with AI."),
    )
    responsible = forms.CharField(
        label=_label("responsible"), max_length=200, required=False,
        help_text=_("The person or role who answers for the published text; your name if you leave it empty."),
    )

    def clean(self):
        cleaned = super().clean()
        for name in WORDING_FIELDS:
            # Browsers send a textarea's line breaks as CRLF; the drafted wording has LF.
            if name in cleaned:
                cleaned[name] = normalise(cleaned[name])
        return cleaned

    def wording(self):
        return {name: self.cleaned_data.get(name, "") for name in WORDING_FIELDS}

    def add_service_error(self, error):
        """Put a service's ValidationError on the fields it names; anything else goes above the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                known = field in self.fields and field != "note" and field != NON_FIELD_ERRORS
                self.add_error(field if known else None, messages)
        else:
            self.add_error(None, error.messages)
