"""jdclassify: classify job postings into a canon role, a level and an O*NET-SOC code.

``from jdclassify import Classifier`` is lazy: nothing is loaded until ``Classifier.load()``.
"""

from __future__ import annotations

__all__ = ["Classifier"]


def __getattr__(name: str):
    if name == "Classifier":
        from .classify import Classifier

        return Classifier
    raise AttributeError(f"module 'jdclassify' has no attribute {name!r}")
