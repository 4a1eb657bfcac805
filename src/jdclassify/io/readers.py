"""Read job postings from files and directories as a stream of Postings and QuarantineRecords.

Formats (by extension, then by sniffing the head): JSONL/NDJSON, CSV/TSV, JSON documents
(an array, a single object, or ``{"jobs": [...]}``/``{"data": [...]}`` wrappers), HTML pages
(schema.org JobPosting in JSON-LD or microdata, else the page's visible text), directories
(recursive, sorted) and ``.gz`` versions of each. Nothing is fetched from the network.

Memory does not grow with file size: JSONL and CSV are read line by line with each line capped
at ``max_record_bytes``; JSON documents are decoded one array element at a time.

Every record comes out as a cleaned, redacted ``Posting`` or as a ``QuarantineRecord`` with a
reason code; a bad record never stops the batch. A missing or unreadable input path raises
``InputError``.

Text decoding policy: a BOM decides (UTF-8, UTF-16); otherwise JSONL and CSV lines are decoded
one physical line at a time as UTF-8, falling back to cp1252 (legacy exports), and a line that is
neither, or decodes to control characters, makes its record ``undecodable``. A JSON document
is UTF-8, or cp1252 as a whole when it is not valid UTF-8. An HTML page is UTF-8, its declared
``<meta charset>``, or cp1252.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import IO, Any, NamedTuple

import orjson
from selectolax.lexbor import LexborHTMLParser

from ..clean import cleaned_fields, without_surrogates
from ..errors import InputError, QuarantineReason
from ..records import Posting, QuarantineRecord
from ..redact import redact
from ..settings import Settings

Record = Posting | QuarantineRecord

_FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv", ".html": "html", ".htm": "html", ".xhtml": "html",
}
_SUPPORTED = ", ".join(sorted(_FORMATS)) + " (each optionally .gz)"
_WRAPPER_KEYS = ("jobs", "data", "results", "postings", "items", "jobpostings")

# Field names as feeds spell them, compared after _key() (lower case, letters and digits only).
_TITLE_KEYS = ("title", "jobtitle", "positiontitle", "position", "name")
_DESCRIPTION_KEYS = ("description", "jobdescription", "descriptionhtml", "body", "text", "summary")
_ID_KEYS = ("id", "jobid", "jobkey", "identifier", "requisitionid", "reqid", "postingid")
_COMPANY_KEYS = ("company", "companyname", "hiringorganization", "employer", "organization")
_LOCATION_KEYS = ("location", "joblocation", "city", "locationname")
_POSTED_KEYS = ("dateposted", "posted", "postedat", "createdat", "posteddate", "date", "publishedat")
_URL_KEYS = ("url", "joburl", "link", "applyurl")
_EMPLOYMENT_KEYS = ("employmenttype", "jobtype", "contracttype")

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EXCERPT_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+")
_USABLE_RE = re.compile(r"[^\W_]")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset=["']?([A-Za-z0-9_\-]{1,40})""", re.IGNORECASE)
_EXCERPT_CHARS = 200


def read_postings(inputs: Iterable[str | os.PathLike] | str | os.PathLike, settings: Settings | None = None) -> Iterator[Record]:
    """Postings (cleaned and redacted) and QuarantineRecords from ``inputs``, streamed in order.

    Every input record yields exactly one item; a later record whose id was already read in this
    call is quarantined as ``duplicate_id``. Raises InputError before reading if a path is missing.
    Each record is cleaned and admitted as it is read: no RawRecord (nor its Posting) in between.
    """
    yield from _records(inputs, _State(settings or Settings(), IdRegistry()))


def read_raw(inputs: Iterable[str | os.PathLike] | str | os.PathLike, settings: Settings | None = None) -> Iterator[RawRecord | QuarantineRecord]:
    """The cheap half of ``read_postings``: records parsed and mapped to fields, not yet cleaned.

    A parallel runner reads with this in one process, runs ``finish_record`` wherever the
    cleaning is cheapest, and passes the results through one ``IdRegistry`` in input order;
    that gives exactly what ``read_postings`` gives.
    """
    yield from _records(inputs, _State(settings or Settings()))


