"""Redaction: contact data becomes placeholders; years, salaries, ids and other numbers stay."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings, strategies as st

from jdclassify import redact as redact_module
from jdclassify.redact import redact

CONTACTS = [
    ("Email jordan.example@acme-mail.com for details", "[EMAIL]", "email"),
    ("jordan_ex+jobs@mail.co.uk", "[EMAIL]", "email"),
    ("write to jordan [at] example [dot] com", "[EMAIL]", "email"),
    ("+44 20 7946 0958", "[PHONE]", "phone"),
    ("(555) 123-4567", "[PHONE]", "phone"),
    ("555.123.4567", "[PHONE]", "phone"),
    ("+49 30 1234567", "[PHONE]", "phone"),
    ("0049 30 1234567", "[PHONE]", "phone"),
    ("+33 1 23 45 67 89", "[PHONE]", "phone"),
    ("+91 98765 43210", "[PHONE]", "phone"),
    ("07700 900123", "[PHONE]", "phone"),
    ("+1-555-123-4567 ext. 22", "[PHONE]", "phone"),
    ("+44 (0)20 7946 0958", "[PHONE]", "phone"),
    ("1-800-555-0199", "[PHONE]", "phone"),
    ("Tel: 555-0199", "Tel: [PHONE]", "phone"),
    ("Tel. No. 020 7946 0958", "Tel. No. [PHONE]", "phone"),
    ("Contact No: 98765 43210", "Contact No: [PHONE]", "phone"),
    ("Llámanos al 91 234 56 78", "Llámanos al [PHONE]", "phone"),
    ("電話：03-1234-5678", "電話：[PHONE]", "phone"),
    ("jane dot doe at example dot com", "[EMAIL]", "email"),
    ("WeChat: li_hr_2024", "WeChat: [HANDLE]", "handle"),
    ("https://www.linkedin.com/in/jordan-example-42/", "[URL]", "url"),
    ("linkedin.com/in/jordanexample", "[URL]", "url"),
    ("github.com/jordan-example", "[URL]", "url"),
    ("https://twitter.com/jordan_ex", "[URL]", "url"),
    ("x.com/jordan_ex", "[URL]", "url"),
    ("DM @jordan_example", "DM [HANDLE]", "handle"),
]

ORDINARY = [
    "Worked there 2019-2023 and 2015 - 2018",
    "Salary $120,000 - $150,000 plus bonus",
    "£45k-£55k DOE",
    "Req #48213",
    "JR-104233",
    "Python 3.12.1, Spark 3.5, Windows 10.0.19041.1",
    "Growth of 12.5% year over year",
    "Start date 2026-03-01 or 01.02.2026 14:00",
    "Office at 500 Main St, Austin, TX 78701 or 94105-1234",
    "Serving 1,000,000 users across 220 stores",
    "Servers at 192.168.100.200",
    "5+ years of experience, 40 hours a week",
    "Meet us @ the office",
    "Our code is at github.com/acme/widgets",
    "Contact sales@ for quotes",
    "ISO 27001 and SOC 2 Type II",
    "VAT No. 0123.456.789 and Order No. 0815-4711-20",
    "Use @dataclass(frozen=True), @property and @pytest.fixture; import from @angular/core",
]


@pytest.mark.parametrize(("text", "expected", "kind"), CONTACTS)
def test_contact_formats_are_redacted(text, expected, kind):
    redacted, counts = redact(text)
    assert expected in redacted
    assert counts[kind] == 1


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_and_text_are_kept(text):
    assert redact(text) == (text, {})


def test_contact_block_in_a_posting():
    text = (
        "Questions? Contact Jordan Example, Technical Recruiter: jordan.example@northwind-example.com, "
        "+1 (206) 555-0142, https://www.linkedin.com/in/jordan-example-42 or message @jordan_example.\n"
        "We offer $140,000-$175,000 for 5+ years (2019-2024 experience welcome), Req #48213."
    )
    redacted, counts = redact(text)
    assert counts == {"email": 1, "phone": 1, "url": 1, "handle": 1}
    assert "$140,000-$175,000" in redacted and "2019-2024" in redacted and "Req #48213" in redacted
    assert "jordan" not in redacted.split("Jordan Example", 1)[1].lower().replace("[", "")


# --- a generated evaluation set: recall on contact snippets, false redaction on ordinary ones ----

FIRST = ["jordan", "alex", "sam", "maria", "li", "priya", "ola", "chen", "fatima", "lukas"]
LAST = ["example", "smith", "garcia", "nguyen", "okafor", "muller", "rossi", "kim", "patel", "silva"]
DOMAINS = ["example.com", "mail.co.uk", "acme-corp.io", "uni.example.edu", "firma.de", "x-labs.ai"]
LEADS = ["Contact", "Reach me at", "Questions:", "Send your CV to", "Call", "Recruiter:", "Phone", "or", "Apply via", ""]


def _phone(rng: random.Random) -> str:
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
    area = str(rng.randint(2, 9)) + d(2)
    return rng.choice([
        f"+44 20 {d(4)} {d(4)}", f"({area}) {d(3)}-{d(4)}", f"{area}.{d(3)}.{d(4)}", f"{area}-{d(3)}-{d(4)}",
        f"+49 30 {d(7)}", f"0049 {rng.randint(30, 89)} {d(7)}", f"+33 {rng.randint(1, 9)} {d(2)} {d(2)} {d(2)} {d(2)}",
        f"+91 {rng.randint(7, 9)}{d(4)} {d(5)}", f"07{d(3)} {d(6)}", f"+1-{area}-{d(3)}-{d(4)} ext. {d(2)}",
        f"+1 ({area}) {d(3)}-{d(4)}", f"020 {d(4)} {d(4)}", f"+61 {rng.randint(2, 8)} {d(4)} {d(4)}",
        f"+{rng.randint(30, 99)}{d(9)}", f"1-800-{d(3)}-{d(4)}",
    ])


def _contact(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    sep = rng.choice([".", "_", "-", ""])
    kind = rng.choice(["email", "phone", "phone", "url", "handle"])
    if kind == "email":
        value = f"{first}{sep}{last}{rng.choice(['', str(rng.randint(1, 99))])}@{rng.choice(DOMAINS)}"
    elif kind == "phone":
        value = _phone(rng)
    elif kind == "url":
        slug = f"{first}-{last}" if sep == "-" else f"{first}{last}"
        value = rng.choice([
            f"https://www.linkedin.com/in/{slug}-{rng.randint(1, 999)}/", f"linkedin.com/in/{slug}",
            f"https://github.com/{slug}", f"twitter.com/{first}_{last}", f"https://x.com/{first}{last}",
        ])
    else:
        value = f"@{first}_{last}"
    return f"{rng.choice(LEADS)} {value}{rng.choice(['', '.', ',', ' today', ' (preferred)'])}".strip(), kind


def _ordinary(rng: random.Random) -> str:
    y = rng.randint(1995, 2026)
    n = rng.randint(2, 15)
    return rng.choice([
        f"Experience from {y}-{y + rng.randint(1, 6)} is welcome",
        f"Salary ${rng.randint(40, 250)},000 - ${rng.randint(60, 300)},000 per year",
        f"Pay £{rng.randint(20, 90)}k-£{rng.randint(30, 120)}k plus benefits",
        f"Req #{rng.randint(10000, 99999)}", f"JR-{rng.randint(100000, 999999)}",
        f"Requires Python {rng.randint(2, 3)}.{rng.randint(0, 13)}.{rng.randint(0, 20)} and Java {rng.randint(8, 21)}",
        f"Grew revenue {rng.randint(1, 99)}.{rng.randint(0, 9)}% in {y}",
        f"Start on {y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", f"Starts {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{y}",
        f"Office in Austin, TX {rng.randint(10000, 99999)}", f"ZIP {rng.randint(10000, 99999)}-{rng.randint(1000, 9999)}",
        f"{n}+ years of experience with {rng.randint(1, 500)} stores and {rng.randint(1, 9)},{rng.randint(100, 999)},000 users",
        f"Team of {n} engineers working {rng.randint(20, 45)} hours a week",
        f"Version {rng.randint(1, 20)}.{rng.randint(0, 99)}.{rng.randint(0, 99999)}.{rng.randint(0, 9)} is deployed",
        f"Meet us @ the {rng.choice(['office', 'lab', 'site'])} at {rng.randint(1, 12)}pm",
        f"ISO {rng.randint(9000, 27999)} and SOC {rng.randint(1, 3)} certified since {y}",
        f"Budget of {rng.randint(1, 900)} {rng.randint(100, 999)} {rng.randint(100, 999)} EUR",
    ])


def redaction_figures(n: int = 600, seed: int = 11) -> tuple[float, float]:
    rng = random.Random(seed)
    contacts = [_contact(rng) for _ in range(n)]
    recalled = sum(redact(text)[1][kind] >= 1 for text, kind in contacts)
    ordinary = [_ordinary(rng) for _ in range(n)]
    falsely = sum(bool(redact(text)[1]) for text in ordinary)
    return recalled / n, falsely / n


def test_recall_and_false_redaction_on_a_generated_set():
    recall, false_rate = redaction_figures()
    assert recall >= 0.99
    assert false_rate <= 0.01


# --- hostile input: every pattern is linear, so these finish in well under a second each -------


@pytest.mark.parametrize("unit", ["1", ".", "@", "1.", "a@", "a.", "+1 ", "0 12 ", "12-", "@a", "a [at] b [dot] ", "linkedin.com/in/"])
def test_megabyte_of_hostile_characters_finishes(unit):
    text = unit * (1_000_000 // len(unit))
    redacted, _ = redact(text)
    assert len(redacted) <= len(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab x.@:：/-+()8０٣" + "at dot com tel 555 0199 ")), max_size=60))
def test_a_text_without_any_cue_character_is_passed_over_exactly_as_trying_every_kind_would(text):
    """_spans returns at once when no kind can match (no "@", colon, "/" or digit, no obfuscation hint): the same
    result as running every pattern."""
    import jdclassify.redact as r

    quick = r.redact(text)
    every = r._ANY_CUE_RE
    try:
        r._ANY_CUE_RE = re.compile("")  # matches every text: no early return
        assert r.redact(text) == quick
    finally:
        r._ANY_CUE_RE = every


_AT_HINT_RE = re.compile(r"at(?:[\])}>]| [\])])")  # the hint patterns as they were before the one-pass hint search
_DOT_HINT_RE = re.compile(r" (?:dot|p(?:unkt|oint|unto|onto|unt|ont)|kropka|tečka|точка) ")
_WORD_HINTS = ("ät", "arobase", "arroba", "chiocciola", "małpa", "malpa", "apenstaartje", "snabel-a", "kukac", "zavin", "собака")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["at", "AT", "]", ")", "}", ">", " ", "dot", "Punkt", "point", "punto", "ponto", "punt",
                                 "pont", "kropka", "tečka", "ТОЧКА", "Ät", "arobase", "arroba", "chiocciola", "Małpa",
                                 "malpa", "apenstaartje", "snabel-a", "kukac", "zavin", "собака", "x", "@", "İ", "."]),
                max_size=12).map("".join))
def test_the_one_pass_obfuscation_hint_search_finds_what_the_hint_patterns_found(text):
    low = text.lower()
    before = bool(_AT_HINT_RE.search(low) or _DOT_HINT_RE.search(low) or any(h in low for h in _WORD_HINTS))
    assert bool(redact_module._OBFUSCATED_HINTS.find(low)) == before


def test_a_text_with_a_lone_surrogate_is_redacted():
    # the reader replaces lone surrogates, but a caller of the library may pass one
    assert redact("mail jane [at] example [dot] com \ud800") == ("mail [EMAIL] \ud800", {"email": 1})
