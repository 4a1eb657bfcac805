"""A deterministic benchmark corpus: N realistic job postings (or titles only) as JSONL. No downloads.

    python bench/corpus.py OUT.jsonl [--n 100000] [--seed 7] [--titles-only]

Each posting has a unique ``id``, a messy ``title`` (seniority, numerals, locations, pay, shift,
req numbers, odd case) over many occupation families with the tech family weighted up, a
``company``, a ``location`` and a 2-4k character ``description`` built from varied templates:
about/role paragraphs, responsibility and requirement lists naming tools, years and education,
a "nice to have" block, a recruiter contact block (e-mail, phone, profile URL) and EEO/benefits
boilerplate. About 60 % of descriptions are HTML (some entity-escaped), a few carry mojibake.
Titles repeat with a Zipf-like skew, as in real feeds. ``--titles-only`` writes ``id``/``title`` rows.
The same (n, seed) always gives the same bytes.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import sys
import tempfile
from itertools import accumulate
from pathlib import Path
from typing import Iterator

# (title, family); tech titles are listed twice so the tech family is weighted up
OCCUPATIONS: tuple[tuple[str, str], ...] = tuple(
    (t, fam) for fam, titles in {
        "tech": ["Software Engineer", "Backend Engineer", "Frontend Developer", "Full Stack Developer", "Data Scientist",
                 "Data Engineer", "Data Analyst", "Machine Learning Engineer", "DevOps Engineer", "Site Reliability Engineer",
                 "Cloud Architect", "Security Engineer", "QA Engineer", "Mobile Developer", "iOS Developer",
                 "Android Engineer", "Database Administrator", "Network Engineer", "Systems Administrator",
                 "Product Manager", "Engineering Manager", "Business Intelligence Analyst", "Solutions Architect",
                 "IT Support Specialist", "Technical Writer", "UX Designer", "Platform Engineer", "AI Engineer",
                 "Salesforce Developer", "Embedded Software Engineer", "Information Security Analyst", "SWE",
                 "Software Development Engineer in Test", "Web Developer", "Computer Systems Analyst"] * 2,
        "health": ["Registered Nurse", "Licensed Practical Nurse", "Medical Assistant", "Pharmacist", "Pharmacy Technician",
                   "Physical Therapist", "Dental Hygienist", "Nurse Practitioner", "Radiologic Technologist",
                   "Certified Nursing Assistant", "Medical Coder", "Phlebotomist", "Occupational Therapist"],
        "business": ["Accountant", "Financial Analyst", "Business Analyst", "HR Generalist", "Recruiter", "Project Manager",
                     "Operations Manager", "Marketing Manager", "Sales Representative", "Account Executive",
                     "Customer Service Representative", "Administrative Assistant", "Payroll Specialist", "Buyer",
                     "Management Analyst", "Compliance Officer", "Office Manager", "Executive Assistant", "Paralegal"],
        "trades": ["Electrician", "Plumber", "HVAC Technician", "Maintenance Technician", "Welder", "CNC Machinist",
                   "Carpenter", "Diesel Mechanic", "Automotive Technician", "Forklift Operator", "Warehouse Associate",
                   "Truck Driver", "Delivery Driver", "Production Supervisor", "Quality Inspector"],
        "service": ["Line Cook", "Chef", "Server", "Barista", "Cashier", "Retail Sales Associate", "Store Manager",
                    "Housekeeper", "Security Guard", "Janitor", "Hair Stylist", "Bartender", "Dishwasher"],
        "other": ["Teacher", "Teaching Assistant", "Mechanical Engineer", "Civil Engineer", "Electrical Engineer",
                  "Chemical Engineer", "Graphic Designer", "Social Worker", "Lab Technician", "Biostatistician",
                  "Research Scientist", "Economist", "Architect", "Insurance Agent", "Real Estate Agent",
                  "Loan Officer", "Claims Adjuster", "Logistics Coordinator", "Supply Chain Analyst"],
    }.items() for t in titles
)
PREFIXES = ("", "", "", "", "Senior ", "Sr. ", "Sr ", "Junior ", "Jr. ", "Lead ", "Staff ", "Principal ", "Associate ",
            "Head of ", "Entry Level ", "Mid-Level ", "Chief ", "Assistant ", "Trainee ")
SUFFIXES = ("", "", "", "", " II", " III", " 2", " IV", " - Remote", " (Remote)", " (m/w/d)", " - Austin, TX", " | Acme",
            " - $45/hr", " (Contract)", " - Night Shift", " Req #48213", " - Nights!!!", ", Backend", " / Team Lead",
            " - Hybrid", " (Part-Time)", " - Sign-on Bonus $5,000", " - Level 3", " (12 month FTC)", " - Up to 120k",
            " - URGENT", " [Job ID 99812]", " - NLP", " - Cloud Platform")
COMPANIES = ("Acme Corp", "Globex", "Initech", "Umbrella Health", "Contoso", "Fabrikam", "Woodgrove Bank",
             "Northwind Traders", "Tailspin Logistics", "Wide World Importers", "Litware", "Proseware", "Adatum")
LOCATIONS = ("Austin, TX", "New York, NY", "London, UK", "Berlin, Germany", "Remote", "Chicago, IL", "Toronto, ON",
             "Seattle, WA", "Denver, CO", "Manchester, UK", "Dublin, Ireland", "Sydney, NSW", "Atlanta, GA")
TOOLS = {
    "tech": ("Python", "SQL", "Java", "Go", "Kubernetes", "Docker", "AWS", "Azure", "GCP", "Terraform", "Kafka", "Spark",
             "Airflow", "PyTorch", "TensorFlow", "React", "TypeScript", "JavaScript", "C++", "C#", "Scala", "Rust",
             "PostgreSQL", "MongoDB", "Redis", "Snowflake", "dbt", "Tableau", "Power BI", "Git", "Jenkins", "Linux",
             "Excel", "R", "Node.js", "GraphQL", "Ansible", "Swift", "Kotlin", "Jira"),
    "health": ("Epic", "Cerner", "Microsoft Office", "Excel", "EHR", "ICD-10", "CPR", "BLS", "Meditech", "Pyxis"),
    "business": ("Excel", "SAP", "Salesforce", "QuickBooks", "Workday", "Oracle", "Tableau", "Power BI", "HubSpot",
                 "Microsoft Office", "PowerPoint", "SQL", "Jira", "NetSuite"),
    "trades": ("AutoCAD", "forklift", "PLC", "Microsoft Office", "Excel", "SolidWorks", "CNC", "multimeter", "SAP"),
    "service": ("POS", "Microsoft Office", "Excel", "Square", "Toast"),
    "other": ("AutoCAD", "MATLAB", "Excel", "SolidWorks", "Python", "R", "SAS", "Stata", "Revit", "Adobe Photoshop",
              "Illustrator", "SPSS", "Microsoft Office"),
}
DUTIES = (
    "Partner with {team} to translate business questions into clear plans and recommendations",
    "Design, build and maintain {a}-based workflows used by {team} every day",
    "Automate recurring reports and improve data quality across {a} and {b}",
    "Own day-to-day operations for your area and follow safety and quality procedures at all times",
    "Maintain accurate records in {a} and escalate issues to the shift lead",
    "Mentor junior colleagues and review their work",
    "Lead a team of {n} and hire and develop talent",
    "Supervise a team of {n} technicians across two shifts",
    "Write clear documentation and present findings to leadership",
    "Troubleshoot problems, find root causes and put lasting fixes in place",
    "Coordinate with vendors, schedule work and track budgets",
    "Serve customers with care, handle complaints and keep the work area clean",
    "Contribute to planning, estimation and continuous improvement",
    "Monitor performance and on-call alerts for services built with {a} and {b}",
)
REQUIREMENTS = (
    "{n}+ years of experience with {a} in a production environment",
    "At least {n} years of relevant experience",
    "{n}-{m} years of professional experience in a similar role",
    "Minimum of {n} years of experience; no {a} experience required",
    "Strong knowledge of {a}, {b} and {c}",
    "Hands-on experience with {a} or {b}",
    "Proficiency in {a} and familiarity with {b}",
    "Bachelor's degree in a related field or equivalent experience",
    "BS/MS in Computer Science, Engineering or a related field",
    "High school diploma or GED required",
    "Associate's degree or technical school certificate",
    "Master's degree preferred",
    "Valid driver's license and a clean driving record",
    "Able to lift 50 lbs and stand for long periods",
    "Excellent written and verbal communication skills",
    "This is an entry-level position with on-the-job training",
    "You will lead the technical direction for the team",
)
NICE = ("{a}", "{b} certification", "Experience with {c} is a plus", "Familiarity with {a} preferred")
ABOUT = (
    "{company} is hiring a {title} to join our {dept} team in {location}. You will work closely with {team} to deliver "
    "reliable results for our customers and help us grow over the next few years.",
    "At {company}, our {dept} group builds and maintains the systems and services that power planning, reporting and "
    "day-to-day operations. As a {title}, you will own meaningful work from the first week.",
    "We are looking for a motivated {title} to support {team}. This role sits within {dept} and reports to the "
    "{dept} manager. We value curiosity, ownership and clear communication.",
)
TEAMS = ("product and engineering", "finance and operations", "clinical staff", "store leadership", "our customers",
         "sales and marketing", "the warehouse team", "data science", "plant management")
DEPTS = ("Operations", "Engineering", "Finance", "Patient Care", "Retail", "Logistics", "Analytics", "Facilities", "IT")
BENEFITS = ("Medical, dental and vision insurance", "401(k) with company match", "Paid time off and paid holidays",
            "Parental leave", "Learning budget", "Flexible hours", "Employee stock options", "Commuter benefits")
EEO = (
    "{company} is an equal opportunity employer. All qualified applicants will receive consideration for employment "
    "without regard to race, color, religion, sex, sexual orientation, gender identity, national origin, disability or "
    "protected veteran status. If you need a reasonable accommodation during the application process, let us know.",
    "We are proud to be an Equal Employment Opportunity and Affirmative Action employer. We participate in E-Verify. "
    "{company} does not accept unsolicited resumes from agencies.",
)
CONTACT = (
    "Questions? Contact {first}.{last}@{domain} or call (512) 555-{p4}.",
    "Apply by e-mail to careers@{domain} or phone +44 20 7946 {p4}. Connect with the recruiter: linkedin.com/in/{first}-{last}-{p4}",
    "Recruiter: {First} {Last}, tel: 555 0{p4} 12 ext. 4",
    "Send your CV to jobs@{domain}.",
    "",
)
FIRST = ("jordan", "alex", "sam", "maria", "wei", "priya", "tom", "fatima", "lucas", "chloe")
LAST = ("smith", "garcia", "chen", "okafor", "novak", "patel", "kim", "muller", "rossi", "dubois")
MOJIBAKE = {"é": "Ã©", "’": "â€™", "–": "â€“"}


def _title(rng: random.Random) -> tuple[str, str]:
    base, family = rng.choice(OCCUPATIONS)
    title = rng.choice(PREFIXES) + base + rng.choice(SUFFIXES)
    roll = rng.random()
    if roll < 0.05:
        title = title.upper()
    elif roll < 0.08:
        title = title.lower()
    elif roll < 0.10:
        title = f"  {title}!!  "
    return title, family


def _fill(rng: random.Random, template: str, family: str, ctx: dict) -> str:
    a, b, c = rng.sample(TOOLS[family], 3) if len(TOOLS[family]) >= 3 else (TOOLS[family] * 3)[:3]
    n = rng.randint(1, 10)
    return template.format(a=a, b=b, c=c, n=n, m=n + rng.randint(1, 4), **ctx)


def _description(rng: random.Random, title: str, family: str, company: str, location: str) -> tuple[str, bool]:
    """A description of about 2-4k characters; (text, is_html)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    ctx = {"company": company, "title": title.strip(), "location": location, "team": rng.choice(TEAMS),
           "dept": rng.choice(DEPTS), "first": first, "last": last, "First": first.title(), "Last": last.title(),
           "domain": company.lower().replace(" ", "") + ".com", "p4": f"{rng.randint(0, 9999):04d}"}
    target = rng.randint(1_300, 2_500)  # body; boilerplate and contact add ~600-900
    sections: list[tuple[str, list[str], bool]] = [("About the role", [_fill(rng, rng.choice(ABOUT), family, ctx)], False)]
    duties = [_fill(rng, rng.choice(DUTIES), family, ctx) for _ in range(rng.randint(4, 7))]
    reqs = [_fill(rng, t, family, ctx) for t in rng.sample(REQUIREMENTS, rng.randint(4, 7))]
    sections += [(rng.choice(("Responsibilities", "What you'll do", "Key duties")), duties, True),
                 (rng.choice(("Requirements", "Qualifications", "What you bring")), reqs, True)]
    while sum(len(x) for _, items, _ in sections for x in items) < target:
        sections.append((rng.choice(("Nice to have", "Preferred qualifications", "Bonus points")),
                         [_fill(rng, t, family, ctx) for t in rng.sample(NICE, 2)], True))
        sections.append(("", [_fill(rng, rng.choice(ABOUT), family, ctx)], False))
    sections.append(("Benefits", rng.sample(BENEFITS, rng.randint(3, 6)), True))
    contact = rng.choice(CONTACT).format(**ctx)
    eeo = rng.choice(EEO).format(**ctx)
    as_html = rng.random() < 0.6
    if as_html:
        parts = []
        for heading, items, listed in sections:
            if heading:
                parts.append(f"<h3>{html.escape(heading)}</h3>")
            if listed:
                parts.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in items) + "</ul>")
            else:
                parts.extend(f"<p>{html.escape(x)}</p>" for x in items)
        parts += [f"<p>{html.escape(contact)}</p>" if contact else "", f"<p><em>{html.escape(eeo)}</em></p>"]
        text = "".join(parts)
        if rng.random() < 0.1:
            text = html.escape(text)  # entity-escaped HTML, as JSON-LD often carries it
    else:
        blocks = []
        for heading, items, listed in sections:
            body = "\n".join(("- " if listed else "") + x for x in items)
            blocks.append(f"{heading}:\n{body}" if heading else body)
        blocks += [contact, eeo]
        text = "\n\n".join(b for b in blocks if b)
    if rng.random() < 0.02:
        text = text.replace("experience", "expérience", 1)
        for good, bad in MOJIBAKE.items():
            text = text.replace(good, bad)
    return text, as_html


