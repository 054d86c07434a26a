"""Campaigns: a newsletter composed from Wagtail pages, sent to a list's confirmed subscribers.

Every change goes through ``cimaise.audience.campaigns.services``; the sending engine
(``cimaise.audience.campaigns.sending``) is the only writer of recipients' states. Invariants:

- one ``CampaignRecipient`` per campaign and contact (unique): the recipients are materialised once
  when sending starts, and their per-row state is what makes a resume exact;
- a recipient moves pending -> sending (claimed by a runner, in one conditional UPDATE) -> sent, failed
  or skipped; a row is marked sent right after the mail server accepted its message, before the runner's
  thread sends the next one (see docs/audience-campaigns.md, "Exactly once");
- the HTML and text of a campaign are rendered once, when sending starts, and stored with placeholders
  (``rendered_html``, ``rendered_text``): every runner and every resume sends the very same content.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cimaise.audience.models import Contact, NewsletterList


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        PAUSED = "paused", _("paused")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")

    name = models.CharField(_("name"), max_length=200, help_text=_("For the team only; readers never see it."))
    subject = models.CharField(_("subject"), max_length=200)
    preheader = models.CharField(_("preheader"), max_length=200, blank=True,
                                 help_text=_("The short line mail programs show after the subject."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr",
                                help_text=_("A campaign is written in one language. On a list for every "
                                            "language, only the subscribers who chose this one receive it."))
    intro = models.TextField(_("introduction"), blank=True,
                             help_text=_("A few words before the pages; blank lines separate paragraphs."))
    newsletter = models.ForeignKey(NewsletterList, verbose_name=_("list"), on_delete=models.PROTECT,
                                   related_name="campaigns")
    # Narrows the list: only its subscribers who are also in the segment receive the campaign.
    segment = models.ForeignKey("audience_segments.Segment", verbose_name=_("segment"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="campaigns",
                                help_text=_("Optional: only the list's subscribers who are in this segment."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True, db_index=True)

    # Frozen when sending starts (placeholders in them are filled per recipient).
    rendered_html = models.TextField(blank=True, editable=False)
    rendered_text = models.TextField(blank=True, editable=False)

    # Who runs the send loop now ("host:pid:random") and when it last showed it was alive.
    runner = models.CharField(max_length=100, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # When the recipients were materialised (once, by the first runner).
    prepared_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [("send_campaign", _("Can send, schedule, pause and cancel campaigns"))]

    def __str__(self):
        return self.name

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)


class CampaignItem(models.Model):
    """One chosen page (an article, an event) in a campaign, in the order of the newsletter's cards."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("campaign page")
        verbose_name_plural = _("campaign pages")
        constraints = [models.UniqueConstraint(fields=["campaign", "page"], name="campaigns_one_item_per_page")]


class CampaignRecipient(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (unsubscribed or suppressed)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    # Kept when the contact is deleted: the campaign's figures stay right.
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="+")
    # Snapshots taken when sending starts (an erasure blanks them: see docs/audience-campaigns.md).
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    # What went wrong (the server's answer, never an address).
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="campaigns_one_recipient_per_contact"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="campaigns_recipient_status")]

    def __str__(self):
        return f"{self.campaign_id}:{self.pk} · {self.status}"
