"""Subscribing to a newsletter on a phone (375 px): the form, the link from the email, the preference centre,
the one-click unsubscribe page. axe (WCAG 2.2 AA) finds nothing on any of them, a refused form included."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_up_confirm_preferences_and_unsubscribe_on_a_phone(phone, live_site, axe, console_errors, mailoutbox):
    from cimaise.audience.models import NewsletterList, Subscription
    from cimaise.audience.services import subscriptions

    lettre = NewsletterList.objects.create(name="La lettre du musée", slug="lettre", language="fr",
                                           description="Une fois par mois, les expositions et les rendez-vous.")
    NewsletterList.objects.create(name="Jeune public", slug="jeune")

    phone.goto("/fr/newsletter/")
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    axe.check(phone)

    # A mistyped address: the message, and nothing typed is lost.
    phone.locator("#id_email").fill("lea-example.org")
    phone.locator("#id_first_name").fill("Léa")
    phone.locator(f"input[name=lists][value='{lettre.pk}']").check()
    phone.locator("#id_consent").check()
    phone.locator("[data-action=subscribe]").click()
    expect(phone.locator(".form-errors")).to_be_visible()
    expect(phone.locator("#id_first_name")).to_have_value("Léa")
    expect(phone.locator(f"input[name=lists][value='{lettre.pk}']")).to_be_checked()
    axe.check(phone)
    console_errors.clear()  # the refused form's 400 is the expected answer

    phone.locator("#id_email").fill("lea@example.org")
    phone.locator("#id_consent").check()
    phone.locator("[data-action=subscribe]").click()
    expect(phone.locator('[data-state="check-inbox"]')).to_be_visible()
    axe.check(phone)

    (message,) = mailoutbox
    link = re.search(r"https?://[^\s]+/m/c/[^\s/]+/", message.body).group(0)
    phone.goto("/" + link.split("/", 3)[3])
    expect(phone.locator('[data-state="confirmed"]')).to_be_visible()
    axe.check(phone)

    phone.locator("[data-link=preferences]").click()
    expect(phone.locator("[data-action=save]")).to_be_visible()
    axe.check(phone)
    phone.locator("input[name=lists]").nth(0).check()
    phone.locator("input[name=lists]").nth(1).check()
    phone.locator("[data-action=save]").click()
    expect(phone.locator('[data-state="saved"]')).to_be_visible()
    assert Subscription.objects.filter(status="confirmed").count() == 2
    axe.check(phone)

    subscription = Subscription.objects.get(newsletter=lettre)
    phone.goto(f"/m/u/{subscription.token}/")
    assert Subscription.objects.get(pk=subscription.pk).status == "confirmed"  # opening the page changes nothing
    axe.check(phone)
    phone.locator("[data-action=unsubscribe]").click()
    expect(phone.locator('[data-state="unsubscribed"]')).to_be_visible()
    assert not subscriptions.is_sendable("lea@example.org", lettre)
    axe.check(phone)
    assert not console_errors, console_errors
