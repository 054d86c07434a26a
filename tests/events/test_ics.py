"""The .ics invitations (RFC 5545): properties, folding, escaping, updates and cancellations."""

import datetime

import pytest

from cimaise.events import ics

pytestmark = pytest.mark.django_db


def make_registration(session, name="Léa Dupont", email="lea@example.org", seats=1, status="confirmed"):
    from django.db.models import F

    from cimaise.events.models import EventSession, Registration

    registration = Registration.objects.create(session=session, name=name, email=email, seats=seats, status=status)
    if status == "confirmed":
        EventSession.objects.filter(pk=session.pk).update(confirmed_seats=F("confirmed_seats") + seats)
        session.refresh_from_db()
    return registration


def test_fold_at_75_octets_never_inside_a_character():
    line = "DESCRIPTION:" + "é" * 100
    folded = ics.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_escaping_round_trips():
    text = "Salle 2; aile nord, 1er étage\\bis\nEntrée par la cour"
    assert ics.escape_text(text) == "Salle 2\\; aile nord\\, 1er étage\\\\bis\\nEntrée par la cour"
    assert ics.unescape_text(ics.escape_text(text)) == text


def test_invitation_properties(webinar, settings):
    settings.BASE_URL = "https://musee.example"
    settings.DEFAULT_FROM_EMAIL = "Musée des Cimaises <billetterie@musee.example>"
    session = webinar["session"]
    registration = make_registration(session)
    now = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    text = ics.invitation(registration, url="https://musee.example/fr/agenda/webinaire/", now=now)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    props = ics.parse(text)
    assert props["METHOD"][1] == "REQUEST"
    assert props["UID"][1] == f"{registration.uid}@musee.example"
    assert props["DTSTAMP"][1] == "20260102T030405Z"
    assert props["DTSTART"][1] == session.starts_at.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    assert props["DTEND"][1] == session.ends_at.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    assert props["SEQUENCE"][1] == "0"
    assert props["STATUS"][1] == "CONFIRMED"
    assert ics.unescape_text(props["SUMMARY"][1]) == "Webinaire : restaurer un tableau"
    assert props["ORGANIZER"][1] == "mailto:billetterie@musee.example"
    assert props["ATTENDEE"][1] == "mailto:lea@example.org"
    assert "CN=Léa Dupont" in props["ATTENDEE"][0]
    # The confirmed registrant's invitation carries the webinar's link.
    assert "https://visio.example/salle-secrete-42" in ics.unescape_text(props["DESCRIPTION"][1])


def test_update_raises_sequence_keeps_uid_and_cancel(webinar):
    from django.db.models import F

    from cimaise.events.models import EventSession, Registration

    session = webinar["session"]
    registration = make_registration(session)
    first = ics.parse(ics.invitation(registration))
    EventSession.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
    Registration.objects.filter(pk=registration.pk).update(sequence=F("sequence") + 1)
    registration = Registration.objects.select_related("session__event").get(pk=registration.pk)
    second = ics.parse(ics.invitation(registration))
    assert second["UID"] == first["UID"]
    assert int(second["SEQUENCE"][1]) == int(first["SEQUENCE"][1]) + 2
    cancel = ics.parse(ics.invitation(registration, method="CANCEL"))
    assert cancel["METHOD"][1] == "CANCEL" and cancel["STATUS"][1] == "CANCELLED"
    assert cancel["UID"] == first["UID"]
    assert "visio.example" not in ics.invitation(registration, method="CANCEL")


@pytest.mark.parametrize("status", ["waitlisted", "offered"])
def test_no_join_link_unless_confirmed(webinar, status):
    registration = make_registration(webinar["session"], status=status)
    assert "visio.example" not in ics.invitation(registration)
