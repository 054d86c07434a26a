"""The AI studio's Wagtail hooks, one module per feature.

Each feature keeps its hooks in its own ``*_hooks.py`` module and adds one
import line here (the editor assistant, the creative lab, ...).
"""

from cimaise.ai import assistant_hooks  # noqa: F401
from cimaise.ai import history_hooks  # noqa: F401
from cimaise.ai import lab_hooks  # noqa: F401
from cimaise.ai.transparency import log_actions  # noqa: F401
from cimaise.ai.transparency import dashboard_hooks  # noqa: F401
from cimaise.ai.transparency import export_hooks  # noqa: F401
from cimaise.ai.transparency import admin_hooks  # noqa: F401
