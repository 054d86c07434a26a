"""The creative lab ("Hypercreation"): a dialogue with a model around a brief, and a board of kept ideas.

Every change of lab data goes through a function here; views, the draft
service (``cimaise.pages.ai_drafts``) and tests call them and never write
``LabSession`` or ``LabIdea`` themselves.

A session's turns are its ledger entries (``AIInteraction`` rows whose
``lab_session`` is the session, action ``brainstorm``): there is no other
record of the dialogue. Each turn sends the institution as a short system
prompt, the last few turns as ``history`` (their instructions and answers) and
a prompt made of the brief and one short instruction for the chosen mode; all of
it is bounded (input and answer) so that the embedded model (a 2,048-token
context) can take it. The lineage session → idea → page draft is told by the
ledger: ``kept`` then ``drafted`` outcomes appended to the interaction that
produced the idea.
"""

import re

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cimaise.ai import gateway, ledger, services
from cimaise.ai.models import AIInteraction, LabIdea, LabSession

ACTION = "brainstorm"

DIVERGE, COMBINE, CRITIQUE, WHAT_IF = "diverge", "combine", "critique", "what_if"
MODES = [
    (DIVERGE, gettext_lazy("Diverge: several different ideas")),
    (COMBINE, gettext_lazy("Combine two ideas into a new one")),
    (CRITIQUE, gettext_lazy("Critique an idea")),
    (WHAT_IF, gettext_lazy("What if…: rework under a constraint")),
]
MODE_LABELS = dict(MODES)

MIN_IDEAS, MAX_IDEAS, DEFAULT_IDEAS = 2, 8, 5
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.0, 1.5

# Bounds that keep a turn within the embedded model's context (about 4,000 characters in all).
BRIEF_CHARS = 700  # of the brief, at the head of each prompt
TEXT_CHARS = 500  # of what the person types for one turn
IDEA_CHARS = 400  # of each idea quoted in a prompt
HISTORY_TURNS = 3  # earlier exchanges sent with a turn (each: the instruction and the answer)
HISTORY_CHARS = 500  # of each earlier message
INPUT_BUDGET = 3600  # characters of system prompt, history and prompt together, at most

LANGUAGE_NAMES = {"fr": "French", "en": "English"}

# What each mode asks of the model (in English: the small model follows English instructions best).
# The first words tell the mode of a recorded turn (``turn_mode``): keep them distinct.
INSTRUCTIONS = {
    DIVERGE: "Give {count} different ideas for the brief, in {language}. "
             "Number them 1 to {count}, one short sentence each.",
    COMBINE: "Combine these two ideas into one new idea for the brief, in {language}, "
             "in two or three sentences.",
    CRITIQUE: "Critique this idea for the brief, in {language}: two strengths, two weaknesses, "
              "one improvement. Short numbered lines.",
    WHAT_IF: "What if {constraint}? Give {count} ideas for the brief under this constraint, in {language}. "
             "Number them 1 to {count}, one short sentence each.",
}

_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.):-]|[-*•])\s+(.*\S)\s*$")


class LabError(Exception):
    """A lab operation that cannot be done; ``message`` is for the person, in their language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- who sees what -------------------------------------------------------------------------------


def can_use(user):
    return bool(user and user.is_authenticated and user.has_perm("ai.use_ai_assistant"))


def sees_every_session(user):
    """Administrators (superusers and the Administration role) see every person's sessions."""
    from cimaise.institution.roles import ADMINISTRATION

    return bool(user.is_superuser or user.groups.filter(name=ADMINISTRATION).exists())


def sessions_for(user):
    """The sessions ``user`` may open: their own, or all of them for an administrator."""
    if not can_use(user):
        return LabSession.objects.none()
    sessions = LabSession.objects.select_related("created_by")
    return sessions if sees_every_session(user) else sessions.filter(created_by=user)


# --- sessions ------------------------------------------------------------------------------------


