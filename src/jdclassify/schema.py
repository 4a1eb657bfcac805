"""The output table: column order, Arrow types, and the one mapping from a Classification to a row.

Every writer (CSV, JSONL, Parquet) and ``Classifier.to_frame`` goes through ``to_row`` so the
columns cannot drift apart. Changes follow the versioning policy in docs/schema.md:
adding a trailing column is a minor bump, renaming/removing/retyping a column is a major bump.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pyarrow as pa

from .records import Alternative, Classification, Label, QuarantineRecord

SCHEMA_VERSION = "1.0.0"

ALTERNATIVE_TYPE = pa.struct([("code", pa.string()), ("title", pa.string()), ("confidence", pa.float64())])

# (name, type) in output order; the last four are provenance columns filled by the batch runner.
_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("id", pa.string()),
    ("title", pa.string()),
    ("role_code", pa.string()),
    ("role_name", pa.string()),
    ("role_confidence", pa.float64()),
    ("level", pa.string()),
    ("level_confidence", pa.float64()),
    ("employment_type", pa.string()),
    ("canon_code", pa.string()),
    ("onet_code", pa.string()),
    ("onet_title", pa.string()),
    ("onet_confidence", pa.float64()),
    ("onet_alternatives", pa.list_(ALTERNATIVE_TYPE)),
    ("skills", pa.list_(pa.string())),
    ("years_experience_min", pa.int32()),
    ("education", pa.string()),
    ("manages_people", pa.bool_()),
    ("needs_review", pa.bool_()),
    ("evidence", pa.string()),
    ("lexicon_version", pa.string()),
    ("schema_version", pa.string()),
    ("source", pa.string()),
    ("content_hash", pa.string()),
    ("run_id", pa.string()),
    ("run_date", pa.string()),
)

COLUMNS: tuple[str, ...] = tuple(name for name, _ in _FIELDS)
PROVENANCE_COLUMNS: tuple[str, ...] = ("source", "content_hash", "run_id", "run_date")
OUTPUT_SCHEMA = pa.schema(
    [pa.field(name, typ, nullable=name == "years_experience_min") for name, typ in _FIELDS],
    metadata={"jdclassify.schema_version": SCHEMA_VERSION},
)

QUARANTINE_COLUMNS: tuple[str, ...] = ("reason", "detail", "source", "line", "excerpt", "id", "run_id")
QUARANTINE_SCHEMA = pa.schema(
    [
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("source", pa.string()),
        ("line", pa.int64()),
        ("excerpt", pa.string()),
        ("id", pa.string()),
        ("run_id", pa.string()),
    ],
    metadata={"jdclassify.schema_version": SCHEMA_VERSION},
)


def _evidence(label: Label) -> dict:
    return {"value": label.value, "rule": label.rule, "evidence": list(label.evidence)}


@lru_cache(maxsize=4096)
def _evidence_json(role: Label, level: Label, onet: Label) -> str:
    """Cached: copies of one title's labels (titles repeat) share their labels, and encoding is a fifth of a row's cost."""
    return json.dumps({"role": _evidence(role), "level": _evidence(level), "onet": _evidence(onet)}, ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=4096)
def _alternatives(alternatives: tuple[Alternative, ...]) -> list[dict]:
    """Cached like the evidence; the rows share the list, which nothing mutates."""
    return [{"code": a.code, "title": a.title, "confidence": float(a.confidence)} for a in alternatives]


def to_row(c: Classification, *, run_id: str = "", run_date: str = "") -> dict:
    """One output row (plain Python values, keys in COLUMNS order) for a classification."""
    return {
        "id": c.id,
        "title": c.title,
        "role_code": c.role.value,
        "role_name": c.role_name,
        "role_confidence": float(c.role.confidence),
        "level": c.level.value,
        "level_confidence": float(c.level.confidence),
        "employment_type": c.employment_type,
        "canon_code": c.canon_code,
        "onet_code": c.onet.value,
        "onet_title": c.onet_title,
        "onet_confidence": float(c.onet.confidence),
        "onet_alternatives": _alternatives(c.onet_alternatives),
        "skills": list(c.skills),
        "years_experience_min": c.years_experience_min,
        "education": c.education,
        "manages_people": bool(c.manages_people),
        "needs_review": bool(c.needs_review),
        "evidence": _evidence_json(c.role, c.level, c.onet),
        "lexicon_version": c.lexicon_version,
        "schema_version": SCHEMA_VERSION,
        "source": c.source,
        "content_hash": c.content_hash,
        "run_id": run_id,
        "run_date": run_date,
    }


def quarantine_row(q: QuarantineRecord, *, run_id: str = "") -> dict:
    """One quarantine-table row; ``reason`` is an errors.QuarantineReason value."""
    reason = getattr(q.reason, "value", q.reason)
    return {
        "reason": str(reason),
        "detail": q.detail,
        "source": q.source,
        "line": int(q.line),
        "excerpt": q.excerpt,
        "id": q.id,
        "run_id": run_id,
    }


def rows_to_table(rows: list[dict]) -> pa.Table:
    """Output rows as an Arrow table with OUTPUT_SCHEMA (column order and types enforced)."""
    return pa.Table.from_pylist(rows, schema=OUTPUT_SCHEMA)


def quarantine_to_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=QUARANTINE_SCHEMA)
