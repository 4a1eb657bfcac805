"""Build the generated lexicon files from O*NET 30.1, SOC 2018, ESCO v1.1.1 and the hand-written YAML.

Deterministic: the same inputs give byte-identical outputs (sorted rows, no timestamps, LF endings), so
the committed files can be checked against a rebuild. Usage:

    python scripts/build_lexicons.py [--shared PATH/TO/shared/data] [--wordnet /usr/share/wordnet] [--lexicons lexicons/] [--out lexicons/]

``--lexicons`` is where the hand-written canon_roles.yaml, levels.yaml and title_words.csv are read from; ``--out`` is where
the generated files and manifest.yaml are written (the same folder by default). ``--wordnet`` is Princeton WordNet 3.0's
dict folder (Debian's wordnet-base package: ``apt-get install wordnet-base``), read for person_nouns.csv.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from jdclassify.lexicons import (  # noqa: E402
    ALIAS_COLUMNS, HAND_FILES, LEXICON_FILES, OCCUPATION_SKILL_COLUMNS, OCCUPATION_TASK_COLUMNS, ONET_ROLE_COLUMNS,
    PERSON_NOUN_COLUMNS, PERSON_NOUN_SENSES, PERSON_NOUN_STEPS, RELATED_OCCUPATION_COLUMNS, RELATED_TIERS, SKILL_COLUMNS,
    content_version, onet_role_code, read_canon_roles, read_levels,
)
from jdclassify.records import band_of  # noqa: E402
from jdclassify.titles import normalise_title  # noqa: E402

# Prior confidence of an alias row by source (before the ambiguity discount below). Reported titles are what
# incumbents call their job; official titles are the occupation names; alternates mix lay and historic titles.
PRIORS = {
    "onet_title": 0.90,
    "onet_reported": 0.85,
    "soc_direct_match": 0.80,
    "onet_alternate": 0.75,
    "onet_short": 0.70,  # O*NET Short Title (an abbreviation such as "AI Engineer"), source onet_alternate
}
MIN_PRIOR = 0.05
SOURCE_ORDER = ("canon", "onet_title", "onet_reported", "onet_alternate", "soc_direct_match")

# Names that are also ordinary words: a match needs a technical neighbour (skills.py decides how).
NEEDS_CONTEXT = {
    "r", "go", "c", "d", "spark", "excel", "access", "word", "chef", "puppet", "swift", "rust", "julia", "ruby",
    "shell", "express", "flask", "less", "pig", "hive", "storm", "ant", "spring", "rails", "dash", "bootstrap",
    "keynote", "outlook", "teams", "slack", "zoom", "box", "notion", "pandas", "snowflake", "oracle", "sage",
    "mercury", "unity", "maya", "numbers", "pages", "project", "prometheus", "jupiter", "git", "compass",
}
# An O*NET product named by one word that this many of O*NET's own task statements use as a plain word ("Analyze",
# "Route", "Dig", "HARVEST") needs a technical neighbour too: in a description the word is a duty, not the product
# (a literacy coordinator's "analyze student data" read as Astronomers' software "Analyze").
ORDINARY_IN_TASKS = 3
# Short names and acronyms that must match in their written case (besides the rule in _case_sensitive).
CASE_SENSITIVE = {"R", "Go", "C", "D", "SAS", "SQL", "AWS", "GCP", "JAX", "SPSS", "Excel", "Word", "Access"}

# The seeds' skills (shared/seeds): tools named by seeds 002/003, the SkillsFuture skills map of seed 000
# (technical skills -> skill, generic skills -> competence), and the AI-team skills of seed 003's appendix.
# (name, type, synonyms)
CANON_SKILLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Python", "technology", ("Python programming",)),
    ("R", "technology", ("R programming", "R language")),
    ("Java", "technology", ()),
    ("C++", "technology", ("cpp",)),
    ("C", "technology", ("C programming",)),
    ("Go", "technology", ("Golang",)),
    ("Rust", "technology", ()),
    ("Ruby", "technology", ()),
    ("Swift", "technology", ()),
    ("Scala", "technology", ()),
    ("Julia", "technology", ()),
    ("JavaScript", "technology", ("JS",)),
    ("TypeScript", "technology", ()),
    ("HTML", "technology", ("HTML5",)),
    ("CSS", "technology", ("CSS3",)),
    ("SQL", "technology", ("Structured Query Language",)),
    ("Matlab", "technology", ("MATLAB",)),
    ("CUDA", "technology", ()),
    ("Shell", "technology", ("Bash", "shell scripting")),
    ("TensorFlow", "technology", ("Tensorflow", "TF2")),
    ("PyTorch", "technology", ("Torch",)),
    ("Keras", "technology", ()),
    ("JAX", "technology", ()),
    ("scikit-learn", "technology", ("sklearn", "scikit learn", "Scikit-learn")),
    ("numpy", "technology", ("NumPy",)),
    ("pandas", "technology", ()),
    ("XGBoost", "technology", ()),
    ("skimage", "technology", ("scikit-image",)),
    ("matplotlib", "technology", ()),
    ("ggplot", "technology", ("ggplot2",)),
    ("Docker", "technology", ("containerization",)),
    ("Kubernetes", "technology", ("k8s",)),
    ("SLURM", "technology", ("Slurm",)),
    ("Terraform", "technology", ()),
    ("Apache Spark", "technology", ("Spark", "PySpark")),
    ("Airflow", "technology", ("Apache Airflow",)),
    ("Delta Lake", "technology", ()),
    ("Hadoop", "technology", ("Apache Hadoop",)),
    ("HDFS", "technology", ()),
    ("Hive", "technology", ("Apache Hive",)),
    ("Apache Beam", "technology", ()),
    ("Flink", "technology", ("Apache Flink",)),
    ("Kafka", "technology", ("Apache Kafka",)),
    ("Apache NiFi", "technology", ("NiFi",)),
    ("Talend", "technology", ()),
    ("Informatica", "technology", ()),
    ("Trifacta", "technology", ()),
    ("AWS Glue", "technology", ()),
    ("AWS", "technology", ("Amazon Web Services",)),
    ("GCP", "technology", ("Google Cloud Platform", "Google Cloud")),
    ("Azure", "technology", ("Microsoft Azure",)),
    ("Azure Data Factory", "technology", ("ADF",)),
    ("Azure Synapse Analytics", "technology", ("Synapse Analytics",)),
    ("Azure Databricks", "technology", ("Databricks",)),
    ("Azure DevOps", "technology", ()),
    ("Power BI", "technology", ("Microsoft Power BI", "PowerBI")),
    ("Tableau", "technology", ()),
    ("QlikView", "technology", ()),
    ("Excel", "technology", ("Microsoft Excel", "MS Excel")),
    ("PowerPoint", "technology", ("Microsoft PowerPoint",)),
    ("Keynote", "technology", ()),
    ("MySQL", "technology", ()),
    ("PostgreSQL", "technology", ("Postgres",)),
    ("MongoDB", "technology", ()),
    ("Cassandra", "technology", ("Apache Cassandra",)),
    ("NoSQL", "technology", ()),
    ("Redshift", "technology", ("Amazon Redshift",)),
    ("BigQuery", "technology", ("Google BigQuery",)),
    ("Prometheus", "technology", ()),
    ("Grafana", "technology", ()),
    ("New Relic", "technology", ()),
    ("ELK Stack", "technology", ("Elastic Stack",)),
    ("Git", "technology", ()),
    ("Subversion", "technology", ("SVN",)),
    ("Mercurial", "technology", ()),
    ("Unix", "technology", ("UNIX", "Linux")),
    ("Jupyter Notebook", "technology", ("Jupyter",)),
    ("Sublime Text", "technology", ("Sublime",)),
    ("JIRA", "technology", ("Jira", "Atlassian JIRA")),
    ("Trello", "technology", ()),
    ("Asana", "technology", ()),
    ("React", "technology", ("React.js", "ReactJS")),
    ("Angular", "technology", ()),
    ("Vue.js", "technology", ("Vue",)),
    ("Node.js", "technology", ("Node",)),
    ("Flask", "technology", ()),
    ("Express", "technology", ("Express.js",)),
    ("Chef", "technology", ()),
    ("Puppet", "technology", ()),
    ("Access", "technology", ("Microsoft Access",)),
    ("Word", "technology", ("Microsoft Word",)),
    ("SAS", "technology", ()),
    ("AutoML", "technology", ()),
    ("Mechanical Turk", "technology", ("Amazon Mechanical Turk", "MTurk")),
    ("A/B testing", "skill", ("AB testing", "split testing")),
    ("Machine learning", "knowledge", ("ML",)),
    ("Deep learning", "knowledge", ("DL",)),
    ("Data science", "knowledge", ()),
    ("Mathematics", "knowledge", ("linear algebra", "calculus")),
    ("Statistics", "knowledge", ("probability", "statistical modeling", "statistical modelling")),
    ("Algorithmic coding", "skill", ("data structures and algorithms",)),
    ("Software engineering", "skill", ("object-oriented programming", "unit testing")),
    ("Natural language processing", "knowledge", ("NLP",)),
    ("Computer vision", "knowledge", ()),
    ("Speech recognition", "knowledge", ()),
    ("Convolutional neural networks", "knowledge", ("CNN", "CNNs")),
    ("Recurrent neural networks", "knowledge", ("RNN", "RNNs")),
    ("Transfer learning", "knowledge", ()),
    ("Hyperparameter tuning", "skill", ("hyperparameter search", "hyperparameter optimization")),
    ("Feature engineering", "skill", ()),
    ("ETL", "skill", ("ELT", "extract, transform, load")),
    ("Data pipelines", "skill", ("data pipeline",)),
    ("Data warehousing", "knowledge", ("data warehouse",)),
    ("Data visualization", "skill", ("data visualisation",)),
    ("MLOps", "skill", ("ML Ops", "machine learning operations")),
    ("CI/CD", "skill", ("continuous integration", "continuous deployment")),
    ("Infrastructure as code", "skill", ("IaC",)),
    ("Business acumen", "competence", ()),
    ("Research", "skill", ("reading research papers",)),
    # SkillsFuture skills map (seed 000): technical skills and competencies
    ("Business Needs Analysis", "skill", ()),
    ("Change Management", "skill", ()),
    ("Cloud Computing", "skill", ()),
    ("Computational Modelling", "skill", ("computational modeling",)),
    ("Computer Vision Technology", "skill", ()),
    ("Configuration Tracking", "skill", ()),
    ("Data Design", "skill", ()),
    ("Data Engineering", "skill", ()),
    ("Data Governance", "skill", ()),
    ("Data Strategy", "skill", ()),
    ("Database Administration", "skill", ()),
    ("Emerging Technology Synthesis", "skill", ()),
    ("Intelligent Reasoning", "skill", ()),
    ("Pattern Recognition Systems", "skill", ("pattern recognition",)),
    ("Problem Management", "skill", ()),
    ("Project Management", "skill", ()),
    ("Security Architecture", "skill", ()),
    ("Self-Learning Systems", "skill", ()),
    ("Stakeholder Management", "skill", ()),
    ("System Integration", "skill", ("systems integration",)),
    ("Test Planning", "skill", ()),
    ("Text Analytics and Processing", "skill", ("text analytics",)),
    ("Leadership", "competence", ()),
    ("Developing People", "competence", ()),
    ("Transdisciplinary Thinking", "competence", ()),
    ("Computational Thinking", "competence", ()),
    ("Communication", "competence", ("communication skills",)),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=_default_shared(), help="shared/data folder (O*NET, SOC 2018, ESCO)")
    parser.add_argument("--wordnet", type=Path, default=WORDNET, help="WordNet 3.0 dict folder (data.noun, index.noun)")
    parser.add_argument("--lexicons", type=Path, default=REPO / "lexicons", help="folder with the hand-written YAML")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: --lexicons)")
    args = parser.parse_args(argv)
    if args.shared is None or not (args.shared / "onet" / "Occupation Data.txt").is_file():
        parser.error("shared data not found; pass --shared PATH to the folder holding onet/, soc2018/ and esco/")
    if not (args.wordnet / "data.noun").is_file():
        parser.error(f"WordNet 3.0 not found in {args.wordnet}: install Debian's wordnet-base (apt-get install wordnet-base) "
                     "or pass --wordnet PATH to a folder holding data.noun and index.noun")
    out = args.out or args.lexicons
    out.mkdir(parents=True, exist_ok=True)
    counts = build(args.shared, args.lexicons, out, args.wordnet)
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    return 0


def _default_shared() -> Path | None:
    for candidate in (REPO.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    return None


def build(shared: Path, hand_dir: Path, out: Path, wordnet: Path = None) -> dict[str, int]:
    onet_dir = shared / "onet"
    occupations = _tsv(onet_dir / "Occupation Data.txt")
    titles = {r["O*NET-SOC Code"]: r["Title"] for r in occupations}
    ladder, _, _ = read_levels(hand_dir / "levels.yaml")
    _, canon_aliases = read_canon_roles(hand_dir / "canon_roles.yaml", ladder, titles)

    counts = {
        "onet_roles.csv": _write(out / "onet_roles.csv", ONET_ROLE_COLUMNS, _onet_roles(shared, occupations)),
        "title_aliases.csv": _write(out / "title_aliases.csv", ALIAS_COLUMNS, _aliases(shared, titles, canon_aliases)),
    }
    skills, occupation_skills = _skills(shared)
    counts["skills.csv"] = _write(out / "skills.csv", SKILL_COLUMNS, skills)
    counts["occupation_skills.csv"] = _write(out / "occupation_skills.csv", OCCUPATION_SKILL_COLUMNS, occupation_skills)
    counts["occupation_tasks.csv"] = _write(out / "occupation_tasks.csv", OCCUPATION_TASK_COLUMNS, _tasks(onet_dir))
    counts["related_occupations.csv"] = _write(out / "related_occupations.csv", RELATED_OCCUPATION_COLUMNS, _related(onet_dir))
    vocabulary = {w for row in _aliases(shared, titles, canon_aliases) for w in normalise_title(row[0]).split()}
    counts["person_nouns.csv"] = _write(out / "person_nouns.csv", PERSON_NOUN_COLUMNS, _person_nouns(wordnet or WORDNET, vocabulary))
    _manifest(shared, hand_dir, out, wordnet or WORDNET)
    return counts


def _tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return len(rows)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _onet_roles(shared: Path, occupations: list[dict[str, str]]) -> list[tuple]:
    zones = {r["O*NET-SOC Code"]: r["Job Zone"] for r in _tsv(shared / "onet" / "Job Zones.txt")}
    majors = {r["SOC Code"]: r["SOC Title"] for r in _tsv(shared / "soc2018" / "soc_2018_definitions.tsv") if r["SOC Group"] == "Major"}
    rows = []
    for r in occupations:
        code = r["O*NET-SOC Code"]
        major = code[:2] + "-0000"
        rows.append((onet_role_code(code), code, r["Title"], _one_line(r["Description"]), major, majors[major],
                     zones.get(code, ""), "onet", "reviewed"))
    return sorted(rows)


def _aliases(shared: Path, titles: dict[str, str], canon_aliases) -> list[tuple]:
    """Canon aliases as written, then O*NET/SOC titles with a prior discounted by how many codes share the alias."""
    found: list[tuple[str, str, str, str]] = []  # alias, onet_code, type, prior key
    for code, title in titles.items():
        found.append((title, code, "official", "onet_title"))
    for r in _tsv(shared / "onet" / "Alternate Titles.txt"):
        found.append((r["Alternate Title"], r["O*NET-SOC Code"], "alternate", "onet_alternate"))
        if r["Short Title"] != "n/a":
            found.append((r["Short Title"], r["O*NET-SOC Code"], "short", "onet_short"))
    for r in _tsv(shared / "onet" / "Sample of Reported Titles.txt"):
        found.append((r["Reported Job Title"], r["O*NET-SOC Code"], "reported", "onet_reported"))
    by_soc: dict[str, list[str]] = defaultdict(list)
    for code in titles:
        by_soc[code[:7]].append(code)
    with open(shared / "soc2018" / "soc_2018_direct_match_titles.tsv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            soc = r["2018 SOC Code"].strip()
            codes = by_soc.get(soc, [])
            code = soc + ".00" if soc + ".00" in titles else (codes[0] if len(codes) == 1 else "")
            if code:  # a SOC code with several O*NET codes and no .00 cannot be placed: left out
                found.append((r["2018 SOC Direct Match Title"], code, "direct_match", "soc_direct_match"))

    codes_per_alias: dict[str, set[str]] = defaultdict(set)
    for alias, code, _, _ in found:
        codes_per_alias[_key(alias)].add(code)
    rows = set()
    for alias, code, kind, prior_key in found:
        alias = _one_line(alias)
        prior = max(MIN_PRIOR, round(PRIORS[prior_key] / math.sqrt(len(codes_per_alias[_key(alias)])), 2))
        source = "onet_alternate" if prior_key == "onet_short" else prior_key
        rows.add((alias, onet_role_code(code), code, kind, band_of(prior), "", f"{prior:.2f}", source))
    for a in canon_aliases:
        rows.add((a.alias, a.role_code, a.onet_code, a.type, a.band, a.level, f"{a.confidence:.2f}", "canon"))
    return sorted(rows, key=lambda r: (SOURCE_ORDER.index(r[7]), r[0].casefold(), r[0], r[2], r[1], r[5], r[3]))


def _key(alias: str) -> str:
    """Case- and space-insensitive key, used only to count how many codes share an alias."""
    return " ".join(alias.casefold().split())


def _slug(text: str) -> str:
    text = text.casefold().replace("++", "pp").replace("+", "plus").replace("#", "sharp")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def _case_sensitive(name: str) -> bool:
    if name in CASE_SENSITIVE or len(name) <= 2:
        return True
    return " " not in name and len(name) <= 6 and sum(ch.isupper() for ch in name) >= 2


def _needs_context(name: str, synonyms: tuple[str, ...] = (), ordinary: frozenset[str] = frozenset()) -> bool:
    forms = [name.split(" (")[0], *synonyms]
    return any(form.casefold() in NEEDS_CONTEXT or form.casefold() in ordinary for form in forms)


def _ordinary_words(onet_dir: Path) -> frozenset[str]:
    """Words at least ``ORDINARY_IN_TASKS`` of O*NET's task statements use (lower case)."""
    uses = Counter(w for r in _tsv(onet_dir / "Task Statements.txt") for w in set(re.findall(r"[a-z]+", r["Task"].lower())))
    return frozenset(w for w, n in uses.items() if n >= ORDINARY_IN_TASKS)


