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


def database_path(flag: str | None, config_db: Path | None) -> Path:
    """--db, else $SRM_DB, else `database` in the config, else the user data dir."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get("SRM_DB")
    if env:
        return Path(env).expanduser()
    if config_db is not None:
        return config_db
    return user_data_dir() / "srm.db"
