"""schema.org ``Event`` data (JSON-LD) of an event page: one ``Event`` per upcoming session.

Built at each request (not cached with the page): ``offers.availability`` follows the seats. The
``VirtualLocation`` of an online event is the event page itself, never the webinar's private link.
"""

from django.utils import timezone

from cimaise.events.models import Attendance, EventSession, Price
from cimaise.institution.models import InstitutionProfile

SCHEMA = "https://schema.org/"

ATTENDANCE_MODE = {
    Attendance.VENUE: SCHEMA + "OfflineEventAttendanceMode",
    Attendance.ONLINE: SCHEMA + "OnlineEventAttendanceMode",
    Attendance.MIXED: SCHEMA + "MixedEventAttendanceMode",
}


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def organizer(page, request):
    from wagtail.models import Site

    site = (Site.find_for_request(request) if request is not None else None) or page.get_site()
    profile = InstitutionProfile.for_site(site) if site else None
    data = {"@type": getattr(profile, "schema_org_type", "") or "Organization",
            "name": getattr(profile, "name", "") or (site.site_name if site else ""),
            "url": site.root_url if site else ""}
    if profile is not None and profile.address:
        data["address"] = profile.address
    return data


def location(page, url):
    places = []
    if page.attendance in (Attendance.VENUE, Attendance.MIXED) and page.venue.strip():
        lines = [line.strip() for line in page.venue.strip().splitlines() if line.strip()]
        places.append({"@type": "Place", "name": lines[0], "address": ", ".join(lines[1:]) or lines[0]})
    if page.is_online:
        places.append({"@type": "VirtualLocation", "url": url})  # the public page, not the join link
    return places[0] if len(places) == 1 else places


def availability(page, session, now=None):
    from cimaise.events.programme import State, session_state

    state = session_state(page, session, now)
    return {
        State.OPEN: "InStock",
        State.NO_REGISTRATION: "InStock",
        State.FULL: "SoldOut",
        State.NOT_OPEN: "PreOrder",
        State.CLOSED: "SoldOut" if session.is_full else "Discontinued",
        State.CANCELLED: "Discontinued",
        State.PAST: "Discontinued",
    }[state]


def offers(page, session, url, now=None):
    data = {"@type": "Offer", "url": url, "availability": SCHEMA + availability(page, session, now)}
    if page.price == Price.FREE:
        data.update({"price": "0", "priceCurrency": "EUR"})
    elif page.price_note:
        data["description"] = page.price_note
    if page.registration_opens_at:
        data["validFrom"] = page.registration_opens_at.isoformat()
    if page.registration_closes_at:
        data["validThrough"] = page.registration_closes_at.isoformat()
    return data


def event(page, session, request=None, *, url=None, image=None, performers=None, org=None, now=None):
    """One session of ``page`` as a schema.org ``Event``."""
    url = url or page.get_full_url(request=request)
    tz = page.tz
    data = {
        "@type": "Event",
        "@id": f"{url}#session-{session.pk}",
        "name": page.title,
        "url": url,
        "startDate": timezone.localtime(session.starts_at, tz).isoformat(),
        "endDate": timezone.localtime(session.ends_at, tz).isoformat(),
        "eventAttendanceMode": ATTENDANCE_MODE.get(page.attendance, ATTENDANCE_MODE[Attendance.VENUE]),
        "eventStatus": SCHEMA + ("EventCancelled" if session.status == EventSession.Status.CANCELLED
                                 else "EventScheduled"),
        "location": location(page, url),
        "organizer": org or organizer(page, request),
        "offers": offers(page, session, url, now),
    }
    if page.intro:
        data["description"] = page.intro
    if image:
        data["image"] = image
    if performers:
        data["performer"] = performers
    if page.registration_required:
        data["maximumAttendeeCapacity"] = session.capacity
        data["remainingAttendeeCapacity"] = session.seats_left
    return data


def event_json_ld(page, request=None, sessions=None, now=None):
    """The JSON-LD of ``page``'s ``sessions`` (by default its upcoming ones): ``{"@context", "@graph"}``."""
    if sessions is None:
        from cimaise.events.programme import sessions_of

        sessions = [s for s in sessions_of(page) if s.ends_at >= (now or timezone.now())]
    if not sessions:
        return None
    url = page.get_full_url(request=request)
    image = None
    if page.image:
        image = _absolute(request, page.image.get_rendition("fill-1200x675").url)
    performers = [{"@type": "Person", "name": s.name, **({"jobTitle": s.role} if s.role else {})}
                  for s in page.speakers.all()]
    org = organizer(page, request)
    return {"@context": "https://schema.org", "@graph": [
        event(page, session, request, url=url, image=image, performers=performers, org=org, now=now)
        for session in sessions
    ]}
