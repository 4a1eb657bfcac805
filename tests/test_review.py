import csv
import dataclasses
import json
import shutil

import pytest

from jdclassify.classify import Classifier
from jdclassify.cli import main
from jdclassify.errors import LexiconError
from jdclassify.evaluate import predict, score
from jdclassify.io.writers import read_output
from jdclassify.lexicons import lexicon_version, load_lexicons
from jdclassify.review import REVIEW_COLUMNS, ReviewError, import_review, override_examples, without_overrides
from jdclassify.run import run_batch
from jdclassify.settings import Settings

LEXICONS = Settings().lexicon_dir
OVERLAY_ROLES = """\
roles:
  - code: ACMEML.GEN
    function_code: ACMEML
    function_name: Acme ML
    focus: General
    title: Acme Model Wrangler
    description: Wrangles models at Acme.
    status: draft
    version: v1
    mappings:
      - {code: 15-2051.00, title: Data Scientists, source: curated, review_status: needs_review}
    aliases:
      - {alias: Model Wrangler, type: common, band: high, confidence: 0.9}
"""
POSTINGS = [
    {"id": "a-1", "title": "Model Wrangler", "description": "Train and ship models in Python."},
    {"id": "a-2", "title": "Data Ninja", "description": ""},
    {"id": "a-3", "title": "=HYPERLINK(\"http://x\")", "description": ""},
    {"id": "a-4", "title": "Senior Software Engineer", "description": "Java, 6+ years."},
]


def _overlay(path):
    path.mkdir(parents=True, exist_ok=True)
    (path / "canon_roles.yaml").write_text(OVERLAY_ROLES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def overlay(tmp_path_factory):
    return _overlay(tmp_path_factory.mktemp("org") / "acme")


@pytest.fixture(scope="module")
def classifier(overlay):
    return Classifier.load(Settings().with_values({"overlay_dir": overlay}))


@pytest.fixture
def postings(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in POSTINGS), encoding="utf-8")
    return path


def _rows(out) -> dict:
    return {r["id"]: r for r in read_output(out).to_pylist()}


