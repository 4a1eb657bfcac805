"""The title index compiled to disk: building it costs about 1.9 s per process, reading it back about 0.3 s.

A file in ``settings.cache_dir`` is named by a hash of the lexicon version and of the source of the
modules that build the index (``matching.py``, and ``titles.py`` for ``normalise_title``), so a new
lexicon or a code change never reads a stale index; it simply writes a new file. The file holds plain
arrays (numpy ``.npz``, read with ``allow_pickle=False``), written to a temporary name and renamed, so
concurrent workers never see half a file. The cache is an optimisation only: a missing, unreadable or
corrupt file, or a cache directory that cannot be written, costs the build and nothing else.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from . import matching, titles
from .matching import TitleMatcher

log = logging.getLogger(__name__)
FORMAT = "1"  # bump when the file layout changes without a change to the modules hashed below
KEEP = 4  # cached indexes kept (newest first): a base lexicon and overlays, without growing forever


def cache_key(lexicon_version: str) -> str:
    """What the compiled index depends on: the lexicons and the code that builds it."""
    digest = hashlib.sha256(f"{FORMAT}\0{lexicon_version}\0{np.__version__}".encode())
    for module in (matching, titles):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_path(lexicons, settings) -> Path:
    return Path(settings.cache_dir) / f"title-index-{cache_key(lexicons.version)}.npz"


def load_matcher(lexicons, settings) -> TitleMatcher:
    """The title matcher for ``lexicons``: read from the cache when a file for this version exists, else built and stored."""
    path = cache_path(lexicons, settings)
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as arrays:
                return TitleMatcher.from_arrays(dict(arrays), lexicons, settings)
        except (OSError, EOFError, ValueError, KeyError, IndexError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            log.warning("title index cache %s is unreadable (%s); rebuilding it", path, exc)
    matcher = TitleMatcher.build(lexicons, settings)
    _store(path, matcher.to_arrays(lexicons))
    return matcher


def _store(path: Path, arrays: dict[str, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        log.warning("title index cache %s cannot be written (%s); each run will build the index", path, exc)
        return
    _prune(path)


def _prune(written: Path) -> None:
    """Keep ``written`` and the KEEP - 1 newest other indexes: old lexicon versions are never read again. A
    process still reading a removed file keeps its open handle; one about to open it builds the index instead."""
    others = [f for f in written.parent.glob("title-index-*.npz") if f != written]
    for old in sorted(others, key=lambda f: f.stat().st_mtime, reverse=True)[KEEP - 1:]:
        try:
            old.unlink()
        except OSError:
            pass  # another process removed it, or it is not ours to remove
