"""The nightly flow: incremental, idempotent, never deletes, never skips a record silently."""

import json

import pyarrow.parquet as pq
import pytest

from jdclassify.io.writers import read_output
from jdclassify.nightly_state import state_path
from jdclassify.records import QuarantineRecord

pytestmark = pytest.mark.usefixtures("prefect_harness")


class FakeClassifier:
    """Fast stand-in for the Classifier; raises for a chunk holding a posting titled 'CRASH'."""

    def __init__(self, make, calls):
        self.make, self.calls = make, calls

    def prepare(self):  # a local process pool calls it before forking its workers
        pass

    def classify_many(self, items):
        self.calls.append([getattr(i, "id", "") for i in items])
        if any(getattr(i, "title", "") == "CRASH" for i in items):
            raise MemoryError("worker died")
        for item in items:
            yield item if isinstance(item, QuarantineRecord) else self.make(id=item.id, title=item.title, source=item.source,
                                                                           content_hash=item.content_hash)


@pytest.fixture
def nightly(monkeypatch, make_classification):
    import flows.batch
    import flows.nightly

    calls = []
    monkeypatch.setattr(flows.batch, "cached_classifier", lambda settings, version: FakeClassifier(make_classification, calls))
    monkeypatch.setattr(flows.nightly, "classify", flows.batch.classify.with_options(retry_delay_seconds=0))
    monkeypatch.setattr(flows.nightly, "write", flows.batch.write.with_options(retries=0))
    flows.nightly.calls = calls
    return flows.nightly


def write_feed(feeds, postings):
    feeds.mkdir(exist_ok=True)
    (feeds / "feed.jsonl").write_text("".join(json.dumps({"id": i, "title": t, "description": d}) + "\n" for i, t, d in postings))


FEED = [(f"p{i}", f"Software Engineer {i}", f"Build things with Python {i}.") for i in range(7)]


def table(out):
    return sorted((r["id"], r["title"], r["run_id"]) for r in read_output(out).to_pylist())


def test_second_run_of_the_same_night_changes_nothing(tmp_path, nightly):
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    write_feed(feeds, FEED)
    first = nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=3)
    assert first.counts["new"] == 7 and first.batch.labelled == 7
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    state_bytes = state_path(out).read_bytes()

    again = nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=3)
    assert again.already_committed
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert state_path(out).read_bytes() == state_bytes

    next_night = nightly.nightly(str(feeds), str(out), run_date="2024-05-02", chunk_size=3)
    assert next_night.counts["unchanged"] == 7 and next_night.batch.labelled == 0
    assert len(table(out)) == 7


def test_changed_posting_is_reclassified_once_and_gone_posting_closed(tmp_path, nightly):
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    write_feed(feeds, FEED)
    nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=3)
    changed = [FEED[0], ("p1", "Senior Software Engineer 1", "Now senior."), *FEED[2:6], ("p9", "Nurse", "")]  # p6 gone
    write_feed(feeds, changed)
    summary = nightly.nightly(str(feeds), str(out), run_date="2024-05-02", chunk_size=3)
    assert (summary.counts["new"], summary.counts["changed"], summary.counts["closed"]) == (1, 1, 1)
    nightly.nightly(str(feeds), str(out), run_date="2024-05-03", chunk_size=3)  # nothing new the night after

    rows = table(out)
    assert [r[1] for r in rows if r[0] == "p1"] == ["Senior Software Engineer 1", "Software Engineer 1"]
    assert len(rows) == 9  # 7 + new version of p1 + p9; nothing deleted
    superseded = pq.read_table(out / "_superseded").to_pylist()
    assert [(s["id"], s["superseded_on"]) for s in superseded] == [("p1", "2024-05-02")]
    closed = pq.read_table(out / "_closed").to_pylist()
    assert [(c["id"], c["closed_on"]) for c in closed] == [("p6", "2024-05-02")]
    state = {r["id"]: r for r in pq.read_table(state_path(out)).to_pylist()}
    assert state["p6"]["status"] == "closed" and state["p1"]["run_id"] == summary.run_id and len(state) == 8


def test_crash_mid_run_then_rerun_gives_the_uninterrupted_table(tmp_path, nightly, monkeypatch):
    import flows.batch

    feeds = tmp_path / "feeds"
    write_feed(feeds, FEED)
    clean = nightly.nightly(str(feeds), str(tmp_path / "clean"), run_date="2024-05-01", chunk_size=2)

    real, written = flows.batch.write_dataset_chunk, []

    def crash_after_two(*args, **kwargs):
        if len(written) >= 2:
            raise OSError("disk went away")
        written.append(1)
        return real(*args, **kwargs)

    out = tmp_path / "crashed"
    monkeypatch.setattr(flows.batch, "write_dataset_chunk", crash_after_two)
    with pytest.raises(Exception, match="disk went away"):
        nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=2)
    assert not state_path(out).exists()  # nothing committed
    monkeypatch.setattr(flows.batch, "write_dataset_chunk", real)
    rerun = nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=2)

    assert rerun.batch.labelled == clean.batch.labelled == 7
    strip = lambda rows: sorted((i, t) for i, t, _ in rows)  # noqa: E731 - run ids differ only by output path
    assert strip(table(out)) == strip(table(tmp_path / "clean"))


