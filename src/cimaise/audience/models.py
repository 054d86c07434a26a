"""The audience's core data: contacts, what they did, what they consented to, the lists they subscribed to.

Every change goes through ``cimaise.audience.services``. Invariants:

- one contact per normalised email address (``Contact.email`` is unique; services normalise);
- consent is a history: ``ConsentRecord`` rows are never updated but for ``is_current``, which marks
  the latest record of a contact and purpose (the one segments read);
- a suppressed address (unsubscribed from everything, bounced, complained, erased) is kept only as a
  SHA-256 of the normalised address in ``Suppression``: no message goes to it, even after a re-import;
- the figures segments filter on (events attended, last email opened, points, membership) are kept on
  the contact itself, updated by the services that record the activity, so that a count over a
  million contacts needs no join.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def email_digest(email):
    """The SHA-256 (hex) of a normalised address: how suppressions and erased contacts keep it."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def new_token():
    return secrets.token_urlsafe(24)


class Interest(models.Model):
    """A subject a contact cares about (painting, music, family activities...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A free label the team puts on contacts (e.g. "press 2026", "friends of the museum")."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Contact(models.Model):
    class Kind(models.TextChoices):
        VISITOR = "visitor", _("visitor")
        MEMBER = "member", _("member")
        DONOR = "donor", _("donor")
        PRESS = "press", _("press")
        TEACHER = "teacher", _("teacher")
        STUDENT = "student", _("student")
        PARTNER = "partner", _("partner")

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by the team")
        IMPORT = "import", _("import")
        REGISTRATION = "registration", _("event registration")
        SUBSCRIPTION = "subscription", _("newsletter sign-up")
        VISIT = "visit", _("visit")
        API = "api", _("API")

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VISITOR, db_index=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    interests = models.ManyToManyField(Interest, verbose_name=_("interests"), blank=True, related_name="contacts")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="contacts")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the person asked to be forgotten: the identity is gone, the aggregates stay.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    # Precomputed activity (see the module's docstring): written by the services that record the activity.
    events_attended = models.PositiveIntegerField(_("events attended"), default=0, db_index=True)
    last_attended_at = models.DateTimeField(_("last attended"), null=True, blank=True, db_index=True)
    last_opened_at = models.DateTimeField(_("last newsletter opened"), null=True, blank=True, db_index=True)
    last_clicked_at = models.DateTimeField(_("last link clicked"), null=True, blank=True)
    points = models.IntegerField(_("loyalty points"), default=0, db_index=True)
    membership_tier = models.CharField(_("membership tier"), max_length=50, blank=True, db_index=True)
    membership_until = models.DateField(_("member until"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        # (language, kind, postal code): the attribute segments' usual filter (see docs/audience-segments.md).
        indexes = [models.Index(fields=["language", "kind", "postal_code"], name="audience_contact_lang_kind_pc")]

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_erased(self):
        return self.erased_at is not None


class ContactActivity(models.Model):
    """One thing a contact did or received: the contact's timeline, and the source of the precomputed figures."""

    class Kind(models.TextChoices):
        CREATED = "created", _("added")
        IMPORTED = "imported", _("imported")
        MERGED = "merged", _("merged with a duplicate")
        REGISTERED = "registered", _("registered for an event")
        CHECKED_IN = "checked_in", _("checked in at an event")
        VISITED = "visited", _("visited the venue")
        PURCHASED = "purchased", _("made a purchase")
        SUBSCRIBED = "subscribed", _("subscribed to a newsletter")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        CONSENT = "consent", _("consent changed")
        EMAIL_SENT = "email_sent", _("email sent")
        EMAIL_DELIVERED = "email_delivered", _("email delivered")
        EMAIL_OPENED = "email_opened", _("email opened")
        EMAIL_CLICKED = "email_clicked", _("link clicked")
        EMAIL_BOUNCED = "email_bounced", _("email bounced")
        EMAIL_COMPLAINED = "email_complained", _("marked as spam")
        MEMBERSHIP = "membership", _("membership")
        POINTS = "points", _("loyalty points")
        EXPORTED = "exported", _("data exported")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    # What it is about, as "app.model:pk" (an event session, a campaign...), and a short public-safe summary.
    ref = models.CharField(_("about"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["contact", "-at"], name="audience_activity_timeline"),
            models.Index(fields=["kind", "at", "contact"], name="audience_activity_kind_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d}"


class ConsentRecord(models.Model):
    """One consent given or withdrawn, with its proof: what, when, how, the very text shown, the IP where lawful."""

    class Purpose(models.TextChoices):
        NEWSLETTER = "newsletter", _("newsletters and emailings")
        PHOTOS = "photos", _("photographs at events")
        PROFILING = "profiling", _("personalised offers from activity")

    class Method(models.TextChoices):
        FORM = "form", _("form on the site")
        DOUBLE_OPT_IN = "double_opt_in", _("confirmed by email (double opt-in)")
        REGISTRATION = "registration", _("event registration form")
        IMPORT = "import", _("import (consent collected elsewhere)")
        STAFF = "staff", _("recorded by the team")
        PREFERENCES = "preferences", _("preference centre")
        UNSUBSCRIBE = "unsubscribe", _("unsubscribe link")
        ERASURE = "erasure", _("erasure request")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    text_shown = models.TextField(_("text shown"), blank=True)
    source_url = models.CharField(_("page"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            models.UniqueConstraint(fields=["contact", "purpose"], condition=Q(is_current=True),
                                    name="audience_one_current_consent"),
        ]
        indexes = [models.Index(fields=["purpose", "is_current", "granted"], name="audience_consent_current")]

    def __str__(self):
        return f"{self.get_purpose_display()}: {'+' if self.granted else '-'}"


class NewsletterList(models.Model):
    """A list people subscribe to (e.g. "La lettre du musée", "Jeune public")."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True,
                                help_text=_("Leave empty for a list in every language."))
    double_opt_in = models.BooleanField(_("double opt-in"), default=True,
                                        help_text=_("New subscribers confirm by clicking a link in an email."))
    public = models.BooleanField(_("offered on the site and in the preference centre"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("newsletter list")
        verbose_name_plural = _("newsletter lists")

    def __str__(self):
        return self.name


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("subscribed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                related_name="subscriptions")
    newsletter = models.ForeignKey(NewsletterList, verbose_name=_("list"), on_delete=models.CASCADE,
                                   related_name="subscriptions")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    # Opaque, random, per subscription: the one-click unsubscribe link (RFC 8058) carries it, nothing else.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["contact", "newsletter"], name="audience_one_subscription")]
        indexes = [models.Index(fields=["newsletter", "status"], name="audience_subscription_list")]

    def __str__(self):
        return f"{self.newsletter} · {self.get_status_display()}"


class Suppression(models.Model):
    """An address that receives nothing: kept as a digest only (see ``email_digest``)."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed from everything")
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("marked as spam")
        ERASED = "erased", _("erased on request")
        MANUAL = "manual", _("blocked by the team")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.get_reason_display()} · {self.email_hash[:12]}…"


class ContactImport(models.Model):
    """One CSV import: its file, the column mapping, its progress, and every rejected row with its reason."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("columns to map")
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    file = models.FileField(_("file"), upload_to="audience/imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    # {CSV column: contact field}; columns mapped to "" are ignored.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # What the people in the file agreed to, as the team states it (the consent's proof for imported rows).
    consent_purposes = models.JSONField(_("consents collected elsewhere"), default=list, blank=True)
    consent_text = models.TextField(_("how the consent was collected"), blank=True)
    newsletter = models.ForeignKey(NewsletterList, verbose_name=_("subscribe to"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    tag = models.ForeignKey(Tag, verbose_name=_("tag the contacts with"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MAPPING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"row": 12, "reason": "...", "values": {...}}]: nothing is dropped without a line here.
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")

    def __str__(self):
        return self.original_name


class DuplicateCandidate(models.Model):
    """Two contacts that may be one person (same name, different addresses...): a person decides."""

    class Status(models.TextChoices):
        OPEN = "open", _("to review")
        MERGED = "merged", _("merged")
        DISTINCT = "distinct", _("different people")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("why"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [models.UniqueConstraint(fields=["contact", "other"], name="audience_one_duplicate_pair")]
