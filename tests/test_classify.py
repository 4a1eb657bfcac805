import re

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from jdclassify.records import Classification, Posting, QuarantineRecord
from jdclassify.settings import Settings

pytest.importorskip("jdclassify.skills")


@pytest.fixture(scope="module")
def clf():
    from jdclassify import Classifier

    return Classifier.load(Settings(fuzzy_cutoff=0.5, nlp_batch_size=7))


def test_seed_senior_machine_learning_engineer_is_aimlam_gen_p4(clf):
    c = clf.classify(Posting(id="1", title="Senior Machine Learning Engineer"))
    assert (c.role.value, c.level.value, c.canon_code) == ("AIMLAM.GEN", "P4", "AIMLAM.GEN.P4")
    assert c.onet.value == clf.lexicons.roles["AIMLAM.GEN"].onet_code
    assert "canon alias" in c.role.rule and any("title_aliases.csv:" in e for e in c.role.evidence)


def test_engineer_is_decided_by_its_description(clf):
    cloud = clf.classify(Posting(id="a", title="Engineer", description=(
        "You will run Kubernetes clusters, write Terraform, build CI/CD pipelines and keep our AWS cloud "
        "infrastructure reliable. Linux, Docker and Python scripting.")))
    civil = clf.classify(Posting(id="b", title="Engineer", description=(
        "Design bridges, roads and drainage structures in AutoCAD and Civil 3D; prepare construction "
        "drawings, inspect construction sites and check structural calculations.")))
    assert cloud.onet.value[:2] == "15"
    assert civil.onet.value[:2] == "17"


_TEAMS = {  # a team the description says the job leads -> (the start of) its first-line supervisors' code (SOC's rule)
    "Supervise the cooks and food preparation workers of our restaurant kitchen, order food supplies, check food "
    "safety and hygiene, schedule kitchen staff and train new prep cooks.": "35-10",
    "Supervise our housekeeping room attendants and janitors: inspect guest rooms and public areas for cleanliness, "
    "assign cleaning duties, order linens and cleaning supplies, and train new housekeepers.": "37-10",
    "Supervise the assemblers and machine operators on our production line: set daily production schedules, check "
    "product quality, keep machines running with maintenance, train operators and enforce plant safety rules.": "51-10",
    "Lead a crew of six freight handlers on our receiving dock. The crew unloads trailers by hand and with pallet jacks, "
    "checks cartons against the bill of lading, stacks and wraps pallets and moves freight to the racks; you will "
    "assign doors, set the unloading order, train new handlers and unload trailers alongside them.": "53-1042.00",
    "Lead a team of six cashiers at our grocery store: they ring up purchases, bag groceries, take payments and count "
    "their tills; you will open and close registers, handle refunds and price checks, schedule breaks, train new "
    "cashiers and run a register when lines are long.": "41-1011.00",
}


@pytest.mark.parametrize("title", ["Supervisor", "Team Leader (Days)", "Team Lead", "Supervisor (Nights)"])
def test_a_first_line_rank_alone_supervises_the_workers_its_description_describes(clf, title):
    for description, code in _TEAMS.items():
        c = clf.classify(Posting(id="a", title=title, description=description))
        assert c.onet.value.startswith(code), (description, c.onet.value)
        assert c.onet.rule.startswith("vague title ('supervisor' ends aliases of ")
        assert "supervisors by their workers' SOC major group" in c.onet.rule
    assert "the description decides among the" in clf.explain(title, description)


@pytest.mark.parametrize("title", ["Supervisor", "Director"])
def test_a_vague_title_alone_is_a_guess_that_needs_review_not_its_one_alias(clf, title):
    c = clf.classify(Posting(id="a", title=title))  # O*NET spells one alias so: Social Workers, All Other; Producers
    assert c.needs_review and c.onet.confidence < clf.settings.review_threshold
    assert c.onet.rule.startswith(f"vague title ('{title.lower()}') and no description")


