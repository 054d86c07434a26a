"""Registrations under load: many people at once for one session, on SQLite and PostgreSQL, under gunicorn.

    ./cimaise bench registrations [--attempts N] [--concurrency C] [--capacity S] [--workers W] [--only sqlite|postgresql]

For each database, builds a throw-away site (a temporary directory; for
PostgreSQL a dedicated database ``cimaise_bench_reg_<random>``, created and
then dropped, on the server of ``BENCH_POSTGRES_URL``, by default
postgres://postgres@127.0.0.1:5432/postgres), one event with one session of
``--capacity`` seats, and serves it with gunicorn on 127.0.0.1. Then
``--concurrency`` clients, each on its own keep-alive connection with its own
CSRF cookie, post ``--attempts`` registrations with distinct addresses
through the public form, as fast as the server answers. Every answer must be
the redirect to the registration's page (confirmed or waiting list).

Afterwards the database is read: ``oversold`` is the confirmed seats beyond
the capacity (must be 0), and the session's counter must equal the seats of
the confirmed registrations. ``errors`` counts answers other than the redirect
(5xx, refusals) and failed connections. Prints one JSON line on stdout,
progress on stderr. See docs/performance.md.

The rate limit per client address is off in the bench (every client is
127.0.0.1); the one per address stays on. Mail goes to files, as in the demo.

Also used by tests/events/test_race.py for its server and its clients.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")

SETTINGS_MODULE = '''\
"""Settings of the registrations bench: Cimaise's own, with the per-address rate limit off (one client address)."""
from cimaise.settings import *  # noqa: F403
from cimaise.settings import CIMAISE_EVENTS, STORAGES

CIMAISE_EVENTS = {**CIMAISE_EVENTS, "RATE_LIMIT_PER_IP": 0}
# No collectstatic for a throw-away site: static URLs without the manifest (pages are not measured here).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
'''


class BenchError(Exception):
    """Stops the bench; its message is the one line printed to stderr."""


def progress(message):
    print(f"bench registrations: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(var_dir, port, *, database_url=None, settings_module="_registrations_bench_settings",
               extra_path=(), testing=False):
    """The environment of the site's processes: nothing of the caller's (DATABASE_URL...) leaks in."""
    env = {k: v for k, v in os.environ.items() if k in INHERITED_VARIABLES}
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    (Path(var_dir) / "_registrations_bench_settings.py").write_text(SETTINGS_MODULE)
    env.update(
        CIMAISE_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS=f"{HOST},localhost",
        BASE_URL=f"http://{HOST}:{port}",
        DJANGO_SETTINGS_MODULE=settings_module,
        # Not bench/ itself: bench/email.py would hide the standard library's email package.
        PYTHONPATH=os.pathsep.join([str(var_dir), *map(str, extra_path), str(ROOT / "src")]),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if testing:
        env["CIMAISE_TESTING"] = "1"
    return env


def django(env, *args, capture=False):
    result = subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"'manage.py {args[0]}' failed: {last}")
    return result.stdout


def run_python(env, code):
    """Run ``code`` after django.setup() in a process with ``env``; return its last stdout line as JSON."""
    script = "import django, json\ndjango.setup()\n" + code
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"a setup step failed: {last}")
    return json.loads(result.stdout.strip().splitlines()[-1])


SETUP_CODE = '''
import datetime
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from cimaise.events.models import EventIndexPage, EventPage, EventSession
from cimaise.pages.models import HomePage

locale = Locale.objects.get_or_create(language_code="fr")[0]
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(title="Accueil", slug="accueil-bench", locale=locale))
site = Site.objects.get(is_default_site=True)
site.root_page = home
site.save()
index = home.add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))
event = index.add_child(instance=EventPage(title="Ouverture de saison", slug="ouverture", max_seats_per_person=1,
                                           venue="Grande salle"))
for page in (home, index, event):
    page.save_revision().publish()
