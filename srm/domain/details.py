"""A contact's emails, phones, web pages, social profiles and postal addresses.

Each kind is a list in the order the person (or the file) gave it, each entry with a label
(work, home, mobile, one's own; for a social profile, its service) and at most one preferred
entry per kind; with none marked, the first is preferred. `contact.email` and `contact.phone`
repeat the preferred email and phone (triggers keep them in step), so code that wants "the"
email reads one column. Every writer goes through `write`, which replaces a kind's rows only
when its list changed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from urllib.parse import urlsplit

from srm.domain.common import LABEL_MAX, one_line
from srm.errors import Ambiguous, NotFound, UsageError

KINDS = ("email", "phone", "url", "social")
# The JSON key of each kind's list, and of addresses.
LISTS = {"email": "emails", "phone": "phones", "url": "urls", "social": "socials"}
ADDRESSES = "addresses"
ADDRESS_PARTS = ("street", "locality", "region", "postal_code", "country")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
PHONE_DIGITS = 9

# Social networks known by their web address: host (or its parent domain) → service.
SERVICE_HOSTS = {
    "linkedin.com": "linkedin",
    "github.com": "github",
    "gitlab.com": "gitlab",
    "twitter.com": "x",
    "x.com": "x",
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "bsky.app": "bluesky",
    "youtube.com": "youtube",
    "threads.net": "threads",
    "xing.com": "xing",
    "t.me": "telegram",
    "keybase.io": "keybase",
    "stackoverflow.com": "stackoverflow",
    "tiktok.com": "tiktok",
    "reddit.com": "reddit",
}
# A handle's profile page, for services whose pages are addressed by handle.
PROFILE_URLS = {
    "linkedin": "https://www.linkedin.com/in/{}",
    "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}",
    "x": "https://x.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "instagram": "https://www.instagram.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "threads": "https://www.threads.net/@{}",
    "telegram": "https://t.me/{}",
    "keybase": "https://keybase.io/{}",
}
SERVICE_ALIASES = {"twitter": "x", "gtalk": "jabber", "xmpp": "jabber", "googletalk": "jabber"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MASTODON = re.compile(r"^@?([\w.-]+)@([\w-]+(?:\.[\w-]+)+)$")


# --- cleaning one value --------------------------------------------------------------------


def label_text(label: str | None) -> str:
    return one_line(label or "", "a label", LABEL_MAX)


def clean_email(value: str) -> str:
    text = one_line(value, "the email address")
    text = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE).strip()
    if not EMAIL.fullmatch(text):
        raise UsageError(f"{text!r} doesn't look like an email address (name@example.org)")
    return text


def clean_phone(value: str) -> str:
    text = one_line(value, "the phone number")
    text = re.sub(r"^tel:", "", text, flags=re.IGNORECASE).strip()
    if not re.search(r"\d", text):
        raise UsageError(f"{text!r} doesn't look like a phone number (it has no digits)")
    return text


def clean_url(value: str) -> str:
    text = one_line(value, "the web address")
    if not text:
        raise UsageError("a web address can't be empty")
    if not _SCHEME.match(text) or text.lower().startswith(("localhost:",)):
        text = "https://" + text  # "example.org" is a web address: say so for other programs
    return text


def service_of(url: str) -> str | None:
    """The social network a web address belongs to, if it is a known one (or Mastodon's /@name)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    for known, service in SERVICE_HOSTS.items():
        if host == known or host.endswith("." + known):
            return service
    if re.fullmatch(r"/@[\w.-]+/?", parts.path or ""):
        return "mastodon"  # every Mastodon server puts a profile at /@name
    return None


def service_name(text: str) -> str:
    name = re.sub(r"[^\w+.-]", "", one_line(text, "the service", LABEL_MAX).lower())
    if not name:
        raise UsageError(f"{text!r} isn't the name of a service (linkedin, github, mastodon …)")
    return SERVICE_ALIASES.get(name, name)


def social(service: str | None, value: str) -> dict:
    """A social profile: its service and its address (a profile URL where one is known)."""
    text = one_line(value, "the profile")
    if not text:
        raise UsageError("a social profile can't be empty")
    if service is None:
        service = service_of(text) if _SCHEME.match(text) else None
        if service is None:
            raise UsageError(
                f"can't tell which service {text!r} is on: write SERVICE:PROFILE"
                " (github:ana, mastodon:@ana@example.social, linkedin:https://…)"
            )
    service = service_name(service)
    if not _SCHEME.match(text):
        handle = text.lstrip("@") if service != "mastodon" else text
        if service == "mastodon" and (m := _MASTODON.match(handle)):
            text = f"https://{m.group(2)}/@{m.group(1)}"
        elif service in PROFILE_URLS and re.fullmatch(r"[\w.-]+(?:/[\w.-]+)?", handle):
            text = PROFILE_URLS[service].format(handle)
    return {"label": service, "value": text}


CLEANERS = {"email": clean_email, "phone": clean_phone, "url": clean_url}


def entry(kind: str, value: str, label: str | None = "", preferred: bool = False) -> dict:
    """One checked entry of a kind; a UsageError says what is wrong with the value."""
    if kind == "social":
        made = social(label or None, value)
    else:
        made = {"label": label_text(label), "value": CLEANERS[kind](value)}
    return {**made, "preferred": bool(preferred)}


def address(
    label: str | None = "",
    *,
    street: str | None = "",
    locality: str | None = "",
    region: str | None = "",
    postal_code: str | None = "",
    country: str | None = "",
    preferred: bool = False,
) -> dict:
    """A checked postal address; the street may have several lines."""
    out = {"label": label_text(label)}
    out["street"] = "\n".join(
        line for line in (one_line(s, "the street") for s in (street or "").splitlines()) if line
    )
    for part, value in (
        ("locality", locality),
        ("region", region),
        ("postal_code", postal_code),
        ("country", country),
    ):
        out[part] = one_line(value or "", f"the {part.replace('_', ' ')}")
    if not any(out[p] for p in ADDRESS_PARTS):
        raise UsageError("an address needs at least a street, town, region, postal code or country")
    out["preferred"] = bool(preferred)
    return out


def one_line_address(a: dict) -> str:
    """An address on one line, as a person reads it: "1 Main St, Springfield, IL 62701, USA"."""
    town = " ".join(p for p in (a["postal_code"], a["locality"]) if p)
    parts = [a["street"].replace("\n", ", "), town, a["region"], a["country"]]
    return ", ".join(p for p in parts if p)


# --- comparing ------------------------------------------------------------------------------


def key(kind: str, value: str) -> str:
    """What makes two values of a kind the same: emails by case, phones by their digits."""
    if kind == "email":
        return value.strip().casefold()
    if kind == "phone":
        # The last 9 digits: +44 20 7946 0958 and 020 7946 0958 are one number (as `srm
        # duplicates` compares them); a shorter number by all its digits.
        digits = re.sub(r"\D", "", value)
        return digits[-PHONE_DIGITS:] or value.strip()
    return value.strip().rstrip("/").casefold() if kind in ("url", "social") else value


def address_key(a: dict) -> tuple:
    return tuple(" ".join(a[p].casefold().split()) for p in ADDRESS_PARTS)


def _entry_key(kind: str, e: dict) -> object:
    if kind == "address":
        return address_key(e)
    return key(kind, e["value"])


def normalise(kind: str, entries: Iterable[dict]) -> list[dict]:
    """Repeats once, and exactly one preferred entry: the first marked, else the first.

    A repeat is the same value (by `key`) with the same label: one number that is both a
    phone and a fax (as Outlook writes it) stays two entries, each saying what it is.
    """
    out: list[dict] = []
    seen: dict[object, dict] = {}
    for e in entries:
        k = (_entry_key(kind, e), e["label"].casefold())
        if k in seen:
            first = seen[k]
            first["preferred"] = first["preferred"] or e["preferred"]
            first["label"] = first["label"] or e["label"]
            continue
        copy = dict(e)
        seen[k] = copy
        out.append(copy)
    chosen = next((e for e in out if e["preferred"]), out[0] if out else None)
    for e in out:
        e["preferred"] = e is chosen
    return out


def union(kind: str, mine: list[dict], theirs: list[dict]) -> list[dict]:
    """`mine` then the values only `theirs` has (whatever their labels); my preferred entry
    stays preferred."""
    if not mine:
        return normalise(kind, theirs)
    have = {_entry_key(kind, e) for e in mine}
    new = [{**e, "preferred": False} for e in theirs if _entry_key(kind, e) not in have]
    return normalise(kind, [*mine, *new])


# --- reading and writing --------------------------------------------------------------------


def empty() -> dict[str, list[dict]]:
    return {**{name: [] for name in LISTS.values()}, ADDRESSES: []}


def load(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, list[dict]]]:
    """Every detail of these contacts: {id: {"emails": […], …, "addresses": […]}}."""
    out: dict[int, dict[str, list[dict]]] = {cid: empty() for cid in ids}
    for i in range(0, len(ids), 900):  # under SQLite's variable limit
        chunk = ids[i : i + 900]
        marks = ",".join("?" * len(chunk))
        for cid, kind, label, value, preferred in conn.execute(
            f"SELECT contact_id, kind, label, value, preferred FROM contact_detail"
            f" WHERE contact_id IN ({marks}) ORDER BY contact_id, kind, position, id",
            chunk,
        ):
            out[cid][LISTS[kind]].append(
                {"label": label, "value": value, "preferred": bool(preferred)}
            )
        for r in conn.execute(
            f"SELECT contact_id, label, street, locality, region, postal_code, country, preferred"
            f" FROM contact_address WHERE contact_id IN ({marks})"
            f" ORDER BY contact_id, position, id",
            chunk,
        ):
            out[r[0]][ADDRESSES].append(
                {
                    "label": r[1],
                    **dict(zip(ADDRESS_PARTS, r[2:7], strict=True)),
                    "preferred": bool(r[7]),
                }
            )
    return out


