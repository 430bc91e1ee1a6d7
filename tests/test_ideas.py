"""Non-ask ideas: add, list, deliver (by hand or by `srm log --idea`), drop, and offers in `srm due`."""


def _people(srm):
    srm.ok("add", "Maria García", "--segment", "partners", "--since", "2026-01-01")
    srm.ok("add", "Tom Okafor", "--segment", "partners", "--since", "2026-01-01")
    srm.ok("add", "Ann Lee", "--since", "2026-01-01")


def test_an_idea_is_for_a_contact_or_a_segment(srm):
    _people(srm)
    own = srm.json("idea", "add", "maria", "intro to a speaker", "--on", "2026-01-05")
    assert own["contact"]["handle"] == "maria" and own["segment"] is None
    assert (own["status"], own["created_on"], own["closed_on"]) == ("open", "2026-01-05", None)
    seg = srm.json(
        "idea", "add", "--segment", "partners", "share the event list", "--on", "2026-01-01"
    )
    assert seg["contact"] is None and seg["segment"] == "partners"
    srm.ok("idea", "add", "ann", "send her the retention article")

    every = srm.json("ideas")
    assert [i["text"] for i in every] == [
        "share the event list",
        "intro to a speaker",
        "send her the retention article",
    ]
    # A contact's ideas include those for any of their segments.
    assert {i["id"] for i in srm.json("ideas", "--contact", "maria")} == {own["id"], seg["id"]}
    assert [i["text"] for i in srm.json("ideas", "--contact", "ann")] == [
        "send her the retention article"
    ]
    assert [i["id"] for i in srm.json("ideas", "--segment", "partners")] == [seg["id"]]
    table = srm.ok("ideas").stdout
    assert "segment partners" in table and "intro to a speaker" in table


def test_done_and_drop_close_ideas_with_dates(srm):
    _people(srm)
    a = srm.json("idea", "add", "maria", "intro", "--on", "2026-01-05")["id"]
    b = srm.json("idea", "add", "maria", "article")["id"]
    c = srm.json("idea", "add", "tom", "speaker slot")["id"]
    assert "delivered" in srm.ok("idea", "done", str(a), "--on", "2026-03-01").stderr
    srm.ok("idea", "drop", str(b))
    assert [i["id"] for i in srm.json("ideas", "--open")] == [c]
    by_id = {i["id"]: i for i in srm.json("ideas")}
    assert (by_id[a]["status"], by_id[a]["closed_on"]) == ("delivered", "2026-03-01")
    assert (by_id[b]["status"], by_id[b]["closed_on"]) == ("dropped", "2026-03-15")
    # Open ones are listed first.
    assert next(iter(by_id)) == c


def test_idea_commands_refuse_bad_input_and_write_nothing(srm):
    _people(srm)
    srm.fails("idea", "add", "maria", "x", "--segment", "partners", code=2, match="not both")
    srm.fails("idea", "add", "just a text", code=2, match="CONTACT and TEXT")
    srm.fails("idea", "add", "--segment", "nope", "x", code=3, match="no segment named 'nope'")
    srm.fails("idea", "add", "nobody", "x", code=3)
    srm.fails("idea", "add", "maria", "   ", code=2, match="say what the idea is")
    srm.fails("idea", "add", "maria", "x", "--on", "tomorrow", code=2, match="in the future")
    assert srm.json("ideas") == []
    assert "No ideas match" in srm.ok("ideas", "--open").stderr
    idea = srm.json("idea", "add", "maria", "intro", "--on", "2026-02-01")["id"]
    srm.fails("idea", "done", "99", code=3, match="no idea with id 99")
    srm.fails("idea", "drop", "99", code=3, match="no idea with id 99")
    srm.fails("idea", "done", str(idea), "--on", "2026-01-15", code=2, match="only noted on")
    srm.fails("ideas", "--contact", "maria", "--segment", "partners", code=2, match="not both")
    srm.ok("idea", "done", str(idea))
    srm.fails("idea", "done", str(idea), code=2, match="already delivered")
    srm.fails("idea", "drop", str(idea), code=2, match="already delivered")


