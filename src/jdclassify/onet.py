"""Deciding the O*NET code (and which role carries it) from title candidates and profile evidence.

Each code gets a title score (its best alias match, weighted by the alias row's prior, plus a vote from
the other aliases that name it, plus its occupation-level match: the title against all its aliases at
once, matching.OccupationIndex) and, when the posting has a description, a profile score (profiles.py). The combined score is ``(1 - w) * title + w * profile / best profile``; the codes'
softmax shares are the raw scores that calibration.py turns into confidence.

With a fitted ``ranker.Ranker`` and no description, the hand-combined score becomes one feature among
several: codes are ordered by the ranker's score (boosted trees) and its softmax probability is the raw score.
A title that is a known alias keeps that alias's codes only (the fuzzy neighbours of another code must not
outvote it), and the ranker orders them: many common titles name several codes ("Customer Service
Representative": 43-4051, 43-4041, 41-3091). The ranker reads the title as the
matcher read it (``TitleMatcher.read_title``: translated, typos fixed), so a foreign title is decided like its
English words.
Postings with a description keep the hand-combined score: a ranker fitted on synthetic postings trusted
the profile too much and lost 14 points on the gold postings (measured; see scripts/fit_ranker.py).
A manager's profile lists a manager's work, while a manager's posting mostly describes the team's: when the
title's rank and the description say the job leads people, a manager's code takes the fit of a candidate it
leads (O*NET's related occupations; ``led_occupations``).
A title that names no one job ("Supervisor", "Engineer II": ``TitleMatcher.vague_noun``) has as candidates every
occupation whose aliases end in its noun, and its description weighs more (``VAGUE_PROFILE_WEIGHT``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
import numpy as np

from .matching import OCCUPATION, OccupationIndex
from .profiles import ProfileEvidence, ProfileIndex
from .ranker import HAND_TEMPERATURE, CodeEvidence, Ranker, feature_matrix
from .records import Candidate

PROFILE_WEIGHT = 0.5  # w: weight of description evidence when the posting has a description
AGREEMENT_WEIGHT = 0.15  # weight of the other aliases' votes for a code
OCCUPATION_WEIGHT = 3.0  # weight of the occupation-level match (measured: 1/2/3/4 → 61.5/63.2/63.5/63.4 % on the calibration fold)
PRIOR_FLOOR = 0.75  # an alias row's prior scales its match by PRIOR_FLOOR..1 (measured: 0.5/0.75/1.0 → 59.5/59.8/59.3 %)
DESCRIPTION_ONLY_PROPOSALS = 5
# w for a vague title (decide_onet ``vague``), its title score only how much the code's aliases use the noun. Measured
# (0.5/0.65/0.8/1.0), 6-digit: 400 calibration-fold reported titles cut to their last word when 20+ codes' aliases end
# in it, with synthetic descriptions (evaluate.synthetic_examples), 91.0/92.8/92.2/92.2 % (40.5 % before the rule);
# samples' gold postings 94.2/94.2/92.3/92.3 %
VAGUE_PROFILE_WEIGHT = 0.65
# a title that is only a first-line rank ("Team Lead"): weight of how well the SOC major group of a supervisor's
# workers fits the description (decide_onet ``groups``). Measured 0/0.2/0.3/0.4/0.7, 6-digit: postings_leads.csv
# 22.7/31.8/36.4/36.4/45.5 %; calibration-fold synthetic postings cut to their noun 92.8/92.2/92.2/92.2/91.8 %; a
# hand-written contact-centre team lead went to sales supervisors from 0.4 on
FIRST_LINE_GROUP_WEIGHT = 0.3


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
    has_description: bool = False  # profile evidence took part (calibration has separate curves for it)
    exact: bool = False  # the title is a known alias: decided among its codes (calibration has separate curves)

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
    profiles: ProfileIndex | None,
    skill_ids: tuple[str, ...],
    description: str,
    *,
    ranker: Ranker | None = None,
    title: str = "",
    occupations: OccupationIndex | None = None,
    led: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
    vague: str = "",
    level_only: bool = False,
    groups: Mapping[str, float] | None = None,
) -> OnetDecision:
    """Rank candidate O*NET codes; with no title candidate, let the description propose codes.

    ``profiles`` is read only when there is a description or skills (it may be None otherwise).

    ``ranker`` (with the ``title`` the matcher read and the matcher's ``occupations`` index) replaces the
    hand-combined ordering and shares for title-only postings; otherwise the hand-combined score decides.
    Either way a known alias is decided among that alias's codes only.

    ``led`` (``led_occupations``), given when the title's rank and the description say the job leads people: a
    manager's code takes the best description fit among the candidates it leads. A VP of Data & AI's posting
    describes data science, whose profile fits it better than Computer and Information Systems Managers' own.

    ``vague``: the job noun of a title that names no one job (``TitleMatcher.vague_noun``). No alias decides
    (``exact_alias``). With a description, the noun's occupations are the candidates and the description decides;
    the strength of a title match says nothing of which code, so the raw score is the code's share alone (on the
    calibration fold's synthetic postings cut to such a noun, share and being right correlate at 0.43, share x
    title score at 0.17). ``led`` is not read: among one noun's codes the managers' would take each other's fits
    and tie.

    ``level_only``: the title names a level, not a job (``TitleMatcher.names_a_level``); with a description, the
    description alone decides, as when no title alias matched.

    ``groups``: for a title that is only a first-line rank, per supervising candidate how well the SOC major group
    of its workers fits the description, in [0, 1] (``Classifier.first_line_groups``): SOC files a first-line
    supervisor in its workers' group, and a supervisor's own profile is mostly the same supervising."""
    has_description = bool(description.strip()) or bool(skill_ids)
    if not candidates or (level_only and has_description):
        return _description_only(profiles, skill_ids, description, has_description,
                                 "the title names a level, not a job" if candidates else "no title alias matched")
    led = None if vague else led
    by_code, prof, combined, titles = code_evidence(candidates, profiles, skill_ids, description, has_description, led,
                                                    VAGUE_PROFILE_WEIGHT if vague else PROFILE_WEIGHT)
    if groups:
        combined = {k: v + FIRST_LINE_GROUP_WEIGHT * groups.get(k, 0.0) for k, v in combined.items()}
    # a title that is a known alias takes that alias's code(s): the fuzzy neighbours of another code must not
    # outvote it (they did for 10 % of known aliases, "Occupational Therapist Aide")
    exact, named_by = exact_alias(candidates, has_description or bool(vague))
    learned = ranker is not None and occupations is not None and not has_description
    if len(exact) == 1:
        exact_rule = f"exact title alias ({named_by}) naming one code"
    else:
        exact_rule = f"exact title alias ({named_by}) naming {len(exact)} codes, {'learned ranker' if learned else 'hand score'} among them"
    if learned:
        # among an exact alias's codes the ranker decides too: it picks O*NET's reported code for 73 % of
        # ambiguous known titles where the hand score picked 70 % (evaluate.exact_examples, calibration fold)
        evidence = [_evidence(k, by_code[k], combined[k], prof[k]) for k in by_code]
        scores = ranker.scores(feature_matrix(title, evidence, occupations))
        among = np.array([not exact or k in exact for k in by_code])
        probs = np.zeros(len(scores))
        probs[among] = np.exp(scores[among] - scores[among].max())  # a ruled-out code's exp is never taken
        shares = dict(zip(by_code, (probs / probs.sum()).tolist()))
        combined = dict(zip(by_code, scores.tolist()))
        rule = exact_rule if exact else "title alias match, learned ranker"
    else:
        among = _softmax({k: combined[k] for k in by_code if not exact or k in exact})
        shares = {k: among.get(k, 0.0) for k in by_code}
        rule = "title alias match + description profile" if has_description else exact_rule if exact else "title alias match"
    if vague and has_description:
        rule = f"vague title ({vague!r} ends aliases of {len(by_code)} occupations): description profile among them"
        rule += ", supervisors by their workers' SOC major group" if groups else ""
    elif vague:
        rule = f"vague title ({vague!r}) and no description: {rule}, no one alias deciding"
    ranked = sorted(by_code, key=lambda k: (-shares[k], -combined[k], k))
    raw = {k: shares[k] * min(1.0, titles[k]) if not (learned or vague) else shares[k] for k in ranked}
    out = tuple(CodeScore(k, titles[k], prof[k], combined[k], shares[k], tuple(by_code[k]), raw[k]) for k in ranked)
    return OnetDecision(out, rule, has_description, bool(exact))


def exact_alias(candidates: tuple[Candidate, ...], among_all: bool) -> tuple[set[str], str]:
    """The codes of a known alias the title matched exactly, and what named them (for the rule a user reads): a
    title-only posting is decided among them. None when ``among_all``: with a description, the description decides
    among all candidates; a vague title's one alias spelt like it ("Supervisor": Social Workers, All Other;
    "Director": Producers and Directors) is no evidence of its code, and the ranker decides among all (title-only
    vague known titles are 0.1 point less often O*NET's reported code; ECE on person words 0.174 -> 0.128).
    An O*NET occupation's own title names its code: the ranker, swayed by how many alternate titles agree, put
    'Customer Service Representative' under 41-3091.00 rather than Customer Service Representatives, and a canon
    alias the curators banded low put 'Statistician' under Data Scientists. Next, a curated canon alias names its
    code: O*NET alternate titles with the same words do not compete with it ('Data Analyst' is canon 15-2051.00
    and an O*NET alternate title of 15-2041.00 too)."""
    if among_all:
        return set(), ""
    exact = [c for c in candidates if c.method == "exact"]
    official = [c for c in exact if c.source == "onet_title"]
    canon = [c for c in exact if c.source == "canon"]
    named_by = "an O*NET occupation title" if official else "a canon alias" if canon else "a known alias"
    return {c.onet_code or c.role_code for c in official or canon or exact}, named_by


def code_evidence(
    candidates: tuple[Candidate, ...],
    profiles: ProfileIndex,
    skill_ids: tuple[str, ...],
    description: str,
    has_description: bool,
    led: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
    profile_weight: float = PROFILE_WEIGHT,
) -> tuple[dict[str, list[Candidate]], dict[str, ProfileEvidence | None], dict[str, float], dict[str, float]]:
    """Per candidate code: its supporting candidates, best profile evidence, hand-combined and title scores
    (``led``: see ``decide_onet``)."""
    by_code: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_code[c.onet_code or c.role_code].append(c)
    evidence: dict[str, ProfileEvidence] = {}
    if has_description:
        keys = list(by_code) + [c.role_code for c in candidates if c.source == "canon"]
        evidence = profiles.score(keys, skill_ids, description)
    prof: dict[str, ProfileEvidence | None] = {}
    for code, support in by_code.items():
        options = [evidence.get(code)] + [evidence.get(c.role_code) for c in support if c.source == "canon"]
        prof[code] = max((e for e in options if e is not None), key=lambda e: e.score, default=None)
    if led:
        prof.update(_led_fits(prof, led))
    # profile fit relative to the best-fitting candidate: a vague title is decided by its description
    best_fit = max((p.score for p in prof.values() if p is not None), default=0.0)
    titles = {k: title_score(v) for k, v in by_code.items()}
    combined: dict[str, float] = {}
    for code in by_code:
        t, p = titles[code], prof[code]
        combined[code] = (1 - profile_weight) * t + profile_weight * (p.score / best_fit if p and best_fit > 0 else 0.0) if best_fit > 0 else t
    return by_code, prof, combined, titles


def led_occupations(related: Mapping[str, tuple[tuple[str, str], ...]], onet_titles: Mapping[str, str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The related occupations (lexicons.related_occupations) of the codes that lead people: SOC's managers
    (major group 11) and first-line supervisors."""
    return {code: rows for code, rows in related.items()
            if code.startswith("11-") or onet_titles.get(code, "").startswith("First-Line Supervisors")}


def _led_fits(prof: dict[str, ProfileEvidence | None], led: Mapping[str, tuple[tuple[str, str], ...]]) -> dict[str, ProfileEvidence]:
    """A leading code's fit where one of the candidates it leads fits the description better than its own profile."""
    out = {}
    for code, own in prof.items():
        fits = [(prof[r], row) for r, row in led.get(code, ()) if prof.get(r) is not None]
        best, row = max(fits, key=lambda t: t[0].score, default=(None, ""))
        if best is not None and best.score > (own.score if own is not None else 0.0):
            out[code] = replace(best, key=code, via=f"{best.key} ({row})")
    return out


def ranker_inputs(
    candidates: tuple[Candidate, ...],
    profiles: ProfileIndex,
    skill_ids: tuple[str, ...],
    description: str,
    title: str,
    occupations: OccupationIndex,
) -> tuple[list[str], np.ndarray]:
    """(candidate codes, their feature matrix) exactly as ``decide_onet`` builds them: for fitting the ranker."""
    has_description = bool(description.strip()) or bool(skill_ids)
    by_code, prof, combined, _ = code_evidence(candidates, profiles, skill_ids, description, has_description)
    evidence = [_evidence(k, by_code[k], combined[k], prof[k]) for k in by_code]
    return list(by_code), feature_matrix(title, evidence, occupations)


def _evidence(code: str, support: list[Candidate], combined: float, p: ProfileEvidence | None) -> CodeEvidence:
    if p is None:
        return CodeEvidence(code, tuple(support), combined)
    return CodeEvidence(code, tuple(support), combined, p.score, p.skill_score, p.text_score)


def _description_only(profiles: ProfileIndex, skill_ids: tuple[str, ...], description: str, has_description: bool,
                      why: str) -> OnetDecision:
    if not has_description:
        return OnetDecision((), "no title candidate and no description")
    proposals = profiles.propose(skill_ids, description, limit=DESCRIPTION_ONLY_PROPOSALS)
    if not proposals:
        return OnetDecision((), "no title candidate and the description matches no occupation profile", True)
    combined = {p.key: PROFILE_WEIGHT * p.score for p in proposals}
    shares = _softmax(combined)
    # a description alone counts only with its weight in a combined score: raw <= PROFILE_WEIGHT
    ranked = tuple(
        CodeScore(p.key, 0.0, p, combined[p.key], shares[p.key], (), shares[p.key] * combined[p.key]) for p in proposals
    )
    return OnetDecision(ranked, f"description only: {why}; best occupation profile fit", True)


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {k: math.exp((v - top) / HAND_TEMPERATURE) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}
