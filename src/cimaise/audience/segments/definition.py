"""A segment's definition: its JSON format, its validation and its translation into one SQL filter.

The format (documented with examples in docs/audience-segments.md)::

    {"match": "all" | "any",
     "conditions": [
        {"type": "kind", "values": ["member", "donor"]},
        {"type": "language", "values": ["fr"]},
        {"type": "postal_code", "prefix": "75"},
        {"type": "created", "from": "2026-01-01", "to": "2026-06-30"},
        {"type": "tag", "tags": ["press 2026"]},
        {"type": "organisation", "contains": "lycée"},
        {"type": "interest", "match": "any" | "all", "interests": ["painting", "music"]},
        {"type": "consent", "purpose": "newsletter"},
        {"type": "subscription", "list": "la-lettre"},
        {"type": "activity", "kind": "checked_in", "min": 2, "days": 365},
        {"type": "activity", "kind": "visited", "min": 1, "from": "2026-01-01", "to": "2026-03-31"},
        {"type": "membership", "tiers": ["gold"], "active_on": "today" | "2026-12-31" | ""},
        {"type": "points", "min": 100, "max": 500},
        {"type": "group", "match": "any", "conditions": [...]}      # one level deep, no group inside
     ]}

Dates are ISO dates in the site's time zone, both ends included. Interests are named by slug, tags by name,
lists by slug. An activity without ``days``, ``from`` or ``to`` counts every time.

``validate`` turns what a person or a program sent (strings from a form, numbers from JSON) into a clean
definition, or raises ``DefinitionError`` with every problem, each tied to the condition it concerns.
``compile_q`` turns a clean definition into a ``Q`` on ``Contact``; ``contacts`` adds the rule that erased
contacts never count. The SQL stays fast on a million contacts: conditions read the precomputed columns of
the contact where they can (events attended, last opened...), and otherwise test membership in a set of ids
taken from an indexed table (``id IN (SELECT contact_id ...)``), never joining a many-valued table (no
duplicates, no DISTINCT) and never filtering in Python.
"""

import datetime

from django.conf import settings
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, Value
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cimaise.audience.models import (
    ConsentRecord,
    Contact,
    ContactActivity,
    Interest,
    NewsletterList,
    Subscription,
    Tag,
)

MATCHES = {"all": gettext_lazy("all of the conditions"), "any": gettext_lazy("any of the conditions")}

CONDITION_TYPES = {
    "kind": gettext_lazy("Kind of contact"),
    "language": gettext_lazy("Language"),
    "postal_code": gettext_lazy("Postal code starts with"),
    "created": gettext_lazy("Added in a period"),
    "tag": gettext_lazy("Has a tag"),
    "organisation": gettext_lazy("Organisation contains"),
    "interest": gettext_lazy("Interests"),
    "consent": gettext_lazy("Consent given"),
    "subscription": gettext_lazy("Subscribed to a list"),
    "activity": gettext_lazy("Activity"),
    "membership": gettext_lazy("Membership"),
    "points": gettext_lazy("Loyalty points"),
    "group": gettext_lazy("Group of conditions"),
}

# The activities a segment can count, and the precomputed columns of the contact that answer for them.
ACTIVITY_KINDS = [
    ContactActivity.Kind.CHECKED_IN, ContactActivity.Kind.REGISTERED, ContactActivity.Kind.VISITED,
    ContactActivity.Kind.PURCHASED, ContactActivity.Kind.EMAIL_OPENED, ContactActivity.Kind.EMAIL_CLICKED,
    ContactActivity.Kind.SUBSCRIBED,
]
LAST_AT = {
    ContactActivity.Kind.CHECKED_IN: "last_attended_at",
    ContactActivity.Kind.EMAIL_OPENED: "last_opened_at",
    ContactActivity.Kind.EMAIL_CLICKED: "last_clicked_at",
}
MAX_DAYS = 36500
MAX_CONDITIONS = 30


