"""Addresses that emails carry, without a language prefix: they must work from any mail client, with no cookie."""

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import HttpResponseForbidden
from django.urls import URLPattern, include, path

from cimaise.audience import views

app_name = "audience_mail"


def _secret_required(view):
    """Refuse an ESP webhook when no WEBHOOK_SECRET is configured (anymail would only warn, and accept anyone)."""
    def guarded(request, *args, **kwargs):
        if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)
    guarded.csrf_exempt = True
    return guarded


# anymail's webhooks (/m/anymail/<esp>/tracking/ ...), each behind the guard above; anymail checks the secret.
_anymail = [URLPattern(p.pattern, _secret_required(p.callback), p.default_args, p.name)
            for p in anymail_urls.urlpatterns]

urlpatterns = [
    path("c/<str:token>/", views.confirm, name="confirm"),
    path("c/<str:token>/new/", views.resend_confirmation, name="resend_confirmation"),
    path("p/<str:token>/", views.preferences, name="preferences"),
    path("p/<str:token>/unsubscribe-all/", views.unsubscribe_all, name="unsubscribe_all"),
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("anymail/", include((_anymail, "anymail"))),
]
