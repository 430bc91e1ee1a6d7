"""Segments are data in the store: a config file supplies them to a new store, and applies
them to an existing one only through `srm segment sync`, never as a side effect of a read."""

from __future__ import annotations

from records import everything

PARTNERS_MONTHLY = '[segments.partners]\ncadence = "monthly"\n'


def dump(isolated) -> list[str]:
    return everything()


def partners(srm) -> dict:
    return {s["name"]: s for s in srm.json("segments")}["partners"]


def test_a_read_never_writes_the_config_into_the_store(srm, config_file, isolated):
    srm.ok("segment", "edit", "partners", "--weight", "2.5", "--description", "Our allies")
    config_file(PARTNERS_MONTHLY)
    before = dump(isolated)
    for args in (["segments"], ["segments", "--json"], ["due"], ["contacts"], ["report"]):
        srm.ok(*args)
    assert dump(isolated) == before
    p = partners(srm)
    assert (p["cadence"], p["weight"], p["description"]) == ("bimonthly", 2.5, "Our allies")
    assert (p["from_config"], p["config_differs"]) == (True, True)
    r = srm.ok("segments")
    assert "partners (≠ config)" in r.stdout and "srm segment sync" in r.stderr


def test_a_new_store_takes_the_segments_the_config_names(srm, config_file):
    config_file(PARTNERS_MONTHLY + '[segments.volunteers]\nweight = 2\ndescription = "Time"\n')
    found = {s["name"]: s for s in srm.json("segments")}
    v, p = found["volunteers"], found["partners"]
    assert (v["cadence"], v["weight"], v["description"]) == (None, 2.0, "Time")
    # Only what the config names: the partners' built-in weight and description stay.
    assert (p["cadence"], p["weight"]) == ("monthly", 1.5)
    assert p["description"].startswith("Partners")
    assert not any(s["config_differs"] for s in found.values())


def test_segment_sync_says_what_changes_and_dry_run_writes_nothing(srm, config_file, isolated):
    srm.ok("segment", "edit", "partners", "--weight", "2.5")
    config_file(PARTNERS_MONTHLY + "[segments.volunteers]\nweight = 2\n")
    before = dump(isolated)
    r = srm.ok("segment", "sync", "--dry-run")
    assert "Would change" in r.stderr
    assert "partners: cadence bimonthly → monthly" in r.stderr
    assert "add volunteers (cadence none, weight 2, description '')" in r.stderr
    assert dump(isolated) == before
    data = srm.json("segment", "sync")
    assert data["dry_run"] is False and data["config"].endswith("config.toml")
    assert data["changes"] == [
        {"segment": "partners", "action": "update",
         "changes": {"cadence": {"from": "bimonthly", "to": "monthly"}}},
        {"segment": "volunteers", "action": "add",
         "changes": {"cadence": {"from": None, "to": None}, "weight": {"from": None, "to": 2.0},
                     "description": {"from": None, "to": ""}}},
    ]  # fmt: skip
    p = partners(srm)
    assert (p["cadence"], p["weight"], p["config_differs"]) == ("monthly", 2.5, False)
    assert "already match" in srm.ok("segment", "sync").stderr
    assert srm.json("segment", "sync")["changes"] == []


def test_segments_the_config_names_can_be_changed_in_the_store(srm, config_file):
    config_file(PARTNERS_MONTHLY)
    srm.ok("segment", "edit", "partners", "--cadence", "quarterly")
    assert partners(srm)["cadence"] == "quarterly"
    srm.ok("segment", "rm", "partners")
    assert "partners" not in {s["name"] for s in srm.json("segments")}


def test_sync_without_config_segments_says_so(srm):
    assert "names no segments" in srm.ok("segment", "sync").stderr
