"""Newsletter subscriptions: sign-up with double opt-in, confirmation, preference centre, unsubscribe, ESP feedback.

Contract, for every function here:

- nothing tells the caller whether an address was already known: ``sign_up`` and ``request_link`` return
  nothing, and the person's page says "check your inbox" in every case (the email says the rest);
- a confirmation link is a ``TimestampSigner`` token (salt ``CONFIRM_SALT``) valid
  ``CIMAISE_SUBSCRIPTIONS["CONFIRM_DAYS"]`` days; a preference centre link likewise (``PREFERENCES_SALT``,
  ``PREFERENCES_DAYS``); the one-click unsubscribe link carries the subscription's random ``token`` only;
- an unsubscribe takes effect in the caller's transaction, before the response returns (invariant 6):
  ``is_sendable`` is False as soon as the function has returned;
- confirming lifts an "unsubscribed" suppression of that address only, never bounced, complained, erased or
  manual ones; an address suppressed for those reasons gets no email at all from a sign-up;
- emails go through a task (``cimaise.audience.emails.send_subscription_email``), enqueued once the change
  has committed, in the person's language.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from cimaise.audience.models import (
    ConsentRecord, Contact, ContactActivity, NewsletterList, Subscription, Suppression, email_digest,
)
from cimaise.audience.services import consent, contacts, suppression

logger = logging.getLogger(__name__)

CONFIRM_SALT = "cimaise.audience.subscriptions.confirm"
PREFERENCES_SALT = "cimaise.audience.subscriptions.preferences"
Status = Subscription.Status
# Suppressions that the person's own confirmation may lift; the others stay until the team lifts them.
LIFTABLE = {Suppression.Reason.UNSUBSCRIBED}


class SubscriptionError(ValidationError):
    """A link refused, with ``message`` in the active language and ``code``: "expired" or "invalid"."""

    def __init__(self, message, code, payload=None):
        super().__init__(message, code=code)
        self.payload = payload


@dataclass
class Confirmation:
    contact: Contact
    newsletters: list
    outcome: str  # "confirmed" or "already"


def _settings():
    return {"CONFIRM_DAYS": 7, "PREFERENCES_DAYS": 90, **getattr(settings, "CIMAISE_SUBSCRIPTIONS", {})}


def _language(language):
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


# --- the lists ---------------------------------------------------------------------------------------------

def public_lists(language):
    """The lists offered on the site in ``language``: public, in that language or in every language."""
    return NewsletterList.objects.filter(public=True).filter(Q(language=language) | Q(language=""))


def preference_lists(contact):
    """The lists the preference centre shows: every public list, plus the non-public ones the person is on."""
    mine = contact.subscriptions.exclude(status=Status.UNSUBSCRIBED).values("newsletter_id")
    return NewsletterList.objects.filter(Q(public=True) | Q(pk__in=mine)).distinct()


# --- signed links ------------------------------------------------------------------------------------------

def confirm_token(subscriptions, activity):
    """The signed, expiring token of a confirmation link: which subscriptions, and the sign-up's timeline line
    (which keeps the consent text shown, recorded with the consent once confirmed)."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        {"s": sorted(s.pk for s in subscriptions), "a": activity.pk if activity else None})


def preferences_token(contact):
    """The signed, expiring token of a preference centre link (no login)."""
    return signing.TimestampSigner(salt=PREFERENCES_SALT).sign_object({"c": contact.pk})


def _unsign(token, salt, days):
    """The payload of ``token``; SubscriptionError "expired" (with the payload) or "invalid"."""
    signer = signing.TimestampSigner(salt=salt)
    try:
        return signer.unsign_object(token, max_age=days * 86400)
    except signing.SignatureExpired:
        payload = signer.unsign_object(token)  # the signature is good: only its age is past
        raise SubscriptionError(gettext("This link has expired."), "expired", payload) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise SubscriptionError(gettext("This link is not valid."), "invalid") from None


def contact_from_preferences_token(token):
    """The contact of a preference centre link; SubscriptionError "expired" or "invalid"."""
    payload = _unsign(token, PREFERENCES_SALT, _settings()["PREFERENCES_DAYS"])
    if not isinstance(payload, dict):
        raise SubscriptionError(gettext("This link is not valid."), "invalid")
    if "u" in payload:  # a newsletter's link: made from the subscription's token, with no query (see below)
        contacts_ = Contact.objects.filter(subscriptions__token=str(payload["u"]))
    else:
        contacts_ = Contact.objects.filter(pk=payload.get("c"))
    contact = contacts_.filter(erased_at__isnull=True).first()
    if contact is None:
        raise SubscriptionError(gettext("This link is not valid."), "invalid")
    return contact


