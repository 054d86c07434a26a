"""Load the demo institution: profile, locales, accounts, images, pages in two languages, screens.

``load_demo()`` is the only entry point. It loads everything in one
transaction, or nothing; once a home page exists it returns at once, so that
``./cimaise up`` may call it on every start.
"""

import datetime
import io
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site
from wagtail.users.models import UserProfile

from cimaise.demo import ai_use, images
from cimaise.demo.content import accounts, ai_use as ai_stories, institution, screens
from cimaise.demo.content.articles import articles
from cimaise.demo.content.dates import PARIS, DemoCalendar
from cimaise.demo.audience import create_audience
from cimaise.demo.events import create_programme
from cimaise.demo.content.pages import pages
from cimaise.institution.models import InstitutionProfile
from cimaise.institution.roles import ensure_roles
from cimaise.pages.models import ArticleIndexPage, ArticlePage, HomePage, ScreenPlaylist, ScreenSlide, StandardPage

LANGUAGES = ("fr", "en")
PAGE_TYPES = {"home": HomePage, "index": ArticleIndexPage, "standard": StandardPage, "article": ArticlePage}


@dataclass
class DemoSummary:
    """What ``load_demo`` did. ``loaded`` is False when the demo was already there."""

    loaded: bool
    pages: int = 0
    images: int = 0
    screens: int = 0
    accounts: int = 0
    seconds: float = 0.0


class _Output:
    """Progress lines to a stream (a command's stdout) or nowhere."""

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, message):
        if self.stream is not None:
            self.stream.write(message + "\n")
            if hasattr(self.stream, "flush"):
                self.stream.flush()


def demo_is_loaded():
    """True once the site has a home page of ours: the demo, or a real institution's site."""
    return HomePage.objects.exists()


def load_demo(stdout=None, today=None):
    """Create the demo institution, unless a home page exists already.

    ``stdout`` receives one line per step; ``today`` (a date) sets the dates the
    texts mention (default: today in the site's time zone). Everything is
    created in one transaction: a failure leaves the database as it was, and the
    image files written before it are removed.
    """
    say = _Output(stdout)
    started = time.monotonic()
    loader = _Loader(say, DemoCalendar(today or timezone.localdate()))
    try:
        with transaction.atomic():
            # Two starts at once load the demo once: the second waits here, then finds the home page.
            # (SQLite's immediate transactions lock already; PostgreSQL needs the row lock.)
            list(Page.objects.select_for_update().filter(depth=1).values_list("pk", flat=True))
            if demo_is_loaded():
                say(_("Demo already loaded: nothing to do."))
                return DemoSummary(loaded=False)
            loader.run()
    except BaseException:
        loader.remove_image_files()
        raise
    summary = DemoSummary(
        loaded=True,
        pages=len(loader.pages),
        images=len(loader.images),
        screens=len(loader.screens),
        accounts=len(loader.users),
        seconds=time.monotonic() - started,
    )
    say(_("Demo loaded in %(seconds).1f s: %(pages)d pages, %(images)d images, %(screens)d screens, "
          "%(accounts)d accounts.") % {
        "seconds": summary.seconds, "pages": summary.pages, "images": summary.images,
        "screens": summary.screens, "accounts": summary.accounts,
    })
    return summary


