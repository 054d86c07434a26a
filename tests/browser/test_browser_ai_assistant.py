"""An editor asks the AI assistant for a rewrite in the page editor, watches it stream, uses it, saves, and finds
it in the page's AI history. The model is the deterministic ``cimaise-fake`` (tests/ai/fake_model.py)."""

import json
import re
import sys
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the AI tests' fake model
from ai import fake_model  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "un-mot-de-passe-solide-42"
ANSWER = ["Six mois", " d'atelier", " ont rendu", " au grand retable", " ses couleurs", " d'origine."]
REFUSAL = "Notre charte exclut l'IA pour les réseaux sociaux."
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def assistant_site(live_site, monkeypatch):
    """The live site with the fake model (a fixed answer, in pieces) and a policy without social-media posts."""
    from cimaise.ai.models import AIModelSettings
    from cimaise.ai.services import ASSISTANT_ACTIONS
    from cimaise.institution.models import InstitutionProfile

    fake_model.register()
    fake_model.CALLS.clear()
    monkeypatch.setattr(fake_model, "answer_for", lambda prompt: list(ANSWER))
    monkeypatch.setattr(fake_model, "SLOW_SECONDS", 0.3)
    site = live_site["site"]
    config = AIModelSettings.for_site(site)
    config.provider, config.model_id, config.temperature = "llm", fake_model.MODEL_ID, 0.7
    config.save()
    profile = InstitutionProfile.for_site(site)
    profile.ai_allowed_actions = [action for action in ASSISTANT_ACTIONS if action != "social"]
    profile.ai_refusal_reason = REFUSAL
    profile.save()
    yield live_site
    fake_model.CALLS.clear()


@pytest.fixture
def content_manager(db):
    from django.contrib.auth.models import Group, User

    from cimaise.institution.roles import CONTENT_MANAGER

    user = User.objects.create_user("redaction", "redaction@example.org", PASSWORD,
                                    first_name="Camille", last_name="Rédaction")
    user.groups.add(Group.objects.get(name=CONTENT_MANAGER))
    return user


def log_in(tab, user):
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name="S'identifier").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


def open_assistant(tab, field_path):
    """Click the AI button under a field; the panel opens as a dialog with the focus in it."""
    trigger = tab.locator(f"[data-contentpath='{field_path}'] [data-cimaise-ai-trigger]").first
    expect(trigger).to_be_visible()
    trigger.click()
    panel = tab.get_by_role("dialog")
    expect(panel).to_be_visible()
    expect(trigger).to_have_attribute("aria-expanded", "true")
    expect(panel.locator("[data-action]")).to_be_focused()
    return trigger, panel


def save_draft(tab):
    tab.get_by_role("navigation", name="Actions (pied de page)").get_by_role(
        "button", name="Enregistrer le brouillon").click()
    expect(tab.locator(".messages")).to_contain_text("mise à jour")


def test_an_editor_rewrites_the_intro_with_the_assistant_and_finds_it_in_the_ai_history(
        page, assistant_site, content_manager, console_errors):
    from cimaise.ai.models import AIInteraction, AIOutcome

    article = assistant_site["article"]
    log_in(page, content_manager)
    page.goto(f"/admin/pages/{article.pk}/edit/")
    trigger, panel = open_assistant(page, "intro")

    # The panel names the model and the field, and shows why a forbidden action is off.
    expect(panel.locator("[data-model]")).to_contain_text("cimaise-fake")
    expect(panel.locator("[data-field-label]")).to_have_text("Introduction")
    expect(panel.locator("[data-action] option[value=social]")).to_be_disabled()
    expect(panel.locator("[data-policy]")).to_contain_text(REFUSAL)
    expect(panel.locator("[data-action]")).to_have_value("rewrite")
    expect(panel.locator("[data-text]")).to_have_value(article.intro)

    # Ask for a rewrite (FAKE_SLOW: the fake writes a piece every 0.3 s) and watch it stream.
    panel.locator("[data-text]").fill("FAKE_SLOW " + article.intro)
    panel.locator("[data-generate]").click()
    stop = panel.locator("[data-stop]")
    expect(stop).to_be_visible()
    result = panel.locator(".cimaise-ai-result").first
    expect(result).to_have_attribute("aria-busy", "true")
    # (The first call of a process loads llm's plugins: allow for it.)
    expect(result.locator("[data-result-text]")).to_contain_text("Six mois", timeout=30_000)
    assert result.locator("[data-result-text]").text_content() != "".join(ANSWER)  # still writing
    expect(result.locator("[data-result-text]")).to_have_text("".join(ANSWER))
    expect(stop).to_be_hidden()
    expect(result).to_be_focused()  # from Stop to the answer, for keyboard and screen reader users
    expect(result.locator("[data-result-model]")).to_contain_text("cimaise-fake")
    expect(panel.get_by_role("status")).not_to_be_empty()

    # Replace the intro with it: the author's field now holds the answer.
    assert page.locator("#id_intro").input_value() == article.intro  # untouched until the editor chooses
    result.locator("[data-use=replaced]").click()
    expect(page.locator("#id_intro")).to_have_value("".join(ANSWER))
    entry = AIInteraction.objects.get(status="ok")
    expect(result).to_have_attribute("data-used", "replaced")

    # Escape closes the panel and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(trigger).to_be_focused()
    expect(trigger).to_have_attribute("aria-expanded", "false")

    save_draft(page)
    outcome = AIOutcome.objects.get(interaction=entry)
    assert (outcome.kind, outcome.page_id, outcome.field_name) == ("replaced", article.pk, "intro")
    assert (entry.page_id, entry.field_name, entry.revision_id) == (article.pk, "intro", article.latest_revision.pk)
    assert not AIOutcome.objects.filter(kind="edited").exists()

    # The page's AI history lists it, with what the editor did.
    page.goto(f"/admin/ai/history/page/{article.pk}/")
    row = page.locator("tr", has_text="cimaise-fake").first
    expect(row).to_contain_text("remplacé")
    assert not [error for error in console_errors if "favicon" not in error], console_errors