start = timezone.now() + datetime.timedelta(days=7)
session = EventSession.objects.create(event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                      capacity=CAPACITY)
print(json.dumps({"session": session.pk, "path": f"/fr/events/register/{session.uid}/"}))
'''

COUNT_CODE = '''
from django.db.models import Count, Sum
from cimaise.events.models import EventSession, Registration
session = EventSession.objects.get(pk=SESSION)
rows = Registration.objects.filter(session=session).values("status").annotate(n=Count("pk"), seats=Sum("seats"))
by_status = {row["status"]: {"n": row["n"], "seats": row["seats"]} for row in rows}
print(json.dumps({"capacity": session.capacity, "counter": session.confirmed_seats, "by_status": by_status}))
'''


class Server:
    """gunicorn serving ``app`` with ``env``; stopped by its own pid."""

    def __init__(self, env, port, *, workers=2, threads=8, log_path, app="cimaise.wsgi"):
        self.port = port
        self.log_path = Path(log_path)
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--bind", f"{HOST}:{port}", "--workers", str(workers),
             "--worker-class", "gthread", "--threads", str(threads), "--backlog", "2048", "--preload",
             "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )

    def wait_ready(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with code {self.process.returncode}: {self.last_log_line()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return
                raise BenchError(f"{path} answered {response.status} at start-up: {self.last_log_line()}")
            except (ConnectionError, socket.timeout):
                time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout} s: {self.last_log_line()}")

    def last_log_line(self):
        self.log.flush()
        lines = self.log_path.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(gunicorn wrote nothing)"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """One person's browser, reduced: a keep-alive connection, the CSRF cookie and the form's token."""

    def __init__(self, port, form_path):
        self.port = port
        self.form_path = form_path
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.conn.request("GET", form_path)
        response = self.conn.getresponse()
        body = response.read()
        match = _TOKEN.search(body)
        cookie = next((v for k, v in response.getheaders() if k.lower() == "set-cookie" and "csrftoken=" in v), "")
        if response.status != 200 or not match or not cookie:
            raise BenchError(f"the form at {form_path} answered {response.status} without a CSRF token")
        self.token = match.group(1).decode()
        self.cookie = cookie.split(";", 1)[0]

    def post(self, path, fields):
        """POST ``fields`` (with the CSRF token) to ``path``; return (status, Location, seconds)."""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
                   "Referer": f"http://{HOST}:{self.port}{self.form_path}"}
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()  # a closed keep-alive: one retry on a fresh connection
                if attempt == 2:
                    return 0, "", time.perf_counter() - start
        return response.status, response.getheader("Location", ""), time.perf_counter() - start

    def close(self):
        self.conn.close()


def fire(port, form_path, emails, concurrency, *, post_path=None, extra=None):
    """Register ``emails`` through the form with ``concurrency`` visitors starting together.

    Returns a list of (status, location, seconds), one per address, and the wall time of the posts.
    """
    post_path = post_path or form_path
    visitors = [Visitor(port, form_path) for _ in range(concurrency)]
    shares = [emails[i::concurrency] for i in range(concurrency)]
    results = []
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def run(visitor, share):
        mine = []
        barrier.wait()
        for n, email in enumerate(share):
            fields = {"name": f"Visitor {n}", "email": email, "seats": "1", **(extra or {})}
            mine.append(visitor.post(post_path, fields))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run, args=(v, s)) for v, s in zip(visitors, shares)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    for v in visitors:
        v.close()
    return results, wall


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def summarise(results, wall, counts):
    confirmed = counts["by_status"].get("confirmed", {"seats": 0})["seats"] or 0
    ok = sum(1 for status, location, _ in results if status == 302 and "/events/r/" in location)
    return {
        "per_s": round(len(results) / wall, 1),
        "p95_ms": round(percentile([s for _, _, s in results], 0.95) * 1000, 1),
        "oversold": max(0, confirmed - counts["capacity"]) + max(0, counts["counter"] - counts["capacity"]),
        "errors": len(results) - ok,
        "server_errors": sum(1 for status, _, _ in results if status >= 500 or status == 0),
        "confirmed_seats": confirmed,
        "counter_matches": counts["counter"] == confirmed,
        "waitlisted": counts["by_status"].get("waitlisted", {"n": 0})["n"],
        "attempts": len(results),
        "seconds": round(wall, 1),
    }


def _postgres_admin_url():
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _postgres(sql, url):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run_one(backend, args):
    var_dir = Path(tempfile.mkdtemp(prefix=f"cimaise-bench-reg-{backend}-"))
    port = free_port()
    database_url = None
    dropper = None
    server = None
    try:
        if backend == "postgresql":
            admin = _postgres_admin_url()
            name = f"cimaise_bench_reg_{secrets.token_hex(4)}"
            try:
                _postgres(f'CREATE DATABASE "{name}"', admin)
            except Exception as error:  # noqa: BLE001 - reported in the JSON, the SQLite figures still count
                return {"skipped": f"no PostgreSQL at {urllib.parse.urlsplit(admin).netloc}: {type(error).__name__}"}
            dropper = lambda: _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin)  # noqa: E731
            parts = urllib.parse.urlsplit(admin)
            database_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
        env = server_env(var_dir, port, database_url=database_url)
        progress(f"{backend}: migrating a fresh database ...")
        django(env, "migrate", "--no-input", "-v", "0")
        site = run_python(env, SETUP_CODE.replace("CAPACITY", str(args.capacity)))
        progress(f"{backend}: starting gunicorn ({args.workers} workers x {args.threads} threads) ...")
        server = Server(env, port, workers=args.workers, threads=args.threads, log_path=var_dir / "gunicorn.log")
        server.wait_ready(site["path"])
        emails = [f"visitor{n}.{secrets.token_hex(3)}@example.org" for n in range(args.attempts)]
        progress(f"{backend}: {args.attempts} registrations by {args.concurrency} clients for "
                 f"{args.capacity} seats ...")
        cpu_before = time.process_time()
        results, wall = fire(port, site["path"], emails, args.concurrency)
        client_cpu = time.process_time() - cpu_before
        server.stop()
        server = None
        counts = run_python(env, COUNT_CODE.replace("SESSION", str(site["session"])))
        summary = summarise(results, wall, counts)
        # The clients share the machine's CPUs with the server: their share, in CPUs, for the record.
        summary["client_cpus_used"] = round(client_cpu / wall, 2)
        progress(f"{backend}: {summary}")
        return summary
    finally:
        if server:
            server.stop()
        if dropper:
            try:
                dropper()
            except Exception as error:  # noqa: BLE001
                progress(f"could not drop the bench database: {type(error).__name__}")
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--capacity", type=int, default=1000)
    # The server of ./cimaise serve: 2 workers (WEB_CONCURRENCY) x 4 threads.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    for name, (low, high) in {"attempts": (1, 100000), "concurrency": (1, 256), "capacity": (1, 100000),
                              "workers": (1, 32), "threads": (1, 64)}.items():
        if not low <= getattr(args, name) <= high:
            raise BenchError(f"--{name} must be between {low} and {high}")
    began = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    result = {}
    for backend in ("sqlite", "postgresql"):
        if args.only in (None, backend):
            result[backend] = run_one(backend, args)
    result.update({
        "attempts": args.attempts, "concurrency": args.concurrency, "capacity": args.capacity,
        "server": f"gunicorn, {args.workers} gthread workers x {args.threads} threads, DEBUG=0",
        "sqlite_version": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
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
        print(f"bench registrations: error: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench registrations: interrupted; servers stopped, temporary files removed", file=sys.stderr,
              flush=True)
        sys.exit(130)
