"""Reminders: 24 h and 1 h before, to confirmed people, each once (twice run, two workers, a dead worker)."""

import datetime
import threading

import pytest
from django.core import mail
from django.utils import timezone

from cimaise.events.services import reminders


def make_registration(session, name="Léa Dupont", email="lea@example.org", seats=1, status="confirmed",
                      registered=None):
    from django.db.models import F

    from cimaise.events.models import EventSession, Registration

    registration = Registration.objects.create(session=session, name=name, email=email, seats=seats, status=status)
    registered = registered or session.starts_at - datetime.timedelta(days=3)
    Registration.objects.filter(pk=registration.pk).update(created_at=registered, confirmed_at=registered)
    if status == "confirmed":
        EventSession.objects.filter(pk=session.pk).update(confirmed_seats=F("confirmed_seats") + seats)
        session.refresh_from_db()
    registration.refresh_from_db()
    return registration


def at(session, **before):
    return session.starts_at - datetime.timedelta(**before)


@pytest.mark.django_db
def test_24h_and_1h_reminders_each_once_with_join_link(webinar):
    session = webinar["session"]
    make_registration(session)
    make_registration(session, name="Paul", email="paul@example.org", status="waitlisted")
    make_registration(session, name="Anna", email="anna@example.org", status="cancelled")
    assert reminders.send_due(at(session, hours=25)) == 0
    assert reminders.send_due(at(session, hours=23, minutes=59)) == 1
    assert reminders.send_due(at(session, hours=23, minutes=58)) == 0  # run again: nothing new
    assert reminders.send_due(at(session, minutes=59)) == 1
    assert reminders.send_due(at(session, minutes=30)) == 0
    assert [m.to for m in mail.outbox] == [["lea@example.org"], ["lea@example.org"]]
    assert all("https://visio.example/salle-secrete-42" in m.body for m in mail.outbox)
    assert all("Rappel" in m.subject or "Reminder" in m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_moving_a_session_later_sends_the_reminders_again_before_the_new_date(webinar):
    from cimaise.events.services import sessions

    session = webinar["session"]
    make_registration(session)
    assert reminders.send_due(at(session, hours=23)) == 1  # the 24 h reminder, for the old date
    new_start = session.starts_at + datetime.timedelta(days=7)
    sessions.update_session(session, starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=1))
    session.refresh_from_db()
    assert reminders.send_due(at(session, hours=25)) == 0
    assert reminders.send_due(at(session, hours=23)) == 1  # due again before the new date
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith(("Rappel", "Reminder"))
    assert [m.to for m in mail.outbox if m.subject.startswith(("Rappel", "Reminder"))] == [["lea@example.org"]] * 2


@pytest.mark.django_db
def test_no_reminder_after_the_start_and_only_the_nearest_when_late(webinar):
    session = webinar["session"]
    make_registration(session)
    # The worker was down for a day: at 30 minutes before, only the 1 h reminder goes.
    assert reminders.send_due(at(session, minutes=30)) == 1
    assert reminders.send_due(at(session, minutes=20)) == 0
    assert len(mail.outbox) == 1
    other = make_registration(session, name="Paul", email="paul@example.org")
    assert reminders.send_due(session.starts_at + datetime.timedelta(minutes=1)) == 0
    assert not other.reminders.exists()


@pytest.mark.django_db
def test_registered_after_the_reminder_time_gets_no_late_reminder(webinar):
    session = webinar["session"]
    make_registration(session, registered=at(session, hours=3))
    assert reminders.send_due(at(session, hours=2)) == 0
    assert reminders.send_due(at(session, minutes=59)) == 1


@pytest.mark.django_db
def test_configurable_per_event(webinar):
    page, session = webinar["page"], webinar["session"]
    page.reminder_hours = [48]
    page.save()
    make_registration(session)
    assert reminders.send_due(at(session, hours=47)) == 1
    assert reminders.send_due(at(session, minutes=30)) == 0


@pytest.mark.django_db
def test_a_worker_dying_after_its_claim_is_retried_later(webinar, monkeypatch):
    from cimaise.events import notifications
    from cimaise.events.models import SentReminder

    session = webinar["session"]
    registration = make_registration(session)
    now = at(session, hours=23)

    def die(*args, **kwargs):
        raise ConnectionError("the mail server went away")

    monkeypatch.setattr(notifications, "send", die)
    assert reminders.send_due(now) == 0
    claim = SentReminder.objects.get(registration=registration)
    assert claim.sent_at is None
    monkeypatch.undo()
    # Another run soon after: the claim is fresh, maybe still being sent: nothing.
    assert reminders.send_due(now + datetime.timedelta(minutes=2)) == 0
    # Past RECLAIM_AFTER: claimed again, sent once.
    later = now + reminders.RECLAIM_AFTER + datetime.timedelta(minutes=1)
    assert reminders.send_due(later) == 1
    assert reminders.send_due(later + datetime.timedelta(minutes=1)) == 0
    assert len(mail.outbox) == 1
    claim.refresh_from_db()
    assert claim.sent_at is not None and claim.attempts == 2


@pytest.mark.django_db
def test_the_periodic_task_runs_the_service(webinar, monkeypatch):
    from cimaise.events import tasks

    session = webinar["session"]
    make_registration(session)
    monkeypatch.setattr(timezone, "now", lambda: at(session, minutes=50))
    tasks.send_reminders.enqueue()
    tasks.send_reminders.enqueue()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_second_worker_with_the_same_list_sends_nothing(webinar, monkeypatch):
    """The race, made deterministic: worker B found the same due reminders before worker A sent them."""
    session = webinar["session"]
    make_registration(session)
    now = at(session, minutes=45)
    stale = reminders.due(now)
    assert len(stale) == 1
    assert reminders.send_due(now) == 1
    monkeypatch.setattr(reminders, "due", lambda now=None: stale)
    assert reminders.send_due(now) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_reminder_once(webinar):
    """Two threads (two database connections) run the same due reminders at the same moment."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite (shared cache) locks whole tables across threads; test_a_second_worker_with_the_same_list_sends_nothing covers SQLite")
    session = webinar["session"]
    for number in range(8):
        make_registration(session, name=f"P{number}", email=f"p{number}@example.org")
    now = at(session, minutes=45)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(reminders.send_due(now))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(results) == 8
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.org" for n in range(8))


@pytest.mark.django_db
def test_the_periodic_task_expires_unanswered_offers(webinar, django_capture_on_commit_callbacks):
    from django.db.models import F

    from cimaise.events import tasks
    from cimaise.events.models import EventSession, Registration

    session = webinar["session"]
    offered = make_registration(session, status="offered")
    Registration.objects.filter(pk=offered.pk).update(offer_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    EventSession.objects.filter(pk=session.pk).update(confirmed_seats=F("confirmed_seats") + 1)  # an offer holds
    with django_capture_on_commit_callbacks(execute=True):
        tasks.expire_offers.enqueue()
    offered.refresh_from_db()
    assert offered.status == Registration.Status.EXPIRED
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
    assert "visio.example" not in mail.outbox[0].body
