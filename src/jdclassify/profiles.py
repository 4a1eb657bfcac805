"""Description evidence: how well a posting's skills and text fit each occupation's profile.

An occupation's profile is its O*NET technology skills plus a TF-IDF vector of its task
statements, title and description; a curated canon role adds its own skills, tasks,
responsibilities and description (as text) under its role code. Built once; scoring a handful of candidates is a few dict
look-ups, and proposing occupations from the description alone is one pass over an inverted index.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

import numpy as np

from .lexicons import ONET_CODE

_TOKEN = re.compile(r"[a-z][a-z0-9+#]*")
_STOP = frozenset(
    """a about above across after all also an and any are as at be been being both but by can could do does
    each either for from has have having he her his how if in including into is it its may more most must
    not of on or other our over own same shall she should so such than that the their them then there these
    they this those through to under up upon us use used using various very was we were what when where which
    while who will with within would you your ensure provide work works working job role team teams position
    candidate candidates company experience years year requirements required preferred responsibilities skills
    ability strong excellent knowledge new well related etc per""".split()
)


# ASCII text: upper case lowered, every character _TOKEN cannot hold a space; split() then gives _TOKEN's runs
_ASCII_RUNS = str.maketrans({c: c.lower() if c.isalnum() or c in "+#" else " " for c in map(chr, range(128))})
_RUN_LEAD = "0123456789+#"  # what a run may start with before its first letter, where _TOKEN starts


def _runs(text: str) -> list[str]:
    """The runs of word characters ``tokens`` folds: an ASCII text is split in C (translate and split, a third faster
    than findall); _folded drops a run's lead."""
    return text.translate(_ASCII_RUNS).split() if text.isascii() else _TOKEN.findall(text.lower())


def tokens(text: str) -> list[str]:
    """Lower-case content words, crude plural folding (tasks and postings must tokenise alike)."""
    return [t for t in map(_folded, _runs(text)) if t]


@lru_cache(maxsize=200_000)  # a description's words are mostly ones seen before: a cache hit beats the tests
def _folded(run: str) -> str:
    """The word a run of word characters holds as a profile term ("tasks" → "task"), or "" for a stop word."""
    tok = run.lstrip(_RUN_LEAD)
    if tok in _STOP or len(tok) < 2:
        return ""
    return tok[:-1] if len(tok) > 4 and tok.endswith("s") and not tok.endswith("ss") else tok


@dataclass(frozen=True, slots=True)
class ProfileEvidence:
    """How one occupation (or canon role) profile fits a posting."""

    key: str  # O*NET code, or canon role code
    score: float  # [0, 1]: mean of the skill and text scores that apply
    skill_score: float  # share of the posting's (IDF-weighted) skills that the occupation lists
    text_score: float  # cosine of TF-IDF vectors (description vs tasks/title/description)
    shared_skills: tuple[str, ...] = ()
    top_terms: tuple[str, ...] = ()  # description words that weigh most in the match
    via: str = ""  # a manager's code took this fit from an occupation it leads: "15-1252.00 (related_occupations.csv:3)"


_TERM_MEMO_LIMIT = 200_000  # runs remembered per index (see _TermMemo)


class _TermMemo(dict):
    """run -> the profile term it folds to if the index knows that term, else "": a description's runs are mostly
    ones seen before, and a dict hit (``map(memo.__getitem__, runs)``, all in C) beats folding and testing each.
    Cleared when full, so a long run's memory stays bounded."""

    __slots__ = ("idf",)

    def __init__(self, idf: Mapping[str, float]) -> None:
        super().__init__()
        self.idf = idf

    def __missing__(self, run: str) -> str:
        if len(self) >= _TERM_MEMO_LIMIT:
            self.clear()
        term = _folded(run)
        self[run] = term = term if term in self.idf else ""
        return term


