"""A visitor reads the site in French, switches to English, uses the skip link and the search."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_language_switcher_on_the_home_page_and_an_article(page, live_site, console_errors):
    # The French home page: its title and the institution's name.
    page.goto("/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")
    expect(page).to_have_title("Accueil – Musée de Test")
    expect(page.get_by_role("banner").get_by_role("link", name="Musée de Test")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link")).to_have_text(["Actualités", "Visiter"])

    # To English with the language switcher.
    languages = page.get_by_role("navigation", name="Langues")
    expect(languages.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    languages.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page).to_have_title("Home – Musée de Test")
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link")).to_have_text(["News", "Visit"])
    expect(page.get_by_role("navigation", name="Languages").get_by_role("link", name="English")).to_have_attribute(
        "aria-current", "true")

    # From a French article to its English translation, and back.
    page.goto("/fr/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Actualités").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actualités")
    page.get_by_role("link", name="La restauration du grand retable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La restauration du grand retable")
    expect(page.get_by_role("heading", name="Un chantier minutieux")).to_be_visible()

    page.get_by_role("navigation", name="Langues").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Restoring the great altarpiece")
    assert page.url.endswith(live_site["en"]["article"].url)

    page.get_by_role("navigation", name="Languages").get_by_role("link", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La restauration du grand retable")
    assert page.url.endswith(live_site["article"].url)
    assert console_errors == []


def test_skip_link_and_search(page, live_site, console_errors):
    # The skip link is the first stop of the keyboard and moves focus to the main content.
    page.goto("/fr/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), \
        "the next Tab should go on from the main content, not back to the header"

    # The header search form submits and shows the results.
    page.get_by_role("search", name="Rechercher sur le site").get_by_role("searchbox").fill("retable")
    page.get_by_role("search", name="Rechercher sur le site").get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/fr/search/\?q=retable$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher")
    expect(page.get_by_role("status")).to_have_text("1 résultat pour « retable ».")
    results = page.get_by_role("main").get_by_role("listitem")
    expect(results).to_have_count(1)
    results.get_by_role("link", name="La restauration du grand retable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La restauration du grand retable")

    # The search page's own form, with a query that finds nothing.
    page.goto("/fr/search/")
    page.get_by_role("searchbox", name="Mots à rechercher").fill("introuvablexyz")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("0 résultat pour « introuvablexyz ».")
    expect(page.get_by_text("Essayez d’autres mots, ou moins de mots.")).to_be_visible()
    assert console_errors == []
