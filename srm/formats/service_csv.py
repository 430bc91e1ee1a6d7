"""Contacts as the CSV that Google Contacts and Outlook.com import: their own headers, their
labels, their date forms. Each writer returns what its format has no room for, so that an
export says what it left out instead of dropping it quietly.

The headers are the ones these services export (see the Google and Outlook layouts that
srm.formats.contacts_csv reads, and the shared interop corpus): Google's grows numbered columns
("E-mail 3 - Value") as far as the contacts need; Outlook's is fixed.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from srm.domain.details import one_line_address
from srm.formats.contacts_csv import OUTLOOK_PHONES, writer
from srm.formats.vcard import name_parts

GOOGLE_NAME_COLUMNS = (
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
)
_GOOGLE_ADDRESS = (
    "Label",
    "Formatted",
    "Street",
    "City",
    "PO Box",
    "Region",
    "Postal Code",
    "Country",
    "Extended Address",
)
# Outlook.com's "Export contacts" header, which its import reads back.
OUTLOOK_HEADER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Title",
    "Suffix",
    "Nickname",
    "Given Yomi",
    "Surname Yomi",
    "E-mail Address",
    "E-mail 2 Address",
    "E-mail 3 Address",
    "Home Phone",
    "Home Phone 2",
    "Business Phone",
    "Business Phone 2",
    "Mobile Phone",
    "Car Phone",
    "Other Phone",
    "Primary Phone",
    "Pager",
    "Business Fax",
    "Home Fax",
    "Other Fax",
    "Company Main Phone",
    "Callback",
    "Radio Phone",
    "Telex",
    "TTY/TDD Phone",
    "IMAddress",
    "Job Title",
    "Department",
    "Company",
    "Office Location",
    "Manager's Name",
    "Assistant's Name",
    "Assistant's Phone",
    "Company Yomi",
    "Business Street",
    "Business City",
    "Business State",
    "Business Postal Code",
    "Business Country/Region",
    "Home Street",
    "Home City",
    "Home State",
    "Home Postal Code",
    "Home Country/Region",
    "Other Street",
    "Other City",
    "Other State",
    "Other Postal Code",
    "Other Country/Region",
    "Personal Web Page",
    "Spouse",
    "Schools",
    "Hobby",
    "Location",
    "Web Page",
    "Birthday",
    "Anniversary",
    "Notes",
]
_GOOGLE_LABELS = {
    "work fax": "Work Fax",
    "home fax": "Home Fax",
    "github": "GitHub",
    "gitlab": "GitLab",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "tiktok": "TikTok",
}


def _is_web(social: dict) -> bool:
    return social["value"].lower().startswith(("http://", "https://"))


def _split_dates(contact: dict) -> tuple[dict | None, list[dict]]:
    """The birthday (the first dated 'birthday'), and every other date."""
    birthday = next((d for d in contact["dates"] if d["label"] == "birthday"), None)
    return birthday, [d for d in contact["dates"] if d is not birthday]


def _iso(d: dict, year_less: str = "--") -> str:
    day = f"{d['month']:02d}-{d['day']:02d}"
    return f"{d['year']:04d}-{day}" if d["year"] else f"{year_less}{day}"


_GOOGLE_BUILTIN = {"home", "work", "other", "mobile", "main", "pager", "anniversary"}


def _google_label(entry: dict) -> str:
    """Google's spelling of a label ("Work", "Work Fax", "GitHub"); one's own as it is; "* "
    before the preferred entry's."""
    label = entry.get("label") or ""
    if label in _GOOGLE_BUILTIN:
        label = label.capitalize()
    label = _GOOGLE_LABELS.get(label, label)
    return ("* " + label) if entry.get("preferred") else label


