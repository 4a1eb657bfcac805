"""The lexicons load, say where a bad row is, match the seed page, and match a fresh rebuild."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jdclassify.classify import Classifier
from jdclassify.errors import LexiconError
from jdclassify.lexicons import HAND_FILES, LEXICON_FILES, Mapping, check_lexicons, lexicon_version, load_lexicons
from jdclassify.settings import Settings

REPO = Path(__file__).resolve().parents[1]
LEXICONS = REPO / "lexicons"
SHARED = next((p for p in (REPO.parent / "shared" / "data", Path("/work/shared/data")) if p.is_dir()), None)
WORDNET = Path("/usr/share/wordnet")  # scripts/build_lexicons.py's default --wordnet

# The 13 title aliases of the canon page AIMLAM.GEN.P4 (seed 001): alias, type, band, confidence.
SEED_ALIASES = [
    ("Machine Learning IV", "common", "medium", 0.70),
    ("Machine Learning 4", "common", "medium", 0.66),
    ("Senior Machine Learning", "common", "high", 0.82),
    ("Sr. Machine Learning", "common", "high", 0.80),
    ("Deep Learning IV", "common", "medium", 0.70),
    ("Deep Learning 4", "common", "medium", 0.66),
    ("Senior Deep Learning", "common", "high", 0.82),
    ("Sr. Deep Learning", "common", "high", 0.80),
    ("Statistical Modeling IV", "common", "medium", 0.70),
    ("Statistical Modeling 4", "common", "medium", 0.66),
    ("Senior Statistical Modeling", "common", "high", 0.82),
    ("Sr. Statistical Modeling", "common", "high", 0.80),
    ("Senior AI/ML Engineer / Tech Lead", "common", "medium", 0.50),
]


@pytest.fixture(scope="module")
def lexicons():
    return load_lexicons(LEXICONS)


@pytest.fixture
def lexicon_copy(tmp_path: Path) -> Path:
    target = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, target)
    return target


def _replace_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def test_seed_entry_round_trips(lexicons):
    role = lexicons.roles["AIMLAM.GEN"]
    assert role.origin == "canon" and role.function_code == "AIMLAM" and role.focus == "General"
    assert role.function_name == "Artificial Intelligence / Machine Learning (AI/ML) Engineer"
    assert role.description.startswith("An AI/ML Engineer who strives to push the boundaries of technology")
    assert (role.status, role.version) == ("draft", "v1")
    assert [len(x) for x in (role.responsibilities, role.tasks, role.skills, role.knowledge, role.competencies,
                             role.qualifications)] == [8, 3, 8, 8, 8, 3]
    assert role.responsibilities[0] == "Ownership of entire AI/ML projects or significant product areas"
    assert role.qualifications[0] == "8-10+ years of experience"
    assert role.mappings[0] == Mapping("15-0000", "Computer & Mathematical Occupations", "inferred_from_superfunction", "needs_review")
    assert role.onet_code == role.mappings[1].code and len(role.onet_code) == 10  # first 8-digit mapping is primary
    assert role.mappings[1].source == "curated"

    p4 = role.levels["P4"]
    assert p4.title == "Senior AI/ML Engineer / Tech Lead"
    assert (p4.band, p4.confidence, p4.status, p4.region, p4.version) == ("medium", 0.70, "draft", "global", "v1")
    level = lexicons.levels["P4"]
    assert (level.name, level.years_min, level.years_max) == ("Senior Professional", 5, 8)
    assert level.scope == "A system or set of related features"
    assert level.decision_rights == "Owns technical decisions for a system; influences adjacent design"

    p4_aliases = [(a.alias, a.type, a.band, a.confidence) for a in lexicons.aliases
                  if a.role_code == "AIMLAM.GEN" and a.level == "P4"]
    assert sorted(p4_aliases) == sorted(SEED_ALIASES)
    assert all(a.id.startswith("title_aliases.csv:") for a in lexicons.aliases if a.source == "canon")


def test_fixed_canon_codes_exist_with_an_onet_code(lexicons):
    codes = ["AIMLAM.GEN", "AIMLAM.CV", "AIMLAM.NLP", "AIMLAM.SYS", "MLRSCH.GEN", "DATSCI.GEN", "DATANL.GEN",
             "DATANL.BI", "DATENG.GEN", "DATPLT.GEN", "DATPLT.CLOUD", "SWEML.GEN", "SWENG.GEN", "SWENG.FE",
             "SWENG.BE", "AIMLMG.GEN", "BUSANL.GEN"]
    for code in codes:
        role = lexicons.roles[code]
        assert role.onet_code in lexicons.onet_titles, code
        assert any(a.role_code == code and a.level == "" for a in lexicons.aliases), code


def test_every_onet_occupation_is_reachable(lexicons):
    assert len(lexicons.onet_titles) == 1016
    aliased = {a.onet_code for a in lexicons.aliases if a.role_code.startswith("SOC")}
    for code, title in lexicons.onet_titles.items():
        role = lexicons.roles[lexicons.role_for_onet(code)]
        assert (role.onet_code, role.title, role.origin) == (code, title, "onet")
        assert code in aliased, code


def test_level_cues_and_employment_types(lexicons):
    cues = {(c.kind, c.pattern): c.value for c in lexicons.level_cues}
    assert cues[("word", "senior")] == "P4"
    assert cues[("numeral", "IV")] == "P4"
    assert cues[("grade", "IC4")] == "P4"
    assert cues[("employment_type", "apprenticeship")] == "internship"
    assert set(lexicons.employment_types) == {"internship", "contract", "temporary", "part_time", "full_time"}
    assert [lv.code for lv in lexicons.levels.values()][:2] == ["S1", "P1"]


def test_skills_flags(lexicons):
    by_name = {s.name: s for s in lexicons.skills.values() if s.source == "canon"}
    assert by_name["R"].case_sensitive and by_name["R"].needs_context
    assert by_name["Go"].needs_context and not by_name["TensorFlow"].needs_context
    assert "sklearn" in by_name["scikit-learn"].synonyms
    assert by_name["Python"].hot  # O*NET marks Python a Hot Technology
    python_jobs = [code for code, ids in lexicons.occupation_skills.items() if any(":python" in i for i in ids)]
    assert "15-2051.00" in python_jobs


def test_bad_csv_value_names_file_line_column(lexicon_copy):
    path = lexicon_copy / "title_aliases.csv"
    line = _line_of(path, "Machine Learning IV,")
    _replace_line(path, line, ",0.70,canon", ",high,canon")
    with pytest.raises(LexiconError) as err:
        load_lexicons(lexicon_copy)
    assert (err.value.file, err.value.line, err.value.column) == ("title_aliases.csv", line, "confidence")
    assert str(err.value).startswith(f"title_aliases.csv:{line}:confidence: 'high' is not a number (expected a number in [0, 1])")


def test_title_words_are_checked_and_normalised(lexicon_copy):
    words = load_lexicons(lexicon_copy).title_words.english
    assert words["ingeniero"] == "engineer" and words["dato"] == "data"  # keyed as normalise_title spells them
    path = lexicon_copy / "title_words.csv"
    line = _line_of(path, "ingeniera,")
    _replace_line(path, line, "ingeniera,es,", "ingeniera,spanish,")
    with pytest.raises(LexiconError, match=rf"title_words\.csv:{line}:language: 'spanish' is not a language code"):
        load_lexicons(lexicon_copy)


@pytest.mark.parametrize(("row", "column", "problem"), [
    ("bäcker,de,baker,maybe", "job_noun", "'maybe' is not allowed"),
    ("bombero,es,firefighter,yes", "job_noun", "'bombero' (es) is marked a job noun"),  # only de and nl compound
    ("ingeniero,pt,designer,", "english", "'ingeniero' is also listed as 'engineer'"),  # one meaning per spelling
    ("sous chef de cuisine,de,sous chef,yes", "job_noun", "'sous chef de cuisine' (de) is marked a job noun"),  # one word only
    ("solicitor,en-gb,barrister,", "word", "'solicitor' is listed twice for 'en-gb' (as 'solicitor')"),
    ("bin man,en-gb,refuse collector,yes", "job_noun", "'yes' is not allowed"),  # regions have no compounds
    ("solicitor,en_gb,lawyer,", "language", "'en_gb' is not a language code"),
])
def test_title_word_rows_are_checked(lexicon_copy, row, column, problem):
    path = lexicon_copy / "title_words.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(LexiconError, match=rf"title_words\.csv:{line}:{column}: {re.escape(problem)}"):
        load_lexicons(lexicon_copy)


def test_title_phrases_and_job_nouns_are_read(lexicon_copy):
    words = load_lexicons(lexicon_copy).title_words
    assert words.regional["en-gb"]["solicitor"] == "lawyer" and "solicitor" not in words.english  # kept apart
    assert words.english["shop assistant"] == "retail salesperson"  # British English every locale reads
    assert words.english["chef de projet"] == "project manager" and "chef de projet" in words.heads_first
    assert "fahrer" in words.job_nouns and "vertrieb" not in words.job_nouns and "ingeniero" not in words.job_nouns


def test_unknown_role_in_csv_is_reported(lexicon_copy):
    path = lexicon_copy / "occupation_tasks.csv"
    _replace_line(path, 5, "11-1011.00", "99-9999.00")
    with pytest.raises(LexiconError, match=r"occupation_tasks\.csv:5:onet_code"):
        len(load_lexicons(lexicon_copy).occupation_tasks)


def test_related_occupations_are_read_closest_first(lexicons):
    related = lexicons.related_occupations["11-3021.00"]
    assert [code for code, _ in related][:3] == ["15-1211.00", "13-1082.00", "15-1252.00"]  # O*NET's order
    assert len(related) == 20 and related[0][1].startswith("related_occupations.csv:")


@pytest.mark.parametrize(("old", "new", "column", "problem"), [
    ("11-1011.00,11-1021.00,", "11-1011.00,99-9999.00,", "related_code", "'99-9999.00' is not an O*NET-SOC 2019 code"),
    ("11-1011.00,11-1021.00,", "11-1011.00,11-1011.00,", "related_code", "'11-1011.00' is related to itself"),
    ("Primary-Short,1", "Primary,1", "tier", "'Primary'"),
    ("Primary-Short,1", "Primary-Short,first", "rank", "'first' is not a number"),
])
def test_related_occupation_rows_are_checked(lexicon_copy, old, new, column, problem):
    path = lexicon_copy / "related_occupations.csv"
    line = _line_of(path, "11-1011.00,11-1021.00,")
    _replace_line(path, line, old, new)
    with pytest.raises(LexiconError, match=rf"related_occupations\.csv:{line}:{column}: {re.escape(problem)}"):
        len(load_lexicons(lexicon_copy).related_occupations)  # read on first use, like the task table
    assert [e.file for e in check_lexicons(lexicon_copy)] == ["related_occupations.csv"]


def test_a_broken_skill_table_stops_a_run_with_descriptions_instead_of_quarantining_it(lexicon_copy, tmp_path):
    """The skill tables are read on the first description; their error must stop the run, not fail each record."""
    _replace_line(lexicon_copy / "occupation_skills.csv", 5, "11-1011.00", "99-9999.00")
    settings = dataclasses.replace(Settings(), lexicon_dir=lexicon_copy, cache_dir=tmp_path / "cache")
    classifier = Classifier.load(settings)
    assert classifier.classify({"id": "1", "title": "Registered Nurse"}).onet.value == "29-1141.00"  # titles need no skills
    with pytest.raises(LexiconError, match=r"occupation_skills\.csv:5:onet_code"):
        list(classifier.classify_many([{"id": "2", "title": "Nurse", "description": "Patient care on a busy ward."}]))


@pytest.mark.parametrize("skills_read_first", [False, True])
def test_an_occupation_skill_naming_no_skill_is_reported(lexicon_copy, skills_read_first):
    """occupation_skills.csv is checked against skills.csv's ids whether or not the skill rows were read."""
    _replace_line(lexicon_copy / "occupation_skills.csv", 5, "onet:43231505:infor-ssa", "onet:43231505:no-such")
    lexicons = load_lexicons(lexicon_copy)
    if skills_read_first:
        len(lexicons.skills)
    with pytest.raises(LexiconError, match=r"occupation_skills\.csv:5:skill_id: 'onet:43231505:no-such-human"):
        len(lexicons.occupation_skills)


