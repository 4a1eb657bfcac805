"""Years of experience, education, people management and body level phrases (regexes over raw text)."""

from __future__ import annotations

import pytest

from jdclassify.experience import TextLayout, read_experience


def years_of(text):
    return [(c.text, c.value) for c in read_experience(text).years]


@pytest.mark.parametrize(
    "text, found",
    [
        ("5+ years of experience in data engineering", [("5+ years", "5")]),
        ("3-5 years of professional experience", [("3-5 years", "3")]),
        ("At least three years working with SQL", [("At least three years", "3")]),
        ("A minimum of 2 yrs experience required", [("A minimum of 2 yrs", "2")]),
        ("two (2) years of related experience", [("two (2) years", "2")]),
        ("Experience: 4 years", [("4 years", "4")]),
        ("Sie bringen mindestens 3 Jahre einschlägige Berufserfahrung mit.", [("3 Jahre", "3")]),
        ("Berufserfahrung von mindestens 4 Jahren", [("4 Jahren", "4")]),
        ("Vous avez 5 ans d'expérience en développement.", [("5 ans", "5")]),
        ("Une expérience de 7 ans minimum est requise.", [("7 ans", "7")]),
        ("Requisitos: 3 a 5 años de experiencia en ventas.", [("3 a 5 años", "3")]),
        ("Almeno 2 anni di esperienza nel ruolo.", [("2 anni", "2")]),
        ("Je hebt 3 jaar werkervaring.", [("3 jaar", "3")]),
    ],
)
def test_years_are_found(text, found):
    assert years_of(text) == found


@pytest.mark.parametrize(
    "text, requirement",
    [
        ("Idealerweise 5 Jahre Berufserfahrung.", "preferred"),
        ("Mindestens 3 Jahre Berufserfahrung. Führungserfahrung ist von Vorteil.", "required"),
        ("5 ans d'expérience souhaités.", "preferred"),
        ("Valoramos: 3 años de experiencia.", "preferred"),
        ("2 anni di esperienza graditi.", "preferred"),
    ],
)
def test_preferred_in_other_languages(text, requirement):
    assert [c.attr("requirement") for c in read_experience(text).years] == [requirement]


@pytest.mark.parametrize(
    "text",
    [
        "Acme was founded 20 years ago.",
        "We have served customers for over 25 years.",
        "Applicants must be 18 years old.",
        "401(k) with a 4% match, vested after 3 years.",
        "Join a company with 30 years of history.",
        "Wir sind seit 20 Jahren am Markt und bieten Erfahrung.",  # the company's age, in German
        "Erfahrung im Umgang mit SAP seit 2019.",
    ],
)
def test_years_that_are_not_experience_are_ignored(text):
    assert years_of(text) == []


def test_overall_minimum_ignores_preferred_and_partial_years():
    text = ("Requirements:\n- 8+ years of experience in software, including at least 2 years of people management\n"
            "Nice to have:\n- 1+ year of experience with Rust\n")
    cues = read_experience(text)
    assert cues.years_experience_min == 8
    assert [c.attr("requirement") for c in cues.years] == ["required", "required", "preferred"]


def test_smallest_required_minimum_wins():
    assert read_experience("3+ years of experience in analytics. 5+ years of experience preferred.").years_experience_min == 3


@pytest.mark.parametrize(
    "text, level, required",
    [
        ("Bachelor's degree in Computer Science or equivalent experience.", "bachelor", True),
        ("BS/MS in Statistics or a related field.", "bachelor", True),
        ("PhD preferred.", "doctorate", False),
        ("High school diploma or GED required.", "high_school", True),
        ("Associate degree in nursing required; BSN preferred.", "associate", True),
        ("Master's degree in data science required.", "master", True),
        ("No degree required - we will train you.", "none", True),
    ],
)
def test_education(text, level, required):
    education = read_experience(text).education
    assert education is not None and (education.level, education.required) == (level, required)


