"""A fixed-window rate limit on the default cache: bots and floods are slowed, people are not.

Keys are hashed: an email address (or an IP address) never appears in a
cache key, a log line or an error message.
"""

import hashlib
import time

from django.core.cache import cache


def _key(scope, value, window):
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"events:rl:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope, value, *, limit, window):
    """Count one attempt of ``value`` in ``scope``; False when it is over ``limit`` in this ``window`` (seconds).

    A ``limit`` of 0 turns the check off. The count is approximate across
    processes without a shared cache (each keeps its own), never lower.
    """
    if not value or not limit:
        return True
    key = _key(scope, value, window)
    if cache.add(key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count <= limit
