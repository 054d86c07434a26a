"""Admin hooks of the contacts: /admin/audience/contacts/ ("audience_contacts:…") and the "Contacts",
"Import contacts" and "Possible duplicates" entries of the Audience menu. Imported by ``wagtail_hooks.py``."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cimaise.audience import admin_views as views

urlpatterns = [
    path("", views.ContactIndexView.as_view(), name="index"),
    path("add/", views.ContactFormView.as_view(), name="add"),
    path("<int:contact_id>/", views.ContactDetailView.as_view(), name="detail"),
    path("<int:contact_id>/edit/", views.ContactFormView.as_view(), name="edit"),
    path("<int:contact_id>/export/", views.ContactExportView.as_view(), name="export"),
    path("<int:contact_id>/erase/", views.ContactEraseView.as_view(), name="erase"),
    path("imports/", views.ImportIndexView.as_view(), name="imports"),
    path("imports/<int:import_id>/", views.ImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:import_id>/mapping/", views.ImportMappingView.as_view(), name="import_mapping"),
    path("imports/<int:import_id>/status.json", views.ImportStatusView.as_view(), name="import_status"),
    path("imports/<int:import_id>/rejected.csv", views.ImportRejectedView.as_view(), name="import_rejected"),
    path("duplicates/", views.DuplicatesView.as_view(), name="duplicates"),
]


@hooks.register("register_admin_urls")
def register_contacts_admin_urls():
    return [path("audience/contacts/", include((urlpatterns, "audience_contacts"), namespace="audience_contacts"))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_audience_menu_item")
def contacts_menu_item():
    return PermissionMenuItem(_("Contacts"), reverse("audience_contacts:index"), name="contacts",
                              icon_name="group", order=100, permission=views.VIEW)


@hooks.register("register_audience_menu_item")
def import_menu_item():
    return PermissionMenuItem(_("Import contacts"), reverse("audience_contacts:imports"), name="contact-imports",
                              icon_name="upload", order=110, permission=views.IMPORT)


@hooks.register("register_audience_menu_item")
def duplicates_menu_item():
    return PermissionMenuItem(_("Possible duplicates"), reverse("audience_contacts:duplicates"),
                              name="contact-duplicates", icon_name="resubmit", order=120, permission=views.CHANGE)