def session_language(session):
    """The language the session writes in: its site's main language (the language of its home page)."""
    site = session.site
    root = getattr(site, "root_page", None)
    code = root.locale.language_code if root is not None and root.locale_id else settings.LANGUAGE_CODE
    code = code.split("-")[0]
    return code if code in LANGUAGE_NAMES else "fr"


def _clamp_temperature(value):
    return round(min(max(float(value), MIN_TEMPERATURE), MAX_TEMPERATURE), 2)


def create_session(*, user, site, title, brief, temperature=None):
    """Open a session around a brief."""
    brief = (brief or "").strip()
    if not brief:
        raise LabError(_("Write a brief first."))
    title = (title or "").strip() or brief.splitlines()[0][:80]
    session = LabSession(title=title[:200], brief=brief, site=site, created_by=user)
    if temperature is not None:
        session.temperature = _clamp_temperature(temperature)
    session.save()
    return session


def turns(session):
    """The session's turns, oldest first: its ledger entries."""
    return AIInteraction.objects.filter(lab_session=session).order_by("created_at", "pk")


def turn_mode(interaction):
    """The mode a recorded turn was asked in, read from its instruction."""
    prompt = instruction_of(interaction.prompt)
    for mode, starts in ((DIVERGE, "Give "), (COMBINE, "Combine "), (CRITIQUE, "Critique "), (WHAT_IF, "What if ")):
        if prompt.startswith(starts):
            return mode
    return ""


def answer_items(text):
    """The ideas of an answer: its numbered or bulleted items, or the whole answer when it has none."""
    items = []
    started = False
    for line in (text or "").replace("**", "").splitlines():
        match = _ITEM.match(line)
        if match:
            items.append(match.group(1).strip())
            started = True
        elif started and line.strip() and items:
            items[-1] = f"{items[-1]} {line.strip()}"
    items = [item[:1000] for item in items if item]
    if not items and (text or "").strip():
        items = [text.replace("**", "").strip()[:2000]]
    return items


def _system_prompt(session, profile):
    """Short on purpose: the small model follows the instruction in the prompt better than a long system prompt."""
    language = LANGUAGE_NAMES[session_language(session)]
    lines = [f"You are a creative assistant for {profile.name or 'a cultural institution'}. Answer in {language}."]
    if profile.mission:
        lines.append(f"Mission: {profile.mission.strip()[:300]}")
    return "\n".join(lines)


def instruction_of(prompt):
    """A recorded turn's instruction, without the brief that opens every prompt."""
    if prompt.startswith("Brief: ") and "\n\n" in prompt:
        return prompt.split("\n\n", 1)[1]
    return prompt


def _history(session, room):
    """The last few exchanges as chat messages, oldest first, within ``room`` characters."""
    recent = list(
        AIInteraction.objects.filter(lab_session=session, status=AIInteraction.Status.OK)
        .order_by("-created_at", "-pk")[:HISTORY_TURNS]
    )
    exchanges = []
    for turn in recent:  # newest first: the oldest are dropped first when there is no room
        exchange = [{"role": "user", "content": instruction_of(turn.prompt)[:HISTORY_CHARS]},
                    {"role": "assistant", "content": turn.output[:HISTORY_CHARS]}]
        size = sum(len(message["content"]) for message in exchange)
        if size > room:
            break
        room -= size
        exchanges.insert(0, exchange)
    return [message for exchange in exchanges for message in exchange]


def _idea_text(session, idea):
    if idea is None:
        return ""
    if isinstance(idea, LabIdea):
        if idea.session_id != session.pk:
            raise LabError(_("This idea is not on this session's board."))
        return idea.text.strip()[:IDEA_CHARS]
    return str(idea).strip()[:IDEA_CHARS]


