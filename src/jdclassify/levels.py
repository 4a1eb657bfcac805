"""The level decision: which rung of the ladder (S1, P1–P6, M1–M4, E1–E4) a posting is for.

The rule, in order (the first that applies decides; the rest only move the confidence):

1. An explicit ladder position in the title: a grade (``L5``, ``SDE II``, ``Level 3``), else a level numeral
   (``Machine Learning IV`` → P4) or a seniority word (``Senior``, ``Principal``, ``Director``). With both,
   on the individual ladder the higher rung decides: a numeral after a seniority word is a step within it
   (``Senior Analyst II`` is P4, not P2), and a numeral above a word that is also a job word still counts
   (``Sales Associate II`` → P2). A management or executive word above M1 decides (``Senior Manager II`` is
   M3, ``Director II`` M4); a generic M1 word yields to the numeral (``Program Manager III`` → P3: a
   numbered manager title is usually an individual ladder), a word naming the first rung itself does not
   (``Supervisor II``, ``Team Lead I``: M1, a step within the rung).
   A generic ``Manager`` (M1) is refined by the description's span (managing managers: M3; a team of up to
   ``SMALL_TEAM``: M1, a larger one: M2), else its years on the management ladder; a word that names the first
   rung itself (``Team Lead``, ``Supervisor``: levels.yaml ``first_line``) is not.
2. Else the description's minimum years of experience, read on the professional ladder (or on the
   management ladder when the posting manages people).
3. Else a seniority phrase in the body ("entry level", "senior").
4. Else the occupation's usual entry (O*NET Job Zone): frontline jobs S1, the rest P2/P3.

Internships, apprenticeships and traineeships are an employment type; they sit at P1.
Years that disagree with the title's level by more than one rung lower the confidence and are
named in the evidence; they never overrule the title, which is the employer's own statement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .lexicons import LEADING_TRACKS
from .records import Cue, DescriptionCues, Label, TitleCues

# Raw scores per rule (before calibration.py maps them to probabilities fitted on held-out data).
_RAW = {"grade": 0.90, "numeral": 0.85, "seniority": 0.85, "years": 0.60, "phrase": 0.50, "default": 0.35}
_AGREE_BONUS = 0.05
_DISAGREE_PENALTY = 0.20
_RUNG_KINDS = ("numeral", "seniority")  # title cues that name a rung when no grade does (see _explicit_cue)
_INDIVIDUAL_TRACKS = ("support", "professional")  # one ladder: a numeral and a word on it compare by rung
# The most people an M1 leads ("a small team", levels.yaml); a larger team is M2's. A judgement, not a fit: the
# samples' managers of 3 to 6 people are labelled M1, of 8 to 48 M2.
SMALL_TEAM = 7
_JUNIOR_RUNGS = ("S1", "P1", "P2")  # a title that names one of these keeps a manager at M1 whatever the description

# schema.org and feed spellings of employment types → ours ("FT"/"PT" only as a whole field: in a title PT is a therapist)
_EMPLOYMENT_ALIASES = {
    "full_time": "full_time", "fulltime": "full_time", "full time": "full_time", "permanent": "full_time", "ft": "full_time",
    "part_time": "part_time", "parttime": "part_time", "part time": "part_time", "pt": "part_time",
    "contract": "contract", "contractor": "contract", "freelance": "contract",
    "temporary": "temporary", "temp": "temporary", "seasonal": "temporary",
    "intern": "internship", "internship": "internship", "apprenticeship": "internship", "trainee": "internship",
}


_FIELD_SEPARATORS = re.compile(r"[\W_]+")


def normalise_employment_type(value: str, employment_types: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """Map a feed's employment type to ours, or "": a schema.org or feed spelling ("FULL_TIME", "CONTRACTOR"),
    else the first type of ``employment_types`` (levels.yaml, in its order) with a cue among the field's words
    ("Vollzeit / Full-time", "Permanent, full time", "CLT - Tempo integral")."""
    key = value.strip().lower().replace("-", "_")
    found = _EMPLOYMENT_ALIASES.get(key, _EMPLOYMENT_ALIASES.get(key.replace("_", " "), ""))
    if found or not key or not employment_types:
        return found
    return _field_type(value, tuple(employment_types.items()))


@lru_cache(maxsize=1024)  # a feed repeats a handful of values; scanning ~100 cues costs ~40 µs
def _field_type(value: str, employment_types: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    words = f" {_FIELD_SEPARATORS.sub(' ', value.lower())} "
    for kind, cues in employment_types:
        if any(f" {_FIELD_SEPARATORS.sub(' ', cue.lower()).strip()} " in words for cue in cues):
            return kind
    return ""


def level_for_years(years: int, levels: Mapping, track: str = "professional") -> str:
    """The lowest rung of ``track`` whose typical years reach ``years`` (5 → P4, 9 → P5)."""
    rungs = [lv for lv in levels.values() if lv.track == track]
    for level in rungs:
        if years < level.years_max:
            return level.code
    return rungs[-1].code if rungs else ""


def default_level(job_zone: int | None) -> str:
    """Usual entry rung of an occupation with no level evidence, from its O*NET Job Zone."""
    if job_zone is None:
        return "P3"
    return "S1" if job_zone <= 2 else ("P2" if job_zone == 3 else "P3")


def decide_level(
    title_cues: TitleCues,
    description_cues: DescriptionCues | None,
    lexicons,
    role_code: str,
    *,
    posting_employment_type: str = "",
    job_zone: int | None = None,
) -> tuple[Label, str]:
    """The level Label (raw confidence; calibrated by the caller) and the employment type."""
    levels = lexicons.levels
    desc = description_cues or DescriptionCues()
    employment_type = _employment_type(title_cues, posting_employment_type, lexicons.employment_types)
    years = desc.years_experience_min
    evidence: list[str] = []

    explicit = _explicit_cue(title_cues, lexicons)
    if explicit is not None:
        kind, cue = explicit
        value, raw = cue.value, _RAW[kind]
        rule = f"title {kind} {cue.text!r} [{cue.start}:{cue.end}] → {value} ({cue.lexicon_row})"
        other = [c for k in _RUNG_KINDS if k != kind for c in title_cues.of_kind(k) if c.value in levels and c.value != value]
        if kind != "grade" and other:
            rule += "; over " + ", ".join(f"{c.text!r} ({c.value})" for c in other)
        junior = any(c.value in _JUNIOR_RUNGS for k in _RUNG_KINDS for c in title_cues.of_kind(k))  # "Junior … Manager"
        if value == "M1" and desc.manages_people and not junior and not _first_line(cue, lexicons):
            refined, why = _management_rung(desc, years, levels)
            if refined:
                rule += f"; refined to {refined} by {why}" if refined != value else f"; kept at {value} by {why}"
                value = refined
        if years is not None and value in levels and levels[value].track == "professional":
            by_years = level_for_years(years, levels)
            gap = abs(levels[by_years].rank - levels[value].rank)
            if gap <= 1:
                raw = min(1.0, raw + _AGREE_BONUS)
                evidence.append(f"{years}+ years agrees ({by_years})")
            else:
                raw = max(0.0, raw - _DISAGREE_PENALTY)
                evidence.append(f"{years}+ years suggests {by_years}; the title's level is kept")
    elif employment_type == "internship":
        value, raw, rule = "P1", _RAW["seniority"], "internship → P1 (entry-level professional)"
    elif years is not None:
        track = "management" if desc.manages_people and years >= levels_first_years(levels, "management") else "professional"
        value, raw = level_for_years(years, levels, track), _RAW["years"]
        rule = f"no level in the title; {years}+ years of experience on the {track} ladder → {value}"
    elif desc.level_phrases:
        phrase = desc.level_phrases[0]
        value, raw = phrase.value, _RAW["phrase"]
        rule = f"no level in the title or years; body phrase {phrase.text!r} → {value}"
    else:
        value, raw = default_level(job_zone), _RAW["default"]
        zone = f"O*NET Job Zone {job_zone}" if job_zone is not None else "no Job Zone"
        rule = f"no level evidence; usual entry for the occupation ({zone}) → {value}"

    if employment_type == "internship" and explicit is not None and explicit[1].value == "S1":
        value, rule = "P1", rule + "; internship → P1"
    if desc.manages_people and value in levels and levels[value].track == "professional":
        evidence.append("the description mentions managing people")
    return Label(value, round(raw, 4), rule, tuple([rule, *evidence])), employment_type


def _management_rung(desc: DescriptionCues, years: int | None, levels: Mapping) -> tuple[str, str]:
    """The rung of a generic manager ("Manager", not "Team Lead") by the span the description gives it, as the
    ladder defines the rungs (levels.yaml): M3 manages managers, M1 leads a small team directly, M2 a larger one;
    without a span, by its years on the management ladder (the years of a manager of 8 said M3, of 5 M2)."""
    leaders = [c for c in desc.management if c.attr("manages_managers")]
    if leaders:
        return "M3", f"managing managers ({leaders[0].text!r})"
    sizes = [(int(c.attr("team_size")), c) for c in desc.management if c.attr("team_size")]
    if sizes:
        size, cue = max(sizes, key=lambda t: t[0])
        return ("M1" if size <= SMALL_TEAM else "M2"), f"a team of {size} ({cue.text!r})"
    if years is not None:
        return level_for_years(years, levels, track="management"), f"{years}+ years with people management"
    return "", ""


def title_rank(title_cues: TitleCues, lexicons) -> Cue | None:
    """The title's own rung (rule 1) when it is a management or executive one ("VP", "Teamleiter", "Manager"):
    with a description that manages people, the posting leads others (onet.py reads their work as its own)."""
    explicit = _explicit_cue(title_cues, lexicons)
    return explicit[1] if explicit is not None and lexicons.levels[explicit[1].value].track in LEADING_TRACKS else None


def levels_first_years(levels: Mapping, track: str) -> int:
    """Years at which ``track`` starts (M1's minimum for management)."""
    return min((lv.years_min for lv in levels.values() if lv.track == track), default=0)


def _explicit_cue(title_cues: TitleCues, lexicons) -> tuple[str, Cue] | None:
    """The title cue that decides the level, by rule 1 of the module docstring (of several cues of one kind,
    "Lead / Senior", the highest rung is what the title claims)."""
    levels = lexicons.levels

    def highest(kind: str) -> Cue | None:
        return max((c for c in title_cues.of_kind(kind) if c.value in levels), key=lambda c: levels[c.value].rank, default=None)

    grade, numeral, word = highest("grade"), highest("numeral"), highest("seniority")
    if grade is not None:
        return "grade", grade
    if numeral is None or word is None:
        return ("numeral", numeral) if numeral is not None else ("seniority", word) if word is not None else None
    rank = levels[word.value].rank
    if levels[word.value].track in _INDIVIDUAL_TRACKS:
        return ("seniority", word) if rank > levels[numeral.value].rank else ("numeral", numeral)
    first_manager = min(lv.rank for lv in levels.values() if lv.track == "management")
    return ("seniority", word) if rank > first_manager or _first_line(word, lexicons) else ("numeral", numeral)


def _first_line(cue: Cue, lexicons) -> bool:
    """The cue names the first management rung itself (levels.yaml ``first_line``: "Team Lead", "Supervisor")."""
    return any(c.first_line and c.lexicon_row == cue.lexicon_row for c in lexicons.level_cues)


def _employment_type(title_cues: TitleCues, posting_employment_type: str, employment_types: Mapping[str, tuple[str, ...]]) -> str:
    cues = title_cues.of_kind("employment_type")
    if cues:
        return cues[0].value
    return normalise_employment_type(posting_employment_type, employment_types)
