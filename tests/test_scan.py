"""scan.gated must give exactly what a full ``finditer`` gives, for every pattern that uses it."""

import re

from hypothesis import given, settings, strategies as st

from jdclassify import clean, experience
from jdclassify.scan import gate_key, gated, matches_at

# every gated pattern with its gate words and reach, as the modules call them
GATED = [
    (experience._PREFERRED_BEFORE, experience._PREFERRED_BEFORE_WORDS, 0, False),
    (experience._PREFERRED_AFTER, experience._PREFERRED_AFTER_WORDS, experience._AFTER_REACH, False),
    *[(rx, words, experience._REACH[name], False) for name, rx, words in experience._MANAGEMENT if name in experience._REACH],
    *[(rx, words, experience._REACH[name], False) for name, _, rx, words in experience._LEVEL_PHRASES],
    (clean._BOILER_PHRASE_RE, clean._BOILER_PHRASE_STARTS, 0, True),
    (clean._BENEFIT_RE, clean._BENEFIT_STARTS, 0, True),
]
WORDS = sorted({w for _, words, _, _ in GATED for w in words} | set(
    "no prior experience is required we will train a big plus team of 5 direct reports line manager "
    "senior level role as this you lead tech for member the executive board ceo reporting directly to "
    "insurance coverage plan time off options opportunity employer regard race accommodation action "
    "with disabilities policy data will be processed resumes agency committed creating diverse".split()))
PHRASES = ["no prior experience is required", "nice to have:", "is a big plus", "preferably", "an asset", "team of 5",
           "no direct reports", "12 direct reports", "line manager", "performance reviews", "entry-level", "new grads",
           "senior-level role", "as a senior engineer", "you will lead", "tech lead for", "mid-level", "staff level",
           "member of the executive team", "reporting directly to the CEO", "Health insurance", "paid time off", "401(k)",
           "equal opportunity employer", "without regard to", "do not accept agency", "we are committed to creating a diverse"]
PIECES = st.sampled_from(WORDS + PHRASES + [" ", "  ", "\n", ", ", ". ", "-", "(", ")", ":", "X", "Senior", "LEAD", "2"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=40).map(" ".join))
def test_gated_scans_find_exactly_what_a_full_scan_finds(text):
    for rx, words, reach, lowered in GATED:
        subject = text.lower() if lowered else text
        key = subject if lowered else gate_key(text)
        full = [m.span() for m in rx.finditer(subject)]
        assert [m.span() for m in gated(rx, subject, key, words, reach)] == full, rx.pattern[:60]
        found.update(full)


found: set = set()


def test_the_property_above_saw_matches():
    assert len(found) > 50  # the generated texts did exercise the patterns (runs after the property test)


def test_matches_at_skips_starts_inside_an_earlier_match():
    rx = re.compile(r"ab+")
    assert [m.span() for m in matches_at(rx, "abbb ab", [0, 1, 5])] == [(0, 4), (5, 7)]


def test_a_text_whose_casefolding_changes_its_length_is_scanned_whole():
    text = "Straße: no direct reports"  # "ß" casefolds to "ss": offsets in the key would be wrong
    rx = re.compile(r"\bno\s++direct\s++reports\b", re.IGNORECASE)
    assert [m.group() for m in gated(rx, text, gate_key(text), ("direct",), 40)] == ["no direct reports"]
