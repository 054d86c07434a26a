"""The methodology note of a page in the Wagtail admin: /admin/ai/notes/page/<page_id>/ ("ai_notes:page").

One view shows the note of the page's latest text (``services.current_note``):
its status, the facts from the ledger (the AI share overall and per field, the
models, the actions, what the person did with the answers, who asked, every
prompt with a link to its entry in the AI history), a preview of what readers
will see, and the form to edit the wording and approve it. Older notes of the
page are listed below as its history.

Who may do what (a 403 page otherwise):

- see the note, save its wording, approve it: a person who may edit the page;
- confirm it as second reviewer (when the institution's policy asks for one):
  a person who may publish the page, other than the one who approved it (the
  service refuses the same person with a message).

Every change goes through ``cimaise.ai.transparency.services``; their
ValidationErrors come back on the form, in the person's language, with
everything they typed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.models import Page

from cimaise.ai import gateway, history
from cimaise.ai.models import AIInteraction, AIOutcome, MethodologyNote, Provider
from cimaise.ai.transparency import drafting, facts, public, services
from cimaise.ai.transparency.admin_forms import FIELD_LANGUAGES, WORDING_FIELDS, NoteForm, normalise
from cimaise.ai.transparency.log_actions import PUBLICATION_BLOCKED

HEADER_ICON = "doc-full"
ACTIONS = ("save", "approve", "restore", "second_review", "polish")
ASSISTANT_PERMISSION = "ai.use_ai_assistant"
ACTION_LABELS = dict(AIInteraction._meta.get_field("action").choices)
OUTCOME_LABELS = dict(AIOutcome.Kind.choices)
PROVIDER_LABELS = dict(Provider.choices)
CHECK_LABELS = dict(MethodologyNote.Check.choices)


def forbidden(request, message):
    """A 403 page in the admin's layout (Wagtail would send the person to the dashboard instead)."""
    return TemplateResponse(request, "ai/transparency/admin/forbidden.html", {
        "page_title": _("Access denied"), "header_icon": "warning", "message": message,
    }, status=403)


def note_url(page):
    return reverse("ai_notes:page", args=[page.pk])


def refuse_publication(request, page, reason, revision=None):
    """Back to the page's editor with why it was not published and a link to its note; the refusal goes to the
    page's history. (The admin's publishing paths call this: ``admin_hooks``, ``admin_middleware``.)"""
    log(page, PUBLICATION_BLOCKED, user=request.user, revision=revision, data={"reason": reason})
    messages.error(request, reason, buttons=[messages.button(note_url(page), _("Open the AI note"))])
    return redirect("wagtailadmin_pages:edit", page.pk)


def _field_label(labels, name):
    """A ledger field name ("intro", "body/<block id>", "body.2.paragraph") as the editor calls the field."""
    top = facts.top_field((name or "").split("/", 1)[0])
    return str(labels.get(top, name)) if name else ""


def _moment(iso):
    return datetime.datetime.fromisoformat(iso) if iso else None


