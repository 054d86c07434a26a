"""The editor assistant's operations: check the AI policy, build the prompt, call the gateway.

Views and the lab call these; they never build prompts or call the gateway
themselves. A forbidden action is refused with the policy's reason, and the
refusal is recorded in the ledger like any other call.
"""

import html
import re
import uuid

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from cimaise.ai import gateway, ledger, prompts
from cimaise.ai.models import AIInteraction, AIOutcome
from cimaise.institution.ai_actions import AI_ACTION_KEYS, AI_ACTIONS

ASSISTANT_ACTIONS = ["draft", "rewrite", "shorten", "expand", "translate", "plain_language", "titles", "alt_text",
                     "social", "newsletter"]
MAX_CANDIDATES = 3
# What the person did with an answer that puts its text in a field.
APPLIED_KINDS = ("inserted", "replaced")


def policy_refusal(profile, action):
    """The reason the institution's AI policy forbids ``action``, or '' when it is allowed."""
    if action not in AI_ACTION_KEYS:
        return _("This AI action does not exist.")
    if profile.allows_ai_action(action):
        return ""
    return profile.ai_refusal_reason.strip() or _("Your institution's AI policy does not allow this action.")


def profile_for(site):
    from cimaise.institution.models import InstitutionProfile

    return InstitutionProfile.for_site(site) if site is not None else InstitutionProfile()


def assistant_actions(site):
    """The assistant's actions for the site: [{"key", "label", "allowed", "reason"}], in the policy's order."""
    profile = profile_for(site)
    labels = dict(AI_ACTIONS)
    actions = []
    for key in ASSISTANT_ACTIONS:
        reason = policy_refusal(profile, key)
        actions.append({"key": key, "label": str(labels[key]), "allowed": not reason, "reason": reason})
    return actions


def assistant_call(*, user, site, action, text, language, page=None, revision=None, field_name="",
                   network="", target_language="", temperature=None, candidate=1):
    """A ``gateway.Call`` for one assistant action; raises AIError (recorded) when the policy forbids it."""
    if action not in ASSISTANT_ACTIONS:
        raise gateway.AIError(_("This AI action does not exist."), "unknown_action")
    text = (text or "").strip()
    if not text:
        if action == "draft":
            message = _("Write a brief first.")
        elif action == "alt_text":
            message = _("Describe the image first: the model does not see it.")
        else:
            message = _("There is no text to work on yet.")
        raise gateway.AIError(message, "no_input")
    profile = profile_for(site)
    language = prompts.target_language(action, language if language in prompts.LANGUAGE_NAMES else "fr",
                                       target_language)
    call = gateway.Call(
        action=action, prompt=prompts.user_prompt(action, text, language, network, field=field_name),
        system=prompts.system_prompt(profile), input_text=text, user=user, site=site, page=page, revision=revision,
        field_name=field_name, temperature=temperature, candidate=candidate,
    )
    reason = policy_refusal(profile, action)
    if reason:
        raise gateway.refuse(call, reason, site)
    return call


def start(call, site=None):
    """Stream the answer to an assistant call (see ``gateway.Stream``)."""
    return gateway.stream(call, site)


_KNOWN_LABEL = re.compile(
    r"^\s*(?:title|titre|meta[ -]?description|méta[ -]?description|description|alt(?:ernative)? text|"
    r"texte alternatif)\s*:\s*", re.IGNORECASE)
_QUOTES = [("\"", "\""), ("“", "”"), ("«", "»"), ("'", "'")]


def usable_text(action, output):
    """The part of a model's answer that goes into a field: without surrounding quotes or a leading label.

    The ledger keeps the answer as the model wrote it; this is what the panel
    offers to insert, and what an "inserted"/"replaced" outcome records.
    """
    text = (output or "").strip()
    if action in ("titles", "alt_text") and "\n" not in text:
        text = _KNOWN_LABEL.sub("", text, count=1).strip()
    for opening, closing in _QUOTES:
        if len(text) > 2 and text.startswith(opening) and text.endswith(closing) \
                and opening not in text[1:-1] and closing not in text[1:-1]:
            text = text[1:-1].strip()
            break
    return text


def record_choice(interaction, kind, *, user, page=None, revision=None, field_name="", text=""):
    """The person inserted, replaced with, or discarded an answer."""
    if kind not in ("inserted", "replaced", "discarded"):
        raise ValueError(kind)
    return ledger.add_outcome(interaction, kind, user=user, page=page, revision=revision, field_name=field_name,
                              text=text)


