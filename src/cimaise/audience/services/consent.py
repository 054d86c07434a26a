"""Consent, per purpose, as a history with its proof: what, when, how, the very text shown, the IP where lawful.

A consent is never edited: each change appends a ``ConsentRecord`` and makes it the current one of its
contact and purpose (``is_current``), in one transaction. The database's partial unique constraint (one
current record per contact and purpose) is the guard; the contact's row is locked first so that two
changes at the same moment queue up instead of colliding (PostgreSQL; SQLite serialises writers).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cimaise.audience.models import Contact, ConsentRecord, ContactActivity

Purpose = ConsentRecord.Purpose
Method = ConsentRecord.Method


def record_ip_allowed():
    return bool(getattr(settings, "CIMAISE_AUDIENCE", {}).get("CONSENT_RECORD_IP", False))


def _summary(purpose, granted, method):
    # Stored in the language of the moment; the timeline also keeps the codes in ``data``.
    if granted:
        text = gettext("%(purpose)s: granted (%(method)s)")
    else:
        text = gettext("%(purpose)s: refused or withdrawn (%(method)s)")
    return text % {"purpose": Purpose(purpose).label, "method": Method(method).label}


def record(contact, purpose, granted, method, text_shown, source_url="", ip=None, user=None, at=None):
    """Append a consent given (``granted``) or withdrawn for ``purpose``, make it current; return the record.

    ``text_shown`` is the proof: the exact wording the person saw. ``ip`` is kept only when
    ``CIMAISE_AUDIENCE["CONSENT_RECORD_IP"]`` is on. Adds a "consent" line to the timeline.
    """
    purpose = Purpose(purpose).value
    method = Method(method).value
    at = at or timezone.now()
    with transaction.atomic():
        # The lock queues concurrent changes of one contact (no-op on SQLite, which serialises writers).
        Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk", flat=True).first()
        ConsentRecord.objects.filter(contact=contact, purpose=purpose, is_current=True).update(is_current=False)
        entry = ConsentRecord.objects.create(
            contact=contact, purpose=purpose, granted=bool(granted), at=at, method=method,
            text_shown=str(text_shown or ""), source_url=(source_url or "")[:500],
            ip_address=ip if (ip and record_ip_allowed()) else None, recorded_by=user, is_current=True,
        )
        from cimaise.audience.services.contacts import record_activity

        record_activity(contact, ContactActivity.Kind.CONSENT, at=at, summary=_summary(purpose, granted, method),
                        data={"purpose": purpose, "granted": bool(granted), "method": method})
    return entry


def record_many(contact_ids, purpose, granted, method, text_shown, *, at=None, user=None):
    """``record`` for many contacts at once (an import): two queries per call, one timeline line each.

    The caller holds the transaction (an import chunk); returns the number of records written.
    """
    contact_ids = list(dict.fromkeys(contact_ids))
    if not contact_ids:
        return 0
    purpose = Purpose(purpose).value
    method = Method(method).value
    at = at or timezone.now()
    summary = _summary(purpose, granted, method)
    with transaction.atomic():
        ConsentRecord.objects.filter(contact_id__in=contact_ids, purpose=purpose, is_current=True).update(
            is_current=False)
        ConsentRecord.objects.bulk_create([
            ConsentRecord(contact_id=pk, purpose=purpose, granted=bool(granted), at=at, method=method,
                          text_shown=str(text_shown or ""), recorded_by=user, is_current=True)
            for pk in contact_ids])
        ContactActivity.objects.bulk_create([
            ContactActivity(contact_id=pk, kind=ContactActivity.Kind.CONSENT, at=at, summary=summary[:300],
                            data={"purpose": purpose, "granted": bool(granted), "method": method})
            for pk in contact_ids])
    return len(contact_ids)


def current(contact):
    """The contact's current consents: {purpose: granted}; a purpose never asked is absent."""
    return dict(ConsentRecord.objects.filter(contact=contact, is_current=True).values_list("purpose", "granted"))


def history(contact):
    """Every consent record of the contact, newest first (the proof shown on the contact page)."""
    return ConsentRecord.objects.filter(contact=contact).select_related("recorded_by").order_by("-at", "-pk")