class NoteView(WagtailAdminTemplateMixin, TemplateView):
    """The note of a page's latest text: facts, public wording, the form to edit and approve it."""

    template_name = "ai/transparency/admin/note.html"
    header_icon = HEADER_ICON
    page_title = gettext_lazy("AI methodology note")

    def dispatch(self, request, page_id, *args, **kwargs):
        self.page = get_object_or_404(Page, pk=page_id).specific
        self.permissions = self.page.permissions_for_user(request.user)
        if not self.permissions.can_edit():
            return forbidden(request, _("You may not see this page's AI note: it is for those who may edit the "
                                        "page."))
        return super().dispatch(request, page_id, *args, **kwargs)

    # --- what the page shows ---------------------------------------------------------------------------------

    @cached_property
    def note(self):
        return services.current_note(self.page)

    @cached_property
    def labels(self):
        return services.field_labels(self.page)

    @property
    def edit_url(self):
        return reverse("wagtailadmin_pages:edit", args=[self.page.pk])

    def get_page_title(self):
        return capfirst(self.page_title)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.edit_url, "label": self.page.get_admin_display_title()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_header_buttons(self):
        buttons = [HeaderButton(_("Edit the page"), url=self.edit_url, icon_name="edit")]
        if self.request.user.has_perm(history.PERMISSION):
            buttons.append(HeaderButton(_("AI history"), url=reverse("ai_history:page", args=[self.page.pk]),
                                        icon_name="history"))
        return buttons

    def initial_form(self, note):
        return NoteForm(initial={"note": note.pk, "checks": note.checks, "responsible": note.responsible,
                                 **{name: getattr(note, name) for name in WORDING_FIELDS}})

    def can_second_review(self, note):
        return (note.status == MethodologyNote.Status.SECOND_REVIEW and self.permissions.can_publish()
                and note.approved_by_id != self.request.user.pk)

    def facts_context(self, note):
        found = note.facts
        show_entries = self.request.user.has_perm(history.PERMISSION)
        return {
            "share": drafting.percent(note.share),
            "ai_words": found.get("ai_words", 0),
            "total_words": found.get("total_words", 0),
            "fields": [
                {"name": name, "label": _field_label(self.labels, name), "words": field["words"],
                 "ai_words": field["ai_words"], "share": drafting.percent(field["share"])}
                for name, field in found.get("fields", {}).items() if field.get("words")
            ],
            "models": [
                {"name": use.name, "provider": PROVIDER_LABELS.get(use.provider, use.provider),
                 "version": use.model_version, "maker": use.maker, "calls": use.calls, "reference": use.reference()}
                for use in facts.model_uses(found)
            ],
            "actions": [{"label": ACTION_LABELS.get(action, action), "purpose": drafting.PURPOSES.get(action, ""),
                         "count": count} for action, count in found.get("actions", {}).items()],
            "outcomes": [{"label": OUTCOME_LABELS.get(kind, kind), "count": count}
                         for kind, count in found.get("outcomes", {}).items()],
            "initiated_by": found.get("initiated_by", []),
            "lab_sessions": found.get("lab_sessions", []),
            "answered": found.get("answered", 0),
            "unanswered": found.get("unanswered", 0),
            "first_at": _moment(found.get("first_at")),
            "last_at": _moment(found.get("last_at")),
            "prompts": [
                {"at": _moment(prompt.get("at")), "action": ACTION_LABELS.get(prompt["action"], prompt["action"]),
                 "field": _field_label(self.labels, prompt.get("field")), "summary": prompt.get("summary", ""),
                 "url": reverse("ai_history:detail", args=[prompt["entry"]]) if show_entries else ""}
                for prompt in found.get("prompts", [])
            ],
        }

    def preview(self, note):
        url = self.page.full_url
        return [
            {"code": code, "name": name, "short": note.short(code), "full": note.full(code),
             "review": drafting.review_statement(note, code),
             # The line to put under a social post or a newsletter blurb about this page.
             "line": public.disclosure_line(note, code, url=public.note_url(url) or None)}
            for code, name in (("fr", "Français"), ("en", "English"))
        ]

    def older_notes(self, note):
        """The page's other notes, newest first: superseded drafts, and approvals of earlier texts."""
        notes = list(services.notes_of(self.page).exclude(pk=getattr(note, "pk", None)).order_by("-created_at"))
        for old in notes:
            old.share_label = drafting.percent(old.share)
        return notes

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        note = self.note
        context.update(page=self.page, note=note, edit_url=self.edit_url)
        if note is None:
            entries = list(facts.page_interactions(self.page.pk))
            answered = len(facts.answered(entries))
            context.update(answered_entries=answered, other_entries=len(entries) - answered,
                           older_notes=self.older_notes(None))
            return context
        form = form or self.initial_form(note)
        drafted = [
            {"field": form[name], "text": note.drafted.get(name, ""), "lang": FIELD_LANGUAGES[name],
             "changed": normalise(note.drafted.get(name, "")).strip() != normalise(form[name].value()).strip()}
            for name in WORDING_FIELDS
        ]
        approved = None
        if note.status != MethodologyNote.Status.APPROVED:
            # A new wording of an approved note is a new draft; the approved one stays public until it is replaced.
            approved = services.approved_note_for(self.page, note.fingerprint)
        context.update(
            form=form,
            approved_note=approved,
            wording_fields=drafted,
            facts=self.facts_context(note),
            preview=self.preview(note),
            older_notes=self.older_notes(note),
            checked=[str(CHECK_LABELS.get(check, check)) for check in note.checks],
            can_approve=note.status == MethodologyNote.Status.DRAFT,
            can_second_review=self.can_second_review(note),
            may_publish=self.permissions.can_publish(),
            may_polish=self.request.user.has_perm(ASSISTANT_PERMISSION),
            Status=MethodologyNote.Status,
        )
        return context

    # --- what the person does ----------------------------------------------------------------------------------

    def post(self, request, page_id):
        note = self.note
        if note is None:
            messages.error(request, _("This page has no AI entries any more: it needs no note."))
            return redirect(note_url(self.page))
        action = request.POST.get("action")
        if action not in ACTIONS:
            action = "save"
        if action == "second_review":
            return self.second_review(note)
        if action == "restore":
            return self.restore(note)
        if action == "polish":
            return self.polish(note)
        form = NoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The note could not be saved: see the errors below."))
            return self.render_to_response(self.get_context_data(form=form))
        if form.cleaned_data["note"] != note.pk:
            # The text changed since the person opened the page: their wording was written for another text.
            form.add_error(None, _("The page's text changed since you opened this note: its facts below are "
                                   "those of the new text. Your wording is still in the form; check it, then "
                                   "save or approve again."))
            return self.again(form)
        was_approved = note.approved_at is not None
        try:
            note = services.update_wording(note, request.user, **form.wording())
        except ValidationError as error:
            form.add_service_error(error)
            messages.error(request, _("The note could not be saved: see the errors below."))
            return self.again(form)
        if action == "approve":
            try:
                note = services.approve(note, request.user, checks=form.cleaned_data["checks"],
                                        responsible=form.cleaned_data["responsible"], site=self.page.get_site(),
                                        page=self.page)
            except ValidationError as error:
                form.add_service_error(error)
                messages.error(request, _("The wording is saved, but the note could not be approved: see the "
                                          "errors below."))
                return self.again(form)
        if action == "approve" and note.status == MethodologyNote.Status.SECOND_REVIEW:
            messages.success(request, _("Note approved. The institution's policy asks for a second reviewer: "
                                        "another person who may publish the page confirms it on this page."))
        elif action == "approve":
            messages.success(request, _("Note approved: the page may now be published."),
                             buttons=[messages.button(self.edit_url, _("Back to the editor"))])
        elif was_approved and note.approved_at is None:
            messages.success(request, _("New wording saved, awaiting approval. Until it is approved, readers see the "
                                        "wording approved before."))
        else:
            messages.success(request, _("Wording saved."))
        return redirect(note_url(self.page))

    def again(self, form):
        """The page again, with what was typed; the note is read again (the services may have changed it)."""
        self.__dict__.pop("note", None)
        if self.note is None:
            return redirect(note_url(self.page))
        form.data = form.data.copy()
        form.data["note"] = str(self.note.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def restore(self, note):
        data = self.request.POST.copy()
        for name in WORDING_FIELDS:
            data[name] = note.drafted.get(name, getattr(note, name))
        data["note"] = str(note.pk)
        messages.info(self.request, _("The wording drafted from the ledger is back in the form: save it to keep "
                                      "it."))
        return self.render_to_response(self.get_context_data(form=NoteForm(data)))

    def polish(self, note):
        """A model's smoother wording of one saved text, put in the form as a proposal (``services.polish_wording``)."""
        if not self.request.user.has_perm(ASSISTANT_PERMISSION):
            return forbidden(self.request, _("You may not use the AI assistant."))
        form = NoteForm(self.request.POST)
        key = self.request.POST.get("polish")
        if not form.is_valid() or key not in WORDING_FIELDS:
            messages.error(self.request, _("Choose the text to polish."))
            return self.render_to_response(self.get_context_data(form=form))
        if form.cleaned_data["note"] != note.pk:
            form.add_error(None, _("The page's text changed since you opened this note: check the note for the new "
                                   "text first."))
            return self.again(form)
        if form.cleaned_data[key].strip() != normalise(getattr(note, key)).strip():
            # The model works on the saved wording: what the person typed in that field would be replaced.
            form.add_error(key, _("Save your wording first: the model polishes the saved wording."))
            return self.again(form)
        site = self.page.get_site()
        try:
            proposal = services.polish_wording(note, user=self.request.user, site=site, key=key)
        except ValidationError as error:
            form.add_service_error(error)
            return self.again(form)
        except gateway.AIError as error:
            messages.error(self.request, error.message)
            return self.again(form)
        data = self.request.POST.copy()
        data[key] = proposal
        messages.info(self.request, _("The field “%(field)s” holds a proposal by %(model)s: it keeps the recorded "
                                      "facts. Read it; save it to keep it, or restore the drafted wording.") % {
            "field": form.fields[key].label, "model": gateway.active_model(site).label})
        return self.render_to_response(self.get_context_data(form=NoteForm(data)))

    def second_review(self, note):
        if not self.permissions.can_publish():
            return forbidden(self.request, _("Only a person who may publish this page may confirm its AI note."))
        if str(note.pk) != self.request.POST.get("note"):
            messages.error(self.request, _("The page's text changed since you opened this note: read the note for "
                                           "the new text before confirming it."))
            return redirect(note_url(self.page))
        try:
            services.second_review(note, self.request.user, page=self.page)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return redirect(note_url(self.page))
        messages.success(self.request, _("Note confirmed: the page may now be published."),
                         buttons=[messages.button(self.edit_url, _("Back to the editor"))])
        return redirect(note_url(self.page))
