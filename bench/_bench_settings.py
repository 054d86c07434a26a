"""Settings for the benchmarks: Cimaise's own settings plus the bare page app.

Used by bench/pages.py (DJANGO_SETTINGS_MODULE=_bench_settings, with bench/ and
src/ on PYTHONPATH). Everything else, the production static storage included,
is exactly what `./cimaise serve` runs.
"""

from cimaise.settings import *  # noqa: F403
from cimaise.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bareapp"]

