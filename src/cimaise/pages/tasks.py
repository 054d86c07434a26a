"""Background jobs of the pages app."""

from django.core.management import call_command
from django_tasks import task


@task()
def publish_scheduled_pages():
    """Publish revisions whose go-live time has come and unpublish expired pages."""
    call_command("publish_scheduled", verbosity=0)
