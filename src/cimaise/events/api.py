"""The events in the mobile-app API (Wagtail API v2): ``EventPage.api_fields`` uses these serialisers.

``sessions``: the event's sessions still to come, each with its start and end in ISO 8601 with the offset of
the event's time zone, its status, seats and availability. Public data only: never the webinar's join link,
never a registration.
"""

from django.utils import timezone
from rest_framework import serializers

# No import of the events' models at module level: models.py imports these serialisers for its api_fields.


def _prepare_listing(field):
    """In a listing, load the sessions and speakers of every event of the page of results at once.

    Wagtail's listing serialises the pages one by one: without this, each event would cost two queries.
    The root serializer's ``instance`` is the list being serialised; it is prepared once.
    """
    from django.db.models import prefetch_related_objects

    from cimaise.events.models import EventPage
    from cimaise.events.programme import attach_sessions

    root = field.root
    if getattr(root, "_events_prepared", False) or not getattr(root, "many", False):
        return
    root._events_prepared = True
    pages = [page for page in (root.instance or []) if isinstance(page, EventPage)]
    if pages:
        attach_sessions(pages)
        prefetch_related_objects(pages, "speakers")


def session_data(page, session, now=None):
    from cimaise.events.programme import session_state

    tz = page.tz
    state = session_state(page, session, now)
    return {
        "id": str(session.uid),
        "start": session.starts_at.astimezone(tz).isoformat(),
        "end": session.ends_at.astimezone(tz).isoformat(),
        "time_zone": page.time_zone,
        "status": session.status,
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "availability": state,
        "waiting_list": state == "full",
    }


class SessionsField(serializers.Field):
    """The upcoming sessions of an event page (read only)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        from cimaise.events.programme import sessions_of

        _prepare_listing(self)
        sessions = getattr(page, "all_sessions", None)
        if sessions is None:
            sessions = sessions_of(page)
        now = timezone.now()
        return [session_data(page, s, now) for s in sessions if s.ends_at >= now]


class SpeakersField(serializers.Field):
    """The speakers: name, role, biography (the photo is an image id of the images endpoint)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        _prepare_listing(self)
        return [{"name": s.name, "role": s.role, "bio": s.bio, "photo": s.photo_id} for s in page.speakers.all()]


SESSION_SCHEMA = {
    "type": "object",
    "required": ["id", "start", "end", "time_zone", "status", "capacity", "seats_left", "availability"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Stable; also the iCalendar UID's left part."},
        "start": {"type": "string", "format": "date-time", "description": "ISO 8601 with the offset of the "
                                                                           "event's time zone."},
        "end": {"type": "string", "format": "date-time"},
        "time_zone": {"type": "string", "description": "IANA name, e.g. Europe/Paris."},
        "status": {"type": "string", "enum": ["scheduled", "cancelled"]},
        "capacity": {"type": "integer"},
        "seats_left": {"type": "integer"},
        "availability": {"type": "string",
                         "enum": ["open", "full", "closed", "not_open", "cancelled", "past", "no_registration"],
                         "description": "open: register; full: the waiting list is offered; closed: registration "
                                        "closed; not_open: not yet open; no_registration: just come."},
        "waiting_list": {"type": "boolean", "description": "True when registering puts you on the waiting list."},
    },
}
SPEAKER_SCHEMA = {"type": "object", "properties": {
    "name": {"type": "string"}, "role": {"type": "string"}, "bio": {"type": "string"},
    "photo": {"type": ["integer", "null"], "description": "An image id (/api/v2/images/<id>/)."}}}

#: The OpenAPI schemas of the events' API fields (read by cimaise.api.openapi).
FIELD_SCHEMAS = {
    "kind": {"type": "string", "enum": ["exhibition", "performance", "concert", "screening", "guided_tour",
                                        "workshop", "webinar", "talk"]},
    "description": {"type": "string", "description": "Rich text (HTML)."},
    "attendance": {"type": "string", "enum": ["venue", "online", "mixed"]},
    "venue": {"type": "string"},
    "price": {"type": "string", "enum": ["free", "paid_on_site"]},
    "price_note": {"type": "string"},
    "audiences": {"type": "string", "description": "Comma-separated."},
    "accessibility": {"type": "string"},
    "time_zone": {"type": "string"},
    "sessions": {"type": "array", "items": SESSION_SCHEMA, "description": "The sessions still to come."},
    "speakers": {"type": "array", "items": SPEAKER_SCHEMA},
}
