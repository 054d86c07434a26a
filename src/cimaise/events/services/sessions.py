"""Sessions: create, move, resize, close and cancel them; everyone registered is told.

Capacity changes keep invariant 4 in the database: lowering it is one
conditional update that fails below the confirmed seats; raising it offers
the freed seats to the waiting list at once.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cimaise.events.models import EventSession, Registration, SentReminder
from cimaise.events.services import registrations as registration_services
from cimaise.events.services.registrations import ACTIVE, Status


class SessionError(ValidationError):
    """A session change refused, with a message for the organiser and a ``code``."""

    def __init__(self, message, code):
        super().__init__(message, code=code)


def _check_times(starts_at, ends_at):
    if ends_at <= starts_at:
        raise SessionError(_("A session must end after it starts."), "ends_before_start")


def create_session(event, *, starts_at, ends_at, capacity, user=None):
    """A new scheduled session of ``event``."""
    _check_times(starts_at, ends_at)
    if capacity is None or capacity < 0:
        raise SessionError(_("Give the number of seats (0 or more)."), "capacity")
    return EventSession.objects.create(event=event, starts_at=starts_at, ends_at=ends_at, capacity=capacity)


def _notify_active(session, kind):
    for registration in Registration.objects.filter(session=session, status__in=ACTIVE):
        registration_services._notify(kind, registration)


def update_session(session, *, starts_at=None, ends_at=None, user=None):
    """Move a session; every active registration's calendar entry is updated (SEQUENCE raised, "updated" sent).

    The reminders follow the new date: those already sent for the old one are forgotten.
    """
    starts_at = starts_at or session.starts_at
    ends_at = ends_at or session.ends_at
    _check_times(starts_at, ends_at)
    if starts_at == session.starts_at and ends_at == session.ends_at:
        return session
    with transaction.atomic():
        EventSession.objects.filter(pk=session.pk).update(
            starts_at=starts_at, ends_at=ends_at, sequence=F("sequence") + 1, updated_at=timezone.now())
        Registration.objects.filter(session=session, status__in=ACTIVE).update(sequence=F("sequence") + 1)
        # Reminders sent for the old date say nothing of the new one: they are due again before it.
        SentReminder.objects.filter(registration__session=session).delete()
        session.refresh_from_db()
        _notify_active(session, "updated")
    return session


def change_capacity(session, capacity, *, user=None):
    """Set the number of seats: never below the seats already confirmed; freed seats go to the waiting list."""
    if capacity is None or capacity < 0:
        raise SessionError(_("Give the number of seats (0 or more)."), "capacity")
    with transaction.atomic():
        changed = EventSession.objects.filter(pk=session.pk, confirmed_seats__lte=capacity).update(
            capacity=capacity, updated_at=timezone.now())
        session.refresh_from_db()
        if not changed:
            raise SessionError(
                _("%(taken)s seats are already taken: the capacity cannot go below that. Cancel registrations "
                  "first if you must.") % {"taken": session.confirmed_seats}, "below_confirmed")
        registration_services.offer_freed_seats(session)
    session.refresh_from_db()
    return session


def close_registration(session, closed=True, *, user=None):
    """Close (or reopen) registration for a session; existing registrations stay as they are."""
    EventSession.objects.filter(pk=session.pk).update(registration_closed=closed, updated_at=timezone.now())
    session.refresh_from_db()
    return session


def cancel_session(session, *, user=None):
    """Cancel a session: every active registration is cancelled, its seats released, and everyone told."""
    now = timezone.now()
    with transaction.atomic():
        EventSession.objects.filter(pk=session.pk).update(
            status=EventSession.Status.CANCELLED, sequence=F("sequence") + 1, updated_at=now)
        active = list(Registration.objects.filter(session=session, status__in=ACTIVE).values_list("pk", flat=True))
        Registration.objects.filter(pk__in=active).update(
            status=Status.CANCELLED, cancelled_at=now, offer_expires_at=None, sequence=F("sequence") + 1)
        EventSession.objects.filter(pk=session.pk).update(confirmed_seats=0)
        for registration in Registration.objects.filter(pk__in=active):
            registration_services._notify("session_cancelled", registration)
        session.refresh_from_db()
    return session
