"""``jdclassify eval``: accuracy and calibration on a gold set and on held-out O*NET reported titles.

Held-out titles: every ``onet_reported`` alias row (O*NET "Sample of Reported Titles") is split by a
hash of its normalised title into a calibration fold (fits ``lexicons/calibration.json``) and a test
fold (reported here). For each fold the matcher is rebuilt with that fold's titles removed from the
alias index, whatever their source, so the score measures generalisation, not lookup. A "messy" copy of the test
fold (ALL CAPS, plurals, SR/MGR/ENGR/ASSOC, a typo) is made deterministically from it.
O*NET correctness is judged at the 6-digit SOC level; calibration targets the same event.

The calibration fold is split again by a second hash: one half fits the learned ranker
(``scripts/fit_ranker.py``), the other fits the calibration curves, so no curve is fitted on the
ranker's own training titles. Postings with descriptions are synthesised from held-out titles
(``synthetic_examples``: the title plus task statements and technology skills of its O*NET code, with
two tasks of a neighbouring occupation as noise); the test fold's synthetic postings are only reported.

A lookup check goes with them: ``KNOWN_TITLES`` alias titles sampled by hash, classified by the full
classifier, must come back as one of the codes their aliases name (a known title's own code).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .calibration import Calibration, expected_calibration_error
from .onet import exact_alias
from .records import Classification, Posting
from .settings import Settings
from .titles import normalise_title

CALIBRATION_FOLD, TEST_FOLD = 0, 1
FOLD_RULE = "sha1(normalise_title(title)) mod 2: 0 = calibration fold, 1 = test fold"
RANKER_RULE = "calibration fold split by sha1('ranker:' + normalise_title(title)) mod 2: 0 = ranker-train, 1 = calibration-fit"
SYNTHETIC_TASKS, SYNTHETIC_NOISE_TASKS, SYNTHETIC_SKILLS = 3, 2, 4


@dataclass(frozen=True, slots=True)
class Example:
    """One evaluation item: a posting and its gold labels (gold O*NET codes may be several)."""

    posting: Posting
    onet_codes: frozenset[str] = frozenset()
    role: str = ""
    level: str = ""


@dataclass(frozen=True, slots=True)
class Prediction:
    example: Example
    onet: str
    onet_confidence: float
    role: str
    role_confidence: float
    level: str
    level_confidence: float
    exact: bool = False  # decided among a known alias's codes (calibrated by the ``*_exact`` curves)


@dataclass(frozen=True, slots=True)
class SetScores:
    name: str
    n: int
    answered: float  # share with any O*NET code (not UNKNOWN)
    soc6: float | None
    minor: float | None  # SOC minor group, e.g. 15-12
    major: float | None  # SOC major group, e.g. 15
    role: float | None
    level: float | None
    coverage_50: float
    accuracy_50: float | None
    coverage_80: float
    accuracy_80: float | None
    ece_onet: float | None
    ece_role: float | None
    ece_level: float | None


@dataclass(frozen=True, slots=True)
class EvalReport:
    sets: tuple[SetScores, ...]
    lexicon_version: str
    calibration: str  # what the calibration in use was fitted on
    notes: tuple[str, ...] = field(default=())


# -- data --------------------------------------------------------------------------------------------


def fold_of(title: str) -> int:
    return int(hashlib.sha1(normalise_title(title).encode()).hexdigest(), 16) % 2


def reported_titles(lexicons) -> dict[str, tuple[str, frozenset[str]]]:
    """Normalised reported title -> (a raw spelling, gold O*NET codes), from ``onet_reported`` alias rows."""
    codes: dict[str, set[str]] = defaultdict(set)
    raw: dict[str, str] = {}
    for a in lexicons.aliases:
        if a.source == "onet_reported" and a.onet_code:
            key = normalise_title(a.alias)
            if key:
                codes[key].add(a.onet_code)
                raw.setdefault(key, a.alias)
    return {k: (raw[k], frozenset(v)) for k, v in sorted(codes.items())}


def ranker_half(title: str) -> int:
    """0 = the calibration-fold title trains the ranker, 1 = it fits the calibration curves (``RANKER_RULE``)."""
    return int(hashlib.sha1(("ranker:" + normalise_title(title)).encode()).hexdigest(), 16) % 2


def synthetic_examples(lexicons, examples: Sequence[Example]) -> list[Example]:
    """Postings with descriptions made deterministically from titles: the title, ``SYNTHETIC_TASKS`` task
    statements and ``SYNTHETIC_SKILLS`` technology skills of one gold code, and ``SYNTHETIC_NOISE_TASKS``
    tasks of another occupation in the same SOC major group (real postings mention neighbouring duties).
    Titles whose code has no task statements are left out."""
    by_major: dict[str, list[str]] = defaultdict(list)
    for code in sorted(lexicons.occupation_tasks):
        by_major[code[:2]].append(code)
    out = []
    for e in examples:
        h = int(hashlib.md5(("synthetic:" + e.posting.title).encode()).hexdigest(), 16)
        code = sorted(e.onet_codes)[h % len(e.onet_codes)]
        tasks = lexicons.occupation_tasks.get(code, ())
        if not tasks:
            continue
        pick = [tasks[(h + i) % len(tasks)] for i in range(min(SYNTHETIC_TASKS, len(tasks)))]
        others = [c for c in by_major[code[:2]] if c not in e.onet_codes]
        if others:
            noise = lexicons.occupation_tasks[others[(h >> 8) % len(others)]]
            pick[1:1] = [noise[(h >> 16) % len(noise)], noise[(h >> 24) % len(noise)]][:SYNTHETIC_NOISE_TASKS]
        skills = lexicons.occupation_skills.get(code, ())
        names = [lexicons.skills[s].name for s in skills[(h >> 32) % len(skills):][:SYNTHETIC_SKILLS] if s in lexicons.skills] if skills else []
        text = f"We are hiring a {e.posting.title}.\nResponsibilities:\n" + "\n".join(f"- {t}" for t in pick)
        if names:
            text += "\nTools: " + ", ".join(names) + "."
        out.append(replace(e, posting=replace(e.posting, id=e.posting.id + ":synthetic", description=text)))
    return out


KNOWN_TITLES = 2000


def known_examples(lexicons, n: int = KNOWN_TITLES) -> list[Example]:
    """``n`` titles of the alias index (sampled by hash), each with every O*NET code its aliases name."""
    codes: dict[str, set[str]] = defaultdict(set)
    raw: dict[str, str] = {}
    for a in lexicons.aliases:
        key = normalise_title(a.alias) if a.onet_code else ""
        if key:
            codes[key].add(a.onet_code)
            raw.setdefault(key, a.alias)
    keys = sorted(codes, key=lambda k: hashlib.sha1(("known:" + k).encode()).hexdigest())[:n]
    return [Example(Posting(id=f"known:{k}", title=raw[k]), frozenset(codes[k]), _gold_role(lexicons, frozenset(codes[k])))
            for k in keys]


def heldout_examples(lexicons, fold: int) -> list[Example]:
    out = []
    for key, (title, codes) in reported_titles(lexicons).items():
        if fold_of(title) == fold:
            out.append(Example(Posting(id=f"reported:{key}", title=title), codes, _gold_role(lexicons, codes)))
    return out


def without_reported(lexicons, fold: int):
    """The lexicons without ``fold``'s reported-title rows; every other alias row (alternate titles, the
    other fold's reported titles) stays, as in use."""
    return replace(lexicons, aliases=tuple(a for a in lexicons.aliases if not (a.source == "onet_reported" and fold_of(a.alias) == fold)))


