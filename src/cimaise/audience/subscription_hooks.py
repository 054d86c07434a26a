"""Admin of newsletter lists: a Wagtail model viewset, in the "Audience" submenu.

The list of lists shows how many people are subscribed and waiting for confirmation, so that the team sees at
a glance which lists live; changing a list never touches its subscriptions.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from cimaise.audience.models import NewsletterList, Subscription


class NewsletterListIndexView(IndexView):
    def get_base_queryset(self):
        confirmed, pending = Subscription.Status.CONFIRMED, Subscription.Status.PENDING
        return super().get_base_queryset().annotate(
            confirmed_count=Count("subscriptions", filter=Q(subscriptions__status=confirmed)),
            pending_count=Count("subscriptions", filter=Q(subscriptions__status=pending)),
        )


class NewsletterListViewSet(ModelViewSet):
    model = NewsletterList
    icon = "mail"
    name = "newsletter_lists"
    url_prefix = "audience/lists"
    add_to_admin_menu = False
    menu_label = _("Newsletter lists")
    form_fields = ["name", "slug", "description", "language", "double_opt_in", "public"]
    list_display = ["name", "language", "double_opt_in", "public",
                    Column("confirmed_count", label=_("Subscribed")),
                    Column("pending_count", label=_("Waiting for confirmation"))]
    search_fields = ["name", "description"]
    list_filter = ["language", "public", "double_opt_in"]
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = NewsletterListIndexView


newsletter_list_viewset = NewsletterListViewSet()


@hooks.register("register_admin_viewset")
def register_newsletter_list_viewset():
    return newsletter_list_viewset


@hooks.register("register_audience_menu_item")
def newsletter_lists_menu_item():
    return MenuItem(_("Newsletter lists"), newsletter_list_viewset.menu_url, icon_name="mail", name="newsletter-lists",
                    order=200)
