"""Text that a visitor types in a search box, made safe for every search backend."""

import re

# Control characters (PostgreSQL refuses NUL in a query) and double quotes:
# Wagtail's SQLite FTS5 backend wraps each word in double quotes without
# escaping them, so a stray quote ends the string and the query fails
# (wagtail/wagtail#13227). Phrase search is not offered, so nothing is lost.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"]')


def clean_query(text, max_length=200):
    """The words to look for: unsafe characters become spaces, runs of spaces one, at most ``max_length`` long."""
    return " ".join(_UNSAFE.sub(" ", text or "").split())[:max_length].strip()
