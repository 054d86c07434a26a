"""The emails of a registration: language, what/when/where, .ics, QR ticket, links, the join link only when due."""

import datetime
import io

import pytest
from django.core import mail

from cimaise.events import ics, notifications

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


def calendar_parts(message):
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_confirmation_in_french_with_ics_qr_links_and_join_link(webinar, settings):
    settings.BASE_URL = "https://musee.example"
    registration = make_registration(webinar["session"], seats=2)
    notifications.send("confirmed", registration)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    assert "Webinaire : restaurer un tableau" in message.subject
    assert "confirm" in message.subject.lower()
    text, html = message.body, html_of(message)
    starts = webinar["session"].starts_at.astimezone(webinar["page"].tz)
    assert f"{starts:%H:%M}" in text.replace("h", ":") or f"{starts:%H}" in text
    assert "Europe/Paris" in text
    for body in (text, html):
        assert "https://visio.example/salle-secrete-42" in body
        assert f"/fr/events/r/{registration.manage_secret}/" in body or registration.manage_secret in body
        assert "calendar.google.com/calendar/render" in body
        assert f"/fr/events/calendar/{registration.manage_secret}.ics" in body
    assert registration.ticket_secret[:5] in text
    # The .ics invitation, as calendars expect it.
    (part,) = calendar_parts(message)
    assert part.get_param("method") == "REQUEST"
    props = ics.parse(part.get_payload(decode=True).decode())
    assert props["METHOD"][1] == "REQUEST"
    assert props["UID"][1] == f"{registration.uid}@musee.example"
    assert props["ATTENDEE"][1] == "mailto:lea@example.org"
    # The QR ticket: inline (cid) and decodable to the ticket's secret and nothing else.
    images = [p for p in message.message().walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<ticket>"
    assert 'src="cid:ticket"' in html
    from PIL import Image

    png = Image.open(io.BytesIO(images[0].get_payload(decode=True)))
    assert png.size[0] >= 200


def test_english_event_speaks_english(webinar):
    registration = make_registration(webinar["session"])
    notifications.send("confirmed", registration, language="en")
    assert "Your registration is confirmed" in mail.outbox[0].subject
    assert "/en/events/" in mail.outbox[0].body


@pytest.mark.parametrize("kind,status", [("waitlisted", "waitlisted"), ("offered", "offered"),
                                         ("offer_expired", "expired"), ("cancelled", "cancelled")])
def test_no_join_link_no_ticket_unless_confirmed(webinar, kind, status):
    from django.utils import timezone

    registration = make_registration(webinar["session"], status=status,
                                     offer_expires_at=timezone.now() + datetime.timedelta(hours=24))
    notifications.send(kind, registration)
    message = mail.outbox[0]
    for body in (message.body, html_of(message)):
        assert "visio.example" not in body
        assert registration.ticket_secret not in body
    assert not [p for p in message.message().walk() if p.get_content_type() == "image/png"]
    if kind == "offered":
        assert registration.manage_secret in message.body
        deadline = registration.offer_expires_at.astimezone(webinar["page"].tz)
        assert f"{deadline:%H:%M}" in message.body


def test_join_link_not_on_public_page(webinar, client):
    response = client.get(webinar["page"].url)
    assert b"salle-secrete-42" not in response.content


def test_update_sends_higher_sequence_same_uid(webinar):
    from django.db.models import F

    from cimaise.events.models import EventSession, Registration

    registration = make_registration(webinar["session"])
    notifications.send("confirmed", registration)
    EventSession.objects.filter(pk=webinar["session"].pk).update(sequence=F("sequence") + 1)
    registration = Registration.objects.select_related("session__event").get(pk=registration.pk)
    notifications.send("updated", registration)
    first, second = (ics.parse(calendar_parts(m)[0].get_payload(decode=True).decode()) for m in mail.outbox)
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"][1]) > int(first["SEQUENCE"][1])


@pytest.mark.parametrize("kind", ["cancelled", "session_cancelled"])
def test_cancellations_carry_an_ics_cancel(webinar, kind):
    registration = make_registration(webinar["session"], status="cancelled")
    notifications.send(kind, registration)
    (part,) = calendar_parts(mail.outbox[0])
    assert part.get_param("method") == "CANCEL"
    props = ics.parse(part.get_payload(decode=True).decode())
    assert props["METHOD"][1] == "CANCEL" and props["STATUS"][1] == "CANCELLED"
    assert props["UID"][1].startswith(str(registration.uid))


def test_user_input_is_escaped_in_html(webinar):
    registration = make_registration(webinar["session"], name="<script>alert(1)</script>")
    notifications.send("confirmed", registration)
    assert "<script>alert(1)" not in html_of(mail.outbox[0])
    assert "&lt;script&gt;" in html_of(mail.outbox[0])


def test_ticket_urls_serve_the_qr_and_the_ics(webinar, client):
    registration = make_registration(webinar["session"])
    from django.urls import reverse

    svg = client.get(reverse("events:ticket_svg", kwargs={"secret": registration.ticket_secret}))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"Dupont" not in svg.content and b"example.org" not in svg.content
    png = client.get(reverse("events:ticket_png", kwargs={"secret": registration.ticket_secret}))
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    assert client.get(reverse("events:ticket_png", kwargs={"secret": "forged-secret"})).status_code == 404
    calendar = client.get(reverse("events:registration_ics", kwargs={"secret": registration.manage_secret}))
    assert calendar.status_code == 200
    assert ics.parse(calendar.content.decode())["UID"][1].startswith(str(registration.uid))


def test_the_whole_path_through_the_services(webinar, django_capture_on_commit_callbacks):
    """Register (confirmed), fill up, wait, cancel into a freed seat: each person gets the right message."""
    from cimaise.events.services import registrations, sessions

    session = webinar["session"]
    sessions.change_capacity(session, 1)
    with django_capture_on_commit_callbacks(execute=True):
        lea = registrations.register(session, name="Léa", email="lea@example.org").registration
        paul = registrations.register(session, name="Paul", email="paul@example.org").registration
    assert [m.to[0] for m in mail.outbox] == ["lea@example.org", "paul@example.org"]
    confirmed, waitlisted = mail.outbox
    assert calendar_parts(confirmed) and "visio.example" in confirmed.body
    assert not calendar_parts(waitlisted) and "visio.example" not in waitlisted.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registrations.cancel(lea)
    kinds = {m.to[0]: m for m in mail.outbox}
    (cancel,) = calendar_parts(kinds["lea@example.org"])
    assert cancel.get_param("method") == "CANCEL"
    offer = kinds["paul@example.org"]
    assert paul.manage_secret in offer.body and "visio.example" not in offer.body