def test_a_broken_skill_row_stops_a_run_with_descriptions_when_no_skill_table_is_cached(lexicon_copy, tmp_path):
    """Profiles check occupation skills against skills.csv's ids only; building the skill table reads every row."""
    _replace_line(lexicon_copy / "skills.csv", 5, ",false,false,false,false", ",false,maybe,false,false")
    settings = dataclasses.replace(Settings(), lexicon_dir=lexicon_copy, cache_dir=tmp_path / "cache")
    classifier = Classifier.load(settings)
    with pytest.raises(LexiconError, match=r"skills\.csv:5:needs_context"):
        list(classifier.classify_many([{"id": "2", "title": "Nurse", "description": "Patient care on a busy ward."}]))


def test_a_broken_task_table_stops_a_run_when_the_title_index_is_built(lexicon_copy, tmp_path):
    """The title index holds the task statements' words (ranker features), so titles need the task table too."""
    _replace_line(lexicon_copy / "occupation_tasks.csv", 5, "11-1011.00", "99-9999.00")
    settings = dataclasses.replace(Settings(), lexicon_dir=lexicon_copy, cache_dir=tmp_path / "cache")
    with pytest.raises(LexiconError, match=r"occupation_tasks\.csv:5:onet_code"):
        Classifier.load(settings)


