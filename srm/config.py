"""Config: a typed spec with defaults, found in $SRM_CONFIG, ./.srm.toml (or a parent), or the user dir."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from srm.dates import MAX_DAYS
from srm.errors import ConfigError
from srm.paths import is_url

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
    database: Path | str | None = None  # a file, or a postgresql:// URL
    default_cadence: str = "quarterly"
    due_window_days: int = 7
    due_limit: int = 20
    channels: tuple[str, ...] = ()
    stages: tuple[str, ...] = DEFAULT_STAGES
    goal_max_age_days: int = 90
    me: str = ""  # "Name <address>": who you are, in mail and calendars (and team mode)
    my_addresses: tuple[str, ...] = ()  # your other addresses, lower-case
    due_scope: str = "all"  # "mine": `srm due` lists only your contacts (see `srm due --mine`)
    who_half_life_days: int = 90  # `srm who`: a touch this old counts half as much as today's
    segments: dict[str, SegmentConfig] = field(default_factory=dict)
    source: Path | None = None

    @property
    def all_channels(self) -> tuple[str, ...]:
        return BUILTIN_CHANNELS + tuple(c for c in self.channels if c not in BUILTIN_CHANNELS)

    @property
    def member(self) -> tuple[str, str] | None:
        """Who you are on a team, as (name, address lower-case), or None without `me`.

        A bare address is its own name. srm knows a team member by the address alone.
        """
        if not self.me:
            return None
        from email.utils import parseaddr

        name, addr = parseaddr(self.me)
        return (name.strip() or addr.lower(), addr.lower())

    @property
    def own_addresses(self) -> frozenset[str]:
        """Every address of yours, lower-case: `me`'s and `my_addresses`."""
        from email.utils import parseaddr

        mine = set(self.my_addresses)
        if self.me:
            mine.add(parseaddr(self.me)[1].lower())
        return frozenset(mine)


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


def _address(text: str) -> str | None:
    """The address itself, lower-case, if `text` is one (local@domain, no spaces)."""
    a = text.strip().lower()
    local, at, domain = a.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in a):
        return None
    return a


def _me(v: Any) -> str:
    from email.utils import parseaddr

    if not isinstance(v, str):
        raise ValueError('"Your Name <you@example.org>"')
    if not v.strip():
        return ""
    name, addr = parseaddr(v)
    if _address(addr) is None or "<" in v and ">" not in v:
        raise ValueError('"Your Name <you@example.org>" (or the bare address)')
    return f"{name} <{addr}>" if name else addr


DUE_SCOPES = ("all", "mine")


def _due_scope(v: Any) -> str:
    if v not in DUE_SCOPES:
        raise ValueError('"all" (every contact) or "mine" (yours and unowned ones; needs me)')
    return v


def _addresses(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError('a list of email addresses, like ["me@work.example"]')
    out = []
    for x in v:
        a = _address(x)
        if a is None:
            raise ValueError(f"a list of email addresses ({x!r} is not one)")
        out.append(a)
    return tuple(dict.fromkeys(out))


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
    "me": _me,
    "due_scope": _due_scope,
    "who_half_life_days": _int(1, MAX_DAYS),
    "my_addresses": _addresses,
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
    if values.get("due_scope") == "mine" and not values.get("me"):
        raise ConfigError(
            f'{path}: due_scope = "mine" needs me = "Your Name <you@example.org>": srm knows'
            " which contacts are yours by your address"
        )
    if "database" in values:
        db = values["database"]
        if is_url(db):
            values["database"] = db
        else:
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
