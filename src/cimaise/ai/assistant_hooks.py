"""The editor assistant in Wagtail's page editor: its URLs, its script and style, and "edited afterwards".

Imported by ``cimaise/ai/wagtail_hooks.py``.
"""

from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from cimaise.ai import assistant_views, prompts, services

#: The name of the hidden inputs the panel adds to the page form, one per answer it put in a field.
APPLIED_INPUT = "cimaise_ai_applied"

urlpatterns = [
    path("model/", assistant_views.model_info, name="model"),
    path("stream/", assistant_views.stream, name="stream"),
    path("cancel/", assistant_views.cancel, name="cancel"),
    path("outcome/", assistant_views.outcome, name="outcome"),
]


@hooks.register("register_admin_urls")
def register_assistant_urls():
    return [path("ai/assist/", include((urlpatterns, "ai_assist"), namespace="ai_assist"))]


@hooks.register("insert_editor_js")
def assistant_editor_js():
    """The panel (a template the script clones), its strings in the person's language, its script and style.

    Every editor with a form gets it (pages, snippets, settings); the script
    only wakes up on the page editor, for people who may use the assistant
    (checked again by every endpoint).
    """
    config = {
        "urls": {name: reverse(f"ai_assist:{name}") for name in ("model", "stream", "cancel", "outcome")},
        "appliedInput": APPLIED_INPUT,
    }
    return render_to_string("ai/assistant/editor.html", {"config": config, "strings": panel_strings()})


def panel_strings():
    """The sentences the script shows, in the person's language (placeholders: %(name)s)."""
    return {
        "trigger": _("AI assistant for the field: %(field)s"),
        "model": _("Model: %(model)s"),
        "modelUnavailable": _("The assistant is unavailable: %(reason)s"),
        "writtenBy": _("Written by %(model)s"),
        "proposal": _("Proposal %(number)s"),
        "writing": _("Writing proposal %(number)s of %(total)s…"),
        "done": _("Done: %(count)s proposal(s) ready. Insert, replace or discard each one."),
        "stopping": _("Stopping…"),
        "stopped": _("Stopped. Your text is unchanged."),
        "unreachable": _("The assistant cannot be reached. Check your connection and try again. Your text is "
                         "unchanged."),
        "forbidden": _("You may not use the AI assistant on this page."),
        "inserted": _("Inserted into the field."),
        "replaced": _("The field's text was replaced."),
        "discarded": _("Proposal discarded."),
        "recordFailed": _("Your choice could not be recorded in the AI history: %(reason)s"),
        "notAllowed": _("Not allowed by your institution's AI policy: %(actions)s. %(reason)s"),
        "characters": _("%(count)s characters"),
        "charactersLimit": _("%(count)s of %(limit)s characters allowed on %(network)s."),
        "tooLong": _("%(count)s characters: too long for %(network)s (at most %(limit)s). Shorten it before "
                     "posting."),
        "textLabel": _("Text to work on"),
        "textHelp": _("Taken from the field; edit it here freely, the field stays as it is until you insert an "
                      "answer."),
        "briefLabel": _("Brief"),
        "briefHelp": str(prompts.ACTION_HELP["draft"]),
        "describeLabel": _("Describe the image"),
        "describeHelp": str(prompts.ACTION_HELP["alt_text"]),
        "copied": _("This field cannot receive text directly: the answer was copied to the clipboard. Click in "
                    "the field and paste it (Ctrl+V or ⌘V)."),
        "fieldGone": _("This field is no longer on the page."),
        "pageFieldLabels": {
            "title": _("Title"), "intro": _("Introduction"), "seo_title": _("Title for search engines"),
            "search_description": _("Meta description"), "image_alt": _("Main image alternative text"),
            "alt_text": _("Alternative text"),
        },
        "richText": _("Rich text"),
    }


def _record_edits(request, page):
    if request.method != "POST":
        return
    revision = page.latest_revision if hasattr(page, "latest_revision") else None
    services.record_edits(page, request.user, revision=revision,
                          interaction_ids=request.POST.getlist(APPLIED_INPUT)[:50])


@hooks.register("after_edit_page")
def record_edits_after_edit(request, page):
    _record_edits(request, page)


@hooks.register("after_create_page")
def record_edits_after_create(request, page):
    _record_edits(request, page)
