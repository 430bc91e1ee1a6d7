"""Helpers shared by the import tests: run an import of a fixture, read back what landed."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def load(srm, name: str, *args: str) -> dict:
    """Import tests/fixtures/import/NAME and return the --json summary."""
    return srm.json("import", str(FIXTURES / name), *args)


def people(srm) -> dict[str, dict]:
    return {c["name"]: c for c in srm.json("contacts")}


def dates(srm) -> dict[tuple[str, str], tuple]:
    return {
        (d["contact"]["name"], d["label"]): (d["year"], d["month"], d["day"])
        for d in srm.json("dates")
    }