def test_a_title_that_names_only_a_level_is_decided_by_its_description_alone(clf):
    newsroom = ("Report and write news stories for our newspaper and website: interview sources, attend city council "
                "meetings, research public records, write articles on deadline and take photographs for the stories.")
    c = clf.classify(Posting(id="a", title="Intern (Summer 2027)", description=newsroom))
    assert c.onet.value == "27-3023.00"  # no alias ending in "intern" is a reporter's
    assert c.onet.rule.startswith("description only: the title names a level, not a job")
    assert "names a level, not a job" in clf.explain("Intern", newsroom)


_DATA_WORK = ("Our data scientists and machine learning engineers build forecasting and recommendation models in Python, "
              "Spark and Databricks on Snowflake, and ship them to production with MLflow and Kubernetes.")
_LEADS = " You will lead five directors and senior managers, hire and coach the team and own its budget."


@pytest.mark.parametrize("title", ["VP, Data & AI", "Director of Data Science"])
def test_a_manager_is_not_taken_for_the_team_whose_work_the_description_describes(clf, title):
    c = clf.classify(Posting(id="1", title=title, description=_DATA_WORK + _LEADS))
    assert c.onet.value == "11-3021.00" and c.level.value[0] in "ME"
    assert any("as 15-2051.00 (related_occupations.csv:" in e and "an occupation it leads" in e for e in c.onet.evidence)
    assert "leads people" in clf.explain(title, _DATA_WORK + _LEADS)


@pytest.mark.parametrize(("title", "description"), [
    ("VP, Data & AI", _DATA_WORK),  # a rank, but no one to manage in the description
    ("Lead Data Scientist", _DATA_WORK + _LEADS),  # people to lead, but the title's rank is an individual's
])
def test_only_a_managers_title_and_a_description_that_manages_people_read_the_teams_work_as_the_managers(clf, title, description):
    assert clf.classify(Posting(id="1", title=title, description=description)).onet.value == "15-2051.00"


def test_a_comma_specialisation_that_names_a_role_is_that_role(clf):
    inverted = clf.classify({"id": "1", "title": "Software Engineer, Machine Learning"})
    assert (inverted.role.value, inverted.onet.value) == ("SWEML.GEN", "15-2051.00")
    plain = clf.classify({"id": "2", "title": "Software Engineer, Payments"})  # no such role: the core decides
    assert plain.role.value == "SWENG.GEN"


@pytest.mark.parametrize(("title", "role"), [("Ingeniero de Datos", "DATENG.GEN"), ("Ingénieur Logiciel", "SWENG.GEN"),
                                           ("Softwareentwickler (m/w/d)", "SWENG.GEN"), ("Científica de Datos", "DATSCI.GEN")])
def test_title_words_of_other_languages_are_understood(clf, title, role):
    assert clf.classify({"id": "1", "title": title}).role.value == role


@pytest.mark.parametrize(("title", "onet"), [
    ("Gesundheits- und Krankenpfleger (m/w/d)", "29-1141.00"),  # a listed phrase
    ("Chef de projet informatique (H/F)", "15-1299.09"),  # a phrase, not a chef
    ("Leiter Vertrieb (m/w/d)", "11-2022.00"),  # the German job noun first
    ("Staplerfahrer (m/w/d)", "53-7051.00"),  # a compound the lexicon does not list
    ("Vrachtwagenchauffeur", "53-3032.00"),
    ("Kellner (m/w/d)", "35-3031.00"),  # was Tool and Die Makers at 0.84: "kellner" read as a typo of an English word
])
def test_titles_of_other_languages_get_the_occupation_they_name(clf, title, onet):
    assert clf.classify({"id": "1", "title": title}).onet.value == onet


