"""The batch flow end to end on the samples, and its tasks as plain functions."""

from pathlib import Path

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