def test_a_broken_alias_row_stops_a_run_when_the_title_index_is_built(lexicon_copy, tmp_path):
    """Classifier.load defers the alias rows to the title index build; an error still stops the load, named as before."""
    line = _line_of(lexicon_copy / "title_aliases.csv", "Machine Learning IV,")
    _replace_line(lexicon_copy / "title_aliases.csv", line, ",0.70,canon", ",high,canon")
    settings = dataclasses.replace(Settings(), lexicon_dir=lexicon_copy, cache_dir=tmp_path / "cache")
    with pytest.raises(LexiconError, match=rf"title_aliases\.csv:{line}:confidence: 'high' is not a number"):
        Classifier.load(settings)


def test_a_cached_title_index_spares_reading_the_alias_rows_and_labels_the_same(tmp_path, monkeypatch):
    """The alias rows stored with a cached index are those title_aliases.csv gives; the CSV is not read again."""
    import jdclassify.lexicons as lexicons_module

    settings = dataclasses.replace(Settings(), cache_dir=tmp_path / "cache")
    titles = ["Senior Backend Engineer", "Registered Nurse II", "Sr. Data Scientist - Remote", "Chef de Partie"]
    fresh = Classifier.load(settings)  # builds and stores the index
    expected = [fresh.classify({"id": str(i), "title": t}) for i, t in enumerate(titles)]
    monkeypatch.setattr(lexicons_module, "_read_aliases", lambda *a, **k: pytest.fail("title_aliases.csv read again"))
    cached = Classifier.load(settings)
    assert [cached.classify({"id": str(i), "title": t}) for i, t in enumerate(titles)] == expected
    monkeypatch.undo()
    assert {r for rows in cached.matcher.key_rows for r in rows} == set(load_lexicons(LEXICONS).aliases)


