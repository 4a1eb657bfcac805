import os

import pytest

from alias_rows import OCCUPATION_ALIASES, alias_row, title_lexicons
from jdclassify import index_cache
from jdclassify.matching import TitleMatcher
from jdclassify.records import TitleCues
from jdclassify.settings import Settings
from jdclassify.titles import normalise_title


ALIASES = (
    *OCCUPATION_ALIASES,
    alias_row(8, "Ingénieur Logiciel", "15-1252.00"),
)
TITLES = ("Software Developer", "Backend Developr", "Civil Structural Engineer", "Staff Nurses", "Nurse", "Chef")


def lexicons(version="v1", aliases=ALIASES):
    return title_lexicons(aliases, version=version, title_words={"enfermera": "nurse"})


def candidates(matcher):
    return [matcher.match(TitleCues(raw=t, core=t, normalised=normalise_title(t))) for t in TITLES + ("Enfermera",)]


def test_a_cached_index_matches_exactly_like_a_fresh_build(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    first = index_cache.load_matcher(lexicons(), settings)
    assert index_cache.cache_path(lexicons(), settings).is_file()
    cached = index_cache.load_matcher(lexicons(), settings)
    fresh = TitleMatcher.build(lexicons(), settings)
    assert candidates(cached) == candidates(fresh) == candidates(first)
    assert cached.near == fresh.near
    # the cached index's alias rows are stored with it (AliasRow objects; these lexicons' rows are stand-ins)
    assert [[(r.id, r.alias, r.role_code, r.onet_code, r.type, r.band, r.level, r.confidence, r.source) for r in rows]
            for rows in cached.key_rows] == [[(r.id, r.alias, r.role_code, r.onet_code, r.type, r.band, r.level, r.confidence, r.source)
                                              for r in rows] for rows in fresh.key_rows]
    assert any(c for c in candidates(cached))


def test_a_cached_index_gives_the_ranker_the_same_word_counts_and_title_reading(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    index_cache.load_matcher(lexicons(), settings)
    cached, fresh = index_cache.load_matcher(lexicons(), settings), TitleMatcher.build(lexicons(), settings)
    counts = lambda m: {f: n.tolist() for f, n in m.occupations.word_counts.items()}  # noqa: E731
    assert counts(cached) == counts(fresh) and counts(fresh)["head:engineer"] == [2]
    assert cached.occupations.alias_counts == fresh.occupations.alias_counts
    cues = [TitleCues(raw=t, core=t, normalised=normalise_title(t)) for t in TITLES + ("Enfermera",)]
    assert [cached.read_title(c) for c in cues] == [fresh.read_title(c) for c in cues]
    assert cached.read_title(cues[1]) == "backend developer"


def test_a_cached_index_gives_the_ranker_the_same_task_statement_words(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    tasks = {"17-2051.00": ("Inspect bridges and pipelines.", "Design bridges."), "29-1141.00": ("Monitor patients.",)}
    lex = lexicons()
    lex.occupation_tasks = tasks
    index_cache.load_matcher(lex, settings)
    cached, fresh = index_cache.load_matcher(lex, settings), TitleMatcher.build(lex, settings)
    words = lambda m: {f: (ix.tolist(), n.tolist()) for f, (ix, n) in m.occupations.task_words.items()}  # noqa: E731
    assert words(cached) == words(fresh)
    civil = fresh.occupations.code_index["17-2051.00"]
    assert words(fresh)["bridge"] == ([civil], [2]) and words(fresh)["stem:pipel"] == ([civil], [1])
    assert "and" not in words(fresh)
    assert cached.occupations.task_counts.tolist() == fresh.occupations.task_counts.tolist() == [0, 2, 1]


def test_a_new_lexicon_version_never_reads_the_old_index(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    index_cache.load_matcher(lexicons("v1"), settings)
    fewer = lexicons("v2", ALIASES[:2])
    matcher = index_cache.load_matcher(fewer, settings)
    assert matcher.keys == TitleMatcher.build(fewer, settings).keys
    assert len(list(tmp_path.glob("title-index-*.npz"))) == 2


def test_settings_of_this_run_apply_to_a_cached_index(tmp_path):
    index_cache.load_matcher(lexicons(), Settings(cache_dir=tmp_path))
    matcher = index_cache.load_matcher(lexicons(), Settings(cache_dir=tmp_path, shortlist_size=7, fuzzy_cutoff=0.9))
    assert (matcher.shortlist_size, matcher.cutoff) == (7, 0.9)


@pytest.mark.parametrize("damage", [b"", b"not a zip file", b"PK\x03\x04 truncated"])
def test_a_corrupt_cache_file_is_rebuilt_not_fatal(tmp_path, damage, caplog):
    settings = Settings(cache_dir=tmp_path)
    path = index_cache.cache_path(lexicons(), settings)
    path.write_bytes(damage)
    matcher = index_cache.load_matcher(lexicons(), settings)
    assert candidates(matcher) == candidates(TitleMatcher.build(lexicons(), settings))
    assert "unreadable" in caplog.text
    assert index_cache.load_matcher(lexicons(), settings).keys == matcher.keys  # the rebuilt file is good


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_cache_directory_only_costs_the_build(tmp_path, caplog):
    tmp_path.chmod(0o500)
    try:
        matcher = index_cache.load_matcher(lexicons(), Settings(cache_dir=tmp_path / "sub"))
    finally:
        tmp_path.chmod(0o700)
    assert matcher.keys and "cannot be written" in caplog.text


def test_a_cache_directory_that_is_a_file_only_costs_the_build(tmp_path, caplog):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    matcher = index_cache.load_matcher(lexicons(), Settings(cache_dir=blocker))
    assert matcher.keys and "cannot be written" in caplog.text


def test_the_key_changes_with_the_lexicon_version():
    assert index_cache.cache_key("v1") != index_cache.cache_key("v2")


def test_only_the_newest_indexes_are_kept(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    for version in range(index_cache.KEEP + 2):
        index_cache.load_matcher(lexicons(f"v{version}"), settings)
    kept = list(tmp_path.glob("title-index-*.npz"))
    assert len(kept) == index_cache.KEEP
    assert index_cache.cache_path(lexicons(f"v{index_cache.KEEP + 1}"), settings) in kept  # the newest stays


# -- the skill phrase table ------------------------------------------------------------------------

SKILL_TEXTS = (
    "Strong programming skills in R and Python; Go (Golang) a plus. No Excel required.",
    "You will excel at building relationships. Own our go to market plan. Clean the blender after each shift.",
    "Experience with machine learning, Apache Spark and SQL. Must perform data analysis. BLENDER ARTISTS WANTED",
)


@pytest.fixture(scope="module")
def shipped():
    from jdclassify.lexicons import load_lexicons

    return load_lexicons()


def skill_lexicons(shipped, version="v1", ids=None):
    """A Lexicons with the shipped skills (or those of ``ids``) under ``version``; reading ``skills`` is counted."""
    from types import SimpleNamespace

    table = dict(shipped.skills) if ids is None else {i: shipped.skills[i] for i in ids}

    class Counted(dict):
        reads = 0

        def values(self):
            Counted.reads += 1
            return super().values()

    return SimpleNamespace(skills=Counted(table), version=version)


def skill_cues(matcher):
    from jdclassify.experience import TextLayout
    from jdclassify.nlp import build_nlp

    nlp = build_nlp()
    return [matcher.find(t, TextLayout.of(t), nlp) for t in SKILL_TEXTS]


def test_a_cached_skill_table_finds_exactly_what_a_fresh_build_finds(tmp_path, shipped):
    from jdclassify.skills import SkillMatcher

    settings = Settings(cache_dir=tmp_path)
    lex = skill_lexicons(shipped)
    first = index_cache.load_skill_matcher(lex, settings)
    assert index_cache.cache_path(lex, settings, index_cache.SKILL_TABLE).is_file()
    cached = index_cache.load_skill_matcher(lex, settings)
    assert type(lex.skills).reads == 1  # the cached table never reads skills.csv
    fresh = SkillMatcher.build(shipped)
    assert {k: v.tolist() for k, v in cached.to_arrays().items()} == {k: v.tolist() for k, v in fresh.to_arrays().items()}
    assert skill_cues(cached) == skill_cues(fresh) == skill_cues(first)
    found = {c.value for cues in skill_cues(cached) for c in cues}
    assert {"canon:r", "canon:python", "canon:go", "canon:apache-spark", "canon:sql"} <= found
    assert "canon:excel" not in found  # the context rules hold on a cached table too


def test_a_new_lexicon_version_never_reads_the_old_skill_table(tmp_path, shipped):
    settings = Settings(cache_dir=tmp_path)
    index_cache.load_skill_matcher(skill_lexicons(shipped, "v1"), settings)
    fewer = skill_lexicons(shipped, "v2", ["canon:python"])
    matcher = index_cache.load_skill_matcher(fewer, settings)
    assert type(fewer.skills).reads == 1
    assert {c.value for cues in skill_cues(matcher) for c in cues} == {"canon:python"}
    assert len(list(tmp_path.glob("skill-phrases-*.npz"))) == 2
    assert len(list(tmp_path.glob("title-index-*.npz"))) == 0  # kinds are kept apart


@pytest.mark.parametrize("damage", [b"", b"not a zip file", b"PK\x03\x04 truncated"])
def test_a_corrupt_skill_table_is_rebuilt_not_fatal(tmp_path, shipped, damage, caplog):
    settings = Settings(cache_dir=tmp_path)
    lex = skill_lexicons(shipped, ids=["canon:python", "canon:r", "canon:go", "canon:excel"])
    path = index_cache.cache_path(lex, settings, index_cache.SKILL_TABLE)
    path.write_bytes(damage)
    matcher = index_cache.load_skill_matcher(lex, settings)
    assert "unreadable" in caplog.text and type(lex.skills).reads == 1
    assert skill_cues(matcher) == skill_cues(index_cache.load_skill_matcher(lex, settings))  # the rebuilt file is good
    assert type(lex.skills).reads == 1


def test_a_skill_table_missing_a_column_is_rebuilt(tmp_path, shipped, caplog):
    settings = Settings(cache_dir=tmp_path)
    lex = skill_lexicons(shipped, ids=["canon:python"])
    path = index_cache.cache_path(lex, settings, index_cache.SKILL_TABLE)
    index_cache._store(path, {"lower.phrases": index_cache.load_skill_matcher(lex, settings).to_arrays()["lower.phrases"]})
    assert [c.value for c in skill_cues(index_cache.load_skill_matcher(lex, settings))[0]] == ["canon:python"]
    assert "unreadable" in caplog.text


def test_the_skill_table_key_changes_with_its_code_and_differs_from_the_title_index():
    from jdclassify import lexicons, skills

    assert index_cache.cache_key("v1", (skills, lexicons)) != index_cache.cache_key("v1", (skills,))
    assert index_cache.cache_key("v1", index_cache.SKILL_TABLE[1]) != index_cache.cache_key("v1")


def test_the_analyzer_reads_its_skill_table_from_the_cache_when_given_settings(tmp_path, shipped):
    from jdclassify.records import Posting
    from jdclassify.skills import DescriptionAnalyzer

    posting = Posting(id="t", title="", description=SKILL_TEXTS[0])
    cached = DescriptionAnalyzer(shipped, Settings(cache_dir=tmp_path))
    assert cached.analyze(posting) == DescriptionAnalyzer(shipped).analyze(posting)
    assert list(tmp_path.glob("skill-phrases-*.npz"))


# -- the occupation profiles -----------------------------------------------------------------------

def profile_dump(index):
    """Everything a ProfileIndex holds, orders included (dict order decides ties in top terms)."""
    return (index.keys, index.key_index, [list(v.items()) for v in index.vectors], index.terms,
            list(index.term_idf.items()), [(t, ix.dtype.str, ix.tolist(), w.tolist()) for t, (ix, w) in index.inverted.items()],
            index.skills, list(index.skill_idf.items()))


def test_cached_profiles_are_the_built_ones_and_score_alike(tmp_path, shipped):
    from jdclassify.profiles import ProfileIndex

    settings = Settings(cache_dir=tmp_path)
    fresh = ProfileIndex.build(shipped)
    first = index_cache.load_profiles(shipped, settings)
    cached = index_cache.load_profiles(shipped, settings)
    assert profile_dump(cached) == profile_dump(fresh) == profile_dump(first)
    text = "Build backend services in Python and Go; design REST APIs; maintain CI pipelines and databases."
    ids = ("canon:python", "canon:go", "onet:43232405:postgresql")
    assert cached.propose(ids, text, limit=5) == fresh.propose(ids, text, limit=5)
    assert cached.score(cached.keys[:50], ids, text) == fresh.score(fresh.keys[:50], ids, text)


def test_cached_profiles_are_read_without_the_occupation_tables_and_rebuilt_for_a_new_version(tmp_path, shipped):
    from types import SimpleNamespace

    settings = Settings(cache_dir=tmp_path)
    index_cache.load_profiles(shipped, settings)

    class Unread:
        def __getattr__(self, name):
            raise AssertionError("a cached profile index read the lexicon tables")

    assert index_cache.load_profiles(SimpleNamespace(version=shipped.version, **{
        k: Unread() for k in ("onet_titles", "occupation_tasks", "occupation_skills", "roles")}), settings).keys
    other = SimpleNamespace(version="v2", onet_titles={"15-1252.00": "Software Developers"}, roles={},
                            occupation_tasks={"15-1252.00": ("Write code.",)}, occupation_skills={"15-1252.00": ("canon:python",)})
    assert index_cache.load_profiles(other, settings).keys == ("15-1252.00",)
    assert len(list(tmp_path.glob("profiles-*.npz"))) == 2


def test_corrupt_cached_profiles_are_rebuilt(tmp_path, shipped, caplog):
    settings = Settings(cache_dir=tmp_path)
    path = index_cache.cache_path(shipped, settings, index_cache.PROFILES)
    path.write_bytes(b"PK\x03\x04 truncated")
    assert profile_dump(index_cache.load_profiles(shipped, settings)) == profile_dump(index_cache.load_profiles(shipped, settings))
    assert "unreadable" in caplog.text
