"""In-memory alias rows (the fields of lexicons.AliasRow) and the lexicons a title matcher reads, shared by the matcher tests."""

from types import SimpleNamespace


def alias_row(i, alias, code, source="onet_alternate", confidence=0.8, role=None):
    return SimpleNamespace(id=f"title_aliases.csv:{i}", alias=alias, role_code=role or "SOC" + code.replace("-", ""),
                           onet_code=code, type="common", band="high", level="", confidence=confidence, source=source)


def title_lexicons(aliases, **more):
    """What ``TitleMatcher.build`` reads of a Lexicons: ``aliases``, no task statements or foreign words unless given."""
    return SimpleNamespace(**{"aliases": aliases, "occupation_tasks": {}, "title_words": {}, "title_heads_first": frozenset(), **more})


# three occupations, each with its O*NET title and one other alias
OCCUPATION_ALIASES = (
    alias_row(2, "Software Developers", "15-1252.00", "onet_title", 0.9),
    alias_row(3, "Backend Developer", "15-1252.00"),
    alias_row(4, "Civil Engineers", "17-2051.00", "onet_title", 0.9),
    alias_row(5, "Structural Engineer", "17-2051.00"),
    alias_row(6, "Registered Nurses", "29-1141.00", "onet_title", 0.9),
    alias_row(7, "Staff Nurse", "29-1141.00", "onet_reported"),
)
