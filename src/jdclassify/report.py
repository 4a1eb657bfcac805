"""The run report: one self-contained HTML page beside a run's output, for the people who read the labels.

It shows counts (in, labelled, needs review, quarantined), the role, level and O*NET major-group mix,
a confidence histogram, top skills, quarantine reasons, and the lowest-confidence postings with their
evidence. Charts are inline SVG drawn with pygal (nothing fetched: no network needed to view). For a
dataset (the flows' partitioned Parquet) each run gets ``_reports/<run_id>.html`` plus a small
``_reports/<run_id>.json`` of its figures, and the report compares the run with the previous one (from
that JSON, else from the previous run's manifest): volume, review share and role mix.
"""

from __future__ import annotations

import html
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import InputError
from .schema import QUARANTINE_SCHEMA
from .io.writers import SCAN_BATCH_ROWS, atomic_write_bytes, keep_lowest, output_kind, output_paths, scan_output, text_batches, write_json

# SOC 2018 major groups (a fixed standard; O*NET-SOC 2019 codes start with one of these two digits).
SOC_MAJOR_GROUPS = {
    "11": "Management", "13": "Business and Financial Operations", "15": "Computer and Mathematical",
    "17": "Architecture and Engineering", "19": "Life, Physical, and Social Science", "21": "Community and Social Service",
    "23": "Legal", "25": "Educational Instruction and Library", "27": "Arts, Design, Entertainment, Sports, and Media",
    "29": "Healthcare Practitioners and Technical", "31": "Healthcare Support", "33": "Protective Service",
    "35": "Food Preparation and Serving Related", "37": "Building and Grounds Cleaning and Maintenance",
    "39": "Personal Care and Service", "41": "Sales and Related", "43": "Office and Administrative Support",
    "45": "Farming, Fishing, and Forestry", "47": "Construction and Extraction", "49": "Installation, Maintenance, and Repair",
    "51": "Production", "53": "Transportation and Material Moving", "55": "Military Specific",
}
_LADDER_ORDER = "SPME"
_COLUMNS = ["id", "title", "role_code", "role_name", "role_confidence", "level", "level_confidence", "onet_code",
            "onet_title", "onet_confidence", "skills", "needs_review", "evidence", "lexicon_version", "run_id", "run_date"]
_LONG_COLUMNS = ("title", "onet_title", "evidence")
TOP_ROLES, TOP_SKILLS, LOWEST = 15, 20, 15
BINS = 10


@dataclass(frozen=True, slots=True)
class ReportData:
    """The figures of one run; also stored as JSON so the next run can compare itself with this one."""

    run_id: str
    run_date: str
    counts: dict  # in, labelled, needs_review, quarantined
    roles: list  # [code, name, n], most common first (all roles)
    levels: list  # [level, n] in ladder order
    major_groups: list  # [two digits, title, n], most common first
    confidence: dict  # label -> BINS counts over [0, 1]
    skills: list  # [skill id, n], TOP_SKILLS most common
    quarantine: list  # [reason, n, example detail]
    lowest: list = field(default_factory=list)  # rows with the lowest confidence, with their evidence
    lexicon_version: str = ""
    review_threshold: float | None = None
    nightly: dict | None = None  # new/changed/unchanged/closed counts of a nightly run

    @property
    def review_share(self) -> float:
        return self.counts["needs_review"] / self.counts["labelled"] if self.counts["labelled"] else 0.0


# -- where -------------------------------------------------------------------------------------------


def report_path(output: str | os.PathLike, run_id: str) -> Path:
    """``<stem>.report.html`` beside a file output; ``<dir>/_reports/<run_id>.html`` in a dataset."""
    path = Path(output)
    if output_kind(path) == "dataset":
        return path / "_reports" / f"{run_id}.html"
    return path.with_name(path.stem + ".report.html")


# -- collect -----------------------------------------------------------------------------------------


def _strings(batch: pa.RecordBatch, name: str) -> pa.Array:
    """A column as strings, nulls as "" (CSV output reads back with other types)."""
    column = batch.column(name)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    return pc.fill_null(column, "")


