"""The only reader of ``lexicons/``: validates every row as it is read and returns one ``Lexicons`` object.

Every bad value raises ``errors.LexiconError`` naming file, line and column, so a broken lexicon is
fixed in one hop. ``version`` is a short hash over the lexicon files' bytes (plus an overlay's), so any
output can say exactly which lexicons labelled it. Nothing is read at import time: call ``load_lexicons``
once per process and pass the result in.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import abc
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import NoReturn

import yaml

from .errors import LexiconError
from .records import band_of

# The files whose bytes make up ``lexicon_version`` (manifest.yaml and README.md describe them, so are left out).
LEXICON_FILES = (
    "canon_roles.yaml",
    "levels.yaml",
    "onet_roles.csv",
    "title_aliases.csv",
    "skills.csv",
    "occupation_skills.csv",
    "occupation_tasks.csv",
)
# An overlay folder may hold any subset of these; it adds rows, it never replaces shipped ones.
OVERLAY_FILES = ("canon_roles.yaml", "title_aliases.csv", "skills.csv", "overrides.csv")
# Reviewed corrections (``jdclassify review import``): optional in both folders; an overlay's win over the shipped file's.
OVERRIDES_FILE = "overrides.csv"

ALIAS_COLUMNS = ("alias", "role_code", "onet_code", "type", "band", "level", "confidence", "source")
ONET_ROLE_COLUMNS = (
    "role_code", "onet_code", "title", "description", "major_group", "major_group_title",
    "job_zone", "mapping_source", "review_status",
)
SKILL_COLUMNS = ("skill_id", "name", "type", "source", "synonyms", "case_sensitive", "needs_context", "hot", "in_demand")
OCCUPATION_SKILL_COLUMNS = ("onet_code", "skill_id", "hot", "in_demand")
OCCUPATION_TASK_COLUMNS = ("onet_code", "task_id", "task_type", "task")
OVERRIDE_COLUMNS = ("alias", "role_code", "level", "onet_code", "reviewer", "date", "source", "note")
OVERRIDE_SOURCES = ("review", "hand")

ALIAS_TYPES = ("common", "abbreviation", "official", "alternate", "short", "reported", "direct_match")
ALIAS_SOURCES = ("canon", "onet_title", "onet_alternate", "onet_reported", "soc_direct_match")
BANDS = ("high", "medium", "low")
MAPPING_SOURCES = ("curated", "inferred_from_superfunction", "onet")
REVIEW_STATUSES = ("reviewed", "needs_review")
ROLE_STATUSES = ("draft", "reviewed", "approved", "deprecated")
SKILL_TYPES = ("technology", "skill", "knowledge", "competence")
SKILL_SOURCES = ("onet", "esco", "canon")
TASK_TYPES = ("Core", "Supplemental", "")
TRACKS = ("support", "professional", "management", "executive")
CUE_KINDS = ("word", "numeral", "grade")

ONET_CODE = re.compile(r"\d{2}-\d{4}\.\d{2}")
SOC_CODE = re.compile(r"\d{2}-\d{4}(\.\d{2})?")  # a mapping may name a SOC group (15-0000) as well as an occupation
CANON_ROLE_CODE = re.compile(r"[A-Z][A-Z0-9]{1,9}\.[A-Z][A-Z0-9]{0,9}")
ONET_ROLE_CODE = re.compile(r"SOC\d{6}\.\d{2}")
SKILL_ID = re.compile(r"(onet|esco|canon):\S+")
LEVEL_CODE = re.compile(r"[SPME]\d")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Mapping:
    """A role's link to an O*NET/SOC code, with where the link came from and whether a person checked it."""

    code: str
    title: str
    source: str  # curated | inferred_from_superfunction | onet
    review_status: str  # reviewed | needs_review


@dataclass(frozen=True, slots=True)
class RoleLevel:
    """A canon role at one level (e.g. AIMLAM.GEN at P4), as on the canon page."""

    code: str
    title: str
    summary: str
    band: str
    confidence: float
    status: str
    region: str
    version: str
    scope_notes: str


@dataclass(frozen=True, slots=True)
class Role:
    """A role: hand-curated canon (``FUNCTION.FOCUS``) or generated from one O*NET occupation (``SOC<6 digits>.<suffix>``)."""

    code: str
    function_code: str
    function_name: str
    focus: str
    title: str
    description: str
    onet_code: str  # the first 8-digit O*NET-SOC 2019 code among the mappings, or ""
    mappings: tuple[Mapping, ...]
    origin: str  # canon | onet
    status: str
    version: str
    responsibilities: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    knowledge: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    levels: abc.Mapping[str, RoleLevel] = field(default_factory=lambda: MappingProxyType({}))
    job_zone: int | None = None  # O*NET Job Zone 1-5 (generated roles); sets the default level


