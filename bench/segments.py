"""Segment counts on a million contacts, on SQLite and PostgreSQL.

    ./cimaise bench segments [--contacts N] [--runs N] [--only sqlite|postgresql]

For each database, builds a throw-away site (a temporary directory; for PostgreSQL a dedicated database
``cimaise_bench_seg_<random>``, created and then dropped, on the server of ``BENCH_POSTGRES_URL``, by default
postgres://postgres@127.0.0.1:5432/postgres), migrates it, then loads ``--contacts`` synthetic contacts
(deterministic, seed 20261129) straight into the tables: executemany on SQLite (foreign keys and secondary
indexes off while loading, indexes rebuilt after), COPY on PostgreSQL (foreign-key triggers off while
loading, secondary indexes rebuilt after). Per million contacts, about:

- 12 interests, 1.5 million contact-interest rows (0 to 3 each);
- 700,000 current newsletter consents (80 % granted);
- 3.3 million activity rows: check-ins and registrations for 35 % of the contacts (1 to 8 events over
  three years), newsletter opens for half of them (1 to 6 over two years); the precomputed figures of
  the contact (events attended, last attended, last opened) agree with them;
- memberships for 12 % (friend, gold, patron; valid until a date within a year either side), loyalty points
  for 40 %, 1 % erased.

Then ANALYZE (VACUUM ANALYZE on PostgreSQL), and for each of four segments, through the code the admin runs
(``definition.validate`` then ``contacts(...).count()``), one warm-up and ``--runs`` timed counts:

- ``attribute``: French-speaking members whose postal code starts with 75;
- ``interest``: interested in painting or in music;
- ``activity``: checked in at least twice in the last 365 days (ContactActivity);
- ``membership``: gold or patron tier, valid today, at least 500 points.

``sqlite_p95_ms`` and ``postgresql_p95_ms`` are the worst p95 of the four; per-segment p50/p95 and counts
follow, with the time the load took. Targets: <= 500 ms on SQLite, <= 300 ms on PostgreSQL. Prints one JSON
line on stdout, progress on stderr. Nothing of the caller's environment (DATABASE_URL...) is used.
See docs/audience-segments.md.
"""

import argparse
import datetime
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/ holds scripts named like standard modules (email.py): keep it off the import path of the worker.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
SEED = 20261129
CHUNK = 50_000
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
INTERESTS = ["painting", "music", "theatre", "dance", "cinema", "photography", "sculpture", "design",
             "family", "history", "architecture", "literature"]
TIERS = ["friend"] * 6 + ["gold"] * 3 + ["patron"]
KINDS = ["visitor"] * 60 + ["member"] * 15 + ["donor"] * 5 + ["press"] * 3 + ["teacher"] * 7 + \
    ["student"] * 8 + ["partner"] * 2

SEGMENTS = {
    "attribute": {"match": "all", "conditions": [
        {"type": "language", "values": ["fr"]}, {"type": "kind", "values": ["member"]},
        {"type": "postal_code", "prefix": "75"}]},
    "interest": {"match": "all", "conditions": [
        {"type": "interest", "match": "any", "interests": ["painting", "music"]}]},
    "activity": {"match": "all", "conditions": [
        {"type": "activity", "kind": "checked_in", "min": 2, "days": 365}]},
    "membership": {"match": "all", "conditions": [
        {"type": "membership", "tiers": ["gold", "patron"], "active_on": "today"},
        {"type": "points", "min": 500}]},
}


class BenchError(Exception):
    """Stops the bench; its message is the one line printed to stderr."""


def progress(message):
    print(f"bench segments: {message}", file=sys.stderr, flush=True)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


# --- the worker: runs inside the throw-away site, with Django set up -----------------------------------


