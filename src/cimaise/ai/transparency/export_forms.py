"""Forms of the text export tool. They read and check what the person typed; ``exports.texts`` does the rest."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.widgets import AdminDateInput

from cimaise.ai.transparency.exports import texts

# Each language in its own name, as Wagtail lists the admin's languages.
LANGUAGES = [("fr", "Français"), ("en", "English")]
SESSION, DATES = "session", "dates"
DEFAULT_DAYS = 30
TEXT_CHARS = 200_000


class TextExportForm(forms.Form):
    """The text, who wrote it, its language, and which of the person's own AI requests it drew on."""

    title = forms.CharField(label=_("Title"), max_length=300)
    author = forms.CharField(label=_("Author"), max_length=200, required=False,
                             help_text=_("As it should appear on the document, e.g. your name and class."))
    text = forms.CharField(
        label=_("Your text"), max_length=TEXT_CHARS, strip=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Paste the final text: a social-media post, a thesis, an article. Separate paragraphs with "
                    "a blank line."),
    )
    language = forms.ChoiceField(label=_("Language of the text and its note"), choices=LANGUAGES,
                                 widget=forms.RadioSelect, initial="fr")
    source = forms.ChoiceField(
        label=_("It drew on"), widget=forms.RadioSelect, initial=DATES,
        choices=[(DATES, _("All my answered AI requests between two dates")),
                 (SESSION, _("One of my creative-lab sessions"))],
    )
    session = forms.ModelChoiceField(label=_("Creative-lab session"), queryset=None, required=False,
                                     empty_label=_("Choose a session"))
    start = forms.DateField(label=pgettext_lazy("date range", "From"), required=False,
                            widget=AdminDateInput, help_text=_("Empty: 30 days ago."))
    end = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=AdminDateInput,
                          help_text=_("Empty: today."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["session"].queryset = texts.own_sessions(user)
        today = timezone.localdate()
        self.fields["start"].initial = today - datetime.timedelta(days=DEFAULT_DAYS)
        self.fields["end"].initial = today

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError(_("Paste the text to export."))
        return text

    def clean(self):
        data = super().clean()
        if data.get("source") == SESSION:
            if not data.get("session") and "session" not in self.errors:
                self.add_error("session", _("Choose the creative-lab session the text drew on."))
        elif data.get("source") == DATES:
            today = timezone.localdate()
            data["start"] = data.get("start") or today - datetime.timedelta(days=DEFAULT_DAYS)
            data["end"] = data.get("end") or today
            if data["start"] > data["end"]:
                self.add_error("end", _("The end date comes before the start date."))
        return data

    def entries(self):
        """The person's answered ledger entries that the text drew on (after ``is_valid``)."""
        data = self.cleaned_data
        if data["source"] == SESSION:
            return texts.own_entries(self.user, session=data["session"])
        return texts.own_entries(self.user, start=data["start"], end=data["end"])


class NoteWordingForm(forms.Form):
    """The drafted note as the person keeps it; ``drafted_for`` tells whether the text changed since."""

    short = forms.CharField(
        label=_("Short form"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences to put under a post or at the end of a text."),
        error_messages={"required": _("Write the short form, or measure again to get a new draft.")},
    )
    full = forms.CharField(
        label=_("Full note"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One fact per line. The measured share, the references to the models and the prompts are "
                    "added to the document from the AI ledger."),
        error_messages={"required": _("Write the full note, or measure again to get a new draft.")},
    )
    drafted_for = forms.CharField(widget=forms.HiddenInput, required=False)
