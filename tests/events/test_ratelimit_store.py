"""The registration rate limit's own SQLite file: counts shared by every worker of the machine."""

import sqlite3

from cimaise.events import ratelimit
from cimaise.events.ratelimit import _key


def test_counts_are_shared_through_the_file_and_refuse_over_the_limit(settings, tmp_path):
    path = tmp_path / "ratelimit.sqlite3"
    settings.CIMAISE_EVENTS = {**settings.CIMAISE_EVENTS, "RATE_LIMIT_DB": path}
    answers = [ratelimit.hit("email", "ada@example.org", limit=3, window=600) for _ in range(5)]
    assert answers == [True, True, True, False, False]
    # Another address has its own count.
    assert ratelimit.hit("email", "grace@example.org", limit=3, window=600)
    # What another process reads in the file: hashed keys and counts, no address.
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT key, n FROM hits"))
    assert rows[_key("email", "ada@example.org", 600)] == 5
    assert not any("example.org" in key for key in rows)


def test_a_limit_of_zero_counts_nothing(settings, tmp_path):
    settings.CIMAISE_EVENTS = {**settings.CIMAISE_EVENTS, "RATE_LIMIT_DB": tmp_path / "r.sqlite3"}
    assert all(ratelimit.hit("ip", "127.0.0.1", limit=0, window=60) for _ in range(50))
    assert not (tmp_path / "r.sqlite3").exists()
