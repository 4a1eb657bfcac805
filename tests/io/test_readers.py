"""Readers: every input record comes out as one Posting or one QuarantineRecord with the right reason."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import json
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from jdclassify.errors import InputError, QuarantineReason
from jdclassify.io.readers import _loads, read_postings
from jdclassify.records import Posting, QuarantineRecord
from jdclassify.settings import Settings

REPO = Path(__file__).resolve().parents[2]
NASTY = REPO / "samples" / "nasty"
POSTINGS = REPO / "samples" / "postings"
GOLD = REPO / "samples" / "gold" / "gold.csv"


def outcome(record) -> tuple[str, int, str]:
    """(file name, line, "posting" or the quarantine reason)."""
    kind = "posting" if isinstance(record, Posting) else record.reason
    return Path(record.source).name, record.line, kind


def test_nasty_samples_each_record_ends_up_somewhere_with_the_right_reason():
    records = list(read_postings([NASTY]))
    assert [outcome(r) for r in records] == [
        ("array.json", 1, "posting"),
        ("array.json", 2, "posting"),  # "name" is a title
        ("array.json", 3, "wrong_type"),  # a string, not an object
        ("array.json", 4, "no_content"),  # title and description are null
        ("missing_columns.csv", 2, "posting"),  # a multi-line quoted description
        ("missing_columns.csv", 4, "malformed_row"),  # too few fields
        ("missing_columns.csv", 5, "malformed_row"),  # too many fields
        ("missing_columns.csv", 7, "posting"),  # after a blank line
        ("more.jsonl.gz", 1, "posting"),
        ("more.jsonl.gz", 2, "posting"),
        ("notes.txt", 0, "unsupported_format"),
        ("page_scripts.html", 1, "posting"),
        ("postings.jsonl", 1, "posting"),
        ("postings.jsonl", 4, "no_content"),  # a title of emojis and punctuation only
        ("postings.jsonl", 5, "malformed_json"),  # truncated
        ("postings.jsonl", 6, "posting"),  # Latin-1 bytes: decoded as cp1252
        ("postings.jsonl", 7, "duplicate_id"),
        ("postings.jsonl", 8, "wrong_type"),  # an array, not an object
        ("postings.jsonl", 9, "wrong_type"),  # title is a list
        ("postings.jsonl", 10, "wrong_type"),  # title is a number
        ("postings.jsonl", 11, "posting"),  # nested schema.org shapes
        ("postings.jsonl", 12, "no_content"),
        ("wrapped.json", 1, "posting"),
        ("wrapped.json", 2, "posting"),
    ]


def test_nasty_samples_postings_are_clean_and_redacted():
    by_id = {r.id: r for r in read_postings([NASTY]) if isinstance(r, Posting)}
    first = by_id["n-1"]
    assert first.description == "Build pipelines.\n\n- Python\n- SQL\n\nQuestions? [EMAIL] or [PHONE]"
    assert first.content_hash and len(first.content_hash) == 64
    assert by_id["n-4"].title == "Café Manager"
    nurse = by_id["n-7"]
    assert (nurse.title, nurse.company, nurse.location) == ("Registered Nurse", "City Hospital", "Leeds, GB")
    assert nurse.description == "Care for patients. Call [PHONE]."
    page = by_id["html:page_scripts.html"]
    assert page.title == "Line Cook – Evenings"
    assert "not text" not in page.description and "hidden" not in page.description and "Home" not in page.description
    assert "- 2+ years on the line" in page.description and "Café experience" in page.description
    assert "[EMAIL]" in page.description
    assert by_id["w-2"].title == "Warehouse Lead"


def test_quarantine_excerpts_are_redacted_and_short(tmp_path):
    lines = [
        json.dumps({"id": "q-1", "title": ["x"], "description": "call +44 20 7946 0958 or jordan@example.com"}),
        "{broken \x01 " + "y" * 500,
    ]
    path = _write(tmp_path / "q.jsonl", "\n".join(lines) + "\n")
    first, second = read_postings([path])
    assert first.reason == "wrong_type" and first.id == "q-1"
    assert "7946" not in first.excerpt and "jordan@" not in first.excerpt and "[PHONE]" in first.excerpt
    assert second.reason == "malformed_json" and len(second.excerpt) <= 200 and "\x01" not in second.excerpt


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_twenty_megabyte_description_is_quarantined_and_the_next_record_is_read(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "big", "title": "Engineer", "description": "word " * 4_000_000}) + "\n")
        fh.write(json.dumps({"id": "medium", "title": "Engineer", "description": "x" * 300_000}) + "\n")
        fh.write(json.dumps({"id": "small", "title": "Engineer", "description": "Fine."}) + "\n")
    big, medium, small = read_postings([path])
    assert (big.reason, big.line) == ("oversized", 1)
    assert (medium.reason, medium.id) == ("oversized", "medium")  # above max_field_chars
    assert "description" in medium.detail
    assert isinstance(small, Posting) and small.line == 3


def test_twenty_megabyte_csv_row_is_quarantined(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([["id", "title", "description"], ["1", "Cook", "z" * 20_000_000], ["2", "Baker", "Bread."]])
    big, small = read_postings([path])
    assert big.reason == "oversized" and big.line == 2
    assert isinstance(small, Posting) and small.id == "2" and small.line == 3


def test_duplicate_ids_keep_the_first(tmp_path):
    rows = [{"id": "7", "title": "First"}, {"id": 7, "title": "Second"}, {"id": "7", "title": "First"}]
    path = _write(tmp_path / "d.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    first, second, third = read_postings([path])
    assert isinstance(first, Posting) and first.title == "First"
    assert second.reason == "duplicate_id" and "different content" in second.detail
    assert third.reason == "duplicate_id" and "same content" in third.detail


def test_derived_id_is_stable_and_depends_on_content(tmp_path):
    path = _write(tmp_path / "a.jsonl", json.dumps({"title": "Nurse", "company": "Acme", "description": "Care."}) + "\n")
    other = _write(tmp_path / "b.jsonl", json.dumps({"title": "Nurse", "company": "Acme", "description": "Cure."}) + "\n")
    (one,) = read_postings([path])
    (again,) = read_postings([path])
    (different,) = read_postings([other])
    assert one.id == again.id and one.id.startswith("h-") and len(one.id) == 18
    assert one.content_hash == again.content_hash
    assert different.id != one.id and different.content_hash != one.content_hash


def test_csv_encodings_and_delimiters(tmp_path):
    utf16 = _write(tmp_path / "u16.csv", codecs.BOM_UTF16_LE + "id,title\nu1,Café Owner\n".encode("utf-16-le"))
    cp1252 = _write(tmp_path / "legacy.csv", "id;title;description\nl1;Caf\u00e9 Manager;\u201cSmart\u201d quotes\n".encode("cp1252"))
    tsv = _write(tmp_path / "t.tsv", "id\ttitle\tdescription\nt1\tWelder\tWeld, grind; polish\n")
    binary = _write(tmp_path / "bin.csv", b"id,title\nb1,Bad \x81\x00 bytes\nb2,Good\n")
    records = list(read_postings([utf16, cp1252, tsv, binary]))
    assert [r.title if isinstance(r, Posting) else r.reason for r in records] == [
        "Café Owner", "Café Manager", "Welder", "undecodable", "Good",
    ]
    assert records[1].description == '"Smart" quotes'
    assert records[2].description == "Weld, grind; polish"


def test_json_shapes(tmp_path):
    single = _write(tmp_path / "one.json", json.dumps({"job_id": 5, "job_title": "Chef"}))
    wrapped = _write(tmp_path / "w.json", json.dumps({"data": [{"id": "d1", "title": "Cook"}], "count": 1}))
    truncated = _write(tmp_path / "t.json", '[{"id": "t1", "title": "Porter"}, {"id": "t2", "title": "Ma')
    as_lines = _write(tmp_path / "lines.json", '{"id": "j1", "title": "Driver"}\n{"id": "j2", "title": "Loader"}\n')
    concatenated = _write(tmp_path / "cat.json", '{"id": "x1", "title": "Guard"} {"id": "x2", "title": "Cleaner"}')
    trailing = _write(tmp_path / "trail.json", '[{"id": "y1", "title": "Porter"}] trailing words')
    outcomes = [(r.id, outcome(r)[2]) for r in read_postings([single, wrapped, truncated, as_lines, concatenated, trailing])]
    assert outcomes == [
        ("5", "posting"), ("d1", "posting"), ("t1", "posting"), ("", "malformed_json"),
        ("j1", "posting"), ("j2", "posting"), ("x1", "posting"), ("x2", "posting"), ("y1", "posting"), ("", "malformed_json"),
    ]


def test_json_array_is_streamed(tmp_path):
    path = tmp_path / "many.json"
    element = {"title": "Analyst", "description": "Build reports. " * 400}
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[" + ",".join(json.dumps({**element, "id": str(i)}) for i in range(1500)) + "]")
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for r in read_postings([path]) if isinstance(r, Posting))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1500
    assert peak < 2_000_000  # a few elements and read buffers, never the whole 9 MB document


def test_html_pages(tmp_path):
    json_ld = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Data Analyst",
               "description": "&lt;p&gt;Build dashboards&lt;/p&gt;&lt;ul&gt;&lt;li&gt;SQL&lt;/li&gt;&lt;/ul&gt;",
               "identifier": {"@type": "PropertyValue", "name": "Acme", "value": "AC-1"},
               "hiringOrganization": {"@type": "Organization", "name": "Acme"},
               "jobLocation": {"@type": "Place", "address": {"addressLocality": "Austin", "addressRegion": "TX"}},
               "employmentType": ["FULL_TIME", "CONTRACTOR"], "datePosted": "2026-03-01"}
    ld = _write(tmp_path / "ld.html", f'<html><head><script type="application/ld+json">{json.dumps(json_ld)}</script>'
                                     "</head><body><nav>menu</nav><h1>Data Analyst</h1></body></html>")
    micro = _write(tmp_path / "micro.html", '<div itemscope itemtype="http://schema.org/JobPosting"><h1 itemprop="title">Nurse</h1>'
                                           '<div itemprop="description"><ul><li>Triage</li><li>Care</li></ul></div></div>')
    plain = _write(tmp_path / "plain.html", "<html><head><title>Welder | Acme</title></head><body><p>Weld things.</p></body></html>")
    gz = tmp_path / "zipped.html.gz"
    gz.write_bytes(gzip.compress(b"<html><body><h1>Porter</h1><p>Carry bags.</p></body></html>"))
    ld_posting, micro_posting, plain_posting, gz_posting = read_postings([ld, micro, plain, gz])
    assert (ld_posting.id, ld_posting.title, ld_posting.company) == ("AC-1", "Data Analyst", "Acme")
    assert ld_posting.description == "Build dashboards\n\n- SQL"
    assert (ld_posting.location, ld_posting.employment_type, ld_posting.posted_date) == ("Austin, TX", "FULL_TIME, CONTRACTOR", "2026-03-01")
    assert (micro_posting.id, micro_posting.title, micro_posting.description) == ("html:micro.html", "Nurse", "- Triage\n- Care")
    assert (plain_posting.id, plain_posting.title, plain_posting.description) == ("html:plain.html", "Welder | Acme", "Weld things.")
    assert (gz_posting.id, gz_posting.title) == ("html:zipped.html", "Porter")


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    _write(tmp_path / "b" / "x.jsonl", json.dumps({"id": "bx", "title": "Cook"}) + "\n")
    _write(tmp_path / "a.jsonl", json.dumps({"id": "a", "title": "Chef"}) + "\n")
    _write(tmp_path / "c.pdf", b"%PDF-1.4")
    _write(tmp_path / ".hidden.jsonl", "not read\n")
    assert [outcome(r) for r in read_postings([str(tmp_path)])] == [
        ("a.jsonl", 1, "posting"), ("x.jsonl", 1, "posting"), ("c.pdf", 0, "unsupported_format"),
    ]


def test_missing_input_is_a_usage_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        list(read_postings([tmp_path / "nope.jsonl"]))
    with pytest.raises(InputError, match="unknown format"):
        list(read_postings([_write(tmp_path / "notes", "just words\n")]))


def test_a_small_field_cap_applies(tmp_path):
    path = _write(tmp_path / "s.jsonl", json.dumps({"title": "Engineer", "description": "x" * 200}) + "\n")
    (record,) = read_postings([path], Settings(max_field_chars=100))
    assert record.reason == "oversized"


@pytest.mark.skipif(not POSTINGS.exists(), reason="samples/postings is not there")
def test_real_samples_are_all_postings_with_the_gold_ids():
    records = list(read_postings([POSTINGS]))
    assert records and all(isinstance(r, Posting) for r in records), [r for r in records if isinstance(r, QuarantineRecord)]
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    assert all(r.title and r.description and r.content_hash for r in records)
    assert not any("<p>" in r.description or "&ndash;" in r.description for r in records)
    gold_ids = set()
    for gold in (GOLD, *sorted(GOLD.parent.glob("postings_*.csv"))):  # the gold sets that label postings
        with gold.open(encoding="utf-8") as fh:
            gold_ids.update(row["id"] for row in csv.DictReader(fh))
    assert set(ids) == gold_ids


def test_html_bomb_is_quarantined_not_parsed(tmp_path):
    """Deep nesting makes HTML parsing quadratic: a page with too many tags is refused at once."""
    page = tmp_path / "bomb.html"
    page.write_text("<html><body>" + "<div>" * 40_000 + "Nurse" + "</div>" * 40_000 + "</body></html>")
    (out,) = list(read_postings([page]))
    assert out.reason == QuarantineReason.OVERSIZED.value and "max_html_tags" in out.detail


def test_jsonl_numbers_and_odd_values_read_as_json_reads_them(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '{"id": 98765432109876543210, "title": "Welder"}\n'  # beyond 64 bits: must stay exact, not become a float
        '{"id": 12, "title": "Nurse", "salary": NaN}\n'  # not strict JSON, as Python's json reads it
        '{"id": "13", "title": "Chef \\ud800"}\n'  # a lone surrogate escape
        '{"id": 14, "title": "Baker", "title": "Cook"}\n'  # a repeated key: the last one
        '{"id": 15, "title": "Porter", "x": [{"pay": 1.5}, 18446744073709551617]}\n'  # a float beside a long number
        '{"id": 1234567890123456789, "title": "Valet 12345678901234567890123"}\n',  # 19+ digits that orjson reads exactly
        encoding="utf-8",
    )
    got = list(read_postings(path))
    assert [(p.id, p.title) for p in got] == [("98765432109876543210", "Welder"), ("12", "Nurse"), ("13", "Chef \ufffd"),
                                              ("14", "Cook"), ("15", "Porter"),
                                              ("1234567890123456789", "Valet 12345678901234567890123")]
    assert [_loads(line) for line in path.read_text(encoding="utf-8").splitlines()[3:]] == \
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[3:]]


_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                            lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
                            max_leaves=4)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "title", "description"]), _JSON_VALUES | st.text()))
def test_the_minimal_contract_fast_path_gives_what_the_field_mapping_gives(obj):
    """Records with only id/title/description skip the field mapping: the fields, or the error, are the mapping's own."""
    from jdclassify.io.readers import _fields, _mapped_fields

    def outcome(read):
        try:
            return read(obj)
        except ValueError as exc:
            return type(exc), str(exc)

    assert outcome(_fields) == outcome(_mapped_fields)