@dataclass(frozen=True, slots=True)
class AliasRow:
    """One title alias pointing at a role and an O*NET code; ``id`` is ``file:line`` of the row."""

    id: str
    alias: str
    role_code: str
    onet_code: str
    type: str
    band: str
    level: str  # the level the alias implies ("Machine Learning IV" -> P4), else ""
    confidence: float  # prior confidence of this row
    source: str


@dataclass(frozen=True, slots=True)
class Level:
    """One step of the level ladder, with the definition fields of the canon page."""

    code: str
    name: str
    track: str
    rank: int  # position in the ladder as listed in levels.yaml (S1 = 1 ... E4 = 15)
    years_min: int
    years_max: int
    summary: str
    scope: str
    autonomy: str
    complexity: str
    impact: str
    decision_rights: str
    leadership: str


@dataclass(frozen=True, slots=True)
class LevelCue:
    """A title cue: a seniority word, a numeral, a grade pattern (regex) or an employment-type word.

    ``value`` is a level code (``P4``) or, for ``employment_type``, the employment type (``internship``).
    ``lexicon_row`` is ``levels.yaml:<kind>:<pattern>``.
    """

    kind: str  # word | numeral | grade | employment_type
    pattern: str
    value: str
    lexicon_row: str


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    type: str
    source: str
    synonyms: tuple[str, ...]
    case_sensitive: bool  # match only in the written case (R, Go, SQL)
    needs_context: bool  # also an ordinary word (Go, Spark, Excel): needs a technical neighbour to count
    hot: bool
    in_demand: bool
    row: str  # skills.csv:<line>


@dataclass(frozen=True, slots=True)
class Override:
    """A reviewed correction for one normalised title: it decides the labels it names (empty fields are left to the classifier)."""

    alias: str  # normalised with titles.normalise_title
    role_code: str
    level: str
    onet_code: str
    reviewer: str
    date: str  # YYYY-MM-DD
    source: str  # review | hand
    note: str
    row: str  # overrides.csv:<line> (or <overlay>/overrides.csv:<line>)


@dataclass(frozen=True, slots=True)
class Lexicons:
    roles: abc.Mapping[str, Role]
    aliases: tuple[AliasRow, ...]
    levels: abc.Mapping[str, Level]  # in ladder order
    level_cues: tuple[LevelCue, ...]
    employment_types: abc.Mapping[str, tuple[str, ...]]  # type -> cue words
    skills: abc.Mapping[str, Skill]
    occupation_skills: abc.Mapping[str, tuple[str, ...]]  # onet_code -> skill ids
    occupation_tasks: abc.Mapping[str, tuple[str, ...]]  # onet_code -> task statements
    onet_titles: abc.Mapping[str, str]
    version: str
    overrides: abc.Mapping[str, Override] = field(default_factory=lambda: MappingProxyType({}))  # normalised title -> override

    def role_for_onet(self, onet_code: str) -> str:
        """The generated role of an O*NET code (one per occupation; canon roles may share a code, so are not used)."""
        code = onet_role_code(onet_code)
        if code not in self.roles:
            raise KeyError(f"{onet_code!r} is not an O*NET-SOC 2019 code in onet_roles.csv")
        return code


def onet_role_code(onet_code: str) -> str:
    """``15-1252.00`` -> ``SOC151252.00``: the one rule naming generated roles."""
    return "SOC" + onet_code.replace("-", "")


