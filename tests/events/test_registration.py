"""Registering: the rules of the service and of the public form, with the messages a person reads."""

import datetime
import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _register(session, email="ada@example.org", **kwargs):
    from cimaise.events.services.registrations import register

    kwargs.setdefault("name", "Ada Lovelace")
    return register(session, email=email, **kwargs)


def _error_code(callable_, *args, **kwargs):
    from cimaise.events.services.registrations import RegistrationError

    with pytest.raises(RegistrationError) as info:
        callable_(*args, **kwargs)
    return info.value


# --- the service -------------------------------------------------------------------------------------------


def test_a_registration_takes_its_seats_and_is_confirmed(webinar, django_capture_on_commit_callbacks):
    session = webinar["session"]
    with django_capture_on_commit_callbacks(execute=True):
        result = _register(session, email="  Ada@Example.ORG ", seats=2, consent_photos=True)
    session.refresh_from_db()
    registration = result.registration
    assert result.outcome == "confirmed"
    assert registration.status == "confirmed" and registration.confirmed_at
    assert registration.email == "ada@example.org"  # normalised
    assert (registration.consent_newsletter, registration.consent_photos) == (False, True)
    assert session.confirmed_seats == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]


def test_registering_twice_is_idempotent(webinar):
    from cimaise.events.models import Registration

    session = webinar["session"]
    first = _register(session)
    with transaction.atomic():  # as in a request: the duplicate's savepoint rolls back, nothing else
        again = _register(session, email="ADA@example.org", seats=2, name="Someone else")
    session.refresh_from_db()
    assert again.outcome == "already" and again.registration.pk == first.registration.pk
    assert Registration.objects.filter(session=session).count() == 1
    assert session.confirmed_seats == 1  # the second attempt took nothing


def test_after_cancelling_one_may_register_again(webinar):
    from cimaise.events.services.registrations import cancel

    session = webinar["session"]
    cancel(_register(session).registration)
    result = _register(session)
    assert result.outcome == "confirmed"


def test_a_full_session_offers_the_waiting_list(webinar):
    from cimaise.events.services.sessions import change_capacity

    session = change_capacity(webinar["session"], 2)
    assert _register(session, "a@example.org", seats=2).outcome == "confirmed"
    result = _register(session, "b@example.org")
    session.refresh_from_db()
    assert result.outcome == "waitlisted" and result.registration.status == "waitlisted"
    assert session.confirmed_seats == 2


def test_seats_that_do_not_fit_wait_even_if_one_is_left(webinar):
    from cimaise.events.services.sessions import change_capacity

    session = change_capacity(webinar["session"], 3)
    _register(session, "a@example.org", seats=2)
    assert _register(session, "b@example.org", seats=2).outcome == "waitlisted"
    assert _register(session, "c@example.org", seats=1).outcome == "confirmed"
    session.refresh_from_db()
    assert session.confirmed_seats == 3


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "ada@example.org\nBcc: x@example.org"])
def test_invalid_email_is_refused(webinar, email):
    from cimaise.events.models import Registration

    error = _error_code(_register, webinar["session"], email)
    assert error.code == "invalid_email"
    assert not Registration.objects.exists()


@pytest.mark.parametrize("seats", [0, 3, -1])
def test_seats_over_the_limit_are_refused(webinar, seats):
    error = _error_code(_register, webinar["session"], seats=seats)  # the webinar allows 2 per person
    assert error.code == "seats_limit"
    webinar["session"].refresh_from_db()
    assert webinar["session"].confirmed_seats == 0


def test_registration_window(webinar):
    page, session = webinar["page"], webinar["session"]
    now = timezone.now()
    page.registration_opens_at = now + datetime.timedelta(hours=2)
    page.save()
    session.refresh_from_db()
    assert _error_code(_register, session).code == "not_open"
    page.registration_opens_at = now - datetime.timedelta(days=2)
    page.registration_closes_at = now - datetime.timedelta(hours=1)
    page.save()
    session.refresh_from_db()
    assert _error_code(_register, session).code == "closed"


def test_closed_cancelled_and_past_sessions_refuse(webinar):
    from cimaise.events.models import EventSession
    from cimaise.events.services.sessions import cancel_session, close_registration

    session = close_registration(webinar["session"])
    assert _error_code(_register, session).code == "closed"
    session = close_registration(session, closed=False)
    assert _register(session).outcome == "confirmed"

    past = EventSession.objects.create(event=webinar["page"], capacity=5,
                                       starts_at=timezone.now() - datetime.timedelta(hours=3),
                                       ends_at=timezone.now() - datetime.timedelta(hours=2))
    assert _error_code(_register, past).code == "past"
    cancelled = cancel_session(session)
    assert _error_code(_register, cancelled, "b@example.org").code == "cancelled"


