"""Shell completion's values: contact handles, segments, tags, channels and files.

`srm --install-completion` / `--show-completion` (bash, zsh, fish; typer's scripts) make the
shell run srm with _SRM_COMPLETE set; click completes command and option names from the
command tree, and `attach` gives the parameters that name records these completers. They read
the store with the stdlib sqlite3, read-only (a team's store on a server through srm's adapter,
in a read-only session that gives up after 2 s): completion never creates, migrates or locks a
store, and imports nothing beyond what a command's start-up imports (the PostgreSQL driver only
for a server's URL). A store that can't be read completes nothing rather than printing an error
into the command line.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

LIMIT = 200  # values offered at once: a shell shows no more usefully

CONTACTS = {"contact", "contacts", "keep", "other", "add_contact", "remove_contact"}
SEGMENTS = {"segment", "remove_segment"}
TAGS = {"tag", "remove_tag"}
FILES = ("FILE", "PATH")


def _item(value: str, help: str | None = None):
    from typer._click.shell_completion import CompletionItem

    return CompletionItem(value, help=help or None)


def _store_path(ctx: Any) -> Path | str | None:
    """The store the command line would open: --db, $SRM_DB, the config's, the default (a
    file's path, or a server's URL)."""
    root = ctx.find_root()
    try:
        from srm.config import find_config_file, load
        from srm.paths import database_path

        config = load(find_config_file(explicit=root.params.get("config")))
        return database_path(root.params.get("db"), config.database)
    except Exception:  # a broken config: the command will say so; completion stays quiet
        return None


def _rows(ctx: Any, sql: str, params: tuple = ()) -> list[tuple]:
    path = _store_path(ctx)
    if isinstance(path, str):
        return _server_rows(path, sql, params)
    if path is None or not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except (sqlite3.Error, ValueError):
        return []
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.Error:  # an older schema, a busy or damaged file: nothing to offer
        return []
    finally:
        conn.close()


def _server_rows(url: str, sql: str, params: tuple) -> list[tuple]:
    try:
        from srm.store.postgres import connect
    except ImportError:  # the driver isn't installed: the command will say so
        return []
    try:
        conn = connect(url, read_only=True, timeout=2)
    except Exception:  # unreachable, refused, no such database
        return []
    try:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    except sqlite3.Error:  # the adapter's errors are sqlite3's: no tables yet, an older schema
        return []
    finally:
        conn.close()


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contacts(ctx: Any, param: Any, incomplete: str) -> list:
    """Handles (as @handle when typed so), each with the name; for CONTACT[,CONTACT…] the
    last of the list."""
    head, _, last = incomplete.rpartition(",")
    head = head + "," if head or incomplete.startswith(",") else ""
    at = "@" if last.startswith("@") else ""
    rows = _rows(
        ctx,
        "SELECT handle, name, archived_at FROM contact WHERE handle LIKE ? ESCAPE '\\'"
        " ORDER BY archived_at IS NOT NULL, handle LIMIT ?",
        (_like(last.removeprefix("@").lower()), LIMIT),
    )
    return [
        _item(f"{head}{at}{handle}", name + (" (archived)" if archived else ""))
        for handle, name, archived in rows
    ]


def segments(ctx: Any, param: Any, incomplete: str) -> list:
    rows = _rows(
        ctx,
        "SELECT name, description FROM segment WHERE name LIKE ? ESCAPE '\\' ORDER BY name",
        (_like(incomplete.lower()),),
    )
    return [_item(name, description) for name, description in rows]


def tags(ctx: Any, param: Any, incomplete: str) -> list:
    rows = _rows(
        ctx,
        "SELECT tag, count(*) FROM contact_tag WHERE tag LIKE ? ESCAPE '\\'"
        " GROUP BY tag ORDER BY tag LIMIT ?",
        (_like(incomplete.lower().lstrip("#")), LIMIT),
    )
    return [_item(tag, f"{n} contact{'s' if n != 1 else ''}") for tag, n in rows]


def channels(ctx: Any, param: Any, incomplete: str) -> list:
    from srm.config import find_config_file, load

    try:
        config = load(find_config_file(explicit=ctx.find_root().params.get("config")))
        names = config.all_channels
    except Exception:
        return []
    return [_item(c) for c in names if c.startswith(incomplete)]


def files(ctx: Any, param: Any, incomplete: str) -> list:
    """Files and folders (folders end with /), for every shell alike."""
    folder, _, stem = incomplete.rpartition("/")
    absolute = incomplete.startswith("/")
    where = Path(os.path.expanduser(folder)) if folder else Path("/" if absolute else ".")
    prefix = f"{folder}/" if folder or absolute else ""
    try:
        entries = sorted(os.scandir(where), key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for e in entries:
        if e.name.startswith(stem) and (stem.startswith(".") or not e.name.startswith(".")):
            out.append(_item(prefix + e.name + ("/" if e.is_dir() else "")))
    return out[:LIMIT]


def _completer(command_path: tuple[str, ...], param: Any) -> Callable | None:
    name = param.name or ""
    if name in CONTACTS:
        return contacts
    if name in SEGMENTS or (command_path[:1] == ("segment",) and name == "name"):
        return None if command_path[-1:] == ("add",) else segments
    if name in TAGS:
        return tags
    if name == "channel":
        return channels
    if getattr(param, "metavar", None) in FILES:
        return files
    return None


def attach(command: Any, path: tuple[str, ...] = ()) -> None:
    """Give the parameters of a command (and its subcommands) their value completers."""
    for param in getattr(command, "params", []):
        found = _completer(path, param)
        if found is not None and getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = found
    for name, sub in getattr(command, "commands", {}).items():
        attach(sub, (*path, name))
