"""Redaction measured on a generated set: recall >= 99 % on contact data, false redaction <= 1 % on ordinary text.

The generator writes numbers from each country's numbering plan (trunk prefix, area/mobile prefixes, group
sizes, how people punctuate them), not from the redaction patterns, so the figure says how the redactor
does on text it was not written against. Seeded; prints the figures.
"""

from __future__ import annotations

import random
import re

from jdclassify.redact import redact

SEED = 2024
N_CONTACTS = 2400
N_ORDINARY = 2400


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _nanp(rng):  # US/CA: NPA-NXX-XXXX, NPA and NXX start 2-9
    npa, nxx, sub = rng.choice("23456789") + _d(rng, 2), rng.choice("23456789") + _d(rng, 2), _d(rng, 4)
    return rng.choice([f"({npa}) {nxx}-{sub}", f"{npa}-{nxx}-{sub}", f"{npa}.{nxx}.{sub}", f"+1 {npa} {nxx} {sub}",
                       f"+1-{npa}-{nxx}-{sub}", f"1-{npa}-{nxx}-{sub}", f"+1 ({npa}) {nxx}-{sub}", f"{npa} {nxx} {sub}"])


def _uk(rng):  # trunk 0; London 020 + 8, geographic 01xxx + 6, mobile 07xxx + 6
    kind = rng.choice(["london", "geo", "mobile"])
    if kind == "london":
        a, b = _d(rng, 4), _d(rng, 4)
        return rng.choice([f"020 {a} {b}", f"+44 20 {a} {b}", f"+44 (0)20 {a} {b}", f"(020) {a} {b}", f"0044 20 {a} {b}"])
    if kind == "geo":
        area, sub = "01" + _d(rng, 3), _d(rng, 6)
        return rng.choice([f"{area} {sub}", f"+44 {area[1:]} {sub}", f"{area} {sub[:3]} {sub[3:]}"])
    mob, sub = "07" + rng.choice("456789") + _d(rng, 2), _d(rng, 6)
    return rng.choice([f"{mob} {sub}", f"+44 {mob[1:]} {sub}", f"+44 {mob[1:]} {sub[:3]} {sub[3:]}", f"{mob}-{sub}"])


def _de(rng):  # trunk 0; Berlin 30, Munich 89, mobile 15x/16x/17x; subscriber 6-8 digits
    area = rng.choice(["30", "89", "40", "221", "69", "151", "160", "176"])
    sub = _d(rng, 8 if area[0] == "1" else rng.choice([6, 7, 8]))
    return rng.choice([f"0{area} {sub}", f"+49 {area} {sub}", f"+49 (0){area} {sub}", f"0{area}/{sub}", f"0{area}-{sub}",
                       f"+49 {area} {sub[:4]} {sub[4:]}", f"0049 {area} {sub}"])


def _fr(rng):  # 10 digits, trunk 0, pairs
    n = "0" + rng.choice("1234567") + _d(rng, 8)
    pairs = [n[i:i + 2] for i in range(0, 10, 2)]
    return rng.choice([" ".join(pairs), ".".join(pairs), "-".join(pairs), "+33 " + n[1] + " " + " ".join(pairs[1:]),
                       "+33 (0)" + n[1] + " " + " ".join(pairs[1:]), "0033 " + n[1] + " " + " ".join(pairs[1:])])


def _in(rng):  # mobile 10 digits starting 6-9 (5+5), landline STD code + number
    if rng.random() < 0.6:
        m = rng.choice("6789") + _d(rng, 9)
        return rng.choice([f"+91 {m[:5]} {m[5:]}", f"+91-{m}", f"0{m[:5]} {m[5:]}", f"+91 {m}", f"(+91) {m[:5]} {m[5:]}"])
    std, sub = rng.choice(["22", "11", "80", "44"]), _d(rng, 8)
    return rng.choice([f"+91 {std} {sub[:4]} {sub[4:]}", f"0{std} {sub[:4]} {sub[4:]}", f"0{std}-{sub}", f"+91-{std}-{sub}"])


def _au(rng):  # trunk 0; area 2/3/7/8 + 8 digits, mobile 04xx xxx xxx
    if rng.random() < 0.5:
        a, sub = rng.choice("2378"), _d(rng, 8)
        return rng.choice([f"(0{a}) {sub[:4]} {sub[4:]}", f"0{a} {sub[:4]} {sub[4:]}", f"+61 {a} {sub[:4]} {sub[4:]}"])
    m = "4" + _d(rng, 8)
    return rng.choice([f"0{m[:3]} {m[3:6]} {m[6:]}", f"+61 {m[:3]} {m[3:6]} {m[6:]}", f"+61 {m}"])


