"""The batch flow end to end on the samples, and its tasks as plain functions."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jdclassify.errors import InputError
from jdclassify.io.writers import read_output
from jdclassify.records import Posting
from jdclassify.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "postings"


@pytest.mark.usefixtures("prefect_harness")
def test_flow_writes_partitioned_dataset_quarantine_manifest_and_artifact(tmp_path):
    from prefect.artifacts import Artifact

    from flows.batch import classify_postings

    out = tmp_path / "out"
    summary = classify_postings([str(SAMPLES)], str(out), chunk_size=100, run_date="2024-05-01")
    assert summary.count_in == summary.labelled + summary.quarantined >= 40
    table = read_output(out)
    assert table.num_rows == summary.labelled
    assert set(table.column("run_date").to_pylist()) == {"2024-05-01"}
    assert {p.name for p in (out / "run_date=2024-05-01").iterdir()} >= {"source=feed.jsonl", "source=board_export.csv"}
    assert summary.outputs.manifest.is_file()
    if summary.quarantined:
        assert read_output(out / "_quarantine" / "run_date=2024-05-01" / next((out / "_quarantine" / "run_date=2024-05-01").iterdir()).name).num_rows > 0
    artifact = Artifact.get("jdclassify-run-summary")
    assert artifact is not None and "needs review" in artifact.data and summary.run_id in artifact.data


def test_only_transient_io_errors_count_as_transient():
    from flows.batch import transient_io_error

    assert transient_io_error(OSError("stale NFS handle")) and transient_io_error(TimeoutError("slow disk"))
    assert not transient_io_error(FileNotFoundError("gone")) and not transient_io_error(InputError("unknown format"))
    assert not transient_io_error(ValueError("x")) and not transient_io_error(PermissionError("no"))


def test_a_transient_read_error_restarts_reading_and_skips_what_was_given(monkeypatch):
    import flows.batch

    items = [Posting(f"p{i}", "Nurse") for i in range(6)]
    fail_after = [2, 4]  # the first read breaks after 2 records, the second after 4, the third reads to the end

    def flaky(paths, settings, finish=None):
        limit = fail_after.pop(0) if fail_after else None
        for index, item in enumerate(items):
            if index == limit:
                raise OSError("stale NFS handle")
            yield item

    slept = []
    monkeypatch.setattr(flows.batch, "read_postings", flaky)
    assert list(flows.batch.records(["feed.jsonl"], Settings(), sleep=slept.append)) == items  # nothing twice, nothing lost
    assert slept == [1, 4]

    def broken(paths, settings, finish=None):
        yield items[0]
        raise OSError("still broken")

    monkeypatch.setattr(flows.batch, "read_postings", broken)
    slept.clear()
    with pytest.raises(OSError, match="still broken"):
        list(flows.batch.records(["feed.jsonl"], Settings(), sleep=slept.append))
    assert slept == [1, 4, 16]

    def missing(paths, settings, finish=None):
        raise FileNotFoundError("gone")
        yield  # pragma: no cover

    monkeypatch.setattr(flows.batch, "read_postings", missing)
    slept.clear()
    with pytest.raises(FileNotFoundError):
        list(flows.batch.records(["feed.jsonl"], Settings(), sleep=slept.append))
    assert slept == []


def test_classify_task_loads_the_classifier_once_per_process(monkeypatch, make_classification):
    import flows.batch

    loads = []

    class Loaded:
        def classify_many(self, items):
            return (make_classification(id=i.id, title=i.title) for i in items)

    class FakeClassifierClass:
        @staticmethod
        def load(settings):
            loads.append(settings)
            return Loaded()

    monkeypatch.setattr("jdclassify.classify.Classifier", FakeClassifierClass)
    monkeypatch.setattr(flows.batch, "_CLASSIFIERS", {})
    for index in range(3):
        result = flows.batch.classify.fn([Posting(f"p{index}", "Nurse")], Settings(), "v1", "r", "2024-05-01", index)
        assert [r["id"] for r in result.rows] == [f"p{index}"]
    assert len(loads) == 1
    flows.batch.classify.fn([Posting("p", "Nurse")], Settings(), "v2", "r", "2024-05-01", 9)  # new lexicons: reload
    assert len(loads) == 2


class FakeClassifier:
    """Labels every posting as it is (fast); a chunk holding a posting titled 'CRASH' fails."""

    def __init__(self, make):
        self.make = make

    def prepare(self):  # a local process pool calls it before forking its workers
        pass

    def classify_many(self, items):
        if any(getattr(i, "title", "") == "CRASH" for i in items):
            raise MemoryError("worker died")
        return [self.make(id=i.id, title=i.title, source=i.source, content_hash=i.content_hash) for i in items]


@pytest.fixture
def fake_classifier(monkeypatch, make_classification):
    import flows.batch

    monkeypatch.setattr(flows.batch, "cached_classifier", lambda settings, version: FakeClassifier(make_classification))
    monkeypatch.setattr(flows.batch, "classify", flows.batch.classify.with_options(retry_delay_seconds=0))


def write_jsonl(path: Path, records) -> Path:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture
def counted(monkeypatch):
    """Records read so far, and how many had been read when each chunk was written (in the order written)."""
    import flows.batch

    read, writes = [], []
    real_read, real_write = flows.batch.read_postings, flows.batch.write_dataset_chunk

    def reading(*args, **kwargs):
        for item in real_read(*args, **kwargs):
            read.append(item.id)
            yield item

    def writing(out, rows, quarantine, *, run_id, chunk, run_date):
        writes.append((chunk, len(read)))
        return real_write(out, rows, quarantine, run_id=run_id, chunk=chunk, run_date=run_date)

    monkeypatch.setattr(flows.batch, "read_postings", reading)
    monkeypatch.setattr(flows.batch, "write_dataset_chunk", writing)
    return read, writes


@pytest.mark.usefixtures("prefect_harness", "fake_classifier")
def test_the_flow_streams_its_input_a_chunk_ahead_not_the_whole_file(tmp_path, counted):
    """The old flow read each input whole before classifying any of it (memory grew with the input)."""
    from flows.batch import classify_postings

    read, writes = counted
    feed = write_jsonl(tmp_path / "feed.jsonl", ({"id": f"p{i:04d}", "title": f"Nurse {i}"} for i in range(1000)))
    summary = classify_postings([str(feed)], str(tmp_path / "out"), chunk_size=50, run_date="2024-05-01")
    assert summary.count_in == summary.labelled == 1000
    assert [chunk for chunk, _ in writes] == list(range(20))  # written in chunk order
    assert writes[0][1] <= 50, f"{writes[0][1]} records read before the first chunk was written (window 1 x 50)"
    assert all(n <= 50 * (chunk + 1) for chunk, n in writes)
    ids = read_output(tmp_path / "out", columns=["id"]).column("id").to_pylist()
    assert sorted(ids) == sorted(read) == [f"p{i:04d}" for i in range(1000)]


@pytest.mark.usefixtures("prefect_harness", "fake_classifier")
def test_an_id_seen_in_an_earlier_input_is_quarantined_as_a_duplicate(tmp_path):
    """The old flow read each input on its own, so the same id in two files was labelled twice."""
    from flows.batch import classify_postings

    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "p1", "title": "Nurse"}, {"id": "p2", "title": "Welder"}])
    b = write_jsonl(tmp_path / "b.jsonl", [{"id": "p1", "title": "Nurse"}, {"id": "p3", "title": "Baker"}])
    out = tmp_path / "out"
    summary = classify_postings([str(a), str(b)], str(out), chunk_size=1, run_date="2024-05-01")
    assert (summary.count_in, summary.labelled, summary.quarantined) == (4, 3, 1)
    assert sorted(read_output(out, columns=["id"]).column("id").to_pylist()) == ["p1", "p2", "p3"]
    assert dict(summary.quarantine_reasons) == {"duplicate_id": 1}


def test_classify_stream_keeps_a_bounded_window_in_flight_and_quarantines_a_failed_chunk(make_classification):
    from flows.batch import classify_stream, window_for

    from jdclassify.run import classify_chunk

    assert (window_for(1), window_for(2), window_for(4), window_for(1, "tcp://scheduler:8786")) == (1, 6, 10, 4)
    in_flight, most, written = [], [], []

    class Future:
        def __init__(self, chunk):
            self.chunk = chunk
            in_flight.append(self)
            most.append(len(in_flight))

        def result(self):
            in_flight.remove(self)
            if self.chunk[0].title == "CRASH":
                raise MemoryError("worker died")
            return classify_chunk(FakeClassifier(make_classification), self.chunk, run_id="r", run_date="2024-05-01")

    class Task:  # the flow quotes each chunk, so Prefect does not walk its records
        submit = staticmethod(lambda chunk, *args: Future(chunk.unquote()))

    chunks = [[Posting(f"p{c}-{i}", "CRASH" if c == 3 else "Nurse") for i in range(2)] for c in range(9)]
    tally = classify_stream(iter(chunks), out="out", settings=Settings(), version="v", run_id="r", run_date="2024-05-01", window=3,
                            classify_task=Task, write_task=lambda out, result, run_id, run_date, index: written.append(index))
    assert max(most) == 3 and not in_flight
    assert written == list(range(9))
    assert (tally.count_in, tally.labelled, tally.quarantined) == (18, 16, 2)
    assert dict(tally.reasons) == {"processing_error": 2}


def test_chunks_go_to_dask_as_plain_lists(make_classification):
    """Dask turns Prefect's quote (a named tuple) into a plain tuple: every chunk came back as one bad record."""
    from flows.batch import classify_stream

    from jdclassify.run import classify_chunk

    class Future:
        def __init__(self, chunk):
            assert isinstance(chunk, list)
            self.chunk = chunk

        def result(self):
            return classify_chunk(FakeClassifier(make_classification), self.chunk, run_id="r", run_date="2024-05-01")

    class Task:
        submit = staticmethod(lambda chunk, *args: Future(chunk))

    chunks = [[Posting(f"p{c}-{i}", "Nurse") for i in range(2)] for c in range(3)]
    tally = classify_stream(iter(chunks), out="out", settings=Settings(), version="v", run_id="r", run_date="2024-05-01", window=2,
                            on_dask=True, classify_task=Task, write_task=lambda *args: None)
    assert (tally.count_in, tally.labelled) == (6, 6)


