"""Indexes compiled from the lexicons, kept on disk: building them costs seconds per process, reading them back a fraction.

Three are stored: the title index (``load_matcher``: ~1.9 s to build, ~0.3 s to read), the skill phrase
table (``load_skill_matcher``: ~1 s to choose and lower ~100,000 phrases, ~0.1 s to read; the automata over
them are rebuilt each process, ahocorasick-rs cannot store them) and the occupation profiles
(``load_profiles``: ~0.4 s to build with the tables they read, ~0.1 s to read). A file in
``settings.cache_dir`` is named by its kind and a hash of the lexicon version and of the source of the
modules that build it, so a new lexicon or a code change never reads a stale index; it simply writes a new
file. The file holds plain arrays (numpy ``.npz``, read with ``allow_pickle=False``), written to a temporary
name and renamed, so concurrent workers never see half a file. The cache is an optimisation only: a missing,
unreadable or corrupt file, or a cache directory that cannot be written, costs the build and nothing else.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Callable, TypeVar

import numpy as np

from . import lexicons as lexicons_module, matching, packing, profiles, skills, titles
from .matching import TitleMatcher
from .profiles import ProfileIndex
from .skills import SkillMatcher

log = logging.getLogger(__name__)
FORMAT = "1"  # bump when the file layout changes without a change to the modules hashed below
KEEP = 4  # cached indexes kept per kind (newest first): a base lexicon and overlays, without growing forever
# What each kind of index is built by: a change to any of these modules' source makes a new file.
TITLE_INDEX = ("title-index", (matching, titles, packing, lexicons_module))  # and how title_aliases.csv is read: its rows are stored
SKILL_TABLE = ("skill-phrases", (skills, lexicons_module, packing))  # how skills.csv is parsed
PROFILES = ("profiles", (profiles, lexicons_module, packing))

T = TypeVar("T")


def cache_key(lexicon_version: str, modules: tuple[ModuleType, ...] = TITLE_INDEX[1]) -> str:
    """What a compiled index depends on: the lexicons and the code that builds it."""
    digest = hashlib.sha256(f"{FORMAT}\0{lexicon_version}\0{np.__version__}".encode())
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_path(lexicons, settings, kind: tuple[str, tuple[ModuleType, ...]] = TITLE_INDEX) -> Path:
    name, modules = kind
    return Path(settings.cache_dir) / f"{name}-{cache_key(lexicons.version, modules)}.npz"


def load_matcher(lexicons, settings) -> TitleMatcher:
    """The title matcher for ``lexicons``: read from the cache when a file for this version exists, else built and stored.

    A stored index holds the alias rows it was built from, so title_aliases.csv is not read (``Classifier.load``
    defers it: ``load_lexicons(defer_aliases=True)``) and the rows are built as keys are read: ~0.25 s of a one-title run."""
    return _load(cache_path(lexicons, settings, TITLE_INDEX),
                 read=lambda arrays: TitleMatcher.from_arrays(arrays, lexicons, settings),
                 build=lambda: TitleMatcher.build(lexicons, settings), to_arrays=lambda m: m.to_arrays(lexicons))


def load_skill_matcher(lexicons, settings) -> SkillMatcher:
    """The skill matcher for ``lexicons``: its phrase table read from the cache when stored for this version.

    A stored table was made from these exact lexicon bytes by this exact code, so skills.csv is not read."""
    return _load(cache_path(lexicons, settings, SKILL_TABLE), read=SkillMatcher,
                 build=lambda: SkillMatcher.build(lexicons), to_arrays=SkillMatcher.to_arrays)


def load_profiles(lexicons, settings) -> ProfileIndex:
    """The occupation profiles for ``lexicons``: read from the cache when stored for this version, else built
    (reading the task and occupation-skill tables) and stored."""
    return _load(cache_path(lexicons, settings, PROFILES), read=ProfileIndex.from_arrays,
                 build=lambda: ProfileIndex.build(lexicons), to_arrays=ProfileIndex.to_arrays)


def _load(path: Path, read: Callable[[dict[str, np.ndarray]], T], build: Callable[[], T],
          to_arrays: Callable[[T], dict[str, np.ndarray]]) -> T:
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as arrays:
                return read(dict(arrays))
        except (OSError, EOFError, ValueError, KeyError, IndexError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            log.warning("index cache %s is unreadable (%s); rebuilding it", path, exc)
    built = build()
    try:
        arrays = to_arrays(built)
    except ValueError as exc:  # a lexicon text the packed format cannot hold (packing.pack: a line break)
        log.warning("index %s cannot be cached (%s); each run will build it", path, exc)
        return built
    _store(path, arrays)
    return built


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
        log.warning("index cache %s cannot be written (%s); each run will build the index", path, exc)
        return
    _prune(path)


def _prune(written: Path) -> None:
    """Keep ``written`` and the KEEP - 1 newest other indexes of its kind: old lexicon versions are never read
    again. A process still reading a removed file keeps its open handle; one about to open it builds the index instead."""
    kind = written.stem.rsplit("-", 1)[0]
    others = [f for f in written.parent.glob(f"{kind}-*.npz") if f != written]
    for old in sorted(others, key=lambda f: f.stat().st_mtime, reverse=True)[KEEP - 1:]:
        try:
            old.unlink()
        except OSError:
            pass  # another process removed it, or it is not ours to remove
