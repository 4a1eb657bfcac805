"""One error hierarchy, and the closed set of quarantine reason codes.

Messages say what was wrong and what to do about it.
"""

from __future__ import annotations

from enum import Enum


class JdclassifyError(Exception):
    """Base class: every error the library raises on purpose."""


class LexiconError(JdclassifyError):
    """A lexicon file is malformed. Names the file, line and column, and what was expected."""

    def __init__(self, file: str, line: int, column: str, problem: str, expected: str = "") -> None:
        self.file, self.line, self.column, self.problem, self.expected = file, line, column, problem, expected
        where = f"{file}:{line}:{column}"
        hint = f" (expected {expected})" if expected else ""
        super().__init__(f"{where}: {problem}{hint}. Fix the row, or rebuild generated files with scripts/build_lexicons.py.")


class InputError(JdclassifyError):
    """An input cannot be read at all (missing file, unknown format, unreadable directory)."""


class OutputError(JdclassifyError):
    """Output cannot be written (unwritable path, full disk). Earlier output is left intact."""


class ConfigError(JdclassifyError):
    """A setting is invalid (names the setting and the allowed values)."""


class QuarantineReason(str, Enum):
    """Why a record was quarantined. Closed set; documented in lexicons/README.md and docs.

    Values are stable codes stored in the quarantine table.
    """

    NO_CONTENT = "no_content"  # neither a usable title nor a description
    UNDECODABLE = "undecodable"  # bytes that are not valid text in any supported encoding
    MALFORMED_JSON = "malformed_json"  # a JSON line/document that does not parse
    MALFORMED_ROW = "malformed_row"  # a CSV/TSV row that cannot be parsed (wrong quoting, too many fields)
    WRONG_TYPE = "wrong_type"  # a field of the wrong type (title is a list, record is not an object, ...)
    OVERSIZED = "oversized"  # a field or record above the configured size cap
    DUPLICATE_ID = "duplicate_id"  # an id already seen in this run with different content
    PROCESSING_ERROR = "processing_error"  # classification failed for this record (bug or resource limit)
    UNSUPPORTED_FORMAT = "unsupported_format"  # a file in an input directory that no reader understands