class DefinitionError(Exception):
    """Every problem of a definition: ``errors`` is a list of (path, message), path a tuple of condition
    indexes (``()`` for the definition itself, ``(2,)`` for its third condition, ``(2, 0)`` inside a group)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(str(message) for _path, message in errors))

    def messages_for(self, path):
        return [message for where, message in self.errors if where == tuple(path)]


def empty_definition():
    return {"match": "all", "conditions": []}


# --- validation --------------------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.errors = []

    def add(self, path, message):
        self.errors.append((tuple(path), message))

    def at(self, path):
        return [message for where, message in self.errors if where == tuple(path)]


def _text(value):
    return "" if value is None else str(value).strip()


def _list(value):
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def _integer(value, label, path, problems, *, minimum=0, maximum=None, required=True):
    text = _text(value)
    if text == "":
        if required:
            problems.add(path, _("%(label)s: enter a number.") % {"label": label})
        return None
    try:
        number = int(text)
    except ValueError:
        problems.add(path, _("%(label)s: “%(value)s” is not a whole number.") % {"label": label, "value": text})
        return None
    if number < minimum:
        problems.add(path, _("%(label)s: enter %(minimum)s or more.") % {"label": label, "minimum": minimum})
        return None
    if maximum is not None and number > maximum:
        problems.add(path, _("%(label)s: enter %(maximum)s or less.") % {"label": label, "maximum": maximum})
        return None
    return number


def _date(value, label, path, problems):
    text = _text(value)
    if text == "":
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        problems.add(path, _("%(label)s: “%(value)s” is not a date (expected YYYY-MM-DD).")
                     % {"label": label, "value": text})
    return parsed


def _period(raw, path, problems, clean):
    """``from``/``to`` dates, both optional, not reversed."""
    start = _date(raw.get("from"), _("From"), path, problems)
    end = _date(raw.get("to"), _("To"), path, problems)
    if start and end and start > end:
        problems.add(path, _("The period ends (%(end)s) before it starts (%(start)s).")
                     % {"start": start.isoformat(), "end": end.isoformat()})
    if start:
        clean["from"] = start.isoformat()
    if end:
        clean["to"] = end.isoformat()
    return start, end


def _choices(raw_values, allowed, label, path, problems, *, required=True):
    values = _list(raw_values)
    if values is None:
        problems.add(path, _("%(label)s: expected a list.") % {"label": label})
        return []
    unknown = [v for v in values if v not in allowed]
    for value in unknown:
        problems.add(path, _("%(label)s: unknown value “%(value)s”.") % {"label": label, "value": value})
    if required and not values:
        problems.add(path, _("%(label)s: choose at least one.") % {"label": label})
    return list(dict.fromkeys(v for v in values if v in allowed))


def _validate_condition(raw, path, problems, *, in_group=False):
    if not isinstance(raw, dict):
        problems.add(path, _("A condition must be an object with a “type”."))
        return None
    kind = _text(raw.get("type"))
    if kind not in CONDITION_TYPES or (in_group and kind == "group"):
        problems.add(path, _("Unknown type of condition: “%(type)s”.") % {"type": kind})
        return None
    clean = {"type": kind}
    if kind == "kind":
        clean["values"] = _choices(raw.get("values"), dict(Contact.Kind.choices), _("Kind"), path, problems)
    elif kind == "language":
        clean["values"] = _choices(raw.get("values"), dict(settings.LANGUAGES), _("Language"), path, problems)
    elif kind == "postal_code":
        clean["prefix"] = _text(raw.get("prefix")).upper()
        if not clean["prefix"]:
            problems.add(path, _("Postal code: enter the first characters."))
        elif len(clean["prefix"]) > 20:
            problems.add(path, _("Postal code: 20 characters at most."))
    elif kind == "created":
        start, end = _period(raw, path, problems, clean)
        if not (start or end) and not problems.at(path):
            problems.add(path, _("Added in a period: enter a start date, an end date or both."))
    elif kind == "organisation":
        clean["contains"] = _text(raw.get("contains"))
        if not clean["contains"]:
            problems.add(path, _("Organisation: enter a word to look for."))
    elif kind == "tag":
        names = set(Tag.objects.filter(name__in=_list(raw.get("tags")) or []).values_list("name", flat=True))
        clean["tags"] = _choices(raw.get("tags"), names, _("Tag"), path, problems)
    elif kind == "interest":
        clean["match"] = _text(raw.get("match")) or "any"
        if clean["match"] not in ("any", "all"):
            problems.add(path, _("Interests: match must be “any” or “all”."))
        slugs = set(Interest.objects.filter(slug__in=_list(raw.get("interests")) or [])
                    .values_list("slug", flat=True))
        clean["interests"] = _choices(raw.get("interests"), slugs, _("Interest"), path, problems)
    elif kind == "consent":
        clean["purpose"] = _text(raw.get("purpose"))
        if clean["purpose"] not in dict(ConsentRecord.Purpose.choices):
            problems.add(path, _("Consent: choose a purpose."))
    elif kind == "subscription":
        clean["list"] = _text(raw.get("list"))
        if not clean["list"]:
            problems.add(path, _("Subscription: choose a list."))
        elif not NewsletterList.objects.filter(slug=clean["list"]).exists():
            problems.add(path, _("Subscription: unknown list “%(value)s”.") % {"value": clean["list"]})
    elif kind == "activity":
        clean["kind"] = _text(raw.get("kind"))
        if clean["kind"] not in ACTIVITY_KINDS:
            problems.add(path, _("Activity: choose what the contact did."))
        clean["min"] = _integer(raw.get("min"), _("At least (times)"), path, problems, minimum=1, maximum=100000)
        days = _integer(raw.get("days"), _("In the last (days)"), path, problems, minimum=1, maximum=MAX_DAYS,
                        required=False)
        start, end = _period(raw, path, problems, clean)
        if days and (start or end):
            problems.add(path, _("Activity: give either a number of days or dates, not both."))
        if days:
            clean["days"] = days
    elif kind == "membership":
        tiers = _list(raw.get("tiers"))
        if tiers is None:
            problems.add(path, _("Membership: tiers must be a list."))
            tiers = []
        clean["tiers"] = list(dict.fromkeys(tiers))
        active_on = _text(raw.get("active_on"))
        if active_on and active_on != "today":
            parsed = _date(active_on, _("Active on"), path, problems)
            active_on = parsed.isoformat() if parsed else ""
        clean["active_on"] = active_on
    elif kind == "points":
        low = _integer(raw.get("min"), _("At least (points)"), path, problems, required=False)
        high = _integer(raw.get("max"), _("At most (points)"), path, problems, required=False)
        if low is not None and high is not None and low > high:
            problems.add(path, _("Points: the minimum (%(min)s) is above the maximum (%(max)s).")
                         % {"min": low, "max": high})
        if low is None and high is None and not problems.at(path):
            problems.add(path, _("Points: enter a minimum, a maximum or both."))
        clean["min"], clean["max"] = low, high
    elif kind == "group":
        clean["match"] = _text(raw.get("match")) or "any"
        if clean["match"] not in MATCHES:
            problems.add(path, _("A group must match “all” or “any”."))
        inner = raw.get("conditions") or []
        if not isinstance(inner, list) or not inner:
            problems.add(path, _("A group needs at least one condition."))
            inner = []
        clean["conditions"] = [c for i, item in enumerate(inner)
                               if (c := _validate_condition(item, (*path, i), problems, in_group=True))]
    return clean


def validate(raw):
    """A clean definition from ``raw`` (a dict, as JSON or the editor gives it); ``DefinitionError`` if not.

    Unknown interests, tags and lists, numbers below their minimum, reversed periods are all reported,
    each with the path of its condition, in the active language.
    """
    problems = _Problems()
    if not isinstance(raw, dict):
        raise DefinitionError([((), _("A definition must be an object with “match” and “conditions”."))])
    match = _text(raw.get("match")) or "all"
    if match not in MATCHES:
        problems.add((), _("Match must be “all” or “any”."))
    conditions = raw.get("conditions") or []
    if not isinstance(conditions, list):
        problems.add((), _("“conditions” must be a list."))
        conditions = []
    if len(conditions) > MAX_CONDITIONS:
        problems.add((), _("%(max)s conditions at most.") % {"max": MAX_CONDITIONS})
    clean = {"match": match, "conditions": []}
    for index, item in enumerate(conditions[:MAX_CONDITIONS]):
        condition = _validate_condition(item, (index,), problems)
        if condition:
            clean["conditions"].append(condition)
    if problems.errors:
        raise DefinitionError(problems.errors)
    return clean


# --- compilation -------------------------------------------------------------------------------------


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _prefix_range(prefix):
    """``postal_code`` >= prefix and < the prefix's successor: an index range on every database (LIKE with
    ESCAPE, which ``startswith`` writes, keeps SQLite from using the index)."""
    return Q(postal_code__gte=prefix, postal_code__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _ids(queryset):
    return queryset.order_by().values("contact_id")


def _activity(condition, now):
    kind, at_least = condition["kind"], condition["min"]
    start = end = None
    if condition.get("days"):
        start = now - datetime.timedelta(days=condition["days"])
    if condition.get("from"):
        start = _start_of(parse_date(condition["from"]))
    if condition.get("to"):
        end = _start_of(parse_date(condition["to"]) + datetime.timedelta(days=1))
    last_at = LAST_AT.get(kind)

    # "At least once since S" is "the last time is since S", a column of the contact; attended ever, too.
    if last_at and end is None and at_least == 1:
        return Q(**{f"{last_at}__isnull": False} if start is None else {f"{last_at}__gte": start})
    if kind == ContactActivity.Kind.CHECKED_IN and start is None and end is None:
        return Q(events_attended__gte=at_least)

    rows = ContactActivity.objects.filter(kind=kind)
    if start is not None:
        rows = rows.filter(at__gte=start)
    if end is not None:
        rows = rows.filter(at__lt=end)
    if at_least == 1:
        return Q(pk__in=_ids(rows))
    # N times since S implies "last time since S", and for check-ins "N events ever": indexed columns of the
    # contact that narrow the set the counted rows are matched against (twice as fast on PostgreSQL).
    prefilter = Q()
    if last_at and end is None and start is not None:
        prefilter = Q(**{f"{last_at}__gte": start})
        if kind == ContactActivity.Kind.CHECKED_IN:
            prefilter &= Q(events_attended__gte=at_least)
    # Read from the index (kind, at, contact) alone: a range scan, grouped by contact. Grouping on
    # "contact_id + 0" keeps SQLite's planner from walking the whole timeline index (contact, at) instead,
    # only to save a sort (4x slower on a million contacts); PostgreSQL hashes either way.
    who = ExpressionWrapper(F("contact_id") + Value(0), output_field=BigIntegerField())
    counted = (rows.order_by().annotate(who=who).values("who").annotate(times=Count("*"))
               .filter(times__gte=at_least).values("who"))
    return prefilter & Q(pk__in=counted)


def _compile_condition(condition, now):
    kind = condition["type"]
    if kind == "kind":
        return Q(kind__in=condition["values"])
    if kind == "language":
        return Q(language__in=condition["values"])
    if kind == "postal_code":
        return _prefix_range(condition["prefix"])
    if kind == "created":
        q = Q()
        if condition.get("from"):
            q &= Q(created_at__gte=_start_of(parse_date(condition["from"])))
        if condition.get("to"):
            q &= Q(created_at__lt=_start_of(parse_date(condition["to"]) + datetime.timedelta(days=1)))
        return q
    if kind == "organisation":
        return Q(organisation__icontains=condition["contains"])
    if kind == "tag":
        through = Contact.tags.through.objects.filter(tag__in=Tag.objects.filter(name__in=condition["tags"]))
        return Q(pk__in=_ids(through))
    if kind == "interest":
        through = Contact.interests.through.objects
        ids = list(Interest.objects.filter(slug__in=condition["interests"]).values_list("pk", flat=True))
        if condition.get("match") == "all":
            q = Q()
            for interest_id in ids:
                q &= Q(pk__in=_ids(through.filter(interest_id=interest_id)))
            return q
        return Q(pk__in=_ids(through.filter(interest_id__in=ids)))
    if kind == "consent":
        return Q(pk__in=_ids(ConsentRecord.objects.filter(
            purpose=condition["purpose"], is_current=True, granted=True)))
    if kind == "subscription":
        return Q(pk__in=_ids(Subscription.objects.filter(
            newsletter__in=NewsletterList.objects.filter(slug=condition["list"]),
            status=Subscription.Status.CONFIRMED)))
    if kind == "activity":
        return _activity(condition, now)
    if kind == "membership":
        q = Q(membership_tier__in=condition["tiers"]) if condition["tiers"] else ~Q(membership_tier="")
        active_on = condition.get("active_on")
        if active_on:
            day = timezone.localdate(now) if active_on == "today" else parse_date(active_on)
            q &= Q(membership_until__gte=day)
        return q
    if kind == "points":
        q = Q()
        if condition.get("min") is not None:
            q &= Q(points__gte=condition["min"])
        if condition.get("max") is not None:
            q &= Q(points__lte=condition["max"])
        return q
    if kind == "group":
        return _combine(condition["conditions"], condition["match"], now)
    raise ValueError(f"unknown condition type {kind!r}")


def _combine(conditions, match, now):
    parts = [_compile_condition(condition, now) for condition in conditions]
    q = Q()
    for part in parts:
        q = (q & part) if match == "all" else (q | part)
    return q


def compile_q(definition, *, now=None):
    """The ``Q`` on ``Contact`` for a clean definition (see ``validate``). An empty definition is every
    contact. Erased contacts are left out by ``contacts``, not here."""
    return _combine(definition.get("conditions", []), definition.get("match", "all"), now or timezone.now())


def contacts(definition, *, now=None):
    """The contacts a clean definition selects, erased ones never included; unordered (cheap to count)."""
    return Contact.objects.filter(erased_at__isnull=True).filter(compile_q(definition, now=now)).order_by()
