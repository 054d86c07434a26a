"""Suppressed addresses: nothing is sent to them (invariant 6). Kept as digests, never as addresses."""

from django.db import IntegrityError, transaction

from cimaise.audience.models import Suppression, email_digest


def suppress(email, reason, detail=""):
    """Suppress ``email`` (idempotent: the first reason stays, but erasure replaces any); returns the Suppression."""
    digest = email_digest(email)
    try:
        with transaction.atomic():
            return Suppression.objects.create(email_hash=digest, reason=reason, detail=detail[:300])
    except IntegrityError:
        existing = Suppression.objects.get(email_hash=digest)
        # Erasure outranks the rest: an erased person must never come back, even through a re-subscription.
        if reason == Suppression.Reason.ERASED and existing.reason != reason:
            Suppression.objects.filter(pk=existing.pk).update(reason=reason)
            existing.reason = reason
        return existing


def lift(email):
    """Allow ``email`` again (the person subscribed again and confirmed it); returns True if it was suppressed."""
    return Suppression.objects.filter(email_hash=email_digest(email)).delete()[0] > 0


def is_suppressed(email):
    return Suppression.objects.filter(email_hash=email_digest(email)).exists()


def suppressed_among(emails):
    """The subset of ``emails`` that are suppressed, in one query (the sender checks each batch with it)."""
    by_digest = {email_digest(e): e for e in emails}
    found = Suppression.objects.filter(email_hash__in=list(by_digest)).values_list("email_hash", flat=True)
    return {by_digest[d] for d in found}
