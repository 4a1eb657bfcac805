from jdclassify.lexicons import load_lexicons
from jdclassify.nlp import build_nlp
from jdclassify.skills import SkillMatcher


def test_the_tokenizer_cache_has_room_for_descriptions_after_the_skill_phrases():
    """spaCy stops caching chunk splits once its cache is full; the skill phrases alone must not fill it,
    or every description is split from scratch (twice as slow)."""
    nlp = build_nlp()
    phrases = sum(len(p) for p in SkillMatcher.build(load_lexicons())._grouped.values())
    assert nlp.tokenizer.max_cache_size >= phrases + 50_000


def test_a_blank_pipeline_tokenises_and_has_no_statistical_components():
    nlp = build_nlp()
    assert nlp.pipe_names == [] and [t.text for t in nlp.make_doc("Python, SQL and C++.")][:3] == ["Python", ",", "SQL"]
