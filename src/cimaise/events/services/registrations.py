"""Registration, the waiting list and its offers: where invariant 4 lives.

Confirmed seats never exceed a session's capacity, on SQLite and PostgreSQL,
under any concurrency: seats are taken by ONE conditional update of the
session's counter inside the transaction,

    UPDATE events_eventsession SET confirmed_seats = confirmed_seats + n
     WHERE id = ... AND status = 'scheduled' AND confirmed_seats <= capacity - n

which the database applies atomically (PostgreSQL locks the row and re-checks
the condition; SQLite serialises writers, immediate transactions). One row
updated: the seats are the person's. None: the session is full and the person
goes on the waiting list. Nothing reads a count first. Seats are given back by
the mirror conditional decrement, and the database's check constraint
(confirmed_seats <= capacity) stops any bug loudly.

Every change raises the registration's RFC 5545 ``sequence`` and, once the
transaction has committed, emails the person (``cimaise.events.notifications.send``).
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from cimaise.events import ratelimit
from cimaise.events.models import EventSession, Registration

logger = logging.getLogger(__name__)

Status = Registration.Status
ACTIVE = [s.value for s in Registration.ACTIVE]
HOLDING_SEATS = [Status.CONFIRMED.value, Status.OFFERED.value]  # statuses whose seats count in confirmed_seats
_SECRET = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class RegistrationError(ValidationError):
    """A registration refused or an action not possible, with ``message`` in the person's language and ``code``.

    Codes: closed, not_open, cancelled, seats_limit, invalid_email, full_no_waitlist, rate_limited, past,
    offer_expired, not_offered, bot.
    """

    def __init__(self, message, code):
        super().__init__(message, code=code)


@dataclass
class RegistrationResult:
    registration: Registration
    outcome: str  # "confirmed", "waitlisted" or "already"


def _settings():
    defaults = {"OFFER_HOURS": 24, "RATE_LIMIT_PER_IP": 30, "RATE_LIMIT_PER_EMAIL": 10, "RATE_WINDOW": 600}
    return {**defaults, **getattr(settings, "CIMAISE_EVENTS", {})}


def _error(code, language):
    """The RegistrationError for ``code``, its message in ``language``."""
    with translation.override(language):
        messages = {
            "closed": gettext("Registration for this session is closed."),
            "not_open": gettext("Registration for this session is not open yet."),
            "cancelled": gettext("This session has been cancelled."),
            "past": gettext("This session has already taken place."),
            "seats_limit": gettext("Choose a number of seats between 1 and the limit per person."),
            "invalid_email": gettext("Enter a valid email address, e.g. name@example.org."),
            "full_no_waitlist": gettext("This session is full."),
            "rate_limited": gettext("Too many attempts in a short time. Please wait a few minutes and try again."),
            "offer_expired": gettext("This offer has expired: the seat was offered to the next person on the "
                                     "waiting list."),
            "not_offered": gettext("There is no seat offer waiting for this registration."),
            "bot": gettext("Your registration could not be recorded. Please try again."),
        }
        return RegistrationError(messages[code], code)


@task()
def send_notification(kind, registration_id):
    """Email a registration's person about ``kind`` (a task: the request does not wait for the mail server)."""
    from cimaise.events import notifications

    registration = Registration.objects.select_related("session__event").filter(pk=registration_id).first()
    if registration is not None:
        notifications.send(kind, registration)


def _tasks_in_database():
    from django_tasks import task_backends

    return type(task_backends["default"]).__module__.startswith("django_tasks_db")


def _notify(kind, registration):
    """Email the person about ``kind`` through the task worker, if and only if the change commits.

    With the database task backend, the task is written in the change's own
    transaction (one write, and no email for a change rolled back); with
    another backend it is enqueued once the transaction has committed. A
    failure to enqueue never undoes the change, and the log line names the
    registration by id, never the person.
    """
    def enqueue():
        try:
            send_notification.enqueue(kind, registration.pk)
        except Exception as error:  # noqa: BLE001 - the registration stands; the log names no person
            logger.error("events: could not send the %r email of registration %s (%s)",
                         kind, registration.pk, type(error).__name__)

    if transaction.get_connection().in_atomic_block and _tasks_in_database():
        send_notification.enqueue(kind, registration.pk)
    else:
        transaction.on_commit(enqueue)