def test_log_with_idea_logs_a_give_that_delivers_it(srm):
    _people(srm)
    idea = srm.json("idea", "add", "maria", "intro to a speaker", "--on", "2026-01-05")["id"]
    logged = srm.json("log", "maria", "introduced Sam", "--idea", str(idea), "--on", "2026-03-10")
    assert (logged["kind"], logged["idea_id"]) == ("give", idea)
    [delivered] = srm.json("ideas")
    assert delivered["status"] == "delivered"
    assert delivered["closed_on"] == "2026-03-10"
    assert delivered["interaction_id"] == logged["id"]
    assert srm.json("show", "maria")["ledger"]["gives"] == 1
    # An idea for a segment can be delivered to anyone in the conversation.
    seg = srm.json("idea", "add", "--segment", "partners", "event list")["id"]
    assert srm.json("log", "tom", "sent the list", "--idea", str(seg))["kind"] == "give"


def test_log_with_idea_refuses_what_cannot_deliver_it(srm):
    _people(srm)
    idea = srm.json("idea", "add", "maria", "intro")["id"]
    srm.fails("log", "maria", "x", "--idea", str(idea), "--ask", code=2, match="leave out --ask")
    srm.fails("log", "tom", "x", "--idea", str(idea), code=2, match="is for Maria García")
    srm.fails("log", "maria", "x", "--idea", "99", code=3, match="no idea with id 99")
    assert srm.json("show", "maria")["interactions_total"] == 0
    assert srm.json("show", "tom")["interactions_total"] == 0
    assert srm.json("ideas")[0]["status"] == "open"
    srm.ok("idea", "drop", str(idea))
    srm.fails("log", "maria", "x", "--idea", str(idea), code=2, match="already dropped")


def test_due_offers_the_oldest_open_idea_on_each_due_checkin(srm):
    _people(srm)  # partners are bimonthly: Maria and Tom fell due on 2026-03-01
    srm.ok("add", "Bo Berg", "--cadence", "weekly", "--since", "2026-03-10")  # due 03-17
    srm.ok("idea", "add", "--segment", "partners", "event list", "--on", "2026-01-01")
    newer = srm.json("idea", "add", "maria", "article", "--on", "2026-02-01")["id"]
    older = srm.json("idea", "add", "maria", "intro", "--on", "2026-01-20")["id"]
    srm.ok("idea", "add", "bo", "book tip")
    items = {i["contact"]["handle"]: i for i in srm.json("due")["items"] if i["type"] == "checkin"}
    # Her own idea comes before one for her segment, the oldest first whatever the id order.
    assert items["maria"]["idea"] == {"id": older, "text": "intro"}
    assert items["tom"]["idea"]["text"] == "event list"
    assert items["bo"]["status"] == "upcoming" and "idea" not in items["bo"]
    assert "offer: intro (idea #" in srm.ok("due").stdout
    srm.ok("idea", "done", str(older))
    items = {i["contact"]["handle"]: i for i in srm.json("due")["items"] if i["type"] == "checkin"}
    assert items["maria"]["idea"] == {"id": newer, "text": "article"}


def test_a_contact_in_several_segments_is_offered_the_oldest_of_their_ideas(srm):
    srm.ok("add", "Ana Lima", "-s", "partners", "-s", "members", "--cadence", "weekly")
    srm.ok("edit", "ana", "--since", "2026-01-01")  # long overdue on 2026-03-15
    later = srm.json("idea", "add", "--segment", "partners", "panel", "--on", "2026-02-01")["id"]
    srm.ok("idea", "add", "--segment", "partners", "newsletter", "--on", "2026-01-15")
    oldest = srm.json("idea", "add", "--segment", "members", "intro", "--on", "2026-01-10")["id"]

    def offered() -> dict | None:
        (item,) = [i for i in srm.json("due")["items"] if i["type"] == "checkin"]
        return item.get("idea")

    assert offered() == {"id": oldest, "text": "intro"}
    srm.ok("idea", "done", str(oldest))
    # Each segment's oldest open one counts, whatever the ids' order.
    assert offered()["text"] == "newsletter"
    srm.ok("idea", "drop", str(later))
    assert offered()["text"] == "newsletter"
