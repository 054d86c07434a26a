"""Public registration views: register, the person's registration page (reached by its secret link), its actions.

They call ``cimaise.events.services`` and never write models. The
registration page is private: its address carries the random manage
secret, it is never cached or indexed, and an unknown or tampered secret
gets the same plain 404 page whatever exists.
"""

from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cimaise.events.forms import RegistrationForm
from cimaise.events.models import EventPage, EventSession, Registration
from cimaise.events.services import registrations as services
from cimaise.events.services.registrations import RegistrationError


def _private(response):
    """Personal pages: never cached, never indexed, their secret address never sent to another site.

    "same-origin", not "no-referrer": with the latter browsers post forms with ``Origin: null``,
    which Django's CSRF check refuses.
    """
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _client_key(request):
    return request.META.get("REMOTE_ADDR", "")


# What a registration needs of its session and event, in two short queries written out: through the ORM
# (select_related over every column of Wagtail's page and the event's) the look-up cost more than the
# registration itself.
_SESSION_SQL = ("SELECT id, event_id, uid, starts_at, ends_at, capacity, confirmed_seats, status, "
                "registration_closed FROM events_eventsession WHERE uid = %s")
_EVENT_SQL = ("SELECT p.id, p.live, p.locale_id, e.page_ptr_id, e.max_seats_per_person, e.registration_required, "
              "e.registration_opens_at, e.registration_closes_at FROM events_eventpage e "
              "JOIN wagtailcore_page p ON p.id = e.page_ptr_id WHERE e.page_ptr_id = %s")


def _narrow_session(session_uid):
    uid = EventSession._meta.get_field("uid").get_db_prep_value(session_uid, connection)
    session = next(iter(EventSession.objects.raw(_SESSION_SQL, [uid])), None)
    if session is not None:
        session.event = next(iter(EventPage.objects.raw(_EVENT_SQL, [session.event_id])), None)
    return session if session is not None and session.event is not None else None


def _session_or_404(session_uid, *, narrow=False):
    if narrow:
        session = _narrow_session(session_uid)
        if session is None:
            raise Http404
    else:
        session = get_object_or_404(EventSession.objects.select_related("event"), uid=session_uid)
    if not session.event.live:
        raise Http404
    return session


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, session_uid):
    """GET: the form for one session. POST: register, then redirect to the registration's own page.

    On any refusal the form comes back with the message and everything typed.
    """
    session = _session_or_404(session_uid, narrow=request.method == "POST")
    language = get_language()
    form = RegistrationForm(request.POST or None, session=session)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_bot:
            form.add_error(None, services._error("bot", language).message)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                result = services.register(
                    session, name=data["name"], email=data["email"], seats=data["seats"],
                    accessibility_needs=data["accessibility_needs"],
                    consent_newsletter=data["consent_newsletter"], consent_photos=data["consent_photos"],
                    language=language, client_key=_client_key(request))
            except RegistrationError as error:
                field = {"invalid_email": "email", "seats_limit": "seats"}.get(error.code)
                form.add_error(field, error.message)
            else:
                if result.outcome == "already":
                    # Never show someone else's registration: its link goes again to its own address only.
                    registration = result.registration
                    services._notify(_status_kind(registration), registration)
                    session = _session_or_404(session_uid)
                    return _private(render(request, "events/registration/already.html",
                                           {"event": session.event, "session": session}))
                return redirect("events:manage", result.registration.manage_secret)
        session = _session_or_404(session_uid)  # the whole event again, for the page that says what to fix
    return _private(render(request, "events/registration/register.html",
                           {"event": session.event, "session": session, "form": form}, status=status))


def _status_kind(registration):
    return {Registration.Status.WAITLISTED: "waitlisted", Registration.Status.OFFERED: "offered"}.get(
        registration.status, "confirmed")


def _registration_or_404(request, secret):
    registration = services.by_manage_secret(secret)
    if registration is None:
        response = render(request, "events/registration/not_found.html", status=404)
        return None, _private(response)
    return registration, None


def _page(request, registration, *, error=None, status=200):
    session = registration.session
    event = session.event
    confirmed = registration.status == Registration.Status.CONFIRMED
    context = {
        "registration": registration, "session": session, "event": event, "error": error,
        # The webinar link: to confirmed registrants only, never on the public page.
        "join_url": event.join_url if confirmed and event.is_online and event.join_url else "",
        "can_cancel": registration.status in Registration.ACTIVE and session.status == EventSession.Status.SCHEDULED,
    }
    return _private(render(request, "events/registration/detail.html", context, status=status))


@never_cache
@require_http_methods(["GET"])
def registration_detail(request, secret):
    registration, not_found = _registration_or_404(request, secret)
    if not_found:
        return not_found
    return _page(request, registration)


@require_POST
def registration_cancel(request, secret):
    registration, not_found = _registration_or_404(request, secret)
    if not_found:
        return not_found
    services.cancel(registration)
    return redirect("events:manage", secret)


@require_POST
def offer_accept(request, secret):
    registration, not_found = _registration_or_404(request, secret)
    if not_found:
        return not_found
    try:
        services.accept_offer(registration, language=get_language())
    except RegistrationError as error:
        registration.refresh_from_db()
        return _page(request, registration, error=error.message, status=409)
    return redirect("events:manage", secret)


@require_POST
def offer_decline(request, secret):
    registration, not_found = _registration_or_404(request, secret)
    if not_found:
        return not_found
    if registration.status == Registration.Status.OFFERED:
        services.decline_offer(registration)
    return redirect("events:manage", secret)
