"""Erase the contacts with no activity for the retention period (CIMAISE_AUDIENCE["RETENTION_MONTHS"])."""

from django.core.management.base import BaseCommand, CommandError

from cimaise.audience.services import gdpr


class Command(BaseCommand):
    help = "Erase (anonymise) contacts with no activity for the retention period. Run it daily or monthly."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None,
                            help="Months without activity (default: CIMAISE_AUDIENCE['RETENTION_MONTHS']).")
        parser.add_argument("--dry-run", action="store_true", help="Count the contacts concerned; erase nobody.")

    def handle(self, *args, months=None, dry_run=False, verbosity=1, **options):
        months = gdpr.retention_months() if months is None else months
        if months < 0:
            raise CommandError("--months must be 0 (never erase) or more.")
        if months == 0:
            self.stdout.write("Retention is off (RETENTION_MONTHS = 0): nobody erased.")
            return
        due = gdpr.past_retention(months).count()
        if dry_run:
            self.stdout.write(f"{due} contact(s) without activity for {months} months would be erased (dry run).")
            return

        def progress(done, total):
            if verbosity and (done == total or done % 100 == 0):
                self.stdout.write(f"  {done}/{total}")

        erased = gdpr.apply_retention(months, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{erased} contact(s) without activity for {months} months erased."))
