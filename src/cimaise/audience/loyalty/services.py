"""Memberships, points and rewards: every change goes through here (see the models' invariants)."""

import datetime
import logging
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from cimaise.audience.loyalty.models import (
    MemberCard,
    Membership,
    MembershipTier,
    PointsRule,
    PointsTransaction,
    RenewalReminder,
    Reward,
)
from cimaise.audience.models import Contact, ContactActivity
from cimaise.audience.services.contacts import record_activity

logger = logging.getLogger(__name__)

_NUMBER = re.compile(r"^\d{10}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{20,32}$")


class LoyaltyError(ValidationError):
    """A refused operation, with a message for the person at the desk and a ``code``."""

    def __init__(self, message, code):
        super().__init__(message, code=code)


# --- cards ----------------------------------------------------------------------------------------------------


def card_for(contact):
    """The contact's member card, created on first use."""
    card = MemberCard.objects.filter(contact=contact).first()
    if card is not None:
        return card
    for _attempt in range(5):  # a random number may, rarely, be taken already
        try:
            with transaction.atomic():
                return MemberCard.objects.create(contact=contact)
        except IntegrityError:
            card = MemberCard.objects.filter(contact=contact).first()
            if card is not None:
                return card
    raise RuntimeError("could not give the card a unique number")


def find_card(code):
    """The card whose number (spaces allowed) or secret (from its QR code or link) is ``code``, or None."""
    code = (code or "").strip()
    digits = re.sub(r"[\s-]", "", code)
    if _NUMBER.match(digits):
        return MemberCard.objects.select_related("contact").filter(number=digits).first()
    if _SECRET.match(code):
        return MemberCard.objects.select_related("contact").filter(secret=code).first()
    return None


# --- memberships ----------------------------------------------------------------------------------------------


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def latest_membership(contact):
    return Membership.objects.select_related("tier__programme").filter(contact=contact).order_by("-ends_on").first()


def status(membership, today=None):
    """"active", "grace" (ended, benefits kept while renewing), "expired", or "none"."""
    if membership is None:
        return "none"
    today = today or timezone.localdate()
    if membership.starts_on <= today <= membership.ends_on:
        return "active"
    if today < membership.starts_on:
        return "active"  # a renewal that starts later: the current period is still running
    if today <= membership.ends_on + datetime.timedelta(days=membership.tier.programme.grace_days):
        return "grace"
    return "expired"


def is_member(contact, today=None):
    return status(latest_membership(contact), today) in ("active", "grace")


def refresh_contact(contact):
    """Copy the contact's membership onto it for segments: the tier, and the last day of benefits (grace included)."""
    membership = latest_membership(contact)
    if membership is None:
        tier, until = "", None
    else:
        tier = membership.tier.slug
        until = membership.ends_on + datetime.timedelta(days=membership.tier.programme.grace_days)
    Contact.objects.filter(pk=contact.pk).update(membership_tier=tier, membership_until=until)
    contact.membership_tier, contact.membership_until = tier, until


def join(contact, tier, *, user=None, today=None):
    """Make ``contact`` a member of ``tier``, or renew: a renewal starts the day after the current period ends.

    A membership that has fully expired (past its grace period) starts again today.
    """
    if not tier.programme.active:
        raise LoyaltyError(_("This programme no longer takes members."), "programme_closed")
    today = today or timezone.localdate()
    with transaction.atomic():
        current = latest_membership(contact)
        renewing = status(current, today) in ("active", "grace")
        starts = current.ends_on + datetime.timedelta(days=1) if renewing else today
        ends = _add_months(starts, tier.programme.duration_months) - datetime.timedelta(days=1)
        membership = Membership.objects.create(contact=contact, tier=tier, starts_on=starts, ends_on=ends,
                                               created_by=user)
        refresh_contact(contact)
        card = card_for(contact)
        record_activity(contact, ContactActivity.Kind.MEMBERSHIP, ref=f"audience_loyalty.membership:{membership.pk}",
                        summary=(_("Renewed: %(tier)s until %(date)s") if renewing else
                                 _("Joined: %(tier)s until %(date)s")) % {"tier": tier.name, "date": ends.isoformat()})
        transaction.on_commit(lambda: _enqueue_email("welcome", membership.pk))
    membership.card = card
    return membership


# --- points ---------------------------------------------------------------------------------------------------


def _move(contact, points, kind, *, rule=None, reward=None, ref="", note="", user=None):
    """Move ``points`` (may be negative) on the balance and write the movement; inside a transaction."""
    if points < 0:
        taken = Contact.objects.filter(pk=contact.pk, points__gte=-points).update(points=F("points") + points)
        if not taken:
            raise LoyaltyError(_("Not enough points."), "not_enough")
    else:
        Contact.objects.filter(pk=contact.pk).update(points=F("points") + points)
    balance = Contact.objects.values_list("points", flat=True).get(pk=contact.pk)
    contact.points = balance
    return PointsTransaction.objects.create(contact=contact, kind=kind, points=points, balance=balance, rule=rule,
                                            reward=reward, ref=ref[:100], note=note[:200], by=user)


