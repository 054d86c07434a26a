"""Fixtures of the events tests: a programme page with a webinar of 30 seats, one session tomorrow."""

import datetime

import pytest


@pytest.fixture
def programme(site_pages):
    from cimaise.events.models import EventIndexPage

    home = site_pages["home"]
    index = home.add_child(instance=EventIndexPage(title="Agenda", slug="agenda", intro="Nos rendez-vous."))
    index.save_revision().publish()
    return index


@pytest.fixture
def webinar(programme):
    """A live webinar page with one session of 30 seats, tomorrow at 18:00 (Paris), and its join link."""
    from django.utils import timezone

    from cimaise.events.models import Attendance, EventKind, EventPage, EventSession

    page = programme.add_child(instance=EventPage(
        title="Webinaire : restaurer un tableau", slug="webinaire-restaurer", kind=EventKind.WEBINAR,
        intro="Une heure avec l'atelier de restauration.", attendance=Attendance.ONLINE,
        join_url="https://visio.example/salle-secrete-42", max_seats_per_person=2,
    ))
    page.save_revision().publish()
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    starts = tomorrow.replace(hour=18, minute=0, second=0, microsecond=0)
    session = EventSession.objects.create(event=page, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                                          capacity=30)
    return {"page": page, "session": session}
