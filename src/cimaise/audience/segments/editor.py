"""The segment editor's form, in plain HTML fields, read back into a definition.

Every condition is a numbered set of fields (``c-0-type``, ``c-0-values``, ``c-0-min``...); ``c-count`` says
how many there are. ``read`` gives back what was typed, as typed (to show it again, nothing lost) and the
definition it stands for (to validate, count and save). ``from_definition`` fills the editor from a saved
segment. The same fields feed the live count (``views.count``), with or without JavaScript.
"""

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cimaise.audience.models import ConsentRecord, Contact, ContactActivity, Interest, NewsletterList, Tag
from cimaise.audience.segments.definition import ACTIVITY_KINDS, CONDITION_TYPES, MAX_CONDITIONS

# What each type of condition reads from the form: (name, is a list).
FIELDS = {
    "kind": [("values", True)],
    "language": [("values", True)],
    "postal_code": [("prefix", False)],
    "created": [("from", False), ("to", False)],
    "tag": [("tags", True)],
    "organisation": [("contains", False)],
    "interest": [("match", False), ("interests", True)],
    "consent": [("purpose", False)],
    "subscription": [("list", False)],
    "activity": [("kind", False), ("min", False), ("period", False), ("days", False), ("from", False),
                 ("to", False)],
    "membership": [("tiers", False), ("active", False), ("date", False)],
    "points": [("min", False), ("max", False)],
    "group": [("json", False)],
}
NEW_CONDITION = {
    "interest": {"match": "any"},
    "activity": {"kind": ContactActivity.Kind.CHECKED_IN, "min": "1", "period": "days", "days": "365"},
    "membership": {"active": "today"},
}
ADDABLE_TYPES = [(key, label) for key, label in CONDITION_TYPES.items() if key != "group"]


def _raw_condition(data, index):
    prefix = f"c-{index}-"
    kind = data.get(prefix + "type", "")
    raw = {"type": kind}
    for name, many in FIELDS.get(kind, []):
        raw[name] = data.getlist(prefix + name) if many else data.get(prefix + name, "")
    return raw


def _definition_condition(raw):
    """What ``definition.validate`` reads, from the fields of one condition."""
    kind = raw["type"]
    if kind == "group":
        try:
            return json.loads(raw.get("json") or "{}")
        except ValueError:
            return {"type": "group", "conditions": []}
    condition = {key: value for key, value in raw.items() if key not in ("period", "active", "date", "json")}
    if kind == "activity":
        period = raw.get("period") or "ever"
        if period != "days":
            condition.pop("days", None)
        if period != "dates":
            condition.pop("from", None)
            condition.pop("to", None)
    elif kind == "membership":
        condition["tiers"] = [t.strip() for t in (raw.get("tiers") or "").split(",") if t.strip()]
        active = raw.get("active") or ""
        condition["active_on"] = {"today": "today", "date": raw.get("date") or "", "": ""}.get(active, "")
    return condition


def read(data):
    """(match, raw conditions, definition) from the posted fields ``data`` (a QueryDict)."""
    try:
        total = min(int(data.get("c-count", "0")), MAX_CONDITIONS)
    except ValueError:
        total = 0
    conditions = [_raw_condition(data, index) for index in range(max(total, 0))]
    conditions = [raw for raw in conditions if raw["type"] in CONDITION_TYPES]
    match = data.get("match", "all")
    definition = {"match": match, "conditions": [_definition_condition(raw) for raw in conditions]}
    return match, conditions, definition


def new_condition(kind):
    return {"type": kind, **NEW_CONDITION.get(kind, {})}


def from_definition(definition):
    """(match, raw conditions) to show a saved definition in the editor."""
    conditions = []
    for condition in definition.get("conditions", []):
        kind = condition.get("type")
        raw = {"type": kind}
        if kind == "group":
            raw["json"] = json.dumps(condition)
        elif kind == "activity":
            raw.update({k: str(condition.get(k, "")) for k in ("kind", "min", "days", "from", "to")})
            raw["period"] = "days" if condition.get("days") else ("dates" if condition.get("from") or
                                                                   condition.get("to") else "ever")
        elif kind == "membership":
            raw["tiers"] = ", ".join(condition.get("tiers", []))
            active_on = condition.get("active_on") or ""
            raw["active"] = active_on if active_on in ("", "today") else "date"
            raw["date"] = active_on if raw["active"] == "date" else ""
        elif kind == "points":
            raw.update({k: "" if condition.get(k) is None else str(condition[k]) for k in ("min", "max")})
        else:
            raw.update({k: v for k, v in condition.items() if k != "type"})
        conditions.append(raw)
    return definition.get("match", "all"), conditions


def choices():
    """The options the editor offers (interests, tags and lists from the database)."""
    return {
        "kinds": Contact.Kind.choices,
        "languages": settings.LANGUAGES,
        "interests": list(Interest.objects.values_list("slug", "name")),
        "tags": [(name, name) for name in Tag.objects.values_list("name", flat=True)],
        "purposes": ConsentRecord.Purpose.choices,
        "lists": list(NewsletterList.objects.values_list("slug", "name")),
        "activity_kinds": [(k.value, k.label) for k in ACTIVITY_KINDS],
        "types": ADDABLE_TYPES,
        "matches": [("all", _("all of the conditions")), ("any", _("any of the conditions"))],
    }
