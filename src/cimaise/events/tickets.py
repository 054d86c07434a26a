"""QR-code tickets: the image encodes the ticket's secret and nothing else.

The secret (``Registration.ticket_secret``, 256 random bits) is the ticket: whoever shows it is let in once
(see ``services.checkin``). The image carries no name, email or event, so a photo of it shared by mistake
tells nothing about its holder.
"""

import io

import segno
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation


def qr(secret):
    # Error correction M: a phone screen with a crack or glare still reads.
    return segno.make_qr(secret, error="m")


def svg(secret):
    buffer = io.BytesIO()
    qr(secret).save(buffer, kind="svg", scale=8, border=4, xmldecl=False, svgns=True,
                    title="QR", dark="#000", light="#fff")
    return buffer.getvalue()


def png(secret, scale=8):
    buffer = io.BytesIO()
    qr(secret).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def short_code(secret):
    """The first ten characters, grouped for reading aloud or typing at the door (with the session chosen)."""
    return f"{secret[:5]}-{secret[5:10]}"


def ticket_url(registration, kind="png", language=None):
    """The absolute URL of ``registration``'s ticket image (``kind``: "png" or "svg")."""
    name = "events:ticket_png" if kind == "png" else "events:ticket_svg"
    language = language or registration.session.event.locale.language_code
    with translation.override(language):
        try:
            path = reverse(name, kwargs={"secret": registration.ticket_secret})
        except NoReverseMatch:
            path = f"/{language}/events/tickets/{registration.ticket_secret}.{kind}"
    return settings.BASE_URL + path


def calendar_url(registration, language=None):
    """The absolute URL of ``registration``'s .ics invitation (behind its management secret)."""
    language = language or registration.session.event.locale.language_code
    with translation.override(language):
        try:
            path = reverse("events:registration_ics", kwargs={"secret": registration.manage_secret})
        except NoReverseMatch:
            path = f"/{language}/events/calendar/{registration.manage_secret}.ics"
    return settings.BASE_URL + path
