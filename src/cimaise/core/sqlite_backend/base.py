"""Django's SQLite backend, with write transactions handed over in turn instead of polled for.

SQLite lets one writer in at a time. A writer that finds the database busy
sleeps in SQLite's busy handler (1, 2, 5 ... up to 100 ms) and tries again:
under many concurrent writes (a popular registration opening) the lock
sits free while everyone sleeps, and unlucky requests wait over a second.

Here a write transaction (every ``atomic()`` block: transactions are
``BEGIN IMMEDIATE``) first takes a lock in two steps: the threads of one
process queue on a ``threading.Lock``, then one thread per process takes an
exclusive ``flock`` on ``<database>.writelock``, polled every half
millisecond. Both are released at commit or rollback. The handover takes a
fraction of a millisecond, the wait is bounded by the database's
``timeout`` (then the same "database is locked" error as SQLite's), and a
process that dies releases its lock with it. Writes outside ``atomic()``
(autocommit) keep SQLite's own handling.
"""

import fcntl
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_process_locks = {}
_process_locks_guard = threading.Lock()
POLL_SECONDS = 0.0005


def _process_lock(path):
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_file = None
    _holds_write_lock = False

    def _lock_path(self):
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return name + ".writelock"

    def _acquire_write_lock(self):
        path = self._lock_path()
        if path is None:
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        thread_lock = _process_lock(path)
        if not thread_lock.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        try:
            if self._write_lock_file is None:
                self._write_lock_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            while True:
                try:
                    fcntl.flock(self._write_lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OperationalError("database is locked") from None
                    time.sleep(POLL_SECONDS)
        except BaseException:
            thread_lock.release()
            raise
        self._holds_write_lock = True

    def _release_write_lock(self):
        if not self._holds_write_lock:
            return
        self._holds_write_lock = False
        fcntl.flock(self._write_lock_file, fcntl.LOCK_UN)
        _process_lock(self._lock_path()).release()

    def _start_transaction_under_autocommit(self):
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._write_lock_file is not None:
                os.close(self._write_lock_file)
                self._write_lock_file = None
