"""The bundled sample postings and their gold labels agree with each other and with the taxonomy.

Parsed with the standard library only, so a broken reader elsewhere cannot hide a broken sample.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from jdclassify.settings import Settings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
POSTINGS = SAMPLES / "postings"
GOLD = SAMPLES / "gold" / "gold.csv"
POSTING_GOLDS = (GOLD, *sorted((SAMPLES / "gold").glob("postings_*.csv")))  # gold sets that label postings (by id)

CANON_ROLES = {
    "AIMLAM.GEN", "AIMLAM.CV", "AIMLAM.NLP", "AIMLAM.SYS", "MLRSCH.GEN", "DATSCI.GEN", "DATANL.GEN", "DATANL.BI",
    "DATENG.GEN", "DATPLT.GEN", "DATPLT.CLOUD", "SWEML.GEN", "SWENG.GEN", "SWENG.FE", "SWENG.BE", "AIMLMG.GEN",
    "BUSANL.GEN",
}
LADDER = {"S1", *(f"P{i}" for i in range(1, 7)), *(f"M{i}" for i in range(1, 5)), *(f"E{i}" for i in range(1, 5))}
EMPLOYMENT_TYPES = {"full_time", "part_time", "contract", "temporary", "internship"}
ONET_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
JSONLD = re.compile(r'<script[^>]*type="application/ld\+json"[^>]*>(.*?)</script>', re.S | re.I)
MICRODATA_ID = re.compile(r'itemprop="identifier"\s+content="([^"]+)"')


def _jsonld_identifier(block: str) -> str | None:
    data = json.loads(block.replace("<\\/", "</"))
    if data.get("@type") != "JobPosting":
        return None
    ident = data.get("identifier")
    return str(ident["value"]) if isinstance(ident, dict) else str(ident)


def _html_id(page: Path) -> str:
    """The id a posting page carries: JSON-LD identifier, else microdata identifier, else ``html:<file name>``."""
    text = page.read_text(encoding="utf-8")
    for block in JSONLD.findall(text):
        ident = _jsonld_identifier(block)
        if ident:
            return ident
    found = MICRODATA_ID.search(text)
    return found.group(1) if found else f"html:{page.name}"


@pytest.fixture(scope="module")
def postings() -> dict[str, str]:
    """Posting id -> full raw text of the record (for content checks)."""
    out: dict[str, str] = {}
    for feed in sorted(POSTINGS.glob("*.jsonl")):
        with open(feed, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                out[str(rec.get("id", rec.get("job_id")))] = line
    with open(POSTINGS / "board_export.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["job_id"]] = json.dumps(row, ensure_ascii=False)
    for page in sorted((POSTINGS / "careers").glob("*.html")):
        out[_html_id(page)] = page.read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def gold() -> list[dict[str, str]]:
    rows = []
    for path in POSTING_GOLDS:
        with open(path, encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def test_ids_are_unique_and_gold_matches_postings_one_to_one(postings, gold):
    gold_ids = [row["id"] for row in gold]
    assert len(gold_ids) == len(set(gold_ids)), "duplicate ids in the posting gold sets"
    assert sorted(set(gold_ids) - set(postings)) == [], "gold ids with no posting"
    assert sorted(set(postings) - set(gold_ids)) == [], "postings with no gold row"


def test_every_posting_has_a_title_and_a_description():
    for feed in sorted(POSTINGS.glob("*.jsonl")):
        with open(feed, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                assert rec.get("title") or rec.get("job_title"), rec
                assert len(rec.get("description") or rec.get("description_html") or "") >= 1500, rec.get("url")
    with open(POSTINGS / "board_export.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            assert row["job_title"] and len(row["description"]) >= 1500, row["job_id"]


def test_labels_use_the_ladder_the_canon_and_known_employment_types(gold):
    for row in gold:
        assert row["level"] in LADDER, row
        assert row["employment_type"] in EMPLOYMENT_TYPES, row
        codes = row["onet_code"].split("|")  # every code that fits, the first the role's
        assert all(ONET_CODE.match(code) for code in codes), row
        role = row["role_code"]
        if role.startswith("SOC"):
            # generated roles are named after their own O*NET occupation
            assert role == "SOC" + codes[0].replace("-", ""), row
        else:
            assert role in CANON_ROLES, row


def test_onet_codes_exist_in_the_occupation_list(gold):
    roles_file = Settings().lexicon_dir / "onet_roles.csv"
    if not roles_file.exists():
        pytest.skip(f"{roles_file} not built yet; run the lexicon build script to check O*NET codes")
    with open(roles_file, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = sorted({code for row in gold for code in row["onet_code"].split("|")} - {r["onet_code"] for r in rows})
    assert missing == [], f"O*NET codes not in {roles_file.name}: {missing}"
    generated = {r["role_code"] for r in rows}
    unknown_roles = sorted({row["role_code"] for row in gold if row["role_code"].startswith("SOC")} - generated)
    assert unknown_roles == [], f"generated role codes not in {roles_file.name}: {unknown_roles}"


def test_sample_is_large_and_spans_many_occupation_groups(gold):
    assert len(gold) >= 40
    major_groups = {row["onet_code"][:2] for row in gold}
    assert len(major_groups) >= 10, sorted(major_groups)


def test_plain_pages_use_the_file_name_id(postings):
    plain = [p for p in postings if p.startswith("html:")]
    assert sorted(plain) == ["html:acme-nurse.html", "html:brightpath-associate-data-scientist.html"]


def test_contact_data_is_fictitious(postings):
    """Every e-mail and web address points at a reserved example domain (or LinkedIn with a made-up name)."""
    allowed = re.compile(r"(^|\.)example\.(com|org|net)$")
    for pid, text in postings.items():
        for domain in re.findall(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", text):
            assert allowed.search(domain.lower()), (pid, domain)
        for domain in re.findall(r"https?://([\w.-]+)", text):
            assert allowed.search(domain.lower()) or domain in {"schema.org", "www.linkedin.com"}, (pid, domain)


def test_the_title_gold_set_names_real_occupations_and_its_titles_are_not_english():
    with open(SAMPLES / "gold" / "titles_other_languages.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(Settings().lexicon_dir / "onet_roles.csv", encoding="utf-8", newline="") as fh:
        known = {r["onet_code"] for r in csv.DictReader(fh)}
    assert len({r["id"] for r in rows}) == len(rows) >= 90
    assert sorted({c for r in rows for c in r["onet_code"].split("|")} - known) == []
    assert all(r["title"].strip() and r["english"].strip() and r["title"] != r["english"] for r in rows)
    assert {r["language"] for r in rows} == {"de", "fr", "es", "pt", "it", "nl"}


@pytest.mark.parametrize("name", ["titles_technology.csv", "titles_technology_check.csv", "titles_technology_more.csv",
                                  "titles_management.csv", "titles_management_check.csv", "titles_person_words.csv",
                                  "titles_british.csv", "titles_british_check.csv", "titles_indian.csv",
                                  "titles_indian_check.csv"])
def test_the_title_gold_sets_name_real_occupations(name):
    with open(SAMPLES / "gold" / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(Settings().lexicon_dir / "onet_roles.csv", encoding="utf-8", newline="") as fh:
        known = {r["onet_code"] for r in csv.DictReader(fh)}
    assert len({r["id"] for r in rows}) == len({r["title"] for r in rows}) == len(rows) >= 20
    assert sorted({c for r in rows for c in r["onet_code"].split("|")} - known) == []


def test_the_person_word_titles_end_in_a_word_the_alias_index_lacks_and_wordnet_lists():
    """What titles_person_words.csv checks: words O*NET never uses, read only through lexicons/person_nouns.csv."""
    from jdclassify.classify import Classifier

    clf = Classifier.load()
    with open(SAMPLES / "gold" / "titles_person_words.csv", encoding="utf-8", newline="") as fh:
        heads = [clf.parser.parse(r["title"]).normalised.split()[-1] for r in csv.DictReader(fh)]
    assert [h for h in heads if h in clf.matcher.postings or h not in clf.lexicons.person_nouns.groups] == []