def test_an_answer_is_inserted_into_a_rich_text_paragraph(page, assistant_site, content_manager, console_errors):
    from cimaise.ai.models import AIOutcome

    article = assistant_site["article"]
    block_id = article.body[1].id
    log_in(page, content_manager)
    page.goto(f"/admin/pages/{article.pk}/edit/")
    _trigger, panel = open_assistant(page, block_id)
    expect(panel.locator("[data-text]")).to_have_value("Les restaurateurs ont d'abord retiré les vernis jaunis.")
    panel.locator("[data-action]").select_option("shorten")
    panel.locator("[data-candidates]").select_option("2")
    panel.locator("[data-generate]").click()

    results = panel.locator(".cimaise-ai-result")
    expect(results).to_have_count(2, timeout=30_000)
    expect(results.nth(1).locator("[data-use=inserted]")).to_be_visible()
    expect(results.nth(0).locator("h3")).not_to_have_text(results.nth(1).locator("h3").text_content())

    # The second is discarded, the first inserted after the paragraph already there.
    results.nth(1).locator("[data-use=discarded]").click()
    expect(results).to_have_count(1)
    results.nth(0).locator("[data-use=inserted]").click()
    editor = page.locator(f"[data-contentpath='{block_id}'] .public-DraftEditor-content")
    expect(editor).to_contain_text("Les restaurateurs ont d'abord retiré les vernis jaunis.")
    expect(editor).to_contain_text("".join(ANSWER))
    # Draftail's own value (what the form sends) has the answer as a paragraph of its own.
    hidden = page.locator(f"[data-contentpath='{block_id}'] input[type=hidden][name$='-value']")
    expect(hidden).to_have_value(re.compile("ses couleurs d'origine"))  # Draftail saves its value after a pause
    value = json.loads(hidden.input_value())
    assert [block["text"] for block in value["blocks"]] == [
        "Les restaurateurs ont d'abord retiré les vernis jaunis.", "".join(ANSWER)]

    save_draft(page)
    kinds = sorted(AIOutcome.objects.values_list("kind", "field_name"))
    assert kinds == [("discarded", f"body/{block_id}"), ("inserted", f"body/{block_id}")]
    article.refresh_from_db()
    revision = article.get_latest_revision_as_object()
    assert "".join(ANSWER) in revision.body[1].value.source
    assert not [error for error in console_errors if "favicon" not in error], console_errors


def test_stop_leaves_the_text_alone_and_the_ledger_says_stopped(page, assistant_site, content_manager):
    from cimaise.ai.models import AIInteraction

    article = assistant_site["article"]
    log_in(page, content_manager)
    page.goto(f"/admin/pages/{article.pk}/edit/")
    _trigger, panel = open_assistant(page, "intro")
    panel.locator("[data-text]").fill("FAKE_SLOW " + article.intro)
    panel.locator("[data-generate]").click()
    expect(panel.locator("[data-result-text]").first).to_contain_text("Six mois", timeout=30_000)
    panel.locator("[data-stop]").click()

    expect(panel.locator("[data-generate]")).to_be_visible()
    expect(panel.locator(".cimaise-ai-result")).to_have_count(0)  # nothing half-written is offered
    expect(page.locator("#id_intro")).to_have_value(article.intro)
    for _attempt in range(50):
        entry = AIInteraction.objects.first()
        if entry is not None:
            break
        page.wait_for_timeout(100)
    assert entry is not None and entry.status == "cancelled"
    assert fake_model.CALLS[0]["produced"] < len(ANSWER)


