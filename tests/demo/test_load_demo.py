"""The demo institution: what ``load_demo`` creates, that it loads once, and that it renders."""

import datetime
import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision, Site

from cimaise.demo import loader
from cimaise.demo.content.accounts import ACCOUNTS, DEMO_PASSWORD
from cimaise.demo.content.institution import MUSEUM_NAME
from cimaise.demo.loader import load_demo
from cimaise.institution import roles
from cimaise.institution.ai_actions import AI_ACTION_KEYS
from cimaise.institution.models import InstitutionProfile
from cimaise.pages.models import ArticlePage, HomePage, ScreenPlaylist, StandardPage

pytestmark = pytest.mark.django_db


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo hashes once; tests check five times


@pytest.fixture
def isolated(settings, tmp_path):
    """Image files in a temporary folder, and a fast password hasher."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = FAST_HASHER
    yield tmp_path / "media"
    cache.clear()  # Wagtail caches the site's root paths; leave none of ours to other tests


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the tests of a class, and rolled back after them.

    Each test still runs in its own transaction (nested in this one), so what a test writes
    (image renditions, sessions) is undone after it.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER), django_db_blocker.unblock():
        with transaction.atomic():
            summary = load_demo()
            yield summary
            transaction.set_rollback(True)
        cache.clear()


def pages_in(language, model=Page):
    return model.objects.filter(locale__language_code=language)


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
        "screens": ScreenPlaylist.objects.count(),
        "locales": Locale.objects.count(),
    }


class TestTheLoadedDemo:
    """Read-only checks, sharing one load of the demo."""

    def test_home_pages_in_both_languages_are_the_site_root(self, demo):
        assert demo.loaded
        home_fr = HomePage.objects.get(locale__language_code="fr")
        home_en = HomePage.objects.get(locale__language_code="en")
        assert home_fr.live and home_en.live
        assert home_en.translation_key == home_fr.translation_key
        assert (home_fr.slug, home_en.slug) == ("accueil", "home")

        site = Site.objects.get(is_default_site=True)
        assert site.root_page_id == home_fr.pk
        assert site.site_name == MUSEUM_NAME
        base = urlsplit(django_settings.BASE_URL)
        assert site.hostname == base.hostname
        assert site.port == (base.port or (443 if base.scheme == "https" else 80))
        assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


    def test_articles_exhibition_and_webinar_are_live_in_both_languages(self, demo):
        for language in ("fr", "en"):
            articles = pages_in(language, ArticlePage).live()
            assert articles.count() >= 5
            assert len({article.date for article in articles}) == articles.count()  # spread over time
            standard = {page.slug: page for page in pages_in(language, StandardPage).live()}
            exhibition = "exposition-lumieres-du-fleuve" if language == "fr" else "exhibition-lights-on-the-river"
            webinar = "webinaire-restaurer-un-tableau" if language == "fr" else "webinar-restoring-a-painting"
            assert standard[exhibition].show_in_menus
            assert any(block.block_type == "call_to_action" for block in standard[webinar].body)
            assert pages_in(language).filter(show_in_menus=True).count() == 5  # with the programme of events

        for article in ArticlePage.objects.live():
            kinds = {block.block_type for block in article.body}
            assert {"heading", "paragraph", "image", "quote", "call_to_action"} <= kinds, article.title
            assert article.intro
            assert article.get_translations().live().exists()


    def test_a_member_has_earned_and_spent_points_and_has_a_card(self, demo, client):
        from cimaise.audience.loyalty.models import PointsTransaction
        from cimaise.audience.models import Contact

        lea = Contact.objects.get(email="lea.moreau@example.org")
        assert lea.membership_tier == "ami" and lea.membership_until > datetime.date.today()
        kinds = list(PointsTransaction.objects.filter(contact=lea).values_list("kind", flat=True))
        assert kinds.count("earned") == 5 and kinds.count("redeemed") == 1
        assert lea.points == sum(PointsTransaction.objects.filter(contact=lea).values_list("points", flat=True)) >= 0
        html = client.get(f"/fr/card/{lea.card.secret}/").content.decode()
        assert "Léa Moreau" in html and lea.card.number in html
        assert Contact.objects.count() >= 7

    def test_an_article_written_with_the_assistant_waits_for_its_note(self, demo):
        from cimaise.ai.models import MethodologyNote
        from cimaise.ai.transparency import gate, services

        draft = ArticlePage.objects.get(slug="coulisses-lumieres-du-fleuve")
        assert not draft.live
        note = services.current_note(draft)
        assert note.status == MethodologyNote.Status.DRAFT
        assert note.share > 0.5 and note.facts["actions"] == {"draft": 1, "titles": 1}
        assert note.facts["models"][0]["name"] == "SmolLM2-135M-Instruct"
        with pytest.raises(gate.PublicationBlocked):
            draft.latest_revision.publish()
        assert not ArticlePage.objects.get(pk=draft.pk).live

    def test_the_assisted_article_is_live_with_its_approved_note(self, demo, client):
        from cimaise.ai.transparency import services

        article = ArticlePage.objects.get(slug="parcours-audiodescription-langue-des-signes")
        note = services.live_note(article)
        assert article.live and note.approved and note.approved_by_label == "Anne Lefébure"
        assert 0.05 < note.share < 0.3  # one edited paragraph of a long article; the brief's words stay the team's
        assert note.facts["outcomes"] == {"inserted": 1, "discarded": 1}
        html = client.get(article.url).content.decode()
        assert "Comment nous avons utilisé l'IA" in html and "Anne Lefébure" in html
        assert "SmolLM2-135M-Instruct" in html

    def test_every_image_has_an_alternative_text(self, demo):
        assert get_image_model().objects.count() >= 8
        for article in ArticlePage.objects.all():
            assert article.image is not None and article.image_alt.strip(), article.title
        image_blocks = 0
        for page in Page.objects.type(HomePage, StandardPage, ArticlePage).specific():
            for block in page.body:
                if block.block_type == "image":
                    image_blocks += 1
                    assert block.value["image"] is not None
                    assert block.value["alt_text"].strip(), page.title
        assert image_blocks >= 10


    def test_content_passes_the_validation_editors_get(self, demo):
        for page in Page.objects.type(HomePage, StandardPage, ArticlePage).specific():
            page.full_clean()
            page.body.stream_block.clean(page.body)

    def test_two_screens_show_live_pages(self, demo):
        screens = {screen.slug: screen for screen in ScreenPlaylist.objects.all()}
        assert set(screens) == {"hall", "salle-3"}
        for screen in screens.values():
            assert 3 <= len(screen.live_pages()) <= 4


    def test_one_account_per_role_with_the_demo_password(self, demo):
        assert {role for _username, role, *_names in ACCOUNTS} == set(roles.ROLE_NAMES)
        for username, role, first_name, _last_name in ACCOUNTS:
            user = authenticate(username=username, password=DEMO_PASSWORD)
            assert user is not None, username
            assert list(user.groups.values_list("name", flat=True)) == [role]
            assert user.first_name == first_name
            assert user.email == f"{username}@mba-valmont.example"
            assert user.wagtail_userprofile.preferred_language == "fr"
        admin = get_user_model().objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert not get_user_model().objects.filter(is_superuser=True).exclude(username="admin").exists()


    def test_institution_profile_is_filled(self, demo):
        profile = InstitutionProfile.for_site(Site.objects.get(is_default_site=True))
        assert profile.name == MUSEUM_NAME
        assert profile.kind == "museum"
        assert profile.languages == ["fr", "en"]
        assert len(profile.audience_list()) >= 3
        assert profile.mission and profile.tone_of_voice and profile.opening_hours and profile.address
        assert profile.email == "accueil@mba-valmont.example"
        assert profile.website == "https://mba-valmont.example"
        assert set(profile.ai_allowed_actions) < set(AI_ACTION_KEYS)
        assert not profile.allows_ai_action("image_generation")
        assert profile.allows_ai_action("translate")
        assert profile.ai_refusal_reason and profile.ai_disclosure_fr and profile.ai_disclosure_en
        assert profile.ai_requires_second_reviewer


    def test_a_second_load_changes_nothing(self, demo):
        before = counts()
        assert before["pages"] > 20
        again = load_demo()
        assert not again.loaded
        assert counts() == before


    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_home_and_article_render(self, demo, client, language):
        home = HomePage.objects.get(locale__language_code=language)
        article = pages_in(language, ArticlePage).live().order_by("-date").first()
        for page in (home, article):
            response = client.get(page.url)
            assert response.status_code == 200, page.url
            html = response.content.decode()
            assert f'lang="{language}"' in html
            assert MUSEUM_NAME in html
            assert page.title in html or page.title.replace("'", "&#x27;") in html


def test_the_command_loads_once_then_prints_one_line(isolated):
    first = io.StringIO()
    call_command("load_demo", stdout=first)
    assert HomePage.objects.count() == 2
    second = io.StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=second)
    assert second.getvalue().strip().splitlines() == ["Demo already loaded: nothing to do."]


def test_a_failure_saves_nothing_and_leaves_no_files(isolated, monkeypatch):
    before = counts()

    def broken(self, *args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader._Loader, "create_french_pages", broken)  # after the images are written
    with pytest.raises(RuntimeError):
        load_demo()
    assert counts() == before
    assert not HomePage.objects.exists()
    assert not [path for path in isolated.rglob("*") if path.is_file()]
