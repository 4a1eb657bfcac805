"""Output writers: CSV (spreadsheet-safe), JSONL, Parquet, and a partitioned Parquet dataset.

The format follows the output path: ``.csv``, ``.jsonl``, ``.parquet``, or a directory (no
suffix, or an existing directory) for a dataset partitioned ``run_date=.../source=...``.

Writes are atomic: every file is written to a hidden temp file in its final directory and
moved into place with ``os.replace``, so a reader never sees half a file and a failed run leaves
the previous output untouched. File names are deterministic per run id and chunk, so a rerun
overwrites its own files instead of adding duplicates. Rows arrive chunk by chunk and are
streamed out; nothing holds the whole run in memory.

Sidecars: the quarantine table goes beside the output (``<stem>.quarantine.<ext>`` for a
file, ``<dir>/_quarantine/`` for a dataset) and so does the run manifest
(``<stem>.manifest.json`` / ``<dir>/_manifests/<run_id>.json``). Dataset sidecars start with
``_`` so ``pyarrow.parquet.read_table(dir)`` reads only the classified postings.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import OutputError
from ..schema import COLUMNS, OUTPUT_SCHEMA, QUARANTINE_COLUMNS, QUARANTINE_SCHEMA

Kind = Literal["csv", "jsonl", "parquet", "dataset"]
PARTITION_COLUMNS = ("run_date", "source")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_PARTITION_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def output_kind(out: str | os.PathLike) -> Kind:
    """The format chosen by the output path; unknown suffixes raise OutputError."""
    path = Path(out)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == "":
        return "dataset"
    if suffix in (".csv", ".jsonl", ".parquet"):
        return suffix[1:]  # type: ignore[return-value]
    raise OutputError(
        f"{path}: unknown output format {suffix!r}; use a .csv, .jsonl or .parquet file, or a directory for partitioned Parquet"
    )


@dataclass(frozen=True, slots=True)
class OutputPaths:
    """Where a run's output, quarantine table and manifest go."""

    data: Path
    quarantine: Path
    manifest: Path


def output_paths(out: str | os.PathLike, run_id: str) -> OutputPaths:
    path = Path(out)
    if output_kind(path) == "dataset":
        return OutputPaths(path, path / "_quarantine", path / "_manifests" / f"{run_id}.json")
    stem = path.with_suffix("")
    return OutputPaths(path, Path(f"{stem}.quarantine{path.suffix}"), Path(f"{stem}.manifest.json"))


def neutralise_cell(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR)."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def csv_cell(value) -> str:
    """One value as a CSV cell: lists joined with ``; ``, booleans as true/false, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        parts = [f"{v['code']} {v['title']} ({v['confidence']:.2f})" if isinstance(v, dict) else str(v) for v in value]
        return neutralise_cell("; ".join(parts))
    return neutralise_cell(str(value))


def sanitise_partition_value(value: str) -> str:
    """A safe directory name for a partition value: the file name only, no separators or dots-only names."""
    name = re.split(r"[\\/]", str(value))[-1]
    name = _UNSAFE_PARTITION_CHARS.sub("_", name).strip("._") [:100]
    return name or "unknown"


def _output_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(
        f"cannot write {path}: {reason}. Check that the folder exists and is writable and that the disk has space; "
        "earlier output was left as it was."
    )


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass  # the folder itself is unusable; nothing was written there


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same directory, then os.replace)."""
    tmp = _tmp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise _output_error(path, exc) from exc


def write_json(path: Path, obj) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode())


def write_parquet(path: Path, table: pa.Table) -> None:
    """Write one Parquet file atomically."""
    tmp = _tmp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise _output_error(path, exc) from exc