def google(out: TextIO, contacts: list[dict]) -> list[str]:
    """Google Contacts CSV; what it can't hold (nothing, so far: it has a column for each)."""
    counts = Counter()
    for c in contacts:
        _, events = _split_dates(c)
        counts["E-mail"] = max(counts["E-mail"], len(c["emails"]))
        counts["Phone"] = max(counts["Phone"], len(c["phones"]))
        counts["Address"] = max(counts["Address"], len(c["addresses"]))
        web = len(c["urls"]) + sum(_is_web(s) for s in c["socials"])
        counts["Website"] = max(counts["Website"], web)
        counts["IM"] = max(counts["IM"], sum(not _is_web(s) for s in c["socials"]))
        counts["Event"] = max(counts["Event"], len(events))
    header = list(GOOGLE_NAME_COLUMNS)
    groups = (
        ("E-mail", ("Label", "Value")),
        ("Phone", ("Label", "Value")),
        ("Address", _GOOGLE_ADDRESS),
        ("Website", ("Label", "Value")),
        ("IM", ("Label", "Service", "Value")),
        ("Event", ("Label", "Value")),
    )
    for kind, parts in groups:
        for n in range(1, max(1, counts[kind]) + 1):
            header += [f"{kind} {n} - {p}" for p in parts]
    w = writer(out)
    w.writerow(header)
    for c in contacts:
        family, given, additional, prefix, suffix = name_parts(c["name"])
        birthday, events = _split_dates(c)
        row = {
            "First Name": given,
            "Middle Name": additional,
            "Last Name": family,
            "Name Prefix": prefix,
            "Name Suffix": suffix,
            "Nickname": c["nickname"],
            "Organization Name": c["org"],
            "Organization Title": c["role"],
            "Organization Department": c["team"],
            # Google writes a date without a year with a leading space: " --12-25".
            "Birthday": _iso(birthday, " --") if birthday else "",
            "Notes": c["note"],
            "Labels": " ::: ".join([*c["tags"], "* myContacts"]),
        }
        for n, e in enumerate(c["emails"], 1):
            row[f"E-mail {n} - Label"], row[f"E-mail {n} - Value"] = _google_label(e), e["value"]
        for n, p in enumerate(c["phones"], 1):
            row[f"Phone {n} - Label"], row[f"Phone {n} - Value"] = _google_label(p), p["value"]
        for n, a in enumerate(c["addresses"], 1):
            row.update(
                {
                    f"Address {n} - Label": _google_label(a),
                    f"Address {n} - Formatted": one_line_address(a),
                    f"Address {n} - Street": a["street"],
                    f"Address {n} - City": a["locality"],
                    f"Address {n} - Region": a["region"],
                    f"Address {n} - Postal Code": a["postal_code"],
                    f"Address {n} - Country": a["country"],
                }
            )
        web = [*c["urls"], *({**s, "preferred": False} for s in c["socials"] if _is_web(s))]
        for n, u in enumerate(web, 1):
            row[f"Website {n} - Label"], row[f"Website {n} - Value"] = _google_label(u), u["value"]
        for n, s in enumerate((s for s in c["socials"] if not _is_web(s)), 1):
            row[f"IM {n} - Service"] = _google_label({"label": s["label"]})
            row[f"IM {n} - Value"] = s["value"]
        for n, d in enumerate(events, 1):
            row[f"Event {n} - Label"] = _google_label({"label": d["label"]})
            row[f"Event {n} - Value"] = _iso(d, " --")
        w.writerow([row.get(h) or "" for h in header])
    return []


# srm's labels → Outlook's phone columns, in the order they are filled (those the reader maps).
_HEADER = {h.lower(): h for h in OUTLOOK_HEADER}
_OUTLOOK_PHONE_SLOTS: dict[str, list[str]] = {}
for _column, _label in OUTLOOK_PHONES.items():
    if _column in _HEADER:
        _OUTLOOK_PHONE_SLOTS.setdefault(_label, []).append(_HEADER[_column])
_OUTLOOK_ADDRESS = {"work": "Business", "home": "Home", "other": "Other", "": "Other"}


def _us(d: dict) -> str:
    return f"{d['month']}/{d['day']}/{d['year']}"


def outlook(out: TextIO, contacts: list[dict]) -> list[str]:
    """Outlook.com's CSV; what its fixed columns can't hold, each with how many contacts."""
    left: Counter = Counter()
    w = writer(out)
    w.writerow(OUTLOOK_HEADER)
    for c in contacts:
        family, given, additional, prefix, suffix = name_parts(c["name"])
        row = {
            "First Name": given,
            "Middle Name": additional,
            "Last Name": family,
            "Title": prefix,
            "Suffix": suffix,
            "Nickname": c["nickname"],
            "Job Title": c["role"],
            "Department": c["team"],
            "Company": c["org"],
            "Notes": c["note"],
        }
        lost: set[str] = set()
        emails = sorted(c["emails"], key=lambda e: not e["preferred"])
        for column, e in zip(
            ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address"), emails, strict=False
        ):
            row[column] = e["value"]
        if len(emails) > 3:
            lost.add("emails after the third")
        for p in sorted(c["phones"], key=lambda e: not e["preferred"]):
            slots = _OUTLOOK_PHONE_SLOTS.get(p["label"], []) + ["Other Phone"]
            free = next((s for s in slots if s not in row), None)
            if free is None:
                lost.add("phones with no free column of their kind")
            else:
                row[free] = p["value"]
        for a in c["addresses"]:
            prefix_ = _OUTLOOK_ADDRESS.get(a["label"], "Other")
            if f"{prefix_} Street" in row or f"{prefix_} City" in row:
                lost.add("a second address of one kind (work, home, other)")
                continue
            row.update(
                {
                    f"{prefix_} Street": a["street"],
                    f"{prefix_} City": a["locality"],
                    f"{prefix_} State": a["region"],
                    f"{prefix_} Postal Code": a["postal_code"],
                    f"{prefix_} Country/Region": a["country"],
                }
            )
        for u in c["urls"]:
            column = "Personal Web Page" if u["label"] == "home" else "Web Page"
            if column in row:
                lost.add("web pages after the first two")
            else:
                row[column] = u["value"]
        ims = [s for s in c["socials"] if not _is_web(s)]
        if ims:
            row["IMAddress"] = ims[0]["value"]
        if len(ims) > 1 or any(_is_web(s) for s in c["socials"]):
            lost.add("social profiles")
        birthday, others = _split_dates(c)
        anniversary = next((d for d in others if d["label"] == "anniversary"), None)
        for column, d in (("Birthday", birthday), ("Anniversary", anniversary)):
            if d is None:
                continue
            if d["year"]:
                row[column] = _us(d)
            else:
                lost.add("dates without a year")
        if any(d is not anniversary for d in others):
            lost.add("dates other than a birthday and an anniversary")
        if c["tags"]:
            lost.add("tags")
        left.update(lost)
        w.writerow([row.get(h) or "" for h in OUTLOOK_HEADER])
    return [f"{what} ({n} contact{'s' if n != 1 else ''})" for what, n in sorted(left.items())]
