"""Merging two contacts that are one person: nothing of either is lost, an unsubscription stands."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cimaise.audience.models import (
    ConsentRecord,
    Contact,
    ContactActivity,
    DuplicateCandidate,
    Interest,
    NewsletterList,
    Subscription,
    Tag,
)
from cimaise.audience.services import consent, contacts

pytestmark = pytest.mark.django_db


def test_merge_moves_everything_and_deletes_the_other(django_user_model):
    user = django_user_model.objects.create_user("marketing")
    keep = Contact.objects.create(email="lea@example.org", first_name="Léa", events_attended=2, points=10)
    other = Contact.objects.create(email="lea.dupont@work.example", last_name="Dupont", postal_code="75011",
                                   events_attended=1, points=5,
                                   last_attended_at=timezone.now())
    contacts.record_activity(other, ContactActivity.Kind.VISITED)
    earlier = timezone.now() - datetime.timedelta(days=3)
    consent.record(keep, "newsletter", True, "form", "Yes please", at=earlier)
    consent.record(other, "newsletter", False, "unsubscribe", "Stop", at=timezone.now())
    consent.record(other, "photos", True, "registration", "Photos OK")
    one, two = (NewsletterList.objects.create(name=n, slug=n) for n in ("one", "two"))
    Subscription.objects.create(contact=keep, newsletter=one, status="confirmed")
    Subscription.objects.create(contact=other, newsletter=one, status="unsubscribed")
    Subscription.objects.create(contact=other, newsletter=two, status="confirmed")
    other.interests.add(Interest.objects.create(name="Musique", slug="musique"))
    other.tags.add(Tag.objects.create(name="Presse"))
    candidate = DuplicateCandidate.objects.create(contact=keep, other=other, reason="same name")

    merged = contacts.decide_duplicate(candidate, merge_into=keep, user=user)
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert (merged.first_name, merged.last_name, merged.postal_code) == ("Léa", "Dupont", "75011")
    assert (merged.events_attended, merged.points) == (3, 15) and merged.last_attended_at
    assert merged.activities.filter(kind="visited").exists() and merged.activities.filter(kind="merged").exists()
    assert ConsentRecord.objects.filter(contact=merged).count() == 3  # every proof kept
    assert consent.current(merged) == {"newsletter": False, "photos": True}  # the newest answer stands
    statuses = dict(Subscription.objects.filter(contact=merged).values_list("newsletter__slug", "status"))
    assert statuses == {"one": "unsubscribed", "two": "confirmed"}
    assert list(merged.interests.values_list("name", flat=True)) == ["Musique"]
    assert list(merged.tags.values_list("name", flat=True)) == ["Presse"]


def test_mark_distinct_keeps_both():
    a = Contact.objects.create(email="a@example.org", first_name="Léa", last_name="Dupont")
    b = Contact.objects.create(email="b@example.org", first_name="Léa", last_name="Dupont")
    candidate = DuplicateCandidate.objects.create(contact=a, other=b, reason="same name")
    contacts.decide_duplicate(candidate)
    candidate.refresh_from_db()
    assert candidate.status == "distinct" and Contact.objects.count() == 2
    assert not contacts.open_duplicates().exists()


def test_create_and_update_through_the_service():
    lea = contacts.create_contact(" Lea@Example.org", first_name="Léa", kind="press")
    assert lea.email == "lea@example.org" and lea.activities.filter(kind="created").exists()
    with pytest.raises(ValidationError):
        contacts.create_contact("LEA@example.org")
    Contact.objects.create(email="paul@example.org")
    with pytest.raises(ValidationError):
        contacts.update_contact(lea, email="paul@example.org")
    contacts.update_contact(lea, email="lea@new.example", city="Lyon")
    lea.refresh_from_db()
    assert (lea.email, lea.city, lea.first_name) == ("lea@new.example", "Lyon", "Léa")


@pytest.mark.parametrize("name,expected", [
    ("Léa Dupont", ("Léa", "Dupont")), ("Jean-Pierre de La Tour", ("Jean-Pierre", "de La Tour")),
    ("DUPONT, Léa", ("Léa", "DUPONT")), ("Cher", ("Cher", "")), ("  ", ("", ""))])
def test_split_name(name, expected):
    assert contacts.split_name(name) == expected
