"""Signals the transparency flow sends, for the apps above it (the pages app refreshes its caches)."""

from django.dispatch import Signal

#: Sent when the note the public sees for a page changes (approved, shown, withdrawn); kwargs: page.
disclosure_changed = Signal()
