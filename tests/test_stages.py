"""Stages: know → like → trust → try → buy → repeat → refer, with history and `contacts --stage`."""


def test_stage_moves_are_kept_as_history(srm):
    srm.ok("add", "Maria García")
    srm.ok("add", "Tom Okafor")
    first = srm.json("stage", "maria", "Trust", "--on", "2026-01-10")
    assert (first["moved"], first["from_stage"], first["stage"]) == (True, None, "trust")
    assert first["contact"]["handle"] == "maria"
    assert "from trust to buy" in srm.ok("stage", "maria", "buy").stderr
    history = srm.json("stages", "maria")
    assert [(h["from_stage"], h["stage"], h["changed_on"]) for h in history] == [
        (None, "trust", "2026-01-10"),
        ("trust", "buy", "2026-03-15"),
    ]
    assert srm.json("show", "maria")["stage"] == "buy"
    assert [c["handle"] for c in srm.json("contacts", "--stage", "buy")] == ["maria"]
    assert srm.json("contacts", "--stage", "trust") == []
    by_handle = {c["handle"]: c for c in srm.json("contacts")}
    assert (by_handle["maria"]["stage"], by_handle["tom"]["stage"]) == ("buy", None)
    assert "Stages of Maria García" in srm.ok("stages", "maria").stdout


def test_setting_the_current_stage_again_changes_nothing(srm):
    srm.ok("add", "Maria García")
    srm.ok("stage", "maria", "like", "--on", "2026-02-01")
    again = srm.json("stage", "maria", "like")
    assert (again["moved"], again["changed_on"]) == (False, "2026-02-01")
    assert len(srm.json("stages", "maria")) == 1


def test_stage_refuses_bad_input_and_writes_nothing(srm):
    srm.ok("add", "Maria García")
    srm.fails(
        "stage",
        "maria",
        "friend",
        code=2,
        match="use one of know, like, trust, try, buy, repeat, refer",
    )
    srm.fails("contacts", "--stage", "friend", code=2, match="use one of know, like")
    srm.fails("stage", "maria", "like", "--on", "tomorrow", code=2, match="in the future")
    srm.fails("stage", "nobody", "like", code=3)
    srm.ok("stage", "maria", "like", "--on", "2026-03-01")
    srm.fails(
        "stage",
        "maria",
        "trust",
        "--on",
        "2026-02-01",
        code=2,
        match="moved to 'like' on 2026-03-01",
    )
    assert [h["stage"] for h in srm.json("stages", "maria")] == ["like"]


def test_stages_come_from_the_config(srm, config_file):
    config_file('stages = ["lead", "client", "advocate"]\n')
    srm.ok("add", "Maria García")
    srm.ok("stage", "maria", "client")
    srm.fails("stage", "maria", "trust", code=2, match="use one of lead, client, advocate")


def test_stages_without_a_contact_counts_contacts_per_stage(srm):
    for name in ("Maria García", "Tom Okafor", "Ann Lee", "Bo Berg"):
        srm.ok("add", name)
    srm.ok("stage", "maria", "trust")
    srm.ok("stage", "tom", "trust")
    srm.ok("stage", "ann", "know", "--on", "2026-01-01")
    srm.ok("stage", "ann", "buy")
    counts = {row["stage"]: row["contacts"] for row in srm.json("stages")}
    assert counts == {
        "know": 0,
        "like": 0,
        "trust": 2,
        "try": 0,
        "buy": 1,
        "repeat": 0,
        "refer": 0,
        None: 1,
    }
    assert "(no stage)" in srm.ok("stages").stdout
