"""A community manager composes a newsletter from an article, previews it, sends a test, then sends it."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture
def marketer(db, settings):
    from django.contrib.auth.models import Group, User

    from cimaise.institution import roles

    settings.CIMAISE_SENDING = {**settings.CIMAISE_SENDING, "CONCURRENCY": 1}
    roles.ensure_roles()
    user = User.objects.create_user("communaute", "communaute@example.org", PASSWORD, first_name="Camille")
    user.groups.add(Group.objects.get(name=roles.COMMUNITY_MANAGER))
    return user


@pytest.fixture
def subscribers(db):
    from cimaise.audience.models import Contact, NewsletterList, Subscription

    newsletter = NewsletterList.objects.create(name="La lettre du musée", slug="lettre", language="fr")
    for i in range(3):
        contact = Contact.objects.create(email=f"lecteur{i}@example.org", first_name=f"Lecteur{i}")
        Subscription.objects.create(contact=contact, newsletter=newsletter, status=Subscription.Status.CONFIRMED)
    return newsletter


def test_a_marketer_composes_previews_tests_and_sends_a_newsletter(page, live_site, marketer, subscribers,
                                                                  mailoutbox):
    from cimaise.audience.campaigns.models import Campaign

    page.goto("/admin/login/")
    page.locator("#id_username").fill(marketer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/campaigns/add/")
    page.locator("#id_name").fill("Lettre de décembre")
    page.locator("#id_subject").fill("Les nouvelles de décembre")
    page.locator("#id_newsletter").select_option(label="La lettre du musée")
    page.locator("#id_intro").fill("Voici ce qui se passe au musée ce mois-ci.")
    page.get_by_label(re.compile("La restauration du grand retable")).check()
    page.locator("form.campaign-form button[type=submit]").click()

    campaign = Campaign.objects.get(name="Lettre de décembre")
    expect(page).to_have_url(re.compile(rf"/admin/campaigns/{campaign.pk}/$"))
    preview = page.frame_locator("iframe")
    expect(preview.get_by_text("La restauration du grand retable").first).to_be_visible()
    expect(page.locator("#campaign-text")).to_contain_text("Voici ce qui se passe au musée")
    expect(page.locator("#campaign-audience")).to_have_text("3")

    page.locator("input[name=email]").fill("moi@musee.example")
    page.locator("form:has(input[name=action][value=test]) button").click()
    expect(page.locator(".messages")).to_be_visible()
    assert [m.to for m in mailoutbox] == [["moi@musee.example"]]

    page.locator("form:has(input[name=action][value=send]) button").click()
    expect(page.locator("#campaign-sent")).to_have_text("3")
    assert sorted(m.to[0] for m in mailoutbox[1:]) == [f"lecteur{i}@example.org" for i in range(3)]
