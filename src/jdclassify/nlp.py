"""The spaCy pipeline: a blank English tokenizer and nothing else.

No statistical models (no downloads, deterministic). Skill matching runs PhraseMatchers over the
tokens (``skills.py``); years, education and management are read with regexes on the raw text
(``experience.py``) because the tokenizer is most of the cost and they do not need tokens.
"""

from __future__ import annotations

import spacy
from spacy.attrs import IDS
from spacy.language import Language

# The lexeme attributes the rules read (skills.py); spaCy computes all ~20 for every new word, and
# shape, prefix, suffix, like_url and the rest cost a fifth of building the skill PhraseMatchers.
LEXEME_ATTRS = ("LOWER", "IS_ALPHA", "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_UPPER")


def build_nlp() -> Language:
    """A blank English pipeline (tokenizer only). Build once per process and pass it in."""
    nlp = spacy.blank("en")
    keep = {IDS[name] for name in LEXEME_ATTRS}
    nlp.vocab.lex_attr_getters = {k: f for k, f in nlp.vocab.lex_attr_getters.items() if k in keep}
    return nlp
