"""Background jobs of the audience's contacts: the CSV import runs here, not in the request."""

from django_tasks import task


@task()
def run_import(import_id):
    """Run (or resume) the contact import ``import_id`` (see ``services.importing.run``)."""
    from cimaise.audience.services import importing

    importing.run(import_id)
