"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Every browser test uses a transactional database (the live server runs in
another thread) with ``serialized_rollback``: the database as migrations left
it (root page, default site, locales, role groups) is restored before each
test, and the flush after a test does not re-run the post-migrate handlers.

The sync Playwright API marks an event loop as running in the main thread, so
Django would refuse ORM calls from the test body; ``DJANGO_ALLOW_ASYNC_UNSAFE``
is set for as long as the browser is open (the ORM is still used from one
thread at a time: the test's, then the live server's), and Chromium is
stopped as soon as no further test needs it.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class _Chromium:
    """Playwright and one Chromium, started on first use and stopped as soon as no test needs them.

    While Playwright's sync API runs, the main thread has a running asyncio
    loop: ``asyncio.run`` and ``async_to_sync`` fail there. Stopping after the
    last browser test keeps that from leaking into the tests that run later.
    """

    def __init__(self):
        self.playwright = self.browser = None
        self.async_unsafe = None

    def get(self):
        if self.browser is None:
            from django.db import connections
            from playwright.sync_api import sync_playwright

            # Django keeps connections in a thread-critical asgiref Local, whose storage switches
            # from thread-local to per-context once a loop runs. Keep the very same connection
            # objects visible (they carry the test database's serialized contents, used by
            # serialized_rollback), whether the database was set up before or after this.
            current = {alias: connections[alias] for alias in connections}
            self.async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            for alias, connection in current.items():
                connections[alias] = connection
            self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        return self.browser

    def stop(self):
        if self.playwright is None:
            return
        try:
            self.browser.close()
            self.playwright.stop()
        finally:
            self.playwright = self.browser = None
            if self.async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.async_unsafe


_CHROMIUM = _Chromium()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; each test opens its own context."""
    pytest.importorskip("playwright.sync_api")
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop Chromium once the next test does not use it (pytest-django runs transactional tests late)."""
    result = yield
    if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
        _CHROMIUM.stop()
    return result


@pytest.fixture(autouse=True)
def _empty_caches(settings):
    """Start each test with empty caches: ids repeat from test to test and Wagtail caches renditions by id."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def live_site(site_pages, live_server):
    """The shared bilingual site, served under the live server's host and port."""
    from urllib.parse import urlsplit

    address = urlsplit(live_server.url)
    site = site_pages["site"]
    site.hostname = address.hostname
    site.port = address.port
    site.save()
    return site_pages


@pytest.fixture
def media_root(settings, tmp_path, monkeypatch):
    """Store and serve uploaded media from a temporary folder for the test."""
    from django.urls import get_resolver

    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    # cimaise.urls bound MEDIA_ROOT into its media route when it was imported.
    for pattern in get_resolver().url_patterns:
        if "document_root" in getattr(pattern, "default_args", {}):
            monkeypatch.setitem(pattern.default_args, "document_root", str(root))
    return root