def _flags(batch: pa.RecordBatch, name: str) -> np.ndarray:
    column = batch.column(name)
    if pa.types.is_boolean(column.type):
        return np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), dtype=bool)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(_strings(batch, name)))
    return np.asarray(pc.is_in(text, value_set=pa.array(["true", "1"])).to_numpy(zero_copy_only=False), dtype=bool)


def _numbers(batch: pa.RecordBatch, name: str) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.cast(batch.column(name), pa.float64()), 0.0).to_numpy(zero_copy_only=False))


def _count(counter: Counter, values: pa.Array) -> None:
    counted = pc.value_counts(values)
    counter.update(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())))


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    """(value, count), most common first, ties by value: deterministic whatever the row order."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _skills(batch: pa.RecordBatch) -> pa.Array:
    column = batch.column("skills")
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return pc.list_flatten(column)
    return pc.list_flatten(pc.split_pattern(_strings(batch, "skills"), "; "))  # CSV output joins lists with "; "


def _level_key(level: str) -> tuple[int, str]:
    return (_LADDER_ORDER.index(level[0]) if level[:1] in _LADDER_ORDER else len(_LADDER_ORDER), level)


def _and(a, b):
    return a if b is None else a & b


def _histogram(values: np.ndarray) -> np.ndarray:
    return np.bincount(np.clip((values * BINS).astype(np.int64), 0, BINS - 1), minlength=BINS)


class _Tally:
    """The running figures of one run's rows, fed a record batch at a time.

    The report never holds the run's rows (~600 B a row with the skills lists: 0.6 GB at a million,
    at the end of a run, with the classifier still loaded): only counters, histograms and the
    LOWEST weakest-confidence rows seen so far."""

    def __init__(self) -> None:
        self.labelled = self.needs_review = 0
        self.roles, self.groups, self.levels, self.skills = Counter(), Counter(), Counter(), Counter()
        self.confidence = {name: np.zeros(BINS, dtype=np.int64) for name in ("role", "level", "onet")}
        self.run_dates: dict[str, None] = {}  # in the order first seen
        self.lexicons: set[str] = set()
        self.lowest: pa.Table | None = None  # weakest, key (id as text), id: sorted, at most LOWEST rows

    def add(self, batch: pa.RecordBatch) -> None:
        self.labelled += batch.num_rows
        self.needs_review += int(_flags(batch, "needs_review").sum())
        _count(self.roles, pc.binary_join_element_wise(_strings(batch, "role_code"), _strings(batch, "role_name"), "\x1f"))
        _count(self.groups, pc.utf8_slice_codeunits(_strings(batch, "onet_code"), 0, 2))
        level = _strings(batch, "level")
        _count(self.levels, pc.if_else(pc.equal(level, ""), "-", level))
        _count(self.skills, pc.drop_null(_skills(batch)))
        confidence = {name: _numbers(batch, f"{name}_confidence") for name in self.confidence}
        for name, values in confidence.items():
            self.confidence[name] += _histogram(values)
        self.run_dates.update(dict.fromkeys(pc.unique(_strings(batch, "run_date")).to_pylist()))
        self.lexicons.update(pc.unique(_strings(batch, "lexicon_version")).to_pylist())
        weakest = np.minimum(np.minimum(confidence["role"], confidence["level"]), confidence["onet"])
        rows = pa.table({"weakest": weakest, "key": _strings(batch, "id"), "id": batch.column("id")})
        self.lowest = keep_lowest(self.lowest, rows, [("weakest", "ascending"), ("key", "ascending")], LOWEST)


def _lowest_rows(output: Path, ids: list, run_id: str, this_run) -> list[dict]:
    """The rows of ``ids`` in that order, with their long text and evidence (read for these few rows only)."""
    where = _and(pc.field("id").isin(ids), this_run)
    found = {r["id"]: r for batch in scan_output(output, _COLUMNS, where, run_id=run_id, key_columns=["id", "run_id"])
             for r in batch.to_pylist()}
    lowest = []
    for r in (found[i] for i in ids if i in found):
        try:
            evidence = json.loads(r["evidence"] or "{}")
        except ValueError:
            evidence = {}
        lowest.append({k: r[k] for k in ("id", "title", "role_code", "role_name", "role_confidence", "level",
                                         "level_confidence", "onet_code", "onet_title", "onet_confidence")} | {"evidence": evidence})
    return lowest


_QUARANTINE_READ = ["reason", "detail", "source", "line"]


def _quarantine_batches(output: Path, run_id: str) -> Iterator[pa.RecordBatch]:
    """The run's quarantine rows (``_QUARANTINE_READ`` columns) a batch at a time: a bad feed can quarantine millions."""
    paths = output_paths(output, run_id)
    if output_kind(output) == "dataset":
        files = sorted(paths.quarantine.glob(f"**/part-{run_id}-*.parquet"))
    elif paths.quarantine.is_file() and output_kind(paths.quarantine) != "parquet":
        yield from text_batches(paths.quarantine, _QUARANTINE_READ, QUARANTINE_SCHEMA)
        return
    else:
        files = [paths.quarantine] if paths.quarantine.is_file() else []
    for f in files:
        with pq.ParquetFile(f) as file:
            yield from file.iter_batches(batch_size=SCAN_BATCH_ROWS, columns=_QUARANTINE_READ)


