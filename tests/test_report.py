import html
import json
import re
import shutil
import subprocess

import pytest

from jdclassify.cli import main
from jdclassify.errors import OutputError
from jdclassify.io.writers import open_output, write_json
from jdclassify.report import collect, report_path, write_report
from jdclassify.schema import COLUMNS, SCHEMA_VERSION

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"]
CHARTS = {"roles", "levels", "major_groups", "confidence", "skills", "quarantine"}


def _row(i: int, role: str, level: str, onet: str, confidence: float, *, run_id: str, run_date: str, skills=("canon:python",)) -> dict:
    evidence = {name: {"value": value, "rule": f"{name} rule {i}", "evidence": [f"{name} evidence {i}"]}
                for name, value in (("role", role), ("level", level), ("onet", onet))}
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id=f"p-{i}", title=f"Title {i}", role_code=role, role_name=f"{role} name", role_confidence=confidence, level=level,
        level_confidence=min(1.0, confidence + 0.1), onet_code=onet, onet_title=f"{onet} title", onet_confidence=confidence,
        onet_alternatives=[], skills=list(skills), years_experience_min=None, manages_people=False,
        needs_review=confidence < 0.5, evidence=json.dumps(evidence), lexicon_version="lex1", schema_version=SCHEMA_VERSION,
        source="feed.jsonl", content_hash=f"h{i}", run_id=run_id, run_date=run_date,
    )
    return row


def _quarantine(run_id: str) -> list[dict]:
    return [{"reason": "malformed_json", "detail": "line does not parse as JSON", "source": "feed.jsonl", "line": 9,
             "excerpt": "{", "id": "", "run_id": run_id}]


def _write_run(out, run_id: str, run_date: str, mix: list[tuple[str, str, str, float]]) -> None:
    rows = [_row(i, *spec, run_id=run_id, run_date=run_date) for i, spec in enumerate(mix)]
    with open_output(out, run_id=run_id, run_date=run_date) as writer:
        writer.write_chunk(rows, _quarantine(run_id))


MIX = [("AIMLAM.GEN", "P4", "15-2051.00", 0.9)] * 5 + [("SOC291141.00", "P2", "29-1141.00", 0.3)] * 3 + [("DATANL.GEN", "P3", "15-2051.01", 0.6)]


@pytest.fixture
def file_report(tmp_path):
    out = tmp_path / "labelled.parquet"
    _write_run(out, "20260301-aaaa", "2026-03-01", MIX)
    return write_report(out)


def test_report_beside_a_file_output_shows_counts_charts_and_lowest_confidence_evidence(tmp_path, file_report):
    assert file_report == tmp_path / "labelled.report.html"
    page = file_report.read_text(encoding="utf-8")
    assert re.search(r"records in<b>10</b>.*labelled<b>9</b>.*needs review<b>3 \(33%\)</b>.*quarantined<b>1</b>", page)
    assert set(re.findall(r'data-chart="(\w+)"', page)) == CHARTS
    assert page.count("<svg") == len(CHARTS)
    assert "15-0000 Computer and Mathematical" in page and "canon:python" in page and "malformed_json" in page
    lowest = page[page.index("Lowest-confidence"):]
    assert lowest.index("SOC291141.00") < lowest.index("DATANL.GEN") and "role rule 5" in lowest and "onet evidence 5" in lowest


def test_report_is_self_contained(file_report):
    page = file_report.read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the report must not fetch anything"


def test_the_same_run_gives_the_same_page(file_report):
    """Chart ids and comments must not carry a random id or today's date: a rewritten report diffs clean."""
    first = file_report.read_bytes()
    assert write_report(file_report.parent / "labelled.parquet").read_bytes() == first


def test_dataset_report_compares_with_the_previous_run(tmp_path):
    out = tmp_path / "ds"
    _write_run(out, "20260301-aaaa", "2026-03-01", MIX)
    first = write_report(out, "20260301-aaaa")
    assert first == out / "_reports" / "20260301-aaaa.html" and "Change since the previous run" not in first.read_text()
    _write_run(out, "20260302-bbbb", "2026-03-02", MIX[:2] + [("SOC291141.00", "P2", "29-1141.00", 0.3)] * 8)
    second = write_report(out).read_text(encoding="utf-8")  # newest run by default
    assert "Change since the previous run" in second and "previous run 20260301-aaaa" in second
    assert 'data-chart="role_mix_change"' in second
    assert "33.3%" in second and "80.0%" in second  # review share then and now
    assert collect(out, "20260302-bbbb").counts == {"in": 11, "labelled": 10, "needs_review": 8, "quarantined": 1}


def test_previous_run_falls_back_to_its_manifest(tmp_path):
    out = tmp_path / "ds"
    write_json(out / "_manifests" / "20260301-aaaa.json", {
        "run_id": "20260301-aaaa", "run_date": "2026-03-01",
        "counts": {"in": 50, "labelled": 40, "needs_review": 4, "quarantined": 10},
        "top_roles": [{"role_code": "AIMLAM.GEN", "role_name": "AI/ML Engineer", "count": 40}],
    })
    _write_run(out, "20260302-bbbb", "2026-03-02", MIX)
    page = write_report(out).read_text(encoding="utf-8")
    assert "previous run 20260301-aaaa" in page and "10.0%" in page