# --- emails, after commit ----------------------------------------------------------------------------------

def _send(kind, contact, language, subscription_ids=(), activity_id=None):
    """Email ``contact`` (``kind``: "confirm", "already" or "preferences") through the task worker, once the
    change has committed. A failure to enqueue loses no subscription; the log names the contact by id only."""
    from cimaise.audience.emails import send_subscription_email

    def enqueue():
        try:
            send_subscription_email.enqueue(kind, contact.pk, language, list(subscription_ids), activity_id)
        except Exception as error:  # noqa: BLE001 - the subscription stands; the log names no person
            logger.error("audience: could not send the %r email of contact %s (%s)", kind, contact.pk,
                         type(error).__name__)

    transaction.on_commit(enqueue)


# --- consent -----------------------------------------------------------------------------------------------

def _record_consent(contact, granted, method, text_shown="", source_url="", ip=None):
    """The newsletter consent, given or withdrawn, with its proof (``services.consent`` keeps the IP only where
    the institution records it)."""
    return consent.record(contact, ConsentRecord.Purpose.NEWSLETTER, granted, method, text_shown,
                          source_url=source_url, ip=ip)


# --- sign-up and confirmation ------------------------------------------------------------------------------

def _suppression_reason(email):
    return Suppression.objects.filter(email_hash=email_digest(email)).values_list("reason", flat=True).first()


def sign_up(email, newsletters, *, first_name="", language="fr", consent_text="", source_url="", ip=None):
    """Ask to subscribe ``email`` to ``newsletters`` (a form on the site). Returns nothing, on purpose.

    New or lapsed subscriptions become pending and a confirmation email goes out (lists with double opt-in,
    or any list when the address had unsubscribed from everything: only the person's click lifts that). Lists
    without double opt-in are confirmed at once, with the consent recorded as given on the form. An address
    already on every list gets an email saying so, with its preference centre link. An address suppressed for
    a bounce, a complaint, an erasure or by the team gets nothing. Raises ValidationError for an invalid address.
    """
    email = contacts.valid_email(email)
    language = _language(language)
    newsletters = list(newsletters)
    if not getattr(settings, "CIMAISE_AUDIENCE", {}).get("CONSENT_RECORD_IP"):
        ip = None  # kept only where the institution records it as proof (and then with the consent)
    reason = _suppression_reason(email)
    if reason is not None and reason not in LIFTABLE:
        logger.info("audience: sign-up for a suppressed address ignored (%s)", reason)
        return
    with transaction.atomic():
        contact, _created = contacts.find_or_create(email, source=Contact.Source.SUBSCRIPTION,
                                                    first_name=first_name.strip()[:100], language=language)
        to_confirm, confirmed_now = [], []
        for newsletter in newsletters:
            subscription = _subscription(contact, newsletter)
            if subscription.status == Status.CONFIRMED:
                continue
            if newsletter.double_opt_in or reason is not None:
                if subscription.status != Status.PENDING:
                    subscription.status = Status.PENDING
                    subscription.save(update_fields=["status"])
                to_confirm.append(subscription)
            else:
                _confirm(subscription)
                confirmed_now.append(subscription)
        names = ", ".join(n.name for n in newsletters)
        if confirmed_now:
            _record_consent(contact, True, ConsentRecord.Method.FORM, consent_text, source_url, ip)
            contacts.record_activity(contact, ContactActivity.Kind.SUBSCRIBED,
                                     summary=", ".join(s.newsletter.name for s in confirmed_now),
                                     data={"lists": [s.newsletter_id for s in confirmed_now]})
        if to_confirm:
            activity = contacts.record_activity(
                contact, ContactActivity.Kind.SUBSCRIBED,
                summary=gettext("Asked to subscribe (waiting for confirmation): %(lists)s") % {"lists": names},
                data={"pending": [s.pk for s in to_confirm], "text_shown": consent_text,
                      "source_url": source_url[:500], "ip": ip, "language": language})
            _send("confirm", contact, language, [s.pk for s in to_confirm], activity.pk)
        elif not confirmed_now:
            _send("already", contact, language)


