"""Safety: no personal data in any output or log, spreadsheet-safe exports, no path traversal from input
values, no unsafe loading of anything a user supplies, and no network access while parsing HTML."""

from __future__ import annotations

import csv
import json
import logging
import re
import socket
import urllib.request
from pathlib import Path

import pytest

from jdclassify.cli import main
from jdclassify.io.readers import read_postings
from jdclassify.io.writers import read_output, sanitise_partition_value, write_dataset_chunk
from jdclassify.records import Posting
from jdclassify.run import run_batch
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

EMAILS = ["jane.recruiter@example.com", "omar_haddad+jobs@talent.example.io", "LI.WEI@EXAMPLE.ORG", "hr-team@acme-corp.co.uk"]
PHONES = ["+44 20 7946 0958", "(212) 555-0142", "+49 30 12345678", "06 12 34 56 78", "+91 98765 43210", "(02) 9876 5432",
          "+55 11 91234-5678", "090-1234-5678", "+1-415-555-0199 ext. 12"]
PROFILES = ["linkedin.com/in/jane-recruiter-42", "github.com/omarhaddad", "twitter.com/li_wei_hr"]
HANDLES = ["@janerecruits"]
SECRETS = EMAILS + PHONES + PROFILES + HANDLES
# what must not appear: each contact as planted, and each phone's digits without punctuation
NEEDLES = SECRETS + [re.sub(r"\D", "", p.split(" ext")[0]) for p in PHONES] + [p.split("@")[0] for p in EMAILS]


@pytest.fixture(scope="module")
def classifier():
    from jdclassify.classify import Classifier

    return Classifier.load(Settings())


