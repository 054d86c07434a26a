"""Memberships and loyalty points.

Invariants (kept by ``cimaise.audience.loyalty.services``):

- a contact's points balance is ``Contact.points``, moved only together with a ``PointsTransaction``
  row in the same transaction, by a conditional update: a redemption never takes it below zero;
- ``Contact.membership_tier`` and ``Contact.membership_until`` (precomputed for segments) follow the
  contact's memberships: the tier of the membership that ends last, and its end plus the grace period;
- a renewal reminder goes once per membership and number of days (a unique row, claimed before sending).
"""

import secrets

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cimaise.audience.models import Contact, ContactActivity


def default_reminder_days():
    return [30, 7]


def new_card_secret():
    return secrets.token_urlsafe(18)


def new_card_number():
    # 10 digits, easy to read out at a desk; uniqueness is checked by the database.
    return "".join(secrets.choice("0123456789") for _ in range(10))


class MembershipProgramme(models.Model):
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=12,
                                                       validators=[MinValueValidator(1)])
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=30,
        help_text=_("Days after the end during which the member keeps their benefits while renewing."))
    reminder_days = models.JSONField(_("renewal reminders (days before the end)"), default=default_reminder_days,
                                     blank=True)
    active = models.BooleanField(_("open to new members"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("membership programme")
        verbose_name_plural = _("membership programmes")

    def __str__(self):
        return self.name


class MembershipTier(models.Model):
    programme = models.ForeignKey(MembershipProgramme, verbose_name=_("programme"), on_delete=models.CASCADE,
                                  related_name="tiers")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("code"), max_length=50, unique=True,
                            help_text=_("Short code used by segments, e.g. friend, patron."))
    price_note = models.CharField(_("price"), max_length=200, blank=True,
                                  help_text=_("As members read it, e.g. 45 € a year, paid at the desk."))
    benefits = models.TextField(_("benefits"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "sort_order", "name"]
        verbose_name = _("membership tier")
        verbose_name_plural = _("membership tiers")

    def __str__(self):
        return f"{self.programme} · {self.name}"


class Membership(models.Model):
    """One period of membership of a contact in a tier (a renewal is a new period that follows)."""

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                related_name="memberships")
    tier = models.ForeignKey(MembershipTier, verbose_name=_("tier"), on_delete=models.PROTECT,
                             related_name="memberships")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-ends_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="loyalty_membership_ends_after_start")]
        indexes = [models.Index(fields=["ends_on"], name="loyalty_membership_ends")]

    def __str__(self):
        return f"{self.tier} · {self.starts_on} – {self.ends_on}"


class RenewalReminder(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "days_before"], name="loyalty_one_reminder")]


class PointsRule(models.Model):
    """How many points an activity earns (for a purchase: per whole euro spent)."""

    class Activity(models.TextChoices):
        REGISTERED = ContactActivity.Kind.REGISTERED.value, _("registration for an event")
        CHECKED_IN = ContactActivity.Kind.CHECKED_IN.value, _("check-in at an event")
        VISITED = ContactActivity.Kind.VISITED.value, _("visit recorded at the desk")
        PURCHASED = ContactActivity.Kind.PURCHASED.value, _("purchase (per euro)")

    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices, unique=True)
    points = models.PositiveIntegerField(_("points"))
    members_only = models.BooleanField(_("members only"), default=False,
                                       help_text=_("Earned only by people with a current membership."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["activity"]
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")

    def __str__(self):
        return f"{self.get_activity_display()}: {self.points}"


class Reward(models.Model):
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveIntegerField(_("points needed"), validators=[MinValueValidator(1)])
    active = models.BooleanField(_("available"), default=True)

    class Meta:
        ordering = ["cost", "name"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self):
        return f"{self.name} ({self.cost})"


class PointsTransaction(models.Model):
    """One movement of a contact's points: earned (+), spent on a reward (−), adjusted by the team."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("earned")
        REDEEMED = "redeemed", _("spent on a reward")
        ADJUSTED = "adjusted", _("adjusted by the team")

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                related_name="points_transactions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    balance = models.IntegerField(_("balance after"))
    rule = models.ForeignKey(PointsRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reward = models.ForeignKey(Reward, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What earned the points, e.g. "events.registration:12" (one award per activity and rule).
    ref = models.CharField(max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("points movement")
        verbose_name_plural = _("points movements")
        constraints = [models.UniqueConstraint(fields=["contact", "rule", "ref"],
                                               condition=models.Q(kind="earned") & ~models.Q(ref=""),
                                               name="loyalty_earned_once_per_activity")]


class MemberCard(models.Model):
    """A contact's card: a number to read out and a secret for the QR code and the card's own page."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="card")
    number = models.CharField(_("card number"), max_length=10, unique=True, default=new_card_number)
    secret = models.CharField(max_length=32, unique=True, default=new_card_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member card")
        verbose_name_plural = _("member cards")
        permissions = [("use_loyalty_desk", _("Can record visits, purchases and rewards at the desk"))]

    def __str__(self):
        return self.number
