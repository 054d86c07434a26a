"""The audience's Wagtail hooks, one module per feature (each adds one import line here)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem

from cimaise.audience import subscription_hooks  # noqa: F401 - newsletter lists
from cimaise.audience import contact_hooks  # noqa: F401 - contacts, import, duplicates
from cimaise.audience.menu import audience_menu


@hooks.register("register_admin_menu_item")
def register_audience_menu():
    return SubmenuMenuItem(_("Audience"), audience_menu, icon_name="group", name="audience", order=350)
