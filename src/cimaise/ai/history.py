"""The AI history: the ledger (``AIInteraction``, ``AIOutcome``) as people read it in the Wagtail admin.

Three views, all behind the permission ``ai.view_aiinteraction`` (see
docs/ai-ledger.md for the roles that hold it), built like Wagtail's own
reports (``wagtail.admin.views.reports``): a listing with Wagtail's filters,
search, sorting and pagination, and a detail page.

- ``AIHistoryView`` (/admin/ai/history/): every entry, filterable by page,
  person, action, model, result, outcome and date;
- ``AIPageHistoryView`` (/admin/ai/history/page/<page_id>/): the entries of
  one page, filterable by revision too; linked from the page editor;
- ``AIInteractionView`` (/admin/ai/history/<id>/): everything recorded about
  one call and what was done with its output.

Both listings export what they show, every field of every entry, as CSV or
JSON (``?export=csv`` or ``?export=json`` added to the listing's address). The
same serialisation (``interaction_record``, ``csv_chunks``, ``json_chunks``)
serves ``manage export_ai_ledger``.

Nothing here writes: the ledger is append-only (``cimaise.ai.models``).
"""

import csv
import datetime
import io
import json
import uuid

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import BaseListingView, PermissionCheckedMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.models import Page, Revision

from cimaise.ai.models import AIInteraction, AIOutcome

EXPORT_FORMATS = ("csv", "json")
PERMISSION = "ai.view_aiinteraction"

# --- serialisation: every field, for the exports and the management command ----------------------------------

#: The columns of an export: every stored field of AIInteraction (``user_id`` for ``user``, ...), then the
#: latest outcome and the list of all outcomes (each with every stored field of AIOutcome).
INTERACTION_FIELDS = [field.attname for field in AIInteraction._meta.concrete_fields]
OUTCOME_FIELDS = [field.attname for field in AIOutcome._meta.concrete_fields if field.attname != "interaction_id"]
EXPORT_FIELDS = [*INTERACTION_FIELDS, "outcome", "outcomes"]


