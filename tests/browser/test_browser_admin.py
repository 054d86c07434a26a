"""A content manager edits an article in the Wagtail admin, publishes it and sees it on the site."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture
def content_manager(db):
    from django.contrib.auth.models import Group, User

    from cimaise.institution.roles import CONTENT_MANAGER

    user = User.objects.create_user("redaction", "redaction@example.org", PASSWORD,
                                    first_name="Camille", last_name="Rédaction")
    user.groups.add(Group.objects.get(name=CONTENT_MANAGER))
    return user


def test_content_manager_publishes_an_edited_article(page, live_site, content_manager):
    article = live_site["article"]
    page.goto("/admin/login/")
    page.locator("#id_username").fill(content_manager.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="S'identifier").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(f"/admin/pages/{article.pk}/edit/")
    page.locator("#id_title").fill("Le grand retable retrouve ses couleurs")
    page.locator("#id_intro").fill("Après six mois d'atelier, le retable est de retour dans la chapelle.")

    # Wagtail 8: "Save draft" is the main footer button; Publish sits in its "More actions" dropdown.
    footer = page.get_by_role("navigation", name="Actions (pied de page)")
    footer.get_by_role("button", name="Plus d'actions").click()
    footer.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("publiée")

    article.refresh_from_db()
    assert article.live and article.title == "Le grand retable retrouve ses couleurs"

    page.goto(article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Le grand retable retrouve ses couleurs")
    expect(page.get_by_text("le retable est de retour dans la chapelle")).to_be_visible()
    expect(page).to_have_title("Le grand retable retrouve ses couleurs – Musée de Test")
