"""Level decisions as a recruiter would check them: title first, then years, then the occupation's usual entry."""

import pytest

from jdclassify.levels import decide_level, level_for_years, normalise_employment_type
from jdclassify.lexicons import load_lexicons
from jdclassify.records import Cue, DescriptionCues
from jdclassify.titles import TitleParser


@pytest.fixture(scope="module")
def lexicons():
    return load_lexicons()


@pytest.fixture(scope="module")
def parse(lexicons):
    return TitleParser.build(lexicons).parse


@pytest.mark.parametrize(
    "title, level",
    [
        ("Senior Machine Learning Engineer", "P4"),
        ("Machine Learning IV", "P4"),  # the seed's numeral alias
        ("Sr. Data Engineer (m/w/d) - Remote", "P4"),
        ("SDE II", "P3"),
        ("Principal Engineer", "P6"),
        ("Director of Data Science", "M4"),
        ("VP Data & AI", "E3"),
        ("CFO", "E4"),
        ("Senior Product Manager", "P4"),  # an individual role: "Manager" is its job word, "Senior" its level
        ("Associate Product Manager", "P1"),
        ("Engineering Manager", "M1"),
        ("Co-Founder & CEO", "E4"),
        ("Associate Data Scientist", "P1"),
    ],
)
def test_title_cue_decides(lexicons, parse, title, level):
    label, _ = decide_level(parse(title), DescriptionCues(), lexicons, "X")
    assert label.value == level
    assert "title" in label.rule and 0.0 <= label.confidence <= 1.0


@pytest.mark.parametrize(
    "title, level",
    [
        ("Senior Analyst II", "P4"),  # a step within senior, not a P2
        ("Principal Engineer I", "P6"),
        ("Lead DevOps Engineer 2", "P5"),
        ("Senior Manager II", "M3"),
        ("Sales Associate II", "P2"),  # "Associate" is a job word here; the numeral names the rung
        ("Senior Cloud Architect IV", "P4"),
        ("Accountant II", "P2"),
        ("Director II", "M4"),
        ("Technical Program Manager III", "P3"),  # a generic manager word yields to the numeral
        ("Supervisor II", "M1"),  # a word naming the first rung itself does not: a step within it
        ("Team Lead I", "M1"),
        ("Administrative Assistant III", "P3"),
    ],
)
def test_numeral_and_seniority_word_together(lexicons, parse, title, level):
    label, _ = decide_level(parse(title), DescriptionCues(), lexicons, "X")
    assert label.value == level, label.rule


@pytest.mark.parametrize("title", ["Werkstudent Data Science", "Praktikant Marketing (m/w/d)", "Stagiaire Data Analyst"])
def test_internships_in_other_languages(lexicons, parse, title):
    label, employment_type = decide_level(parse(title), DescriptionCues(), lexicons, "X")
    assert (label.value, employment_type) == ("P1", "internship")


def test_internship_is_an_employment_type_at_p1(lexicons, parse):
    label, employment_type = decide_level(parse("Intern, Data Analytics (Summer 2027)"), DescriptionCues(), lexicons, "X")
    assert (label.value, employment_type) == ("P1", "internship")


def test_years_decide_when_the_title_is_silent(lexicons, parse):
    label, _ = decide_level(parse("Data Engineer"), DescriptionCues(years_experience_min=5), lexicons, "X")
    assert label.value == "P4" and "5+ years" in label.rule


def test_generic_manager_refined_by_years_and_reports(lexicons, parse):
    desc = DescriptionCues(years_experience_min=9, manages_people=True)
    label, _ = decide_level(parse("Engineering Manager"), desc, lexicons, "X")
    assert label.value == "M3" and "refined" in label.rule


