"""A fixed-window rate limit: bots and floods are slowed, people are not.

Keys are hashed: an email address (or an IP address) never appears in a
key, a log line or an error message.

Where the counts live: with ``CIMAISE_EVENTS["RATE_LIMIT_DB"]`` set (the
default on one machine without Redis), a small SQLite file of its own under
var/, shared exactly by every web worker of the machine and never locked by
the site's database writes; one upsert per attempt. Without it (Redis
configured, or tests), the default cache, shared wherever the cache is.
Django's file cache is not used for this: it lists its whole directory on
every write, which made each registration several milliseconds slower.
"""

import hashlib
import sqlite3
import threading
import time

from django.conf import settings
from django.core.cache import cache

_local = threading.local()
_SCHEMA = ("CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, n INTEGER NOT NULL, "
           "expires REAL NOT NULL) WITHOUT ROWID")


def _key(scope, value, window):
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"events:rl:{scope}:{digest}:{int(time.time() // window)}"


def _database_path():
    return getattr(settings, "CIMAISE_EVENTS", {}).get("RATE_LIMIT_DB")


def _connection(path):
    """This thread's connection to the counts file (created on first use)."""
    conn = getattr(_local, "conn", None)
    if conn is None or _local.path != path:
        conn = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # counts, not records: losing the last ones in a crash is fine
        conn.execute(_SCHEMA)
        _local.conn, _local.path = conn, path
    return conn


def _count_in_file(path, key, window):
    now = time.time()
    conn = _connection(path)
    (count,) = conn.execute(
        "INSERT INTO hits (key, n, expires) VALUES (?, 1, ?) "
        "ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n", (key, now + window + 1)).fetchone()
    if count == 1 and int(now) % 60 == 0:  # now and then, forget the windows that have passed
        conn.execute("DELETE FROM hits WHERE expires < ?", (now,))
    return count


def _count_in_cache(key, window):
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        return 1


def hit(scope, value, *, limit, window):
    """Count one attempt of ``value`` in ``scope``; False when it is over ``limit`` in this ``window`` (seconds).

    A ``limit`` of 0 turns the check off.
    """
    if not value or not limit:
        return True
    key = _key(scope, value, window)
    path = _database_path()
    count = _count_in_file(path, key, window) if path else _count_in_cache(key, window)
    return count <= limit
