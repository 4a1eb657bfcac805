"""Fit lexicons/ranker.json (the learned O*NET re-ranker), then refit lexicons/calibration.json.

Training data: the ranker-train half of the calibration fold of held-out O*NET reported titles
(evaluate.RANKER_RULE), classified by a matcher with the whole calibration fold removed from its alias
index. A title whose right code is not among its candidates teaches nothing and is skipped. The other
half is left for the calibration curves (and the test fold for `jdclassify eval`); top-1 on it is printed.
The ranker decides title-only postings (onet.py): fitted on titles + synthetic postings it gained 4 points
on synthetic postings but lost 14 on the gold postings, so postings with descriptions keep the hand score.

    python scripts/fit_ranker.py [--no-calibration]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np

from jdclassify.evaluate import (
    CALIBRATION_FOLD,
    FOLD_RULE,
    RANKER_RULE,
    heldout_classifier,
    heldout_examples,
    ranker_half,
    soc_match,
)
from jdclassify.lexicons import load_lexicons
from jdclassify.onet import ranker_inputs
from jdclassify.ranker import FILE_NAME, Ranker, fit_softmax
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
L2, STEPS = 1e-2, 400


def groups(clf, examples) -> list[tuple[np.ndarray, int, int]]:
    """(features, index of the right code or -1, index of the hand-combined choice) per example."""
    descs = list(clf.analyzer.analyze_many([e.posting for e in examples]))
    out = []
    for e, desc in zip(examples, descs):
        cues = clf.parser.parse(e.posting.title)
        skill_ids = tuple(dict.fromkeys(s.value for s in desc.skills))
        candidates = clf.matcher.match(cues)
        if not candidates:
            continue
        codes, x = ranker_inputs(candidates, clf.profiles, skill_ids, e.posting.description, cues.normalised,
                                 clf.matcher.occupations)
        right = next((i for i, c in enumerate(codes) if soc_match(c, e.onet_codes, 7)), -1)
        hand = int(np.argmax(x[:, 0]))
        out.append((x, right, hand))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="default: <lexicon_dir>/ranker.json")
    ap.add_argument("--no-calibration", action="store_true", help="do not refit calibration.json afterwards")
    args = ap.parse_args(argv)
    settings = Settings.load()
    lexicons = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    clf = heldout_classifier(settings, lexicons, CALIBRATION_FOLD)
    fold = heldout_examples(lexicons, CALIBRATION_FOLD)
    train = [e for e in fold if ranker_half(e.posting.title) == 0]
    check = [e for e in fold if ranker_half(e.posting.title) == 1]
    data = {"train titles": groups(clf, train), "check titles": groups(clf, check)}
    weights = fit_softmax([(x, y) for x, y, _ in data["train titles"]], l2=L2, steps=STEPS)
    ranker = Ranker(weights)
    metrics = {}
    for name, rows in data.items():
        hand = np.mean([y == h for _, y, h in rows])
        learned = np.mean([y >= 0 and int(np.argmax(ranker.scores(x))) == y for x, y, _ in rows])
        metrics[name] = {"n": len(rows), "top1_hand": round(float(hand), 4), "top1_ranker": round(float(learned), 4)}
        print(f"{name}: n={len(rows)}, right code first: hand-combined {100 * hand:.1f}%, ranker {100 * learned:.1f}%")
    fitted_on = (
        f"{len(data['train titles'])} onet_reported titles of the ranker-train half: {FOLD_RULE}; {RANKER_RULE}; "
        f"softmax regression, L2 {L2}, {STEPS} Adam steps"
    )
    ranker = Ranker(weights, fitted_on, lexicons.version, dt.date.today().isoformat(), metrics)
    out = args.out or settings.lexicon_dir / FILE_NAME
    out.write_text(ranker.to_json() + "\n", encoding="utf-8")
    print(f"wrote {out}")
    if not args.no_calibration:
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "fit_calibration.py")], check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
