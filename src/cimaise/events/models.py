"""Events and their sessions, speakers and registrations.

An event is a page (``EventPage``, under an ``EventIndexPage``): what it is,
who speaks, where, for whom. Its dates are ``EventSession`` rows, each with its
capacity. Sessions are not part of the page's revisions on purpose: their
seat counter (``confirmed_seats``) changes with every registration, and
publishing an older revision must never bring back an older count. Sessions
change only through ``cimaise.events.services``.

Invariant (DESIGN.md, 4): for every session, the confirmed seats never exceed
its capacity. ``services`` enforces it inside the transaction with a
conditional update of ``confirmed_seats``, never with a count read before.
"""

import secrets
import uuid
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cimaise.ai.transparency.page_mixin import AITransparentPageMixin
from cimaise.events.api import SessionsField, SpeakersField


class EventKind(models.TextChoices):
    EXHIBITION = "exhibition", _("Exhibition")
    PERFORMANCE = "performance", _("Performance")
    CONCERT = "concert", _("Concert")
    SCREENING = "screening", _("Screening")
    GUIDED_TOUR = "guided_tour", _("Guided tour")
    WORKSHOP = "workshop", _("Workshop")
    WEBINAR = "webinar", _("Webinar")
    TALK = "talk", _("Talk")


class Attendance(models.TextChoices):
    VENUE = "venue", _("In the venue")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("In the venue and online")


class Price(models.TextChoices):
    FREE = "free", _("Free")
    PAID_ON_SITE = "paid_on_site", _("Paid on site")


def default_reminder_hours():
    return [24, 1]


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("“%(value)s” is not a time zone, e.g. Europe/Paris.") % {"value": value}) from exc


def validate_reminder_hours(value):
    if not isinstance(value, list) or not all(isinstance(h, int) and 0 < h <= 24 * 30 for h in value):
        raise ValidationError(_("Give the reminders as a list of hours before the start, e.g. [24, 1]."))


