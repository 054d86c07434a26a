"""Organisers' changes to sessions: capacity, closing registration, moving and cancelling; everyone is told."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _register(session, email, seats=1):
    from cimaise.events.services.registrations import register

    return register(session, name=email.split("@")[0], email=email, seats=seats).registration


def test_create_session_checks_its_times(webinar):
    from cimaise.events.services.sessions import SessionError, create_session

    start = timezone.now() + datetime.timedelta(days=3)
    session = create_session(webinar["page"], starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                             capacity=12)
    assert session.pk and session.capacity == 12 and session.confirmed_seats == 0
    with pytest.raises(SessionError):
        create_session(webinar["page"], starts_at=start, ends_at=start, capacity=12)


def test_capacity_never_goes_below_the_confirmed_seats(webinar):
    from cimaise.events.services.sessions import SessionError, change_capacity

    session = webinar["session"]
    _register(session, "a@example.org", 2)
    _register(session, "b@example.org", 2)
    with pytest.raises(SessionError) as info:
        change_capacity(session, 3)
    assert info.value.code == "below_confirmed" and "4" in info.value.message
    session.refresh_from_db()
    assert session.capacity == 30
    assert change_capacity(session, 4).capacity == 4


def test_raising_the_capacity_offers_the_new_seats(webinar):
    from cimaise.events.services.sessions import change_capacity

    session = change_capacity(webinar["session"], 1)
    _register(session, "a@example.org")
    waiting = _register(session, "b@example.org")
    assert waiting.status == "waitlisted"
    session = change_capacity(session, 2)
    waiting.refresh_from_db()
    assert waiting.status == "offered" and session.confirmed_seats == 2


def test_moving_a_session_raises_every_sequence_and_tells_everyone(webinar, django_capture_on_commit_callbacks):
    from cimaise.events.services.registrations import cancel
    from cimaise.events.services.sessions import update_session

    session = webinar["session"]
    ada = _register(session, "ada@example.org")
    gone = _register(session, "gone@example.org")
    cancel(gone)
    gone.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = update_session(session, starts_at=session.starts_at + datetime.timedelta(hours=1),
                                 ends_at=session.ends_at + datetime.timedelta(hours=1))
    ada.refresh_from_db()
    sequence_of_gone = gone.sequence
    gone.refresh_from_db()
    assert session.sequence == 1 and ada.sequence == 1
    assert gone.sequence == sequence_of_gone  # the cancelled one is not told again
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_cancelling_a_session_cancels_everyone_and_frees_the_seats(webinar, django_capture_on_commit_callbacks):
    from cimaise.events.services.sessions import cancel_session, change_capacity

    session = change_capacity(webinar["session"], 1)
    people = [_register(session, f"p{n}@example.org") for n in range(3)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = cancel_session(session)
    assert session.status == "cancelled" and session.confirmed_seats == 0 and session.sequence == 1
    for person in people:
        person.refresh_from_db()
        assert person.status == "cancelled" and person.sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]


def test_closing_and_reopening_registration(webinar):
    from cimaise.events.services.registrations import RegistrationError
    from cimaise.events.services.sessions import close_registration

    session = webinar["session"]
    ada = _register(session, "ada@example.org")
    session = close_registration(session)
    with pytest.raises(RegistrationError):
        _register(session, "bob@example.org")
    ada.refresh_from_db()
    assert ada.status == "confirmed"  # existing registrations stay
    assert close_registration(session, closed=False).registration_closed is False
    assert _register(session, "bob@example.org").status == "confirmed"


def test_the_database_refuses_an_oversold_session(webinar):
    """The last line of defence: a bug writing the counter past the capacity fails loudly."""
    from django.db import IntegrityError, transaction
    from django.db.models import F

    from cimaise.events.models import EventSession

    with pytest.raises(IntegrityError), transaction.atomic():
        EventSession.objects.filter(pk=webinar["session"].pk).update(confirmed_seats=F("capacity") + 1)
