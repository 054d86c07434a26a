"""Segment definitions: each condition selects whom a marketer would expect, on a few contacts built for it.

Runs on SQLite and on PostgreSQL (DATABASE_URL): the same SQL must give the same people on both.
"""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from cimaise.audience.models import (
    ConsentRecord,
    Contact,
    ContactActivity,
    Interest,
    NewsletterList,
    Subscription,
    Tag,
)
from cimaise.audience.segments import services
from cimaise.audience.segments.definition import DefinitionError, contacts, validate

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 29, 12, 0))
DAY = datetime.timedelta(days=1)


def _contact(name, **fields):
    contact = Contact.objects.create(email=f"{name}@example.org", first_name=name.capitalize(), **fields)
    return contact


def _did(contact, kind, *days_ago):
    ContactActivity.objects.bulk_create(
        ContactActivity(contact=contact, kind=kind, at=NOW - d * DAY) for d in days_ago)


@pytest.fixture
def people():
    """Eight contacts, each with what makes them stand out; precomputed figures kept as the services keep them."""
    painting = Interest.objects.create(name="Peinture", slug="painting")
    music = Interest.objects.create(name="Musique", slug="music")
    family = Interest.objects.create(name="Familles", slug="family")
    press = Tag.objects.create(name="press 2026")
    friends = Tag.objects.create(name="amis du musée")
    letter = NewsletterList.objects.create(name="La lettre", slug="la-lettre")

    alice = _contact("alice", language="fr", kind="member", postal_code="75011", points=250,
                     membership_tier="gold", membership_until=(NOW + 30 * DAY).date(),
                     events_attended=3, last_attended_at=NOW - 10 * DAY, last_opened_at=NOW - 5 * DAY)
    bruno = _contact("bruno", language="fr", kind="visitor", postal_code="69002", points=40,
                     events_attended=1, last_attended_at=NOW - 400 * DAY, last_opened_at=NOW - 200 * DAY)
    chloe = _contact("chloe", language="en", kind="press", postal_code="75004", organisation="Le Monde des arts",
                     membership_tier="silver", membership_until=(NOW - 3 * DAY).date(), points=120)
    david = _contact("david", language="fr", kind="teacher", postal_code="7500", organisation="Lycée Voltaire",
                     events_attended=2, last_attended_at=NOW - 20 * DAY)
    emma = _contact("emma", language="en", kind="member", postal_code="13001", points=900,
                    membership_tier="gold", membership_until=(NOW + 300 * DAY).date(),
                    events_attended=2, last_attended_at=NOW - 100 * DAY)
    # Erased: matches nearly everything, and must never count.
    ghost = _contact("ghost", language="fr", kind="member", postal_code="75001", points=999,
                     membership_tier="gold", membership_until=(NOW + 30 * DAY).date(),
                     events_attended=5, last_attended_at=NOW - 2 * DAY, last_opened_at=NOW - 1 * DAY,
                     erased_at=NOW - DAY)

    _did(alice, "checked_in", 10, 50, 300)
    _did(bruno, "checked_in", 400)
    _did(david, "checked_in", 20, 500)
    _did(emma, "checked_in", 100, 110)
    _did(ghost, "checked_in", 2, 3, 4, 5, 6)
    _did(alice, "email_opened", 5)
    _did(bruno, "email_opened", 200)
    _did(ghost, "email_opened", 1)
    _did(chloe, "visited", 40, 45, 50)
    _did(bruno, "visited", 45)

    Contact.objects.filter(pk__in=[alice.pk, chloe.pk]).update(created_at=NOW - 400 * DAY)
    Contact.objects.filter(pk=bruno.pk).update(created_at=NOW - 30 * DAY)

    alice.interests.set([painting, music])
    bruno.interests.set([painting])
    chloe.interests.set([music, family])
    ghost.interests.set([painting, music, family])
    chloe.tags.set([press])
    david.tags.set([friends, press])
    ghost.tags.set([press])

    for contact, granted in ((alice, True), (bruno, False), (emma, True), (ghost, True)):
        ConsentRecord.objects.create(contact=contact, purpose="newsletter", granted=granted, at=NOW - DAY,
                                     method="form")
    # Chloé granted, then withdrew: only the current record counts.
    ConsentRecord.objects.create(contact=chloe, purpose="newsletter", granted=True, at=NOW - 9 * DAY,
                                 method="form", is_current=False)
    ConsentRecord.objects.create(contact=chloe, purpose="newsletter", granted=False, at=NOW - DAY,
                                 method="unsubscribe")
    ConsentRecord.objects.create(contact=david, purpose="photos", granted=True, at=NOW - DAY, method="form")

    Subscription.objects.create(contact=alice, newsletter=letter, status="confirmed")
    Subscription.objects.create(contact=bruno, newsletter=letter, status="pending")
    Subscription.objects.create(contact=chloe, newsletter=letter, status="unsubscribed")
    Subscription.objects.create(contact=ghost, newsletter=letter, status="confirmed")
    return {c.first_name.lower(): c for c in (alice, bruno, chloe, david, emma, ghost)}


