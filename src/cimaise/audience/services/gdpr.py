"""GDPR: export one person's data, erase a person (keeping the aggregates), apply the retention period.

Other apps hold personal data about a contact too (event registrations...). The audience cannot import them
(imports point down: events -> audience), so they plug in through two Wagtail hooks, called with the
person's normalised address:

    @hooks.register("audience_export_personal_data")
    def export_registrations(email):          # -> {section name: JSON-serialisable data}
        ...

    @hooks.register("audience_erase_personal_data")
    def erase_registrations(email, replacement):   # anonymise, use ``replacement`` as the address
        ...

The AI ledger (cimaise.ai) is never touched: its facts stay as recorded (DESIGN.md, invariant 1).
"""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from wagtail import hooks

from cimaise.audience.models import (
    ConsentRecord,
    Contact,
    ContactActivity,
    DuplicateCandidate,
    Subscription,
)
from cimaise.audience.services import consent as consent_service
from cimaise.audience.services.contacts import record_activity
from cimaise.audience.services.suppression import suppress

JSONEncoder = DjangoJSONEncoder
EXPORT_HOOK = "audience_export_personal_data"
ERASE_HOOK = "audience_erase_personal_data"


def _iso(value):
    return value.isoformat() if value else None


def export(contact, *, user=None):
    """Everything the institution holds about ``contact``, as a JSON-serialisable dict; logged on the timeline."""
    data = {
        "exported_at": _iso(timezone.now()),
        "identity": {
            "email": contact.email, "first_name": contact.first_name, "last_name": contact.last_name,
            "language": contact.language, "kind": contact.kind, "organisation": contact.organisation,
            "phone": contact.phone, "postal_code": contact.postal_code, "city": contact.city,
            "notes": contact.notes, "source": contact.source, "created_at": _iso(contact.created_at),
            "updated_at": _iso(contact.updated_at), "erased_at": _iso(contact.erased_at),
        },
        "figures": {
            "events_attended": contact.events_attended, "last_attended_at": _iso(contact.last_attended_at),
            "last_opened_at": _iso(contact.last_opened_at), "last_clicked_at": _iso(contact.last_clicked_at),
            "points": contact.points, "membership_tier": contact.membership_tier,
            "membership_until": _iso(contact.membership_until),
        },
        "interests": list(contact.interests.values_list("name", flat=True)),
        "tags": list(contact.tags.values_list("name", flat=True)),
        "consents": [
            {"purpose": r.purpose, "granted": r.granted, "at": _iso(r.at), "method": r.method,
             "text_shown": r.text_shown, "source_url": r.source_url, "ip_address": r.ip_address,
             "current": r.is_current}
            for r in ConsentRecord.objects.filter(contact=contact).order_by("at", "pk")],
        "subscriptions": [
            {"list": s.newsletter.name, "status": s.status, "created_at": _iso(s.created_at),
             "confirmed_at": _iso(s.confirmed_at), "unsubscribed_at": _iso(s.unsubscribed_at)}
            for s in Subscription.objects.filter(contact=contact).select_related("newsletter").order_by("pk")],
        "timeline": [
            {"kind": a.kind, "at": _iso(a.at), "about": a.ref, "summary": a.summary, "details": a.data}
            for a in ContactActivity.objects.filter(contact=contact).order_by("at", "pk")],
    }
    if not contact.is_erased:
        for provider in hooks.get_hooks(EXPORT_HOOK):
            data.update(provider(contact.email) or {})
    record_activity(contact, ContactActivity.Kind.EXPORTED, summary=gettext("Personal data exported"),
                    data={"by": getattr(user, "pk", None)})
    return data


def erased_address(contact):
    return f"erased-{contact.pk}@invalid"


@transaction.atomic
def erase(contact, *, user=None):
    """Forget the person behind ``contact``, keeping what is not about them as a person; idempotent.

    - the other apps anonymise their records of the address first (hooks), then the address is suppressed
      (kept as a digest only: nothing is ever sent to it again, a re-import leaves it out);
    - identity fields are blanked, the address becomes "erased-<id>@invalid", ``erased_at`` is set;
      interests and tags go (they describe the person);
    - each current consent is withdrawn (method "erasure"), the records' IP addresses and pages removed:
      the history of purposes, answers and dates stays for the consent figures;
    - subscriptions are ended; the timeline keeps its kinds, dates and references (the aggregates) but not
      its summaries and details; the precomputed figures stay.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_erased:
        return contact
    email, now = contact.email, timezone.now()
    replacement = erased_address(contact)
    for provider in hooks.get_hooks(ERASE_HOOK):
        provider(email, replacement)
    suppress(email, "erased")

    for purpose, granted in consent_service.current(contact).items():
        if granted:
            consent_service.record(contact, purpose, False, consent_service.Method.ERASURE,
                                   gettext("Erasure requested by the person."), user=user, at=now)
    ConsentRecord.objects.filter(contact=contact).update(ip_address=None, source_url="")
    Subscription.objects.filter(contact=contact).exclude(status=Subscription.Status.UNSUBSCRIBED).update(
        status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now)
    ContactActivity.objects.filter(contact=contact).update(summary="", data={})
    DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).filter(
        contact=contact).update(status=DuplicateCandidate.Status.DISTINCT, decided_at=now)
    DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).filter(
        other=contact).update(status=DuplicateCandidate.Status.DISTINCT, decided_at=now)
    contact.interests.clear()
    contact.tags.clear()
    for name in ("first_name", "last_name", "organisation", "phone", "postal_code", "city", "notes"):
        setattr(contact, name, "")
    contact.email = replacement
    contact.erased_at = now
    contact.save()
    return contact


def retention_months():
    """Months without any activity after which a contact is erased (0: never); CIMAISE_AUDIENCE["RETENTION_MONTHS"]."""
    return int(getattr(settings, "CIMAISE_AUDIENCE", {}).get("RETENTION_MONTHS", 36))


def past_retention(months=None, *, now=None):
    """The contacts (not erased) added more than ``months`` ago with nothing on their timeline since, and no
    membership running; empty when the period is 0."""
    months = retention_months() if months is None else months
    if months <= 0:
        return Contact.objects.none()
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round(months * 30.44))
    recent = ContactActivity.objects.filter(contact=OuterRef("pk"), at__gte=cutoff)
    return (Contact.objects.filter(erased_at__isnull=True, created_at__lt=cutoff)
            .exclude(membership_until__gte=now.date())
            .exclude(Exists(recent)).order_by("pk"))


def apply_retention(months=None, *, now=None, progress=None):
    """Erase every contact past the retention period; returns how many. ``progress(done, total)`` is called."""
    ids = list(past_retention(months, now=now).values_list("pk", flat=True))
    for done, pk in enumerate(ids, 1):
        contact = Contact.objects.filter(pk=pk, erased_at__isnull=True).first()
        if contact is not None:
            erase(contact)
        if progress:
            progress(done, len(ids))
    return len(ids)
