"""The public registration form: name, email, seats, accessibility needs, two unticked consents, a honeypot."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             error_messages={"invalid": _("Enter a valid email address, e.g. name@example.org.")})
    seats = forms.TypedChoiceField(label=_("Seats"), coerce=int, initial=1)
    accessibility_needs = forms.CharField(label=_("Accessibility needs (optional)"), required=False, max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    # Two separate consents, never ticked in advance (GDPR): one does not imply the other.
    consent_newsletter = forms.BooleanField(label=_("I would like to receive the newsletter"), required=False,
                                            initial=False)
    consent_photos = forms.BooleanField(label=_("I agree to be photographed during the event"), required=False,
                                        initial=False)
    # The honeypot: hidden from people (and from screen readers); bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        limit = max(1, session.event.max_seats_per_person)
        self.fields["seats"].choices = [(n, str(n)) for n in range(1, limit + 1)]
        self.fields["seats"].error_messages["invalid_choice"] = _(
            "Choose a number of seats between 1 and %(limit)s.") % {"limit": limit}

    @property
    def is_bot(self):
        return bool(self.data.get("website"))
