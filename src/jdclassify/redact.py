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
* anything of 7-15 digits after a word that says "phone" (in ~30 languages and scripts: "tel", "Handy",
  "móvil", "電話", "телефон", "T:" …), and numbers chained to a phone number by "/", "or", "o", "eller" …;
* but never a number named as an id ("VAT", "NIP", "IBAN", "NDC", "Ref.", "P.O. Box" …).

Digits of other scripts (Arabic-Indic, Devanagari, …) and Unicode hyphens are matched as their ASCII forms.
Measured on a generated set and two hand-written ones (tests/test_redact_measure.py, test_redact_handmade.py).

Every pattern is linear-time on hostile input: quantifiers are bounded, groups are separated
by required delimiters (one way to parse a digit run), and look-behinds stop matches from
starting inside a run, so a megabyte of digits, dots or ``@`` costs a single scan.
"""

from __future__ import annotations

import re
from collections import Counter

from .scan import GateWords, gate_key, gated

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
URL = "[URL]"
HANDLE = "[HANDLE]"

# An e-mail is found from its "@": the local part before it, the domain after it.
_AT_RE = re.compile(r"(?<=[\w.%+\-])@(?=[A-Za-z0-9])")
_LOCAL_RE = re.compile(r"(?<![\w.%+\-])[\w.%+\-]{1,64}\Z")
_GIT_PATH_RE = re.compile(r":[\w.\-]{1,100}/")
_DOMAIN_RE = re.compile(r"(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w\-]|\.[A-Za-z0-9])")
# obfuscated: "jordan [at] example [dot] com", "jordan (at) example.com", "jane dot doe at example dot com",
# "careers{at}example{dot}org", "m.mueller (at) beispiel (punkt) de". A bare " at " counts only when a spelled-out
# dot follows ("jobs at example dot com"); "at" in brackets is enough on its own.
# "at" and "dot" as written in English, German, French, Spanish/Portuguese, Italian, Polish, Dutch, Swedish,
# Hungarian, Czech and Russian
_AT_NAMES = r"(?:at|ät|arobase|arroba|chiocciola|ma[łl]pa|apenstaartje|snabel-a|kukac|zavin[áa][čc]|собака)"
_DOT_NAMES = r"(?:dot|punkt|point|punto|ponto|kropka|punt|pont|te[čc]ka|точка)"
_DOT_WORD = rf"(?: ?[\[({{<] ?{_DOT_NAMES} ?[\])}}>] ?| {_DOT_NAMES} )"
# Texts with none of these hints (in the lower-cased text) skip the pattern: "at" before a closing bracket, a
# spelled-out dot between spaces, or a word for "at"; all looked for in one automaton pass.
_OBFUSCATED_HINTS = GateWords({"hint": (
    "at]", "at)", "at}", "at>", "at ]", "at )",
    *(f" {dot} " for dot in ("dot", "punkt", "point", "punto", "ponto", "punt", "pont", "kropka", "tečka", "точка")),
    "ät", "arobase", "arroba", "chiocciola", "małpa", "malpa", "apenstaartje", "snabel-a", "kukac", "zavin", "собака",
)})
_LABEL = r"[\w\-]{1,63}"
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.%+\-])[\w%+\-]{{1,64}}(?:(?:\.|{_DOT_WORD})[\w%+\-]{{1,64}}){{0,3}}"
    rf"(?: ?[\[({{<] ?{_AT_NAMES} ?[\])}}>] ?{_LABEL}(?:(?:\.|{_DOT_WORD}){_LABEL}){{1,5}}"
    rf"| {_AT_NAMES} {_LABEL}(?:\.{_LABEL}){{0,4}}{_DOT_WORD}{_LABEL}(?:(?:\.|{_DOT_WORD}){_LABEL}){{0,4}})",
    re.IGNORECASE,
)

# Cheap tests that let a text skip the slower patterns (a profile URL has ".com/" or the like;
# a phone number has a run of 7+ digits and separators).
_URL_HINT_RE = re.compile(r"\.(?:com|net|me|io|app|social)/", re.IGNORECASE)
# a profile URL starts at most 12 characters ("https://www.") before its site's name (scan.gated)
_URL_SITES = ("linkedin.com/", "github.com/", "gitlab.com/", "twitter.", "x.com/", "x.net/", "instagram.", "facebook.",
              "fb.", "tiktok.", "threads.", "medium.com/@", "t.me/", "wa.me/", "keybase.io", "bsky.app/profile",
              "mastodon.social", "behance.net", "dribbble.com", "calendly.com", "stackoverflow.com/users/")
_URL_REACH = 12
_PHONE_HINT_RE = re.compile(r"\d[\d ().\-/\u00a0]{5,}\d")
# A character every kind but the obfuscated e-mail needs: "@" (e-mails, handles), a colon (messenger ids), "/"
# (_URL_HINT_RE), a digit (_PHONE_HINT_RE, the vanity "800"; cued and chained numbers are looked for only there)
_ANY_CUE_RE = re.compile(r"[@:：/\d]")

_URL_RE = re.compile(
    r"(?<![\w@.\-/])(?:https?://)?(?:(?:www|[a-z]{2})\.)?(?:"
    r"linkedin\.com/(?:in|pub)/[^\s/?#<>\"')\]]{1,100}"
    r"|github\.com/[A-Za-z0-9\-]{1,39}(?![\w\-]|/[\w\-])"  # a profile root, not a repository URL
    r"|gitlab\.com/[A-Za-z0-9_.\-]{1,60}(?![\w\-]|/[\w\-])"
    r"|(?:twitter|x|instagram|facebook|fb|tiktok|threads)\.(?:com|net)/@?[A-Za-z0-9_.]{1,50}"
    r"|medium\.com/@[A-Za-z0-9_.\-]{1,50}"
    r"|(?:t|wa)\.me/\+?[A-Za-z0-9_]{3,32}"
    r"|(?:keybase\.io|bsky\.app/profile|mastodon\.social/@?|behance\.net|dribbble\.com|calendly\.com)/?[A-Za-z0-9_.\-]{1,60}"
    r"|stackoverflow\.com/users/\d{1,12}(?:/[A-Za-z0-9\-]{1,100})?"
    r")(?:/[^\s<>\"')\]]{0,200})?",
    re.IGNORECASE,
)

# @name, not an e-mail (no word character before the @) and not "@ the office". Code is full of @names too:
# decorators and annotations (@dataclass(…), @app.get, @Override), npm scopes (@angular/core), CSS at-rules
# (@media), chat mentions (@here). So a name followed by "(", "." + word or "/" is code, and a capitalised
# or dotted name (Java/Kotlin/Swift annotations, "@pytest.fixture") is a handle only beside a social-network or
# contact word.
_HANDLE_RE = re.compile(r"(?<![\w@.\-/])@[A-Za-z_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){1,29}(?![\w@\-]|\(|\.\w|/)")
_NOT_HANDLES = frozenset({
    "home", "office", "work", "site", "the", "company", "media", "import", "param", "return", "here", "channel",
    "everyone", "all", "keyframes", "font", "supports", "page", "layer", "container", "charset", "namespace",
    "property", "staticmethod", "classmethod", "abstractmethod", "dataclass", "cache", "cached_property",
    "lru_cache", "wraps", "contextmanager", "given", "example", "settings", "fixture", "override", "deprecated",
    "throws", "see", "since", "author", "version", "todo", "types", "use", "forward", "mixin", "include", "extend",
    "tailwind", "apply", "model", "foreach", "if", "else", "for", "each", "while", "section", "using", "inject",
    "function", "content", "debug", "warn", "error",
})
_SOCIAL_CUE_RE = re.compile(
    r"\b(?:twitter|x|telegram|tg|instagram|insta|ig|tiktok|threads|mastodon|bluesky|bsky|signal|follow|dm|handle|"
    r"reach|contact|message|ping|tweet)\b", re.IGNORECASE)
# messaging ids named as such: "Skype: live:jane.doe_1987", "WeChat: li_hr_2024", "(KakaoTalk ID: hr_jihyun)"
# (found from each colon: scanning every position for the names costs more than the rest of redaction)
_MESSENGER_NAME_RE = re.compile(
    r"(?<![^\W\d_])(?:skype|wechat|weixin|微信|line|kakao(?:talk)?|카카오톡|discord|telegram|signal|viber|icq|qq)(?: ?id)?\s{0,2}\Z",
    re.IGNORECASE,
)
_MESSENGER_ID_RE = re.compile(r"[:：]\s{0,3}(?P<id>(?:live:|@)?[A-Za-z0-9_][A-Za-z0-9_.\-]{2,40}(?:#\d{4})?)(?![\w@])")
_COLON_RE = re.compile(r"[:：]")

_SEP = r"[ .\-\u00a0]"
_SPACED = r"(?: ?[/\-] ?)"  # "020 - 123 45 67", "07621 / 12 34 56"
_PHONE_RE = re.compile(
    # international: +CC or 00CC, then groups with required separators, or a compact +digits run
    rf"(?<![\w+])(?<!\d )(?:\+|00)[1-9]\d{{0,2}}\)?(?: ?\(0\) ?\d{{1,8}})?(?:(?:{_SEP}|/){{1,2}}\(?\d{{1,10}}\)?| ?- ?\d{{1,10}}){{1,6}}(?![\d])"
    r"|(?<![\w+])\+[1-9]\d{7,14}(?!\d)"
    # North American 3-3-4, optionally with a leading 1
    rf"|(?<![\w+.\-/])(?:1{_SEP})?(?:\(\d{{3}}\) ?|\d{{3}}{_SEP})\d{{3}}{_SEP}\d{{4}}(?![\d]|[.\-/]\d)"
    # national with a trunk 0
    rf"|(?<![\w+.\-/])0\d{{1,5}}(?:{_SEP}|/|{_SPACED})\d{{2,8}}(?:{_SEP}\d{{2,8}}){{0,3}}(?![\d]|[.\-/]\d)"  # 030/1234567 too
    # an area code in parentheses: (02) 8983 8338, (020) 7946 0958, (11) 91234-5678
    rf"|(?<![\w+.\-/])\(0?\d{{2,4}}\) ?\d{{2,5}}(?:{_SEP}\d{{2,5}}){{1,3}}(?![\d]|[.\-/]\d)",
    re.IGNORECASE,
)
# Numbers named as phone numbers. Without a country code or trunk prefix a phone number is only digits
# ("912 345 678", "2123 4567", "555-0143"), so these count after a word that says "phone" in one of many
# languages (up to 40 characters before, on the same line), or right after another phone number
# ("Tel: 22 12 34 56 / 912 34 567"); one-letter labels need a colon ("T: …", "M: …").
_PHONE_CUE_RE = re.compile(
    r"(?<![^\W\d_])(?:tel(?! ?aviv)|t[ée]l[ée]?f?o?n\w*|tlf|tfn|telf|fon|phone|ph|mobile?|mob|mobil|m[óo]vil|cel|cell|celular|handy|"
    r"portable|gsm|fax|whats ?app|wa|sms|text|call\w*|ring|ll[aá]m\w*|appel\w*|chiam\w*|ligue|liga|kontakt\w*|contact\w*|"
    r"hotline|helpline|toll[- ]?free|freephone|free ?call|num[ée]ro vert|office|oficina|escrit[óo]rio|b[üu]ro|bureau|"
    r"kantoor|kom|kom[óo]rka|telem[óo]vel|direct|switchboard|landline|unified|hp|comun[ií]c\w*|bel|bellen|s[ií]ma|s[ií]mi|"
    r"telepon|hubungi|zalo|τηλ|κιν|утас|"
    r"(?<!\.)[tmpfowcd](?=\s?:))(?![^\W\d_])(?:\.?\s?(?:(?:no|nr|num(?:ber)?)(?![^\W\d_])|#)\.?)?"  # "Tel. No.:"
    # scripts written without spaces between words: no word boundaries
    r"|電話|电话|致電|致电|手机|手機|携帯|聯絡|联系|연락처|전화|휴대폰|대표전화|телефон|тел|линия|звоните|هاتف|جوال|الاتصال|اتصل"
    r"|للاستفسار|تواصل|تماس|تلفن|موبایل|मोबाइल|फ़ोन|फोन|संपर्क|โทร",
    re.IGNORECASE,
)
_CUED_NUMBER_RE = re.compile(r"[^\d\n]{0,40}?(?<![A-Za-z\d+_])(\+?\(?\d[\d ()./\-\u00a0]{4,28}\d)(?!\d)")
_CHAIN_RE = re.compile(
    r"\s{0,3}(?:/|,|;|\||or|o|ou|oder|eller|of|или|或|및|y|e|and|&)\s{0,3}(?P<label>[A-Za-z]{2,12}\.?:? {0,2})?"
    r"(?P<number>\+?\(?\d[\d ()./\-\u00a0]{4,28}\d)(?!\d)", re.IGNORECASE)
# A number named as an id stays, phone-shaped or not: company, tax and bank numbers, drug codes, licences.
_ID_WORD_RE = re.compile(
    r"(?<![^\W\d_])(?:vat|btw|tva|ust|abn|acn|siret|siren|nip|regon|krs|cif|nif|duns|ein|ndc|iban|swift|bic|cas|sku|"
    r"licen[cs]e|ref\w*|req\w*|order|invoice|entreprise|ondernemingsnummer|company|registration|reg|part|iva|fiscale|"
    r"codice|rea|lgs|box|vacancy|posting|account|사업자등록번호|инн|огрн|kvk|handelsregister|hrb|nr|no)(?![^\W\d_])|ח\.פ",
    re.IGNORECASE,
)
_MONEY_RE = re.compile(r"[$€£¥₹₽₩]|\b(?:usd|eur|gbp|inr|cop|mxn|brl|aud|nzd|sgd|hkd|rub|k|lpa|per|p\.?a)\b", re.IGNORECASE)
_TIME_RE = re.compile(r"\d{1,2}[:h.]\d{2}\s*[-–]\s*\d{1,2}[:h.]\d{2}")
_PIECE_RE = re.compile(r"[^/,;]+")  # the numbers of a run like "080-4123 4567 / 9876543210"
_IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_YEARS_RE = re.compile(r"(?:19|20)\d{2}\s*[-–/]\s*(?:19|20)?\d{2}")
# toll-free words: "1-877-JOBS-NOW" (a leading literal keeps the scan fast; the "1-" is taken after)
_VANITY_RE = re.compile(r"8(?<![\w]8)(?:00|33|44|55|66|77|88)[ .\-](?=[A-Z0-9\-]{0,9}[A-Z])[A-Z0-9]{2,4}-?[A-Z0-9]{2,4}(?![\w-])")
_VANITY_LEAD_RE = re.compile(r"(?<![\w-])1[ .\-]\Z")
_EXTENSION_RE = re.compile(
    r" {0,3}[,;]? {0,3}\(?(?:ext\.?|extn\.?|extension|x|poste|durchwahl|dw\.?|interno|int\.|ramal|loc\.|#|分機|分机|내선|доб\.?)"
    r" {0,3}\d{1,6}(?!\d)\)?", re.IGNORECASE)
_DATE_RE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{2,4}")
_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_ZIP4_RE = re.compile(r"\d{5}-\d{4}")  # a US ZIP+4 (New England ones start with 0)


def _date_or_zip(text: str) -> bool:
    """A date with a 4-digit year (2026-03-01, 01.02.2026 14:00) or a ZIP+4; French 06.12.34.56.78 is neither."""
    date = _DATE_RE.match(text)
    return bool(_ZIP4_RE.fullmatch(text)) or (date is not None and _YEAR_RE.search(date.group()) is not None)


def _phone_ok(match: re.Match) -> bool:
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if text.startswith("+"):
        return 8 <= digits <= 15
    if text.startswith("00"):
        return 10 <= digits <= 17
    if text.startswith(("0", "(0")):
        return 9 <= digits <= 12 and not _date_or_zip(text)
    return digits in (10, 11)


def _handle(text: str, m: re.Match) -> bool:
    name = m.group()[1:]
    if name.lower() in _NOT_HANDLES:
        return False
    if not name[:1].isupper() and "." not in name:  # "@functools.cache", "@pytest.fixture": code unless named a handle
        return True
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    near = text[max(line_start, m.start() - 40): min(line_end if line_end >= 0 else len(text), m.end() + 25)]
    return bool(_SOCIAL_CUE_RE.search(near))


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping (start, end, placeholder) spans; earlier kinds win overlaps."""
    # hint tests: far cheaper than the pattern on every text
    obfuscated = bool(_OBFUSCATED_HINTS.find(text.lower()))
    if not obfuscated and not _ANY_CUE_RE.search(text):
        return []  # most titles: a fifth of the cost of trying every kind
    # "@" and colon patterns start at their character: scan.gated tries them there, not at every position
    emails = []
    for at in gated(_AT_RE, text, text, ("@",), 0):
        local = _LOCAL_RE.search(text, max(0, at.start() - 64), at.start())
        domain = _DOMAIN_RE.match(text, at.end()) if local else None
        if domain and _GIT_PATH_RE.match(text, domain.end()):
            continue  # "git@github.com:org/repo.git" is a repository, not a mailbox
        if domain and not (emails and emails[-1][1] > local.start()):
            emails.append((local.start(), domain.end(), EMAIL))
    if obfuscated:
        emails = _merge(emails, [(m.start(), m.end(), EMAIL) for m in _OBFUSCATED_EMAIL_RE.finditer(text)])
    urls = [(m.start(), m.end(), URL) for m in gated(_URL_RE, text, gate_key(text), _URL_SITES, _URL_REACH)] \
        if _URL_HINT_RE.search(text) else []
    handles = [(m.start(), m.end(), HANDLE) for m in gated(_HANDLE_RE, text, text, ("@",), 0) if _handle(text, m)]
    handles = _merge(handles, _messenger_ids(text))
    phones: list[tuple[int, int, str]] = []
    cued: list[tuple[int, int, str]] = []
    for window_start, window_end in _phone_windows(text):
        for m in _PHONE_RE.finditer(text, window_start, window_end):
            if _phone_ok(m) and not (phones and phones[-1][1] > m.start()) and (m.group().startswith("+") or not _named_id(text, m.start())):
                phones.append((m.start(), _with_extension(text, m.end()), PHONE))
        for cue in _PHONE_CUE_RE.finditer(text, window_start, window_end):
            m = _CUED_NUMBER_RE.match(text, cue.end())
            if m and not _ID_WORD_RE.search(text, cue.end(), m.start(1)):
                cued.extend(_numbers(text, m.start(1), m.end(1)))
    phones = _chained(text, _merge(phones, sorted(set(cued))))
    vanity = [(m.start() - (2 if _VANITY_LEAD_RE.search(text, max(0, m.start() - 2), m.start()) else 0), m.end(), PHONE)
              for m in _VANITY_RE.finditer(text)]
    phones = _merge(phones, vanity)
    spans = emails
    for kind in (urls, handles, phones):
        spans = _merge(spans, kind)
    return spans


