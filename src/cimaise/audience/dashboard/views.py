"""The audience dashboard (/admin/audience/dashboard/) and its CSV exports.

For people who may see contacts (``audience.view_contact``: marketing, Direction, Administration).
The period comes from ``?from=…&to=…`` as on the AI dashboard (default: the last 12 months); a bad date
shows the form again with a clear message. ``?export=csv&table=NAME`` downloads one table.
"""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cimaise.ai.transparency.dashboard import Period
from cimaise.ai.transparency.dashboard_views import PeriodForm, spreadsheet_safe
from cimaise.audience.dashboard import figures

PERMISSION = "audience.view_contact"

#: table -> (CSV header, row -> cells). Headers are stable names (not translated).
CSV_TABLES = {
    "growth": (["month", "added", "erased", "total"],
               lambda r: [f"{r['month']:%Y-%m}", r["added"], r["erased"], r["total"]]),
    "consents": (["purpose", "granted", "refused", "contacts", "rate"],
                 lambda r: [r["purpose"], r["granted"], r["refused"], r["contacts"],
                            "" if r["rate"] is None else f"{r['rate']:.4f}"]),
    "emails": (["month", *figures.EMAIL_KINDS], lambda r: [f"{r['month']:%Y-%m}", *(r[k] for k in figures.EMAIL_KINDS)]),
    "campaigns": (["campaign_id", "name", *figures.EMAIL_KINDS],
                  lambda r: [r["campaign_id"], r["name"], *(r[k] for k in figures.EMAIL_KINDS)]),
    "attendance": (["month", "registered", "checked_in"],
                   lambda r: [f"{r['month']:%Y-%m}", r["registered"], r["checked_in"]]),
    "memberships": (["month", "new", "renewed", "lapsed"],
                    lambda r: [f"{r['month']:%Y-%m}", r["new"], r["renewed"], r["lapsed"]]),
}


def _bars(rows, keys):
    """Each row gets ``<key>_pct``: its share of the table's largest figure among ``keys`` (for the bars)."""
    scale = max([row[key] for row in rows for key in keys] + [1])
    for row in rows:
        for key in keys:
            row[f"{key}_pct"] = round(100 * row[key] / scale, 1)
    return rows


def tables(period):
    return {
        "growth": _bars(figures.growth(period), ["added"]),
        "consents": [dict(row, rate_pct=round(100 * (row["rate"] or 0), 1)) for row in figures.consent_rates()],
        "emails": _bars(figures.emails_by_month(period), ["sent", "opened", "clicked"]),
        "campaigns": figures.campaigns(period),
        "attendance": _bars(figures.attendance_by_month(period), ["registered", "checked_in"]),
        "memberships": _bars(figures.memberships_by_month(period), ["new", "renewed"]),
    }


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "audience_dashboard/index.html"
    page_title = gettext_lazy("Audience dashboard")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        self.form = PeriodForm(request.GET or None, default=Period.default())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            table = request.GET.get("table", "")
            if table not in CSV_TABLES or not self.form.is_valid():
                return HttpResponseBadRequest(_("Choose a table and a valid period."))
            return self.csv(table, self.form.period)
        return super().get(request, *args, **kwargs)

    def csv(self, name, period):
        header, cells = CSV_TABLES[name]
        rows = tables(period)[name]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in cells(row)])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="audience-{name}-{period.start:%Y-%m-%d}-'
                                           f'{period.end:%Y-%m-%d}.csv"')
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        if self.form.is_bound and not self.form.is_valid():
            return context
        period = self.form.period
        data = tables(period)
        query = self.request.GET.copy()
        query["export"] = "csv"
        exports = {}
        for name in CSV_TABLES:
            query["table"] = name
            exports[name] = "?" + query.urlencode()
        growth = data["growth"]
        context.update(
            period=period, tables=data, exports=exports,
            period_label=_("from %(start)s to %(end)s") % {"start": date_format(period.start, "DATE_FORMAT"),
                                                          "end": date_format(period.end, "DATE_FORMAT")},
            summary={
                "contacts": growth[-1]["total"] if growth else 0,
                "added": sum(row["added"] for row in growth),
                "sent": sum(row["sent"] for row in data["emails"]),
                "checked_in": sum(row["checked_in"] for row in data["attendance"]),
                "renewals_due": figures.renewals_due(timezone.localdate()),
            },
        )
        return context