def contact_feed(folder: Path) -> list[Path]:
    """Postings with contact data in every text field, and malformed records full of it (quarantined)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (email, phone) in enumerate(zip(EMAILS * 3, PHONES + PHONES[:3])):
        profile, handle = PROFILES[i % len(PROFILES)], HANDLES[0]
        lines.append(json.dumps({
            "id": f"p{i}", "title": f"Data Engineer - contact {email} / {phone}",
            "description": f"<p>Apply to {email}, call {phone}, see {profile} or DM {handle}.</p>",
            "company": f"Acme ({email})", "location": f"London, {phone}", "url": f"https://{profile}",
        }))
    lines.append('{"id": "t1", "title": "Nurse, call ' + PHONES[0] + '", "description": "mail ' + EMAILS[0])  # truncated
    lines.append(json.dumps({"id": "w1", "title": [f"{EMAILS[1]} {PHONES[1]}"]}))  # wrong type
    lines.append(json.dumps({"id": "p0", "title": f"Duplicate {EMAILS[2]} {PHONES[2]}"}))  # duplicate id
    lines.append(json.dumps({"id": "n1", "title": "   ", "description": "", "company": EMAILS[3]}))  # no content
    lines.append(f"not json at all {EMAILS[0]} {PHONES[4]} {PROFILES[0]}")
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "feed.csv").write_text(
        'id,title,description\n'
        f'c1,"Sales Lead {EMAILS[0]}","Ring {PHONES[5]} or {PHONES[6]}"\n'
        f'c2,too,many,fields,{EMAILS[1]},{PHONES[7]}\n'
    )
    return [folder / "feed.jsonl", folder / "feed.csv"]


def leaks(text: str) -> list[str]:
    return [n for n in NEEDLES if n.lower() in text.lower()]


def test_no_personal_data_in_outputs_quarantine_manifest_logs_or_summaries(tmp_path, classifier, caplog, capsys):
    inputs = contact_feed(tmp_path / "in")
    caplog.set_level(logging.INFO)
    summaries = []
    for out in (tmp_path / "out" / "labelled.csv", tmp_path / "out" / "labelled.jsonl", tmp_path / "out" / "dataset"):
        summary = run_batch(inputs, out, Settings(chunk_size=5), classifier=classifier)
        assert summary.quarantined >= 5 and summary.labelled >= 10
        summaries.append(summary)
    assert main(["classify", *map(str, inputs), "--out", str(tmp_path / "cli" / "out.parquet"), "--no-progress"]) == 0
    from flows.batch import summary_markdown  # the Prefect artifact's text

    captured = capsys.readouterr()
    texts = {"stdout": captured.out, "stderr": captured.err, "log": caplog.text}
    texts.update({f"summary {s.run_id}": s.format() + summary_markdown(s) for s in summaries})
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_text(errors="replace") if path.suffix != ".parquet" else \
                json.dumps(read_output(path).to_pylist() if "_quarantine" not in str(path) else [], default=str)
    for path in [p for p in (tmp_path / "out" / "dataset").rglob("*.parquet")] + list((tmp_path / "cli").glob("*.parquet")):
        import pyarrow.parquet as pq

        texts[str(path)] = json.dumps(pq.read_table(path).to_pylist(), default=str)
    found = {name: leaks(text) for name, text in texts.items() if leaks(text)}
    assert not found, found
    quarantine = read_output(tmp_path / "out" / "labelled.quarantine.csv").to_pylist()
    assert {"malformed_json", "wrong_type", "duplicate_id", "malformed_row"} <= {q["reason"] for q in quarantine}
    assert any("[EMAIL]" in q["excerpt"] or "[PHONE]" in q["excerpt"] for q in quarantine)  # excerpts kept, redacted


# --- spreadsheet formula injection ----------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://127.0.0.1/x","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
            "=cmd|'/c calc'!A1"]


def test_every_text_cell_of_every_csv_export_is_neutralised(tmp_path, classifier):
    feed = tmp_path / "feed.jsonl"
    lines = [json.dumps({"id": f"=ID{i}()" if i % 2 else f"f{i}", "title": f, "description": f"{f} Python"}) for i, f in enumerate(FORMULAS)]
    lines += ["=1+1,not json", '-{"id": "x"}', "@import evil"]  # quarantined: excerpts start with a formula character
    feed.write_text("\n".join(lines) + "\n")
    out = tmp_path / "labelled.csv"
    run_batch([feed], out, Settings(review_threshold=1.0), classifier=classifier)  # threshold 1: everything needs review
    from jdclassify.review import export_review

    assert export_review(out, tmp_path / "review.csv", include_all=True) == read_output(out).num_rows > 0
    for path in (out, tmp_path / "labelled.quarantine.csv", tmp_path / "review.csv"):
        with open(path, newline="", encoding="utf-8-sig") as fh:
            cells = [cell for row in list(csv.reader(fh))[1:] for cell in row]
        assert cells, path
        dangerous = [c for c in cells if c.startswith(FORMULA_START)]
        assert not dangerous, (path.name, dangerous)
    titles = [r["title"] for r in read_output(out).to_pylist()]
    assert sum(t.startswith("'") for t in titles) >= 4  # neutralised with a leading quote, the text itself kept


def test_jsonl_keeps_values_verbatim_as_json_strings(tmp_path, classifier):
    """JSONL is read by programs, not spreadsheets: values stay exactly as classified, quoted as JSON strings."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "f1", "title": "=1+1 Data Engineer"}) + "\n")
    out = tmp_path / "out.jsonl"
    run_batch([feed], out, Settings(), classifier=classifier)
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["title"] == "=1+1 Data Engineer"


# --- path traversal -------------------------------------------------------------------------

HOSTILE_NAMES = ["../../evil", "..", ".", "/etc/passwd", "a/../../b", "C:\\Windows\\evil", "x\x00y", "", "....//....//x", "~root", "-rf"]


