"""Public page speed: home and article pages against a bare Wagtail page, under gunicorn.

    ./cimaise bench pages [--requests N] [--concurrency C] [--workers W] [--rounds R]

Builds a throw-away site in a temporary directory (its own SQLite database,
secret key and collected static files; the user's database and var/ are
never touched), serves it with gunicorn on 127.0.0.1 and a free port, and
loads three pages in the same run:

- home: the French HomePage (site root);
- article: an ArticlePage of about 800 words (heading, paragraphs, quote);
- bare: a BarePage (bench/bareapp) with the same title and text, rendered
  by a minimal template: what Wagtail alone costs for the same content.

Requests go in rounds: each round sends one batch to each page in turn (the
order rotates), so that any drift of the machine hits the three alike. Every
response must be a 200 that contains the page's title, or the bench stops.

Prints one JSON line on stdout; progress goes to stderr. ``article_vs_bare``
is the article's mean request time divided by the bare page's (goal <= 1.10).
See docs/performance.md.
"""

import argparse
import datetime
import html
import http.client
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
TARGETS = ("home", "article", "bare")
REQUEST_TIMEOUT = 10  # seconds, per request
TIME_BUDGET = 55  # seconds for the whole bench: no new round starts after it (2 rounds at least)
# Only these variables reach the site: nothing from the caller's environment
# (DATABASE_URL, REDIS_URL, S3_BUCKET, GUNICORN_CMD_ARGS, ...) can point the bench
# at real data or change what is measured.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


class BenchError(Exception):
    """Stops the bench; its message is the one line printed to stderr."""