def test_report_command_regenerates_and_errors_say_what_to_do(tmp_path, capsys):
    out = tmp_path / "labelled.csv"
    _write_run(out, "20260301-aaaa", "2026-03-01", MIX)
    assert main(["report", str(out)]) == 0
    assert report_path(out, "x").is_file() and "labelled.report.html" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing.parquet")]) == 2
    assert "output not found" in capsys.readouterr().err


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH: install it with 'apt-get install -y chromium' to render the report")
def test_report_charts_draw_in_a_real_browser(tmp_path, file_report):
    """Open the report in headless Chromium; an inline script records each chart's rendered box into the DOM."""
    probe = """<script>
    window.addEventListener('load', () => {
      const found = [...document.querySelectorAll('figure.chart')].map(f => {
        const svg = f.querySelector('svg'), box = svg.getBoundingClientRect();
        return {chart: f.dataset.chart, width: box.width, height: box.height,
                drawn: svg.querySelectorAll('path, rect, use, text').length};
      });
      const pre = document.createElement('pre');
      pre.id = 'chart-check';
      pre.textContent = JSON.stringify(found);
      document.body.appendChild(pre);
    });
    </script>"""
    page = tmp_path / "probe.html"
    page.write_text(file_report.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120,
    )
    match = re.search(r'<pre id="chart-check">(.*?)</pre>', done.stdout, re.S)
    assert match, f"chromium did not run the probe (exit {done.returncode}): {done.stderr[-2000:]}"
    charts = json.loads(html.unescape(match.group(1)))
    assert {c["chart"] for c in charts} == CHARTS
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 50, chart
        assert chart["drawn"] > 10, chart


def test_report_over_many_small_chunks_equals_the_report_over_one(tmp_path, monkeypatch):
    """collect reads a batch at a time: counts, histograms, skills and the lowest rows (ties by id) must not depend on it."""
    import jdclassify.io.writers as writers

    monkeypatch.setattr(writers, "SCAN_BATCH_ROWS", 3)
    monkeypatch.setattr(writers, "TEXT_BLOCK_BYTES", 4096)  # CSV and JSONL are read back about 4 rows at a time
    specs = [(role, level, onet, conf) for role, level, onet, conf in
             [("AIMLAM.GEN", "P4", "15-2051.00", 0.9), ("SOC291141.00", "P2", "29-1141.00", 0.3),
              ("DATANL.GEN", "", "", 0.6), ("SOC291141.00", "M1", "29-1141.00", 0.2)] * 15]
    rows = [_row(59 - i, *spec, run_id="20260301-aaaa", run_date="2026-03-01", skills=("canon:python", f"s{i % 7}"))
            for i, spec in enumerate(specs)]  # the lowest ids come last: ties must fall by id across batches
    outputs = {"one": tmp_path / "one", "chunks": tmp_path / "chunks", "file": tmp_path / "chunks.parquet",
               "csv": tmp_path / "chunks.csv", "jsonl": tmp_path / "chunks.jsonl"}
    for name, out in outputs.items():
        size = len(rows) if name == "one" else 4  # 15 chunk files, or row groups in the .parquet
        with open_output(out, run_id="20260301-aaaa", run_date="2026-03-01") as writer:
            for start in range(0, len(rows), size):
                writer.write_chunk(rows[start:start + size], _quarantine("20260301-aaaa") if start == 0 else [])
    one = collect(outputs["one"])
    assert collect(outputs["chunks"]) == one
    assert collect(outputs["file"]) == one
    assert collect(outputs["csv"]) == one  # read back in blocks, typed by the output schema, never whole
    assert collect(outputs["jsonl"]) == one
    assert one.counts == {"in": 61, "labelled": 60, "needs_review": 30, "quarantined": 1}
    weakest = sorted((min(r["role_confidence"], r["level_confidence"], r["onet_confidence"]), r["id"]) for r in rows)
    assert [r["id"] for r in one.lowest] == [i for _, i in weakest[:15]]
    assert one.confidence["role"][2] == 15 and sum(one.confidence["onet"]) == 60
    assert dict(map(tuple, one.skills))["canon:python"] == 60


def test_a_text_output_that_is_not_ours_fails_with_the_file_named(tmp_path):
    out = tmp_path / "labels.jsonl"
    _write_run(out, "20260301-aaaa", "2026-03-01", MIX)
    out.write_text(out.read_text(encoding="utf-8").replace('"role_confidence": 0.9', '"role_confidence": "high"'), encoding="utf-8")
    with pytest.raises(OutputError, match="labels.jsonl: cannot be read back"):
        collect(out)


def test_two_runs_of_one_day_are_ordered_by_when_they_started(tmp_path):
    """Run ids are content hashes: the afternoon run ('...-aaaa') sorts before the morning one by id."""
    out = tmp_path / "ds"
    for run_id, started in (("20260302-ffff", "2026-03-02T09:00:00+0000"), ("20260302-aaaa", "2026-03-02T15:00:00+0000")):
        _write_run(out, run_id, "2026-03-02", MIX)
        write_json(out / "_manifests" / f"{run_id}.json", {"run_id": run_id, "run_date": "2026-03-02", "started_at": started,
                                                          "counts": {"in": 10, "labelled": 9, "needs_review": 3, "quarantined": 1}})
    assert collect(out).run_id == "20260302-aaaa"  # the newest run, not the largest id
    assert "previous run 20260302-ffff" in write_report(out).read_text(encoding="utf-8")
