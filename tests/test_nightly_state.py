"""The nightly state table: columns that read and write the rows a list of dicts would."""

import pyarrow as pa

from jdclassify.nightly_state import STATE_SCHEMA, StateTable, _Strings


def test_state_table_round_trips_and_edits_in_place(monkeypatch):
    """The columnar state reads and writes the same rows a list of dicts would, sorted by id, whatever was edited."""
    rows = [{"id": f"x{i:03d}", "content_hash": f"c{i}", "run_id": f"r{i % 3}", "first_seen": "d0", "last_seen": f"d{i % 2}",
             "status": "open" if i % 4 else "closed", "raw_hash": None if i % 5 == 0 else f"w{i}"} for i in range(200)][::-1]
    table = StateTable.from_rows(rows)
    assert len(table) == 200 and table.row("x007") == rows[200 - 1 - 7] and "x300" not in table
    assert table.to_arrow().to_pylist() == sorted(rows, key=lambda r: r["id"]) and table.to_arrow().schema == STATE_SCHEMA

    expected = {r["id"]: dict(r) for r in rows}
    table.set(table.row_of("x010"), content_hash="c10b", run_id="r9", status="closed")
    expected["x010"].update(content_hash="c10b", run_id="r9", status="closed")
    monkeypatch.setattr(_Strings, "SEAL", 7)  # appended rows are sealed into pyarrow chunks as they come
    for i in range(300, 320):
        new = {"id": f"x{i}", "content_hash": f"c{i}", "run_id": "r9", "first_seen": "d9", "last_seen": "d9", "status": "open",
               "raw_hash": f"w{i}"}
        table.put(new)
        expected[new["id"]] = new
    table.put({**expected["x305"], "raw_hash": "w305b"})
    expected["x305"]["raw_hash"] = "w305b"
    for i in range(20, 40):  # edits are folded into the columns 7 at a time
        table.set(table.row_of(f"x{i:03d}"), raw_hash=f"v{i}")
        expected[f"x{i:03d}"]["raw_hash"] = f"v{i}"
    assert table.row("x039") == expected["x039"] and table.row("x021") == expected["x021"]
    assert len(table) == 220 and table.loaded == 200 and table.row("x312") == expected["x312"]
    assert table.to_arrow().to_pylist() == [expected[k] for k in sorted(expected)]
    assert StateTable.from_rows([{**rows[0], "content_hash": "old"}, rows[1], rows[0]]).to_arrow().to_pylist() == sorted(rows[:2], key=lambda r: r["id"])
    older = pa.Table.from_pylist(rows[:3], schema=STATE_SCHEMA).drop_columns(["raw_hash"])  # a state file from before raw_hash
    assert StateTable(older).to_arrow().to_pylist() == sorted(({**r, "raw_hash": None} for r in rows[:3]), key=lambda r: r["id"])
