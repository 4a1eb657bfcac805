"""Regex scans tried only where a match can start: Python's ``re`` tries every alternative at every position
of a text, so a ``\\b(?:a|b|…)`` pattern costs ~40 µs per 2k-character description even when nothing
matches. Most of our patterns cannot match without one of a few gate words, and start at a gate word or a
few words before one: testing for the words (``in`` runs in C) and matching only there gives the same
matches for a fraction of the cost. Used by experience.py (cues) and clean.py (boilerplate).

``key`` is the text casefolded with every whitespace character as one space (and the characters
IGNORECASE also equates with i), so a plain ``in`` on it is a safe pre-check for a case-insensitive pattern.
"""

from __future__ import annotations

import re
from typing import Collection, Iterable, Iterator, Mapping

_KEY_TABLE = str.maketrans({**{chr(c): " " for c in range(0x3000 + 1) if chr(c).isspace()}, "\u0130": "i", "\u0131": "i"})
_WORD_START = re.compile(r"\b\w")


def gate_key(text: str) -> str:
    """The text gates are checked on (see above); compute once per text."""
    return text.translate(_KEY_TABLE).casefold()


def may_match(key: str, text: str, words: tuple[str, ...], cased: tuple[str, ...] = ()) -> bool:
    """True when a pattern gated on ``words`` (in ``key``) or ``cased`` words (in ``text``) may match."""
    return any(w in key for w in words) or any(w in text for w in cased)


def matches_at(rx: re.Pattern, text: str, starts: Iterable[int]) -> Iterator[re.Match]:
    """``rx.finditer(text)`` when every match starts at one of ``starts`` (ascending): tries only those.

    ``rx.match(text, pos)`` still sees the text before ``pos`` (look-behinds and word boundaries)."""
    end = 0
    for pos in starts:
        if pos >= end and (m := rx.match(text, pos)):
            end = m.end()
            yield m


def occurrences(key: str, words: tuple[str, ...]) -> list[int]:
    """Where each of ``words`` starts in ``key``, every occurrence (overlapping ones too), word by word."""
    out = []
    for w in words:
        at = key.find(w)
        while at >= 0:
            out.append(at)
            at = key.find(w, at + 1)
    return out


class GateWords:
    """The gate words of several pattern families, found in a key in one pass of an Aho-Corasick automaton
    (compiled code): an ``in`` or ``find`` per word scans the whole key once per word, and the experience
    patterns alone have ~60 words. ``find(key)[family]`` holds the same offsets as ``occurrences``."""

    __slots__ = ("_spec", "_words", "_families", "_automaton")

    def __init__(self, families: Mapping[str, tuple[str, ...]]) -> None:
        self._spec = dict(families)
        self._words = list(dict.fromkeys(w for words in families.values() for w in words))
        self._families = [tuple(f for f, words in families.items() if w in words) for w in self._words]
        self._automaton = None  # built on first use: no work at import time

    def find(self, key: str) -> dict[str, list[int]]:
        """Family -> where its words start in ``key`` (unsorted); a family with no word in ``key`` is absent."""
        if self._automaton is None:  # a DFA: ~40 % faster than the default NFA, and small for a few dozen words
            from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

            self._automaton = AhoCorasick(self._words, matchkind=MatchKind.Standard, implementation=Implementation.DFA)
        try:
            hits = self._automaton.find_matches_as_indexes(key, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate (a JSON "\ud800" given through the API) has no UTF-8
            return {family: at for family, words in self._spec.items() if (at := occurrences(key, words))}
        found: dict[str, list[int]] = {}
        families = self._families
        for i, start, _ in hits:
            for family in families[i]:
                if family in found:
                    found[family].append(start)
                else:
                    found[family] = [start]
        return found


def gated(rx: re.Pattern, text: str, key: str, words: tuple[str, ...], reach: int | None):
    """``rx.finditer(text)`` for a pattern that needs one of ``words`` (in ``key``) and whose matches start at
    most ``reach`` characters before one: tried only at the word starts that close to where the words
    occur (``reach`` None: the whole text is scanned)."""
    return gated_at(rx, text, key, occurrences(key, words), reach)


def gated_at(rx: re.Pattern, text: str, key: str, at: Collection[int], reach: int | None):
    """``gated`` given where its gate words start in ``key`` (``occurrences`` or ``GateWords.find``)."""
    if not at:
        return ()
    if reach is None or len(key) != len(text):  # casefolding changed the length: offsets in key are not text's
        return rx.finditer(text)
    if reach:
        starts = {m.start() for a in at for m in _WORD_START.finditer(key, max(0, a - reach), a + 1)}
    else:
        starts = set(at)
    return matches_at(rx, text, sorted(starts))