def test_messages_follow_the_persons_language(webinar):
    french = _error_code(_register, webinar["session"], "nope", language="fr")
    english = _error_code(_register, webinar["session"], "nope", language="en")
    assert english.message == "Enter a valid email address, e.g. name@example.org."
    assert french.code == english.code == "invalid_email"


def test_rate_limit_per_address_and_per_email(webinar, settings):
    from cimaise.events.models import Registration

    settings.CIMAISE_EVENTS = {**settings.CIMAISE_EVENTS, "RATE_LIMIT_PER_IP": 3, "RATE_LIMIT_PER_EMAIL": 2}
    session = webinar["session"]
    for n in range(3):
        _register(session, f"p{n}@example.org", client_key="203.0.113.9")
    assert _error_code(_register, session, "p9@example.org", client_key="203.0.113.9").code == "rate_limited"
    _register(session, "same@example.org", client_key="198.51.100.1")
    _register(session, "same@example.org", client_key="198.51.100.2")
    assert _error_code(_register, session, "same@example.org", client_key="198.51.100.3").code == "rate_limited"
    assert Registration.objects.count() == 4


def test_record_registrant_is_called_once_per_new_registration(webinar, monkeypatch):
    from cimaise.events.services import registrations

    calls = []
    monkeypatch.setattr(registrations, "record_registrant", calls.append)
    first = _register(webinar["session"]).registration
    _register(webinar["session"])  # "already": nothing new
    assert calls == [first]


def test_lookups_by_secret(webinar):
    from cimaise.events.services.registrations import by_manage_secret, by_ticket_secret

    registration = _register(webinar["session"]).registration
    assert by_manage_secret(registration.manage_secret) == registration
    assert by_ticket_secret(registration.ticket_secret) == registration
    assert by_manage_secret(registration.ticket_secret) is None
    last = "A" if registration.manage_secret[-1] != "A" else "B"
    for forged in ("", "x", registration.manage_secret[:-1] + last, "' OR 1=1 --", "a" * 500, None):
        assert by_manage_secret(forged) is None


def test_every_change_raises_the_sequence(webinar):
    from cimaise.events.services.registrations import cancel

    registration = _register(webinar["session"]).registration
    assert registration.sequence == 0
    cancel(registration)
    assert registration.sequence == 1
    cancel(registration)  # idempotent: nothing changed
    assert registration.sequence == 1


# --- the public form ---------------------------------------------------------------------------------------


def _form_url(session, language="fr"):
    return f"/{language}/events/register/{session.uid}/"


def _data(**overrides):
    data = {"name": "Grace Hopper", "email": "grace@example.org", "seats": "1",
            "accessibility_needs": "Fauteuil roulant"}
    data.update(overrides)
    return data


def test_the_form_registers_and_redirects_to_the_private_page(client, webinar):
    session = webinar["session"]
    response = client.post(_form_url(session), _data())
    assert response.status_code == 302
    from cimaise.events.models import Registration

    registration = Registration.objects.get()
    assert response["Location"] == f"/fr/events/r/{registration.manage_secret}/"
    assert "grace" not in response["Location"]
    assert (registration.consent_newsletter, registration.consent_photos) == (False, False)  # unticked by default
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="confirmed"' in html
    assert "https://visio.example/salle-secrete-42" in html  # the join link, to the confirmed person only
    assert registration.ticket_secret in html
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]


def test_the_form_shows_two_unticked_consents_and_a_hidden_honeypot(client, webinar):
    html = client.get(_form_url(webinar["session"])).content.decode()
    for name in ("consent_newsletter", "consent_photos"):
        tag = re.search(rf'<input type="checkbox"[^>]*name="{name}"[^>]*>', html).group(0)
        assert "checked" not in tag
    assert re.search(r'<p hidden><label[^>]*>[^<]*</label>\s*<input[^>]*name="website"', html)


