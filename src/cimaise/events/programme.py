"""The programme's queries: upcoming events and their next session, filters, the month calendar, the archive.

Read-only. ``index_context(index, request)`` and ``event_context(page, request)`` give the templates
(``events/event_index_page.html``, ``events/event_page.html``) what they show; every listing prefetches
the sessions (one query for the events, one for all their sessions).

A session's state for visitors (``session_state``): cancelled, past, registration closed (by the
organisers or by the window), not yet open, full (the waiting list is offered) or open. The join link of
a webinar is never part of anything here.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cimaise.events.models import Attendance, EventKind, EventPage, EventSession

ARCHIVE_PER_PAGE = 12
WHERE_CHOICES = [("venue", _("In the venue")), ("online", _("Online"))]


class State:
    CANCELLED = "cancelled"
    PAST = "past"
    CLOSED = "closed"
    NOT_OPEN = "not_open"
    FULL = "full"
    OPEN = "open"
    NO_REGISTRATION = "no_registration"


def session_state(page, session, now=None):
    """What a visitor can do for ``session`` of ``page`` now (a ``State`` value)."""
    now = now or timezone.now()
    if session.status == EventSession.Status.CANCELLED:
        return State.CANCELLED
    if session.ends_at < now:
        return State.PAST
    if not page.registration_required:
        return State.NO_REGISTRATION
    if session.registration_closed or session.starts_at <= now or (
            page.registration_closes_at and page.registration_closes_at <= now):
        return State.CLOSED
    if page.registration_opens_at and page.registration_opens_at > now:
        return State.NOT_OPEN
    if session.is_full:
        return State.FULL
    return State.OPEN


@dataclass
class SessionView:
    """A session as visitors see it: local times in the event's time zone, and its state."""

    session: EventSession
    page: EventPage
    state: str
    start: datetime.datetime
    end: datetime.datetime

    @property
    def seats_left(self):
        return self.session.seats_left

    @property
    def pk(self):
        return self.session.pk

    @property
    def time_zone(self):
        return self.page.time_zone

    @property
    def same_day(self):
        return self.start.date() == self.end.date()

    @property
    def google_calendar_url(self):
        """An "add to Google Calendar" link: the page's address, never the webinar's link."""
        details = "\n\n".join(part for part in (self.page.intro, self.page.full_url or "") if part)
        location = self.page.venue.strip() or (self.page.full_url or "")
        params = {
            "action": "TEMPLATE",
            "text": self.page.title,
            "dates": f"{_utc(self.session.starts_at)}/{_utc(self.session.ends_at)}",
            "ctz": self.page.time_zone,
            "details": details,
            "location": location,
        }
        return "https://calendar.google.com/calendar/render?" + urlencode(params)


def _utc(value):
    return value.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def view_session(page, session, now=None):
    tz = page.tz
    return SessionView(session=session, page=page, state=session_state(page, session, now),
                       start=timezone.localtime(session.starts_at, tz), end=timezone.localtime(session.ends_at, tz))


def sessions_of(page):
    """The sessions of ``page`` and of its translations: a session (and its seats) is one, in every language.

    Sessions hang on the page they were created with (usually the original); a translation shows the same.
    """
    return EventSession.objects.filter(event__translation_key=page.translation_key).order_by("starts_at", "pk")


def attach_sessions(pages):
    """Set ``page.all_sessions`` (ordered) on each of ``pages``, in one query; returns ``pages``."""
    pages = list(pages)
    by_key = {}
    sessions = (EventSession.objects.filter(event__translation_key__in={p.translation_key for p in pages})
                .annotate(translation_key=F("event__translation_key")).order_by("starts_at", "pk"))
    for session in sessions:
        by_key.setdefault(session.translation_key, []).append(session)
    for page in pages:
        page.all_sessions = by_key.get(page.translation_key, [])
    return pages


def events_of(index):
    """The live events of the programme ``index``, in its language, with their sessions (two queries)."""
    events = EventPage.objects.live().public().child_of(index).select_related("image").prefetch_related("speakers")
    return attach_sessions(events)


def audiences_of(page):
    return [tag.strip() for tag in page.audiences.split(",") if tag.strip()]


@dataclass
class Filters:
    kind: str = ""
    audience: str = ""
    where: str = ""
    month: datetime.date | None = None  # first day of the month
    errors: list = field(default_factory=list)

    @property
    def active(self):
        return bool(self.kind or self.audience or self.where or self.month)

    def query(self, **changes):
        """The query string of these filters with ``changes`` (None removes one)."""
        values = {"kind": self.kind, "audience": self.audience, "where": self.where,
                  "month": self.month.strftime("%Y-%m") if self.month else ""}
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


def parse_filters(params):
    """Filters from GET parameters; an unknown value is ignored and reported, never a server error."""
    filters = Filters()
    kind = params.get("kind", "")
    if kind in EventKind.values:
        filters.kind = kind
    elif kind:
        filters.errors.append(_("Unknown kind of event: the filter was ignored."))
    where = params.get("where", "")
    if where in dict(WHERE_CHOICES):
        filters.where = where
    elif where:
        filters.errors.append(_("Unknown place: the filter was ignored."))
    filters.audience = params.get("audience", "").strip()[:100]
    month = params.get("month", "")
    if month:
        try:
            filters.month = datetime.datetime.strptime(month, "%Y-%m").date().replace(day=1)
        except ValueError:
            filters.errors.append(_("Give the month as YYYY-MM: the filter was ignored."))
    return filters


