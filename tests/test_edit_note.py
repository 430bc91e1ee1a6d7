"""`srm log --edit`: whatever the editor saves, the person's note is kept."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def editor(isolated, monkeypatch):
    """$EDITOR as a script that appends the given bytes to the file it is handed."""

    def make(content: bytes) -> None:
        (isolated / "note.bin").write_bytes(content)
        script = isolated / "fake-editor"
        script.write_text(f'#!/bin/sh\ncat "{isolated / "note.bin"}" >> "$1"\n')
        script.chmod(0o700)
        monkeypatch.setenv("EDITOR", str(script))
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setattr(tempfile, "tempdir", str(isolated))  # the note file is made here

    return make


def test_a_note_saved_as_latin1_is_kept_with_a_warning(srm, editor, isolated):
    srm.ok("add", "Ann Lee")
    editor("Caf\xe9 cr\xe8me, na\xefve\n".encode("latin-1"))
    r = srm.ok("log", "ann", "coffee", "--edit")
    assert "wasn't saved as UTF-8" in r.stderr
    assert srm.json("show", "ann")["interactions"][0]["note"] == "Café crème, naïve"
    assert list(isolated.glob("srm-note-*")) == []  # logged: the file is gone


def test_a_utf8_note_is_read_as_written(srm, editor):
    srm.ok("add", "Ann Lee")
    editor("Zoë — 東京\n# a comment line\nsecond line\n".encode())
    r = srm.ok("log", "ann", "coffee", "--edit")
    assert "UTF-8" not in r.stderr
    assert srm.json("show", "ann")["interactions"][0]["note"] == "Zoë — 東京\nsecond line"


def test_when_the_log_fails_the_note_file_is_kept_and_named(srm, editor):
    srm.ok("add", "Ann Lee")
    editor(b"x" * 100_001)
    r = srm.fails("log", "ann", "coffee", "--edit", code=2, match="your note is kept in ")
    kept = Path(re.search(r"your note is kept in (\S+)", r.stderr).group(1))
    assert kept.read_bytes().endswith(b"x" * 100_001)
    assert (kept.stat().st_mode & 0o777) == 0o600
    kept.unlink()