def build_prompt(session, mode, *, text="", count=DEFAULT_IDEAS, ideas=()):
    """The instruction of one turn (what the person asks, in the model's terms)."""
    language = LANGUAGE_NAMES[session_language(session)]
    text = (text or "").strip()[:TEXT_CHARS]
    count = min(max(int(count or DEFAULT_IDEAS), MIN_IDEAS), MAX_IDEAS)
    if mode == DIVERGE:
        prompt = INSTRUCTIONS[DIVERGE].format(count=count, language=language)
        if text:
            prompt += f"\nDirection: {text}"
    elif mode == COMBINE:
        first, second = ideas
        prompt = INSTRUCTIONS[COMBINE].format(language=language) + f"\nIdea A: {first}\nIdea B: {second}"
        if text:
            prompt += f"\nAlso: {text}"
    elif mode == CRITIQUE:
        prompt = INSTRUCTIONS[CRITIQUE].format(language=language) + f"\nIdea: {ideas[0]}"
        if text:
            prompt += f"\nFocus on: {text}"
    elif mode == WHAT_IF:
        constraint = text.rstrip(" ?.!").removeprefix("what if").removeprefix("What if").strip()
        prompt = INSTRUCTIONS[WHAT_IF].format(constraint=constraint, count=count, language=language)
    else:
        raise LabError(_("Choose what to ask: diverge, combine, critique or what if."))
    # The brief opens every prompt: small models follow what is next to the instruction.
    return f"Brief: {session.brief.strip()[:BRIEF_CHARS]}\n\n{prompt}"


def last_answer(session):
    """The text of the session's latest answer ('' when there is none)."""
    turn = (AIInteraction.objects.filter(lab_session=session, status=AIInteraction.Status.OK)
            .order_by("-created_at", "-pk").first())
    return turn.output.strip() if turn else ""


def prepare_turn(session, *, user, mode, text="", count=DEFAULT_IDEAS, first=None, second=None, idea=None,
                 temperature=None):
    """The gateway call of one turn; raises LabError when the request is incomplete.

    ``first`` and ``second`` (combine) and ``idea`` (critique) are ideas of the
    board (``LabIdea``); critique without an idea critiques the latest answer.
    The policy is checked by ``run_turn``.
    """
    text = (text or "").strip()
    ideas = ()
    if mode == COMBINE:
        if first is None or second is None:
            raise LabError(_("Choose two ideas of the board to combine."))
        if first == second:
            raise LabError(_("Choose two different ideas to combine."))
        ideas = (_idea_text(session, first), _idea_text(session, second))
    elif mode == CRITIQUE:
        target = _idea_text(session, idea) if idea is not None else last_answer(session)[:IDEA_CHARS]
        if not target:
            raise LabError(_("Choose an idea of the board to critique (or generate ideas first)."))
        ideas = (target,)
    elif mode == WHAT_IF and not text:
        raise LabError(_("Write the constraint to explore, e.g. “the visit lasts five minutes”."))
    prompt = build_prompt(session, mode, text=text, count=count, ideas=ideas)
    site = session.site
    profile = services.profile_for(site)
    system = _system_prompt(session, profile)
    choice = gateway.active_model(site)
    budget = min(INPUT_BUDGET, choice.max_input_chars or INPUT_BUDGET)
    history = _history(session, max(budget - len(system) - len(prompt), 0))
    temperature = _clamp_temperature(temperature if temperature is not None else session.temperature)
    return gateway.Call(
        action=ACTION, prompt=prompt, system=system, input_text=text, history=history, user=user, site=site,
        lab_session=session, temperature=temperature, max_tokens=answer_tokens(mode, count),
    )


def answer_tokens(mode, count):
    """A bound on the answer's length: a few dozen tokens per idea (the site's own limit still applies)."""
    if mode in (DIVERGE, WHAT_IF):
        return 40 + 40 * min(max(int(count or DEFAULT_IDEAS), MIN_IDEAS), MAX_IDEAS)
    return 220


