"""Wagtail hooks of the AI history: its URLs, the "AI studio" menu, the page editor's link, the audit-log actions.

Imported by ``cimaise/ai/wagtail_hooks.py``. The "AI studio" submenu is
created here once; other features add their entries to
``cimaise.ai.menu.AI_MENU_ITEMS`` (see that module).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from cimaise.ai import history, ledger
from cimaise.ai.menu import AI_MENU_ITEMS, AIMenuItem, ai_menu
from cimaise.ai.models import AIInteraction, AIOutcome

urlpatterns = [
    path("", history.AIHistoryView.as_view(), name="index"),
    path("results/", history.AIHistoryView.as_view(results_only=True), name="index_results"),
    path("page/<int:page_id>/", history.AIPageHistoryView.as_view(), name="page"),
    path("page/<int:page_id>/results/", history.AIPageHistoryView.as_view(results_only=True), name="page_results"),
    path("<uuid:pk>/", history.AIInteractionView.as_view(), name="detail"),
]


@hooks.register("register_admin_urls")
def register_ai_history_urls():
    return [path("ai/history/", include((urlpatterns, "ai_history"), namespace="ai_history"))]


AI_MENU_ITEMS.append(AIMenuItem(
    _("AI history"), "ai_history:index", permission=history.PERMISSION, name="ai-history", icon_name="history",
    order=900,
))


@hooks.register("register_admin_menu_item")
def register_ai_studio_menu():
    # Shown when at least one of its entries is (SubmenuMenuItem.is_shown).
    return SubmenuMenuItem(_("AI studio"), ai_menu, name="ai-studio", icon_name="pick", order=850)


# --- the page editor: a link to the page's AI history ------------------------------------------------------


def _page_history_buttons(page, user, priority):
    if not page.pk or page.is_root() or not user.has_perm(history.PERMISSION):
        return []
    return [Button(_("AI history"), reverse("ai_history:page", args=[page.pk]), icon_name="history",
                   priority=priority)]


@hooks.register("register_page_header_buttons")
def page_header_ai_history_button(page, user, view_name=None, next_url=None):
    return _page_history_buttons(page, user, priority=95)


@hooks.register("register_page_listing_more_buttons")
def page_listing_ai_history_button(page, user, next_url=None):
    return _page_history_buttons(page, user, priority=95)


# --- the audit log: the ledger's entries appear in each page's history -------------------------------------


def _choice_label(choices, value):
    return str(dict(choices).get(value, value or ""))


@hooks.register("register_log_actions")
def register_ai_log_actions(actions):
    @actions.register_action(ledger.LOG_ACTION)
    class AICallFormatter(LogFormatter):
        label = _("AI: model called")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            values = {
                "action": _choice_label(AIInteraction._meta.get_field("action").choices, data.get("action")),
                "model": data.get("model", ""),
                "result": _choice_label(AIInteraction.Status.choices, data.get("status")),
            }
            if data.get("field"):
                return _("AI: %(action)s on the field “%(field)s” with %(model)s (%(result)s)") % {
                    **values, "field": data["field"]}
            return _("AI: %(action)s with %(model)s (%(result)s)") % values

    @actions.register_action(ledger.OUTCOME_LOG_ACTION)
    class AIOutcomeFormatter(LogFormatter):
        label = _("AI: output used or discarded")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("AI output: %(outcome)s") % {
                "outcome": _choice_label(AIOutcome.Kind.choices, data.get("outcome"))}