def _plain(value):
    """A value as JSON knows it: datetimes in ISO 8601 (UTC), UUIDs as text."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def interaction_record(interaction):
    """Every recorded field of one entry, and its outcomes (oldest first), as a JSON-ready dict."""
    record = {name: _plain(getattr(interaction, name)) for name in INTERACTION_FIELDS}
    outcomes = sorted(interaction.outcomes.all(), key=lambda outcome: (outcome.created_at, outcome.pk))
    record["outcome"] = outcomes[-1].kind if outcomes else ""
    record["outcomes"] = [{name: _plain(getattr(outcome, name)) for name in OUTCOME_FIELDS} for outcome in outcomes]
    return record


def export_queryset(queryset):
    """The entries to export, outcomes fetched in bulk, read in chunks (exports may be large)."""
    return queryset.prefetch_related("outcomes").iterator(chunk_size=500)


def csv_chunks(queryset):
    """The CSV text of an export, a few lines at a time: a header of field names, then one entry per row.

    ``history``, ``parameters`` and ``outcomes`` hold JSON; an empty cell is an empty value (or NULL).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    for interaction in export_queryset(queryset):
        record = interaction_record(interaction)
        writer.writerow([_csv_cell(record[name]) for name in EXPORT_FIELDS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def json_chunks(queryset):
    """The JSON text of an export: an array with one object per entry (one entry per line)."""
    yield "["
    separator = "\n"
    for interaction in export_queryset(queryset):
        yield separator + json.dumps(interaction_record(interaction), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def export_response(queryset, export_format, filename):
    if export_format == "csv":
        response = StreamingHttpResponse(csv_chunks(queryset), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(json_chunks(queryset), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response


def with_latest_outcome(queryset):
    """Annotate ``latest_outcome``: the kind of the last thing done with each entry's output ("" if none)."""
    latest = AIOutcome.objects.filter(interaction=OuterRef("pk")).order_by("-created_at", "-pk").values("kind")[:1]
    return queryset.annotate(latest_outcome=Subquery(latest))


# --- filters ---------------------------------------------------------------------------------------------------

OUTCOME_NONE = "none"


class _PageChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.locale.language_code})" if obj.locale_id else obj.title


class _PersonChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name().strip() if hasattr(obj, "get_full_name") else ""
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class _PageFilter(django_filters.ModelChoiceFilter):
    field_class = _PageChoiceField


class _PersonFilter(django_filters.ModelChoiceFilter):
    field_class = _PersonChoiceField


class _RevisionChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        when = date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT")
        return gettext("Revision %(id)s of %(date)s") % {"id": obj.pk, "date": when}


class _RevisionFilter(django_filters.ModelChoiceFilter):
    field_class = _RevisionChoiceField


class InteractionFilterSet(WagtailFilterSet):
    """The filters of the AI history; choices list only what the ledger holds."""

    page = _PageFilter(label=_("Page"), queryset=Page.objects.none())
    user = _PersonFilter(label=_("Person"), queryset=get_user_model().objects.none())
    action = django_filters.MultipleChoiceFilter(label=_("Action"), widget=forms.CheckboxSelectMultiple)
    model_id = django_filters.MultipleChoiceFilter(label=_("Model"), widget=forms.CheckboxSelectMultiple)
    status = django_filters.MultipleChoiceFilter(label=_("Result"), choices=AIInteraction.Status.choices,
                                                 widget=forms.CheckboxSelectMultiple)
    outcome = django_filters.MultipleChoiceFilter(
        label=_("Outcome"), method="filter_outcome", widget=forms.CheckboxSelectMultiple,
        choices=[(OUTCOME_NONE, _("nothing recorded yet")), *AIOutcome.Kind.choices],
        help_text=_("What the person did last with the output."),
    )
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AIInteraction
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        entries = self.queryset.order_by()
        if "page" in self.filters:
            self.filters["page"].queryset = (
                Page.objects.filter(pk__in=entries.filter(page__isnull=False).values("page_id"))
                .select_related("locale").order_by("title"))
        user_model = get_user_model()
        self.filters["user"].queryset = user_model.objects.filter(
            pk__in=entries.filter(user__isnull=False).values("user_id")).order_by(user_model.USERNAME_FIELD)
        present = set(entries.values_list("action", flat=True).distinct())
        self.filters["action"].extra["choices"] = [
            (key, label) for key, label in AIInteraction._meta.get_field("action").choices if key in present]
        self.filters["model_id"].extra["choices"] = [
            (model, model) for model in sorted(set(entries.values_list("model_id", flat=True).distinct()))]

    def filter_outcome(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(latest_outcome__in=[kind for kind in value if kind != OUTCOME_NONE])
        if OUTCOME_NONE in value:
            condition |= Q(latest_outcome__isnull=True)
        return queryset.filter(condition)


class PageInteractionFilterSet(InteractionFilterSet):
    """The filters of one page's AI history: no page filter, a revision filter."""

    revision = _RevisionFilter(label=_("Revision"), queryset=Revision.objects.none(),
                               help_text=_("The revision the person was editing when they asked."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["page"]
        self.filters["revision"].queryset = Revision.objects.filter(
            pk__in=self.queryset.order_by().filter(revision__isnull=False).values("revision_id")
        ).order_by("-created_at")


# --- listings --------------------------------------------------------------------------------------------------


def _action_label(interaction):
    label = interaction.get_action_display()
    return f"{label} · {interaction.field_name}" if interaction.field_name else label


def _page_cell(interaction):
    if not interaction.page_id and not interaction.page_title:
        return ""
    title = interaction.page_title or gettext("Page %(id)s") % {"id": interaction.page_id}
    if interaction.page_id:
        return format_html('<a href="{}">{}</a>', reverse("ai_history:page", args=[interaction.page_id]), title)
    return title


def _outcome_label(interaction):
    kind = getattr(interaction, "latest_outcome", None)
    return str(AIOutcome.Kind(kind).label) if kind in AIOutcome.Kind.values else ""


def _tokens(interaction):
    if interaction.input_tokens is None and interaction.output_tokens is None:
        return ""
    unknown = "?"
    return "{} → {}".format(
        unknown if interaction.input_tokens is None else interaction.input_tokens,
        unknown if interaction.output_tokens is None else interaction.output_tokens,
    )


def _revision_label(interaction):
    return f"#{interaction.revision_id}" if interaction.revision_id else ""


class AIHistoryView(PermissionCheckedMixin, BaseListingView):
    """Every entry of the ledger, newest first, with Wagtail's filters and an export of what is shown."""

    model = AIInteraction
    permission_required = "view"
    template_name = "ai/history/index.html"
    results_template_name = "ai/history/index_results.html"
    page_title = _("AI history")
    header_icon = "history"
    paginate_by = 50
    filterset_class = InteractionFilterSet
    index_url_name = "ai_history:index"
    index_results_url_name = "ai_history:index_results"
    is_searchable = True
    search_backend_name = None  # the ORM: the ledger is not in the search index
    search_fields = ["prompt", "input_text", "output", "page_title", "user_label", "field_name", "error"]
    default_ordering = "-created_at"
    verbose_name = _("AI interaction")
    verbose_name_plural = _("AI interactions")
    export_filename = "ai-history"

    @cached_property
    def columns(self):
        return [
            TitleColumn("request", label=_("Request"), accessor=_action_label,
                        get_url=lambda obj: reverse("ai_history:detail", args=[obj.pk])),
            DateColumn("created_at", label=_("When"), sort_key="created_at"),
            Column("user_label", label=_("Who")),
            *self.context_columns(),
            Column("model_id", label=_("Model"), sort_key="model_id"),
            StatusTagColumn("status", label=_("Result"), accessor="get_status_display",
                            primary=lambda obj: obj.status == AIInteraction.Status.OK),
            Column("latest_outcome", label=_("Outcome"), accessor=_outcome_label),
            Column("tokens", label=_("Tokens (in → out)"), accessor=_tokens),
            NumberColumn("latency_ms", label=_("Duration (ms)"), sort_key="latency_ms"),
        ]

    def context_columns(self):
        return [Column("page", label=_("Page"), accessor=_page_cell)]

    def get_base_queryset(self):
        return with_latest_outcome(AIInteraction.objects.all())

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}

    def get_index_url(self):
        return reverse(self.index_url_name)

    def get_index_results_url(self):
        return reverse(self.index_results_url_name)

    def get_export_url(self, export_format):
        params = self.request.GET.copy()
        params.pop(self.page_kwarg, None)
        params.pop("_w_filter_fragment", None)
        params["export"] = export_format
        return f"{self.index_url}?{params.urlencode()}"

    def get_header_more_buttons(self):
        return [
            Button(_("Download CSV"), url=self.get_export_url("csv"), icon_name="download", priority=90),
            Button(_("Download JSON"), url=self.get_export_url("json"), icon_name="download", priority=100),
        ]

    def get_export_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("export")
        if export_format:
            if export_format not in EXPORT_FORMATS:
                return HttpResponseBadRequest(gettext("Choose the export format: csv or json."))
            if self.filters and not self.filters.is_valid():
                return HttpResponseBadRequest(gettext("A filter is not valid: correct it before exporting."))
            return export_response(self.get_queryset(), export_format, self.get_export_filename())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_csv_url"] = self.get_export_url("csv")
        context["export_json_url"] = self.get_export_url("json")
        return context


class AIPageHistoryView(AIHistoryView):
    """The entries of one page. (Deleting a page empties ``page`` on its entries, which then show in the
    global listing under their recorded title; entries whose page vanished otherwise still list here.)"""

    filterset_class = PageInteractionFilterSet
    index_url_name = "ai_history:page"
    index_results_url_name = "ai_history:page_results"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page_id = kwargs["page_id"]
        self.page = Page.objects.filter(pk=self.page_id).first()
        self.export_filename = f"ai-history-page-{self.page_id}"

    def get(self, request, *args, **kwargs):
        if self.page is None and not self._page_entries().exists():
            raise Http404
        return super().get(request, *args, **kwargs)

    @cached_property
    def page_label(self):
        if self.page is not None:
            return self.page.get_admin_display_title()
        recorded = (AIInteraction.objects.filter(page_id=self.page_id).exclude(page_title="")
                    .values_list("page_title", flat=True).first())
        return recorded or gettext("Page %(id)s") % {"id": self.page_id}

    def get_page_subtitle(self):
        return self.page_label

    def _page_entries(self):
        # Recorded on the page, or turned into it (a lab idea drafted as this page: an outcome on the page).
        drafted = AIOutcome.objects.filter(page_id=self.page_id).values("interaction_id")
        return AIInteraction.objects.filter(Q(page_id=self.page_id) | Q(pk__in=drafted))

    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=self._page_entries().values("pk"))

    def context_columns(self):
        return [Column("revision", label=_("Revision"), accessor=_revision_label)]

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.page_id])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.page_id])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("ai_history:index"), "label": AIHistoryView.page_title},
            {"url": "", "label": self.page_label},
        ]

    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if self.page is not None and self.page.permissions_for_user(self.request.user).can_edit():
            buttons.insert(0, HeaderButton(_("Edit the page"), url=reverse("wagtailadmin_pages:edit",
                                                                           args=[self.page.pk]), icon_name="edit"))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        context["page_label"] = self.page_label
        return context


