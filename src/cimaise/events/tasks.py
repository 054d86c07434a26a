"""Background jobs of the events app, enqueued every minute by the scheduler (settings.CIMAISE_PERIODIC_TASKS)."""

from django_tasks import task


@task()
def send_reminders():
    """Send the reminders due now, each once (see ``services.reminders``)."""
    from cimaise.events.services import reminders

    return reminders.send_due()


@task()
def expire_offers():
    """Pass unanswered waiting-list offers on to the next people (see ``services.registrations``)."""
    # Imported here: the registrations service is written alongside, and a task module must import cleanly.
    from cimaise.events.services.registrations import expire_offers as expire

    return expire()