def _br(rng):  # DDD area code 2 digits; mobile 9xxxx-xxxx, landline xxxx-xxxx
    ddd = rng.choice(["11", "21", "31", "41", "61", "71"])
    sub = "9" + _d(rng, 4) + "-" + _d(rng, 4) if rng.random() < 0.6 else rng.choice("2345") + _d(rng, 3) + "-" + _d(rng, 4)
    return rng.choice([f"+55 {ddd} {sub}", f"({ddd}) {sub}", f"+55 ({ddd}) {sub}", f"0{ddd} {sub}", f"+55 {ddd} {sub.replace('-', ' ')}"])


def _jp(rng):  # trunk 0; Tokyo 03-xxxx-xxxx, mobile 090/080/070-xxxx-xxxx
    if rng.random() < 0.5:
        sub = _d(rng, 4) + "-" + _d(rng, 4)
        return rng.choice([f"03-{sub}", f"+81 3-{sub}", f"+81 3 {sub.replace('-', ' ')}", f"(03) {sub}"])
    pre = rng.choice(["90", "80", "70"])
    sub = _d(rng, 4) + "-" + _d(rng, 4)
    return rng.choice([f"0{pre}-{sub}", f"+81 {pre}-{sub}", f"+81 {pre} {sub.replace('-', ' ')}"])


PHONES = [_nanp, _uk, _de, _fr, _in, _au, _br, _jp]
FIRST = ["jane", "omar", "li", "priya", "lucas", "anna-maria", "o'neil", "kenji", "fatima", "jean.luc", "sam"]
LAST = ["doe", "haddad", "wei", "sharma", "silva", "mueller", "okafor", "tanaka", "garcia", "smith2", "nguyen"]
DOMAINS = ["example.com", "acme-corp.co.uk", "mail.example.org", "talent.example.io", "gmail.com", "example.de", "recruit.example.com.br"]


def _name(rng):
    return rng.choice(FIRST).replace("'", ""), rng.choice(LAST)