# --- "edited afterwards" ---------------------------------------------------------

_BLOCK_END = re.compile(r"<\s*(?:br|/p|/h[1-6]|/li|/blockquote|/div|hr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def comparable(text):
    """Text as a reader sees it, for comparing: no tags, entities decoded, whitespace collapsed."""
    text = _BLOCK_END.sub(" ", text or "")
    text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split())


def _plain(value):
    source = getattr(value, "source", None)  # RichText
    if source is not None:
        return source
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        return " ".join(_plain(item) for item in value.values())
    if hasattr(value, "__iter__"):
        return " ".join(_plain(getattr(item, "value", item)) for item in value)
    return str(value)


def _find_block(stream_value, block_id):
    for child in stream_value or []:
        if getattr(child, "id", None) == block_id:
            return child
        nested = child.value
        if hasattr(nested, "raw_data") or isinstance(nested, list):  # a stream or list inside
            found = _find_block(nested, block_id)
            if found is not None:
                return found
    return None


def field_text(page, field_path):
    """The text a page holds in a field named like the assistant names it, or None if it has no such field.

    ``field_path`` is a model field (``intro``) or, inside a StreamField, the
    field, the block's id and perhaps a child of the block
    (``body/<block id>``, ``body/<block id>/alt_text``). A block that is gone
    holds no text ('').
    """
    name, _sep, rest = (field_path or "").partition("/")
    if not name or name.startswith("_"):
        return None
    try:
        page._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or not a model
        return None
    value = getattr(page, name, None)
    if not rest:
        return _plain(value)
    block_id, _sep, child = rest.partition("/")
    block = _find_block(value, block_id)
    if block is None:
        return ""
    inner = block.value
    if child:
        try:
            inner = inner[child]
        except (KeyError, TypeError, IndexError):
            return ""
    return _plain(inner)


def _latest_applied(interactions):
    """Interactions whose latest outcome put their text into a field, with that outcome as ``last_outcome``."""
    latest = AIOutcome.objects.filter(interaction=OuterRef("pk")).order_by("-created_at", "-pk")
    candidates = list(interactions.annotate(last_kind=Subquery(latest.values("kind")[:1]),
                                            last_pk=Subquery(latest.values("pk")[:1]))
                      .filter(last_kind__in=APPLIED_KINDS))
    outcomes = AIOutcome.objects.in_bulk([item.last_pk for item in candidates])
    for item in candidates:
        item.last_outcome = outcomes[item.last_pk]
    return candidates


def record_edits(page, user, *, revision=None, interaction_ids=()):
    """After the page was saved: append "edited" to each AI text that its field no longer holds verbatim.

    Looks at the interactions recorded for this page and at ``interaction_ids``
    (the answers the person inserted while creating the page, whose entries
    have no page yet; only theirs count). An answer inserted in a page being
    created, still there when it is first saved, gets its outcome again with
    the new page and revision, so that the page's history finds it.
    Returns the outcomes appended.
    """
    ids = [value for value in interaction_ids if is_uuid(value)]
    query = Q(page_id=page.pk) | Q(pk__in=AIOutcome.objects.filter(page_id=page.pk).values("interaction_id"))
    if ids and getattr(user, "is_authenticated", False):
        query |= Q(pk__in=ids, user=user, page__isnull=True)
    appended = []
    for interaction in _latest_applied(AIInteraction.objects.filter(query, status="ok")):
        outcome = interaction.last_outcome
        field_name = outcome.field_name or interaction.field_name
        current = field_text(page, field_name)
        if current is None:
            continue
        used = comparable(outcome.text or usable_text(interaction.action, interaction.output))
        if used and used in comparable(current):
            if interaction.page_id is None and outcome.page_id is None:
                appended.append(ledger.add_outcome(interaction, outcome.kind, user=user, page=page,
                                                   revision=revision, field_name=field_name, text=outcome.text))
            continue
        appended.append(ledger.add_outcome(interaction, "edited", user=user, page=page, revision=revision,
                                           field_name=field_name, text=comparable(current)[:5000]))
    return appended


def is_uuid(value):
    """True when ``value`` reads as a UUID (the ledger's ids)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
