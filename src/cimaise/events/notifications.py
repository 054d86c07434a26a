"""What the events app tells people by email: confirmations, waiting list, offers, changes, cancellations.

``send(kind, registration)`` is the one entry point the services call (after
their transaction commits). Kinds: "confirmed", "waitlisted", "offered",
"offer_expired", "cancelled", "updated" (the session changed), "session_cancelled",
"reminder".
"""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

KINDS = ("confirmed", "waitlisted", "offered", "offer_expired", "cancelled", "updated", "session_cancelled",
         "reminder")


def send(kind, registration, *, language=None):
    """Email ``registration``'s person about ``kind``. A plain first version: the ticket, the .ics invitation
    and the links come with the full messages (cimaise.events.notifications is being completed)."""
    if kind not in KINDS:
        raise ValueError(kind)
    event = registration.session.event
    with translation.override(language or event.locale.language_code):
        subject = _("%(event)s: %(status)s") % {"event": event.title, "status": registration.get_status_display()}
        body = _("Hello %(name)s,\n\nYour registration to “%(event)s”: %(status)s.") % {
            "name": registration.name, "event": event.title, "status": registration.get_status_display()}
        send_mail(subject, body, None, [registration.email])
