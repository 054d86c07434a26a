"""Composing a campaign and moving it through its life: draft -> scheduled -> sending <-> paused -> sent,
or cancelled. Views, tasks and commands call these; none of them writes a model.

Every transition is one conditional UPDATE on the current status, so two people clicking at once
cannot, say, start a campaign twice. ``CampaignError`` carries a message for the person.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cimaise.audience.campaigns import rendering, sending
from cimaise.audience.campaigns.message import MessageTemplate
from cimaise.audience.campaigns.models import Campaign, CampaignItem
from cimaise.audience.campaigns.services import recipients

Status = Campaign.Status
FIELDS = ("name", "subject", "preheader", "language", "intro", "newsletter")


class CampaignError(Exception):
    """A refusal, with a message for the person (in their language)."""


def _enqueue(campaign):
    from cimaise.audience.campaigns.tasks import send_campaign

    send_campaign.enqueue(campaign.pk)


@transaction.atomic
def create(*, pages=(), user=None, **fields):
    """A new draft with ``fields`` (see ``FIELDS``) and ``pages`` (Page objects, in order)."""
    campaign = Campaign.objects.create(created_by=user, **{k: v for k, v in fields.items() if k in FIELDS})
    set_pages(campaign, pages)
    return campaign


@transaction.atomic
def update(campaign, *, pages=None, **fields):
    """Change a draft or scheduled campaign; a campaign that started sending is not changed."""
    if not Campaign.objects.filter(pk=campaign.pk, status__in=[Status.DRAFT, Status.SCHEDULED]).exists():
        raise CampaignError(_("This campaign has started sending: it can no longer be changed."))
    for key, value in fields.items():
        if key in FIELDS:
            setattr(campaign, key, value)
    campaign.save()
    if pages is not None:
        set_pages(campaign, pages)
    return campaign


def set_pages(campaign, pages):
    """Replace the campaign's pages by ``pages``, in this order (duplicates dropped)."""
    CampaignItem.objects.filter(campaign=campaign).delete()
    seen = set()
    items = []
    for page in pages:
        if page.pk not in seen:
            seen.add(page.pk)
            items.append(CampaignItem(campaign=campaign, page=page, sort_order=len(items)))
    CampaignItem.objects.bulk_create(items)


def check_sendable(campaign):
    """Raise ``CampaignError`` when the campaign cannot go out: no recipient, or nothing in it."""
    if not campaign.items.exists() and not campaign.intro.strip():
        raise CampaignError(_("This campaign is empty: write an introduction or choose at least one page."))
    if not recipients.audience(campaign).exists():
        if campaign.newsletter.language:
            raise CampaignError(_("No one would receive this campaign: the list “%(list)s” has no confirmed "
                                  "subscriber.") % {"list": campaign.newsletter.name})
        raise CampaignError(_("No one would receive this campaign: the list “%(list)s” has no confirmed "
                              "subscriber who reads %(language)s.")
                            % {"list": campaign.newsletter.name, "language": campaign.get_language_display()})


def schedule(campaign, when):
    """Send ``campaign`` at ``when`` (the scheduler's periodic check starts it)."""
    if when <= timezone.now():
        raise CampaignError(_("Choose a date and time in the future."))
    check_sendable(campaign)
    if not Campaign.objects.filter(pk=campaign.pk, status__in=[Status.DRAFT, Status.SCHEDULED]).update(
            status=Status.SCHEDULED, scheduled_at=when):
        raise CampaignError(_("Only a draft can be scheduled."))
    campaign.refresh_from_db()
    return campaign


def unschedule(campaign):
    """Back to draft: the campaign is not sent at its date."""
    if not Campaign.objects.filter(pk=campaign.pk, status=Status.SCHEDULED).update(status=Status.DRAFT,
                                                                                  scheduled_at=None):
        raise CampaignError(_("This campaign is not scheduled."))
    campaign.refresh_from_db()
    return campaign


