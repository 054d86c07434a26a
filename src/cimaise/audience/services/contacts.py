"""Contacts: find or create one per normalised address, record what they did (their timeline), change them
from the admin, merge two that are one person."""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from cimaise.audience.models import (
    ConsentRecord,
    Contact,
    ContactActivity,
    DuplicateCandidate,
    Interest,
    Subscription,
    Tag,
)

logger = logging.getLogger(__name__)

# What a person fills in about a contact (the rest is written by the services that record activity).
IDENTITY_FIELDS = ["first_name", "last_name", "language", "kind", "organisation", "phone", "postal_code", "city",
                   "notes"]


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


def split_name(name):
    """("Léa", "Dupont") from "Léa Dupont": the first word is the first name, the rest the last name.

    "Jean-Pierre de La Tour" gives ("Jean-Pierre", "de La Tour"); "DUPONT, Léa" gives ("Léa", "DUPONT");
    a single word is taken as the first name.
    """
    name = " ".join((name or "").split())
    if "," in name:
        last, _comma, first = name.partition(",")
        return first.strip()[:100], last.strip()[:100]
    first, _space, last = name.partition(" ")
    return first[:100], last[:100]


def record_attendance(email, *, at=None, ref="", summary="", source=Contact.Source.REGISTRATION, **fields):
    """A checked-in visit: a "checked_in" line and the contact's precomputed figures, in the caller's transaction.

    ``events_attended`` goes up by one and ``last_attended_at`` moves forward only (one conditional UPDATE
    with F(): two doors checking two tickets of one person at the same moment both count).
    Returns the contact (created, with ``fields``, if the address was unknown).
    """
    at = at or timezone.now()
    contact, _created = find_or_create(email, source=source, **fields)
    record_activity(contact, ContactActivity.Kind.CHECKED_IN, at=at, ref=ref, summary=summary)
    Contact.objects.filter(pk=contact.pk).update(
        events_attended=F("events_attended") + 1,
        last_attended_at=Case(When(Q(last_attended_at__isnull=True) | Q(last_attended_at__lt=at), then=Value(at)),
                              default=F("last_attended_at")),
    )
    return contact


def record_check_in(registration, at):
    """An events ``Registration`` checked in at ``at``: ``record_attendance`` for its person, never raising.

    Called by the door (cimaise.events.services.checkin) inside the check-in's transaction, in a savepoint:
    a valid ticket is never refused because of the CRM; a failure is logged by registration id only.
    """
    try:
        with transaction.atomic():
            first_name, last_name = split_name(registration.name)
            record_attendance(registration.email, at=at, ref=f"events.registration:{registration.pk}",
                              summary=registration.session.event.title, first_name=first_name,
                              last_name=last_name)
    except Exception as error:  # noqa: BLE001 - the check-in stands; the log names no person
        logger.error("audience: could not record the check-in of registration %s (%s)", registration.pk,
                     type(error).__name__)


def interests_named(names):
    """The Interest of each name (created if new), matched without regard to case."""
    found = []
    for name in dict.fromkeys(n.strip()[:100] for n in names if n and n.strip()):
        interest = Interest.objects.filter(name__iexact=name).first()
        if interest is None:
            slug = slugify(name)[:100] or "interest"
            base, n = slug, 2
            while Interest.objects.filter(slug=slug).exists():
                slug, n = f"{base[:95]}-{n}", n + 1
            interest = Interest.objects.create(name=name, slug=slug)
        found.append(interest)
    return found


def tags_named(names):
    """The Tag of each name (created if new), matched without regard to case."""
    found = []
    for name in dict.fromkeys(n.strip()[:100] for n in names if n and n.strip()):
        found.append(Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name))
    return found


@transaction.atomic
def create_contact(email, *, user=None, interests=(), tags=(), **fields):
    """Add a contact by hand (the admin's form); raises ValidationError if the address is taken or invalid."""
    email = valid_email(email)
    if Contact.objects.filter(email=email).exists():
        raise ValidationError(gettext("A contact with this email address already exists."), code="exists")
    contact, _created = find_or_create(email, source=Contact.Source.MANUAL, **fields)
    contact.interests.set(interests)
    contact.tags.set(tags)
    return contact


@transaction.atomic
def update_contact(contact, *, email=None, interests=None, tags=None, **fields):
    """Change a contact's identity (the admin's form); an erased contact cannot be changed."""
    if contact.is_erased:
        raise ValidationError(gettext("This contact was erased: it cannot be changed."), code="erased")
    if email is not None:
        email = valid_email(email)
        if email != contact.email:
            if Contact.objects.filter(email=email).exclude(pk=contact.pk).exists():
                raise ValidationError(gettext("A contact with this email address already exists."), code="exists")
            contact.email = email
    for name, value in fields.items():
        if name not in IDENTITY_FIELDS:
            raise TypeError(f"update_contact() got an unexpected field {name!r}")
        setattr(contact, name, value)
    contact.save()
    if interests is not None:
        contact.interests.set(interests)
    if tags is not None:
        contact.tags.set(tags)
    return contact


