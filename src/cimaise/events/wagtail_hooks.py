"""The events app's Wagtail hooks, one module per feature (each adds one import line here)."""

from cimaise.events import admin_hooks  # noqa: F401
