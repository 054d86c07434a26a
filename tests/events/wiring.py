"""Test helpers of the public side of events: a programme with several kinds of events."""

import datetime

import pytest


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def at(days, hour, minute=0, tz="Europe/Paris"):
    """An aware datetime ``days`` from today at ``hour``:``minute`` in ``tz``."""
    import zoneinfo

    from django.utils import timezone

    zone = zoneinfo.ZoneInfo(tz)
    day = timezone.localtime(timezone.now(), zone).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), zone)


def build_programme(programme, webinar, locales):
    """Beside the webinar (online, 30 seats, tomorrow): a tour (3 sessions, one full, one cancelled), a
    concert paid on site, a past talk; the programme and the webinar translated to English."""
    from cimaise.events.models import Attendance, EventKind, EventPage, EventSession, Price, Speaker

    session_model = EventSession
    tour = programme.add_child(instance=EventPage(
        title="Visite guidée des réserves", slug="visite-reserves", kind=EventKind.GUIDED_TOUR,
        intro="Les coulisses du musée.", attendance=Attendance.VENUE, venue="Salle des réserves\n1 rue du Musée, Lyon",
        audiences="familles, étudiants", accessibility="Accès de plain-pied.",
    ))
    publish(tour)
    tour_sessions = [
        session_model.objects.create(event=tour, starts_at=at(3, 10), ends_at=at(3, 11), capacity=15),
        session_model.objects.create(event=tour, starts_at=at(10, 10), ends_at=at(10, 11), capacity=15,
                                     confirmed_seats=15),
        session_model.objects.create(event=tour, starts_at=at(17, 10), ends_at=at(17, 11), capacity=15,
                                     status=session_model.Status.CANCELLED, sequence=1),
    ]
    concert = programme.add_child(instance=EventPage(
        title="Concert : quatuor à cordes", slug="concert-quatuor", kind=EventKind.CONCERT,
        attendance=Attendance.VENUE, venue="Auditorium", price=Price.PAID_ON_SITE, price_note="10 € sur place",
        audiences="adultes",
    ))
    publish(concert)
    session_model.objects.create(event=concert, starts_at=at(5, 20), ends_at=at(5, 22), capacity=80)
    talk = programme.add_child(instance=EventPage(
        title="Conférence passée", slug="conference-passee", kind=EventKind.TALK,
        attendance=Attendance.VENUE, venue="Auditorium",
    ))
    publish(talk)
    session_model.objects.create(event=talk, starts_at=at(-20, 18), ends_at=at(-20, 19), capacity=50)

    page = webinar["page"]
    Speaker.objects.create(page=page, name="Camille Martin", role="Restauratrice", bio="Vingt ans d'atelier.")
    publish(page)
    index_en = programme.copy_for_translation(locales["en"], copy_parents=True)
    index_en.title, index_en.slug = "What's on", "whats-on"
    index_en.save()
    publish(index_en)
    webinar_en = page.copy_for_translation(locales["en"])
    webinar_en.title, webinar_en.slug = "Webinar: restoring a painting", "webinar-restoring"
    webinar_en.save()
    publish(webinar_en)
    return {"tour": tour, "tour_sessions": tour_sessions, "concert": concert, "talk": talk,
            "index_en": index_en, "webinar_en": webinar_en, **webinar, "index": programme}


@pytest.fixture
def events(programme, webinar, locales):
    return build_programme(programme, webinar, locales)
