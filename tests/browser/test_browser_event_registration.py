"""Registering for a webinar on a phone (375 px): the form, the confirmation with the join link, cancelling.

axe (WCAG 2.2 AA) finds nothing on the form, on the form after a refusal, and on the confirmation page.
"""

from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOIN_URL = "https://visio.example/salle-secrete-42"


@pytest.fixture
def live_webinar(live_site):
    """A live webinar with one session of 30 seats tomorrow evening, under a programme page of the test site."""
    import datetime

    from django.utils import timezone

    from cimaise.events.models import Attendance, EventIndexPage, EventKind, EventPage, EventSession

    programme = live_site["home"].add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))
    programme.save_revision().publish()
    page = programme.add_child(instance=EventPage(
        title="Webinaire : restaurer un tableau", slug="webinaire-restaurer", kind=EventKind.WEBINAR,
        attendance=Attendance.ONLINE, join_url=JOIN_URL, max_seats_per_person=2))
    page.save_revision().publish()
    starts = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
    session = EventSession.objects.create(event=page, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                                          capacity=30)
    return {"page": page, "session": session}


def test_register_see_the_join_link_and_cancel_on_a_phone(phone, live_webinar, axe, console_errors):
    from cimaise.events.models import Registration

    session = live_webinar["session"]
    phone.goto(f"/fr/events/register/{session.uid}/")
    form = phone.locator(f"#register-{session.pk}")

    def field(name):  # by id: the labels are in French or English until the catalog is translated
        return phone.locator(f"#register-{session.pk}-{name}")

    expect(form.locator('[data-state="open"]')).to_be_visible()
    assert JOIN_URL not in phone.content()  # never on a public page
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    axe.check(phone)

    # A mistyped address: refused with a message, nothing typed is lost.
    field("name").fill("Ada Lovelace")
    field("email").fill("ada-example.org")
    field("accessibility_needs").fill("Sous-titres")
    phone.evaluate("document.querySelector('form.register-form').noValidate = true")  # the server's message
    phone.locator('[data-action="register"]').click()
    expect(phone.get_by_role("alert")).to_be_visible()
    expect(field("name")).to_have_value("Ada Lovelace")
    expect(field("accessibility_needs")).to_have_value("Sous-titres")
    axe.check(phone)

    field("email").fill("ada@example.org")
    field("seats").select_option("2")
    phone.locator('[data-action="register"]').click()
    expect(phone.locator('[data-status="confirmed"]')).to_be_visible()
    join = phone.locator("#join-link")
    expect(join).to_have_attribute("href", JOIN_URL)
    registration = Registration.objects.get(email="ada@example.org")
    assert registration.seats == 2 and not registration.consent_newsletter and not registration.consent_photos
    assert "ada@example.org" not in phone.url
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    axe.check(phone)

    phone.locator('[data-action="cancel"]').click()
    expect(phone.locator('[data-status="cancelled"]')).to_be_visible()
    expect(phone.locator("#join-link")).to_have_count(0)
    session.refresh_from_db()
    assert session.confirmed_seats == 0
    axe.check(phone)
    assert [e for e in console_errors if "400" not in e] == []  # only the refused attempt (a 400 answer)