class Clock:
    """Hour-grained timestamps as the database's text, precomputed once (formatting millions is slow)."""

    def __init__(self, now, hours, postgres):
        suffix = "+00" if postgres else ""
        start = now - datetime.timedelta(hours=hours)
        self.hours = hours
        self.texts = [(start + datetime.timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S") + suffix
                      for h in range(hours + 1)]
        today = now.date()
        self.days = {d: (today + datetime.timedelta(days=d)).isoformat() for d in range(-400, 401)}

    def ago(self, hours):
        return self.texts[self.hours - hours]


def generate(first_id, count, rng, clock, interest_ids):
    """Rows of every table for contacts ``first_id`` .. ``first_id + count - 1``."""
    contacts, interests, consents, activities = [], [], [], []
    three_years, two_years, five_years = 3 * 365 * 24, 2 * 365 * 24, 5 * 365 * 24
    random_ = rng.random
    randint = rng.randrange
    for cid in range(first_id, first_id + count):
        events_attended, last_attended, last_opened = 0, None, None
        if random_() < 0.35:
            events_attended = min(8, 1 + int(rng.expovariate(0.7)))
            times = sorted(randint(three_years) for _ in range(events_attended))
            for ago in times:
                activities.append((cid, "registered", clock.ago(ago + 240)))
                activities.append((cid, "checked_in", clock.ago(ago)))
            last_attended = clock.ago(times[0])
        if random_() < 0.5:
            opens = sorted(randint(two_years) for _ in range(1 + randint(6)))
            for ago in opens:
                activities.append((cid, "email_opened", clock.ago(ago)))
            last_opened = clock.ago(opens[0])
        tier, until = "", None
        if random_() < 0.12:
            tier = TIERS[randint(len(TIERS))]
            until = clock.days[randint(-365, 366)]
        points = randint(2000) if random_() < 0.4 else 0
        department = 75 if random_() < 0.15 else 1 + randint(95)
        postal = f"{department:02d}{randint(1000):03d}"
        created = clock.ago(randint(five_years))
        erased = created if random_() < 0.01 else None
        contacts.append((
            cid, f"c{cid}@bench.example", "", "", "fr" if random_() < 0.7 else "en", KINDS[randint(100)], "", "",
            postal, "", "import", "", created, created, erased, events_attended, last_attended, last_opened, None,
            points, tier, until))
        for interest in rng.sample(interest_ids, randint(4)):
            interests.append((cid, interest))
        if random_() < 0.7:
            consents.append((cid, "newsletter", random_() < 0.8, created, "import", "", "", True))
    return contacts, interests, consents, activities


CONTACT_COLUMNS = ["id", "email", "first_name", "last_name", "language", "kind", "organisation", "phone",
                   "postal_code", "city", "source", "notes", "created_at", "updated_at", "erased_at",
                   "events_attended", "last_attended_at", "last_opened_at", "last_clicked_at", "points",
                   "membership_tier", "membership_until"]
TABLES = {
    "contacts": ("audience_contact", CONTACT_COLUMNS),
    "interests": ("audience_contact_interests", ["contact_id", "interest_id"]),
    "consents": ("audience_consentrecord", ["contact_id", "purpose", "granted", "at", "method", "text_shown",
                                            "source_url", "is_current"]),
    "activities": ("audience_contactactivity", ["contact_id", "kind", "at", "ref", "summary", "data"]),
}


def _secondary_indexes(connection, tables):
    """(name, CREATE statement) of the indexes that back no constraint: dropped while loading, rebuilt after."""
    if connection.vendor == "sqlite":
        marks = ",".join("?" for _ in tables)
        return connection.connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({marks})", tables).fetchall()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname "
                       "NOT IN (SELECT conname FROM pg_constraint) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                       [tables])
        return cursor.fetchall()


def load(total):
    """Fill the tables with ``total`` contacts and what they did; return the seconds each step took."""
    from django.db import connection
    from django.utils import timezone

    from cimaise.audience.models import Interest

    postgres = connection.vendor == "postgresql"
    interest_ids = [Interest.objects.create(name=slug.capitalize(), slug=slug).pk for slug in INTERESTS]
    rng = random.Random(SEED)
    clock = Clock(timezone.now().replace(minute=0, second=0, microsecond=0, tzinfo=None), 5 * 366 * 24 + 400,
                  postgres)
    tables = [table for table, _columns in TABLES.values()]
    indexes = _secondary_indexes(connection, tables)
    timings = {"generate_s": 0.0, "insert_s": 0.0}
    rows = dict.fromkeys(TABLES, 0)

    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    raw = connection.connection
    if postgres:
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers while loading
    else:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("PRAGMA journal_mode = OFF")  # a throw-away database: no journal while loading
        raw.execute("PRAGMA synchronous = OFF")
        raw.execute("PRAGMA cache_size = -400000")
    for first in range(1, total + 1, CHUNK):
        began = time.perf_counter()
        batches = dict(zip(TABLES, generate(first, min(CHUNK, total - first + 1), rng, clock, interest_ids)))
        generated = time.perf_counter()
        timings["generate_s"] += generated - began
        if not postgres:
            raw.execute("BEGIN")
        for key, batch in batches.items():
            table, columns = TABLES[key]
            if key == "activities":
                batch = [(*row, "", "", "{}") for row in batch]
            rows[key] += len(batch)
            if postgres:
                with raw.cursor() as cursor, cursor.copy(
                        f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch)
        raw.commit()
        timings["insert_s"] += time.perf_counter() - generated
        done = min(first + CHUNK - 1, total)
        if done % 200_000 == 0 or done == total:
            progress(f"{connection.vendor}: {done:,} contacts loaded ({sum(rows.values()):,} rows)")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
    if postgres:
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SELECT setval(pg_get_serial_sequence('audience_contact', 'id'), %s)", [total])
        raw.commit()
    else:
        raw.execute("PRAGMA foreign_keys = ON")
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = NORMAL")
    timings["index_s"] = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if postgres else "ANALYZE")
    timings["analyze_s"] = time.perf_counter() - began
    return {key: round(value, 1) for key, value in timings.items()}, rows


