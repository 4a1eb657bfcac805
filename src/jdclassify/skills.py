"""Skill hits in descriptions, and the one entry point for description cues (``DescriptionAnalyzer``).

Skills are found with two spaCy PhraseMatchers over the skills lexicon: ``LOWER`` for ordinary
names, ``ORTH`` for case-sensitive ones (R, Go, SAS). Precision matters more than volume, so:

* each phrase belongs to one skill (canon beats O*NET beats ESCO when names collide);
* ESCO is matched only where its labels name something specific: knowledge labels of two or
  more words, single-word knowledge labels that look like a name or a discipline (Hadoop, COBOL,
  epidemiology), and skill/competence labels of three or more words ("perform data analysis").
  Two-word ESCO competences ("manage staff", "accept feedback") and plain single words ("energy",
  "hair", "consultation") describe ordinary work, not a skill a posting asks for, and match
  everywhere; a stoplist removes generic labels that remain;
* single-word names that are also ordinary words (``needs_context`` in the lexicon: Go, Excel,
  Spark, Access, Swift, Chef, …) count only beside other skills, after "in/with/using/…", or before
  "programming/language/…", and never before "to/at/the/…" ("go to market", "excel at");
* a capitalised single-word name (Blender, Quicken, Loom) does not match an all-lowercase word;
* the longest match wins where matches overlap.

Each hit records negation ("no X required", "without X") and requirement (preferred when its
sentence or section says "nice to have", "preferred", "a plus", …; else required) in ``Cue.attrs``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from typing import TYPE_CHECKING

from .experience import TextLayout, read_experience, years_minimum
from .records import Cue, DescriptionCues, Posting

if TYPE_CHECKING:  # spaCy is imported when the first description is tokenised: a run of titles never needs it
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

_PRIORITY = {"canon": 0, "onet": 1, "esco": 2}
# Generic labels that survive the ESCO rules but name no skill a posting asks for.
_STOPLIST = frozenset({
    "english", "communication", "teamwork", "leadership", "management", "customer service", "sales",
    "marketing", "research", "planning", "writing", "reading", "speaking", "listening", "learning",
    "work independently", "work in a team", "work in teams", "use microsoft office", "think analytically",
    "be reliable", "show initiative", "database", "energy", "consultation", "health", "safety", "quality",
    "cameras", "dies", "hair", "golf", "football", "boxing", "betting", "blueprints", "electricity",
    "office software", "computer", "computers", "internet", "email", "e-mail", "phone", "telephone",
    "google", "bing", "act!", "loom", "juris", "archon", "coeus", "iris", "magic", "fear", "cubic", "reduce",
    "prince", "jet", "tanks", "puff", "sand", "kant", "hms", "spaw", "premis", "aspen", "cave5d", "tokenx",
    "business", "project", "projects", "operations", "data", "analysis", "design", "development",
    "security", "support", "training", "testing", "reporting", "documentation", "engineering",
    "company policies", "business processes", "types of software", "information technology",
    "english language", "office equipment", "medical terminology", "nec",
})
_DISCIPLINE = re.compile(r"(?:ology|ologies|onomy|graphy|metry|iatry|istry)$|^(?:statistics|economics|mathematics|physics|"
                         r"robotics|genetics|bioinformatics|linguistics|electronics|ergonomics|biostatistics|econometrics)$")
_POS_PREV = frozenset({
    "in", "with", "using", "use", "like", "including", "include", "knowledge", "proficiency", "proficient",
    "experience", "expertise", "languages", "language", "tools", "e.g.", "eg", "such", "skills", "skilled",
    "familiarity", "familiar", "fluent", "fluency", "advanced", "strong", "via", "through",
})
_POS_NEXT = frozenset({
    "programming", "language", "languages", "developer", "developers", "development", "code", "coding",
    "scripting", "scripts", "skills", "spreadsheets", "spreadsheet", "macros", "vba", "golang", "pivot",
    "formulas", "dashboards", "jobs", "clusters", "streaming", "notebooks", "studio", "apis", "api",
    "services", "experience", "proficiency", "knowledge", "applications", "app", "apps", "ecosystem",
    "stack", "framework", "libraries", "library", "modules", "packages", "queries", "database", "databases",
    "workbooks", "models", "templates", "environment", "cookbooks", "manifests", "pipelines",
})
_NEG_NEXT = frozenset({
    "to", "at", "the", "a", "an", "your", "our", "their", "his", "her", "up", "out", "forward", "beyond",
    "ahead", "of", "suite", "level", "back", "away", "above", "live", "into", "onto", "over", "down", "off",
})
_NEIGHBOUR_TOKENS = 6


@dataclass(frozen=True, slots=True)
class _Entry:
    skill_id: str
    row: str
    priority: int
    needs_context: bool  # the single-word form needs a technical neighbour
    capitalised: bool  # the phrase is written with a capital: a lowercase single word is not it


def _wanted(skill, phrase: str) -> bool:
    """Which lexicon phrases are matched at all (see the module docstring for why)."""
    words = phrase.split()
    low = phrase.lower()
    if not words or low in _STOPLIST or words[0].lower() in {"a", "an", "the"}:
        return False  # "a computer" (an ESCO alt label) is not a skill name
    if len(phrase) < 2 and not skill.needs_context:
        return False  # single letters only with the context rules (R, C)
    if skill.source != "esco":
        return True
    if skill.type == "knowledge":
        if len(words) >= 2:
            return True
        return phrase != low or any(ch.isdigit() or ch in "+#." for ch in phrase) or bool(_DISCIPLINE.search(low))
    return len(words) >= 3


class SkillMatcher:
    """PhraseMatchers over the skills lexicon plus the case/context rules. Build once per process.

    The phrases are chosen at build time but compiled into PhraseMatchers by ``compile`` (which
    ``DescriptionAnalyzer`` calls before the first description): tokenising ~100k phrases takes seconds,
    and a run of titles never needs them.
    """

    def __init__(self, entries: dict[str, _Entry], grouped: dict[tuple[bool, str], list[str]]) -> None:
        self._entries, self._grouped = entries, grouped
        self._matchers: tuple[PhraseMatcher, PhraseMatcher] | None = None

    @classmethod
    def build(cls, lexicons) -> "SkillMatcher":
        skills = lexicons.skills.values() if hasattr(lexicons.skills, "values") else lexicons.skills
        best: dict[tuple[bool, str], tuple[int, str, str]] = {}  # (cased, key) -> (priority, skill id, phrase)
        by_id = {}
        for skill in skills:
            by_id[skill.id] = skill
            prio = _PRIORITY.get(skill.source, 3)
            for phrase in dict.fromkeys((skill.name, *skill.synonyms)):
                phrase = phrase.strip()
                if not phrase or not _wanted(skill, phrase):
                    continue
                key = (skill.case_sensitive, phrase if skill.case_sensitive else phrase.lower())
                if key not in best or (prio, skill.id) < best[key][:2]:
                    best[key] = (prio, skill.id, phrase)
        grouped: dict[tuple[bool, str], list[str]] = {}
        entries: dict[str, _Entry] = {}
        for (cased, _key), (prio, skill_id, phrase) in best.items():
            skill = by_id[skill_id]
            capitalised = phrase[:1].isupper() and len(phrase.split()) == 1
            label = f"{skill_id}|{int(capitalised)}"
            entries[label] = _Entry(skill_id, skill.row, prio, skill.needs_context, capitalised)
            grouped.setdefault((cased, label), []).append(phrase if cased else phrase.lower())
        return cls(entries, grouped)

    def compile(self, nlp: Language) -> None:
        """Build the (LOWER, ORTH) PhraseMatchers over ``nlp``'s vocabulary, once."""
        from spacy.matcher import PhraseMatcher

        if self._matchers is None:
            lower, orth = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
            for (cased, label), phrases in self._grouped.items():
                (orth if cased else lower).add(label, list(nlp.tokenizer.pipe(phrases)))
            self._matchers = (lower, orth)

    def find(self, doc: Doc, layout: TextLayout) -> list[Cue]:
        strings = doc.vocab.strings
        if self._matchers is None:
            raise RuntimeError("SkillMatcher.compile(nlp) must run before find()")
        lower, orth = self._matchers
        raw = [(self._entries[strings[mid]], s, e) for mid, s, e in [*lower(doc), *orth(doc)]]
        raw.sort(key=lambda h: (-(h[2] - h[1]), h[1], h[0].priority))
        taken = bytearray(len(doc))
        kept = []
        for entry, s, e in raw:  # longest first, then earliest, then canon > O*NET > ESCO
            if any(taken[s:e]):
                continue
            if e - s > 1 and e < len(doc) and doc[e].lower_ in {"'s", "’s"}:
                continue  # "manage the team's budget": the phrase only modifies what follows
            if entry.capitalised and e - s == 1 and doc[s].text.islower():
                continue  # "blender", "quicken": the ordinary word, not the product
            taken[s:e] = b"\x01" * (e - s)
            kept.append((entry, s, e))
        kept.sort(key=lambda h: h[1])
        plain = [s for entry, s, e in kept if not (entry.needs_context and e - s == 1)]
        cues = []
        for entry, s, e in kept:
            if e - s == 1:  # most hits: one token, read without building a Span
                token = doc[s]
                if entry.needs_context and not self._in_context(doc, s, plain, layout):
                    continue
                if token.is_upper and self._shouted(doc, s):
                    continue
                text, start = token.text, token.idx
                end = start + len(text)
            else:
                span = doc[s:e]
                text, start, end = span.text, span.start_char, span.end_char
            requirement = ("requirement", layout.requirement(start))
            attrs = (("negated", "true"), requirement) if layout.negated(start, end) else (requirement,)  # sorted
            cues.append(Cue(kind="skill", text=text, value=entry.skill_id, field="description", start=start,
                            end=end, lexicon_row=entry.row, attrs=attrs))
        return cues

    @staticmethod
    def _in_context(doc: Doc, i: int, plain: list[int], layout: TextLayout) -> bool:
        """An ambiguous single word counts only where it plainly means the technology."""
        nxt = [t for t in doc[i + 1:i + 4] if not t.is_space]
        plain_at = set(plain)
        first = nxt[0].lower_ if nxt else ""
        if first in _NEG_NEXT or (first == "-" and len(nxt) > 1 and nxt[1].is_alpha):
            return False
        if nxt and nxt[0].i == i + 1 and nxt[0].is_title and nxt[0].lower_ not in _POS_NEXT and nxt[0].i not in plain_at:
            return False  # part of a longer name: "Unity Catalog", "Go Daddy"
        if any(t.lower_ in _POS_NEXT for t in nxt[:2] if not t.is_punct) or \
                any(t.lower_ in _POS_NEXT for t in nxt[1:3] if nxt[0].text == "("):
            return True
        prev = [t.lower_ for t in doc[max(0, i - 3):i] if not t.is_space]
        if prev and (prev[-1] in _POS_PREV or (len(prev) > 1 and prev[-2] in _POS_PREV and prev[-1] in {"and", "or", ","})):
            return True
        sent = layout.sentence(doc[i].idx)
        return any(abs(j - i) <= _NEIGHBOUR_TOKENS and sent[0] <= doc[j].idx < sent[1] for j in plain)

    @staticmethod
    def _shouted(doc: Doc, i: int) -> bool:
        """An all-caps word inside an all-caps heading ("MAGIC HAPPENS HERE") is not a product name."""
        tok = doc[i]
        if not tok.is_upper:
            return False
        around = [t for t in (*doc[max(0, i - 2):i], *doc[i + 1:i + 3]) if t.is_alpha and len(t) > 2]
        return len(around) >= 2 and all(t.is_upper for t in around)


