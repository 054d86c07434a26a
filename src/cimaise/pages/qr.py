"""QR codes that link a place in the venue to a page on the visitor's phone."""

import io

import segno
from django.conf import settings
from django.urls import reverse


def short_url(page):
    """The stable address a QR code encodes: it survives the page being moved or renamed."""
    return settings.BASE_URL + reverse("page_short_link", args=[page.pk])


def _qr(page):
    # Level M corrects 15% damage: enough for a printed label that gets scratched.
    return segno.make(short_url(page), error="m", micro=False)


def qr_svg(page, scale=8):
    buffer = io.BytesIO()
    _qr(page).save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=True, svgns=True,
        title=None, nl=False, svgclass="qr-code", lineclass=None,
    )
    return buffer.getvalue().decode()


def qr_png(page, scale=10):
    buffer = io.BytesIO()
    _qr(page).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
