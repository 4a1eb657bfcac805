"""Title normalisation and title cues, on the real levels.yaml and on a small in-memory lexicon."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jdclassify.lexicons import load_lexicons
from jdclassify.titles import TitleParser, normalise_title

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def parser() -> TitleParser:
    return TitleParser.build(load_lexicons())


def cues_of(result, kind):
    return [(c.text, c.value) for c in result.cues if c.kind == kind]


# -- normalise_title -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("AI/ML Engineer", "Artificial Intelligence / Machine Learning Engineer"),
        ("COMPUTER SYSTEMS ANALYSTS", "Computer Systems Analyst"),
        ("Sr. Software Eng", "senior software engineer"),
        ("VP of Sales & Marketing", "Vice President of Sales and Marketing"),
        ("Café Manager", "Cafe Mgr"),
        ("Registered Nurses", "RN"),
        ("Pharmacy Tech", "Pharmacy Technician"),
        ("Ｄａｔａ Ａｎａｌｙｓｔ", "data analyst"),  # full-width letters (NFKC)
        ("Mfg Engnr", "Manufacturing Engineer"),
        ("Cust Svc Rep", "Customer Service Representative"),
        ("Maint Supv", "Maintenance Supervisor"),
        ("Whse Assy Trng Coord", "Warehouse Assembly Training Coordinator"),
        ("Design ENGRs", "Design Engineer"),  # a plural abbreviation
        ("Food Service MGRs", "Food Service Managers"),
        ("Pharmacy Techs", "Pharmacy Technician"),
        ("HR Manager", "Human Resources Manager"),  # an expansion meets the index's own spelling
        ("Ops Manager", "Operations Manager"),
        ("Sys Admin", "Systems Administrator"),
    ],
)
def test_normalise_title_makes_variants_equal(a, b):
    assert normalise_title(a) == normalise_title(b)


def test_normalise_title_keeps_meaningful_differences():
    assert normalise_title("Sales Associate") == "sales associate"  # "sales" is not a plural
    assert normalise_title("Tech Lead") == "tech lead"  # "tech" expands only as a head noun
    assert normalise_title("C++ Developer") != normalise_title("C Developer")
    assert normalise_title("C# Developer") != normalise_title("C Developer")
    assert normalise_title("Business Analyst") == "business analyst"


def test_normalise_title_is_idempotent():
    for raw in ["Sr. Data Engineers (m/w/d)", "AI/ML Engineer", "Nurses & Aides", "Analytics Mgr", "HR Ops Techs"]:
        once = normalise_title(raw)
        assert normalise_title(once) == once


def test_every_abbreviation_expands_to_a_normalised_title():
    from jdclassify.titles import _ABBREVIATIONS

    assert {k: v for k, v in _ABBREVIATIONS.items() if normalise_title(v) != v} == {}


# -- parse: ≥ 30 messy titles; every cue's span points back into the raw title ------------------

CASES = [
    # raw, core, {kind: [(text, value), ...]} (only the kinds listed are checked)
    ("Senior Machine Learning Engineer - NLP (Remote)", "Machine Learning Engineer",
     {"seniority": [("Senior", "P4")], "specialisation": [("NLP", "nlp")], "noise": [("Remote", "work_mode")]}),
    ("Machine Learning IV", "Machine Learning", {"numeral": [("IV", "P4")]}),
    ("Software Engineer II - Backend", "Software Engineer", {"numeral": [("II", "P2")]}),
    ("Sr. Data Analyst | Acme Corp", "Data Analyst", {"seniority": [("Sr.", "P4")], "noise": [("Acme Corp", "company")]}),
    ("AI/ML Engineer", "AI/ML Engineer", {"role_part": []}),
    ("Accountant cum Cashier", "Accountant", {"role_part": [("Accountant", "accountant"), ("Cashier", "cashier")]}),  # India
    ("Registered Nurse (RN) - ICU - Nights - $5,000 Sign-On Bonus!", "Registered Nurse",
     {"specialisation": [("ICU", "icu")],
      "noise": [("RN", "restated"), ("Nights", "schedule"), ("$5,000 Sign-On Bonus", "sign_on_bonus"), ("!", "exclamation")]}),
    ("Softwareentwickler (m/w/d)", "Softwareentwickler", {"noise": [("(m/w/d)", "gender_tag")]}),
    ("Software Engineer (f/m/x) - Berlin", "Software Engineer", {"noise": [("(f/m/x)", "gender_tag"), ("Berlin", "location")]}),
    ("Warehouse Associate - $18/hr - Hiring Now!!!", "Warehouse Associate",
     {"noise": [("$18/hr", "salary"), ("Hiring Now", "urgency"), ("!!!", "exclamation")], "seniority": []}),
    ("Sales Associate", "Sales Associate", {"seniority": []}),
    ("Associate Data Scientist", "Data Scientist", {"seniority": [("Associate", "P1")]}),
    ("Principal", "Principal", {"seniority": []}),
    ("Principal Software Engineer", "Software Engineer", {"seniority": [("Principal", "P6")]}),
    ("Staff Nurse", "Staff Nurse", {"seniority": []}),
    ("Senior Staff Accountant", "Staff Accountant", {"seniority": [("Senior", "P4")]}),  # staff is the job's; senior is not
    ("Research Scientist, PhD Intern", "Research Scientist", {"employment_type": [("Intern", "internship")]}),
    ("Attorney, Contract Law", "Attorney", {"employment_type": []}),
    ("Intern - Marketing", "Marketing Intern", {"employment_type": [("Intern", "internship")]}),  # the job is in the segment
    ("Team Lead - Customer Service", "Customer Service Team Lead", {"seniority": [("Team Lead", "M1")]}),
    ("Executive Assistant to the CEO", "Executive Assistant", {"seniority": [("Assistant", "S1")], "noise": [("to the CEO", "reports_to")]}),
    ("Personal Assistant to Founder & CEO", "Personal Assistant", {"noise": [("to Founder & CEO", "reports_to")]}),
    ("Senior Staff Software Engineer", "Software Engineer", {"seniority": [("Senior Staff", "P6")]}),
    ("Staff Software Engineer, Infrastructure", "Software Engineer",
     {"seniority": [("Staff", "P5")], "specialisation": [("Infrastructure", "infrastructure")]}),
    ("Director, Product Management", "Product Management Director", {"seniority": [("Director", "M4")]}),
    ("Contract Specialist", "Contract Specialist", {"employment_type": []}),
    ("Java Developer (Contract)", "Java Developer", {"employment_type": [("Contract", "contract")]}),
    ("Data Analyst (6-month contract)", "Data Analyst",
     {"employment_type": [("contract", "contract")], "noise": [("6-month", "duration")]}),
    ("3D Artist", "3D Artist", {"numeral": []}),
    ("Web3 Developer", "Web3 Developer", {"numeral": []}),
    ("C++ Developer", "C++ Developer", {"numeral": []}),
    ("Class A CDL Driver", "Class A CDL Driver", {"numeral": [], "grade": []}),
    ("Engineer 2", "Engineer", {"numeral": [("2", "P2")]}),
    ("Support Engineer Level 3", "Support Engineer", {"grade": [("Level 3", "P3")]}),
    ("SDE II", "SDE", {"grade": [("SDE II", "P3")]}),
    ("Software Engineer L5", "Software Engineer", {"grade": [("L5", "P4")]}),
    ("Band 7 Nurse", "Nurse", {"grade": [("Band 7", "P4")]}),
    ("URGENT: Forklift Operator 🚀 Req #12345", "Forklift Operator",
     {"noise": [("URGENT", "urgency"), ("🚀", "emoji"), ("Req #12345", "req_id")]}),
    ("Customer Service Rep - Austin, TX", "Customer Service Rep", {"noise": [("Austin, TX", "location")]}),
    ("Registered Nurse Boston, MA", "Registered Nurse", {"noise": [("Boston, MA", "location")]}),  # a place it lists
    ("Chemist - Laval, QC", "Chemist", {"noise": [("Laval, QC", "location")]}),  # after a separator, any city
    # a state's code that is also a job's abbreviation, after the title's own words: not a place
    ("Manager, QC Chemistry Laboratory", "QC Chemistry Laboratory Manager", {"noise": [], "seniority": [("Manager", "M1")]}),
    ("Senior Manager, PR", "PR Senior Manager", {"noise": []}),
    ("Surgical Tech, OR", "Surgical Tech", {"noise": []}),
    ("Product Manager at Acme", "Product Manager", {"noise": [("at Acme", "company")]}),
    ("Senior Vice President of Sales", "Senior Vice President of Sales", {"seniority": [("Senior Vice President", "E4")]}),
    ("Temp Receptionist", "Receptionist", {"employment_type": [("Temp", "temporary")]}),
    ("Data Engineer JR-12345", "Data Engineer", {"noise": [("JR-12345", "req_id")]}),
    ("Marketing Manager £40k Hybrid", "Marketing Manager", {"noise": [("£40k", "salary"), ("Hybrid", "work_mode")]}),
    ("Remote Sensing Scientist", "Remote Sensing Scientist", {"noise": []}),
    ("Intern, Data Analytics (Summer 2027)", "Data Analytics Intern",
     {"employment_type": [("Intern", "internship")], "noise": [("Summer 2027", "date")]}),
    ("Dental Hygienist (Part-Time, Tue/Thu)", "Dental Hygienist",
     {"employment_type": [("Part-Time", "part_time")], "noise": [("Tue/Thu", "schedule")]}),
    ("Supervisor, 3rd Shift", "Supervisor", {"noise": [("3rd Shift", "schedule")]}),  # when, not which supervisor
    ("Supervisor - AM Shift", "Supervisor", {"noise": [("AM Shift", "schedule")]}),
    ("Team Leader - Early Start", "Team Leader", {"noise": [("Early Start", "schedule")]}),
    ("Cashier (Weekdays)", "Cashier", {"noise": [("Weekdays", "schedule")]}),
    ("Nurse - PM", "Nurse", {"noise": [], "specialisation": [("PM", "pm")]}),  # "PM" alone may be a project manager
    ("Assistant Professor of Biology", "Assistant Professor of Biology", {"seniority": []}),
    ("Head Chef", "Head Chef", {"seniority": [("Head", "M1")]}),  # leads the kitchen; stays in the title it names
    ("Head Nurse", "Head Nurse", {"seniority": [("Head", "M1")]}),
    ("Head of Marketing", "Head of Marketing", {"seniority": [("Head of", "M4")]}),
    ("Head Start Teacher", "Head Start Teacher", {"seniority": []}),  # a programme, not a rank
    ("Head Office Administrator", "Head Office Administrator", {"seniority": []}),
    ("Head and Neck Surgeon", "Head and Neck Surgeon", {"seniority": [], "role_part": []}),  # one job, not 'Head' + 'Neck Surgeon'
    ("Associate II", "Associate", {"seniority": [], "numeral": [("II", "P2")]}),  # a numeral after a job word keeps it the job
    ("Medical Assistant III", "Medical Assistant", {"numeral": [("III", "P3")]}),
    ("Sr. Mgr, Data Engineering", "Data Engineering Sr. Mgr", {"seniority": [("Sr. Mgr", "M3")]}),  # as "Senior Manager"
    ("Sr VP, Sales", "Sales Sr VP", {"seniority": [("Sr VP", "E4")]}),
    ("Product Mgr", "Product Mgr", {"seniority": []}),  # as "Product Manager": an individual role
    # a level word written after the job, as Spanish, Portuguese and French titles do, is no job noun
    ("Analista de Dados Sênior", "Analista de Dados", {"seniority": [("Sênior", "P4")]}),
    ("Analista de Dados Pleno", "Analista de Dados", {"seniority": [("Pleno", "P3")]}),
    ("Développeur Java confirmé (H/F)", "Développeur Java", {"seniority": [("confirmé", "P3")]}),
    ("Data Engineer, Senior", "Data Engineer", {"seniority": [("Senior", "P4")]}),
    ("Fresher Software Engineer", "Software Engineer", {"seniority": [("Fresher", "P1")]}),  # India: a new graduate
    ("Java Developer - Freshers", "Java Developer", {"seniority": [("Freshers", "P1")]}),
    ("Marketing Intern", "Marketing Intern", {"employment_type": [("Intern", "internship")]}),  # the intern is the job
    # French names the job first: "Assistant" before what qualifies it is the job, not a rung
    ("Assistant de direction", "Assistant de direction", {"seniority": []}),
    ("Assistant administratif", "Assistant administratif", {"seniority": []}),
    ("Assistant commercial", "Assistant commercial", {"seniority": []}),
    ("Assistant Commercial Manager", "Commercial Manager", {"seniority": [("Assistant", "S1"), ("Manager", "M1")]}),  # English: a rung
]


@pytest.mark.parametrize("raw, core, expected", CASES, ids=[c[0] for c in CASES])
def test_parse_title(parser, raw, core, expected):
    result = parser.parse(raw)
    assert result.core == core
    assert result.normalised == normalise_title(core)
    for kind, want in expected.items():
        assert cues_of(result, kind) == want, kind
    for cue in result.cues:
        assert raw[cue.start:cue.end] == cue.text
        assert cue.field == "title" and cue.lexicon_row


def test_several_roles_become_parts(parser):
    assert parser.parse("Data Scientist / ML Engineer").parts == ("Data Scientist", "ML Engineer")
    assert parser.parse("Data Scientist or Analyst").parts == ("Data Scientist", "Analyst")
    assert parser.parse("Part-Time Cashier/Stocker").parts == ("Cashier", "Stocker")
    assert parser.parse("AI/ML Engineer").parts == ()
    assert parser.parse("Research and Development Engineer").parts == ()


def test_lexicon_rows_name_their_source(parser):
    result = parser.parse("Senior Data Engineer II (Contract) - Req #991")
    rows = {c.kind: c.lexicon_row for c in result.cues}
    assert rows["seniority"] == "levels.yaml:word:senior"
    assert rows["numeral"] == "levels.yaml:numeral:II"
    assert rows["employment_type"] == "levels.yaml:employment_type:contract"
    assert rows["noise"] == "titles.py:noise:req_id"


def test_every_sample_title_parses_with_exact_spans(parser):
    import csv
    import json

    titles = []
    for line in (ROOT / "samples/postings/feed.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            titles.append(record.get("title") or record.get("job_title"))
    with open(ROOT / "samples/postings/board_export.csv", newline="", encoding="utf-8") as fh:
        titles += [row["job_title"] for row in csv.DictReader(fh)]
    assert len(titles) >= 30
    for raw in titles:
        result = parser.parse(raw)
        assert result.core.strip(), raw
        for cue in result.cues:
            assert raw[cue.start:cue.end] == cue.text, (raw, cue)


def test_hostile_titles_finish(parser):
    """Linear-time regexes: 100k-character adversarial titles parse (a quadratic pattern would hang here)."""
    for hostile in [" " * 100_000, "req" + " " * 100_000, "1," * 50_000, "a/" * 50_000, "(m/" * 30_000,
                    "II " * 30_000, "$1" + " " * 100_000 + "x", "!" * 100_000, "- " * 50_000]:
        result = parser.parse(hostile)
        assert all(hostile[c.start:c.end] == c.text for c in result.cues[:50])


# -- an in-memory lexicon: the parser only needs level cues ---------------------------------------


@dataclass(frozen=True)
class _Cue:
    kind: str
    pattern: str
    value: str
    lexicon_row: str


@dataclass(frozen=True)
class _Lexicons:
    level_cues: tuple
    levels: dict


def test_parser_uses_whatever_cues_the_lexicon_gives():
    lex = _Lexicons((
        _Cue("word", "ober", "P4", "test:ober"),
        _Cue("numeral", "II", "P2", "test:II"),
        _Cue("grade", r"G\d", "P3", "test:grade"),
        _Cue("employment_type", "gig", "contract", "test:gig"),
    ), {})
    result = TitleParser.build(lex).parse("Ober Barista II G7 (gig)")
    assert result.core == "Barista"
    assert {(c.kind, c.value) for c in result.cues} == {
        ("seniority", "P4"), ("numeral", "P2"), ("grade", "P3"), ("employment_type", "contract")}


@pytest.mark.parametrize("title, core", [
    ("Benefits Analyst", "benefit analyst"),
    ("Compensation and Benefits Specialist", "compensation and benefit specialist"),
    ("CDL Driver - Great Benefits", "cdl driver"),
    ("Line Cook (Benefits Included)", "line cook"),
])
def test_benefits_is_a_perk_only_when_the_title_offers_them(parser, title, core):
    assert parser.parse(title).normalised == core


@pytest.mark.parametrize("pattern, needle", [
    (r"Level\s*3", "level"), (r"SDE[\s-]*(?:III|3)", "sde"), ("IC4", "ic4"), (r"Levels?\s*2", "level"),
    (r"(?:GS|GG)-\d+", ""), ("L3|Grade 3", ""), (r"x{2}", ""),
])
def test_a_grade_runs_only_when_its_literal_start_is_in_the_title_and_always_when_that_is_unsure(pattern, needle):
    from jdclassify.titles import _literal_prefix

    assert _literal_prefix(pattern) == needle


@pytest.mark.parametrize("title, grade", [
    ("Software Engineer - level 3", ("level 3", "P3")), ("SDE II", ("SDE II", "P3")),
    ("Data Scientist IC4", ("IC4", "P4")), ("Nurse Band 6", ("Band 6", "P3")),
])
def test_grades_are_found_whatever_their_case(parser, title, grade):
    assert cues_of(parser.parse(title), "grade") == [grade]



# -- gates: skipping a scan a title cannot match changes no parse ----------------------------------------


def _ungated(parser: TitleParser) -> TitleParser:
    """The parser as before its gates: every noise and structure scan runs, and level patterns are chosen by an
    ``in`` test per needle."""
    import re
    import types
    from itertools import chain

    reference = TitleParser.build(load_lexicons())
    reference._gates = dict.fromkeys(parser._gates, re.compile(""))
    by_needle: dict[str, list[int]] = {}
    for i, p in enumerate(reference._scanned):
        by_needle.setdefault(p.needle, []).append(i)
    always = by_needle.pop("", [])

    def gated(self, low):
        present = sorted(chain(always, *(ix for needle, ix in by_needle.items() if needle in low)))
        return [self._scanned[i] for i in present]

    reference._gated = types.MethodType(gated, reference)
    return reference


@pytest.fixture(scope="module")
def ungated(parser) -> TitleParser:
    return _ungated(parser)


def _real_titles() -> list[str]:
    import csv

    with open(ROOT / "lexicons" / "title_aliases.csv", encoding="utf-8") as fh:
        return sorted({row["alias"] for row in csv.DictReader(fh)})


REAL_TITLES = _real_titles()
_DECORATIONS = ["{} - Remote (m/w/d)", "Sr. {} | Acme", "{}, Level II [Req #12345] $45/hr!", "{} at Big Co",
                "Urgently hiring: {} – Austin, TX 🚀", "{} (Contract) - Nights", "{} - 2026 Summer Intern",
                "Executive Assistant to the CEO {}", "{} + Sign-on Bonus of $5,000", "ＳＲ {} ı İ ſ K \ud800"]


def test_real_titles_parse_as_without_gates(parser, ungated):
    """Every fourth O*NET and canon alias (~19,000), plain and decorated with noise, separators and odd characters."""
    for i, title in enumerate(REAL_TITLES[::4]):
        for raw in (title, _DECORATIONS[i % len(_DECORATIONS)].format(title)):
            assert parser._parse(raw) == ungated._parse(raw), raw


_TITLE_TEXT = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzSIVX0123456789 -–—|:,/()[]{}#$!+.&@'")
                                               + ["\u0130", "\u0131", "\u017f", "\u212a", "\xa0", "\U0001F680", "ß", "é", "\u0663"]),
                      max_size=40)


@given(prefix=_TITLE_TEXT, title=st.sampled_from(REAL_TITLES), suffix=_TITLE_TEXT,
       words=st.lists(st.sampled_from(["senior", "sr.", "remote", "hiring", "bonus", "to", "at", "benefits", "intern",
                                       "contract", "level", "ic4", "staff", "head", "vp", "2026", "TX", "home"]), max_size=4))
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_decorated_titles_parse_as_without_gates(parser, ungated, prefix, title, suffix, words):
    raw = " ".join([prefix, *words, title, suffix])
    assert parser._parse(raw) == ungated._parse(raw), raw


@pytest.mark.parametrize(("title", "core"), [
    (".NET Developer", ".NET Developer"),  # the dot starts the word
    ("Senior .Net Engineer (Remote)", ".Net Engineer"),
    ("Developer.", "Developer"),  # a trailing dot is punctuation
    ("... Developer", "Developer"),
])
def test_a_word_that_starts_with_a_dot_keeps_it_in_the_core(parser, title, core):
    assert parser.parse(title).core == core
