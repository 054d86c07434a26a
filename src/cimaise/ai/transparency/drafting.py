"""The methodology note's wording, drafted by code from the ledger's facts, in French and English.

Nothing here calls a model (DESIGN.md, invariant 1). ``draft`` turns stored
facts (``facts.Facts.as_dict()``) into a one-line short form, in the spirit of
AI attribution statements (how much, what kind of help, who initiated it,
that a person reviewed it, which model), and a full note. The human review
(who, when, what they checked, who answers for the text) is not part of the
editable wording: ``review_statement`` writes it from the approval record.
"""

import datetime

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from cimaise.ai.models import DigitalSourceType, MethodologyNote

#: What each action was used for, as the note says it.
PURPOSES = {
    "draft": gettext_lazy("drafting from a brief"),
    "rewrite": gettext_lazy("rewriting in the institution's tone"),
    "shorten": gettext_lazy("shortening"),
    "expand": gettext_lazy("expanding"),
    "translate": gettext_lazy("translation"),
    "plain_language": gettext_lazy("a plain-language version"),
    "titles": gettext_lazy("title and description suggestions"),
    "alt_text": gettext_lazy("image descriptions (alternative text)"),
    "social": gettext_lazy("social-media posts"),
    "newsletter": gettext_lazy("a newsletter blurb"),
    "brainstorm": gettext_lazy("brainstorming in the creative lab"),
    "image_generation": gettext_lazy("image generation"),
}

#: Above this share, the text counts as made by AI (IPTC trainedAlgorithmicMedia); above zero, as a composite.
MOSTLY_AI = 0.9
CHECK_LABELS = dict(MethodologyNote.Check.choices)


def percent(share):
    """A share as people read it in the active language: "42%", "42 %", "less than 1%"."""
    if 0 < share < 0.005:
        return _("less than 1%")
    value = round(share * 100)
    return _("%(value)s%%") % {"value": value}


def digital_source_type(share):
    """The IPTC digital source type of a text with this AI share, or '' when no AI words remain."""
    if share >= MOSTLY_AI:
        return DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA.value
    if share > 0:
        return DigitalSourceType.COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA.value
    return ""


def _date(iso):
    # In the institution's time zone, as the ledger shows it (a late call in UTC is already the next day in Paris).
    return date_format(timezone.localtime(datetime.datetime.fromisoformat(iso)), "j F Y") if iso else ""


def _list(items):
    items = [str(i) for i in items if str(i)]
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _purposes(facts):
    return [str(PURPOSES.get(action, action)) for action in facts.get("actions", {})]


def _model_names(facts):
    return [m["name"] for m in facts.get("models", [])]


def short_form(facts):
    """The one-line form, in the active language."""
    models = _list(_model_names(facts))
    purposes = _list(_purposes(facts))
    share = facts.get("share", 0.0)
    if share >= MOSTLY_AI:
        opening = _("Text written with AI: about %(share)s comes from AI answers (%(purposes)s), checked by "
                    "people.") % {"share": percent(share), "purposes": purposes}
    elif share > 0:
        opening = _("AI-assisted text: about %(share)s comes from AI answers (%(purposes)s), edited by "
                    "people.") % {"share": percent(share), "purposes": purposes}
    else:
        opening = _("AI was used (%(purposes)s); none of its words remain in this text.") % {"purposes": purposes}
    return " ".join([opening, _("Initiated and reviewed by people."), _("Model: %(models)s.") % {"models": models}])


def _tools(facts):
    parts = []
    for m in facts.get("models", []):
        where = _("run on our own server") if m["provider"] == "embedded" else _("through %(provider)s") % {
            "provider": m["provider"]}
        version = _(", version %(version)s") % {"version": m["model_version"]} if m.get("model_version") else ""
        maker = f" ({m['maker']})" if m.get("maker") else ""
        requests = ngettext("%(count)s request", "%(count)s requests", m["calls"]) % {"count": m["calls"]}
        parts.append(f"{m['name']}{maker}{version}, {where}, {requests}")
    return "; ".join(parts)


def _uses(facts):
    return _list([f"{PURPOSES.get(action, action)} ({count})" for action, count in facts.get("actions", {}).items()])


def _when(facts):
    first, last = _date(facts.get("first_at")), _date(facts.get("last_at"))
    if first == last:
        return _("on %(date)s") % {"date": first}
    return _("from %(first)s to %(last)s") % {"first": first, "last": last}