def start(campaign, *, enqueue=True):
    """Freeze the content (rendered once now) and hand the campaign to the sending engine.

    With ``enqueue=False`` the caller runs ``sending.run`` itself (the ``send_campaign`` command).
    """
    check_sendable(campaign)
    rendered = rendering.render(campaign)
    with transaction.atomic():
        if not Campaign.objects.filter(pk=campaign.pk, status__in=[Status.DRAFT, Status.SCHEDULED]).update(
                status=Status.SENDING, started_at=timezone.now(), rendered_html=rendered.html,
                rendered_text=rendered.text):
            raise CampaignError(_("This campaign has already been sent or cancelled."))
    if enqueue:
        transaction.on_commit(lambda: _enqueue(campaign))
    campaign.refresh_from_db()
    return campaign


def pause(campaign):
    """Stop sending after the current batch; ``resume`` goes on where it stopped."""
    if not Campaign.objects.filter(pk=campaign.pk, status=Status.SENDING).update(status=Status.PAUSED):
        raise CampaignError(_("Only a campaign being sent can be paused."))
    campaign.refresh_from_db()
    return campaign


def resume(campaign):
    """Go on sending a paused campaign (or a sending one whose runner stopped): each person once."""
    updated = Campaign.objects.filter(pk=campaign.pk, status=Status.PAUSED).update(status=Status.SENDING)
    if not updated and not Campaign.objects.filter(pk=campaign.pk, status=Status.SENDING).exists():
        raise CampaignError(_("Only a paused campaign can be resumed."))
    transaction.on_commit(lambda: _enqueue(campaign))
    campaign.refresh_from_db()
    return campaign


def cancel(campaign):
    """Stop for good: nobody else receives it (those already sent to keep their message)."""
    if not Campaign.objects.filter(pk=campaign.pk, status__in=[Status.DRAFT, Status.SCHEDULED, Status.SENDING,
                                                               Status.PAUSED]).update(
            status=Status.CANCELLED, finished_at=timezone.now()):
        raise CampaignError(_("This campaign is already finished."))
    campaign.refresh_from_db()
    return campaign


def send_test(campaign, address, *, first_name=""):
    """Send the campaign as it stands to ``address`` (subject marked as a test); links lead nowhere harmful."""
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise CampaignError(_("Enter a valid email address for the test.")) from None
    rendered = rendering.render(campaign)
    with_test = _("[Test] %(subject)s") % {"subject": campaign.subject}
    from django.conf import settings

    template = MessageTemplate(from_email=settings.DEFAULT_FROM_EMAIL, subject=with_test,
                               html_source=rendered.html, text=rendered.text)
    values = rendering.sample_values(campaign, first_name)
    message = template.django_message(to=address, message_id=sending.message_id(campaign.pk, 0),
                                      list_unsubscribe=values[rendering.UNSUBSCRIBE_URL], values=values)
    try:
        message.send()
    except OSError:
        raise CampaignError(_("The mail server could not be reached: the test was not sent. Try again later."))\
            from None


def preview(campaign, first_name=""):
    """(HTML, text) as a reader would get them, with sample personalisation."""
    rendered = rendering.render(campaign)
    values = rendering.sample_values(campaign, first_name)
    return (rendering.Personaliser(rendered.html, escape=True).fill(values),
            rendering.Personaliser(rendered.text, escape=False).fill(values))


def start_due():
    """The scheduler's check: start scheduled campaigns that are due, restart those whose runner stopped."""
    started = 0
    for campaign in Campaign.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=timezone.now()):
        try:
            start(campaign)
            started += 1
        except CampaignError:
            # Nobody left to receive it (everyone unsubscribed since): it goes back to draft, visibly.
            Campaign.objects.filter(pk=campaign.pk, status=Status.SCHEDULED).update(status=Status.DRAFT)
    lease = sending.config()["LEASE_SECONDS"]
    for campaign in Campaign.objects.filter(status=Status.SENDING):
        if sending.runner_is_gone(campaign.runner, campaign.heartbeat_at, lease):
            _enqueue(campaign)
    return started
