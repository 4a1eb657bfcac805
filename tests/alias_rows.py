"""In-memory alias rows (the fields of lexicons.AliasRow) and the lexicons a title matcher reads, shared by the matcher tests."""

from types import SimpleNamespace

from jdclassify.lexicons import PersonNouns, TitleTechnologies, TitleWords


def alias_row(i, alias, code, source="onet_alternate", confidence=0.8, role=None):
    return SimpleNamespace(id=f"title_aliases.csv:{i}", alias=alias, role_code=role or "SOC" + code.replace("-", ""),
                           onet_code=code, type="common", band="high", level="", confidence=confidence, source=source)


def title_lexicons(aliases, title_words=None, heads_first=(), job_nouns=(), **more):
    """What ``TitleMatcher.build`` reads of a Lexicons: ``aliases``, no task statements or foreign words unless given
    (``title_words``: word or phrase -> English; ``heads_first``, ``job_nouns``: which of them are such; no
    technologies or words for people unless ``title_technologies`` or ``person_nouns`` is given)."""
    words = TitleWords(dict(title_words or {}), frozenset(heads_first), frozenset(job_nouns))
    return SimpleNamespace(**{"aliases": aliases, "occupation_tasks": {}, "title_words": words,
                              "title_technologies": TitleTechnologies(), "person_nouns": PersonNouns(), "level_cues": (), "levels": {}, **more})


# three occupations, each with its O*NET title and one other alias
OCCUPATION_ALIASES = (
    alias_row(2, "Software Developers", "15-1252.00", "onet_title", 0.9),
    alias_row(3, "Backend Developer", "15-1252.00"),
    alias_row(4, "Civil Engineers", "17-2051.00", "onet_title", 0.9),
    alias_row(5, "Structural Engineer", "17-2051.00"),
    alias_row(6, "Registered Nurses", "29-1141.00", "onet_title", 0.9),
    alias_row(7, "Staff Nurse", "29-1141.00", "onet_reported"),
)
