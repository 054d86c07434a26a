"""The campaigns' admin: /admin/campaigns/ ("campaigns_admin:…") and its entry in the "Audience" menu."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cimaise.audience.campaigns import admin_views

urlpatterns = [
    path("", admin_views.IndexView.as_view(), name="index"),
    path("add/", admin_views.EditView.as_view(), name="add"),
    path("<int:campaign_id>/", admin_views.DetailView.as_view(), name="detail"),
    path("<int:campaign_id>/edit/", admin_views.EditView.as_view(), name="edit"),
    path("<int:campaign_id>/preview/", admin_views.PreviewView.as_view(), name="preview"),
]


@hooks.register("register_admin_urls")
def register_campaigns_admin_urls():
    return [path("campaigns/", include((urlpatterns, "campaigns_admin"), namespace="campaigns_admin"))]


class CampaignsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW)


@hooks.register("register_audience_menu_item")
def campaigns_menu_item():
    return CampaignsMenuItem(_("Campaigns"), reverse("campaigns_admin:index"), name="campaigns",
                             icon_name="mail", order=400)


@hooks.register("audience_erase_personal_data")
def erase_recipient_copies(email, replacement):
    """An erased person's address and first name leave the campaigns' recipient lists too (the counts stay)."""
    from cimaise.audience.campaigns.models import CampaignRecipient

    return CampaignRecipient.objects.filter(email=email).update(email=replacement, first_name="")
