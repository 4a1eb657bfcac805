"""The review loop: postings that need review go out as a spreadsheet, corrections come back as overrides.

``export_review`` writes the ``needs_review`` rows of an output table to a spreadsheet-safe CSV with
empty ``corrected_*`` columns a recruiter fills in. ``import_review`` validates every filled row
(all problems at once, as ``file:row:column``) and stores the corrections in ``overrides.csv``
(normalised title -> role/level/O*NET, reviewer, date, source ``review``). The next run's
Classifier applies them through ``apply_override`` with the rule
``override from overrides.csv:LINE by REVIEWER on DATE``; ``override_examples`` turns them into
an evaluation gold set (``jdclassify eval`` scores it with overrides switched off).
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

from .errors import InputError, JdclassifyError
from .io.writers import atomic_write_bytes, csv_cell, scan_output
from .lexicons import ISO_DATE, OVERRIDE_COLUMNS, OVERRIDES_FILE, Override, read_overrides
from .records import Classification, Label, Posting

PREDICTED_COLUMNS = (
    "id", "title", "role_code", "role_name", "role_confidence", "level", "level_confidence",
    "onet_code", "onet_title", "onet_confidence", "evidence_summary",
)
CORRECTION_COLUMNS = ("corrected_role_code", "corrected_level", "corrected_onet_code", "reviewer", "note")
REVIEW_COLUMNS = PREDICTED_COLUMNS + CORRECTION_COLUMNS
_READ_COLUMNS = ["id", "title", "role_code", "role_name", "role_confidence", "level", "level_confidence", "onet_code",
                 "onet_title", "onet_confidence", "evidence", "needs_review", "run_date"]
_SUMMARY_CHARS = 400


class ReviewError(JdclassifyError):
    """A filled-in review sheet has problems; lists every one as ``file:row:column: problem``."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    path: Path  # the overrides file written
    added: int
    updated: int
    skipped: int  # rows with no correction (left for later)


# -- export ------------------------------------------------------------------------------------------


def evidence_summary(evidence_json: str) -> str:
    """One readable line from a row's evidence JSON: each label's rule and first piece of evidence."""
    try:
        evidence = json.loads(evidence_json or "{}")
    except json.JSONDecodeError:
        return ""
    parts = []
    for name in ("role", "level", "onet"):
        e = evidence.get(name) or {}
        first = (e.get("evidence") or [""])[0]
        parts.append(f"{name}: {e.get('rule', '')}" + (f" [{first}]" if first else ""))
    return " | ".join(parts)[:_SUMMARY_CHARS]


def review_rows(output: str | os.PathLike, *, include_all: bool = False) -> list[dict]:
    """Rows to review from an output table, lowest confidence first: the latest version of each id (by run_date;
    on a tie the one read last), kept if that version needs review. The output is read a batch at a time and only
    the rows to review are kept, their evidence already summarised (a 200,000-row output read whole took 2.5 GB)."""
    latest: dict[str, tuple[str, tuple | None]] = {}  # id -> (run_date, (lowest confidence, id, row) or None: no review)
    for batch in scan_output(output, _READ_COLUMNS):
        for r in batch.to_pylist():
            key, run_date = str(r["id"]), str(r["run_date"] or "")
            if key in latest and latest[key][0] > run_date:
                continue
            wanted = include_all or r["needs_review"] is True  # typed bool in every format (scan_output)
            latest[key] = (run_date, _review_row(r) if wanted else None)
    return [row for _, _, row in sorted(entry for _, entry in latest.values() if entry is not None)]


def _review_row(r: dict) -> tuple[float, str, dict]:
    """(lowest unrounded confidence, id, the sheet row): how review_rows sorts it, and what it writes."""
    row = {c: "" if r.get(c) is None else r[c] for c in PREDICTED_COLUMNS if c != "evidence_summary"}
    confidence = {c: float(row[c] or 0.0) for c in ("role_confidence", "level_confidence", "onet_confidence")}
    row.update({c: round(v, 2) for c, v in confidence.items()}, evidence_summary=evidence_summary(r.get("evidence") or ""))
    return min(confidence.values()), str(row["id"]), {**row, **dict.fromkeys(CORRECTION_COLUMNS, "")}


