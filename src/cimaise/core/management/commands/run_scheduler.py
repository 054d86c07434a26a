"""Enqueue the periodic jobs listed in settings.CIMAISE_PERIODIC_TASKS.

The task worker (``manage db_worker``) runs them. Run one scheduler per
deployment; the jobs it enqueues are idempotent, so an overlap is harmless.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue periodic background jobs (scheduled publishing, ...) at their interval."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every job once and exit.")

    def handle(self, *args, once=False, **options):
        jobs = [(import_string(path), period) for path, period in settings.CIMAISE_PERIODIC_TASKS]
        next_run = [0.0] * len(jobs)
        while True:
            now = time.monotonic()
            for i, (job, period) in enumerate(jobs):
                if now >= next_run[i]:
                    job.enqueue()
                    next_run[i] = now + period
            if once:
                return
            time.sleep(max(0.5, min(next_run) - time.monotonic()))
