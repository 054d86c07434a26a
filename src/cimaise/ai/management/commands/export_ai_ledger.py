"""Export the AI ledger (every field of every entry, with its outcomes) as CSV or JSON.

    manage export_ai_ledger [--format csv|json] [--output FILE] [--since DATE] [--until DATE] [--page ID]

Entries come oldest first. ``--since`` and ``--until`` take a day (YYYY-MM-DD,
the whole day counts, in the site's time zone) or a moment in ISO 8601
(2026-11-29T14:00, or with an offset); both ends are included. Without
``--until`` the export stops at the moment it starts. Without ``--output`` the
export goes to stdout; with it, the file appears only once it is complete and
the number of entries goes to stderr. The columns are those of the admin's
export (docs/ai-ledger.md). Exit code 1 with one line on a wrong option.
"""

import datetime
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cimaise.ai import history
from cimaise.ai.models import AIInteraction


def _moment(value, option, end_of_day):
    """A --since/--until value as an aware datetime: a day starts (or ends) at midnight in the site's zone."""
    try:
        day = parse_date(value)  # first: parse_datetime would read a bare day as its midnight
        moment = None if day else parse_datetime(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise CommandError(_("%(option)s: write a day as YYYY-MM-DD or a moment as YYYY-MM-DDTHH:MM (got “%(value)s”).")
                           % {"option": option, "value": value})
    if day is not None:
        if end_of_day:
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = gettext_lazy("Export the AI ledger (every field, with the outcomes) as CSV or JSON, oldest entries first.")

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="export_format", choices=history.EXPORT_FORMATS, default="csv",
                            help=gettext_lazy("csv (default) or json"))
        parser.add_argument("--output", "-o", help=gettext_lazy("the file to write (default: standard output)"))
        parser.add_argument("--since", help=gettext_lazy("first day (YYYY-MM-DD) or moment (ISO 8601), included"))
        parser.add_argument("--until", help=gettext_lazy("last day (YYYY-MM-DD) or moment (ISO 8601), included"))
        parser.add_argument("--page", type=int, help=gettext_lazy("only the entries of this page (its id)"))

    def handle(self, *args, export_format="csv", output=None, since=None, until=None, page=None, **options):
        start = _moment(since, "--since", end_of_day=False) if since else None
        # Without --until, the export stops at the moment it starts: entries recorded meanwhile wait for the next.
        end = _moment(until, "--until", end_of_day=True) if until else timezone.now()
        if start and start > end:
            raise CommandError(_("--since is after --until: nothing could match."))
        entries = AIInteraction.objects.filter(created_at__lte=end)
        if start:
            entries = entries.filter(created_at__gte=start)
        if page is not None:
            entries = entries.filter(page_id=page)
        entries = entries.order_by("created_at", "pk")
        chunks = history.csv_chunks(entries) if export_format == "csv" else history.json_chunks(entries)

        if not output or output == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
            return

        target = Path(output)
        partial = target.with_name(f".{target.name}.part")
        count = entries.count()
        try:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(_("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": error.strerror
                                                                          or error}) from error
        self.stderr.write(_("%(count)s entries written to %(file)s") % {"count": count, "file": target},
                          style_func=str)
