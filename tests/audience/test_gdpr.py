"""GDPR: one person's data as JSON, erasure that keeps the aggregates and the AI ledger, the retention period."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail import hooks

from cimaise.audience.models import ConsentRecord, Contact, ContactActivity, NewsletterList, Subscription, Tag
from cimaise.audience.services import consent, gdpr
from cimaise.audience.services.contacts import record_activity
from cimaise.audience.services.suppression import is_suppressed
from tests.events.conftest import programme, webinar  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def events_hooks():
    """The events app's hooks (cimaise/events/admin_hooks.py) give its registrations to the export and erasure."""
    assert hooks.get_hooks(gdpr.EXPORT_HOOK) and hooks.get_hooks(gdpr.ERASE_HOOK)


@pytest.fixture
def lea(webinar):
    from cimaise.events.services.registrations import register

    register(webinar["session"], name="Léa Dupont", email="lea@example.org", consent_newsletter=True,
             accessibility_needs="Fauteuil roulant")
    contact = Contact.objects.get(email="lea@example.org")
    contact.phone, contact.city = "06 12 34 56 78", "Paris"
    contact.save()
    contact.tags.add(Tag.objects.create(name="Amis du musée"))
    letter = NewsletterList.objects.create(name="La lettre", slug="lettre")
    Subscription.objects.create(contact=contact, newsletter=letter, status="confirmed")
    return contact


def test_export_holds_everything_about_the_person_and_is_logged(lea, events_hooks):
    data = gdpr.export(lea)
    text = json.dumps(data, cls=gdpr.JSONEncoder)  # serialisable as it is
    assert data["identity"]["email"] == "lea@example.org" and data["identity"]["phone"] == "06 12 34 56 78"
    assert data["tags"] == ["Amis du musée"]
    assert data["consents"][0]["purpose"] == "newsletter" and data["consents"][0]["text_shown"]
    assert data["subscriptions"][0]["list"] == "La lettre"
    assert {"registered", "consent", "created"} <= {line["kind"] for line in data["timeline"]}
    assert data["event_registrations"][0]["accessibility_needs"] == "Fauteuil roulant"
    assert "Webinaire" in text
    assert lea.activities.filter(kind="exported").count() == 1


def test_erase_forgets_the_person_but_keeps_the_aggregates_and_the_ai_ledger(lea, events_hooks):
    from cimaise.ai.models import AIInteraction
    from cimaise.events.models import Registration

    AIInteraction.objects.create(action="test", prompt="Une lettre pour Léa Dupont", user_label="marketing")
    ledger = list(AIInteraction.objects.values_list("pk", "prompt"))
    Contact.objects.filter(pk=lea.pk).update(events_attended=3)
    kinds_before = sorted(lea.activities.values_list("kind", "at"))

    erased = gdpr.erase(lea)
    assert erased.is_erased and erased.email == f"erased-{lea.pk}@invalid"
    assert (erased.first_name, erased.last_name, erased.phone, erased.city) == ("", "", "", "")
    assert not erased.tags.exists()
    assert erased.events_attended == 3  # the figures stay
    assert is_suppressed("lea@example.org")
    assert Subscription.objects.get(contact=erased).status == "unsubscribed"
    assert consent.current(erased) == {"newsletter": False}
    assert ConsentRecord.objects.filter(contact=erased, method="erasure").exists()
    # The timeline keeps its kinds and dates (one line more: the withdrawn consent), not its summaries.
    after = sorted(erased.activities.values_list("kind", "at"))
    assert set(kinds_before) <= set(after)
    assert not erased.activities.exclude(summary="").exists()
    registration = Registration.objects.get()
    assert (registration.name, registration.accessibility_needs) == ("", "")
    assert registration.email == erased.email
    assert list(AIInteraction.objects.values_list("pk", "prompt")) == ledger  # never touched
    assert gdpr.erase(erased).erased_at == erased.erased_at  # idempotent


def _old_contact(email, months_ago, now):
    contact = Contact.objects.create(email=email)
    long_ago = now - datetime.timedelta(days=months_ago * 31)
    Contact.objects.filter(pk=contact.pk).update(created_at=long_ago)
    record_activity(contact, ContactActivity.Kind.CREATED, at=long_ago)
    return contact


def test_retention_erases_only_contacts_without_recent_activity(settings):
    now = timezone.now()
    settings.CIMAISE_AUDIENCE = {**settings.CIMAISE_AUDIENCE, "RETENTION_MONTHS": 24}
    dormant = _old_contact("dormant@example.org", 30, now)
    active = _old_contact("active@example.org", 30, now)
    record_activity(active, ContactActivity.Kind.CHECKED_IN, at=now - datetime.timedelta(days=40))
    member = _old_contact("member@example.org", 30, now)
    Contact.objects.filter(pk=member.pk).update(membership_until=now.date() + datetime.timedelta(days=10))
    recent = Contact.objects.create(email="new@example.org")

    call_command("apply_audience_retention", "--dry-run", stdout=(out := __import__("io").StringIO()))
    assert "1 contact(s)" in out.getvalue() and Contact.objects.filter(erased_at__isnull=False).count() == 0
    call_command("apply_audience_retention", stdout=out)
    erased = set(Contact.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {dormant.pk}
    assert recent.pk not in erased
    settings.CIMAISE_AUDIENCE = {**settings.CIMAISE_AUDIENCE, "RETENTION_MONTHS": 0}
    assert gdpr.past_retention().count() == 0
