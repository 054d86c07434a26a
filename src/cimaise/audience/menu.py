"""The "Audience" submenu of the Wagtail admin: each feature registers its entries with a hook.

    @hooks.register("register_audience_menu_item")
    def contacts_menu_item():
        return MenuItem(_("Contacts"), reverse("audience_contacts:index"), icon_name="group", order=100)

Wagtail hides the submenu when none of its entries is shown to the person.
"""

from wagtail.admin.menu import Menu

audience_menu = Menu(register_hook_name="register_audience_menu_item", construct_hook_name="construct_audience_menu")