@pytest.mark.parametrize(("title", "level", "employment_type"), [
    ("Leiter Vertrieb (m/w/d)", "M1", ""),
    ("Responsable RH (H/F)", "M1", ""),
    ("Directeur commercial (H/F)", "M4", ""),
    ("Desarrollador Semi Senior", "P3", ""),  # not "Senior": Latin America's mid level
    ("Auszubildender Elektroniker (m/w/d)", "P1", "internship"),  # an apprenticeship
    ("Estagiário de TI", "P1", "internship"),
    ("Verkäufer in Teilzeit (m/w/d)", "S1", "part_time"),
])
def test_levels_and_employment_types_are_read_in_other_languages(clf, title, level, employment_type):
    c = clf.classify({"id": "1", "title": title})
    assert (c.level.value, c.employment_type) == (level, employment_type)


def test_a_replaced_classifier_does_not_reuse_the_title_decisions_of_the_one_it_was_made_from(clf):
    from dataclasses import replace

    title = {"id": "1", "title": "Drone Fleet Logistics Coordinator"}  # no alias: the ranker decides
    assert "learned ranker" in clf.classify(title).onet.rule
    assert "learned ranker" not in replace(clf, ranker=None).classify(title).onet.rule  # was the cached decision


def test_years_of_experience_written_in_german_set_the_level(clf):
    c = clf.classify({"id": "1", "title": "Softwareentwickler (m/w/d)",
                      "description": "Ihr Profil: mindestens 6 Jahre Berufserfahrung in der Softwareentwicklung mit Java."})
    assert (c.years_experience_min, c.level.value) == (6, "P4") and "6+ years" in c.level.rule


def test_a_posting_with_nothing_to_go_on_is_unknown_not_guessed(clf):
    c = clf.classify({"id": "u1", "title": "xqzv blorp", "description": ""})
    assert c.role.value == "UNKNOWN" and c.onet.value == "" and c.onet.confidence == 0.0
    assert c.needs_review and "no title candidate" in c.role.rule
    assert c.canon_code == ""


def test_alternatives_and_evidence_are_filled_for_an_ambiguous_title(clf):
    c = clf.classify(Posting(id="2", title="Analyst"))
    assert len(c.onet_alternatives) == 2 and all(a.code != c.onet.value for a in c.onet_alternatives)
    assert c.onet.evidence and c.onet.rule


def test_explain_names_cues_candidates_and_rules(clf):
    text = clf.explain("Sr. Data Scientist (Remote)", "Python, SQL and machine learning models.")
    assert "seniority" in text and "title_aliases.csv:" in text and "rule:" in text
    assert "looked up as" not in text  # looked up as written


def test_explain_shows_what_the_description_says(clf):
    text = clf.explain("Teamleiter Softwareentwicklung (m/w/d)",
                       "Ihr Profil: Abgeschlossenes Studium der Informatik. Mindestens 6 Jahre Berufserfahrung in Java. "
                       "Sie übernehmen die disziplinarische Führung eines Teams von 8 Entwicklern. Kotlin ist von Vorteil.")
    assert "description years: minimum 6 from '6 Jahre' required" in text
    assert "description education: bachelor (required) from 'Abgeschlossenes Studium' bachelor required" in text
    assert "description manages people: yes from 'disziplinarische Führung'" in text
    assert "level: M1" in text


def test_explain_says_how_the_title_was_looked_up_when_that_is_not_as_written(clf):
    assert "looked up as: 'bookkeeper'" in clf.explain("Book Keeper")
    assert "looked up as: 'data engineer'" in clf.explain("Ingeniero de Datos")


@pytest.mark.parametrize(("title", "minor"), [
    ("Senior iOS Engineer", "15-125"),  # was Civil Engineers: only the bare "Engineer" alias matched
    ("Kubernetes Engineer", "15-129"),
    ("Workday Analyst", "15-121"),
    (".NET Developer", "15-125"),  # the dot starts the word: not "Net Developer"
    ("Senior Engineer, Android", "15-125"),  # a bare job noun with the technology after it, in any form
    ("Engineer - Kubernetes", "15-129"),
    ("Analyst (Workday)", "15-121"),
])
def test_a_technology_named_in_a_title_makes_it_a_computer_occupation(clf, title, minor):
    assert clf.classify({"id": "t", "title": title}).onet.value.startswith(minor)


