"""Loyalty in the Wagtail admin: the desk, and the programmes, tiers, points rules and rewards as snippets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cimaise.audience.loyalty import views
from cimaise.audience.loyalty.models import MembershipProgramme, MembershipTier, PointsRule, Reward


@hooks.register("register_admin_urls")
def register_desk_urls():
    patterns = [path("desk/", views.DeskView.as_view(), name="desk")]
    return [path("loyalty/", include((patterns, "loyalty_desk"), namespace="loyalty_desk"))]


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.DESK_PERMISSION)


class ProgrammesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("audience_loyalty.view_membershipprogramme")


@hooks.register("register_audience_menu_item")
def programmes_menu_item():
    return ProgrammesMenuItem(_("Loyalty and memberships"),
                              reverse("wagtailsnippets_audience_loyalty_membershipprogramme:list"),
                              icon_name="group", order=500)


@hooks.register("register_admin_menu_item")
def desk_main_menu_item():
    # At the main level: the front desk (Billetterie & accueil) has no Audience menu.
    return DeskMenuItem(_("Loyalty desk"), reverse("loyalty_desk:desk"), icon_name="crosshairs", order=460,
                        name="loyalty-desk")


class ProgrammeViewSet(SnippetViewSet):
    model = MembershipProgramme
    icon = "group"
    list_display = ["name", "duration_months", "grace_days", "active"]


class TierViewSet(SnippetViewSet):
    model = MembershipTier
    icon = "pick"
    list_display = ["name", "programme", "slug", "price_note"]


class RuleViewSet(SnippetViewSet):
    model = PointsRule
    icon = "plus"
    list_display = ["activity", "points", "members_only", "active"]


class RewardViewSet(SnippetViewSet):
    model = Reward
    icon = "success"
    list_display = ["name", "cost", "active"]


class LoyaltyGroup(SnippetViewSetGroup):
    items = (ProgrammeViewSet, TierViewSet, RuleViewSet, RewardViewSet)
    menu_icon = "group"
    menu_label = _("Loyalty")
    menu_name = "loyalty"
    add_to_admin_menu = False


register_snippet(LoyaltyGroup)