def _records(inputs: Iterable[str | os.PathLike] | str | os.PathLike, state: _State) -> Iterator[Record | RawRecord]:
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    paths = [os.fspath(p) for p in inputs]
    for path in paths:
        if not os.path.exists(path):
            raise InputError(f"input {path!r} does not exist; check the path (files, directories and .gz files are accepted)")
        if not os.access(path, os.R_OK):
            raise InputError(f"input {path!r} is not readable; check its permissions")
    for path in paths:
        if os.path.isdir(path):
            yield from _read_directory(path, state)
        else:
            fmt = _format_by_name(path) or _sniff_format(path)
            if fmt is None:
                raise InputError(f"input {path!r}: unknown format; supported: {_SUPPORTED}")
            yield from _read_file(path, fmt, state)


# --- the three steps from a raw record to a Posting ------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record mapped to Posting fields, not yet cleaned (``posting.id`` may be "" until derived)."""

    posting: Posting
    raw: str  # the start of the record as read, for quarantine excerpts


def finish_record(record: RawRecord, settings: Settings) -> Record:
    """Clean and redact a raw record; give it a content hash and, when it has none, a derived id."""
    p = record.posting
    return _finished(p.id, p.source, p.line, record.raw, {name: getattr(p, name) for name in _TEXT_FIELDS})


_TEXT_FIELDS = ("title", "description", "company", "location", "posted_date", "url", "employment_type")


def _finished(record_id: str, source: str, line: int, raw: str, fields: dict[str, str]) -> Record:
    """``finish_record`` of a record with these raw ``_TEXT_FIELDS``."""
    try:
        if fields["description"]:
            cleaned = _finished_fields(Posting(id=record_id, **fields))
        else:
            cleaned = _finished_short(fields["title"], fields["company"], fields["location"], fields["posted_date"], fields["url"],
                                      fields["employment_type"])
    except Exception as exc:  # a bug or resource limit in cleaning must not stop the batch
        return _quarantine(QuarantineReason.PROCESSING_ERROR, f"cleaning failed: {exc!r}", source, line, raw, record_id)
    if cleaned is None:
        return _quarantine(QuarantineReason.NO_CONTENT, "no usable title and no description", source, line, raw, record_id)
    posting = Posting(id=record_id, source=source, line=line, **cleaned)
    return posting if record_id else replace(posting, id=derived_id(posting))


def _finished_fields(posting: Posting) -> dict[str, object] | None:
    """The cleaned fields with their content hash (Posting keyword arguments), or None: no usable title, no description."""
    fields, _ = cleaned_fields(posting)
    if not fields["description"] and not _USABLE_RE.search(fields["title"]):
        return None
    content = "\x1f".join((fields["title"], fields["description"], fields["company"], fields["location"]))
    fields["content_hash"] = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return fields


@lru_cache(maxsize=65_536)
def _finished_short(title: str, company: str, location: str, posted_date: str, url: str, employment_type: str) -> dict[str, object] | None:
    """``_finished_fields`` of a record without a description, cached: such records repeat their fields (a
    titles-only feed cleans a title and hashes it once, not once per copy). Callers must not mutate the dict."""
    return _finished_fields(Posting(id="", title=title, company=company, location=location, posted_date=posted_date,
                                    url=url, employment_type=employment_type))


