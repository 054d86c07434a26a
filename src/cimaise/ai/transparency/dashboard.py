"""The figures of the Direction's AI oversight dashboard, read from the ledger and the methodology notes.

Every table is one database query (an aggregate, or a list with correlated
subqueries), the same on SQLite and PostgreSQL. Periods are whole days in the
institution's time zone (``settings.TIME_ZONE``), whatever time zone the
person's admin preferences choose, so that two people see the same months.

- ``usage_by_month``, ``usage_by_model``, ``usage_by_action``, ``usage_by_type``:
  ledger entries made in the period: answered calls (status "ok"), all calls,
  tokens in and out;
- ``published_share``, ``published_with_ai``: pages live today whose current
  version was published in the period, and those of them published with an
  approved methodology note;
- ``pending_notes``: notes drafted in the period and still awaiting approval
  (or a second reviewer).

Nothing here writes. See docs/ai-transparency.md.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from cimaise.ai.models import AIInteraction, MethodologyNote

PERMISSION = "ai.view_ai_dashboard"
#: The periods people may ask for: long enough for a decade of history, short enough for a readable month table.
MAX_MONTHS = 120
LAB = "lab"
OTHER = "other"
PENDING = (MethodologyNote.Status.DRAFT, MethodologyNote.Status.SECOND_REVIEW)


def institution_tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in the institution's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls, today=None):
        """The last 12 months: the current month and the 11 before it, up to today."""
        today = today or timezone.localdate(timezone=institution_tz())
        return cls(_add_months(today.replace(day=1), -11), today)

    @property
    def bounds(self):
        """(first instant, first instant after) as aware datetimes."""
        tz = institution_tz()
        return (datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz),
                datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))

    def months(self):
        """The first day of every month the period touches, oldest first."""
        first, last = self.start.replace(day=1), self.end.replace(day=1)
        months = []
        while first <= last:
            months.append(first)
            first = _add_months(first, 1)
        return months

    def filter(self, field):
        """A Q object keeping the rows whose ``field`` (a datetime) falls in the period."""
        start, end = self.bounds
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# --- AI use: the ledger ------------------------------------------------------------------------------------------


def _usage():
    """The figures every usage table has, as aggregate expressions."""
    return {
        "answered": Count("pk", filter=Q(status=AIInteraction.Status.OK)),
        "calls": Count("pk"),
        "input_tokens": Coalesce(Sum("input_tokens"), 0),
        "output_tokens": Coalesce(Sum("output_tokens"), 0),
    }


def _usage_row(row):
    return {key: row[key] for key in ("answered", "calls", "input_tokens", "output_tokens")}


def interactions(period):
    """The ledger entries made in the period (connection tests included: they are calls too)."""
    return AIInteraction.objects.filter(period.filter("created_at")).order_by()


def usage_by_month(period):
    """One row per month of the period, empty months included: {"month": date, answered, calls, tokens}."""
    month = TruncMonth("created_at", output_field=DateField(), tzinfo=institution_tz())
    rows = interactions(period).annotate(month=month).values("month").annotate(**_usage())
    found = {row["month"]: _usage_row(row) for row in rows}
    empty = {"answered": 0, "calls": 0, "input_tokens": 0, "output_tokens": 0}
    return [{"month": month, **found.get(month, empty)} for month in period.months()]


def _by_calls(rows):
    return sorted(rows, key=lambda row: (-row["answered"], -row["calls"], str(row["label"]).casefold()))


def usage_by_model(period):
    """One row per model (provider and model name) used in the period, most answered first."""
    rows = interactions(period).values("provider", "model_id").annotate(**_usage())
    return _by_calls([{"provider": row["provider"], "model_id": row["model_id"],
                       "label": f"{row['model_id']} ({row['provider']})", **_usage_row(row)} for row in rows])


def action_labels():
    return dict(AIInteraction._meta.get_field("action").choices)


def usage_by_action(period):
    """One row per action (draft, shorten, ...), labelled as the AI policy names them, most answered first."""
    labels = action_labels()
    rows = interactions(period).values("action").annotate(**_usage())
    return _by_calls([{"action": row["action"], "label": labels.get(row["action"], row["action"]),
                       **_usage_row(row)} for row in rows])


def _type_label(key):
    if key == LAB:
        return _("Creative lab")
    if key == OTHER:
        return _("Other (no page)")
    app_label, _dot, model_name = key.partition(".")
    try:
        return capfirst(apps.get_model(app_label, model_name)._meta.verbose_name)
    except LookupError:
        return key


def usage_by_type(period):
    """One row per kind of content served: the page type, the creative lab (no page), or other.

    A call counts for its page's type when it has a page, else for the creative lab when it was made in a
    lab session, else as "other" (a connection test, a page since deleted).
    """
    rows = (interactions(period)
            .values(app_label=F("page__content_type__app_label"), model_name=F("page__content_type__model"),
                    in_lab=Case(When(lab_session__isnull=False, then=Value(True)), default=Value(False),
                                output_field=BooleanField()))
            .annotate(**_usage()))
    merged = {}
    for row in rows:
        if row["app_label"]:
            key = f"{row['app_label']}.{row['model_name']}"
        else:
            key = LAB if row["in_lab"] else OTHER
        total = merged.setdefault(key, {"type": key, "label": _type_label(key), "answered": 0, "calls": 0,
                                        "input_tokens": 0, "output_tokens": 0})
        for name, value in _usage_row(row).items():
            total[name] += value
    return _by_calls(merged.values())


# --- published content: the notes ------------------------------------------------------------------------------


def _page_notes():
    """Methodology notes of pages (pages use the base Page type: ``content.item_key``)."""
    return MethodologyNote.objects.filter(content_type__app_label="wagtailcore", content_type__model="page")


def _live_note(value):
    """A subquery: ``value`` of the live approved note of the outer page, or NULL."""
    notes = _page_notes().filter(object_id=Cast(OuterRef("pk"), CharField()), live=True,
                                 status=MethodologyNote.Status.APPROVED)
    return Subquery(notes.order_by("-approved_at").values(value)[:1])


def published_pages(period):
    """Pages live today (the tree's root aside) whose current version was published in the period."""
    return Page.objects.live().filter(depth__gt=1).filter(period.filter("last_published_at")).order_by()


def published_share(period):
    """{"pages": live pages published in the period, "with_ai": those with a live approved note,
    "share": with_ai / pages, "average_ai_share": the mean AI share of those with a note (None if none)}."""
    figures = published_pages(period).annotate(ai_share=_live_note("share")).aggregate(
        pages=Count("pk"), with_ai=Count("ai_share"), average_ai_share=Avg("ai_share"))
    figures["share"] = figures["with_ai"] / figures["pages"] if figures["pages"] else 0.0
    return figures


def published_with_ai(period):
    """The pages published with AI, most recently published first: title, AI share, who approved and when."""
    rows = (published_pages(period)
            .annotate(note_id=_live_note("pk"), ai_share=_live_note("share"),
                      approved_by=_live_note("approved_by_label"), approved_at=_live_note("approved_at"),
                      second_reviewer=_live_note("second_reviewer_label"))
            .filter(note_id__isnull=False)
            .order_by("-last_published_at", "pk")
            .values("pk", "title", "locale__language_code", "last_published_at", "note_id", "ai_share",
                    "approved_by", "approved_at", "second_reviewer"))
    return [{"page_id": row["pk"], "title": row["title"], "language": row["locale__language_code"] or "",
             "published_at": row["last_published_at"], "note_id": row["note_id"], "ai_share": row["ai_share"],
             "approved_by": row["approved_by"] or "", "approved_at": row["approved_at"],
             "second_reviewer": row["second_reviewer"] or ""} for row in rows]


def pending_notes(period, now=None):
    """Notes drafted in the period and awaiting approval or a second reviewer, oldest first, with their age."""
    now = now or timezone.now()
    statuses = dict(MethodologyNote.Status.choices)
    rows = (MethodologyNote.objects.filter(status__in=PENDING).filter(period.filter("created_at"))
            .order_by("created_at", "pk")
            .values("pk", "object_id", "title", "status", "created_at", "share", "approved_by_label",
                    "content_type__app_label", "content_type__model"))
    notes = []
    for row in rows:
        is_page = (row["content_type__app_label"], row["content_type__model"]) == ("wagtailcore", "page")
        notes.append({
            "note_id": row["pk"], "page_id": int(row["object_id"]) if is_page and row["object_id"].isdigit() else None,
            "title": row["title"] or row["object_id"], "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]), "drafted_at": row["created_at"],
            "age_days": max((now - row["created_at"]).days, 0), "ai_share": row["share"],
            "approved_by": row["approved_by_label"],
        })
    return notes
