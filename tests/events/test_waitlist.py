"""The waiting list: full → waitlisted → someone cancels → offer by email → accept → confirmed; offers expire and pass on."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session(webinar):
    """The webinar resized to 2 seats and filled: Ada (1) and Bob (1) confirmed; Cleo (1) then Dan (2) wait."""
    from cimaise.events.services.registrations import register
    from cimaise.events.services.sessions import change_capacity

    session = change_capacity(webinar["session"], 2)
    people = {}
    for key, seats in (("ada", 1), ("bob", 1), ("cleo", 1), ("dan", 2)):
        people[key] = register(session, name=key.title(), email=f"{key}@example.org", seats=seats).registration
    session.refresh_from_db()
    assert [p.status for p in people.values()] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    return session, people


def _fresh(registration):
    registration.refresh_from_db()
    return registration


def test_a_cancellation_offers_the_seat_to_the_oldest_waiting_person(full_session, settings,
                                                                     django_capture_on_commit_callbacks):
    from cimaise.events.services.registrations import cancel

    session, people = full_session
    mail.outbox.clear()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(people["ada"])
    cleo = _fresh(people["cleo"])
    session.refresh_from_db()
    assert cleo.status == "offered"
    hours = settings.CIMAISE_EVENTS["OFFER_HOURS"]
    assert before + datetime.timedelta(hours=hours) <= cleo.offer_expires_at
    assert cleo.offer_expires_at <= timezone.now() + datetime.timedelta(hours=hours)
    assert session.confirmed_seats == 2  # the offer holds the seat: nobody else can take it meanwhile
    assert _fresh(people["dan"]).status == "waitlisted"  # 2 seats would not fit
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "cleo@example.org"]


def test_accepting_an_offer_confirms_it(full_session, django_capture_on_commit_callbacks):
    from cimaise.events.services.registrations import accept_offer, cancel

    session, people = full_session
    cancel(people["ada"])
    with django_capture_on_commit_callbacks(execute=True):
        cleo = accept_offer(_fresh(people["cleo"]))
    session.refresh_from_db()
    assert cleo.status == "confirmed" and cleo.offer_expires_at is None and cleo.confirmed_at
    assert session.confirmed_seats == 2
    assert accept_offer(cleo).status == "confirmed"  # a double click changes nothing
    assert mail.outbox[-1].to == ["cleo@example.org"]


def test_an_offer_past_its_time_cannot_be_accepted_and_passes_on(full_session, django_capture_on_commit_callbacks):
    from cimaise.events.services.registrations import RegistrationError, accept_offer, cancel, expire_offers

    session, people = full_session
    cancel(people["ada"])
    cancel(people["bob"])  # 2 seats free: Cleo (1) is offered, then Dan (2) does not fit in the 1 left
    assert _fresh(people["cleo"]).status == "offered" and _fresh(people["dan"]).status == "waitlisted"
    later = timezone.now() + datetime.timedelta(hours=25)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_offers(now=later) == 1
    session.refresh_from_db()
    assert _fresh(people["cleo"]).status == "expired"
    assert _fresh(people["dan"]).status == "offered"  # the 2 free seats now pass on to Dan
    assert session.confirmed_seats == 2
    assert {m.to[0] for m in mail.outbox} == {"cleo@example.org", "dan@example.org"}
    with pytest.raises(RegistrationError) as info:
        accept_offer(_fresh(people["cleo"]), language="en")
    assert info.value.code == "offer_expired" and "expired" in info.value.message


def test_accepting_after_the_deadline_before_the_task_ran_is_refused(full_session):
    from cimaise.events.models import Registration
    from cimaise.events.services.registrations import RegistrationError, accept_offer, cancel

    session, people = full_session
    cancel(people["ada"])
    Registration.objects.filter(pk=people["cleo"].pk).update(offer_expires_at=timezone.now() - datetime.timedelta(1))
    with pytest.raises(RegistrationError) as info:
        accept_offer(_fresh(people["cleo"]))
    assert info.value.code == "offer_expired"
    session.refresh_from_db()
    assert _fresh(people["cleo"]).status == "expired"
    assert session.confirmed_seats <= session.capacity


def test_declining_passes_the_seat_on(full_session):
    from cimaise.events.services.registrations import cancel, decline_offer
    from cimaise.events.services.sessions import change_capacity

    session, people = full_session
    session = change_capacity(session, 3)  # 1 seat more: Cleo is offered it
    assert _fresh(people["cleo"]).status == "offered"
    cancel(people["ada"])  # 2 free with Cleo's: Dan does not fit until Cleo declines
    decline_offer(_fresh(people["cleo"]))
    session.refresh_from_db()
    assert _fresh(people["cleo"]).status == "cancelled"
    assert _fresh(people["dan"]).status == "offered"
    assert session.confirmed_seats == 3


def test_the_whole_path_through_the_pages(client, webinar, django_capture_on_commit_callbacks):
    """Full → waiting list → someone cancels → offer email → accept on the page → confirmed, with the join link."""
    from cimaise.events.models import Registration
    from cimaise.events.services.sessions import change_capacity

    session = change_capacity(webinar["session"], 1)
    url = f"/en/events/register/{session.uid}/"
    first = client.post(url, {"name": "Ada", "email": "ada@example.org", "seats": "1"})["Location"]
    second = client.post(url, {"name": "Bob", "email": "bob@example.org", "seats": "1"})["Location"]
    assert 'data-status="waitlisted"' in client.get(second).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first + "cancel/")
    bob = Registration.objects.get(email="bob@example.org")
    assert bob.status == "offered"
    offer_mail = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert offer_mail and bob.manage_secret in offer_mail[0].body
    html = client.get(second).content.decode()
    assert 'data-action="accept"' in html and "salle-secrete" not in html
    response = client.post(second + "accept/")
    assert response.status_code == 302
    html = client.get(second).content.decode()
    assert 'data-status="confirmed"' in html and "https://visio.example/salle-secrete-42" in html


def test_an_expired_offer_on_the_page_says_so(client, full_session):
    from cimaise.events.models import Registration
    from cimaise.events.services.registrations import cancel

    session, people = full_session
    cancel(people["ada"])
    Registration.objects.filter(pk=people["cleo"].pk).update(offer_expires_at=timezone.now() - datetime.timedelta(1))
    url = f"/en/events/r/{people['cleo'].manage_secret}/accept/"
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 409
    assert "This offer has expired" in html and 'data-status="expired"' in html
    assert _fresh(people["dan"]).status == "waitlisted"  # 1 seat free, Dan needs 2