@pytest.mark.parametrize(
    "text, level, required",
    [
        ("Sie haben ein erfolgreich abgeschlossenes Studium der Informatik oder eine vergleichbare Qualifikation.", "bachelor", True),
        ("Abgeschlossenes Informatikstudium (Bachelor/Master)", "bachelor", True),
        ("Eine abgeschlossene kaufmännische Berufsausbildung", "vocational", True),
        ("Abitur oder Fachabitur", "high_school", True),
        ("Bac+5 en informatique ou diplôme d'ingénieur.", "master", True),
        ("Titulaire d'un Bac +2 (BTS, DUT).", "associate", True),
        ("Un Master en finance serait un plus.", "master", False),
        ("Licenciatura en Administración de Empresas.", "bachelor", True),
        ("Se valorará Máster en Finanzas.", "master", False),
        ("Formación Profesional de Grado Superior en Electricidad.", "vocational", True),
        ("Ensino superior completo em Administração; pós-graduação será um diferencial.", "bachelor", True),
        ("Laurea magistrale in Ingegneria gradita.", "master", False),
        ("Diploma di maturità.", "high_school", True),
        ("Afgeronde hbo-opleiding in de richting ICT.", "bachelor", True),
        ("Dottorato di ricerca in fisica.", "doctorate", True),
    ],
)
def test_education_in_other_languages(text, level, required):
    education = read_experience(text).education
    assert education is not None and (education.level, education.required) == (level, required)


@pytest.mark.parametrize("text", ["Background in back-end work; feedback loops.", "Our bachelorette party planner app.",
                                  "We are in grado di help.", "Curso the darkness.", "The master data team."])
def test_english_words_near_other_languages_education_are_not_education(text):
    assert read_experience(text).education is None


def test_ms_office_is_not_a_masters_degree():
    assert read_experience("Proficient in MS Office and MS Excel.").education is None


@pytest.mark.parametrize(
    "text, manages",
    [
        ("You will lead a team of 6 engineers.", True),
        ("Manage managers and hire and develop talent across the org.", True),
        ("Build and lead the team that owns our data platform.", True),
        ("Lead five directors and senior managers.", True),
        ("This role has 4 direct reports.", True),
        ("This is an individual contributor role with no direct reports.", False),
        ("Manage projects and lead meetings with stakeholders.", False),
    ],
)
def test_people_management(text, manages):
    assert read_experience(text).manages_people is manages


@pytest.mark.parametrize(
    "text, manages",
    [
        ("Sie übernehmen die Personalverantwortung für 8 Mitarbeiter.", True),
        ("Führung eines Teams von 5 Entwicklern", True),
        ("Eine Position ohne Personalverantwortung.", False),
        ("Encadrement d'une équipe de 5 techniciens.", True),
        ("Vous managerez une équipe de 4 personnes.", True),
        ("Poste sans encadrement.", False),
        ("Gestión de equipos de venta; personas a cargo: 6.", True),
        ("Sin personal a cargo.", False),
        ("Liderar equipes de campo.", True),
        ("Coordinare un team di 5 tecnici.", True),
        ("Je hebt leidinggevende ervaring en geeft leiding aan 8 monteurs.", True),
        ("Führung von Projekten und Leitung des Budgets.", False),
        ("Gestion de projets et animation de réunions.", False),
        ("Since 2010 we have built a single platform.", False),
    ],
)
def test_people_management_in_other_languages(text, manages):
    assert read_experience(text).manages_people is manages


@pytest.mark.parametrize(
    "text, level",
    [
        ("This is an entry-level role for recent graduates.", "P1"),
        ("Early career candidates welcome.", "P1"),
        ("You will lead the design of our platform.", "P4"),
        ("A staff-level engineer who sets direction.", "P5"),
        ("You will report directly to the CEO.", "E1"),
        ("No experience necessary - we will train.", "S1"),
    ],
)
def test_level_phrases(text, level):
    assert level in [c.value for c in read_experience(text).level_phrases]


def test_mentoring_mid_level_engineers_is_not_a_level():
    assert read_experience("Mentor two mid-level engineers.").level_phrases == ()


def test_preferred_covers_its_clause_or_section():
    text = "Requirements:\n- Python and SQL; AWS preferred\n\nNice to have:\n- Spark\n"
    layout = TextLayout.of(text)
    assert layout.requirement(text.index("Python")) == "required"
    assert layout.requirement(text.index("AWS")) == "preferred"
    assert layout.requirement(text.index("Spark")) == "preferred"


def test_cue_spans_point_into_the_text():
    text = "About: 5+ years of Python. Bachelor's degree required. You will manage a team of 4 analysts."
    cues = read_experience(text)
    for cue in (*cues.years, *cues.management, *cues.level_phrases):
        assert text[cue.start:cue.end] == cue.text


def test_hostile_text_finishes():
    for hostile in ["5 " * 50_000, " " * 100_000, "years " * 20_000, "including " * 10_000, "lead a team of " * 7_000,
                    "X preferred " * 8_000, "nice to have: " * 7_000]:
        read_experience(hostile)
