import csv
import json

import pyarrow.parquet as pq
import pytest

from jdclassify.errors import OutputError
from jdclassify.io.writers import (
    csv_cell,
    open_output,
    output_kind,
    output_paths,
    read_output,
    sanitise_partition_value,
    write_dataset_chunk,
)
from jdclassify.records import QuarantineRecord
from jdclassify.schema import COLUMNS, quarantine_row, to_row


@pytest.fixture
def rows(make_classification):
    def make(n, **overrides):
        return [to_row(make_classification(id=f"p{i}", **overrides), run_id="r1", run_date="2024-05-01") for i in range(n)]

    return make


def quarantine(n=1):
    return [quarantine_row(QuarantineRecord("no_content", "empty", "feed.jsonl", i, "", f"q{i}"), run_id="r1") for i in range(n)]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value):
    assert csv_cell(value) == "'" + value


def test_csv_output_is_spreadsheet_safe_and_joins_lists(tmp_path, rows):
    out = tmp_path / "out.csv"
    with open_output(out, run_id="r1", run_date="2024-05-01") as w:
        w.write_chunk(rows(1, title="=cmd|' /C calc'!A0", skills=("a", "b")), quarantine())
    with open(out, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert list(records[0]) == list(COLUMNS)
    assert records[0]["title"] == "'=cmd|' /C calc'!A0"
    assert records[0]["skills"] == "a; b"
    assert records[0]["needs_review"] == "false"
    assert output_paths(out, "r1").quarantine.name == "out.quarantine.csv"
    assert (tmp_path / "out.quarantine.csv").read_text().count("\n") == 2


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet", ".csv"])
def test_every_format_reads_back_all_rows_in_order(tmp_path, rows, suffix):
    out = tmp_path / f"out{suffix}"
    with open_output(out, run_id="r1", run_date="2024-05-01") as w:
        w.write_chunk(rows(3), [])
        w.write_chunk(rows(2), quarantine(2))
    table = read_output(out)
    assert table.num_rows == 5
    assert table.column("id").to_pylist() == ["p0", "p1", "p2", "p0", "p1"]
    assert output_kind(out) == suffix[1:]


def test_jsonl_keeps_types(tmp_path, rows):
    out = tmp_path / "out.jsonl"
    with open_output(out, run_id="r1", run_date="2024-05-01") as w:
        w.write_chunk(rows(1), [])
    row = json.loads(out.read_text().splitlines()[0])
    assert row["skills"] == ["onet:python", "onet:sql"] and row["role_confidence"] == 0.91


def test_failed_write_leaves_earlier_output_intact_and_no_temp_files(tmp_path, rows):
    out = tmp_path / "out.parquet"
    with open_output(out, run_id="r1", run_date="2024-05-01") as w:
        w.write_chunk(rows(2), [])
    before = out.read_bytes()
    with pytest.raises(RuntimeError):
        with open_output(out, run_id="r1", run_date="2024-05-01") as w:
            w.write_chunk(rows(5), [])
            raise RuntimeError("crash mid-run")
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "out.quarantine.parquet"]


def test_unwritable_output_is_a_clear_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        open_output(blocker / "out.parquet", run_id="r1", run_date="2024-05-01")
    with pytest.raises(OutputError, match="unknown output format"):
        output_kind(tmp_path / "out.xlsx")


@pytest.mark.parametrize(
    "value, expected",
    [("../../etc/passwd", "passwd"), ("..", "unknown"), ("", "unknown"), ("C:\\feeds\\a b.jsonl", "a_b.jsonl"),
     ("run_date=1/source=x", "source_x"), ("/tmp/feed.jsonl", "feed.jsonl")],
)
def test_partition_values_cannot_escape_the_output_directory(value, expected):
    assert sanitise_partition_value(value) == expected


def test_dataset_is_partitioned_and_rewriting_a_chunk_replaces_it(tmp_path, rows):
    out = tmp_path / "ds"
    data = rows(3, source="../../evil/feed.jsonl")
    write_dataset_chunk(out, data, quarantine(1), run_id="r1", chunk=0, run_date="2024-05-01")
    write_dataset_chunk(out, data, quarantine(1), run_id="r1", chunk=0, run_date="2024-05-01")  # a rerun
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))
    assert files == [
        "_quarantine/run_date=2024-05-01/part-r1-00000.parquet",
        "run_date=2024-05-01/source=feed.jsonl/part-r1-00000.parquet",
    ]
    table = read_output(out)
    assert table.num_rows == 3
    assert set(table.column("run_date").to_pylist()) == {"2024-05-01"}
    assert not any(p.name.startswith(".") for p in out.rglob("*"))
    assert pq.read_table(out).num_rows == 3  # sidecars start with "_" so plain readers skip them


def test_dataset_writer_replaces_a_previous_attempt_of_the_same_run(tmp_path, rows):
    out = tmp_path / "ds"
    for n_chunks in (3, 2):  # the second attempt has fewer chunks: no stale chunk may survive
        with open_output(out, run_id="r1", run_date="2024-05-01") as w:
            for _ in range(n_chunks):
                w.write_chunk(rows(2), [])
    assert read_output(out).num_rows == 4
