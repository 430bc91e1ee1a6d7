"""Whatever a file holds, `srm import` either imports it or fails cleanly and writes nothing."""

import json
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from srm.cli.app import app

LINES = st.sampled_from(
    [
        "BEGIN:VCARD",
        "END:VCARD",
        "VERSION:2.1",
        "VERSION:3.0",
        "VERSION:4.0",
        "FN:Ann Lee",
        "N:Lee;Ann;;;",
        "EMAIL:ann@example.org",
        "EMAIL;TYPE=INTERNET:not an email",
        "ORG:Acme\\, Inc.;Sales",
        "BDAY:--0229",
        "BDAY:1990-02-30",
        "BDAY:circa 1800",
        "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Z=C3=",
        "=B6e",
        " folded continuation",
        "CATEGORIES:a\\,b,c",
        "X-APPLE-OMIT-YEAR=1604",
        "name,email,org",
        "Bob Stone,bob@example.org,Acme",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "Ann,Lee,,ann@example.org,Acme,CEO,09 Oct 2024",
        "",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=14),
    st.sampled_from(["\r\n", "\n", "\r\r\n"]),
    st.sampled_from([".vcf", ".csv", ".txt"]),
)
def test_import_never_crashes_and_failure_writes_nothing(lines, newline, suffix):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        db, config = Path(tmp) / "srm.db", Path(tmp) / "c.toml"
        config.write_text("")
        env = {"SRM_DB": str(db), "SRM_CONFIG": str(config), "SRM_TODAY": "2026-03-15"}
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(newline.join(lines).encode("utf-8", "surrogatepass"))
        r = runner.invoke(app, ["import", str(path), "--json"], env=env)
        assert r.exit_code in (0, 2, 7), r.output
        assert "Traceback" not in r.output
        # A file refused before the store is opened leaves no database at all.
        count = (
            sqlite3.connect(db).execute("SELECT count(*) FROM contact").fetchone()[0]
            if db.exists()
            else 0
        )
        if r.exit_code == 0:
            assert count == json.loads(r.stdout)["created"]
        else:
            assert count == 0
            assert r.stderr.startswith("srm: ") and r.stderr.count("\n") == 1
