"""``manage.py load_demo``: load the demo institution once; afterwards, say so and return."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo institution (Musée des Beaux-Arts de Valmont) unless the site already has a home page."
    )
    # ./cimaise up runs this right after migrate, which has just run the checks.
    requires_system_checks = []

    def handle(self, *args, **options):
        from cimaise.demo.loader import load_demo

        try:
            load_demo(stdout=self.stdout)
        except DatabaseError as error:
            raise CommandError(
                _("the demo could not be loaded and nothing was saved (%(error)s): "
                  "run 'manage.py migrate' first if the database is new") % {"error": _first_line(error)}
            ) from error
        except Exception as error:
            raise CommandError(
                _("the demo could not be loaded and nothing was saved (%(error)s): "
                  "run the command again with --traceback and report the error") % {"error": _first_line(error)}
            ) from error


def _first_line(error):
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__
