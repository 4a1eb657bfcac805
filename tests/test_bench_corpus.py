"""The benchmark corpus is deterministic and realistic enough to measure with; the fast paths agree with the plain ones."""

import json
import sys
from pathlib import Path

from jdclassify.io.readers import IdRegistry, RawRecord, finish_record, read_postings, read_raw
from jdclassify.records import Posting
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpus import write_corpus  # noqa: E402


def test_corpus_is_deterministic_with_unique_ids_and_realistic_descriptions(tmp_path):
    a, b = write_corpus(tmp_path / "a.jsonl", 300), write_corpus(tmp_path / "b.jsonl", 300)
    assert a.read_bytes() == b.read_bytes()
    rows = [json.loads(line) for line in a.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in rows}) == 300
    assert set(rows[0]) == {"id", "title", "description", "company", "location"}
    lengths = sorted(len(r["description"]) for r in rows)
    assert 1_500 <= lengths[len(lengths) // 2] <= 4_500
    assert len({r["title"] for r in rows}) > 30  # many occupations and messy variants, with repeats
    assert any("<li>" in r["description"] for r in rows) and any("equal opportunity" in r["description"].lower() for r in rows)


def test_titles_only_corpus_has_id_and_title_only(tmp_path):
    rows = [json.loads(line) for line in write_corpus(tmp_path / "t.jsonl", 50, titles_only=True).read_text().splitlines()]
    assert len(rows) == 50 and all(set(r) == {"id", "title"} for r in rows)


def test_read_raw_then_finish_gives_what_read_postings_gives(tmp_path):
    path = write_corpus(tmp_path / "c.jsonl", 40)
    with path.open("a", encoding="utf-8") as fh:  # a duplicate id and a broken line
        fh.write(path.read_text(encoding="utf-8").splitlines()[0] + "\n{broken\n")
    settings = Settings()
    ids = IdRegistry()
    two_step = [ids.admit(finish_record(x, settings), x.raw) if isinstance(x, RawRecord) else x for x in read_raw([path], settings)]
    assert two_step == list(read_postings([path], settings))
    assert sum(isinstance(x, Posting) for x in two_step) == 40
    assert [x.reason for x in two_step if not isinstance(x, Posting)] == ["duplicate_id", "malformed_json"]
