"""Fuzz: hostile and malformed input through the readers, the classifier and the writers.

A seeded generated corpus (over 10,000 records: random bytes, invalid UTF-8/UTF-16, BOMs, NUL
bytes, truncated and 100,000-deep JSON, huge fields, HTML bombs, regex-hostile runs for every
pattern in the code, control, bidi and zero-width characters, wrong types) must give: no crash,
no hang, every record labelled or quarantined with a reason code, and ``in == labelled +
quarantined``. Every item gets a time budget (a SIGALRM timer raising inside Python code, and a
faulthandler watchdog that dumps stacks and exits if C code, such as a regex, never returns).
"""

from __future__ import annotations

import codecs
import faulthandler
import gzip
import importlib
import json
import math
import multiprocessing
import pkgutil
import random
import re
import signal
import time
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

import jdclassify
from jdclassify.errors import QuarantineReason
from jdclassify.io.readers import read_postings
from jdclassify.io.writers import open_output, read_output
from jdclassify.records import Classification, Posting, QuarantineRecord
from jdclassify.schema import quarantine_row, to_row
from jdclassify.settings import Settings

SEED = 20240611
ITEM_BUDGET_S = 60  # far above any honest record (milliseconds); only a hang reaches it
REASONS = {r.value for r in QuarantineReason}
SETTINGS = Settings(nlp_batch_size=16)


class Hang(BaseException):
    """Raised by the timer; a BaseException so classify_many's per-record ``except Exception`` cannot swallow it."""


