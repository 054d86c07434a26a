"""Check-in at the door: once per ticket, a clear reason for every refusal, two phones at once check in once."""

import datetime
import threading

import pytest
from django.utils import timezone, translation

from cimaise.events.services.checkin import check_in


def make_registration(session, name="Léa Dupont", email="lea@example.org", seats=1, status="confirmed"):
    from django.db.models import F

    from cimaise.events.models import EventSession, Registration

    registration = Registration.objects.create(session=session, name=name, email=email, seats=seats, status=status)
    if status == "confirmed":
        EventSession.objects.filter(pk=session.pk).update(confirmed_seats=F("confirmed_seats") + seats)
        session.refresh_from_db()
    return registration


@pytest.fixture
def door(webinar, django_user_model):
    user = django_user_model.objects.create_user("accueil", first_name="Nadia", last_name="Benali")
    session = webinar["session"]
    return {"user": user, "session": session, "now": session.starts_at - datetime.timedelta(minutes=15)}


@pytest.mark.django_db
def test_checks_in_once_then_says_when_and_by_whom(door):
    translation.activate("fr")  # the box office's language (an earlier test may have left another one active)
    registration = make_registration(door["session"], seats=2)
    result = check_in(registration.ticket_secret, user=door["user"], session=door["session"], now=door["now"])
    assert result.ok and result.reason == "checked_in"
    assert result.registration.name == "Léa Dupont" and result.registration.seats == 2
    registration.refresh_from_db()
    assert registration.checked_in_at == door["now"] and registration.checked_in_by == door["user"]
    again = check_in(registration.ticket_secret, user=door["user"], session=door["session"], now=door["now"])
    assert not again.ok and again.reason == "already_checked_in"
    assert "Nadia Benali" in again.message
    local = timezone.localtime(door["now"], door["session"].event.tz)
    assert f"{local:%H:%M}" in again.message or f"{local:%H}" in again.message


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["cancelled", "waitlisted", "offered", "expired"])
def test_refuses_tickets_that_give_no_seat(door, status):
    registration = make_registration(door["session"], status=status)
    result = check_in(registration.ticket_secret, user=door["user"], session=door["session"], now=door["now"])
    assert not result.ok and result.reason == status
    registration.refresh_from_db()
    assert registration.checked_in_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "forged", "x" * 43, "' OR 1=1 --", "<script>", "A" * 500])
def test_refuses_unknown_or_forged_codes(door, code):
    make_registration(door["session"])
    result = check_in(code, user=door["user"], session=door["session"], now=door["now"])
    assert not result.ok and result.reason == "unknown" and result.registration is None


@pytest.mark.django_db
def test_a_tampered_code_is_unknown(door):
    registration = make_registration(door["session"])
    secret = registration.ticket_secret
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert check_in(tampered, user=door["user"], now=door["now"]).reason == "unknown"


@pytest.mark.django_db
def test_wrong_session_and_wrong_day(door, webinar):
    from cimaise.events.models import EventSession

    other = EventSession.objects.create(event=webinar["page"], starts_at=door["session"].starts_at + datetime.timedelta(
        days=7), ends_at=door["session"].ends_at + datetime.timedelta(days=7), capacity=10)
    registration = make_registration(other)
    result = check_in(registration.ticket_secret, user=door["user"], session=door["session"], now=door["now"])
    assert not result.ok and result.reason == "wrong_session"
    result = check_in(registration.ticket_secret, user=door["user"], now=door["now"])
    assert not result.ok and result.reason == "not_today"
    registration.refresh_from_db()
    assert registration.checked_in_at is None


@pytest.mark.django_db
def test_cancelled_session(door):
    from cimaise.events.models import EventSession

    registration = make_registration(door["session"])
    EventSession.objects.filter(pk=door["session"].pk).update(status=EventSession.Status.CANCELLED)
    assert check_in(registration.ticket_secret, user=door["user"], now=door["now"]).reason == "session_cancelled"


@pytest.mark.django_db
def test_short_code_or_url_with_the_session_chosen(door):
    from cimaise.events import tickets

    registration = make_registration(door["session"])
    short = tickets.short_code(registration.ticket_secret)
    assert check_in(short, user=door["user"], now=door["now"]).reason == "unknown"  # no session: full code needed
    assert check_in(short, user=door["user"], session=door["session"], now=door["now"]).ok
    second = make_registration(door["session"], name="Paul", email="paul@example.org")
    url = tickets.ticket_url(second, "png")
    assert check_in(url, user=door["user"], session=door["session"], now=door["now"]).ok


@pytest.mark.django_db
def test_a_phone_that_read_the_ticket_before_another_checked_it_in_is_refused(door, monkeypatch):
    """The race, made deterministic: phone B read the ticket (not checked in) before phone A's update."""
    from cimaise.events.models import Registration
    from cimaise.events.services import checkin

    registration = make_registration(door["session"])
    stale = Registration.objects.select_related("session__event").get(pk=registration.pk)
    assert check_in(registration.ticket_secret, user=door["user"], now=door["now"]).ok
    monkeypatch.setattr(checkin, "find", lambda code, session=None: (stale, None))
    result = check_in(registration.ticket_secret, user=door["user"], now=door["now"])
    assert not result.ok and result.reason == "already_checked_in"


def skip_if_memory_sqlite():
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite (shared cache) locks whole tables across threads: the file database of a "
                    "deployment serialises writers instead; the deterministic race test above covers SQLite")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_phones_scanning_at_once_check_in_once(door):
    from django.db import connection

    skip_if_memory_sqlite()
    registration = make_registration(door["session"])
    barrier = threading.Barrier(4)
    results, errors = [], []

    def phone():
        try:
            barrier.wait()
            results.append(check_in(registration.ticket_secret, user=door["user"], now=door["now"]).reason)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=phone) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == ["already_checked_in"] * 3 + ["checked_in"]