def test_records_without_a_description_clean_once_per_distinct_fields_and_get_what_cleaning_gives(tmp_path):
    """finish_record caches the cleaned fields of description-less records: copies share them, ids and lines stay
    their own, and every outcome equals cleaning the record on its own (clean_posting + the content hash)."""
    from jdclassify.clean import clean_posting
    from jdclassify.io.readers import RawRecord, _finished_short, finish_record

    records = [{"id": "a", "title": "Sr. Nurse <b>RN</b>", "company": " Acme "}, {"id": "b", "title": "Sr. Nurse <b>RN</b>", "company": " Acme "},
               {"title": "Sr. Nurse <b>RN</b>", "company": " Acme "}, {"id": "c", "title": "Sr. Nurse <b>RN</b>", "employment_type": "Contract"},
               {"id": "d", "title": " - "}, {"id": "e", "title": " - "}, {"id": "f", "title": "Cook", "description": "Cook <i>meals</i>."}]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    _finished_short.cache_clear()
    got = list(read_postings([path]))
    assert _finished_short.cache_info().misses == 3 and _finished_short.cache_info().hits == 3
    assert [outcome(r)[2] for r in got] == ["posting"] * 4 + ["no_content"] * 2 + ["posting"]
    assert [(r.id, r.line) for r in got] == [("a", 1), ("b", 2), (got[2].id, 3), ("c", 4), ("d", 5), ("e", 6), ("f", 7)]
    assert got[2].id.startswith("h-") and got[0].content_hash == got[1].content_hash == got[2].content_hash != got[3].content_hash
    for record in got[:4] + got[6:]:
        raw = Posting(id=record.id, source=record.source, line=record.line, **{k: v for k, v in records[record.line - 1].items() if k != "id"})
        cleaned, _ = clean_posting(raw)
        content = "\x1f".join((cleaned.title, cleaned.description, cleaned.company, cleaned.location))
        assert record == replace(cleaned, content_hash=hashlib.sha256(content.encode()).hexdigest())
        assert finish_record(RawRecord(raw, ""), Settings()) == record


