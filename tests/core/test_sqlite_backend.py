"""Cimaise's SQLite backend: write transactions queue on a lock instead of sleeping in SQLite's busy handler."""

import fcntl
import os
import threading
import time

import pytest
from django.db import OperationalError

from cimaise.core.sqlite_backend.base import DatabaseWrapper


def _wrapper(path, timeout=5):
    settings = {
        "ENGINE": "cimaise.core.sqlite_backend", "NAME": str(path), "USER": "", "PASSWORD": "", "HOST": "",
        "PORT": "", "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "TEST": {},
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout, "init_command": "PRAGMA journal_mode=WAL;"},
    }
    return DatabaseWrapper(settings, alias="lock-test")


def _write(wrapper, value):
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])
        wrapper.commit()
    finally:
        wrapper.set_autocommit(True)


def _lock_is_held(path):
    fd = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A database file of its own (not the test database), outside pytest-django's guard."""
    path = tmp_path / "db.sqlite3"
    with django_db_blocker.unblock():
        setup = _wrapper(path)
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE t (v INTEGER)")
        setup.close()
        yield path


def _rows(path):
    reader = _wrapper(path)
    with reader.cursor() as cursor:
        cursor.execute("SELECT v FROM t ORDER BY v")
        rows = [v for (v,) in cursor.fetchall()]
    reader.close()
    return rows


def test_a_second_writer_waits_for_the_first_and_then_writes(database):
    first = _wrapper(database)
    order = []

    def late_writer():
        second = _wrapper(database)
        _write(second, 2)
        order.append("second committed")
        second.close()

    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES (1)")
    thread = threading.Thread(target=late_writer)
    thread.start()
    time.sleep(0.3)
    assert order == []  # still waiting: the first transaction holds the write lock
    assert _lock_is_held(database)  # the queue: a lock on <database>.writelock, not SQLite's busy handler
    order.append("first committed")
    first.commit()
    first.set_autocommit(True)
    thread.join(timeout=5)
    first.close()
    assert order == ["first committed", "second committed"]
    assert not _lock_is_held(database)
    assert _rows(database) == [1, 2]


def test_a_writer_gives_up_after_the_timeout_with_sqlites_own_error(database):
    holder = _wrapper(database)
    holder.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    errors = []

    def blocked():
        waiter = _wrapper(database, timeout=0.3)
        try:
            _write(waiter, 2)
        except OperationalError as error:
            errors.append(str(error))
        finally:
            waiter.close()

    thread = threading.Thread(target=blocked)
    thread.start()
    thread.join(timeout=5)
    holder.rollback()
    holder.set_autocommit(True)
    holder.close()
    assert errors == ["database is locked"]
    assert _rows(database) == []


def test_a_rolled_back_transaction_releases_the_lock(database):
    first = _wrapper(database, timeout=0.5)
    with pytest.raises(ZeroDivisionError):
        with _transaction(first):
            1 / 0
    _write(_wrapper(database, timeout=0.5), 3)
    assert _rows(database) == [3]


class _transaction:
    """What atomic() does to a connection, for a wrapper outside Django's connection handler."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def __enter__(self):
        self.wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, *exc):
        self.wrapper.rollback()
        self.wrapper.set_autocommit(True)