def test_deferred_aliases_are_the_eager_ones_and_an_overlay_role_names_only_overlay_aliases(tmp_path):
    """Deferred or not, the same rows in the same order; the shipped aliases are checked against the shipped roles."""
    overlay = tmp_path / "acme"
    overlay.mkdir()
    (overlay / "canon_roles.yaml").write_text(
        "roles:\n  - code: ACMEML.GEN\n    function_code: ACMEML\n    function_name: Acme ML\n    focus: General\n"
        "    title: Acme Model Wrangler\n    description: Wrangles models at Acme.\n    status: draft\n    version: v1\n"
        "    mappings:\n      - {code: 15-2051.00, title: Data Scientists, source: curated, review_status: needs_review}\n"
        "    aliases:\n      - {alias: Model Wrangler, type: common, band: high, confidence: 0.9}\n", encoding="utf-8")
    (overlay / "title_aliases.csv").write_text((LEXICONS / "title_aliases.csv").read_text(encoding="utf-8").split("\n")[0]
                                               + "\nWrangler Lead,ACMEML.GEN,15-2051.00,common,high,,0.90,canon\n", encoding="utf-8")
    eager, deferred = load_lexicons(LEXICONS, overlay), load_lexicons(LEXICONS, overlay, defer_aliases=True)
    assert tuple(deferred.aliases) == eager.aliases
    assert [a.alias for a in eager.aliases[-2:]] == ["Model Wrangler", "Wrangler Lead"]
    shipped = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, shipped)
    with open(shipped / "title_aliases.csv", "a", encoding="utf-8") as fh:
        fh.write("Wrangler Chief,ACMEML.GEN,15-2051.00,common,high,,0.90,canon\n")
    for defer in (False, True):
        with pytest.raises(LexiconError, match=r"title_aliases\.csv:\d+:role_code: 'ACMEML\.GEN' is not a known role"):
            tuple(load_lexicons(shipped, overlay, defer_aliases=defer).aliases)


