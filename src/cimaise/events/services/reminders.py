"""Reminders before each session: ``EventPage.reminder_hours`` (by default 24 h and 1 h), sent once.

``send_due(now=None)`` is what the periodic task runs (every minute). For each
confirmed registration of a session that has not started, the reminder of
``h`` hours is due once ``starts_at - h`` has passed. If several are due (the
worker was down), only the nearest to the start is sent; the others are
recorded as done. Nothing is sent once the session has started, and a person
who registered after a reminder's time gets none for it (their confirmation
just told them).

Once, even with two workers or a worker that dies: a worker first *claims*
the reminder by inserting a ``SentReminder`` row (unique per registration and
hours) in its own transaction; only the worker whose insert commits sends,
then stamps ``sent_at``. A worker that dies between its claim and the stamp
leaves a claimed, unsent row: after ``RECLAIM_AFTER`` another run claims it
again (a conditional update: one winner) and sends, up to ``MAX_ATTEMPTS``
times, and never after the start. So delivery is *at least once* for that
narrow case: if the mail server accepted the message and the worker died
before stamping it, the person may get the same reminder twice. We chose
that over at most once: a visitor would rather read a reminder twice than miss
the webinar's link.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cimaise.events import notifications
from cimaise.events.models import EventSession, Registration, SentReminder

logger = logging.getLogger(__name__)

RECLAIM_AFTER = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 3
LONGEST = datetime.timedelta(days=30)  # models.validate_reminder_hours' limit


def due(now=None):
    """[(registration, hours, skipped_hours)] of the reminders due at ``now``, not yet claimed."""
    now = now or timezone.now()
    sessions = EventSession.objects.filter(
        status=EventSession.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + LONGEST,
    ).select_related("event")
    result = []
    for session in sessions:
        hours = sorted({int(h) for h in (session.event.reminder_hours or [])})
        passed = [h for h in hours if session.starts_at - datetime.timedelta(hours=h) <= now]
        if not passed:
            continue
        registrations = session.registrations.filter(status=Registration.Status.CONFIRMED).select_related(
            "session__event")
        done = {(r, h) for r, h in SentReminder.objects.filter(
            registration__session=session, hours__in=passed, sent_at__isnull=False,
        ).values_list("registration_id", "hours")}
        for registration in registrations:
            confirmed_at = registration.confirmed_at or registration.created_at
            # Only reminders whose time came after the person registered.
            eligible = [h for h in passed if confirmed_at < session.starts_at - datetime.timedelta(hours=h)]
            if not eligible:
                continue
            nearest = eligible[0]
            if (registration.pk, nearest) in done:
                continue
            result.append((registration, nearest, [h for h in eligible[1:] if (registration.pk, h) not in done]))
    return result


def claim(registration, hours, now):
    """True if this worker may send the reminder: it inserted the claim, or took over a stale one."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(registration=registration, hours=hours, claimed_at=now)
        return True
    except IntegrityError:
        pass
    return bool(SentReminder.objects.filter(
        registration=registration, hours=hours, sent_at__isnull=True, claimed_at__lt=now - RECLAIM_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    ).update(claimed_at=now, attempts=F("attempts") + 1))


def _skip(registration, hours, now):
    """Record an older reminder as done without sending it (a nearer one goes instead)."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(registration=registration, hours=hours, claimed_at=now, sent_at=now)
    except IntegrityError:
        SentReminder.objects.filter(registration=registration, hours=hours, sent_at__isnull=True).update(sent_at=now)


def send_due(now=None):
    """Send the reminders due at ``now``, each once; return how many this run sent."""
    now = now or timezone.now()
    sent = 0
    for registration, hours, skipped in due(now):
        if not claim(registration, hours, now):
            continue  # another worker has it
        for h in skipped:
            _skip(registration, h, now)
        # Read again after the claim: cancelled in between means no reminder.
        registration = Registration.objects.select_related("session__event").get(pk=registration.pk)
        if (registration.status != Registration.Status.CONFIRMED
                or registration.session.status != EventSession.Status.SCHEDULED
                or registration.session.starts_at <= timezone.now()):
            SentReminder.objects.filter(registration=registration, hours=hours).update(sent_at=now)
            continue
        try:
            notifications.send("reminder", registration, hours=hours)
        except Exception:
            # Left claimed and unsent: retried after RECLAIM_AFTER (see the module's docstring).
            logger.exception("events: reminder %s h for registration %s not sent", hours, registration.pk)
            continue
        SentReminder.objects.filter(registration=registration, hours=hours).update(sent_at=timezone.now())
        sent += 1
    return sent
