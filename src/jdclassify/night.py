"""Tonight's feed planned against the nightly state (``nightly_state``), record by record as it is read.

A posting is new (its id is not in the state), changed (its content hash differs from the state's), or
unchanged; only new and changed postings are classified, and a changed one's old version is recorded as
superseded. Once the feed is read, every open posting it lacks is closed. Nothing is deleted.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from .errors import QuarantineReason
from .io.readers import RawRecord, Record
from .nightly_state import CLOSED, OPEN, State
from .records import Posting, QuarantineRecord
from .run import ChunkResult

SUPERSEDED_SCHEMA = pa.schema(
    [("id", pa.string()), ("content_hash", pa.string()), ("run_id", pa.string()),
     ("superseded_by_hash", pa.string()), ("superseded_by_run_id", pa.string()), ("superseded_on", pa.string())]
)
CLOSED_SCHEMA = pa.schema(
    [("id", pa.string()), ("content_hash", pa.string()), ("run_id", pa.string()),
     ("closed_on", pa.string()), ("closed_by_run_id", pa.string())]
)


def posting_hash(p: Posting) -> str:
    """The posting's content hash (the reader's, else one over the fields that affect labels)."""
    if p.content_hash:
        return p.content_hash
    text = "\x1f".join((p.title, p.description, p.company, p.location, p.employment_type))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def raw_hash(record: RawRecord) -> str:
    """A hash of the record as read (every field cleaning reads): the same raw record cleans to the same posting."""
    p = record.posting
    text = "\x1f".join((p.title, p.description, p.company, p.location, p.posted_date, p.url, p.employment_type))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Night:
    """Tonight's feed against the state, planned record by record as it is read.

    ``stand_in`` (given to ``run.cleaned``) spares cleaning a raw record whose raw hash the state holds: it stands
    for the stored version (its content hash), which ``plan`` finds unchanged. Cleaning is most of what
    reading costs, and most of a night's feed is unchanged. ``plan`` compares each record with the state and
    returns what to classify (new and changed postings, and records the reader quarantined) or None; ``labelled``
    makes a classified posting's new version current; ``close`` closes the postings tonight's feed lacks.
    ``postings`` is the next state: the Night takes over ``state.postings`` (a StateTable) and updates it in place.
    Which ids tonight's feed held: a bool per loaded state row, and a set of the other ids only.
    """

    def __init__(self, state: State, run_date: str, run_id: str) -> None:
        self.run_date, self.run_id = run_date, run_id
        self.postings = state.postings
        self.pending: dict[str, tuple[dict, dict | None]] = {}  # id -> (state row, superseded row) applied once labelled
        self._seen_rows = np.zeros(self.postings.loaded, dtype=bool)  # state rows whose id tonight's feed holds
        self._seen_new: set[str] = set()  # ids tonight's feed holds that the state did not
        self.superseded: list[dict] = []
        self.closed: list[dict] = []
        self.counts = {"read": 0, "unchanged": 0, "reopened": 0, "new": 0, "changed": 0}

    def _see(self, pid: str) -> bool:
        """Note that tonight's feed holds ``pid``; True if it was noted before."""
        row = self.postings.row_of(pid)
        if row is not None and row < len(self._seen_rows):
            before, self._seen_rows[row] = bool(self._seen_rows[row]), True
            return before
        if pid in self._seen_new:
            return True
        self._seen_new.add(pid)
        return False

    def stand_in(self, record: RawRecord) -> Posting | None:
        """A stand-in for the stored version (its content hash) if the state holds this raw record's raw hash, else None."""
        p = record.posting
        row = self.postings.row_of(p.id) if p.id else None
        if row is not None and self.postings.get(row, "raw_hash") == raw_hash(record):
            return Posting(id=p.id, title=p.title, source=p.source, line=p.line, content_hash=self.postings.get(row, "content_hash"))
        return None

    def plan(self, item: Record, cleaned_from: RawRecord | None = None) -> Record | None:
        """``item`` if it is to be classified (new, changed, or quarantined), else None (unchanged). ``cleaned_from``:
        the raw record ``item`` was cleaned from, whose raw hash lets the next night skip cleaning it."""
        self.counts["read"] += 1
        if isinstance(item, QuarantineRecord):
            self._see(item.id)
            return item
        if self._see(item.id):
            return QuarantineRecord(QuarantineReason.DUPLICATE_ID.value, "id appears again in tonight's feed",
                                    item.source, item.line, item.title[:200], item.id)
        raw = raw_hash(cleaned_from) if cleaned_from is not None else None
        state, digest, old = self.postings, posting_hash(item), self.postings.row_of(item.id)
        if old is not None:
            self.counts["reopened"] += state.get(old, "status") == CLOSED
            state.set(old, last_seen=self.run_date, status=OPEN)  # seen tonight; stays current until a new version is labelled
            if state.get(old, "content_hash") == digest:
                self.counts["unchanged"] += 1
                if raw is not None and raw != state.get(old, "raw_hash"):
                    state.set(old, raw_hash=raw)
                return None
        self.counts["changed" if old is not None else "new"] += 1
        new = {"id": item.id, "content_hash": digest, "run_id": self.run_id,
               "first_seen": state.get(old, "first_seen") if old is not None else self.run_date,
               "last_seen": self.run_date, "status": OPEN, "raw_hash": raw}
        replaced = old is not None and {"id": item.id, "content_hash": state.get(old, "content_hash"), "run_id": state.get(old, "run_id"),
                                        "superseded_by_hash": digest, "superseded_by_run_id": self.run_id, "superseded_on": self.run_date}
        self.pending[item.id] = (new, replaced or None)
        return item

    def labelled(self, result: ChunkResult) -> None:
        """Labelled postings' new versions become current (quarantined ones are tried again next night)."""
        for row in result.rows:
            new, replaced = self.pending.pop(row["id"])
            self.postings.put(new)
            if replaced:
                self.superseded.append(replaced)

    def close(self) -> list[dict]:
        """Once the whole feed is read: close every open posting it lacks (in state row order)."""
        state = self.postings
        gone = ~self._seen_rows & state.where("status", OPEN)[: state.loaded]
        ids = state.ids() if gone.any() else []
        for row in np.flatnonzero(gone).tolist():
            self.closed.append({"id": ids[row], "content_hash": state.get(row, "content_hash"), "run_id": state.get(row, "run_id"),
                                "closed_on": self.run_date, "closed_by_run_id": self.run_id})
            state.set(row, status=CLOSED)
        return self.closed
