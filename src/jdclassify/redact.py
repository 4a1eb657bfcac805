"""Replace personal contact data in text with placeholders, and count what was replaced.

A job posting's text may carry a recruiter's e-mail, phone number or social profile; nothing
downstream needs them, so they are replaced before any other step sees the text:
e-mails -> ``[EMAIL]``, phone numbers -> ``[PHONE]``, social-profile URLs -> ``[URL]``,
social handles -> ``[HANDLE]``.

Phone numbers are found by shape, not by "any long digit run", so years ("2019-2023"),
salaries, requisition ids, versions, dates, zip codes and IP addresses stay:

* international: ``+`` or ``00`` and a country code, then digit groups (8-15 digits in all);
* North American: ``(555) 123-4567``, ``555.123.4567``, ``1-800-555-0199`` (3-3-4 groups);
* national with a trunk ``0``: ``07700 900123``, ``020 7946 0958``, ``01 23 45 67 89`` (9-12 digits);
* anything of 7-15 digits right after a word like "tel", "phone", "mobile", "call".

Every pattern is linear-time on hostile input: quantifiers are bounded, groups are separated
by required delimiters (one way to parse a digit run), and look-behinds stop matches from
starting inside a run, so a megabyte of digits, dots or ``@`` costs a single scan.
"""

from __future__ import annotations

import re
from collections import Counter

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
URL = "[URL]"
HANDLE = "[HANDLE]"

# An e-mail is found from its "@": the local part before it, the domain after it.
_AT_RE = re.compile(r"(?<=[\w.%+\-])@(?=[A-Za-z0-9])")
_LOCAL_RE = re.compile(r"(?<![\w.%+\-])[\w.%+\-]{1,64}\Z")
_DOMAIN_RE = re.compile(r"(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w\-]|\.[A-Za-z0-9])")
# obfuscated: "jordan [at] example [dot] com", "jordan (at) example (dot) com"
_OBFUSCATED_HINT_RE = re.compile(r"[\[(] ?at ?[\])]", re.IGNORECASE)
_OBFUSCATED_EMAIL_RE = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]{1,64} ?[\[(] ?at ?[\])] ?[A-Za-z0-9\-]{1,63}(?: ?[\[(] ?dot ?[\])] ?[A-Za-z0-9\-]{1,63}){1,5}",
    re.IGNORECASE,
)

# Cheap tests that let a text skip the slower patterns (a profile URL has ".com/" or the like;
# a phone number has a run of 7+ digits and separators).
_URL_HINT_RE = re.compile(r"\.(?:com|net|me|io|app|social)/", re.IGNORECASE)
_PHONE_HINT_RE = re.compile(r"\d[\d ().\-/\u00a0]{5,}\d")

_URL_RE = re.compile(
    r"(?<![\w@.\-/])(?:https?://)?(?:(?:www|[a-z]{2})\.)?(?:"
    r"linkedin\.com/(?:in|pub)/[^\s/?#<>\"')\]]{1,100}"
    r"|github\.com/[A-Za-z0-9\-]{1,39}(?![\w\-]|/[\w\-])"  # a profile root, not a repository URL
    r"|gitlab\.com/[A-Za-z0-9_.\-]{1,60}(?![\w\-]|/[\w\-])"
    r"|(?:twitter|x|instagram|facebook|fb|tiktok|threads)\.(?:com|net)/@?[A-Za-z0-9_.]{1,50}"
    r"|medium\.com/@[A-Za-z0-9_.\-]{1,50}"
    r"|(?:t|wa)\.me/\+?[A-Za-z0-9_]{3,32}"
    r"|(?:keybase\.io|bsky\.app/profile|mastodon\.social/@?|behance\.net|dribbble\.com)/?[A-Za-z0-9_.\-]{1,60}"
    r"|stackoverflow\.com/users/\d{1,12}(?:/[A-Za-z0-9\-]{1,100})?"
    r")(?:/[^\s<>\"')\]]{0,200})?",
    re.IGNORECASE,
)

# @name, not an e-mail (no word character before the @) and not "@ the office".
_HANDLE_RE = re.compile(r"(?<![\w@.\-/])@[A-Za-z_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){1,29}(?![\w@])")
_NOT_HANDLES = frozenset({"home", "office", "work", "site", "the", "company", "media", "import", "param", "return"})

