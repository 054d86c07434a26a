"""The sending engine: a small, bounded loop (after listmonk), tuned by ``settings.CIMAISE_SENDING``.

``run(campaign_id)`` sends a campaign whose status is "sending" until no recipient is left, or until the
campaign is paused or cancelled (the loop stops after its current batch). Each turn of the loop:

1. claims up to ``BATCH_SIZE`` pending recipients with one conditional UPDATE (pending -> sending,
   ``claimed_by`` = this runner): two runners never take the same row;
2. checks, right before sending, who may still receive it: confirmed subscription to the list, contact
   not erased, address not suppressed; the others are marked "skipped";
3. shares the batch among ``CONCURRENCY`` threads, each with its own connection from Django's email
   backend kept open for the whole run, at most ``RATE_PER_SECOND`` messages per second in all (a token
   bucket; 0: no limit);
4. marks each recipient "sent" in its own autocommit UPDATE as soon as the server accepted its message,
   before that thread sends the next one.

Exactly once: a runner that dies leaves its claimed rows in "sending". The next runner takes the campaign
over once the dead one's heartbeat is older than ``LEASE_SECONDS`` (at once when it ran on this machine
and its process is gone) and puts those rows back to "pending": they are sent again. Only a message the
server accepted in the instant between its "250" reply and the UPDATE that follows can be sent twice: at
most ``CONCURRENCY`` messages for one crash; its Message-ID, derived from (campaign, recipient), is the
same both times, so the copy is recognisable (docs/audience-campaigns.md, "Exactly once").

Only this module writes ``CampaignRecipient`` states and counters; services start, pause and resume.
"""

import dataclasses
import hashlib
import logging
import os
import queue
import secrets
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cimaise.audience.campaigns import rendering
from cimaise.audience.campaigns.message import MessageTemplate
from cimaise.audience.campaigns.models import Campaign, CampaignRecipient
from cimaise.audience.campaigns.transport import (
    ConnectionLost,
    PermanentFailure,
    TemporaryFailure,
    open_transport,
)
from cimaise.audience.models import Subscription

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
DEFAULTS = {"BATCH_SIZE": 500, "CONCURRENCY": 4, "RATE_PER_SECOND": 0, "LEASE_SECONDS": 300}


def config():
    return {**DEFAULTS, **getattr(settings, "CIMAISE_SENDING", {})}


# --- what the subscriptions feature provides (fallbacks until it is wired) -------------------------------

def _sendable_among(emails):
    """The addresses among ``emails`` that are not suppressed, in one query.

    The consent half of ``services.subscriptions.sendable_among`` (a confirmed subscription to the list, a
    contact not erased) is done by ``_allowed`` in the same query that reads the unsubscribe tokens.
    """
    from cimaise.audience.services.suppression import suppressed_among

    return set(emails) - suppressed_among(emails)


def unsubscribe_url(token):
    """The one-click unsubscribe address (RFC 8058) of the subscription with ``token``."""
    return settings.BASE_URL + _unsubscribe_path() + token + "/"


def _unsubscribe_path():
    # The subscriptions feature's own route ("audience_mail:unsubscribe"), resolved once per process.
    global _UNSUBSCRIBE_PREFIX
    if _UNSUBSCRIBE_PREFIX is None:
        try:
            path = reverse("audience_mail:unsubscribe", kwargs={"token": "TOKEN"})
            _UNSUBSCRIBE_PREFIX = path[: path.index("TOKEN")]
        except NoReverseMatch:
            _UNSUBSCRIBE_PREFIX = "/m/u/"
    return _UNSUBSCRIBE_PREFIX


_UNSUBSCRIBE_PREFIX = None


def preferences_url_builder():
    """A function contact id -> preference centre URL, when the subscriptions feature offers one; else None."""
    try:
        from cimaise.audience.services.subscriptions import preferences_url
    except ImportError:
        return None
    from cimaise.audience.models import Contact

    # The link only needs the contact's id (a signed token): no query per message.
    return lambda contact_id: preferences_url(Contact(pk=contact_id))


# --- the runner --------------------------------------------------------------------------------------------

