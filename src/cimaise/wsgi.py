"""WSGI entry point (gunicorn cimaise.wsgi)."""

import os

from cimaise.core.config import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cimaise.settings")

with exit_on_config_error():
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
