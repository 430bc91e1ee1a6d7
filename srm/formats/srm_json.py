"""srm's own JSON export: the whole store (or one person's part), records linked by UUID.

The document is one object: "format", "version", "exported_at", then one array per section.
It is written a record at a time (one record per line), so a store with a million interactions
exports in constant memory.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # the C one, without ASCII escapes
from typing import TextIO

from srm.errors import ImportError_

FORMAT = "srm-export"
VERSION = 1
# In dependency order: each section refers only to records of the sections before it.
SECTIONS = (
    "segments",
    "members",
    "contacts",
    "important_dates",
    "ideas",
    "interactions",
    "followups",
    "goals",
    "stage_changes",
    "handoffs",
    "distinct_pairs",
)


# One encoder for the whole document: json.dumps with any option builds a new one per call,
# which cost more than encoding a record (45% of a 1M-interaction export).
_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
_BATCH = 2000  # records joined into one write


def write(out: TextIO, header: dict, sections: Iterable[tuple[str, Iterable[dict | str]]]) -> None:
    """The document, a record per line; a record is a dict, or its JSON from `interaction`.

    Characters a terminal acts on are escaped as `srm.domain.common.json_dumps` does, a batch
    of records at a time."""
    from srm.domain.common import json_safe

    out.write("{\n")
    out.write(json_safe(",\n".join(f"  {_encode(k)}: {_encode(v)}" for k, v in header.items())))
    for name, items in sections:
        out.write(f",\n  {_encode(name)}: [")
        records = iter(items)
        first = True
        while batch := [
            r if isinstance(r, str) else _encode(r) for r in itertools.islice(records, _BATCH)
        ]:
            out.write(json_safe(("\n    " if first else ",\n    ") + ",\n    ".join(batch)))
            first = False
        out.write("]" if first else "\n  ]")
    out.write("\n}\n")


class _Encoded(dict):
    """Each string's JSON, encoded the first time it is asked for: for the values that repeat
    (dates, channels, kinds, contacts' UUIDs)."""

    def __missing__(self, key: str) -> str:
        text = self[key] = encode_basestring(key)
        return text


def interactions(
    rows: Iterable[tuple],
    links: Iterable[tuple[int, int]],
    contacts: dict[int, str],
    ideas: dict[int, str],
    members: dict[int, str],
) -> Iterator[str]:
    """Interaction records' JSON, exactly as `write` encodes their dicts (keys in this order),
    built with the C string encoder and each repeating value encoded once: a whole-store export
    holds a million of them, and the generic encoder spends most of its time per record
    walking the dict.

    `rows` are (id, uuid, occurred_on, channel, kind, sentiment, summary, note, idea id,
    created_at, logged_by id) in id order; `links` (interaction id, contact id) in the same
    order; `contacts`, `ideas` and `members` map ids to UUIDs.
    """
    s = encode_basestring
    known = _Encoded()  # dates, channels, kinds, sentiments, empty notes
    people = {cid: s(uuid) for cid, uuid in contacts.items()}
    idea_json = {iid: s(uuid) for iid, uuid in ideas.items()}
    member_json = {mid: s(uuid) for mid, uuid in members.items()}
    links = iter(links)
    link = next(links, None)
    for iid, uuid, occurred_on, channel, kind, sentiment, summary, note, idea, created, by in rows:
        while link is not None and link[0] < iid:  # a link to no interaction: none, but safe
            link = next(links, None)
        who = ""
        if link is not None and link[0] == iid:
            first = link[1]
            link = next(links, None)
            if link is None or link[0] != iid:
                who = people[first]
            else:  # several contacts: in UUID order
                uuids = [contacts[first]]
                while link is not None and link[0] == iid:
                    uuids.append(contacts[link[1]])
                    link = next(links, None)
                who = ", ".join(map(s, sorted(uuids)))
        yield (
            f'{{"uuid": {s(uuid)}, "occurred_on": {known[occurred_on]},'
            f' "channel": {known[channel]}, "kind": {known[kind]},'
            f' "sentiment": {known[sentiment]}, "summary": {s(summary)},'
            f' "note": {s(note) if note else known[note]},'
            f' "idea": {"null" if idea is None else idea_json[idea]},'
            f' "created_at": {s(created)},'
            f' "logged_by": {member_json.get(by, "null")},'
            f' "contacts": [{who}]}}'
        )


def read(text: str, name: str) -> tuple[int, Iterator[dict]]:
    """How many records an export holds, and each as {"section", "where", "record"}."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportError_(f"{name} is not valid JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise ImportError_(f"{name} is nested too deeply to be an srm export") from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise ImportError_(f"{name} holds a number too long to read: not an srm export") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ImportError_(
            f'{name} is not an srm JSON export (no "format": "{FORMAT}"); for other files use'
            " --format vcard, csv …"
        )
    version = doc.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ImportError_(
            f"{name} was written by a newer srm (export version {version}); upgrade srm"
        )
    for section in SECTIONS:
        value = doc.get(section, [])
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise ImportError_(f'{name}: "{section}" must be a list of objects')
    total = sum(len(doc.get(s, [])) for s in SECTIONS)
    items = (
        {"section": s, "where": f"{s}[{i}]", "record": r}
        for s in SECTIONS
        for i, r in enumerate(doc.get(s, []))
    )
    return total, items
