"""Contacts: find or create one per normalised address, record what they did (their timeline)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from cimaise.audience.models import Contact, ContactActivity


def normalise_email(email):
    """The form under which an address is stored and compared: trimmed, lower case."""
    return (email or "").strip().lower()


def valid_email(email):
    """The normalised address, or raise ValidationError."""
    email = normalise_email(email)
    validate_email(email)
    return email


def find_or_create(email, *, source=Contact.Source.MANUAL, **fields):
    """The contact for ``email`` (normalised), created with ``fields`` if new; returns (contact, created).

    An existing contact keeps its values; only its empty fields are filled from ``fields``.
    """
    email = valid_email(email)
    contact = Contact.objects.filter(email=email).first()
    if contact is None:
        try:
            with transaction.atomic():
                contact = Contact.objects.create(email=email, source=source, **fields)
                record_activity(contact, ContactActivity.Kind.CREATED, summary=Contact.Source(source).label)
                return contact, True
        except IntegrityError:  # created at the same moment by another request
            contact = Contact.objects.get(email=email)
    changed = [name for name, value in fields.items() if value and not getattr(contact, name)]
    for name in changed:
        setattr(contact, name, fields[name])
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    return contact, False


def record_activity(contact, kind, *, at=None, ref="", summary="", data=None):
    """Add one line to the contact's timeline."""
    return ContactActivity.objects.create(contact=contact, kind=kind, at=at or timezone.now(), ref=ref[:100],
                                          summary=str(summary)[:300], data=data or {})


__all__ = ["ValidationError", "find_or_create", "normalise_email", "record_activity", "valid_email"]