@dataclass(frozen=True, slots=True)
class ProfileIndex:
    keys: tuple[str, ...]
    key_index: Mapping[str, int]
    vectors: tuple[Mapping[str, float], ...]  # L2-normalised TF-IDF per profile
    terms: tuple[frozenset[str], ...]  # each vector's terms: frozenset & frozenset walks the smaller one, in C
    term_idf: Mapping[str, float]
    inverted: Mapping[str, tuple[np.ndarray, np.ndarray]]  # term -> (profile indexes, weights)
    skills: tuple[frozenset[str], ...]  # skill ids per profile
    skill_idf: Mapping[str, float]
    term_memo: _TermMemo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "term_memo", _TermMemo(self.term_idf))

    @classmethod
    def build(cls, lexicons) -> "ProfileIndex":
        texts: dict[str, list[str]] = defaultdict(list)
        skills: dict[str, set[str]] = defaultdict(set)
        for code, title in lexicons.onet_titles.items():
            texts[code].append(title)
        for code, tasks in lexicons.occupation_tasks.items():
            texts[code].extend(tasks)
        for code, ids in lexicons.occupation_skills.items():
            skills[code].update(ids)
        for role in lexicons.roles.values():
            key = role.onet_code if role.origin != "canon" else role.code
            if not key:
                continue
            # canon role skills are phrases ("Advanced AI/ML techniques"), not skill ids: they count as text
            texts[key].extend([role.title, role.description, *role.tasks, *role.skills, *role.responsibilities])
        keys = tuple(sorted(set(texts) | set(skills)))
        counts = [Counter(tokens(" ".join(texts.get(k, ())))) for k in keys]
        n = len(keys) or 1
        df = Counter(t for c in counts for t in c)
        term_idf = {t: math.log((n + 1) / (d + 1)) + 1.0 for t, d in df.items()}
        vectors = []
        postings: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for i, c in enumerate(counts):
            vec = {t: (1.0 + math.log(f)) * term_idf[t] for t, f in c.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            vec = {t: v / norm for t, v in vec.items()}
            vectors.append(vec)
            for t, v in vec.items():
                postings[t][0].append(i)
                postings[t][1].append(v)
        sdf = Counter(s for k in keys for s in skills.get(k, ()))
        return cls(
            keys=keys,
            key_index={k: i for i, k in enumerate(keys)},
            vectors=tuple(vectors),
            terms=tuple(frozenset(v) for v in vectors),
            term_idf=term_idf,
            inverted={t: (np.asarray(ix, dtype=np.int32), np.asarray(w)) for t, (ix, w) in postings.items()},
            skills=tuple(frozenset(skills.get(k, ())) for k in keys),
            skill_idf={s: math.log((n + 1) / (d + 0.5)) for s, d in sdf.items()},
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The index as plain arrays for ``index_cache`` (building it costs ~0.4 s with the tables it reads, reading
        it back ~0.1 s): strings packed, each vector and inverted list as ragged index/weight arrays in their order."""
        from .packing import pack, ragged

        terms, skills = list(self.term_idf), list(self.skill_idf)
        term_at, skill_at = {t: i for i, t in enumerate(terms)}, {s: i for i, s in enumerate(skills)}
        inverted = list(self.inverted)
        return {
            "keys": pack(self.keys),
            "terms": pack(terms),
            "term_idf": np.array([self.term_idf[t] for t in terms], dtype=np.float64),
            **ragged("vectors", [[term_at[t] for t in v] for v in self.vectors]),
            "vector_weights": np.array([w for v in self.vectors for w in v.values()], dtype=np.float64),
            "inverted_terms": np.array([term_at[t] for t in inverted], dtype=np.int32),
            **ragged("inverted", [self.inverted[t][0] for t in inverted]),
            "inverted_weights": np.concatenate([self.inverted[t][1] for t in inverted]) if inverted else np.empty(0),
            "skills": pack(skills),
            "skill_idf": np.array([self.skill_idf[s] for s in skills], dtype=np.float64),
            **ragged("profile_skills", [sorted(skill_at[s] for s in ids) for ids in self.skills]),
        }

    @classmethod
    def from_arrays(cls, arrays) -> "ProfileIndex":
        """The index ``to_arrays`` stored: the same keys, weights and orders as the build it came from."""
        from .packing import unpack, unragged

        keys, terms, skills = tuple(unpack(arrays["keys"])), unpack(arrays["terms"]), unpack(arrays["skills"])
        offsets = arrays["vectors.offsets"].tolist()
        term_ix, weights = arrays["vectors.values"].tolist(), arrays["vector_weights"].tolist()
        vectors = tuple({terms[t]: w for t, w in zip(term_ix[a:b], weights[a:b])} for a, b in zip(offsets, offsets[1:]))
        inv_offsets, inv_weights = arrays["inverted.offsets"].tolist(), arrays["inverted_weights"]
        return cls(
            keys=keys,
            key_index={k: i for i, k in enumerate(keys)},
            vectors=vectors,
            terms=tuple(frozenset(v) for v in vectors),
            term_idf=dict(zip(terms, arrays["term_idf"].tolist())),
            inverted={terms[t]: (ix, inv_weights[a:b]) for t, ix, a, b in
                      zip(arrays["inverted_terms"].tolist(), unragged(arrays, "inverted"), inv_offsets, inv_offsets[1:])},
            skills=tuple(map(frozenset, unragged(arrays, "profile_skills", [skills[i] for i in arrays["profile_skills.values"].tolist()]))),
            skill_idf=dict(zip(skills, arrays["skill_idf"].tolist())),
        )

    def query_vector(self, description: str) -> dict[str, float]:
        idf = self.term_idf
        # only the index's terms are counted (term_memo): the order (first occurrence) is the same as tokens' order
        vec = {t: (1.0 + math.log(f)) * idf[t] for t, f in Counter(filter(None, map(self.term_memo.__getitem__, _runs(description)))).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def score(self, keys: Iterable[str], skill_ids: Iterable[str], description: str) -> dict[str, ProfileEvidence]:
        """Profile evidence for each known key (unknown keys are left out)."""
        query = self.query_vector(description)
        posting_skills = {s for s in skill_ids if s in self.skill_idf}
        query_terms, skill_total = frozenset(query), self._skill_total(posting_skills)
        out = {}
        for key in dict.fromkeys(keys):
            i = self.key_index.get(key)
            if i is not None:
                out[key] = self._evidence(i, query, posting_skills, query_terms, skill_total)
        return out

    def propose(self, skill_ids: Iterable[str], description: str, *, limit: int) -> tuple[ProfileEvidence, ...]:
        """The best-fitting profiles over all occupations, for postings whose title gives no candidate."""
        query = self.query_vector(description)
        posting_skills = {s for s in skill_ids if s in self.skill_idf}
        if not query and not posting_skills:
            return ()
        acc = np.zeros(len(self.keys))
        for t, w in query.items():
            ix, ws = self.inverted[t]
            acc[ix] += w * ws
        shortlist = np.argsort(-acc)[: max(limit * 5, 50)]
        if posting_skills:
            skilled = [i for i, s in enumerate(self.skills) if s & posting_skills]
            shortlist = np.unique(np.concatenate([shortlist, np.asarray(skilled, dtype=np.int64)]))
        # canon roles have profiles too (keyed by role code); only O*NET occupations can be proposed as a code
        query_terms, skill_total = frozenset(query), self._skill_total(posting_skills)
        ev = [self._evidence(int(i), query, posting_skills, query_terms, skill_total)
              for i in shortlist if ONET_CODE.fullmatch(self.keys[int(i)])]
        ev = [e for e in ev if e.score > 0]
        return tuple(sorted(ev, key=lambda e: (-e.score, e.key))[:limit])

    def _skill_total(self, posting_skills: set[str]) -> float:
        """The posting's summed skill IDF: the same for every profile it is scored against."""
        return sum(self.skill_idf[s] for s in sorted(posting_skills))  # sorted: a set's order is hash-seeded

    def _evidence(
        self, i: int, query: Mapping[str, float], posting_skills: set[str], query_terms: frozenset[str], skill_total: float
    ) -> ProfileEvidence:
        vec = self.vectors[i]
        # sorted, so sums and ties do not follow hash-seeded set order
        common = sorted(query_terms & self.terms[i])
        contrib = [query[t] * vec[t] for t in common]
        text_score = min(1.0, sum(contrib))
        shared = sorted(posting_skills & self.skills[i])
        skill_score = 0.0
        if posting_skills:
            skill_score = sum(self.skill_idf[s] for s in shared) / skill_total if skill_total else 0.0
        parts = [p for p, present in ((skill_score, bool(posting_skills)), (text_score, bool(query))) if present]
        score = sum(parts) / len(parts) if parts else 0.0
        top = tuple(common[j] for j in sorted(range(len(contrib)), key=contrib.__getitem__, reverse=True)[:5])  # ties keep term order
        return ProfileEvidence(self.keys[i], score, skill_score, text_score, tuple(shared), top)
