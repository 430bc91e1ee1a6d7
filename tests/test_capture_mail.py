"""`srm capture mail`: the mail you sent to contacts becomes email interactions, one per
contact, thread and day; lists, bulk and automatic mail are skipped; bodies are never kept."""

from __future__ import annotations

import json
import mailbox
import time
from email.message import EmailMessage

import pytest
from records import stored_bytes

BODY_SECRET = "the body says: salary 123456"


def message(sender, to, subject, date, mid, *, refs=(), cc=(), headers=None, body=BODY_SECRET):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = ", ".join(to)
    if cc:
        m["Cc"] = ", ".join(cc)
    m["Subject"] = subject
    m["Date"] = date
    m["Message-ID"] = f"<{mid}>"
    if refs:
        m["In-Reply-To"] = f"<{refs[-1]}>"
        m["References"] = " ".join(f"<{r}>" for r in refs)
    for k, v in (headers or {}).items():
        m[k] = v
    m.set_content(body + "\n\nFrom here on, a line that starts like a separator.\n")
    m.add_attachment(b"%PDF-1.4 secret attachment", maintype="application", subtype="pdf",
                     filename="deck.pdf")  # fmt: skip
    return m


ME = "Me Myself <me@example.org>"
ANA = "Ana Alves <ana@example.org>"
MESSAGES = [
    # a thread of replies: two messages of mine the same day are one interaction (with Bo in
    # copy), Ana's reply is received mail, my reply the next day another interaction
    message(ME, [ANA], "Venue shortlist", "Mon, 02 Mar 2026 09:00:00 +0100", "m1@example.org",
            cc=["bo@example.org"]),
    message(ANA, [ME], "Re: Venue shortlist", "Mon, 02 Mar 2026 11:00:00 +0100",
            "m2@example.org", refs=["m1@example.org"]),
    message(ME, [ANA], "RE: Re: Venue shortlist", "Mon, 02 Mar 2026 15:00:00 +0100",
            "m3@example.org", refs=["m1@example.org", "m2@example.org"]),
    message("me@work.example", [ANA], "AW: Venue shortlist", "Tue, 03 Mar 2026 10:00:00 +0100",
            "m4@example.org", refs=["m1@example.org", "m2@example.org", "m3@example.org"]),
    # a mailing-list message, bulk mail, a no-reply sender, an automatic reply
    message("Community <list@lists.example>", [ME], "[community] Meetup", "Wed, 04 Mar 2026"
            " 10:00:00 +0000", "l1@lists.example", headers={"List-Id": "<community.lists.example>"}),
    message("News <news@shop.example>", [ME], "Sale", "Wed, 04 Mar 2026 10:00:00 +0000",
            "b1@shop.example", headers={"Precedence": "bulk"}),
    message("noreply@service.example", [ME], "Your receipt", "Wed, 04 Mar 2026 10:00:00 +0000",
            "n1@service.example"),
    message(ANA, [ME], "Out of office", "Wed, 04 Mar 2026 10:00:00 +0000", "o1@example.org",
            headers={"Auto-Submitted": "auto-replied"}),
    # from and to an address no contact has
    message("Zed Zane <zed@elsewhere.example>", [ME], "Hello", "Thu, 05 Mar 2026 10:00:00 +0000",
            "z1@elsewhere.example"),
    message(ME, ["Zed Zane <zed@elsewhere.example>"], "Intro", "Thu, 05 Mar 2026 11:00:00 +0000",
            "z2@example.org"),
    message(ME, ["zed@elsewhere.example"], "Follow-up", "Fri, 06 Mar 2026 11:00:00 +0000",
            "z3@example.org"),
    message(ME, ["Zed <zed@elsewhere.example>"], "Contract", "Mon, 09 Mar 2026 11:00:00 +0000",
            "z4@example.org"),
    # a forward to Bo, and a message long before the dates
    message(ME, ["Bo Berg <bo@example.org>"], "Fwd: Deck", "Mon, 05 Jan 2026 08:00:00 +0000",
            "f1@example.org"),
    message(ME, [ANA], "Old news", "Sun, 01 Jun 2025 08:00:00 +0000", "old@example.org"),
    # a reply from a client that dropped References: threaded by its subject
    message(ME, [ANA], "Re: Venue shortlist", "Tue, 03 Mar 2026 18:00:00 +0100", "m5@example.org"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def lisbon(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Lisbon")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def people(srm, config_file):
    config_file('me = "Me Myself <me@example.org>"\nmy_addresses = ["me@work.example"]\n')
    srm.ok("add", "Ana Alves", "--email", "ana@example.org", "--since", "2025-06-01")
    srm.ok("add", "Bo Berg", "--email", "bo@example.org", "--since", "2025-06-01")


@pytest.fixture
def mbox(isolated):
    path = isolated / "All mail.mbox"
    box = mailbox.mbox(path)
    for m in MESSAGES:
        box.add(m)
    box.flush()
    box.close()
    return str(path)


def brief(timeline: list[dict]) -> list[tuple]:
    return sorted(
        (i["date"], i["channel"], i["summary"], tuple(c["handle"] for c in i["contacts"]))
        for i in timeline
    )


def test_sent_mail_becomes_one_interaction_per_thread_and_day(srm, people, mbox, isolated):
    result = srm.json("capture", "mail", mbox)
    assert brief(srm.json("timeline")) == [
        ("2026-01-05", "email", "Deck", ("bo",)),
        ("2026-03-02", "email", "Venue shortlist", ("ana", "bo")),
        ("2026-03-03", "email", "Venue shortlist", ("ana",)),
    ]
    assert all(i["captured"] == "mail" for i in srm.json("timeline"))
    assert result["read"] == len(MESSAGES)
    assert result["created"] == 3
    assert result["skipped"] == {
        "received (--received logs mail from contacts)": 2,
        "mailing list": 1,
        "bulk mail (Precedence: bulk)": 1,
        "no-reply sender": 1,
        "automatic reply": 1,
        "outside the dates": 1,
        "no contact in it": 3,
    }
    sources = sorted(i["source"] for i in result["interactions"])
    assert sources == [
        "mail:f1@example.org/2026-01-05",
        "mail:m1@example.org/2026-03-02",
        "mail:m1@example.org/2026-03-03",
    ]
    store = stored_bytes()
    assert BODY_SECRET.encode() not in store and b"secret attachment" not in store


def test_received_logs_mail_from_contacts_too(srm, people, mbox):
    result = srm.json("capture", "mail", mbox, "--received")
    assert brief(srm.json("timeline")) == [
        ("2026-01-05", "email", "Deck", ("bo",)),
        ("2026-03-02", "email", "Venue shortlist", ("ana", "bo")),  # Ana's reply: same thread-day
        ("2026-03-03", "email", "Venue shortlist", ("ana",)),
    ]
    assert result["skipped"]["no contact in it"] == 4  # Zed's mail to me too


def test_no_subjects_keeps_no_text(srm, people, mbox, isolated):
    srm.ok("capture", "mail", mbox, "--no-subjects")
    assert {i["summary"] for i in srm.json("timeline")} == {"(subject not kept)"}
    assert b"Venue shortlist" not in stored_bytes()


def test_capturing_again_adds_nothing_and_undo_removes_it(srm, people, mbox):
    srm.ok("capture", "mail", mbox)
    before = srm.json("timeline")
    again = srm.json("capture", "mail", mbox, "--received")
    assert again["created"] == 0 and again["already_captured"] == 4
    assert srm.json("timeline") == before
    srm.ok("undo", "--yes")
    assert srm.json("timeline") == []


def test_dry_run_writes_nothing(srm, people, mbox):
    r = srm.ok("capture", "mail", mbox, "--dry-run")
    assert "Ana Alves (@ana)" in r.stdout and "Venue shortlist" in r.stdout
    assert "3 interactions would be created" in r.stderr
    assert srm.json("timeline") == []


def test_a_thread_logged_by_hand_that_day_is_linked(srm, people, mbox):
    srm.ok("log", "ana", "venues", "--channel", "email", "--on", "2026-03-03")
    result = srm.json("capture", "mail", mbox)
    assert result["linked"] == 1
    assert [i["summary"] for i in srm.json("timeline") if i["date"] == "2026-03-03"] == ["venues"]


def test_suggest_counts_threads_with_people_who_are_not_contacts(srm, people, mbox):
    rows = srm.json("capture", "mail", mbox, "--suggest")
    assert rows == [
        {"address": "zed@elsewhere.example", "count": 3, "names": ["Zed Zane", "Zed"],
         "last": "2026-03-09"}
    ]  # fmt: skip
    assert srm.json("capture", "mail", mbox, "--suggest", "--min", "4") == []
    assert srm.json("timeline") == []


def test_a_maildir(srm, people, isolated):
    box = mailbox.Maildir(isolated / "Maildir")
    for m in MESSAGES[:4]:
        box.add(m)
    (isolated / "Maildir" / "cur" / "broken").write_bytes(b"\xff\xfe garbage without headers")
    result = srm.json("capture", "mail", str(isolated / "Maildir"))
    assert brief(srm.json("timeline")) == [
        ("2026-03-02", "email", "Venue shortlist", ("ana", "bo")),
        ("2026-03-03", "email", "Venue shortlist", ("ana",)),
    ]
    assert result["read"] == 5 and result["skipped"]["no date"] == 1


def test_encoded_headers_and_standard_input(srm, people, isolated):
    raw = (
        b"From me@example.org Mon Mar  2 10:00:00 2026\n"
        b"From: =?utf-8?q?Me_M=C3=ADself?= <ME@EXAMPLE.ORG>\n"
        b"To: =?iso-8859-1?q?Ana_Alv=E9s?= <ana@example.org>\n"
        b"Subject: =?utf-8?q?Re=3A_Caf=C3=A9?= =?utf-8?q?_plans?=\n"
        b"Message-ID: <e1@example.org>\n"
        b"\n"
        b"body\n"
        b"\n"
        b"From me@example.org Mon Mar  9 10:00:00 2026\n"
        b"From: me@example.org\n"
        b"To: ana@example.org\n"
        b"Subject: no date header: the separator's date counts\n"
        b"\n"
        b"body\n"
    )
    r = srm.runner.invoke(
        __import__("srm.cli.app", fromlist=["app"]).app,
        ["capture", "mail", "-", "--json"],
        input=raw,
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["created"] == 2
    assert brief(srm.json("timeline")) == [
        ("2026-03-02", "email", "Café plans", ("ana",)),
        ("2026-03-09", "email", "no date header: the separator's date counts", ("ana",)),
    ]


def test_mail_needs_to_know_my_addresses(srm, mbox):
    srm.fails("capture", "mail", mbox, code=2, match='me = "Your Name <you@example.org>"')


def test_what_is_not_a_mailbox_is_one_line(srm, people, isolated):
    (isolated / "notes.txt").write_text("hello\n")
    srm.fails("capture", "mail", str(isolated / "notes.txt"), code=7, match="not an mbox")
    srm.fails("capture", "mail", str(isolated / "nothing.mbox"), code=7, match="can't read")
    (isolated / "folder").mkdir()
    srm.fails("capture", "mail", str(isolated / "folder"), code=7, match="not a Maildir")
    (isolated / "empty.mbox").write_bytes(b"")
    srm.fails("capture", "mail", str(isolated / "empty.mbox"), code=7, match="not an mbox")


def test_config_me_and_my_addresses_are_checked(srm, config_file):
    config_file('me = "Me <not an address>"\n')
    srm.fails("contacts", code=5, match="me = ")
    config_file('my_addresses = ["me@work.example", "nope"]\n')
    srm.fails("contacts", code=5, match="'nope' is not one")


def test_the_mbox_reader_finds_the_same_messages_whatever_the_chunk_size(mbox, monkeypatch):
    """Bodies are skipped chunk by chunk: a separator or a header block cut in two by a chunk
    boundary is still found whole."""
    from srm.formats import mail

    def read() -> list[tuple]:
        with open(mbox, "rb") as f:
            return [(m.message_id, m.sender, m.to, m.subject) for m in mail.read_mbox(f, "x")]

    whole = read()
    assert [w[0] for w in whole] == [m["Message-ID"].strip("<>") for m in MESSAGES]
    for size in (7, 64, 1000):
        monkeypatch.setattr(mail, "CHUNK", size)
        assert read() == whole, size


def test_hostile_headers_are_cleaned_or_skipped(srm, people, isolated):
    raw = (
        b"From me@example.org Mon Mar  2 10:00:00 2026\n"
        b"From: me@example.org\n"
        b"To: ana@example.org\n"
        b"Subject: Re: \x1b[31mred\x1b[0m \xff\xfe plans\n"
        b"Date: Mon, 02 Mar 2026 10:00:00 +0000\n"
        b"\n"
        b"body\n"
        b"\n"
        b"From me@example.org Mon Mar  2 10:00:00 2026\n"
        b"From: me@example.org\n"
        b"To: ana@example.org\n"
        b"Subject: far future\n"
        b"Date: Fri, 31 Dec 9999 23:59:59 -1200\n"
        b"\n"
        b"From me@example.org Mon Mar  2 10:00:00 2026\n"
        b"From: me@example.org\n"
        b"To: ana@example.org\n"
        b"Subject: " + b"x" * 5000 + b"\n"
        b"Date: Tue, 03 Mar 2026 10:00:00 +0000\n"
        b"\n"
    )
    (isolated / "hostile.mbox").write_bytes(raw)
    result = srm.json("capture", "mail", str(isolated / "hostile.mbox"))
    assert result["created"] == 2
    summaries = sorted(i["summary"] for i in srm.json("timeline"))
    assert summaries[0] == "red ÿþ plans"  # Latin-1 fallback, escapes gone
    assert len(summaries[1]) == 2000  # cut to the longest one-line text