def write_parquet_batches(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
    """Write one Parquet file atomically from record batches (a row group each), never holding the whole table."""
    tmp = _tmp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with pq.ParquetWriter(tmp, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise _output_error(path, exc) from exc


class _FileSink:
    """Streams rows of one table into a temp file; ``commit`` moves it into place."""

    def __init__(self, path: Path, kind: Kind, columns: tuple[str, ...], schema: pa.Schema) -> None:
        self.path, self.kind, self.columns, self.schema = path, kind, columns, schema
        self.tmp = _tmp_path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "parquet":
                self._writer = pq.ParquetWriter(self.tmp, schema)
            else:
                self._fh = open(self.tmp, "w", encoding="utf-8", newline="")
                if kind == "csv":
                    self._csv = csv.writer(self._fh)
                    self._csv.writerow(columns)
        except OSError as exc:
            self.abort()
            raise _output_error(path, exc) from exc

    def write(self, rows: list[dict]) -> None:
        try:
            if self.kind == "parquet":
                if rows:
                    self._writer.write_table(pa.Table.from_pylist(rows, schema=self.schema))
            elif self.kind == "csv":
                self._csv.writerows([csv_cell(row.get(c)) for c in self.columns] for row in rows)
            else:
                self._fh.writelines(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False) + "\n" for row in rows)
        except OSError as exc:
            raise _output_error(self.path, exc) from exc

    def _close(self) -> None:
        """Flush, fsync and close the temp file once (a later call does nothing)."""
        if self.kind == "parquet":
            writer, self._writer = getattr(self, "_writer", None), None
            if writer is not None:
                writer.close()
            return
        fh, self._fh = getattr(self, "_fh", None), None
        if fh is not None:
            try:
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fh.close()

    def finish(self) -> None:
        """Make the temp file whole on disk (a full disk shows here); nothing is visible yet."""
        try:
            self._close()
        except OSError as exc:
            self.abort()
            raise _output_error(self.path, exc) from exc

    def commit(self) -> None:
        self.finish()
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise _output_error(self.path, exc) from exc

    def abort(self) -> None:
        try:
            self._close()
        except OSError:
            pass
        _discard(self.tmp)


def _part_name(run_id: str, chunk: int) -> str:
    return f"part-{run_id}-{chunk:05d}.parquet"


def write_dataset_chunk(
    out_dir: str | os.PathLike, rows: list[dict], quarantine: list[dict], *, run_id: str, chunk: int, run_date: str
) -> list[Path]:
    """Write one chunk into the partitioned dataset (and its quarantine rows); returns the files written.

    One file per (chunk, partition), named by run id and chunk number, so writing the same chunk
    again replaces it. Partition values are sanitised: input values never become path components.
    """
    out = Path(out_dir)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        key = (sanitise_partition_value(row.get("run_date") or run_date), sanitise_partition_value(row.get("source") or ""))
        groups[key].append(row)
    data_schema = pa.schema([f for f in OUTPUT_SCHEMA if f.name not in PARTITION_COLUMNS], metadata=OUTPUT_SCHEMA.metadata)
    written = []
    for (date, source), group in sorted(groups.items()):
        path = out / f"run_date={date}" / f"source={source}" / _part_name(run_id, chunk)
        write_parquet(path, pa.Table.from_pylist(group, schema=data_schema))
        written.append(path)
    if quarantine:
        path = out / "_quarantine" / f"run_date={sanitise_partition_value(run_date)}" / _part_name(run_id, chunk)
        write_parquet(path, pa.Table.from_pylist(quarantine, schema=QUARANTINE_SCHEMA))
        written.append(path)
    return written


def run_files(out_dir: str | os.PathLike, run_id: str) -> list[Path]:
    """Every dataset and quarantine file a run wrote (found by its deterministic names)."""
    return sorted(Path(out_dir).glob(f"**/part-{run_id}-*.parquet"))


def remove_run_files(out_dir: str | os.PathLike, run_id: str) -> int:
    """Remove a run's chunk files (a previous, failed attempt of the same run); returns how many."""
    files = run_files(out_dir, run_id)
    try:
        for path in files:
            path.unlink()
    except OSError as exc:
        raise _output_error(path, exc) from exc
    return len(files)


_PARTITION_SCHEMA = pa.schema([("run_date", pa.string()), ("source", pa.string())])
SCAN_BATCH_ROWS = 16_384


def read_output(path: str | os.PathLike, columns: list[str] | None = None, where=None) -> pa.Table:
    """Read back what ``open_output`` wrote (any format) as an Arrow table; the inverse of the writers.

    ``where`` (a ``pyarrow.compute`` expression) keeps matching rows; Parquet is filtered while it is
    scanned, so a few rows of a large output cost little memory.
    """
    path = Path(path)
    kind = output_kind(path)
    if kind in ("dataset", "parquet"):
        if kind == "dataset" and not any(path.glob("run_date=*")):
            return OUTPUT_SCHEMA.empty_table().select(columns or list(COLUMNS))
        if kind == "parquet" and where is None:
            return pq.read_table(path, columns=columns)
        import pyarrow.dataset as ds  # half a second to import (it brings pandas): only filtered reads need it

        partitioning = ds.partitioning(_PARTITION_SCHEMA, flavor="hive") if kind == "dataset" else None
        table = ds.dataset(path, format="parquet", partitioning=partitioning).to_table(columns=columns, filter=where)
        return table.select(columns or list(COLUMNS)) if kind == "dataset" else table
    if kind == "jsonl":
        with open(path, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        table = pa.Table.from_pylist(rows)
    else:
        import pyarrow.csv as pacsv

        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    if where is not None:
        table = table.filter(where)
    return table.select(columns) if columns else table


def _dataset_files(out_dir: Path, run_id: str | None) -> list[Path]:
    """The data files a dataset scan reads (no ``_``/``.`` sidecars or temp files); a run's only, by name, if given."""
    files = out_dir.rglob(f"part-{run_id}-*.parquet" if run_id else "*")
    return sorted(f for f in files if f.is_file() and not any(p.startswith(("_", ".")) for p in f.relative_to(out_dir).parts))


def _parquet_batches(path: Path, columns: list[str], where, key_columns: list[str] | None,
                     partition: dict[str, str] | None = None) -> Iterator[pa.RecordBatch]:
    """One Parquet file's rows a batch at a time (see scan_output); partition columns from its directory names."""
    with pq.ParquetFile(path) as file:
        present = set(file.schema_arrow.names)

        def whole(batch: pa.RecordBatch, names: list[str]) -> pa.RecordBatch:
            n = batch.num_rows
            return pa.record_batch({c: batch.column(c) if c in present else
                                    pa.array([(partition or {}).get(c)] * n, OUTPUT_SCHEMA.field(c).type) for c in names})

        if key_columns is None:
            batches = file.iter_batches(batch_size=SCAN_BATCH_ROWS, columns=[c for c in columns if c in present])
        else:  # a row group is read whole only if one of its rows matches: a few rows of a wide table cost little
            groups = (g for g in range(file.num_row_groups)
                      if any(whole(b, key_columns).filter(where).num_rows
                             for b in file.read_row_group(g, columns=[c for c in key_columns if c in present]).to_batches()))
            batches = (b for g in groups for b in file.read_row_group(g, columns=[c for c in columns if c in present]).to_batches())
        for batch in batches:
            batch = whole(batch, columns)
            yield batch if where is None else batch.filter(where)


def scan_output(path: str | os.PathLike, columns: list[str], where=None, *, run_id: str | None = None,
                key_columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """``read_output`` a record batch at a time, for readers that keep running figures or pick a few rows.

    Parquet is streamed file by file with ``ParquetFile.iter_batches``: one batch of ``SCAN_BATCH_ROWS``
    rows is in memory at a time, whatever the size of the output (``pyarrow.dataset``'s ``to_batches``
    kept much of what it had read: apache/arrow#39808). ``where`` filters each batch; given the
    ``key_columns`` it reads, ``where`` is tried on them first and only row groups with a match are read
    whole. With ``run_id`` a dataset reads only that run's files (their names carry the run id). CSV and
    JSONL are streamed too (``text_batches``), so a million-row text output is never held at once.
    """
    path = Path(path)
    kind = output_kind(path)
    if kind == "parquet":
        yield from _parquet_batches(path, columns, where, key_columns)
    elif kind == "dataset":
        for f in _dataset_files(path, run_id):
            partition = dict(p.split("=", 1) for p in f.relative_to(path).parts[:-1] if "=" in p)
            yield from _parquet_batches(f, columns, where, key_columns, partition)
    else:
        for batch in text_batches(path, columns, OUTPUT_SCHEMA):
            yield batch if where is None else batch.filter(where)


def keep_lowest(kept: pa.Table | None, rows: pa.Table, sort_keys: list[tuple[str, str]], limit: int) -> pa.Table:
    """The ``limit`` first rows by ``sort_keys`` of ``kept`` and ``rows`` together: a running top-k over a scan.
    ``kept`` comes first and the sort is stable, so ties fall as in one sort over everything read."""
    rows = rows if kept is None else pa.concat_tables([kept, rows])
    return rows.take(pc.sort_indices(rows, sort_keys=sort_keys)[:limit])


TEXT_BLOCK_BYTES = 1 << 20  # pyarrow's streaming readers hold a few blocks: 16 MB ones took 600 MB on a 200,000-row CSV


def _csv_type(schema: pa.Schema, column: str) -> pa.DataType:
    typ = schema.field(column).type if column in schema.names else pa.string()
    return typ if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_boolean(typ) else pa.string()


def text_batches(path: Path, columns: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """A CSV or JSONL table written by ``_FileSink``, ``columns`` only, about a megabyte of it at a time.

    Types cannot be inferred from the whole file without reading it whole (a 200,000-row JSONL output took
    2.6 GB that way): JSONL values take ``schema``'s types, CSV cells stay text as ``csv_cell`` wrote them
    (lists joined with "; "), but numbers and true/false take ``schema``'s types. A column the file lacks is null."""
    if path.stat().st_size == 0:  # a run with nothing quarantined writes an empty JSONL quarantine
        return
    try:
        if output_kind(path) == "csv":
            import pyarrow.csv as pacsv

            with open(path, encoding="utf-8-sig", newline="") as fh:
                present = set(next(csv.reader(fh), []))
            wanted = [c for c in columns if c in present]
            convert = pacsv.ConvertOptions(include_columns=wanted, column_types={c: _csv_type(schema, c) for c in wanted})
            reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=TEXT_BLOCK_BYTES, use_threads=False),
                                    convert_options=convert)
        else:
            import pyarrow.json as pajson

            types = pa.schema([pa.field(c, schema.field(c).type if c in schema.names else pa.string()) for c in columns])
            reader = pajson.open_json(path, read_options=pajson.ReadOptions(block_size=TEXT_BLOCK_BYTES, use_threads=False),
                                      parse_options=pajson.ParseOptions(explicit_schema=types, unexpected_field_behavior="ignore"))
        for batch in reader:
            yield pa.record_batch({c: batch.column(c) if c in batch.schema.names else pa.nulls(batch.num_rows, pa.string())
                                   for c in columns})
    except pa.ArrowInvalid as exc:
        raise OutputError(f"{path}: cannot be read back as a jdclassify {output_kind(path)} output: {exc}") from exc


class OutputWriter:
    """Streams a run's chunks to ``out``; nothing becomes visible until ``commit``.

    For a single file, the output and quarantine are written to temp files and moved into place
    on commit. For a dataset, each chunk is its own file written atomically as it arrives; a
    previous attempt of the same run is replaced, and ``abort`` removes this attempt's files.
    Use as a context manager: an exception inside the block aborts.
    """

    def __init__(self, out: str | os.PathLike, *, run_id: str, run_date: str) -> None:
        self.kind = output_kind(out)
        self.paths = output_paths(out, run_id)
        self.run_id, self.run_date = run_id, run_date
        self._chunk = 0
        if self.kind == "dataset":
            try:
                self.paths.data.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _output_error(self.paths.data, exc) from exc
            remove_run_files(self.paths.data, run_id)
            self._sinks: tuple[_FileSink, ...] = ()
        else:
            data = _FileSink(self.paths.data, self.kind, COLUMNS, OUTPUT_SCHEMA)
            try:
                quarantine = _FileSink(self.paths.quarantine, self.kind, QUARANTINE_COLUMNS, QUARANTINE_SCHEMA)
            except OutputError:
                data.abort()
                raise
            self._sinks = (data, quarantine)

    def write_chunk(self, rows: list[dict], quarantine: list[dict]) -> None:
        if self.kind == "dataset":
            write_dataset_chunk(self.paths.data, rows, quarantine, run_id=self.run_id, chunk=self._chunk, run_date=self.run_date)
        else:
            self._sinks[0].write(rows)
            self._sinks[1].write(quarantine)
        self._chunk += 1

    def commit(self) -> OutputPaths:
        try:
            for sink in self._sinks:  # every temp file whole before any replaces its target: output and quarantine move together
                sink.finish()
            for sink in self._sinks:
                sink.commit()
        except OutputError:
            self.abort()
            raise
        return self.paths

    def abort(self) -> None:
        for sink in self._sinks:
            sink.abort()
        if self.kind == "dataset":
            try:
                remove_run_files(self.paths.data, self.run_id)
            except OutputError:
                pass

    def __enter__(self) -> "OutputWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def open_output(out: str | os.PathLike, *, run_id: str, run_date: str) -> OutputWriter:
    """An OutputWriter for ``out`` (format chosen by the path)."""
    return OutputWriter(out, run_id=run_id, run_date=run_date)

