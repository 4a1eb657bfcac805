import csv
import json

import pytest

from jdclassify.evaluate import fold_of, format_report, messy, run_eval
from jdclassify.settings import Settings
from jdclassify.titles import normalise_title


def test_messy_titles_are_deterministic_and_messier():
    assert messy("Senior Civil Engineer") == messy("Senior Civil Engineer")
    out = messy("Senior Project Manager")
    assert "SR" in out and "MGR" in out


def test_folds_split_by_title_not_by_spelling():
    assert fold_of("Registered Nurse") == fold_of("registered nurses")
    folds = {fold_of(t) for t in ("Nurse", "Welder", "Cook", "Teacher", "Pilot", "Baker", "Driver", "Analyst")}
    assert folds == {0, 1}


def test_eval_on_a_tiny_gold_set(tmp_path):
    pytest.importorskip("jdclassify.skills")
    postings = tmp_path / "postings"
    postings.mkdir()
    rows = [
        {"id": "g1", "title": "Senior Machine Learning Engineer", "description": "PyTorch, 6+ years."},
        {"id": "g2", "title": "Registered Nurse", "description": "Patient care on a medical unit."},
    ]
    (postings / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    gold = tmp_path / "gold" / "gold.csv"
    gold.parent.mkdir()
    with gold.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "role_code", "level", "employment_type", "onet_code"])
        w.writerow(["g1", "AIMLAM.GEN", "P4", "full_time", "15-2051.00"])
        w.writerow(["g2", "SOC291141.00", "P2", "full_time", "29-1141.00"])
    report = run_eval(Settings(fuzzy_cutoff=0.5), gold=gold, postings=postings, heldout=False)
    (scores,) = report.sets
    assert scores.n == 2 and scores.soc6 == 1.0 and scores.major == 1.0
    text = format_report(report)
    assert "6-digit SOC" in text and "ECE" in text


def test_a_gold_set_with_a_title_column_labels_titles_alone_and_is_also_scored_in_english(tmp_path):
    gold = tmp_path / "titles.csv"
    gold.write_text("id,title,language,english,onet_code\n"
                    "t1,Enfermera,es,Nurse,29-1141.00\n"
                    "t2,Krankenpfleger (m/w/d),de,Registered Nurse,29-1141.00\n"
                    "t3,Ingeniero Civil,es,Civil Engineer,17-2051.00|17-2051.01\n", encoding="utf-8")
    report = run_eval(Settings(), gold=[gold], heldout=False)  # no postings: the titles are the postings
    titles, english = report.sets
    assert (titles.n, english.n) == (3, 3)
    assert titles.soc6 == english.soc6 == 1.0 and titles.role == 1.0  # the role of a gold code is its gold role
    assert "the same titles as written in English" in english.name


def test_known_titles_are_a_deterministic_sample_with_every_code_their_aliases_name():
    from jdclassify.evaluate import known_examples
    from jdclassify.lexicons import load_lexicons

    lexicons = load_lexicons()
    first, again = known_examples(lexicons, 50), known_examples(lexicons, 50)
    assert [e.posting.title for e in first] == [e.posting.title for e in again] and len(first) == 50
    by_title = {}
    for a in lexicons.aliases:
        if a.onet_code:
            by_title.setdefault(normalise_title(a.alias), set()).add(a.onet_code)
    assert all(e.onet_codes == by_title[normalise_title(e.posting.title)] for e in first)


def test_known_title_examples_hold_out_only_their_folds_reported_rows():
    from jdclassify.evaluate import exact_examples, heldout_examples, without_reported
    from jdclassify.lexicons import load_lexicons

    lexicons = load_lexicons()
    kept = without_reported(lexicons, 1)
    assert not any(a.source == "onet_reported" and fold_of(a.alias) == 1 for a in kept.aliases)
    assert any(a.source == "onet_reported" for a in kept.aliases)  # the other fold's stay, as known aliases do
    assert len(kept.aliases) < len(lexicons.aliases)
    several = exact_examples(lexicons, 1, min_codes=2)
    titles = {e.posting.title for e in heldout_examples(lexicons, 1)}
    assert several and all(e.posting.title in titles for e in several)
    named: dict[str, set] = {}
    for a in kept.aliases:
        if a.onet_code:
            named.setdefault(normalise_title(a.alias), set()).add(a.onet_code)
    assert all(len(named[normalise_title(e.posting.title)]) >= 2 for e in several)
