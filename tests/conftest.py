"""Every test runs the real CLI against its own temp store, config and pinned date.

The store is an SQLite file in the test's temp folder, or, with SRM_TEST_PG set to a
PostgreSQL server's URL (`.ci/run` starts one and sets it), a database of its own on that
server: the whole suite runs on either engine. Tests marked `sqlite_only` (with the reason)
are about SQLite's files; tests marked `postgresql` need a server and are skipped without one.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

from srm.cli.app import app

TODAY = "2026-03-15"
PG = os.environ.get("SRM_TEST_PG")  # e.g. postgresql://postgres@/postgres?host=/tmp/srm-pg
NO_PG = "no PostgreSQL server to test on: set SRM_TEST_PG=postgresql://… (.ci/run does)"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite's files; skipped on PostgreSQL"
    )
    config.addinivalue_line("markers", "postgresql: needs a PostgreSQL server (SRM_TEST_PG)")
    config.addinivalue_line(
        "markers",
        "engine_independent(what): touches no store; run in the SQLite half only (.ci/run runs"
        " the suite on both engines)",
    )


_independent: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG:  # the same tests on the other engine would test nothing new
        keep = [i for i in items if i.get_closest_marker("engine_independent") is None]
        gone = [i for i in items if i.get_closest_marker("engine_independent") is not None]
        if gone:
            config.hook.pytest_deselected(items=gone)
            items[:] = keep
            _independent.extend(sorted({i.module.__name__ for i in gone}))
    for item in items:
        only = item.get_closest_marker("sqlite_only")
        if PG and only is not None:
            reason = only.args[0] if only.args else "SQLite only"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        if not PG and item.get_closest_marker("postgresql") is not None:
            item.add_marker(pytest.mark.skip(reason=NO_PG))


def pytest_report_header(config: pytest.Config) -> str:
    if PG:
        line = f"srm store engine: PostgreSQL ({_server_name()})"
        if _independent:
            line += f"; left to the SQLite half (no store in them): {', '.join(_independent)}"
        return line
    return f"srm store engine: SQLite; PostgreSQL half skipped ({NO_PG})"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    terminalreporter.write_line(pytest_report_header(config))


def _server_name() -> str:
    from srm.store.postgres import display

    return display(PG or "")


def database_url(name: str) -> str:
    """The URL of database `name` on the test server (SRM_TEST_PG names the server)."""
    parts = urlsplit(PG or "")
    return urlunsplit(parts._replace(path="/" + name))


class Server:
    """The test server: a fresh, empty database for each test, dropped after it."""

    def __init__(self) -> None:
        import psycopg2

        self.admin = psycopg2.connect(PG)
        self.admin.autocommit = True
        self.numbers = itertools.count(1)
        self.prefix = f"srm_test_{os.getpid()}_"

    def create(self) -> str:
        name = f"{self.prefix}{next(self.numbers)}"
        with self.admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop(self, name: str) -> None:
        with self.admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def copy(self, source: str, target: str) -> None:
        """Database `target` becomes a copy of `source` (which nobody may be connected to)."""
        self.drop(target)
        with self.admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


_server: Server | None = None
_saved: dict[str, str] = {}


@pytest.fixture(scope="session")
def pg_server():
    global _server
    if not PG:
        pytest.skip(NO_PG)
    server = _server = Server()
    yield server
    for name in _saved.values():
        if not name.endswith(".db"):
            server.drop(name)
    server.admin.close()


def new_store_location(folder: Path, name: str) -> str:
    """Where a test keeps one more store of its own: a file in `folder`, or on the test server
    a new database (dropped when the session ends)."""
    if PG and _server is not None:
        database = _server.create()
        _saved[f"{database}"] = database
        return database_url(database)
    return str(folder / f"{name}.db")


def save_store(key: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep a copy of this test's store (file or database) for `load_store(key)`."""
    db = os.environ["SRM_DB"]
    if PG and _server is not None:
        name = f"{_server.prefix}saved_{key}"
        _server.copy(urlsplit(db).path.strip("/"), name)
    else:
        name = str(tmp_path_factory.mktemp(f"saved-{key}") / "srm.db")
        shutil.copy(db, name)
    _saved[key] = name


def load_store(key: str) -> bool:
    """Make this test's store a copy of the one saved as `key`; False if none was saved."""
    if key not in _saved:
        return False
    db = os.environ["SRM_DB"]
    if PG and _server is not None:
        _server.copy(_saved[key], urlsplit(db).path.strip("/"))
    else:
        shutil.copy(_saved[key], db)
    return True


@pytest.fixture
def pg_database(request: pytest.FixtureRequest):
    """A new database on the test server, as a URL; None when testing on SQLite."""
    if not PG:
        yield None
        return
    server = request.getfixturevalue("pg_server")
    name = server.create()
    yield database_url(name)
    server.drop(name)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_database: str | None) -> Path:
    """No test sees the user's files: store, config and date all point into tmp_path."""
    monkeypatch.setenv("SRM_DB", pg_database or str(tmp_path / "srm.db"))
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
