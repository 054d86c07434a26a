"""The contacts admin, under /admin/audience/contacts/ ("audience_contacts:…").

- ``index``: the contacts, searched by name or email and filtered by kind, language, interest and tag;
  the search goes by POST and is kept in the session, so that no address ever shows in a URL (invariant 5);
- ``detail``: identity, interests, tags, current consents with their proof (the whole history), subscriptions,
  the timeline; GDPR export (a JSON download) and erasure;
- ``add`` and ``edit``; ``imports`` (upload), ``import_mapping``, ``import_progress`` (+ ``import_status``, a
  small JSON for the progress bar), ``import_rejected`` (a CSV of the rejected rows); ``duplicates``.

Permissions: the model permissions of ``Contact`` (view, add, change, delete: erasure) and
``ContactImport.add`` (importing); the roles get them in ``apps.py``. Nothing here writes a model.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cimaise.audience.forms import ContactFilterForm, ContactForm, ImportUploadForm, MappingForm
from cimaise.audience.models import Contact, ContactImport, DuplicateCandidate, Subscription
from cimaise.audience.services import consent, contacts, gdpr, importing

VIEW, ADD, CHANGE, DELETE = (f"audience.{p}_contact" for p in ("view", "add", "change", "delete"))
IMPORT = "audience.add_contactimport"
PER_PAGE = 50
TIMELINE_LENGTH = 200
FILTERS_KEY = "audience_contacts_filters"


class ContactsBase(WagtailAdminTemplateMixin, TemplateView):
    permission = VIEW
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": reverse("audience_contacts:index"), "label": _("Contacts")},
                                         *self.extra_breadcrumbs()]

    def extra_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can"] = {"add": user.has_perm(ADD), "change": user.has_perm(CHANGE),
                          "delete": user.has_perm(DELETE), "import": user.has_perm(IMPORT)}
        return context


class ContactIndexView(ContactsBase):
    template_name = "audience/admin/index.html"
    page_title = gettext_lazy("Contacts")

    def extra_breadcrumbs(self):
        return []

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Contacts")}]

    def post(self, request, *args, **kwargs):
        if "reset" in request.POST:
            request.session.pop(FILTERS_KEY, None)
        else:
            form = ContactFilterForm(request.POST)
            if form.is_valid():
                request.session[FILTERS_KEY] = {k: (v.pk if hasattr(v, "pk") else v)
                                                for k, v in form.cleaned_data.items() if v}
        return redirect("audience_contacts:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.request.session.get(FILTERS_KEY, {})
        form = ContactFilterForm(initial=filters, auto_id="filter_%s")  # the admin header has its own id_q
        contacts_qs = Contact.objects.filter(erased_at__isnull=True)
        query = (filters.get("q") or "").strip()
        for word in query.split():
            contacts_qs = contacts_qs.filter(Q(email__icontains=word) | Q(first_name__icontains=word)
                                             | Q(last_name__icontains=word))
        for name in ("kind", "language"):
            if filters.get(name):
                contacts_qs = contacts_qs.filter(**{name: filters[name]})
        if filters.get("interest"):
            contacts_qs = contacts_qs.filter(interests=filters["interest"])
        if filters.get("tag"):
            contacts_qs = contacts_qs.filter(tags=filters["tag"])
        paginator = Paginator(contacts_qs.order_by("last_name", "first_name", "email", "pk"), PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(form=form, page=page, filtered=bool(filters),
                       open_duplicates=DuplicateCandidate.objects.filter(status="open").count())
        return context


class ContactDetailView(ContactsBase):
    template_name = "audience/admin/detail.html"

    def dispatch(self, request, contact_id, *args, **kwargs):
        self.contact = get_object_or_404(Contact, pk=contact_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.contact) if not self.contact.is_erased else _("Erased contact")

    def extra_breadcrumbs(self):
        return [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = self.contact
        history = list(consent.history(contact))
        timeline = list(contact.activities.all()[:TIMELINE_LENGTH + 1])
        context.update(
            contact=contact, current=[r for r in history if r.is_current], history=history,
            subscriptions=Subscription.objects.filter(contact=contact).select_related("newsletter"),
            timeline=timeline[:TIMELINE_LENGTH], timeline_cut=len(timeline) > TIMELINE_LENGTH,
            interests=list(contact.interests.all()), tags=list(contact.tags.all()),
        )
        return context


class ContactFormView(ContactsBase):
    template_name = "audience/admin/form.html"

    def dispatch(self, request, contact_id=None, *args, **kwargs):
        self.contact = get_object_or_404(Contact, pk=contact_id) if contact_id else None
        self.permission = CHANGE if self.contact else ADD
        if self.contact and self.contact.is_erased:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Edit %(contact)s") % {"contact": self.contact} if self.contact else _("Add a contact")

    def extra_breadcrumbs(self):
        return [{"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ContactForm(instance=self.contact)))

    def post(self, request, *args, **kwargs):
        form = ContactForm(request.POST, instance=self.contact)
        if form.is_valid():
            data = dict(form.cleaned_data)
            email, interests, tags = data.pop("email"), data.pop("interests"), data.pop("tags")
            try:
                if self.contact:
                    contact = contacts.update_contact(self.contact, email=email, interests=interests, tags=tags,
                                                      **data)
                else:
                    contact = contacts.create_contact(email, user=request.user, interests=interests, tags=tags,
                                                      **data)
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("audience_contacts:detail", contact.pk)
        messages.error(request, _("The contact could not be saved: see the errors below."))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact"] = self.contact
        return context


class ContactExportView(ContactDetailView):
    """POST: the person's data as a JSON download (a GET would be logged by link prefetchers)."""

    permission = CHANGE

    def get(self, request, *args, **kwargs):
        return redirect("audience_contacts:detail", self.contact.pk)

    def post(self, request, *args, **kwargs):
        data = gdpr.export(self.contact, user=request.user)
        response = HttpResponse(json.dumps(data, cls=gdpr.JSONEncoder, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        # The file is named by id, never by address or name.
        response["Content-Disposition"] = f'attachment; filename="contact-{self.contact.pk}.json"'
        response["Cache-Control"] = "no-store"
        return response


class ContactEraseView(ContactDetailView):
    template_name = "audience/admin/erase.html"
    permission = DELETE

    def get_page_title(self):
        return _("Erase %(contact)s") % {"contact": self.contact}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["other_data"] = bool(hooks.get_hooks(gdpr.ERASE_HOOK))
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm the erasure."))
            return self.get(request, *args, **kwargs)
        gdpr.erase(self.contact, user=request.user)
        messages.success(request, _("The contact was erased. Their address will receive nothing again."))
        return redirect("audience_contacts:detail", self.contact.pk)


# --- import -------------------------------------------------------------------------------------------------


class ImportIndexView(ContactsBase):
    template_name = "audience/admin/imports.html"
    permission = IMPORT
    page_title = gettext_lazy("Import contacts")

    def extra_breadcrumbs(self):
        return [{"url": "", "label": _("Import")}]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                contact_import = importing.create_import(form.cleaned_data["file"], user=request.user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("audience_contacts:import_mapping", contact_import.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["imports"] = ContactImport.objects.select_related("created_by")[:20]
        return context


class ImportView(ContactsBase):
    permission = IMPORT

    def dispatch(self, request, import_id, *args, **kwargs):
        self.contact_import = get_object_or_404(ContactImport, pk=import_id)
        return super().dispatch(request, *args, **kwargs)

    def extra_breadcrumbs(self):
        return [{"url": reverse("audience_contacts:imports"), "label": _("Import")},
                {"url": "", "label": self.contact_import.original_name}]


class ImportMappingView(ImportView):
    template_name = "audience/admin/import_mapping.html"
    page_title = gettext_lazy("Match the columns")

    def _form(self, data=None):
        header = importing.read_header(self.contact_import)
        return MappingForm(data, header=header, initial_mapping=self.contact_import.mapping)

    def get(self, request, *args, **kwargs):
        if self.contact_import.status != ContactImport.Status.MAPPING:
            return redirect("audience_contacts:import_progress", self.contact_import.pk)
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                importing.configure(self.contact_import, mapping=form.mapping(),
                                    consent_purposes=data["consent_purposes"], consent_text=data["consent_text"],
                                    newsletter=data["newsletter"], tag=data["tag"])
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                return redirect("audience_contacts:import_progress", self.contact_import.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact_import"] = self.contact_import
        return context


class ImportProgressView(ImportView):
    template_name = "audience/admin/import_progress.html"
    page_title = gettext_lazy("Import")

    def get(self, request, *args, **kwargs):
        if self.contact_import.status == ContactImport.Status.MAPPING:
            return redirect("audience_contacts:import_mapping", self.contact_import.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(contact_import=self.contact_import, progress=importing.progress(self.contact_import),
                       rejected=importing.rejected_rows(self.contact_import, 500))
        return context


class ImportStatusView(ImportView):
    def get(self, request, *args, **kwargs):
        return JsonResponse(importing.progress(self.contact_import))


class ImportRejectedView(ImportView):
    def get(self, request, *args, **kwargs):
        response = HttpResponse("\ufeff" + importing.rejected_csv(self.contact_import),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{self.contact_import.pk}-rejected.csv"'
        response["Cache-Control"] = "no-store"
        return response


# --- duplicates ---------------------------------------------------------------------------------------------


class DuplicatesView(ContactsBase):
    template_name = "audience/admin/duplicates.html"
    permission = CHANGE
    page_title = gettext_lazy("Possible duplicates")

    def extra_breadcrumbs(self):
        return [{"url": "", "label": _("Possible duplicates")}]

    def post(self, request, *args, **kwargs):
        candidate = get_object_or_404(DuplicateCandidate, pk=request.POST.get("candidate"), status="open")
        action = request.POST.get("action", "")
        if action == "distinct":
            contacts.decide_duplicate(candidate, user=request.user)
            messages.success(request, _("Marked as different people."))
        elif action in ("keep_contact", "keep_other"):
            keep = candidate.contact if action == "keep_contact" else candidate.other
            contacts.decide_duplicate(candidate, merge_into=keep, user=request.user)
            messages.success(request, _("Merged into %(contact)s.") % {"contact": keep})
        return redirect("audience_contacts:duplicates")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(contacts.open_duplicates(), PER_PAGE).get_page(self.request.GET.get("p"))
        return context
