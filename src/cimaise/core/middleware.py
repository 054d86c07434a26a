"""Security headers for the public site."""

from django.conf import settings

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
