"""The organisers' and the box office's admin: check-in, attendees and CSV, sessions, who may see what."""

import csv
import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def make_registration(session, name="Léa Dupont", email="lea@example.org", seats=1, status="confirmed", **extra):
    from django.db.models import F

    from cimaise.events.models import EventSession, Registration

    registration = Registration.objects.create(session=session, name=name, email=email, seats=seats, status=status,
                                               **extra)
    if status == "confirmed":
        EventSession.objects.filter(pk=session.pk).update(confirmed_seats=F("confirmed_seats") + seats)
        session.refresh_from_db()
    return registration


def member(django_user_model, username, role, **names):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password="not-used-1234", **names)
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def people(db, django_user_model):
    from cimaise.institution import roles

    return {
        "box_office": member(django_user_model, "accueil", roles.BOX_OFFICE, first_name="Nadia", last_name="Benali"),
        "content": member(django_user_model, "claire", roles.CONTENT_MANAGER, first_name="Claire"),
        "community": member(django_user_model, "marc", roles.COMMUNITY_MANAGER),
    }


@pytest.fixture
def now_at_the_door(webinar, monkeypatch):
    from django.utils import timezone

    moment = webinar["session"].starts_at - datetime.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def outcome(response):
    match = re.search(rb'data-ok="(\w+)" data-reason="(\w+)"', response.content)
    return match and (match.group(1).decode(), match.group(2).decode())


def test_box_office_checks_in_by_typed_code(client, webinar, people, now_at_the_door):
    session = webinar["session"]
    registration = make_registration(session, seats=2, accessibility_needs="Fauteuil roulant")
    client.force_login(people["box_office"])
    url = reverse("events_admin:checkin")
    page = client.get(url, {"session": session.pk})
    assert page.status_code == 200
    assert b'id="id_code"' in page.content and b"jsQR.js" in page.content
    response = client.post(url, {"session": session.pk, "code": registration.ticket_secret})
    assert outcome(response) == ("true", "checked_in")
    assert "Léa Dupont" in response.content.decode() and "Fauteuil roulant" in response.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_by == people["box_office"]
    again = client.post(url, {"session": session.pk, "code": registration.ticket_secret})
    assert outcome(again) == ("false", "already_checked_in")
    assert "Nadia Benali" in again.content.decode()
    # A refused code stays in the field, to be corrected.
    forged = client.post(url, {"session": session.pk, "code": "pas-un-billet"})
    assert outcome(forged) == ("false", "unknown")
    assert b'value="pas-un-billet"' in forged.content
    cancelled = make_registration(session, name="Paul", email="paul@example.org", status="cancelled")
    assert outcome(client.post(url, {"code": cancelled.ticket_secret})) == ("false", "cancelled")
    assert outcome(client.post(url, {"session": session.pk, "code": "  "})) == ("false", "empty")


def test_only_box_office_and_organisers_reach_check_in_and_attendees(client, webinar, people):
    session = webinar["session"]
    make_registration(session)
    attendees = reverse("events_admin:attendees", args=[session.pk])
    checkin = reverse("events_admin:checkin")
    assert client.get(checkin).status_code == 302  # anonymous: to the login page
    assert client.get(attendees).status_code == 302
    # Editors of pages organise sessions but do not see who registered.
    for role in ("community", "content"):
        client.force_login(people[role])
        assert client.get(checkin).status_code in (302, 403)
        assert b"lea@example.org" not in client.get(attendees).content
        assert b"lea@example.org" not in client.get(reverse("events_admin:sessions", args=[webinar["page"].pk])).content
    client.force_login(people["box_office"])
    assert client.get(attendees).status_code == 200
    assert client.get(reverse("events_admin:sessions", args=[webinar["page"].pk])).status_code in (302, 403)


def test_attendee_list_and_csv(client, webinar, people, now_at_the_door):
    from cimaise.events.services.checkin import check_in

    session = webinar["session"]
    lea = make_registration(session, seats=2, accessibility_needs="Boucle magnétique")
    make_registration(session, name="=HYPERLINK(\"http://x\")", email="x@example.org")
    make_registration(session, name="Paul Attente", email="paul@example.org", status="waitlisted")
    check_in(lea.ticket_secret, user=people["box_office"])
    client.force_login(people["box_office"])
    url = reverse("events_admin:attendees", args=[session.pk])
    page = client.get(url).content.decode()
    for text in ("Léa Dupont", "lea@example.org", "Boucle magnétique", "Paul Attente"):
        assert text in page
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["lea@example.org"][2] == "2" and by_email["lea@example.org"][4]
    assert by_email["lea@example.org"][5] == "Boucle magnétique"
    assert by_email["x@example.org"][0].startswith("'=")  # never a formula in a spreadsheet
    assert by_email["paul@example.org"][4] == ""


