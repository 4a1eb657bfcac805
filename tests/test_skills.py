"""Skill hits with case/context rules, negation and requirement; the DescriptionAnalyzer entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from jdclassify.lexicons import load_lexicons
from jdclassify.records import Posting
from jdclassify.skills import DescriptionAnalyzer, _blank

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def analyzer() -> DescriptionAnalyzer:
    return DescriptionAnalyzer(load_lexicons())


def skills(analyzer, text, **posting):
    return analyzer.analyze(Posting(id="t", title="", description=text, **posting)).skills


def ids(analyzer, text):
    return {c.value for c in skills(analyzer, text)}


@pytest.mark.parametrize(
    "text, skill_id",
    [
        ("Strong programming skills in R and Python.", "canon:r"),
        ("Experience with R programming.", "canon:r"),
        ("Backend services in Go (Golang).", "canon:go"),
        ("Advanced Excel (pivot tables, VLOOKUP).", "canon:excel"),
        ("Big data tools: Spark, Kafka, Hive.", "canon:apache-spark"),
        ("Languages: C, C++ and Rust.", "canon:c"),
        ("Statistical software such as SAS or SPSS.", "canon:sas"),
    ],
)
def test_ambiguous_names_hit_where_they_mean_the_skill(analyzer, text, skill_id):
    assert skill_id in ids(analyzer, text)


@pytest.mark.parametrize(
    "text, skill_id",
    [
        ("You will excel at building relationships.", "canon:excel"),
        ("Own our go to market plan.", "canon:go"),
        ("Present to the C suite and the C-suite alike.", "canon:c"),
        ("We spark curiosity in every child.", "canon:apache-spark"),
        ("Staff have access to the gym.", "canon:access"),
        ("A swift response to customers.", "canon:swift"),
        ("Our R&D team is growing.", "canon:r"),
        ("Clean the blender and the mixer after each shift.", "onet:43232102:blender"),
        # O*NET products named by a word O*NET's own task statements use (scripts/build_lexicons.py ORDINARY_IN_TASKS)
        ("Analyze student assessment data with teachers and plan interventions.", "onet:43232605:analyze"),
        ("Route incoming calls and dig trenches for the new water main.", "onet:43232801:route"),
        ("Dig trenches for the new water main.", "onet:43232801:dig"),
    ],
)
def test_ordinary_words_are_not_skills(analyzer, text, skill_id):
    assert skill_id not in ids(analyzer, text)


def test_longest_match_wins_and_spans_are_exact(analyzer):
    text = "Build pipelines on Apache Spark and Microsoft Excel dashboards."
    hits = skills(analyzer, text)
    assert [c.text for c in hits] == ["Apache Spark", "Microsoft Excel"]
    for c in hits:
        assert text[c.start:c.end] == c.text and c.kind == "skill" and c.field == "description"
        assert c.lexicon_row.startswith("skills.csv:")


def test_negation_and_preferred(analyzer):
    text = ("Requirements:\n- Python and SQL\n- No Java required\n\nNice to have:\n- Kubernetes\n"
            "- Tableau is a plus\n")
    by_text = {c.text: c for c in skills(analyzer, text)}
    assert by_text["Python"].attr("requirement") == "required"
    assert by_text["Python"].attr("negated") == ""
    assert by_text["Java"].attr("negated") == "true"
    assert by_text["Kubernetes"].attr("requirement") == "preferred"
    assert by_text["Tableau"].attr("requirement") == "preferred"


def test_boilerplate_is_not_read(analyzer):
    text = "Use Python daily. We are an equal opportunity employer; we love Excel spreadsheets."
    start = text.index("We are")
    hits = skills(analyzer, text, boilerplate=((start, len(text)),))
    assert [c.text for c in hits] == ["Python"]


def test_years_attach_to_the_skill_they_name(analyzer):
    cues = analyzer.analyze(Posting(id="t", title="", description="- 3+ years of Python\n- 5+ years of experience overall"))
    assert [(c.value, c.attr("skill")) for c in cues.years] == [("3", "canon:python"), ("5", "")]
    assert cues.years_experience_min == 5


def test_analyze_many_keeps_order_and_matches_analyze(analyzer):
    postings = [Posting(id=str(i), title="", description=d) for i, d in
                enumerate(["Python and SQL", "", "Kubernetes and Docker", "Bachelor's degree required"])]
    many = list(analyzer.analyze_many(postings))
    assert many == [analyzer.analyze(p) for p in postings]
    assert many[3].education.level == "bachelor"


def test_analyze_many_streams_a_long_feed(analyzer):
    pulled = []

    def feed():
        for i in range(1000):
            pulled.append(i)
            yield Posting(id=str(i), title="", description="Python and SQL, 3+ years")

    first = next(analyzer.analyze_many(feed()))
    assert [c.value for c in first.skills] == ["canon:python", "canon:sql"]
    assert len(pulled) == 1


def test_hits_start_and_end_on_token_boundaries(analyzer):
    """A name glued to a suffix by a hyphen or an apostrophe is found; a name inside a longer word is not."""
    assert ids(analyzer, "Our C++-based engine and C#-based tools; Python's typing.") >= {"canon:cpp", "onet:43232405:csharp", "canon:python"}
    assert not {"canon:python", "canon:typescript"} & ids(analyzer, "Write pythonic code in typescripts.")
    text = "İstanbul office: Python and SQL."
    assert [(c.text, text[c.start:c.end]) for c in skills(analyzer, text)] == [("Python", "Python"), ("SQL", "SQL")]


def test_main_skills_of_sample_postings(analyzer):
    pytest.importorskip("extruct")
    from jdclassify.io.readers import read_postings

    postings = {p.id: p for p in read_postings([ROOT / "samples/postings"]) if isinstance(p, Posting)}
    expect = {
        "BE-2003": {"canon:go", "canon:postgresql", "canon:kafka", "canon:docker", "canon:kubernetes", "canon:aws"},
        "BE-2001": {"canon:power-bi", "canon:sql", "canon:tableau"},
        "fd-1001": {"canon:python", "canon:pytorch", "canon:apache-spark", "canon:kubernetes"},
        "TS-4410": {"canon:python", "canon:go", "canon:cpp", "canon:kubernetes", "canon:cuda"},
    }
    for pid, want in expect.items():
        cues = analyzer.analyze(postings[pid])
        assert want <= {c.value for c in cues.skills}, pid
    chef = analyzer.analyze(postings["BE-2007"])
    assert "canon:chef" not in {c.value for c in chef.skills}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\r\t\u2028\u00e9\u0130"), max_size=60),
       st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70)), max_size=4))
def test_blanking_boilerplate_replaces_every_character_but_line_breaks_with_a_space(text, spans):
    """_blank keeps offsets and line breaks (as ``re.sub(r"[^\\n]", " ", span)`` would) and nothing else of a span."""
    blanked = _blank(text, tuple(spans))
    assert len(blanked) == len(text)
    covered = {i for a, b in spans for i in range(max(a, 0), min(b, len(text)))}
    for i, (was, now) in enumerate(zip(text, blanked)):
        assert now == (was if i not in covered or was == "\n" else " "), i