def _prompts(facts):
    prompts = facts.get("prompts", [])
    count = len(prompts)
    examples = [f"“{p['summary']}”" for p in prompts[:3] if p.get("summary")]
    sentence = ngettext("%(count)s request", "%(count)s requests", count) % {"count": count}
    if examples:
        sentence += _(", for example: %(examples)s") % {"examples": "; ".join(examples)}
    return sentence + ". " + _("The full list of prompts comes with this note.")


def _share(facts, labels):
    share = facts.get("share", 0.0)
    details = []
    for name, field in facts.get("fields", {}).items():
        if field.get("words"):
            details.append(f"{labels.get(name, name)} {percent(field['share'])}")
    sentence = _("about %(share)s of the words") % {"share": percent(share)}
    if len(details) > 1:
        sentence += f" ({', '.join(details)})"
    return sentence + ", " + _("measured by comparing the final text with the recorded AI answers.")


OUTCOME_PHRASES = {
    "inserted": lambda n: ngettext("%(count)s answer inserted", "%(count)s answers inserted", n),
    "replaced": lambda n: ngettext("%(count)s answer replaced the text", "%(count)s answers replaced the text", n),
    "edited": lambda n: ngettext("%(count)s answer edited afterwards", "%(count)s answers edited afterwards", n),
    "discarded": lambda n: ngettext("%(count)s answer discarded", "%(count)s answers discarded", n),
    "kept": lambda n: ngettext("%(count)s idea kept", "%(count)s ideas kept", n),
    "drafted": lambda n: ngettext("%(count)s idea turned into this draft", "%(count)s ideas turned into this draft",
                                  n),
    "copied": lambda n: ngettext("%(count)s answer came with a copied or translated page",
                                 "%(count)s answers came with a copied or translated page", n),
}


def _afterwards(facts):
    outcomes = facts.get("outcomes", {})
    phrases = [OUTCOME_PHRASES[kind](n) % {"count": n} for kind, n in outcomes.items() if kind in OUTCOME_PHRASES]
    return _list(phrases) if phrases else _("the answers were read; none was recorded as used")


def full_form(facts, labels=None):
    """The full note, in the active language: one line per fact, as plain text."""
    labels = labels or {}
    lines = [
        _("Tools and models: %(tools)s.") % {"tools": _tools(facts)},
        _("What for: %(uses)s.") % {"uses": _uses(facts)},
        _("When: %(when)s.") % {"when": _when(facts)},
        _("Prompts: %(prompts)s") % {"prompts": _prompts(facts)},
        _("Share of AI-derived text: %(share)s") % {"share": _share(facts, labels)},
        _("Afterwards: %(afterwards)s.") % {"afterwards": _afterwards(facts)},
    ]
    if facts.get("initiated_by"):
        lines.append(_("Initiated by: %(people)s.") % {"people": _list(facts["initiated_by"])})
    if facts.get("lab_sessions"):
        lines.append(_("Creative-lab sessions: %(sessions)s.") % {"sessions": _list(facts["lab_sessions"])})
    return "\n".join(lines)


def draft(facts, language, labels=None):
    """(short form, full note) in ``language`` ("fr" or "en")."""
    with translation.override(language):
        labels = {name: str(label) for name, label in (labels or {}).items()}
        return short_form(facts), full_form(facts, labels)


def draft_all(facts, labels=None):
    """The four texts of a note, as a dict of MethodologyNote field names."""
    short_fr, full_fr = draft(facts, "fr", labels)
    short_en, full_en = draft(facts, "en", labels)
    return {"short_fr": short_fr, "full_fr": full_fr, "short_en": short_en, "full_en": full_en}


def review_statement(note, language):
    """Who reviewed the note's text, when, what they checked, who answers for it; '' before approval."""
    if not note.approved_at:
        return ""
    with translation.override(language):
        checks = _list([str(CHECK_LABELS.get(c, c)) for c in note.checks])
        sentence = _("Human review: approved by %(person)s on %(date)s") % {
            "person": note.approved_by_label, "date": date_format(timezone.localtime(note.approved_at), "j F Y")}
        sentence += (_(", who checked: %(checks)s.") % {"checks": checks}) if checks else "."
        if note.second_reviewed_at:
            sentence += " " + _("Second review by %(person)s on %(date)s.") % {
                "person": note.second_reviewer_label,
                "date": date_format(timezone.localtime(note.second_reviewed_at), "j F Y")}
        if note.responsible:
            sentence += " " + _("Editorial responsibility: %(who)s.") % {"who": note.responsible}
        return sentence
