"""What the events app tells people by email: confirmations, waiting list, offers, changes, cancellations.

``send(kind, registration)`` is the one entry point the services call (after
their transaction commits). Kinds: "confirmed", "waitlisted", "offered",
"offer_expired", "cancelled", "updated" (the session changed), "session_cancelled",
"reminder" (``hours`` before the start).

Each message is in the registration's language (its event page's locale), as
HTML and plain text, with what, when (in the event's time zone) and where.

- "confirmed", "updated", "reminder": an .ics invitation (METHOD:REQUEST; the
  same UID, a higher SEQUENCE after a change), "add to calendar" links, the QR
  ticket (inline and attached) and, for a webinar, the join link;
- "cancelled", "session_cancelled": an .ics cancellation (METHOD:CANCEL);
- "offered": the deadline and the link to accept;
- every message: the link to manage or cancel the registration, without login.

The webinar's join link goes only to confirmed registrants: never in an offer,
a waiting-list or a cancellation message.
"""

import logging
from email.mime.image import MIMEImage
from email.mime.text import MIMEText
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cimaise.events import ics, tickets

logger = logging.getLogger(__name__)

KINDS = ("confirmed", "waitlisted", "offered", "offer_expired", "cancelled", "updated", "session_cancelled",
         "reminder")
# Messages that carry the ticket, the invitation and (for webinars) the join link: to confirmed people only.
TICKET_KINDS = ("confirmed", "updated", "reminder")
CANCEL_KINDS = ("cancelled", "session_cancelled")


def manage_url(registration, language):
    """The link to see, change or cancel a registration without logging in (its management secret)."""
    with translation.override(language):
        try:
            path = reverse("events:manage", kwargs={"secret": registration.manage_secret})
        except NoReverseMatch:
            path = f"/{language}/events/r/{registration.manage_secret}/"
    return settings.BASE_URL + path


def google_calendar_url(registration, *, details=""):
    session, event = registration.session, registration.session.event
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{ics.utc(session.starts_at)}/{ics.utc(session.ends_at)}",
        "details": details,
        "location": event.venue.strip() or (_("Online") if event.is_online else ""),
        "ctz": event.time_zone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _when(session, tz):
    starts = timezone.localtime(session.starts_at, tz)
    ends = timezone.localtime(session.ends_at, tz)
    text = date_format(starts, "DATETIME_FORMAT")
    if ends.date() == starts.date():
        text += " – " + date_format(ends, "TIME_FORMAT")
    else:
        text += " – " + date_format(ends, "DATETIME_FORMAT")
    return f"{text} ({session.event.time_zone})"


def subject(kind, event, hours=None):
    subjects = {
        "confirmed": _("Your registration is confirmed: %(event)s"),
        "waitlisted": _("You are on the waiting list: %(event)s"),
        "offered": _("A seat is free for you: %(event)s"),
        "offer_expired": _("Your offer has expired: %(event)s"),
        "cancelled": _("Your registration is cancelled: %(event)s"),
        "updated": _("Change to your event: %(event)s"),
        "session_cancelled": _("Cancelled: %(event)s"),
        "reminder": _("Reminder: %(event)s"),
    }
    return subjects[kind] % {"event": event.title}


def build(kind, registration, *, language=None, hours=None):
    """The message for ``kind`` (an ``EmailMultiAlternatives``), not sent."""
    if kind not in KINDS:
        raise ValueError(kind)
    session = registration.session
    event = session.event
    language = language or event.locale.language_code
    with translation.override(language):
        confirmed = registration.status == registration.Status.CONFIRMED
        with_ticket = kind in TICKET_KINDS and confirmed
        page_url = event.full_url or ""
        context = {
            "kind": kind,
            "language": language,
            "registration": registration,
            "name": registration.name,
            "event": event,
            "session": session,
            "when": _when(session, event.tz),
            "where": event.venue.strip(),
            "online": event.is_online,
            "page_url": page_url,
            "manage_url": manage_url(registration, language),
            "with_ticket": with_ticket,
            "join_url": event.join_url if with_ticket and event.is_online else "",
            "hours": hours,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        if with_ticket:
            context.update({
                "short_code": tickets.short_code(registration.ticket_secret),
                "ticket_url": tickets.ticket_url(registration, "png", language),
                "ics_url": tickets.calendar_url(registration, language),
                "google_url": google_calendar_url(registration, details=page_url),
            })
        if kind == "offered" and registration.offer_expires_at:
            context["deadline"] = date_format(timezone.localtime(registration.offer_expires_at, event.tz),
                                              "DATETIME_FORMAT") + f" ({event.time_zone})"
        text = render_to_string("events/emails/message.txt", context)
        html = render_to_string("events/emails/message.html", context)
        message = EmailMultiAlternatives(subject(kind, event, hours), text, None, [registration.email])
        message.attach_alternative(html, "text/html")
        if with_ticket:
            message.attach(_calendar_part(registration, "REQUEST", page_url))
            image = MIMEImage(tickets.png(registration.ticket_secret), "png")
            image.add_header("Content-ID", "<ticket>")
            image.add_header("Content-Disposition", "inline", filename="ticket.png")
            message.attach(image)
        elif kind in CANCEL_KINDS:
            message.attach(_calendar_part(registration, "CANCEL", page_url))
    return message


def _calendar_part(registration, method, url):
    part = MIMEText(ics.invitation(registration, method=method, url=url), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    return part


def send(kind, registration, *, language=None, hours=None):
    """Email ``registration``'s person about ``kind``; True once the mail server took it.

    Raises what the mail backend raises: the callers (services after commit, the reminders task) decide
    whether to retry. The log line names the registration by id, never by address.
    """
    message = build(kind, registration, language=language, hours=hours)
    message.send()
    logger.info("events: %s email sent for registration %s", kind, registration.pk)
    return True
