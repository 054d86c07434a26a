"""The audience dashboard in the admin: its URL and its entry in the "Audience" submenu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cimaise.audience.dashboard import views


@hooks.register("register_admin_urls")
def register_dashboard_url():
    return [path("audience/dashboard/", views.DashboardView.as_view(), name="audience_dashboard")]


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.PERMISSION)


@hooks.register("register_audience_menu_item")
def dashboard_menu_item():
    return DashboardMenuItem(_("Dashboard"), reverse("audience_dashboard"), icon_name="table", order=10)
