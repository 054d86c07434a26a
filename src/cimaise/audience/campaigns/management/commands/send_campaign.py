"""Run the sending engine on one campaign in this process (what the task worker does), e.g. after a crash.

    ./cimaise manage send_campaign ID [--resume]

``--resume`` first puts a paused campaign back to sending. Prints a summary line; exits non-zero with one
line that says what to fix.
"""

from django.core.management.base import BaseCommand, CommandError

from cimaise.audience.campaigns import sending
from cimaise.audience.campaigns.models import Campaign
from cimaise.audience.campaigns.services import campaigns as service


class Command(BaseCommand):
    help = "Send (or go on sending) one campaign in this process."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("--resume", action="store_true", help="resume a paused campaign first")

    def handle(self, campaign_id, resume=False, **options):
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"no campaign {campaign_id}: see the list in the admin, Audience > Campaigns")
        if resume and campaign.status == Campaign.Status.PAUSED:
            Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PAUSED).update(
                status=Campaign.Status.SENDING)
        elif campaign.status in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
            try:
                service.start(campaign, enqueue=False)
            except service.CampaignError as error:
                raise CommandError(str(error)) from None
        report = sending.run(campaign.pk)
        if report.stopped_because and not report.finished and not report.sent:
            raise CommandError(f"campaign {campaign.pk} not sent: {report.stopped_because}")
        self.stdout.write(f"campaign {campaign.pk}: {report.sent} sent, {report.failed} failed, "
                          f"{report.skipped} skipped" + (" (finished)" if report.finished else
                                                         f" (stopped: {report.stopped_because})"))
