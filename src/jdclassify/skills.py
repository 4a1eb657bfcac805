"""Skill hits in descriptions, and the one entry point for description cues (``DescriptionAnalyzer``).

Skill names are found in one pass of two Aho-Corasick automata (``ahocorasick_rs``, compiled code) over
the text: one over the lowercased text for ordinary names, one over the text as written for
case-sensitive ones (R, Go, SAS). A hit counts only where it starts and ends on a word edge, as a
token match would ("typescripts" holds no TypeScript, "C++-based" holds C++). spaCy's tokenizer reads
only short windows around the few hits whose rules need tokens; tokenising whole descriptions for a
PhraseMatcher was most of the description stage's time. Precision matters more than volume, so:

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

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from typing import TYPE_CHECKING

import numpy as np

from .experience import TextLayout, read_experience, years_minimum
from .packing import pack, unpack
from .records import Cue, DescriptionCues, Posting

if TYPE_CHECKING:  # spaCy is imported when the first description is read: a run of titles never needs it
    from spacy.language import Language
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


@dataclass(frozen=True, slots=True)
class _Pattern:
    entry: _Entry
    one_token: bool  # no space in the phrase: the case and context rules read it as one word


def _lowered(text: str) -> str:
    """``text.lower()`` with every offset kept: a character whose lowercase is longer ("İ") stays as it is."""
    low = text.lower()
    if len(low) == len(text):  # no character lowercases to more than one
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _at_token_edges(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` begins and ends where a tokenizer would cut: not inside a word
    ("typescripts"), a dotted name ("ASP.NET", "node.js") or a number ("Python3")."""
    if start:
        c = text[start - 1]
        if c.isalnum() or c == "_" or (c == "." and start > 1 and text[start - 2].isalnum()):
            return False
    if end < len(text):
        c = text[end]
        if c.isalnum() or c == "_" or (c == "." and end + 1 < len(text) and text[end + 1].isalnum()):
            return False
    return True


_POSSESSIVE = re.compile(r"['’][sS](?!\w)")
_WINDOW_REACH = 80  # characters of context tokenised each side of a hit the rules must read in tokens


def _may_be_shouted(text: str, start: int, end: int) -> bool:
    """A cheap necessary condition for ``_shouted``: the two words each side hold six capitals or more."""
    before = text[max(0, start - _WINDOW_REACH):start].rsplit(None, 2)[-2:]
    after = text[end:end + _WINDOW_REACH].split(None, 2)[:2]
    return sum(c.isupper() for word in (*before, *after) for c in word) >= 6


class _Windows:
    """spaCy tokens of the short windows of a text around given hits (merged where they overlap).

    A window starts and ends at whitespace where one lies within reach, so its edge tokens are whole."""

    def __init__(self, nlp: Language, text: str, hits: list[tuple[int, int]]) -> None:
        self.docs: list[tuple[int, Doc, list[int]]] = []  # (window start, doc, token start offsets in text)
        spans: list[list[int]] = []
        for s, e in hits:  # ascending
            lo, hi = max(0, s - _WINDOW_REACH), min(len(text), e + _WINDOW_REACH)
            if spans and lo <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])
        for lo, hi in spans:
            if lo:
                cut = _SPACE.search(text, lo, hi)
                lo = cut.end() if cut else lo
            last = None
            for last in _SPACE.finditer(text, max(lo, hi - _WINDOW_REACH), hi):
                pass
            hi = last.start() if last and hi < len(text) else hi
            doc = nlp.make_doc(_break_long_runs(text[lo:hi]))
            self.docs.append((lo, doc, (doc.to_array("IDX") + lo).tolist()))

    def token(self, start: int, end: int) -> tuple[Doc, list[int], int] | None:
        """The window doc, its token offsets and the index of the one token spanning exactly [start, end), if any."""
        w = bisect.bisect_right(self.docs, start, key=lambda d: d[0]) - 1
        if w < 0:
            return None
        lo, doc, starts = self.docs[w]
        i = bisect.bisect_left(starts, start)
        if i == len(starts) or starts[i] != start or start + len(doc[i]) != end:
            return None  # the tokenizer cuts elsewhere ("R&D"): not the name
        return doc, starts, i


_SPACE = re.compile(r"\s+")


_ONE_TOKEN, _CAPITALISED = 1, 2  # phrase flags in the table


class _Patterns:
    """The ``_Pattern`` of phrase ``i`` of one automaton, made on its first hit from the table's columns."""

    __slots__ = ("_skills", "_skill_of", "_flags", "_made")

    def __init__(self, skills: tuple[list, list, list, list], skill_of: list[int], flags: list[int]) -> None:
        self._skills, self._skill_of, self._flags = skills, skill_of, flags
        self._made: dict[int, _Pattern] = {}

    def __getitem__(self, i: int) -> _Pattern:
        pattern = self._made.get(i)
        if pattern is None:
            ids, rows, priority, needs_context = self._skills
            k, flags = self._skill_of[i], self._flags[i]
            entry = _Entry(ids[k], rows[k], priority[k], needs_context[k], bool(flags & _CAPITALISED))
            pattern = self._made[i] = _Pattern(entry, bool(flags & _ONE_TOKEN))
        return pattern