def test_organiser_adds_resizes_closes_and_cancels_a_session(client, webinar, people,
                                                              django_capture_on_commit_callbacks):
    from cimaise.events import ics
    from cimaise.events.models import EventSession

    page, session = webinar["page"], webinar["session"]
    lea = make_registration(session)
    mail.outbox.clear()
    client.force_login(people["content"])
    url = reverse("events_admin:sessions", args=[page.pk])
    listing = client.get(url)
    assert listing.status_code == 200 and f'data-session="{session.pk}"' in listing.content.decode()
    # Add a session (times in the event's time zone).
    day = (session.starts_at + datetime.timedelta(days=7)).astimezone(page.tz).date()
    response = client.post(url, {"action": "create", "starts_at": f"{day}T14:00", "ends_at": f"{day}T15:30",
                                 "capacity": "12"})
    assert response.status_code == 302
    added = EventSession.objects.exclude(pk=session.pk).get(event=page)
    assert added.capacity == 12 and added.starts_at.astimezone(page.tz).hour == 14
    # Bad input: shown again with a message, nothing created.
    bad = client.post(url, {"action": "create", "starts_at": f"{day}T16:00", "ends_at": f"{day}T15:00",
                            "capacity": "12"})
    assert bad.status_code == 200 and EventSession.objects.filter(event=page).count() == 2
    assert b'value="12"' in bad.content
    # Capacity: never below the seats taken.
    client.post(url, {"action": "capacity", "session": session.pk, "capacity": "40"})
    session.refresh_from_db()
    assert session.capacity == 40
    client.post(url, {"action": "capacity", "session": session.pk, "capacity": "0"})
    session.refresh_from_db()
    assert session.capacity == 40
    # Move it an hour later: the registrant's calendar gets an update (same UID, higher SEQUENCE).
    moved = (session.starts_at + datetime.timedelta(hours=1)).astimezone(page.tz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "move", "session": session.pk,
                          f"move-{session.pk}-starts_at": f"{moved:%Y-%m-%dT%H:%M}",
                          f"move-{session.pk}-ends_at": f"{moved + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}"})
    session.refresh_from_db()
    assert session.starts_at == moved
    (update,) = mail.outbox
    (part,) = [p for p in update.message().walk() if p.get_content_type() == "text/calendar"]
    props = ics.parse(part.get_payload(decode=True).decode())
    assert props["METHOD"][1] == "REQUEST" and props["UID"][1].startswith(str(lea.uid))
    assert props["SEQUENCE"][1] == "2" and props["DTSTART"][1] == ics.utc(moved)
    client.post(url, {"action": "close", "session": session.pk})
    session.refresh_from_db()
    assert session.registration_closed
    # Cancel: needs the confirmation; then everyone is told with a calendar cancellation.
    client.post(url, {"action": "cancel", "session": session.pk})
    session.refresh_from_db()
    assert session.status == EventSession.Status.SCHEDULED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "cancel", "session": session.pk, "confirm": "yes"})
    session.refresh_from_db()
    lea.refresh_from_db()
    assert session.status == EventSession.Status.CANCELLED and lea.status == "cancelled"
    (message,) = mail.outbox
    assert message.to == ["lea@example.org"]
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    props = ics.parse(part.get_payload(decode=True).decode())
    assert props["METHOD"][1] == "CANCEL" and props["UID"][1].startswith(str(lea.uid))
    assert int(props["SEQUENCE"][1]) >= 2


def test_menu_item_and_the_page_editor_button(client, webinar, people):
    client.force_login(people["content"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("events_admin:index") in home
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[webinar["page"].pk])).content.decode()
    assert reverse("events_admin:sessions", args=[webinar["page"].pk]) in editor
    index = client.get(reverse("events_admin:index"))
    assert index.status_code == 200 and "Webinaire : restaurer un tableau" in index.content.decode()
    client.force_login(people["box_office"])
    assert reverse("events_admin:checkin") in client.get(reverse("events_admin:index")).content.decode()