def write(conn: sqlite3.Connection, contact_id: int, new: dict[str, list[dict]]) -> list[str]:
    """Store the lists `new` holds (JSON keys: emails, phones, urls, socials, addresses) for a
    contact, each replacing that kind's rows if it differs; the keys of the lists that changed."""
    have = load(conn, [contact_id])[contact_id]
    changed = []
    for kind, name in (*LISTS.items(), ("address", ADDRESSES)):
        if name not in new:
            continue
        entries = normalise(kind, new[name])
        if entries == have[name]:
            continue
        changed.append(name)
        if kind == "address":
            conn.execute("DELETE FROM contact_address WHERE contact_id = ?", (contact_id,))
            conn.executemany(
                "INSERT INTO contact_address (contact_id, label, street, locality, region,"
                " postal_code, country, preferred, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (contact_id, a["label"], *(a[p] for p in ADDRESS_PARTS), a["preferred"], n)
                    for n, a in enumerate(entries)
                ],
            )
            continue
        conn.execute(
            "DELETE FROM contact_detail WHERE contact_id = ? AND kind = ?", (contact_id, kind)
        )
        conn.executemany(
            "INSERT INTO contact_detail (contact_id, kind, label, value, preferred, position)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (contact_id, kind, e["label"], e["value"], e["preferred"], n)
                for n, e in enumerate(entries)
            ],
        )
    return changed