def exact_examples(lexicons, fold: int, min_codes: int = 1) -> list[Example]:
    """``fold``'s reported titles that other alias rows name with ``min_codes`` or more codes: known titles whose
    code O*NET's incumbents reported, to score the choice among an alias's codes (e.g. "Project Manager":
    11-9041, 11-9199, 13-1082) and calibrate it. Classify them with ``exact_classifier``."""
    named: dict[str, set[str]] = defaultdict(set)
    for a in without_reported(lexicons, fold).aliases:
        if a.onet_code:
            named[normalise_title(a.alias)].add(a.onet_code)
    return [e for e in heldout_examples(lexicons, fold) if len(named.get(normalise_title(e.posting.title), ())) >= min_codes]


def exact_classifier(settings: Settings, lexicons, fold: int, calibration: Calibration | None = None):
    """A Classifier whose alias index lacks ``fold``'s reported-title rows only (``without_reported``)."""
    from .classify import Classifier
    from .matching import TitleMatcher

    known = without_reported(lexicons, fold)
    clf = Classifier.load(settings, known, matcher=TitleMatcher.build(known, settings))
    return clf if calibration is None else replace(clf, calibration=calibration)


_ABBREV = (("senior", "SR"), ("manager", "MGR"), ("engineer", "ENGR"), ("associate", "ASSOC"))