@pytest.mark.parametrize(("title", "onet", "level"), [
    ("Head of Finance", "11-3031.00", "M4"),  # was Computer and Information Systems Managers, by "Head of AI"
    ("VP of Operations", "11-1021.00", "E3"),  # was Chief Executives
    ("Director of Operations", "11-1021.00", "M4"),  # was Media Technical Directors
    ("VP, Data & AI", "11-3021.00", "E3"),  # the rank written first, before a comma (was Data Scientists)
    ("Deputy Manager - Sales", "11-2022.00", "M1"),  # India's ranks (was Police and Sheriff's Patrol Officers)
    ("AGM - Finance", "11-3031.00", "M3"),  # Assistant General Manager (was unknown)
    ("DGM Finance", "11-3031.00", "M4"),  # Deputy General Manager (was Business Teachers, Postsecondary)
])
def test_a_rank_before_of_leads_the_function_that_follows(clf, title, onet, level):
    c = clf.classify({"id": "t", "title": title})
    assert (c.onet.value, c.level.value) == (onet, level)
    assert "read as its manager" in clf.explain(title)


def test_explain_names_the_technology_a_title_was_read_by(clf):
    text = clf.explain("Senior iOS Engineer")
    assert "looked up as: 'mobile application engineer'" in text
    assert re.search(r"technology 'ios' read as 'mobile application' \(title_technologies\.yaml:\d+\)", text)


def test_to_frame_has_one_row_per_classification(clf):
    results = list(clf.classify_many([Posting(id="x", title="Registered Nurse"), Posting(id="y", title="Data Analyst")]))
    frame = clf.to_frame(results)
    assert list(frame["id"]) == ["x", "y"]
    assert frame["onet_confidence"].between(0, 1).all()


items = st.one_of(
    st.builds(Posting, id=st.text(min_size=1, max_size=8), title=st.text(max_size=40), description=st.text(max_size=200)),
    st.builds(QuarantineRecord, reason=st.just("malformed_json"), detail=st.text(max_size=10), source=st.just("f"),
              line=st.integers(0, 9), excerpt=st.text(max_size=10)),
    st.fixed_dictionaries({"id": st.text(max_size=5), "title": st.one_of(st.text(max_size=30), st.integers())}),
)


@given(st.lists(items, max_size=20))
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_classify_many_conserves_records_and_keeps_confidences_in_unit_interval(clf, batch):
    out = list(clf.classify_many(batch))
    assert len(out) == len(batch)
    for item, result in zip(batch, out):
        if isinstance(item, QuarantineRecord):
            assert result is item
        assert isinstance(result, (Classification, QuarantineRecord))
        if isinstance(result, Classification):
            for label in (result.role, result.onet, result.level):
                assert 0.0 <= label.confidence <= 1.0
            assert all(0.0 <= a.confidence <= 1.0 for a in result.onet_alternatives)


def test_a_repeated_title_gets_its_occupation_once_and_its_level_from_its_own_words(clf):
    plain, senior = clf.classify_many([Posting(id="1", title="Accountant"), Posting(id="2", title="Senior Accountant")])
    again = clf.classify(Posting(id="3", title="Accountant"))
    assert plain.onet == senior.onet == again.onet and plain.role == senior.role
    assert plain.level != senior.level and senior.level.value == "P4"
    assert plain.candidates is again.candidates  # decided once, shared


