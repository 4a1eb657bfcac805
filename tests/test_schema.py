import json

import pyarrow as pa

from jdclassify.errors import QuarantineReason
from jdclassify.records import QuarantineRecord
from jdclassify.schema import (
    COLUMNS,
    OUTPUT_SCHEMA,
    QUARANTINE_COLUMNS,
    SCHEMA_VERSION,
    quarantine_row,
    quarantine_to_table,
    rows_to_table,
    to_row,
)


def test_columns_start_with_the_agreed_order_and_end_with_provenance():
    assert COLUMNS[:21] == (
        "id", "title", "role_code", "role_name", "role_confidence", "level", "level_confidence",
        "employment_type", "canon_code", "onet_code", "onet_title", "onet_confidence", "onet_alternatives",
        "skills", "years_experience_min", "education", "manages_people", "needs_review", "evidence",
        "lexicon_version", "schema_version",
    )
    assert COLUMNS[21:] == ("source", "content_hash", "run_id", "run_date")
    assert OUTPUT_SCHEMA.names == list(COLUMNS)
    assert OUTPUT_SCHEMA.field("onet_alternatives").type == pa.list_(
        pa.struct([("code", pa.string()), ("title", pa.string()), ("confidence", pa.float64())])
    )


def test_to_row_fills_every_column_and_types_round_trip_through_arrow(make_classification):
    row = to_row(make_classification(), run_id="r1", run_date="2024-05-01")
    assert list(row) == list(COLUMNS)
    assert row["schema_version"] == SCHEMA_VERSION
    assert row["role_code"] == "SE.BACKEND" and row["level"] == "P4" and row["onet_code"] == "15-1252.00"
    evidence = json.loads(row["evidence"])
    assert evidence["level"]["rule"] == "title seniority word"
    assert evidence["role"]["evidence"] == ["title alias 'backend engineer'"]
    table = rows_to_table([row, to_row(make_classification(id="p2", years_experience_min=None))])
    assert table.schema.equals(OUTPUT_SCHEMA, check_metadata=False)
    back = table.to_pylist()
    assert back[0]["onet_alternatives"] == [{"code": "15-1253.00", "title": "Software QA Analysts", "confidence": 0.07}]
    assert back[1]["years_experience_min"] is None


def test_quarantine_row_stores_the_reason_code():
    q = QuarantineRecord(QuarantineReason.MALFORMED_JSON, "line is not JSON", "feed.jsonl", 7, "{oops", "")
    row = quarantine_row(q, run_id="r1")
    assert list(row) == list(QUARANTINE_COLUMNS)
    assert row["reason"] == "malformed_json"
    assert quarantine_to_table([row]).num_rows == 1
