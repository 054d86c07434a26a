"""The organisers' and the box office's admin, under /admin/events/ ("events_admin:…").

- ``index``: the events and their sessions, with links to what each person may do;
- ``sessions`` (per event page): list and add sessions, change a session's capacity, close or reopen its
  registration, cancel it. Behind the right to edit the event page; every change goes through
  ``cimaise.events.services.sessions`` (which tells registrants and updates their calendars);
- ``attendees`` (per session): name, seats, status, check-in, accessibility needs, email; ``?format=csv``;
- ``checkin``: the door, on a phone: choose the session, scan the QR with the camera or type the code.

Attendees and check-in are the only admin pages that show registrants' names and emails: behind
``events.check_in_registration`` (the box office and Administration). Organisers see the counts.
Nothing here writes a model: the services do.
"""

import csv
import datetime
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cimaise.events.models import EventPage, EventSession, Registration
from cimaise.events.services import checkin

CHECK_IN_PERMISSION = "events.check_in_registration"


def can_organise(user, page):
    """Whether ``user`` may change ``page``'s sessions: the right to edit the event page."""
    return page.permissions_for_user(user).can_edit()


def can_see_attendees(user, page):
    """Names, emails and needs of registrants: for the door only (the box office and Administration)."""
    return user.has_perm(CHECK_IN_PERMISSION)


def sessions_service():
    # Written alongside (cimaise.events.services.sessions): imported when used.
    from cimaise.events.services import sessions

    return sessions


def _local(value, tz):
    return timezone.localtime(value, tz).replace(tzinfo=None) if value else None


class EventsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/admin/index.html"
    page_title = gettext_lazy("Events")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        self.checkin = request.user.has_perm(CHECK_IN_PERMISSION)
        self.pages = [page for page in EventPage.objects.all().order_by("-latest_revision_created_at")
                      if self.checkin or can_organise(request.user, page)]
        if not self.pages and not self.checkin and not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = []
        for page in self.pages:
            sessions = list(page.sessions.filter(ends_at__gte=now - datetime.timedelta(days=1)))
            rows.append({"page": page, "sessions": sessions, "organise": can_organise(self.request.user, page)})
        context.update(rows=rows, checkin=self.checkin)
        return context


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    capacity = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=100_000)

    def __init__(self, *args, tz, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("In the event's time zone (%(tz)s).") % {"tz": str(tz)}

    def clean(self):
        cleaned = super().clean()
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name):
                cleaned[name] = timezone.make_aware(cleaned[name].replace(tzinfo=None), self.tz)
        if cleaned.get("starts_at") and cleaned.get("ends_at") and cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=gettext_lazy("Seats"), min_value=0, max_value=100_000)


