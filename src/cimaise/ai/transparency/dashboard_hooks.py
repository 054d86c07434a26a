"""Admin hooks of the AI oversight dashboard: its URL, /admin/ai/oversight/ ("ai_oversight:dashboard").

Imported by ``cimaise/ai/wagtail_hooks.py``; its entry in the AI studio menu is in ``cimaise.ai.menu``.
"""

from django.urls import include, path
from wagtail import hooks

from cimaise.ai.transparency import dashboard_views

urlpatterns = [
    path("", dashboard_views.DashboardView.as_view(), name="dashboard"),
]


@hooks.register("register_admin_urls")
def register_ai_oversight_urls():
    return [path("ai/oversight/", include((urlpatterns, "ai_oversight"), namespace="ai_oversight"))]

