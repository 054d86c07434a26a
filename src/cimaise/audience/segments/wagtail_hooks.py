"""Admin hooks of segments: /admin/audience/segments/ ("audience_segments:…") and the "Segments" entry of
the "Audience" submenu."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cimaise.audience.segments import views

urlpatterns = [
    path("", views.SegmentIndexView.as_view(), name="index"),
    path("add/", views.SegmentEditView.as_view(), name="add"),
    path("count/", views.count, name="count"),
    path("<int:segment_id>/", views.SegmentEditView.as_view(), name="edit"),
    path("<int:segment_id>/delete/", views.SegmentDeleteView.as_view(), name="delete"),
]


@hooks.register("register_admin_urls")
def register_segments_admin_urls():
    return [path("audience/segments/", include((urlpatterns, "audience_segments"), namespace="audience_segments"))]


class SegmentsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.can_use_segments(request.user)


@hooks.register("register_audience_menu_item")
def segments_menu_item():
    return SegmentsMenuItem(_("Segments"), reverse("audience_segments:index"), name="segments",
                            icon_name="group", order=300)
