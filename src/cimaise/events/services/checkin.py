"""Checking a ticket in at the door.

``check_in(code, *, user, session=None)`` lets a confirmed ticket in once. The
code is what the QR holds (the ticket's secret), the same typed, a URL ending
with it, or the short code printed under the QR (its first ten characters)
when the session is chosen. Two phones scanning one ticket at the same moment
check it in once: the update is conditional (``checked_in_at IS NULL``), and
the one that loses is told who won and when.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cimaise.audience.services import contacts as audience_contacts
from cimaise.events.models import EventSession, Registration

# Doors open this long before a session and stay open this long after its end.
OPEN_BEFORE = datetime.timedelta(hours=4)
OPEN_AFTER = datetime.timedelta(hours=2)
SHORT_CODE_LENGTH = 10
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class CheckInResult:
    """What the door is told: ``ok`` and a ``reason`` code, a ``message`` for people, the registration if known."""

    ok: bool
    reason: str  # checked_in, already_checked_in, cancelled, waitlisted, offered, expired, session_cancelled,
    # unknown, ambiguous, wrong_session, not_today
    message: str
    registration: Registration | None = None


def normalise(code):
    """The ticket code in ``code``: trimmed, a URL's last segment, the short code without its dash."""
    code = (code or "").strip()
    if "/" in code or "=" in code:
        code = re.split(r"[/=]", code.rstrip("/"))[-1]
        code = re.sub(r"\.(png|svg)$", "", code)
    return code


def find(code, session=None):
    """The registration for ``code`` or None (a short code needs ``session`` and must match one ticket)."""
    code = normalise(code)
    if not code or len(code) > 64 or not _CODE.match(code.replace("-", "")):
        return None, "unknown"
    registrations = Registration.objects.select_related("session__event", "checked_in_by")
    found = registrations.filter(ticket_secret=code).first()
    if found:
        return found, None
    short = code[:5] + code[6:] if len(code) == SHORT_CODE_LENGTH + 1 and code[5] == "-" else code
    if session is not None and len(short) == SHORT_CODE_LENGTH:
        matches = list(registrations.filter(session=session, ticket_secret__startswith=short)[:2])
        # startswith may ignore case on some databases: compare exactly here.
        matches = [r for r in matches if r.ticket_secret.startswith(short)]
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, "ambiguous"
    return None, "unknown"


def _moment(value, registration):
    return date_format(timezone.localtime(value, registration.session.event.tz), "DATETIME_FORMAT")


def _who(user):
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def check_in(code, *, user, session=None, now=None):
    """Check the ticket ``code`` in (for ``session`` if given). Never raises for a bad code: see the result."""
    now = now or timezone.now()
    registration, problem = find(code, session)
    if registration is None:
        if problem == "ambiguous":
            return CheckInResult(False, "ambiguous", _("This short code matches several tickets: scan the QR code "
                                                      "or type the whole code."))
        return CheckInResult(False, "unknown", _("Unknown ticket: this code is not one of our tickets. Check it, or "
                                                 "ask for the confirmation email."))
    reg_session = registration.session
    if session is not None and reg_session.pk != session.pk:
        return CheckInResult(False, "wrong_session", _("This ticket is for another session: %(session)s.")
                             % {"session": str(reg_session)}, registration)
    if reg_session.status == EventSession.Status.CANCELLED:
        return CheckInResult(False, "session_cancelled", _("This session was cancelled."), registration)
    refused = {
        Registration.Status.CANCELLED: _("This ticket was cancelled."),
        Registration.Status.WAITLISTED: _("This person is on the waiting list: the ticket does not give a seat."),
        Registration.Status.OFFERED: _("A seat was offered but not confirmed: the ticket does not give a seat yet."),
        Registration.Status.EXPIRED: _("This waiting-list offer expired: the ticket does not give a seat."),
    }
    if registration.status in refused:
        return CheckInResult(False, registration.status, refused[registration.status], registration)
    if registration.checked_in_at is None and not (
            reg_session.starts_at - OPEN_BEFORE <= now <= reg_session.ends_at + OPEN_AFTER):
        return CheckInResult(False, "not_today", _("This ticket is for another day or time: %(session)s.")
                             % {"session": str(reg_session)}, registration)
    with transaction.atomic():
        updated = Registration.objects.filter(
            pk=registration.pk, status=Registration.Status.CONFIRMED, checked_in_at__isnull=True,
        ).update(checked_in_at=now, checked_in_by=user)
        if updated:
            audience_contacts.record_check_in(registration, now)  # the person's timeline and figures (#6)
    registration.refresh_from_db()
    if updated:
        return CheckInResult(True, "checked_in", _("Welcome: checked in."), registration)
    if registration.checked_in_at is not None:
        return CheckInResult(False, "already_checked_in", _("Already checked in, at %(when)s by %(who)s.") % {
            "when": _moment(registration.checked_in_at, registration), "who": _who(registration.checked_in_by)},
            registration)
    # The status changed between the read and the update (cancelled just now): say what it is now.
    return CheckInResult(False, registration.status, refused.get(registration.status, _("This ticket was cancelled.")),
                         registration)
