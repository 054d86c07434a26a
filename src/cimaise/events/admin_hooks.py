"""Admin hooks of the events app: /admin/events/ ("events_admin:…"), the "Events" menu item, and a
"Sessions" button in the event page editor's header. Imported by ``cimaise/events/wagtail_hooks.py``."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permission_policies.pages import PagePermissionPolicy

from cimaise.audience.services import gdpr
from cimaise.events import admin_views
from cimaise.events.models import EventPage

urlpatterns = [
    path("", admin_views.EventsView.as_view(), name="index"),
    path("<int:page_id>/sessions/", admin_views.SessionsView.as_view(), name="sessions"),
    path("sessions/<int:session_id>/attendees/", admin_views.AttendeesView.as_view(), name="attendees"),
    path("checkin/", admin_views.CheckInView.as_view(), name="checkin"),
]


@hooks.register("register_admin_urls")
def register_events_admin_urls():
    return [path("events/", include((urlpatterns, "events_admin"), namespace="events_admin"))]


class EventsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return (user.has_perm(admin_views.CHECK_IN_PERMISSION)
                or PagePermissionPolicy().user_has_any_permission(user, ["change", "publish"]))


@hooks.register("register_admin_menu_item")
def register_events_menu_item():
    return EventsMenuItem(_("Events"), reverse("events_admin:index"), name="events", icon_name="date", order=250)


@hooks.register("register_page_header_buttons")
def event_sessions_button(page, user, view_name, next_url=None):
    specific = page.specific_class
    if specific is not None and issubclass(specific, EventPage) and page.permissions_for_user(user).can_edit():
        yield Button(_("Sessions and attendees"), reverse("events_admin:sessions", args=[page.pk]),
                     icon_name="date", priority=25)


# --- the audience's GDPR export and erasure reach the registrations (audience may not import events) ---

@hooks.register(gdpr.EXPORT_HOOK)
def export_registrations(email):
    from cimaise.events.models import Registration

    return {"event_registrations": [
        {"event": r.session.event.title, "starts_at": r.session.starts_at.isoformat(), "name": r.name,
         "email": r.email, "seats": r.seats, "status": r.status, "accessibility_needs": r.accessibility_needs}
        for r in Registration.objects.filter(email=email).select_related("session__event")]}


@hooks.register(gdpr.ERASE_HOOK)
def erase_registrations(email, replacement):
    from cimaise.events.models import Registration

    return Registration.objects.filter(email=email).update(name="", email=replacement, accessibility_needs="")
