"""vdir folders: one vCard or iCalendar item per file, as khard, khal, todoman and vdirsyncer keep them.

`sync` makes a folder mirror what an export covers: it writes a file per item (atomically,
through srm.store.files), rewrites only the files whose content changed (so a sync uploads
nothing that didn't), and removes the files of items srm wrote there before that the export no
longer holds (a follow-up done, a contact erased or archived out of a segment). It never removes
a file srm didn't write: a card added on a phone or in khard stays and is reported, with the
hint to import it. What srm wrote is remembered in a `.srm-vdir.json` beside the items (the
tools read only `.vcf`/`.ics` files).

Contacts can be edited on the other side: a card that changed since srm wrote it (its REV, else
its file's time, is newer than the contact's last change in srm) is neither overwritten nor
removed until `srm import DIR` has taken it in. Calendar items are srm's alone and always
follow the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from srm.errors import UsageError
from srm.store.files import atomic_file

MANIFEST = ".srm-vdir.json"
_SAFE = re.compile(r"[A-Za-z0-9@._-]{1,200}")
_UNFOLD = re.compile(r"\r?\n[ \t]")


@dataclass
class Item:
    uid: str
    text: str  # the whole file
    name: str  # what it is, for messages
    changed: datetime | None = None  # contacts: the last change in srm (guards edits)


@dataclass
class Result:
    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # files srm never wrote: left alone
    kept: list[dict] = field(default_factory=list)  # {"file", "name", "why"}: changed outside

    def as_json(self) -> dict:
        return {
            "folder": str(self.folder),
            "written": self.written,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "unknown": self.unknown,
            "kept": self.kept,
        }


@dataclass
class _File:
    path: Path
    text: str

    @property
    def sha(self) -> str:
        return _sha(self.text)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _property(text: str, name: str) -> str | None:
    m = re.search(rf"^{name}(?:;[^:\r\n]*)?:(.*?)\r?$", _UNFOLD.sub("", text), re.M | re.I)
    return m.group(1).strip() if m else None


def file_name(uid: str, ext: str) -> str:
    """srm's file name for an item: its uuid, else its UID when that is a safe file name,
    else a hash of it."""
    if uid.lower().startswith("urn:uuid:"):
        uid = uid[9:]
    if _SAFE.fullmatch(uid) and not uid.startswith("."):
        return uid + ext
    return hashlib.sha1(uid.encode("utf-8")).hexdigest() + ext


def _without_stamp(text: str) -> str:
    """An item without its DTSTAMP: two renderings of the same event differ only there."""
    return re.sub(r"^DTSTAMP[;:].*$", "", _UNFOLD.sub("", text), flags=re.M)


def _rev(file: _File) -> datetime | None:
    """When the item last changed on the other side: its REV, else the file's time."""
    from srm.formats.vcard import _timestamp

    rev = _property(file.text, "REV")
    stamp = _timestamp(rev) if rev else None
    if stamp is None:
        try:
            # Whole seconds, as srm's own timestamps: a file written in the second srm
            # took it in is not newer.
            stamp = datetime.fromtimestamp(int(file.path.stat().st_mtime), UTC)
        except OSError:
            return None
    return stamp


def sync(
    folder: Path,
    items: list[Item],
    *,
    ext: str,
    database: Path | None,
    guard_edits: bool,
    erased: set[str] = frozenset(),  # type: ignore[assignment]
) -> Result:
    """Make `folder` hold `items`, one file each (see the module's docstring)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: --vdir takes a folder (it is created if missing)")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"can't make the folder {folder}: {e.strerror or e}") from None
    result = Result(folder)
    manifest = _load_manifest(folder)
    present: dict[str, _File] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ext or path.name.startswith(".") or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        uid = _property(text, "UID")
        if uid is None or uid in present:
            result.unknown.append(path.name)  # no UID, or a second card with one: not srm's
            continue
        present[uid] = _File(path, text)
    known: dict[str, dict] = {}
    taken = {f.path.name for f in present.values()}
    for item in items:
        old = present.pop(item.uid, None)
        if old is not None:
            same = (
                old.text == item.text
                if guard_edits
                else _without_stamp(old.text) == _without_stamp(item.text)
            )
            if same:
                result.unchanged += 1
                known[item.uid] = {"file": old.path.name, "sha256": old.sha}
                continue
            if guard_edits and _edited(old, manifest.get(item.uid), item):
                result.kept.append(
                    {
                        "file": old.path.name,
                        "name": item.name,
                        "why": "changed outside srm since srm's last change",
                    }
                )
                known[item.uid] = manifest.get(item.uid) or {"file": old.path.name, "sha256": ""}
                continue
            path = old.path
        else:
            path = folder / _free_name(file_name(item.uid, ext), taken)
            taken.add(path.name)
        with atomic_file(path, database=database) as out:
            out.write(item.text)
        result.written.append(path.name)
        known[item.uid] = {"file": path.name, "sha256": _sha(item.text)}
    for uid, file in present.items():
        entry = manifest.get(uid)
        if entry is None and uid not in erased:
            result.unknown.append(file.path.name)
            continue
        if guard_edits and uid not in erased and entry is not None and entry["sha256"] != file.sha:
            result.kept.append(
                {
                    "file": file.path.name,
                    "name": _property(file.text, "FN") or uid,
                    "why": "srm no longer has it, but it changed outside srm since srm wrote it",
                }
            )
            known[uid] = entry
            continue
        with contextlib.suppress(FileNotFoundError):
            file.path.unlink()
        result.removed.append(file.path.name)
    if known != manifest:
        body = {"format": "srm-vdir", "version": 1, "items": known}
        with atomic_file(folder / MANIFEST, database=database) as out:
            out.write(json.dumps(body, indent=1, sort_keys=True) + "\n")
    result.unknown.sort()
    return result


def _edited(old: _File, entry: dict | None, item: Item) -> bool:
    """Whether the file holds a change srm hasn't taken in (see the module's docstring)."""
    if entry is not None and entry.get("sha256") == old.sha:
        return False  # as srm wrote it
    rev = _rev(old)
    return rev is None or item.changed is None or rev > item.changed


def _free_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    n = 2
    while f"{stem}-{n}{dot}{ext}" in taken:
        n += 1
    return f"{stem}-{n}{dot}{ext}"


def _load_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # unreadable: as if srm had written nothing here (nothing gets removed)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, dict):
        return {}
    return {
        uid: e
        for uid, e in items.items()
        if isinstance(e, dict)
        and isinstance(e.get("file"), str)
        and isinstance(e.get("sha256"), str)
    }
