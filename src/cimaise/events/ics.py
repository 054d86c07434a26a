"""iCalendar (RFC 5545) invitations of a registration: request, update, cancellation.

``invitation(registration, method="REQUEST")`` returns the text of a
VCALENDAR with one VEVENT:

- UID: ``<registration.uid>@<site host>``, the same for the life of the registration, so that calendars
  update or remove the event they already hold instead of adding another;
- SEQUENCE: ``registration.sequence + session.sequence``, raised by the services on every change;
- DTSTAMP, DTSTART and DTEND in UTC (``Z``): no VTIMEZONE needed, every client converts;
- ORGANIZER: the institution's public address (``DEFAULT_FROM_EMAIL``); ATTENDEE: the registrant, only in
  their own invitation;
- METHOD:CANCEL with STATUS:CANCELLED for a cancelled registration or session.

Lines end with CRLF and are folded at 75 octets (never inside a UTF-8 character); text values are escaped.
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

PRODID = "-//Cimaise//Events//EN"


def escape_text(value):
    """Escape a TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma, newline."""
    value = str(value or "")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Fold one content line at 75 octets; continuation lines start with a space (RFC 5545, 3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # the leading space counts
        current += octets
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def utc(value):
    """A datetime as an RFC 5545 UTC DATE-TIME: 20260301T170000Z."""
    return value.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def site_host():
    """The host of the public site, for UIDs (stable: from settings.BASE_URL)."""
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def organizer():
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name, address or settings.DEFAULT_FROM_EMAIL


def uid(registration):
    return f"{registration.uid}@{site_host()}"


def sequence(registration):
    return registration.sequence + registration.session.sequence


def _param(value):
    """A parameter value, quoted when it holds characters that would end it."""
    value = str(value).replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ":;,") else value


def invitation(registration, *, method="REQUEST", url="", now=None):
    """The .ics text of ``registration``'s invitation (``method``: "REQUEST" or "CANCEL").

    ``url``: the page to link (the event page). The webinar's link goes in the description only for a
    confirmed registration's request.
    """
    session = registration.session
    event = session.event
    cancelled = method == "CANCEL" or session.status == session.Status.CANCELLED
    if cancelled:
        method = "CANCEL"
    description = [event.intro] if event.intro else []
    location = event.venue.strip()
    confirmed = registration.status == registration.Status.CONFIRMED
    if event.is_online and event.join_url and confirmed and not cancelled:
        description.append(event.join_url)
        location = f"{location}\n{event.join_url}" if location else event.join_url
    if url:
        description.append(url)
    org_name, org_address = organizer()
    organizer_line = "ORGANIZER"
    if org_name:
        organizer_line += f";CN={_param(org_name)}"
    attendee = (f"ATTENDEE;CN={_param(registration.name)};ROLE=REQ-PARTICIPANT;"
                f"PARTSTAT={'ACCEPTED' if confirmed and not cancelled else 'NEEDS-ACTION'};RSVP=FALSE:"
                f"mailto:{registration.email}")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid(registration)}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"DTSTART:{utc(session.starts_at)}",
        f"DTEND:{utc(session.ends_at)}",
        f"SEQUENCE:{sequence(registration)}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(chr(10).join(description))}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        lines.append(f"URL:{url}")
    lines += [
        f"{organizer_line}:mailto:{org_address}",
        attendee,
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def unfold(text):
    """The content lines of an .ics text, unfolded (for readers and tests)."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def parse(text):
    """A minimal reader: {NAME: (params, value)} of the first VEVENT's properties, and "METHOD"."""
    result = {}
    in_event = False
    for line in unfold(text):
        if not line:
            continue
        name_params, _, value = line.partition(":")
        name, *params = name_params.split(";")
        if line == "BEGIN:VEVENT":
            in_event = True
            continue
        if line == "END:VEVENT":
            in_event = False
            continue
        if in_event or name == "METHOD":
            result.setdefault(name, (params, value))
    return result


def unescape_text(value):
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)