def postings(n: int, seed: int = 7, titles_only: bool = False) -> Iterator[dict]:
    """``n`` posting records (dicts; only id and title when ``titles_only``), deterministic for (n, seed)."""
    rng = random.Random(seed)
    # Zipf-like reuse: a pool of n//5 (at least 50) distinct titles, drawn with weight 1/rank
    pool = [_title(rng) for _ in range(max(50, n // 5))]
    weights = list(accumulate(1.0 / (r + 1) ** 0.9 for r in range(len(pool))))
    for i in range(n):
        title, family = rng.choices(pool, cum_weights=weights)[0]
        if titles_only:
            yield {"id": f"b{seed}-{i:07d}", "title": title}
            continue
        company, location = rng.choice(COMPANIES), rng.choice(LOCATIONS)
        description, _ = _description(rng, title, family, company, location)
        yield {"id": f"b{seed}-{i:07d}", "title": title, "description": description, "company": company, "location": location}


def write_corpus(path: str | Path, n: int, seed: int = 7, titles_only: bool = False) -> Path:
    """Write ``n`` records as JSONL to ``path`` (titles-only rows when asked); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(rec, ensure_ascii=False) + "\n" for rec in postings(n, seed, titles_only))
    return path


BENCH_DIR = Path(os.environ.get("JDCLASSIFY_BENCH_DIR", Path(tempfile.gettempdir()) / "jdclassify-bench"))


def cached_corpus(n: int, titles_only: bool = False) -> Path:
    """The (n, default seed) corpus in BENCH_DIR, generated on first use: bench scripts share it."""
    path = BENCH_DIR / f"bench_{'titles_' if titles_only else ''}{n}.jsonl"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_corpus(tmp, n, titles_only=titles_only)
        tmp.replace(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output .jsonl path")
    ap.add_argument("--n", type=int, default=100_000, help="number of records (default 100,000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--titles-only", action="store_true", help="write id/title rows only")
    args = ap.parse_args()
    path = write_corpus(args.out, args.n, args.seed, args.titles_only)
    print(f"wrote {args.n:,} {'titles' if args.titles_only else 'postings'} to {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
