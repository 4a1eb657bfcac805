"""The spaCy pipeline: a blank English tokenizer and nothing else.

No statistical models (no downloads, deterministic). Skill matching runs PhraseMatchers over the
tokens (``skills.py``); years, education and management are read with regexes on the raw text
(``experience.py``) because the tokenizer is most of the cost and they do not need tokens.
"""

from __future__ import annotations

import spacy
from spacy.language import Language


def build_nlp() -> Language:
    """A blank English pipeline (tokenizer only). Build once per process and pass it in."""
    return spacy.blank("en")
