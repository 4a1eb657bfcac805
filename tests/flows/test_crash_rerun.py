"""Crashes and reruns: a run killed with SIGKILL at a random point, then rerun, gives the uninterrupted table.

The batch (``jdclassify classify``) and the nightly flow run in child processes, are killed (seeded random
delays, once output has started to appear, and once anywhere), and are rerun to completion. The final
tables must equal an uninterrupted run's row for row; the only column ignored is ``run_id``, which is by
design salted with the output path (two outputs never share run ids), so two folders cannot agree on it.
Between kills, every file a reader can see must be whole. A full disk or an unwritable folder must fail
with a clear OutputError and leave earlier output as it was.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from jdclassify.errors import OutputError
from jdclassify.io import writers
from jdclassify.io.writers import read_output
from jdclassify.run import run_batch
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEED = 7
CHUNK = 40
TITLES = ["Senior Data Engineer", "Registered Nurse", "Software Engineer II", "Sales Manager", "Staff Accountant",
          "Warehouse Associate", "Product Designer", "Head of Marketing", "Electrician", "Junior QA Tester",
          "Backend Developer (Python)", "Nurse Practitioner", "HR Business Partner", "Truck Driver CDL-A"]


@pytest.fixture(scope="module")
def feeds(tmp_path_factory) -> Path:
    """One feed of 600 postings with a few malformed and duplicate records (15 chunks of 40)."""
    rng = random.Random(SEED)
    folder = tmp_path_factory.mktemp("feeds")
    lines = []
    for i in range(590):
        title = rng.choice(TITLES)
        lines.append(json.dumps({"id": f"p{i}", "title": title, "company": "Acme",
                                 "description": f"{title}. {rng.randint(1, 9)}+ years of experience with Python, SQL and Excel."}))
    lines += ["{not json", '{"id": "p3", "title": "Duplicate"}', '{"id": "w", "title": ["a list"]}', "[1, 2]"] * 2 + ['{"id": "e"}'] * 2
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def child_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "JDCLASSIFY_"))}
    env.update(JDCLASSIFY_CHUNK_SIZE=str(CHUNK), PREFECT_HOME=str(tmp / "prefect-home"), PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PREFECT_LOGGING_LEVEL="WARNING")
    return env


def start(args: list[str], tmp: Path, log: str) -> subprocess.Popen:
    with open(tmp / log, "ab") as fh:
        # its own process group: the kill takes the flow's ephemeral Prefect server with it, as a scheduler's would
        return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=child_env(tmp), stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)


def finish(proc: subprocess.Popen, tmp: Path, log: str) -> None:
    assert proc.wait(timeout=300) == 0, (tmp / log).read_text()[-3000:]


def visible_parts(out: Path) -> list[Path]:
    return [p for p in out.rglob("part-*.parquet") if not any(part.startswith(".") for part in p.relative_to(out).parts)]


def kill(proc: subprocess.Popen, out: Path, delay: float, after_output: bool) -> bool:
    """SIGKILL ``proc`` ``delay`` s after its first output file appears (or after it starts); True if it was still running."""
    if after_output:
        deadline = time.monotonic() + 240
        while not visible_parts(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    time.sleep(delay)
    alive = proc.poll() is None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # the group is gone already
        pass
    proc.wait()
    return alive


def assert_readers_see_only_whole_files(out: Path) -> None:
    for path in out.rglob("*"):
        if path.is_file() and not any(part.startswith((".", "_aborted")) for part in path.relative_to(out).parts):
            if path.suffix == ".parquet":
                pq.read_metadata(path)  # raises on a partial file
            elif path.suffix == ".json":
                json.loads(path.read_text())


def rows(table) -> list[tuple]:
    out = [tuple(sorted((k, json.dumps(v, sort_keys=True, default=str)) for k, v in r.items() if k != "run_id"))
           for r in table.to_pylist()]
    return sorted(out)


def quarantine_rows(out: Path) -> list[tuple]:
    folder = out / "_quarantine"
    if not folder.exists():
        return []
    return rows(ds.dataset(folder, format="parquet", partitioning="hive").to_table())


@pytest.fixture(scope="module")
def classifier():
    from jdclassify.classify import Classifier

    return Classifier.load(Settings())


@pytest.fixture(scope="module")
def reference(feeds, tmp_path_factory, classifier):
    """The uninterrupted run (in this process), as (labelled rows, quarantine rows)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = run_batch([str(feeds)], out, Settings(chunk_size=CHUNK), classifier=classifier)
    assert summary.count_in == summary.labelled + summary.quarantined == 600
    return rows(read_output(out)), quarantine_rows(out)