class DescriptionAnalyzer:
    """Description cues for postings: skills (tokens + PhraseMatcher) and experience (regexes).

    The spaCy pipeline and the skill PhraseMatchers are built by ``prepare``, which the first posting
    with a description calls: a titles-only run starts without importing spaCy.
    """

    __slots__ = ("lexicons", "skills", "batch_size", "_nlp")

    def __init__(self, lexicons, batch_size: int) -> None:
        self.lexicons, self.batch_size = lexicons, batch_size
        self.skills: SkillMatcher | None = None
        self._nlp: Language | None = None

    @classmethod
    def build(cls, lexicons, settings) -> "DescriptionAnalyzer":
        return cls(lexicons, batch_size=settings.nlp_batch_size)

    def prepare(self) -> Language:
        """The tokenizer pipeline, with the skill matchers built and compiled; call before forking workers so they share it."""
        if self._nlp is None:
            from .nlp import build_nlp

            nlp = build_nlp()
            skills = SkillMatcher.build(self.lexicons)
            skills.compile(nlp)
            self.skills, self._nlp = skills, nlp
        return self._nlp

    def analyze(self, posting: Posting) -> DescriptionCues:
        return next(self.analyze_many([posting]))

    def analyze_many(self, postings: Iterable[Posting]) -> Iterator[DescriptionCues]:
        """Streams cues in input order; tokenises each description once (boilerplate blanked, offsets kept)."""
        texts = ((_break_long_runs(text), text) for text in (_blank(p.description, p.boilerplate) for p in postings))
        for doc, text in self._pipe(texts):
            # not doc.text: rebuilding it costs a third of the tokenizer's time; a blank text has no cues
            yield self._cues(doc, text) if doc is not None else _NO_CUES

    def _pipe(self, texts: Iterator[tuple[str, str]]) -> Iterator[tuple[Doc | None, str]]:
        """(doc, text) per text; blank texts are not tokenised (doc None), so a batch of titles never builds spaCy."""
        pending: list[tuple[str, str]] = []
        for pair in texts:
            if pair[1] and not pair[1].isspace():
                pending.append(pair)
                if len(pending) >= self.batch_size:  # bounded: the stream stays a stream
                    yield from self._tokenised(pending)
                    pending = []
                continue
            yield from self._tokenised(pending)
            pending = []
            yield None, pair[1]
        yield from self._tokenised(pending)

    def _tokenised(self, pairs: list[tuple[str, str]]) -> Iterator[tuple[Doc, str]]:
        if pairs:
            yield from self.prepare().pipe(pairs, batch_size=self.batch_size, as_tuples=True)

    def _cues(self, doc: Doc, text: str) -> DescriptionCues:
        layout = TextLayout.of(text)
        skills = self.skills.find(doc, layout)
        exp = read_experience(text, layout)
        years = tuple(_with_skill(c, skills, text) for c in exp.years)
        return DescriptionCues(
            skills=tuple(skills), years=years, years_experience_min=years_minimum(years), education=exp.education,
            manages_people=exp.manages_people, management=exp.management, level_phrases=exp.level_phrases,
        )