def test_the_preview_lists_the_runs_lowest_ids_read_a_row_at_a_time(tmp_path, monkeypatch):
    """What the flow prints at the end (--show): this run's first labels by id, never the whole output at once."""
    from flows.batch import labels_preview
    from jdclassify.io import writers
    from jdclassify.io.writers import open_output
    from jdclassify.schema import COLUMNS

    def row(i: int, run_id: str) -> dict:
        return dict.fromkeys(COLUMNS, "") | {
            "id": f"p-{i:02d}", "title": f"Title {i}", "onet_title": "Data Scientists", "onet_confidence": 0.9,
            "role_confidence": 0.9, "level_confidence": 0.9, "onet_alternatives": [], "skills": [], "years_experience_min": None,
            "manages_people": False, "needs_review": False, "evidence": "{}", "source": "feed.jsonl", "run_id": run_id}

    out = tmp_path / "labels"
    for run_id, run_date, ids in (("20260301-aaaa", "2026-03-01", range(0, 40, 2)), ("20260302-bbbb", "2026-03-02", range(39, 0, -2))):
        with open_output(out, run_id=run_id, run_date=run_date) as writer:
            writer.write_chunk([row(i, run_id) for i in ids], [])
    monkeypatch.setattr(writers, "SCAN_BATCH_ROWS", 1)
    shown = labels_preview(str(out), "20260302-bbbb", 3)
    assert "first 3 labels" in shown
    assert [line.split()[0] for line in shown.splitlines()[3:]] == ["p-01", "p-03", "p-05"]