class SessionsView(WagtailAdminTemplateMixin, TemplateView):
    """An event's sessions: add one, change capacity, close or reopen registration, cancel."""

    template_name = "events/admin/sessions.html"
    header_icon = "date"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.event = get_object_or_404(EventPage, pk=page_id)
        if not can_organise(request.user, self.event):
            raise PermissionDenied
        self.form = SessionForm(tz=self.event.tz)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Sessions of “%(event)s”") % {"event": self.event.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": reverse("events_admin:index"), "label": _("Events")},
                                         {"url": "", "label": self.event.title}]

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "create":
            self.form = SessionForm(request.POST, tz=self.event.tz)
            if self.form.is_valid():
                data = self.form.cleaned_data
                try:
                    sessions_service().create_session(self.event, starts_at=data["starts_at"], ends_at=data["ends_at"],
                                                      capacity=data["capacity"], user=request.user)
                except ValidationError as error:
                    self.form.add_error(None, error)
                else:
                    messages.success(request, _("Session added."))
                    return redirect("events_admin:sessions", page_id=self.event.pk)
            return self.get(request, *args, **kwargs)
        session = get_object_or_404(EventSession, pk=request.POST.get("session"), event=self.event)
        service = sessions_service()
        try:
            if action == "capacity":
                form = CapacityForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give the number of seats as a whole number, 0 or more."))
                    return redirect("events_admin:sessions", page_id=self.event.pk)
                service.change_capacity(session, form.cleaned_data["capacity"], user=request.user)
                messages.success(request, _("Capacity changed."))
            elif action == "move":
                form = SessionForm(request.POST, tz=self.event.tz, prefix=f"move-{session.pk}")
                form.fields["capacity"].required = False
                if not form.is_valid():
                    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
                    return redirect("events_admin:sessions", page_id=self.event.pk)
                service.update_session(session, starts_at=form.cleaned_data["starts_at"],
                                       ends_at=form.cleaned_data["ends_at"], user=request.user)
                messages.success(request, _("Session moved: registrants are told by email, with an update for "
                                            "their calendars."))
            elif action in ("close", "reopen"):
                service.close_registration(session, action == "close", user=request.user)
                messages.success(request, _("Registration closed.") if action == "close"
                                 else _("Registration reopened."))
            elif action == "cancel":
                if request.POST.get("confirm") != "yes":
                    messages.error(request, _("Tick the box to confirm the cancellation."))
                    return redirect("events_admin:sessions", page_id=self.event.pk)
                service.cancel_session(session, user=request.user)
                messages.success(request, _("Session cancelled: every registrant is told by email, with a "
                                            "cancellation for their calendar."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("events_admin:sessions", page_id=self.event.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tz = self.event.tz
        rows = []
        for session in self.event.sessions.all():
            counts = {status: 0 for status in Registration.Status.values}
            for status, seats in session.registrations.values_list("status", "seats"):
                counts[status] += seats
            move = SessionForm(tz=tz, prefix=f"move-{session.pk}", initial={
                "starts_at": _local(session.starts_at, tz), "ends_at": _local(session.ends_at, tz)})
            rows.append({"session": session, "move": move, "starts": timezone.localtime(session.starts_at, tz),
                         "ends": timezone.localtime(session.ends_at, tz), "waiting": counts["waitlisted"],
                         "offered": counts["offered"], "cancelled": session.status == EventSession.Status.CANCELLED})
        context.update(event=self.event, rows=rows, form=self.form, time_zone=self.event.time_zone,
                       checkin=self.request.user.has_perm(CHECK_IN_PERMISSION), **self.promotion())
        return context

    def promotion(self):
        """The published social media post, with the AI disclosure line when AI helped write the event's texts.

        The post shown is the live one: its AI note was approved with it. With AI entries and no approved
        note yet, no line can be given and the organiser is sent to the note.
        """
        from cimaise.ai.transparency import public as ai_public
        from cimaise.ai.transparency import services as ai_notes

        post = self.event.social_post.strip()
        if not post:
            return {"social_post": ""}
        note = ai_notes.live_note(self.event) if self.event.live else None
        line = ""
        if note is not None:
            line = ai_public.disclosure_line(note, self.event.locale.language_code,
                                             ai_public.note_url(self.event.full_url or ""))
        return {"social_post": post, "social_disclosure": line,
                "social_needs_note": note is None and ai_notes.has_ai_entries(self.event.pk),
                "note_url": reverse("ai_notes:page", args=[self.event.pk])}


def _csv_cell(value):
    # A cell a spreadsheet would run as a formula is kept as text.
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class AttendeesView(WagtailAdminTemplateMixin, TemplateView):
    """Who registered to a session, and who came; ``?format=csv`` downloads it."""

    template_name = "events/admin/attendees.html"
    header_icon = "group"

    def dispatch(self, request, session_id, *args, **kwargs):
        self.session = get_object_or_404(EventSession.objects.select_related("event"), pk=session_id)
        if not can_see_attendees(request.user, self.session.event):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Attendees")

    def get_page_subtitle(self):
        return str(self.session)

    def registrations(self):
        order = {Registration.Status.CONFIRMED: 0, Registration.Status.OFFERED: 1, Registration.Status.WAITLISTED: 2,
                 Registration.Status.EXPIRED: 3, Registration.Status.CANCELLED: 4}
        rows = list(self.session.registrations.select_related("checked_in_by"))
        return sorted(rows, key=lambda r: (order.get(r.status, 9), r.name.lower(), r.pk))

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv()
        return super().get(request, *args, **kwargs)

    def csv(self):
        tz = self.session.event.tz
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Name"), _("Email"), _("Seats"), _("Status"), _("Checked in at"), _("Accessibility needs"),
                         _("Registered at")])
        for r in self.registrations():
            writer.writerow([_csv_cell(r.name), _csv_cell(r.email), r.seats, r.get_status_display(),
                             _local(r.checked_in_at, tz) or "", _csv_cell(r.accessibility_needs),
                             _local(r.created_at, tz).strftime("%Y-%m-%d %H:%M")])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        day = timezone.localtime(self.session.starts_at, tz).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="attendees-{self.session.pk}-{day}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registrations = self.registrations()
        confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
        context.update(
            session=self.session, event=self.session.event, registrations=registrations,
            confirmed_seats=sum(r.seats for r in confirmed),
            checked_in_seats=sum(r.seats for r in confirmed if r.checked_in_at),
            tz=self.session.event.time_zone,
            checkin=self.request.user.has_perm(CHECK_IN_PERMISSION),
        )
        return context


class CheckInView(WagtailAdminTemplateMixin, TemplateView):
    """The door: a session, then codes one after another. Works without JavaScript (typed codes)."""

    template_name = "events/checkin/index.html"
    page_title = gettext_lazy("Check-in")
    header_icon = "tick"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(CHECK_IN_PERMISSION):
            raise PermissionDenied
        self.result = None
        self.code = ""
        return super().dispatch(request, *args, **kwargs)

    def sessions(self):
        now = timezone.now()
        return (EventSession.objects.filter(status=EventSession.Status.SCHEDULED,
                                            ends_at__gte=now - checkin.OPEN_AFTER,
                                            starts_at__lte=now + datetime.timedelta(days=7))
                .select_related("event").order_by("starts_at"))

    def chosen(self, value):
        if value and str(value).isdigit():
            return EventSession.objects.select_related("event").filter(pk=value).first()
        return None

    def post(self, request, *args, **kwargs):
        self.session = self.chosen(request.POST.get("session"))
        self.code = request.POST.get("code", "")[:300]
        if not self.code.strip():
            self.result = checkin.CheckInResult(False, "empty", _("Type the ticket's code, or scan its QR code."))
        else:
            self.result = checkin.check_in(self.code, user=request.user, session=self.session)
        if self.result.ok:
            self.code = ""  # ready for the next person
        return self.render_to_response(self.get_context_data(**kwargs))

    def get(self, request, *args, **kwargs):
        self.session = self.chosen(request.GET.get("session"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.session
        counts = None
        if session:
            confirmed = session.registrations.filter(status=Registration.Status.CONFIRMED)
            counts = {"expected": sum(confirmed.values_list("seats", flat=True)),
                      "in": sum(confirmed.filter(checked_in_at__isnull=False).values_list("seats", flat=True))}
        context.update(session=session, sessions=self.sessions(), result=self.result, code=self.code,
                       counts=counts)
        return context