def _subscription(contact, newsletter):
    try:
        with transaction.atomic():
            return Subscription.objects.get_or_create(contact=contact, newsletter=newsletter)[0]
    except IntegrityError:  # the same sign-up twice at the same moment
        return Subscription.objects.get(contact=contact, newsletter=newsletter)


def _confirm(subscription):
    subscription.status = Status.CONFIRMED
    subscription.confirmed_at = timezone.now()
    subscription.unsubscribed_at = None
    subscription.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])


def _lift_unsubscribed(email):
    """Lift an "unsubscribed" suppression of ``email``, and no other kind."""
    return Suppression.objects.filter(email_hash=email_digest(email), reason__in=LIFTABLE).delete()[0] > 0


def confirm(token):
    """Confirm the subscriptions of a confirmation link; idempotent.

    Returns a ``Confirmation`` ("confirmed", or "already" when nothing was left pending). Raises
    SubscriptionError "expired" (its ``payload`` lets ``resend_confirmation`` send a fresh link) or "invalid".
    """
    payload = _unsign(token, CONFIRM_SALT, _settings()["CONFIRM_DAYS"])
    with transaction.atomic():
        subscriptions = list(Subscription.objects.select_for_update().select_related("contact", "newsletter")
                             .filter(pk__in=payload.get("s") or [], contact__erased_at__isnull=True))
        if not subscriptions:
            raise SubscriptionError(gettext("This link is not valid."), "invalid")
        contact = subscriptions[0].contact
        pending = [s for s in subscriptions if s.status == Status.PENDING]
        newsletters = [s.newsletter for s in subscriptions]
        if not pending:
            return Confirmation(contact, newsletters, "already")
        for subscription in pending:
            _confirm(subscription)
        sign_up_line = ContactActivity.objects.filter(pk=payload.get("a"), contact=contact).first()
        proof = sign_up_line.data if sign_up_line else {}
        _record_consent(contact, True, ConsentRecord.Method.DOUBLE_OPT_IN, proof.get("text_shown", ""),
                        proof.get("source_url", ""), proof.get("ip"))
        _lift_unsubscribed(contact.email)
        contacts.record_activity(contact, ContactActivity.Kind.SUBSCRIBED,
                                 summary=", ".join(s.newsletter.name for s in pending),
                                 data={"lists": [s.newsletter_id for s in pending], "confirmed": True})
    return Confirmation(contact, [s.newsletter for s in pending], "confirmed")


def resend_confirmation(token, language):
    """Send a fresh confirmation link for an expired one (its signature must be good); returns nothing."""
    try:
        payload = _unsign(token, CONFIRM_SALT, _settings()["CONFIRM_DAYS"])
    except SubscriptionError as error:
        if error.code != "expired":
            return
        payload = error.payload
    pending = list(Subscription.objects.select_related("contact")
                   .filter(pk__in=payload.get("s") or [], status=Status.PENDING, contact__erased_at__isnull=True))
    if pending:
        contact = pending[0].contact
        with transaction.atomic():
            _send("confirm", contact, _language(language), [s.pk for s in pending], payload.get("a"))


def request_link(email, language):
    """Email a fresh link to ``email`` if it is a known contact: its pending confirmations and its preference
    centre. Returns nothing, whatever the address (the page says the same in every case)."""
    email = contacts.valid_email(email)
    contact = Contact.objects.filter(email=email, erased_at__isnull=True).first()
    reason = _suppression_reason(email)
    if contact is None or (reason is not None and reason not in LIFTABLE):
        return
    language = _language(language)
    with transaction.atomic():
        pending = list(contact.subscriptions.filter(status=Status.PENDING).values_list("pk", flat=True))
        if pending:
            last = (contact.activities.filter(kind=ContactActivity.Kind.SUBSCRIBED, data__has_key="text_shown")
                    .values_list("pk", flat=True).first())
            _send("confirm", contact, language, pending, last)
        _send("preferences", contact, language)


# --- the preference centre ---------------------------------------------------------------------------------

