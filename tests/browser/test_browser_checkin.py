"""The box office's check-in page on a phone (375 px), in Chromium: a typed code checks in, the same code again is
refused with the reason, a photo of the QR ticket is read by the vendored jsQR; nothing for axe (WCAG 2.2 AA)."""

import datetime
import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "not-used-1234"


def log_in(tab, user):
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form button[type=submit]").first.click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


@pytest.fixture
def door(live_site, django_user_model):
    """A session starting in half an hour, two confirmed registrations, and a member of the box office."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cimaise.events.models import Attendance, EventIndexPage, EventKind, EventPage, EventSession, Registration
    from cimaise.institution import roles

    index = live_site["home"].add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))
    index.save_revision().publish()
    page = index.add_child(instance=EventPage(title="Visite guidée du retable", slug="visite-retable",
                                              kind=EventKind.GUIDED_TOUR, attendance=Attendance.VENUE,
                                              venue="Chapelle, entrée rue Haute"))
    page.save_revision().publish()
    starts = timezone.now() + datetime.timedelta(minutes=30)
    session = EventSession.objects.create(event=page, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                                          capacity=20, confirmed_seats=3)
    lea = Registration.objects.create(session=session, name="Léa Dupont", email="lea@example.org", seats=2,
                                      status="confirmed", accessibility_needs="Fauteuil roulant")
    paul = Registration.objects.create(session=session, name="Paul Martin", email="paul@example.org", seats=1,
                                       status="confirmed")
    user = django_user_model.objects.create_user("accueil", password=PASSWORD, first_name="Nadia",
                                                 last_name="Benali")
    user.groups.add(Group.objects.get(name=roles.BOX_OFFICE))
    return {"session": session, "lea": lea, "paul": paul, "user": user}


def test_check_in_on_a_phone(phone, door, axe, console_errors):
    from cimaise.events import tickets

    tab = phone
    log_in(tab, door["user"])
    tab.goto(f"/admin/events/checkin/?session={door['session'].pk}")
    expect(tab.locator("#id_code")).to_be_visible()
    expect(tab.locator("#checkin-camera")).to_be_visible()  # the script found jsQR and the camera API
    axe.check(tab)
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth")

    # Typed: checked in, with the name and the seats.
    tab.locator("#id_code").fill(door["lea"].ticket_secret)
    tab.locator("#checkin-form button[type=submit]").click()
    result = tab.locator("#checkin-result [data-reason]")
    expect(result).to_have_attribute("data-reason", "checked_in")
    expect(result.locator("[data-name]")).to_have_text("Léa Dupont")
    expect(result).to_contain_text("2")
    expect(result).to_contain_text("Fauteuil roulant")
    axe.check(tab)

    # The same code again: refused, saying when and by whom.
    tab.locator("#id_code").fill(door["lea"].ticket_secret)
    tab.locator("#checkin-form button[type=submit]").click()
    expect(result).to_have_attribute("data-reason", "already_checked_in")
    expect(result).to_have_attribute("data-ok", "false")
    expect(result).to_contain_text("Nadia Benali")
    axe.check(tab)

    # A forged code: refused, and what was typed stays in the field.
    tab.locator("#id_code").fill("BILLET-FAUX-123")
    tab.locator("#checkin-form button[type=submit]").click()
    expect(result).to_have_attribute("data-reason", "unknown")
    expect(tab.locator("#id_code")).to_have_value("BILLET-FAUX-123")
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth")

    # The QR reading in the browser: a photo of Paul's ticket (rendered by segno) is decoded by jsQR and sent.
    tab.locator("#checkin-photo").set_input_files(files=[{
        "name": "billet.png", "mimeType": "image/png", "buffer": tickets.png(door["paul"].ticket_secret)}])
    expect(result).to_have_attribute("data-reason", "checked_in")
    expect(result.locator("[data-name]")).to_have_text("Paul Martin")
    door["paul"].refresh_from_db()
    assert door["paul"].checked_in_by_id == door["user"].pk
    assert not console_errors, console_errors


def test_sessions_and_attendees_on_a_phone(phone, door, axe, django_user_model, console_errors):
    """The organisers' sessions page and the box office's attendee list: readable at 375 px, nothing for axe."""
    from django.contrib.auth.models import Group

    from cimaise.institution import roles

    tab = phone
    organiser = django_user_model.objects.create_user("claire", password=PASSWORD, first_name="Claire")
    organiser.groups.add(Group.objects.get(name=roles.CONTENT_MANAGER))
    log_in(tab, organiser)
    page = door["session"].event
    tab.goto(f"/admin/events/{page.pk}/sessions/")
    expect(tab.locator(f"tr[data-session='{door['session'].pk}']")).to_be_visible()
    axe.check(tab)
    # Raise the capacity from the phone.
    field = tab.locator(f"#capacity-{door['session'].pk}")
    field.fill("25")
    field.locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(tab.locator(f"#capacity-{door['session'].pk}")).to_have_value("25")
    expect(tab.locator(".messages")).to_be_visible()
    # Wagtail's message banner fades in: axe would measure its colours half-way.
    tab.evaluate("document.querySelector('.messages ul')?.remove()")
    axe.check(tab)

    tab.context.clear_cookies()
    log_in(tab, door["user"])
    tab.goto(f"/admin/events/sessions/{door['session'].pk}/attendees/")
    expect(tab.locator("#attendees")).to_contain_text("Léa Dupont")
    axe.check(tab)
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth")
    assert not console_errors, console_errors
