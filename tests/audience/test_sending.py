"""The sending engine against a real SMTP server (aiosmtpd on 127.0.0.1): messages read back, suppression,
pause and resume, and a sender killed mid-campaign then resumed: every recipient gets exactly one message."""

import asyncio
import email
import email.policy
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink(settings):
    from cimaise.audience.campaigns.sink import Sink

    server = Sink(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Musée de Test <lettre@musee.test>"
    settings.BASE_URL = "https://musee.test"
    settings.CIMAISE_SENDING = {"BATCH_SIZE": 7, "CONCURRENCY": 3, "RATE_PER_SECOND": 0, "LEASE_SECONDS": 300}
    yield server
    server.stop()


def make_audience(n, *, language="fr", list_language="fr", names=True):
    from cimaise.audience.models import Contact, NewsletterList, Subscription

    newsletter = NewsletterList.objects.create(name="La lettre", slug=f"lettre-{list_language or 'all'}",
                                               language=list_language)
    contacts = []
    for i in range(n):
        contact = Contact.objects.create(email=f"person{i}@example.org", first_name=f"Prénom{i}" if names else "",
                                         language=language)
        Subscription.objects.create(contact=contact, newsletter=newsletter, status=Subscription.Status.CONFIRMED)
        contacts.append(contact)
    return newsletter, contacts


def new_campaign(newsletter, pages=(), **fields):
    from cimaise.audience.campaigns.services import campaigns

    values = {"name": "Lettre de novembre", "subject": "Les nouvelles de novembre", "language": "fr",
              "intro": "Voici les nouvelles du mois.", "newsletter": newsletter, **fields}
    return campaigns.create(pages=pages, **values)


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_campaign_reaches_each_subscriber_once_with_both_parts_and_one_click_unsubscribe(site_pages, sink):
    from cimaise.audience.campaigns.models import Campaign, CampaignRecipient
    from cimaise.audience.campaigns.rendering import greetings
    from cimaise.audience.campaigns.services import campaigns
    from cimaise.audience.models import Subscription

    newsletter, contacts = make_audience(20)
    campaign = new_campaign(newsletter, pages=[site_pages["article"]])
    campaigns.start(campaign)  # the immediate task backend sends it now

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert (campaign.recipients_count, campaign.sent_count, campaign.skipped_count) == (20, 20, 0)
    messages = sink.messages
    assert sorted(rcpt[0] for rcpt, _ in messages) == sorted(c.email for c in contacts)
    tokens = dict(Subscription.objects.values_list("contact__email", "token"))
    greeting = greetings("fr")[0]
    for rcpt, raw in messages:
        message = parse(raw)
        contact = next(c for c in contacts if c.email == rcpt[0])
        assert message["Subject"] == "Les nouvelles de novembre"
        assert message["List-Unsubscribe"] == f"<https://musee.test/m/u/{tokens[contact.email]}/>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Message-ID"].startswith(f"<c{campaign.pk}.r")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert greeting % {"name": contact.first_name} in text
        assert greeting % {"name": contact.first_name} in html
        assert f"https://musee.test/m/u/{tokens[contact.email]}/" in text
        assert f'href="https://musee.test/m/u/{tokens[contact.email]}/"' in html
        assert "La restauration du grand retable" in html and "La restauration du grand retable" in text
        assert "https://musee.test/m/p/" in text  # the preference centre, from a signed link
        assert site_pages["article"].get_full_url() in html
    assert len({parse(raw)["Message-ID"] for _, raw in messages}) == 20
    assert set(CampaignRecipient.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_unsubscribed_suppressed_and_erased_people_receive_nothing(site_pages, sink):
    from django.utils import timezone

    from cimaise.audience.campaigns import sending
    from cimaise.audience.campaigns.models import Campaign
    from cimaise.audience.campaigns.services import campaigns
    from cimaise.audience.models import Contact, Subscription
    from cimaise.audience.services.suppression import suppress

    newsletter, contacts = make_audience(10)
    campaign = new_campaign(newsletter, pages=[site_pages["article"]])
    campaigns.start(campaign, enqueue=False)
    # After the recipients were chosen, before the batch: the check happens right before sending.
    sending._prepare(Campaign.objects.get(pk=campaign.pk))
    suppress(contacts[0].email, "bounced")
    Subscription.objects.filter(contact=contacts[1]).update(status=Subscription.Status.UNSUBSCRIBED)
    Contact.objects.filter(pk=contacts[2].pk).update(erased_at=timezone.now())
    report = sending.run(campaign.pk)

    assert report.finished and report.sent == 7 and report.skipped == 3
    received = {rcpt[0] for rcpt, _ in sink.messages}
    assert received == {c.email for c in contacts[3:]}
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.skipped_count) == (7, 3)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_greeting_falls_back_and_a_list_for_every_language_gets_only_the_campaigns_language(site_pages, sink):
    from cimaise.audience.campaigns.services import campaigns
    from cimaise.audience.models import Contact, Subscription

    newsletter, contacts = make_audience(3, list_language="", names=False)
    english = Contact.objects.create(email="reader@example.org", first_name="Ann", language="en")
    Subscription.objects.create(contact=english, newsletter=newsletter, status=Subscription.Status.CONFIRMED)
    campaigns.start(new_campaign(newsletter, pages=[site_pages["article"]]))

    received = {rcpt[0]: parse(raw) for rcpt, raw in sink.messages}
    assert set(received) == {c.email for c in contacts}
    from cimaise.audience.campaigns.rendering import greetings

    named, anonymous = greetings("fr")
    assert anonymous in received[contacts[0].email].get_body(("plain",)).get_content()
    assert (named % {"name": ""}) not in received[contacts[0].email].get_body(("plain",)).get_content()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pause_stops_after_the_batch_and_resume_sends_the_rest_once(site_pages, sink):
    from cimaise.audience.campaigns import sending
    from cimaise.audience.campaigns.models import Campaign
    from cimaise.audience.campaigns.services import campaigns

    newsletter, contacts = make_audience(30)
    campaign = campaigns.start(new_campaign(newsletter, pages=[site_pages["article"]]), enqueue=False)
    accept = sink.handler.handle_DATA

    async def pause_at_the_tenth(server, session, envelope):
        answer = await accept(server, session, envelope)
        if sink.handler.count == 10:  # in the second batch (7 a batch)
            await asyncio.to_thread(campaigns.pause, campaign)
        return answer

    sink.handler.handle_DATA = pause_at_the_tenth
    report = sending.run(campaign.pk)
    assert report.sent == 14 and report.stopped_because == "paused"  # the second batch was finished
    assert len(sink.messages) == 14
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED and campaign.sent_count == 14
    assert sending.run(campaign.pk).sent == 0  # a paused campaign is not sent

    campaigns.resume(campaign)  # enqueues the task: the immediate backend runs it now
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.sent_count == 30
    assert Counter(rcpt[0] for rcpt, _ in sink.messages) == Counter({c.email: 1 for c in contacts})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rate_limit_spaces_the_messages(site_pages, sink, settings):
    from cimaise.audience.campaigns import sending
    from cimaise.audience.campaigns.services import campaigns

    settings.CIMAISE_SENDING = {**settings.CIMAISE_SENDING, "RATE_PER_SECOND": 20}
    newsletter, _ = make_audience(12)
    campaign = campaigns.start(new_campaign(newsletter, pages=[site_pages["article"]]), enqueue=False)
    began = time.monotonic()
    assert sending.run(campaign.pk).sent == 12
    # One token at start, then 20 a second: 11 more take at least 0.55 s.
    assert time.monotonic() - began >= 0.5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_recipient_is_failed_and_the_others_are_sent(site_pages, sink):
    from cimaise.audience.campaigns.models import CampaignRecipient
    from cimaise.audience.campaigns.services import campaigns

    async def refuse(server, session, envelope, address, rcpt_options):
        if address.startswith("person1@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    sink.handler.handle_RCPT = refuse
    newsletter, contacts = make_audience(5)
    campaign = campaigns.start(new_campaign(newsletter, pages=[site_pages["article"]]))
    campaign.refresh_from_db()
    assert (campaign.sent_count, campaign.failed_count, campaign.status) == (4, 1, "sent")
    failed = CampaignRecipient.objects.get(status="failed")
    assert failed.email == "person1@example.org" and failed.error.startswith("550")
    assert len(sink.messages) == 4


def _sender_env(database_url, port):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        DJANGO_SETTINGS_MODULE="cimaise.settings", PYTHONPATH=str(ROOT / "src"), CIMAISE_TESTING="1",
        DATABASE_URL=database_url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_USE_TLS="0",
        EMAIL_USE_SSL="0", SENDING_BATCH_SIZE="10", SENDING_CONCURRENCY="3", SENDING_RATE_PER_SECOND="0",
        BASE_URL="https://musee.test", DEFAULT_FROM_EMAIL="lettre@musee.test", PYTHONDONTWRITEBYTECODE="1",
        SECRET_KEY="kill-and-resume-test-secret-key-0123456789abcdef",
    )
    return env


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kill_the_sender_mid_campaign_and_resume_every_recipient_has_exactly_one_message(site_pages, sink,
                                                                                          tmp_path):
    """The sender runs in its own process; it is killed with SIGKILL while every one of its threads waits
    for the server's answer to a message, then a new sender resumes the campaign."""
    from django.db import connection

    from cimaise.audience.campaigns.services import campaigns

    newsletter, contacts = make_audience(60)
    campaign = campaigns.start(new_campaign(newsletter, pages=[site_pages["article"]]), enqueue=False)
    if connection.vendor == "sqlite":
        # The test database lives in memory: hand the sender a file copy of it.
        database = tmp_path / "db.sqlite3"
        with sqlite3.connect(database) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
        database_url = f"sqlite:///{database}"
        reader = lambda: sqlite3.connect(database)  # noqa: E731
    else:
        s = connection.settings_dict
        database_url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        reader = None
    env = _sender_env(database_url, sink.port)
    command = [sys.executable, "-m", "django", "send_campaign", str(campaign.pk)]

    sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(sink.messages) < 20 and time.monotonic() < deadline and sender.poll() is None:
        time.sleep(0.005)
    sink.hold()  # from now on the server takes each message but never answers
    # Wait until nothing moves: each of the 3 threads either waits for a "250" or has finished its share
    # of the batch (its messages all marked). Either way no accepted message is left unmarked.
    seen, still_since = None, time.monotonic()
    while time.monotonic() < deadline and sender.poll() is None:
        now = (sink.handler.held, len(sink.messages))
        if now != seen:
            seen, still_since = now, time.monotonic()
        elif now[0] >= 1 and time.monotonic() - still_since > 0.5:
            break
        time.sleep(0.01)
    assert sender.poll() is None, sender.communicate()[1].decode()[-2000:]
    assert 1 <= sink.handler.held <= 3
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    sink.release()
    before = len(sink.messages)
    assert 20 <= before < 60

    resumed = subprocess.run([*command, "--resume"], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    assert b"(finished)" in resumed.stdout
    per_person = Counter(rcpt[0] for rcpt, _ in sink.messages)
    assert per_person == Counter({c.email: 1 for c in contacts})
    assert len({parse(raw)["Message-ID"] for _, raw in sink.messages}) == 60
    if reader:
        with reader() as db:
            rows = dict(db.execute("SELECT status, COUNT(*) FROM audience_campaigns_campaignrecipient "
                                   "GROUP BY status").fetchall())
            assert rows == {"sent": 60}
    else:
        from cimaise.audience.campaigns.models import CampaignRecipient

        assert list(CampaignRecipient.objects.values_list("status", flat=True).distinct()) == ["sent"]
