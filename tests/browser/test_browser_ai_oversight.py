"""The Direction's AI oversight dashboard and the text export, in Chromium: readable on a phone, nothing for axe
(WCAG 2.2 AA) to report, the figures as the ledger has them."""

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

PASSWORD = "not-used-1234"


def log_in(tab, user):
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name="S'identifier").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("device", ["phone", "page"])
def test_direction_reads_the_dashboard_and_a_writer_exports_a_text(request, device, live_site, ai_article, axe,
                                                                     django_user_model, console_errors):
    from django.contrib.auth.models import Group

    from cimaise.institution import roles

    tab = request.getfixturevalue(device)
    director = django_user_model.objects.create_user("anne", password=PASSWORD, first_name="Anne",
                                                     last_name="Lefébure")
    director.groups.add(Group.objects.get(name=roles.DIRECTION))
    log_in(tab, director)

    tab.goto("/admin/ai/oversight/")
    expect(tab.locator("h1")).to_contain_text(re.compile("Pilotage de l'IA|AI oversight"))
    # The article's note waits for approval: the dashboard lists it, linked to the note page.
    expect(tab.locator(f"a[href='/admin/ai/notes/page/{ai_article['page'].pk}/']").first).to_be_visible()
    axe.check(tab)
    width = tab.evaluate("window.innerWidth")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width

    # The text tool: paste a text made of the recorded answer, measure, read the share.
    tab.goto("/admin/ai/exports/text/")
    axe.check(tab)
    tab.context.clear_cookies()
    log_in(tab, ai_article["author"])
    tab.goto("/admin/ai/exports/text/")
    tab.locator("textarea[name=text]").fill(AI_PARAGRAPH)
    tab.locator("input[name=title]").fill("Pour les réseaux")
    tab.locator("form").get_by_role("button", name=re.compile("Mesurer et rédiger la note|Measure and draft")).click()
    expect(tab.locator("body")).to_contain_text(re.compile(r"100\s?%"))
    axe.check(tab)
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth")
