"""What srm prints, whatever the locale's encoding: UTF-8 to a pipe or a file (lossless, as
JSON, vCard and iCalendar require), and on a terminal that can't show a character a '?' in
its place. Never a crash: a name in any script printed through a latin-1 or ASCII locale made
`srm contacts` end in an internal error.

These run real processes: the test runner's own output stream is UTF-8 whatever the locale.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

NAMES = ["Zoë Ščepán", "李小龙", "Ana 😀 Ortiz"]


def run(*args: str, encoding: str, tty: bool = False) -> tuple[int, bytes, bytes]:
    """`python -m srm ARGS` with PYTHONIOENCODING=`encoding`; its stdout a pipe or a terminal."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0", "LC_ALL": "C"}
    cmd = [sys.executable, "-m", "srm", *args]
    if not tty:
        p = subprocess.run(cmd, capture_output=True, env=env)
        return p.returncode, p.stdout, p.stderr
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the command closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = p.stderr.read() if p.stderr else b""
    return p.wait(), out, err


@pytest.fixture
def people(srm):
    for name in NAMES:
        srm.ok("add", name)
    srm.ok("log", "zoe", "Café ☕ planning")


@pytest.mark.parametrize("encoding", ["latin-1", "ascii", "cp1252"])
def test_json_and_exports_to_a_pipe_are_utf8_whatever_the_locale(people, encoding):
    code, out, err = run("contacts", "--json", encoding=encoding)
    assert code == 0, err.decode()
    assert sorted(c["name"] for c in json.loads(out.decode("utf-8"))) == sorted(NAMES)
    code, out, err = run("export", "--format", "json", encoding=encoding)
    assert code == 0, err.decode()
    exported = json.loads(out.decode("utf-8"))
    assert sorted(c["name"] for c in exported["contacts"]) == sorted(NAMES)
    assert exported["interactions"][0]["summary"] == "Café ☕ planning"
    code, out, err = run("export", "--format", "vcard", encoding=encoding)
    assert code == 0, err.decode()
    assert "FN:李小龙" in out.decode("utf-8")


@pytest.mark.parametrize(
    "args", [("contacts",), ("show", "zoe"), ("timeline",), ("report",), ("due", "--all")]
)
def test_tables_to_a_pipe_are_utf8_whatever_the_locale(people, args):
    code, out, err = run(*args, encoding="latin-1")
    assert code == 0, err.decode()
    assert "internal error" not in err.decode()
    text = out.decode("utf-8")
    if args[0] in ("contacts", "show"):
        assert "Zoë Ščepán" in text


def test_a_terminal_that_cant_show_a_character_shows_a_question_mark(people):
    code, out, err = run("contacts", encoding="latin-1", tty=True)
    assert code == 0, err.decode()
    shown = out.decode("latin-1")
    assert "Zoë ??epán" in shown  # ë and á are latin-1 characters, Š and č aren't
    assert "???" in shown  # 李小龙


def test_an_error_naming_a_contact_is_one_line_on_any_locale(people):
    # An ASCII name that folds to the stored one: the refusal names "Zoë Ščepán".
    code, out, err = run("add", "Zoe Scepan", encoding="ascii")
    assert code == 8
    assert err.count(b"\n") == 1 and b"Traceback" not in err
    assert "Zoë Ščepán" in err.decode("utf-8")