def messy(title: str) -> str:
    """A deterministic messy spelling: SR/MGR/ENGR/ASSOC always; then ALL CAPS, a plural or a typo by hash."""
    h = int(hashlib.md5(title.encode()).hexdigest(), 16)
    out = title
    for word, abbr in _ABBREV:
        out = re.sub(rf"\b{word}\b", abbr, out, flags=re.IGNORECASE)
    kind = h % 3
    if kind == 0:
        return out.upper()
    if kind == 1:
        words = out.split()
        last = words[-1]
        if last[-1:].isalpha() and not last.lower().endswith("s"):
            words[-1] = last[:-1] + "ies" if last.lower().endswith("y") and len(last) > 3 else last + "s"
        return " ".join(words)
    words = out.split()
    i = max(range(len(words)), key=lambda j: (len(words[j]), -j))
    w = words[i]
    if len(w) >= 5:
        p = 1 + (h >> 4) % (len(w) - 3)
        words[i] = w[:p] + w[p + 1] + w[p] + w[p + 2 :]  # swap two inner letters
    return " ".join(words)


def messy_examples(examples: Sequence[Example]) -> list[Example]:
    return [replace(e, posting=replace(e.posting, id=e.posting.id + ":messy", title=messy(e.posting.title))) for e in examples]


def gold_examples(gold: str | Path, postings: str | Path | None, settings: Settings, title_column: str = "title") -> list[Example]:
    """Gold rows (id, onet_code, role_code, level; extra columns ignored) joined to postings by id; a gold set with
    a ``title`` column labels titles alone (no postings are read; ``title_column`` names another column of titles,
    such as ``english``)."""
    with open(gold, newline="", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    if is_title_gold(gold):
        found = {gid: Posting(id=gid, title=r.get(title_column) or "") for gid, r in rows.items()}
    else:
        from .io.readers import read_postings

        found = {p.id: p for p in read_postings([postings], settings) if isinstance(p, Posting) and p.id in rows}
    out = []
    for gid, r in rows.items():
        if gid not in found:
            continue
        codes = frozenset(c.strip() for c in re.split(r"[|;]", r.get("onet_code", "") or "") if c.strip())
        out.append(Example(found[gid], codes, (r.get("role_code") or r.get("role") or "").strip(), (r.get("level") or "").strip()))
    return out


def gold_columns(gold: str | Path) -> list[str]:
    with open(gold, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh), [])


def is_title_gold(gold: str | Path) -> bool:
    """A gold set of titles alone (a ``title`` column), not of postings joined by id."""
    return "title" in gold_columns(gold)


def _gold_role(lexicons, codes: frozenset[str]) -> str:
    for code in sorted(codes):
        try:
            return lexicons.role_for_onet(code)
        except KeyError:
            continue
    return ""


# -- scoring -----------------------------------------------------------------------------------------


def predict(classifier, examples: Sequence[Example]) -> list[Prediction]:
    out = []
    results = classifier.classify_many([e.posting for e in examples])
    for e, c in zip(examples, results):
        if not isinstance(c, Classification):
            out.append(Prediction(e, "", 0.0, "", 0.0, "", 0.0))
            continue
        exact = bool(exact_alias(c.candidates, bool(e.posting.description.strip()))[0])
        out.append(Prediction(e, c.onet.value, c.onet.confidence, c.role.value, c.role.confidence, c.level.value,
                              c.level.confidence, exact))
    return out


def soc_match(pred: str, gold: Iterable[str], chars: int) -> bool:
    return bool(pred) and any(pred[:chars] == g[:chars] for g in gold)


def role_correct(lexicons, p: Prediction) -> bool:
    """The gold role, or a canon role whose O*NET mappings include a gold code."""
    if p.example.role and p.role == p.example.role:
        return True
    role = lexicons.roles.get(p.role)
    if role is None or role.origin != "canon":
        return False
    mapped = {m.code for m in role.mappings} | {role.onet_code}
    return bool(mapped & p.example.onet_codes) or soc_match(role.onet_code, p.example.onet_codes, 7)