def measure(runs):
    """Per segment: p50 and p95 wall time of the count, the count, and on SQLite (which runs in this process)
    the p95 CPU time, which other processes on a busy machine do not inflate."""
    from django.db import connection

    from cimaise.audience.segments.definition import contacts, validate

    result = {}
    for name, raw in SEGMENTS.items():
        times, cpu = [], []
        count = None
        for run in range(runs + 1):
            began, began_cpu = time.perf_counter(), time.process_time()
            count = contacts(validate(raw)).count()
            if run:  # the first run warms the caches up
                times.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
        result[name] = {"p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1),
                        "count": count}
        if connection.vendor == "sqlite":
            result[name]["p95_cpu_ms"] = round(percentile(cpu, 0.95), 1)
    return result


# Indexes the core tables do not have (yet): created in the bench database only, after the first
# measures, to give the figures with it in the same run (see docs/audience-segments.md).
PROPOSED_INDEXES = {
    "attribute": "CREATE INDEX bench_contact_lang_kind_postal ON audience_contact (language, kind, postal_code)",
    "interest": "CREATE INDEX bench_contact_interests_cover ON audience_contact_interests (interest_id, contact_id)",
}


def measure_proposed(runs):
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in PROPOSED_INDEXES.values():
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return {name: figures for name, figures in measure(runs).items() if name in PROPOSED_INDEXES}


def worker(total, runs):
    import django

    django.setup()
    from django.db import connection

    began, began_cpu = time.perf_counter(), time.process_time()
    timings, rows = load(total)
    timings["load_s"] = round(time.perf_counter() - began, 1)
    # This process's share (all of it on SQLite; generating and sending on PostgreSQL): what a busy
    # machine does not inflate.
    timings["load_cpu_s"] = round(time.process_time() - began_cpu, 1)
    progress(f"{connection.vendor}: loaded in {timings['load_s']} s {timings}; counting ...")
    segments = measure(runs)
    progress(f"{connection.vendor}: {segments}")
    proposed = measure_proposed(runs)
    progress(f"{connection.vendor}: with the proposed index: {proposed}")
    print(json.dumps({"segments": segments, "with_proposed_index": proposed, "rows": rows, **timings}), flush=True)


# --- the driver ------------------------------------------------------------------------------------------


def site_env(var_dir, database_url=None):
    """The environment of the site's processes: nothing of the caller's (DATABASE_URL...) leaks in."""
    env = {k: v for k, v in os.environ.items() if k in INHERITED_VARIABLES}
    env.update(
        CIMAISE_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="cimaise.settings",
        PYTHONPATH=str(ROOT / "src"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _postgres_admin_url():
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _postgres(sql, url):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run_one(backend, args):
    var_dir = Path(tempfile.mkdtemp(prefix=f"cimaise-bench-seg-{backend}-"))
    database_url = None
    dropper = None
    try:
        if backend == "postgresql":
            admin = _postgres_admin_url()
            name = f"cimaise_bench_seg_{secrets.token_hex(4)}"
            try:
                _postgres(f'CREATE DATABASE "{name}"', admin)
            except Exception as error:  # noqa: BLE001 - reported in the JSON, the SQLite figures still count
                return {"skipped": f"no PostgreSQL at {urllib.parse.urlsplit(admin).netloc}: {type(error).__name__}"}
            dropper = lambda: _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin)  # noqa: E731
            parts = urllib.parse.urlsplit(admin)
            database_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
        env = site_env(var_dir, database_url)
        progress(f"{backend}: migrating a fresh database ...")
        result = subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"], cwd=ROOT,
                                env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise BenchError(f"migrate failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
        progress(f"{backend}: loading {args.contacts:,} contacts ...")
        result = subprocess.run([sys.executable, __file__, "--worker", "--contacts", str(args.contacts),
                                 "--runs", str(args.runs)], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE)
        if result.returncode != 0:
            raise BenchError(f"the {backend} worker failed (exit {result.returncode}); see above")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        if dropper:
            try:
                dropper()
            except Exception as error:  # noqa: BLE001
                progress(f"could not drop the bench database: {type(error).__name__}")
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1000 <= args.contacts <= 10_000_000:
        raise BenchError("--contacts must be between 1000 and 10000000")
    if not 1 <= args.runs <= 1000:
        raise BenchError("--runs must be between 1 and 1000")
    if args.worker:
        worker(args.contacts, args.runs)
        return 0
    began = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    result = {}
    for backend in ("sqlite", "postgresql"):
        if args.only in (None, backend):
            figures = run_one(backend, args)
            result[backend] = figures
            if "segments" in figures:
                result[f"{backend}_p95_ms"] = max(s["p95_ms"] for s in figures["segments"].values())
    result.update({
        "contacts": args.contacts, "runs": args.runs,
        "targets_ms": {"sqlite": 500, "postgresql": 300},
        "sqlite_version": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "loadavg_after": round(os.getloadavg()[0], 2),
        "date": datetime.date.today().isoformat(),
        "seconds": round(time.monotonic() - began, 1),
    })
    print(json.dumps(result), flush=True)
    return 0


def _interrupted(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"bench segments: error: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench segments: interrupted; temporary files removed", file=sys.stderr, flush=True)
        sys.exit(130)
