"""Fit lexicons/ranker.json (the learned O*NET re-ranker), then refit lexicons/calibration.json.

Training data: the ranker-train half of the calibration fold of held-out O*NET reported titles
(evaluate.RANKER_RULE), classified by a matcher with the whole calibration fold removed from its alias
index. Every candidate code in a gold 6-digit SOC code is relevant; a title with no relevant candidate, or a
single candidate, teaches nothing and is skipped. The other half is left for the calibration curves (and
the test fold for `jdclassify eval`); top-1 at 6 digits on both halves is printed and stored in the file.

Model: LightGBM lambdarank, small trees (chosen by 4-fold cross-validation on the ranker-train half: on the
other half a linear softmax gained 2.2 points over the hand score and these trees 3.1). LightGBM is needed
here only (`pip install lightgbm`); the trees are exported as plain lists and evaluated with numpy (ranker.py).
The ranker decides title-only postings (onet.py): a ranker fitted on titles + synthetic postings gained
4 points on synthetic postings but lost 14 on the gold postings, so postings with descriptions keep the hand score.

    python scripts/fit_ranker.py [--no-calibration]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import subprocess
import sys
import tempfile
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
from jdclassify.ranker import FEATURES, FILE_NAME, Ranker
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PARAMS = {
    "objective": "lambdarank",
    "lambdarank_truncation_level": 3,
    "num_leaves": 4,
    "learning_rate": 0.05,
    "min_data_in_leaf": 30,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "seed": 0,
    "deterministic": True,
    "verbose": -1,
}
ROUNDS = 400


def groups(clf, examples) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, which candidate codes are right at 6 digits) per example with candidates."""
    out = []
    for e in examples:
        cues = clf.parser.parse(e.posting.title)
        candidates = clf.matcher.match(cues)
        if not candidates:
            continue
        title = clf.matcher.read_title(cues)  # as Classifier.decide passes it
        codes, x = ranker_inputs(candidates, clf.profiles, (), e.posting.description, title, clf.matcher.occupations)
        out.append((x, np.array([soc_match(c, e.onet_codes, 7) for c in codes])))
    return out


def fit_trees(data: list[tuple[np.ndarray, np.ndarray]]) -> list[dict[str, list]]:
    """Boost lambdarank trees on the groups with a right code among several; returned as ranker.json trees."""
    try:
        import lightgbm as lgb
    except ImportError as exc:
        raise SystemExit("scripts/fit_ranker.py needs LightGBM to fit the trees (offline only): pip install lightgbm") from exc
    usable = [(x, y) for x, y in data if len(x) > 1 and y.any()]
    if not usable:
        raise SystemExit("no title has its right code among several candidates: nothing to fit")
    train = lgb.Dataset(np.vstack([x for x, _ in usable]), np.concatenate([y.astype(int) for _, y in usable]),
                        group=[len(x) for x, _ in usable], feature_name=list(FEATURES))
    booster = lgb.train(PARAMS, train, num_boost_round=ROUNDS)
    return [_tree(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]


def _tree(root: dict) -> dict[str, list]:
    """A LightGBM tree dump as flat lists (ranker.Ranker.from_trees): splits numbered in visiting order."""
    tree: dict[str, list] = {"split_feature": [], "threshold": [], "left": [], "right": [], "leaf_value": []}

    def visit(node: dict) -> int:
        if "leaf_value" in node:
            tree["leaf_value"].append(node["leaf_value"])
            return -len(tree["leaf_value"])  # leaf j is -1 - j
        if node["decision_type"] != "<=":
            raise SystemExit(f"unexpected LightGBM split {node['decision_type']!r}: ranker.py evaluates '<=' only")
        i = len(tree["split_feature"])
        tree["split_feature"].append(FEATURES[node["split_feature"]])
        tree["threshold"].append(node["threshold"])
        tree["left"].append(None)
        tree["right"].append(None)
        tree["left"][i] = visit(node["left_child"])
        tree["right"][i] = visit(node["right_child"])
        return i

    visit(root)
    return tree


def top1(scores: list[np.ndarray], data: list[tuple[np.ndarray, np.ndarray]]) -> float:
    return float(np.mean([bool(y[int(np.argmax(s))]) for s, (_, y) in zip(scores, data)])) if data else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="default: <lexicon_dir>/ranker.json")
    ap.add_argument("--no-calibration", action="store_true", help="do not refit calibration.json afterwards")
    args = ap.parse_args(argv)
    settings = Settings.load()
    lexicons = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    with tempfile.TemporaryDirectory() as empty:  # the classifier's own ranker and calibration are not used (nor read:
        # a ranker.json fitted on other features would not load)
        clf = heldout_classifier(dataclasses.replace(settings, lexicon_dir=Path(empty)), lexicons, CALIBRATION_FOLD)
    fold = heldout_examples(lexicons, CALIBRATION_FOLD)
    halves = {name: [e for e in fold if ranker_half(e.posting.title) == h] for h, name in ((0, "train titles"), (1, "check titles"))}
    data = {name: groups(clf, examples) for name, examples in halves.items()}
    trees = fit_trees(data["train titles"])
    ranker = Ranker.from_trees(trees)
    metrics = {}
    for name, rows in data.items():
        n = len(halves[name])  # titles without candidates count as misses
        hand = top1([x[:, 0] for x, _ in rows], rows) * len(rows) / n
        learned = top1([ranker.scores(x) for x, _ in rows], rows) * len(rows) / n
        metrics[name] = {"n": n, "top1_hand": round(hand, 4), "top1_ranker": round(learned, 4)}
        print(f"{name}: n={n}, right 6-digit code first: hand-combined {100 * hand:.1f}%, ranker {100 * learned:.1f}%")
    fitted_on = (
        f"{len(data['train titles'])} onet_reported titles of the ranker-train half: {FOLD_RULE}; {RANKER_RULE}; "
        f"LightGBM {', '.join(f'{k} {v}' for k, v in PARAMS.items() if k not in ('num_threads', 'verbose'))}, {ROUNDS} rounds"
    )
    ranker = Ranker.from_trees(trees, fitted_on, lexicons.data_version, dt.date.today().isoformat(), metrics)
    out = args.out or settings.lexicon_dir / FILE_NAME
    out.write_text(ranker.to_json() + "\n", encoding="utf-8")
    print(f"wrote {out}")
    if not args.no_calibration:
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "fit_calibration.py")], check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