def test_failed_chunk_is_retried_then_quarantined_not_skipped(tmp_path, nightly):
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    write_feed(feeds, [*FEED[:4], ("p8", "CRASH", "")])
    summary = nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=2)
    assert summary.batch.count_in == 5 == summary.batch.labelled + summary.batch.quarantined
    assert sum(1 for c in nightly.calls if "p8" in c) == 3  # first try + 2 retries
    quarantine = pq.read_table(out / "_quarantine").to_pylist()
    assert sorted(q["id"] for q in quarantine) == ["p8"]
    assert quarantine[0]["reason"] == "processing_error" and "worker died" in quarantine[0]["detail"]
    state = pq.read_table(state_path(out)).column("id").to_pylist()
    assert "p8" not in state  # not labelled, so tried again next night


def test_an_unchanged_record_is_not_cleaned_again_and_a_changed_one_is(tmp_path, nightly, monkeypatch):
    """Cleaning is most of what reading costs: the next night cleans only records whose raw text changed."""
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    write_feed(feeds, FEED)
    nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=3)
    import jdclassify.io.readers

    cleaned = []
    real = jdclassify.io.readers.finish_record
    monkeypatch.setattr(jdclassify.io.readers, "finish_record",
                        lambda record, settings: cleaned.append(record.posting.id) or real(record, settings))
    write_feed(feeds, FEED[:6] + [("p6", "Software Engineer 6", "Build things with Rust.")])
    second = nightly.nightly(str(feeds), str(out), run_date="2024-05-02", chunk_size=3)
    assert cleaned == ["p6"]
    assert (second.counts["unchanged"], second.counts["changed"]) == (6, 1) and second.batch.labelled == 1
    state = {r["id"]: r for r in pq.read_table(state_path(out)).to_pylist()}
    assert state["p6"]["raw_hash"] and state["p6"]["run_id"] == second.run_id
    assert state["p0"]["last_seen"] == "2024-05-02" and state["p0"]["run_id"] != second.run_id


def test_the_night_streams_its_feed_and_plans_each_record_as_it_is_read(tmp_path, nightly, monkeypatch):
    """The old flow read the whole feed into a list, then planned it, then classified: memory grew with the feed."""
    import flows.batch

    read, writes = [], []
    real_read, real_write = flows.batch.read_raw, flows.batch.write_dataset_chunk

    def reading(*args, **kwargs):
        for item in real_read(*args, **kwargs):
            read.append(getattr(item, "posting", item).id)
            yield item

    def writing(out, rows, quarantine, *, run_id, chunk, run_date):
        writes.append((chunk, len(read)))
        return real_write(out, rows, quarantine, run_id=run_id, chunk=chunk, run_date=run_date)

    monkeypatch.setattr(flows.batch, "read_raw", reading)
    monkeypatch.setattr(flows.batch, "write_dataset_chunk", writing)
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    write_feed(feeds, [(f"p{i:03d}", f"Nurse {i}", "") for i in range(200)])
    first = nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=20)
    assert first.counts["new"] == first.batch.labelled == 200
    assert [chunk for chunk, _ in writes] == list(range(10)) and writes[0][1] <= 20  # one chunk ahead, not the feed

    # the next night: 10 changed records among unchanged ones; only they are classified, still a chunk at a time
    read.clear(), writes.clear()
    write_feed(feeds, [(f"p{i:03d}", f"Nurse {i}" + (" II" if i % 20 == 0 else ""), "") for i in range(200)])
    second = nightly.nightly(str(feeds), str(out), run_date="2024-05-02", chunk_size=5)
    assert (second.counts["changed"], second.counts["unchanged"], second.batch.labelled) == (10, 190, 10)
    assert [chunk for chunk, _ in writes] == [0, 1] and writes[0][1] <= 100  # 5 changed records are p000..p080
    state = {r["id"]: r for r in pq.read_table(state_path(out)).to_pylist()}
    assert state["p020"]["run_id"] == second.run_id and state["p021"]["run_id"] == first.run_id
    assert all(r["raw_hash"] for r in state.values())


