"""Bidirectional overrides and isolates ("Trojan Source", CVE-2021-42574) can make a terminal
show text other than what is stored: srm keeps none on input and prints none on output, while
right-to-left names are kept as written."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

from srm.cli import output
from srm.domain.common import json_dumps, strip_controls

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# "Eve" written backwards behind a right-to-left override: a terminal shows "Eve".
SPOOF = "Bob \u202eevE\u202c"


def test_overrides_are_not_stored_from_arguments(srm):
    c = srm.json("add", SPOOF, "--org", "Acme\u2067 Ltd\u2069", "--note", "see\u202e note")
    assert (c["name"], c["org"]) == ("Bob evE", "Acme Ltd")
    srm.ok("log", "bob", "q\u202dx", "--note", "line one\n\u2066line two\u2069")
    shown = srm.ok("show", "bob", "--all").output
    assert not BIDI.search(shown)
    assert "qx" in shown
    exported = srm.ok("export", "--format", "json").output
    assert "line one\\nline two" in exported and not BIDI.search(exported)


def test_overrides_are_not_stored_from_a_vcard(srm, isolated):
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mallory \u202eyrollaM\r\nNOTE:a\u2068b\r\nEND:VCARD\r\n"
    )
    (isolated / "spoof.vcf").write_text(card)
    srm.ok("import", "spoof.vcf")
    [c] = srm.json("contacts")
    assert c["name"] == "Mallory yrollaM"
    assert not BIDI.search(srm.ok("export", "--format", "json").output)


def test_right_to_left_names_are_kept_as_written(srm):
    c = srm.json("add", "מריה כהן", "--org", "شركة")
    assert (c["name"], c["org"]) == ("מריה כהן", "شركة")


def test_stored_overrides_never_reach_the_screen():
    """Text stored before srm cleaned it (or written by another program): printed clean,
    escaped in JSON (the same data to a JSON reader)."""
    assert strip_controls(SPOOF) == "Bob evE"
    assert json_dumps(SPOOF) == '"Bob \\u202eevE\\u202c"'
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        output.show_rows(["name"], [[SPOOF], ["Ann"]])
    assert not BIDI.search(buffer.getvalue()) and "Bob evE" in buffer.getvalue()