def test_refusals_keep_what_was_typed(client, webinar):
    from cimaise.events.models import Registration

    session = webinar["session"]
    response = client.post(_form_url(session, "en"), _data(email="grace-at-example", consent_photos="on"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address" in html
    assert 'value="Grace Hopper"' in html and 'value="grace-at-example"' in html and "Fauteuil roulant" in html
    assert re.search(r'name="consent_photos" checked', html)
    response = client.post(_form_url(session, "en"), _data(seats="3"))
    assert response.status_code == 400 and "between 1 and 2" in response.content.decode()
    assert not Registration.objects.exists()


def test_french_visitors_read_french(client, webinar):
    response = client.post(_form_url(webinar["session"], "fr"), _data(seats="9"))
    assert response.status_code == 400
    assert 'lang="fr"' in response.content.decode()


def test_bots_filling_the_honeypot_are_refused(client, webinar):
    from cimaise.events.models import Registration

    response = client.post(_form_url(webinar["session"]), _data(website="http://spam.example"))
    assert response.status_code == 400
    assert 'value="Grace Hopper"' in response.content.decode()
    assert not Registration.objects.exists()


def test_a_second_registration_through_the_form_says_so_without_showing_anything(
        client, webinar, django_capture_on_commit_callbacks):
    from cimaise.events.models import Registration

    session = webinar["session"]
    client.post(_form_url(session), _data())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_form_url(session, "en"), _data(name="Impostor"))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-outcome="already"' in html
    registration = Registration.objects.get()
    assert registration.manage_secret not in html and "Grace" not in html
    assert registration.name == "Grace Hopper"
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]  # the link goes to the address only


def test_closed_registration_is_said_on_the_form(client, webinar):
    from cimaise.events.services.sessions import close_registration

    session = close_registration(webinar["session"])
    html = client.get(_form_url(session, "en")).content.decode()
    assert 'data-state="closed"' in html and "<form class=\"register-form\"" not in html
    response = client.post(_form_url(session, "en"), _data())
    assert response.status_code == 400 and "Registration for this session is closed." in response.content.decode()


def test_the_join_link_is_not_given_before_confirmation(client, webinar):
    from cimaise.events.services.sessions import change_capacity

    session = change_capacity(webinar["session"], 0)
    form_html = client.get(_form_url(session)).content.decode()
    assert "salle-secrete" not in form_html and 'data-state="full"' in form_html
    response = client.post(_form_url(session), _data())
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="waitlisted"' in html and "salle-secrete" not in html


def test_cancel_from_the_private_page_without_login(client, webinar):
    session = webinar["session"]
    location = client.post(_form_url(session), _data())["Location"]
    assert client.get(location.replace("/r/", "/r/") + "cancel/").status_code == 405  # only by POST
    response = client.post(location + "cancel/")
    assert response.status_code == 302
    html = client.get(location).content.decode()
    session.refresh_from_db()
    assert 'data-status="cancelled"' in html and "salle-secrete" not in html
    assert session.confirmed_seats == 0
    assert client.post(location + "cancel/").status_code == 302  # twice: nothing more happens
    session.refresh_from_db()
    assert session.confirmed_seats == 0


@pytest.mark.parametrize("secret", ["nope", "A" * 43, "x%27%20OR%201=1", "%00"])
def test_unknown_or_tampered_links_get_a_plain_404(client, webinar, secret):
    _register(webinar["session"])
    for suffix in ("", "cancel/", "accept/", "decline/"):
        url = f"/en/events/r/{secret}/{suffix}"
        response = client.post(url) if suffix else client.get(url)
        assert response.status_code == 404
        assert 'data-error="unknown-link"' in response.content.decode()
        assert "ada@example.org" not in response.content.decode()


def test_unknown_sessions_and_unpublished_events_are_404(client, webinar):
    import uuid

    assert client.get(f"/fr/events/register/{uuid.uuid4()}/").status_code == 404
    webinar["page"].unpublish()
    assert client.get(_form_url(webinar["session"])).status_code == 404


def test_with_the_database_worker_the_email_task_is_written_with_the_registration(webinar, settings):
    """One transaction: the registration and its email task exist together, or neither does."""
    from django_tasks_db.models import DBTaskResult

    from cimaise.events.services.registrations import RegistrationError

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = _register(webinar["session"])
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("registrations.send_notification")
    assert task.args_kwargs["args"] == ["confirmed", result.registration.pk]
    assert "ada@example.org" not in str(task.args_kwargs)  # no personal data in the queue
    with pytest.raises(RegistrationError):
        _register(webinar["session"], "bad-address")
    _register(webinar["session"])  # "already": rolled back, no second email task
    assert DBTaskResult.objects.count() == 1
    assert not mail.outbox  # the worker sends it, not the request