def _picture(width=1600, height=900):
    """A calm painted-panel picture (warm gradient with arches), as PNG bytes."""
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(120 + 90 * t), int(60 + 70 * t), int(40 + 30 * t)))
    for i, x in enumerate(range(width // 10, width, width // 4)):
        draw.rounded_rectangle([x, height // 4, x + width // 6, height - height // 8],
                               radius=width // 12, fill=(200 - 20 * i, 160 - 10 * i, 60 + 15 * i),
                               outline=(60, 30, 20), width=8)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer


@pytest.fixture
def rich_site(live_site, media_root, monkeypatch):
    """The shared site plus what real pages carry: a main image, every body block, a paginated listing."""
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    from cimaise.pages import models
    from cimaise.pages.models import ArticlePage

    monkeypatch.setattr(models, "ARTICLES_PER_PAGE", 3)
    image = Image.objects.create(title="Le retable", file=ImageFile(_picture(), name="retable.png"))
    article = live_site["article"]
    article.image = image
    article.image_alt = "Le retable restauré, ses cinq panneaux dorés sous les arcs de la chapelle."
    article.body = [
        ("heading", {"text": "Un chantier minutieux", "level": "h2"}),
        ("paragraph", "<p>Les restaurateurs ont d'abord retiré les <b>vernis jaunis</b>, puis "
                      "<a href=\"/fr/visiter/\">consolidé</a> la couche picturale.</p>"),
        ("image", {"image": image, "alt_text": "Détail d'un panneau pendant le nettoyage.",
                   "caption": "Le panneau central en cours de nettoyage.", "credit": "Atelier Durand"}),
        ("heading", {"text": "Les couleurs retrouvées", "level": "h3"}),
        ("quote", {"quote": "On croyait le fond brun : il était bleu.", "attribution": "La restauratrice"}),
        ("call_to_action", {"title": "Venir voir le retable", "text": "La chapelle est ouverte tous les jours.",
                            "button_label": "Préparer sa visite", "page": live_site["about"], "url": ""}),
    ]
    article.save_revision().publish()
    index = live_site["index"]
    for number in range(1, 5):
        extra = index.add_child(instance=ArticlePage(
            title=f"Nouvelle acquisition n° {number}", slug=f"acquisition-{number}",
            intro="Une œuvre entre dans les collections grâce au soutien des amis du musée.",
            image=image if number % 2 else None, image_alt="Le retable restauré." if number % 2 else "",
        ))
        extra.save_revision().publish()
    article.refresh_from_db()
    return {**live_site, "image": image}


def _new_page(browser, live_server, console_errors, **context_options):
    options = {"base_url": live_server.url, "viewport": DESKTOP, "locale": "fr-FR"}
    options.update(context_options)
    context = browser.get().new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and console_errors.append(
        f"{message.text} ({message.location.get('url', '')})"))
    page.on("response", lambda response: response.status >= 400 and console_errors.append(
        f"HTTP {response.status} {response.url}"))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    return context, page


@pytest.fixture
def console_errors():
    """Console errors (a CSP violation, a missing file, a script error) seen by the test's pages."""
    return []


def _leave(tab):
    """Leave the page and let the server finish what it was answering: the admin's editor sends requests of its
    own (autosave, the AI panel's last words to the ledger), and a request still running in the live server's
    thread while the database is emptied for the next test would write rows that point at deleted ones."""
    try:
        tab.goto("about:blank")
        tab.wait_for_timeout(500)
    except Exception:  # noqa: BLE001 - a tab that already failed closes all the same
        pass


@pytest.fixture
def page(browser, live_server, console_errors):
    """A desktop tab (1280x900, French browser)."""
    context, tab = _new_page(browser, live_server, console_errors)
    yield tab
    _leave(tab)
    context.close()


@pytest.fixture
def phone(browser, live_server, console_errors):
    """A phone tab: 375x740 CSS pixels, touch, mobile viewport."""
    context, tab = _new_page(
        browser, live_server, console_errors,
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    yield tab
    _leave(tab)
    context.close()


def wait_for_transitions(tab):
    """Until every finite CSS transition or animation on the page has run to its end."""
    tab.evaluate("""() => Promise.all(document.getAnimations()
        .filter((animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished))""")


def run_axe(tab, disable=()):
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the open page; return its violations.

    ``disable``: rule ids left out, each with its reason where the test calls this.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return Axe().run(tab, options=options).response["violations"]


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """Helpers to check a page with axe: ``axe.check(tab)`` fails the test with every violation listed."""

    class AxeChecker:
        @staticmethod
        def violations(tab, disable=()):
            return run_axe(tab, disable)

        @staticmethod
        def report(failures):
            """``failures``: (url, violations) pairs."""
            return "\n".join(f"axe found on {url}:\n{describe_violations(found)}" for url, found in failures)

        @staticmethod
        def check(tab, disable=()):
            # Wagtail fades its messages in: axe must see the final colours, not a blend mid-transition.
            wait_for_transitions(tab)
            violations = run_axe(tab, disable)
            assert not violations, f"axe found on {tab.url}:\n{describe_violations(violations)}"

    return AxeChecker()
