"""Typed, immutable records that carry a posting from input to output.

Nothing here mutates: each pipeline step returns new records (``dataclasses.replace``).
Every cue keeps where it came from (field and character span) and which lexicon row
it matched, so any label can be explained back to the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Band = Literal["high", "medium", "low"]

HIGH_BAND = 0.80
MEDIUM_BAND = 0.50


def band_of(confidence: float) -> Band:
    """The one definition of the confidence bands: high >= 0.80 > medium >= 0.50 > low."""
    if confidence >= HIGH_BAND:
        return "high"
    if confidence >= MEDIUM_BAND:
        return "medium"
    return "low"


@dataclass(frozen=True, slots=True)
class Posting:
    """One job posting as read from a feed (after cleaning, ``description`` is plain text).

    ``source`` and ``line`` say where the record came from so errors and quarantine rows
    can point back at it; ``line`` is 1-based (the row number for CSV, the page for HTML).
    """

    id: str
    title: str
    description: str = ""
    company: str = ""
    location: str = ""
    posted_date: str = ""
    url: str = ""
    employment_type: str = ""
    source: str = ""
    line: int = 0
    content_hash: str = ""
    # Spans of description text marked as boilerplate (EEO statements, benefits): excluded from cues.
    boilerplate: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Cue:
    """A piece of evidence found in a posting.

    ``kind`` is one of: seniority, numeral, grade, specialisation, employment_type, noise,
    role_part, skill, years, education, management, level_phrase.
    ``value`` is the normalised meaning (a level like ``P4``, a skill id, a number of years).
    ``lexicon_row`` names what matched, as ``file:key`` (e.g. ``levels.yaml:seniority:senior``).
    ``attrs`` holds extra facts as sorted (key, value) pairs, e.g. ``("requirement", "preferred")``.
    """

    kind: str
    text: str
    value: str
    field: Literal["title", "description"]
    start: int
    end: int
    lexicon_row: str = ""
    score: float = 1.0
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)


@dataclass(frozen=True, slots=True)
class TitleCues:
    """A raw title split into its core title and the cues around it."""

    raw: str
    core: str  # the job-title words left after seniority, numerals, noise etc. are taken out
    normalised: str  # core, normalised for lookup (see titles.normalise_title)
    cues: tuple[Cue, ...] = ()
    parts: tuple[str, ...] = ()  # several roles in one title ("Data Scientist / ML Engineer")

    def of_kind(self, kind: str) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues if c.kind == kind)


@dataclass(frozen=True, slots=True)
class Education:
    level: str  # none | high_school | vocational | associate | bachelor | master | doctorate
    required: bool


@dataclass(frozen=True, slots=True)
class DescriptionCues:
    """What the description says: skills, experience, education, people management."""

    skills: tuple[Cue, ...] = ()
    years: tuple[Cue, ...] = ()  # each years cue: value = minimum years; attr "skill" when per skill
    years_experience_min: int | None = None
    education: Education | None = None
    education_cues: tuple[Cue, ...] = ()  # what the education was read from
    manages_people: bool = False
    management: tuple[Cue, ...] = ()
    level_phrases: tuple[Cue, ...] = ()  # body seniority phrases ("you will lead", "entry level")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A title-alias match: which alias row, how well, and what it points to."""

    role_code: str
    onet_code: str
    alias: str
    alias_id: str  # title_aliases.csv:<line>
    source: str
    band: str
    prior: float  # the alias row's prior confidence
    score: float  # match score in [0, 1]
    method: str  # exact | fuzzy | description
    level: str = ""  # level the alias implies (canon aliases), else ""


@dataclass(frozen=True, slots=True)
class Label:
    """A labelled value with a calibrated confidence, its band and the evidence behind it."""

    value: str
    confidence: float
    rule: str  # the rule that decided it, in words a user can read
    evidence: tuple[str, ...] = ()

    @property
    def band(self) -> Band:
        return band_of(self.confidence)

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence!r} is outside [0, 1]")


@dataclass(frozen=True, slots=True)
class Alternative:
    code: str
    title: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Classification:
    """A posting's labels: role, level, O*NET code, each with confidence and evidence."""

    id: str
    title: str
    role: Label
    role_name: str
    level: Label
    employment_type: str
    canon_code: str
    onet: Label
    onet_title: str
    onet_alternatives: tuple[Alternative, ...] = ()
    skills: tuple[str, ...] = ()
    years_experience_min: int | None = None
    education: str = ""
    manages_people: bool = False
    needs_review: bool = False
    lexicon_version: str = ""
    title_cues: TitleCues | None = None
    description_cues: DescriptionCues | None = None
    candidates: tuple[Candidate, ...] = ()
    source: str = ""
    content_hash: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    """A record that could not be classified, with a reason code from errors.QuarantineReason."""

    reason: str
    detail: str
    source: str
    line: int
    excerpt: str  # short, redacted
    id: str = ""