def matches(page, filters):
    if filters.kind and page.kind != filters.kind:
        return False
    if filters.where == "venue" and page.attendance not in (Attendance.VENUE, Attendance.MIXED):
        return False
    if filters.where == "online" and page.attendance not in (Attendance.ONLINE, Attendance.MIXED):
        return False
    if filters.audience and filters.audience.casefold() not in {a.casefold() for a in audiences_of(page)}:
        return False
    return True


def _in_month(page, session, month):
    start = timezone.localtime(session.starts_at, page.tz).date()
    return (start.year, start.month) == (month.year, month.month)


@dataclass
class Listed:
    """An event in a listing, with its next session (or its last one, in the archive)."""

    page: EventPage
    session: SessionView | None
    more_sessions: int = 0


def upcoming(events, filters, now=None):
    """Events with a session still to come (or running), soonest first; the next session for each."""
    now = now or timezone.now()
    listed = []
    for page in events:
        if not matches(page, filters):
            continue
        sessions = [s for s in page.all_sessions if s.ends_at >= now]
        if filters.month:
            sessions = [s for s in sessions if _in_month(page, s, filters.month)]
        if not sessions:
            continue
        scheduled = [s for s in sessions if s.status == EventSession.Status.SCHEDULED] or sessions
        listed.append(Listed(page, view_session(page, scheduled[0], now), len(sessions) - 1))
    listed.sort(key=lambda item: (item.session.session.starts_at, item.page.pk))
    return listed


def past(events, filters, now=None):
    """Events whose sessions are all over, the most recent first (the archive)."""
    now = now or timezone.now()
    listed = []
    for page in events:
        if not page.all_sessions or not matches(page, filters):
            continue
        if any(s.ends_at >= now for s in page.all_sessions):
            continue
        last = page.all_sessions[-1]
        if filters.month and not any(_in_month(page, s, filters.month) for s in page.all_sessions):
            continue
        listed.append(Listed(page, view_session(page, last, now), len(page.all_sessions) - 1))
    listed.sort(key=lambda item: (item.session.session.starts_at, item.page.pk), reverse=True)
    return listed


def month_calendar(events, filters, month, now=None):
    """Weeks (Monday first) of ``month``: each day with the sessions starting that day (in their zone)."""
    now = now or timezone.now()
    by_day = {}
    for page in events:
        if not matches(page, filters):
            continue
        for session in page.all_sessions:
            view = view_session(page, session, now)
            if (view.start.year, view.start.month) == (month.year, month.month):
                by_day.setdefault(view.start.date(), []).append(view)
    for day in by_day.values():
        day.sort(key=lambda view: view.start)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append([{"date": day, "in_month": day.month == month.month, "sessions": by_day.get(day, []),
                       "today": day == timezone.localdate(now)} for day in week])
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {"month": month, "weeks": weeks, "days": sorted(by_day.items()),
            "previous": previous, "next": following,
            "previous_query": filters.query(month=previous.strftime("%Y-%m")),
            "next_query": filters.query(month=following.strftime("%Y-%m")),
            "weekdays": [datetime.date(2024, 1, d) for d in range(1, 8)]}  # 2024-01-01 was a Monday


def index_context(index, request, now=None):
    """The programme page's context: filters, upcoming events, the month calendar, the archive page."""
    now = now or timezone.now()
    filters = parse_filters(request.GET)
    events = events_of(index)
    month = filters.month or timezone.localdate(now).replace(day=1)
    archive = Paginator(past(events, filters, now), ARCHIVE_PER_PAGE).get_page(request.GET.get("page"))
    kinds = sorted({page.kind for page in events})
    audiences = sorted({a for page in events for a in audiences_of(page)}, key=str.casefold)
    return {
        "filters": filters,
        "upcoming": upcoming(events, filters, now),
        "calendar": month_calendar(events, filters, month, now),
        "archive": archive,
        "kind_choices": [(value, label) for value, label in EventKind.choices if value in kinds],
        "audience_choices": audiences,
        "where_choices": WHERE_CHOICES,
        "feed_url": reverse("events:calendar"),
    }


PAST_SESSIONS_SHOWN = 5


def event_context(page, request, now=None):
    """The event page's context: its upcoming sessions with their state, and its JSON-LD ``Event`` data."""
    from cimaise.events.structured_data import event_json_ld

    now = now or timezone.now()
    every = list(sessions_of(page))
    sessions = [view_session(page, s, now) for s in every if s.ends_at >= now]
    # An archived event keeps its dates, on the page and in its JSON-LD (the latest few, newest first).
    past_sessions = [view_session(page, s, now) for s in reversed(every) if s.ends_at < now][:PAST_SESSIONS_SHOWN]
    described = [v.session for v in sessions] or [v.session for v in past_sessions]
    return {
        "sessions": sessions,
        "past_sessions": past_sessions if not sessions else [],
        "audience_list": audiences_of(page),
        "ics_url": f"{reverse('events:calendar')}?{urlencode({'event': page.pk})}",
        "event_json_ld": event_json_ld(page, request, sessions=described, now=now),
    }
