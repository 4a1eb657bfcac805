import json
import os
from contextlib import nullcontext
from pathlib import Path

import pytest

from jdclassify.errors import InputError
from jdclassify.io.writers import read_output
from jdclassify.records import Posting, QuarantineRecord
from jdclassify.run import TitleMemo, chunked, classify_chunk, cleaned, make_run_id, quarantine_chunk, run_batch, worker_pool
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "postings"


class FakeClassifier:
    """Labels every posting, quarantines titles containing 'FAIL' (as classify_many does for failures)."""

    def __init__(self, make_classification):
        self.make = make_classification

    def classify_many(self, items):
        for item in items:
            if isinstance(item, QuarantineRecord):
                yield item
            elif "FAIL" in item.title:
                yield QuarantineRecord("processing_error", "boom", item.source, item.line, item.title, item.id)
            else:
                yield self.make(id=item.id, title=item.title, source=item.source, content_hash=item.content_hash,
                                needs_review=item.id.endswith("r"))


@pytest.fixture(scope="module")
def classifier():
    from jdclassify.classify import Classifier

    return Classifier.load(Settings())


def test_classify_chunk_labels_or_quarantines_every_record(make_classification):
    items = [Posting("a", "Nurse"), Posting("br", "Engineer"), Posting("c", "FAIL"),
             QuarantineRecord("malformed_json", "bad", "f.jsonl", 3, "{", "")]
    result = classify_chunk(FakeClassifier(make_classification), items, run_id="r", run_date="2024-05-01")
    assert [r["id"] for r in result.rows] == ["a", "br"]
    assert [q["reason"] for q in result.quarantine] == ["processing_error", "malformed_json"]
    assert result.count_in == 4 and result.needs_review == 1


def test_classify_chunk_refuses_to_drop_records(make_classification):
    class Dropping(FakeClassifier):
        def classify_many(self, items):
            yield from list(super().classify_many(items))[:-1]

    with pytest.raises(RuntimeError, match="every record must be labelled or quarantined"):
        classify_chunk(Dropping(make_classification), [Posting("a", "x"), Posting("b", "y")], run_id="r", run_date="d")


class _Counting(FakeClassifier):
    def __init__(self, make):
        super().__init__(make)
        self.seen = []

    def classify_many(self, items):
        self.seen += [item.id for item in items]
        yield from super().classify_many(items)


def test_title_memo_labels_each_titles_only_posting_once_with_the_same_rows(make_classification):
    items = [Posting("1", "Nurse", source="a", content_hash="h1"), Posting("2", "Nurse", source="b", content_hash="h2"),
             Posting("3", "Nurse", description="ICU"), Posting("4", "Welder"), Posting("5", "Nurse", employment_type="part_time"),
             Posting("6", "FAIL"), Posting("7", "FAIL")]
    plain = classify_chunk(FakeClassifier(make_classification), items, run_id="r", run_date="d")
    inner = _Counting(make_classification)
    memo = TitleMemo(inner)
    again = classify_chunk(memo, items, run_id="r", run_date="d")
    assert again.rows == plain.rows and again.quarantine == plain.quarantine
    assert [r["source"] for r in again.rows[:2]] == ["a", "b"]
    assert inner.seen == ["1", "3", "4", "5", "6", "7"]  # "2" reused "1"; "7" is tried on its own since "6" failed
    later = classify_chunk(memo, [Posting("8", "Welder", source="c")], run_id="r2", run_date="d2")
    assert [(r["id"], r["source"], r["run_id"]) for r in later.rows] == [("8", "c", "r2")] and inner.seen[-1] == "7"


def test_a_failed_chunk_is_quarantined_whole_with_the_error():
    items = [Posting("a", "Nurse", source="f.jsonl", line=1), QuarantineRecord("no_content", "", "f.jsonl", 2, "", "b")]
    result = quarantine_chunk(items, MemoryError("worker died"), run_id="r")
    assert [(q["id"], q["reason"]) for q in result.quarantine] == [("a", "processing_error"), ("b", "no_content")]
    assert "MemoryError: worker died" in result.quarantine[0]["detail"]


def test_chunked_and_run_id_are_deterministic():
    assert [len(c) for c in chunked(range(5), 2)] == [2, 2, 1]
    digests = [{"sha256": "abc"}]
    assert make_run_id("2024-05-01", digests) == make_run_id("2024-05-01", digests) != make_run_id("2024-05-02", digests)


def test_minimal_jsonl_with_id_title_description_works(tmp_path, classifier):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(json.dumps(r) for r in [
            {"id": "1", "title": "Senior Software Engineer", "description": "Python, 5+ years of experience."},
            {"id": "2", "title": "Registered Nurse"},
            {"id": "3", "title": ""},
        ]) + "\n{not json\n"
    )
    out = tmp_path / "out.jsonl"
    summary = run_batch([src], out, Settings(), classifier=classifier, run_date="2024-05-01")
    assert summary.count_in == 4 == summary.labelled + summary.quarantined
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows][:2] == ["1", "2"]
    assert all(0.0 <= r["role_confidence"] <= 1.0 for r in rows)
    quarantined = read_output(summary.outputs.quarantine)
    assert "malformed_json" in quarantined.column("reason").to_pylist()
    record = json.loads(summary.outputs.manifest.read_text())
    assert record["counts"] == summary.counts() and record["inputs"][0]["sha256"]
    assert "labelled" in summary.format()


