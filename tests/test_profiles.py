"""Profile terms: an ASCII text is split by a faster path than other texts; both must give the same terms."""

import string

from hypothesis import given, settings, strategies as st

from jdclassify.profiles import tokens


def test_words_are_lowered_folded_and_stop_words_dropped():
    assert tokens("Builds C++ and C# services; 3D modelling, 401k plans, Tasks: 2x reviews") == [
        "build", "c++", "c#", "service", "modelling", "plan", "task", "review"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=string.printable, max_size=80))
def test_an_ascii_text_gives_the_terms_it_gives_with_a_non_ascii_character_added(text):
    # "é" is no word character: the words stay, but the text no longer takes the ASCII path
    assert tokens(text) == tokens(text + " é")
