"""A visitor on a phone reads how AI was used for an article: the box, then the full note; axe finds nothing."""

import sys
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the AI tests' fixtures
from ai.conftest import AI_PARAGRAPH, ai_article, record_entry, staff  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_WIDTH = 375
MIN_TARGET = 24  # WCAG 2.2 success criterion 2.5.8, in CSS pixels
SCREENSHOT = Path("/tmp/cimaise-ai-disclosure-phone.png")


@pytest.fixture
def disclosed_article(live_site, ai_article):
    """The article with its AI paragraph, the note approved by Claire Martin, published."""
    from cimaise.ai.transparency import services

    revision = ai_article["revision"]
    note = services.refresh_page(revision.as_object(), revision)
    services.approve(note, ai_article["author"], checks=["facts", "sources"])
    revision.publish()
    note.refresh_from_db()
    return {**ai_article, "note": note, "url": live_site["article"].url}


def _french(text):
    """The French page's wording: the catalog's French (the English source until the catalog has it)."""
    from django.utils import translation

    with translation.override("fr"):
        return translation.gettext(text)


def test_the_disclosure_on_a_phone(phone, disclosed_article, axe, console_errors):
    phone.goto(disclosed_article["url"])
    box = phone.locator("#ai-note")
    expect(box).to_be_visible()
    expect(box.get_by_role("heading", level=2)).to_have_text(_french("How we used AI"))
    expect(box).to_contain_text(disclosed_article["note"].short_fr)
    expect(box).to_contain_text("Claire Martin")
    expect(phone.get_by_text(AI_PARAGRAPH)).to_be_visible()

    # The full note is one tap away, on a native disclosure widget.
    summary = box.locator("summary")
    expect(summary).to_have_text(_french("Read the full methodology note"))
    full = box.locator(".ai-note-full")
    expect(full).to_be_hidden()
    size = summary.bounding_box()
    assert size["height"] >= MIN_TARGET and size["width"] >= MIN_TARGET, size
    summary.tap()
    expect(full).to_be_visible()
    expect(full).to_contain_text("cimaise-fake")
    expect(full).to_contain_text("Les restaurateurs ont retiré les vernis.")
    assert box.locator("details").evaluate("details => details.open")

    # Keyboard: the summary takes the focus and Enter closes it again.
    summary.focus()
    phone.keyboard.press("Enter")
    expect(full).to_be_hidden()
    phone.keyboard.press("Enter")
    expect(full).to_be_visible()

    assert phone.evaluate("window.innerWidth") == PHONE_WIDTH
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    box_size = box.bounding_box()
    assert box_size["x"] >= 0 and box_size["x"] + box_size["width"] <= PHONE_WIDTH, box_size
    axe.check(phone)  # with the full note open
    phone.screenshot(path=str(SCREENSHOT), full_page=True)  # for a person to look at
    assert console_errors == []
