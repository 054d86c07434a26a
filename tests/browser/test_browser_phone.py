"""On a phone (375x740): no sideways scrolling, a visible skip link, a usable menu and search."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MIN_TARGET = 24  # WCAG 2.2 success criterion 2.5.8, in CSS pixels
PHONE_WIDTH = 375
SCREENSHOTS = {"desktop": Path("/tmp/cimaise-home.png"), "phone": Path("/tmp/cimaise-home-phone.png")}


def _horizontal_overflow(tab):
    return tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_pages_fit_a_phone_and_home_screenshots(page, phone, rich_site, console_errors):
    article = rich_site["article"]
    for url in ("/fr/", article.url, rich_site["index"].url, "/fr/search/?q=retable", f"/qr/{article.pk}/label/"):
        phone.goto(url)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert phone.evaluate("window.innerWidth") == PHONE_WIDTH
        assert _horizontal_overflow(phone) <= 0, f"{url} scrolls sideways on a phone"

    # Screenshots for a person to look at: /tmp/cimaise-home.png and /tmp/cimaise-home-phone.png.
    for tab, path in ((page, SCREENSHOTS["desktop"]), (phone, SCREENSHOTS["phone"])):
        tab.goto("/fr/")
        tab.wait_for_load_state("networkidle")
        assert tab.evaluate("[...document.images].every(image => image.complete && image.naturalWidth > 0)")
        tab.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
    assert console_errors == []


def test_skip_link_menu_languages_and_search_on_a_phone(phone, live_site):
    # The skip link is hidden until focused, then shows on screen and works.
    phone.goto("/fr/")
    skip = phone.get_by_role("link", name="Aller au contenu principal")
    expect(skip).not_to_be_in_viewport()
    phone.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, box
    phone.keyboard.press("Enter")
    expect(phone.locator("main")).to_be_focused()

    # Menu, languages and search are on screen, with tap targets of at least 24x24 CSS pixels.
    phone.goto("/fr/")
    header = phone.get_by_role("banner")
    targets = [
        *header.get_by_role("navigation", name="Menu principal").get_by_role("link").all(),
        *header.get_by_role("navigation", name="Langues").get_by_role("link").all(),
        header.get_by_role("link", name="Musée de Test"),
        header.get_by_role("searchbox", name="Rechercher sur le site"),
        header.get_by_role("button", name="Rechercher"),
    ]
    assert len(targets) == 7
    for target in targets:
        expect(target).to_be_visible()
        expect(target).to_be_in_viewport()
        box = target.bounding_box()
        name = target.evaluate("element => element.textContent.trim() || element.getAttribute('name')")
        assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, f"{name!r} is {box} on a phone"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, f"{name!r} sticks out of the screen: {box}"

    header.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Visiter").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Visiter")

    search = phone.get_by_role("banner").get_by_role("searchbox", name="Rechercher sur le site")
    search.tap()
    search.fill("retable")
    phone.get_by_role("banner").get_by_role("button", name="Rechercher").tap()
    expect(phone).to_have_url(re.compile(r"/fr/search/\?q=retable$"))
    expect(phone.get_by_role("status")).to_contain_text("1 résultat")

    phone.get_by_role("navigation", name="Langues").get_by_role("link", name="English").tap()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Search")
    expect(phone.get_by_role("searchbox", name="Words to look for")).to_have_value("retable")