def _skills(shared: Path) -> tuple[list[tuple], list[tuple]]:
    rows: list[tuple] = []
    onet_flags: dict[str, list[bool]] = {}
    occupation: dict[tuple[str, str], list[bool]] = {}
    names: dict[str, str] = {}
    for r in _tsv(shared / "onet" / "Technology Skills.txt"):
        name = _one_line(r["Example"])
        skill_id = f"onet:{r['Commodity Code']}:{_slug(name)}"
        if names.setdefault(skill_id, name) != name:
            raise SystemExit(f"two O*NET examples share the id {skill_id}: {names[skill_id]!r} and {name!r}")
        hot, demand = r["Hot Technology"] == "Y", r["In Demand"] == "Y"
        flags = onet_flags.setdefault(skill_id, [False, False])
        flags[0] |= hot
        flags[1] |= demand
        pair = occupation.setdefault((r["O*NET-SOC Code"], skill_id), [False, False])
        pair[0] |= hot
        pair[1] |= demand
    by_name: dict[str, list[bool]] = {}
    ordinary = _ordinary_words(shared / "onet")
    for skill_id, name in names.items():
        hot, demand = onet_flags[skill_id]
        plain = ordinary if " " not in name else frozenset()  # one word: a product name or a plain word
        rows.append((skill_id, name, "technology", "onet", "", _flag(_case_sensitive(name)), _flag(_needs_context(name, (), plain)),
                     _flag(hot), _flag(demand)))
        merged = by_name.setdefault(name.casefold(), [False, False])
        merged[0] |= hot
        merged[1] |= demand

    taken: set[str] = set()
    with open(shared / "esco" / "skills_en_labels_derived.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            name = _one_line(r["preferredLabel"])
            base = skill_id = f"esco:{_slug(name)}"
            n = 1
            while skill_id in taken:  # distinct labels that slug alike get -2, -3 in file order
                n += 1
                skill_id = f"{base}-{n}"
            taken.add(skill_id)
            synonyms = tuple(dict.fromkeys(_one_line(s).replace("|", "/") for s in r["altLabels"].split("\n") if s.strip()))
            kind = "knowledge" if r["skillType"] == "knowledge" else "skill"
            rows.append((skill_id, name, kind, "esco", "|".join(synonyms), _flag(_case_sensitive(name)),
                         _flag(_needs_context(name)), "false", "false"))

    for name, kind, synonyms in CANON_SKILLS:
        hot = demand = False
        for form in (name, *synonyms):  # a canon skill is hot/in demand when O*NET flags the same name
            flags = by_name.get(form.casefold(), (False, False))
            hot, demand = hot or flags[0], demand or flags[1]
        rows.append((f"canon:{_slug(name)}", name, kind, "canon", "|".join(synonyms), _flag(_case_sensitive(name)),
                     _flag(_needs_context(name, synonyms if len(name) > 3 else ())), _flag(hot), _flag(demand)))
    occupation_rows = [(code, skill_id, _flag(h), _flag(d)) for (code, skill_id), (h, d) in occupation.items()]
    return sorted(rows), sorted(occupation_rows)


def _tasks(onet_dir: Path) -> list[tuple]:
    rows = []
    for r in _tsv(onet_dir / "Task Statements.txt"):
        task_type = "" if r["Task Type"] == "n/a" else r["Task Type"]
        rows.append((r["O*NET-SOC Code"], r["Task ID"], task_type, _one_line(r["Task"])))
    return sorted(rows, key=lambda r: (r[0], int(r[1])))


def _related(onet_dir: Path) -> list[tuple]:
    """O*NET's related occupations (twenty per code), in O*NET's order."""
    rows = [(r["O*NET-SOC Code"], r["Related O*NET-SOC Code"], r["Relatedness Tier"], r["Index"])
            for r in _tsv(onet_dir / "Related Occupations.txt") if r["Relatedness Tier"] in RELATED_TIERS]
    return sorted(rows, key=lambda r: (r[0], int(r[3])))


WORDNET = Path("/usr/share/wordnet")
_WORDNET_PERSON = 18  # lexicographer file noun.person
_WORDNET_PERSON_ROOT = "person"


def _wordnet_nouns(wordnet: Path) -> tuple[dict[str, tuple[int, list[str], list[str], bool]], dict[str, list[str]]]:
    """WordNet's noun synsets (offset -> lexicographer file, lemmas, hypernym offsets, is an instance) and its
    index (lemma -> synset offsets, most frequent sense first), read from the dict files' documented layout."""
    synsets = {}
    with open(wordnet / "data.noun", encoding="latin-1") as fh:
        for line in fh:
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split(" | ")[0].split()
            n = int(fields[3], 16)
            lemmas = [fields[4 + 2 * i] for i in range(n)]
            k = 4 + 2 * n
            pointers = [fields[k + 1 + 4 * i: k + 5 + 4 * i] for i in range(int(fields[k]))]
            synsets[fields[0]] = (int(fields[1]), lemmas, [p[1] for p in pointers if p[0] == "@" and p[2] == "n"],
                                  any(p[0] == "@i" for p in pointers))
    index = {}
    with open(wordnet / "index.noun", encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith(" "):
                fields = line.split()
                index[fields[0]] = fields[4 + int(fields[3]) + 2:]
    return synsets, index


def _person_nouns(wordnet: Path, vocabulary: set[str]) -> list[tuple]:
    """Words for people (WordNet's noun.person, lowercase, one word) and what each could be read as in a job title:
    for each of the word's first PERSON_NOUN_SENSES senses that names a kind of person (not a named one), its
    synonyms (step 0), then those of its hypernyms (step 1, and so on to PERSON_NOUN_STEPS), skipping "person" and its
    direct kinds ("worker", "leader", "expert": too broad to say which job). A reading is kept only when the alias index
    knows each of its words; the matcher picks among them with the index it has (matching.TitleMatcher.persons_read)."""
    synsets, index = _wordnet_nouns(wordnet)
    root = index[_WORDNET_PERSON_ROOT][0]
    broad = {root} | {o for o, s in synsets.items() if root in s[2]}
    rows: dict[tuple[str, str], tuple[str, int, int, str]] = {}  # (word, reading) -> its first row, in WordNet's order
    for lemma, offsets in sorted(index.items()):
        word = normalise_title(lemma.replace("_", " "))
        if len(word.split()) != 1 or not lemma.islower():
            continue
        for sense, offset in enumerate(offsets[:PERSON_NOUN_SENSES], start=1):
            lexfile, _, _, instance = synsets[offset]
            if lexfile != _WORDNET_PERSON or instance:
                continue
            level, seen = [offset], {offset}
            for step in range(PERSON_NOUN_STEPS):
                for o in level:
                    for other in synsets[o][1]:
                        reading = normalise_title(other.replace("_", " "))
                        if reading and reading != word and other[:1].islower() and all(w in vocabulary for w in reading.split()):
                            rows.setdefault((word, reading), (word, sense, step, reading))
                level = [h for o in level for h in synsets[o][2] if h not in seen and h not in broad]
                seen.update(level)
    ordered = sorted(rows.values(), key=lambda r: r[:3])  # stable: WordNet's order (most frequent first) within a group
    return [(w, str(sense), str(step), r) for w, sense, step, r in ordered]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(shared: Path, hand_dir: Path, out: Path, wordnet: Path) -> None:
    onet = shared / "onet"
    sources = [
        {
            "name": "O*NET 30.1 Database (text edition)",
            "release": "30.1 (December 2025)",
            "licence": "CC BY 4.0",
            "attribution": "This product includes information from the O*NET 30.1 Database by the U.S. Department of "
                           "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license.",
            "files": {name: _sha256(onet / name) for name in (
                "Occupation Data.txt", "Alternate Titles.txt", "Sample of Reported Titles.txt", "Job Zones.txt",
                "Technology Skills.txt", "Task Statements.txt", "Related Occupations.txt")},
        },
        {
            "name": "2018 Standard Occupational Classification (U.S. Bureau of Labor Statistics)",
            "release": "2018 SOC",
            "licence": "public domain (U.S. federal government work)",
            "attribution": "U.S. Bureau of Labor Statistics, 2018 SOC.",
            "files": {name: _sha256(shared / "soc2018" / name) for name in (
                "soc_2018_definitions.tsv", "soc_2018_direct_match_titles.tsv")},
        },
        {
            "name": "ESCO skills (English labels, derived)",
            "release": "ESCO v1.1.1",
            "licence": "CC BY 4.0",
            "attribution": "This product uses the ESCO classification of the European Commission.",
            "note": "skills_en_labels_derived.csv has no URIs: esco:<slug> ids join to ESCO by preferredLabel.",
            "files": {"skills_en_labels_derived.csv": _sha256(shared / "esco" / "skills_en_labels_derived.csv")},
        },
        {
            "name": "Princeton WordNet 3.0 (nouns for people, read into person_nouns.csv)",
            "release": "3.0 (Debian package wordnet-base)",
            "licence": "WordNet 3.0 licence (permissive; the notice must stay with copies: lexicons/README.md quotes it)",
            "attribution": "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.",
            "files": {name: _sha256(wordnet / name) for name in ("data.noun", "index.noun")},
        },
        {
            "name": "Canon taxonomy seeds (hand-transcribed into canon_roles.yaml, levels.yaml and canon: skills)",
            "release": "seed 001 (AIMLAM.GEN.P4, v1)",
            "licence": "project-internal",
            "attribution": "Skills map: SkillsFuture Skills Framework for Infocomm Technology; roles: Workera "
                           "\"AI Career Pathways\" and AiPathly role pages.",
        },
        {
            "name": "Job-title words of other languages (hand-written into title_words.csv)",
            "release": "v1: Spanish, Portuguese, French, German, Italian, Dutch",
            "licence": "project-internal",
        },
        {
            "name": "Technologies named in job titles and what each says of the work (hand-written into title_technologies.yaml)",
            "release": "v1: 17 groups (mobile, software, web, cloud, data, ETL, database, ERP, application platforms, BI, "
                       "systems, network, security, clinical systems, machine learning, blockchain, test automation)",
            "licence": "project-internal",
        },
    ]
    paths = [(hand_dir if name in HAND_FILES else out) / name for name in LEXICON_FILES]
    manifest = {
        "lexicon_version": content_version(paths),
        "generated_by": "scripts/build_lexicons.py",
        "sources": sources,
        "files": {path.name: _sha256(path) for path in paths},
    }
    text = "# Generated by scripts/build_lexicons.py - do not edit by hand.\n" + yaml.safe_dump(
        manifest, sort_keys=False, allow_unicode=True, width=120)
    (out / "manifest.yaml").write_bytes(text.encode("utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