def test_three_nights_give_the_counts_and_state_rows_worked_out_by_hand(tmp_path, nightly):
    """New, unchanged, changed, closed and reopened postings over three nights; the committed state row for row."""
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    base = [(f"p{i}", f"Nurse {i}", "") for i in range(5)]
    nights = [base,  # p0..p4 new
              [base[0], ("p1", "Head Nurse 1", ""), *base[3:], ("p9", "Welder", "")],  # p1 changed, p2 gone, p9 new
              [base[0], ("p1", "Head Nurse 1", ""), *base[2:]]]  # p2 back unchanged (reopened), p9 gone
    runs = []
    for n, feed in enumerate(nights, start=1):
        write_feed(feeds, feed)
        runs.append(nightly.nightly(str(feeds), str(out), run_date=f"2024-05-0{n}", chunk_size=2))
    counts = [{k: r.counts[k] for k in ("new", "changed", "unchanged", "reopened", "closed", "superseded")} for r in runs]
    assert counts == [{"new": 5, "changed": 0, "unchanged": 0, "reopened": 0, "closed": 0, "superseded": 0},
                      {"new": 1, "changed": 1, "unchanged": 3, "reopened": 0, "closed": 1, "superseded": 1},
                      {"new": 0, "changed": 0, "unchanged": 5, "reopened": 1, "closed": 1, "superseded": 0}]

    r1, r2, r3 = (r.run_id for r in runs)
    rows = pq.read_table(state_path(out)).to_pylist()
    assert [r["id"] for r in rows] == ["p0", "p1", "p2", "p3", "p4", "p9"]  # sorted by id
    by_hand = {  # id: (run_id, first_seen, last_seen, status)
        "p0": (r1, "2024-05-01", "2024-05-03", "open"), "p1": (r2, "2024-05-01", "2024-05-03", "open"),
        "p2": (r1, "2024-05-01", "2024-05-03", "open"), "p3": (r1, "2024-05-01", "2024-05-03", "open"),
        "p4": (r1, "2024-05-01", "2024-05-03", "open"), "p9": (r2, "2024-05-02", "2024-05-02", "closed")}
    assert {r["id"]: (r["run_id"], r["first_seen"], r["last_seen"], r["status"]) for r in rows} == by_hand
    labels = {(r["id"], r["run_id"]): r["content_hash"] for r in read_output(out).to_pylist()}
    assert all(r["content_hash"] == labels[r["id"], r["run_id"]] and r["raw_hash"] for r in rows)  # the labelled version
    superseded = pq.read_table(out / "_superseded").to_pylist()
    assert [(s["id"], s["content_hash"], s["run_id"], s["superseded_by_hash"], s["superseded_by_run_id"], s["superseded_on"])
            for s in superseded] == [("p1", labels["p1", r1], r1, labels["p1", r2], r2, "2024-05-02")]
    closed = sorted((c["closed_on"], c["id"], c["content_hash"], c["run_id"], c["closed_by_run_id"])
                    for c in pq.read_table(out / "_closed").to_pylist())
    assert closed == [("2024-05-02", "p2", labels["p2", r1], r1, r2), ("2024-05-03", "p9", labels["p9", r2], r2, r3)]


def test_two_local_workers_give_the_nights_one_worker_gives(tmp_path, nightly):
    """--workers 2 cleans and classifies in a local process pool: the same labels and state over a changing feed."""
    feeds = tmp_path / "feeds"
    nights = [FEED, [FEED[0], ("p1", "Senior Software Engineer 1", "Now senior."), *FEED[2:6], ("p9", "Nurse", ""), ("p2", "Again", "")]]
    for n, feed in enumerate(nights, start=1):
        write_feed(feeds, feed)
        runs = [nightly.nightly(str(feeds), str(tmp_path / f"w{workers}"), run_date=f"2024-05-0{n}", chunk_size=2, workers=workers)
                for workers in (1, 2)]
        assert runs[0].counts == runs[1].counts
    strip = lambda rows: sorted(tuple(sorted((k, v) for k, v in r.items() if not k.endswith("run_id"))) for r in rows)  # noqa: E731
    for part in ("", "_quarantine", "_superseded", "_closed", "_state"):
        assert strip(pq.read_table(tmp_path / "w1" / part).to_pylist()) == strip(pq.read_table(tmp_path / "w2" / part).to_pylist()), part


def test_a_failing_chunk_on_local_workers_is_quarantined_not_lost(tmp_path, nightly):
    feeds, out = tmp_path / "feeds", tmp_path / "out"
    write_feed(feeds, [*FEED[:4], ("p8", "CRASH", ""), *FEED[4:]])
    summary = nightly.nightly(str(feeds), str(out), run_date="2024-05-01", chunk_size=2, workers=2)
    assert summary.batch.count_in == 8 and summary.batch.labelled == 6  # p8 and the posting in its chunk
    quarantine = pq.read_table(out / "_quarantine").to_pylist()
    assert sorted(q["id"] for q in quarantine) == ["p4", "p8"] and {q["reason"] for q in quarantine} == {"processing_error"}
    assert "worker died" in quarantine[0]["detail"]
    assert sorted(pq.read_table(state_path(out)).column("id").to_pylist()) == ["p0", "p1", "p2", "p3", "p5", "p6"]  # tried again next night