def who(*conditions, match="all"):
    definition = validate({"match": match, "conditions": list(conditions)})
    return sorted(c.first_name.lower() for c in contacts(definition, now=NOW))


def test_an_empty_definition_is_everyone_but_the_erased(people):
    assert who() == ["alice", "bruno", "chloe", "david", "emma"]


def test_attributes(people):
    assert who({"type": "kind", "values": ["member", "press"]}) == ["alice", "chloe", "emma"]
    assert who({"type": "language", "values": ["en"]}) == ["chloe", "emma"]
    assert who({"type": "postal_code", "prefix": "75"}) == ["alice", "chloe", "david"]
    assert who({"type": "postal_code", "prefix": "7500"}) == ["chloe", "david"]
    assert who({"type": "organisation", "contains": "lycée"}) == ["david"]
    assert who({"type": "tag", "tags": ["press 2026"]}) == ["chloe", "david"]


def test_created_in_a_period_includes_both_days(people):
    day = (NOW - 30 * DAY).date().isoformat()
    assert who({"type": "created", "from": day, "to": day}) == ["bruno"]
    assert who({"type": "created", "to": (NOW - 365 * DAY).date().isoformat()}) == ["alice", "chloe"]


def test_interests_any_and_all(people):
    assert who({"type": "interest", "match": "any", "interests": ["painting", "family"]}) == ["alice", "bruno",
                                                                                            "chloe"]
    assert who({"type": "interest", "match": "all", "interests": ["painting", "music"]}) == ["alice"]


def test_consent_reads_the_current_record_only(people):
    assert who({"type": "consent", "purpose": "newsletter"}) == ["alice", "emma"]
    assert who({"type": "consent", "purpose": "photos"}) == ["david"]


def test_subscription_counts_confirmed_subscribers(people):
    assert who({"type": "subscription", "list": "la-lettre"}) == ["alice"]


def test_activity_in_the_last_days(people):
    attended_twice = {"type": "activity", "kind": "checked_in", "min": 2, "days": 365}
    assert who(attended_twice) == ["alice", "emma"]
    assert who({**attended_twice, "min": 1, "days": 30}) == ["alice", "david"]
    assert who({"type": "activity", "kind": "email_opened", "min": 1, "days": 90}) == ["alice"]
    assert who({"type": "activity", "kind": "visited", "min": 2, "days": 90}) == ["chloe"]


def test_activity_between_two_dates_and_ever(people):
    between = {"type": "activity", "kind": "checked_in", "min": 1,
               "from": (NOW - 120 * DAY).date().isoformat(), "to": (NOW - 90 * DAY).date().isoformat()}
    assert who(between) == ["emma"]
    assert who({**between, "min": 2}) == ["emma"]
    assert who({"type": "activity", "kind": "checked_in", "min": 2}) == ["alice", "david", "emma"]
    assert who({"type": "activity", "kind": "visited", "min": 1}) == ["bruno", "chloe"]


