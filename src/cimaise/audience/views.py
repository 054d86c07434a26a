"""Public views of subscriptions: sign-up, confirmation, preference centre, one-click unsubscribe (RFC 8058).

They call ``cimaise.audience.services.subscriptions`` and never write models. Pages reached from a link in an
email (under /m/, no language prefix) are shown in the person's language, never cached or indexed, and never
send their address to another site. No page says whether an address is known: the sign-up and the "new link"
forms answer "check your inbox" in every case.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cimaise.audience.services import subscriptions as services
from cimaise.audience.services.subscriptions import SubscriptionError

EMAIL_ERRORS = {"invalid": _("Enter a valid email address, e.g. name@example.org."),
                "required": _("Enter your email address.")}


def consent_text():
    """The consent sentence shown next to the sign-up button, recorded word for word with the consent."""
    return str(_("I agree to receive the newsletters I ticked by email. I can unsubscribe at any time with the "
                 "link in every message, or from my preferences page."))


def preferences_consent_text():
    return str(_("Newsletters ticked in the preference centre, reached from a link sent to this address."))


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254, error_messages=EMAIL_ERRORS)
    first_name = forms.CharField(label=_("Your first name (optional)"), max_length=100, required=False)
    lists = forms.ModelMultipleChoiceField(
        label=_("Newsletters"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one newsletter."),
                        "invalid_choice": _("This newsletter is no longer offered: tick another one."),
                        "invalid_pk_value": _("This newsletter is no longer offered: tick another one.")})
    consent = forms.BooleanField(label="", error_messages={"required": _("Tick the box to give your consent.")})
    # The honeypot: hidden from people (and from screen readers); bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = services.public_lists(language)
        self.fields["consent"].label = consent_text()

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


class LinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254, error_messages=EMAIL_ERRORS)


class PreferencesForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(label=_("The newsletters I receive"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language of the emails"))

    def __init__(self, *args, contact, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = services.preference_lists(contact)
        self.fields["language"].choices = settings.LANGUAGES


def _private(response):
    """Personal pages: never cached, never indexed, their address never sent to another site."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def _in_language(request, language):
    """Show this page in ``language`` (a page reached from an email, with no language in its address)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


# --- sign-up (/<lang>/newsletter/) -------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def signup(request):
    """GET: the form. POST: ask for the subscriptions, then "check your inbox" whatever the address.

    A refused form comes back with its messages and everything typed.
    """
    language = get_language()
    form = SignUpForm(request.POST or None, language=language)
    status = 200
    if request.method == "POST":
        if form.is_bot:
            return _private(render(request, "audience/public/check_inbox.html"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sign_up(data["email"], data["lists"], first_name=data["first_name"], language=language,
                                 consent_text=consent_text(), source_url=request.build_absolute_uri(request.path),
                                 ip=_client_ip(request))
            except ValidationError:
                form.add_error("email", EMAIL_ERRORS["invalid"])
            else:
                return _private(render(request, "audience/public/check_inbox.html"))
        status = 400
    return _private(render(request, "audience/public/signup.html",
                           {"form": form, "has_lists": form.fields["lists"].queryset.exists()}, status=status))


@require_http_methods(["GET", "POST"])
def request_link(request):
    """GET: ask for a new link by email. POST: send it (if the address is known), "check your inbox" always."""
    form = LinkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_link(form.cleaned_data["email"], get_language())
            except ValidationError:
                form.add_error("email", EMAIL_ERRORS["invalid"])
            else:
                return _private(render(request, "audience/public/check_inbox.html", {"new_link": True}))
        status = 400
    return _private(render(request, "audience/public/request_link.html", {"form": form}, status=status))


# --- confirmation (/m/c/<token>/) --------------------------------------------------------------------------

@require_http_methods(["GET"])
def confirm(request, token):
    """Confirm the subscriptions of the link (idempotent); an expired or forged link says so, with a way on."""
    try:
        result = services.confirm(token)
    except SubscriptionError as error:
        return _private(render(request, "audience/public/link_problem.html",
                               {"problem": error.code, "token": token, "kind": "confirm"},
                               status=410 if error.code == "expired" else 400))
    _in_language(request, services.language_of(result.contact))
    return _private(render(request, "audience/public/confirmed.html", {
        "outcome": result.outcome, "newsletters": result.newsletters,
        "preferences_url": services.preferences_url(result.contact, absolute=False)}))


@require_POST
def resend_confirmation(request, token):
    """The "send me a new link" button of an expired confirmation link."""
    services.resend_confirmation(token, get_language())
    return _private(render(request, "audience/public/check_inbox.html", {"new_link": True}))


# --- preference centre (/m/p/<token>/) ---------------------------------------------------------------------

def _preferences_contact(request, token):
    try:
        return services.contact_from_preferences_token(token), None
    except SubscriptionError as error:
        return None, _private(render(request, "audience/public/link_problem.html",
                                     {"problem": error.code, "kind": "preferences"},
                                     status=410 if error.code == "expired" else 400))


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    """The person's lists and language, to change; reached from a signed link, no login."""
    contact, problem = _preferences_contact(request, token)
    if problem:
        return problem
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST, contact=contact)
        if form.is_valid():
            services.update_preferences(contact, form.cleaned_data["lists"], language=form.cleaned_data["language"],
                                        consent_text=preferences_consent_text())
            contact.refresh_from_db()
            saved = True
    else:
        form = None
    _in_language(request, services.language_of(contact))
    if form is None or saved:
        mine = contact.subscriptions.filter(status=services.Status.CONFIRMED).values_list("newsletter_id", flat=True)
        form = PreferencesForm(initial={"lists": list(mine), "language": contact.language}, contact=contact)
    status = 400 if form.errors else 200
    return _private(render(request, "audience/public/preferences.html",
                           {"form": form, "token": token, "saved": saved, "name": contact.first_name},
                           status=status))


@require_POST
def unsubscribe_all(request, token):
    """Unsubscribe from every list: done before the page is returned."""
    contact, problem = _preferences_contact(request, token)
    if problem:
        return problem
    services.unsubscribe_all(contact)
    _in_language(request, services.language_of(contact))
    return _private(render(request, "audience/public/unsubscribed.html",
                           {"everything": True, "preferences_url": services.preferences_url(contact, absolute=False)}))


# --- one-click unsubscribe (/m/u/<token>/, RFC 8058) -------------------------------------------------------

@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with a button (mail scanners follow links: a GET changes nothing). POST (the mail client's
    "List-Unsubscribe=One-Click", or the button): unsubscribe at once, 200 every time. Unknown token: 404."""
    if request.method == "POST":
        subscription, changed = services.unsubscribe_by_token(token)
    else:
        subscription, changed = services.by_token(token), False
    if subscription is None:
        raise Http404
    _in_language(request, services.language_of(subscription.contact))
    response = render(request, "audience/public/unsubscribe.html", {
        "subscription": subscription, "newsletter": subscription.newsletter, "done": request.method == "POST",
        "changed": changed, "token": token,
        "already": request.method == "GET" and subscription.status == services.Status.UNSUBSCRIBED,
        "preferences_url": services.preferences_url(subscription.contact, absolute=False)})
    return _private(response)