@contextmanager
def budget(seconds: float, what: str):
    def on_alarm(signum, frame):
        raise Hang(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(seconds * 2, exit=True)  # a C-level hang never returns to Python
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


def guarded(iterator, what: str):
    """Each ``next()`` of ``iterator`` inside its own time budget."""
    iterator = iter(iterator)
    while True:
        with budget(ITEM_BUDGET_S, what):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


@pytest.fixture(scope="module")
def classifier():
    from jdclassify.classify import Classifier

    return Classifier.load(SETTINGS)


# --- every regex in the code ---------------------------------------------------------------


def _walk_patterns(obj, found: dict, seen: set, depth: int = 0) -> None:
    if depth > 6 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, re.Pattern):
        found.setdefault(obj.pattern, obj)
    elif isinstance(obj, dict):
        for value in list(obj.values())[:5000]:
            _walk_patterns(value, found, seen, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for value in list(obj)[:5000]:
            _walk_patterns(value, found, seen, depth + 1)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            _walk_patterns(getattr(obj, f.name, None), found, seen, depth + 1)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("jdclassify"):
        for value in vars(obj).values():
            _walk_patterns(value, found, seen, depth + 1)


def all_patterns(classifier) -> dict[str, re.Pattern]:
    """Every compiled regex in jdclassify's modules and inside a built Classifier."""
    found: dict[str, re.Pattern] = {}
    seen: set = set()
    names = [m.name for m in pkgutil.walk_packages(jdclassify.__path__, "jdclassify.")]
    for name in names:
        module = importlib.import_module(name)
        for value in vars(module).values():
            _walk_patterns(value, found, seen)
    _walk_patterns(classifier, found, seen)
    return found


_CLASS_SAMPLES = {"d": "7", "w": "a", "s": " ", "S": "x", "D": "x", "W": "-", "n": "\n", "t": "\t", "b": "", "B": "", "A": "", "Z": ""}


def hostile_texts(pattern: str, length: int) -> list[str]:
    """Runs of the characters and words a pattern is made of, alone and interleaved with spaces."""
    chars: set[str] = {" ", "a", "7", "\n", ".", "-"}
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            chars.add(_CLASS_SAMPLES.get(nxt, nxt))
            i += 2
            continue
        if ch not in "()[]{}?*+|^$":
            chars.add(ch)
        i += 1
    chars.discard("")
    words = {w for w in re.findall(r"[A-Za-z]{3,}", pattern) if w.lower() not in {"ued"}}
    texts = []
    for ch in sorted(chars):
        texts += [ch * length, (ch + " ") * (length // 2), ("a" + ch) * (length // 2)]
    for word in sorted(words, key=lambda w: (-len(w), w))[:10]:
        texts += [(word + " ") * (length // (len(word) + 1)), word * (length // len(word))]
    return texts


def bounded_match_only() -> dict[str, str]:
    """Patterns the code only ``match``es inside a short window (so a scan of a long text never happens), and where."""
    from jdclassify import experience, skills, titles

    return {
        experience._CLAUSE_START.pattern: "experience.py: match() over at most 300 characters before a cue",
        experience._YEARS_OTHER_AFTER.pattern: "experience.py: match() over at most 60 characters after an experience word of another language",
        skills._BETWEEN_YEARS_AND_SKILL.pattern: "skills.py: match() over at most 45 characters between years and a skill",
        titles._LOCATION_ONLY.pattern: "titles.py: fullmatch() of a title segment",
        titles._PLACE_RE.pattern: "titles.py: only a part of _LOCATION_ONLY",
    }


def _scan_time(pattern: re.Pattern, text, anchored: bool) -> float:
    clock = time.perf_counter()
    if anchored:
        pattern.match(text)
    else:
        for _ in pattern.finditer(text):
            pass
    return time.perf_counter() - clock


def _doubling_ratio(pattern: re.Pattern, text, anchored: bool, runs: int) -> float:
    """Scan time at twice the length over scan time at the length, best of ``runs`` each: ~2 linear, ~4 quadratic."""
    once = min(_scan_time(pattern, text, anchored) for _ in range(runs))
    return min(_scan_time(pattern, text * 2, anchored) for _ in range(runs)) / once


def _scan_worker(sources: list[tuple[str | bytes, int]], anchored: set, length: int, conn) -> None:
    """Sends (index, []) per pattern, or (index, [runs that scale super-linearly]): a run whose scan is slow
    enough to measure is scanned again at twice the length; linear costs ~2x, quadratic ~4x."""
    for index, (source, flags) in enumerate(sources):
        pattern = re.compile(source, flags)
        texts = hostile_texts(source.decode("latin-1") if isinstance(source, bytes) else source, length)
        slow = []
        runs = [t for t in texts if len(set(t)) == 1]  # every character of the pattern, alone
        mixed = [t for t in texts if len(set(t)) > 1]
        for text in runs + mixed[:: max(1, len(mixed) // 20)]:  # and ~20 interleavings and words
            text = text.encode("utf-8") if isinstance(source, bytes) else text
            base = _scan_time(pattern, text, source in anchored)
            if base > 0.05:
                ratio = _doubling_ratio(pattern, text, source in anchored, 2)
                if ratio > 3.0:  # confirm: a busy machine can slow one run of a linear pattern
                    ratio = _doubling_ratio(pattern, text, source in anchored, 4)
                if ratio > 3.0:
                    slow.append(f"{text[:12]!r}... x{ratio:.1f} when doubled")
                    break  # one is enough to name the pattern
        conn.send((index, slow))
    conn.close()


def test_every_regex_stays_linear_on_runs_of_its_own_characters(classifier):
    """Every compiled pattern scans 20,000-character runs of its own characters and words the way the code
    uses it. Linear patterns take milliseconds per run; a backtracking one (4e8 steps per run) blows the
    budget and is named. Runs in a forked child so a hang in C regex code cannot stall the session."""
    patterns = all_patterns(classifier)
    assert len(patterns) > 150  # module-level and lexicon-built patterns were both found
    sources = [(p.pattern, p.flags) for p in patterns.values()]
    anchored = set(bounded_match_only())
    assert anchored <= set(patterns)
    parent, child = multiprocessing.Pipe(duplex=False)
    worker = multiprocessing.get_context("fork").Process(target=_scan_worker, args=(sources, anchored, 20_000, child), daemon=True)
    worker.start()
    child.close()
    done, superlinear = -1, {}
    try:
        while done < len(sources) - 1:
            if not parent.poll(60):  # a whole family of runs for one pattern: seconds at most
                pytest.fail(f"regex {sources[done + 1][0]!r} did not get through 20,000-character runs of its own characters in 60 s")
            done, slow = parent.recv()
            if slow:
                superlinear[sources[done][0]] = slow
    finally:
        worker.kill()
        worker.join()
    assert not superlinear, f"patterns whose scan time grows faster than the text: {superlinear}"
    print(f"\nregex scan: {len(sources)} patterns, each fed runs of its own characters and words")


# --- the generated corpus -------------------------------------------------------------------


def _jl(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _posting(rng: random.Random, i: int) -> dict:
    titles = ["Senior Data Engineer", "Registered Nurse", "Software Engineer II", "Sales Manager", "Staff Accountant",
              "Warehouse Associate", "Product Designer", "Head of Marketing", "Electrician", "Junior QA Tester"]
    desc = "We need 5+ years of Python and SQL. Contact jane.doe@example.com or +44 20 7946 0958. You will lead a team."
    return {"id": f"r{i}", "title": rng.choice(titles), "description": desc, "company": "Acme"}


INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc3\x28", b"\x80", b"\xbf\xbf", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"]
UNICODE_HOSTILE = [
    "\u200f", "\u200e", "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "\u0301", "\u0300\u0316", "\ufdfa", "\ufb03", "\u2028", "\u2029", "\u0085", "\u00a0", "\u3000", "\U0001f600",
    "\u0000", "\u0007", "\u001b[31m", "\x7f", "\x9b", "\ud800", "\udfff", "\uffff", "\U0010ffff", "\u0131", "\u0130", "ß",
]
HTML_BOMBS = [
    "<div>" * 50_000,
    "<div>" * 20_000 + "x" + "</div>" * 20_000,
    "<ul>" + "<li><ul>" * 10_000 + "deep",
    '<p title="' + "a" * 500_000 + '">x</p>',
    "<p " + "a=b " * 50_000 + ">x</p>",
    "<" * 100_000,
    "<!--" * 50_000,
    "<![CDATA[" + "x" * 10_000,
    "&amp;" * 50_000,
    "&#" * 50_000,
    "&#x" + "f" * 50_000 + ";",
    "<script>" + "var a = '<p>';" * 10_000,
    "<style>" + "p{}" * 20_000,
    "<table>" + "<tr><td>" * 20_000,
    "<p>" + "<b><i>" * 20_000 + "text",
    '<a href="javascript:alert(1)">x</a>' * 5_000,
    "<br>" * 100_000,
    "<li>" * 100_000,
    "</div>" * 100_000,
    "<" + "a" * 100_000 + ">",
]


def build_corpus(root: Path, rng: random.Random, patterns: dict[str, re.Pattern]) -> list[tuple[Path, int, int | None]]:
    """Files of hostile records: (path, records thrown, items the reader must yield or None when the format merges records)."""
    files: list[tuple[Path, int, int | None]] = []

    def lines_file(name: str, lines: list[bytes], head: bytes = b"") -> None:
        path = root / name
        path.write_bytes(head + b"\n".join(lines) + b"\n")
        files.append((path, len(lines), len(lines)))

    # random bytes, each line starting with a visible byte so no line is blank
    printable = bytes(range(0x21, 0x7f))
    lines = []
    for _ in range(2500):
        body = rng.randbytes(rng.randint(0, 300)).replace(b"\n", b" ").replace(b"\r", b" ")
        lines.append(bytes([rng.choice(printable)]) + body)
    lines_file("random_bytes.jsonl", lines)

    # invalid UTF-8 sequences spliced into valid records
    lines = []
    for i in range(1000):
        raw = _jl(_posting(rng, i))
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(1, len(raw) - 1)
            raw = raw[:at] + rng.choice(INVALID_UTF8) + raw[at:]
        lines.append(raw.replace(b"\n", b" "))
    lines_file("invalid_utf8.jsonl", lines)

    # NUL and control bytes: raw (invalid JSON) and escaped (valid JSON, hostile text)
    lines = []
    for i in range(600):
        junk = "".join(rng.choice("\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f") for _ in range(rng.randint(1, 50)))
        if i % 2:
            lines.append(b'{"id": "nul%d", "title": "Data ' % i + junk.encode() + b' Engineer"}')
        else:
            lines.append(_jl({"id": f"nul{i}", "title": f"Data {junk} Engineer", "description": junk * 100}).replace(b"\n", b" "))
    lines_file("control.jsonl", lines)

    # truncated JSON (cut anywhere, also inside a multi-byte character)
    lines = []
    for i in range(1200):
        raw = _jl({**_posting(rng, i), "title": "Ingénieur données — Zürich 数据工程师"})
        lines.append(raw[: rng.randint(1, len(raw) - 1)].replace(b"\n", b" "))
    lines_file("truncated.jsonl", lines)

    # deeply nested JSON: 100,000 levels, open and closed, as the record and inside fields
    deep = 100_000
    lines = [
        b"[" * deep, b"{\"a\":" * deep, b"[" * deep + b"]" * deep, b'{"id": "d1", "title": ' + b"[" * deep,
        b'{"id": "d2", "title": "Nurse", "company": ' + b"[" * 900 + b"]" * 900 + b"}",
        b'{"id": "d3", "title": "Nurse", "location": ' + b'{"name":' * 900 + b"1" + b"}" * 900 + b"}",
        b'{"id": "d4", "title": "Nurse", "description": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"id": "d5", "title": ' + b'{"name":' * 5000 + b'"x"' + b"}" * 5000 + b"}",
        b'{"id": ' + b"[" * 950 + b"]" * 950 + b', "title": "Nurse"}',
    ]
    lines_file("deep.jsonl", lines)

    # huge fields and records, many keys, huge numbers
    words = "python sql engineer lead senior team data build years experience nurse ".split()
    lines = [
        _jl({"id": "h1", "title": "Engineer " * 30_000}),
        _jl({"id": "h2", "title": "Data Engineer", "description": " ".join(rng.choice(words) for _ in range(25_000))}),
        _jl({"id": "h3", "title": "Data Engineer", "description": "x" * 2_100_000}),
        _jl({"id": "h4" * 50_000, "title": "Data Engineer"}),
        _jl({f"k{i}": i for i in range(20_000)} | {"id": "h5", "title": "Nurse"}),
        b'{"id": 1' + b"0" * 5000 + b', "title": "Nurse"}',
        b'{"id": 1e999999, "title": "Nurse"}',
        b'{"id": NaN, "title": "Infinity"}',
        _jl({"id": "h9", "title": "Data Engineer", "description": "word " * 39_000}),
        _jl({"id": "h10", "title": "a" * 199_000}),
        # no space and an ambiguous skill name every few characters: the token windows around them all merge
        _jl({"id": "h11", "title": "Data Engineer", "description": "(Go)/R;" * 25_000}),
    ]
    lines_file("huge.jsonl", lines)

    # HTML bombs in descriptions
    lines = [_jl({"id": f"html{i}", "title": "Web Developer", "description": bomb}) for i, bomb in enumerate(HTML_BOMBS)]
    lines_file("html_bombs.jsonl", lines)

    # regex-hostile runs for every pattern, through the whole pipeline (as title and as description)
    hostile: dict[str, None] = {}
    for source in sorted(p for p in patterns if isinstance(p, str)):
        for text in hostile_texts(source, 2_000):
            hostile.setdefault(text, None)
    texts = list(hostile)
    rng.shuffle(texts)
    lines = []
    for i, text in enumerate(texts[:1500]):
        record = {"id": f"rx{i}", "title": text[:300] if i % 2 else "Data Engineer", "description": text}
        lines.append(_jl(record))
    for i, text in enumerate(texts[1500:1530]):  # a few at 20,000 characters as a title
        lines.append(_jl({"id": f"rxt{i}", "title": (text * 5)[:20_000], "description": text}))
    lines_file("regex_hostile.jsonl", lines)

    # control, bidi, zero-width, combining, NFKC-expanding and surrogate characters
    lines = []
    for i in range(1200):
        mix = "".join(rng.choice(UNICODE_HOSTILE) + rng.choice(["Data", "Engineer", "Nurse", " ", "e", "7", "@", "."])
                      for _ in range(rng.randint(1, 40)))
        if i % 50 == 0:
            mix = rng.choice(UNICODE_HOSTILE) * 10_000
        record = {"id": f"u{i}{rng.choice(UNICODE_HOSTILE)}", "title": mix[:500], "description": mix,
                  "company": mix[:50], "location": mix[:50]}
        lines.append(json.dumps(record, ensure_ascii=bool(i % 2)).encode("utf-8", "surrogatepass").replace(b"\n", b" "))
    lines_file("unicode.jsonl", lines)

    # wrong types
    shapes = [None, True, 1, 1.5, "x", [], {}, ["Data Engineer"], {"name": "Data Engineer"}, [[["x"]]], -0.0]
    lines = []
    for i in range(800):
        field = rng.choice(["id", "title", "description", "company", "location", "url", "employmentType", "datePosted"])
        record = {"id": f"t{i}", "title": "Data Engineer", "description": "Python", field: rng.choice(shapes)}
        lines.append(_jl(record) if i % 10 else _jl(rng.choice(shapes)))
    lines_file("wrong_types.jsonl", lines)

    # plain postings with contact data, and duplicate ids
    lines = [_jl(_posting(rng, i)) for i in range(1200)] + [_jl(_posting(rng, i)) for i in range(0, 400, 2)]
    lines_file("postings.jsonl", lines)

    # BOMs and UTF-16
    sample = [_jl(_posting(rng, 10_000 + i)) for i in range(100)]
    lines_file("bom_utf8.jsonl", sample, head=codecs.BOM_UTF8)
    for name, codec in (("utf16le.jsonl", "utf-16-le"), ("utf16be.jsonl", "utf-16-be")):
        text = "\n".join(json.dumps(_posting(rng, 20_000 + i), ensure_ascii=False) for i in range(100)) + "\n"
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        path = root / name
        path.write_bytes(bom + text.encode(codec))
        files.append((path, 100, 100))
    path = root / "utf16_broken.jsonl"  # a BOM, then a lone surrogate and an odd trailing byte
    path.write_bytes(codecs.BOM_UTF16_LE + '{"id": "b1", "title": "Nurse"}\n'.encode("utf-16-le") + b"\x00\xd8\x41\x00\n\x00" + b"\x41")
    files.append((path, 2, None))
    path = root / "utf16_no_bom.jsonl"
    path.write_bytes("\n".join(json.dumps(_posting(rng, 30_000 + i)) for i in range(50)).encode("utf-16-le"))
    files.append((path, 50, None))

    # CSV: broken quoting, wrong field counts, NUL, mixed delimiters, BOM header
    rows = ["id,title,description"]
    for i in range(600):
        kind = i % 6
        rows.append([f'c{i},"Data Engineer,Python', f"c{i},Nurse,care,extra,fields", f"c{i},Nu\x00rse,care",
                     f'c{i},"Sales ""Lead""",ok', f"c{i};Nurse;care", f'c{i},"=1+1",@SUM(A1)'][kind])
    path = root / "broken.csv"
    path.write_bytes(codecs.BOM_UTF8 + "\n".join(rows).encode("utf-8") + b"\n")
    files.append((path, 600, None))

    # JSON documents
    docs = {
        "deep_doc.json": b"[" * deep,
        "deep_closed.json": b"[" * deep + b"]" * deep,
        "deep_element.json": b'[{"id": "e1", "title": "Nurse"}, ' + b"[" * deep + b"]",
        "deep_wrapper.json": b'{"jobs": [' + b"{\"a\":" * deep,
        "truncated_array.json": b'[{"id": "a1", "title": "Nurse"}, {"id": "a2", "title": "Eng',
        "trailing.json": b'[{"id": "t1", "title": "Nurse"}] garbage',
        "surrogates.json": b'{"id": "s\\ud800", "title": "Nurse \\udfff", "description": "\\ud83d"}',
        "empty.json": b"",
        "nul.json": b"\x00" * 1000,
        "not_json.json": rng.randbytes(5000),
        "bom16.json": codecs.BOM_UTF16_LE + '[{"id": "w1", "title": "Nurse"}]'.encode("utf-16-le"),
        "huge_string.json": b'[{"id": "hs", "title": "' + b"a" * 2_100_000 + b'"}]',
    }
    for name, data in docs.items():
        path = root / name
        path.write_bytes(data)
        files.append((path, 1, None))

    # HTML pages: bombs, deep JSON-LD, many microdata items, remote references
    pages = {
        # 20,000 levels: the HTML parser's time grows with depth squared (documented in docs/reliability.md)
        "deep.html": "<html><body>" + "<div>" * 20_000 + "Nurse",
        "attr.html": '<html><head><title>Nurse</title></head><body><p class="' + "x" * 1_500_000 + '">care</p></body></html>',
        "jsonld_deep.html": '<script type="application/ld+json">' + "[" * deep + "</script><h1>Nurse</h1>",
        "jsonld_bad.html": '<script type="application/ld+json">{"@type": "JobPosting", "title": </script><h1>Nurse</h1>',
        "jsonld_types.html": '<script type="application/ld+json">{"@type": "JobPosting", "title": ["a"], "description": {"x": 1}}</script>',
        "microdata_many.html": "".join(
            f'<div itemscope itemtype="https://schema.org/JobPosting"><span itemprop="title">Nurse {i}</span>'
            f'<div itemprop="description">care {i}</div></div>' for i in range(300)),
        "entities.html": "<h1>Engineer</h1>" + "&lt;" * 100_000,
        "remote.html": '<!DOCTYPE html SYSTEM "http://127.0.0.1:9/x.dtd"><link rel="stylesheet" href="http://127.0.0.1:9/a.css">'
                       '<img src="http://127.0.0.1:9/i.png"><h1>Nurse</h1>',
        "empty.html": "",
        "binary.html": rng.randbytes(3000).decode("latin-1"),
    }
    for name, page in pages.items():
        path = root / name
        path.write_bytes(page.encode("utf-8", "surrogatepass"))
        files.append((path, 1, None))

    # gzip: truncated, corrupt, and not gzip at all under a .gz name
    good = gzip.compress(b"\n".join(_jl(_posting(rng, 40_000 + i)) for i in range(200)) + b"\n")
    for name, data in (("truncated.jsonl.gz", good[: len(good) // 2]), ("corrupt.jsonl.gz", good[:20] + rng.randbytes(500)),
                       ("fake.jsonl.gz", rng.randbytes(500)), ("corrupt.json.gz", good[:20] + rng.randbytes(500)),
                       ("good.jsonl.gz", good)):
        path = root / name
        path.write_bytes(data)
        files.append((path, 200 if "good" in name or "truncated" in name or "corrupt" in name else 1, 200 if name == "good.jsonl.gz" else None))
    return files


def _strings(row: dict):
    for value in row.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for v in value:
                yield from (_strings(v) if isinstance(v, dict) else [v] if isinstance(v, str) else [])


def test_fuzz_corpus_every_record_labelled_or_quarantined_no_crash_no_hang(tmp_path, classifier):
    rng = random.Random(SEED)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = build_corpus(corpus, rng, all_patterns(classifier))
    thrown = sum(n for _, n, _ in files)
    assert thrown >= 10_000
    totals = {"read": 0, "labelled": 0, "quarantined": 0}
    reasons: dict[str, int] = {}
    rows, quarantine = [], []
    for path, _, expected in files:
        items = list(guarded(read_postings([path], SETTINGS), f"reading {path.name}"))
        assert all(isinstance(i, (Posting, QuarantineRecord)) for i in items)
        if expected is not None:
            assert len(items) == expected, f"{path.name}: {expected} records in, {len(items)} out of the reader"
        results = list(guarded(classifier.classify_many(items), f"classifying {path.name}"))
        assert len(results) == len(items), f"{path.name}: {len(items)} read, {len(results)} classified or quarantined"
        for result in results:
            if isinstance(result, Classification):
                totals["labelled"] += 1
                assert all(0.0 <= lab.confidence <= 1.0 for lab in (result.role, result.level, result.onet))
                rows.append(to_row(result, run_id="fuzz", run_date="2024-06-11"))
            else:
                assert isinstance(result, QuarantineRecord) and result.reason in REASONS, result
                totals["quarantined"] += 1
                reasons[result.reason] = reasons.get(result.reason, 0) + 1
                quarantine.append(quarantine_row(result, run_id="fuzz"))
        totals["read"] += len(items)
    assert totals["read"] == totals["labelled"] + totals["quarantined"]
    assert "processing_error" not in reasons, "a record raised inside cleaning or classification (a bug): see its detail"
    assert totals["labelled"] > 1000 and totals["quarantined"] > 5000  # the corpus exercises both sides
    # and every output row can be written and read back in every format
    for suffix in (".parquet", ".csv", ".jsonl"):
        out = tmp_path / f"out{suffix}"
        with guarded_writer(out) as writer:
            writer.write_chunk(rows, quarantine)
        assert read_output(out).num_rows == len(rows)
    # ids are join keys and kept as given; every other text column is cleaned of NUL and control characters
    assert not any("\x00" in s for row in rows for s in _strings({k: v for k, v in row.items() if k != "id"})), "NUL reached the output"
    print(f"\nfuzz: {thrown:,} records thrown in {len(files)} files; reader yielded {totals['read']:,}: "
          f"{totals['labelled']:,} labelled + {totals['quarantined']:,} quarantined {dict(sorted(reasons.items()))}")


@contextmanager
def guarded_writer(out: Path):
    with budget(ITEM_BUDGET_S, f"writing {out.name}"):
        with open_output(out, run_id="fuzz", run_date="2024-06-11") as writer:
            yield writer


@pytest.mark.parametrize("line", [b"[" * 100_000, b"{\"a\":" * 100_000, b'{"id": "x", "title": ' + b"[" * 100_000,
                                  b'{"id": "x", "title": "Nurse", "company": ' + b"[" * 990 + b"]" * 990 + b"}"])
def test_deeply_nested_jsonl_is_quarantined_and_the_batch_goes_on(tmp_path, line):
    path = tmp_path / "deep.jsonl"
    path.write_bytes(line + b'\n{"id": "next", "title": "Registered Nurse"}\n')
    items = list(read_postings([path]))
    assert [type(i).__name__ for i in items] == ["QuarantineRecord", "Posting"]
    assert items[0].reason in (QuarantineReason.MALFORMED_JSON.value, QuarantineReason.WRONG_TYPE.value)
    assert items[1].id == "next"


@pytest.mark.parametrize("data", [b"[" * 100_000, b'[{"id": "a", "title": "Nurse"}, ' + b"[" * 100_000,
                                  b'{"jobs": [' + b"{\"a\":" * 100_000])
def test_deeply_nested_json_document_is_quarantined(tmp_path, data):
    path = tmp_path / "deep.json"
    path.write_bytes(data)
    items = list(read_postings([path]))
    assert items and isinstance(items[-1], QuarantineRecord) and items[-1].reason == QuarantineReason.MALFORMED_JSON.value


def test_lone_surrogates_become_replacement_characters_not_a_crash(tmp_path, classifier):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s\\ud800", "title": "Nurse \\udfff", "description": "care \\ud83d"}\n'
                    '{"id": ["\\ud800"], "title": "x"}\n', encoding="utf-8")
    items = list(read_postings([path]))
    results = list(classifier.classify_many(items))
    assert len(results) == 2
    for result in results:
        for value in vars(result).values() if hasattr(result, "__dict__") else (getattr(result, f.name) for f in fields(result)):
            if isinstance(value, str):
                value.encode("utf-8")  # no lone surrogate survives to the writers
    out = tmp_path / "out.csv"
    with open_output(out, run_id="r", run_date="2024-06-11") as writer:
        writer.write_chunk([to_row(r, run_id="r", run_date="2024-06-11") for r in results if isinstance(r, Classification)],
                           [quarantine_row(r, run_id="r") for r in results if isinstance(r, QuarantineRecord)])


def test_no_title_and_a_one_word_description_is_labelled_not_an_error(classifier):
    """Found by the fuzz corpus: the description-only path proposed a canon role key as an O*NET code."""
    [result] = list(classifier.classify_many([Posting(id="p", title="", description="Python")]))
    assert isinstance(result, Classification)
    assert result.onet.value == "" or re.fullmatch(r"\d{2}-\d{4}\.\d{2}", result.onet.value)


# --- Hypothesis: arbitrary bytes and text ----------------------------------------------------

_PROPERTY = hsettings(max_examples=150, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_PROPERTY
@given(data=st.binary(min_size=1, max_size=400), suffix=st.sampled_from([".jsonl", ".csv", ".json", ".html"]))
def test_any_bytes_in_any_format_give_records_with_reasons(tmp_path_factory, classifier, data, suffix):
    path = tmp_path_factory.mktemp("h") / f"input{suffix}"
    path.write_bytes(data)
    items = list(guarded(read_postings([path], SETTINGS), "reading"))
    results = list(guarded(classifier.classify_many(items), "classifying"))
    assert len(results) == len(items)
    assert all(isinstance(r, Classification) or r.reason in REASONS for r in results)


@_PROPERTY
@given(title=st.text(max_size=200), description=st.text(max_size=2000))
def test_any_text_as_title_and_description_is_labelled_or_quarantined(tmp_path_factory, classifier, title, description):
    path = tmp_path_factory.mktemp("h") / "input.jsonl"
    path.write_bytes(json.dumps({"id": "h", "title": title, "description": description}).encode())
    items = list(guarded(read_postings([path], SETTINGS), "reading"))
    assert len(items) == 1
    [result] = list(guarded(classifier.classify_many(items), "classifying"))
    if isinstance(result, Classification):
        assert all(0.0 <= lab.confidence <= 1.0 and not math.isnan(lab.confidence) for lab in (result.role, result.level, result.onet))
    else:
        assert result.reason in REASONS
