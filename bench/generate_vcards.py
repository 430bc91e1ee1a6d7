"""Write N synthetic vCards (default 10,000) for the `srm import` benchmark.

    .venv/bin/python bench/generate_vcards.py        # bench/data/10k.vcf

A seeded mix of what address books export: mostly vCard 3.0 (Google), some 4.0 with
year-less birthdays, some 2.1 with quoted-printable names, a few folded photos, a few
duplicates by email, CRLF line ends throughout.
"""

from __future__ import annotations

import argparse
import base64
import quopri
import random
import sys
from pathlib import Path

from generate import DATA, FIRST, LAST, ORGS, ROLES, TAGS, size_label

from srm.domain.contacts import slug


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cards", type=int, default=10_000, help="number of cards (10000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (42)")
    ap.add_argument("--out", type=Path, help="output file (bench/data/<cards>.vcf)")
    a = ap.parse_args(argv)
    out = a.out or DATA / f"{size_label(a.cards)}.vcf"
    out.parent.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(a.seed)
    emails: list[str] = []
    with out.open("w", encoding="utf-8", newline="") as f:
        for k in range(1, a.cards + 1):
            f.write("\r\n".join(card(rnd, k, emails)) + "\r\n")
    print(f"{out}: {a.cards} vCards (seed {a.seed})")


def card(r: random.Random, k: int, emails: list[str]) -> list[str]:
    first, last = r.choice(FIRST), r.choice(LAST)
    org = r.choice(ORGS)
    if emails and r.random() < 0.03:  # the same person exported twice
        email = r.choice(emails)
    else:
        email = f"{slug(first)}.{slug(last)}{k}@{org.split()[0].lower()}.example"
        emails.append(email)
    version = r.choices(("3.0", "4.0", "2.1"), (70, 20, 10))[0]
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    if version == "2.1":
        qp = quopri.encodestring(f"{first} {last}".encode()).decode()
        lines.append(f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp}")
    else:
        lines.append(f"FN:{first} {last}")
    lines += [
        f"N:{last};{first};;;",
        f"EMAIL;TYPE=INTERNET;TYPE=WORK:{email}",
        f"TEL;TYPE=CELL:+49 30 {r.randrange(1000000, 9999999)}",
        f"ORG:{org}",
        f"TITLE:{r.choice(ROLES)}",
    ]
    if r.random() < 0.4:
        month, day = r.randint(1, 12), r.randint(1, 28)
        year_less = version == "4.0" and r.random() < 0.5
        bday = (
            f"--{month:02d}{day:02d}"
            if year_less
            else f"{r.randint(1950, 2003)}-{month:02d}-{day:02d}"
        )
        lines.append(f"BDAY:{bday}")
    if r.random() < 0.5:
        lines.append("CATEGORIES:" + ",".join(r.sample(TAGS, r.randint(1, 3))))
    if r.random() < 0.2:
        lines.append(r"NOTE:Met at the spring conference\, introduced by a colleague.")
    if r.random() < 0.02:
        photo = base64.b64encode(r.randbytes(900)).decode()
        lines += fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}")
    lines.append("END:VCARD")
    return lines


def fold(line: str, width: int = 75) -> list[str]:
    """RFC 6350 line folding: continuation lines start with a space."""
    return [line[:width]] + [
        " " + line[i : i + width - 1] for i in range(width, len(line), width - 1)
    ]


if __name__ == "__main__":
    main(sys.argv[1:])