def content_version(files: abc.Iterable[Path]) -> str:
    """Short hash over the files' names and bytes, in the given order: the one definition of lexicon_version."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def lexicon_version(lexicon_dir: Path, overlay_dir: Path | None = None) -> str:
    """The version ``load_lexicons`` reports, from file bytes only (no parsing): ``<base>`` or ``<base>+<overlay>``."""
    files = [Path(lexicon_dir) / name for name in LEXICON_FILES]
    version = content_version(files + [p for p in [Path(lexicon_dir) / OVERRIDES_FILE] if _has_rows(p)])
    if overlay_dir is not None:
        overlay = Path(overlay_dir)
        version += "+" + content_version(p for p in (overlay / n for n in OVERLAY_FILES) if p.is_file())
    return version


def _has_rows(path: Path) -> bool:
    """True when a CSV file exists and holds more than its header (the shipped, empty overrides.csv adds nothing)."""
    if not path.is_file():
        return False
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip()) > 1


def load_lexicons(lexicon_dir: Path | None = None, overlay_dir: Path | None = None) -> Lexicons:
    """Read, validate and index every lexicon file; an overlay folder adds roles, aliases and skills."""
    if lexicon_dir is None:
        from .settings import Settings

        lexicon_dir = Settings().lexicon_dir
    lexicon_dir = Path(lexicon_dir)
    missing = [name for name in LEXICON_FILES if not (lexicon_dir / name).is_file()]
    if missing:
        raise LexiconError(str(lexicon_dir), 0, "-", f"missing lexicon files {missing}",
                           "the files made by scripts/build_lexicons.py and the hand-written YAML files")
    ladder, cues, employment = read_levels(lexicon_dir / "levels.yaml")
    onet_roles = _read_onet_roles(lexicon_dir / "onet_roles.csv")
    onet_titles = {role.onet_code: role.title for role in onet_roles}
    canon_roles, _ = read_canon_roles(lexicon_dir / "canon_roles.yaml", ladder, onet_titles)
    roles: dict[str, Role] = {r.code: r for r in onet_roles}
    for role in canon_roles:
        roles[role.code] = role
    aliases = _read_aliases(lexicon_dir / "title_aliases.csv", roles, ladder, onet_titles)
    skills = _read_skills(lexicon_dir / "skills.csv")
    if overlay_dir is not None:
        overlay_dir = Path(overlay_dir)
        if not overlay_dir.is_dir():
            raise LexiconError(str(overlay_dir), 0, "-", "overlay folder does not exist", "a folder with any of " + ", ".join(OVERLAY_FILES))
        extra_aliases: list[AliasRow] = []
        if (overlay_dir / "canon_roles.yaml").is_file():
            extra_roles, role_aliases = read_canon_roles(overlay_dir / "canon_roles.yaml", ladder, onet_titles, taken=roles,
                                                         label=f"{overlay_dir.name}/canon_roles.yaml")
            roles.update((r.code, r) for r in extra_roles)
            extra_aliases.extend(role_aliases)
        if (overlay_dir / "title_aliases.csv").is_file():
            extra_aliases.extend(_read_aliases(overlay_dir / "title_aliases.csv", roles, ladder, onet_titles,
                                               label=f"{overlay_dir.name}/title_aliases.csv"))
        aliases = aliases + tuple(extra_aliases)
        if (overlay_dir / "skills.csv").is_file():
            skills = {**skills, **_read_skills(overlay_dir / "skills.csv", taken=skills, label=f"{overlay_dir.name}/skills.csv")}
    occupation_skills = _read_occupation_skills(lexicon_dir / "occupation_skills.csv", onet_titles, skills)
    occupation_tasks = _read_occupation_tasks(lexicon_dir / "occupation_tasks.csv", onet_titles)
    overrides: dict[str, Override] = {}
    for folder, label in ((lexicon_dir, OVERRIDES_FILE), (overlay_dir, f"{overlay_dir.name}/{OVERRIDES_FILE}" if overlay_dir else "")):
        if folder is not None and (folder / OVERRIDES_FILE).is_file():
            overrides.update(read_overrides(folder / OVERRIDES_FILE, roles, ladder, onet_titles, label=label))
    return Lexicons(
        roles=MappingProxyType(roles),
        aliases=aliases,
        levels=MappingProxyType(ladder),
        level_cues=cues,
        employment_types=MappingProxyType(employment),
        skills=MappingProxyType(skills),
        occupation_skills=MappingProxyType(occupation_skills),
        occupation_tasks=MappingProxyType(occupation_tasks),
        onet_titles=MappingProxyType(onet_titles),
        version=lexicon_version(lexicon_dir, overlay_dir),
        overrides=MappingProxyType(overrides),
    )


def check_lexicons(lexicon_dir: Path, overlay_dir: Path | None = None) -> list[LexiconError]:
    """Every problem ``load_lexicons`` would stop at, collected: each file is read on its own, so a bad file
    does not hide another's (the first bad row of each file; a file whose inputs are broken is not checked)."""
    lexicon_dir = Path(lexicon_dir)
    problems: list[LexiconError] = []

    def attempt(read, *needs):
        if any(n is None for n in needs):
            return None
        try:
            return read()
        except LexiconError as exc:
            problems.append(exc)
            return None

    problems.extend(LexiconError(str(lexicon_dir / n), 0, "-", "file is missing", "the shipped lexicon file")
                    for n in LEXICON_FILES if not (lexicon_dir / n).is_file())
    if problems:
        return problems
    levels = attempt(lambda: read_levels(lexicon_dir / "levels.yaml"))
    ladder = levels[0] if levels else None
    onet = attempt(lambda: {r.onet_code: r for r in _read_onet_roles(lexicon_dir / "onet_roles.csv")})
    canon = attempt(lambda: read_canon_roles(lexicon_dir / "canon_roles.yaml", ladder, onet)[0], ladder, onet)
    roles = {**{r.code: r for r in onet.values()}, **{r.code: r for r in canon}} if onet is not None and canon is not None else None
    attempt(lambda: _read_aliases(lexicon_dir / "title_aliases.csv", roles, ladder, onet), roles, ladder)
    skills = attempt(lambda: _read_skills(lexicon_dir / "skills.csv"))
    attempt(lambda: _read_occupation_skills(lexicon_dir / "occupation_skills.csv", onet, skills), onet, skills)
    attempt(lambda: _read_occupation_tasks(lexicon_dir / "occupation_tasks.csv", onet), onet)
    if (lexicon_dir / OVERRIDES_FILE).is_file():
        attempt(lambda: read_overrides(lexicon_dir / OVERRIDES_FILE, roles, ladder, onet), roles, ladder, onet)
    if not problems and overlay_dir is not None:
        attempt(lambda: load_lexicons(lexicon_dir, overlay_dir))  # the overlay against the valid shipped files
    return problems


