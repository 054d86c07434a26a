"""Admin hooks of the AI oversight dashboard: its URL, /admin/ai/oversight/ ("ai_oversight:dashboard").

Imported by ``cimaise/ai/wagtail_hooks.py``.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cimaise.ai.menu import AI_MENU_ITEMS, AIMenuItem
from cimaise.ai.transparency import dashboard_views

AI_MENU_ITEMS.append(AIMenuItem(
    _("AI oversight"), "ai_oversight:dashboard", permission="ai.view_ai_dashboard", name="ai-oversight",
    icon_name="glasses", order=800,
))

urlpatterns = [
    path("", dashboard_views.DashboardView.as_view(), name="dashboard"),
]


@hooks.register("register_admin_urls")
def register_ai_oversight_urls():
    return [path("ai/oversight/", include((urlpatterns, "ai_oversight"), namespace="ai_oversight"))]