def test_samples_every_record_is_labelled_or_quarantined(tmp_path, classifier):
    summary = run_batch([SAMPLES], tmp_path / "ds", Settings().with_values({"chunk_size": 50}),
                        classifier=classifier, run_date="2024-05-01")
    assert summary.count_in >= 40
    assert summary.count_in == summary.labelled + summary.quarantined
    table = read_output(tmp_path / "ds")
    assert table.num_rows == summary.labelled
    assert len(set(table.column("id").to_pylist())) == table.num_rows
    # rerunning the same inputs on the same day overwrites, never duplicates
    run_batch([SAMPLES], tmp_path / "ds", Settings().with_values({"chunk_size": 50}), classifier=classifier, run_date="2024-05-01")
    assert read_output(tmp_path / "ds").num_rows == summary.labelled


def test_two_workers_give_the_same_table_as_one(tmp_path, classifier):
    settings = Settings().with_values({"chunk_size": 10})
    one = run_batch([SAMPLES], tmp_path / "one.parquet", settings, classifier=classifier, run_date="2024-05-01")
    two = run_batch([SAMPLES], tmp_path / "two.parquet", settings, workers=2, run_date="2024-05-01")
    assert one.counts() == two.counts()
    drop = ["run_id"]
    assert read_output(tmp_path / "one.parquet").drop_columns(drop).equals(read_output(tmp_path / "two.parquet").drop_columns(drop))


def test_missing_input_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="input not found"):
        run_batch([tmp_path / "nope.jsonl"], tmp_path / "out.csv", Settings())


@pytest.mark.parametrize("workers", [1, 2])
def test_cleaned_gives_what_read_postings_gives_with_stand_ins_and_duplicates_judged_in_order(tmp_path, workers):
    """What the flows clean in their process pool (or in-process): read_postings' records, in order, whatever the
    workers; a stand-in replaces cleaning; each comes with the raw record it was cleaned from."""
    from jdclassify.io.readers import RawRecord, read_postings, read_raw

    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": f"Nurse {i}"}) + "\n" for i in ("a", "b", "a", "c", "d")) + "{bad\n")
    settings = Settings(chunk_size=2)
    stand_in = lambda raw: Posting("c", "kept as given") if raw.posting.id == "c" else None  # noqa: E731
    with worker_pool(settings, 2, classifier=object(), descriptions=False) if workers > 1 else nullcontext() as pool:
        got = list(cleaned(read_raw([path], settings), settings, pool, workers, stand_in))
    items = [item for item, _ in got]
    assert [item.reason if isinstance(item, QuarantineRecord) else item.id for item in items] == \
        ["a", "b", "duplicate_id", "c", "d", "malformed_json"]
    assert items[3] == Posting("c", "kept as given")
    assert [(source.posting.id if isinstance(source, RawRecord) else source) for _, source in got] == ["a", "b", "a", None, "d", None]
    plain = list(read_postings([path], settings))
    assert items[:3] + items[4:] == plain[:3] + plain[4:] and plain[3].title == "Nurse c"


def _die_once(items, marker):
    """Kills its worker the first time it runs (as the kernel's out-of-memory killer would), doubles items after."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return [x * 2 for x in items]


def test_a_killed_pool_worker_is_replaced_and_its_work_done_again_in_order(tmp_path):
    from jdclassify.run import mapped

    work = [([1, 2], "a"), ([3], "b"), ([4], "c"), ([5], "d")]
    with worker_pool(Settings(), 2, classifier=object(), descriptions=False) as pool:
        got = list(mapped(_die_once, work, pool, (str(tmp_path / "died"),), ahead=3))
        assert pool.restarts_left == Settings().worker_restarts - 1
    assert got == [("a", [2, 4]), ("b", [6]), ("c", [8]), ("d", [10])]


@pytest.mark.parametrize("restarts", [0, 2])
def test_a_pool_worker_killed_again_and_again_fails_the_run_and_leaves_no_worker_behind(restarts):
    """When no restart is left, the run fails (BrokenProcessPool), and does not hang on the workers left."""
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    from jdclassify.run import mapped

    before = set(multiprocessing.active_children())  # earlier tests' children are not this pool's
    with pytest.raises(BrokenProcessPool):
        with worker_pool(Settings(worker_restarts=restarts), 2, classifier=object(), descriptions=False) as pool:
            list(mapped(os._exit, [(1, None), (1, None)], pool, ahead=2))
    for process in set(multiprocessing.active_children()) - before:
        process.join(60)  # killed, so it ends at once; without the kill a worker could wait here for ever
        assert not process.is_alive()


_OWNER = """
import json, multiprocessing, time
from jdclassify.run import worker_pool
from jdclassify.settings import Settings
with worker_pool(Settings(), 2, classifier=object(), descriptions=False) as pool:
    pool.submit(time.sleep, 0)[1].result()
    print(json.dumps([p.pid for p in multiprocessing.active_children()]), flush=True)
    time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_pool_workers_end_when_the_process_that_owns_them_is_killed():
    """SIGKILL of a run (or the out-of-memory killer) never shuts its pool down: its workers must not live on."""
    import subprocess
    import sys
    import time

    owner = subprocess.Popen([sys.executable, "-c", _OWNER], stdout=subprocess.PIPE, text=True)
    workers = json.loads(owner.stdout.readline())
    assert len(workers) == 2 and all(_running(pid) for pid in workers)
    owner.kill()
    owner.wait()
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)
