"""Title → candidates: alias rows (exact lookup, then a token-blocked shortlist scored by rapidfuzz)
and occupations (the title against all the aliases of each O*NET code at once).

Built once per process from the lexicon's alias table. Exact hits come from a dict keyed by
``titles.normalise_title``; fuzzy hits come from a shortlist of aliases that share the most
IDF-weighted tokens with the title (so rapidfuzz never scans the whole table), scored with
``SCORER``. Nearest-alias matching alone pulls specific titles to generic aliases ("Pediatric
Physician" → "Physician"), so each code also gets an occupation candidate (method ``occupation``):
the cosine between the title and a TF-IDF document of every word, word bigram, word start and head
noun (last word) of that code's aliases, which rewards codes whose aliases use the title's modifiers too.
Results are cached per normalised title because feeds repeat titles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .errors import ConfigError
from .lexicons import LEADING_TRACKS, TITLE_PHRASE_WORDS, AliasRow, PersonNouns, TitleTechnologies, TitleWords
from .packing import Ragged, RaggedList, pack, ragged, unpack, unragged
from .records import Candidate, TitleCues
from .settings import DEFAULT_TITLE_LOCALE
from .titles import normalise_title

SCORER = fuzz.token_set_ratio  # chosen by measurement on held-out reported titles (evaluate.py): beat token_sort_ratio, WRatio
COSINE_WEIGHT = 0.5
SPELLING_RATIO = 85  # a WordNet reading this close to the word (fuzz.ratio) is the word spelt otherwise ("anaesthetist")
HEAD_WEIGHT = 2.0  # the head-noun feature's weight in occupation documents (measured: 0/1/2/3 → 62.5/63.0/63.5/63.3 % on the calibration fold)
STEM_LENGTH, STEM_WEIGHT = 4, 0.5  # word-start feature: "pediatric" meets "pediatrician" (measured: none/4/5/6 letters → 63.6/63.9/63.7/63.6 % on the calibration fold)
OCCUPATION_CANDIDATES = 5  # best occupations per title besides those its alias candidates name (measured: 0/5/20 → 62.9/63.0/63.0 % on the test fold)
OCCUPATION = "occupation"  # method and source of occupation candidates
FIRST_LINE_NOUN = "supervisor"  # what a title that is only a first-line rank is read as (TitleMatcher.vague_noun)
# a job noun is vague alone when the aliases ending in it spread over this many occupations' worth of them (perplexity:
# 2 ** entropy of their codes; "supervisor" 16, "engineer" 77, "cashier" 4.8, "nurse" 6.0): TitleMatcher.vague_noun
VAGUE_PERPLEXITY = 10.0
_CACHE_LIMIT = 200_000
NOT_LEADING, FIRST_RUNG, ABOVE_FIRST_RUNG = 0, 1, 2  # how a levels.yaml word leads the function after it (function_led)
_RANK_WORDS = 3  # the most words of a rank written first without "of" ("senior vice president")
_ALIAS_FIELDS = tuple(f.name for f in fields(AliasRow))  # stored with a cached index: confidence as floats, the rest packed


@dataclass(frozen=True, slots=True)
class TitleMatcher:
    keys: tuple[str, ...]  # unique normalised aliases
    key_array: np.ndarray  # the same, as an object array (fast gathering of shortlists)
    key_rows: Sequence[tuple[AliasRow, ...]]  # the lexicon's alias rows per key, best prior first
    exact: dict[str, int]  # normalised alias -> key index
    postings: dict[str, np.ndarray]  # token -> key indexes containing it
    idf: dict[str, float]
    key_norm: np.ndarray  # sqrt of the summed squared IDF of each key's tokens
    near: Mapping[str, tuple[str, ...]]  # a token, or it with one letter deleted -> indexed tokens (typo look-up)
    stems: dict[str, tuple[str, ...]]  # first letters -> indexed tokens (other forms of a word: "orthodontic")
    shortlist_size: int
    cutoff: float  # fuzzy scores below this (in [0, 1]) are dropped
    top_candidates: int
    occupations: "OccupationIndex"
    title_words: TitleWords  # words and phrases of other languages -> English (lexicons.read_title_words)
    regional: Mapping[str, str]  # the title_locale's own words and phrases -> O*NET's ("solicitor" → "lawyer" in en-GB)
    title_technologies: TitleTechnologies  # "iOS Engineer" is a mobile application engineer (lexicons.read_title_technologies)
    person_nouns: PersonNouns  # "Rabbi" is a clergyman (lexicons.read_person_nouns)
    ranks: Mapping[str, int]  # normalised level words (levels.yaml) -> NOT_LEADING, FIRST_RUNG ("manager") or ABOVE_FIRST_RUNG ("vp")
    first_line: frozenset[str]  # normalised levels.yaml words naming the first-line rung itself ("team lead", "supervisor")
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _token_fix: dict = field(default_factory=dict, compare=False, repr=False)
    _person_fix: dict = field(default_factory=dict, compare=False, repr=False)
    _aside: dict = field(default_factory=dict, compare=False, repr=False)  # _level_words_aside per title's cues

    @classmethod
    def build(
        cls,
        lexicons,
        settings,
        exclude_sources: frozenset[str] = frozenset(),
        exclude_aliases: frozenset[str] = frozenset(),
    ) -> "TitleMatcher":
        """Index every alias row except those from ``exclude_sources`` or whose normalised alias is in
        ``exclude_aliases`` (normalised with ``normalise_title``; used to hold titles out for evaluation)."""
        grouped: dict[str, list[AliasRow]] = defaultdict(list)
        for a in lexicons.aliases:
            if a.source in exclude_sources:
                continue
            key = normalise_title(a.alias)
            if not key or key in exclude_aliases:
                continue
            grouped[key].append(a)
        keys = tuple(sorted(grouped))
        key_rows = tuple(tuple(sorted(grouped[k], key=lambda r: (-r.confidence, r.id))) for k in keys)
        token_keys: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            for tok in set(key.split()):
                token_keys[tok].append(i)
        n = max(len(keys), 1)
        idf = {tok: math.log((n + 1) / (len(ids) + 0.5)) for tok, ids in token_keys.items()}
        key_norm = np.array([math.sqrt(sum(idf[t] ** 2 for t in dict.fromkeys(k.split()))) or 1.0 for k in keys])
        return cls(
            keys=keys,
            key_array=np.asarray(keys, dtype=object),
            key_rows=key_rows,
            exact={k: i for i, k in enumerate(keys)},
            postings={t: np.asarray(ids, dtype=np.int32) for t, ids in token_keys.items()},
            idf=idf,
            key_norm=key_norm,
            near=_deletion_index(token_keys),
            stems=_prefix_index(token_keys),
            shortlist_size=settings.shortlist_size,
            cutoff=settings.fuzzy_cutoff,
            top_candidates=settings.top_candidates,
            occupations=OccupationIndex.build(keys, key_rows, lexicons.occupation_tasks),
            **_reading(lexicons, settings),
        )

    def to_arrays(self, lexicons) -> dict[str, np.ndarray]:
        """The index as flat arrays (strings packed, lists as offsets), for ``index_cache``: plain data, no objects.

        The alias rows of ``lexicons`` (the lexicon this was built from) are stored whole, and per key as positions."""
        aliases = tuple(lexicons.aliases)
        position = {a.id: i for i, a in enumerate(aliases)}
        tokens = list(self.postings)
        token_index = {t: i for i, t in enumerate(tokens)}
        near = list(self.near)
        return {
            "keys": pack(self.keys),
            **ragged("rows", [[position[r.id] for r in rows] for rows in self.key_rows]),
            "tokens": pack(tokens),
            **ragged("postings", [self.postings[t] for t in tokens]),
            "idf": np.array([self.idf[t] for t in tokens]),
            "key_norm": self.key_norm,
            "near": pack(near),
            **ragged("near", [[token_index[t] for t in self.near[v]] for v in near]),
            **{f"occupations.{k}": v for k, v in self.occupations.to_arrays().items()},
            **{f"aliases.{name}": (np.array if name == "confidence" else pack)([getattr(a, name) for a in aliases]) for name in _ALIAS_FIELDS},
        }

    @classmethod
    def from_arrays(cls, arrays, lexicons, settings) -> "TitleMatcher":
        """The index ``to_arrays`` stored, with ``lexicons`` (the same version) and this run's settings.

        Its alias rows are those stored with it: they were read and validated from these exact lexicon bytes by
        this exact code (``index_cache``), so ``lexicons.aliases`` need not be read."""
        keys = tuple(unpack(arrays["keys"]))
        tokens = unpack(arrays["tokens"])
        return cls(
            keys=keys,
            key_array=np.asarray(keys, dtype=object),
            key_rows=RaggedList(arrays["rows.offsets"], _StoredRows(arrays, arrays["rows.values"].tolist())),
            exact={k: i for i, k in enumerate(keys)},
            postings=dict(zip(tokens, unragged(arrays, "postings"))),
            idf=dict(zip(tokens, arrays["idf"].tolist())),
            key_norm=arrays["key_norm"],
            near=Ragged(unpack(arrays["near"]), arrays["near.offsets"], tuple(tokens[i] for i in arrays["near.values"].tolist())),
            stems=_prefix_index(tokens),
            shortlist_size=settings.shortlist_size,
            cutoff=settings.fuzzy_cutoff,
            top_candidates=settings.top_candidates,
            occupations=OccupationIndex.from_arrays({k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("occupations.")}),
            **_reading(lexicons, settings),
        )

    def match(self, title_cues: TitleCues, *, limit: int | None = None, exhaustive: bool = False) -> tuple[Candidate, ...]:
        """Candidates for the title's core (and each of its parts), best first; ``limit`` aliases per text.

        ``exhaustive=True`` scores every alias instead of the shortlist: for evaluation only."""
        limit = self.top_candidates if limit is None else limit
        texts = self.lookup_texts(title_cues)
        if not texts:
            return ()
        if len(texts) == 1:
            return self.match_normalised(texts[0], limit=limit, exhaustive=exhaustive)
        best: dict[str, Candidate] = {}
        for text in texts:
            for c in self.match_normalised(text, limit=limit, exhaustive=exhaustive):
                if c.alias_id not in best or c.score > best[c.alias_id].score:
                    best[c.alias_id] = c
        return tuple(sorted(best.values(), key=_rank))

    def lookup_texts(self, title_cues: TitleCues) -> tuple[str, ...]:
        """What ``match`` looks up for a title: its core (specialised, translated) and each of its parts, normalised."""
        texts = [self._joined(self.technologies_read(self.persons_read(self._read_words(t))[0])[0])
                 for t in [self._core_text(title_cues)] + [normalise_title(p) for p in title_cues.parts]]
        return tuple(dict.fromkeys(t for t in texts if t))

    def read_title(self, title_cues: TitleCues) -> str:
        """The title's core as the occupation match reads it: specialised, translated, each word as the index knows
        it (a typo fixed, "developr" → "developer"); "" for an empty core. What the ranker's word features read."""
        texts = self.lookup_texts(title_cues)
        return self._known_words(texts[0]) if texts else ""

    def _known_words(self, text: str) -> str:
        """Each word of ``text`` as the index knows it (``_known_token``), else as written."""
        return " ".join(self._known_token(t) or t for t in text.split())

    def vague_noun(self, title_cues: TitleCues) -> tuple[str, tuple[str, ...]]:
        """(noun, codes) when the title, its level words aside, is one job noun that the aliases of many occupations
        end in (``VAGUE_PERPLEXITY``: "Supervisor", "Engineer II", "Senior Analyst", "Associate"), with those codes;
        ("", ()) otherwise ("Cashier", "Nurse": most of their aliases name one occupation). Such a title says what
        kind of job, not which: its description must decide among them (``Classifier.decide``). Among the fuzzy
        neighbours of "Supervisor" a warehouse supervisor's code was not a candidate at all, and the one alias spelt
        "Supervisor" (Social Workers, All Other) outscored them."""
        words, ranks, rest = self._level_words_aside(title_cues)
        if not words or rest not in ([], words[-1:]):
            return "", ()
        # a title that is only a first-line rank ("Team Lead", "Team Leader (Nights)") names a supervisor of something
        noun = FIRST_LINE_NOUN if not rest and any(r in self.first_line for r in ranks) else words[-1]
        counts = self.occupations.counts(f"head:{noun}")
        total = sum(counts.values())
        entropy = -sum(n / total * math.log2(n / total) for n in counts.values())
        return (noun, tuple(counts)) if counts and 2 ** entropy >= VAGUE_PERPLEXITY else ("", ())

    def names_a_level(self, title_cues: TitleCues) -> bool:
        """The title is only level words of an individual's ladder ("Intern (Summer 2026)", "Senior", "Associate"), no
        rank that leads or supervises: it names a level, not a job, and a description alone decides
        (``Classifier.decide``). The occupations whose aliases end in "intern" hold no newsroom's."""
        words, ranks, rest = self._level_words_aside(title_cues)
        return bool(words) and not rest and all(self.ranks.get(r, NOT_LEADING) == NOT_LEADING and r not in self.first_line
                                                for r in ranks)

    def _level_words_aside(self, title_cues: TitleCues) -> tuple[list[str], list[str], list[str]]:
        """(the title's words as the matcher reads them, its level phrases, the words that are not level words);
        all empty for a title of several parts ("Data Scientist / ML Engineer": each part names its job).
        Remembered: a description posting asks it twice (vague_noun, names_a_level), and feeds repeat titles."""
        hit = self._aside.get(title_cues)
        if hit is not None:
            return hit
        texts = self.lookup_texts(title_cues)
        if len(texts) != 1:
            hit = [], [], []
        else:
            words = self._known_words(texts[0]).split()
            ranks = [normalise_title(c.text) for c in title_cues.of_kind("seniority")]
            hit = words, ranks, [w for w in words if w not in {w for r in ranks for w in r.split()}]
        if len(self._aside) >= _CACHE_LIMIT:
            self._aside.clear()
        self._aside[title_cues] = hit
        return hit

    def _read_words(self, text: str) -> str:
        """The text in O*NET's words: the title_locale's own phrases first (``_localised``), then other languages."""
        return self._translated(self._localised(text))

    def regional_named(self, title_cues: TitleCues) -> tuple[tuple[str, str], ...]:
        """(phrase, O*NET's words) for each of the title_locale's own phrases in the core (``_localised``): for explain."""
        if not self.regional:
            return ()
        return tuple((p, self.regional[p]) for p, listed in _phrases(self._core_text(title_cues).split(), self.regional,
                                                                        TITLE_PHRASE_WORDS) if listed)

    def _localised(self, text: str) -> str:
        """Each phrase or word of the title_locale's own title_words.csv rows replaced by O*NET's, the longest first,
        whether the index knows it or not ("solicitor" → "lawyer", "care assistant" → "personal care aide" in en-GB):
        there O*NET's American alias is the wrong reading. The text as given when the locale has no rows (en-US)."""
        if not self.regional:
            return text
        return " ".join(w for p, listed in _phrases(text.split(), self.regional, TITLE_PHRASE_WORDS)
                        for w in (self.regional[p].split() if listed else (p,)))

    def _translated(self, text: str) -> str:
        """A title of another language put into English with ``title_words`` ("ingeniero" → "engineer"). A title is
        read as foreign when a listed phrase occurs in it ("chef de projet"), or a word the index does not know is
        listed or is a compound ending in a listed job noun ("krankenpfleger" → "kranken" + "pfleger"); then listed
        phrases and unknown words are translated. A title that starts with a word of a noun-first language, or with a
        job noun of a compounding one, is read with every listed word translated and that noun moved last, as English
        titles put it and as the head-noun features expect ("Ingeniero de Datos" → "data engineer", "Chauffeur poids
        lourd" → "heavy truck driver", "Leiter Vertrieb" → "sales manager"). A known alias is read as written."""
        lexicon = self.title_words
        words = text.split()
        if text in self.exact or all(w in self.postings and w not in lexicon.phrase_starts for w in words):
            return text
        tokens: list[tuple[str, str | None, bool]] = []  # (as written, English if listed or a compound, a noun that leads)
        foreign = False
        i = 0
        while i < len(words):
            phrase = next((p for p in (" ".join(words[i:j]) for j in range(min(len(words), i + TITLE_PHRASE_WORDS), i + 1, -1))
                           if p in lexicon.english), None)
            if phrase is not None:
                tokens.append((phrase, lexicon.english[phrase], phrase in lexicon.heads_first))
                foreign = True
                i += len(phrase.split())
                continue
            w = words[i]
            english = lexicon.english.get(w)
            leads = w in lexicon.heads_first or w in lexicon.job_nouns
            if w not in self.postings:
                if english is None:
                    english = self._compound(w)
                    leads = english is not None
                foreign = foreign or english is not None
            tokens.append((w, english, leads))
            i += 1
        if not foreign:
            return text
        if tokens[0][2]:  # the job noun first: every listed word translated, the noun last
            out = [e if e is not None else w for w, e, _ in tokens]
            out = out[1:] + out[:1]
        else:
            out = [e if e is not None and (w not in self.postings or " " in w) else w for w, e, _ in tokens]
        read = " ".join(out).split()
        return " ".join(t for k, t in enumerate(read) if k == 0 or t != read[k - 1])  # "infirmier infirmière": once

    def technologies_named(self, title_cues: TitleCues) -> tuple[tuple[str, str, str], ...]:
        """(technology, reading, row) for each technology the core is read by (``technologies_read``): for explain."""
        return self.technologies_read(self.persons_read(self._read_words(self._core_text(title_cues)))[0])[1]

    def persons_named(self, title_cues: TitleCues) -> tuple[tuple[str, str, str], ...]:
        """(word, reading, row) for each word for a person the core is read by (``persons_read``): for explain."""
        return self.persons_read(self._read_words(self._core_text(title_cues)))[1]

    def persons_read(self, text: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
        """A title whose last word the index does not know but WordNet files as a kind of person, with that word read
        as what the index does know of it ("rabbi" → "clergyman", "ballerina" → "ballet dancer": person_nouns.csv),
        and (word, reading, row) when so read. Unread, such a word was fixed as a typo of another ("rabbi" →
        "rabbit") or matched nothing: on the ranker's check half, 8 titles more right and none fewer at 6 digits
        (70.76 → 71.22 %; 11 more in the right major group), before refitting the trees. Only the last word:
        before it, a word is what the person works on or with, and WordNet's people there are accidents ("Looker",
        "Docker", "Python" Developer)."""
        head = text.rpartition(" ")[2]
        if not head or head in self.postings or text in self.exact:
            return text, ()
        hit = self._person(head)
        if hit is None:
            return text, ()
        return " ".join(text.split()[:-1] + [hit[0]]), ((head, *hit),)

    def _person(self, word: str) -> tuple[str, str] | None:
        """(reading, row) of ``word`` by the first of its sense-and-step groups with a reading whose every word the
        index knows: the word itself spelt otherwise ("organiser" → "organizer", not its synonym "labor organizer";
        ``SPELLING_RATIO``), else one that is itself an alias, else the most specific (summed IDF: "medical specialist"
        over "specialist"), else the first WordNet lists; None when there is none."""
        if word in self._person_fix:
            return self._person_fix[word]
        hit = None
        for group in self.person_nouns.groups.get(word, ()):
            known = [(r, row) for r, row in group if all(t in self.postings for t in r.split())]
            if known:
                hit = min(known, key=lambda k: (fuzz.ratio(word, k[0]) < SPELLING_RATIO, k[0] not in self.exact,
                                                -sum(self.idf[t] for t in k[0].split())))
                break
        self._person_fix[word] = hit
        return hit

    def _core_text(self, title_cues: TitleCues) -> str:
        return self.function_led(title_cues) or self._specialised(title_cues)

    def function_led(self, title_cues: TitleCues) -> str:
        """"Head of Finance", "VP of Sales", "Director, Operations", "VP Engineering": the manager of the function
        the rank leads ("finance manager", "operation manager"), as O*NET files whoever leads a function; "" when
        the core is a known alias ("Director of Nursing", "Chief of Police", "Finance Vice President") or the title
        does not start with such a rank followed by "of", by a comma, dash or colon, or (above the first rung:
        "Manager Trainee" is a trainee) directly by the function: a management or executive levels.yaml word that
        is neither first-line nor a post of its own ("Chief of Staff": ``own_post``), with only other level words
        ahead of it. The level comes from the rank itself. ("Head of Finance" was read
        among "Head of AI"; "Director of Operations" among stage and media directors.) "Operations Director" is
        left as written: read so, the held-out reported titles lost their artistic, technical and programming
        directors (0.5 points on the ranker's check half)."""
        words = title_cues.normalised.split()
        if len(words) < 2 or title_cues.normalised in self.exact:
            return ""
        rest = self._after_ranks(words) if "of" in words else None
        if rest is None:  # "VP, Data & AI": the parser put the rank last ("data and ai vice president")
            ranks = normalise_title(_written_first(title_cues.raw)).split()
            if ranks and words[-len(ranks):] == ranks and self._leads(ranks):
                rest = words[: -len(ranks)]
        if rest is None:  # "VP Engineering", "Director Finance": not "Manager Trainee", whose first rung names the job
            rest = next((words[j:] for j in range(min(len(words) - 1, _RANK_WORDS), 0, -1)
                         if self._leads(words[:j]) == ABOVE_FIRST_RUNG), None)
        if not rest or all(w in self.ranks for w in rest):  # "Director of Senior Managers" names no function
            return ""
        return " ".join(rest if rest[-1] in self.ranks else [*rest, "manager"])  # "Head of Office Manager": once

    def _after_ranks(self, words: list[str]) -> list[str] | None:
        """What follows "of" when only level words come before it, one of them leading ("senior director of")."""
        k = words.index("of")
        if not (self._leads(words[: k + 1]) or (k and self._leads(words[:k]))):  # "head of" is itself a levels.yaml word
            return None
        rest = words[k + 1:]
        rest = rest[1:] if rest[:1] == ["the"] else rest
        return rest or None

    def _leads(self, words: list[str]) -> int:
        """How high the words lead a function when they are all levels.yaml words (longest first): the highest of
        their ranks (NOT_LEADING when one is not a level word)."""
        leads, i = NOT_LEADING, 0
        while i < len(words):
            phrase = next((p for p in (" ".join(words[i:j]) for j in range(len(words), i, -1)) if p in self.ranks), None)
            if phrase is None:
                return NOT_LEADING
            leads = max(leads, self.ranks[phrase])
            i += len(phrase.split())
        return leads

    def technologies_read(self, text: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
        """A title naming technologies before its job noun, read with each replaced by what it says of the work
        ("ios engineer" → "mobile application engineer"), and (technology, reading, row) for each; the text as
        given when it is a known alias or its last word is not a listed job noun (title_technologies.yaml)."""
        lexicon = self.title_technologies
        words = text.split()
        if len(words) < 2 or words[-1] not in lexicon.job_nouns or text in self.exact:
            return text, ()
        segments = _phrases(words[:-1], lexicon.reads_as, lexicon.longest)
        read = tuple((p, *lexicon.reads_as[p]) for p, listed in segments if listed)
        if not read:
            return text, ()
        out = [w for p, listed in segments for w in (lexicon.reads_as[p][0].split() if listed else (p,))] + words[-1:]
        return " ".join(w for k, w in enumerate(out) if k == 0 or w != out[k - 1]), read  # "aws cloud": once

    def _compound(self, word: str) -> str | None:
        """A compound the lexicon does not list, read as its longest listed job noun at the end and what comes before
        that: listed, known to the index, or itself such a compound (up to COMPOUND_NOUNS job nouns), else left out
        ("vertriebsmitarbeiter" → "sales worker", "zahnarzthelferin" → "dentist helper"). The linking "s" and the
        feminine "-in" are allowed for. None when no job noun ends it. Only a word's last ``longest_job_noun`` letters
        are searched for its head, so a hostile 200,000-letter title costs no more than a short one."""
        lexicon = self.title_words
        nouns: list[str] = []  # the English of the job nouns taken off the end, last first
        rest = word
        while len(nouns) < COMPOUND_NOUNS:
            noun, first = self._last_job_noun(rest)
            if noun is None:
                break
            nouns.append(lexicon.english[noun])
            before = next((lexicon.english[p] if p in lexicon.english else p
                           for p in (first, first[:-1] if first.endswith("s") else "")
                           if p and (p in lexicon.english or p in self.postings)), None)
            if before is not None:
                return " ".join([before, *reversed(nouns)]).strip()
            rest = first
        return " ".join(reversed(nouns)) if nouns else None

    def _last_job_noun(self, word: str) -> tuple[str | None, str]:
        """(the longest listed job noun ending ``word``, or its "-in" form, and what comes before it)."""
        job_nouns = self.title_words.job_nouns
        for k in range(max(COMPOUND_PART, len(word) - self.title_words.longest_job_noun - 2), len(word) - COMPOUND_PART + 1):
            head = word[k:]
            noun = head if head in job_nouns else head[:-2] if head.endswith("in") and head[:-2] in job_nouns else None
            if noun is not None:
                return noun, word[:k]
        return None, word

    def _joined(self, text: str) -> str:
        """A compound written as two words is read as the one word the index knows ("book keeper" → "bookkeeper",
        "care giver" → "caregiver"): apart, each word pulls towards other jobs ("animal keeper"). Only where the
        aliases spell it as one word more often than they use the two words together ("rail car" stays), and not
        when the text is a known alias as written."""
        words = text.split()
        if len(words) < 2 or text in self.exact:
            return text
        out = [words[0]]
        for w in words[1:]:
            if self._joins(out[-1], w):
                out[-1] += w
            else:
                out.append(w)
        return " ".join(out) if len(out) < len(words) else text

    def _joins(self, left: str, right: str) -> bool:
        joined = left + right
        if joined not in self.postings:
            return False
        together = np.intersect1d(self.postings[left], self.postings[right]).size if left in self.postings and right in self.postings else 0
        return self.postings[joined].size > together

    def _specialised(self, title_cues: TitleCues) -> str:
        """The core with its comma specialisation in front when that is a known alias: "Software Engineer,
        Machine Learning" is "Machine Learning Software Engineer", a role of its own; a bare job noun with a
        specialisation naming a technology, in any form, is read with it ("Engineer - Kubernetes", "Engineer,
        iOS", "Developer (SAP)": title_technologies.yaml), and so is a core whose specialisation makes a phrase
        title_words.csv lists for English or the title_locale ("Executive - HR" in en-IN, an HR executive); else the core."""
        bare = title_cues.normalised in self.title_technologies.job_nouns
        for cue in title_cues.of_kind("specialisation"):
            joined = f"{cue.value} {title_cues.normalised}".strip()
            if bare and self.technologies_read(joined)[1]:
                return joined
            if joined in self.regional or joined in self.title_words.english:
                return joined
            if cue.lexicon_row != "titles.py:specialisation:comma":
                continue  # a bracketed segment is more often the title restated ("Lab Tech (Laboratory Technician)")
            if joined in self.exact:
                return joined
        return title_cues.normalised

    def match_normalised(self, text: str, *, limit: int | None = None, exhaustive: bool = False) -> tuple[Candidate, ...]:
        """Candidates for an already normalised title (cached unless exhaustive).

        ``limit`` counts distinct aliases; each brings all its alias rows (one per code it names)."""
        limit = self.top_candidates if limit is None else limit
        if not exhaustive:
            hit = self._cache.get((text, limit))
            if hit is not None:
                return hit
        scored: dict[int, float] = {}
        exact = self.exact.get(text)
        if exact is not None:
            scored[exact] = 1.0
        for key_index, score in self._fuzzy(text, limit, exhaustive):
            scored.setdefault(key_index, score)
        out: list[Candidate] = []
        codes: set[str] = set()
        for key_index, score in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
            method = "exact" if key_index == exact else "fuzzy"
            for r in self.key_rows[key_index]:
                codes.add(r.onet_code)
                out.append(
                    Candidate(r.role_code, r.onet_code, r.alias, r.id, r.source, r.band, r.confidence, score, method, r.level)
                )
        out.extend(self.occupations.candidates([self._known_token(t) or t for t in text.split()], codes))
        result = tuple(sorted(out, key=_rank))
        if not exhaustive:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[(text, limit)] = result
        return result

    def _query(self, text: str) -> tuple[list[str], float]:
        tokens = [t for t in (self._known_token(t) for t in dict.fromkeys(text.split())) if t]
        return tokens, math.sqrt(sum(self.idf[t] ** 2 for t in dict.fromkeys(tokens))) or 1.0

    def _overlap(self, tokens: list[str], norm: float) -> tuple[np.ndarray, np.ndarray]:
        """(key indexes, IDF-weighted cosine of token sets) for every key sharing a token."""
        if not tokens:
            return np.empty(0, dtype=np.int32), np.empty(0)
        tokens = list(dict.fromkeys(tokens))
        ids = np.concatenate([self.postings[t] for t in tokens])
        weights = np.concatenate([np.full(self.postings[t].size, self.idf[t] ** 2) for t in tokens])
        uniq, inverse = np.unique(ids, return_inverse=True)
        return uniq, np.bincount(inverse, weights=weights) / (self.key_norm[uniq] * norm)

    def shortlist(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``shortlist_size`` keys sharing the most IDF-weighted tokens with ``text``, and their cosines."""
        tokens, norm = self._query(text)
        uniq, cosine = self._overlap(tokens, norm)
        if uniq.size > self.shortlist_size:
            top = np.argpartition(-cosine, self.shortlist_size)[: self.shortlist_size]
            return uniq[top], cosine[top]
        return uniq, cosine

    def _fuzzy(self, text: str, limit: int, exhaustive: bool) -> list[tuple[int, float]]:
        """Score = mean of the token-set cosine (which words agree, weighted by rarity) and the
        rapidfuzz similarity (spelling and order); keys below ``cutoff`` are dropped."""
        if exhaustive:
            tokens, norm = self._query(text)
            index = np.arange(len(self.keys))
            cosine = np.zeros(len(self.keys))
            shared, cos = self._overlap(tokens, norm)
            cosine[shared] = cos
        else:
            index, cosine = self.shortlist(text)
            if index.size == 0:
                return []
        choices = self.key_array[index].tolist()
        fuzzy = process.cdist([text], choices, scorer=SCORER, dtype=np.float32, workers=1)[0] / 100.0
        score = np.minimum(1.0, COSINE_WEIGHT * cosine + (1 - COSINE_WEIGHT) * fuzzy)
        keep = np.flatnonzero(score >= self.cutoff)
        if keep.size > limit:
            keep = keep[np.argpartition(-score[keep], limit)[:limit]]
        return [(int(index[i]), float(score[i])) for i in keep]

    def _known_token(self, token: str) -> str:
        """The token itself if indexed, else the closest indexed token one edit away (a typo: a letter
        added, dropped, changed, or two swapped; the most common one on ties), else the closest token with
        the same first letters (another form of the word, "orthodontic" → "orthodontist"), else ""."""
        if token in self.postings:
            return token
        fixed = self._token_fix.get(token)
        if fixed is None:
            fixed = ""
            if _TYPO_MIN_LENGTH <= len(token) <= _TYPO_MAX_LENGTH:
                found = {w for v in (token, *_deletions(token)) for w in self.near.get(v, ())}
                if found:
                    fixed = max(sorted(found), key=lambda w: (fuzz.ratio(token, w), -self.idf[w]))
                else:
                    hit = process.extractOne(token, self.stems.get(token[:_PREFIX], ()), scorer=fuzz.ratio, score_cutoff=80)
                    fixed = hit[0] if hit else ""
            self._token_fix[token] = fixed
        return fixed


_TYPO_MIN_LENGTH = 4
# no title word is longer; a longer token (junk, a pasted URL) is not a typo, and its deletions cost length squared
_TYPO_MAX_LENGTH = 40
_PREFIX = 3


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class _StoredRows(Sequence):
    """The alias rows at ``positions`` of those stored with a cached index (``TitleMatcher.to_arrays``), each built
    when read: a run reads the rows of a few thousand keys, and building all ~76,000 took ~0.1 s."""

    __slots__ = ("_columns", "_positions")

    def __init__(self, arrays, positions: list[int]) -> None:
        n = len(arrays["aliases.confidence"])
        self._columns = [c.tolist() if name == "confidence" else unpack(c) if c.size else [""] * n
                         for name, c in ((name, arrays[f"aliases.{name}"]) for name in _ALIAS_FIELDS)]
        self._positions = positions

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(AliasRow(*(c[p] for c in self._columns)) for p in self._positions[i])
        return AliasRow(*(c[self._positions[i]] for c in self._columns))

    def __len__(self) -> int:
        return len(self._positions)


def _prefix_index(tokens: Iterable[str]) -> dict[str, tuple[str, ...]]:
    stems: dict[str, list[str]] = defaultdict(list)
    for tok in sorted(tokens):
        stems[tok[:_PREFIX]].append(tok)
    return {k: tuple(v) for k, v in stems.items()}


def _deletion_index(tokens: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Symmetric-deletion index: two words one edit apart share a key (the word, or it minus one letter)."""
    near: dict[str, list[str]] = defaultdict(list)
    for tok in tokens:
        if len(tok) >= _TYPO_MIN_LENGTH - 1:
            for v in {tok, *_deletions(tok)}:
                near[v].append(tok)
    return {k: tuple(v) for k, v in near.items()}


@dataclass(frozen=True, slots=True)
class CodeGroups:
    """An index's codes by SOC group, for the ranker's naive Bayes back-off (``ranker._nb_posterior``): per code its
    distinct aliases (at least 1) and its minor (15-12) and major (15) group's index; per group its aliases."""

    aliases: np.ndarray
    minor: np.ndarray
    major: np.ndarray
    minor_major: np.ndarray  # per minor group, its major group's index
    minor_aliases: np.ndarray
    major_aliases: np.ndarray

    @classmethod
    def of(cls, codes: Sequence[str], alias_counts: Mapping[str, int]) -> "CodeGroups":
        minors = {m: i for i, m in enumerate(sorted({c[:5] for c in codes}))}
        majors = {m: i for i, m in enumerate(sorted({c[:2] for c in codes}))}
        aliases = np.array([max(alias_counts.get(c, 0), 1) for c in codes], dtype=float)
        minor = np.array([minors[c[:5]] for c in codes], dtype=int)
        major = np.array([majors[c[:2]] for c in codes], dtype=int)
        minor_major = np.zeros(len(minors), dtype=int)
        minor_major[minor] = major
        return cls(aliases, minor, major, minor_major,
                   np.bincount(minor, aliases, minlength=len(minors)), np.bincount(major, aliases, minlength=len(majors)))


@dataclass(frozen=True, slots=True)
class OccupationIndex:
    """Per O*NET code, an L2-normalised TF-IDF vector over the features of all its aliases, and how many of
    its aliases use each word and head noun (the ranker reads both: a code with many aliases has small
    TF-IDF weights on every word, but its share of aliases using a word is not diluted)."""

    codes: tuple[str, ...]
    code_index: dict[str, int]
    names: tuple[str, ...]  # the code's O*NET title alias (else the code), shown as the candidate's alias
    roles: tuple[str, ...]  # the role code of the code's generated (non-canon) alias rows
    idf: dict[str, float]
    postings: Mapping[str, tuple[np.ndarray, np.ndarray]]  # feature -> (code indexes, weights)
    alias_counts: dict[str, int]  # code -> distinct aliases naming it (a ranker feature: ranker.py)
    official: dict[str, str]  # code -> its normalised O*NET title when the index holds it (a ranker feature)
    # word or "head:word" -> per code in postings[feature][0], how many of the code's aliases use it (ranker features)
    word_counts: Mapping[str, np.ndarray]
    # the codes' O*NET task statements, read as titles are (normalise_title): per code its number of statements, and
    # word or "stem:<first TASK_STEM letters>" -> (code indexes, how many of the code's statements use it); ranker
    # features compare a title's words with these (no alias text: the statements never name the reported titles)
    task_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    task_words: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    groups: "CodeGroups" = field(init=False, repr=False, compare=False)  # derived from codes and alias_counts
    # what the ranker derives per title word from this index, remembered (ranker._cached; bounded there)
    word_memo: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", CodeGroups.of(self.codes, self.alias_counts))
        object.__setattr__(self, "word_memo", {})

    @classmethod
    def build(cls, keys: Sequence[str], key_rows: Sequence[Sequence[AliasRow]],
              tasks: Mapping[str, Sequence[str]] | None = None) -> "OccupationIndex":
        """``tasks``: onet_code -> task statements (``Lexicons.occupation_tasks``); codes without aliases are left out."""
        docs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        names: dict[str, str] = {}
        roles: dict[str, str] = {}
        counts: dict[str, int] = defaultdict(int)
        for key, rows in zip(keys, key_rows):
            feats = [f for f, _ in _features(key.split())]
            for r in rows:
                if not r.onet_code:
                    continue
                if r.source == "onet_title" or r.onet_code not in names:
                    names[r.onet_code] = r.alias if r.source == "onet_title" else r.onet_code
                if r.source != "canon" or r.onet_code not in roles:
                    roles[r.onet_code] = r.role_code
            for code in {r.onet_code for r in rows if r.onet_code}:
                counts[code] += 1
                for f in feats:
                    docs[code][f] += 1
        codes = tuple(sorted(docs))
        n = max(len(codes), 1)
        df: dict[str, int] = defaultdict(int)
        for c in codes:
            for f in docs[c]:
                df[f] += 1
        idf = {f: math.log((n + 1) / (d + 0.5)) for f, d in df.items()}
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        word_counts: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(codes):
            vec = {f: (1.0 + math.log(v)) * idf[f] for f, v in docs[c].items()}
            norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
            for f, x in vec.items():
                postings[f][0].append(i)
                postings[f][1].append(x / norm)
                if _is_word(f):
                    word_counts[f].append(docs[c][f])
        return cls(
            codes=codes,
            code_index={c: i for i, c in enumerate(codes)},
            names=tuple(names[c] for c in codes),
            roles=tuple(roles[c] for c in codes),
            idf=idf,
            postings={f: (np.asarray(ix, dtype=np.int32), np.asarray(w)) for f, (ix, w) in postings.items()},
            alias_counts=dict(counts),
            official={c: normalise_title(names[c]) for c in codes if names[c] != c},
            word_counts={f: np.asarray(n, dtype=np.int32) for f, n in word_counts.items()},
            **_task_index(codes, tasks or {}),
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        features = list(self.idf)
        counted = [i for i, f in enumerate(features) if f in self.word_counts]
        return {
            "codes": pack(self.codes),
            "names": pack(self.names),
            "roles": pack(self.roles),
            "alias_counts": np.array([self.alias_counts[c] for c in self.codes], dtype=np.int64),
            "features": pack(features),
            "idf": np.array([self.idf[f] for f in features]),
            **ragged("postings", [self.postings[f][0] for f in features]),
            "weights": np.concatenate([self.postings[f][1] for f in features]) if features else np.empty(0),
            "counted": np.asarray(counted, dtype=np.int32),
            **ragged("word_counts", [self.word_counts[features[i]] for i in counted]),
            "task_counts": self.task_counts,
            "task_words": pack(list(self.task_words)),
            **ragged("task_codes", [ix for ix, _ in self.task_words.values()]),
            **ragged("task_uses", [n for _, n in self.task_words.values()]),
        }

    @classmethod
    def from_arrays(cls, arrays) -> "OccupationIndex":
        codes, names = tuple(unpack(arrays["codes"])), tuple(unpack(arrays["names"]))
        features = unpack(arrays["features"])
        return cls(
            codes=codes,
            code_index={c: i for i, c in enumerate(codes)},
            names=names,
            roles=tuple(unpack(arrays["roles"])),
            idf=dict(zip(features, arrays["idf"].tolist())),
            postings=Ragged(features, arrays["postings.offsets"], arrays["postings.values"], arrays["weights"]),
            alias_counts=dict(zip(codes, arrays["alias_counts"].tolist())),
            official={c: normalise_title(n) for c, n in zip(codes, names) if n != c},
            word_counts=Ragged([features[i] for i in arrays["counted"].tolist()], arrays["word_counts.offsets"], arrays["word_counts.values"]),
            task_counts=arrays["task_counts"],
            task_words=Ragged(unpack(arrays["task_words"]), arrays["task_codes.offsets"], arrays["task_codes.values"], arrays["task_uses.values"]),
        )

    def counts(self, feature: str) -> dict[str, int]:
        """Code -> how many of the code's aliases use the word (or "head:word") ``feature``."""
        hit = self.word_counts.get(feature)
        if hit is None:
            return {}
        return dict(zip((self.codes[i] for i in self.postings[feature][0].tolist()), hit.tolist()))

    def scores(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(code indexes, cosine) for every code sharing a feature with the title's tokens."""
        query = [(f, self.idf[f] * w) for f, w in _features(tokens) if f in self.idf]
        if not query:
            return np.empty(0, dtype=np.int32), np.empty(0)
        norm = math.sqrt(sum(w * w for _, w in query))
        ids = np.concatenate([self.postings[f][0] for f, _ in query])
        weights = np.concatenate([self.postings[f][1] * (w / norm) for f, w in query])
        uniq, inverse = np.unique(ids, return_inverse=True)
        return uniq, np.bincount(inverse, weights=weights)

    def candidates(self, tokens: Sequence[str], also: Iterable[str] = ()) -> list[Candidate]:
        """Occupation candidates: the ``OCCUPATION_CANDIDATES`` best codes plus the codes in ``also``."""
        index, cosine = self.scores(tokens)
        if index.size > OCCUPATION_CANDIDATES:
            top = np.argpartition(-cosine, OCCUPATION_CANDIDATES)[:OCCUPATION_CANDIDATES]
        else:
            top = np.arange(index.size)
        chosen = {int(index[i]): float(cosine[i]) for i in top}
        wanted = [self.code_index[c] for c in also if c in self.code_index]
        if wanted:
            pos = np.searchsorted(index, wanted)
            for w, p in zip(wanted, pos):
                if p < index.size and index[p] == w:
                    chosen[w] = float(cosine[p])
        return [
            Candidate(self.roles[i], self.codes[i], self.names[i], f"{OCCUPATION}:{self.codes[i]}", OCCUPATION, "", 0.0,
                      min(1.0, score), OCCUPATION)
            for i, score in sorted(chosen.items())
            if score > 0
        ]


COMPOUND_PART = 3  # the fewest letters of either part of a compound (matching.TitleMatcher._compound)
COMPOUND_NOUNS = 3  # the most job nouns one compound is read as ("kinderkrankenpfleger" holds two)
TASK_STEM = 5  # a task word's first letters, so "pediatric" meets "pediatrician" and "welding" "welder"
TASK_STOP = frozenset(
    "a an and as at by for from in into of on or other such than that the their to with within without".split())


def task_features(words: Iterable[str]) -> set[str]:
    """What a title's or a task statement's (normalised) words count as in ``OccupationIndex.task_words``."""
    out = set()
    for w in words:
        if w in TASK_STOP or len(w) < 2:
            continue
        out.add(w)
        if len(w) > TASK_STEM:
            out.add(f"stem:{w[:TASK_STEM]}")
    return out


def _task_index(codes: Sequence[str], tasks: Mapping[str, Sequence[str]]) -> dict:
    """``OccupationIndex.task_counts`` and ``task_words`` for ``codes`` from their task statements."""
    counts = np.zeros(len(codes), dtype=np.int32)
    uses: dict[str, dict[int, int]] = defaultdict(dict)
    for i, code in enumerate(codes):
        statements = tasks.get(code, ())
        counts[i] = len(statements)
        for statement in statements:
            for f in task_features(normalise_title(statement).split()):
                uses[f][i] = uses[f].get(i, 0) + 1
    return {"task_counts": counts,
            "task_words": {f: (np.fromiter(u.keys(), np.int32, len(u)), np.fromiter(u.values(), np.int32, len(u)))
                           for f, u in sorted(uses.items())}}


def _phrases(words: Sequence[str], table: Mapping[str, object], longest: int) -> list[tuple[str, bool]]:
    """``words`` cut into the phrases ``table`` lists (the longest first, up to ``longest`` words) and the words
    between them: (text, listed) in order."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):
        phrase = next((p for p in (" ".join(words[i:j]) for j in range(min(len(words), i + longest), i, -1)) if p in table), None)
        out.append((phrase, True) if phrase is not None else (words[i], False))
        i += len(phrase.split()) if phrase is not None else 1
    return out


def _written_first(raw: str) -> str:
    """What a title writes before its first comma, dash or colon ("VP" of "VP, Data & AI"); "" when there is none
    or a bracket, bar or semicolon comes first. String scans only: linear on any input."""
    cut = min((i for i in (raw.find(c) for c in ",:–—-") if i >= 0), default=-1)
    head = raw[:cut] if cut > 0 else ""
    return "" if any(c in head for c in ";|()[]") else head


def _reading(lexicons, settings) -> dict:
    """How the matcher reads titles of other languages and regions, titles naming technologies and titles leading a
    function."""
    locale = settings.title_locale.lower()
    regional = lexicons.title_words.regional.get(locale)
    if regional is None and locale != DEFAULT_TITLE_LOCALE.lower():
        raise ConfigError(f"title_locale {settings.title_locale!r}: title_words.csv has no rows for {locale!r} "
                          f"(regions with rows: {', '.join(sorted(lexicons.title_words.regional)) or 'none'})")
    first_rung = next((code for code, level in lexicons.levels.items() if level.track == "management"), "")
    ranks: dict[str, int] = {}
    for cue in lexicons.level_cues:
        if cue.kind == "word":
            key = normalise_title(cue.pattern)
            leads = lexicons.levels[cue.value].track in LEADING_TRACKS and not (cue.first_line or cue.own_post)
            rank = (FIRST_RUNG if cue.value == first_rung else ABOVE_FIRST_RUNG) if leads else NOT_LEADING
            ranks[key] = max(ranks.get(key, NOT_LEADING), rank)
    first_line = frozenset(normalise_title(c.pattern) for c in lexicons.level_cues if c.kind == "word" and c.first_line)
    return {"title_words": lexicons.title_words, "regional": regional or {}, "title_technologies": lexicons.title_technologies,
            "person_nouns": lexicons.person_nouns, "ranks": ranks, "first_line": first_line}


def _features(tokens: Sequence[str]) -> list[tuple[str, float]]:
    """(feature, weight): each word, each word bigram, each longer word's first letters, and the head noun (last word)."""
    tokens = [t for t in tokens if t]
    feats = [(t, 1.0) for t in dict.fromkeys(tokens)]
    feats += [(f"{a} {b}", 1.0) for a, b in dict.fromkeys(zip(tokens, tokens[1:]))]
    feats += [(f"stem:{t[:STEM_LENGTH]}", STEM_WEIGHT) for t in dict.fromkeys(tokens) if len(t) > STEM_LENGTH]
    if tokens:
        feats.append((f"head:{tokens[-1]}", HEAD_WEIGHT))
    return feats


def _is_word(feature: str) -> bool:
    """A word or head-noun feature of ``_features`` (not a bigram or a word start)."""
    return " " not in feature and not feature.startswith("stem:")


def _rank(c: Candidate) -> tuple:
    return (c.method == OCCUPATION, -c.score, c.method != "exact", -c.prior, c.alias_id)
