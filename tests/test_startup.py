"""Start-up hygiene: `srm --help` must not import the heavy libraries only some commands need."""

from __future__ import annotations

import os
import subprocess
import sys

# Each costs tens of milliseconds to import (sqlmodel ~0.4 s); commands import them when used.
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "vobject", "icalendar")


def imported_modules(*args: str) -> set[str]:
    """Every module `python -X importtime -m srm ARGS` imports, read from its import log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRM_")}
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "srm", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in p.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_help_imports_no_heavy_library():
    modules = imported_modules("--help")
    assert "srm.cli.app" in modules, "the import log should list srm's own modules"
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"srm --help imports {heavy}: import them inside the commands that use them"