class EventIndexPage(AITransparentPageMixin, Page):
    """The programme: upcoming events, filters, a calendar, and the archive of past ones."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["events.EventPage"]
    template = "events/event_index_page.html"
    content_panels = Page.content_panels + [FieldPanel("intro")]
    api_fields = [APIField("intro"), APIField("ai_disclosure")]

    class Meta:
        verbose_name = _("programme of events")

    def get_context(self, request, *args, **kwargs):
        from cimaise.events.programme import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(self, request))
        return context


class EventPage(AITransparentPageMixin, Page):
    """An exhibition opening, a performance, a tour, a workshop, a webinar…: free registration, limited seats."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.TALK)
    intro = models.TextField(_("introduction"), blank=True, max_length=600,
                             help_text=_("One or two sentences: shown in listings, reminders and calendars."))
    description = RichTextField(_("description"), blank=True,
                                features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("image"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    image_alt = models.CharField(_("image alternative text"), max_length=250, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE,
                                 validators=[validate_time_zone],
                                 help_text=_("The time zone of the sessions' dates, e.g. Europe/Paris."))
    attendance = models.CharField(_("where"), max_length=10, choices=Attendance.choices, default=Attendance.VENUE)
    venue = models.TextField(_("venue"), blank=True, help_text=_("The room and the address, as visitors need it."))
    join_url = models.URLField(
        _("webinar link"), blank=True,
        help_text=_("Shown only to confirmed registrants (confirmation page, emails, reminders): never on the "
                    "public page, in feeds or in the API."),
    )
    price = models.CharField(_("price"), max_length=20, choices=Price.choices, default=Price.FREE)
    price_note = models.CharField(_("price details"), max_length=200, blank=True,
                                  help_text=_("E.g. “5 € on site, free for members”. No online payment."))
    audiences = models.CharField(_("audiences"), max_length=255, blank=True,
                                 help_text=_("Comma-separated, e.g. families, students, seniors."))
    accessibility = models.TextField(_("accessibility"), blank=True,
                                     help_text=_("Step-free access, induction loop, sign language, quiet hour…"))
    registration_required = models.BooleanField(_("registration required"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    max_seats_per_person = models.PositiveSmallIntegerField(_("seats per person, at most"), default=4)
    reminder_hours = models.JSONField(_("reminders (hours before)"), default=default_reminder_hours,
                                      validators=[validate_reminder_hours], blank=True)
    # Texts around the event, written like any other (the AI assistant serves them; they count in the AI note).
    reminder_message = models.TextField(
        _("message in the reminders"), blank=True, max_length=1000,
        help_text=_("A few words added to the reminder emails, e.g. what to bring or where to meet."))
    social_post = models.TextField(
        _("social media post"), blank=True, max_length=3000,
        help_text=_("Not shown on the site: the text to share on social networks, shown with the AI disclosure "
                    "line on the event's sessions page."))

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    template = "events/event_page.html"

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("description")]
    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("description"),
        InlinePanel("speakers", label=_("Speakers")),
        MultiFieldPanel([FieldPanel("attendance"), FieldPanel("venue"), FieldPanel("join_url"),
                         FieldPanel("time_zone")], heading=_("Where and when")),
        MultiFieldPanel([FieldPanel("registration_required"), FieldPanel("registration_opens_at"),
                         FieldPanel("registration_closes_at"), FieldPanel("max_seats_per_person"),
                         FieldPanel("reminder_hours"),
                         FieldPanel("reminder_message", widget=forms.Textarea(
                             attrs={"rows": 3, "data-ai-assist": "rewrite"}))], heading=_("Registration")),
        MultiFieldPanel([FieldPanel("price"), FieldPanel("price_note"), FieldPanel("audiences"),
                         FieldPanel("accessibility", widget=forms.Textarea(
                             attrs={"rows": 3, "data-ai-assist": "plain_language"}))],
                        heading=_("Practical information")),
        FieldPanel("social_post", heading=_("Promotion"), widget=forms.Textarea(
            attrs={"rows": 4, "data-ai-assist": "social"})),
    ]
    api_fields = [APIField("kind"), APIField("intro"), APIField("description"), APIField("attendance"),
                  APIField("venue"), APIField("price"), APIField("price_note"), APIField("audiences"),
                  APIField("accessibility"), APIField("time_zone"), APIField("ai_disclosure"),
                  # Public data only: the sessions to come with their seats; never the join link.
                  APIField("sessions", serializer=SessionsField()), APIField("speakers", serializer=SpeakersField())]

    class Meta:
        verbose_name = _("event")

    def clean(self):
        super().clean()
        errors = {}
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Every image needs an alternative text.")
        if self.attendance in (Attendance.VENUE, Attendance.MIXED) and not self.venue.strip():
            errors["venue"] = _("Say where the event takes place.")
        if (self.registration_opens_at and self.registration_closes_at
                and self.registration_closes_at <= self.registration_opens_at):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if not 1 <= self.max_seats_per_person <= 50:
            errors["max_seats_per_person"] = _("Choose between 1 and 50 seats.")
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_online(self):
        return self.attendance in (Attendance.ONLINE, Attendance.MIXED)

    def get_context(self, request, *args, **kwargs):
        from cimaise.events.programme import event_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_context(self, request))
        return context

    def upcoming_sessions(self):
        """Sessions still to end, of this page and of its translations (a session is one in every language)."""
        from cimaise.events.programme import sessions_of

        return sessions_of(self).filter(ends_at__gte=timezone.now())


class Speaker(Orderable):
    page = ParentalKey(EventPage, related_name="speakers", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    photo = models.ForeignKey("wagtailimages.Image", verbose_name=_("photo"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    bio = models.TextField(_("biography"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("photo"), FieldPanel("bio")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")


class EventSession(models.Model):
    """One date of an event, with its capacity. Changed only through ``cimaise.events.services``."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(EventPage, verbose_name=_("event"), on_delete=models.PROTECT, related_name="sessions")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("seats"))
    confirmed_seats = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    registration_closed = models.BooleanField(_("registration closed by the organisers"), default=False)
    # RFC 5545 SEQUENCE of the session's own changes (time, place, cancellation), added to each registration's.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            # The invariant, also in the database: a bug elsewhere fails loudly instead of overselling.
            models.CheckConstraint(condition=Q(confirmed_seats__lte=F("capacity")), name="events_session_not_oversold"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="events_session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.event.title} · {timezone.localtime(self.starts_at, self.event.tz):%Y-%m-%d %H:%M}"

    @property
    def seats_left(self):
        return max(self.capacity - self.confirmed_seats, 0)

    @property
    def is_full(self):
        return self.confirmed_seats >= self.capacity


def new_secret():
    """A random, unguessable token (256 bits) for a ticket or a link."""
    return secrets.token_urlsafe(32)


class Registration(models.Model):
    """A person's registration to a session: confirmed, on the waiting list, offered a freed seat, cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        OFFERED = "offered", _("offered a seat")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("offer expired")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)

    session = models.ForeignKey(EventSession, verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="registrations")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # RFC 5545 UID, stable
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))  # normalised (lower case) by the services
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    consent_newsletter = models.BooleanField(_("agreed to receive the newsletter"), default=False)
    consent_photos = models.BooleanField(_("agreed to be photographed"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    ticket_secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    manage_secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # RFC 5545 SEQUENCE, raised on every change
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # Registering twice with one address is idempotent: one active registration per session and email.
            models.UniqueConstraint(fields=["session", "email"], condition=Q(status__in=["confirmed", "waitlisted",
                                                                                         "offered"]),
                                    name="events_one_active_registration_per_email"),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]
        permissions = [("check_in_registration", _("Can check visitors in"))]

    def __str__(self):
        return f"{self.name} · {self.session}"


class SentReminder(models.Model):
    """One reminder (``hours`` before the session) to one registration: claimed once, then sent.

    The unique constraint is the lock: whichever worker inserts the row sends the reminder. A row claimed but
    never marked sent (the worker died in between) is claimed again after a while (see services.reminders).
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    hours = models.PositiveIntegerField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["registration", "hours"], name="events_one_reminder_per_hours")]

    def __str__(self):
        return f"{self.registration_id} · {self.hours} h"
