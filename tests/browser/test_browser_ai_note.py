"""A content manager publishes an article written with AI: refused, she opens its methodology note, approves it,
publishes from the editor and sees the page live. On a phone and on a desktop; axe (WCAG 2.2 AA) finds nothing
on the note page."""

import re
import sys
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the AI tests' fixtures
from ai.conftest import AI_PARAGRAPH, ai_article, record_entry, staff  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "not-used-1234"  # the password of tests/ai/conftest.py's staff
MIN_TARGET = 24  # WCAG 2.2 success criterion 2.5.8, in CSS pixels


def log_in(tab, user):
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name="S'identifier").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


def press_publish(tab):
    # Wagtail 8: "Save draft" is the main footer button; Publish sits in its "More actions" dropdown.
    footer = tab.get_by_role("navigation", name="Actions (pied de page)")
    footer.get_by_role("button", name="Plus d'actions").click()
    footer.get_by_role("button", name="Publier", exact=True).click()


def without_message_banner(tab):
    # Wagtail's message banner fades in: axe would measure its colours half-way.
    tab.evaluate("document.querySelector('.messages ul')?.remove()")


@pytest.mark.parametrize("device", ["phone", "page"])
def test_an_ai_article_is_published_once_its_note_is_approved(request, device, live_site, ai_article, axe,
                                                              console_errors):
    from wagtail.models import Page

    from cimaise.ai.models import MethodologyNote

    tab = request.getfixturevalue(device)
    article = ai_article["page"]
    log_in(tab, ai_article["author"])

    # Publishing from the editor is refused, with the reason and a link to the note; the draft stays.
    tab.goto(f"/admin/pages/{article.pk}/edit/")
    press_publish(tab)
    expect(tab).to_have_url(re.compile(rf"/admin/pages/{article.pk}/edit/$"))
    message = tab.locator(".messages")
    expect(message).to_contain_text(re.compile("approuvez sa note|approve its methodology note"))
    message.locator(f"a[href='/admin/ai/notes/page/{article.pk}/']").click()

    # The note page: the facts, then the form; axe finds nothing, and nothing is wider than the screen.
    expect(tab).to_have_url(re.compile(rf"/admin/ai/notes/page/{article.pk}/$"))
    note = tab.locator("#ai-note")
    expect(note).to_have_attribute("data-status", "draft")
    expect(note.locator("[data-model]")).to_contain_text("cimaise-fake")
    expect(note.locator("[data-prompt]")).to_contain_text("Les restaurateurs ont retiré les vernis.")
    without_message_banner(tab)
    axe.check(tab)
    width = tab.evaluate("window.innerWidth")
    assert tab.evaluate("document.querySelector('.ai-note').scrollWidth") <= width
    assert tab.evaluate("document.documentElement.scrollWidth") <= width

    # Approve: what was checked, then the button (which saves the wording first).
    form = tab.locator("form[data-note-form]")
    for check in ("facts", "sources", "tone"):
        form.locator(f"input[name=checks][value={check}]").check()
    approve = form.locator("button[value=approve]")
    size = approve.bounding_box()
    assert size["height"] >= MIN_TARGET and size["width"] >= MIN_TARGET, size
    approve.click()
    expect(note).to_have_attribute("data-status", "approved")
    expect(note.locator("[data-preview=fr]")).to_contain_text("Claire Martin")  # the review line, from approval
    without_message_banner(tab)
    axe.check(tab)
    assert MethodologyNote.objects.get(object_id=str(article.pk), status="approved").approved_by_label == (
        "Claire Martin")

    # Back in the editor: the note says approved, and Publish goes through.
    tab.goto(f"/admin/pages/{article.pk}/edit/")
    press_publish(tab)
    expect(tab.locator(".messages")).to_contain_text("publiée")
    live = Page.objects.get(pk=article.pk).specific
    assert live.live and not live.has_unpublished_changes

    tab.goto(live.url)
    expect(tab.get_by_text(AI_PARAGRAPH)).to_be_visible()
    assert not [error for error in console_errors if "favicon" not in error], console_errors
