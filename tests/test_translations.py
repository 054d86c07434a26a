"""Every user-visible string of ours is in the French catalog, translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "cimaise"
CATALOG = SRC / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def parse_po(path):
    """msgid -> translated? for each live entry (a small parser: enough for makemessages output)."""
    entries, current, field = {}, None, None
    fuzzy = False

    def close():
        if current and current["msgid"]:
            translated = all(current["msgstr"].values()) and bool(current["msgstr"]) and not current["fuzzy"]
            entries[current["msgid"]] = translated

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            close()
            current = {"msgid": "", "msgstr": {}, "fuzzy": fuzzy}
            fuzzy = False
            field = ("msgid", None)
            current["msgid"] = eval(line[6:])  # noqa: S307 - a PO string literal
        elif line.startswith("msgid_plural "):
            field = ("plural", None)
        elif line.startswith("msgstr"):
            key = line[6:line.index(" ")] or "[0]"
            current["msgstr"][key] = eval(line[line.index(" ") + 1:])  # noqa: S307
            field = ("msgstr", key)
        elif line.startswith('"') and current is not None and field:
            text = eval(line)  # noqa: S307
            if field[0] == "msgid":
                current["msgid"] += text
            elif field[0] == "msgstr":
                current["msgstr"][field[1]] += text
    close()
    return entries


def test_every_catalog_entry_is_translated():
    entries = parse_po(CATALOG)
    assert len(entries) > 100
    untranslated = [msgid for msgid, ok in entries.items() if not ok]
    assert untranslated == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext (msgfmt) is not installed")
def test_compiled_catalog_is_up_to_date(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(CATALOG)], check=True)
    assert CATALOG.with_suffix(".mo").read_bytes() == fresh.read_bytes(), "run ./cimaise manage compilemessages"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) is not installed")
def test_no_string_is_missing_from_the_catalog(tmp_path):
    """Extract the strings again from a copy of the sources: none may be new."""
    copy = tmp_path / "cimaise"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "CIMAISE_TESTING": "1",
           "DJANGO_SETTINGS_MODULE": "cimaise.settings", "CIMAISE_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=copy, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    extracted = parse_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    committed = parse_po(CATALOG)
    assert sorted(set(extracted) - set(committed)) == []