def insert(conn: sqlite3.Connection, rows: list[tuple[int, dict[str, list[dict]]]]) -> None:
    """The details of contacts that have none yet, in bulk (imports)."""
    details, addresses = [], []
    for cid, lists in rows:
        for kind, name in LISTS.items():
            for n, e in enumerate(normalise(kind, lists.get(name, []))):
                details.append((cid, kind, e["label"], e["value"], e["preferred"], n))
        for n, a in enumerate(normalise("address", lists.get(ADDRESSES, []))):
            addresses.append((cid, a["label"], *(a[p] for p in ADDRESS_PARTS), a["preferred"], n))
    conn.executemany(
        "INSERT INTO contact_detail (contact_id, kind, label, value, preferred, position)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        details,
    )
    conn.executemany(
        "INSERT INTO contact_address (contact_id, label, street, locality, region, postal_code,"
        " country, preferred, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        addresses,
    )


# --- the options of `srm add` and `srm edit` ------------------------------------------------

_LABEL = re.compile(r"^([^:;@/]{1,40}):(?!//)(.+)$", re.DOTALL)
_SCHEMES = {"http", "https", "mailto", "tel", "ftp", "sip", "xmpp", "skype"}


def parse_option(kind: str, text: str) -> dict:
    """`--email work:ana@example.org`, `--phone mobile:+44 …`, `--url blog:https://…`,
    `--social github:ana`, `--address 'home:1 Main St; Springfield; IL; 62701; USA'`."""
    label, value = "", text.strip()
    m = _LABEL.match(value)
    # A social profile's prefix is its service even where it is a URI scheme (skype:ana).
    if m and (kind == "social" or m.group(1).strip().lower() not in _SCHEMES):
        label, value = m.group(1).strip(), m.group(2).strip()
    if kind == "address":
        parts = [p.strip() for p in value.split(";")]
        if len(parts) > len(ADDRESS_PARTS):
            raise UsageError(
                f"{text!r} has {len(parts)} parts: an address is 'STREET; TOWN; REGION;"
                " POSTAL CODE; COUNTRY' (leave a part empty, not out)"
            )
        return address(label, **dict(zip(ADDRESS_PARTS, parts, strict=False)))
    if kind == "social":
        return {**social(label or None, value), "preferred": False}
    return entry(kind, value, label)


