"""The page types of an institution's site, and the screens shown in the venue."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cimaise.ai.transparency.page_mixin import AITransparentPageMixin
from cimaise.pages.blocks import BodyBlock

ARTICLES_PER_PAGE = 12


class ContentPage(AITransparentPageMixin, Page):
    """What every page of ours has: a short introduction and a body."""

    intro = models.TextField(
        _("introduction"), blank=True, max_length=600,
        help_text=_("One or two sentences: shown in listings, search results, screens and QR labels."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    api_fields = [APIField("intro"), APIField("body"), APIField("ai_disclosure")]

    class Meta:
        abstract = True

    @property
    def summary(self):
        return self.intro or self.search_description


class HomePage(ContentPage):
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.ArticleIndexPage", "pages.StandardPage", "events.EventIndexPage"]
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = (
            ArticlePage.objects.live().public().descendant_of(self).select_related("image")
            .order_by("-date", "-pk")[:3]
        )
        context["sections"] = self.get_children().live().public().in_menu().specific()
        return context


class ArticleIndexPage(ContentPage):
    """A listing of articles (news, stories), newest first, paginated."""

    subpage_types = ["pages.ArticlePage"]
    template = "pages/article_index_page.html"

    class Meta:
        verbose_name = _("article listing")

    def articles(self):
        return ArticlePage.objects.child_of(self).live().public().select_related("image").order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # get_page() turns a missing, non-numeric or out-of-range number into a valid page.
        context["articles"] = Paginator(self.articles(), ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        return context


class ArticlePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable default makes Django expect the initial value in a hidden input that Wagtail's panels never
        # draw: every post would count as a change, and an unchanged article sent back for approval would restart
        # its workflow task instead of being approved.
        self.fields["date"].show_hidden_initial = False


class ArticlePage(ContentPage):
    """A news item or story."""

    base_form_class = ArticlePageForm

    date = models.DateField(_("date"), default=timezone.localdate)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("main image"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    image_alt = models.CharField(
        _("main image alternative text"), max_length=250, blank=True,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )

    parent_page_types = ["pages.ArticleIndexPage"]
    subpage_types = []
    template = "pages/article_page.html"

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Main image")),
        FieldPanel("body"),
    ]
    api_fields = ContentPage.api_fields + [
        APIField("date"),
        APIField("image", serializer=ImageRenditionField("fill-1200x675")),
        APIField("image_alt"),
    ]

    class Meta:
        verbose_name = _("article")

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Every image needs an alternative text.")})


class StandardPage(ContentPage):
    """A page of text: about, visit, an exhibition or a programme description."""

    subpage_types = ["pages.StandardPage", "pages.ArticleIndexPage"]
    template = "pages/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class ScreenPlaylist(ClusterableModel):
    """A set of pages that a screen in the venue shows in turn, full screen."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Where the screen is, e.g. 'Hall, left'."))
    slug = models.SlugField(_("address"), unique=True, help_text=_("The screen opens /screens/<address>/."))
    seconds_per_slide = models.PositiveSmallIntegerField(
        _("seconds per page"), default=15, validators=[MinValueValidator(5), MaxValueValidator(300)]
    )
    show_qr_code = models.BooleanField(
        _("show a QR code to each page"), default=True,
        help_text=_("Visitors scan it to open the page on their phone."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("seconds_per_slide"),
        FieldPanel("show_qr_code"),
        InlinePanel("slides", label=_("Pages shown"), min_num=1),
    ]

    class Meta:
        verbose_name = _("venue screen")
        verbose_name_plural = _("venue screens")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def live_pages(self):
        """The pages to show now: live and public ones, in the chosen order."""
        pages = []
        for slide in self.slides.select_related("page").order_by("sort_order"):
            page = slide.page
            if page and page.live and not page.get_view_restrictions().exists():
                pages.append(page.specific)
        return pages


class ScreenSlide(Orderable):
    playlist = ParentalKey(ScreenPlaylist, related_name="slides", on_delete=models.CASCADE)
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("page shown")
