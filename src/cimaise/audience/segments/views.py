"""The segments' admin, under /admin/audience/segments/ ("audience_segments:…").

- ``index``: the segments with their counts (as last counted) and a button to count them all again;
- ``add`` / ``edit``: the editor. Plain HTML: each button is a round trip (add or remove a condition, count,
  save) that keeps everything typed; with JavaScript, the count follows the form as it changes;
- ``count``: the live count, JSON, for an unsaved definition posted as the editor's fields;
- ``delete``: confirm, then delete.

Behind the model permissions of ``Segment`` (the Community manager and Administration roles). Counts only,
never a person's data. Nothing here writes a model: ``services`` does.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cimaise.audience.segments import editor, services
from cimaise.audience.segments.definition import CONDITION_TYPES, DefinitionError, validate
from cimaise.audience.segments.models import Segment

PERMISSIONS = {action: f"audience_segments.{action}_segment" for action in ("add", "change", "delete", "view")}


def can_use_segments(user):
    return any(user.has_perm(p) for p in PERMISSIONS.values())


def can_count(user):
    """Counting a definition is building one: for those who may add or change segments."""
    return user.has_perm(PERMISSIONS["add"]) or user.has_perm(PERMISSIONS["change"])


class SegmentIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "segments/index.html"
    page_title = gettext_lazy("Segments")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not can_use_segments(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        if request.POST.get("action") == "recount":
            for segment in Segment.objects.all():
                services.refresh_count(segment)
            messages.success(request, _("Every segment was counted again."))
        return redirect("audience_segments:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            segments=Segment.objects.all(),
            can_add=user.has_perm(PERMISSIONS["add"]),
            can_change=user.has_perm(PERMISSIONS["change"]),
            can_delete=user.has_perm(PERMISSIONS["delete"]),
        )
        return context


class SegmentEditView(WagtailAdminTemplateMixin, TemplateView):
    """Create (no ``segment_id``) or change a segment."""

    template_name = "segments/edit.html"
    header_icon = "group"

    def dispatch(self, request, *args, segment_id=None, **kwargs):
        self.segment = get_object_or_404(Segment, pk=segment_id) if segment_id else None
        if not request.user.has_perm(PERMISSIONS["change" if self.segment else "add"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Edit segment “%(name)s”") % {"name": self.segment.name} if self.segment else _("New segment")

    def get(self, request, *args, **kwargs):
        if self.segment:
            match, conditions = editor.from_definition(self.segment.definition)
            name, description = self.segment.name, self.segment.description
        else:
            match, conditions, name, description = "all", [], "", ""
        return self.render_to_response(self.get_context_data(
            name=name, description=description, match=match, conditions=conditions))

    def post(self, request, *args, **kwargs):
        data = request.POST
        match, conditions, definition = editor.read(data)
        name, description = data.get("name", "").strip(), data.get("description", "")
        action = data.get("action", "save")
        state = {"name": name, "description": description, "match": match, "conditions": conditions}

        if action == "add":
            kind = data.get("new_type", "")
            if kind in CONDITION_TYPES and kind != "group":
                conditions.append(editor.new_condition(kind))
            state["focus"] = len(conditions) - 1
            return self.render_to_response(self.get_context_data(**state))
        if action.startswith("remove-"):
            index = action.removeprefix("remove-")
            if index.isdigit() and int(index) < len(conditions):
                del conditions[int(index)]
            return self.render_to_response(self.get_context_data(**state))

        try:
            clean = validate(definition)
        except DefinitionError as error:
            messages.error(request, _("The segment has errors: see the conditions below."))
            return self.render_to_response(self.get_context_data(errors=error, **state), status=400)
        if action == "count":
            state["count"] = services.count(clean)
            return self.render_to_response(self.get_context_data(**state))

        name_taken = Segment.objects.filter(name__iexact=name).exclude(pk=getattr(self.segment, "pk", None))
        if not name or name_taken.exists():
            message = _("Give the segment a name.") if not name else _("A segment with this name exists already.")
            messages.error(request, message)
            return self.render_to_response(self.get_context_data(name_error=message, **state), status=400)
        segment = services.save_segment(name=name, description=description, definition=clean,
                                        segment=self.segment, user=request.user)
        messages.success(request, _("Segment “%(name)s” saved: %(count)s contacts.")
                         % {"name": segment.name, "count": segment.cached_count})
        return redirect("audience_segments:index")

    def get_context_data(self, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        for number, condition in enumerate(context.get("conditions", [])):
            condition["index"] = number
            condition["label"] = CONDITION_TYPES.get(condition["type"], "")
            condition["errors"] = [m for path, m in errors.errors if path[:1] == (number,)] if errors else []
        context.update(
            segment=self.segment,
            choices=editor.choices(),
            general_errors=errors.messages_for(()) if errors else [],
            count_url=reverse("audience_segments:count"),
        )
        return context


@require_POST
def count(request):
    """``{"count": N, "text": "N contacts match."}`` for the definition in the posted editor fields, or
    ``{"errors": [...]}`` while it is incomplete or wrong (200 all the same: a half-typed form is normal here)."""
    if not can_count(request.user):
        return JsonResponse({"error": _("You may not build segments.")}, status=403)
    _match, _conditions, definition = editor.read(request.POST)
    try:
        clean = validate(definition)
    except DefinitionError as error:
        return JsonResponse({"errors": [str(message) for _path, message in error.errors]})
    number = services.count(clean)
    text = ngettext("%(count)s contact matches.", "%(count)s contacts match.", number) % {"count": number}
    return JsonResponse({"count": number, "text": text})


class SegmentDeleteView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "segments/delete.html"
    header_icon = "bin"
    page_title = gettext_lazy("Delete a segment")

    def dispatch(self, request, *args, segment_id, **kwargs):
        self.segment = get_object_or_404(Segment, pk=segment_id)
        if not request.user.has_perm(PERMISSIONS["delete"]):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        name = self.segment.name
        services.delete_segment(self.segment)
        messages.success(request, _("Segment “%(name)s” deleted.") % {"name": name})
        return redirect("audience_segments:index")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "segment": self.segment}
