"""Registrations and check-ins reach the contacts: the person, the timeline, the consents with the text they read."""

import datetime

import pytest
from django.utils import translation

from cimaise.audience.models import ConsentRecord, Contact, ContactActivity
from cimaise.audience.services import consent
from tests.events.conftest import programme, webinar  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _register(session, **kwargs):
    from cimaise.events.services.registrations import register

    kwargs.setdefault("name", "Jean-Pierre de La Tour")
    kwargs.setdefault("email", " JP@Example.org ")
    return register(session, **kwargs).registration


def test_a_registration_creates_the_contact_with_its_timeline_and_ticked_consents(webinar):
    registration = _register(webinar["session"], consent_newsletter=True)
    contact = Contact.objects.get(email="jp@example.org")
    assert (contact.first_name, contact.last_name) == ("Jean-Pierre", "de La Tour")
    assert contact.source == "registration" and contact.language == "fr"
    line = contact.activities.get(kind="registered")
    assert line.ref == f"events.registration:{registration.pk}"
    assert line.summary == "Webinaire : restaurer un tableau"
    record = ConsentRecord.objects.get(contact=contact)
    assert (record.purpose, record.granted, record.method) == ("newsletter", True, "registration")
    with translation.override("fr"):
        from cimaise.events.forms import RegistrationForm

        assert record.text_shown == str(RegistrationForm.base_fields["consent_newsletter"].label)
    assert consent.current(contact) == {"newsletter": True}  # photos unticked: nothing recorded


def test_an_unticked_box_does_not_override_an_earlier_yes(webinar):
    contact = Contact.objects.create(email="jp@example.org", first_name="JP")
    consent.record(contact, "newsletter", True, "double_opt_in", "La lettre du musée")
    _register(webinar["session"])
    contact.refresh_from_db()
    assert consent.current(contact) == {"newsletter": True}
    assert contact.first_name == "JP" and contact.last_name == "de La Tour"  # empty fields filled, others kept
    assert contact.activities.filter(kind="registered").count() == 1


def test_the_consent_text_is_in_the_language_of_the_event(webinar, locales):
    page = webinar["page"]
    english = page.copy_for_translation(locales["en"], copy_parents=True)
    english.title = "Webinar: restoring a painting"
    english.slug = "webinar-restoring"
    english.save_revision().publish()
    from cimaise.events.models import EventSession

    session = EventSession.objects.create(event=english, starts_at=webinar["session"].starts_at,
                                          ends_at=webinar["session"].ends_at, capacity=10)
    _register(session, consent_photos=True, email="ann@example.org", name="Ann")
    contact = Contact.objects.get(email="ann@example.org")
    assert contact.language == "en" and contact.first_name == "Ann"
    assert ConsentRecord.objects.get(contact=contact).text_shown == "I agree to be photographed during the event"


def test_a_check_in_adds_to_the_timeline_and_the_figures(webinar, django_user_model):
    from cimaise.events.services.checkin import check_in

    session = webinar["session"]
    first = _register(session)
    user = django_user_model.objects.create_user("accueil")
    now = session.starts_at - datetime.timedelta(minutes=10)
    assert check_in(first.ticket_secret, user=user, session=session, now=now).ok
    assert not check_in(first.ticket_secret, user=user, session=session, now=now).ok  # twice: counted once
    contact = Contact.objects.get(email="jp@example.org")
    assert contact.events_attended == 1 and contact.last_attended_at == now
    line = contact.activities.get(kind="checked_in")
    assert line.ref == f"events.registration:{first.pk}" and line.at == now

    # An earlier visit recorded later does not move last_attended_at backwards.
    from cimaise.audience.services.contacts import record_attendance

    record_attendance("jp@example.org", at=now - datetime.timedelta(days=30))
    contact.refresh_from_db()
    assert contact.events_attended == 2 and contact.last_attended_at == now


def test_a_ticket_bought_before_the_crm_existed_still_reaches_it(webinar, django_user_model):
    from cimaise.events.models import Registration
    from cimaise.events.services.checkin import check_in

    session = webinar["session"]
    old = Registration.objects.create(session=session, name="Paul Martin", email="paul@example.org",
                                      status="confirmed")
    user = django_user_model.objects.create_user("accueil")
    assert check_in(old.ticket_secret, user=user, session=session,
                    now=session.starts_at - datetime.timedelta(minutes=5)).ok
    contact = Contact.objects.get(email="paul@example.org")
    assert contact.events_attended == 1 and contact.last_name == "Martin"
    assert ContactActivity.objects.filter(contact=contact, kind="checked_in").exists()
