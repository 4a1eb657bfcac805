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
# The tokenizer caches how it split each whitespace-separated chunk, up to max_cache_size chunks (spaCy's
# default: 10,000). Compiling the skill phrases fills that on its own, and a chunk that finds the cache full
# is split from scratch every time: descriptions tokenised 2.2x slower (1,200 vs 540 us each, measured).
# Room for the phrases and for the descriptions' own words costs ~20 MB and stays bounded.
TOKENIZER_CACHE_CHUNKS = 300_000


def build_nlp() -> Language:
    """A blank English pipeline (tokenizer only). Build once per process and pass it in."""
    nlp = spacy.blank("en")
    keep = {IDS[name] for name in LEXEME_ATTRS}
    nlp.vocab.lex_attr_getters = {k: f for k, f in nlp.vocab.lex_attr_getters.items() if k in keep}
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS
    return nlp