_SEP = r"[ .\-\u00a0]"
_PHONE_RE = re.compile(
    # international: +CC or 00CC, then groups with required separators, or a compact +digits run
    rf"(?<![\w+])(?:\+|00)[1-9]\d{{0,2}}\)?(?: ?\(0\) ?\d{{1,8}})?(?:{_SEP}{{1,2}}\(?\d{{1,10}}\)?){{1,6}}(?![\d])"
    r"|(?<![\w+])\+[1-9]\d{7,14}(?!\d)"
    # North American 3-3-4, optionally with a leading 1
    rf"|(?<![\w+.\-/])(?:1{_SEP})?(?:\(\d{{3}}\) ?|\d{{3}}{_SEP})\d{{3}}{_SEP}\d{{4}}(?![\d]|[.\-/]\d)"
    # national with a trunk 0
    rf"|(?<![\w+.\-/])0\d{{1,5}}(?:{_SEP}|/)\d{{2,8}}(?:{_SEP}\d{{2,8}}){{0,3}}(?![\d]|[.\-/]\d)"  # 030/1234567 too
    # an area code in parentheses: (02) 8983 8338, (020) 7946 0958, (11) 91234-5678
    rf"|(?<![\w+.\-/])\(0?\d{{2,4}}\) ?\d{{2,5}}(?:{_SEP}\d{{2,5}}){{1,3}}(?![\d]|[.\-/]\d)"
    # after a phone word: any 7-15 digit run with separators
    r"|(?<!\w)(?:tel(?:ephone)?|phone|ph|mobile|mob|cell|fax|whatsapp|call(?: me)?(?: at| on)?|text(?: me)?)"
    r"\.? ?[:#]? {0,3}(?P<cued>\+?\(?\d[\d ().\-]{5,22}\d)(?!\d)",
    re.IGNORECASE,
)
_EXTENSION_RE = re.compile(r" {0,3},? {0,3}(?:ext\.?|extension|x) {0,3}\d{1,6}(?!\d)", re.IGNORECASE)
_DATE_RE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{2,4}")
_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_ZIP4_RE = re.compile(r"\d{5}-\d{4}")  # a US ZIP+4 (New England ones start with 0)


def _date_or_zip(text: str) -> bool:
    """A date with a 4-digit year (2026-03-01, 01.02.2026 14:00) or a ZIP+4; French 06.12.34.56.78 is neither."""
    date = _DATE_RE.match(text)
    return bool(_ZIP4_RE.fullmatch(text)) or (date is not None and _YEAR_RE.search(date.group()) is not None)


def _phone_ok(match: re.Match) -> bool:
    text = match.group("cued") or match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if match.group("cued"):
        return 7 <= digits <= 15
    if text.startswith("+"):
        return 8 <= digits <= 15
    if text.startswith("00"):
        return 10 <= digits <= 17
    if text.startswith("0"):
        return 9 <= digits <= 12 and not _date_or_zip(text)
    return digits in (10, 11)


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping (start, end, placeholder) spans; earlier kinds win overlaps."""
    emails = []
    for at in _AT_RE.finditer(text) if "@" in text else ():
        local = _LOCAL_RE.search(text, max(0, at.start() - 64), at.start())
        domain = _DOMAIN_RE.match(text, at.end()) if local else None
        if domain and not (emails and emails[-1][1] > local.start()):
            emails.append((local.start(), domain.end(), EMAIL))
    if _OBFUSCATED_HINT_RE.search(text):
        emails = _merge(emails, [(m.start(), m.end(), EMAIL) for m in _OBFUSCATED_EMAIL_RE.finditer(text)])
    urls = [(m.start(), m.end(), URL) for m in _URL_RE.finditer(text)] if _URL_HINT_RE.search(text) else []
    handles = [
        (m.start(), m.end(), HANDLE) for m in _HANDLE_RE.finditer(text) if m.group(0)[1:].lower() not in _NOT_HANDLES
    ] if "@" in text else []
    phones = []
    for window_start, window_end in _phone_windows(text):
        for m in _PHONE_RE.finditer(text, window_start, window_end):
            start = m.start("cued") if m.group("cued") else m.start()
            if _phone_ok(m) and not (phones and phones[-1][1] > start):
                ext = _EXTENSION_RE.match(text, m.end())
                phones.append((start, ext.end() if ext else m.end(), PHONE))
    spans = emails
    for kind in (urls, handles, phones):
        spans = _merge(spans, kind)
    return spans


def _phone_windows(text: str) -> list[tuple[int, int]]:
    """Stretches of text around each run of 7+ digits and separators: the full phone pattern runs only there.

    A window reaches 40 characters either side (room for "call me on" and look-arounds); a phone
    number ends inside its digit run, and its extension is matched on the whole text.
    """
    windows: list[tuple[int, int]] = []
    for hint in _PHONE_HINT_RE.finditer(text):
        start, end = max(0, hint.start() - 40), min(len(text), hint.end() + 40)
        if windows and windows[-1][1] >= start:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _merge(kept: list[tuple[int, int, str]], new: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``kept`` plus the spans of ``new`` that overlap nothing (both sorted); linear time."""
    out: list[tuple[int, int, str]] = []
    i = 0
    for span in new:
        while i < len(kept) and kept[i][1] <= span[0]:
            out.append(kept[i])
            i += 1
        if (i < len(kept) and kept[i][0] < span[1]) or (out and out[-1][1] > span[0]):
            continue
        out.append(span)
    out.extend(kept[i:])
    return out


def redact(text: str) -> tuple[str, Counter]:
    """``text`` with contact data replaced by placeholders, and counts per kind (email, phone, url, handle)."""
    counts: Counter = Counter()
    if not text:
        return text, counts
    out: list[str] = []
    pos = 0
    for start, end, placeholder in _spans(text):
        out.append(text[pos:start])
        out.append(placeholder)
        counts[placeholder.strip("[]").lower()] += 1
        pos = end
    out.append(text[pos:])
    return "".join(out), counts