def _quarantine_tally(output: Path, run_id: str) -> tuple[Counter, dict[str, str]]:
    """Quarantined records per reason, and the first one of each reason as "file:line detail"."""
    reasons: Counter = Counter()
    example: dict[str, str] = {}
    for batch in _quarantine_batches(output, run_id):
        for q in batch.to_pylist():
            reasons[q["reason"]] += 1
            if q["reason"] not in example:
                example[q["reason"]] = f"{Path(str(q['source'])).name}:{q['line']} {q['detail']}"
    return reasons, example


def _manifest(output: Path, run_id: str) -> dict:
    path = output_paths(output, run_id).manifest
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _run_order(output: Path, run_date: str, run_id: str) -> tuple[str, str, str]:
    """Runs in the order they ran: by run date, then by when they started (their manifest's ``started_at``),
    since a run id is a content hash and says nothing of which of one day's runs came first."""
    return run_date, _manifest(output, run_id).get("started_at", ""), run_id


def latest_run_id(output: str | os.PathLike) -> str:
    """The newest run in an output (``_run_order``)."""
    pairs = set()
    for batch in scan_output(output, ["run_id", "run_date"]):
        runs = pa.Table.from_batches([batch]).group_by(["run_date", "run_id"]).aggregate([])
        pairs.update(zip(runs.column("run_date").to_pylist(), runs.column("run_id").to_pylist()))
    if not pairs:
        raise InputError(f"{output} holds no labelled postings; run 'jdclassify classify' into it first")
    return max(pairs, key=lambda pair: _run_order(Path(output), *pair))[1]


def collect(output: str | os.PathLike, run_id: str | None = None) -> ReportData:
    """The figures of run ``run_id`` (default: the newest) read back from an output table and its sidecars."""
    output = Path(output)
    if not output.exists():
        raise InputError(f"output not found: {output}; give the --out of a jdclassify classify run")
    run_id = run_id or latest_run_id(output)
    this_run = pc.field("run_id") == run_id if output_kind(output) == "dataset" else None
    tally = _Tally()
    # the long text columns are read only for the few lowest rows: a million rows of evidence is gigabytes
    for batch in scan_output(output, [c for c in _COLUMNS if c not in _LONG_COLUMNS], where=this_run, run_id=run_id):
        tally.add(batch)
    manifest = _manifest(output, run_id)
    reasons, example = _quarantine_tally(output, run_id)
    quarantined = sum(reasons.values())
    n = tally.labelled
    return ReportData(
        run_id=run_id,
        run_date=str(next(iter(tally.run_dates))) if tally.run_dates else str(manifest.get("run_date", "")),
        counts={"in": n + quarantined, "labelled": n, "needs_review": tally.needs_review, "quarantined": quarantined},
        roles=[[*key.split("\x1f", 1), count] for key, count in _ranked(tally.roles)],
        levels=[[lvl, count] for lvl, count in sorted(_ranked(tally.levels), key=lambda kv: _level_key(kv[0]))],
        major_groups=[[g, SOC_MAJOR_GROUPS.get(g, "no O*NET code" if not g else "other"), count] for g, count in _ranked(tally.groups)],
        confidence={name: [int(c) for c in counts] for name, counts in tally.confidence.items()},
        skills=[[skill, count] for skill, count in _ranked(tally.skills) if skill][:TOP_SKILLS],
        quarantine=[[reason, count, example[reason]] for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))],
        lowest=_lowest_rows(output, tally.lowest.column("id").to_pylist() if tally.lowest else [], run_id, this_run),
        lexicon_version=", ".join(sorted(tally.lexicons)) if n else manifest.get("lexicon_version", ""),
        review_threshold=(manifest.get("settings") or {}).get("review_threshold"),
        nightly=manifest.get("nightly"),
    )


