"""Deciding the O*NET code (and which role carries it) from title candidates and profile evidence.

Each code gets a title score (its best alias match, weighted by the alias row's prior, plus a vote from
the other aliases that name it, plus its occupation-level match: the title against all its aliases at
once, matching.OccupationIndex) and, when the posting has a description, a profile score (profiles.py). The combined score is ``(1 - w) * title + w * profile / best profile``; the codes'
softmax shares are the raw scores that calibration.py turns into confidence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from .matching import OCCUPATION
from .profiles import ProfileEvidence, ProfileIndex
from .records import Candidate

PROFILE_WEIGHT = 0.5  # w: weight of description evidence when the posting has a description
AGREEMENT_WEIGHT = 0.15  # weight of the other aliases' votes for a code
OCCUPATION_WEIGHT = 3.0  # weight of the occupation-level match (measured: 1/2/3/4 → 61.5/63.2/63.5/63.4 % on the calibration fold)
PRIOR_FLOOR = 0.75  # an alias row's prior scales its match by PRIOR_FLOOR..1 (measured: 0.5/0.75/1.0 → 59.5/59.8/59.3 %)
TEMPERATURE = 0.05  # softmax temperature over combined scores
DESCRIPTION_ONLY_PROPOSALS = 5


@dataclass(frozen=True, slots=True)
class CodeScore:
    """One candidate occupation: the evidence for it and its share of the decision."""

    onet_code: str
    title_score: float
    profile: ProfileEvidence | None
    combined: float
    share: float  # softmax share among candidate codes
    support: tuple[Candidate, ...]  # title candidates pointing at this code, best first
    raw: float  # share x strength of the evidence (title score, or profile fit when no title): calibrated


@dataclass(frozen=True, slots=True)
class OnetDecision:
    ranked: tuple[CodeScore, ...]  # best first; empty when nothing was found
    rule: str

    @property
    def best(self) -> CodeScore | None:
        return self.ranked[0] if self.ranked else None


def title_score(support: list[Candidate]) -> float:
    """Best prior-weighted alias match for a code, plus a vote from the other aliases naming it
    (squared, so weak neighbours count little), plus the weighted occupation-level match;
    measured on held-out titles (docs in evaluate.py)."""
    per_alias: dict[str, float] = {}
    occupation = 0.0
    for c in support:
        if c.method == OCCUPATION:
            occupation = max(occupation, c.score)
            continue
        per_alias[c.alias_id] = max(per_alias.get(c.alias_id, 0.0), c.score * (PRIOR_FLOOR + (1 - PRIOR_FLOOR) * c.prior))
    ranked = sorted(per_alias.values(), reverse=True) or [0.0]
    return ranked[0] + AGREEMENT_WEIGHT * sum(v * v for v in ranked[1:]) + OCCUPATION_WEIGHT * occupation


def decide_onet(
    candidates: tuple[Candidate, ...],
    profiles: ProfileIndex,
    skill_ids: tuple[str, ...],
    description: str,
) -> OnetDecision:
    """Rank candidate O*NET codes; with no title candidate, let the description propose codes."""
    by_code: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_code[c.onet_code or c.role_code].append(c)
    has_description = bool(description.strip()) or bool(skill_ids)
    if not by_code:
        if not has_description:
            return OnetDecision((), "no title candidate and no description")
        proposals = profiles.propose(skill_ids, description, limit=DESCRIPTION_ONLY_PROPOSALS)
        if not proposals:
            return OnetDecision((), "no title candidate and the description matches no occupation profile")
        combined = {p.key: PROFILE_WEIGHT * p.score for p in proposals}
        shares = _softmax(combined)
        # a description alone counts only with its weight in a combined score: raw <= PROFILE_WEIGHT
        ranked = tuple(
            CodeScore(p.key, 0.0, p, combined[p.key], shares[p.key], (), shares[p.key] * combined[p.key]) for p in proposals
        )
        return OnetDecision(ranked, "description only: no title alias matched; best occupation profile fit")
    evidence: dict[str, ProfileEvidence] = {}
    if has_description:
        keys = list(by_code) + [c.role_code for c in candidates if c.source == "canon"]
        evidence = profiles.score(keys, skill_ids, description)
    prof: dict[str, ProfileEvidence | None] = {}
    for code, support in by_code.items():
        options = [evidence.get(code)] + [evidence.get(c.role_code) for c in support if c.source == "canon"]
        prof[code] = max((e for e in options if e is not None), key=lambda e: e.score, default=None)
    # profile fit relative to the best-fitting candidate: a vague title is decided by its description
    best_fit = max((p.score for p in prof.values() if p is not None), default=0.0)
    combined: dict[str, float] = {}
    for code, support in by_code.items():
        t, p = title_score(support), prof[code]
        combined[code] = (1 - PROFILE_WEIGHT) * t + PROFILE_WEIGHT * (p.score / best_fit if p and best_fit > 0 else 0.0) if best_fit > 0 else t
    shares = _softmax(combined)
    ranked = sorted(by_code, key=lambda k: (-combined[k], k))
    titles = {k: title_score(v) for k, v in by_code.items()}
    out = tuple(
        CodeScore(k, titles[k], prof[k], combined[k], shares[k], tuple(by_code[k]), shares[k] * min(1.0, titles[k]))
        for k in ranked
    )
    rule = "title alias match + description profile" if has_description else "title alias match"
    return OnetDecision(out, rule)


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {k: math.exp((v - top) / TEMPERATURE) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}
