"""The iCalendar feed (RFC 5545) of the programme: every upcoming session of every live event.

``/<language>/events/calendar.ics`` (``events:calendar``), or one event's sessions with ``?event=<id>``.
One VEVENT per session: UID ``<session uid>@<site host>`` (stable across calls, so that subscribed
calendars update their copy), SEQUENCE the session's own, STATUS:CANCELLED for a cancelled session.
Public: no personal data, and never a webinar's join link (the event page's address instead).
"""

from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Site

from cimaise.events import ics
from cimaise.events.models import EventPage, EventSession
from cimaise.institution.models import InstitutionProfile


def session_uid(session):
    return f"{session.uid}@{ics.site_host()}"


def vevent(session, page, url, now):
    """The content lines of one session's VEVENT."""
    cancelled = session.status == EventSession.Status.CANCELLED
    description = "\n\n".join(part for part in (page.intro, url) if part)
    location = page.venue.strip() if page.attendance != "online" else ""
    if page.is_online:
        location = f"{location}\n{url}" if location else url
    lines = [
        "BEGIN:VEVENT",
        f"UID:{session_uid(session)}",
        f"DTSTAMP:{ics.utc(now)}",
        f"LAST-MODIFIED:{ics.utc(session.updated_at)}",
        f"DTSTART:{ics.utc(session.starts_at)}",
        f"DTEND:{ics.utc(session.ends_at)}",
        f"SEQUENCE:{session.sequence}",
        f"SUMMARY:{ics.escape_text(page.title)}",
        f"DESCRIPTION:{ics.escape_text(description)}",
    ]
    if location:
        lines.append(f"LOCATION:{ics.escape_text(location)}")
    lines += [
        f"URL:{url}",
        f"CATEGORIES:{ics.escape_text(page.get_kind_display())}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def calendar_text(items, *, name, request=None, now=None):
    """The VCALENDAR text of ``items``: (session, page) pairs, the page in the feed's language."""
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{ics.PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics.escape_text(name)}",
    ]
    urls = {}
    for session, page in items:
        if page.pk not in urls:
            urls[page.pk] = page.get_full_url(request=request)
        lines += vevent(session, page, urls[page.pk], now)
    lines.append("END:VCALENDAR")
    return "".join(ics.fold(line) + "\r\n" for line in lines)


def upcoming_sessions(events, now=None):
    """(session, page) for the sessions not yet over of ``events`` (pages), soonest first.

    A session belongs to an event in every language: it is listed with the page given here.
    """
    now = now or timezone.now()
    pages = {page.translation_key: page for page in events}
    sessions = (EventSession.objects.filter(event__translation_key__in=list(pages), ends_at__gte=now)
                .annotate(translation_key=F("event__translation_key")).order_by("starts_at", "pk"))
    return [(session, pages[session.translation_key]) for session in sessions]


@require_GET
@cache_control(max_age=300, public=True)
def calendar_feed(request):
    """All upcoming sessions of the site's language, or of one event (``?event=<id>``), as text/calendar."""
    event_id = request.GET.get("event")
    if event_id is not None and not event_id.isdigit():
        raise Http404("No such event.")
    site = Site.find_for_request(request)
    profile = InstitutionProfile.for_site(site) if site else None
    name = getattr(profile, "name", "") or "Cimaise"
    events = EventPage.objects.live().public()
    if event_id:
        events = list(events.filter(pk=int(event_id)))
        if not events:
            raise Http404("No such event.")
        name = f"{events[0].title} – {name}"
    else:
        events = events.filter(locale=Locale.get_active())
    response = HttpResponse(calendar_text(upcoming_sessions(events), name=name, request=request),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{"event" if event_id else "calendar"}.ics"'
    return response
