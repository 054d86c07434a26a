"""The race test, in the spirit of pretix's concurrency tests: many people at once for the last seats, over HTTP.

A real server (gunicorn, several processes and threads, each with its own
database connection) serves the test's database: for SQLite a copy of it in a
file (the in-memory test database cannot be shared between processes), for
PostgreSQL the test database itself. 40 visitors, each with their own CSRF
cookie, post their registration at the same instant for the last 10 seats.
Exactly the capacity must be confirmed, the others waitlisted, no error.

The control runs a naive count-then-insert registration (``naive_register``,
below) through the same harness, and must oversell: it proves the harness
does produce the race that the real code survives.

This module is also the server's WSGI application (``application``): the real
site, plus the naive endpoint for the control.
"""

import importlib.util
import os
import sqlite3
import time
import urllib.parse
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BENCH_FILE = HERE.parent.parent / "bench" / "registrations.py"
CAPACITY, ALREADY_TAKEN, VISITORS = 30, 20, 40  # 10 seats left for 40 people


def _harness():
    spec = importlib.util.spec_from_file_location("cimaise_bench_registrations", BENCH_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the server side (runs in gunicorn) ----------------------------------------------------------------------

_site = None
if os.environ.get("CIMAISE_RACE_SERVER"):
    from django.core.wsgi import get_wsgi_application

    _site = get_wsgi_application()


def naive_register(session_id, email):
    """What NOT to do: read how many seats are taken, then insert. Two requests read the same count."""
    from django.db.models import Sum

    from cimaise.events.models import EventSession, Registration

    session = EventSession.objects.get(pk=session_id)
    taken = Registration.objects.filter(session_id=session_id, status="confirmed").aggregate(
        n=Sum("seats"))["n"] or 0
    time.sleep(0.05)  # the time a request spends between the two (a form, a template, a mail...)
    status = "confirmed" if taken + 1 <= session.capacity else "waitlisted"
    Registration.objects.create(session_id=session_id, name="Naive", email=email, seats=1, status=status)


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/naive-register/":
        return _site(environ, start_response)
    from django.db import close_old_connections

    close_old_connections()
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        fields = urllib.parse.parse_qs(environ["wsgi.input"].read(length).decode())
        session_id = int(urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))["session"][0])
        naive_register(session_id, fields["email"][0])
        start_response("302 Found", [("Location", "/fr/events/r/naive/"), ("Content-Length", "0")])
        return [b""]
    finally:
        close_old_connections()


# --- the test side -------------------------------------------------------------------------------------------


@pytest.fixture
def race(webinar, tmp_path):
    """The webinar with 20 of its 30 seats taken, served by gunicorn on the test's data; yields the helpers."""
    from django.db import connection

    from cimaise.events.services.registrations import register

    harness = _harness()
    session = webinar["session"]
    for n in range(ALREADY_TAKEN):
        register(session, name=f"Early {n}", email=f"early{n}@example.org")

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    settings_dict = connection.settings_dict
    database_url = None
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(var_dir / "db.sqlite3")
        connection.connection.backup(copy)  # the committed test data, in a file every process can open
        copy.close()
    else:
        auth = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else "")
        database_url = (f"postgres://{auth}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
                        f"/{settings_dict['NAME']}")

    port = harness.free_port()
    env = harness.server_env(var_dir, port, database_url=database_url, extra_path=[HERE], testing=True)
    env["CIMAISE_RACE_SERVER"] = "1"
    server = harness.Server(env, port, workers=2, threads=16, log_path=tmp_path / "gunicorn.log",
                            app="test_race:application")
    form_path = f"/fr/events/register/{session.uid}/"
    try:
        server.wait_ready(form_path)

        def counts():
            """Seats confirmed by registrations, the session's counter, and the number waitlisted."""
            if connection.vendor == "sqlite":
                with sqlite3.connect(var_dir / "db.sqlite3") as db:
                    confirmed, waitlisted = db.execute(
                        "SELECT COALESCE(SUM(CASE WHEN status='confirmed' THEN seats END), 0),"
                        " SUM(status='waitlisted') FROM events_registration WHERE session_id=?",
                        (session.pk,)).fetchone()
                    (counter,) = db.execute("SELECT confirmed_seats FROM events_eventsession WHERE id=?",
                                            (session.pk,)).fetchone()
                return confirmed, counter, waitlisted or 0
            from django.db.models import Sum

            from cimaise.events.models import Registration

            session.refresh_from_db()
            mine = Registration.objects.filter(session=session)
            confirmed = mine.filter(status="confirmed").aggregate(n=Sum("seats"))["n"] or 0
            return confirmed, session.confirmed_seats, mine.filter(status="waitlisted").count()

        yield {"harness": harness, "port": port, "form_path": form_path, "session": session, "counts": counts,
               "server": server}
    finally:
        server.stop()


def _emails(tag):
    return [f"{tag}{n}@example.org" for n in range(VISITORS)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_registrations_never_oversell(race):
    results, _ = race["harness"].fire(race["port"], race["form_path"], _emails("racer"), VISITORS)
    statuses = sorted({status for status, _, _ in results})
    assert statuses == [302], (statuses, race["server"].last_log_line())  # no 500, no refusal
    assert all("/events/r/" in location for _, location, _ in results)
    confirmed, counter, waitlisted = race["counts"]()
    assert confirmed == CAPACITY, "exactly the capacity is confirmed"
    assert counter == CAPACITY, "the session's counter agrees with the registrations"
    assert waitlisted == VISITORS - (CAPACITY - ALREADY_TAKEN)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_control_the_naive_count_then_insert_oversells(race):
    """Without this failing, the test above would prove nothing: the harness must produce the race."""
    path = f"/naive-register/?session={race['session'].pk}"
    results, _ = race["harness"].fire(race["port"], race["form_path"], _emails("naive"), VISITORS, post_path=path)
    assert sorted({status for status, _, _ in results}) == [302], race["server"].last_log_line()
    confirmed, counter, _ = race["counts"]()
    assert confirmed > CAPACITY, f"the naive version should oversell, it confirmed {confirmed} of {CAPACITY}"
