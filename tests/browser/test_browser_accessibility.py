"""axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on the public pages."""

from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def screen_playlist(live_site):
    from cimaise.pages.models import ScreenPlaylist, ScreenSlide

    playlist = ScreenPlaylist.objects.create(name="Hall, à gauche", slug="hall-gauche", seconds_per_slide=300)
    for order, key in enumerate(("article", "about")):
        ScreenSlide.objects.create(playlist=playlist, page=live_site[key], sort_order=order)
    return playlist


def _expect_whole_qr_code(tab):
    """The QR code is loaded and drawn square at a scannable size (an SVG without a viewBox gets cropped
    when CSS resizes it inline, so the templates show it as an image)."""
    qr = tab.get_by_role("img", name="QR code")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    box = qr.bounding_box()
    assert abs(box["width"] - box["height"]) < 1 and box["width"] >= 120, box


def _visit(tab, url, status=200):
    response = tab.goto(url)
    assert response.status == status, f"{url} answered {response.status}"
    return response


def _site_urls(site):
    """(address, expected h1) of the pages built on base.html, in French and English."""
    article, index = site["article"], site["index"]
    return [
        ("/fr/", "Accueil"),
        (article.url, article.title),
        (index.url, index.title),
        (f"{index.url}?page=2", index.title),
        (site["about"].url, site["about"].title),
        ("/fr/search/?q=retable", "Rechercher"),
        ("/fr/search/?q=introuvablexyz", "Rechercher"),
        ("/en/", "Home"),
        (site["en"]["article"].url, "Restoring the great altarpiece"),
    ]


def _axe_failures(tab, axe, checks):
    """Visit each (address, h1, status, rules left out) and collect axe's violations by address."""
    failures = []
    for url, heading, status, disable in checks:
        _visit(tab, url, status)
        expect(tab.get_by_role("heading", level=1)).to_have_text(heading)
        violations = axe.violations(tab, disable)
        if violations:
            failures.append((url, violations))
    return failures


def test_public_pages_have_no_axe_violations(page, rich_site, screen_playlist, axe, console_errors):
    """Every kind of public page: home, article (main image and every body block), listing and its
    second page, standard page, search with and without results, 404, printable QR label and a venue
    screen, in French and English.

    A venue screen rotates on its own: the timed refresh is its purpose (WCAG 2.2.1, essential
    exception), so axe's meta-refresh rule is the one rule left out there; everything else must pass.
    """
    article = rich_site["article"]
    screen = f"/screens/{screen_playlist.slug}/"
    not_found = ["/fr/cette-page-n-existe-pas/", "/en/no-such-page/"]
    checks = [(url, heading, 200, ()) for url, heading in _site_urls(rich_site)]
    checks += [
        (not_found[0], "Page introuvable", 404, ()),
        (not_found[1], "Page not found", 404, ()),
        (f"/qr/{article.pk}/label/", article.title, 200, ()),
        (f"{screen}?slide=0", article.title, 200, ("meta-refresh",)),
        (f"{screen}?slide=1", "Visiter", 200, ("meta-refresh",)),
    ]
    failures = _axe_failures(page, axe, checks)
    assert not failures, axe.report(failures)
    assert [error for error in console_errors if not any(url in error for url in not_found)] == []


def test_qr_code_is_whole_on_the_label_and_the_screen(page, rich_site, screen_playlist, console_errors):
    _visit(page, f"/qr/{rich_site['article'].pk}/label/")
    _expect_whole_qr_code(page)
    for slide, heading in ((0, "La restauration du grand retable"), (1, "Visiter")):
        _visit(page, f"/screens/{screen_playlist.slug}/?slide={slide}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_text(f"{slide + 1} / 2")).to_be_visible()
        _expect_whole_qr_code(page)
        expect(page.locator('meta[http-equiv="refresh"]')).to_have_attribute(
            "content", f"300;url=/screens/{screen_playlist.slug}/?slide={1 - slide}")
    assert console_errors == []


def test_site_pages_have_no_axe_violations_on_a_phone(phone, rich_site, axe, console_errors):
    """Target size and reflow depend on the layout: check the phone layout too."""
    checks = [(url, heading, 200, ()) for url, heading in _site_urls(rich_site)[:5]]
    failures = _axe_failures(phone, axe, checks)
    assert not failures, axe.report(failures)
    assert console_errors == []