def _rows(out: Path) -> list[dict]:
    rows = ({k: v for k, v in r.items() if k != "run_id"} for r in pq.read_table(out).to_pylist())
    return sorted(rows, key=lambda r: (r["id"], r.get("line", 0)))


@pytest.mark.usefixtures("prefect_harness")
def test_two_local_workers_label_and_quarantine_what_one_does(tmp_path):
    """--workers 2 cleans and classifies in a local process pool (no Dask): the same labels, quarantine and counts."""
    from flows.batch import classify_postings

    extra = tmp_path / "extra.jsonl"
    extra.write_text('{"id": "fd-1001", "title": "Nurse"}\n{not json\n{"id": "empty", "title": ""}\n')  # duplicate, bad, no content
    runs = {n: classify_postings([str(SAMPLES), str(extra)], str(tmp_path / f"w{n}"), chunk_size=7, workers=n, run_date="2024-05-01")
            for n in (1, 2)}
    assert runs[1].counts() == runs[2].counts() and runs[2].quarantined == 3
    assert runs[1].quarantine_reasons == runs[2].quarantine_reasons
    assert _rows(tmp_path / "w1") == _rows(tmp_path / "w2")
    assert _rows(tmp_path / "w1" / "_quarantine") == _rows(tmp_path / "w2" / "_quarantine")
