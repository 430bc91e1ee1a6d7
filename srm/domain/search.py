"""`srm search`: full-text search over everything people write, kept in step by triggers.

The index (migration step "search index") is one FTS5 table; each entry's rowid is the record's
id × 8 + its kind, so the triggers that keep it current find an entry without a scan. On
PostgreSQL it is a table with the same ids and a tsvector under a GIN index, and the same query
language (words, "phrases", prefix*, AND/OR/NOT) is turned into a tsquery (`pg_query`).
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
FROM search_index WHERE search_index MATCH :query{where}
ORDER BY bm25(search_index, 2.0, 1.0), rowid DESC
LIMIT :limit
"""


# The same on PostgreSQL: ts_rank weighs titles (A) twice bodies (B), as bm25's 2.0, 1.0;
# the snippet is the best fragment of the title if it matches, else of the body.
_PG_SQL = """
WITH q(q) AS (SELECT {query})
SELECT s.id, ts_headline('srm_search', t.text, q.q, :options), t.text,
       ts_rank('{{0.1, 0.2, 0.5, 1.0}}', s.document, q.q) AS rank
FROM search_index s CROSS JOIN q
CROSS JOIN LATERAL (SELECT CASE WHEN to_tsvector('srm_search', srm_search_words(s.title)) @@ q.q
                           THEN s.title ELSE s.body END) AS t(text)
WHERE s.document @@ q.q{where}
ORDER BY rank DESC, s.id DESC
LIMIT :limit
"""
_HEADLINE = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=16, MinWords=6, ShortWord=0,'
    " MaxFragments=1"
)
_ABOUT = (
    " AND {id} IN (SELECT id * 8 + 1 FROM interaction WHERE id IN"
    " (SELECT interaction_id FROM interaction_contact WHERE contact_id = :cid)"
    " UNION ALL SELECT :cid * 8 + 2"
    " UNION ALL SELECT id * 8 + 3 FROM followup WHERE contact_id = :cid"
    " UNION ALL SELECT id * 8 + 4 FROM idea WHERE contact_id = :cid"
    " UNION ALL SELECT id * 8 + 5 FROM goal WHERE contact_id = :cid)"
)


def search(
    store: Store, text: str, *, limit: int = 20, contact_id: int | None = None
) -> list[dict]:
    """Best matches first: each with its kind, id, snippet and the contacts it concerns."""
    if not store.dialect.python_functions:
        return _search_pg(store, text, limit, contact_id)
    query = fts_query(text)
    where = "" if contact_id is None else _ABOUT.format(id="rowid")
    try:
        rows = store.conn.execute(
            _SQL.format(where=where),
            {"query": query, "cid": contact_id, "limit": limit},
        ).fetchall()
    except sqlite3.OperationalError as e:
        raise UsageError(f"can't search for {text!r}: {e}") from None
    return [_hit(store, rowid, snippet, rank) for rowid, snippet, rank in rows]


def _search_pg(store: Store, text: str, limit: int, contact_id: int | None) -> list[dict]:
    query, params = pg_query(text)
    where = "" if contact_id is None else _ABOUT.format(id="s.id")
    rows = store.conn.execute(
        _PG_SQL.format(query=query, where=where),
        {**params, "options": _HEADLINE, "cid": contact_id, "limit": limit},
    ).fetchall()
    return [_hit(store, rid, _ellipses(snippet, whole), rank) for rid, snippet, whole, rank in rows]


def _ellipses(snippet: str, whole: str) -> str:
    """'…' where the fragment leaves text out, as FTS5's snippet() marks it."""
    bare = snippet.replace(MARK_START, "").replace(MARK_END, "")
    if not whole.startswith(bare):
        snippet = "…" + snippet
    if not whole.endswith(bare):
        snippet += "…"
    return snippet


def pg_query(text: str) -> tuple[str, dict[str, str]]:
    """The user's words as SQL building a tsquery, and its parameters: the same language as
    fts_query (words, "phrases", prefix*, AND, OR, binary NOT; NOT binds closest, then AND,
    then OR), each word or phrase matched as FTS5 matches a quoted phrase."""
    if text.count('"') % 2:
        raise UsageError(f"can't search for {text!r}: a quote is not closed")
    tokens = _TOKEN.findall(text)
    params: dict[str, str] = {}
    pos = 0

    def fail() -> UsageError:
        return UsageError(
            f"can't search for {text!r}: syntax error near {' '.join(tokens[pos : pos + 1]) or 'the end'}"
        )

    def term() -> str:
        nonlocal pos
        if pos >= len(tokens) or tokens[pos] in OPERATORS:
            raise fail()
        token = tokens[pos]
        pos += 1
        name = f"w{len(params)}"
        if token.startswith('"'):
            params[name] = token[1:-1]
            return f"phraseto_tsquery('srm_search', srm_search_words(:{name}))"
        words = re.sub(r"[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+", " ", token).split()
        if token.endswith("*") and words:
            params[name] = " <-> ".join(f"'{w}'" for w in words) + ":*"
            return f"to_tsquery('srm_search', :{name})"
        params[name] = token
        return f"phraseto_tsquery('srm_search', srm_search_words(:{name}))"

    def nots() -> str:
        nonlocal pos
        out = term()
        while pos < len(tokens) and tokens[pos] == "NOT":
            pos += 1
            out = f"({out} && !!{term()})"
        return out

    def ands() -> str:
        nonlocal pos
        out = nots()
        while pos < len(tokens) and tokens[pos] != "OR":
            if tokens[pos] == "AND":
                pos += 1
            out = f"({out} && {nots()})"
        return out

    if not any(t in OPERATORS or t.strip('"*') for t in tokens):
        raise UsageError("search for at least one word")
    out = ands()
    while pos < len(tokens):
        pos += 1  # OR
        out = f"({out} || {ands()})"
    return out, params


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
