"""Redaction measured on hand-written contact blocks (``samples/redaction``), written without sight of the patterns.

Each record lists the exact personal data in it (``pii``) and number- or handle-like text that must stay
(``keep``). The text goes through the pipeline's own order, ``html_to_text`` (entities decoded, NFKC:
full-width digits become ASCII) then ``redact``. A pii item is missed when it, or the last 7 digits of a phone number,
survive; a keep item is falsely redacted when it no longer appears. ``contact_blocks.jsonl`` was used to
fix the patterns; ``contact_blocks_holdout.jsonl`` is a second author's set, measured before it was looked at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jdclassify.clean import html_to_text
from jdclassify.redact import redact

SETS = Path(__file__).resolve().parents[1] / "samples" / "redaction"


def _records(name: str) -> list[dict]:
    with open(SETS / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _leaked(item: str, text: str, redacted: str) -> bool:
    item = html_to_text(item)
    if item in redacted:
        return True
    digits = re.sub(r"\D", "", item)
    if len(digits) < 7:
        return False
    elsewhere = re.sub(r"\D", "", text.replace(item, " "))
    return digits[-7:] in re.sub(r"\D", "", redacted) and digits[-7:] not in elsewhere


def measure(records: list[dict]) -> tuple[float, float, list, list]:
    """(recall, false-redaction rate, missed items, damaged items) over a set."""
    missed, damaged, n_pii, n_keep = [], [], 0, 0
    for r in records:
        text = html_to_text(r["text"])
        redacted, _ = redact(text)
        for item in r["pii"]:
            n_pii += 1
            if _leaked(item, text, redacted):
                missed.append((r["id"], item))
        for item in r["keep"]:
            n_keep += 1
            if html_to_text(item) not in redacted:
                damaged.append((r["id"], item, redacted))
    return 1 - len(missed) / n_pii, len(damaged) / n_keep, missed, damaged


# contact_blocks.jsonl was written first and the patterns were fixed against it: it must meet the target.
# contact_blocks_holdout.jsonl was measured before any fix (recall 90.87 %, false redaction 3.19 %), then
# partly fixed against (multilingual words, digits of other scripts); its floor pins that, and the rest it
# misses (numbers with no phone word, company social pages) is listed in docs/reliability.md.
FLOORS = {"contact_blocks.jsonl": (0.99, 0.01), "contact_blocks_holdout.jsonl": (0.975, 0.02)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_hand_written_sets_meet_their_recall_and_false_redaction_floors(name):
    records = _records(name)
    recall, false_rate, missed, damaged = measure(records)
    print(f"\n{name}: {sum(len(r['pii']) for r in records)} personal items, recall {recall:.2%}; "
          f"{sum(len(r['keep']) for r in records)} items to keep, false redaction {false_rate:.2%}")
    least_recall, most_false = FLOORS[name]
    assert recall >= least_recall, missed
    assert false_rate <= most_false, damaged
