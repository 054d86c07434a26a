"""The iCalendar feed of the programme and the events in the mobile-app API: valid, stable, public only."""

import json
import re

import pytest

from tests.events.wiring import events  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

SECRET = "salle-secrete-42"


def parse_calendar(text):
    """A small RFC 5545 reader: checks CRLF line ends and folding, returns the VEVENTs as dicts."""
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    physical = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical), "lines are folded at 75 octets"
    lines = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    calendar, events, current = {}, [], None
    for line in lines:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice in one VEVENT"
            current[name.split(";")[0]] = value
        else:
            calendar[name] = value
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "STATUS"):
            assert required in event, required
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    return calendar, events


def unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_feed_lists_every_upcoming_session_with_stable_uids(client, events):
    response = client.get("/fr/events/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    calendar, vevents = parse_calendar(text)
    assert calendar["METHOD"] == "PUBLISH"
    # The webinar, 3 tour sessions, the concert; not the past talk.
    assert len(vevents) == 5
    assert "Conférence passée" not in text
    uids = [event["UID"] for event in vevents]
    assert len(set(uids)) == 5
    assert f"{events['session'].uid}@" in uids[0]
    again = parse_calendar(client.get("/fr/events/calendar.ics").content.decode())[1]
    assert [event["UID"] for event in again] == uids
    assert SECRET not in text and "visio.example" not in text


def test_feed_sequence_and_cancelled_status(client, events):
    _, vevents = parse_calendar(client.get("/fr/events/calendar.ics").content.decode())
    by_uid = {event["UID"].split("@")[0]: event for event in vevents}
    open_, full, cancelled = events["tour_sessions"]
    assert by_uid[str(cancelled.uid)]["STATUS"] == "CANCELLED"
    assert by_uid[str(cancelled.uid)]["SEQUENCE"] == "1"
    assert by_uid[str(open_.uid)]["STATUS"] == "CONFIRMED"
    assert by_uid[str(open_.uid)]["SEQUENCE"] == "0"
    tour = by_uid[str(open_.uid)]
    assert unescape(tour["SUMMARY"]) == "Visite guidée des réserves"
    assert unescape(tour["LOCATION"]) == "Salle des réserves\n1 rue du Musée, Lyon"
    assert tour["DTSTART"] == open_.starts_at.astimezone(__import__("datetime").timezone.utc).strftime(
        "%Y%m%dT%H%M%SZ")
    webinar = by_uid[str(events["session"].uid)]
    assert unescape(webinar["LOCATION"]) == "http://testserver" + events["page"].url  # the page, not the room


def test_feed_of_one_event_and_in_english(client, events):
    text = client.get(f"/fr/events/calendar.ics?event={events['tour'].pk}").content.decode()
    _, vevents = parse_calendar(text)
    assert {unescape(e["SUMMARY"]) for e in vevents} == {"Visite guidée des réserves"}
    assert len(vevents) == 3
    english = parse_calendar(client.get("/en/events/calendar.ics").content.decode())[1]
    # Only the webinar is translated; its English page lists the very same session.
    assert [unescape(e["SUMMARY"]) for e in english] == ["Webinar: restoring a painting"]
    assert english[0]["UID"].startswith(str(events["session"].uid))
    assert client.get("/fr/events/calendar.ics?event=x").status_code == 404
    assert client.get("/fr/events/calendar.ics?event=999999").status_code == 404


def test_feed_escapes_and_folds_long_text(client, events):
    page = events["concert"]
    page.intro = "Bach, Haydn; Ravel\\Debussy. " + "é" * 120
    page.save_revision().publish()
    text = client.get(f"/fr/events/calendar.ics?event={page.pk}").content.decode()
    (event,) = parse_calendar(text)[1]
    assert unescape(event["DESCRIPTION"]).startswith("Bach, Haydn; Ravel\\Debussy. " + "é" * 120)


def test_feed_has_no_personal_data(client, events):
    from cimaise.events.models import Registration

    Registration.objects.create(session=events["session"], name="Alice Dupont", email="alice@example.org",
                                seats=1, status=Registration.Status.CONFIRMED)
    text = client.get("/fr/events/calendar.ics").content.decode()
    assert "alice" not in text.lower() and "ATTENDEE" not in text


def test_api_lists_events_with_sessions_and_availability(client, events):
    from cimaise.events.models import EventSession

    EventSession.objects.filter(pk=events["session"].pk).update(confirmed_seats=28)
    response = client.get("/api/v2/pages/?type=events.EventPage&fields=kind,attendance,sessions,speakers,price"
                          "&locale=fr")
    assert response.status_code == 200
    text = response.content.decode()
    assert SECRET not in text and "visio.example" not in text and "join_url" not in text
    items = {item["title"]: item for item in json.loads(text)["items"]}
    webinar = items["Webinaire : restaurer un tableau"]
    assert webinar["kind"] == "webinar" and webinar["attendance"] == "online"
    (session,) = webinar["sessions"]
    assert session["id"] == str(events["session"].uid)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT18:00:00\+0[12]:00", session["start"])
    assert session["seats_left"] == 2 and session["capacity"] == 30
    assert session["availability"] == "open" and session["status"] == "scheduled"
    assert webinar["speakers"] == [{"name": "Camille Martin", "role": "Restauratrice",
                                    "bio": "Vingt ans d'atelier.", "photo": None}]
    tour = items["Visite guidée des réserves"]
    assert [s["availability"] for s in tour["sessions"]] == ["open", "full", "cancelled"]
    assert tour["sessions"][1]["waiting_list"] is True
    assert items["Conférence passée"]["sessions"] == []


def test_api_listing_loads_sessions_and_speakers_once_for_all_events(client, events):
    """The listing's queries do not grow with the number of events (two more events: the same count)."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cimaise.events.models import EventPage, EventSession, Speaker

    url = "/api/v2/pages/?type=events.EventPage&fields=sessions,speakers&locale=fr"
    client.get(url)  # warm caches (site, locales)
    with CaptureQueriesContext(connection) as before:
        first = client.get(url).json()
    for n in (1, 2):
        page = events["index"].add_child(instance=EventPage(title=f"Atelier {n}", slug=f"atelier-{n}",
                                                                venue="Atelier"))
        page.speakers.add(Speaker(name=f"Intervenante {n}"))
        page.save_revision().publish()
        start = timezone.now() + datetime.timedelta(days=n + 3)
        EventSession.objects.create(event=page, starts_at=start, ends_at=start + datetime.timedelta(hours=1),
                                    capacity=10)
    with CaptureQueriesContext(connection) as after:
        second = client.get(url).json()
    assert second["meta"]["total_count"] == first["meta"]["total_count"] + 2
    added = {item["title"]: item for item in second["items"]}
    assert len(added["Atelier 2"]["sessions"]) == 1 and added["Atelier 2"]["speakers"][0]["name"] == "Intervenante 2"
    assert len(after.captured_queries) <= len(before.captured_queries), "\n".join(
        q["sql"][:150] for q in after.captured_queries)


def test_api_detail_and_english_translation(client, events):
    detail = client.get(f"/api/v2/pages/{events['webinar_en'].pk}/").json()
    assert detail["title"] == "Webinar: restoring a painting"
    assert [s["id"] for s in detail["sessions"]] == [str(events["session"].uid)]
    assert SECRET not in json.dumps(detail)


def test_api_never_returns_the_join_link_even_when_asked(client, events):
    for fields in ("join_url", "*"):
        response = client.get(f"/api/v2/pages/?type=events.EventPage&fields={fields}")
        assert SECRET not in response.content.decode()


def test_openapi_describes_event_pages(client, events):
    schema = client.get("/api/v2/openapi.json").json()
    event = schema["components"]["schemas"]["events_EventPage"]
    assert event["properties"]["sessions"]["items"]["properties"]["seats_left"] == {"type": "integer"}
    assert "join_url" not in json.dumps(schema)