class _Loader:
    def __init__(self, say, cal):
        self.say = say
        self.cal = cal
        self.locales = {}
        self.users = {}
        self.images = {}
        self.pages = {}  # (key, language) -> page
        self.screens = []

    def run(self):
        self.say(_("Loading the demo institution: %(name)s") % {"name": institution.MUSEUM_NAME})
        ensure_roles()
        self.create_locales()
        self.create_accounts()
        self.create_images()
        specs = pages(self.cal) + [dict(a, type="article", parent="news") for a in articles(self.cal)]
        self.create_french_pages(specs)
        self.point_site_at_home()
        self.translate_pages(specs)
        create_programme(self)
        self.create_screens()
        self.fill_profile()
        self.create_ai_draft()
        create_audience(self)

    # --- steps ----------------------------------------------------------------

    def create_locales(self):
        for code in LANGUAGES:
            self.locales[code], _created = Locale.objects.get_or_create(language_code=code)

    def create_accounts(self):
        self.say(_("Creating one account per role …"))
        User = get_user_model()
        # One hash for every account: hashing is deliberately slow, and these are public demo accounts.
        password = make_password(accounts.DEMO_PASSWORD)
        groups = {group.name: group for group in Group.objects.filter(name__in=[a[1] for a in accounts.ACCOUNTS])}
        for username, role, first_name, last_name in accounts.ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.say(_("  account %(username)s exists already: left unchanged") % {"username": username})
                continue
            superuser = username in accounts.SUPERUSERS
            user = User.objects.create(
                username=username, password=password, first_name=first_name, last_name=last_name,
                email=accounts.email(username), is_staff=superuser, is_superuser=superuser,
            )
            user.groups.add(groups[role])
            profile = UserProfile.get_for_user(user)
            profile.preferred_language = "fr"
            profile.save(update_fields=["preferred_language"])
            self.users[username] = user

    def create_images(self):
        self.say(_("Drawing %(count)d artworks …") % {"count": len(images.ARTWORKS)})
        Image = get_image_model()
        root = Collection.get_first_root_node()
        uploader = self.users.get(accounts.AUTHOR)
        for artwork in images.ARTWORKS:
            image = Image(title=artwork.title, description=artwork.description, collection=root,
                          uploaded_by_user=uploader)
            image.file = ImageFile(io.BytesIO(images.render(artwork)), name=artwork.filename)
            image._set_image_file_metadata()
            image.save()
            self.images[artwork.key] = image

    def create_french_pages(self, specs):
        """Create the French pages as drafts (so that links between them resolve), then publish them."""
        self.say(_("Creating the French pages …"))
        root = Page.get_first_root_node()
        author = self.users.get(accounts.AUTHOR)
        for spec in specs:
            text = spec["fr"]
            parent = root if spec["parent"] is None else self.pages[spec["parent"], "fr"]
            page = PAGE_TYPES[spec["type"]](
                title=text["title"], seo_title=text.get("seo_title", ""), slug=text["slug"], intro=text["intro"],
                locale=self.locales["fr"],
                show_in_menus=spec.get("show_in_menus", False), live=False, owner=author,
            )
            if spec["parent"] is None:
                page.slug = find_available_slug(root, text["slug"])
            self._set_article_fields(page, spec, "fr")
            parent.add_child(instance=page)
            self.pages[spec["key"], "fr"] = page
        # The article written with the assistant: its calls are in the ledger before its text is saved, so
        # that the text is measured and its methodology note drafted; the director approves it.
        assisted = self.pages[ai_stories.ASSISTED["page"], "fr"]
        ai_use.record_calls(assisted, ai_stories.ASSISTED["calls"], author, None)
        for spec in specs:
            self._publish(self.pages[spec["key"], "fr"], spec["fr"]["body"], "fr")

    def point_site_at_home(self):
        """Serve the French home page, and remove Wagtail's "Welcome to your new Wagtail site!"."""
        home = self.pages["home", "fr"]
        url = urllib.parse.urlsplit(settings.BASE_URL)
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname = url.hostname or "localhost"
        site.port = url.port or (443 if url.scheme == "https" else 80)
        site.site_name = institution.MUSEUM_NAME
        site.root_page = home
        site.save()
        # The placeholder is a bare Page (a type no one can create in the admin) with no children.
        placeholder = Page.objects.filter(
            depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page)
        ).exclude(sites_rooted_here__isnull=False)
        for page in placeholder:
            page.delete()

    def translate_pages(self, specs):
        """Copy each French page into English, give it its English text, then publish."""
        self.say(_("Translating the pages into English …"))
        for spec in specs:
            source = self.pages[spec["key"], "fr"]
            text = spec["en"]
            page = source.copy_for_translation(self.locales["en"], copy_parents=True)
            page.title, page.draft_title, page.intro = text["title"], text["title"], text["intro"]
            page.seo_title = text.get("seo_title", "")
            page.slug = find_available_slug(page.get_parent(), text["slug"], ignore_page_id=page.pk)
            self._set_article_fields(page, spec, "en")
            page.save()
            self.pages[spec["key"], "en"] = page
        for spec in specs:
            self._publish(self.pages[spec["key"], "en"], spec["en"]["body"], "en")

    def create_screens(self):
        self.say(_("Setting up the screens in the venue …"))
        for spec in screens.SCREENS:
            if ScreenPlaylist.objects.filter(slug=spec["slug"]).exists():
                continue
            playlist = ScreenPlaylist(name=spec["name"], slug=spec["slug"],
                                      seconds_per_slide=spec["seconds_per_slide"], show_qr_code=True)
            playlist.slides = [ScreenSlide(page=self.pages[key, language], sort_order=order)
                               for order, (key, language) in enumerate(spec["pages"])]
            playlist.full_clean()
            playlist.save()
            self.screens.append(playlist)

    def create_ai_draft(self):
        """An article written with the assistant, left as a draft: its note waits for approval."""
        self.say(_("Writing a draft with the AI assistant …"))
        spec, text = ai_stories.DRAFT, ai_stories.DRAFT["fr"]
        author = self.users.get(accounts.AUTHOR)
        parent = self.pages[spec["parent"], "fr"]
        page = ArticlePage(title=text["title"], slug=text["slug"], intro=text["intro"], locale=self.locales["fr"],
                           live=False, owner=author, date=self.cal.days_ago(0),
                           image=self.images[spec["image"]], image_alt=text["image_alt"])
        parent.add_child(instance=page)
        ai_use.record_calls(page, spec["calls"], author, Site.objects.get(is_default_site=True))
        page.body = [self._resolve(block_type, value, "fr") for block_type, value in text["body"]]
        page.save_revision(user=author, log_action=True)
        self.pages[spec["key"], "fr"] = page

    def fill_profile(self):
        self.say(_("Filling in the institution profile …"))
        profile = InstitutionProfile.for_site(Site.objects.get(is_default_site=True))
        for field, value in institution.PROFILE.items():
            setattr(profile, field, value)
        profile.full_clean()
        profile.save()

    def remove_image_files(self):
        """After a failure: the rows are rolled back, the files must go too."""
        for image in self.images.values():
            image.file.delete(save=False)

    # --- helpers --------------------------------------------------------------

    def _set_article_fields(self, page, spec, language):
        if spec["type"] != "article":
            return
        page.date = spec["date"]
        page.image = self.images[spec["image"]]
        page.image_alt = spec[language]["image_alt"]
        # Dated like the article, at ten in the morning: listings and feeds read naturally.
        page.first_published_at = datetime.datetime.combine(spec["date"], datetime.time(10), tzinfo=PARIS)

    def _publish(self, page, body, language):
        # Children were added through other instances of this page (copy_for_translation fetches
        # the parent afresh); publishing saves the tree fields of this instance, so refresh them.
        page.refresh_from_db(fields=["numchild"])
        page.body = [self._resolve(block_type, value, language) for block_type, value in body]
        revision = page.save_revision(user=self.users.get(accounts.AUTHOR), log_action=True)
        publisher = self.users.get(accounts.PUBLISHER)
        if ai_use.written_with_ai(page):
            # The assisted article, and its English translation (a copy, which carries its AI entries).
            story = ai_stories.ASSISTED
            ai_use.approve(page, self.users.get(story["approver"]), None, checks=story["checks"],
                           responsible=story["responsible"])
        revision.publish(user=publisher)

    def _resolve(self, block_type, value, language):
        """Swap image and page keys for the objects, in ``language``."""
        if block_type == "image":
            value = dict(value, image=self.images[value["image"]])
        elif block_type == "call_to_action" and value.get("page"):
            value = dict(value, page=self.pages[value["page"], language])
        return (block_type, value)
