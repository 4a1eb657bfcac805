"""scan.gated must give exactly what a full ``finditer`` gives, for every pattern that uses it."""

import re

from hypothesis import given, settings, strategies as st

from jdclassify import clean, experience, redact
from jdclassify.scan import gate_key, gated, matches_at

# every gated pattern with its gate words, reach and the key its gate words are found in, as the modules call them:
# "casefold" (scan.gate_key), "lower" (both scanned lower-cased, as clean.py does) or "cased" (the text itself)
GATED = [
    (experience._PREFERRED_BEFORE, experience._PREFERRED_BEFORE_WORDS, 0, "casefold"),
    (experience._PREFERRED_AFTER, experience._PREFERRED_AFTER_WORDS, experience._AFTER_REACH, "casefold"),
    *[(rx, words, experience._REACH[name], "casefold") for name, rx, words in experience._MANAGEMENT if name in experience._REACH],
    *[(rx, words, experience._REACH[name], "casefold") for name, _, rx, words in experience._LEVEL_PHRASES],
    (clean._BOILER_PHRASE_RE, clean._BOILER_PHRASE_STARTS, 0, "lower"),
    (clean._BENEFIT_RE, clean._BENEFIT_STARTS, 0, "lower"),
    (redact._URL_RE, redact._URL_SITES, redact._URL_REACH, "casefold"),
    (redact._AT_RE, ("@",), 0, "cased"),
    (redact._HANDLE_RE, ("@",), 0, "cased"),
    (redact._COLON_RE, (":", "："), 0, "cased"),
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
           "equal opportunity employer", "without regard to", "do not accept agency", "we are committed to creating a diverse",
           "https://www.linkedin.com/in/jane-doe", "http://de.LinkedIn.com/pub/x", "github.com/jdoe", "X.com/jdoe",
           "twitter.net/@jd", "t.me/+jd_bot", "wa.me/4915", "medium.com/@jd", "keybase.io/jd", "mastodon.social/@jd",
           "stackoverflow.com/users/123/jd", "jane.doe@example.com", "@JaneDoe", "@jane_doe", "Skype: live:jane", "WeChat：hr_li"]
PIECES = st.sampled_from(WORDS + PHRASES + [" ", "  ", "\n", ", ", ". ", "-", "(", ")", ":", "X", "Senior", "LEAD", "2",
                                            "/", "@", "www.", "https://"])


def _subject_and_key(text: str, key: str) -> tuple[str, str]:
    if key == "lower":
        return text.lower(), text.lower()
    return text, gate_key(text) if key == "casefold" else text


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=40).map(" ".join))
def test_gated_scans_find_exactly_what_a_full_scan_finds(text):
    for rx, words, reach, key in GATED:
        subject, gate = _subject_and_key(text, key)
        full = [m.span() for m in rx.finditer(subject)]
        assert [m.span() for m in gated(rx, subject, gate, words, reach)] == full, rx.pattern[:60]
        found.update((rx.pattern, span) for span in full)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["no degree", "Ph.D.", "PhD", "doctorate", "DNP", "J.D.", "master's degree", "MBA", "M.S.", "MSc", "M.Eng", "MS",
     "graduate degree", "bachelor's", "B.S.", "BSc", "B.Tech", "BS/MS", "BA", "4-year degree", "college degree",
     "a degree in", "associate degree", "A.A.S.", "two-year degree", "AAS degree", "vocational", "trade school",
     "technical college", "post-secondary certificate", "high school", "HS diploma", "GED", "G.E.D", "or equivalent",
     "the", "degree", "not", "/", "(", ")", ".", ",", "-", "\n", "Senior", "data"]), min_size=1, max_size=30).map(" ".join))
def test_education_patterns_match_only_where_the_start_scan_points(text):
    """read_education tries its patterns only at these starts (and skips their gate words there)."""
    starts = {m.start() for m in experience._EDUCATION_STARTS.finditer(gate_key(text))} | \
        {m.start() for m in experience._EDUCATION_CASED_STARTS.finditer(text)}
    for _, rx, _, _ in experience._EDUCATION_PATTERNS:
        assert {m.start() for m in rx.finditer(text)} <= starts, rx.pattern[:60]


found: set = set()


def test_the_property_above_saw_matches():
    patterns = {pattern for pattern, _ in found}
    assert len(found) > 50 and {redact._URL_RE.pattern, redact._HANDLE_RE.pattern} <= patterns  # the generated texts did exercise the patterns (runs after the property test)


def test_matches_at_skips_starts_inside_an_earlier_match():
    rx = re.compile(r"ab+")
    assert [m.span() for m in matches_at(rx, "abbb ab", [0, 1, 5])] == [(0, 4), (5, 7)]


def test_a_text_whose_casefolding_changes_its_length_is_scanned_whole():
    text = "Straße: no direct reports"  # "ß" casefolds to "ss": offsets in the key would be wrong
    rx = re.compile(r"\bno\s++direct\s++reports\b", re.IGNORECASE)
    assert [m.group() for m in gated(rx, text, gate_key(text), ("direct",), 40)] == ["no direct reports"]