class SkillMatcher:
    """Aho-Corasick automata over the skills lexicon plus the case/context rules. Build once per process.

    The phrase table (which phrases, lowered, each with its skill and flags) is plain arrays (``to_arrays``),
    so ``index_cache`` can store it: choosing the phrases from the lexicon costs ~1 s, reading them back
    ~0.1 s. The automata themselves cannot be stored; they are built from the phrase lists each process.
    A phrase's ``_Pattern`` is made the first time it is hit: most of the ~100,000 phrases never are.
    """

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        """The matcher of a phrase ``table`` (just made, or read back by ``index_cache``)."""
        from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

        self._arrays = arrays
        skills = (unpack(arrays["skill_ids"]), unpack(arrays["skill_rows"]), arrays["skill_priority"].tolist(),
                  arrays["skill_needs_context"].tolist())
        self._lower = _Patterns(skills, arrays["lower.skill"].tolist(), arrays["lower.flags"].tolist())
        self._cased = _Patterns(skills, arrays["cased.skill"].tolist(), arrays["cased.flags"].tolist())
        # Standard + overlapping: every phrase found, so the longest-match rule below chooses, not the automaton
        self._lower_ac = AhoCorasick(unpack(arrays["lower.phrases"]), matchkind=MatchKind.Standard)
        # the few hundred case-sensitive phrases as a DFA (~40 % faster; for the ~100,000 lowered ones a DFA is no
        # faster and takes ~0.8 GB)
        self._cased_ac = AhoCorasick(unpack(arrays["cased.phrases"]), matchkind=MatchKind.Standard,
                                     implementation=Implementation.DFA)

    @classmethod
    def build(cls, lexicons) -> "SkillMatcher":
        return cls(cls.table(lexicons))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return self._arrays

    @staticmethod
    def table(lexicons) -> dict[str, np.ndarray]:
        """The phrases to match, as plain arrays: for each automaton (``lower``, ``cased``) its phrases in
        order, each phrase's skill (an index into ``skill_*``) and flags (``_ONE_TOKEN``, ``_CAPITALISED``)."""
        skills = lexicons.skills.values() if hasattr(lexicons.skills, "values") else lexicons.skills
        best: dict[tuple[bool, str], tuple[int, str, str]] = {}  # (cased, key) -> (priority, skill id, phrase)
        by_id = {}
        for skill in skills:
            by_id[skill.id] = skill
            prio = _PRIORITY.get(skill.source, 3)
            for phrase in dict.fromkeys((skill.name, *skill.synonyms)):
                phrase = " ".join(phrase.split())
                if not phrase or not _wanted(skill, phrase):
                    continue
                key = (skill.case_sensitive, phrase if skill.case_sensitive else _lowered(phrase))
                if key not in best or (prio, skill.id) < best[key][:2]:
                    best[key] = (prio, skill.id, phrase)
        used = sorted({skill_id for _, skill_id, _ in best.values()})
        index = {skill_id: i for i, skill_id in enumerate(used)}
        columns: dict[bool, tuple[list[str], list[int], list[int]]] = {False: ([], [], []), True: ([], [], [])}
        for (is_cased, key), (prio, skill_id, phrase) in sorted(best.items()):
            one_token = " " not in phrase
            phrases, skill_of, flags = columns[is_cased]
            phrases.append(key)
            skill_of.append(index[skill_id])
            flags.append(_ONE_TOKEN * one_token | _CAPITALISED * (phrase[:1].isupper() and one_token))
        arrays = {
            "skill_ids": pack(used),
            "skill_rows": pack([by_id[s].row for s in used]),
            "skill_priority": np.array([_PRIORITY.get(by_id[s].source, 3) for s in used], dtype=np.int8),
            "skill_needs_context": np.array([by_id[s].needs_context for s in used], dtype=np.bool_),
        }
        for name, is_cased in (("lower", False), ("cased", True)):
            phrases, skill_of, flags = columns[is_cased]
            arrays |= {f"{name}.phrases": pack(phrases), f"{name}.skill": np.array(skill_of, dtype=np.int32),
                       f"{name}.flags": np.array(flags, dtype=np.uint8)}
        return arrays

    def find(self, text: str, layout: TextLayout, nlp: Language) -> list[Cue]:
        hits = [(self._lower[i], s, e) for i, s, e in self._lower_ac.find_matches_as_indexes(_lowered(text), overlapping=True)]
        hits += [(self._cased[i], s, e) for i, s, e in self._cased_ac.find_matches_as_indexes(text, overlapping=True)]
        hits = [h for h in hits if _at_token_edges(text, h[1], h[2])]
        hits.sort(key=lambda h: (h[1] - h[2], h[1], h[0].entry.priority))
        taken = bytearray(len(text))
        kept = []
        for pattern, s, e in hits:  # longest first, then earliest, then canon > O*NET > ESCO
            if taken.find(1, s, e) >= 0:
                continue
            if not pattern.one_token and _POSSESSIVE.match(text, e):
                continue  # "manage the team's budget": the phrase only modifies what follows
            if pattern.entry.capitalised and text[s:e].islower():
                continue  # "blender", "quicken": the ordinary word, not the product
            taken[s:e] = b"\x01" * (e - s)
            kept.append((pattern, s, e))
        kept.sort(key=lambda h: h[1])
        # the hits whose rules read tokens: ambiguous single words, and capitals that may be a shouted heading
        tokened = {s for pattern, s, e in kept if pattern.one_token and (
            pattern.entry.needs_context or (text[s:e].isupper() and _may_be_shouted(text, s, e)))}
        windows = _Windows(nlp, text, [(s, e) for _, s, e in kept if s in tokened]) if tokened else None
        plain = [s for pattern, s, e in kept if not (pattern.entry.needs_context and pattern.one_token)]
        cues = []
        for pattern, s, e in kept:
            if s in tokened:
                found = windows.token(s, e)
                if found is None:
                    continue
                doc, starts, i = found
                if pattern.entry.needs_context and not _in_context(doc, starts, i, plain, layout):
                    continue
                if _shouted(doc, i):
                    continue
            requirement = ("requirement", layout.requirement(s))
            attrs = (("negated", "true"), requirement) if layout.negated(s, e) else (requirement,)  # sorted
            cues.append(Cue(kind="skill", text=text[s:e], value=pattern.entry.skill_id, field="description", start=s,
                            end=e, lexicon_row=pattern.entry.row, attrs=attrs))
        return cues


