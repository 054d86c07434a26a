"""Public URLs of the events app: tickets (QR images of tickets) and each registration's .ics invitation.

The unguessable secret in the URL is the credential: no login, and no personal data in the URL. Responses
are private (never cached by a shared cache) and send no referrer.
"""

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from cimaise.events import ics, tickets
from cimaise.events.models import Registration


def _private(response):
    response["Cache-Control"] = "private, max-age=3600"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _registration(**lookup):
    try:
        return Registration.objects.select_related("session__event").get(**lookup)
    except Registration.DoesNotExist:
        raise Http404 from None


@require_GET
def ticket_svg(request, secret):
    registration = _registration(ticket_secret=secret)
    return _private(HttpResponse(tickets.svg(registration.ticket_secret), content_type="image/svg+xml"))


@require_GET
def ticket_png(request, secret):
    registration = _registration(ticket_secret=secret)
    return _private(HttpResponse(tickets.png(registration.ticket_secret), content_type="image/png"))


@require_GET
def registration_ics(request, secret):
    """The registration's invitation as it stands: a request, or a cancellation once cancelled."""
    registration = _registration(manage_secret=secret)
    cancelled = registration.status in (Registration.Status.CANCELLED, Registration.Status.EXPIRED)
    text = ics.invitation(registration, method="CANCEL" if cancelled else "REQUEST",
                          url=registration.session.event.full_url or "")
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitation.ics"'
    return _private(response)


urlpatterns = [
    path("tickets/<str:secret>.svg", ticket_svg, name="ticket_svg"),
    path("tickets/<str:secret>.png", ticket_png, name="ticket_png"),
    path("calendar/<str:secret>.ics", registration_ics, name="registration_ics"),
]
