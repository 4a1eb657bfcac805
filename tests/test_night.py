"""Planning a night: each record against the state as it is read; what the feed lacks is closed."""

from jdclassify.night import Night
from jdclassify.nightly_state import State, StateTable
from jdclassify.records import Posting


def test_night_plans_each_record_as_it_comes_and_closes_what_the_feed_lacks():
    state = State(StateTable.from_rows([{"id": "a", "content_hash": "h", "run_id": "r0", "first_seen": "d0", "last_seen": "d0", "status": "open"},
                                        {"id": "b", "content_hash": "h", "run_id": "r0", "first_seen": "d0", "last_seen": "d0", "status": "open"}]),
                  ("r0",))
    night = Night(state, "d1", "r1")
    items = [Posting("a", "x", content_hash="h"), Posting("c", "y", content_hash="k"), Posting("c", "y2", content_hash="k2")]
    planned = [night.plan(item) for item in items]
    assert planned[0] is None and planned[1] is items[1] and planned[2].reason == "duplicate_id"
    assert night.postings.row("a")["last_seen"] == "d1" and set(night.pending) == {"c"}
    assert [c["id"] for c in night.close()] == ["b"] and night.postings.row("b")["status"] == "closed"
    assert night.counts == {"read": 3, "unchanged": 1, "reopened": 0, "new": 1, "changed": 0}