def _sheet(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_sheet(path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_overlay_role_labels_postings_and_is_in_lexicon_version(tmp_path, classifier, overlay, postings):
    out = tmp_path / "labelled.csv"
    run_batch([postings], out, classifier.settings, classifier=classifier)
    row = _rows(out)["a-1"]
    assert row["role_code"] == "ACMEML.GEN" and row["role_name"] == "Acme Model Wrangler"
    assert row["lexicon_version"] == lexicon_version(LEXICONS, overlay) and "+" in row["lexicon_version"]


def test_review_round_trip_export_edit_import_rerun(tmp_path, classifier, overlay, postings, capsys):
    first = tmp_path / "first.parquet"
    run_batch([postings], first, classifier.settings, classifier=classifier)
    sheet = tmp_path / "review.csv"
    assert main(["review", "export", str(first), "--out", str(sheet)]) == 0
    rows = _sheet(sheet)
    assert {r["id"] for r in rows} == {i for i, r in _rows(first).items() if r["needs_review"]}
    assert list(rows[0]) == list(REVIEW_COLUMNS) and rows[0]["corrected_role_code"] == "" and rows[0]["evidence_summary"]
    target = next(r for r in rows if r["id"] == "a-2")
    assert _rows(first)["a-2"]["role_code"] != "ACMEML.GEN"
    target.update(corrected_role_code="ACMEML.GEN", corrected_level="p3", reviewer="Ana Ruiz", note="=vague title")
    _write_sheet(sheet, rows)

    org = _overlay(tmp_path / "acme")  # the organisation's overlay folder receives the overrides
    assert main(["review", "import", str(sheet), "--overrides", str(org), "--overlay-dir", str(org), "--date", "2026-03-05"]) == 0
    assert "imported 1 new" in capsys.readouterr().out
    stored = _sheet(org / "overrides.csv")
    assert stored == [{"alias": "data ninja", "role_code": "ACMEML.GEN", "level": "P3", "onet_code": "",
                       "reviewer": "Ana Ruiz", "date": "2026-03-05", "source": "review", "note": "=vague title"}]

    lexicons = load_lexicons(LEXICONS, org)
    rerun = dataclasses.replace(classifier, lexicons=lexicons)  # same indexes; the overrides live in the lexicons
    second = tmp_path / "second.parquet"
    run_batch([postings], second, classifier.settings, classifier=rerun)
    row = _rows(second)["a-2"]
    assert (row["role_code"], row["level"], row["onet_code"]) == ("ACMEML.GEN", "P3", "15-2051.00")
    assert row["role_confidence"] == 1.0 and not row["needs_review"]
    rule = "override from acme/overrides.csv:2 by Ana Ruiz on 2026-03-05"
    assert json.loads(row["evidence"])["role"]["rule"] == rule
    assert row["lexicon_version"] != _rows(first)["a-2"]["lexicon_version"]
    assert _rows(second)["a-4"]["role_code"] == _rows(first)["a-4"]["role_code"]  # other titles untouched
    assert rule in rerun.explain("Data Ninja")


def test_export_is_spreadsheet_safe(tmp_path, classifier, postings):
    out = tmp_path / "labelled.jsonl"
    run_batch([postings], out, classifier.settings, classifier=classifier)
    sheet = tmp_path / "review.csv"
    from jdclassify.review import export_review

    export_review(out, sheet, include_all=True)
    text = sheet.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_import_lists_every_problem_with_row_and_column_and_stores_nothing(tmp_path, classifier):
    sheet = tmp_path / "review.csv"
    blank = dict.fromkeys(REVIEW_COLUMNS, "")
    _write_sheet(sheet, [
        {**blank, "id": "1", "title": "Data Person", "corrected_role_code": "NOPE.X", "reviewer": "ana"},
        {**blank, "id": "2", "title": "Other Person"},  # not reviewed: skipped
        {**blank, "id": "3", "title": "Nurse", "corrected_level": "Q9", "corrected_onet_code": "99-9999.99"},
    ])
    target = tmp_path / "overrides.csv"
    with pytest.raises(ReviewError) as err:
        import_review(sheet, target, classifier.lexicons)
    message = str(err.value)
    for where in ("review.csv:2:corrected_role_code", "review.csv:4:corrected_level", "review.csv:4:corrected_onet_code",
                  "review.csv:4:reviewer"):
        assert where in message
    assert "nothing was imported" in message and not target.exists()


def test_overrides_file_is_validated_with_file_line_column(tmp_path):
    org = _overlay(tmp_path / "acme")
    (org / "overrides.csv").write_text(
        "alias,role_code,level,onet_code,reviewer,date,source,note\n"
        "data person,DATANL.GEN,P2,,ana,2026-03-05,review,\n"
        "nurse,,Z9,,ana,2026-03-05,review,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"acme/overrides\.csv:3:level: 'Z9' is not on the level ladder"):
        load_lexicons(LEXICONS, org)


def test_shipped_overrides_file_is_empty_and_leaves_the_version_alone(tmp_path):
    assert (LEXICONS / "overrides.csv").read_text(encoding="utf-8").strip() == "alias,role_code,level,onet_code,reviewer,date,source,note"
    copy = tmp_path / "lex"
    shutil.copytree(LEXICONS, copy)
    base = lexicon_version(copy)
    assert base == lexicon_version(LEXICONS)
    with open(copy / "overrides.csv", "a", encoding="utf-8") as fh:
        fh.write("data person,DATANL.GEN,,,ana,2026-03-05,hand,\n")
    assert lexicon_version(copy) != base


def test_overrides_become_a_gold_set_scored_without_them(tmp_path, classifier):
    org = _overlay(tmp_path / "acme")
    (org / "overrides.csv").write_text(
        "alias,role_code,level,onet_code,reviewer,date,source,note\n"
        "ingeniero de datos,ACMEML.GEN,P3,,ana,2026-03-05,review,\n", encoding="utf-8")
    lexicons = load_lexicons(LEXICONS, org)
    examples = override_examples(lexicons)
    assert [(e.posting.title, e.role, e.level, set(e.onet_codes)) for e in examples] == [
        ("ingeniero de dato", "ACMEML.GEN", "P3", {"15-2051.00"})]
    plain = without_overrides(lexicons)
    scores = score("overrides", predict(dataclasses.replace(classifier, lexicons=plain), examples), plain)
    with_overrides = score("overrides", predict(dataclasses.replace(classifier, lexicons=lexicons), examples), lexicons)
    assert scores.n == 1 and with_overrides.role == 1.0 and with_overrides.level == 1.0


def test_the_sheet_holds_each_postings_latest_version_only(tmp_path, monkeypatch):
    """A dataset keeps every night's version: a posting whose newer label no longer needs review leaves the sheet,
    one whose newer label does joins it with that label (read a few rows at a time, as a large output is)."""
    from jdclassify.io import writers
    from jdclassify.io.writers import open_output
    from jdclassify.review import review_rows
    from jdclassify.schema import COLUMNS

    def row(pid: str, onet: str, confidence: float, run_date: str) -> dict:
        r = dict.fromkeys(COLUMNS, "") | {"onet_alternatives": [], "skills": [], "years_experience_min": None,
                                          "manages_people": False, "evidence": "{}"}
        return r | {"id": pid, "title": f"Title {pid}", "onet_code": onet, "role_confidence": confidence,
                    "level_confidence": confidence, "onet_confidence": confidence, "needs_review": confidence < 0.5,
                    "run_id": run_date.replace("-", "") + "-aaaa", "run_date": run_date, "source": "feed.jsonl"}

    out = tmp_path / "labels"
    nights = {"2026-03-01": [row("p-1", "15-2051.00", 0.3, "2026-03-01"), row("p-2", "29-1141.00", 0.9, "2026-03-01"),
                             row("p-3", "13-2011.00", 0.2, "2026-03-01")],
              "2026-03-02": [row("p-1", "15-2051.01", 0.9, "2026-03-02"), row("p-2", "29-1171.00", 0.4, "2026-03-02")]}
    for run_date, rows in nights.items():
        with open_output(out, run_id=run_date.replace("-", "") + "-aaaa", run_date=run_date) as writer:
            writer.write_chunk(rows, [])
    monkeypatch.setattr(writers, "SCAN_BATCH_ROWS", 1)
    sheet = review_rows(out)
    assert [(r["id"], r["onet_code"], r["onet_confidence"]) for r in sheet] == [("p-3", "13-2011.00", 0.2), ("p-2", "29-1171.00", 0.4)]
