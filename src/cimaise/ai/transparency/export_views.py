"""Admin views that export a text with its methodology note appended (Markdown, Word, PDF).

- ``PageExportView`` (/admin/ai/exports/page/<id>/): what the export of a
  page will hold (its note's status) and the links to download it, with the
  note in French or English; ``page_export`` (…/page/<id>/<fmt>/?lang=en)
  sends the file. Both need the right to edit the page.
- ``TextExportView`` (/admin/ai/exports/text/): a person pastes a text (a
  social-media post, a thesis), chooses which of their own AI requests it drew
  on, gets the measured AI share and a drafted note they may reword, and
  downloads the text with the note. Needs ``ai.use_ai_assistant``.

The views read, measure and render; the only write is the note that
``services.current_note`` drafts for a page's latest text when none exists yet.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from cimaise.ai.lab_views import forbidden
from cimaise.ai.transparency import drafting, facts, services
from cimaise.ai.transparency.export_forms import LANGUAGES, NoteWordingForm, TextExportForm
from cimaise.ai.transparency.exports import FORMAT_LABELS, FORMATS, export, pages, texts

PERMISSION = "ai.use_ai_assistant"
HEADER_ICON = "download"
NOTE_PREFIX = "note"


def can_export_page(user, page):
    """Whoever may edit a page may export it (its text and its note, approved or not)."""
    return bool(user.is_authenticated and page.permissions_for_user(user).can_edit())


def file_response(document, fmt):
    content, content_type, filename = export(document, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def note_language(request, page):
    """The note's language: ``?lang=`` if it is French or English, else the page's language, else French."""
    language = request.GET.get("lang", "")
    if language in dict(LANGUAGES):
        return language
    code = (page.locale.language_code or "")[:2] if page.locale_id else ""
    return code if code in dict(LANGUAGES) else "fr"


def _page_or_403(request, page_id):
    page = get_object_or_404(Page, pk=page_id)
    if page.is_root() or not can_export_page(request.user, page):
        return page, forbidden(request, _("You may export only the pages you may edit."))
    return page, None


def page_export(request, page_id, fmt):
    """The page's latest text with its methodology note, as a file in ``fmt`` (md, docx or pdf)."""
    if fmt not in FORMATS:
        raise Http404
    page, refusal = _page_or_403(request, page_id)
    if refusal:
        return refusal
    # The appendix quotes the ledger in full: for those who may read the AI history.
    with_appendix = request.user.has_perm("ai.view_aiinteraction")
    return file_response(pages.page_document(page, note_language(request, page), with_appendix), fmt)


class PageExportView(WagtailAdminTemplateMixin, TemplateView):
    """What the export of a page will hold, and the links to download it in each format and language."""

    template_name = "ai/transparency/export/page.html"
    header_icon = HEADER_ICON

    def dispatch(self, request, page_id):
        self.page, refusal = _page_or_403(request, page_id)
        if refusal:
            return refusal
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return _("Export “%(title)s”") % {"title": self.page.get_admin_display_title()}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
             "label": self.page.get_admin_display_title()},
            {"url": "", "label": _("Export")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        note = services.current_note(self.page)
        default = note_language(self.request, self.page)
        languages = sorted(LANGUAGES, key=lambda choice: choice[0] != default)
        context.update(
            page=self.page,
            note=note,
            share=drafting.percent(note.share) if note else "",
            review=drafting.review_statement(note, translation.get_language()[:2]) if note else "",
            choices=[{"code": code, "label": label,
                      "links": [{"fmt": fmt, "label": FORMAT_LABELS[fmt],
                                 "url": reverse("ai_exports:page", args=[self.page.pk, fmt]) + f"?lang={code}"}
                                for fmt in FORMATS]}
                     for code, label in languages],
        )
        return context


class TextExportView(WagtailAdminTemplateMixin, TemplateView):
    """Paste a text, choose the AI requests it drew on, measure, reword the note, download."""

    template_name = "ai/transparency/export/text.html"
    header_icon = HEADER_ICON
    page_title = gettext_lazy("Export a text with its AI note")

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.has_perm(PERMISSION)):
            return forbidden(request, _("You do not have permission to use the AI tools. Ask an administrator."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request):
        form = TextExportForm(user=request.user, initial={"author": services.person_name(request.user)})
        return self.render(form)

    def render(self, form, wording=None, found=None, entries=(), status=200):
        share = None
        if found is not None:
            language = form.cleaned_data["language"]
            with translation.override(language):
                share = {"percent": drafting.percent(found["share"]), "ai_words": found["ai_words"],
                         "words": found["total_words"], "language": language}
        context = self.get_context_data(
            form=form, wording=wording, share=share, entries=entries, formats=FORMAT_LABELS,
            references=[use.reference() for use in facts.model_uses(found)] if found is not None else [],
        )
        return self.render_to_response(context, status=status)

    def post(self, request):
        form = TextExportForm(request.POST, user=request.user)
        action = request.POST.get("format", "")
        has_wording = f"{NOTE_PREFIX}-full" in request.POST
        if not form.is_valid():
            messages.error(request, _("The text could not be measured: see the errors below."))
            wording = NoteWordingForm(request.POST, prefix=NOTE_PREFIX) if has_wording else None
            return self.render(form, wording)
        entries = list(form.entries())
        if not entries:
            form.add_error("session" if form.cleaned_data["source"] == "session" else "start",
                           _("None of your AI requests with an answer matches: choose another session or other "
                             "dates."))
            messages.error(request, _("The text could not be measured: see the errors below."))
            wording = NoteWordingForm(request.POST, prefix=NOTE_PREFIX) if has_wording else None
            return self.render(form, wording)
        data = form.cleaned_data
        found = texts.measure(data["text"], entries)
        drafted_for = texts.fingerprint(data["text"], data["language"], found["entries"])
        if action not in FORMATS:
            short, full = texts.draft(found, data["language"])
            wording = NoteWordingForm(initial={"short": short, "full": full, "drafted_for": drafted_for},
                                      prefix=NOTE_PREFIX)
            return self.render(form, wording, found, entries)
        wording = NoteWordingForm(request.POST, prefix=NOTE_PREFIX)
        if not wording.is_valid():
            messages.error(request, _("The document could not be made: see the errors below."))
            return self.render(form, wording, found, entries)
        if wording.cleaned_data["drafted_for"] != drafted_for:
            messages.error(request, _("The text, its language or your AI requests changed since the note was "
                                      "drafted: check the share and measure again before downloading."))
            return self.render(form, wording, found, entries)
        document = texts.text_document(
            title=data["title"], author=data["author"], text=data["text"], language=data["language"], found=found,
            short=wording.cleaned_data["short"], full=wording.cleaned_data["full"],
            reviewer=services.person_name(request.user), interactions=entries,
        )
        return file_response(document, action)
