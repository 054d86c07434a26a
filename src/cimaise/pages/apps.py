from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "cimaise.pages"
    label = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.images import get_image_model
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cimaise.ai.images.services import declaration_changed
        from cimaise.ai.transparency.events import disclosure_changed
        from cimaise.institution.models import InstitutionProfile
        from cimaise.pages import chrome

        # disclosure_changed: the "How we used AI" box of a live page changed (approved after publication).
        # declaration_changed: an image was declared as made with AI (or no longer): its label is in cached pages.
        for signal in (page_published, page_unpublished, post_page_move, disclosure_changed, declaration_changed):
            signal.connect(chrome.invalidate, dispatch_uid=f"cimaise_chrome_{signal}")
        # Cached pages embed image renditions: a new focal point or a deleted image replaces them.
        for model in (InstitutionProfile, Site, get_image_model()):
            post_save.connect(chrome.invalidate, sender=model, dispatch_uid=f"cimaise_chrome_{model.__name__}")
        for model in (Page, get_image_model()):
            post_delete.connect(chrome.invalidate, sender=model, dispatch_uid=f"cimaise_chrome_del_{model.__name__}")
