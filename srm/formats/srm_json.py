"""srm's own JSON export: the whole store (or one person's part), records linked by UUID.

The document is one object: "format", "version", "exported_at", then one array per section.
It is written a record at a time (one record per line), so a store with a million interactions
exports in constant memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
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
)


def write(out: TextIO, header: dict, sections: Iterable[tuple[str, Iterable[dict]]]) -> None:
    out.write("{\n")
    out.write(",\n".join(f"  {json.dumps(k)}: {_dump(v)}" for k, v in header.items()))
    for name, items in sections:
        out.write(f",\n  {json.dumps(name)}: [")
        sep = "\n    "
        for item in items:
            out.write(sep + _dump(item))
            sep = ",\n    "
        out.write("\n  ]" if sep != "\n    " else "]")
    out.write("\n}\n")


def _dump(value) -> str:
    from srm.domain.common import json_dumps  # control characters escaped, not raw

    return json_dumps(value)


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
