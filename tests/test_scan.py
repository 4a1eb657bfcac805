"""scan.gated must give exactly what a full ``finditer`` gives, for every pattern that uses it."""

import re

from hypothesis import example, given, settings, strategies as st

from jdclassify import clean, experience, redact
from jdclassify.scan import GateWords, gate_key, gated, matches_at, occurrences

# every gated pattern with its gate words, reach and the key its gate words are found in, as the modules call them:
# "casefold" (scan.gate_key), "lower" (both scanned lower-cased, as clean.py does) or "cased" (the text itself)
GATED = [
    (experience._PREFERRED_BEFORE, experience._PREFERRED_BEFORE_WORDS, 0, "casefold"),
    (experience._PREFERRED_AFTER, experience._PREFERRED_AFTER_WORDS, experience._AFTER_REACH, "casefold"),
    *[(rx, words, experience._REACH[name], "casefold") for name, rx, words in experience._MANAGEMENT if name in experience._REACH],
    *[(rx, words, experience._REACH[name], "casefold") for name, _, rx, words in experience._LEVEL_PHRASES],
    *[(rx, words, 0, "casefold") for _, rx, words in experience._MANAGEMENT_OTHER],
    *[(rx, experience._EDUCATION_OTHER_WORDS, 0, "casefold") for _, rx, _ in experience._EDUCATION_OTHER],
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
           "member of the executive team", "reporting directly to the CEO", "Personalverantwortung", "Bac+5", "von Vorteil",
           "encadrement d'une équipe", "personas a cargo", "abgeschlossenes Studium", "se valorará", "manager une équipe", "Health insurance", "paid time off", "401(k)",
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
@example(" ".join(PHRASES))  # every phrase once, whatever the random draws: each pattern is exercised every run
def test_gated_scans_find_exactly_what_a_full_scan_finds(text):
    for rx, words, reach, key in GATED:
        subject, gate = _subject_and_key(text, key)
        full = [m.span() for m in rx.finditer(subject)]
        assert [m.span() for m in gated(rx, subject, gate, words, reach)] == full, rx.pattern[:60]
        found.update((rx.pattern, span) for span in full)


# the one-pass gate finders as the modules build them, with the key each runs over
GATE_WORDS = [(experience._GATES, {"preferred_before": experience._PREFERRED_BEFORE_WORDS,
                                   "preferred_after": experience._PREFERRED_AFTER_WORDS,
                                   **{name: words for name, _, words in experience._MANAGEMENT},
                                   **{name: words for name, _, _, words in experience._LEVEL_PHRASES},
                                   **{name: words for name, _, words in experience._MANAGEMENT_OTHER},
                                   "management_verb": experience._MANAGEMENT_VERBS,
                                   "education": experience._EDUCATION_START_WORDS, "degree": ("degree",),
                                   "education_other": experience._EDUCATION_OTHER_WORDS},
               "casefold"),
              (clean._BOILER_GATES, {"phrase": clean._BOILER_PHRASE_STARTS, "benefit": clean._BENEFIT_STARTS}, "lower")]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES | st.sampled_from(["ſ", "İ", "ß", "é", "leadlead", "nicenice", "prefered"]), min_size=1, max_size=40)
       .map(" ".join))
@example(" ".join(PHRASES))
def test_gate_words_find_every_occurrence_a_word_by_word_search_finds(text):
    """One automaton pass gives each family exactly the offsets ``occurrences`` finds word by word (overlaps too),
    so ``gated_at`` on them is ``gated``."""
    for gates, families, key in GATE_WORDS:
        _, gate = _subject_and_key(text, key)
        found = gates.find(gate)
        for family, words in families.items():
            assert sorted(found.get(family, ())) == sorted(occurrences(gate, words)), family
        assert set(found) <= set(families)


def test_gate_words_find_words_in_a_text_with_a_lone_surrogate():
    """The automaton reads UTF-8, which a lone surrogate has not: such a text is searched word by word."""
    gates = GateWords({"a": ("lead", "team"), "b": ("nice",)})
    assert gates.find("lead\ud800 a team") == {"a": [0, 8]}


def test_gate_words_report_overlapping_occurrences_of_words_within_words():
    gates = GateWords({"a": ("manag", "manage"), "b": ("lead",), "c": ("aa",)})
    assert gates.find("manage leadlead aaa") == {"a": [0, 0], "b": [7, 11], "c": [16, 17]}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["no degree", "Ph.D.", "PhD", "doctorate", "DNP", "J.D.", "master's degree", "MBA", "M.S.", "MSc", "M.Eng", "MS",
     "graduate degree", "bachelor's", "B.S.", "BSc", "B.Tech", "BS/MS", "BA", "4-year degree", "college degree",
     "a degree in", "associate degree", "A.A.S.", "two-year degree", "AAS degree", "vocational", "trade school",
     "technical college", "post-secondary certificate", "high school", "HS diploma", "GED", "G.E.D", "or equivalent",
     "the", "degree", "not", "/", "(", ")", ".", ",", "-", "\n", "Senior", "data"]), min_size=1, max_size=30).map(" ".join))
