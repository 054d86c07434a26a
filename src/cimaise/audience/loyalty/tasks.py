"""Background jobs of loyalty, enqueued by the scheduler (settings.CIMAISE_PERIODIC_TASKS)."""

from django_tasks import task


@task()
def send_renewal_reminders():
    """Remind members whose membership is about to end, each reminder once (see ``services``)."""
    from cimaise.audience.loyalty import services

    return services.send_renewal_reminders()
