"""Sign-up with double opt-in: the form, the confirmation email, the signed expiring link, the consent's proof."""

import re

import pytest
from django.core import mail, signing
from django.utils.html import escape
from django.utils.translation import override

from cimaise.audience.models import (
    ConsentRecord, Contact, ContactActivity, NewsletterList, Subscription, Suppression, email_digest,
)
from cimaise.audience.services import subscriptions, suppression
from cimaise.audience.views import consent_text

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/m/c/[^\s\"<>/]+/")


@pytest.fixture
def lists(db):
    return {
        "lettre": NewsletterList.objects.create(name="La lettre du musée", slug="lettre", language="fr"),
        "jeune": NewsletterList.objects.create(name="Jeune public", slug="jeune", language=""),
        "english": NewsletterList.objects.create(name="Museum news", slug="news", language="en"),
        "press": NewsletterList.objects.create(name="Presse", slug="presse", public=False),
        "instant": NewsletterList.objects.create(name="Alertes", slug="alertes", language="fr", double_opt_in=False),
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a request's on-commit callbacks (the emails' tasks) as a real commit would, right after it."""
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)
    return run


@pytest.fixture
def sign_up(client, committed):
    def post(email="lea@example.org", lists=(), language="fr", **extra):
        data = {"email": email, "first_name": "Léa", "lists": [n.pk for n in lists], "consent": "on", **extra}
        return committed(client.post, f"/{language}/newsletter/", data)
    return post


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def confirm_link(message):
    links = set(CONFIRM_LINK.findall(message.body)) | set(CONFIRM_LINK.findall(html_of(message)))
    assert len(links) == 1, links
    return links.pop()


def path_of(url):
    return "/" + url.split("/", 3)[3]


def test_signup_page_lists_public_lists_of_the_language_with_the_consent_text(client, sign_up, committed, lists):
    page = client.get("/fr/newsletter/").content.decode()
    assert "La lettre du musée" in page and "Jeune public" in page and "Alertes" in page
    assert "Museum news" not in page and "Presse" not in page
    with override("fr"):
        shown = consent_text()  # what the French page shows, escaped in HTML like the template does
    assert shown.startswith("J'accepte") and escape(shown) in page
    english = client.get("/en/newsletter/").content.decode()
    assert "Museum news" in english and "Jeune public" in english and "La lettre du musée" not in english


def test_subscribe_confirm_by_email_then_second_click_says_already(client, sign_up, committed, lists, settings):
    settings.BASE_URL = "https://musee.example"
    response = sign_up(lists=[lists["lettre"], lists["jeune"]])
    assert response.status_code == 200
    assert 'data-state="check-inbox"' in response.content.decode()
    subs = Subscription.objects.filter(contact__email="lea@example.org")
    assert {s.status for s in subs} == {"pending"}
    assert not subscriptions.is_sendable("lea@example.org")

    (message,) = mail.outbox
    assert message.to == ["lea@example.org"]
    assert message.subject  # in French: the page's language
    assert "La lettre du musée" in message.body and "Jeune public" in html_of(message)
    link = confirm_link(message)
    assert link.startswith("https://musee.example/m/c/")
    assert "example.org" not in link  # no address in the URL

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert 'data-state="confirmed"' in page.content.decode()
    assert {s.status for s in subs.all()} == {"confirmed"}
    assert subscriptions.is_sendable("lea@example.org")
    assert subscriptions.is_sendable("lea@example.org", lists["jeune"])
    assert not subscriptions.is_sendable("lea@example.org", lists["english"])

    # The consent's proof: double opt-in, with the very text shown on the form and the page it was on.
    consent = ConsentRecord.objects.get(contact__email="lea@example.org", is_current=True)
    assert consent.granted and consent.method == "double_opt_in" and consent.purpose == "newsletter"
    assert consent.text_shown == consent_text()
    assert consent.source_url.endswith("/fr/newsletter/")

    again = client.get(path_of(link))
    assert again.status_code == 200 and 'data-state="already"' in again.content.decode()
    assert ConsentRecord.objects.filter(contact__email="lea@example.org").count() == 1


def test_confirmation_email_in_english_for_english_page(client, sign_up, committed, lists):
    sign_up(email="sam@example.org", lists=[lists["english"]], language="en")
    (message,) = mail.outbox
    assert message.subject == "Confirm your subscription"
    assert "Please confirm that you want to receive" in message.body
    assert Contact.objects.get(email="sam@example.org").language == "en"


def test_same_answer_whether_the_address_is_known_or_not(client, sign_up, committed, lists):
    first = sign_up(email="new@example.org", lists=[lists["lettre"]])
    client.get(path_of(confirm_link(mail.outbox[0])))
    mail.outbox.clear()
    known = sign_up(email="new@example.org", lists=[lists["lettre"]])
    unknown = sign_up(email="other@example.org", lists=[lists["lettre"]])
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown) == strip(first)
    # The owner of the known address learns it in their inbox, not on the page.
    already, fresh = mail.outbox
    assert already.to == ["new@example.org"] and "/m/p/" in already.body and "/m/c/" not in already.body
    assert fresh.to == ["other@example.org"] and "/m/c/" in fresh.body


def test_bad_input_keeps_what_was_typed(client, sign_up, committed, lists):
    response = sign_up(email="not-an-address", lists=[lists["lettre"]])
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'value="not-an-address"' in page and 'value="Léa"' in page
    response = sign_up(lists=[], consent="")
    assert response.status_code == 400
    assert 'value="lea@example.org"' in response.content.decode()
    assert not Contact.objects.exists() and not mail.outbox


def test_honeypot_answers_the_same_and_stores_nothing(client, sign_up, committed, lists):
    response = sign_up(lists=[lists["lettre"]], website="http://spam.example")
    assert response.status_code == 200 and 'data-state="check-inbox"' in response.content.decode()
    assert not Contact.objects.exists() and not mail.outbox


def test_list_without_double_opt_in_confirms_at_once(client, sign_up, committed, lists):
    sign_up(lists=[lists["instant"]])
    assert Subscription.objects.get().status == "confirmed"
    assert subscriptions.is_sendable("lea@example.org", lists["instant"])
    consent = ConsentRecord.objects.get(is_current=True)
    assert consent.method == "form" and consent.text_shown == consent_text()
    assert not any("/m/c/" in m.body for m in mail.outbox)


def test_forged_token_gets_a_clear_page_and_a_form_for_a_new_link(client, sign_up, committed, lists):
    sign_up(lists=[lists["lettre"]])
    link = confirm_link(mail.outbox[0])
    forged = path_of(link)[:-3] + "xx/"
    response = client.get(forged)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-problem="invalid"' in page and 'action="/fr/newsletter/link/"' in page
    assert Subscription.objects.get().status == "pending"


class _OldSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(__import__("time").time()) - 8 * 86400)


def test_expired_token_offers_a_button_that_sends_a_new_link(client, sign_up, committed, lists, monkeypatch):
    sign_up(lists=[lists["lettre"]])
    subscription = Subscription.objects.get()
    line = ContactActivity.objects.filter(data__has_key="text_shown").get()
    monkeypatch.setattr(subscriptions.signing, "TimestampSigner", _OldSigner)
    old = subscriptions.confirm_token([subscription], line)
    monkeypatch.undo()
    response = client.get(f"/m/c/{old}/")
    assert response.status_code == 410
    assert 'data-problem="expired"' in response.content.decode()
    assert Subscription.objects.get().status == "pending"
    mail.outbox.clear()
    response = committed(client.post, f"/m/c/{old}/new/")
    assert response.status_code == 200 and 'data-state="check-inbox"' in response.content.decode()
    (message,) = mail.outbox
    assert client.get(path_of(confirm_link(message))).status_code == 200
    assert Subscription.objects.get().status == "confirmed"
    assert ConsentRecord.objects.get().text_shown == consent_text()


def test_confirming_lifts_an_unsubscribed_suppression_only(client, sign_up, committed, lists):
    suppression.suppress("lea@example.org", Suppression.Reason.UNSUBSCRIBED)
    sign_up(lists=[lists["instant"]])  # suppressed: even a single opt-in list waits for the click
    assert Subscription.objects.get().status == "pending"
    client.get(path_of(confirm_link(mail.outbox[0])))
    assert not Suppression.objects.exists()
    assert subscriptions.is_sendable("lea@example.org")


@pytest.mark.parametrize("reason", ["bounced", "complained", "erased", "manual"])
def test_other_suppressions_are_never_lifted_and_get_no_email(client, sign_up, committed, lists, reason):
    suppression.suppress("lea@example.org", reason)
    response = sign_up(lists=[lists["lettre"]])
    assert 'data-state="check-inbox"' in response.content.decode()
    assert not mail.outbox and not Subscription.objects.exists()
    assert Suppression.objects.get().reason == reason
    assert not subscriptions.is_sendable("lea@example.org")


def test_request_link_sends_preferences_to_known_addresses_only(client, sign_up, committed, lists):
    sign_up(lists=[lists["lettre"]])
    client.get(path_of(confirm_link(mail.outbox[0])))
    mail.outbox.clear()
    known = committed(client.post, "/fr/newsletter/link/", {"email": "LEA@example.org "})
    unknown = committed(client.post, "/fr/newsletter/link/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert 'data-state="check-inbox"' in unknown.content.decode()
    (message,) = mail.outbox
    assert message.to == ["lea@example.org"] and "/m/p/" in message.body
    bad = client.post("/fr/newsletter/link/", {"email": "nope"})
    assert bad.status_code == 400 and 'value="nope"' in bad.content.decode()


def test_sendable_among_is_one_check_for_a_batch(lists):
    contact = Contact.objects.create(email="a@example.org")
    Subscription.objects.create(contact=contact, newsletter=lists["lettre"], status="confirmed")
    other = Contact.objects.create(email="b@example.org")
    Subscription.objects.create(contact=other, newsletter=lists["lettre"], status="confirmed")
    Contact.objects.create(email="c@example.org")
    Suppression.objects.create(email_hash=email_digest("b@example.org"), reason="bounced")
    assert subscriptions.sendable_among(["a@example.org", "B@example.org", "c@example.org"]) == {"a@example.org"}
