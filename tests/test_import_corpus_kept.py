"""Nothing a real export carries is lost silently: every email, phone, address, web address and
date in each file of ../shared/interop is kept by srm or named in the import's summary.

The values are read from each file here, by a reader of its own (unfolding, quoted-printable,
CSV columns by name), not by srm's: a value srm's parser missed would be missing from both.
"""

from __future__ import annotations

import csv
import io
import quopri
import re

import pytest
from corpus import CORPUS, corpus_files, needs_corpus

pytestmark = needs_corpus

KINDS = ("email", "phone", "address", "url", "date")
VCARD_PROPS = {
    "EMAIL": "email",
    "TEL": "phone",
    "X-MS-TEL": "phone",
    "ADR": "address",
    "URL": "url",
    "X-SOCIALPROFILE": "url",
    "IMPP": "url",
    "BDAY": "date",
    "ANNIVERSARY": "date",
    "X-ANNIVERSARY": "date",
    "X-MS-ANNIVERSARY": "date",
    "X-EVOLUTION-ANNIVERSARY": "date",
    "X-ABDATE": "date",
}


def _value_key(kind: str, value: str) -> str | None:
    """What two spellings of one value share (as srm's import may rewrite it)."""
    value = value.strip()
    if kind == "email":
        return value.removeprefix("mailto:").casefold() or None
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        return digits[-9:] or None
    if kind == "url":
        value = re.sub(r"\\(.)", r"\1", value)
        value = re.sub(r"^https?://", "", value.casefold())  # srm adds a missing scheme
        return value.rstrip("/") or None
    if kind == "date":
        m = re.search(r"(?:^|-|\d{4})-?(\d{2})-?(\d{2})(?:T|$)", value) or re.search(
            r"(\d{1,2})/(\d{1,2})/\d{2,4}", value
        )
        return f"{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else value
    # address: its words, in any order (srm moves the PO box and extended parts into the street)
    words = re.findall(r"\w+", re.sub(r"\\n", " ", value).casefold())
    return " ".join(sorted(words)) or None


def vcard_values(text: str) -> list[dict[str, set[str]]]:
    """Per card, the values of each kind the file holds."""
    text = re.sub(r"\r*\n|\r", "\n", text)
    text = re.sub(r"=\n", "", text)  # quoted-printable soft breaks (the corpus's QP lines)
    text = re.sub(r"\n[ \t]", "", text)  # folding
    cards: list[dict[str, set[str]]] = []
    for line in text.split("\n"):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            cards.append({k: set() for k in KINDS})
            continue
        if ":" not in line or not cards:
            continue
        head, value = line.split(":", 1)
        prop = head.split(";")[0].rpartition(".")[2].upper()
        kind = VCARD_PROPS.get(prop)
        if kind is None:
            continue
        if "QUOTED-PRINTABLE" in head.upper():
            value = quopri.decodestring(value.encode()).decode("utf-8", "replace")
        if prop == "IMPP":
            value = value.partition(":")[2] if "://" not in value else value
        if kind == "address":
            value = " ".join(p for p in re.split(r"(?<!\\);", value) if p.strip())
        key = _value_key(kind, value)
        if key:
            cards[-1][kind].add(key)
    return cards


CSV_COLUMNS = {
    "email": r"(e-mail \d+ - value|e-mail( \d)? address|email address)",
    "phone": r"(phone \d+ - value|.*phone( \d)?|.*fax|pager|callback|telex|isdn)",
    "url": r"(website \d+ - value|(personal )?web page|url)",
    "date": r"(birthday|anniversary|event \d+ - value|connected on)",
    "address": r"(address \d+ - (street|city|postal code|country)|(business|home|other) "
    r"(street|city|postal code|country/region))",
}


def csv_values(text: str) -> list[dict[str, set[str]]]:
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.search(r'name"?,', line.lower()))
    rows = list(csv.DictReader(io.StringIO("".join(lines[start:]))))
    out = []
    for row in rows:
        found = {k: set() for k in KINDS}
        for column, value in row.items():
            column = (column or "").strip().lower()
            value = (value or "").strip()
            if not value or value in ("0/0/00",):
                continue
            for kind, pattern in CSV_COLUMNS.items():
                if re.fullmatch(pattern, column):
                    for part in value.split(" ::: "):
                        key = _value_key(kind, part)
                        if key and not (kind == "email" and "@" not in part):
                            found[kind].add(key)
        out.append(found)
    return out


def kept_values(srm) -> dict[str, set[str]]:
    kept = {k: set() for k in KINDS}
    for c in srm.json("contacts"):
        full = srm.json("show", str(c["id"]))
        kept["email"] |= {_value_key("email", e["value"]) for e in full["emails"]}
        kept["phone"] |= {_value_key("phone", p["value"]) for p in full["phones"]}
        kept["url"] |= {_value_key("url", u["value"]) for u in full["urls"] + full["socials"]}
        for a in full["addresses"]:
            parts = [a[p] for p in ("street", "locality", "region", "postal_code", "country")]
            kept["address"].add(_value_key("address", " ".join(parts)))
        if full["connected_on"]:
            kept["date"].add(full["connected_on"][5:])
        note = full["note"]
        kept["date"] |= {f"{d['month']:02d}-{d['day']:02d}" for d in full["dates"]}
        # A text birthday ("circa 1800") is kept in the note.
        kept["date"] |= {m for m in re.findall(r"\d{2}-\d{2}", note)}
    return kept


@pytest.mark.parametrize("name", corpus_files(".vcf", ".csv"))
def test_every_value_in_the_file_is_kept_or_reported(srm, name):
    path = CORPUS / name
    text = path.read_bytes().decode("utf-8", "replace")
    per_record = vcard_values(text) if name.endswith(".vcf") else csv_values(text)
    summary = srm.json("import", str(path), "--on-duplicate", "new", "--skip-invalid", "--verbose")
    kept = kept_values(srm)
    reported = " ".join(" ".join(d["fields"]) for d in summary["dropped_records"]).casefold()
    rejected = {int(m.group(1)) for r in summary["rejected_records"]
                if (m := re.match(r"card (\d+)", r["where"]))}  # fmt: skip
    skipped_rows = len(summary["skipped_records"])  # LinkedIn members who left: only a date
    missing = []
    for number, values in enumerate(per_record, start=1):
        if number in rejected:
            continue
        for kind, keys in values.items():
            for key in keys:
                if key in kept[kind]:
                    continue
                if kind == "address" and any(
                    set(key.split()) <= set(a.split()) for a in kept[kind]
                ):
                    continue  # a part of an address srm keeps whole
                if kind in reported or key.split(" ")[0] in reported:
                    continue
                missing.append((number, kind, key))
    if skipped_rows:  # a skipped row carries a date and nothing else: it is listed as skipped
        missing = [m for m in missing if m[1] != "date"]
    assert missing == [], f"{name}: not kept and not reported: {missing}"


def test_the_reader_here_finds_what_the_files_hold():
    """The check above is only as good as this reader: it sees the corpus's values."""
    gmail = vcard_values((CORPUS / "vcard/ezvcard__gmail-single2.vcf").read_text())
    assert [len(gmail[0][k]) for k in KINDS] == [5, 11, 5, 6, 4]
    outlook = csv_values((CORPUS / "csv/outlook_com_contacts_synthetic.csv").read_text())
    assert outlook[0]["email"] == {"ada@example.com", "ada.l@example.org"}
    assert outlook[0]["date"] == {"12-10"}
