"""Unsubscribe: one click per RFC 8058 (opaque token, no cookie, done before the response), the preference
centre reached from a signed link, and the whole path through a real SMTP server."""

import email
import email.policy
import re
import socket
import time

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from cimaise.audience.models import ConsentRecord, Contact, NewsletterList, Subscription, Suppression
from cimaise.audience.services import subscriptions

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def lists(db):
    return {
        "lettre": NewsletterList.objects.create(name="La lettre du musée", slug="lettre", language="fr"),
        "jeune": NewsletterList.objects.create(name="Jeune public", slug="jeune"),
        "hidden": NewsletterList.objects.create(name="Presse", slug="presse", public=False),
    }


@pytest.fixture
def subscribed(lists):
    """Léa, confirmed on two lists."""
    contact = Contact.objects.create(email="lea@example.org", first_name="Léa", language="fr")
    return {key: Subscription.objects.create(contact=contact, newsletter=lists[key], status="confirmed")
            for key in ("lettre", "jeune")} | {"contact": contact}


def one_click(token, client=None):
    """The POST a mail client sends (RFC 8058): the exact body, no cookie, no CSRF token."""
    client = client or Client(enforce_csrf_checks=True)
    return client.post(f"/m/u/{token}/", ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_unsubscribe_headers(subscribed, settings):
    settings.BASE_URL = "https://musee.example"
    subscription = subscribed["lettre"]
    headers = subscriptions.unsubscribe_headers(subscription)
    assert headers == {"List-Unsubscribe": f"<https://musee.example/m/u/{subscription.token}/>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    with_mailto = subscriptions.unsubscribe_headers(subscription, mailto="unsubscribe@musee.example")
    assert with_mailto["List-Unsubscribe"].startswith(f"<https://musee.example/m/u/{subscription.token}/>, <mailto:")
    assert "example.org" not in headers["List-Unsubscribe"]


def test_one_click_post_unsubscribes_before_the_response_and_is_idempotent(subscribed):
    token = subscribed["lettre"].token
    assert subscriptions.is_sendable("lea@example.org", subscribed["lettre"].newsletter)
    response = one_click(token)
    assert response.status_code == 200
    assert not response.cookies  # nothing to keep
    assert 'data-state="unsubscribed"' in response.content.decode()
    assert not subscriptions.is_sendable("lea@example.org", subscribed["lettre"].newsletter)
    assert subscriptions.is_sendable("lea@example.org", subscribed["jeune"].newsletter)  # the other list stays
    again = one_click(token)
    assert again.status_code == 200 and 'data-state="already"' in again.content.decode()
    assert Subscription.objects.get(pk=subscribed["lettre"].pk).status == "unsubscribed"
    # The last list gone: the newsletter consent is withdrawn, recorded as such.
    one_click(subscribed["jeune"].token)
    assert not subscriptions.is_sendable("lea@example.org")
    consent = ConsentRecord.objects.get(is_current=True)
    assert not consent.granted and consent.method == "unsubscribe"


def test_a_get_never_unsubscribes_it_shows_a_button(subscribed):
    token = subscribed["lettre"].token
    response = Client().get(f"/m/u/{token}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="/m/u/{token}/"' in page and 'name="List-Unsubscribe" value="One-Click"' in page
    assert Subscription.objects.get(pk=subscribed["lettre"].pk).status == "confirmed"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_unknown_token_is_a_bare_404(subscribed):
    for token in ("nope", "x" * 32, subscribed["lettre"].token + "x"):
        response = one_click(token)
        assert response.status_code == 404
        assert "lea@" not in response.content.decode().lower()
    assert Subscription.objects.filter(status="confirmed").count() == 2


def test_preference_centre_changes_lists_and_language(subscribed, lists):
    contact = subscribed["contact"]
    Subscription.objects.create(contact=contact, newsletter=lists["hidden"], status="confirmed")
    url = subscriptions.preferences_url(contact).split("/", 3)[3].join(["/", ""])
    client = Client()
    page = client.get(url).content.decode()
    assert "Presse" in page and "Jeune public" in page  # a non-public list the person is on shows too
    response = client.post(url, {"lists": [lists["jeune"].pk], "language": "en"})
    assert response.status_code == 200 and 'data-state="saved"' in response.content.decode()
    assert 'lang="en"' in response.content.decode()
    states = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    assert states == {"lettre": "unsubscribed", "jeune": "confirmed", "presse": "unsubscribed"}
    assert Contact.objects.get().language == "en"
    client.post(url, {"lists": [lists["jeune"].pk, lists["lettre"].pk], "language": "en"})
    assert subscriptions.is_sendable("lea@example.org", lists["lettre"])
    assert ConsentRecord.objects.get(is_current=True).method == "preferences"


def test_unsubscribe_from_everything_suppresses_at_once(subscribed, lists):
    url = subscriptions.preferences_url(subscribed["contact"]).split("/", 3)[3].join(["/", ""])
    response = Client().post(url + "unsubscribe-all/")
    assert response.status_code == 200 and 'data-state="unsubscribed-all"' in response.content.decode()
    assert not subscriptions.is_sendable("lea@example.org")
    assert Suppression.objects.get().reason == "unsubscribed"
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    # Back from the same page: the person's own choice lifts their "unsubscribed" suppression.
    Client().post(url, {"lists": [lists["lettre"].pk], "language": "fr"})
    assert subscriptions.is_sendable("lea@example.org", lists["lettre"]) and not Suppression.objects.exists()


def test_expired_or_forged_preferences_link_offers_a_new_one(subscribed, settings):
    url = subscriptions.preferences_url(subscribed["contact"]).split("/", 3)[3].join(["/", ""])
    forged = Client().get(url[:-4] + "abc/")
    assert forged.status_code == 400 and 'data-problem="invalid"' in forged.content.decode()
    settings.CIMAISE_SUBSCRIPTIONS = {**settings.CIMAISE_SUBSCRIPTIONS, "PREFERENCES_DAYS": 1}
    real_time = time.time
    try:
        time.time = lambda: real_time() + 2 * 86400  # two days later
        expired = Client().get(url)
    finally:
        time.time = real_time
    page = expired.content.decode()
    assert expired.status_code == 410 and 'data-problem="expired"' in page
    assert 'action="/fr/newsletter/link/"' in page and 'name="email"' in page
    assert Subscription.objects.filter(status="confirmed").count() == 2


# --- the whole path through a real SMTP server -------------------------------------------------------------

class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, and Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def test_subscribe_confirm_unsubscribe_through_a_real_smtp_server(lists, smtp, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.BASE_URL = "https://musee.example"
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/newsletter/", {"email": "Lea@Example.org", "first_name": "Léa",
                                                   "lists": [lists["lettre"].pk], "consent": "on"})
    assert response.status_code == 200 and not mail.outbox
    (message,) = smtp.messages
    assert message["To"] == "lea@example.org"
    assert message["Subject"] and "@" in message["From"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Léa" in text and "La lettre du musée" in html
    links = set(re.findall(r"https://musee\.example(/m/c/[^\s\"<>]+/)", text + html))
    assert len(links) == 1
    page = Client().get(links.pop())
    assert 'data-state="confirmed"' in page.content.decode()
    assert subscriptions.is_sendable("lea@example.org", lists["lettre"])

    # A newsletter carries the one-click headers; the mail client POSTs to the URL they name.
    subscription = Subscription.objects.get()
    newsletter = EmailMultiAlternatives("La lettre", "Bonjour", None, ["lea@example.org"],
                                        headers=subscriptions.unsubscribe_headers(subscription))
    newsletter.send()
    received = smtp.messages[-1]
    assert received["List-Unsubscribe-Post"] == ONE_CLICK
    url = re.fullmatch(r"<(https://[^>]+)>", received["List-Unsubscribe"].strip()).group(1)
    assert "example.org" not in url.lower()
    response = one_click(url.removeprefix("https://musee.example/m/u/").strip("/"))
    assert response.status_code == 200
    assert not subscriptions.is_sendable("lea@example.org")  # right after the response, nothing more goes out
    assert subscriptions.sendable_among(["lea@example.org"]) == set()


def test_the_newsletter_preferences_link_made_from_the_subscription_token(subscribed, settings):
    settings.BASE_URL = "https://musee.example"
    url = subscriptions.preferences_url_for_token(subscribed["lettre"].token)
    assert url.startswith("https://musee.example/m/p/") and "example.org" not in url
    page = Client().get("/" + url.split("/", 3)[3])
    assert page.status_code == 200 and "Jeune public" in page.content.decode()
    assert Client().get("/" + subscriptions.preferences_url_for_token("unknown").split("/", 3)[3]).status_code == 400
