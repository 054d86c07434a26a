"""The programme and an event page in Chromium, on a phone (375 px) and a desktop: readable, filterable
without JavaScript errors, no sideways scrolling, axe WCAG 2.2 AA without violations, no join link."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

from tests.events.conftest import programme, webinar  # noqa: E402,F401 (fixtures)

SECRET = "salle-secrete-42"


@pytest.fixture
def site_events(live_site, programme, webinar, locales):
    from tests.events.wiring import build_programme

    return build_programme(programme, webinar, locales)


def _overflow(tab):
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_programme_and_event_page_on_phone_and_desktop(page, phone, site_events, axe, console_errors):
    failures = []
    urls = [site_events["index"].url, site_events["index_en"].url, site_events["page"].url,
            site_events["tour"].url, site_events["webinar_en"].url]
    for tab in (phone, page):
        for url in urls:
            tab.goto(url)
            expect(tab.get_by_role("heading", level=1)).to_be_visible()
            assert SECRET not in tab.content()
            if tab is phone:
                assert _overflow(tab) <= 0, f"{url} scrolls sideways on a phone"
            found = axe.violations(tab)
            if found:
                failures.append((f"{url} ({'phone' if tab is phone else 'desktop'})", found))
    assert not failures, axe.report(failures)
    assert console_errors == []


def test_filters_and_calendar_work_without_scripts(phone, site_events):
    phone.goto(site_events["index"].url)
    phone.get_by_label(re.compile("^(Type|Genre|Kind)")).select_option("guided_tour")
    phone.get_by_role("button", name=re.compile("^(Afficher|Show)$")).click()
    assert "kind=guided_tour" in phone.url
    upcoming = phone.locator(".programme-upcoming")
    expect(upcoming.get_by_role("link", name="Visite guidée des réserves")).to_be_visible()
    expect(upcoming.get_by_role("link", name="Webinaire : restaurer un tableau")).to_have_count(0)

    # The calendar: the next month keeps the filter, the previous one comes back.
    phone.locator(".calendar-nav a[rel=next]").click()
    assert "kind=guided_tour" in phone.url and "month=" in phone.url
    expect(phone.locator("table.calendar-grid caption")).to_be_visible()
    phone.locator(".calendar-nav a[rel=prev]").click()
    assert "kind=guided_tour" in phone.url
    first = site_events["tour_sessions"][0].starts_at.astimezone(site_events["tour"].tz)
    phone.goto(f"{site_events['index'].url}?kind=guided_tour&month={first:%Y-%m}")
    day = phone.locator(f'table.calendar-grid td[data-day="{first:%Y-%m-%d}"] a')
    expect(day).to_be_visible()
    day.click()
    assert re.search(r"#day-\d{4}-\d\d-\d\d$", phone.url)


def test_event_page_sessions_and_calendar_links(page, site_events):
    page.goto(site_events["tour"].url)
    sessions = page.locator("section.session")
    expect(sessions).to_have_count(3)
    expect(page.locator('section.session[data-session-state="cancelled"]')).to_have_count(1)
    ics = page.locator('a[data-calendar="ics"]').first
    response = page.request.get(ics.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    assert response.text().count("BEGIN:VEVENT") == 3
    assert "calendar.google.com" in page.locator('a[data-calendar="google"]').first.get_attribute("href")
