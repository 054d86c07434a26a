#!/usr/bin/env python
"""Django's command-line utility for Cimaise (use ./cimaise manage ARGS)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cimaise.settings")
    from cimaise.core.config import exit_on_config_error

    with exit_on_config_error():
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - load settings now, to report errors in one line
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