def score(name: str, preds: Sequence[Prediction], lexicons) -> SetScores:
    n = len(preds)
    with_onet = [p for p in preds if p.example.onet_codes]
    soc6 = [soc_match(p.onet, p.example.onet_codes, 7) for p in with_onet]
    conf = [p.onet_confidence for p in with_onet]

    def mean(xs) -> float | None:
        return float(np.mean(xs)) if len(xs) else None

    def at(t: float) -> tuple[float, float | None]:
        chosen = [ok for ok, c in zip(soc6, conf) if c >= t]
        return (len(chosen) / len(soc6) if soc6 else 0.0), mean(chosen)

    with_role = [p for p in preds if p.example.role or p.example.onet_codes]
    roles = [role_correct(lexicons, p) for p in with_role]
    with_level = [p for p in preds if p.example.level]
    levels = [p.level == p.example.level for p in with_level]
    c50, a50 = at(0.5)
    c80, a80 = at(0.8)
    return SetScores(
        name=name,
        n=n,
        answered=sum(bool(p.onet) for p in preds) / n if n else 0.0,
        soc6=mean(soc6),
        minor=mean([soc_match(p.onet, p.example.onet_codes, 5) for p in with_onet]),
        major=mean([soc_match(p.onet, p.example.onet_codes, 2) for p in with_onet]),
        role=mean(roles),
        level=mean(levels),
        coverage_50=c50,
        accuracy_50=a50,
        coverage_80=c80,
        accuracy_80=a80,
        ece_onet=expected_calibration_error(conf, soc6) if soc6 else None,
        ece_role=expected_calibration_error([p.role_confidence for p in with_role], roles) if roles else None,
        ece_level=expected_calibration_error([p.level_confidence for p in with_level], levels) if levels else None,
    )


# -- running -----------------------------------------------------------------------------------------


def heldout_classifier(settings: Settings, lexicons, fold: int, calibration: Calibration | None = None):
    """A Classifier whose matcher has every title of ``fold`` removed from the alias index (from every
    source, not only ``onet_reported``); the other fold's titles stay, as any known alias would."""
    from .classify import Classifier
    from .matching import TitleMatcher

    excluded = frozenset(k for k, (title, _) in reported_titles(lexicons).items() if fold_of(title) == fold)
    matcher = TitleMatcher.build(lexicons, settings, exclude_aliases=excluded)
    clf = Classifier.load(settings, lexicons, matcher=matcher)
    return clf if calibration is None else replace(clf, calibration=calibration)