def test_a_provider_error_is_told_in_french_and_the_field_is_unchanged(page, assistant_site, content_manager):
    article = assistant_site["article"]
    log_in(page, content_manager)
    page.goto(f"/admin/pages/{article.pk}/edit/")
    _trigger, panel = open_assistant(page, "intro")
    panel.locator("[data-text]").fill("FAKE_ERROR " + article.intro)
    panel.locator("[data-generate]").click()
    alert = panel.get_by_role("alert")
    expect(alert).to_contain_text("Le modèle a renvoyé une erreur", timeout=30_000)
    expect(panel.locator("[data-generate]")).to_be_visible()  # ready to try again
    expect(panel.locator("[data-stop]")).to_be_hidden()
    expect(panel.locator(".cimaise-ai-result")).to_have_count(0)
    expect(page.locator("#id_intro")).to_have_value(article.intro)


def test_the_panel_passes_axe_and_fits_a_phone(phone, assistant_site, content_manager, axe, console_errors):
    from axe_playwright_python.sync_playwright import Axe

    article = assistant_site["article"]
    log_in(phone, content_manager)
    phone.goto(f"/admin/pages/{article.pk}/edit/")
    _trigger, panel = open_assistant(phone, "intro")
    panel.locator("[data-generate]").click()
    expect(panel.locator("[data-use=inserted]")).to_be_visible(timeout=30_000)

    width = phone.viewport_size["width"]
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
    assert phone.evaluate("document.querySelector('[data-cimaise-ai-panel]').scrollWidth") <= width
    for name in ("inserted", "replaced", "discarded"):
        button = panel.locator(f"[data-use={name}]")
        button.scroll_into_view_if_needed()
        size = button.bounding_box()
        assert size["height"] >= 24 and size["width"] >= 24, (name, size)

    # The panel covers the screen: Tab cycles inside it.
    panel.locator("[data-use=discarded]").focus()
    phone.keyboard.press("Tab")
    expect(panel.locator("[data-close]")).to_be_focused()
    phone.keyboard.press("Shift+Tab")
    expect(panel.locator("[data-use=discarded]")).to_be_focused()

    # axe on what the assistant adds: the open panel (with a proposal) and the button under a field.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    failures = []
    for selector in ("[data-cimaise-ai-panel]", "[data-contentpath='intro']"):
        violations = Axe().run(phone, context=selector, options=options).response["violations"]
        if violations:
            failures.append((selector, violations))
    assert not failures, axe.report(failures)
    assert not [error for error in console_errors if "favicon" not in error], console_errors


def test_an_organiser_writes_an_events_reminder_message_with_the_assistant(page, assistant_site, content_manager):
    """The event's own texts (reminder message, social post, accessibility) have the assistant too."""
    from cimaise.ai.models import AIInteraction, AIOutcome
    from cimaise.events.models import EventIndexPage, EventPage

    home = assistant_site["home"]
    index = home.add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))
    event = index.add_child(instance=EventPage(title="Visite des réserves", slug="visite", venue="Réserves",
                                               reminder_message="Rendez-vous devant la billetterie."))
    log_in(page, content_manager)
    page.goto(f"/admin/pages/{event.pk}/edit/")
    for field in ("social_post", "accessibility"):
        expect(page.locator(f"[data-contentpath='{field}'] [data-cimaise-ai-trigger]")).to_have_count(1)
    trigger, panel = open_assistant(page, "reminder_message")
    expect(panel.locator("[data-action]")).to_have_value("rewrite")
    expect(panel.locator("[data-text]")).to_have_value("Rendez-vous devant la billetterie.")
    panel.locator("[data-generate]").click()
    result = panel.locator(".cimaise-ai-result").first
    expect(result.locator("[data-result-text]")).to_have_text("".join(ANSWER), timeout=30_000)
    result.locator("[data-use=replaced]").click()
    expect(page.locator("#id_reminder_message")).to_have_value("".join(ANSWER))
    page.keyboard.press("Escape")
    save_draft(page)
    entry = AIInteraction.objects.get(status="ok")
    assert (entry.page_id, entry.field_name) == (event.pk, "reminder_message")
    assert AIOutcome.objects.get(interaction=entry).kind == "replaced"