def record_registrant(registration):
    """Hand the person and their consents to the audience module (issue #6): THE one place that does it.

    Called once per new registration, inside its transaction. Finds or creates the contact (source
    "registration", the name split into first and last, the language of the event page), adds a
    "registered" line to the timeline, and records each consent box the person ticked, with the exact
    label they read (in the registration's language) as proof. An unticked box records nothing: it is
    no answer, and must not override a "yes" given elsewhere (withdrawing goes through the preference
    centre or an unsubscribe link). Runs in a savepoint: a failure here is logged by registration id and
    never loses the registration (invariant 8).
    """
    from cimaise.audience.services import consent, contacts
    from cimaise.events.forms import RegistrationForm

    event = registration.session.event
    language = _language_of(registration)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            first_name, last_name = contacts.split_name(registration.name)
            contact, _created = contacts.find_or_create(
                registration.email, source="registration", first_name=first_name, last_name=last_name,
                language=language)
            contacts.record_activity(
                contact, "registered", at=registration.created_at, ref=f"events.registration:{registration.pk}",
                summary=event.title, data={"session": registration.session_id, "status": registration.status})
            ticked = [("newsletter", "consent_newsletter"), ("photos", "consent_photos")]
            for purpose, field in ticked:
                if getattr(registration, field):
                    with translation.override(language):
                        label = str(RegistrationForm.base_fields[field].label)
                    consent.record(contact, purpose, True, "registration", label,
                                   source_url=_page_path(event), at=registration.created_at)
    except Exception as error:  # noqa: BLE001 - the registration stands; the log names no person
        logger.error("events: could not record registration %s in the audience (%s)",
                     registration.pk, type(error).__name__)


def _page_path(page):
    """The page's path on its site (the consent's proof names the form's page), or "" when it has none."""
    try:
        return page.get_url() or ""
    except Exception:  # noqa: BLE001 - a page outside any site
        return ""


def normalise_email(email):
    return (email or "").strip().lower()


def check_open(session, *, language="fr", now=None):
    """Raise the RegistrationError saying why ``session`` takes no registration now, if it does not."""
    now = now or timezone.now()
    event = session.event
    if session.status == EventSession.Status.CANCELLED:
        raise _error("cancelled", language)
    if session.starts_at <= now:
        raise _error("past", language)
    if session.registration_closed or not event.registration_required:
        raise _error("closed", language)
    if event.registration_opens_at and now < event.registration_opens_at:
        raise _error("not_open", language)
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise _error("closed", language)


def registration_state(session, now=None):
    """What the register form says: "open", "full" (the waiting list), or a refusal code (closed, past…)."""
    try:
        check_open(session, now=now)
    except RegistrationError as error:
        return error.code
    return "full" if session.is_full else "open"


# The seat counter's two statements, written out: they run on every registration and the ORM took
# longer to build them than the database took to run them. Portable SQL (SQLite and PostgreSQL).
_TAKE_SEATS = ("UPDATE events_eventsession SET confirmed_seats = confirmed_seats + %s "
               "WHERE id = %s AND status = %s AND confirmed_seats <= capacity - %s")
_RELEASE_SEATS = ("UPDATE events_eventsession SET confirmed_seats = confirmed_seats - %s "
                  "WHERE id = %s AND confirmed_seats >= %s")


