"""A content manager works in the creative lab: a session, ideas, one kept, turned into a draft seen in the explorer."""

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
IDEAS = ["Une nocturne à la lampe de poche", "Un atelier de dorure pour les enfants",
         "Les gardiens racontent leurs œuvres préférées"]


@pytest.fixture
def lab_site(live_site, monkeypatch):
    """The live site with the fake model (answering a numbered list of ideas) and a policy allowing the lab."""
    from cimaise.ai.models import AIModelSettings
    from cimaise.institution.models import InstitutionProfile

    fake_model.register()
    monkeypatch.setattr(fake_model, "answer_for",
                        lambda prompt: ["Idées :\n"] + [f"{n}. {idea}\n" for n, idea in enumerate(IDEAS, 1)])
    site = live_site["site"]
    config = AIModelSettings.for_site(site)
    config.provider, config.model_id = "llm", fake_model.MODEL_ID
    config.save()
    profile = InstitutionProfile.for_site(site)
    profile.ai_allowed_actions = ["brainstorm"]
    profile.save()
    return live_site


@pytest.fixture
def content_manager(db):
    from django.contrib.auth.models import Group, User

    from cimaise.institution.roles import CONTENT_MANAGER

    user = User.objects.create_user("redaction", "redaction@example.org", PASSWORD,
                                    first_name="Camille", last_name="Rédaction")
    user.groups.add(Group.objects.get(name=CONTENT_MANAGER))
    return user


def test_from_a_brief_to_a_page_draft(page, lab_site, content_manager, console_errors, axe):
    from cimaise.pages.models import ArticlePage

    page.goto("/admin/login/")
    page.locator("#id_username").fill(content_manager.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="S'identifier").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The lab, from the "AI studio" menu.
    page.goto("/admin/ai/lab/")
    expect(page.locator("[data-ai-active-model]")).to_contain_text("cimaise-fake")
    axe.check(page)
    page.locator("#id_brief").fill("Des idées pour la Nuit des musées, pour les familles.")
    page.locator("#new-session-section button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/ai/lab/\d+/$"))

    # Ask for ideas: the answer shows with the model that wrote it.
    page.locator("#id_count").fill("3")
    page.locator("#id_temperature").fill("1.2")
    page.locator("[data-ai-lab-turn-form] button[type=submit]").click()
    turn = page.locator(".ai-lab__turn").first
    expect(turn.locator(".ai-lab__item-text")).to_have_text(IDEAS)
    expect(turn.locator(".ai-lab__provenance")).to_contain_text("cimaise-fake")

    # With JavaScript, only the fields of the chosen mode show.
    expect(page.locator("#id_first")).to_be_hidden()
    page.locator("input[name=mode][value=combine]").check()
    expect(page.locator("#id_first")).to_be_visible()
    expect(page.locator("#id_count")).to_be_hidden()

    # Keep the second idea: it goes on the board.
    turn.locator(".ai-lab__item").nth(1).locator("button").click()
    idea = page.locator("#board .ai-lab__idea")
    expect(idea).to_have_count(1)
    expect(idea.locator(".ai-lab__idea-text")).to_have_text(IDEAS[1])
    # The session page: dialogue, form and board. Wagtail's own message banner is left out: axe would
    # measure its colours in the middle of its fade-in.
    page.evaluate("document.querySelector('.messages ul')?.remove()")
    axe.check(page)

    # Turn it into a draft under the article listing.
    idea.locator("a[href*='/draft/']").click()
    expect(page.locator("#id_title")).to_have_value(IDEAS[1])
    axe.check(page)
    page.get_by_label(re.compile("Actualités")).check()
    page.locator("#id_title").fill("Atelier de dorure en famille")
    page.locator("form button[type=submit]").last.click()

    # The explorer of the listing shows the new page, as a draft.
    index = lab_site["index"]
    expect(page).to_have_url(re.compile(rf"/admin/pages/{index.pk}/$"))
    row = page.locator("tr", has_text="Atelier de dorure en famille")
    expect(row).to_be_visible()
    expect(row).to_contain_text(re.compile("brouillon", re.IGNORECASE))
    draft = ArticlePage.objects.get(title="Atelier de dorure en famille")
    assert not draft.live
    assert console_errors == []
