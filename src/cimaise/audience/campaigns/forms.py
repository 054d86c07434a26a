"""The campaign editor's forms: composition (with the pages to show), scheduling and the test send."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cimaise.audience.campaigns import rendering
from cimaise.audience.campaigns.models import Campaign


class PageChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, page):
        kind = _("event") if page.specific_class and page.specific_class._meta.model_name == "eventpage" \
            else _("article")
        return f"{page.title} ({kind})"


class CampaignForm(forms.ModelForm):
    pages = PageChoiceField(label=_("Pages to show"), queryset=None, required=False,
                            widget=forms.CheckboxSelectMultiple,
                            help_text=_("Published articles and events, newest first; each becomes a card."))

    class Meta:
        model = Campaign
        fields = ["name", "subject", "preheader", "language", "newsletter", "segment", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The 200 newest: a newsletter shows a handful; older pages are seldom news.
        newest = list(rendering.content_pages().values_list("pk", flat=True)[:200])
        self.fields["pages"].queryset = rendering.content_pages().filter(pk__in=newest)
        if self.instance.pk:
            self.fields["pages"].initial = [item.page_id for item in self.instance.items.all()]

    def ordered_pages(self):
        chosen = {page.pk: page for page in self.cleaned_data.get("pages") or []}
        kept = [pk for pk in (self.initial.get("pages") or []) if pk in chosen]
        return [chosen[pk] for pk in kept] + [page for pk, page in chosen.items() if pk not in kept]


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Send at"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_at"].help_text = _("In the site's time zone (%(tz)s).") % {
            "tz": timezone.get_current_timezone_name()}


class TestSendForm(forms.Form):
    email = forms.EmailField(label=_("Send a test to"))
