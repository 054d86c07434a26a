"""The "AI studio" submenu of the Wagtail admin, and how a feature adds its entry to it.

``cimaise.ai.history_hooks`` registers one "AI studio" item in the admin's main
menu; its submenu shows the entries of ``AI_MENU_ITEMS`` that the person may
use (the submenu itself is hidden when none is). A feature adds its entry from
its own ``*_hooks.py`` module (imported by ``cimaise/ai/wagtail_hooks.py``),
at import time::

    from django.utils.translation import gettext_lazy as _
    from cimaise.ai.menu import AI_MENU_ITEMS, AIMenuItem

    AI_MENU_ITEMS.append(AIMenuItem(
        _("Creative lab"), "ai_lab:index", permission="ai.use_ai_assistant",
        icon_name="pick", order=200,
    ))

- ``url_name`` is a URL name, reversed when the menu is drawn (URLs are not
  loaded yet when hooks modules are imported);
- ``permission`` is a Django permission ("app_label.codename"), or a callable
  ``user -> bool``; the entry is shown only to those who have it;
- ``order``: the AI history uses 900, so that it comes last; the AI oversight
  dashboard (below) 800.

Items are read on every request, so the order of the imports does not
matter. For changes that depend on the request (hiding or relabelling an entry),
register a ``construct_ai_menu`` hook, as Wagtail's ``construct_main_menu``::

    @hooks.register("construct_ai_menu")
    def hide_lab_on_weekends(request, menu_items): ...
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

#: The entries of the "AI studio" submenu: ``AIMenuItem`` instances (or any Wagtail ``MenuItem``).
AI_MENU_ITEMS = []

#: The name of the hook called with ``(request, menu_items)`` before the submenu is drawn.
CONSTRUCT_HOOK = "construct_ai_menu"


class AIMenuItem(MenuItem):
    """An entry of the AI studio submenu, shown to those who hold ``permission``."""

    def __init__(self, label, url_name, *, permission, name=None, icon_name="", order=1000, attrs=None):
        super().__init__(label, "", name=name, icon_name=icon_name, order=order, attrs=attrs)
        self.url_name = url_name
        self.permission = permission

    def is_shown(self, request):
        user = request.user
        if callable(self.permission):
            return bool(self.permission(user))
        return user.has_perm(self.permission)

    def render_component(self, request):
        return LinkMenuItemComponent(self.name, self.label, reverse(self.url_name), icon_name=self.icon_name,
                                     classname=self.classname, attrs=self.attrs)


class AIMenu(Menu):
    """Wagtail's Menu, reading ``AI_MENU_ITEMS`` afresh instead of caching a copy at first use."""

    def __init__(self):
        super().__init__(construct_hook_name=CONSTRUCT_HOOK)

    @property
    def registered_menu_items(self):
        return list(AI_MENU_ITEMS)


ai_menu = AIMenu()