def _take_seats(session_pk, seats):
    """Take ``seats`` of the session in one conditional update; True when they were free."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SEATS, [seats, session_pk, EventSession.Status.SCHEDULED.value, seats])
        return cursor.rowcount == 1


def _release_seats(session_pk, seats):
    with connection.cursor() as cursor:
        cursor.execute(_RELEASE_SEATS, [seats, session_pk, seats])


def _active(session, email):
    return Registration.objects.filter(session=session, email=email, status__in=ACTIVE).first()


def register(session, *, name, email, seats=1, accessibility_needs="", consent_newsletter=False,
             consent_photos=False, language="fr", client_key=""):
    """Register a person to ``session``: confirmed while seats are free, otherwise on the waiting list.

    Idempotent: the same address again for the same session returns its active
    registration with outcome "already" (also under concurrency, thanks to the
    database's partial unique constraint). Raises ``RegistrationError``.
    """
    email = normalise_email(email)
    name = (name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise _error("invalid_email", language) from None
    event = session.event
    if not isinstance(seats, int) or not 1 <= seats <= event.max_seats_per_person:
        raise _error("seats_limit", language)
    check_open(session, language=language)

    conf = _settings()
    if not (ratelimit.hit("ip", client_key, limit=conf["RATE_LIMIT_PER_IP"], window=conf["RATE_WINDOW"])
            and ratelimit.hit("email", email, limit=conf["RATE_LIMIT_PER_EMAIL"], window=conf["RATE_WINDOW"])):
        raise _error("rate_limited", language)

    # No look-up first: the partial unique constraint (one active registration per session and address)
    # decides, also between two requests at the same moment; the duplicate's block rolls back, seats included.
    try:
        with transaction.atomic():
            confirmed = _take_seats(session.pk, seats)
            if not confirmed:
                # Nothing changed: either full (the waiting list) or cancelled in the meantime.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT status FROM events_eventsession WHERE id = %s", [session.pk])
                    (status,) = cursor.fetchone()
                if status != EventSession.Status.SCHEDULED:
                    raise _error("cancelled", language)
            now = timezone.now()
            registration = Registration.objects.create(
                session=session, name=name[:200], email=email, seats=seats,
                accessibility_needs=(accessibility_needs or "").strip()[:2000],
                consent_newsletter=bool(consent_newsletter), consent_photos=bool(consent_photos),
                status=Status.CONFIRMED if confirmed else Status.WAITLISTED,
                confirmed_at=now if confirmed else None,
            )
            record_registrant(registration)
            _notify("confirmed" if confirmed else "waitlisted", registration)
    except IntegrityError:
        # The address is already registered (maybe a moment ago): the whole block rolled back, our seats too.
        existing = _active(session, email)
        if existing is None:
            raise
        return RegistrationResult(existing, "already")
    return RegistrationResult(registration, "confirmed" if confirmed else "waitlisted")


def cancel(registration, *, by_organiser=False):
    """Cancel a registration (idempotent); its seats go to the waiting list at once."""
    now = timezone.now()
    changes = {"status": Status.CANCELLED, "cancelled_at": now, "offer_expires_at": None,
               "sequence": F("sequence") + 1}
    with transaction.atomic():
        held = Registration.objects.filter(pk=registration.pk, status__in=HOLDING_SEATS).update(**changes)
        if held:
            _release_seats(registration.session_id, registration.seats)
        elif not Registration.objects.filter(pk=registration.pk, status=Status.WAITLISTED).update(**changes):
            registration.refresh_from_db()
            return registration  # already cancelled or expired: nothing to do
        registration.refresh_from_db()
        _notify("cancelled", registration)
        if held:
            offer_freed_seats(registration.session)
    return registration


def offer_freed_seats(session):
    """Offer the free seats to the oldest waitlisted people whose seats fit; return the offers made.

    Each offer reserves its seats (the same conditional update as a
    confirmation) until ``offer_expires_at``, ``CIMAISE_EVENTS["OFFER_HOURS"]`` from now.
    """
    offers = []
    now = timezone.now()
    expires = now + datetime.timedelta(hours=_settings()["OFFER_HOURS"])
    with transaction.atomic():
        current = EventSession.objects.filter(pk=session.pk).first()
        if current is None or current.status != EventSession.Status.SCHEDULED or current.starts_at <= now:
            return offers
        waiting = Registration.objects.filter(session_id=session.pk, status=Status.WAITLISTED).order_by(
            "created_at", "pk")
        for candidate in waiting.iterator():
            if current.seats_left <= 0:
                break
            if candidate.seats > current.seats_left or not _take_seats(session.pk, candidate.seats):
                current.refresh_from_db(fields=["confirmed_seats", "capacity"])
                continue
            offered = Registration.objects.filter(pk=candidate.pk, status=Status.WAITLISTED).update(
                status=Status.OFFERED, offer_expires_at=expires, sequence=F("sequence") + 1)
            if not offered:  # cancelled in the meantime: give the seats back
                _release_seats(session.pk, candidate.seats)
            else:
                candidate.refresh_from_db()
                offers.append(candidate)
                _notify("offered", candidate)
            current.refresh_from_db(fields=["confirmed_seats", "capacity"])
    return offers


def accept_offer(registration, *, language=None):
    """Confirm an offered seat before its offer expires; raises RegistrationError("offer_expired") after."""
    language = language or _language_of(registration)
    now = timezone.now()
    with transaction.atomic():
        accepted = Registration.objects.filter(
            pk=registration.pk, status=Status.OFFERED, offer_expires_at__gt=now,
        ).update(status=Status.CONFIRMED, confirmed_at=now, offer_expires_at=None, sequence=F("sequence") + 1)
        registration.refresh_from_db()
        if accepted:
            _notify("confirmed", registration)
            return registration
    if registration.status == Status.CONFIRMED:
        return registration  # accepted twice (a double click): already confirmed
    if registration.status == Status.OFFERED or registration.status == Status.EXPIRED:
        expire_offers()
        raise _error("offer_expired", language)
    raise _error("not_offered", language)


def decline_offer(registration):
    """Decline an offered seat: the registration is cancelled and the seat offered to the next person."""
    if registration.status != Status.OFFERED:
        registration.refresh_from_db()
    return cancel(registration)


def expire_offers(now=None):
    """Expire the offers past their time, release their seats and offer them on; return how many expired."""
    now = now or timezone.now()
    expired = 0
    sessions = set()
    due = Registration.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).select_related("session")
    for registration in due.iterator():
        with transaction.atomic():
            if not Registration.objects.filter(pk=registration.pk, status=Status.OFFERED,
                                               offer_expires_at__lte=now).update(
                    status=Status.EXPIRED, offer_expires_at=None, sequence=F("sequence") + 1):
                continue  # accepted or declined meanwhile
            _release_seats(registration.session_id, registration.seats)
            registration.refresh_from_db()
            _notify("offer_expired", registration)
            expired += 1
            sessions.add(registration.session_id)
    for session in EventSession.objects.filter(pk__in=sessions):
        offer_freed_seats(session)
    return expired


def _lookup(**kwargs):
    (value,) = kwargs.values()
    if not isinstance(value, str) or not _SECRET.match(value):
        return None
    return Registration.objects.select_related("session__event").filter(**kwargs).first()


def by_manage_secret(secret):
    """The registration whose management link carries ``secret``, or None (malformed secrets included)."""
    return _lookup(manage_secret=secret)


def by_ticket_secret(secret):
    """The registration whose ticket carries ``secret``, or None."""
    return _lookup(ticket_secret=secret)


def _language_of(registration):
    try:
        return registration.session.event.locale.language_code
    except Exception:  # noqa: BLE001 - a page without locale: the site's language
        return settings.LANGUAGE_CODE
