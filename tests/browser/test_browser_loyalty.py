"""A member at the desk, on phones: the member shows their card page (QR code and number), the front desk
records a visit and a purchase and gives a reward; both pages pass axe (WCAG 2.2 AA) and fit 375 px."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "not-used-1234"


@pytest.fixture
def member(live_site, django_user_model):
    from django.contrib.auth.models import Group

    from cimaise.audience.loyalty import services
    from cimaise.audience.loyalty.models import MembershipProgramme, MembershipTier, PointsRule, Reward
    from cimaise.audience.services.contacts import find_or_create
    from cimaise.institution import roles

    programme = MembershipProgramme.objects.create(name="Amis du musée")
    tier = MembershipTier.objects.create(programme=programme, name="Ami", slug="ami")
    PointsRule.objects.create(activity="visited", points=5)
    PointsRule.objects.create(activity="purchased", points=1)
    Reward.objects.create(name="Café offert", cost=20)
    contact, _created = find_or_create("lea@example.org", first_name="Léa", last_name="Dupont")
    services.join(contact, tier)
    user = django_user_model.objects.create_user("accueil", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.BOX_OFFICE))
    return {"contact": contact, "card": services.card_for(contact), "user": user}


def fits(tab):
    return tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth")


def test_the_card_and_the_desk_on_phones(phone, member, axe, console_errors):
    card = member["card"]
    tab = phone
    tab.goto(f"/fr/card/{card.secret}/")
    expect(tab.locator("h1")).to_have_text("Carte de membre")
    expect(tab.locator(".member-card-code svg")).to_be_visible()
    expect(tab.locator(".member-card-code figcaption")).to_contain_text(card.number)
    axe.check(tab)
    assert fits(tab)

    # The desk: the number typed (what a scanned QR code opens directly).
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(member["user"].username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form button[type=submit]").first.click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))
    tab.goto("/admin/loyalty/desk/")
    tab.locator("#card-code").fill(card.number)
    tab.get_by_role("button", name="Chercher").click()
    expect(tab.locator("#member-heading")).to_have_text("Léa Dupont")
    axe.check(tab)
    assert fits(tab)

    tab.get_by_role("button", name="Enregistrer une visite").click()
    expect(tab.locator(".messages")).to_contain_text("5")
    tab.locator("#amount").fill("douze")
    tab.get_by_role("button", name="Enregistrer l'achat").click()
    expect(tab.locator(".messages")).to_contain_text("12.50")
    tab.locator("#amount").fill("15,00")
    tab.get_by_role("button", name="Enregistrer l'achat").click()
    expect(tab.locator("[data-points]")).to_have_text("20 points")
    tab.get_by_role("button", name="Offrir la récompense").click()
    expect(tab.locator("[data-points]")).to_have_text("0 point")
    axe.check(tab)
    assert not console_errors, console_errors