def _email(rng):
    f, l = _name(rng)
    local = rng.choice([f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}{rng.randint(1, 99)}", f"{f}+jobs", f"{l}.{f}".upper(), f"hr-{l}"])
    domain = rng.choice(DOMAINS)
    text = rng.choice([f"{local}@{domain}", f"mailto:{local}@{domain}", f"<{local}@{domain}>", f"{local} [at] {domain.replace('.', ' [dot] ')}"])
    return text, local


def _profile(rng):
    f, l = _name(rng)
    user = rng.choice([f"{f}-{l}", f"{f}{l}", f"{f}_{l}", f"{f}-{l}-{rng.randint(10, 999)}"])
    site = rng.choice(["linkedin.com/in/", "www.linkedin.com/in/", "https://www.linkedin.com/in/", "github.com/", "https://github.com/",
                       "twitter.com/", "https://x.com/", "instagram.com/", "https://www.facebook.com/"])
    if "github" in site:
        user = user.replace("_", "-")
    if any(s in site for s in ("twitter", "x.com", "instagram")):
        user = user.replace("-", "_")[:15]
    return site + user + rng.choice(["", "/"]), user


def _handle(rng):
    f, l = _name(rng)
    handle = rng.choice([f"{f}_{l}", f"{f}{l}", f"{f[0]}{l}{rng.randint(1, 99)}"]).replace("-", "_").replace(".", "_")[:15]
    return "@" + handle, handle


CONTEXTS = ["Call {x} today.", "Phone: {x}", "Questions? Reach me at {x}.", "{x} (mobile)", "Contact: {x} - HR team",
            "Send your CV to {x} or apply online.", "Recruiter: Jane, {x}", "Tel. {x}, Mon-Fri", "WhatsApp {x}", "({x})"]


def contact_set(rng: random.Random) -> list[tuple[str, str, str]]:
    """(text, kind, what must be gone): phones of 8 countries, e-mails, profile URLs, handles."""
    out = []
    for i in range(N_CONTACTS):
        kind = ["phone"] * 5 + ["email", "email", "url", "handle"]
        kind = kind[i % len(kind)]
        if kind == "phone":
            number = PHONES[i % len(PHONES)](rng)
            if rng.random() < 0.1 and PHONES[i % len(PHONES)] in (_nanp, _uk):
                number += rng.choice([" ext. 214", " x214", ", ext 9", " extension 12"])
            digits = re.sub(r"\D", "", number.split(" ext")[0].split(" x")[0].split(", ext")[0])
            out.append((rng.choice(CONTEXTS).format(x=number), kind, digits[-6:]))
        else:
            text, secret = {"email": _email, "url": _profile, "handle": _handle}[kind](rng)
            out.append((rng.choice(CONTEXTS).format(x=text), kind, secret))
    return out


def ordinary_set(rng: random.Random) -> list[str]:
    """Text with numbers that are not contact data: years, salaries, ids, dates, versions, zip codes, times."""
    y = lambda: rng.randint(1990, 2030)  # noqa: E731
    makers = [
        lambda: f"Worked there {y()}-{y()}, then since {y()}.",
        lambda: f"Salary ${rng.randint(40, 250)},000 - ${rng.randint(40, 250)},000 per year",
        lambda: f"€{rng.randint(30, 99)}.000–€{rng.randint(30, 99)}.000 brutto",
        lambda: f"₹{rng.randint(1, 40)},{_d(rng, 2)},000 LPA",
        lambda: f"Requisition REQ-{y()}-{_d(rng, 5)}",
        lambda: f"Job ID: JR{_d(rng, 6)}",
        lambda: f"Req #{_d(rng, 5)}",
        lambda: f"Start date {y()}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        lambda: f"Closing {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{y()}",
        lambda: f"Closing {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{y()}",
        lambda: f"Python 3.{rng.randint(6, 13)}.{rng.randint(0, 20)}, Spark {rng.randint(2, 4)}.{rng.randint(0, 5)}",
        lambda: f"Windows 10.0.{_d(rng, 5)}.{_d(rng, 4)}",
        lambda: f"Office: 500 Main St, Austin, TX {_d(rng, 5)}",
        lambda: f"San Francisco, CA {_d(rng, 5)}-{_d(rng, 4)}",
        lambda: f"{_d(rng, 5)} Berlin, Germany",
        lambda: f"Bengaluru {rng.choice('5')}{_d(rng, 5)}",
        lambda: f"Shift {rng.randint(6, 10)}:00-{rng.randint(14, 20)}:30, {rng.randint(20, 45)} hours a week",
        lambda: f"{rng.randint(2, 9)}-{rng.randint(5, 15)} years of experience",
        lambda: f"Serving {rng.randint(1, 999)},{_d(rng, 3)},{_d(rng, 3)} users in {rng.randint(2, 90)} countries",
        lambda: f"ISO 9001:{y()} and ISO/IEC 27001:{y()}",
        lambda: f"Growth of {rng.randint(1, 99)}.{rng.randint(0, 9)}% year over year",
        lambda: "401(k) with 6% match, 24/7 support",
        lambda: f"Servers at 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
        lambda: f"Team of {rng.randint(3, 40)} engineers, budget of ${rng.randint(1, 50)}M",
        lambda: f"Reference {rng.choice('ABCDEFGH')}{_d(rng, 2)}/{_d(rng, 4)}/{y()}",
    ]
    return [rng.choice(makers)() for _ in range(N_ORDINARY)]


def test_contact_recall_is_at_least_99_percent_and_false_redaction_at_most_1_percent():
    rng = random.Random(SEED)
    contacts = contact_set(rng)
    missed = []
    for text, kind, secret in contacts:
        redacted, _ = redact(text)
        leaked = secret in re.sub(r"\D", "", redacted) if kind == "phone" else secret.lower() in redacted.lower()
        if leaked:
            missed.append((kind, text, redacted))
    ordinary = ordinary_set(rng)
    changed = [(text, redact(text)[0]) for text in ordinary if redact(text)[0] != text]
    recall = 1 - len(missed) / len(contacts)
    false_rate = len(changed) / len(ordinary)
    by_kind = {k: sum(1 for m in missed if m[0] == k) for k in ("phone", "email", "url", "handle")}
    print(f"\nredaction: {len(contacts)} contacts, recall {recall:.2%} (missed {by_kind}); "
          f"{len(ordinary)} ordinary snippets, false redaction {false_rate:.2%}")
    assert recall >= 0.99, missed[:20]
    assert false_rate <= 0.01, changed[:20]