class IdRegistry:
    """Ids seen so far in one read: a later record with a known id is quarantined as ``duplicate_id``.

    It holds every id of a read, so it is the one thing here that grows with the input: each id keeps one int
    (its first record's source, line and a 32-bit checksum of its content hash) rather than a tuple holding
    the 64-character hash, ~135 instead of ~310 bytes per posting with its id (~170 MB less for 1,000,000 postings)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}  # id -> (line << 64) | (source index << 32) | crc32(content hash)
        self._sources: dict[str, int] = {}
        self._names: list[str] = []

    def admit(self, item: Record, raw: str) -> Record:
        """``item`` itself, or a duplicate_id QuarantineRecord when its id was seen before."""
        if not isinstance(item, Posting):
            return item
        return self.check(item.id, item.content_hash, item.source, item.line, raw) or item

    def check(self, id: str, content_hash: str, source: str, line: int, raw: str) -> QuarantineRecord | None:
        """Registers ``id``; a QuarantineRecord when it was seen before, else None."""
        checksum = zlib.crc32(content_hash.encode("utf-8", "surrogatepass"))
        first = self.seen.get(id)
        if first is None:
            index = self._sources.get(source)
            if index is None:
                index = self._sources[source] = len(self._names)
                self._names.append(source)
            self.seen[id] = (max(0, line) << 64) | (index << 32) | checksum
            return None
        same = "same" if first & 0xFFFFFFFF == checksum else "different"
        where = f"{self._names[(first >> 32) & 0xFFFFFFFF]}:{first >> 64}"
        return _quarantine(QuarantineReason.DUPLICATE_ID, f"id {id!r} was already read at {where} ({same} content)",
                           source, line, raw, id)


def _quarantine(reason: QuarantineReason, detail: str, source: str, line: int, raw: str = "", id: str = "") -> QuarantineRecord:
    return QuarantineRecord(reason=reason.value, detail=without_surrogates(detail), source=source, line=line,
                            excerpt=excerpt(raw), id=without_surrogates(id))


class _WrongType(ValueError):
    pass


@dataclass
class _State:
    settings: Settings
    ids: IdRegistry | None = None  # given: records come out finished and admitted (read_postings), not as RawRecords

    quarantine = staticmethod(_quarantine)

    def record(self, obj: Any, source: str, line: int, raw: str, size: int, default_id: str = "") -> Record | RawRecord:
        """A RawRecord (or with ``ids``, the finished and admitted record) or a QuarantineRecord for one raw record
        (a mapping of field names to values)."""
        s = self.settings
        if not isinstance(obj, dict):
            return self.quarantine(QuarantineReason.WRONG_TYPE, f"record is a JSON {_json_type(obj)}, expected an object", source, line, raw)
        if size > s.max_record_bytes:
            return self.quarantine(QuarantineReason.OVERSIZED, f"record has {size} bytes, above max_record_bytes={s.max_record_bytes}", source, line, raw)
        try:
            fields = _fields(obj)
        except _WrongType as exc:
            known_id = obj.get("id")
            known_id = str(known_id) if isinstance(known_id, (str, int)) else ""
            return self.quarantine(QuarantineReason.WRONG_TYPE, str(exc), source, line, raw, known_id)
        except RecursionError:
            return self.quarantine(QuarantineReason.WRONG_TYPE, "a field is nested too deeply to be text", source, line, raw)
        record_id = fields.pop("id")
        record_id = (record_id if record_id.isascii() else without_surrogates(record_id)) or default_id
        for name, value in fields.items():
            if not value.isascii():
                fields[name] = value = without_surrogates(value)
            if len(value) > s.max_field_chars:
                return self.quarantine(
                    QuarantineReason.OVERSIZED, f"field {name!r} has {len(value)} characters, above max_field_chars={s.max_field_chars}",
                    source, line, raw, record_id,
                )
        raw = raw[: _EXCERPT_CHARS * 2]
        if self.ids is None:
            return RawRecord(Posting(id=record_id, source=source, line=line, **fields), raw)
        return self.ids.admit(_finished(record_id, source, line, raw, fields), raw)


def derived_id(posting: Posting) -> str:
    """A stable id from content: ``h-`` and 16 hex digits of sha1 over normalised title, company, location, description."""
    parts = (" ".join(v.casefold().split()) for v in (posting.title, posting.company, posting.location, posting.description))
    return "h-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def excerpt(raw: str) -> str:
    """The first ~200 characters of a raw record, control characters removed, redacted."""
    text = _EXCERPT_CONTROL_RE.sub(" ", raw[: _EXCERPT_CHARS * 2])
    return redact(text)[0][:_EXCERPT_CHARS].strip()


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


# --- field mapping -------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # feeds repeat their field names on every record
def _key(name: str) -> str:
    return name if name.startswith("@") else re.sub(r"[^a-z0-9]", "", name.lower())


_FIELD_KEYS = (_TITLE_KEYS, _DESCRIPTION_KEYS, _ID_KEYS, _LOCATION_KEYS, _COMPANY_KEYS, _POSTED_KEYS, _URL_KEYS, _EMPLOYMENT_KEYS)


@lru_cache(maxsize=4096)
def _layout(names: tuple) -> tuple[tuple[Any, ...], ...]:
    """Per posting field (``_FIELD_KEYS`` order), the record's own keys that may hold it, best first.

    Cached by the record's key names: a feed repeats one layout. When two keys spell one name
    ("Title", "title"), the first is the one read."""
    by_key: dict[str, Any] = {}
    for name in names:
        by_key.setdefault(_key(str(name)), name)
    return tuple(tuple(by_key[k] for k in keys if k in by_key) for keys in _FIELD_KEYS)


def _pick(obj: dict, names: tuple[Any, ...]) -> tuple[str, Any]:
    """The first present, non-empty value under ``names`` (with the key as spelled), or ("", None)."""
    for name in names:
        value = obj[name]
        if value not in (None, "", [], {}):
            return str(name), value
    return "", None


def _text(value: Any, name: str, numbers: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _WrongType(f"field {name!r} is a JSON {_json_type(value)}, expected a string")


def _loose(value: Any) -> str:
    """Text of a secondary field: scalars as text, lists joined, objects by their name."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(t for t in (_loose(v) for v in value) if t)
    if isinstance(value, dict):
        return _loose(value.get("name") or value.get("value") or value.get("@value"))
    return str(value)


