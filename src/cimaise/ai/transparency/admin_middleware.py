"""A refused publication in the admin shows its reason in the page editor, never an error page.

Listed in ``MIDDLEWARE`` (settings.py) after Django's MessageMiddleware; the
WorkflowState receiver below is connected in ``cimaise.ai.apps``.

Why a middleware. The editor's Publish button is covered by a hook
(``admin_hooks``), but approving the last task of a workflow publishes from
deep inside Wagtail (``TaskState.approve`` → ``WorkflowState.finish`` →
``revision.publish``), where the gate raises ``PublicationBlocked``. That is a
``PermissionDenied``, and Wagtail's admin turns any ``PermissionDenied`` into
"Sorry, you do not have permission to access this area" on the dashboard
(``wagtail.admin.auth.require_admin_access``): the reviewer would not learn
why, nor where to go. So, during admin requests:

- when a workflow is about to finish (its state saved as approved, inside
  Wagtail's transaction, just before Wagtail publishes), the gate is asked
  first; a refusal raises ``WorkflowPublicationRefused``, which is not a
  ``PermissionDenied`` and so reaches ``process_exception``;
- ``process_exception`` turns it (and any ``PublicationBlocked`` that reaches
  it: Wagtail lets those through for XMLHttpRequests, such as the workflow's
  comment dialog) into the editor of the page, with the reason and a link to
  the note. For the dialog, the answer is the dialog's own "done, go to"
  JSON.

What stays: the exception leaves Wagtail's ``on_action`` (one transaction),
so the task's approval, the workflow's end, their log entries and their
notifications are all undone: the task is still in progress, waiting for the
note's approval, and the reviewer approves it again afterwards. What the
reviewer typed in the editor was saved as a revision before the approval was
attempted, and stays.

Outside admin requests (commands, the API, tests calling Wagtail directly)
nothing changes: ``ContentPage.publish`` raises ``PublicationBlocked``.
"""

import contextlib
import contextvars

from django.urls import reverse
from django.utils import translation
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.models import Page, WorkflowState

from cimaise.ai.transparency import gate
from cimaise.ai.transparency.admin_views import refuse_publication

_IN_ADMIN_REQUEST = contextvars.ContextVar("cimaise_ai_in_admin_request", default=False)


class WorkflowPublicationRefused(Exception):
    """The gate refused to publish the page whose workflow was being approved (message in the person's language)."""

    def __init__(self, message, page):
        super().__init__(message)
        self.message = message
        self.page = page


def check_workflow_publication(sender, instance, created=False, raw=False, **kwargs):
    """post_save of a WorkflowState: during an admin request, a workflow that turns approved is about to publish
    the page's latest revision (Wagtail's ``publish_workflow_state``); refuse now if the gate would."""
    if created or raw or not _IN_ADMIN_REQUEST.get() or instance.status != WorkflowState.STATUS_APPROVED:
        return
    page = instance.content_object
    if not isinstance(page, Page):
        return
    revision = page.get_latest_revision()
    reason = gate.page_refusal(revision.as_object() if revision else page, revision)
    if reason:
        raise WorkflowPublicationRefused(reason, page)


def _is_admin(request):
    return request.path.startswith(reverse("wagtailadmin_home"))


def _admin_language(user):
    # As Wagtail's admin views do (wagtail.admin.localization.get_localized_response).
    if hasattr(user, "wagtail_userprofile"):
        return user.wagtail_userprofile.get_preferred_language()
    return None


class PublicationRefusalMiddleware:
    """Admin requests: a publication the gate refuses goes back to the page's editor with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_admin(request):
            return self.get_response(request)
        token = _IN_ADMIN_REQUEST.set(True)
        try:
            return self.get_response(request)
        finally:
            _IN_ADMIN_REQUEST.reset(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, (gate.PublicationBlocked, WorkflowPublicationRefused)) or not _is_admin(request):
            return None
        page = exception.page
        if page is None or not getattr(page, "pk", None):
            return None
        language = _admin_language(request.user)
        with translation.override(language) if language else contextlib.nullcontext():
            response = refuse_publication(request, page, exception.message, page.get_latest_revision())
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # The workflow's dialog (wagtailadmin/js/workflow-action.js) follows "redirect" on "success".
            return render_modal_workflow(request, "", None, {}, json_data={"step": "success",
                                                                           "redirect": response.url})
        return response