# -- previous run ------------------------------------------------------------------------------------


def _from_manifest(m: dict) -> dict:
    counts = m.get("counts", {})
    return {"run_id": m.get("run_id", ""), "run_date": m.get("run_date", ""), "counts": counts,
            "roles": [[r["role_code"], r.get("role_name", ""), r["count"]] for r in m.get("top_roles", [])]}


def previous_run(output: str | os.PathLike, current: ReportData) -> dict | None:
    """The run before ``current`` in a dataset: its report JSON, else its manifest (counts and top roles)."""
    output = Path(output)
    if output_kind(output) != "dataset":
        return None
    found: dict[str, dict] = {}
    for path in sorted((output / "_manifests").glob("*.json")):
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if "counts" in m and m.get("run_id"):
            found[m["run_id"]] = _from_manifest(m)
    for path in sorted((output / "_reports").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found[data.get("run_id", path.stem)] = data
    order = {run_id: _run_order(output, d["run_date"], run_id) for run_id, d in found.items()}
    now = _run_order(output, current.run_date, current.run_id)
    earlier = [run_id for run_id in found if order[run_id] < now]
    return found[max(earlier, key=order.__getitem__)] if earlier else None


# -- charts ------------------------------------------------------------------------------------------

_COLOURS = ("#3b6ea5", "#e07b39", "#5a9e6f")


def _style():
    from pygal.style import Style

    return Style(background="transparent", plot_background="transparent", foreground="#222", foreground_strong="#222",
                 foreground_subtle="#e5e5e5", colors=_COLOURS, font_family="system-ui, sans-serif", label_font_size=11,
                 major_label_font_size=11, value_font_size=10, legend_font_size=11, title_font_size=11,
                 guide_stroke_color="#ddd", major_guide_stroke_color="#ddd")


def _static(root):
    """Drop what pygal embeds beyond the drawing: its config for JS tooltips we do not load (the page holds no
    script) and comments, one dated (the same run's page stays the same)."""
    for parent in list(root.iter()):
        for child in [c for c in parent if not isinstance(c.tag, str) or c.tag.endswith("script")]:
            parent.remove(child)
    return root


def _config(height: int, **options):
    """pygal options shared by every chart: static SVG, inline in the page (``js=[]``: nothing fetched)."""
    return {"width": 640, "height": height, "style": _style(), "js": [], "disable_xml_declaration": True, "print_values": True,
            "show_x_guides": False, "show_y_guides": False, "print_values_position": "top", "truncate_label": -1, "margin": 8, "spacing": 6, **options}


def _svg(chart, key: str) -> str:
    chart.uuid = key  # pygal scopes each chart's CSS by a random uuid4: a fixed one keeps the same run's page the same
    return chart.add_xml_filter(_static).render(is_unicode=True)


def _barh(key: str, labels: list[str], values: list[float], xlabel: str, colour: str = _COLOURS[0]) -> str:
    import pygal

    signed = any(v < 0 for v in values)
    chart = pygal.HorizontalBar(**_config(60 + 24 * len(labels), show_legend=False, x_title=xlabel,
                                          value_formatter=(lambda v: f"{v:+.1f}") if signed else (lambda v: f"{v:,.0f}")))
    chart.x_labels = [label if len(label) <= 48 else label[:47] + "…" for label in reversed(labels)]  # first on top
    chart.add(xlabel, [{"value": v, "color": colour if v >= 0 else _COLOURS[1]} for v in reversed(values)])
    return _svg(chart, key)


def _bars(key: str, labels: list[str], values: list[int], xlabel: str) -> str:
    import pygal

    chart = pygal.Bar(**_config(260, show_legend=False, x_title=xlabel, y_title="postings",
                                value_formatter=lambda v: f"{v:,.0f}"))
    chart.x_labels = labels
    chart.add("postings", values)
    return _svg(chart, key)


def _confidence_chart(key: str, confidence: dict, threshold: float | None) -> str:
    """Grouped bars per confidence decile; bins below the review threshold are drawn paler."""
    import pygal

    x_title = "confidence" if threshold is None else f"confidence (paler bars: below the review threshold {threshold:.2f})"
    chart = pygal.Bar(**_config(280, x_title=x_title, y_title="postings", legend_at_bottom=True, print_values=False))
    chart.x_labels = [f"{b / BINS:.1f}-{(b + 1) / BINS:.1f}" for b in range(BINS)]
    below = [threshold is not None and (b + 1) / BINS <= threshold for b in range(BINS)]
    for i, (name, counts) in enumerate(confidence.items()):
        chart.add(name, [{"value": int(n), "color": _COLOURS[i] + ("66" if low else "")} for n, low in zip(counts, below)])
    return _svg(chart, key)


# -- HTML --------------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin-bottom:2px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:12px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:140px}.card b{display:block;font-size:24px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px}@media(max-width:900px){.grid{grid-template-columns:1fr}}
figure.chart{margin:0}figure.chart svg{max-width:100%;height:auto}figcaption{font-weight:600;margin:8px 0 4px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}details{font-size:12px;color:#444}.up{color:#1a7f37}.down{color:#b42318}
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _chart(key: str, caption: str, svg: str) -> str:
    return f'<figure class="chart" data-chart="{key}"><figcaption>{_e(caption)}</figcaption>{svg}</figure>'


def _table(head: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{cell}</td>' for i, cell in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _change(now: float, before: float, pct: bool = False) -> str:
    delta = now - before
    text = f"{delta * 100:+.1f} pp" if pct else f"{delta:+,.0f}"
    return f'<span class="{"up" if delta > 0 else "down" if delta < 0 else ""}">{text}</span>'


def _comparison(data: ReportData, prev: dict) -> str:
    was, nc = prev.get("counts", {}), data.counts
    prev_share = was.get("needs_review", 0) / was["labelled"] if was.get("labelled") else 0.0
    rows = [[_e(label), f"{was.get(key, 0):,}", f"{nc[key]:,}", _change(nc[key], was.get(key, 0))]
            for key, label in (("in", "records in"), ("labelled", "labelled"), ("needs_review", "needs review"), ("quarantined", "quarantined"))]
    rows.append(["review share", f"{prev_share:.1%}", f"{data.review_share:.1%}", _change(data.review_share, prev_share, pct=True)])
    out = [f'<h2>Change since the previous run</h2><p class="meta">previous run {_e(prev["run_id"])} ({_e(prev["run_date"])})</p>',
           _table(["", "previous", "this run", "change"], rows, {1, 2, 3})]
    prev_total = sum(n for _, _, n in prev.get("roles", [])) or 1
    now_total = sum(n for _, _, n in data.roles) or 1
    before = {code: n / prev_total for code, _, n in prev.get("roles", [])}
    now = {code: n / now_total for code, _, n in data.roles}
    names = {code: name for code, name, _ in prev.get("roles", []) + data.roles}
    codes = sorted(set(before) | set(now), key=lambda c: (-round(abs(now.get(c, 0) - before.get(c, 0)), 9), c))[:TOP_ROLES]
    if codes:
        deltas = [100 * (now.get(c, 0) - before.get(c, 0)) for c in codes]
        out.append(_chart("role_mix_change", "Role mix: change in share (percentage points)",
                          _barh("role_mix_change", [f"{c} {names.get(c, '')}".strip() for c in codes], deltas, "share of labelled postings, change in pp")))
    return "\n".join(out)


def _lowest_table(data: ReportData) -> str:
    rows = []
    for r in data.lowest:
        details = "".join(
            f"<div><b>{_e(name)}</b>: {_e(e.get('rule', ''))}" + "".join(f"<br>&middot; {_e(x)}" for x in e.get("evidence", [])) + "</div>"
            for name, e in sorted((r.get("evidence") or {}).items())
        )
        rows.append([
            _e(r["id"]), _e(r["title"]),
            f"{_e(r['role_code'])} {_e(r['role_name'])} <small>({float(r['role_confidence']):.2f})</small>",
            f"{_e(r['level'])} <small>({float(r['level_confidence']):.2f})</small>",
            f"{_e(r['onet_code'])} {_e(r['onet_title'])} <small>({float(r['onet_confidence']):.2f})</small>",
            f"<details><summary>evidence</summary>{details}</details>",
        ])
    return _table(["id", "title", "role", "level", "O*NET", "why"], rows)


def render_html(data: ReportData, previous: dict | None = None) -> str:
    """The report page: one HTML string with inline CSS and inline SVG charts, nothing fetched."""
    c = data.counts
    cards = "".join(f'<div class="card">{_e(label)}<b>{value}</b></div>' for label, value in (
        ("records in", f"{c['in']:,}"), ("labelled", f"{c['labelled']:,}"),
        ("needs review", f"{c['needs_review']:,} ({data.review_share:.0%})"), ("quarantined", f"{c['quarantined']:,}"),
    ))
    charts = []
    if data.roles:
        top = data.roles[:TOP_ROLES]
        charts.append(_chart("roles", f"Roles (top {len(top)} of {len(data.roles)})",
                             _barh("roles", [f"{code} {name}".strip() for code, name, _ in top], [n for *_, n in top], "postings")))
        charts.append(_chart("levels", "Levels", _bars("levels", [lvl for lvl, _ in data.levels], [n for _, n in data.levels], "level")))
        charts.append(_chart("major_groups", "O*NET major groups",
                             _barh("major_groups", [f"{g}-0000 {title}" if g else title for g, title, _ in data.major_groups],
                                   [n for *_, n in data.major_groups], "postings")))
        charts.append(_chart("confidence", "Confidence (role, level, O*NET)", _confidence_chart("confidence", data.confidence, data.review_threshold)))
    if data.skills:
        charts.append(_chart("skills", f"Top {len(data.skills)} skills",
                             _barh("skills", [s for s, _ in data.skills], [n for _, n in data.skills], "postings mentioning the skill")))
    if data.quarantine:
        charts.append(_chart("quarantine", "Quarantine reasons",
                             _barh("quarantine", [r for r, *_ in data.quarantine], [n for _, n, _ in data.quarantine], "records", colour=_COLOURS[1])))
    quarantine = (_table(["reason", "records", "example"], [[_e(r), f"{n:,}", _e(ex)] for r, n, ex in data.quarantine], {1})
                  if data.quarantine else "<p>No record was quarantined.</p>")
    nightly = ""
    if data.nightly:
        order = [k for k in ("read", "new", "changed", "unchanged", "reopened", "closed", "superseded") if k in data.nightly]
        nightly = "<h2>Tonight's feed</h2>" + _table(order, [[f"{data.nightly[k]:,}" for k in order]], set(range(len(order))))
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>jdclassify run {_e(data.run_id)}</title><style>{_CSS}</style></head><body>",
        f"<h1>jdclassify run report</h1><div class=meta>run {_e(data.run_id)} · {_e(data.run_date)} · lexicons {_e(data.lexicon_version or '-')}</div>",
        f'<div class="cards">{cards}</div>',
        nightly,
        _comparison(data, previous) if previous else "",
        "<h2>Distributions</h2>",
        f'<div class="grid">{"".join(charts)}</div>' if charts else "<p>No posting was labelled.</p>",
        "<h2>Quarantine</h2>", quarantine,
        f"<h2>Lowest-confidence postings ({len(data.lowest)})</h2>",
        "<p class=meta>Start reviewing here: <code>jdclassify review export OUTPUT --out review.csv</code>.</p>",
        _lowest_table(data) if data.lowest else "<p>None.</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def write_report(output: str | os.PathLike, run_id: str | None = None, *, out: str | os.PathLike | None = None) -> Path:
    """Write the report of run ``run_id`` (default: the newest) of ``output``; returns its path.

    In a dataset it also writes ``_reports/<run_id>.json`` (the figures) for the next run to compare with."""
    data = collect(output, run_id)
    previous = previous_run(output, data)
    path = Path(out) if out is not None else report_path(output, data.run_id)
    atomic_write_bytes(path, render_html(data, previous).encode("utf-8"))
    if output_kind(output) == "dataset":
        figures = {k: v for k, v in asdict(data).items() if k != "lowest"}
        write_json(Path(output) / "_reports" / f"{data.run_id}.json", figures)
    return path
