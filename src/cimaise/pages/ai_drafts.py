"""An idea of the creative lab becomes a page draft, keeping its lineage (session → idea → draft).

It lives in ``pages`` because it makes pages: pages may import ``ai``, not the
reverse. ``create_draft`` is the service; ``DraftView`` the admin view that
calls it (URL registered in ``cimaise.pages.wagtail_hooks``).

The draft is never published: an ``ArticlePage`` under an article listing, or a
``StandardPage`` under the home page, in the session's language, titled from
the idea, its body the idea's text as one paragraph, saved as a first revision
by the person. The idea then points at the page, and the ledger appends a
``drafted`` outcome (with the page and the revision) to the interaction that
produced the idea, after its ``kept`` outcome: the methodology note can tell
the whole story from the ledger.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import linebreaks
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from cimaise.ai import lab
from cimaise.ai.lab_views import forbidden
from cimaise.ai.models import LabIdea
from cimaise.pages.models import ArticleIndexPage, ArticlePage, HomePage, StandardPage

#: Where a draft may go, and the kind of page it becomes there.
CHILD_TYPES = {ArticleIndexPage: ArticlePage, HomePage: StandardPage}
TITLE_CHARS = 80


class DraftError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def suggested_title(idea):
    """The idea's first sentence (or line), shortened to a title."""
    text = " ".join(idea.text.split())
    for stop in (". ", " : ", ": ", " – ", " - "):
        if stop in text[:TITLE_CHARS + 40]:
            text = text.split(stop, 1)[0]
            break
    return Truncator(text.rstrip(" .")).chars(TITLE_CHARS) or _("Idea from the creative lab")


def possible_parents(user, session):
    """Pages under which ``user`` may add a draft of this session: article listings and home pages in its language."""
    language = lab.session_language(session)
    pages = (PagePermissionPolicy().instances_user_has_any_permission_for(user, ["add"])
             .type(*CHILD_TYPES).filter(locale__language_code=language).order_by("path"))
    return [page for page in pages.specific() if page.permissions_for_user(user).can_add_subpage()
            and _child_type(page).can_create_at(page)]


def _child_type(parent):
    for parent_type, child_type in CHILD_TYPES.items():
        if isinstance(parent.specific, parent_type):
            return child_type
    raise DraftError(_("A draft can go under an article listing or the home page only."))


def _check(idea, user):
    if not lab.can_use(user) or not lab.sessions_for(user).filter(pk=idea.session_id).exists():
        raise PermissionDenied
    if idea.draft_page_id:
        raise DraftError(_("This idea is already a page draft."))


def create_draft(idea, parent, *, user, title=""):
    """Make the page draft of an idea under ``parent``; returns (page, revision). Raises DraftError."""
    _check(idea, user)
    parent = parent.specific
    page_class = _child_type(parent)
    if parent.pk not in {page.pk for page in possible_parents(user, idea.session)}:
        raise DraftError(_("You cannot add a page there. Choose another place."))
    title = (title or "").strip()[:255] or suggested_title(idea)
    page = page_class(
        title=title, slug=find_available_slug(parent, slugify(title)[:60].strip("-") or "idee"),
        locale=parent.locale, owner=user, live=False,
        body=[("paragraph", linebreaks(idea.text.strip()))],  # escaped, one <p> per paragraph
    )
    with transaction.atomic():
        locked = type(idea).objects.select_for_update().get(pk=idea.pk)
        if locked.draft_page_id:
            raise DraftError(_("This idea is already a page draft."))
        parent.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=False)
        log(instance=page, action="wagtail.create", user=user, revision=revision, content_changed=True)
        lab.record_draft(locked, page, revision, user=user)
    idea.draft_page = page
    return page, revision


class DraftForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the page"), max_length=255)
    parent = forms.ModelChoiceField(label=gettext_lazy("Where"), queryset=Page.objects.none(),
                                    widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Page.objects.filter(pk__in=[page.pk for page in parents]).order_by("path")
        labels = {page.pk: page for page in parents}
        self.fields["parent"].label_from_instance = lambda page: _parent_label(labels.get(page.pk, page))
        # The first article listing by default (most ideas become articles), else the only choice.
        listings = [page for page in parents if isinstance(page, ArticleIndexPage)]
        if listings or len(parents) == 1:
            self.fields["parent"].initial = (listings or parents)[0].pk


def _parent_label(page):
    kind = _child_type(page)._meta.verbose_name
    return _("Under “%(parent)s”, as a new %(kind)s") % {"parent": page.get_admin_display_title(), "kind": kind}


class DraftView(WagtailAdminTemplateMixin, TemplateView):
    """Turn an idea of the board into a page draft: choose where and confirm the title."""

    template_name = "ai/lab/draft.html"
    page_title = gettext_lazy("Turn an idea into a page draft")
    header_icon = "doc-empty-inverse"

    def dispatch(self, request, idea_pk):
        if not lab.can_use(request.user):
            return forbidden(request)
        self.idea = get_object_or_404(LabIdea.objects.select_related("session", "source"), pk=idea_pk)
        if not lab.sessions_for(request.user).filter(pk=self.idea.session_id).exists():
            raise Http404
        self.session = self.idea.session
        self.session_url = reverse("ai_lab:session", args=[self.session.pk])
        if self.idea.draft_page_id:
            messages.warning(request, _("This idea is already a page draft."))
            return redirect(f"{self.session_url}#idea-{self.idea.pk}")
        self.parents = possible_parents(request.user, self.session)
        return super().dispatch(request, idea_pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("ai_lab:index"), "label": _("Creative lab")},
            {"url": self.session_url, "label": self.session.title},
            {"url": "", "label": _("Page draft")},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            idea=self.idea, session=self.session, session_url=self.session_url, parents=self.parents,
            form=form or DraftForm(parents=self.parents, initial={"title": suggested_title(self.idea)}),
            language=lab.session_language(self.session),
        )
        return context

    def post(self, request, idea_pk):
        form = DraftForm(request.POST, parents=self.parents)
        if form.is_valid():
            try:
                page, _revision = create_draft(self.idea, form.cleaned_data["parent"], user=request.user,
                                               title=form.cleaned_data["title"])
            except DraftError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Page draft “%(title)s” created from the idea. It is not published.") % {"title": page.title},
                    buttons=[messages.button(reverse("wagtailadmin_pages:edit", args=[page.pk]), _("Edit it")),
                             messages.button(f"{self.session_url}#idea-{self.idea.pk}", _("Back to the session"))],
                )
                return redirect("wagtailadmin_explore", page.get_parent().pk)
        else:
            messages.error(request, _("The draft could not be created: see the errors below."))
        return self.render_to_response(self.get_context_data(form=form))