def test_bad_yaml_value_names_file_line_column(lexicon_copy):
    path = lexicon_copy / "canon_roles.yaml"
    line = _line_of(path, "{alias: Machine Learning IV,")
    _replace_line(path, line, "confidence: 0.70", "confidence: high")
    with pytest.raises(LexiconError) as err:
        load_lexicons(lexicon_copy)
    assert (err.value.file, err.value.line) == ("canon_roles.yaml", line)
    assert err.value.column == "roles[AIMLAM.GEN].levels[P4].aliases[0].confidence"


@pytest.mark.parametrize("row, replacement, problem", [
    ("{pattern: team lead, level: M1, first_line: true}", "first_line: yes please", "is not true or false"),
    ("{pattern: senior, level: P4}", "level: P4, first_line: true", "first_line only on M1 words"),
    ("{pattern: chief, level: E4, own_post: true}", "own_post: 1", "is not true or false"),
    ("{pattern: senior, level: P4}", "level: P4, own_post: true", "own_post only on management or executive words"),
])
def test_first_line_and_own_post_flags_are_checked(lexicon_copy, row, replacement, problem):
    path = lexicon_copy / "levels.yaml"
    line = _line_of(path, row)
    old = next((f for f in ("first_line: true", "own_post: true") if f in row), "level: P4")
    _replace_line(path, line, old, replacement)
    with pytest.raises(LexiconError, match=problem) as err:
        load_lexicons(lexicon_copy)
    assert (err.value.file, err.value.line) == ("levels.yaml", line)


def test_yaml_syntax_error_names_line(lexicon_copy):
    path = lexicon_copy / "levels.yaml"
    line = _line_of(path, "{pattern: senior, level: P4}")
    _replace_line(path, line, "level: P4}", "level: P4")
    with pytest.raises(LexiconError) as err:
        load_lexicons(lexicon_copy)
    assert err.value.file == "levels.yaml" and line <= err.value.line <= line + 1


def test_version_is_stable_and_follows_content(lexicon_copy, lexicons):
    assert load_lexicons(lexicon_copy).version == lexicons.version == lexicon_version(lexicon_copy)
    with open(lexicon_copy / "title_aliases.csv", "a", encoding="utf-8") as fh:
        fh.write("Prompt Engineer,AIMLAM.NLP,15-1221.00,common,medium,,0.60,canon\n")
    changed = load_lexicons(lexicon_copy)
    assert changed.version != lexicons.version
    assert changed.aliases[-1].alias == "Prompt Engineer"
    assert lexicon_version(lexicon_copy) == changed.version


def test_refitting_the_ranker_changes_the_version_but_not_what_fits_record(lexicon_copy, lexicons):
    """Rows labelled by two fits of the ranker must be told apart; the fits themselves record the data's version."""
    with open(lexicon_copy / "ranker.json", "a", encoding="utf-8") as fh:
        fh.write("\n")
    refit = load_lexicons(lexicon_copy)
    assert refit.version != lexicons.version and refit.version == lexicon_version(lexicon_copy)
    assert refit.data_version == lexicons.data_version == lexicon_version(lexicon_copy, fitted=False)


def test_overlay_adds_roles_and_changes_version(tmp_path, lexicons):
    overlay = tmp_path / "acme"
    overlay.mkdir()
    (overlay / "canon_roles.yaml").write_text(
        "roles:\n"
        "  - code: ACMEML.GEN\n"
        "    function_code: ACMEML\n"
        "    function_name: Acme ML\n"
        "    focus: General\n"
        "    title: Acme Model Wrangler\n"
        "    description: Wrangles models at Acme.\n"
        "    status: draft\n"
        "    version: v1\n"
        "    mappings:\n"
        "      - {code: 15-2051.00, title: Data Scientists, source: curated, review_status: needs_review}\n"
        "    aliases:\n"
        "      - {alias: Model Wrangler, type: common, band: high, confidence: 0.9}\n",
        encoding="utf-8",
    )
    merged = load_lexicons(LEXICONS, overlay)
    assert merged.roles["ACMEML.GEN"].onet_code == "15-2051.00"
    alias = merged.aliases[-1]
    assert (alias.alias, alias.role_code, alias.id) == ("Model Wrangler", "ACMEML.GEN", "acme/canon_roles.yaml:13")
    assert merged.version.startswith(lexicons.version + "+")

    (overlay / "canon_roles.yaml").write_text(
        (overlay / "canon_roles.yaml").read_text().replace("ACMEML.GEN", "AIMLAM.GEN").replace("ACMEML\n", "AIMLAM\n"))
    with pytest.raises(LexiconError, match=r"acme/canon_roles\.yaml:2:roles\[AIMLAM\.GEN\]\.code"):
        load_lexicons(LEXICONS, overlay)


