"""Profile terms: an ASCII text is split by a faster path than other texts; both must give the same terms."""

import string

import pytest
from hypothesis import given, settings, strategies as st

from jdclassify.lexicons import load_lexicons
from jdclassify.profiles import ProfileIndex, tokens


@pytest.fixture(scope="module")
def profile_index() -> ProfileIndex:
    return ProfileIndex.build(load_lexicons())


def test_words_are_lowered_folded_and_stop_words_dropped():
    assert tokens("Builds C++ and C# services; 3D modelling, 401k plans, Tasks: 2x reviews") == [
        "build", "c++", "c#", "service", "modelling", "plan", "task", "review"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=string.printable, max_size=80))
def test_an_ascii_text_gives_the_terms_it_gives_with_a_non_ascii_character_added(text):
    # "é" is no word character: the words stay, but the text no longer takes the ASCII path
    assert tokens(text) == tokens(text + " é")


WORDS = ["Python", "python", "tasks", "Task", "the", "and", "SQL", "nurses", "patient", "care", "401k", "c++", "zzqx", "é",
         "Schedules", "machine", "learning", "data", "pipelines", "a", "Ünïcode"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS + [" ", ", ", ".\n"]), max_size=30).map(" ".join), min_size=1, max_size=6),
       st.integers(1, 6))
def test_the_query_vector_is_the_one_counted_from_every_token(profile_index, texts, limit):
    """query_vector counts only the index's terms through its run memo (cleared when full): the vector, its weights
    and its order are those of counting every token and dropping unknown terms after."""
    import math
    from collections import Counter

    from jdclassify import profiles

    idf = profile_index.term_idf
    saved, profiles._TERM_MEMO_LIMIT = profiles._TERM_MEMO_LIMIT, limit
    profile_index.term_memo.clear()
    try:
        for text in texts:
            vec = {t: (1.0 + math.log(f)) * idf[t] for t, f in Counter(tokens(text)).items() if t in idf}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            assert list(profile_index.query_vector(text).items()) == [(t, v / norm) for t, v in vec.items()]
            assert len(profile_index.term_memo) <= limit
    finally:
        profiles._TERM_MEMO_LIMIT = saved
