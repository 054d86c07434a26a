from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cimaise.pages.models import ScreenPlaylist


class ScreenPlaylistViewSet(SnippetViewSet):
    model = ScreenPlaylist
    icon = "desktop"
    menu_label = _("Venue screens")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "slug", "seconds_per_slide"]
    search_fields = ["name"]


register_snippet(ScreenPlaylistViewSet)


def _qr_buttons(page, user):
    # The label and the code answer 404 for a draft or a private page (see pages.views._public_page).
    if not (page.live and page.pk and not page.is_root()) or page.get_view_restrictions().exists():
        return []
    return [
        Button(
            _("QR code and printable label"), reverse("page_qr_label", args=[page.pk]),
            icon_name="link-external", priority=90, attrs={"target": "_blank", "rel": "noopener"},
        )
    ]


@hooks.register("register_page_header_buttons")
def page_header_qr_button(page, user, view_name=None, next_url=None):
    return _qr_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def page_listing_qr_button(page, user, next_url=None):
    return _qr_buttons(page, user)


@hooks.register("register_snippet_listing_buttons")
def screen_open_button(snippet, user, next_url=None):
    if isinstance(snippet, ScreenPlaylist):
        return [ListingButton(_("Open the screen"), reverse("screen", args=[snippet.slug]),
                              icon_name="desktop", priority=20, attrs={"target": "_blank", "rel": "noopener"})]
    return []


@hooks.register("register_admin_urls")
def register_ai_draft_url():
    # An idea of the creative lab becomes a page draft (cimaise.pages.ai_drafts).
    from django.urls import path

    from cimaise.pages import ai_drafts

    return [path("ai/lab/ideas/<int:idea_pk>/draft/", ai_drafts.DraftView.as_view(), name="ai_lab_draft")]
