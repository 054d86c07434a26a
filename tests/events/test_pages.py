"""The public event pages and the programme: rendering in French and English, sessions and their state,
filters, the month calendar, the archive, the Event JSON-LD; and never the webinar's join link."""

import json
import re

import pytest

from tests.events.wiring import events  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

SECRET = "salle-secrete-42"


def json_lds(html):
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def session_block(html, pk):
    """The HTML of one session's section (up to the next session or the end of the article)."""
    start = html.index(f'<section class="session" id="session-{pk}"')
    ends = [i for i in (html.find('<section class="session"', start + 1), html.find("</article>", start)) if i > 0]
    return html[start:min(ends)]


def event_graph(html):
    found = [data for data in json_lds(html) if "@graph" in data]
    assert len(found) == 1, found
    return found[0]["@graph"]


def test_webinar_page_shows_what_visitors_need_and_never_the_join_link(client, events):
    response = client.get(events["page"].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Webinaire : restaurer un tableau" in html
    assert "Une heure avec l&#x27;atelier de restauration." in html or "Une heure avec l'atelier" in html
    assert "Camille Martin" in html and "Restauratrice" in html and "Vingt ans d&#x27;atelier." in html
    assert SECRET not in html and "visio.example" not in html
    session = events["session"]
    block = session_block(html, session.pk)
    assert 'data-session-state="open"' in block
    assert "18:00" in block and "Europe/Paris" in block
    assert f'data-session="{session.uid}"' in block  # the registration form's partial, per session
    assert re.search(r"30 (places restantes|seats left)", block)
    assert f"/events/calendar.ics?event={events['page'].pk}" in block
    assert "calendar.google.com/calendar/render" in block


def test_english_translation_shows_the_same_sessions_in_english(client, events):
    response = client.get(events["webinar_en"].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Webinar: restoring a painting" in html
    assert "Dates and registration" in html
    assert f'id="session-{events["session"].pk}"' in html
    assert SECRET not in html


def test_session_states_full_cancelled_and_closed(client, events):
    from cimaise.events.models import EventSession

    open_, full, cancelled = events["tour_sessions"]
    EventSession.objects.filter(pk=open_.pk).update(registration_closed=True)
    html = client.get(events["tour"].url).content.decode()
    states = dict(re.findall(r'id="session-(\d+)" data-session-state="(\w+)"', html))
    assert states == {str(open_.pk): "closed", str(full.pk): "full", str(cancelled.pk): "cancelled"}
    assert 'data-state="full"' in session_block(html, full.pk)
    assert re.search(r"(Annulée?|Cancelled)", html)
    assert re.search(r"(Inscriptions fermées|Registration closed)", html)
    # Only open and full sessions carry the registration form.
    assert html.count('class="register-form"') + html.count('class="register-stub"') == 1
    assert 'data-session="%s"' % full.uid in session_block(html, full.pk)
    assert "Salle des réserves" in html and "familles, étudiants" in html and "Accès de plain-pied." in html


def test_paid_on_site_price(client, events):
    html = client.get(events["concert"].url).content.decode()
    assert re.search(r"(Payant sur place|Paid on site) – 10 € sur place", html)


def test_seats_left_are_fresh_after_a_registration_even_when_the_page_is_cached(client, events):
    from cimaise.events.models import EventSession

    url = events["page"].url
    client.get(url)
    EventSession.objects.filter(pk=events["session"].pk).update(confirmed_seats=30)
    html = client.get(url).content.decode()
    assert 'data-session-state="full"' in html
    offer = event_graph(html)[0]["offers"]
    assert offer["availability"] == "https://schema.org/SoldOut"


def test_event_json_ld_webinar(client, events):
    html = client.get(events["page"].url).content.decode()
    assert SECRET not in html
    (event,) = event_graph(html)
    session = events["session"]
    assert event["@type"] == "Event"
    assert event["name"] == "Webinaire : restaurer un tableau"
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"] == {"@type": "VirtualLocation", "url": "http://testserver" + events["page"].url}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT18:00:00\+0[12]:00", event["startDate"])
    assert event["endDate"].startswith(event["startDate"][:11] + "19:00:00")
    assert event["offers"]["price"] == "0" and event["offers"]["priceCurrency"] == "EUR"
    assert event["offers"]["availability"] == "https://schema.org/InStock"
    assert event["performer"] == [{"@type": "Person", "name": "Camille Martin", "jobTitle": "Restauratrice"}]
    assert event["organizer"]["name"] == "Musée de Test"
    assert event["remainingAttendeeCapacity"] == 30 and session.capacity == 30


def test_event_json_ld_venue_sessions_and_cancelled(client, events):
    html = client.get(events["tour"].url).content.decode()
    graph = event_graph(html)
    assert len(graph) == 3
    assert graph[0]["location"] == {"@type": "Place", "name": "Salle des réserves",
                                    "address": "1 rue du Musée, Lyon"}
    assert graph[0]["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert graph[1]["offers"]["availability"] == "https://schema.org/SoldOut"
    assert graph[2]["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_past_event_keeps_its_date_on_the_page_and_in_its_json_ld(client, events):
    html = client.get(events["talk"].url).content.decode()
    assert "No date to come" in html or "Aucune date à venir" in html
    past = re.search(r'<ul class="past-sessions"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert past.count("<li>") == 1 and "<time datetime=" in past
    (event,) = event_graph(html)
    assert event["name"] == "Conférence passée"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["offers"]["availability"] == "https://schema.org/Discontinued"
    # An event with dates to come does not list its past ones.
    assert 'class="past-sessions"' not in client.get(events["page"].url).content.decode()


def test_json_ld_escapes_script_closing_text(client, events):
    page = events["tour"]
    page.title = "Visite </script><script>alert(1)</script>"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in html
    assert event_graph(html)[0]["name"] == page.title


def test_programme_lists_upcoming_with_next_session_and_archive(client, events):
    response = client.get(events["index"].url)
    html = response.content.decode()
    assert response.status_code == 200
    upcoming = re.search(r'<ul class="cards events-upcoming">(.*?)</ul>\s*</section>', html, re.S).group(1)
    ids = re.findall(r'data-event-id="(\d+)"', upcoming)
    # Soonest first: the webinar (tomorrow), the tour (in 3 days), the concert (in 5 days).
    assert ids == [str(events["page"].pk), str(events["tour"].pk), str(events["concert"].pk)]
    assert "Conférence passée" not in upcoming
    archive = re.search(r'<ul class="cards events-archive">(.*?)</ul>', html, re.S).group(1)
    assert "Conférence passée" in archive
    assert SECRET not in html


def test_programme_in_english(client, events):
    html = client.get(events["index_en"].url).content.decode()
    assert "What&#x27;s on" in html or "What's on" in html
    assert "Coming up" in html and "Webinar: restoring a painting" in html
    assert f'data-event-id="{events["webinar_en"].pk}"' in html


@pytest.mark.parametrize("query,expected", [
    ("kind=guided_tour", ["tour"]),
    ("where=online", ["page"]),
    ("where=venue", ["tour", "concert"]),
    ("audience=Familles", ["tour"]),
    ("kind=concert&where=online", []),
])
def test_programme_filters(client, events, query, expected):
    html = client.get(f"{events['index'].url}?{query}").content.decode()
    upcoming = re.search(r'<section class="programme-upcoming".*?</section>', html, re.S).group(0)
    assert re.findall(r'data-event-id="(\d+)"', upcoming) == [str(events[key].pk) for key in expected]


def test_bad_filters_are_ignored_with_a_message(client, events):
    response = client.get(f"{events['index'].url}?kind=<b>x</b>&month=2026-99&where=moon")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<b>x</b>" not in html
    assert html.count('role="alert"') == 1
    assert len(re.findall(r'data-event-id="', html)) >= 3


def test_month_calendar(client, events):
    from cimaise.events.programme import view_session

    session = events["tour_sessions"][0]
    start = view_session(events["tour"], session).start
    month = start.strftime("%Y-%m")
    html = client.get(f"{events['index'].url}?month={month}").content.decode()
    table = re.search(r'<table class="calendar-grid">.*?</table>', html, re.S).group(0)
    assert "<caption>" in table and 'scope="col"' in table
    assert f'data-day="{start:%Y-%m-%d}"' in table
    assert f'href="#day-{start:%Y-%m-%d}"' in table
    day = re.search(rf'<li id="day-{start:%Y-%m-%d}">.*?</ul>', html, re.S).group(0)
    assert "Visite guidée des réserves" in day and "10:00" in day
    following = re.search(r'rel="next" data-month="(\d{4}-\d\d)"', html).group(1)
    assert f"month={following}" in html


def test_archive_is_paginated(client, events):
    from cimaise.events.models import EventKind, EventPage, EventSession
    from tests.events.wiring import at, publish

    for number in range(13):
        old = events["index"].add_child(instance=EventPage(
            title=f"Ancien {number}", slug=f"ancien-{number}", kind=EventKind.TALK, attendance="online"))
        publish(old)
        EventSession.objects.create(event=old, starts_at=at(-30 - number, 18), ends_at=at(-30 - number, 19),
                                    capacity=10)
    first = client.get(events["index"].url).content.decode()
    archive = re.search(r'<section class="programme-archive".*?</section>', first, re.S).group(0)
    assert len(re.findall(r'class="card event-card"', archive)) == 12
    assert "page=2" in archive
    second = client.get(events["index"].url + "?page=2").content.decode()
    archive = re.search(r'<section class="programme-archive".*?</section>', second, re.S).group(0)
    assert len(re.findall(r'class="card event-card"', archive)) == 2  # 13 + the past talk = 14


def test_programme_queries_do_not_grow_with_events(client, events):
    from cimaise.events.models import EventKind, EventPage, EventSession
    from tests.events.wiring import at, publish

    url = events["index"].url + "?kind=talk"  # a query string: never served from the page cache
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(5):
        extra = events["index"].add_child(instance=EventPage(
            title=f"Causerie {number}", slug=f"causerie-{number}", kind=EventKind.TALK, attendance="online"))
        publish(extra)
        EventSession.objects.create(event=extra, starts_at=at(2 + number, 18), ends_at=at(2 + number, 19),
                                    capacity=10)
    client.get(url)  # publishing refreshed the site's caches: warm them again
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert "Causerie 4" in html
    assert len(after.captured_queries) == len(before.captured_queries)


def test_demo_programme(client, site_pages, monkeypatch, settings, tmp_path):
    """The demo's programme: Agenda / What's on, a webinar of 30 seats next week, a tour with 3 dates, a
    concert paid on site, an opening, a past talk in the archive; never a join link in public."""
    import types

    from django.contrib.auth import get_user_model

    from cimaise.demo.content.dates import DemoCalendar
    from cimaise.demo.events import create_programme
    from cimaise.events.models import EventPage
    from cimaise.events.programme import sessions_of

    from django.utils import timezone
    from wagtail.models import Locale

    user = get_user_model().objects.create(username="direction", is_superuser=True)
    loader = types.SimpleNamespace(
        say=lambda message: None, cal=DemoCalendar(timezone.localdate()), users={"direction": user},
        images={}, locales={code: Locale.objects.get(language_code=code) for code in ("fr", "en")},
        pages={("home", "fr"): site_pages["home"]})
    index, index_en = create_programme(loader)
    webinar = EventPage.objects.get(slug="restaurer-un-tableau-webinaire")
    (session,) = sessions_of(webinar)
    assert session.capacity == 30 and webinar.kind == "webinar"
    assert len(sessions_of(EventPage.objects.get(slug="visite-guidee-lumieres-du-fleuve"))) == 3
    assert EventPage.objects.filter(locale__language_code="en").count() == 5
    for url in (index.url, index_en.url, webinar.url, loader.pages["webinar", "en"].url,
                loader.pages["concert", "fr"].url, "/fr/events/calendar.ics", "/en/events/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "visio.example" not in response.content.decode(), url
    html = client.get(index.url).content.decode()
    archive = re.search(r'<section class="programme-archive".*?</section>', html, re.S).group(0)
    assert "Conférence : Hélène Corbin" in archive
    english = client.get(loader.pages["webinar", "en"].url).content.decode()
    assert "Restoring a painting: questions for the studio" in english and "Conservator" in english
    assert f'id="session-{session.pk}"' in english
