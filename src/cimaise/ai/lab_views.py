"""The creative lab's admin views. They check who may do what and call ``cimaise.ai.lab``.

Everything needs ``ai.use_ai_assistant``; a person opens only their own
sessions (administrators open all; another person's session answers 404).
Forms post and wait for the whole answer (the button shows that the model is
writing); on any error the page is shown again with what the person typed.
"""

import uuid

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from cimaise.ai import gateway, lab
from cimaise.ai.lab_forms import NoteForm, OwnIdeaForm, SessionForm, TurnForm
from cimaise.ai.models import AIInteraction, LabIdea

HEADER_ICON = "pick"


def forbidden(request, message=None):
    """A 403 page in the admin's layout (Wagtail would redirect to the dashboard instead)."""
    return TemplateResponse(request, "ai/lab/forbidden.html", {
        "page_title": _("Access denied"), "header_icon": "warning",
        "message": message or _("You do not have permission to use the creative lab. Ask an administrator."),
    }, status=403)


def site_for(request):
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()


class LabMixin(WagtailAdminTemplateMixin):
    header_icon = HEADER_ICON

    def dispatch(self, request, *args, **kwargs):
        if not lab.can_use(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_session(self, pk):
        return get_object_or_404(lab.sessions_for(self.request.user), pk=pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": reverse("ai_lab:index"), "label": _("Creative lab")}]



class IndexView(LabMixin, TemplateView):
    """The person's sessions, and a form to start one."""

    template_name = "ai/lab/index.html"
    page_title = gettext_lazy("Creative lab")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Creative lab")}]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            form=form or SessionForm(),
            sessions=lab.sessions_for(user).annotate(idea_count=Count("ideas")),
            sees_all=lab.sees_every_session(user),
            site=site_for(self.request),
        )
        return context

    def post(self, request):
        form = SessionForm(request.POST)
        if form.is_valid():
            try:
                session = lab.create_session(user=request.user, site=site_for(request), **form.cleaned_data)
            except lab.LabError as error:
                messages.error(request, error.message)
            else:
                return redirect("ai_lab:session", session.pk)
        else:
            messages.error(request, _("The session could not be started: see the errors below."))
        return self.render_to_response(self.get_context_data(form=form))


class SessionView(LabMixin, TemplateView):
    """A session: the dialogue so far, the form for the next turn, the board of kept ideas."""

    template_name = "ai/lab/session.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.forms = {}

    def get_page_title(self):
        return self.session.title

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [{"url": "", "label": self.session.title}]

    def dispatch(self, request, pk, *args, **kwargs):
        if not lab.can_use(request.user):
            return forbidden(request)
        self.session = self.get_session(pk)
        return super().dispatch(request, pk, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.session
        ideas = list(lab.board(session))
        kept = {(idea.source_id, idea.text): idea for idea in ideas if idea.source_id}
        turns = []
        for number, interaction in enumerate(lab.turns(session), start=1):
            items = lab.answer_items(interaction.output) if interaction.status == AIInteraction.Status.OK else []
            turns.append({
                "number": number,
                "interaction": interaction,
                "mode": lab.MODE_LABELS.get(lab.turn_mode(interaction), ""),
                "items": [{"index": index, "text": text, "kept": kept.get((interaction.pk, text))}
                          for index, text in enumerate(items)],
                "temperature": interaction.parameters.get("temperature"),
            })
        for position, idea in enumerate(ideas, start=1):
            idea.position = position
            idea.note_form = self.forms.get(("note", idea.pk)) or NoteForm(
                initial={"note": idea.note}, prefix=f"idea-{idea.pk}")
        context.update(
            session=session,
            turns=turns,
            ideas=ideas,
            turn_form=self.forms.get("turn") or TurnForm(session=session),
            own_form=self.forms.get("own") or OwnIdeaForm(),
            model=gateway.active_model(session.site),
            language=lab.session_language(session),
            owner_is_other=session.created_by_id != self.request.user.pk,
        )
        return context

    def render_again(self, **forms):
        self.forms.update(forms)
        return self.render_to_response(self.get_context_data())

    def post(self, request, pk):
        """Ask the model for the next turn."""
        session = self.session
        form = TurnForm(request.POST, session=session)
        if not form.is_valid():
            messages.error(request, _("The request could not be sent: see the errors below."))
            return self.render_again(turn=form)
        data = form.cleaned_data
        try:
            interaction = lab.run_turn(
                session, user=request.user, mode=data["mode"], text=data["text"], count=data.get("count"),
                first=data.get("first"), second=data.get("second"), idea=data.get("idea"),
                temperature=data["temperature"],
            )
        except lab.LabError as error:
            messages.error(request, error.message)
            return self.render_again(turn=form)
        except gateway.AIError as error:
            messages.error(request, error.message)
            return self.render_again(turn=form)
        return redirect(reverse("ai_lab:session", args=[session.pk]) + f"#turn-{interaction.pk}")


class SessionActionView(SessionView):
    """A POST that changes the board, then goes back to the session (or shows it again on error)."""

    http_method_names = ["post"]

    def back(self, anchor="board"):
        return redirect(reverse("ai_lab:session", args=[self.session.pk]) + f"#{anchor}")


class KeepView(SessionActionView):
    def post(self, request, pk):
        try:
            interaction_pk = uuid.UUID(request.POST.get("interaction", ""))
            index = int(request.POST.get("index", ""))
        except ValueError:
            raise Http404 from None
        interaction = get_object_or_404(AIInteraction, pk=interaction_pk, lab_session=self.session)
        try:
            idea = lab.keep_idea(self.session, interaction, index, user=request.user)
        except lab.LabError as error:
            messages.error(request, error.message)
            return self.back(f"turn-{interaction.pk}")
        messages.success(request, _("Idea kept on the board."))
        return self.back(f"idea-{idea.pk}")


class OwnIdeaView(SessionActionView):
    def post(self, request, pk):
        form = OwnIdeaForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The idea could not be added: see the errors below."))
            return self.render_again(own=form)
        idea = lab.add_own_idea(self.session, form.cleaned_data["text"], user=request.user)
        messages.success(request, _("Your idea is on the board."))
        return self.back(f"idea-{idea.pk}")


class IdeaView(SessionActionView):
    """Actions on one idea of the board: /lab/<session>/ideas/<idea>/<action>/."""

    def dispatch(self, request, pk, idea_pk, *args, **kwargs):
        if not lab.can_use(request.user):
            return forbidden(request)
        self.session = self.get_session(pk)
        self.idea = get_object_or_404(LabIdea, pk=idea_pk, session=self.session)
        return TemplateView.dispatch(self, request, pk, idea_pk, *args, **kwargs)


class MoveIdeaView(IdeaView):
    def post(self, request, pk, idea_pk):
        lab.move_idea(self.idea, -1 if request.POST.get("direction") == "up" else 1)
        return self.back(f"idea-{self.idea.pk}")


class NoteIdeaView(IdeaView):
    def post(self, request, pk, idea_pk):
        form = NoteForm(request.POST, prefix=f"idea-{self.idea.pk}")
        if not form.is_valid():
            messages.error(request, _("The note could not be saved: see the errors below."))
            return self._note_again(form)
        lab.annotate_idea(self.idea, form.cleaned_data["note"])
        messages.success(request, _("Note saved."))
        return self.back(f"idea-{self.idea.pk}")

    def _note_again(self, form):
        self.forms[("note", self.idea.pk)] = form
        return self.render_to_response(self.get_context_data())


class RemoveIdeaView(IdeaView):
    def post(self, request, pk, idea_pk):
        try:
            lab.remove_idea(self.idea, user=request.user)
        except lab.LabError as error:
            messages.error(request, error.message)
            return self.back(f"idea-{self.idea.pk}")
        messages.success(request, _("Idea taken off the board."))
        return self.back()