def run_eval(
    settings: Settings | None = None,
    *,
    gold: str | Path | Sequence[str | Path] | None = None,
    postings: str | Path | None = None,
    heldout: bool = True,
    classifier_factory: Callable[[Settings, object], object] | None = None,
    lexicons=None,
) -> EvalReport:
    """Score the gold sets (if given) with the full classifier, and the held-out test fold (plain and messy)
    with a classifier that has not seen those titles. ``classifier_factory(settings, lexicons)`` replaces the
    default classifier for the gold sets. ``postings`` defaults to ``samples/postings`` next to a gold file that
    labels postings; a gold file with a ``title`` column labels titles alone (``gold_examples``)."""
    from .classify import Classifier
    from .lexicons import load_lexicons

    settings = settings or Settings.load()
    lexicons = lexicons or load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    sets: list[SetScores] = []
    notes: list[str] = []
    calibration = Calibration.load(settings.lexicon_dir)
    golds = [] if gold is None else [Path(g) for g in ([gold] if isinstance(gold, (str, Path)) else gold)]
    factory = classifier_factory or (lambda s, lx: Classifier.load(s, lx))
    gold_classifier = factory(settings, lexicons) if golds else None
    for path in golds:
        if is_title_gold(path):  # a title's gold role, when not given, is its gold code's (as for held-out titles)
            examples = [replace(e, role=e.role or _gold_role(lexicons, e.onet_codes)) for e in gold_examples(path, None, settings)]
            sets.append(score(f"gold titles ({path.name})", predict(gold_classifier, examples), lexicons))
            if "english" in gold_columns(path):  # what is lost in reading the language, apart from the English title's own errors
                english = [replace(e, posting=replace(e.posting, title=t.posting.title)) for e, t in
                           zip(examples, gold_examples(path, None, settings, title_column="english"))]
                sets.append(score(f"  the same titles as written in English ({path.name}, column english)",
                                  predict(gold_classifier, english), lexicons))
        else:
            posts = Path(postings) if postings else path.parent.parent / "postings"
            examples = gold_examples(path, posts, settings)
            sets.append(score(f"gold ({path.name})", predict(gold_classifier, examples), lexicons))
            if not examples:
                notes.append(f"no gold row of {path} matched a posting id under {posts}")
    if heldout:
        clf = heldout_classifier(settings, lexicons, TEST_FOLD)
        test = heldout_examples(lexicons, TEST_FOLD)
        sets.append(score("held-out reported titles (test fold)", predict(clf, test), lexicons))
        sets.append(score("held-out reported titles, messy (test fold)", predict(clf, messy_examples(test)), lexicons))
        synthetic = synthetic_examples(lexicons, test)
        sets.append(score("held-out synthetic postings with descriptions (test fold)", predict(clf, synthetic), lexicons))
        exact = exact_examples(lexicons, TEST_FOLD)
        preds = predict(exact_classifier(settings, lexicons, TEST_FOLD), exact)
        sets.append(score("known titles, O*NET's reported code (test fold; its reported rows held out)", preds, lexicons))
        several = {e.posting.id for e in exact_examples(lexicons, TEST_FOLD, min_codes=2)}
        sets.append(score("  of which the alias names several codes", [p for p in preds if p.example.posting.id in several], lexicons))
        sets.append(score(f"known titles (in the alias index, {KNOWN_TITLES:,} sampled)",
                          predict(Classifier.load(settings, lexicons), known_examples(lexicons)), lexicons))
        notes.append(f"held-out split: {FOLD_RULE}; test-fold titles removed from the alias index for every source")
        notes.append("known titles, O*NET's reported code: test-fold reported titles that another alias row names (an "
                     "alternate title, the other fold's reported titles), with the test fold's reported rows removed from the "
                     "index: is the code O*NET's incumbents reported chosen among the alias's codes?")
        notes.append("known titles: a lookup check (a title of the index must get one of its aliases' codes); confidences are "
                     "fitted on unseen titles, so they understate a known title's accuracy")
        notes.append("synthetic postings: each test-fold title + task statements and technology skills of its O*NET code "
                     "(+ 2 tasks of a neighbouring occupation); evaluate.synthetic_examples; never used for fitting")
    from .ranker import Ranker

    ranker = Ranker.load(settings.lexicon_dir)
    notes.append(f"O*NET ranker: fitted on {ranker.fitted_on} (lexicon {ranker.lexicon_version}, {ranker.fitted_at})"
                 if ranker else "O*NET ranker: none (lexicons/ranker.json missing): hand-combined score")
    if ranker and ranker.lexicon_version != lexicons.data_version:
        notes.append(f"ranker was fitted on lexicon {ranker.lexicon_version}, lexicons are {lexicons.data_version}: refit with scripts/fit_ranker.py")
    fitted = f"{calibration.fitted_on} (lexicon {calibration.lexicon_version}, {calibration.fitted_at})" if calibration.fitted else "not calibrated (raw scores)"
    if calibration.fitted and calibration.lexicon_version != lexicons.data_version:
        notes.append(f"calibration was fitted on lexicon {calibration.lexicon_version}, lexicons are {lexicons.data_version}: refit with scripts/fit_calibration.py")
    return EvalReport(tuple(sets), lexicons.version, fitted, tuple(notes))


def format_report(report: EvalReport) -> str:
    def pct(x: float | None) -> str:
        return "   n/a" if x is None else f"{100 * x:5.1f}%"

    def num(x: float | None) -> str:
        return "  n/a" if x is None else f"{x:.3f}"

    lines = [f"lexicon {report.lexicon_version}; calibration: {report.calibration}"]
    for s in report.sets:
        lines += [
            f"\n{s.name}: n={s.n}, answered {pct(s.answered)}",
            f"  O*NET 6-digit SOC {pct(s.soc6)}   minor group {pct(s.minor)}   major group {pct(s.major)}",
            f"  role {pct(s.role)}   level {pct(s.level)}",
            f"  confidence >= 0.5: coverage {pct(s.coverage_50)}, accuracy {pct(s.accuracy_50)}",
            f"  confidence >= 0.8: coverage {pct(s.coverage_80)}, accuracy {pct(s.accuracy_80)}",
            f"  ECE (10 bins): onet {num(s.ece_onet)}   role {num(s.ece_role)}   level {num(s.ece_level)}",
        ]
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)
