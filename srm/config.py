"""Config: a typed spec with defaults, found in $SRM_CONFIG, ./.srm.toml (or a parent), or the user dir."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from srm.dates import MAX_DAYS
from srm.errors import ConfigError

BUILTIN_CHANNELS = (
    "email",
    "phone",
    "meeting",
    "video",
    "chat",
    "social",
    "event",
    "webinar",
    "letter",
)
DEFAULT_STAGES = ("know", "like", "trust", "try", "buy", "repeat", "refer")
FILE_NAME = ".srm.toml"


@dataclass(frozen=True)
class SegmentConfig:
    """A segment as a config file describes it. Only the settings it names (`given`) are
    applied to a store; the others are the defaults a new segment gets."""

    cadence: str | None = None  # None: no cadence of its own
    weight: float = 1.0
    description: str = ""
    given: frozenset[str] = frozenset()

    def settings(self) -> dict[str, Any]:
        """The settings the file names, e.g. {"cadence": "monthly"}."""
        return {key: getattr(self, key) for key in SEGMENT_SPEC if key in self.given}


@dataclass(frozen=True)
class Config:
    owner: str = ""
    database: Path | None = None
    default_cadence: str = "quarterly"
    due_window_days: int = 7
    due_limit: int = 20
    channels: tuple[str, ...] = ()
    stages: tuple[str, ...] = DEFAULT_STAGES
    goal_max_age_days: int = 90
    segments: dict[str, SegmentConfig] = field(default_factory=dict)
    source: Path | None = None

    @property
    def all_channels(self) -> tuple[str, ...]:
        return BUILTIN_CHANNELS + tuple(c for c in self.channels if c not in BUILTIN_CHANNELS)


def _cadence(v: Any) -> str:
    from srm import cadence

    if not isinstance(v, str):
        raise ValueError(f"a cadence string: {cadence.HELP}")
    try:
        return cadence.normalise(v)
    except Exception:
        raise ValueError(cadence.HELP) from None


def _int(minimum: int, maximum: int = 1_000_000):
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not minimum <= v <= maximum:
            raise ValueError(f"a whole number from {minimum} to {maximum}")
        return v

    return check


def _names(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise ValueError("a list of non-empty strings")
    out = tuple(x.strip().lower() for x in v)
    if len(set(out)) != len(out):
        raise ValueError("a list without repeats")
    return out


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("a string")
    return v


# key -> (validator, description of the default for docs)
SPEC: dict[str, Any] = {
    "owner": _str,
    "database": _str,
    "default_cadence": _cadence,
    "due_window_days": _int(0, MAX_DAYS),
    "due_limit": _int(1),
    "channels": _names,
    "stages": _names,
    "goal_max_age_days": _int(1, MAX_DAYS),
}
SEGMENT_SPEC: dict[str, Any] = {
    "cadence": _cadence,
    "weight": None,  # checked below: a positive number
    "description": _str,
}


def find_config_file(cwd: Path | None = None, explicit: str | None = None) -> Path | None:
    """--config, else $SRM_CONFIG, else .srm.toml here or in a parent, else the user config file."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("SRM_CONFIG")
    if env:
        return Path(env).expanduser()
    here = (cwd or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / FILE_NAME
        if candidate.is_file():
            return candidate
    from srm.paths import user_config_file

    user = user_config_file()
    return user if user.is_file() else None


def load(path: Path | None) -> Config:
    """Read and validate a config file; None gives the defaults."""
    if path is None:
        return Config()
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: can't read config: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    return from_dict(data, path)


def from_dict(data: dict[str, Any], path: Path) -> Config:
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "segments":
            values["segments"] = _segments(raw, path)
            continue
        check = SPEC.get(key)
        if check is None:
            allowed = ", ".join(sorted([*SPEC, "segments"]))
            raise ConfigError(f"{path}: unknown key {key!r}; allowed keys: {allowed}")
        try:
            values[key] = check(raw)
        except ValueError as e:
            raise ConfigError(f"{path}: {key} = {raw!r} is invalid; expected {e}") from None
    if "database" in values:
        db = values["database"]
        values["database"] = (path.parent / Path(db).expanduser()) if db else None
    return Config(source=path, **values)


def _segments(raw: Any, path: Path) -> dict[str, SegmentConfig]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: segments must be a table like [segments.partners]")
    out: dict[str, SegmentConfig] = {}
    for name, spec in raw.items():
        where = f"segments.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: {where} must be a table with cadence, weight, description")
        values: dict[str, Any] = {}
        for key, v in spec.items():
            if key not in SEGMENT_SPEC:
                raise ConfigError(
                    f"{path}: unknown key {where}.{key}; allowed: {', '.join(SEGMENT_SPEC)}"
                )
            if key == "weight":
                if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 100:
                    raise ConfigError(
                        f"{path}: {where}.weight = {v!r} is invalid; expected a number > 0 and ≤ 100"
                    )
                values[key] = float(v)
                continue
            try:
                values[key] = SEGMENT_SPEC[key](v)
            except ValueError as e:
                raise ConfigError(
                    f"{path}: {where}.{key} = {v!r} is invalid; expected {e}"
                ) from None
        if values.get("cadence") == "none":
            values["cadence"] = None
        key = " ".join(name.split()).lower()
        if not key or len(key) > 100 or not key.isprintable():
            raise ConfigError(f"{path}: [segments.{name}]: a segment name is 1 to 100 characters")
        out[key] = SegmentConfig(**values, given=frozenset(values))
    return out
