"""The contacts admin's forms: a contact, the list's filters, the import's upload and column mapping."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cimaise.audience.models import ConsentRecord, Contact, Interest, NewsletterList, Tag
from cimaise.audience.services import importing


class ContactForm(forms.ModelForm):
    """Identity, interests and tags; saved by the service (``services.contacts``), never by ``save()``."""

    class Meta:
        model = Contact
        fields = ["email", "first_name", "last_name", "language", "kind", "organisation", "phone", "postal_code",
                  "city", "interests", "tags", "notes"]
        widgets = {"interests": forms.CheckboxSelectMultiple, "tags": forms.CheckboxSelectMultiple,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        pass  # the service says it, in the person's language, after normalising the address


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Contact.Kind.choices])
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", _("All languages")), *settings.LANGUAGES])
    interest = forms.ModelChoiceField(label=_("Interest"), required=False, queryset=Interest.objects.all(),
                                      empty_label=_("All interests"))
    tag = forms.ModelChoiceField(label=_("Tag"), required=False, queryset=Tag.objects.all(),
                                 empty_label=_("All tags"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_(
        "Comma or semicolon separated, UTF-8 or Windows (Latin-1) encoding; the first line names the columns."))


class MappingForm(forms.Form):
    """One choice per CSV column (the contact field it fills), and what the people in the file consented to."""

    consent_purposes = forms.MultipleChoiceField(
        label=_("The people in this file agreed to"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=ConsentRecord.Purpose.choices,
        help_text=_("Tick only what they really agreed to: it is recorded as their consent."))
    consent_text = forms.CharField(
        label=_("How and when they gave this consent"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. “Paper form signed at the book fair, March 2026: ‘I would like to receive the "
                    "museum's newsletter’”. Kept as the proof of each consent."))
    newsletter = forms.ModelChoiceField(label=_("Subscribe them to"), required=False,
                                        queryset=NewsletterList.objects.all(), empty_label=_("No list"))
    tag = forms.ModelChoiceField(label=_("Tag them with"), required=False, queryset=Tag.objects.all(),
                                 empty_label=_("No tag"))

    def __init__(self, *args, header, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", _("— ignore this column —")), *((k, v) for k, v in importing.FIELDS.items())]
        self.column_fields = []
        for n, column in enumerate(header):
            name = f"column_{n}"
            self.fields[name] = forms.ChoiceField(label=column or _("(column %(n)s)") % {"n": n + 1},
                                                  choices=choices, required=False,
                                                  initial=initial_mapping.get(column, ""))
            self.column_fields.append(name)

    def columns(self):
        return [self[name] for name in self.column_fields]

    def mapping(self):
        return {column: self.cleaned_data.get(f"column_{n}", "") for n, column in enumerate(self.header)}

    def clean(self):
        data = super().clean()
        problems = importing.check_options(self.mapping(), consent_purposes=data.get("consent_purposes") or [],
                                           consent_text=data.get("consent_text") or "",
                                           newsletter=data.get("newsletter"))
        for field, message in problems.items():
            self.add_error(None if field == "mapping" else field, message)
        return data