def progress(message):
    print(f"bench pages: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def bench_env(var_dir, port):
    env = {k: v for k, v in os.environ.items() if k in INHERITED_VARIABLES}
    env.update(
        CIMAISE_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS=f"{HOST},localhost",
        BASE_URL=f"http://{HOST}:{port}",
        DJANGO_SETTINGS_MODULE="_bench_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT / "src")]),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def django(env, *args, capture=False):
    """Run a management command with the bench settings; raise BenchError when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "django", *args], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"'manage.py {args[0]}' failed: {last}")
    return result.stdout


def prepare(env, port):
    progress("migrating a fresh SQLite database in a temporary directory ...")
    django(env, "migrate", "--no-input", "-v", "0")
    progress("collecting static files ...")
    django(env, "collectstatic", "--no-input", "-v", "0")
    progress("creating the home page, an 800-word article and the bare page ...")
    return json.loads(django(env, "bench_content", "--port", str(port), capture=True).strip().splitlines()[-1])


class Server:
    """gunicorn serving cimaise.wsgi with the bench settings; stopped by its own pid."""

    def __init__(self, env, port, workers, log_path):
        self.port = port
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cimaise.wsgi", "--bind", f"{HOST}:{port}",
             "--workers", str(workers), "--worker-class", "gthread", "--threads", "4",
             "--access-logfile", "-", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )

    def wait_ready(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with code {self.process.returncode}: {self.last_log_line()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
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
        lines = Path(self.log_path).read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(gunicorn wrote nothing)"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Client:
    """One keep-alive connection per thread (http.client reopens it when the server closes it)."""

    def __init__(self, port, concurrency):
        self.port = port
        self.connections = [http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
                            for _ in range(concurrency)]

    def close(self):
        for conn in self.connections:
            conn.close()

    def batch(self, path, expected, count):
        """Send ``count`` GET requests to ``path`` over all connections; return (wall seconds, latencies)."""
        latencies = []
        errors = []
        lock = threading.Lock()
        share = [count // len(self.connections) + (1 if i < count % len(self.connections) else 0)
                 for i in range(len(self.connections))]

        def run(conn, n):
            mine = []
            try:
                for _ in range(n):
                    start = time.perf_counter()
                    try:
                        conn.request("GET", path, headers={"Accept-Language": "fr"})
                        response = conn.getresponse()
                        body = response.read()
                    except (OSError, http.client.HTTPException):
                        conn.close()  # one retry on a fresh connection, e.g. after a closed keep-alive
                        conn.request("GET", path, headers={"Accept-Language": "fr"})
                        response = conn.getresponse()
                        body = response.read()
                    mine.append(time.perf_counter() - start)
                    if response.status != 200:
                        raise BenchError(f"{path} answered {response.status}")
                    if expected not in body:
                        raise BenchError(f"{path} answered 200 without its title: not the expected page")
            except Exception as error:  # reported by the main thread
                errors.append(error)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=run, args=(conn, n)) for conn, n in zip(self.connections, share)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        if errors:
            error = errors[0]
            raise error if isinstance(error, BenchError) else BenchError(f"{path}: {type(error).__name__}: {error}")
        return wall, latencies


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def measure(client, site, requests, rounds, warmup, deadline):
    expected = {name: html.escape(site["titles"][name]).encode() for name in TARGETS}
    urls = site["urls"]
    progress(f"warming up ({warmup} requests per page) ...")
    for name in TARGETS:
        client.batch(urls[name], expected[name], warmup)

    per_round = max(1, requests // rounds)
    walls = {name: 0.0 for name in TARGETS}
    latencies = {name: [] for name in TARGETS}
    round_ratios = []
    for r in range(rounds):
        round_started = time.monotonic()
        order = TARGETS[r % 3:] + TARGETS[:r % 3]
        means = {}
        for name in order:
            wall, lat = client.batch(urls[name], expected[name], per_round)
            walls[name] += wall
            latencies[name].extend(lat)
            means[name] = statistics.fmean(lat)
        round_ratios.append(means["article"] / means["bare"])
        done = r + 1
        progress(f"round {done}/{rounds}: " + ", ".join(
            f"{n} {len(latencies[n]) / walls[n]:.0f} req/s" for n in TARGETS)
            + f", article/bare {round_ratios[-1]:.2f}")
        # Stop when another round like this one would end after the deadline.
        if time.monotonic() + (time.monotonic() - round_started) > deadline and 2 <= done < rounds:
            progress(f"stopping after {done} rounds to stay within {TIME_BUDGET} s (a busy machine?)")
            break
    return walls, latencies, round_ratios


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="measured requests per page (default 500)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds the requests are split into (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="simultaneous connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per page first (default 30)")
    args = parser.parse_args(argv)
    limits = {"requests": (1, 20000), "rounds": (1, 100), "concurrency": (1, 64), "workers": (1, 16),
              "warmup": (0, 1000)}
    for name, (low, high) in limits.items():
        if not low <= getattr(args, name) <= high:
            raise BenchError(f"--{name} must be between {low} and {high}")

    began = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    var_dir = Path(tempfile.mkdtemp(prefix="cimaise-bench-pages-"))
    server = client = None
    try:
        port = free_port()
        env = bench_env(var_dir, port)
        site = prepare(env, port)
        progress(f"site ready in {time.monotonic() - began:.0f} s; "
                 f"starting gunicorn with {args.workers} workers on {HOST}:{port} ...")
        server = Server(env, port, args.workers, var_dir / "gunicorn.log")
        server.wait_ready(site["urls"]["home"])
        client = Client(port, args.concurrency)
        walls, latencies, round_ratios = measure(
            client, site, args.requests, args.rounds, args.warmup, began + TIME_BUDGET)
    finally:
        if client:
            client.close()
        if server:
            progress("stopping gunicorn ...")
            stopping = time.monotonic()
            server.stop()
            progress(f"gunicorn stopped in {time.monotonic() - stopping:.1f} s")
        shutil.rmtree(var_dir, ignore_errors=True)

    mean = {n: statistics.fmean(latencies[n]) for n in TARGETS}
    p95 = {n: percentile(latencies[n], 0.95) for n in TARGETS}
    rps = {n: len(latencies[n]) / walls[n] for n in TARGETS}
    result = {
        "home_rps": round(rps["home"], 1),
        "article_rps": round(rps["article"], 1),
        "bare_rps": round(rps["bare"], 1),
        "p95_ms": round(p95["article"] * 1000, 1),
        "article_vs_bare": round(mean["article"] / mean["bare"], 3),
        "article_vs_bare_rounds": [round(min(round_ratios), 3), round(max(round_ratios), 3)],
        "home_p95_ms": round(p95["home"] * 1000, 1),
        "bare_p95_ms": round(p95["bare"] * 1000, 1),
        "home_mean_ms": round(mean["home"] * 1000, 2),
        "article_mean_ms": round(mean["article"] * 1000, 2),
        "bare_mean_ms": round(mean["bare"] * 1000, 2),
        "queries": site["queries"],
        "article_words": site["words"],
        "requests": {n: len(latencies[n]) for n in TARGETS},
        "concurrency": args.concurrency,
        "workers": args.workers,
        "server": "gunicorn (gthread workers, 4 threads), DEBUG=0, whitenoise manifest storage",
        "database": f"sqlite {sqlite3.sqlite_version} (WAL, temporary)",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "date": datetime.date.today().isoformat(),
        "seconds": round(time.monotonic() - began, 1),
    }
    print(json.dumps(result), flush=True)
    return 0


def _interrupted(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)  # so that `finally` stops gunicorn and removes the files
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"bench pages: error: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench pages: interrupted; gunicorn stopped and temporary files removed", file=sys.stderr, flush=True)
        sys.exit(130)
