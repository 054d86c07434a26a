from django.core.management.base import BaseCommand

from cimaise.institution.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the staff role groups and the editorial workflow."

    def handle(self, *args, **options):
        groups = ensure_roles()
        self.stdout.write(f"{len(groups)} roles up to date: {', '.join(groups)}")
