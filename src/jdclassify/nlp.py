"""The spaCy pipeline: a blank English tokenizer and nothing else.

No statistical models (no downloads, deterministic). It tokenises only the short windows around skill
hits whose rules read neighbouring tokens (``skills.py``); skills are found by automata over the raw text,
and years, education and management with regexes (``experience.py``), because tokenising whole
descriptions was most of their cost.
"""

from __future__ import annotations

import spacy
from spacy.attrs import IDS
from spacy.language import Language

# The lexeme attributes the rules read (skills.py); spaCy computes all ~20 for every new word.
LEXEME_ATTRS = ("LOWER", "IS_ALPHA", "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_UPPER")


def build_nlp() -> Language:
    """A blank English pipeline (tokenizer only). Build once per process and pass it in."""
    nlp = spacy.blank("en")
    keep = {IDS[name] for name in LEXEME_ATTRS}
    nlp.vocab.lex_attr_getters = {k: f for k, f in nlp.vocab.lex_attr_getters.items() if k in keep}
    return nlp
