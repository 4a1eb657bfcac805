import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from jdclassify.onet import decide_onet, ranker_inputs
from jdclassify.profiles import ProfileIndex
from jdclassify.ranker import FEATURES, Ranker, fit_softmax
from jdclassify.records import Candidate

LEXICONS = Path(__file__).resolve().parents[1] / "lexicons"
OCCUPATIONS = SimpleNamespace(alias_counts={"29-1221.00": 40, "29-1141.00": 40}, official={})
PROFILES = ProfileIndex.build(SimpleNamespace(onet_titles={}, occupation_tasks={}, occupation_skills={}, roles={}))


def _cand(code, alias, score, i):
    return Candidate("SOC" + code.replace("-", ""), code, alias, f"title_aliases.csv:{i}", "onet_alternate", "", 0.5, score, "fuzzy")


# "pediatric nurse": the nearest alias is a doctor's, but only the nurse alias shares the head noun
CANDIDATES = (_cand("29-1221.00", "Pediatric Doctor", 0.8, 1), _cand("29-1141.00", "Nurse", 0.7, 2))


def _fitted_on_head_nouns() -> Ranker:
    """A ranker fitted on groups where the right code is the one whose alias ends in the title's head noun."""
    rng = np.random.default_rng(0)
    head = FEATURES.index("head_match")
    groups = []
    for _ in range(200):
        x = rng.random((3, len(FEATURES)))
        x[:, head] = 0.0
        right = int(rng.integers(3))
        x[right, head] = 1.0
        groups.append((x, right))
    return Ranker(fit_softmax(groups, steps=200), "test groups", "v-test")


def test_without_a_ranker_file_the_hand_combined_score_decides(tmp_path):
    assert Ranker.load(tmp_path) is None
    d = decide_onet(CANDIDATES, PROFILES, (), "", ranker=None, title="pediatric nurse", occupations=OCCUPATIONS)
    assert d.best.onet_code == "29-1221.00" and "learned" not in d.rule


def test_a_fitted_ranker_file_loads_and_prefers_the_code_the_features_justify(tmp_path):
    (tmp_path / "ranker.json").write_text(_fitted_on_head_nouns().to_json())
    ranker = Ranker.load(tmp_path)
    assert ranker is not None and ranker.fitted_on == "test groups" and ranker.lexicon_version == "v-test"
    d = decide_onet(CANDIDATES, PROFILES, (), "", ranker=ranker, title="pediatric nurse", occupations=OCCUPATIONS)
    assert d.best.onet_code == "29-1141.00" and "learned ranker" in d.rule
    assert sum(c.share for c in d.ranked) == pytest.approx(1.0)
    assert all(0.0 <= c.raw <= 1.0 for c in d.ranked)
    codes, x = ranker_inputs(CANDIDATES, PROFILES, (), "", "pediatric nurse", OCCUPATIONS)
    assert x.shape == (2, len(FEATURES)) and x[codes.index("29-1141.00"), FEATURES.index("head_match")] == 1.0


def test_postings_with_a_description_keep_the_hand_combined_score():
    d = decide_onet(CANDIDATES, PROFILES, (), "Care for children in a hospital ward.", ranker=_fitted_on_head_nouns(),
                    title="pediatric nurse", occupations=OCCUPATIONS)
    assert d.has_description and "learned" not in d.rule


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"weights": [1, 2]}), "'weights' object"),
        (json.dumps({"weights": {f: 0.0 for f in FEATURES[1:]}}), "missing \\['hand_score'\\]"),
        (json.dumps({"weights": {**{f: 0.0 for f in FEATURES}, "shoe_size": 1.0}}), "unknown \\['shoe_size'\\]"),
        (json.dumps({"weights": {**{f: 0.0 for f in FEATURES}, "prior": "high"}}), "finite numbers.*prior"),
    ],
)
def test_a_malformed_ranker_file_is_rejected_with_what_to_do(tmp_path, content, message):
    (tmp_path / "ranker.json").write_text(content)
    with pytest.raises(ValueError, match=message) as err:
        Ranker.load(tmp_path)
    assert "fit_ranker.py" in str(err.value)


def test_the_shipped_ranker_names_every_feature_and_what_it_was_fitted_on():
    ranker = Ranker.load(LEXICONS)
    if ranker is None:
        pytest.skip("no lexicons/ranker.json shipped")
    assert ranker.weights.shape == (len(FEATURES),) and np.isfinite(ranker.weights).all()
    assert "ranker-train" in ranker.fitted_on and ranker.lexicon_version


def test_fit_softmax_needs_a_group_with_the_right_code_among_several():
    with pytest.raises(ValueError, match="nothing to fit"):
        fit_softmax([(np.ones((1, len(FEATURES))), 0), (np.ones((3, len(FEATURES))), -1)])


def test_an_exact_alias_match_keeps_the_hand_combined_score():
    exact = (Candidate("SOC291221", "29-1221.00", "Pediatric Nurse", "title_aliases.csv:3", "canon", "", 0.9, 1.0, "exact"),) + CANDIDATES
    d = decide_onet(exact, PROFILES, (), "", ranker=_fitted_on_head_nouns(), title="pediatric nurse", occupations=OCCUPATIONS)
    assert d.best.onet_code == "29-1221.00" and "learned" not in d.rule