def _location(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(t for t in (_location(v) for v in value) if t)
    if isinstance(value, dict):
        address = value.get("address", value)
        if isinstance(address, dict):
            parts = [_loose(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")]
            text = ", ".join(p for p in parts if p)
            if text:
                return text
        return _loose(address) if isinstance(address, str) else _loose(value.get("name"))
    return _loose(value)


_PLAIN_KEYS = frozenset(("id", "title", "description"))


def _fields(obj: dict) -> dict[str, str]:
    """Posting fields (raw text) from a record, whatever the feed calls them.

    A record of the minimal contract (text "id", "title", "description", nothing else) skips the field mapping,
    which gives the same and was a tenth of reading a titles-only feed."""
    if obj.keys() <= _PLAIN_KEYS:
        record_id, title, description = obj.get("id", ""), obj.get("title", ""), obj.get("description", "")
        if type(record_id) is str and type(title) is str and type(description) is str:
            return {"id": record_id.strip(), "title": title, "description": description, "company": "", "location": "",
                    "posted_date": "", "url": "", "employment_type": ""}
    return _mapped_fields(obj)


def _mapped_fields(obj: dict) -> dict[str, str]:
    """``_fields`` through the field mapping: the keys of the record's layout, best first."""
    title_keys, desc_keys, id_keys, location_keys, company_keys, posted_keys, url_keys, employment_keys = _layout(tuple(obj))
    title_key, title = _pick(obj, title_keys)
    desc_key, description = _pick(obj, desc_keys)
    id_key, raw_id = _pick(obj, id_keys)
    if isinstance(raw_id, dict):
        raw_id = raw_id.get("value", raw_id.get("@value", raw_id.get("name")))
    record_id = _text(raw_id, id_key or "id", numbers=True).strip()
    location = _location(_pick(obj, location_keys)[1]) if location_keys else ""
    if not location and str(obj.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        location = "Remote"
    return {  # a field the feed's layout lacks is "" without a lookup (most feeds carry few of them)
        "id": record_id,
        "title": _text(title, title_key or "title"),
        "description": _text(description, desc_key or "description"),
        "company": _loose(_pick(obj, company_keys)[1]) if company_keys else "",
        "location": location,
        "posted_date": _loose(_pick(obj, posted_keys)[1]) if posted_keys else "",
        "url": _loose(_pick(obj, url_keys)[1]) if url_keys else "",
        "employment_type": _loose(_pick(obj, employment_keys)[1]) if employment_keys else "",
    }


# --- files and formats -----------------------------------------------------------------------


def _format_by_name(path: str) -> str | None:
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return _FORMATS.get(os.path.splitext(name)[1])


def _open_binary(path: str) -> IO[bytes]:
    """The file's bytes, gunzipped when it is gzip (by magic number, whatever its name)."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open {path!r}: {exc.strerror}; check the path and its permissions") from exc
    if fh.peek(2)[:2] == b"\x1f\x8b":
        fh.close()
        return gzip.open(path, "rb")
    return fh


def _sniff_format(path: str) -> str | None:
    with _open_binary(path) as fh:
        head = fh.read(65536)
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return "json"
    if text.startswith("<"):
        return "html"
    first = text.split("\n", 1)[0]
    if "\t" in first:
        return "tsv"
    if "," in first or ";" in first:
        return "csv"
    return None


def _read_directory(root: str, state: _State) -> Iterator[Record | RawRecord]:
    """Every file under ``root`` (hidden files and folders skipped), sorted by relative path."""
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        files.extend(os.path.join(dirpath, f) for f in filenames if not f.startswith("."))
    for path in sorted(files, key=lambda p: os.path.relpath(p, root).split(os.sep)):
        fmt = _format_by_name(path)
        if fmt is None:
            yield state.quarantine(QuarantineReason.UNSUPPORTED_FORMAT, f"no reader for this file; supported: {_SUPPORTED}", path, 0)
        else:
            yield from _read_file(path, fmt, state)


def _read_file(path: str, fmt: str, state: _State) -> Iterator[Record | RawRecord]:
    unreadable = (OSError, EOFError, zlib.error)  # a truncated or corrupt .gz, or a read error mid-file
    try:
        if fmt == "json" and _json_is_lines(path):
            fmt = "jsonl"
    except unreadable as exc:
        yield state.quarantine(QuarantineReason.UNDECODABLE, f"file could not be read: {exc}", path, 0)
        return
    reader = {"jsonl": _read_jsonl, "csv": _read_csv, "tsv": _read_csv, "json": _read_json, "html": _read_html}[fmt]
    fh = _open_binary(path)
    try:
        yield from reader(fh, path, state, fmt)
    except unreadable as exc:
        yield state.quarantine(QuarantineReason.UNDECODABLE, f"file could not be read to the end: {exc}", path, 0)
    finally:
        fh.close()


# --- lines (JSONL, CSV) ----------------------------------------------------------------------


class _Line(NamedTuple):  # one per input line: a tuple is built in a third of a frozen dataclass's time
    number: int
    text: str  # decoded (or, when undecodable, a lossy decoding for the excerpt)
    decodable: bool
    oversized: bool


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL_RE.search(text) else text


def _lines(fh: IO[bytes], limit: int) -> Iterator[_Line]:
    """Physical lines, each at most ``limit`` bytes (the rest of a longer line is read and dropped)."""
    head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text_fh = io.TextIOWrapper(fh, encoding="utf-16", errors="replace", newline="")
        number = 0
        while line := text_fh.readline(limit):
            number += 1
            oversized = len(line) >= limit and not line.endswith("\n")
            rest = line
            while oversized and rest and not rest.endswith("\n"):
                rest = text_fh.readline(1 << 20)
            yield _Line(number, line, "\ufffd" not in line, oversized)
        return
    number = 0
    while raw := fh.readline(limit):
        number += 1
        oversized = len(raw) >= limit and not raw.endswith(b"\n")
        rest = raw
        while oversized and rest and not rest.endswith(b"\n"):
            rest = fh.readline(1 << 20)
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        text = _decode(raw)
        yield _Line(number, text if text is not None else raw.decode("utf-8", "replace"), text is not None, oversized)


_LONG_NUMBER = re.compile(r"\d{19}")  # orjson reads an integer beyond 64 bits as a float; json keeps it exact


def _loads(text: str) -> Any:
    """``json.loads``, three times faster for what orjson reads exactly as json does; the rest (NaN, lone
    surrogates, deep nesting: orjson refuses them; 19+ digit numbers) go to ``json``, which decides them and words
    the error. A long number can only have been misread when orjson gave a float: most records hold none, and
    looking for one in the parsed record is far cheaper than searching the text (~120 us a 3 KB description)."""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    return json.loads(text) if _holds_float(obj) and _LONG_NUMBER.search(text) else obj


def _holds_float(value: Any) -> bool:
    todo = [value]
    while todo:
        value = todo.pop()
        if type(value) is float:
            return True
        if type(value) is dict:
            todo.extend(value.values())
        elif type(value) is list:
            todo.extend(value)
    return False


def _read_jsonl(fh: IO[bytes], source: str, state: _State, fmt: str) -> Iterator[Record | RawRecord]:
    limit = state.settings.max_record_bytes + 2
    for line in _lines(fh, limit):
        if not line.text.strip():
            continue
        if line.oversized:
            yield state.quarantine(QuarantineReason.OVERSIZED, f"line is longer than max_record_bytes={state.settings.max_record_bytes}", source, line.number, line.text)
        elif not line.decodable:
            yield state.quarantine(QuarantineReason.UNDECODABLE, "line is not UTF-8 (nor cp1252) text", source, line.number, line.text)
        else:
            try:
                obj = _loads(line.text)
            except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's recursion limit
                yield state.quarantine(QuarantineReason.MALFORMED_JSON, f"line does not parse as JSON: {exc}", source, line.number, line.text)
                continue
            text = line.text
            yield state.record(obj, source, line.number, text, len(text) if text.isascii() else len(text.encode("utf-8")))


def _read_csv(fh: IO[bytes], source: str, state: _State, fmt: str) -> Iterator[Record | RawRecord]:
    s = state.settings
    limit = s.max_record_bytes + 2
    csv.field_size_limit(max(csv.field_size_limit(), limit))
    undecodable: set[int] = set()
    oversized: set[int] = set()

    def texts(lines: Iterable[_Line]) -> Iterator[str]:
        for line in lines:
            if not line.decodable:
                undecodable.add(line.number)
            if line.oversized:
                oversized.add(line.number)
                yield line.text[:1000] + "\n"
            else:
                yield line.text

    lines = texts(_lines(fh, limit))
    head: list[str] = []
    for text in lines:
        head.append(text)
        if len(head) >= 50 or sum(map(len, head)) > 65536:
            break
    delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(head)
    reader = csv.reader(_chain(head, lines), delimiter=delimiter, quotechar='"', doublequote=True)
    header: list[str] | None = None
    end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            start, end = end + 1, reader.line_num
            reason = QuarantineReason.OVERSIZED if "field larger" in str(exc) else QuarantineReason.MALFORMED_ROW
            yield state.quarantine(reason, f"row does not parse: {exc}", source, start)
            continue
        start, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            continue
        raw = delimiter.join(row)
        rows_lines = range(start, end + 1)
        if any(n in undecodable for n in rows_lines):
            yield state.quarantine(QuarantineReason.UNDECODABLE, "row is not UTF-8 (nor cp1252) text", source, start, raw)
        elif any(n in oversized for n in rows_lines):
            yield state.quarantine(QuarantineReason.OVERSIZED, f"row is longer than max_record_bytes={s.max_record_bytes}", source, start, raw)
        elif len(row) != len(header):
            yield state.quarantine(QuarantineReason.MALFORMED_ROW, f"row has {len(row)} fields, the header has {len(header)}", source, start, raw)
        else:
            yield state.record(dict(zip(header, row)), source, start, raw, sum(len(c.encode("utf-8")) for c in row))
        undecodable.difference_update(rows_lines)
        oversized.difference_update(rows_lines)


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def _sniff_delimiter(head: list[str]) -> str:
    """csv.Sniffer on the head; if it cannot tell, the most frequent of , ; | tab in the first line."""
    first = next((line for line in head if line.strip()), "")
    try:
        sniffed = csv.Sniffer().sniff("".join(head), delimiters=",\t;|").delimiter
        if sniffed in first:  # the header row must contain the delimiter
            return sniffed
    except csv.Error:
        pass
    return max(",\t;|", key=first.count) if any(d in first for d in ",\t;|") else ","


# --- JSON documents --------------------------------------------------------------------------


def _json_is_lines(path: str) -> bool:
    """A ``.json`` file whose first line (under 64 KB) is a whole JSON object and whose next line starts another.

    Longer first lines are read by the document reader, which also accepts concatenated objects.
    """
    with _open_binary(path) as fh:
        first = fh.readline(1 << 16)
        second = fh.readline(1 << 16).strip() if first.endswith(b"\n") else b""
        first = first.strip()
    if not (first.startswith(b"{") and second.startswith(b"{")):
        return False
    try:
        json.loads(first.decode("utf-8-sig", "replace"))
    except ValueError:
        return False
    return True


def _json_encoding(path: str) -> str:
    """utf-16 or utf-8-sig when a BOM says so; utf-8 when the whole file is valid UTF-8; else cp1252."""
    with _open_binary(path) as fh:
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 18):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


class _JsonStream:
    """Decodes one JSON value at a time from a text stream, holding at most about one value in memory."""

    _WS = " \t\r\n"

    def __init__(self, fh: IO[str], limit: int) -> None:
        self.fh, self.limit = fh, limit
        self.buf, self.pos, self.eof = "", 0, False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.fh.read(max(1 << 16, len(self.buf) - self.pos))
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in self._WS:
                self.pos += 1
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "end of file"
            raise json.JSONDecodeError(f"expected {char!r}, found {found!r}", self.buf, self.pos)
        self.pos += 1

    def value(self) -> tuple[Any, str, int]:
        """The next value, the first characters of its text, and its size in characters."""
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
                if end == len(self.buf) and not self.eof and not isinstance(obj, (dict, list, str)) and self._fill():
                    continue  # a number or literal may go on in the next chunk
            except json.JSONDecodeError:
                if len(self.buf) - self.pos > self.limit:
                    raise _TooBig(len(self.buf) - self.pos) from None
                if self._fill():
                    continue
                raise
            raw = self.buf[self.pos : min(end, self.pos + _EXCERPT_CHARS * 2)]
            size, self.pos = end - self.pos, end
            return obj, raw, size

    def excerpt(self) -> str:
        return self.buf[self.pos : self.pos + _EXCERPT_CHARS * 2]


class _TooBig(Exception):
    pass


def _read_json(fh: IO[bytes], source: str, state: _State, fmt: str) -> Iterator[Record | RawRecord]:
    encoding = _json_encoding(source)
    stream = _JsonStream(io.TextIOWrapper(fh, encoding=encoding, errors="strict"), state.settings.max_record_bytes)
    index = 0
    try:
        first = stream.peek()
        if first == "[":
            yield from _json_array(stream, source, state, 0)
        elif first == "{":
            stream.take("{")
            obj: dict[str, Any] = {}
            wrapped = False
            while stream.peek() != "}":
                if obj or wrapped:
                    stream.take(",")
                key, _, _ = stream.value()
                stream.take(":")
                if _key(str(key)) in _WRAPPER_KEYS and stream.peek() == "[" and not wrapped:
                    wrapped = True
                    yield from _json_array(stream, source, state, 0)
                else:
                    obj[key] = stream.value()[0]
            stream.take("}")
            if not wrapped:
                raw = json.dumps(obj, ensure_ascii=False)
                index = 1
                yield state.record(obj, source, 1, raw[: _EXCERPT_CHARS * 2], len(raw.encode("utf-8", "surrogatepass")))
        elif first:
            obj, raw, size = stream.value()
            yield state.record(obj, source, 1, raw, size)
        while stream.peek() == "{" and index:  # concatenated objects (JSON lines with a long first line)
            index += 1
            obj, raw, size = stream.value()
            yield state.record(obj, source, index, raw, size)
        if stream.peek():
            yield state.quarantine(QuarantineReason.MALFORMED_JSON, "content after the end of the JSON document is not read", source, max(index, 1), stream.excerpt())
    except _JsonAbort as abort:
        yield abort.record
    except (json.JSONDecodeError, _TooBig, RecursionError) as exc:
        yield state.quarantine(QuarantineReason.MALFORMED_JSON, f"document does not parse: {exc}", source, max(index, 1), stream.excerpt())
    except UnicodeDecodeError as exc:
        yield state.quarantine(QuarantineReason.UNDECODABLE, f"document is not {encoding} text: {exc}", source, max(index, 1))


class _JsonAbort(Exception):
    """The rest of a JSON document cannot be read; carries the quarantine record saying so."""

    def __init__(self, record: QuarantineRecord) -> None:
        self.record = record


def _json_array(stream: _JsonStream, source: str, state: _State, index: int) -> Iterator[Record | RawRecord]:
    """The elements of the array at the stream's position, as records numbered from 1."""
    stream.take("[")
    while stream.peek() != "]":
        if index:
            stream.take(",")
        index += 1
        try:
            obj, raw, size = stream.value()
        except (json.JSONDecodeError, RecursionError) as exc:
            raise _JsonAbort(state.quarantine(
                QuarantineReason.MALFORMED_JSON, f"element {index} does not parse ({exc}); the rest of the document is skipped",
                source, index, stream.excerpt(),
            )) from None
        except _TooBig as exc:
            raise _JsonAbort(state.quarantine(
                QuarantineReason.OVERSIZED, f"element {index} is larger than max_record_bytes={state.settings.max_record_bytes} or does not parse; the rest of the document is skipped",
                source, index, stream.excerpt(),
            )) from exc
        yield state.record(obj, source, index, raw, size)
    stream.take("]")


# --- HTML pages ------------------------------------------------------------------------------


def _decode_page(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET_RE.search(data[:4096])
    for encoding in ((declared.group(1).decode("ascii"),) if declared else ()) + ("cp1252",):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _job_postings(data: Any, depth: int = 0) -> Iterator[dict]:
    """schema.org JobPosting objects anywhere in extracted JSON-LD/microdata (lists, @graph)."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            yield from _job_postings(item, depth + 1)
    elif isinstance(data, dict):
        types = data.get("@type", ())
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        if any(str(t).rsplit("/", 1)[-1] == "JobPosting" for t in types):
            yield data
        else:
            for key in ("@graph", "mainEntity", "itemListElement", "item"):
                if key in data:
                    yield from _job_postings(data[key], depth + 1)


def _read_html(fh: IO[bytes], source: str, state: _State, fmt: str) -> Iterator[Record | RawRecord]:
    limit = state.settings.max_record_bytes
    data = fh.read(limit + 1)
    if len(data) > limit:
        yield state.quarantine(QuarantineReason.OVERSIZED, f"page is larger than max_record_bytes={limit}", source, 1, data[:1000].decode("utf-8", "replace"))
        return
    page = _decode_page(data)
    if page is None:
        yield state.quarantine(QuarantineReason.UNDECODABLE, "page is not UTF-8, its declared charset, nor cp1252", source, 1, data[:1000].decode("utf-8", "replace"))
        return
    if not page.strip():
        return
    tags = page.count("<")
    if tags > state.settings.max_html_tags:  # parsing time grows with the square of nesting depth
        yield state.quarantine(QuarantineReason.OVERSIZED, f"page has {tags} tags, more than max_html_tags={state.settings.max_html_tags}", source, 1, page[:1000])
        return
    name = os.path.basename(source)
    if name.lower().endswith(".gz"):
        name = name[:-3]
    import extruct  # a third of a second to import: only HTML pages need it

    tree = LexborHTMLParser(page)
    try:
        extracted = extruct.extract(page, syntaxes=["json-ld", "microdata"], uniform=True, errors="ignore")
    except Exception:  # extruct raises on some broken markup; the page text is still usable
        extracted = {}
    # JSON-LD when the page has it (the richer form), else microdata; never both for one job
    postings = list(_job_postings(extracted.get("json-ld", [])))
    if not postings:
        postings = list(_job_postings(extracted.get("microdata", [])))
        # microdata flattens the description; take its markup from the page so lists survive
        described = tree.css('[itemtype*="JobPosting"] [itemprop="description"]')
        if len(described) == len(postings):
            postings = [{**obj, "description": node.html or obj.get("description", "")} for obj, node in zip(postings, described)]
    for number, obj in enumerate(postings, start=1):
        default_id = f"html:{name}" if number == 1 else f"html:{name}#{number}"
        yield state.record(obj, source, number, page[: _EXCERPT_CHARS * 2], len(data), default_id)
    if postings:
        return
    heading = tree.css_first("h1")
    title_node = tree.css_first("title")
    title = (heading.text() if heading is not None else "") or (title_node.text() if title_node is not None else "")
    obj = {"title": title, "description": page}
    yield state.record(obj, source, 1, page[: _EXCERPT_CHARS * 2], len(data), f"html:{name}")