_LONG_RUN = 64
_LONG_RUN_RE = re.compile(rf"\S{{{_LONG_RUN},}}")


def _break_long_runs(text: str) -> str:
    """Every 64th character of a run of 64+ non-space characters becomes a space; the length is kept, so offsets hold.

    spaCy's tokenizer splits prefixes and suffixes in quadratic time on one token: a 200,000-character run
    of "<" or "(" would stall the batch for hours. No word or skill is that long.
    """
    if not _LONG_RUN_RE.search(text):
        return text

    def spaced(match: re.Match) -> str:
        chars = list(match.group(0))
        chars[_LONG_RUN - 1 :: _LONG_RUN] = " " * len(range(_LONG_RUN - 1, len(chars), _LONG_RUN))
        return "".join(chars)

    return _LONG_RUN_RE.sub(spaced, text)


_NO_CUES = DescriptionCues()
_BETWEEN_YEARS_AND_SKILL = re.compile(r"[^\S\n]*+(?:[\w-]++[^\S\n]++){0,5}$")


def _with_skill(years: Cue, skills: list[Cue], text: str) -> Cue:
    """"3+ years of Python": the years belong to the first skill named right after them."""
    for skill in skills:
        if years.end <= skill.start <= years.end + 45:
            if _BETWEEN_YEARS_AND_SKILL.match(text, years.end, skill.start):
                return Cue(kind=years.kind, text=years.text, value=years.value, field=years.field, start=years.start,
                           end=years.end, lexicon_row=years.lexicon_row,
                           attrs=tuple(sorted((*years.attrs, ("skill", skill.value)))))
            break
        if skill.start > years.end + 45:
            break
    return years


def _blank(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Boilerplate replaced by spaces: not tokenised (a run of spaces is one token), offsets unchanged."""
    if not spans:
        return text
    pieces, pos = [], 0
    for a, b in sorted(spans):
        a, b = max(a, pos), min(b, len(text))
        if b <= a:
            continue
        pieces.append(text[pos:a])
        pieces.append(re.sub(r"[^\n]", " ", text[a:b]))
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)