@pytest.mark.parametrize(("text", "level", "why"), [
    ("You will lead a team of five backend engineers. 9+ years of Java.", "M1", "a team of 5"),  # the span, not the years
    ("Manage a team of twelve chemists and two technicians.", "M2", "a team of 12"),
    ("You will lead a staff of approximately 48 FTEs.", "M2", "a team of 48"),
    ("Ten people report directly to you: writers, designers and analysts. 9+ years of marketing.", "M2", "a team of 10"),
    ("Four technicians will report to you. 9+ years of experience.", "M1", "a team of 4"),
    ("You will manage two managers and lead five directors.", "M3", "managing managers"),
    # what the candidate has done or might have is not the job's span: 9+ years decide
    ("Lead a team of 3 analysts. 9+ years of experience, including experience managing managers.", "M1", "a team of 3"),
    ("Lead our ML team; hiring and performance reviews. Nice to have: a team of 20 once led. 9+ years of experience.", "M3", "9+ years"),
])
def test_a_generic_manager_is_placed_by_the_span_the_description_gives(lexicons, parse, text, level, why):
    from jdclassify.experience import read_experience

    e = read_experience(text)
    desc = DescriptionCues(years_experience_min=e.years_experience_min, manages_people=e.manages_people, management=e.management)
    label, _ = decide_level(parse("Engineering Manager"), desc, lexicons, "X")
    assert (label.value, why in label.rule) == (level, True), label.rule
    junior, _ = decide_level(parse("Junior Engineering Manager"), desc, lexicons, "X")
    assert junior.value == "M1"  # the title's own "Junior" keeps it on the first rung


@pytest.mark.parametrize("title", ["Team Lead, Data Platform", "Shift Supervisor", "Teamleiter Softwareentwicklung (m/w/d)"])
def test_a_first_line_title_stays_m1_whatever_the_years(lexicons, parse, title):
    desc = DescriptionCues(years_experience_min=9, manages_people=True)
    label, _ = decide_level(parse(title), desc, lexicons, "X")
    assert label.value == "M1" and "refined" not in label.rule


def test_conflicting_years_lower_confidence_but_title_wins(lexicons, parse):
    agree, _ = decide_level(parse("Senior Data Scientist"), DescriptionCues(years_experience_min=6), lexicons, "X")
    clash, _ = decide_level(parse("Senior Data Scientist"), DescriptionCues(years_experience_min=1), lexicons, "X")
    assert agree.value == clash.value == "P4"
    assert clash.confidence < agree.confidence
    assert any("kept" in e for e in clash.evidence)


def test_body_phrase_then_job_zone_default(lexicons, parse):
    phrase = Cue(kind="level_phrase", text="entry level", value="P1", field="description", start=0, end=11)
    label, _ = decide_level(parse("Warehouse Worker"), DescriptionCues(level_phrases=(phrase,)), lexicons, "X")
    assert label.value == "P1"
    frontline, _ = decide_level(parse("Cashier"), DescriptionCues(), lexicons, "X", job_zone=1)
    assert frontline.value == "S1" and frontline.confidence < 0.5


def test_years_ladder(lexicons):
    assert [level_for_years(y, lexicons.levels) for y in (0, 2, 3, 5, 9, 14, 40)] == ["P1", "P2", "P3", "P4", "P5", "P6", "P6"]


@pytest.mark.parametrize("raw, ours", [
    ("FULL_TIME", "full_time"), ("Part-time", "part_time"), ("CONTRACTOR", "contract"), ("INTERN", "internship"), ("FT", "full_time"),
    ("Permanent, full time", "full_time"), ("Vollzeit / Full-time", "full_time"), ("Full-time (10-month)", "full_time"),
    ("Tiempo completo", "full_time"), ("CDI", "full_time"), ("CLT - Tempo integral", "full_time"), ("Werkstudent (20h/Woche)", "internship"),
    ("Full-time, Contract", "contract"), ("whatever", ""), ("", ""),
])
def test_feed_employment_types(lexicons, raw, ours):
    assert normalise_employment_type(raw, lexicons.employment_types) == ours