def award(contact, activity, *, ref="", amount=None, user=None):
    """Give the points the rules set for ``activity`` (a ContactActivity kind); None when none are due.

    Once per activity: the same ``ref`` (e.g. "events.registration:12") earns once. For a purchase,
    ``amount`` in euros: the rule's points per whole euro.
    """
    rule = PointsRule.objects.filter(activity=activity, active=True).first()
    if rule is None or (rule.members_only and not is_member(contact)):
        return None
    points = rule.points
    if activity == PointsRule.Activity.PURCHASED:
        points = rule.points * int(amount or 0)
    if points <= 0:
        return None
    try:
        with transaction.atomic():
            movement = _move(contact, points, PointsTransaction.Kind.EARNED, rule=rule, ref=ref, user=user)
            record_activity(contact, ContactActivity.Kind.POINTS, ref=ref,
                            summary=_("+%(points)s points: %(why)s") % {"points": points,
                                                                        "why": rule.get_activity_display()})
    except IntegrityError:
        return None  # already earned for this activity
    return movement


def redeem(contact, reward, *, user=None):
    """Spend points on ``reward``; raises LoyaltyError when the reward is off or the balance too low."""
    if not reward.active:
        raise LoyaltyError(_("This reward is no longer available."), "reward_unavailable")
    with transaction.atomic():
        movement = _move(contact, -reward.cost, PointsTransaction.Kind.REDEEMED, reward=reward,
                         note=reward.name, user=user)
        record_activity(contact, ContactActivity.Kind.POINTS, summary=_("−%(points)s points: %(reward)s") % {
            "points": reward.cost, "reward": reward.name})
    return movement


def adjust(contact, points, *, note, user=None):
    """A correction by the team (a note is required); never below zero."""
    if not note.strip():
        raise LoyaltyError(_("Say why the points change."), "note_required")
    with transaction.atomic():
        return _move(contact, points, PointsTransaction.Kind.ADJUSTED, note=note, user=user)


def record_visit(contact, *, user=None):
    """A visit recorded at the desk (the member's card scanned or its number typed): timeline and points."""
    with transaction.atomic():
        activity = record_activity(contact, ContactActivity.Kind.VISITED, summary=_("Visit recorded at the desk"))
        return award(contact, ContactActivity.Kind.VISITED, ref=f"audience.activity:{activity.pk}", user=user)


def parse_amount(value):
    try:
        amount = Decimal(str(value).replace(",", ".").replace("€", "").strip())
    except (InvalidOperation, ValueError):
        raise LoyaltyError(_("Give the amount in euros, e.g. 12.50."), "amount") from None
    if amount <= 0 or amount > 100000:
        raise LoyaltyError(_("Give the amount in euros, e.g. 12.50."), "amount")
    return amount


def record_purchase(contact, amount, *, user=None):
    """A purchase recorded by staff (amount in euros): timeline and points."""
    amount = parse_amount(amount)
    with transaction.atomic():
        activity = record_activity(contact, ContactActivity.Kind.PURCHASED, data={"amount": str(amount)},
                                   summary=_("Purchase of %(amount)s €") % {"amount": amount})
        return award(contact, ContactActivity.Kind.PURCHASED, ref=f"audience.activity:{activity.pk}", amount=amount,
                     user=user)


def on_activity(activity):
    """Points for activities recorded elsewhere (event registration, check-in), once per activity."""
    if activity.kind in (ContactActivity.Kind.REGISTERED, ContactActivity.Kind.CHECKED_IN):
        award(activity.contact, activity.kind, ref=activity.ref or f"audience.activity:{activity.pk}")


# --- emails: welcome and renewal reminders --------------------------------------------------------------------


@task()
def send_membership_email(kind, membership_id, days=None):
    from cimaise.audience.loyalty import emails

    membership = Membership.objects.select_related("contact", "tier__programme").filter(pk=membership_id).first()
    if membership is not None and not membership.contact.is_erased:
        emails.send(kind, membership, days=days)


def _enqueue_email(kind, membership_id, days=None):
    try:
        send_membership_email.enqueue(kind, membership_id, days)
    except Exception as error:  # noqa: BLE001 - the membership stands; the log names no person
        logger.error("loyalty: could not send the %r email of membership %s (%s)", kind, membership_id,
                     type(error).__name__)


def send_renewal_reminders(today=None):
    """Remind members whose membership ends in one of the programme's reminder days, each reminder once.

    Not for a membership already renewed (a later period exists). Returns how many were sent.
    """
    from cimaise.audience.loyalty import emails

    today = today or timezone.localdate()
    longest = max([max(p or [0]) for p in
                   MembershipTier.objects.values_list("programme__reminder_days", flat=True)] or [0])
    due = (Membership.objects.select_related("contact", "tier__programme")
           .filter(ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=longest)))
    sent = 0
    for membership in due:
        if Membership.objects.filter(contact=membership.contact_id, ends_on__gt=membership.ends_on).exists():
            continue
        left = (membership.ends_on - today).days
        passed = sorted(d for d in (membership.tier.programme.reminder_days or []) if left <= int(d))
        if not passed or membership.contact.is_erased:
            continue
        days = int(passed[0])  # the nearest: a late run does not send the older ones as well
        try:
            with transaction.atomic():
                RenewalReminder.objects.create(membership=membership, days_before=days)
        except IntegrityError:
            continue  # sent already (or by another worker)
        for older in passed[1:]:
            RenewalReminder.objects.get_or_create(membership=membership, days_before=int(older))
        emails.send("renewal", membership, days=days)
        sent += 1
    return sent


__all__ = ["LoyaltyError", "Reward"]
