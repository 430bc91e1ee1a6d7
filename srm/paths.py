"""Where srm keeps its files: platformdirs defaults, overridable by flag, environment or config."""

from __future__ import annotations

import os
from pathlib import Path

APP = "srm"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def user_config_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False) / "config.toml"


URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: object) -> bool:
    """Whether a store location is a PostgreSQL URL rather than an SQLite file."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def database_path(flag: str | None, config_db: Path | str | None) -> Path | str:
    """--db, else $SRM_DB, else `database` in the config, else the user data dir.

    A file's path, or a `postgresql://` URL (kept as text: libpq reads it).
    """
    for given in (flag, os.environ.get("SRM_DB")):
        if given:
            return given if is_url(given) else Path(given).expanduser()
    if config_db is not None:
        return config_db
    return user_data_dir() / "srm.db"
