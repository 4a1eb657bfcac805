"""Learned re-ranking of a title's candidate O*NET codes.

The hand-combined score (onet.py) picks the right code first for fewer titles than have it in their
top two. Each candidate code gets a small feature vector built only from what matching and profiles
already computed (alias and occupation scores, agreement, token coverage, source, prior, profile fit,
rank), and a linear softmax model over a title's codes, fitted offline by ``scripts/fit_ranker.py`` on
held-out titles (and synthetic postings) of the calibration fold, scores them. Weights live in
``lexicons/ranker.json`` with their feature names and what they were fitted on; without that file
onet.py keeps the hand-combined score.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .matching import OCCUPATION
from .records import Candidate
from .titles import normalise_title

FILE_NAME = "ranker.json"
_SOURCES = ("canon", "onet_title", "onet_reported", "onet_alternate", "soc_direct_match")
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
    """One row of ``FEATURES`` per candidate code; ``title`` is the normalised title, ``occupations`` the
    matcher's ``OccupationIndex`` (alias counts and O*NET titles per code, without held-out titles)."""
    title_words = title.split()
    title_set = set(title_words)
    head = title_words[-1] if title_words else ""
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
        ])
    x = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))
    if len(rows):
        for name, column in (("occupation_top", "occupation"), ("alias_top", "best_alias"), ("hand_top", "hand_score")):
            col = x[:, _INDEX[column]]
            x[:, _INDEX[name]] = (col >= col.max()) & (col > 0)
        if len(rows) > 1:
            x[np.argsort(-x[:, _INDEX["hand_score"]], kind="stable")[1], _INDEX["hand_second"]] = 1.0
    return x


_INDEX = {name: i for i, name in enumerate(FEATURES)}


@dataclass(frozen=True, slots=True)
class Ranker:
    """Linear weights per feature; a code's score is ``features @ weights``, softmax over a title's codes."""

    weights: np.ndarray  # aligned with FEATURES
    fitted_on: str = ""
    lexicon_version: str = ""
    fitted_at: str = ""
    metrics: Mapping[str, object] | None = None  # what fit_ranker measured (top-1 per data set)

    def scores(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weights

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
        weights = data.get("weights") if isinstance(data, dict) else None
        if not isinstance(weights, dict):
            raise ValueError(f"{path}: expected an object with a 'weights' object (feature name -> number); {fix}")
        missing = [f for f in FEATURES if f not in weights]
        unknown = sorted(set(weights) - set(FEATURES))
        if missing or unknown:
            raise ValueError(f"{path}: feature names differ from ranker.FEATURES (missing {missing}, unknown {unknown}); {fix}")
        bad = [f for f in FEATURES if isinstance(weights[f], bool) or not isinstance(weights[f], (int, float)) or not math.isfinite(weights[f])]
        if bad:
            raise ValueError(f"{path}: weights must be finite numbers, not for {bad}; {fix}")
        return cls(
            np.asarray([float(weights[f]) for f in FEATURES]),
            str(data.get("fitted_on", "")),
            str(data.get("lexicon_version", "")),
            str(data.get("fitted_at", "")),
            data.get("metrics") or None,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "fitted_on": self.fitted_on,
                "lexicon_version": self.lexicon_version,
                "fitted_at": self.fitted_at,
                "model": "linear softmax over a title's candidate codes (conditional logit), L2; score = sum(weight * feature)",
                "metrics": dict(self.metrics or {}),
                "weights": {f: round(float(w), 6) for f, w in zip(FEATURES, self.weights)},
            },
            indent=1,
        )


def fit_softmax(groups: Sequence[tuple[np.ndarray, int]], *, l2: float = 1e-3, steps: int = 400, lr: float = 0.05) -> np.ndarray:
    """Weights maximising the mean log-probability of the right code per group (x, index of the right
    row), with L2, by full-batch Adam on standardised features; returned in raw feature units."""
    groups = [(x, y) for x, y in groups if len(x) > 1 and 0 <= y < len(x)]
    if not groups:
        raise ValueError("no group with the right code among several candidates: nothing to fit")
    width = max(len(x) for x, _ in groups)
    n, f = len(groups), groups[0][0].shape[1]
    big = np.zeros((n, width, f))
    mask = np.zeros((n, width), dtype=bool)
    y = np.zeros(n, dtype=int)
    for i, (x, label) in enumerate(groups):
        big[i, : len(x)], mask[i, : len(x)], y[i] = x, True, label
    rows = big[mask]
    mean, std = rows.mean(0), rows.std(0)
    std[std < 1e-9] = 1.0
    z = np.where(mask[..., None], (big - mean) / std, 0.0)
    w = np.zeros(f)
    m1, m2 = np.zeros(f), np.zeros(f)
    for t in range(1, steps + 1):
        s = np.where(mask, z @ w, -np.inf)
        p = np.exp(s - s.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        p[np.arange(n), y] -= 1.0  # d(-log p_y)/ds
        grad = np.einsum("nm,nmf->f", p, z) / n + l2 * w
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad * grad
        w -= lr * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-8)
    return w / std