@pytest.mark.parametrize("value", HOSTILE_NAMES)
def test_partition_values_from_input_never_leave_the_output_folder(tmp_path, make_classification, value):
    from jdclassify.schema import to_row

    out = tmp_path / "out"
    row = to_row(make_classification(source=value), run_id="r1", run_date="2024-06-01")
    row["run_date"] = value  # a hostile run date too
    written = write_dataset_chunk(out, [row], [], run_id="r1", chunk=0, run_date=value)
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())
        assert "\x00" not in str(path) and ".." not in path.relative_to(out).parts
    safe = sanitise_partition_value(value)
    assert safe and "/" not in safe and "\\" not in safe and safe not in (".", "..")


def test_a_source_file_with_a_hostile_name_is_written_inside_the_output(tmp_path, classifier):
    folder = tmp_path / "in" / ".." / "in2"
    folder.mkdir(parents=True)
    feed = folder / "..evil..jsonl"
    feed.write_text(json.dumps({"id": "1", "title": "Registered Nurse"}) + "\n")
    out = tmp_path / "out"
    run_batch([feed], out, Settings(), classifier=classifier)
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".parquet", ".json")]
    assert files and all(p.resolve().is_relative_to(out.resolve()) for p in files)
    assert read_output(out).num_rows == 1


# --- no unsafe loading, no network ----------------------------------------------------------

UNSAFE = [
    (r"\bpickle\b|\bcPickle\b|\bdill\b|\bshelve\b|\bmarshal\.loads?\b", "pickle-like deserialisation"),
    (r"(?<![\w.])eval\(", "eval"),
    (r"(?<![\w.])exec\(", "exec"),
    (r"yaml\.load\((?![^)]*SafeLoader)", "yaml.load without SafeLoader"),
    (r"yaml\.(?:unsafe_load|full_load|load_all)\(|yaml\.(?:Unsafe|Full)?Loader\b(?<!SafeLoader)", "unsafe yaml loader"),
    (r"\bsubprocess\b.*shell\s*=\s*True|os\.system\(", "shell execution"),
    (r"torch\.load\(|joblib\.load\(|numpy\.load\([^)]*allow_pickle\s*=\s*True|np\.load\([^)]*allow_pickle\s*=\s*True", "pickle via a library"),
]


@pytest.mark.parametrize(("pattern", "what"), UNSAFE)
def test_no_unsafe_loading_or_execution_in_the_code(pattern, what):
    hits = []
    for path in sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "flows").rglob("*.py")]):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(pattern, code):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, f"{what}: {hits}"


def test_every_yaml_loader_in_the_code_is_a_safe_one():
    loaders = [m.group(0) for path in (ROOT / "src").rglob("*.py") for m in re.finditer(r"\b\w*Loader\b", path.read_text())]
    assert loaders and set(loaders) <= {"SafeLoader", "CSafeLoader", "_SAFE_LOADER"}, set(loaders)


PAGE = """<!DOCTYPE html SYSTEM "http://127.0.0.1:9/page.dtd">
<html><head><title>Nurse</title>
<link rel="stylesheet" href="http://127.0.0.1:9/a.css"><script src="http://127.0.0.1:9/a.js"></script>
<style>@import url("http://127.0.0.1:9/b.css");</style>
<script type="application/ld+json">{"@context": "http://127.0.0.1:9/context.jsonld", "@type": "JobPosting",
 "title": "Registered Nurse", "description": "<img src='http://127.0.0.1:9/i.png'>Care for patients.",
 "hiringOrganization": {"@id": "http://127.0.0.1:9/org"}}</script></head>
<body itemscope itemtype="http://127.0.0.1:9/JobPosting"><iframe src="http://127.0.0.1:9/frame"></iframe>
<img src="http://127.0.0.1:9/logo.png"><h1>Registered Nurse</h1><object data="http://127.0.0.1:9/o"></object></body></html>"""


def test_html_is_parsed_without_touching_the_network(tmp_path, classifier, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("network access while parsing HTML")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    page = tmp_path / "job.html"
    page.write_text(PAGE)
    items = list(read_postings([page]))
    assert [type(i) for i in items] == [Posting] and items[0].title == "Registered Nurse"
    results = list(classifier.classify_many(items))
    assert len(results) == 1 and not attempts
