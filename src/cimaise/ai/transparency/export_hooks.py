"""Admin hooks of the exports: their URLs (/admin/ai/exports/) and the "Export" links on pages.

Imported by ``cimaise/ai/wagtail_hooks.py``. The page editor's header menu and
the page listing's "More" menu link to the export page of a page, for those
who may edit it.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from cimaise.ai.menu import AI_MENU_ITEMS, AIMenuItem
from cimaise.ai.transparency import export_views

AI_MENU_ITEMS.append(AIMenuItem(
    _("Export a text with its AI note"), "ai_exports:text", permission="ai.use_ai_assistant", name="ai-text-export",
    icon_name="download", order=300,
))

urlpatterns = [
    path("text/", export_views.TextExportView.as_view(), name="text"),
    path("page/<int:page_id>/", export_views.PageExportView.as_view(), name="page_formats"),
    path("page/<int:page_id>/<str:fmt>/", export_views.page_export, name="page"),
]


@hooks.register("register_admin_urls")
def register_export_urls():
    return [path("ai/exports/", include((urlpatterns, "ai_exports"), namespace="ai_exports"))]


def _export_buttons(page, user, priority):
    if not page.pk or page.is_root() or not export_views.can_export_page(user, page):
        return []
    return [Button(_("Export with its AI note"), reverse("ai_exports:page_formats", args=[page.pk]),
                   icon_name=export_views.HEADER_ICON, priority=priority)]


@hooks.register("register_page_header_buttons")
def page_header_export_button(page, user, view_name=None, next_url=None):
    return _export_buttons(page, user, priority=96)


@hooks.register("register_page_listing_more_buttons")
def page_listing_export_button(page, user, next_url=None):
    return _export_buttons(page, user, priority=96)