@pytest.mark.skipif(SHARED is None, reason="shared data (../shared/data or /work/shared/data) not present: cannot rebuild")
@pytest.mark.skipif(not (WORDNET / "data.noun").is_file(), reason="WordNet 3.0 (Debian's wordnet-base) not installed: cannot rebuild")
def test_committed_files_equal_a_rebuild(tmp_path):
    out = tmp_path / "rebuilt"
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_lexicons.py"), "--shared", str(SHARED),
                    "--lexicons", str(LEXICONS), "--out", str(out)], check=True, capture_output=True)
    generated = [name for name in LEXICON_FILES if name not in HAND_FILES] + ["manifest.yaml"]
    for name in generated:
        assert (out / name).read_bytes() == (LEXICONS / name).read_bytes(), f"{name} is stale: rerun scripts/build_lexicons.py"


def test_committed_files_are_small():
    for path in LEXICONS.iterdir():
        assert path.stat().st_size < 20_000_000, path.name


def test_title_technologies_are_normalised_and_read(lexicon_copy):
    technologies = load_lexicons(lexicon_copy).title_technologies
    assert technologies.reads_as["csharp"][0] == "software"  # "C#", as normalise_title spells it
    assert technologies.reads_as["react native"][0] == "mobile application" and technologies.longest >= 2
    assert "engineer" in technologies.job_nouns and "technician" not in technologies.job_nouns


def test_person_nouns_are_read_in_the_order_they_are_tried(lexicons):
    groups = lexicons.person_nouns.groups
    assert len(groups) > 4000
    assert [r for r, _ in groups["ballerina"][0]] == ["ballet dancer"]  # sense 1, step 1: its hypernym
    assert [[r for r, _ in g] for g in groups["abbess"]] == [["mother superior"], ["superior"]]  # step 0, then 1
    assert groups["abbess"][0][0][1] == "person_nouns.csv:2"
    assert all(" " not in word for word in groups)


@pytest.mark.parametrize(("old", "new", "column", "problem"), [
    ("abbess,1,0,", "abbess mother,1,0,", "word", "'abbess mother' is not one normalised word"),
    ("abbess,1,0,", "Abbess,1,0,", "word", "'Abbess' is not one normalised word"),
    ("abbess,1,0,", "abbess,9,0,", "sense", "'9' is not a sense number"),
    ("abbess,1,0,", "abbess,1,5,", "step", "'5' is not a step"),
    ("abbess,1,0,mother superior", "abbess,1,0,abbess", "reading", "'abbess' is not a normalised reading of another word"),
    ("abbot,1,1,", "abbess,1,0,", "word", "'abbess' sense 1 step 0 comes after 'abbess' sense 1 step 1"),
])
def test_person_noun_rows_are_checked(lexicon_copy, old, new, column, problem):
    _assert_edit_is_reported(lexicon_copy, "person_nouns.csv", old, new, column, problem)


@pytest.mark.parametrize(("old", "new", "where", "problem"), [
    ("[Java, Python,", "[Java, iOS, Python,", r"groups\[1\]\.technologies\[1\]", "'iOS' is listed twice (as 'ios'; first at title_technologies.yaml:"),
    ("dba, manager]", "dba, project manager]", r"job_nouns\[10\]", "'project manager' is 2 words after normalising"),
    ("[Cisco, Juniper,", "[Cisco, Engineers,", r"groups\[\d+\]\.technologies\[1\]", "'Engineers' is also a job noun"),
    ("reads_as: etl", "reads_as: '-'", r"groups\[5\]\.reads_as", "has no words left after normalising"),
])
def test_title_technology_rows_are_checked(lexicon_copy, old, new, where, problem):
    _assert_edit_is_reported(lexicon_copy, "title_technologies.yaml", old, new, where, problem)


def _assert_edit_is_reported(lexicon_copy: Path, name: str, old: str, new: str, where: str, problem: str) -> None:
    """``old`` replaced by ``new`` on its line of ``name``: loading names file:line:``where`` (a regex) and the
    problem, and checking the folder finds that file only."""
    path = lexicon_copy / name
    line = _line_of(path, old)
    _replace_line(path, line, old, new)
    with pytest.raises(LexiconError, match=rf"{re.escape(name)}:{line}:{where}: {re.escape(problem)}"):
        load_lexicons(lexicon_copy)
    assert [e.file for e in check_lexicons(lexicon_copy)] == [name]