# Which subscription wins when both contacts of a merge have one to the same list: an unsubscription
# always stands (invariant 6), then a confirmed one, then one waiting for confirmation.
_SUBSCRIPTION_RANK = {Subscription.Status.UNSUBSCRIBED: 3, Subscription.Status.CONFIRMED: 2,
                      Subscription.Status.PENDING: 1}


def _later(a, b):
    return max((v for v in (a, b) if v is not None), default=None)


@transaction.atomic
def merge(keep, other, *, user=None):
    """Make ``other`` part of ``keep`` and delete ``other``; returns ``keep`` refreshed.

    Moves the timeline, every consent record (the proof kept; per purpose the most recent current record
    stays current), subscriptions (per list: an unsubscription stands, then confirmed, then pending),
    interests and tags; fills ``keep``'s empty identity fields from ``other``; adds up the activity figures.
    """
    if keep.pk == other.pk:
        raise ValueError("a contact cannot be merged with itself")
    locked = {c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])}
    keep, other = locked[keep.pk], locked[other.pk]

    ContactActivity.objects.filter(contact=other).update(contact=keep)

    # Consents: per purpose, only the newest current record stays current; then the history moves over.
    for purpose in set(ConsentRecord.objects.filter(contact=other, is_current=True).values_list("purpose",
                                                                                                flat=True)):
        mine = ConsentRecord.objects.filter(contact=keep, purpose=purpose, is_current=True).first()
        theirs = ConsentRecord.objects.filter(contact=other, purpose=purpose, is_current=True).first()
        if mine is not None:
            older = mine if (theirs.at, theirs.pk) > (mine.at, mine.pk) else theirs
            ConsentRecord.objects.filter(pk=older.pk).update(is_current=False)
    ConsentRecord.objects.filter(contact=other).update(contact=keep)

    mine = {s.newsletter_id: s for s in Subscription.objects.filter(contact=keep)}
    for theirs in Subscription.objects.filter(contact=other):
        current = mine.get(theirs.newsletter_id)
        if current is None:
            Subscription.objects.filter(pk=theirs.pk).update(contact=keep)
        elif _SUBSCRIPTION_RANK[theirs.status] > _SUBSCRIPTION_RANK[current.status]:
            current.delete()
            Subscription.objects.filter(pk=theirs.pk).update(contact=keep)

    keep.interests.add(*other.interests.all())
    keep.tags.add(*other.tags.all())
    for name in IDENTITY_FIELDS:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    keep.events_attended += other.events_attended
    keep.points += other.points
    for name in ("last_attended_at", "last_opened_at", "last_clicked_at", "membership_until"):
        setattr(keep, name, _later(getattr(keep, name), getattr(other, name)))
    keep.membership_tier = keep.membership_tier or other.membership_tier
    if other.created_at and other.created_at < keep.created_at:
        keep.source = other.source  # where the person first came from
    keep.save()

    other_pk = other.pk
    other.delete()  # its duplicate candidates (this pair included) go with it: the timeline keeps the merge
    record_activity(keep, ContactActivity.Kind.MERGED, summary=gettext("Merged with a duplicate contact."),
                    data={"merged_contact": other_pk, "by": getattr(user, "pk", None)})
    keep.refresh_from_db()
    return keep


def open_duplicates():
    """The possible duplicates waiting for a decision, oldest first."""
    return (DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
            .select_related("contact", "other").order_by("created_at", "pk"))


@transaction.atomic
def decide_duplicate(candidate, *, merge_into=None, user=None):
    """Close a possible duplicate: merge (``merge_into`` is the contact kept) or mark the two as different people."""
    if merge_into is None:
        DuplicateCandidate.objects.filter(pk=candidate.pk).update(
            status=DuplicateCandidate.Status.DISTINCT, decided_by=user, decided_at=timezone.now())
        return None
    if merge_into.pk not in (candidate.contact_id, candidate.other_id):
        raise ValueError("the contact kept must be one of the pair")
    other_pk = candidate.other_id if merge_into.pk == candidate.contact_id else candidate.contact_id
    return merge(merge_into, Contact.objects.get(pk=other_pk), user=user)


__all__ = ["ValidationError", "create_contact", "decide_duplicate", "find_or_create", "merge", "normalise_email",
           "record_activity", "record_attendance", "split_name", "update_contact", "valid_email"]