def export_review(output: str | os.PathLike, out_csv: str | os.PathLike, *, include_all: bool = False) -> int:
    """Write the review sheet (UTF-8 with BOM so spreadsheets read accents; formula cells neutralised); returns rows."""
    if not Path(output).exists():
        raise InputError(f"output not found: {output}; give the --out of a jdclassify classify run")
    rows = review_rows(output, include_all=include_all)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REVIEW_COLUMNS)
    writer.writerows([csv_cell(row[c]) for c in REVIEW_COLUMNS] for row in rows)
    atomic_write_bytes(Path(out_csv), ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return len(rows)


# -- import ------------------------------------------------------------------------------------------


def overrides_target(path: str | os.PathLike) -> Path:
    """``--overrides`` may name the CSV file or a folder (lexicons/ or an overlay) that holds it."""
    path = Path(path)
    return path / OVERRIDES_FILE if path.is_dir() or not path.suffix else path


def _plain(value: str) -> str:
    """Undo writers.neutralise_cell: a ``'`` put before a formula-like cell is not part of the value."""
    value = value.strip()
    return value[1:] if value.startswith("'") and value[1:2] in ("=", "+", "-", "@") else value


def read_corrections(review_csv: str | os.PathLike, lexicons, *, today: str | None = None) -> tuple[list[Override], int]:
    """Validate a filled-in review sheet; every problem is collected and raised together as ReviewError.

    Returns the corrections (one per title, ``row`` = ``<sheet>:<row>``) and how many rows had none."""
    from .titles import normalise_title

    path = Path(review_csv)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read review sheet {path}: {exc}; give the CSV written by 'jdclassify review export'") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("title",) + CORRECTION_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ReviewError(f"{path.name}:1:header: columns {missing} are missing; start from a sheet written by 'jdclassify review export'")
    today = today or date.today().isoformat()
    if not ISO_DATE.fullmatch(today):
        raise InputError(f"review date {today!r} is not a date like 2026-03-02")
    problems: list[str] = []
    corrections: dict[str, Override] = {}
    skipped = 0
    for row_number, row in enumerate(reader, start=2):
        values = {k: _plain(v or "") for k, v in row.items() if k}
        role, level, onet = values["corrected_role_code"], values["corrected_level"].upper(), values["corrected_onet_code"]
        if not (role or level or onet):
            skipped += 1
            continue

        def bad(column: str, problem: str) -> None:
            problems.append(f"{path.name}:{row_number}:{column}: {problem}")

        key = normalise_title(values["title"])
        if not key:
            bad("title", "is empty; keep the exported title so the correction has a title to apply to")
        if role and role not in lexicons.roles:
            bad("corrected_role_code", f"{role!r} is not a known role code; use a code such as AIMLAM.GEN or SOC151252.00 "
                "(see canon_roles.yaml / onet_roles.csv, or the predicted role_code column)")
        if level and level not in lexicons.levels:
            bad("corrected_level", f"{level!r} is not on the level ladder; use one of {', '.join(lexicons.levels)}")
        if onet and onet not in lexicons.onet_titles:
            bad("corrected_onet_code", f"{onet!r} is not an O*NET-SOC 2019 code; use a code like 15-2051.00 from onet_roles.csv")
        if not values["reviewer"]:
            bad("reviewer", "is empty; write who reviewed the row")
        if key in corrections and (corrections[key].role_code, corrections[key].level, corrections[key].onet_code) != (role, level, onet):
            bad("title", f"title {key!r} was corrected differently at {corrections[key].row}; make the rows agree")
        corrections[key] = Override(key, role, level, onet, values["reviewer"], today, "review",
                                    " ".join(values["note"].split()), f"{path.name}:{row_number}")
    if problems:
        raise ReviewError(f"{len(problems)} problem(s) in {path.name}; nothing was imported. Fix these rows and import again:\n  "
                          + "\n  ".join(problems))
    return list(corrections.values()), skipped


def import_review(review_csv: str | os.PathLike, overrides: str | os.PathLike, lexicons, *, today: str | None = None) -> ImportResult:
    """Validate the sheet, then merge its corrections into the overrides file (a title's new row replaces its old one)."""
    corrections, skipped = read_corrections(review_csv, lexicons, today=today)
    target = overrides_target(overrides)
    existing = (read_overrides(target, lexicons.roles, lexicons.levels, lexicons.onet_titles, label=target.name)
                if target.is_file() else {})
    updated = sum(1 for o in corrections if o.alias in existing)
    merged = {**existing, **{o.alias: o for o in corrections}}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OVERRIDE_COLUMNS)
    writer.writerows([o.alias, o.role_code, o.level, o.onet_code, o.reviewer, o.date, o.source, o.note] for o in merged.values())
    atomic_write_bytes(target, buffer.getvalue().encode("utf-8"))
    return ImportResult(target, len(corrections) - updated, updated, skipped)


