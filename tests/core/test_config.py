"""Settings come from the environment; a wrong value stops start-up with one line that names it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cimaise.core.config import ConfigError, Env

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrst"  # 50 characters
# The only variables of the host passed on to the child (settings.py reads none of them).
ENV_PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def _start_check(var_dir, **variables):
    """Start ``manage.py check`` in a clean environment (no CIMAISE_TESTING, no DEBUG unless given)."""
    env = {name: os.environ[name] for name in ENV_PASSTHROUGH if name in os.environ}
    env.update(PYTHONPATH=str(ROOT / "src"), CIMAISE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="cimaise.settings")
    env.update(variables)
    return subprocess.Popen(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _finish(process):
    stdout, stderr = process.communicate(timeout=180)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


WRONG = {
    "database-mysql": ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
    "database-bad-port": ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "postgres://db.example:notaport/cimaise"},
                          "DATABASE_URL"),
    "database-no-name": ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "postgres://db.example:5432"}, "DATABASE_URL"),
    "redis-http": ({"SECRET_KEY": GOOD_KEY, "REDIS_URL": "http://nope"}, "REDIS_URL"),
    "debug-maybe": ({"SECRET_KEY": GOOD_KEY, "DEBUG": "maybe"}, "DEBUG"),
    "no-secret-key": ({}, "SECRET_KEY"),
    "secret-key-too-short": ({"SECRET_KEY": "tiny-k3y-xyz"}, "SECRET_KEY"),
    "secret-key-file-missing": ({"SECRET_KEY_FILE": "/nonexistent/cimaise-secret"}, "SECRET_KEY_FILE"),
    "esp-pigeon": ({"SECRET_KEY": GOOD_KEY, "EMAIL_ESP": "pigeon"}, "EMAIL_ESP"),
    "base-url-ftp": ({"SECRET_KEY": GOOD_KEY, "BASE_URL": "ftp://example.org"}, "BASE_URL"),
    "interval-too-short": ({"SECRET_KEY": GOOD_KEY, "SCHEDULED_PUBLISHING_INTERVAL": "1"},
                           "SCHEDULED_PUBLISHING_INTERVAL"),
}


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    """Every ``manage.py check`` of this module, run at the same time (each one starts Django: about a second)."""
    var_dir = tmp_path_factory.mktemp("var")
    key_file = var_dir / "secret"
    key_file.write_text(GOOD_KEY + "\n")
    cases = {name: variables for name, (variables, _named) in WRONG.items()}
    cases["valid"] = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "musee.example.org"}
    cases["valid-key-file"] = {"SECRET_KEY_FILE": str(key_file)}
    processes = {name: _start_check(var_dir, **variables) for name, variables in cases.items()}
    return {name: _finish(process) for name, process in processes.items()}


@pytest.mark.parametrize("case", list(WRONG))
def test_a_wrong_setting_stops_with_one_line_that_names_it(checks, case):
    variables, named = WRONG[case]
    result = checks[case]

    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cimaise: configuration error:")
    assert named in lines[0]
    if "SECRET_KEY" in variables:
        assert variables["SECRET_KEY"] not in result.stderr  # a secret is never echoed


def test_a_valid_environment_passes_the_checks(checks):
    result = checks["valid"]
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_secret_key_can_come_from_a_file(checks):
    result = checks["valid-key-file"]
    assert result.returncode == 0, result.stderr


# --- Env, the parser ---------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_bool_true(raw):
    assert Env({"X": raw}).bool("X") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_bool_false(raw):
    assert Env({"X": raw}).bool("X", default=True) is False


def test_bool_default_and_error():
    assert Env({}).bool("X", default=True) is True
    with pytest.raises(ConfigError, match=r"^X='maybe' is not a boolean"):
        Env({"X": "maybe"}).bool("X")


def test_int_parsing():
    env = Env({"N": " 42 ", "EMPTY": "  ", "LOW": "3", "BAD": "4.5"})
    assert env.int("N", 1) == 42
    assert env.int("EMPTY", 7) == 7
    assert env.int("MISSING", 7) == 7
    assert env.int("LOW", 7) == 3
    with pytest.raises(ConfigError, match="LOW='3' must be at least 5"):
        env.int("LOW", 7, minimum=5)
    with pytest.raises(ConfigError, match="BAD='4.5' is not a whole number"):
        env.int("BAD", 7)


def test_list_parsing():
    env = Env({"HOSTS": " a.example, ,b.example ,", "NONE": ""})
    assert env.list("HOSTS") == ["a.example", "b.example"]
    assert env.list("NONE", ["x"]) == []
    assert env.list("MISSING", ("x", "y")) == ["x", "y"]


def test_str_strips_and_defaults():
    env = Env({"NAME": "  Musée  "})
    assert env.str("NAME") == "Musée"
    assert env.str("MISSING") is None
    assert env.str("MISSING", "d") == "d"


def test_url_parsing():
    env = Env({"R": "redis://cache:6379/0", "U": "unix:///run/redis.sock", "H": "http://nope", "E": "",
               "N": "redis://"})
    assert env.url("R", ("redis", "rediss", "unix")) == "redis://cache:6379/0"
    assert env.url("U", ("redis", "rediss", "unix")) == "unix:///run/redis.sock"
    assert env.url("E", ("redis",), "fallback") == "fallback"
    assert env.url("MISSING", ("redis",)) is None
    with pytest.raises(ConfigError, match="^H is not a valid URL: expected redis://... or rediss://..."):
        env.url("H", ("redis", "rediss"))
    with pytest.raises(ConfigError, match="^N is not a valid URL"):
        env.url("N", ("redis",))