def run_turn(session, *, user, mode, text="", count=DEFAULT_IDEAS, first=None, second=None, idea=None,
             temperature=None):
    """Ask the model one turn of the dialogue; returns the ledger entry (AIInteraction).

    Raises LabError for an incomplete request (nothing recorded) and
    gateway.AIError when the policy forbids brainstorming or the model fails
    (recorded in the ledger either way). The person's creativity setting
    becomes the session's.
    """
    call = prepare_turn(session, user=user, mode=mode, text=text, count=count, first=first, second=second,
                        idea=idea, temperature=temperature)
    if call.temperature != session.temperature:
        session.temperature = call.temperature
    session.save(update_fields=["temperature", "updated_at"])
    reason = services.policy_refusal(services.profile_for(session.site), ACTION)
    if reason:
        raise gateway.refuse(call, reason, session.site)
    _text, interaction = gateway.complete(call, session.site)
    return interaction


# --- the board -----------------------------------------------------------------------------------


def board(session):
    return session.ideas.select_related("source", "draft_page").order_by("rank", "created_at", "pk")


def _next_rank(session):
    return (session.ideas.aggregate(top=Max("rank"))["top"] or 0) + 1


def _lock(session):
    return LabSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def keep_idea(session, interaction, index, *, user):
    """Keep item ``index`` of a turn's answer on the board; the ledger records it as kept.

    The text comes from the ledger, not from the browser. Keeping the same item
    twice returns the idea already kept.
    """
    _lock(session)
    if interaction.lab_session_id != session.pk or interaction.status != AIInteraction.Status.OK:
        raise LabError(_("This answer is not part of this session."))
    items = answer_items(interaction.output)
    if not 0 <= index < len(items):
        raise LabError(_("This idea is no longer in the answer."))
    text = items[index]
    existing = session.ideas.filter(source=interaction, text=text).first()
    if existing is not None:
        return existing
    idea = LabIdea.objects.create(session=session, text=text, source=interaction, created_by=user,
                                  rank=_next_rank(session))
    ledger.add_outcome(interaction, "kept", user=user, text=text)
    LabSession.objects.filter(pk=session.pk).update(updated_at=idea.created_at)
    return idea


@transaction.atomic
def add_own_idea(session, text, *, user):
    """Put the person's own idea on the board (no model involved, so nothing in the ledger)."""
    text = (text or "").strip()
    if not text:
        raise LabError(_("Write your idea first."))
    _lock(session)
    return LabIdea.objects.create(session=session, text=text[:2000], created_by=user, rank=_next_rank(session))


@transaction.atomic
def move_idea(idea, direction):
    """Move an idea one place up (``-1``) or down (``+1``) on its board."""
    _lock(idea.session)
    ideas = list(board(idea.session))
    position = next(i for i, other in enumerate(ideas) if other.pk == idea.pk)
    target = position + (1 if direction > 0 else -1)
    if 0 <= target < len(ideas):
        ideas[position], ideas[target] = ideas[target], ideas[position]
    for rank, other in enumerate(ideas, start=1):
        if other.rank != rank:
            LabIdea.objects.filter(pk=other.pk).update(rank=rank)
    idea.refresh_from_db(fields=["rank"])
    return idea


def annotate_idea(idea, note):
    """The person's note on an idea (replaces the previous note; empty removes it)."""
    idea.note = (note or "").strip()[:2000]
    idea.save(update_fields=["note"])
    return idea


@transaction.atomic
def remove_idea(idea, *, user):
    """Take an idea off the board; the ledger records the AI's idea as discarded. A drafted idea stays."""
    if idea.draft_page_id:
        raise LabError(_("This idea became a page draft: it stays on the board to keep its history."))
    if idea.source_id:
        ledger.add_outcome(idea.source, "discarded", user=user, text=idea.text)
    idea.delete()


def record_draft(idea, page, revision, *, user):
    """Link an idea to the page draft made from it; the ledger records the AI's idea as drafted.

    Called by ``cimaise.pages.ai_drafts`` inside its transaction.
    """
    idea.draft_page = page
    idea.save(update_fields=["draft_page"])
    if idea.source_id:
        ledger.add_outcome(idea.source, "drafted", user=user, page=page, revision=revision, text=idea.text)
    LabSession.objects.filter(pk=idea.session_id).update(updated_at=revision.created_at)
    return idea
