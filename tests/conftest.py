"""Shared test setup: quiet Prefect (no analytics, no update checks) and one Prefect test server per session.

Only the flow tests use ``prefect_harness``; starting it costs seconds, so it is session-scoped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from jdclassify.records import Alternative, Classification, Label

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
if str(ROOT) not in sys.path:  # so ``import flows.batch`` works from any test folder
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _classification(**overrides) -> Classification:
    values = dict(
        id="p1",
        title="Senior Backend Engineer",
        role=Label("SE.BACKEND", 0.91, "canon alias", ("title alias 'backend engineer'",)),
        role_name="Backend Engineer",
        level=Label("P4", 0.85, "title seniority word", ("'Senior'",)),
        employment_type="full_time",
        canon_code="SE.BACKEND.P4",
        onet=Label("15-1252.00", 0.88, "title match", ()),
        onet_title="Software Developers",
        onet_alternatives=(Alternative("15-1253.00", "Software QA Analysts", 0.07),),
        skills=("onet:python", "onet:sql"),
        years_experience_min=5,
        education="bachelor",
        manages_people=False,
        needs_review=False,
        lexicon_version="abc123",
        source="feed.jsonl",
        content_hash="h1",
    )
    values.update(overrides)
    return Classification(**values)


@pytest.fixture
def make_classification():
    """A factory for a realistic Classification; keyword arguments override fields."""
    return _classification