def test_read_postings_finishes_records_as_read_raw_and_finish_record_do_on_every_format(tmp_path):
    """read_postings cleans each record as it is read, without a RawRecord in between: the same records, quarantine
    reasons, derived ids and duplicates as read_raw + finish_record + IdRegistry, on JSONL, CSV, JSON and HTML."""
    from jdclassify.io.readers import IdRegistry, RawRecord, finish_record, read_raw

    (tmp_path / "a.jsonl").write_text('{"id": "1", "title": "Nurse"}\n{"title": "Chef"}\n{"id": "1", "title": "Cook"}\n[1]\n'
                                      '{"id": "2", "title": " - "}\n{"id": "3", "title": "Baker", "description": "<p>Bread</p>"}\n')
    (tmp_path / "b.csv").write_text("id,title,company\n4,Welder, Acme \n1,Nurse,\n5,,\n")
    (tmp_path / "c.json").write_text(json.dumps({"jobs": [{"id": "6", "title": "Porter"}, {"title": "Chef"}]}))
    (tmp_path / "d.html").write_text("<html><head><title>Valet</title></head><body><p>Park cars.</p></body></html>")
    settings = Settings()
    ids = IdRegistry()
    two_step = [ids.admit(finish_record(x, settings), x.raw) if isinstance(x, RawRecord) else x for x in read_raw([tmp_path], settings)]
    assert list(read_postings([tmp_path], settings)) == two_step
    assert [outcome(r)[2] for r in two_step].count("duplicate_id") == 3 and len(two_step) == 12