def new_runner_id():
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def runner_is_gone(runner, heartbeat_at, lease):
    if not runner:
        return True
    if heartbeat_at is None or heartbeat_at < timezone.now() - timedelta(seconds=lease):
        return True
    host, _, rest = runner.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


def _acquire(campaign_id, me, lease):
    """Become the campaign's runner; returns the campaign, or None (not sending, or another runner lives)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("newsletter").filter(pk=campaign_id).first()
        if campaign is None or campaign.status != Campaign.Status.SENDING:
            return None
        if campaign.runner and campaign.runner != me:
            if not runner_is_gone(campaign.runner, campaign.heartbeat_at, lease):
                return None
            # The dead runner's claimed rows were not confirmed sent: they go back to the queue.
            released = CampaignRecipient.objects.filter(campaign=campaign, status=CampaignRecipient.Status.SENDING
                                                        ).update(status=CampaignRecipient.Status.PENDING,
                                                                 claimed_by="")
            logger.info("campaign %s: took over from a stopped runner, %s recipients back in the queue",
                        campaign.pk, released)
        campaign.runner = me
        campaign.heartbeat_at = timezone.now()
        campaign.save(update_fields=["runner", "heartbeat_at"])
        return campaign


def _prepare(campaign):
    """Materialise the recipients once (idempotent: the unique (campaign, contact) absorbs a second run)."""
    if campaign.prepared_at:
        return
    from cimaise.audience.campaigns.services.recipients import audience

    rows = audience(campaign).values_list("pk", "email", "first_name").order_by("pk").iterator(chunk_size=5000)
    chunk = []
    for contact_id, email, first_name in rows:
        chunk.append(CampaignRecipient(campaign_id=campaign.pk, contact_id=contact_id, email=email,
                                       first_name=first_name))
        if len(chunk) >= 5000:
            CampaignRecipient.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        CampaignRecipient.objects.bulk_create(chunk, ignore_conflicts=True)
    total = CampaignRecipient.objects.filter(campaign=campaign).count()
    Campaign.objects.filter(pk=campaign.pk).update(prepared_at=timezone.now(), recipients_count=total)
    campaign.prepared_at = timezone.now()


def _claim(campaign, me, size):
    ids = list(CampaignRecipient.objects.filter(campaign=campaign, status=CampaignRecipient.Status.PENDING)
               .order_by("pk").values_list("pk", flat=True)[:size])
    if not ids:
        return []
    CampaignRecipient.objects.filter(pk__in=ids, status=CampaignRecipient.Status.PENDING).update(
        status=CampaignRecipient.Status.SENDING, claimed_by=me, claimed_at=timezone.now())
    return list(CampaignRecipient.objects.filter(pk__in=ids, status=CampaignRecipient.Status.SENDING,
                                                 claimed_by=me)
                .values_list("pk", "contact_id", "email", "first_name", "attempts"))


def _allowed(campaign, rows):
    """Right before the batch: {contact_id: subscription token} of those who may receive it."""
    contact_ids = [row[1] for row in rows if row[1] is not None]
    tokens = dict(Subscription.objects.filter(
        newsletter_id=campaign.newsletter_id, contact_id__in=contact_ids, status=Subscription.Status.CONFIRMED,
        contact__erased_at__isnull=True,
    ).values_list("contact_id", "token"))
    sendable = _sendable_among([row[2] for row in rows if row[1] in tokens])
    return {row[1]: tokens[row[1]] for row in rows if row[1] in tokens and row[2] in sendable}


def message_id(campaign_id, recipient_id):
    """Deterministic per (campaign, recipient): a message sent twice after a crash carries the same one."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{campaign_id}:{recipient_id}".encode()).hexdigest()[:12]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<c{campaign_id}.r{recipient_id}.{digest}@{domain}>"


