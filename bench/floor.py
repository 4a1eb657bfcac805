"""The reference floor: the leanest real pipeline over the same JSONL, to judge jdclassify's speed by.

read JSONL -> spacy.blank("en") tokenizer (nlp.pipe) -> one PhraseMatcher (LOWER) over every skills
lexicon phrase -> a dict lookup of the normalised title in the alias table -> Parquet in 2,000-row
batches. No cleaning, redaction, context rules, experience cues, fuzzy matching or calibration:
whatever jdclassify does beyond this is the price of its accuracy.

    python bench/floor.py CORPUS.jsonl      # prints postings/s
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import spacy
from spacy.matcher import PhraseMatcher

from jdclassify.lexicons import load_lexicons
from jdclassify.settings import Settings
from jdclassify.titles import normalise_title

_SCHEMA = pa.schema([("id", pa.string()), ("onet_code", pa.string()), ("skills", pa.list_(pa.string()))])
_BATCH = 2_000


class Floor:
    """Built once (like a Classifier); ``run`` streams a JSONL file to Parquet."""

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or Settings.load()
        lex = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
        self.nlp = spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        by_skill: dict[str, list[str]] = {}
        for skill in lex.skills.values():
            for phrase in {skill.name, *skill.synonyms}:
                if phrase.strip():
                    by_skill.setdefault(skill.id, []).append(phrase.strip().lower())
        for skill_id, phrases in by_skill.items():
            self.matcher.add(skill_id, list(self.nlp.tokenizer.pipe(phrases)))
        self.titles = {normalise_title(a.alias): a.onet_code for a in lex.aliases}
        self.batch_size = settings.nlp_batch_size

    def run(self, path: str | Path, out: str | Path) -> int:
        strings = self.nlp.vocab.strings
        n = 0
        with open(path, encoding="utf-8") as fh, pq.ParquetWriter(out, _SCHEMA) as writer:
            records = (json.loads(line) for line in fh if line.strip())
            while batch := list(islice(records, _BATCH)):
                texts = (r.get("description") or "" for r in batch)
                rows = {"id": [], "onet_code": [], "skills": []}
                for rec, doc in zip(batch, self.nlp.pipe(texts, batch_size=self.batch_size)):
                    rows["id"].append(str(rec.get("id", "")))
                    rows["onet_code"].append(self.titles.get(normalise_title(rec.get("title") or ""), ""))
                    rows["skills"].append(sorted({strings[m] for m, _, _ in self.matcher(doc)}))
                writer.write_table(pa.Table.from_pydict(rows, schema=_SCHEMA))
                n += len(batch)
        return n


def main() -> None:
    floor = Floor()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        n = floor.run(sys.argv[1], Path(tmp) / "floor.parquet")
        seconds = time.perf_counter() - start
    print(f"floor: {n:,} postings in {seconds:.1f} s = {n / seconds:,.0f} postings/s")


if __name__ == "__main__":
    main()