_LABELS_SCRIPT = """
import json, sys
from jdclassify import Classifier
clf = Classifier.load()
titles = ["Head of Buyer - Level 3", "Sr Data Engnr", "Registered Nurse, ICU", "Head of Economist", "Ingeniero de Datos"]
for c in clf.classify_many([{"id": str(i), "title": t} for i, t in enumerate(titles)]):
    print(repr((c.role, c.level, c.onet, c.onet_alternatives)))
"""


def test_labels_and_confidences_are_identical_across_processes(tmp_path):
    """A rerun must reproduce its output exactly: no float summed in a hash-seeded set order."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "JDCLASSIFY_CACHE_DIR": str(tmp_path / seed)}
        outputs.add(subprocess.run([sys.executable, "-c", _LABELS_SCRIPT], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(outputs) == 1 and "15-1243.00" in outputs.pop()  # 'Ingeniero de Datos': a data engineer


@pytest.mark.parametrize("title, read", [
    ("Ingeniero de Datos", "data engineer"), ("Ingénieur Logiciel", "software engineer"),
    ("Desarrollador Backend", "backend developer"), ("Chef de Cuisine", "chef de cuisine"),  # English already
])
def test_a_title_of_a_noun_first_language_is_read_in_english_order(clf, title, read):
    assert clf.matcher.read_title(clf.parser.parse(title)) == read


def test_a_known_alias_gets_its_own_code_not_its_neighbours(clf):
    c = clf.classify({"id": "1", "title": "Occupational Therapist Aide"})
    assert c.onet.value == "31-2012.00" and c.onet.rule.startswith("exact title alias")


def test_a_known_alias_of_several_codes_is_decided_among_them_and_is_less_sure(clf):
    """'Project Manager' names 11-9041, 11-9199 and 13-1082; 'Occupational Therapist Aide' names one code."""
    several = clf.classify({"id": "1", "title": "Project Manager"})
    one = clf.classify({"id": "2", "title": "Occupational Therapist Aide"})
    named = {a.onet_code for a in clf.lexicons.aliases if a.alias == "Project Manager"}
    assert len(named) >= 3 and several.onet.value in named
    assert several.onet.rule.startswith(f"exact title alias (a known alias) naming {len(named)} codes, learned ranker among them")
    assert several.onet.confidence < one.onet.confidence
    assert one.onet_alternatives and all(a.confidence == 0.0 for a in one.onet_alternatives)  # ruled out, not 0.25


def test_a_canon_alias_names_its_code_even_where_onet_alternate_titles_name_others(clf):
    canon = [a for a in clf.lexicons.aliases if a.alias == "Data Analyst" and a.source == "canon"]
    others = {a.onet_code for a in clf.lexicons.aliases if a.alias == "Data Analyst" and a.source != "canon"}
    assert len(canon) == 1 and others - {canon[0].onet_code}  # O*NET names other codes for the same words
    c = clf.classify({"id": "1", "title": "Data Analyst"})
    assert (c.role.value, c.onet.value) == (canon[0].role_code, canon[0].onet_code)


@pytest.mark.parametrize("title, code", [("Statistician", "15-2041.00"), ("Customer Service Representative", "43-4051.00")])
def test_an_onet_occupation_title_names_its_code_even_where_alternate_titles_name_others(clf, title, code):
    """Many alternate titles agreeing ('Customer Service Rep' -> 41-3091.00) do not outvote the occupation's own title."""
    c = clf.classify({"id": "1", "title": title})
    assert c.onet.value == code and c.onet.confidence >= 0.9
    assert c.onet.rule.startswith("exact title alias (an O*NET occupation title) naming one code")


def test_a_lone_surrogate_given_through_the_api_is_replaced_not_fatal(clf):
    """A JSON "\\ud800" escape decodes to a lone surrogate; the reader replaces it, a library caller may not."""
    c = clf.classify({"id": "1", "title": "Data Engineer \ud800", "description": "We build pipelines in Python and Spark \ud800 daily."})
    assert isinstance(c, Classification) and "\ufffd" in c.title and "canon:python" in c.skills