# --------------------------------------------------------------------------------------------- CSV

class _CsvFile:
    """Rows of a CSV file with the exact expected header; ``fail`` names file:line:column."""

    def __init__(self, path: Path, columns: tuple[str, ...], label: str | None = None) -> None:
        self.path, self.columns = path, columns
        self.name = label or path.name
        self.line = 1

    def rows(self) -> abc.Iterator[list[str]]:
        with open(self.path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader, None)
                if header is None or tuple(header) != self.columns:
                    self.fail("header", f"header is {header!r}", "the columns " + ",".join(self.columns))
                width = len(self.columns)
                for row in reader:
                    self.line = reader.line_num
                    if len(row) != width:
                        self.fail("-", f"row has {len(row)} fields", f"{width} fields")
                    yield row
            except csv.Error as exc:
                self.fail("-", f"CSV cannot be parsed: {exc}", "valid RFC 4180 CSV")

    def fail(self, column: str, problem: str, expected: str = "") -> NoReturn:
        raise LexiconError(self.name, self.line, column, problem, expected)

    def choice(self, value: str, column: str, allowed: abc.Container[str], shown: abc.Iterable[str]) -> str:
        if value not in allowed:
            self.fail(column, f"{value!r} is not allowed", "one of " + ", ".join(repr(v) for v in shown))
        return value

    def text(self, value: str, column: str) -> str:
        if not value.strip():
            self.fail(column, "is empty", "a non-empty value")
        return value

    def match(self, value: str, column: str, pattern: re.Pattern, expected: str) -> str:
        if not pattern.fullmatch(value):
            self.fail(column, f"{value!r} is malformed", expected)
        return value

    def flag(self, value: str, column: str) -> bool:
        if value == "true":
            return True
        if value == "false":
            return False
        self.fail(column, f"{value!r} is not a boolean", "true or false")

    def unit(self, value: str, column: str) -> float:
        try:
            number = float(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a number", "a number in [0, 1]")
        if not 0.0 <= number <= 1.0:
            self.fail(column, f"{value} is outside [0, 1]", "a number in [0, 1]")
        return number


def _read_onet_roles(path: Path) -> list[Role]:
    f = _CsvFile(path, ONET_ROLE_COLUMNS)
    roles: list[Role] = []
    seen: set[str] = set()
    for code, onet, title, description, major, major_title, zone, source, review in f.rows():
        f.match(onet, "onet_code", ONET_CODE, "an O*NET-SOC code like 15-1252.00")
        if code != onet_role_code(onet):
            f.fail("role_code", f"{code!r} does not match onet_code {onet!r}", repr(onet_role_code(onet)))
        if code in seen:
            f.fail("role_code", f"{code!r} appears twice", "one row per O*NET occupation")
        seen.add(code)
        if major != onet[:2] + "-0000":
            f.fail("major_group", f"{major!r} is not the major group of {onet}", repr(onet[:2] + "-0000"))
        if zone not in ("", "1", "2", "3", "4", "5"):
            f.fail("job_zone", f"{zone!r} is not a Job Zone", "1-5 or empty")
        f.choice(source, "mapping_source", ("onet",), ("onet",))
        f.choice(review, "review_status", REVIEW_STATUSES, REVIEW_STATUSES)
        roles.append(Role(
            code=code, function_code="SOC" + onet[:2], function_name=f.text(major_title, "major_group_title"),
            focus="", title=f.text(title, "title"), description=description, onet_code=onet,
            mappings=(Mapping(onet, title, source, review),), origin="onet", status=review, version="",
            job_zone=int(zone) if zone else None,
        ))
    return roles


def _read_aliases(path: Path, roles: abc.Mapping[str, Role], ladder: abc.Mapping[str, Level],
                  onet_titles: abc.Mapping[str, str], label: str | None = None) -> tuple[AliasRow, ...]:
    f = _CsvFile(path, ALIAS_COLUMNS, label=label)
    rows: list[AliasRow] = []
    for alias, role_code, onet, kind, band, level, confidence, source in f.rows():
        f.text(alias, "alias")
        if role_code not in roles:
            f.fail("role_code", f"{role_code!r} is not a known role", "a code from canon_roles.yaml or onet_roles.csv")
        if onet and onet not in onet_titles:
            f.fail("onet_code", f"{onet!r} is not an O*NET-SOC 2019 code", "a code from onet_roles.csv, or empty")
        f.choice(kind, "type", ALIAS_TYPES, ALIAS_TYPES)
        f.choice(band, "band", BANDS, BANDS)
        if level and level not in ladder:
            f.fail("level", f"{level!r} is not a level", "a code from levels.yaml, or empty")
        prior = f.unit(confidence, "confidence")
        if band != band_of(prior):
            f.fail("band", f"{band!r} disagrees with confidence {confidence}", repr(band_of(prior)))
        f.choice(source, "source", ALIAS_SOURCES, ALIAS_SOURCES)
        rows.append(AliasRow(f"{f.name}:{f.line}", alias, role_code, onet, kind, band, level, prior, source))
    return tuple(rows)


def _read_skills(path: Path, taken: abc.Container[str] = (), label: str | None = None) -> dict[str, Skill]:
    f = _CsvFile(path, SKILL_COLUMNS, label=label)
    skills: dict[str, Skill] = {}
    for skill_id, name, kind, source, synonyms, case, context, hot, demand in f.rows():
        f.match(skill_id, "skill_id", SKILL_ID, "an id like onet:<commodity>:<slug>, esco:<slug> or canon:<slug>")
        if skill_id in skills or skill_id in taken:
            f.fail("skill_id", f"{skill_id!r} appears twice", "unique skill ids")
        if not skill_id.startswith(source + ":"):
            f.fail("source", f"{source!r} does not match the id prefix of {skill_id!r}", "the id's prefix")
        skills[skill_id] = Skill(
            id=skill_id, name=f.text(name, "name"), type=f.choice(kind, "type", SKILL_TYPES, SKILL_TYPES),
            source=f.choice(source, "source", SKILL_SOURCES, SKILL_SOURCES),
            synonyms=tuple(s for s in synonyms.split("|") if s), case_sensitive=f.flag(case, "case_sensitive"),
            needs_context=f.flag(context, "needs_context"), hot=f.flag(hot, "hot"),
            in_demand=f.flag(demand, "in_demand"), row=f"{f.name}:{f.line}",
        )
    return skills


def _read_occupation_skills(path: Path, onet_titles: abc.Container[str], skills: abc.Container[str]) -> dict[str, tuple[str, ...]]:
    f = _CsvFile(path, OCCUPATION_SKILL_COLUMNS)
    out: dict[str, list[str]] = {}
    for onet, skill_id, hot, demand in f.rows():
        if onet not in onet_titles:
            f.fail("onet_code", f"{onet!r} is not an O*NET-SOC 2019 code", "a code from onet_roles.csv")
        if skill_id not in skills:
            f.fail("skill_id", f"{skill_id!r} is not in skills.csv", "a skill id from skills.csv")
        f.flag(hot, "hot")
        f.flag(demand, "in_demand")
        out.setdefault(onet, []).append(skill_id)
    return {code: tuple(ids) for code, ids in out.items()}


def _read_occupation_tasks(path: Path, onet_titles: abc.Container[str]) -> dict[str, tuple[str, ...]]:
    f = _CsvFile(path, OCCUPATION_TASK_COLUMNS)
    out: dict[str, list[str]] = {}
    for onet, task_id, task_type, task in f.rows():
        if onet not in onet_titles:
            f.fail("onet_code", f"{onet!r} is not an O*NET-SOC 2019 code", "a code from onet_roles.csv")
        if not task_id.isdigit():
            f.fail("task_id", f"{task_id!r} is not a number", "an O*NET task id")
        f.choice(task_type, "task_type", TASK_TYPES, TASK_TYPES)
        out.setdefault(onet, []).append(f.text(task, "task"))
    return {code: tuple(tasks) for code, tasks in out.items()}


def read_overrides(path: Path, roles: abc.Container[str], ladder: abc.Container[str], onet_titles: abc.Container[str],
                   label: str | None = None) -> dict[str, Override]:
    """Reviewed corrections keyed by normalised title; each row names at least one of role, level, O*NET code."""
    from .titles import normalise_title

    f = _CsvFile(path, OVERRIDE_COLUMNS, label=label)
    out: dict[str, Override] = {}
    for alias, role_code, level, onet, reviewer, day, source, note in f.rows():
        key = normalise_title(f.text(alias, "alias"))
        if not key:
            f.fail("alias", f"{alias!r} has no words left after normalising", "a job title")
        if key in out:
            f.fail("alias", f"title {key!r} already has an override at {out[key].row}", "one row per title: delete one")
        if role_code and role_code not in roles:
            f.fail("role_code", f"{role_code!r} is not a known role", "a code from canon_roles.yaml, onet_roles.csv or an overlay, or empty")
        if level and level not in ladder:
            f.fail("level", f"{level!r} is not on the level ladder", "a code from levels.yaml (S1, P1-P6, M1-M4, E1-E4), or empty")
        if onet and onet not in onet_titles:
            f.fail("onet_code", f"{onet!r} is not an O*NET-SOC 2019 code", "a code from onet_roles.csv, or empty")
        if not (role_code or level or onet):
            f.fail("role_code", "the row corrects nothing", "at least one of role_code, level, onet_code")
        f.match(day, "date", ISO_DATE, "a date like 2026-03-02")
        out[key] = Override(key, role_code, level, onet, f.text(reviewer, "reviewer"), day,
                            f.choice(source, "source", OVERRIDE_SOURCES, OVERRIDE_SOURCES), note, f"{f.name}:{f.line}")
    return out


# -------------------------------------------------------------------------------------------- YAML

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same safe rules, faster


class _YamlFile:
    """A YAML file composed into nodes (safe loader only) so every value keeps its line number."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.name = label or path.name
        self._loader = _SAFE_LOADER(path.read_text(encoding="utf-8"))
        try:
            self.root = self._loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise LexiconError(self.name, mark.line + 1 if mark else 0, "-", f"YAML does not parse: {exc.problem}", "valid YAML") from exc
        finally:
            self._loader.dispose()
        if self.root is None:
            raise LexiconError(self.name, 1, "-", "file is empty", "a YAML mapping")

    def fail(self, node: yaml.Node, where: str, problem: str, expected: str = "") -> NoReturn:
        raise LexiconError(self.name, node.start_mark.line + 1, where, problem, expected)

    def fields(self, node: yaml.Node, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, where, "is not a mapping", "a mapping with keys " + ", ".join(required))
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value
            if key not in required and key not in optional:
                self.fail(key_node, f"{where}.{key}", f"unknown key {key!r}", "one of " + ", ".join(required + optional))
            if key in out:
                self.fail(key_node, f"{where}.{key}", f"key {key!r} appears twice", "each key once")
            out[key] = value
        for key in required:
            if key not in out:
                self.fail(node, where, f"key {key!r} is missing", f"a value for {key!r}")
        return out

    def items(self, node: yaml.Node, where: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, where, "is not a list", "a YAML list")
        return node.value

    def pairs(self, node: yaml.Node, where: str) -> list[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, where, "is not a mapping", "a YAML mapping")
        return node.value

    def text(self, node: yaml.Node | None, where: str, *, empty: bool = False, allowed: tuple[str, ...] = (),
             pattern: re.Pattern | None = None, expected: str = "") -> str:
        if node is None:
            return ""
        value = self._loader.construct_object(node, deep=True) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) and not (empty and value is None):
            self.fail(node, where, f"{value!r} is not text", "a string")
        value = value or ""
        if not empty and not value.strip():
            self.fail(node, where, "is empty", "a non-empty value")
        if allowed and value not in allowed:
            self.fail(node, where, f"{value!r} is not allowed", "one of " + ", ".join(allowed))
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(node, where, f"{value!r} is malformed", expected)
        return value

    def number(self, node: yaml.Node, where: str, low: float, high: float, *, integer: bool = False) -> float:
        value = self._loader.construct_object(node, deep=True) if isinstance(node, yaml.ScalarNode) else None
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or not low <= value <= high:
            kind = "an integer" if integer else "a number"
            self.fail(node, where, f"{value!r} is not {kind} in [{low:g}, {high:g}]", f"{kind} in [{low:g}, {high:g}]")
        return value

    def texts(self, node: yaml.Node | None, where: str) -> tuple[str, ...]:
        if node is None:
            return ()
        return tuple(self.text(item, f"{where}[{i}]") for i, item in enumerate(self.items(node, where)))


def read_levels(path: Path) -> tuple[dict[str, Level], tuple[LevelCue, ...], dict[str, tuple[str, ...]]]:
    """The ladder (in order), the title cues and the employment types of levels.yaml."""
    y = _YamlFile(path)
    top = y.fields(y.root, "levels.yaml", ("levels", "employment_types", "level_cues"))
    ladder: dict[str, Level] = {}
    definitions = ("summary", "scope", "autonomy", "complexity", "impact", "decision_rights", "leadership")
    for rank, node in enumerate(y.items(top["levels"], "levels"), start=1):
        where = f"levels[{rank - 1}]"
        f = y.fields(node, where, ("code", "name", "track", "years_min", "years_max") + definitions)
        code = y.text(f["code"], f"{where}.code", pattern=LEVEL_CODE, expected="a code like P4")
        if code in ladder:
            y.fail(f["code"], f"{where}.code", f"{code!r} appears twice", "each level once")
        years_min = int(y.number(f["years_min"], f"{where}.years_min", 0, 60, integer=True))
        years_max = int(y.number(f["years_max"], f"{where}.years_max", years_min, 60, integer=True))
        ladder[code] = Level(
            code=code, name=y.text(f["name"], f"{where}.name"), track=y.text(f["track"], f"{where}.track", allowed=TRACKS),
            rank=rank, years_min=years_min, years_max=years_max,
            **{key: y.text(f[key], f"{where}.{key}") for key in definitions},
        )
    cues: list[LevelCue] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, node: yaml.Node, pattern: str, value: str) -> None:
        key = (kind, pattern.casefold() if kind != "numeral" else pattern)
        if key in seen:
            y.fail(node, kind, f"{kind} cue {pattern!r} appears twice", "each cue once")
        seen.add(key)
        cues.append(LevelCue(kind, pattern, value, f"levels.yaml:{kind}:{pattern}"))

    employment: dict[str, tuple[str, ...]] = {}
    for i, node in enumerate(y.items(top["employment_types"], "employment_types")):
        where = f"employment_types[{i}]"
        f = y.fields(node, where, ("type", "cues"))
        kind = y.text(f["type"], f"{where}.type", allowed=("internship", "contract", "temporary", "part_time", "full_time"))
        words = y.texts(f["cues"], f"{where}.cues")
        employment[kind] = words
        for j, word in enumerate(words):
            add("employment_type", f["cues"].value[j], word, kind)
    groups = y.fields(top["level_cues"], "level_cues", ("words", "numerals", "grades"))
    for group, kind in (("words", "word"), ("numerals", "numeral"), ("grades", "grade")):
        for i, node in enumerate(y.items(groups[group], group)):
            where = f"level_cues.{group}[{i}]"
            f = y.fields(node, where, ("pattern", "level"))
            pattern = y.text(f["pattern"], f"{where}.pattern")
            if kind == "grade":
                try:
                    re.compile(pattern)
                except re.error as exc:
                    y.fail(f["pattern"], f"{where}.pattern", f"{pattern!r} is not a valid regex: {exc}", "a Python regular expression")
            level = y.text(f["level"], f"{where}.level", allowed=tuple(ladder))
            add(kind, f["pattern"], pattern, level)
    return ladder, tuple(cues), employment


def read_canon_roles(path: Path, ladder: abc.Mapping[str, Level], onet_titles: abc.Container[str],
                     taken: abc.Container[str] = (), label: str | None = None) -> tuple[tuple[Role, ...], tuple[AliasRow, ...]]:
    """Canon roles and their aliases (ids ``canon_roles.yaml:<line>``); codes in ``taken`` may not be redefined."""
    y = _YamlFile(path, label)
    top = y.fields(y.root, y.name, ("roles",))
    roles: list[Role] = []
    aliases: list[AliasRow] = []
    codes: set[str] = set()
    lists = ("responsibilities", "tasks", "skills", "knowledge", "competencies", "qualifications")
    for i, node in enumerate(y.items(top["roles"], "roles")):
        where = f"roles[{i}]"
        f = y.fields(node, where, ("code", "function_code", "function_name", "focus", "title", "description",
                                   "status", "version", "mappings"),
                     ("region", "aliases", "levels") + lists)
        code = y.text(f["code"], f"{where}.code", pattern=CANON_ROLE_CODE, expected="FUNCTION.FOCUS, e.g. AIMLAM.GEN")
        where = f"roles[{code}]"
        if code in codes or code in taken:
            y.fail(f["code"], f"{where}.code", f"{code!r} is defined twice", "each role code once")
        codes.add(code)
        function_code = y.text(f["function_code"], f"{where}.function_code")
        if code.split(".")[0] != function_code:
            y.fail(f["function_code"], f"{where}.function_code", f"{function_code!r} is not the prefix of {code!r}", repr(code.split(".")[0]))
        mappings = []
        for j, m in enumerate(y.items(f["mappings"], f"{where}.mappings")):
            mw = f"{where}.mappings[{j}]"
            mf = y.fields(m, mw, ("code", "title", "source", "review_status"))
            mcode = y.text(mf["code"], f"{mw}.code", pattern=SOC_CODE, expected="a SOC code like 15-0000 or 15-2051.00")
            if ONET_CODE.fullmatch(mcode) and mcode not in onet_titles:
                y.fail(mf["code"], f"{mw}.code", f"{mcode!r} is not an O*NET-SOC 2019 occupation", "a code from onet_roles.csv")
            mappings.append(Mapping(mcode, y.text(mf["title"], f"{mw}.title"),
                                    y.text(mf["source"], f"{mw}.source", allowed=MAPPING_SOURCES),
                                    y.text(mf["review_status"], f"{mw}.review_status", allowed=REVIEW_STATUSES)))
        primary = next((m.code for m in mappings if ONET_CODE.fullmatch(m.code)), "")
        levels: dict[str, RoleLevel] = {}
        for level_node, entry in (y.pairs(f["levels"], f"{where}.levels") if "levels" in f else ()):
            level = y.text(level_node, f"{where}.levels", allowed=tuple(ladder))
            lw = f"{where}.levels[{level}]"
            lf = y.fields(entry, lw, ("title", "band", "confidence", "status"), ("summary", "region", "version", "scope_notes", "aliases"))
            confidence, band = _band_and_confidence(y, lf, lw)
            levels[level] = RoleLevel(
                code=level, title=y.text(lf["title"], f"{lw}.title"), summary=y.text(lf.get("summary"), f"{lw}.summary", empty=True),
                band=band, confidence=confidence, status=y.text(lf["status"], f"{lw}.status", allowed=ROLE_STATUSES),
                region=y.text(lf.get("region"), f"{lw}.region", empty=True), version=y.text(lf.get("version"), f"{lw}.version", empty=True),
                scope_notes=y.text(lf.get("scope_notes"), f"{lw}.scope_notes", empty=True),
            )
            aliases.extend(_canon_aliases(y, lf.get("aliases"), f"{lw}.aliases", code, primary, level))
        aliases.extend(_canon_aliases(y, f.get("aliases"), f"{where}.aliases", code, primary, ""))
        roles.append(Role(
            code=code, function_code=function_code, function_name=y.text(f["function_name"], f"{where}.function_name"),
            focus=y.text(f["focus"], f"{where}.focus"), title=y.text(f["title"], f"{where}.title"),
            description=y.text(f["description"], f"{where}.description"), onet_code=primary, mappings=tuple(mappings),
            origin="canon", status=y.text(f["status"], f"{where}.status", allowed=ROLE_STATUSES),
            version=y.text(f["version"], f"{where}.version"),
            levels=MappingProxyType(levels), **{key: y.texts(f.get(key), f"{where}.{key}") for key in lists},
        ))
    return tuple(roles), tuple(aliases)


def _band_and_confidence(y: _YamlFile, f: dict[str, yaml.Node], where: str) -> tuple[float, str]:
    confidence = float(y.number(f["confidence"], f"{where}.confidence", 0.0, 1.0))
    band = y.text(f["band"], f"{where}.band", allowed=BANDS)
    if band != band_of(confidence):
        y.fail(f["band"], f"{where}.band", f"{band!r} disagrees with confidence {confidence}", repr(band_of(confidence)))
    return confidence, band


def _canon_aliases(y: _YamlFile, node: yaml.Node | None, where: str, role: str, onet: str, level: str) -> list[AliasRow]:
    rows = []
    for k, item in enumerate(y.items(node, where) if node is not None else ()):
        aw = f"{where}[{k}]"
        af = y.fields(item, aw, ("alias", "type", "band", "confidence"))
        confidence, band = _band_and_confidence(y, af, aw)
        rows.append(AliasRow(
            id=f"{y.name}:{item.start_mark.line + 1}", alias=y.text(af["alias"], f"{aw}.alias"), role_code=role,
            onet_code=onet, type=y.text(af["type"], f"{aw}.type", allowed=ALIAS_TYPES), band=band, level=level,
            confidence=confidence, source="canon",
        ))
    return rows