def _in_context(doc: Doc, starts: list[int], i: int, plain: list[int], layout: TextLayout) -> bool:
    """An ambiguous single word counts only where it plainly means the technology."""
    nxt = [t for t in doc[i + 1:i + 4] if not t.is_space]
    plain_at = set()  # the window's tokens where a plain (unambiguous) skill starts
    for p in plain:
        j = bisect.bisect_left(starts, p)
        if j < len(starts) and starts[j] == p:
            plain_at.add(j)
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
    sent = layout.sentence(starts[i])
    return any(abs(j - i) <= _NEIGHBOUR_TOKENS and sent[0] <= starts[j] < sent[1] for j in plain_at)


def _shouted(doc: Doc, i: int) -> bool:
    """An all-caps word inside an all-caps heading ("MAGIC HAPPENS HERE") is not a product name."""
    tok = doc[i]
    if not tok.is_upper:
        return False
    around = [t for t in (*doc[max(0, i - 2):i], *doc[i + 1:i + 3]) if t.is_alpha and len(t) > 2]
    return len(around) >= 2 and all(t.is_upper for t in around)


class DescriptionAnalyzer:
    """Description cues for postings: skills (automata + token windows) and experience (regexes).

    The skill automata and spaCy's tokenizer are built by ``prepare``, which the first posting with a
    description calls: a titles-only run starts without importing spaCy. Given ``settings``, the skill
    phrase table is read from (or stored in) ``index_cache``; without, it is built in process.
    """

    __slots__ = ("lexicons", "settings", "skills", "_nlp")

    def __init__(self, lexicons, settings=None) -> None:
        self.lexicons = lexicons
        self.settings = settings
        self.skills: SkillMatcher | None = None
        self._nlp: Language | None = None

    def prepare(self) -> None:
        """Build the tokenizer and the skill automata once; call before forking workers so they share them."""
        if self._nlp is None:
            from .nlp import build_nlp

            if self.settings is None:
                self.skills = SkillMatcher.build(self.lexicons)
            else:
                from .index_cache import load_skill_matcher

                self.skills = load_skill_matcher(self.lexicons, self.settings)
            self._nlp = build_nlp()

    def analyze(self, posting: Posting) -> DescriptionCues:
        return next(self.analyze_many([posting]))

    def analyze_many(self, postings: Iterable[Posting]) -> Iterator[DescriptionCues]:
        """Streams cues in input order, one posting at a time (boilerplate blanked, offsets kept)."""
        for p in postings:
            text = _blank(p.description, p.boilerplate)
            if not text or text.isspace():
                yield _NO_CUES
                continue
            self.prepare()
            yield self._cues(text)

    def _cues(self, text: str) -> DescriptionCues:
        layout = TextLayout.of(text)
        skills = self.skills.find(text, layout, self._nlp)
        exp = read_experience(text, layout)
        years = tuple(_with_skill(c, skills, text) for c in exp.years)
        return DescriptionCues(
            skills=tuple(skills), years=years, years_experience_min=years_minimum(years), education=exp.education,
            education_cues=exp.education_cues, manages_people=exp.manages_people, management=exp.management, level_phrases=exp.level_phrases,
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
        pieces.append("\n".join(" " * len(line) for line in text[a:b].split("\n")))
        pos = b
    pieces.append(text[pos:])
    return "".join(pieces)
