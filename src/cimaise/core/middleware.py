"""Security headers for the public site, and language redirects that leave real 404s alone."""

from django.conf import settings
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The admin (Wagtail) ships inline styles and scripts of its own; the strict
# policy covers what the public sees.
EXEMPT_PREFIXES = ("/admin/", "/django-admin/")


def build_policy():
    frame_src = " ".join(["'self'", *settings.CSP_FRAME_SRC])
    img_src = " ".join(["'self'", "data:", *settings.CSP_IMG_SRC])
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {img_src}",
            "style-src 'self'",
            "script-src 'self'",
            f"frame-src {frame_src}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy on every public response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES) and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, except that a "not found" answered by a view stays a 404.

    Django redirects a 404 at an address without a language prefix to
    /<language>/address whenever that address resolves, and Wagtail's page
    route resolves every address: the API's and the QR codes' 404s became
    redirects to an HTML page. Only an address that matched no route at all
    (``/visiter/``) is still redirected to its language version.
    """

    def process_response(self, request, response):
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and not translation.get_language_from_path(request.path_info)
        ):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
