"""The Direction's AI oversight dashboard (/admin/ai/oversight/) and its CSV exports.

Behind ``ai.view_ai_dashboard`` (Administration and Direction): others get a
403 page. The period comes from ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (default:
the last 12 months); a bad date shows the form again with a clear message and
what the person typed. ``?export=csv&table=NAME`` downloads one table, for the
same period: months, models, actions, types, pages or pending.

The figures come from ``cimaise.ai.transparency.dashboard``; nothing here writes.
"""

import csv
import datetime
import io

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cimaise.ai.lab_views import forbidden
from cimaise.ai.transparency import dashboard
from cimaise.ai.transparency.drafting import percent

TABLES = ("months", "models", "actions", "types", "pages", "pending")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def note_page_url(page_id):
    """The admin page of a page's methodology notes (built by the notes feature; its path if not there yet)."""
    try:
        return reverse("ai_notes:page", kwargs={"page_id": page_id})
    except NoReverseMatch:
        return f"/admin/ai/notes/page/{page_id}/"


def _date_field(label):
    return forms.DateField(
        label=label, required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("This is not a date: choose a day in the calendar, or write it "
                                                "as 2025-03-31.")},
    )


class PeriodForm(forms.Form):
    """The period of the dashboard: ``from`` and ``to`` (both days included); empty means the default."""

    def __init__(self, data=None, *, default):
        super().__init__(data, initial={"from": default.start, "to": default.end})
        self.default = default
        self.fields["from"] = _date_field(gettext_lazy("From"))
        self.fields["to"] = _date_field(gettext_lazy("To (included)"))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        start = cleaned.get("from") or self.default.start
        end = cleaned.get("to") or self.default.end
        if start > end:
            raise forms.ValidationError(_("The period starts after it ends: choose a start date on or before "
                                          "the end date."), code="order")
        if len(dashboard.Period(start, end).months()) > dashboard.MAX_MONTHS:
            raise forms.ValidationError(_("Choose a period of at most %(years)s years.")
                                        % {"years": dashboard.MAX_MONTHS // 12}, code="too_long")
        cleaned["period"] = dashboard.Period(start, end)
        return cleaned

    @property
    def period(self):
        return self.cleaned_data["period"] if self.is_bound else self.default


def _iso(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, dashboard.institution_tz()).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _share(value):
    return "" if value is None else f"{value:.4f}"


USAGE = ["answered_calls", "calls", "input_tokens", "output_tokens"]


def _usage(row):
    return [row["answered"], row["calls"], row["input_tokens"], row["output_tokens"]]


#: table -> (header, row -> cells): what each CSV holds. Headers are stable names (not translated).
CSV_TABLES = {
    "months": (["month", *USAGE], lambda row: [f"{row['month']:%Y-%m}", *_usage(row)]),
    "models": (["provider", "model_id", *USAGE], lambda row: [row["provider"], row["model_id"], *_usage(row)]),
    "actions": (["action", "label", *USAGE], lambda row: [row["action"], str(row["label"]), *_usage(row)]),
    "types": (["type", "label", *USAGE], lambda row: [row["type"], str(row["label"]), *_usage(row)]),
    "pages": (["page_id", "title", "language", "ai_share", "approved_by", "approved_at", "second_reviewer",
               "published_at"],
              lambda row: [row["page_id"], row["title"], row["language"], _share(row["ai_share"]),
                           row["approved_by"], _iso(row["approved_at"]), row["second_reviewer"],
                           _iso(row["published_at"])]),
    "pending": (["note_id", "page_id", "title", "status", "drafted_at", "age_days", "ai_share"],
                lambda row: [row["note_id"], row["page_id"] or "", row["title"], row["status"],
                             _iso(row["drafted_at"]), row["age_days"], _share(row["ai_share"])]),
}


def _bars(rows):
    """Add each row's bar lengths (percent of the largest number of calls) for the charts."""
    scale = max([row["calls"] for row in rows] + [1])
    for row in rows:
        row["answered_pct"] = round(100 * row["answered"] / scale, 1)
        row["calls_pct"] = round(100 * row["calls"] / scale, 1)
    return rows


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula: page titles and names are typed by people."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    """AI use in a period, published content with AI, and notes awaiting approval; each table as CSV."""

    template_name = "ai/transparency/dashboard/index.html"
    page_title = gettext_lazy("AI oversight")
    header_icon = "glasses"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(dashboard.PERMISSION):
            return forbidden(request, _("You do not have permission to see the AI oversight dashboard. It is "
                                        "open to Direction and Administration."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    @cached_property
    def form(self):
        params = {key: self.request.GET[key] for key in ("from", "to") if self.request.GET.get(key)}
        return PeriodForm(params or None, default=dashboard.Period.default())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        table = self.request.GET.get("table", "")
        if self.request.GET["export"] != "csv" or table not in TABLES:
            return HttpResponseBadRequest(_("Choose the export format csv and a table among: %(tables)s.")
                                          % {"tables": ", ".join(TABLES)}, content_type="text/plain; charset=utf-8")
        if self.form.is_bound and not self.form.is_valid():
            return HttpResponseBadRequest(_("The period is not valid: correct it before exporting."),
                                          content_type="text/plain; charset=utf-8")
        period = self.form.period
        header, cells = CSV_TABLES[table]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([spreadsheet_safe(cell) for cell in cells(row)] for row in self.table(table, period))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="ai-oversight-{table}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"')
        return response

    def table(self, name, period):
        return {
            "months": dashboard.usage_by_month,
            "models": dashboard.usage_by_model,
            "actions": dashboard.usage_by_action,
            "types": dashboard.usage_by_type,
            "pages": dashboard.published_with_ai,
            "pending": dashboard.pending_notes,
        }[name](period)

    def export_urls(self, period):
        base = reverse("ai_oversight:dashboard")
        query = f"from={period.start:%Y-%m-%d}&to={period.end:%Y-%m-%d}"
        return {name: f"{base}?{query}&export=csv&table={name}" for name in TABLES}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        if self.form.is_bound and not self.form.is_valid():
            return context
        period = self.form.period
        months = self.table("months", period)
        totals = {key: sum(row[key] for row in months)
                  for key in ("answered", "calls", "input_tokens", "output_tokens")}
        for row in months:
            row["label"] = date_format(row["month"], "YEAR_MONTH_FORMAT")
        share = dashboard.published_share(period)
        pages = self.table("pages", period)
        pending = self.table("pending", period)
        for row in pages:
            row["share_label"] = percent(row["ai_share"] or 0)
            row["url"] = note_page_url(row["page_id"])
        for row in pending:
            row["share_label"] = percent(row["ai_share"] or 0)
            row["url"] = note_page_url(row["page_id"]) if row["page_id"] else ""
        export_urls = self.export_urls(period)
        usage_tables = [
            ("models", _("By model"), _("Model (provider)")),
            ("actions", _("By action"), _("Action")),
            ("types", _("By kind of content"), _("Kind of content")),
        ]
        context.update(
            period=period,
            period_label=_("from %(start)s to %(end)s") % {
                "start": date_format(period.start, "DATE_FORMAT"), "end": date_format(period.end, "DATE_FORMAT")},
            totals=totals,
            months=_bars(months),
            usage_tables=[{"name": name, "id": f"ai-oversight-{name}", "heading": heading, "column": column,
                           "rows": _bars(self.table(name, period)), "export_url": export_urls[name]}
                          for name, heading, column in usage_tables],
            share=share,
            share_label=percent(share["share"]),
            share_pct=round(100 * share["share"], 1),
            average_share_label=percent(share["average_ai_share"]) if share["average_ai_share"] is not None else "",
            pages=pages,
            pending=pending,
            export_urls=export_urls,
        )
        return context
