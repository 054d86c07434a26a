"""Background jobs of campaigns: run by the task worker of ``./cimaise serve``.

``start_due_campaigns`` belongs in ``settings.CIMAISE_PERIODIC_TASKS`` (every minute): it starts the
scheduled campaigns that are due and restarts a campaign whose runner stopped (a worker that crashed).
"""

from django_tasks import task


@task()
def send_campaign(campaign_id):
    """Run the sending engine on one campaign until it is sent, paused or cancelled."""
    from cimaise.audience.campaigns import sending

    report = sending.run(campaign_id)
    return {"sent": report.sent, "failed": report.failed, "skipped": report.skipped,
            "finished": report.finished, "stopped_because": report.stopped_because}


@task()
def start_due_campaigns():
    from cimaise.audience.campaigns.services import campaigns

    return campaigns.start_due()