class TokenBucket:
    """At most ``rate`` takes per second over all threads (0: unlimited); bursts of up to one second."""

    def __init__(self, rate):
        self.rate = rate
        self.tokens = float(min(rate, 1)) if rate else 0.0
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def take(self):
        if not self.rate:
            return
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(float(self.rate), self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                wait = (1 - self.tokens) / self.rate
            time.sleep(wait)


@dataclasses.dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    retry: int = 0
    connection_errors: int = 0


class _Worker(threading.Thread):
    """One sending thread: its own mail connection and database connection, for the whole run."""

    def __init__(self, engine):
        super().__init__(daemon=True)
        self.engine = engine
        self.inbox = queue.Queue()

    def run(self):
        transport = open_transport()
        try:
            while (job := self.inbox.get()) is not None:
                outcome = Outcome()
                try:
                    for row in job:
                        self.engine.send_one(transport, row, outcome)
                finally:
                    self.engine.done.put(outcome)
        finally:
            transport.close()
            connection.close()


class Engine:
    def __init__(self, campaign, me, cfg):
        self.campaign = campaign
        self.me = me
        self.cfg = cfg
        self.bucket = TokenBucket(cfg["RATE_PER_SECOND"])
        named, anonymous = rendering.greetings(campaign.language)
        self.greeting_named, self.greeting_anonymous = named, anonymous
        self.preferences = preferences_url_builder()
        self.template = MessageTemplate(from_email=settings.DEFAULT_FROM_EMAIL, subject=campaign.subject,
                                        html_source=campaign.rendered_html, text=campaign.rendered_text)
        self.done = queue.Queue()
        self.workers = []
        self.inline_transport = None
        self.tokens = {}

    def values(self, first_name, token, contact_id):
        return {
            rendering.GREETING: self.greeting_named % {"name": first_name} if first_name else self.greeting_anonymous,
            rendering.UNSUBSCRIBE_URL: unsubscribe_url(token),
            rendering.PREFERENCES_URL: self.preferences(contact_id) if self.preferences else "",
        }

    def send_one(self, transport, row, outcome):
        pk, contact_id, email, first_name, attempts = row
        token = self.tokens[contact_id]
        mid = message_id(self.campaign.pk, pk)
        self.bucket.take()
        try:
            transport.send(self.template, to=email, message_id=mid, list_unsubscribe=unsubscribe_url(token),
                           values=self.values(first_name, token, contact_id))
        except PermanentFailure as error:
            _mark(pk, CampaignRecipient.Status.FAILED, attempts + 1, str(error))
            outcome.failed += 1
        except TemporaryFailure as error:
            status = CampaignRecipient.Status.FAILED if attempts + 1 >= MAX_ATTEMPTS else \
                CampaignRecipient.Status.PENDING
            _mark(pk, status, attempts + 1, str(error))
            outcome.failed += status == CampaignRecipient.Status.FAILED
            outcome.retry += status == CampaignRecipient.Status.PENDING
        except ConnectionLost as error:
            _mark(pk, CampaignRecipient.Status.PENDING, attempts, f"connection: {error}")
            outcome.connection_errors += 1
        else:
            # Right after the server's "250", in autocommit: the mark that makes a resume exact. Plain SQL:
            # the ORM's query building would cost more than the statement itself.
            with connection.cursor() as cursor:
                cursor.execute(_MARK_SENT, [CampaignRecipient.Status.SENT,
                                            connection.ops.adapt_datetimefield_value(timezone.now()),
                                            mid, attempts + 1, pk])
            outcome.sent += 1

    def send_batch(self, rows):
        if self.cfg["CONCURRENCY"] <= 1:
            # One thread: the caller's own (and its database connection, transaction included).
            if self.inline_transport is None:
                self.inline_transport = open_transport()
            outcome = Outcome()
            for row in rows:
                self.send_one(self.inline_transport, row, outcome)
            return outcome
        if not self.workers:
            self.workers = [_Worker(self) for _ in range(max(1, self.cfg["CONCURRENCY"]))]
            for worker in self.workers:
                worker.start()
        jobs = [rows[i::len(self.workers)] for i in range(len(self.workers))]
        jobs = [job for job in jobs if job]
        for worker, job in zip(self.workers, jobs):
            worker.inbox.put(job)
        total = Outcome()
        for _ in jobs:
            outcome = self.done.get()
            for field in dataclasses.fields(Outcome):
                setattr(total, field.name, getattr(total, field.name) + getattr(outcome, field.name))
        return total

    def stop(self):
        if self.inline_transport is not None:
            self.inline_transport.close()
        for worker in self.workers:
            worker.inbox.put(None)
        for worker in self.workers:
            worker.join()


_MARK_SENT = (f"UPDATE {CampaignRecipient._meta.db_table} SET status = %s, sent_at = %s, message_id = %s, "
              "attempts = %s, error = '' WHERE id = %s")


def _mark(pk, status, attempts, error):
    CampaignRecipient.objects.filter(pk=pk).update(status=status, attempts=attempts, error=error[:300],
                                                   claimed_by="")


@dataclasses.dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    batches: int = 0
    finished: bool = False
    stopped_because: str = ""


def refresh_counters(campaign_id):
    """Recount the campaign's figures from its recipients (after a crash the running counts may lag)."""
    counts = dict(CampaignRecipient.objects.filter(campaign_id=campaign_id).values("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    Campaign.objects.filter(pk=campaign_id).update(
        recipients_count=sum(counts.values()), sent_count=counts.get("sent", 0),
        failed_count=counts.get("failed", 0), skipped_count=counts.get("skipped", 0))


def run(campaign_id, *, runner=None, max_batches=None):
    """Send the campaign until done, paused, cancelled or the mail server is unreachable; returns a Report."""
    cfg = config()
    me = runner or new_runner_id()
    report = Report()
    campaign = _acquire(campaign_id, me, cfg["LEASE_SECONDS"])
    if campaign is None:
        report.stopped_because = "not sending or another runner is active"
        return report
    engine = None
    try:
        _prepare(campaign)
        refresh_counters(campaign.pk)
        engine = Engine(campaign, me, cfg)
        batch_size = cfg["BATCH_SIZE"]
        if cfg["RATE_PER_SECOND"]:
            # A batch must end (and the heartbeat beat) well within the lease, whatever the rate limit.
            batch_size = max(1, min(batch_size, cfg["RATE_PER_SECOND"] * cfg["LEASE_SECONDS"] // 3))
        while max_batches is None or report.batches < max_batches:
            status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
            if status != Campaign.Status.SENDING:
                report.stopped_because = status or "deleted"
                break
            rows = _claim(campaign, me, batch_size)
            if not rows:
                report.finished = _finish(campaign)
                break
            allowed = _allowed(campaign, rows)
            skipped = [row[0] for row in rows if row[1] not in allowed]
            if skipped:
                CampaignRecipient.objects.filter(pk__in=skipped).update(
                    status=CampaignRecipient.Status.SKIPPED, claimed_by="", error="unsubscribed or suppressed")
            engine.tokens = allowed
            outcome = engine.send_batch([row for row in rows if row[1] in allowed])
            report.batches += 1
            report.sent += outcome.sent
            report.failed += outcome.failed
            report.skipped += len(skipped)
            Campaign.objects.filter(pk=campaign.pk).update(
                sent_count=F("sent_count") + outcome.sent, failed_count=F("failed_count") + outcome.failed,
                skipped_count=F("skipped_count") + len(skipped), heartbeat_at=timezone.now())
            if outcome.connection_errors and not outcome.sent:
                # The server is unreachable: stop; the scheduler's next check starts a new runner.
                report.stopped_because = "mail server unreachable"
                logger.warning("campaign %s: the mail server is unreachable; sending stopped", campaign.pk)
                break
    finally:
        if engine is not None:
            engine.stop()
        Campaign.objects.filter(pk=campaign.pk, runner=me).update(runner="")
        if report.stopped_because or not report.finished:
            refresh_counters(campaign.pk)
    return report


def _finish(campaign):
    """Mark the campaign sent when no recipient is waiting or in flight; returns whether it did."""
    left = CampaignRecipient.objects.filter(
        campaign=campaign, status__in=[CampaignRecipient.Status.PENDING, CampaignRecipient.Status.SENDING]).exists()
    if left:
        return False
    refresh_counters(campaign.pk)
    return bool(Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.SENT, finished_at=timezone.now()))