# --- one entry -------------------------------------------------------------------------------------------------


class AIInteractionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Everything recorded about one call: what went in, which model, what came out, what was done with it."""

    model = AIInteraction
    permission_required = "view"
    template_name = "ai/history/detail.html"
    header_icon = "history"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pk = kwargs["pk"]

    @cached_property
    def interaction(self):
        queryset = AIInteraction.objects.select_related("user", "site", "page", "revision", "lab_session")
        return get_object_or_404(queryset, pk=self.pk)

    def get_page_title(self):
        return gettext("AI interaction")

    def get_page_subtitle(self):
        when = date_format(timezone.localtime(self.interaction.created_at), "DATETIME_FORMAT")
        return f"{self.interaction.get_action_display()} · {when}"

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse("ai_history:index"), "label": AIHistoryView.page_title}]
        interaction = self.interaction
        if interaction.page_id or interaction.page_title:
            items.append({"url": reverse("ai_history:page", args=[interaction.page_id]) if interaction.page_id else "",
                          "label": interaction.page_title or gettext("Page %(id)s") % {"id": interaction.page_id}})
        items.append({"url": "", "label": self.get_page_subtitle()})
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        interaction = self.interaction
        page = interaction.page.specific if interaction.page_id and interaction.page else None
        user = self.request.user
        context.update(
            interaction=interaction,
            outcomes=interaction.outcomes.select_related("user").order_by("created_at", "pk"),
            page=page,
            page_edit_url=(reverse("wagtailadmin_pages:edit", args=[page.pk])
                           if page is not None and page.permissions_for_user(user).can_edit() else ""),
            revision_url=(reverse("wagtailadmin_pages:revisions_view", args=[page.pk, interaction.revision_id])
                          if page is not None and interaction.revision_id and interaction.revision is not None
                          and page.permissions_for_user(user).can_edit() else ""),
            page_history_url=reverse("ai_history:page", args=[interaction.page_id]) if interaction.page_id else "",
            history_json=json.dumps(interaction.history, ensure_ascii=False, indent=2),
            parameters_json=json.dumps(interaction.parameters, ensure_ascii=False, indent=2, sort_keys=True),
            total_tokens=(None if interaction.input_tokens is None and interaction.output_tokens is None
                          else (interaction.input_tokens or 0) + (interaction.output_tokens or 0)),
        )
        return context
