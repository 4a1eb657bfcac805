"""Every default in one place, overridable from environment variables or a TOML file.

Environment variables are ``JDCLASSIFY_<FIELD>`` in upper case (``JDCLASSIFY_CHUNK_SIZE=5000``);
a TOML file has the same field names under ``[jdclassify]``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_TITLE_LOCALE = "en-US"  # O*NET's own English: no regional title_words.csv rows


@dataclass(frozen=True, slots=True)
class Settings:
    # where the shipped lexicons live; an overlay folder adds an organisation's own roles/aliases
    lexicon_dir: Path = Path(__file__).resolve().parents[2] / "lexicons"
    overlay_dir: Path | None = None
    cache_dir: Path = Path.home() / ".cache" / "jdclassify"
    # ingest caps: a field or record larger than this is quarantined as ``oversized``
    max_field_chars: int = 200_000
    max_record_bytes: int = 2_000_000
    max_html_tags: int = 50_000  # an HTML page with more "<" is quarantined: parsing deep nesting is quadratic
    # classification
    review_threshold: float = 0.50  # a label below this confidence sets needs_review
    fuzzy_cutoff: float = 0.50  # blended title-match scores below this are not candidates (calibration was fitted at 0.5)
    shortlist_size: int = 200  # aliases per title considered by the fuzzy matcher
    top_candidates: int = 10
    # whose English the titles are in: "en-US" reads them as O*NET does; a region with title_words.csv rows of its own
    # ("en-GB", "en-IN") reads those first, over O*NET's American aliases ("Solicitor": a lawyer, not a telemarketer;
    # "Company Secretary": a compliance officer, not a secretary)
    title_locale: str = DEFAULT_TITLE_LOCALE
    # batching and scale
    chunk_size: int = 2_000
    nlp_batch_size: int = 256
    workers: int = 1
    worker_restarts: int = 2  # fresh workers when one dies (killed out of memory), so many times a run (run.WorkerPool)
    # flows/nightly.py: when the nightly flow runs once served (cron, server time zone)
    nightly_cron: str = "0 2 * * *"

    @classmethod
    def load(cls, toml_path: str | os.PathLike | None = None, env: dict[str, str] | None = None) -> "Settings":
        """Defaults, then the TOML file (if any), then ``JDCLASSIFY_*`` environment variables."""
        settings = cls()
        if toml_path is not None:
            with open(toml_path, "rb") as fh:
                settings = settings.with_values(tomllib.load(fh).get("jdclassify", {}), origin=str(toml_path))
        env = os.environ if env is None else env
        from_env = {f.name: env[f"JDCLASSIFY_{f.name.upper()}"] for f in fields(cls) if f"JDCLASSIFY_{f.name.upper()}" in env}
        return settings.with_values(from_env, origin="environment")

    def with_values(self, values: dict, origin: str = "arguments") -> "Settings":
        """A copy with ``values`` converted to each field's type; unknown or bad values raise ConfigError."""
        known = {f.name: f for f in fields(self)}
        converted = {}
        for name, raw in values.items():
            if name not in known:
                raise ConfigError(f"{origin}: unknown setting {name!r}; known settings: {', '.join(sorted(known))}")
            default = getattr(self, name)
            try:
                converted[name] = _convert(raw, default, name)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{origin}: setting {name!r} = {raw!r} is invalid: {exc}") from exc
        return replace(self, **converted)


def _convert(raw, default, name):
    if raw is None:
        return None
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ValueError("expected true or false")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        value = float(raw)
        if name.endswith(("threshold", "cutoff")) and not 0.0 <= value <= 1.0:
            raise ValueError("expected a number in [0, 1]")
        return value
    if isinstance(default, Path) or name.endswith("_dir"):
        return Path(raw).expanduser()
    if name == "title_locale" and not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", str(raw)):
        raise ValueError("expected a language and region such as en-US or en-GB")
    return raw
