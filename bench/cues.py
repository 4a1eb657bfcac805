"""Cue extraction speed: title cues and description cues, postings per second (median of 3 runs).

    python bench/cues.py [N]          # N postings, default 20,000

Postings are generated deterministically (seeded): a messy title and a ~3-4k character
description from varied sentence templates, tools, years and education, with a boilerplate
(EEO/benefits) block marked as such. Also times tokenising the boilerplate instead of blanking it.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import replace

from jdclassify.lexicons import load_lexicons
from jdclassify.records import Posting
from jdclassify.settings import Settings
from jdclassify.skills import DescriptionAnalyzer
from jdclassify.titles import TitleParser

ROLES = ["Software Engineer", "Data Scientist", "Data Analyst", "Registered Nurse", "Warehouse Associate",
         "Machine Learning Engineer", "Product Manager", "Accountant", "Electrician", "Customer Service Rep",
         "Marketing Manager", "DevOps Engineer", "Line Cook", "Truck Driver", "Business Analyst", "HR Generalist"]
PREFIX = ["", "", "Senior ", "Sr. ", "Junior ", "Lead ", "Staff ", "Principal ", "Associate ", "Head of "]
SUFFIX = ["", "", " II", " III", " - Remote", " (m/w/d)", " - Austin, TX", " | Acme", " - $45/hr", " (Contract)",
          " - NLP", ", Backend", " Req #48213", " - Nights!!!", " / Data Engineer"]
TOOLS = ["Python", "SQL", "Excel", "R", "Go", "Java", "Kubernetes", "Docker", "AWS", "Azure", "Tableau", "Power BI",
         "Spark", "Kafka", "Airflow", "Terraform", "PyTorch", "TensorFlow", "Salesforce", "SAP", "Jira", "Git",
         "React", "TypeScript", "C++", "Scala", "Snowflake", "dbt", "Looker", "QuickBooks", "Epic", "AutoCAD"]
SENTENCES = [
    "You will work closely with {a} and {b} to deliver reliable results for our customers.",
    "- {n}+ years of experience with {a} in a production environment",
    "- Strong knowledge of {a}, {b} and {c}",
    "- Experience with {a} or {b} is a plus",
    "- Bachelor's degree in a related field or equivalent experience",
    "- Master's degree preferred",
    "Our team builds and maintains the systems that power planning, reporting and day-to-day operations.",
    "- Partner with stakeholders to translate business questions into clear analyses and recommendations",
    "- Lead a team of {n} and hire and develop talent",
    "- Comfortable presenting to leadership and writing clear documentation",
    "We excel at serving customers and go the extra mile every day.",
    "- Minimum of {n} years of relevant experience; no {a} required",
    "This is an entry-level position with on-the-job training.",
    "- Maintain accurate records and follow safety procedures at all times",
    "Nice to have:\n- {a}\n- {b}",
    "- Automate recurring reports and improve data quality across {a} and {b}",
]
BOILERPLATE = ("Acme is an equal opportunity employer. All qualified applicants will receive consideration for "
               "employment without regard to race, colour, religion, sex, sexual orientation, gender identity, national "
               "origin, disability or veteran status. Benefits include medical, dental and vision insurance, a 401(k) "
               "with company match, paid time off and a learning budget. ") * 3


def make_postings(n: int, seed: int = 42) -> list[Posting]:
    rng = random.Random(seed)
    postings = []
    for i in range(n):
        title = rng.choice(PREFIX) + rng.choice(ROLES) + rng.choice(SUFFIX)
        parts = []
        while sum(map(len, parts)) < rng.randint(2_600, 3_400):
            a, b, c = rng.sample(TOOLS, 3)
            parts.append(rng.choice(SENTENCES).format(a=a, b=b, c=c, n=rng.randint(1, 10)))
        body = "\n".join(parts) + "\n\n"
        description = body + BOILERPLATE
        postings.append(Posting(id=str(i), title=title, description=description,
                                boilerplate=((len(body), len(description)),)))
    return postings


def rate(n: int, fn) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        runs.append(n / (time.perf_counter() - start))
    return statistics.median(runs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    lexicons = load_lexicons()
    settings = Settings()
    postings = make_postings(n)
    print(f"{n:,} postings, mean description {statistics.mean(len(p.description) for p in postings):,.0f} chars")

    t = time.perf_counter()
    analyzer = DescriptionAnalyzer.build(lexicons, settings)
    print(f"DescriptionAnalyzer.build: {time.perf_counter() - t:.1f} s")

    parser = TitleParser.build(lexicons)

    def titles():  # the uncached parse: the per-parser cache would make repeated titles free
        for p in postings:
            parser._parse(p.title)

    def descriptions(items=postings):
        for _ in analyzer.analyze_many(items):
            pass

    print(f"title cues:        {rate(n, titles):>9,.0f} postings/s (uncached; {len({p.title for p in postings}):,} distinct titles)")
    print(f"description cues:  {rate(n, descriptions):>9,.0f} postings/s (boilerplate blanked)")
    sub = postings[: max(1, n // 4)]
    unmarked = [replace(p, boilerplate=()) for p in sub]
    print(f"  for comparison:  {rate(len(sub), lambda: descriptions(unmarked)):>9,.0f} postings/s "
          f"(boilerplate tokenised, on {len(sub):,})")


if __name__ == "__main__":
    main()