def test_education_patterns_match_only_where_the_start_scan_points(text):
    """read_education tries its patterns only at these starts (and skips their gate words there)."""
    layout = experience.TextLayout.of(text)
    starts = set(experience._education_starts(text, layout.key, layout.gates))
    for _, rx, _, _ in experience._EDUCATION_PATTERNS:
        assert {m.start() for m in rx.finditer(text)} <= starts, rx.pattern[:60]


found: set = set()


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES | st.sampled_from(["manage", "leadership", "oversees", "runs", "hiring", "recruit", "supervising",
                                          "rebuild", "chirun", "supervisupervise", "Leads"]), min_size=1, max_size=40)
       .map(" ".join))
def test_management_patterns_match_only_at_a_management_verb(text):
    """read_management tries the verb-first patterns only where the _GATES pass found a verb."""
    layout = experience.TextLayout.of(text)
    assert len(layout.key) == len(text)  # else read_management scans whole
    verbs = set(layout.gates.get("management_verb", ()))
    for name, rx, _ in experience._MANAGEMENT:
        if name in experience._VERB_FIRST:
            assert {m.start() for m in rx.finditer(text)} <= verbs, name


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


# --- the other cheap pre-checks: each must pass whenever its pattern can match ---------------------------------

NEGATION_PIECES = st.sampled_from(
    ["no", "not", "NOT", "Nor", "never", "without", "don't", "isn't", "n't", "not only", "no matter", "required",
     "necessary", "needed", "a must", "is not required", "unnecessary", "UNNECESSARY", "experience", "Python", "is",
     "a", "knowledge", "nothing", "know", " ", "  ", "\n", ". ", "; ", ", ", "-", "(", "X", "ſ", "İ", "ı"])


def _negated_without_gates(layout: experience.TextLayout, start: int, end: int) -> bool:
    """TextLayout.negated as it was before its word gates: the patterns on every text."""
    s, e = layout.sentence(start)
    before, after = layout.text[max(s, start - 40):start], layout.text[end:min(e, end + 30)]
    return bool(experience._NEGATION.search(before)) and not experience._NOT_NEGATION.search(before) \
        or bool(experience._NOT_REQUIRED.match(after))


@settings(max_examples=200, deadline=None)
@given(st.lists(NEGATION_PIECES, min_size=1, max_size=20).map(" ".join), st.integers(0, 12))
def test_negation_gates_never_hide_a_negation(text, width):
    layout = experience.TextLayout.of(text)
    for start in range(len(text) + 1):
        end = min(len(text), start + width)
        assert layout.negated(start, end) == _negated_without_gates(layout, start, end), (start, end)


def test_every_character_ignorecase_equates_with_a_gate_letter_lower_cases_to_it():
    """The negation gates are tested on ``str.lower()`` of the text: sound only if this holds (all of Unicode)."""
    everything = "".join(map(chr, range(0x110000)))
    for letter in set("".join(experience._NEGATION_WORDS + experience._NOT_REQUIRED_WORDS)):
        equated = re.compile(re.escape(letter), re.IGNORECASE).findall(everything)
        assert {c.lower() for c in equated} == {letter}, letter


LINES = st.sampled_from(["- item", "-item", "-", "- ", "* star", "*", "\u2022 dot", "\u2022", "\u2013 dash", "\u2014",
                         "\u00b7x", "text", "Heading:", "## Heading", "  Indented line", "1. Numbered", "", " ", "\t",
                         "A sentence. Another one", "x" * 70])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=20).map("\n".join))
def test_line_start_scans_find_what_the_multiline_patterns_find(text):
    # clean.normalise_text runs its bullet substitution only where this pre-check finds a bullet
    has_bullet = bool(clean._BULLET_RE.match(text) or clean._BULLET_AFTER_BREAK_RE.search(text))
    assert has_bullet == bool(clean._BULLET_RE.search(text))
    # TextLayout.of finds headings at 0 and after each line break
    first = experience._HEADING.match(text)
    headings = ([(first.span(), first.groups())] if first else []) + \
        [((m.start() + 1, m.end()), m.groups()) for m in experience._HEADING_AFTER_BREAK.finditer(text)]
    assert headings == [(m.span(), m.groups()) for m in experience._HEADING.finditer(text)]