def test_batch_killed_twice_then_rerun_equals_the_uninterrupted_run(feeds, reference, tmp_path):
    rng = random.Random(SEED)
    out = tmp_path / "out"
    cli = ["-m", "jdclassify.cli", "classify", str(feeds), "--out", str(out), "--no-progress"]
    killed_mid_output = kill(start(cli, tmp_path, "a.log"), out, rng.uniform(0.0, 0.3), after_output=True)
    assert killed_mid_output, "the first kill should land while chunks are being written"
    assert_readers_see_only_whole_files(out)
    kill(start(cli, tmp_path, "b.log"), out, rng.uniform(1.0, 12.0), after_output=False)  # anywhere, also while loading
    assert_readers_see_only_whole_files(out)
    finish(start(cli, tmp_path, "c.log"), tmp_path, "c.log")

    labelled, quarantined = reference
    got = rows(read_output(out))
    assert got == labelled  # row for row: nothing missing, nothing twice
    ids = read_output(out, columns=["id"]).column("id").to_pylist()
    assert len(ids) == len(set(ids)) == len(labelled)
    assert quarantine_rows(out) == quarantined
    assert not list(out.rglob(".*.tmp")), "temp files left behind"
    manifests = list((out / "_manifests").glob("*.json"))
    assert len(manifests) == 1 and json.loads(manifests[0].read_text())["counts"]["in"] == 600


def test_nightly_flow_killed_then_rerun_equals_the_uninterrupted_run(feeds, reference, tmp_path):
    rng = random.Random(SEED + 1)
    out = tmp_path / "out"
    flow = [str(ROOT / "flows" / "nightly.py"), "run", str(feeds), "--out", str(out), "--run-date", date.today().isoformat(),
            "--chunk-size", str(CHUNK)]
    kill(start(flow, tmp_path, "n1.log"), out, rng.uniform(0.0, 1.0), after_output=True)
    assert_readers_see_only_whole_files(out)
    assert not (out / "_state" / "state.parquet").exists(), "a killed night must not commit"
    finish(start(flow, tmp_path, "n2.log"), tmp_path, "n2.log")

    labelled, quarantined = reference
    assert rows(read_output(out)) == labelled
    assert quarantine_rows(out) == quarantined
    state = pq.read_table(out / "_state" / "state.parquet").to_pylist()
    assert sorted(r["id"] for r in state) == sorted(read_output(out, columns=["id"]).column("id").to_pylist())
    assert not list(out.rglob(".*.tmp"))


# --- unwritable output and a full disk ----------------------------------------------------------


@contextmanager
def read_only(folder: Path):
    """The folder made unwritable: chmod for a normal user; root ignores modes, so the immutable flag."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a filesystem without chattr +i: cannot make a folder read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.fixture
def small_feed(tmp_path) -> Path:
    path = tmp_path / "in" / "feed.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps({"id": f"p{i}", "title": t}) + "\n" for i, t in enumerate(TITLES)) + "{bad\n")
    return path


@pytest.mark.parametrize("name", ["labelled.csv", "labelled.parquet", "dataset"])
def test_unwritable_output_fails_clearly_and_keeps_earlier_output(tmp_path, small_feed, classifier, name):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / name
    run_batch([small_feed], out, Settings(chunk_size=4), classifier=classifier, run_date="2024-06-01")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with read_only(out if out.is_dir() else folder):
        with pytest.raises(OutputError, match=r"cannot write .*writable.*earlier output was left as it was"):
            run_batch([small_feed], out, Settings(chunk_size=4), classifier=classifier, run_date="2024-06-02")
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("name", ["labelled.csv", "labelled.jsonl", "labelled.parquet", "dataset"])
def test_full_disk_mid_run_fails_clearly_and_keeps_earlier_output(tmp_path, small_feed, classifier, monkeypatch, name):
    out = tmp_path / "out" / name
    run_batch([small_feed], out, Settings(chunk_size=4), classifier=classifier, run_date="2024-06-01")
    before = {p: p.read_bytes() for p in out.parent.rglob("*") if p.is_file()}
    calls = []

    def disk_fills_after_the_first_write(real):
        def write(*args, **kwargs):
            calls.append(1)
            if len(calls) >= 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)
        return write

    if name == "labelled.parquet":  # streamed into one file: the disk fills on the second chunk
        monkeypatch.setattr(writers.pq.ParquetWriter, "write_table", disk_fills_after_the_first_write(writers.pq.ParquetWriter.write_table))
    elif name == "dataset":  # one file per chunk
        monkeypatch.setattr(writers.pq, "write_table", disk_fills_after_the_first_write(writers.pq.write_table))
    else:  # text files: a full disk shows when the data is flushed
        monkeypatch.setattr(writers.os, "fsync", disk_fills_after_the_first_write(os.fsync))
    # a later day's run (another run id), so a dataset keeps the earlier run's files whatever happens
    with pytest.raises(OutputError, match="No space left on device.*earlier output was left as it was"):
        run_batch([small_feed], out, Settings(chunk_size=4), classifier=classifier, run_date="2024-06-02")
    after = {p: p.read_bytes() for p in out.parent.rglob("*") if p.is_file()}
    assert after == before  # the earlier output is whole, and no temp file is left
