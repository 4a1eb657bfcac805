"""Learned re-ranking of a title's candidate O*NET codes.

The hand-combined score (onet.py) picks the right code first for fewer titles than have it in their
top two. Each candidate code gets a small feature vector built only from what matching and profiles
already computed (alias and occupation scores, agreement, token coverage, source, prior, profile fit,
rank, how strongly the code's own aliases use each of the title's words, and how its O*NET task statements
use them), and small regression trees,
boosted offline by ``scripts/fit_ranker.py`` (LightGBM, lambdarank) on held-out titles of the calibration
fold, score them; a code's score is the sum of its leaf values, softmax over a title's codes. The trees live
in ``lexicons/ranker.json`` as plain lists with their feature names and what they were fitted on, and are
evaluated here with numpy (no runtime dependency); without that file onet.py keeps the hand-combined score.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .lexicons import RANKER_FILE
from .matching import OCCUPATION, OccupationIndex, task_features
from .records import Candidate
from .titles import normalise_title

FILE_NAME = RANKER_FILE
MODEL = "gradient-boosted regression trees (LightGBM lambdarank); score = sum of leaf values; go left when feature <= threshold"
_SOURCES = ("canon", "onet_title", "onet_reported", "onet_alternate", "soc_direct_match")
_WORD_FLOOR = 0.01  # log(weight + floor): a word none of the code's aliases use costs log(0.01), not -inf
# softmax temperature over onet.py's hand-combined scores: onet's decision, and the hand_major_mass feature the
# trees were fitted with (defined here, not in onet.py, which imports this module)
HAND_TEMPERATURE = 0.05
FEATURES = (
    "hand_score",  # onet.py's hand-combined score (title score, and profile fit when a description exists)
    "best_alias",  # best alias match score for the code (0 when only the occupation match names it)
    "best_alias_weighted",  # the same, weighted by the alias row's prior
    "exact",  # an alias of the code matched exactly
    "occupation_only",  # no alias names the code; only the occupation-level match
    "log_agreeing_aliases",  # log(1 + distinct aliases naming the code)
    "agreement",  # summed prior-weighted score of the other aliases naming the code
    "occupation",  # occupation-level cosine (the title against all the code's aliases)
    "occupation_top",  # the code has the title's best occupation cosine
    "alias_top",  # the code has the title's best alias score
    "hand_top",  # first by the hand-combined score
    "hand_second",  # second by the hand-combined score
    "prior",  # prior of the code's best alias row
    *(f"source_{s}" for s in _SOURCES),  # source of the code's best alias row
    "head_match",  # the title's last word is the best alias's last word
    "head_alias",  # best score among the code's aliases ending in the title's last word
    "official_coverage",  # share of the title's words in the code's O*NET title (as indexed)
    "official_head",  # the title's last word is the O*NET title's last word
    "title_coverage",  # share of the title's words in the best alias
    "alias_coverage",  # share of the best alias's words in the title
    "dot00",  # the code is a SOC code's main O*NET occupation (.00)
    "log_code_aliases",  # log(1 + aliases the index holds for the code)
    "profile_fit",  # description fit of the code's profile (0 without a description)
    "profile_relative",  # profile fit / the best fit among the candidates
    "profile_top",  # the code has the best profile fit
    "profile_skills",  # share of the posting's skills the occupation lists
    "profile_text",  # description vs task statements cosine
    # per title word, its TF-IDF weight in the code's occupation document (matching.OccupationIndex):
    # a code whose aliases never use one of the title's words is rarely right, however close its best alias
    # (words no alias uses are left out; the title is read as the matcher read it: translated, typos fixed)
    "word_weight_min",  # the smallest weight among the title's words (0: some word is in none of its aliases)
    "word_weight_logsum",  # sum over the title's words of log(weight + 0.01)
    "word_coverage",  # share of the title's words used by some alias of the code
    "word_posterior",  # softmax of word_weight_logsum over the title's codes
    "head_weight",  # weight of the title's head-noun feature in the code's document
    # per title word, the share of the code's aliases that use it (OccupationIndex.word_counts): TF-IDF
    # weights are normalised over a code's whole document, so a code with many aliases looks weak on every word
    "word_share_min",  # the smallest share among the title's words
    "word_share_logsum",  # sum over the title's words of log(share + 0.01)
    "head_share",  # share of the code's aliases ending in the title's last word
    "log_head_aliases",  # log(1 + the code's aliases ending in the title's last word)
    # the same counts pooled over the code's SOC major group (first 2 digits) and minor group (15-12): a word used by
    # many occupations of one group says which group even when it does not say which occupation
    "head_major_share",  # share of the index's aliases ending in the title's last word whose code is in this major group
    "head_minor_share",  # the same for the minor group
    "word_major_min",  # per title word, share of the aliases using it whose code is in this major group: the smallest
    "word_major_logsum",  # sum over the title's words of log(that share + 0.01)
    # how the other candidates lean: the summed posterior of the candidates in the code's group
    "major_mass",  # word_posterior summed over the candidate codes of this major group
    "minor_mass",  # the same for the minor group
    "hand_major_mass",  # softmax of hand_score (HAND_TEMPERATURE) summed over the candidate codes of this major group
    # naive Bayes over every code of the index (not only the candidates), from the same alias word counts, each
    # code's word rates backed off to its minor group's, the minor's to its major's, the major's to all aliases'
    # (``_nb_posterior``): a word no alias of the code uses costs little when its siblings use it
    "nb_posterior",  # the code's posterior given the title's words and head noun
    "nb_rank",  # log(1 + the code's rank by that posterior among all codes)
    "nb_major",  # the posterior summed over the code's major group (all codes of it, candidates or not)
    "nb_minor",  # the same for the minor group
    # the title's words against the code's O*NET task statements (OccupationIndex.task_words; never alias text, so no
    # reported title leaks in): a "pipe liner" is among codes whose tasks speak of pipes. A word counts as used when a
    # statement holds it or a word with its first letters (matching.TASK_STEM: "pediatric" meets "pediatrician")
    "task_has",  # the code has task statements
    "task_coverage",  # share of the title's words that some statement of the code uses
    "task_idf_coverage",  # the same, each word weighted by its IDF over the codes' statements
    "task_share_min",  # per title word, the share of the code's statements using it: the smallest
    "task_head_share",  # share of the code's statements using the title's last word
    # (a sum of log shares and its softmax over the candidates gained 0.4 points on the ranker-check half but sent
    # generic supervisor titles to the specialists whose statements name their trade: "coal mine production foreman"
    # to mining engineers; left out)
)


@lru_cache(maxsize=200_000)
def _words(text: str) -> tuple[str, ...]:
    return tuple(normalise_title(text).split())


@dataclass(frozen=True, slots=True)
class CodeEvidence:
    """What the matcher and profiles found for one candidate code of one posting."""

    onet_code: str
    support: tuple[Candidate, ...]  # alias and occupation candidates naming the code
    hand_score: float
    profile_fit: float = 0.0
    profile_skills: float = 0.0
    profile_text: float = 0.0


def feature_matrix(title: str, evidence: Sequence[CodeEvidence], occupations) -> np.ndarray:
    """One row of ``FEATURES`` per candidate code; ``title`` is the title as the matcher read it
    (``TitleMatcher.read_title``), ``occupations`` the matcher's ``OccupationIndex`` (alias counts, O*NET titles,
    TF-IDF documents and word counts per code, without held-out titles)."""
    title_words = title.split()
    title_set = set(title_words)
    head = title_words[-1] if title_words else ""
    # words no alias uses (a typo, a foreign word the matcher translated) say nothing about which code it is
    word_weights = [_cached(_weights, occupations, w) for w in dict.fromkeys(title_words) if w in occupations.postings]
    head_weights = _cached(_weights, occupations, f"head:{head}")
    counted = [w for w in dict.fromkeys(title_words) if w in occupations.word_counts]
    word_counts = [_cached(OccupationIndex.counts, occupations, w) for w in counted]
    head_counts = _cached(OccupationIndex.counts, occupations, f"head:{head}")
    head_major, head_minor = _cached(_major, occupations, f"head:{head}"), _cached(_minor, occupations, f"head:{head}")
    word_major = [_cached(_major, occupations, w) for w in counted]
    nb = occupations.groups
    posterior = _nb_posterior(occupations, title_words)
    nb_rank = np.empty(len(posterior), dtype=int)
    nb_rank[np.argsort(-posterior, kind="stable")] = np.arange(len(posterior))
    nb_major, nb_minor = np.bincount(nb.major, posterior), np.bincount(nb.minor, posterior)
    rows = []
    best_fit = max((e.profile_fit for e in evidence), default=0.0)
    for e in evidence:
        occupation, aliases = 0.0, {}
        for c in e.support:
            if c.method == OCCUPATION:
                occupation = max(occupation, c.score)
            elif c.alias_id not in aliases or c.score > aliases[c.alias_id].score:
                aliases[c.alias_id] = c
        weighted = sorted(((c.score * (0.75 + 0.25 * c.prior), c) for c in aliases.values()), key=lambda t: -t[0])
        best = max(aliases.values(), key=lambda c: (c.score, c.prior), default=None)
        words = _words(best.alias) if best else ()
        shared = len(title_set.intersection(words))
        official = occupations.official.get(e.onet_code, "").split()
        uses = [w.get(e.onet_code, 0.0) for w in word_weights]
        n_aliases = max(occupations.alias_counts.get(e.onet_code, 0), 1)
        shares = [w.get(e.onet_code, 0) / n_aliases for w in word_counts]
        head_aliases = head_counts.get(e.onet_code, 0)
        rows.append([
            e.hand_score,
            best.score if best else 0.0,
            weighted[0][0] if weighted else 0.0,
            float(any(c.method == "exact" for c in aliases.values())),
            float(best is None),
            math.log1p(len(aliases)),
            sum(w for w, _ in weighted[1:]),
            occupation,
            0.0,  # occupation_top, alias_top, hand_top, hand_second: set below
            0.0,
            0.0,
            0.0,
            best.prior if best else 0.0,
            *(float(best is not None and best.source == s) for s in _SOURCES),
            float(bool(words) and words[-1] == head),
            max((c.score for c in aliases.values() if _words(c.alias)[-1:] == (head,)), default=0.0),
            len(title_set.intersection(official)) / len(title_set) if title_set else 0.0,
            float(bool(official) and official[-1] == head),
            shared / len(title_set) if title_set else 0.0,
            shared / len(set(words)) if words else 0.0,
            float(e.onet_code.endswith(".00")),
            math.log1p(occupations.alias_counts.get(e.onet_code, 0)),
            e.profile_fit,
            e.profile_fit / best_fit if best_fit > 0 else 0.0,
            float(best_fit > 0 and e.profile_fit >= best_fit),
            e.profile_skills,
            e.profile_text,
            min(uses, default=0.0),
            sum(math.log(u + _WORD_FLOOR) for u in uses),
            sum(u > 0 for u in uses) / len(uses) if uses else 0.0,
            0.0,  # word_posterior: set below
            head_weights.get(e.onet_code, 0.0),
            min(shares, default=0.0),
            sum(math.log(u + _WORD_FLOOR) for u in shares),
            head_aliases / n_aliases,
            math.log1p(head_aliases),
            head_major.get(e.onet_code[:2], 0.0),
            head_minor.get(e.onet_code[:5], 0.0),
            min((w.get(e.onet_code[:2], 0.0) for w in word_major), default=0.0),
            sum(math.log(w.get(e.onet_code[:2], 0.0) + _WORD_FLOOR) for w in word_major),
            0.0,  # major_mass, minor_mass, hand_major_mass: set below
            0.0,
            0.0,
            *_nb_row(occupations.code_index.get(e.onet_code), posterior, nb_rank, nb_major, nb_minor, nb),
            *[0.0] * _TASK_COLUMNS,  # task_*: set below
        ])
    x = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))
    if len(rows):
        first = _INDEX["task_has"]
        x[:, first : first + _TASK_COLUMNS] = _task_block(occupations, title_words, [occupations.code_index.get(e.onet_code) for e in evidence])
        for name, column in (("occupation_top", "occupation"), ("alias_top", "best_alias"), ("hand_top", "hand_score")):
            col = x[:, _INDEX[column]]
            x[:, _INDEX[name]] = (col >= col.max()) & (col > 0)
        if len(rows) > 1:
            x[np.argsort(-x[:, _INDEX["hand_score"]], kind="stable")[1], _INDEX["hand_second"]] = 1.0
        logsum = x[:, _INDEX["word_weight_logsum"]]
        p = np.exp(logsum - logsum.max())
        x[:, _INDEX["word_posterior"]] = p / p.sum()
        hand = x[:, _INDEX["hand_score"]]
        q = np.exp((hand - hand.max()) / HAND_TEMPERATURE)
        q /= q.sum()
        for name, chars, posterior in (("major_mass", 2, p / p.sum()), ("minor_mass", 5, p / p.sum()), ("hand_major_mass", 2, q)):
            group: dict[str, float] = {}
            for e, v in zip(evidence, posterior.tolist()):
                group[e.onet_code[:chars]] = group.get(e.onet_code[:chars], 0.0) + v
            x[:, _INDEX[name]] = [group[e.onet_code[:chars]] for e in evidence]
    return x


_INDEX = {name: i for i, name in enumerate(FEATURES)}
_TASK_COLUMNS = len(FEATURES) - FEATURES.index("task_has")  # the task_* features come last
_NB_CODE, _NB_MINOR, _NB_MAJOR = 5.0, 10.0, 20.0  # back-off strengths (pseudo-aliases); see _nb_posterior


def _nb_row(i: int | None, posterior, rank, major, minor, nb) -> list[float]:
    if i is None:  # a code the occupation index lacks (a canon role without O*NET code)
        return [0.0, math.log1p(len(posterior)), 0.0, 0.0]
    return [float(posterior[i]), math.log1p(int(rank[i])), float(major[nb.major[i]]), float(minor[nb.minor[i]])]


def _task_block(occupations, title_words: Sequence[str], codes: Sequence[int | None]) -> np.ndarray:
    """The task_* columns of ``FEATURES`` for the code indexes ``codes`` (None: not in the index)."""
    out = np.zeros((len(codes), _TASK_COLUMNS))
    tasks = occupations.task_words
    if not tasks or not len(codes):
        return out
    index = np.array([-1 if i is None else i for i in codes])
    statements = np.where(index >= 0, occupations.task_counts[np.maximum(index, 0)], 0).astype(float)
    has = statements > 0
    out[:, 0] = has
    words = [w for w in dict.fromkeys(title_words) if task_features((w,))]
    if not words:
        return out
    n = max(int(np.count_nonzero(occupations.task_counts)), 1)
    uses = np.zeros((len(words), len(codes)))
    idf = np.zeros(len(words))
    for j, w in enumerate(words):
        df = 0
        for f in task_features((w,)):  # the word and its first letters: a statement counts when it holds either
            hit = tasks.get(f)
            if hit is None:
                continue
            ix, k = hit
            pos = np.minimum(np.searchsorted(ix, index), len(ix) - 1)
            uses[j] = np.maximum(uses[j], np.where(ix[pos] == index, k[pos], 0))
            df = max(df, len(ix))
        idf[j] = math.log((n + 1) / (df + 0.5))
    shares = uses / np.maximum(statements, 1)
    used = shares > 0
    out[:, 1] = used.mean(0)
    out[:, 2] = idf @ used / (idf.sum() or 1.0)
    out[:, 3] = shares.min(0)
    out[:, 4] = shares[-1] if words[-1] == title_words[-1] else 0.0
    out[~has, 1:] = 0.0
    return out


def _nb_log_rate(occupations, feature: str) -> np.ndarray | None:
    """log P(feature | code) for every code of ``occupations``, or None when no alias uses the feature."""
    hit = occupations.word_counts.get(feature)
    if hit is None:
        return None
    g = occupations.groups
    counts = np.zeros(len(g.aliases))
    counts[occupations.postings[feature][0]] = hit
    overall = (counts.sum() + 0.5) / (g.aliases.sum() + 0.5 * len(occupations.word_counts))
    major = (np.bincount(g.major, counts, minlength=len(g.major_aliases)) + _NB_MAJOR * overall) / (g.major_aliases + _NB_MAJOR)
    minor = (np.bincount(g.minor, counts, minlength=len(g.minor_aliases)) + _NB_MINOR * major[g.minor_major]) / (
        g.minor_aliases + _NB_MINOR)
    return np.log((counts + _NB_CODE * minor[g.minor]) / (g.aliases + _NB_CODE))


def _nb_posterior(occupations, words: Sequence[str]) -> np.ndarray:
    """Naive Bayes over the codes of an ``OccupationIndex``: P(word | code) = (aliases of the code using it +
    ``_NB_CODE`` x P(word | minor group)) / (aliases of the code + ``_NB_CODE``); the minor group's rate backs off
    to its major group's (``_NB_MINOR``), the major's to all aliases' (``_NB_MAJOR``, add-half smoothed). A title's
    words and its head noun ("head:word") each multiply in; uniform prior over codes."""
    words = [w for w in dict.fromkeys(words) if w]
    logp = np.zeros(len(occupations.groups.aliases))
    for feature in words + ([f"head:{words[-1]}"] if words else []):
        rate = _cached(_nb_log_rate, occupations, feature)
        if rate is not None:
            logp += rate
    p = np.exp(logp - logp.max())
    return p / p.sum()


# Per title word (or "head:word"), what feature_matrix reads from the OccupationIndex: its weights and counts per
# code, those pooled by SOC group, its naive-Bayes rates. Titles share their words, and recomputing these for every
# title was a third of feature_matrix. Kept on the index itself (OccupationIndex.word_memo), so two indexes
# (evaluation builds others) never share values.
_MEMO_SIZE = 20_000  # entries (word x kind, ~2.7 KB each on the bench: ~50 MB at most); when full it starts over
_MISSING = object()


def _cached(compute, occupations, feature: str):
    """``compute(occupations, feature)``, remembered on ``occupations``; do not mutate what it returns."""
    memo = occupations.word_memo
    key = (compute, feature)
    value = memo.get(key, _MISSING)
    if value is _MISSING:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        value = memo[key] = compute(occupations, feature)
    return value


def _major(occupations, feature: str) -> dict[str, float]:
    return _pooled(occupations.counts(feature), 2)


def _minor(occupations, feature: str) -> dict[str, float]:
    return _pooled(occupations.counts(feature), 5)


def _pooled(counts: dict[str, int], chars: int) -> dict[str, float]:
    """Code -> count, pooled by the first ``chars`` characters of the code, as shares of the total."""
    total = sum(counts.values())
    out: dict[str, float] = {}
    for code, n in counts.items():
        out[code[:chars]] = out.get(code[:chars], 0.0) + n / total
    return out


def _weights(occupations, feature: str) -> dict[str, float]:
    """Code -> weight of ``feature`` in the code's occupation document (absent: the code's aliases lack it)."""
    hit = occupations.postings.get(feature)
    if hit is None:
        return {}
    indexes, weights = hit
    return {occupations.codes[i]: float(w) for i, w in zip(indexes, weights)}


@dataclass(frozen=True, slots=True)
class Ranker:
    """Boosted regression trees over ``FEATURES``; a code's score is the sum of its leaves, softmax over a
    title's codes. Trees are padded into (tree, node) arrays: nodes ``0..k-1`` split, the rest are leaves
    that point to themselves, so ``depth`` steps of "left if x[feature] <= threshold" reach every leaf."""

    feature: np.ndarray  # (trees, nodes) index into FEATURES of each split (0 at leaves)
    threshold: np.ndarray  # (trees, nodes) go left when the feature <= threshold (+inf at leaves)
    left: np.ndarray  # (trees, nodes) next node
    right: np.ndarray
    value: np.ndarray  # (trees, nodes) leaf values (0 at splits)
    depth: int
    fitted_on: str = ""
    lexicon_version: str = ""
    fitted_at: str = ""
    metrics: Mapping[str, object] | None = None  # what fit_ranker measured (top-1 per data set)
    trees: tuple[Mapping[str, list], ...] = ()  # the trees as read (what to_json writes back)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """One score per row of ``x`` (rows of FEATURES): the sum over trees of the leaf each row reaches."""
        n = len(x)
        if not n:
            return np.zeros(0)
        # flat indexes (tree * width + node) into the raveled arrays: ~2x faster than (tree, node) pairs
        trees, width = self.feature.shape
        start = np.arange(trees)[:, None] * width
        columns = np.ascontiguousarray(x.T).ravel()  # feature-major: feature f of row r at f * n + r
        rows = np.arange(n)
        feature, threshold, left, right = (a.ravel() for a in (self.feature, self.threshold, self.left, self.right))
        node = np.broadcast_to(start, (trees, n))
        for _ in range(self.depth):
            go_left = columns[feature[node] * n + rows] <= threshold[node]
            node = np.where(go_left, left[node], right[node]) + start
        return self.value.ravel()[node].sum(0)

    @classmethod
    def from_trees(cls, trees: Sequence[Mapping[str, list]], fitted_on: str = "", lexicon_version: str = "",
                   fitted_at: str = "", metrics: Mapping[str, object] | None = None) -> "Ranker":
        """Trees as in ranker.json: ``split_feature`` (names), ``threshold``, ``left``/``right`` (a child >= 0
        is a split, -1-i is leaf i) and ``leaf_value`` per tree; node 0 is the root (the only leaf if no split).
        Raises ValueError on a malformed tree."""
        if not trees:
            raise ValueError("no trees")
        width = max(len(tr["split_feature"]) + len(tr["leaf_value"]) for tr in trees)
        shape = (len(trees), width)
        feature, left, right = np.zeros(shape, int), np.zeros(shape, int), np.zeros(shape, int)
        threshold, value = np.full(shape, np.inf), np.zeros(shape)
        depth = 0
        for i, tr in enumerate(trees):
            names, leaves = list(tr["split_feature"]), [float(v) for v in tr["leaf_value"]]
            k = len(names)
            if len(leaves) != k + 1 or not (len(tr["threshold"]) == len(tr["left"]) == len(tr["right"]) == k):
                raise ValueError(f"tree {i}: a tree with n splits has n thresholds, lefts, rights and n + 1 leaves")
            unknown = sorted(set(names) - set(FEATURES))
            if unknown:
                raise ValueError(f"tree {i}: unknown feature names {unknown}")
            children = list(tr["left"]) + list(tr["right"])
            if k and sorted(children) != sorted(list(range(1, k)) + [-1 - j for j in range(k + 1)]):
                raise ValueError(f"tree {i}: every split but the root and every leaf must be some split's child exactly once")
            node_of = lambda c: int(c) if c >= 0 else k - 1 - int(c)  # noqa: E731  leaf j is padded node k + j
            feature[i, :k] = [_INDEX[n] for n in names]
            threshold[i, :k] = [float(v) for v in tr["threshold"]]
            if not (np.isfinite(threshold[i, :k]).all() and all(math.isfinite(v) for v in leaves)):
                raise ValueError(f"tree {i}: thresholds and leaf values must be finite numbers")
            left[i, :k] = [node_of(c) for c in tr["left"]]
            right[i, :k] = [node_of(c) for c in tr["right"]]
            left[i, k:], right[i, k:] = np.arange(k, width), np.arange(k, width)
            value[i, k : k + k + 1] = leaves
            depth = max(depth, _depth(tr["left"], tr["right"]))
        return cls(feature, threshold, left, right, value, depth, fitted_on, lexicon_version, fitted_at, metrics,
                   tuple({k: list(v) for k, v in tr.items()} for tr in trees))

    @classmethod
    def load(cls, path: str | Path) -> "Ranker | None":
        """Read ``ranker.json`` (a folder means the file in it); a missing file means no ranker (None)."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE_NAME
        if not path.exists():
            return None
        fix = "refit with scripts/fit_ranker.py, or delete the file to use the hand-combined score"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc}); {fix}") from exc
        trees = data.get("trees") if isinstance(data, dict) else None
        if not isinstance(trees, list) or not all(isinstance(t, dict) for t in trees):
            raise ValueError(f"{path}: expected an object with a 'trees' list of tree objects; {fix}")
        features = data.get("features")
        if features != list(FEATURES):
            missing = [f for f in FEATURES if f not in (features or [])]
            unknown = sorted(set(features or []) - set(FEATURES))
            raise ValueError(f"{path}: feature names differ from ranker.FEATURES (missing {missing}, unknown {unknown}); {fix}")
        try:
            return cls.from_trees(trees, str(data.get("fitted_on", "")), str(data.get("lexicon_version", "")),
                                  str(data.get("fitted_at", "")), data.get("metrics") or None)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: malformed trees ({exc}); {fix}") from exc

    def to_json(self) -> str:
        """The metadata indented, one line per tree (a refit shows as a readable diff)."""
        head = json.dumps(
            {
                "fitted_on": self.fitted_on,
                "lexicon_version": self.lexicon_version,
                "fitted_at": self.fitted_at,
                "model": MODEL,
                "metrics": dict(self.metrics or {}),
                "features": list(FEATURES),
            },
            indent=1,
        )
        trees = ",\n  ".join(json.dumps(t) for t in self.trees)
        return f'{head[:-2]},\n "trees": [\n  {trees}\n ]\n}}'



def _depth(left: Sequence[int], right: Sequence[int]) -> int:
    """Longest root-to-leaf path, in splits."""
    if not left:
        return 0
    todo, deepest = [(0, 1)], 0
    while todo:
        node, d = todo.pop()
        deepest = max(deepest, d)
        todo += [(c, d + 1) for c in (left[node], right[node]) if c >= 0]
    return deepest