def _messenger_ids(text: str) -> list[tuple[int, int, str]]:
    """Ids after "Skype:", "WeChat:", "LINE ID:" and the like."""
    out = []
    for colon in gated(_COLON_RE, text, text, (":", "："), 0):
        if _MESSENGER_NAME_RE.search(text, max(0, colon.start() - 16), colon.start()):
            m = _MESSENGER_ID_RE.match(text, colon.start())
            if m and not (out and out[-1][1] > m.start("id")):
                out.append((m.start("id"), m.end("id"), HANDLE))
    return out


def _with_extension(text: str, end: int) -> int:
    ext = _EXTENSION_RE.match(text, end)
    return ext.end() if ext else end


def _named_id(text: str, start: int) -> bool:
    """An id word ("VAT", "NDC", "IBAN", "Ref.") in the 30 characters before, with no phone word after it
    (or around it: the "No." of "Phone No." belongs to the phone word)."""
    before = text[max(0, start - 30):start]
    ids = list(_ID_WORD_RE.finditer(before))
    return bool(ids) and not any(cue.end() >= ids[-1].end() for cue in _PHONE_CUE_RE.finditer(before))


def _numbers(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Phone spans in a digit run found after a phone word; "080-4123 4567 / 9876543210" holds two."""
    run = text[start:end]
    if sum(ch.isdigit() for ch in run) > 15:
        pieces = [(start + m.start(), start + m.end()) for m in _PIECE_RE.finditer(run)]
    else:
        pieces = [(start, end)]
    out = []
    for a, b in pieces:
        while a < b and not (text[a].isdigit() or text[a] in "+("):
            a += 1
        while b > a and not text[b - 1].isdigit():
            b -= 1
        if _plain_phone(text, a, b):
            out.append((a, _with_extension(text, b), PHONE))
    return out


def _plain_phone(text: str, start: int, end: int) -> bool:
    """7-15 digits that are not a date, time, year range, IP address or amount of money."""
    run = text[start:end]
    digits = sum(ch.isdigit() for ch in run)
    if not 7 <= digits <= 15 or _date_or_zip(run) or _TIME_RE.search(run) or _YEARS_RE.fullmatch(run):
        return False
    if _IPV4_RE.fullmatch(run):
        return False
    return not (_MONEY_RE.search(text, max(0, start - 4), start) or _MONEY_RE.match(text[end:end + 6].lstrip()))


def _chained(text: str, phones: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Numbers joined to a phone number by "/", ",", "or" and the like are phone numbers too."""
    out: list[tuple[int, int, str]] = []
    for span in phones:
        if out and out[-1][1] > span[0]:
            continue
        out.append(span)
        while (m := _CHAIN_RE.match(text, out[-1][1])) and _plain_phone(text, m.start("number"), m.end("number")) \
                and not (m.group("label") and _ID_WORD_RE.match(m.group("label"))):
            if any(a < m.end("number") and m.start("number") < b for a, b, _ in phones if (a, b) != out[-1][:2]):
                break
            out.append((m.start("number"), _with_extension(text, m.end("number")), PHONE))
    return out


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


# Digits of other scripts (Arabic-Indic, Persian, Devanagari, Bengali, Thai) and the Unicode hyphens and dashes,
# as ASCII: the patterns run on this copy, whose offsets are the text's (one character for one).
_ASCII_DIGITS = {ord(d) + i: ord("0") + i for d in "\u0660\u06f0\u0966\u09e6\u0e50" for i in range(10)}
_ASCII_DIGITS.update({c: ord("-") for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xFE63)})


def redact(text: str) -> tuple[str, Counter]:
    """``text`` with contact data replaced by placeholders, and counts per kind (email, phone, url, handle)."""
    counts: Counter = Counter()
    if not text:
        return text, counts
    out: list[str] = []
    pos = 0
    for start, end, placeholder in _spans(text if text.isascii() else text.translate(_ASCII_DIGITS)):
        out.append(text[pos:start])
        out.append(placeholder)
        counts[placeholder.strip("[]").lower()] += 1
        pos = end
    out.append(text[pos:])
    return "".join(out), counts
