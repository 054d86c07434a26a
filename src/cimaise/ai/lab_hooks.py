"""Admin hooks of the creative lab and of the model settings' connection test.

Imported by ``cimaise/ai/wagtail_hooks.py``. The lab's entry joins the
"AI studio" submenu (``cimaise.ai.menu``); its URLs live under /admin/ai/lab/.
The idea → page draft view belongs to ``cimaise.pages.ai_drafts`` (pages may
import ai, not the reverse) and registers its own URL.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cimaise.ai import lab_views, settings_views
from cimaise.ai.menu import AI_MENU_ITEMS, AIMenuItem

AI_MENU_ITEMS.append(AIMenuItem(
    _("Creative lab"), "ai_lab:index", permission="ai.use_ai_assistant", name="ai-creative-lab",
    icon_name=lab_views.HEADER_ICON, order=200,
))

lab_urls = [
    path("", lab_views.IndexView.as_view(), name="index"),
    path("<int:pk>/", lab_views.SessionView.as_view(), name="session"),
    path("<int:pk>/keep/", lab_views.KeepView.as_view(), name="keep"),
    path("<int:pk>/ideas/add/", lab_views.OwnIdeaView.as_view(), name="add_idea"),
    path("<int:pk>/ideas/<int:idea_pk>/move/", lab_views.MoveIdeaView.as_view(), name="move_idea"),
    path("<int:pk>/ideas/<int:idea_pk>/note/", lab_views.NoteIdeaView.as_view(), name="note_idea"),
    path("<int:pk>/ideas/<int:idea_pk>/remove/", lab_views.RemoveIdeaView.as_view(), name="remove_idea"),
]


@hooks.register("register_admin_urls")
def register_lab_urls():
    return [
        path("ai/lab/", include((lab_urls, "ai_lab"), namespace="ai_lab")),
        path("ai/model/<int:site_pk>/test/", settings_views.connection_test, name="ai_model_test_connection"),
    ]