def test_membership_and_points(people):
    today = NOW.date().isoformat()
    assert who({"type": "membership", "tiers": [], "active_on": ""}) == ["alice", "chloe", "emma"]
    assert who({"type": "membership", "tiers": ["gold"], "active_on": "today"}) == ["alice", "emma"]
    assert who({"type": "membership", "tiers": [], "active_on": today}) == ["alice", "emma"]
    later = (NOW + 100 * DAY).date().isoformat()
    assert who({"type": "membership", "tiers": ["gold", "silver"], "active_on": later}) == ["emma"]
    assert who({"type": "points", "min": 100}) == ["alice", "chloe", "emma"]
    assert who({"type": "points", "min": 100, "max": 300}) == ["alice", "chloe"]
    assert who({"type": "points", "max": 50}) == ["bruno", "david"]


def test_all_any_and_a_group(people):
    member = {"type": "kind", "values": ["member"]}
    paris = {"type": "postal_code", "prefix": "75"}
    assert who(member, paris) == ["alice"]
    assert who(member, paris, match="any") == ["alice", "chloe", "david", "emma"]
    group = {"type": "group", "match": "any", "conditions": [
        {"type": "points", "min": 500}, {"type": "tag", "tags": ["amis du musée"]}]}
    assert who({"type": "language", "values": ["fr", "en"]}, group) == ["david", "emma"]


def test_bad_definitions_are_reported_one_by_one(people):
    with pytest.raises(DefinitionError) as caught:
        validate({"match": "all", "conditions": [
            {"type": "interest", "match": "any", "interests": ["painting", "sculpture"]},
            {"type": "activity", "kind": "checked_in", "min": "-1", "days": "30"},
            {"type": "activity", "kind": "visited", "min": 1, "from": "2026-05-01", "to": "2026-04-01"},
            {"type": "points", "min": 10, "max": 5},
            {"type": "subscription", "list": "nope"},
            {"type": "haircut"},
        ]})
    error = caught.value
    assert [path for path, _m in error.errors] == [(0,), (1,), (2,), (3,), (4,), (5,)]
    messages = [str(m) for _p, m in error.errors]
    with override("fr"):  # the site's language: messages come translated
        unknown_interest = gettext("%(label)s: unknown value “%(value)s”.") % {
            "label": gettext("Interest"), "value": "sculpture"}
        too_few_times = gettext("%(label)s: enter %(minimum)s or more.") % {
            "label": gettext("At least (times)"), "minimum": 1}
        reversed_period = gettext("The period ends (%(end)s) before it starts (%(start)s).") % {
            "end": "2026-04-01", "start": "2026-05-01"}
        min_above_max = gettext("Points: the minimum (%(min)s) is above the maximum (%(max)s).") % {
            "min": 10, "max": 5}
    assert messages[0] == unknown_interest
    assert messages[1] == too_few_times
    assert messages[2] == reversed_period
    assert messages[3] == min_above_max
    assert "nope" in messages[4]
    assert "haircut" in messages[5]


def test_a_saved_segment_gives_its_contacts_and_its_count(people, django_user_model):
    user = django_user_model.objects.create_user("marketing")
    segment = services.save_segment(name="  Membres gold  ", user=user, definition={
        "match": "all", "conditions": [{"type": "membership", "tiers": ["gold"], "active_on": ""}]})
    assert segment.name == "Membres gold" and segment.created_by == user
    assert segment.cached_count == 2  # the erased gold member is not counted
    assert sorted(segment.contacts().values_list("first_name", flat=True)) == ["Alice", "Emma"]
    people["emma"].membership_tier = ""
    people["emma"].save()
    assert services.refresh_count(segment) == 1


def test_a_bad_definition_saves_nothing(people):
    with pytest.raises(DefinitionError):
        services.save_segment(name="x", definition={"conditions": [{"type": "points", "min": -3}]})
    from cimaise.audience.segments.models import Segment

    assert not Segment.objects.exists()