def update_preferences(contact, newsletters, *, language=None, consent_text=""):
    """Set the lists ``contact`` receives to exactly ``newsletters`` (from the preference centre).

    The link came to the person's address, so a list ticked there is confirmed at once (consent method
    "preferences", with ``consent_text``) and an "unsubscribed" suppression is lifted; a list unticked is
    unsubscribed at once. ``language``: the language of the emails, if given.
    """
    wanted = {n.pk: n for n in newsletters}
    with transaction.atomic():
        current = {s.newsletter_id: s for s in contact.subscriptions.select_for_update().select_related("newsletter")}
        added, removed = [], []
        for pk, newsletter in wanted.items():
            subscription = current.get(pk) or _subscription(contact, newsletter)
            if subscription.status != Status.CONFIRMED:
                _confirm(subscription)
                added.append(newsletter)
        for pk, subscription in current.items():
            if pk not in wanted and subscription.status != Status.UNSUBSCRIBED:
                _unsubscribe(subscription)
                removed.append(subscription.newsletter)
        if added:
            _record_consent(contact, True, ConsentRecord.Method.PREFERENCES, consent_text)
            _lift_unsubscribed(contact.email)
            contacts.record_activity(contact, ContactActivity.Kind.SUBSCRIBED,
                                     summary=", ".join(n.name for n in added), data={"lists": list(wanted)})
        if removed:
            contacts.record_activity(contact, ContactActivity.Kind.UNSUBSCRIBED,
                                     summary=", ".join(n.name for n in removed),
                                     data={"lists": [n.pk for n in removed], "via": "preferences"})
            if not wanted:
                _record_consent(contact, False, ConsentRecord.Method.PREFERENCES)
        language = language and _language(language)
        if language and language != contact.language:
            contact.language = language
            contact.save(update_fields=["language", "updated_at"])
    return added, removed


def _unsubscribe(subscription):
    subscription.status = Status.UNSUBSCRIBED
    subscription.unsubscribed_at = timezone.now()
    subscription.save(update_fields=["status", "unsubscribed_at"])


def unsubscribe_all(contact, *, method=ConsentRecord.Method.PREFERENCES, reason=Suppression.Reason.UNSUBSCRIBED,
                    detail=""):
    """Unsubscribe ``contact`` from every list and suppress the address (``reason``); idempotent.

    Takes effect in this transaction: once it has committed, ``is_sendable`` is False for the address.
    """
    with transaction.atomic():
        lists = list(contact.subscriptions.exclude(status=Status.UNSUBSCRIBED).select_related("newsletter"))
        for subscription in lists:
            _unsubscribe(subscription)
        already = suppression.is_suppressed(contact.email)
        suppression.suppress(contact.email, reason, detail)
        if lists or not already:
            _record_consent(contact, False, method)
            contacts.record_activity(contact, ContactActivity.Kind.UNSUBSCRIBED,
                                     summary=gettext("Unsubscribed from everything"),
                                     data={"lists": [s.newsletter_id for s in lists], "reason": reason})
    return lists


# --- one-click unsubscribe (RFC 8058) ----------------------------------------------------------------------

def by_token(token):
    """The subscription of a one-click unsubscribe link, or None."""
    if not token or len(token) > 64:
        return None
    return (Subscription.objects.select_related("contact", "newsletter")
            .filter(token=token, contact__erased_at__isnull=True).first())


def unsubscribe_by_token(token):
    """Unsubscribe the subscription of a one-click link; returns (subscription, changed), or (None, False).

    Idempotent: a second call changes nothing and returns changed=False. Done before it returns.
    """
    with transaction.atomic():
        subscription = by_token(token)
        if subscription is None:
            return None, False
        subscription = Subscription.objects.select_for_update().select_related("contact", "newsletter").get(
            pk=subscription.pk)
        if subscription.status == Status.UNSUBSCRIBED:
            return subscription, False
        _unsubscribe(subscription)
        contact = subscription.contact
        contacts.record_activity(contact, ContactActivity.Kind.UNSUBSCRIBED, summary=subscription.newsletter.name,
                                 ref=f"audience.newsletterlist:{subscription.newsletter_id}",
                                 data={"lists": [subscription.newsletter_id], "via": "one-click"})
        if not contact.subscriptions.filter(status=Status.CONFIRMED).exists():
            _record_consent(contact, False, ConsentRecord.Method.UNSUBSCRIBE)
    return subscription, True


def unsubscribe_url(subscription):
    from django.urls import reverse

    return settings.BASE_URL + reverse("audience_mail:unsubscribe", kwargs={"token": subscription.token})


def preferences_url(contact, *, absolute=True):
    """The link to ``contact``'s preference centre: absolute (BASE_URL) for emails, a path for the site's pages."""
    from django.urls import reverse

    path = reverse("audience_mail:preferences", kwargs={"token": preferences_token(contact)})
    return settings.BASE_URL + path if absolute else path


