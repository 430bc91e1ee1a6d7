def test_add_and_list(srm):
    srm.ok("add", "Maria García", "--email", "maria@example.org", "--segment", "partners")
    data = srm.json("contacts")
    assert [c["handle"] for c in data] == ["maria"]
    assert data[0]["effective_cadence"] == "bimonthly"
    srm.fails("show", "nobody", code=3, match="no contact matches")
