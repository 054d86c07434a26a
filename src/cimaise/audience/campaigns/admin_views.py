"""The campaigns' admin, under /admin/campaigns/ ("campaigns_admin:…"), in the "Audience" menu.

- ``index``: the campaigns with their status and counters;
- ``add`` / ``edit``: compose (subject, introduction, list, language, pages to show);
- ``detail``: the preview (HTML in an iframe, and the text part), the audience's size, the test send,
  and the actions the status allows: schedule, send now, pause, resume, cancel;
- ``preview``: the HTML alone (the iframe's source), with sample personalisation.

Behind ``audience_campaigns.view_campaign`` (see), ``change_campaign`` (compose) and ``send_campaign``
(test, schedule, send, pause, resume, cancel). Nothing here writes a model: the services do.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cimaise.audience.campaigns.forms import CampaignForm, ScheduleForm, TestSendForm
from cimaise.audience.campaigns.models import Campaign
from cimaise.audience.campaigns.services import campaigns as service
from cimaise.audience.campaigns.services import recipients

VIEW = "audience_campaigns.view_campaign"
CHANGE = "audience_campaigns.change_campaign"
ADD = "audience_campaigns.add_campaign"
SEND = "audience_campaigns.send_campaign"


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


class IndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/admin/index.html"
    page_title = gettext_lazy("Campaigns")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user, VIEW)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(campaigns=Campaign.objects.select_related("newsletter")[:200],
                       can_add=self.request.user.has_perm(ADD))
        return context


class EditView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/admin/edit.html"
    header_icon = "mail"

    def dispatch(self, request, campaign_id=None, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, pk=campaign_id) if campaign_id else None
        _require(request.user, CHANGE if self.campaign else ADD)
        if self.campaign and not self.campaign.is_editable:
            messages.error(request, _("This campaign has started sending: it can no longer be changed."))
            return redirect("campaigns_admin:detail", self.campaign.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Edit the campaign") if self.campaign else _("New campaign")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=CampaignForm(instance=self.campaign)))

    def post(self, request, *args, **kwargs):
        form = CampaignForm(request.POST, instance=self.campaign)
        if not form.is_valid():
            messages.error(request, _("The campaign could not be saved: see the errors below."))
            return self.render_to_response(self.get_context_data(form=form))
        fields = {name: form.cleaned_data[name] for name in service.FIELDS}
        try:
            if self.campaign:
                campaign = service.update(self.campaign, pages=form.ordered_pages(), **fields)
            else:
                campaign = service.create(pages=form.ordered_pages(), user=request.user, **fields)
        except service.CampaignError as error:
            messages.error(request, str(error))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Campaign saved."))
        return redirect("campaigns_admin:detail", campaign.pk)


class DetailView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/admin/detail.html"
    header_icon = "mail"

    def dispatch(self, request, campaign_id, *args, **kwargs):
        _require(request.user, VIEW)
        self.campaign = get_object_or_404(Campaign.objects.select_related("newsletter"), pk=campaign_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.campaign.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        user = self.request.user
        _html, text = service.preview(campaign)
        context.update(
            campaign=campaign, text=text,
            audience_size=recipients.count(campaign) if campaign.is_editable else campaign.recipients_count,
            can_change=user.has_perm(CHANGE) and campaign.is_editable,
            can_send=user.has_perm(SEND),
            schedule_form=kwargs.get("schedule_form") or ScheduleForm(),
            test_form=kwargs.get("test_form") or TestSendForm(initial={"email": user.email}),
            Status=Campaign.Status,
        )
        return context

    def post(self, request, *args, **kwargs):
        _require(request.user, SEND)
        action = request.POST.get("action")
        campaign = self.campaign
        try:
            if action == "test":
                form = TestSendForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(test_form=form))
                service.send_test(campaign, form.cleaned_data["email"], first_name=request.user.first_name)
                messages.success(request, _("Test sent."))
            elif action == "schedule":
                form = ScheduleForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(schedule_form=form))
                when = form.cleaned_data["scheduled_at"]
                service.schedule(campaign, when)
                messages.success(request, _("Campaign scheduled for %(when)s.")
                                 % {"when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")})
            elif action == "unschedule":
                service.unschedule(campaign)
                messages.success(request, _("The campaign is a draft again: it will not be sent at its date."))
            elif action == "send":
                service.start(campaign)
                messages.success(request, _("Sending has started. The figures below update as it goes."))
            elif action == "pause":
                service.pause(campaign)
                messages.success(request, _("Sending paused after the current batch."))
            elif action == "resume":
                service.resume(campaign)
                messages.success(request, _("Sending resumed: nobody receives it twice."))
            elif action == "cancel":
                service.cancel(campaign)
                messages.success(request, _("Campaign cancelled: nobody else receives it."))
            else:
                messages.error(request, _("Unknown action."))
        except service.CampaignError as error:
            messages.error(request, str(error))
        return redirect("campaigns_admin:detail", campaign.pk)


class PreviewView(View):
    """The HTML part alone, for the preview iframe (same origin)."""

    def get(self, request, campaign_id):
        _require(request.user, VIEW)
        campaign = get_object_or_404(Campaign, pk=campaign_id)
        html, _text = service.preview(campaign, first_name=request.user.first_name)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["X-Frame-Options"] = "SAMEORIGIN"
        # The newsletter's own HTML: no script runs in the preview.
        response["Content-Security-Policy"] = "script-src 'none'; frame-ancestors 'self'"
        return response