def preferences_url_for_token(subscription_token):
    """The preference centre link of the person of the subscription with ``subscription_token`` (its one-click
    token): what the sender puts in each newsletter. Signing only, no query: cheap for every message."""
    from django.urls import reverse

    token = signing.TimestampSigner(salt=PREFERENCES_SALT).sign_object({"u": subscription_token})
    return settings.BASE_URL + reverse("audience_mail:preferences", kwargs={"token": token})


def unsubscribe_headers(subscription, *, mailto=""):
    """The RFC 2369 / RFC 8058 headers of a message sent to ``subscription``: one-click unsubscribe by an
    HTTPS POST to an opaque URL (no address in it), and a mailto: address as well when ``mailto`` is given."""
    links = f"<{unsubscribe_url(subscription)}>"
    if mailto:
        links += f", <mailto:{mailto}?subject=unsubscribe>"
    return {"List-Unsubscribe": links, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- who may receive a newsletter --------------------------------------------------------------------------

def sendable_among(emails, newsletter=None):
    """The subset of ``emails`` (normalised) that may receive a newsletter now: a confirmed subscription (to
    ``newsletter`` if given, else to any list) and not suppressed. Two queries, whatever the number."""
    emails = {contacts.normalise_email(e) for e in emails if e}
    if not emails:
        return set()
    confirmed = Subscription.objects.filter(status=Status.CONFIRMED, contact__email__in=emails,
                                            contact__erased_at__isnull=True)
    if newsletter is not None:
        confirmed = confirmed.filter(newsletter=newsletter)
    subscribed = set(confirmed.values_list("contact__email", flat=True).distinct())
    return subscribed - suppression.suppressed_among(subscribed)


def is_sendable(email, newsletter=None):
    """True if ``email`` may receive a newsletter now (see ``sendable_among``)."""
    return bool(sendable_among([email], newsletter))


# --- what the ESP tells us (anymail's tracking webhooks) ---------------------------------------------------

def _contact(email):
    email = contacts.normalise_email(email)
    return Contact.objects.filter(email=email, erased_at__isnull=True).first() if email else None


def record_bounce(email, *, hard, detail=""):
    """A bounce reported by the ESP: a hard one suppresses the address ("bounced"); a soft one is only a line in
    the contact's timeline (counted there)."""
    if not email:
        return
    contact = _contact(email)
    with transaction.atomic():
        if hard:
            suppression.suppress(email, Suppression.Reason.BOUNCED, detail)
        if contact is not None:
            contacts.record_activity(contact, ContactActivity.Kind.EMAIL_BOUNCED, summary=detail[:300],
                                     data={"hard": hard})


def record_complaint(email, *, detail=""):
    """The person marked a message as spam: suppressed ("complained") and unsubscribed from every list."""
    if not email:
        return
    contact = _contact(email)
    with transaction.atomic():
        if contact is None:
            suppression.suppress(email, Suppression.Reason.COMPLAINED, detail)
            return
        contacts.record_activity(contact, ContactActivity.Kind.EMAIL_COMPLAINED, summary=detail[:300])
        unsubscribe_all(contact, method=ConsentRecord.Method.UNSUBSCRIBE, reason=Suppression.Reason.COMPLAINED,
                        detail=detail)


def record_esp_unsubscribe(email, *, detail=""):
    """The person unsubscribed through the ESP (its own link or the mail client's button): from every list."""
    if not email:
        return
    contact = _contact(email)
    if contact is None:
        suppression.suppress(email, Suppression.Reason.UNSUBSCRIBED, detail)
        return
    unsubscribe_all(contact, method=ConsentRecord.Method.UNSUBSCRIBE, detail=detail)


def language_of(contact):
    return _language(contact.language)


__all__ = [
    "Confirmation", "SubscriptionError", "by_token", "confirm", "confirm_token", "contact_from_preferences_token",
    "is_sendable", "language_of", "preference_lists", "preferences_token", "preferences_url",
    "preferences_url_for_token", "public_lists", "record_bounce", "record_complaint", "record_esp_unsubscribe",
    "request_link", "resend_confirmation", "sendable_among", "sign_up", "unsubscribe_all", "unsubscribe_by_token",
    "unsubscribe_headers", "unsubscribe_url", "update_preferences",
]
