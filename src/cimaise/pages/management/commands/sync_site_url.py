"""Point the default Wagtail site at BASE_URL, so that full links (QR codes, feeds, JSON-LD) use it."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand
from wagtail.models import Site


class Command(BaseCommand):
    help = "Set the default site's host name and port from the BASE_URL setting."

    def handle(self, *args, **options):
        url = urlparse(settings.BASE_URL)
        port = url.port or (443 if url.scheme == "https" else 80)
        updated = Site.objects.filter(is_default_site=True).exclude(hostname=url.hostname, port=port).update(
            hostname=url.hostname, port=port
        )
        if updated:
            self.stdout.write(f"default site now at {url.hostname}:{port}")
