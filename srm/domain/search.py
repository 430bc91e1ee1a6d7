"""`srm search`: full-text search over everything people write, kept in step by triggers.

The index (migration step "search index") is one FTS5 table; each entry's rowid is the record's
id × 8 + its kind, so the triggers that keep it current find an entry without a scan.
"""

from __future__ import annotations

import re
import sqlite3

from srm.errors import UsageError
from srm.store.db import Store

KINDS = {1: "interaction", 2: "contact", 3: "followup", 4: "idea", 5: "goal"}
MARK_START, MARK_END = "\x02", "\x03"  # around matched words in snippets; stripped from input
_TOKEN = re.compile(r'"[^"]*"|\S+')
OPERATORS = {"AND", "OR", "NOT"}


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: phrases ("venue shortlist"), prefixes (venu*) and
    AND/OR/NOT work as in FTS5; any other word is quoted, so punctuation (o'brien, e-mail)
    searches for the word instead of failing as syntax."""
    if text.count('"') % 2:
        raise UsageError(f"can't search for {text!r}: a quote is not closed")
    parts = []
    for token in _TOKEN.findall(text):
        if token.startswith('"') or token in OPERATORS:
            parts.append(token)
        elif token.endswith("*") and token.strip("*"):
            parts.append(_quote(token.rstrip("*")) + " *")
        elif token.strip("*"):
            parts.append(_quote(token))
    if not parts:
        raise UsageError("search for at least one word")
    return " ".join(parts)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


_SQL = """
SELECT rowid, snippet(search_index, -1, char(2), char(3), '…', 16), bm25(search_index, 2.0, 1.0)
FROM search_index WHERE search_index MATCH ?{where} ORDER BY bm25(search_index, 2.0, 1.0), rowid DESC
LIMIT ?
"""


def search(
    store: Store, text: str, *, limit: int = 20, contact_id: int | None = None
) -> list[dict]:
    """Best matches first: each with its kind, id, snippet and the contacts it concerns."""
    query = fts_query(text)
    where, params = "", []
    if contact_id is not None:
        where = (
            " AND rowid IN (SELECT id * 8 + 1 FROM interaction WHERE id IN"
            " (SELECT interaction_id FROM interaction_contact WHERE contact_id = ?)"
            " UNION ALL SELECT ? * 8 + 2"
            " UNION ALL SELECT id * 8 + 3 FROM followup WHERE contact_id = ?"
            " UNION ALL SELECT id * 8 + 4 FROM idea WHERE contact_id = ?"
            " UNION ALL SELECT id * 8 + 5 FROM goal WHERE contact_id = ?)"
        )
        params = [contact_id] * 5
    try:
        rows = store.conn.execute(_SQL.format(where=where), [query, *params, limit]).fetchall()
    except sqlite3.OperationalError as e:
        raise UsageError(f"can't search for {text!r}: {e}") from None
    return [_hit(store, rowid, snippet, rank) for rowid, snippet, rank in rows]


def _hit(store: Store, rowid: int, snippet: str, rank: float) -> dict:
    kind = KINDS[rowid % 8]
    rid = rowid // 8
    conn = store.conn
    hit = {"kind": kind, "id": rid, "snippet": snippet, "score": round(-rank, 3)}
    if kind == "interaction":
        row = conn.execute("SELECT occurred_on FROM interaction WHERE id = ?", (rid,)).fetchone()
        hit["date"] = row[0] if row else None
        hit["contacts"] = _refs(
            conn,
            "SELECT c.id, c.uuid, c.handle, c.name FROM interaction_contact x JOIN contact c"
            " ON c.id = x.contact_id WHERE x.interaction_id = ? ORDER BY c.name, c.id",
            rid,
        )
    elif kind == "contact":
        hit["contacts"] = _refs(
            conn, "SELECT id, uuid, handle, name FROM contact WHERE id = ?", rid
        )
    else:
        table = {"followup": "followup", "idea": "idea", "goal": "goal"}[kind]
        hit["contacts"] = _refs(
            conn,
            f"SELECT c.id, c.uuid, c.handle, c.name FROM {table} t JOIN contact c"
            " ON c.id = t.contact_id WHERE t.id = ?",
            rid,
        )
    return hit


def _refs(conn: sqlite3.Connection, sql: str, rid: int) -> list[dict]:
    return [
        {"id": r[0], "uuid": r[1], "handle": r[2], "name": r[3]} for r in conn.execute(sql, (rid,))
    ]
