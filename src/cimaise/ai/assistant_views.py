"""The editor assistant's endpoints, under /admin/ai/assist/ (see ``assistant_hooks``).

- ``GET model/``: the active model's label and the actions the site's AI
  policy allows, for the panel (JSON).
- ``POST stream/``: one action, streamed as server-sent events:
  ``start`` (candidate, model label; the ledger entry is written at the end),
  ``token`` (a piece of text), ``done`` (the ledger entry's id, the model label,
  the full text) or ``error`` (a message for the person, in their language, and
  a code). Several candidates follow one another in the same stream, each
  event carrying its candidate number.
- ``POST cancel/``: stop a stream by the token the browser gave it; the stream
  checks between pieces, so the model stops even when a proxy hides that the
  browser went away.
- ``POST outcome/``: the person inserted, replaced with or discarded an answer.

The views only read and check; the ledger is written by the gateway and by
``cimaise.ai.services``.
"""

import functools
import json
import re
import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page, Revision, Site

from cimaise.ai import gateway, prompts, services
from cimaise.ai.models import AIInteraction, AIModelSettings

PERMISSION = "ai.use_ai_assistant"
CANCEL_KEY = "cimaise-ai-cancel:{user}:{token}"
CANCEL_TTL = 15 * 60
CANCEL_CHECK_SECONDS = 0.2
FIELD_PATH = re.compile(r"^[a-z_][a-z0-9_]{0,99}(/[A-Za-z0-9_-]{1,64}){0,2}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def requires_assistant(view):
    """403 (JSON, in the person's language) for those who may not use the assistant, or not on this page.

    Wagtail turns a PermissionDenied into a redirect for requests that are not
    XMLHttpRequests; these endpoints answer scripts, so they say 403 plainly.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if not request.user.has_perm(PERMISSION):
                raise PermissionDenied
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return JsonResponse({"error": _("You may not use the AI assistant on this page.")}, status=403)

    return wrapper


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _context(request, data):
    """(page, parent, site, language) for a request naming a page being edited or the parent of one being made.

    Raises PermissionDenied when the person may not edit that page (or add under that parent).
    """
    page = parent = None
    if _int(data.get("page")):
        page = get_object_or_404(Page, pk=_int(data.get("page"))).specific_deferred
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
    elif _int(data.get("parent")):
        parent = get_object_or_404(Page, pk=_int(data.get("parent")))
        if not parent.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
    anchor = page or parent
    site = (anchor.get_site() if anchor else None) or Site.find_for_request(request)
    language = anchor.locale.language_code if anchor is not None else ""
    if language not in prompts.LANGUAGE_NAMES:
        requested = data.get("language", "")
        language = requested if requested in prompts.LANGUAGE_NAMES else (
            translation.get_language() or "fr")[:2]
    if language not in prompts.LANGUAGE_NAMES:
        language = "fr"
    return page, parent, site, language


@require_GET
@requires_assistant
def model_info(request):
    """The panel's facts: which model writes, in which language, which actions the policy allows."""
    _page, _parent, site, language = _context(request, request.GET)
    choice = gateway.active_model(site)
    config = AIModelSettings.for_site(site) if site is not None else AIModelSettings()
    return JsonResponse({
        "model": choice.label,
        "provider": choice.provider,
        "language": language,
        "languages": [{"code": code, "label": label} for code, label in _language_labels()],
        "actions": services.assistant_actions(site),
        "networks": [{"key": key, "label": label, "limit": limit}
                     for key, (label, limit) in prompts.SOCIAL_NETWORKS.items()],
        "temperature": config.temperature,
        "max_candidates": services.MAX_CANDIDATES,
        "max_input_chars": choice.max_input_chars,
    })


def _language_labels():
    """The languages one can translate into, named in the person's language."""
    return [("fr", _("French")), ("en", _("English"))]


def _sse(event, data):
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _revision(page, value):
    """The revision the person was editing: the one the form loaded if it is this page's, else the latest."""
    if page is None:
        return None
    revision_id = _int(value)
    if revision_id:
        revision = Revision.page_revisions.filter(pk=revision_id, object_id=str(page.pk)).first()
        if revision is not None:
            return revision
    return page.latest_revision


def _temperature(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return min(max(number, 0.0), 2.0)


@require_POST
@requires_assistant
def stream(request):
    """Run one assistant action and stream its answer(s) as server-sent events."""
    data = request.POST
    page, _parent, site, language = _context(request, data)
    action = data.get("action", "")
    field_name = data.get("field", "")
    if not FIELD_PATH.match(field_name):
        field_name = ""
    token = data.get("token", "")
    cancel_key = CANCEL_KEY.format(user=request.user.pk, token=token) if TOKEN.match(token) else None
    count = min(max(_int(data.get("candidates")) or 1, 1), services.MAX_CANDIDATES)
    arguments = {
        "user": request.user, "site": site, "action": action, "text": data.get("text", ""), "language": language,
        "page": page, "revision": _revision(page, data.get("revision")), "field_name": field_name,
        "network": data.get("network", "") if data.get("network", "") in prompts.SOCIAL_NETWORKS else "",
        "target_language": data.get("target_language", ""), "temperature": _temperature(data.get("temperature")),
    }
    limit = prompts.social_limit(arguments["network"]) if action == "social" else None
    # The generator runs after this view has returned: keep the person's language for its messages.
    person_language = translation.get_language()
    response = StreamingHttpResponse(
        _events(arguments, count, cancel_key, limit, person_language), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _cancelled(cancel_key):
    return bool(cancel_key) and bool(cache.get(cancel_key))


def _events(arguments, count, cancel_key, limit, language):
    with translation.override(language):
        yield from _run(arguments, count, cancel_key, limit)
    if cancel_key:
        cache.delete(cancel_key)


def _error(exc, candidate):
    interaction = getattr(exc, "interaction", None)
    return _sse("error", {"candidate": candidate, "message": exc.message, "code": exc.code,
                          "interaction": str(interaction.pk) if interaction is not None else None})


def _run(arguments, count, cancel_key, limit):
    for candidate in range(1, count + 1):
        if _cancelled(cancel_key):
            yield _sse("error", {"candidate": candidate, "code": "cancelled", "interaction": None,
                                 "message": _("Stopped. Your text is unchanged.")})
            return
        try:
            call = services.assistant_call(**arguments, candidate=candidate)
        except gateway.AIError as exc:
            yield _error(exc, candidate)
            return
        answer = services.start(call, arguments["site"])
        label = answer.choice.label
        yield _sse("start", {"candidate": candidate, "candidates": count, "model": label, "interaction": None,
                             "limit": limit})
        checked = time.monotonic()
        try:
            for piece in answer:
                if time.monotonic() - checked > CANCEL_CHECK_SECONDS:
                    checked = time.monotonic()
                    if _cancelled(cancel_key):
                        answer.cancel()
                if piece:
                    yield _sse("token", {"candidate": candidate, "text": piece})
        except gateway.AIError as exc:
            yield _error(exc, candidate)
            return
        finally:
            # The browser went away (the server closes this generator): stop the model, record what was written.
            answer.close()
        interaction = answer.interaction
        if interaction is None or interaction.status == AIInteraction.Status.CANCELLED:
            yield _sse("error", {"candidate": candidate, "code": "cancelled",
                                 "interaction": str(interaction.pk) if interaction else None,
                                 "message": _("Stopped. Your text is unchanged.")})
            return
        text = services.usable_text(call.action, interaction.output)
        yield _sse("done", {"candidate": candidate, "candidates": count, "interaction": str(interaction.pk),
                            "model": label, "text": text, "length": len(text), "limit": limit})


@require_POST
@requires_assistant
def cancel(request):
    """Stop the stream that the browser started with this token (its own streams only)."""
    token = request.POST.get("token", "")
    if not TOKEN.match(token):
        return JsonResponse({"error": _("This request cannot be stopped.")}, status=400)
    cache.set(CANCEL_KEY.format(user=request.user.pk, token=token), True, CANCEL_TTL)
    return JsonResponse({"cancelled": True})


@require_POST
@requires_assistant
def outcome(request):
    """Record what the person did with one of their answers: inserted, replaced or discarded."""
    kind = request.POST.get("kind", "")
    if kind not in ("inserted", "replaced", "discarded"):
        return JsonResponse({"error": _("Unknown choice.")}, status=400)
    if not services.is_uuid(request.POST.get("interaction", "")):
        return JsonResponse({"error": _("This answer was not found.")}, status=404)
    interaction = get_object_or_404(AIInteraction, pk=request.POST["interaction"], user=request.user)
    if kind != "discarded" and interaction.status != AIInteraction.Status.OK:
        return JsonResponse({"error": _("Only a complete answer can be used.")}, status=400)
    page = interaction.page.specific_deferred if interaction.page_id and interaction.page else None
    if page is not None and kind != "discarded" and not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    text = services.usable_text(interaction.action, interaction.output) if kind != "discarded" else ""
    recorded = services.record_choice(interaction, kind, user=request.user, page=page,
                                      revision=interaction.revision, field_name=interaction.field_name, text=text)
    return JsonResponse({"interaction": str(interaction.pk), "kind": recorded.kind,
                         "label": str(recorded.get_kind_display())})