def matching(kind: str, entries: list[dict], text: str) -> list[dict]:
    """The entries a `--remove-…` value names: the value itself (emails in any case, phones by
    their digits), a social profile's service, or a part of an address."""
    text = text.strip()
    if kind == "address":
        needle = " ".join(text.casefold().split())
        return [a for a in entries if needle in one_line_address(a).casefold()]
    if kind == "social":
        wanted = {key("social", text), SERVICE_ALIASES.get(text.lower(), text.lower())}
        return [e for e in entries if key("social", e["value"]) in wanted or e["label"] in wanted]
    value = text
    if kind != "url":
        value = _LABEL.sub(lambda m: m.group(2), text) if ":" in text else text
    wanted_key = key(kind, re.sub(r"^(mailto|tel):", "", value, flags=re.IGNORECASE))
    return [e for e in entries if key(kind, e["value"]) == wanted_key]


def apply_options(
    current: dict[str, list[dict]],
    add: dict[str, list[str]],
    remove: dict[str, list[str]],
    prefer: list[str] = (),  # type: ignore[assignment]
) -> dict[str, list[dict]]:
    """The lists after `srm edit`'s --KIND, --remove-KIND and --prefer options.

    A kind given as [""] (`--email ''`) is cleared. A value to remove that isn't there is an
    error (NotFound), as is a --prefer that names no entry or several.
    """
    out = {name: [dict(e) for e in entries] for name, entries in current.items()}
    for kind in (*KINDS, "address"):
        name = LISTS.get(kind, ADDRESSES)
        for text in remove.get(kind, []):
            found = matching(kind, out[name], text)
            if not found:
                raise NotFound(f"no {_noun(kind)} {text!r} to remove")
            if kind == "address" and len(found) > 1:
                raise Ambiguous(
                    f"{text!r} is part of {len(found)} addresses: "
                    + "; ".join(one_line_address(a) for a in found)
                )
            out[name] = [e for e in out[name] if all(e is not f for f in found)]
        values = add.get(kind, [])
        if values == [""]:
            out[name] = []
            continue
        new = [parse_option(kind, v) for v in values]
        out[name] = normalise(kind, [*out[name], *new])
    for text in prefer:
        hits: dict[str, list[dict]] = {}
        for kind in (*KINDS, "address"):
            name = LISTS.get(kind, ADDRESSES)
            found = matching(kind, out[name], text)
            if len(found) > 1:
                raise Ambiguous(
                    f"--prefer {text!r} names {len(found)} entries: give the whole value"
                )
            if found:
                hits[name] = found
        if not hits:
            raise NotFound(
                f"--prefer {text!r}: no email, phone, web page, profile or address of theirs is that"
            )
        for name, (chosen,) in hits.items():
            for e in out[name]:
                e["preferred"] = e is chosen
    return out


def _noun(kind: str) -> str:
    return {
        "email": "email address",
        "phone": "phone number",
        "url": "web address",
        "social": "social profile",
        "address": "address",
    }[kind]


def as_json(lists: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The lists as `srm show --json` prints them: a social's label is its `service`."""
    out = {}
    for name, entries in lists.items():
        if name == LISTS["social"]:
            out[name] = [
                {"service": e["label"], "value": e["value"], "preferred": e["preferred"]}
                for e in entries
            ]
        else:
            out[name] = [dict(e) for e in entries]
    return out


def from_json(lists: dict) -> dict[str, list[dict]]:
    """`as_json`'s form read back (srm's JSON export), each entry checked."""
    out: dict[str, list[dict]] = {}
    for kind, name in LISTS.items():
        entries = lists.get(name) or []
        if not isinstance(entries, list):
            raise ValueError(f"{name!r} must be a list")
        out[name] = []
        for e in entries:
            if not isinstance(e, dict) or not isinstance(e.get("value"), str):
                raise ValueError(f"each of {name!r} needs a 'value'")
            label = e.get("service") if kind == "social" else e.get("label", "")
            out[name].append(entry(kind, e["value"], label or "", bool(e.get("preferred"))))
    entries = lists.get(ADDRESSES) or []
    if not isinstance(entries, list):
        raise ValueError(f"{ADDRESSES!r} must be a list")
    out[ADDRESSES] = []
    for a in entries:
        if not isinstance(a, dict):
            raise ValueError("each address must be an object")
        parts = {p: a.get(p) or "" for p in ADDRESS_PARTS}
        if not all(isinstance(v, str) for v in parts.values()):
            raise ValueError("an address's parts must be text")
        out[ADDRESSES].append(
            address(a.get("label") or "", **parts, preferred=bool(a.get("preferred")))
        )
    return out
