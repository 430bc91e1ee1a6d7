"""Every test runs the real CLI against its own temp store, config and pinned date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srm.cli.app import app

TODAY = "2026-03-15"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test sees the user's files: store, config and date all point into tmp_path."""
    monkeypatch.setenv("SRM_DB", str(tmp_path / "srm.db"))
    monkeypatch.setenv("SRM_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SRM_TODAY", TODAY)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("")
    return tmp_path


class Srm:
    """Runs `srm ARGS` in-process; .ok() asserts success, .fails() asserts a clean error."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str, input: str | None = None):
        r = self(*args, input=input)
        assert r.exit_code == 0, f"srm {' '.join(args)} exited {r.exit_code}: {r.output}"
        return r

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json").stdout)

    def fails(self, *args: str, code: int | None = None, match: str | None = None):
        r = self(*args)
        assert r.exit_code != 0, f"srm {' '.join(args)} should fail: {r.output}"
        if code is not None:
            assert r.exit_code == code, f"exit {r.exit_code}, wanted {code}: {r.output}"
        assert "Traceback" not in r.output
        err = r.stderr.strip()
        assert err, "an error must say something on stderr"
        if match is not None:
            assert match in err, f"{match!r} not in {err!r}"
        return r


@pytest.fixture
def srm() -> Srm:
    return Srm()


@pytest.fixture
def config_file(isolated: Path):
    def write(text: str) -> Path:
        path = isolated / "config.toml"
        path.write_text(text)
        return path

    return write
