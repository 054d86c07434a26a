"""The ESP's tracking webhooks through anymail (Postmark's format): bounces, complaints and unsubscribes update
suppression and the timeline; a webhook without the right secret is refused and changes nothing."""

import base64
import json

import pytest
from django.test import Client

from cimaise.audience.models import Contact, ContactActivity, NewsletterList, Subscription, Suppression
from cimaise.audience.services import subscriptions

pytestmark = pytest.mark.django_db

URL = "/m/anymail/postmark/tracking/"
SECRET = "cimaise:s3cret-webhook"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {**getattr(settings, "ANYMAIL", {}), "WEBHOOK_SECRET": SECRET}


@pytest.fixture
def lea(db):
    contact = Contact.objects.create(email="lea@example.org", first_name="Léa")
    for slug in ("lettre", "jeune"):
        newsletter = NewsletterList.objects.create(name=slug.title(), slug=slug)
        Subscription.objects.create(contact=contact, newsletter=newsletter, status="confirmed")
    return contact


def post(payload, secret=SECRET):
    headers = {}
    if secret is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(secret.encode()).decode()
    return Client().post(URL, json.dumps(payload), content_type="application/json", **headers)


def bounce(kind, email="lea@example.org"):
    return {"RecordType": "Bounce", "Type": kind, "TypeCode": 1, "ID": 42, "Email": email,
            "BouncedAt": "2026-11-29T10:00:00Z", "MessageID": "abc", "Description": "The server said no."}


def timeline(kind):
    return ContactActivity.objects.filter(contact__email="lea@example.org", kind=kind).count()


def test_hard_bounce_suppresses_the_address(lea):
    assert post(bounce("HardBounce")).status_code == 200
    assert Suppression.objects.get().reason == "bounced"
    assert not subscriptions.is_sendable("lea@example.org")
    assert timeline("email_bounced") == 1


def test_soft_bounce_is_counted_in_the_timeline_only(lea):
    assert post(bounce("SoftBounce")).status_code == 200
    assert post(bounce("Transient")).status_code == 200
    assert not Suppression.objects.exists()
    assert subscriptions.is_sendable("lea@example.org")
    assert timeline("email_bounced") == 2
    assert [a.data["hard"] for a in ContactActivity.objects.filter(kind="email_bounced")] == [False, False]


def test_complaint_suppresses_and_unsubscribes_from_every_list(lea):
    payload = {"RecordType": "SpamComplaint", "Type": "SpamComplaint", "Email": "lea@example.org", "ID": 7,
               "BouncedAt": "2026-11-29T10:00:00Z", "MessageID": "abc"}
    assert post(payload).status_code == 200
    assert Suppression.objects.get().reason == "complained"
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    assert timeline("email_complained") == 1 and timeline("unsubscribed") == 1


def test_esp_side_unsubscribe_unsubscribes(lea):
    payload = {"RecordType": "SubscriptionChange", "Recipient": "lea@example.org", "SuppressSending": True,
               "SuppressionReason": "ManualSuppression", "ChangedAt": "2026-11-29T10:00:00Z", "MessageID": "abc"}
    assert post(payload).status_code == 200
    assert Suppression.objects.get().reason == "unsubscribed"
    assert not subscriptions.is_sendable("lea@example.org")
    assert timeline("unsubscribed") == 1


def test_unknown_address_is_suppressed_without_a_contact(db):
    assert post(bounce("HardBounce", email="ghost@example.org")).status_code == 200
    assert Suppression.objects.get().reason == "bounced" and not Contact.objects.exists()


@pytest.mark.parametrize("secret", ["cimaise:wrong", None])
def test_bad_signature_is_refused_and_changes_nothing(lea, secret):
    response = post(bounce("HardBounce"), secret=secret)
    assert response.status_code in (400, 403)
    assert not Suppression.objects.exists()
    assert subscriptions.is_sendable("lea@example.org")
    assert timeline("email_bounced") == 0


def test_without_a_configured_secret_every_webhook_is_refused(lea, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert post(bounce("HardBounce"), secret=None).status_code == 403
    assert not Suppression.objects.exists()
