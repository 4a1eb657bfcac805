from dataclasses import replace
from types import SimpleNamespace

import pytest

from jdclassify.onet import decide_onet
from jdclassify.profiles import ProfileIndex
from jdclassify.records import Candidate


def _cand(code, score=1.0, prior=0.2, alias="Engineer", i=1):
    return Candidate("SOC" + code.replace("-", ""), code, alias, f"title_aliases.csv:{i}", "onet_alternate", "low", prior, score, "exact")


@pytest.fixture(scope="module")
def profiles():
    lx = SimpleNamespace(
        onet_titles={"15-1244.00": "Network and Computer Systems Administrators", "17-2051.00": "Civil Engineers"},
        occupation_tasks={
            "15-1244.00": ("Maintain cloud infrastructure, containers and deployment pipelines.",),
            "17-2051.00": ("Design bridges, roads and drainage structures; inspect construction sites.",),
        },
        occupation_skills={"15-1244.00": ("kubernetes", "terraform"), "17-2051.00": ("autocad",)},
        roles={},
    )
    return ProfileIndex.build(lx)


VAGUE = (_cand("15-1244.00", i=1), _cand("17-2051.00", i=2))


def test_a_vague_title_is_decided_by_its_description(profiles):
    cloud = decide_onet(VAGUE, profiles, ("kubernetes", "terraform"), "Run Kubernetes clusters and deployment pipelines")
    civil = decide_onet(VAGUE, profiles, ("autocad",), "Design bridges and inspect construction sites with AutoCAD")
    assert cloud.best.onet_code == "15-1244.00"
    assert civil.best.onet_code == "17-2051.00"
    assert "kubernetes" in cloud.best.profile.shared_skills


def test_shares_and_raw_scores_are_probability_like(profiles):
    d = decide_onet(VAGUE, profiles, (), "bridges")
    assert sum(c.share for c in d.ranked) == pytest.approx(1.0)
    assert all(0.0 <= c.raw <= 1.0 for c in d.ranked)


def test_description_alone_proposes_codes_with_lower_raw_score(profiles):
    d = decide_onet((), profiles, ("autocad",), "design bridges and drainage structures")
    assert d.best.onet_code == "17-2051.00" and d.best.support == ()
    assert "description only" in d.rule
    titled = decide_onet((_cand("17-2051.00"),), profiles, ("autocad",), "design bridges and drainage structures")
    assert d.best.raw < titled.best.raw


def test_nothing_to_go_on_gives_no_decision(profiles):
    d = decide_onet((), profiles, (), "")
    assert d.best is None and "no title candidate" in d.rule


def _occupation(code, score):
    return Candidate("SOC" + code.replace("-", ""), code, code, f"occupation:{code}", "occupation", "", 0.0, score, "occupation")


def test_the_occupation_level_match_outweighs_a_slightly_better_generic_alias(profiles):
    aliases = (_cand("29-1229.00", score=0.9, i=1), _cand("29-1221.00", score=0.8, i=2))
    d = decide_onet(aliases + (_occupation("29-1221.00", 0.6), _occupation("29-1229.00", 0.2)), profiles, (), "")
    assert d.best.onet_code == "29-1221.00"
    assert d.best.title_score > d.ranked[1].title_score
    assert all(0.0 <= c.raw <= 1.0 for c in d.ranked)


def test_a_title_that_is_a_known_alias_keeps_its_code_however_many_neighbours_name_another(profiles):
    """'Occupational Therapist Aide' is an alias of 31-2012.00; seven close aliases of 29-1122.00 used to outvote it."""
    known = _cand("31-2012.00", prior=0.5, alias="Occupational Therapist Aide", i=1)
    neighbours = tuple(replace(_cand("29-1122.00", score=0.93 - i / 100, prior=0.9, alias=f"Occupational Therapist {i}", i=i),
                               method="fuzzy") for i in range(2, 9))
    d = decide_onet((known,) + neighbours, profiles, (), "")
    assert d.best.onet_code == "31-2012.00" and d.rule == "exact title alias (a known alias) naming one code"
    assert d.ranked[1].onet_code == "29-1122.00" and d.ranked[1].share == 0.0  # still there as an alternative
    assert sum(c.share for c in d.ranked) == pytest.approx(1.0)
