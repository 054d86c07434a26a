"""Consent: a history with its proof, one current record per purpose, the IP only where the setting allows it."""

import threading

import pytest
from django.db import connection

from cimaise.audience.models import ConsentRecord, Contact, ContactActivity
from cimaise.audience.services import consent

pytestmark = pytest.mark.django_db

TEXT = "I would like to receive the newsletter"


@pytest.fixture
def lea():
    return Contact.objects.create(email="lea@example.org", first_name="Léa")


def test_each_change_is_appended_with_its_proof_and_the_latest_is_current(lea, django_user_model):
    user = django_user_model.objects.create_user("marketing")
    first = consent.record(lea, "newsletter", True, "form", TEXT, source_url="/fr/lettre/")
    second = consent.record(lea, "newsletter", False, "staff", "Asked by phone to stop", user=user)
    consent.record(lea, "photos", True, "registration", "I agree to be photographed")

    assert consent.current(lea) == {"newsletter": False, "photos": True}
    first.refresh_from_db()
    assert not first.is_current and first.granted and first.text_shown == TEXT and first.source_url == "/fr/lettre/"
    assert second.is_current and second.recorded_by == user and second.method == "staff"
    assert ConsentRecord.objects.filter(contact=lea).count() == 3  # nothing overwritten
    assert [r.pk for r in consent.history(lea)][-1] == first.pk
    lines = ContactActivity.objects.filter(contact=lea, kind="consent")
    assert lines.count() == 3
    assert {(line.data["purpose"], line.data["granted"]) for line in lines} == {
        ("newsletter", True), ("newsletter", False), ("photos", True)}


def test_a_purpose_never_asked_is_absent(lea):
    assert consent.current(lea) == {}


def test_the_ip_is_kept_only_when_the_setting_allows_it(lea, settings):
    settings.CIMAISE_AUDIENCE = {**settings.CIMAISE_AUDIENCE, "CONSENT_RECORD_IP": False}
    assert consent.record(lea, "newsletter", True, "form", TEXT, ip="203.0.113.7").ip_address is None
    settings.CIMAISE_AUDIENCE = {**settings.CIMAISE_AUDIENCE, "CONSENT_RECORD_IP": True}
    assert consent.record(lea, "newsletter", True, "form", TEXT, ip="203.0.113.7").ip_address == "203.0.113.7"


def test_an_unknown_purpose_or_method_is_refused(lea):
    with pytest.raises(ValueError):
        consent.record(lea, "telepathy", True, "form", TEXT)
    with pytest.raises(ValueError):
        consent.record(lea, "newsletter", True, "pigeon", TEXT)
    assert not ConsentRecord.objects.exists()


def test_record_many_keeps_one_current_per_contact(lea):
    paul = Contact.objects.create(email="paul@example.org")
    consent.record(lea, "newsletter", False, "form", TEXT)
    assert consent.record_many([lea.pk, paul.pk, lea.pk], "newsletter", True, "import", "Paper form, 2025") == 2
    assert consent.current(lea) == {"newsletter": True} and consent.current(paul) == {"newsletter": True}
    assert ConsentRecord.objects.filter(contact=lea, purpose="newsletter").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_changes_leave_exactly_one_current_record():
    """Eight changes of one consent at the same moment: all recorded, exactly one current (PostgreSQL's locking)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers (and its test database is in memory)")
    lea = Contact.objects.create(email="lea@example.org")
    errors, barrier = [], threading.Barrier(8)

    def change(granted):
        try:
            barrier.wait(timeout=10)
            consent.record(lea, "newsletter", granted, "form", TEXT)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(n % 2 == 0,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert ConsentRecord.objects.filter(contact=lea).count() == 8
    assert ConsentRecord.objects.filter(contact=lea, is_current=True).count() == 1