# -- applying and evaluating -------------------------------------------------------------------------


def apply_override(c: Classification, override: Override, lexicons, review_threshold: float) -> Classification:
    """The classification with the override's labels decided by a person (confidence 1.0, rule names the row).

    A role without an O*NET code takes the role's primary code; an O*NET code without a role takes its
    generated role unless the predicted role already maps to it. A level not given stays as classified."""
    rule = f"override from {override.row} by {override.reviewer} on {override.date}"
    evidence = (f"reviewed title {override.alias!r}",) + ((f"note: {override.note}",) if override.note else ())
    role, onet, level = c.role, c.onet, c.level
    onet_code = override.onet_code or (lexicons.roles[override.role_code].onet_code if override.role_code else "")
    role_code = override.role_code
    if not role_code and onet_code:
        predicted = lexicons.roles.get(c.role.value)
        role_code = c.role.value if predicted is not None and predicted.onet_code == onet_code else lexicons.role_for_onet(onet_code)
    if role_code:
        derived = "" if override.role_code else " (the role of the overridden O*NET code)"
        role = Label(role_code, 1.0, rule + derived, evidence)
    if onet_code:
        derived = "" if override.onet_code else " (the O*NET code of the overridden role)"
        onet = Label(onet_code, 1.0, rule + derived, evidence)
    if override.level:
        level = Label(override.level, 1.0, rule, evidence)
    found = lexicons.roles.get(role.value)
    return replace(
        c,
        role=role,
        role_name=found.title if found is not None else c.role_name,
        onet=onet,
        onet_title=lexicons.onet_titles.get(onet.value, c.onet_title),
        onet_alternatives=c.onet_alternatives if onet.value == c.onet.value else (),  # ranked against the rules' choice
        level=level,
        canon_code=f"{role.value}.{level.value}" if level.value else c.canon_code,
        needs_review=min(role.confidence, onet.confidence, level.confidence) < review_threshold,
    )


def override_examples(lexicons):
    """The overrides as a gold set (``evaluate.Example``s), to score the classifier on reviewed titles."""
    from .evaluate import Example

    examples = []
    for o in lexicons.overrides.values():
        onet = o.onet_code or (lexicons.roles[o.role_code].onet_code if o.role_code else "")
        role = o.role_code or (lexicons.role_for_onet(onet) if onet else "")
        examples.append(Example(Posting(id=f"override:{o.alias}", title=o.alias), frozenset({onet} - {""}), role, o.level))
    return examples


def without_overrides(lexicons):
    """The same lexicons with no overrides: what the classifier says on its own."""
    return replace(lexicons, overrides=MappingProxyType({}))
