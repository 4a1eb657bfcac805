"""Fit lexicons/calibration.json: isotonic curves mapping raw scores to P(correct), per label kind.

onet and role: fitted on the calibration-fit half of the calibration fold of the held-out O*NET
reported titles (evaluate.FOLD_RULE, evaluate.RANKER_RULE: the other half trains the ranker), classified
by a matcher that has the fold's titles removed from its alias index, with lexicons/ranker.json if present
(without it, the whole calibration fold).
onet_desc and role_desc: the same titles as synthetic postings with descriptions
(evaluate.synthetic_examples). onet_exact and role_exact: the calibration-fit half's reported titles that
other alias rows name (evaluate.exact_examples), classified with only the fold's reported rows held out,
so they are decided as known aliases. level: fitted on the gold rows whose id falls in the calibration fold.
ECE is then measured on the test fold (titles and synthetic postings).

    python scripts/fit_calibration.py [--gold samples/gold/gold.csv] [--out lexicons/calibration.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from jdclassify.calibration import DESCRIPTION_SUFFIX, EXACT_SUFFIX, FILE_NAME, Calibration, expected_calibration_error, fit_isotonic
from jdclassify.evaluate import (
    CALIBRATION_FOLD,
    FOLD_RULE,
    TEST_FOLD,
    exact_classifier,
    exact_examples,
    fold_of,
    gold_examples,
    heldout_classifier,
    heldout_examples,
    predict,
    RANKER_RULE,
    ranker_half,
    synthetic_examples,
    role_correct,
    soc_match,
)
from jdclassify.lexicons import load_lexicons
from jdclassify.ranker import Ranker
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "samples" / "gold" / "gold.csv")
    ap.add_argument("--postings", type=Path, default=ROOT / "samples" / "postings")
    ap.add_argument("--out", type=Path, default=None, help="default: <lexicon_dir>/calibration.json")
    args = ap.parse_args(argv)
    settings = Settings.load()
    lexicons = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    raw = Calibration()  # uncalibrated: confidences are the raw scores
    ranker = Ranker.load(settings.lexicon_dir)
    half = "the calibration-fit half" if ranker is not None else f"fold {CALIBRATION_FOLD} (no ranker: the whole fold)"

    def pairs(fold: int) -> dict[str, list[tuple[float, bool]]]:
        """(raw score, right?) per curve, each decision under the curve it uses at run time."""
        out: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        for kind in ("plain", "synthetic", "exact"):
            examples = exact_examples(lexicons, fold) if kind == "exact" else heldout_examples(lexicons, fold)
            if fold == CALIBRATION_FOLD and ranker is not None:  # the ranker's own training half is left out
                examples = [e for e in examples if ranker_half(e.posting.title) == 1]
            if kind == "synthetic":
                examples = synthetic_examples(lexicons, examples)
            build = exact_classifier if kind == "exact" else heldout_classifier
            for p in predict(build(settings, lexicons, fold, raw), examples):
                suffix = DESCRIPTION_SUFFIX if kind == "synthetic" else EXACT_SUFFIX if p.exact else ""
                out["onet" + suffix].append((p.onet_confidence, soc_match(p.onet, p.example.onet_codes, 7)))
                out["role" + suffix].append((p.role_confidence, role_correct(lexicons, p)))
        return out

    fit = pairs(CALIBRATION_FOLD)
    curves = {kind: fit_isotonic(*zip(*data)) for kind, data in sorted(fit.items())}
    fitted_on = [
        f"onet, role: {len(fit['onet'])} onet_reported titles, {FOLD_RULE}; {RANKER_RULE}; fitted on {half}",
        f"onet_desc, role_desc: the same titles as {len(fit['onet_desc'])} synthetic postings (evaluate.synthetic_examples)",
        f"onet_exact, role_exact: {len(fit['onet_exact'])} decisions among a known alias's codes: the same titles with only "
        "the fold's reported rows held out (evaluate.exact_examples), and the held-out titles whose core is a known alias",
    ]
    level_test = []
    if args.gold.is_file():
        from jdclassify.classify import Classifier

        gold = gold_examples(args.gold, args.postings, settings)
        preds = predict(replace(Classifier.load(settings, lexicons), calibration=raw), gold)
        level = [(p.level_confidence, p.level == p.example.level, fold_of(p.example.posting.id)) for p in preds if p.example.level]
        level_fit = [(c, ok) for c, ok, f in level if f == CALIBRATION_FOLD]
        level_test = [(c, ok) for c, ok, f in level if f == TEST_FOLD]
        if level_fit:
            curves["level"] = fit_isotonic(*zip(*level_fit))
            fitted_on.append(f"level: {len(level_fit)} rows of {args.gold.name} with sha1(normalise_title(id)) mod 2 == {CALIBRATION_FOLD}")
    calibration = Calibration(curves, "; ".join(fitted_on), lexicons.data_version, dt.date.today().isoformat())
    out = args.out or settings.lexicon_dir / FILE_NAME
    out.write_text(calibration.to_json() + "\n", encoding="utf-8")
    print(f"wrote {out}")
    # ECE on the other fold, with the curves just fitted
    test = pairs(TEST_FOLD)
    test["level"] = level_test
    for kind, data in sorted(test.items()):
        if data and kind in curves:
            conf = [calibration.apply(kind, c) for c, _ in data]
            print(f"{kind}: fitted on {curves[kind].n}, ECE on the other fold ({len(data)}) = "
                  f"{expected_calibration_error(conf, [ok for _, ok in data]):.4f} (raw: "
                  f"{expected_calibration_error([c for c, _ in data], [ok for _, ok in data]):.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
