"""Job-title cues: the one title normaliser, and a parser that splits a raw title into its parts.

``normalise_title`` is used for every alias in the index and for every title looked up, so both
sides agree by construction. ``TitleParser`` is built once from the lexicons (level words,
numerals, grades and employment types come from ``levels.yaml``; noise patterns are built in
and named ``titles.py:noise:<name>``). Every cue keeps its span in the raw title:
``raw[cue.start:cue.end] == cue.text``.

All regexes avoid nested unbounded quantifiers and use possessive quantifiers where
whitespace runs meet, so a hostile 100k-character title is parsed in linear time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Iterable

from ahocorasick_rs import BytesAhoCorasick

from .records import Cue, TitleCues

# --------------------------------------------------------------------------------------------
# normalise_title
# --------------------------------------------------------------------------------------------

# Abbreviations expanded everywhere. "ai"/"ml" are expanded so "AI/ML Engineer" and
# "Artificial Intelligence / Machine Learning Engineer" normalise the same; "vp" is expanded so
# "VP of Sales" meets "Vice President of Sales".
_ABBREVIATIONS: dict[str, str] = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior",
    "mgr": "manager", "mngr": "manager", "engr": "engineer", "eng": "engineer", "engg": "engineering",
    "assoc": "associate", "dev": "developer", "devs": "developer", "admin": "administrator",
    "asst": "assistant", "asst.": "assistant", "coord": "coordinator", "rep": "representative",
    "reps": "representative", "spec": "specialist", "dir": "director", "exec": "executive",
    "mgmt": "management", "mktg": "marketing", "acct": "accountant", "svc": "service", "svcs": "service",
    "ops": "operation", "hr": "human resource", "qa": "quality assurance",  # singular, as normalise_title leaves words
    "mfg": "manufacturing", "maint": "maintenance", "supv": "supervisor", "supvr": "supervisor", "engnr": "engineer",
    "cust": "customer", "sys": "system", "assy": "assembly", "whse": "warehouse", "acctg": "accounting",
    "mgt": "management", "trng": "training", "dept": "department", "govt": "government", "intl": "international",
    "natl": "national",
    "vp": "vice president", "svp": "senior vice president", "evp": "executive vice president",
    "avp": "assistant vice president",
    "swe": "software engineer", "sde": "software development engineer",
    "ml": "machine learning", "ai": "artificial intelligence", "bi": "business intelligence",
    "rn": "registered nurse", "lpn": "licensed practical nurse", "lvn": "licensed vocational nurse",
    "cna": "certified nursing assistant", "np": "nurse practitioner",
    "cpp": "cpp", "csharp": "csharp", "dotnet": "dotnet",
}
# Words that end in "s" but are not plurals (or whose singular means something else).
_NOT_PLURAL = frozenset(
    "sales news series species ios macos aws gas bus plus canvas atlas alias chassis lens "
    "analytics logistics physics economics mathematics statistics athletics robotics graphics "
    "electronics mechanics genetics linguistics ethics optics pharmaceutics aesthetics "
    "dynamics kinetics forensics informatics diagnostics orthotics prosthetics "
    "arts humanities devops sas kubernetes js nodejs vuejs".split()
)
_SPECIAL_TOKENS = (  # before punctuation is stripped
    (re.compile(r"(?<![\w+#])c\+\+(?![\w+])"), " cpp "),
    (re.compile(r"(?<![\w#])c#(?!\w)"), " csharp "),
    (re.compile(r"(?<![\w#])f#(?!\w)"), " fsharp "),
    (re.compile(r"(?<![\w.])\.net(?!\w)"), " dotnet "),
)
_AMPERSAND = re.compile(r"&")
_NON_WORD = re.compile(r"[^\w]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65_536)
def _normal_token(token: str, last: bool) -> str:
    """Singular and abbreviation expanded, in that order for a plural abbreviation ("ENGRs", "Techs")."""
    word = token if token == "tech" or token in _ABBREVIATIONS else _singular(token)
    if word == "tech":  # "Pharmacy Tech" is a technician; "Tech Lead" / "Tech Writer" stay "tech"
        return "technician" if last else "tech"
    return _ABBREVIATIONS.get(word, word)


def _singular(word: str) -> str:
    """Conservative singular: analysts→analyst, nurses→nurse, technologies→technology, boxes→box."""
    if len(word) <= 3 or not word.endswith("s") or word in _NOT_PLURAL or word.isdigit():
        return word
    if word.endswith(("ss", "us", "is", "ics", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=65_536)  # titles and their parts repeat; a hit costs a tenth of a normalisation
def normalise_title(text: str) -> str:
    """The one title normaliser: casefold, NFKC, no accents, &→and, no punctuation,
    abbreviations expanded, plurals singularised, single spaces. Deterministic and idempotent."""
    if text.isascii():  # NFKC and accent stripping change no ASCII text; most titles are ASCII
        text = text.lower()
    else:
        text = _strip_accents(unicodedata.normalize("NFKC", text)).casefold()
    if "+" in text or "#" in text or "." in text:
        for pattern, replacement in _SPECIAL_TOKENS:
            text = pattern.sub(replacement, text)
    text = _AMPERSAND.sub(" and ", text)
    tokens = [t for t in _NON_WORD.sub(" ", text).replace("_", " ").split() if t]
    last = len(tokens) - 1
    return " ".join(_normal_token(t, i == last) for i, t in enumerate(tokens))


# --------------------------------------------------------------------------------------------
# TitleParser
# --------------------------------------------------------------------------------------------

_WS = r"\s++"

# Built-in noise patterns (name → regex). Order matters: earlier patterns claim text first.
_NOISE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("gender_tag", r"[(\[]\s*+(?:[mwfdxh]|div|all)\s*+(?:/\s*+(?:[mwfdxh]|div|all)\s*+){1,3}[)\]]"
                   r"|(?<![\w/])[mwf]\s?+/\s?+[mwf]\s?+/\s?+[dxi](?:iv)?(?![\w/])"),
    ("req_id", r"\b(?:req(?:uisition)?|job|ref|posting|vacancy)\.?(?:\s*+(?:id|no\.?|number))?\s*+[:#]?\s*+"
               r"[a-z]{0,3}-?\d{3,}+\b|\b(?:jr|r|req)-?\d{4,}+\b|#\s?+\d{3,}+\b|[(\[]\s*+\d{4,}+\s*+[)\]]"),
    ("sign_on_bonus", r"(?:\$\s?+\d[\d,]*+k?\s++|(?<![\d,])\d[\d,]*+k?\s++)?sign[- ]?+on\s++bonus"
                      r"(?:\s++(?:of\s++)?(?:up\s++to\s++)?\$\s?+\d[\d,]*+k?)?|\+\s*+bonus\b"),
    ("salary", r"(?:up\s++to\s++)?[$£€]\s?+\d[\d,]*+(?:\.\d++)?(?:\s?+k\b)?"
               r"(?:\s*+(?:-|–|to)\s*+[$£€]?\s?+\d[\d,]*+(?:\.\d++)?(?:\s?+k\b)?)?"
               r"(?:\s*+(?:/|per|an?)\s*+(?:hr|hour|h|yr|year|annum|wk|week|day|month|mo)\b)?"
               r"|(?<![\d,.])\d[\d,]*+(?:\.\d++)?\s*+(?:/|per)\s*+(?:hr|hour)\b"),
    ("work_mode", r"\b(?:100\s*+%\s*+)?(?:fully\s++)?(?:remote(?!\s++(?:sensing|pilot|support\s++technician))"
                  r"|hybrid(?!\s++(?:vehicle|cloud))|on[- ]?+site|in[- ]office|work\s++from\s++home|wfh|telecommute)"
                  r"\b(?:\s++(?:eligible|friendly|first|option|available|possible|ok))?"),
    ("urgency", r"\b(?:urgent(?:ly)?+(?:\s++(?:hiring|need|opening))?|now\s++hiring|hiring\s++(?:now|immediately|urgently)"
                r"|(?:we\s*+(?:'|’)?\s*+re|we\s++are)\s++hiring|immediate(?:ly)?+\s++(?:start|hire|hiring|opening|need)"
                r"|apply\s++(?:today|now)|new\s++grads?+\s++welcome|great\s++pay|top\s++pay|weekly\s++pay)\b"),
    ("date", r"\b(?:(?:summer|fall|autumn|winter|spring)\s++)?20[1-3]\d\b(?:\s*+[-/]\s*+(?:20)?[1-3]\d\b)?"
             r"(?:\s++(?:school|academic)\s++year)?"),
    ("perk", r"\b(?:flexible\s++(?:hours|schedule)|no\s++experience(?:\s++(?:needed|necessary|required))?"
             r"|will\s++train|paid\s++training|(?:great|full|excellent|competitive|good|comprehensive|with)\s++benefits"
             r"|benefits\s++(?:included|available|package)|home\s++(?:weekly|daily|nightly))\b"),  # not "Benefits Analyst"
    # whom the job supports or reports to: "Executive Assistant to the CEO" is an assistant, not a chief executive
    ("reports_to", r"\b(?:to|for|supporting|reporting\s++to)\s++(?:the\s++|our\s++)?"
                   r"(?:c[a-z]?[a-z]o|chro|ciso|(?:co-?)?founders?|president|chair(?:man|woman)?|board|owners?|partners?"
                   r"|(?:executive|leadership)\s++team|chief\s++\w++(?:\s++\w++)?\s++officer"
                   r"|(?:senior\s++|executive\s++|managing\s++)?(?:vice\s++president|vp|svp|evp|director|head)s?\b)"
                   r"(?:[\s&,/]++(?:and\s++)?(?:c[a-z]?[a-z]o|[\w-]++))*+\s*+$"),
    ("exclamation", r"!++"),
    ("emoji", r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]++"),
)
# Only inside a segment (after " - ", in brackets): shift patterns that are job words elsewhere.
_DAY = r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_SEGMENT_NOISE: tuple[tuple[str, str], ...] = (
    ("schedule", r"\b(?:(?:days?|nights?|evenings?|weekends?|weekdays?|overnights?|nocs?|rotating|swing|graveyard"
                 r"|1st|2nd|3rd|first|second|third|mornings?|afternoons?)"
                 r"(?:\s*+(?:/|and|&)\s*+(?:days?|nights?|evenings?|weekends?))?(?:\s++(?:shifts?|only))?"
                 r"|(?:am|pm)\s++shifts?|(?:early|late)\s++start"  # not "PM" alone: a project manager
                 rf"|\d{{1,2}}\s*+-?\s*+(?:hr|hour)s?\s*+shifts?|{_DAY}(?:\s*+[-/,&]\s*+{_DAY}){{0,6}})\b"),
    ("duration", r"\b\d{1,2}\s*+[- ]?\s*+(?:month|mo|week|wk|year|yr)s?(?:\s++(?:assignment|term))?\b"),
    ("education", r"\b(?:ph\.?\s?+d\.?|doctorate|masters?|msc|mba|bsc|ba/bs|bs/ms|ms/phd)(?!\w)"),
)

_US_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
    "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR ON BC QC AB NSW VIC QLD"
).split()
_PLACES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|idaho|"
    "illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|"
    "mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|"
    "north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|"
    "tennessee|texas|utah|vermont|virginia|washington|west virginia|wisconsin|wyoming|"
    "usa|us|united states|uk|united kingdom|england|scotland|wales|ireland|canada|australia|new zealand|"
    "germany|deutschland|france|spain|italy|netherlands|belgium|switzerland|austria|poland|portugal|sweden|"
    "norway|denmark|finland|india|singapore|japan|china|hong kong|brazil|mexico|emea|apac|latam|europe|"
    "eu|americas|north america|anywhere|nationwide|multiple locations|various locations|"
    "new york city|nyc|san francisco|sf|bay area|los angeles|la|chicago|boston|seattle|austin|denver|atlanta|"
    "dallas|houston|miami|phoenix|philadelphia|san diego|san jose|portland|minneapolis|detroit|nashville|"
    "charlotte|raleigh|pittsburgh|baltimore|orlando|tampa|salt lake city|las vegas|st\\. louis|kansas city|"
    "columbus|cleveland|cincinnati|indianapolis|milwaukee|sacramento|london|manchester|birmingham|leeds|"
    "glasgow|edinburgh|bristol|dublin|berlin|munich|hamburg|frankfurt|paris|amsterdam|madrid|barcelona|"
    "milan|rome|zurich|vienna|stockholm|copenhagen|oslo|helsinki|warsaw|lisbon|prague|toronto|vancouver|"
    "montreal|calgary|ottawa|sydney|melbourne|brisbane|perth|auckland|bangalore|bengaluru|hyderabad|pune|"
    "mumbai|delhi|chennai|tokyo|shanghai|beijing|sao paulo|mexico city|tel aviv|dubai|remote"
)
_PLACE_RE = re.compile(
    rf"(?i:(?:{_PLACES}))"
    rf"|[A-Z][A-Za-z.'-]*+(?:[ ][A-Z][A-Za-z.'-]*+){{0,2}},[ ]?+(?:{'|'.join(_US_STATES)})\b"
)
# A place list: "Austin, TX", "London, UK / Remote", "New York or Boston".
_LOCATION_ONLY = re.compile(
    rf"(?:{_PLACE_RE.pattern})(?:\s*+(?:,|/|;|\bor\b|\band\b|&|\+)\s*+(?:{_PLACE_RE.pattern}))*+"
)
_CITY_STATE = re.compile(
    rf"\b[A-Z][A-Za-z.'-]*+(?:[ ][A-Z][A-Za-z.'-]*+){{0,2}},[ ]?+(?:{'|'.join(_US_STATES)})\b(?:[ ]\d{{5}}\b)?"
)
_PLACE_NAME = re.compile(rf"(?i:{_PLACES})")
_ENDS_IN_SEPARATOR = re.compile(r"\S\s*+[-–—|/(,;:]\s*+$")
_COMPANY_AT = re.compile(r"(?<!\s)\s++(at\s++([A-Z][\w&.'’-]*+(?:[ ]++[A-Z&][\w&.'’-]*+){0,4}))\s*+$")

# What every match of a pattern needs, as a pattern under the same flags: a title without it skips that scan. A gate
# costs a fraction of its pattern's finditer (Python's re tries every alternative at every position), and most
# titles hold no digit, bracket, dash or perk word. Keyed by noise name, or by the pattern it gates.
_GATES: dict[str, re.Pattern] = {
    **{name: re.compile(gate, re.IGNORECASE) for name, gate in (
        ("gender_tag", r"[(\[/]"), ("req_id", r"\d"), ("sign_on_bonus", r"bonus"), ("salary", r"\d"),
        ("work_mode", r"remote|hybrid|site|office|home|wfh|telecommute"),
        ("urgency", r"urgent|hiring|immediate|apply|welcome|pay"), ("date", r"\d"),
        ("perk", r"flexible|experience|train|benefits|home"), ("reports_to", r"\b(?:to|for|supporting)\s"),
        ("exclamation", r"!"), ("emoji", r"[^\x00-\x7f]"),
    )},
    "city_state": re.compile(r","), "company_at": re.compile(r"\sat\s"), "separator": re.compile(r"[-–—|:]"),
    "brackets": re.compile(r"[(\[{]"),
}

_SEPARATOR = re.compile(r"(?<!\s)(?:\s++[-–—|]++\s++|\s*+\|\s*+|\s++::?\s++|\s*+[–—]\s*+)")
_BRACKETS = re.compile(r"\(([^()\[\]]{0,300})\)|\[([^()\[\]]{0,300})\]|\{([^{}]{0,300})\}")
_WORD = re.compile(r"[^\W_][\w'’.+#-]*+")
_NUMERAL = re.compile(r"(?<![\w+#.\-/])(?:X|IX|VI{0,3}|IV|I{1,3}|\d{1,2})(?![\w+#]|\.\d)")
_GRADE_PREFIX = frozenset({"sde", "swe", "sdet", "level", "lvl", "tier", "band", "grade", "ic"})
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

# Head nouns: a role ends with one. Used to split "Data Scientist / ML Engineer" but not "AI/ML Engineer".
_HEAD_NOUNS = frozenset(
    "engineer developer scientist analyst manager designer architect nurse technician specialist consultant "
    "administrator assistant director coordinator representative associate officer lead accountant teacher "
    "driver clerk agent programmer researcher writer editor operator mechanic supervisor advisor adviser "
    "recruiter cashier cook chef server bartender dishwasher host hostess stocker picker packer loader "
    "electrician plumber carpenter welder machinist painter cleaner custodian janitor housekeeper "
    "receptionist secretary paralegal attorney lawyer counsel auditor bookkeeper controller economist "
    "statistician actuary therapist pharmacist physician doctor surgeon dentist hygienist aide caregiver "
    "counselor counsellor psychologist worker helper laborer labourer guard instructor tutor trainer coach "
    "professor lecturer librarian planner buyer merchandiser marketer strategist producer photographer "
    "videographer animator artist illustrator translator interpreter investigator inspector estimator "
    "surveyor technologist tester owner partner president founder executive principal intern "
    "apprentice trainee steward attendant courier dispatcher scheduler expeditor sorter handler "
    "mathematician physicist chemist biologist epidemiologist pathologist radiographer sonographer "
    "paramedic emt midwife practitioner veterinarian groomer landscaper gardener farmer baker butcher "
    "barista waiter waitress runner busser valet concierge teller banker broker underwriter adjuster "
    "administrator sre devops dba pm".split()
)
_CONTRACT_NOUNS = frozenset(
    "specialist manager administrator analyst attorney lawyer negotiator officer coordinator assistant "
    "associate director lead management administration compliance law paralegal".split()
)
_STAFF_TECH = frozenset(
    "engineer software data machine ml ai developer scientist architect designer product research "
    "researcher frontend backend front back full fullstack security site infrastructure platform "
    "systems mobile ios android applied technical program ux ui".split()
)
# Level words that are also job words: no level cue when they are the head noun ("Sales Associate").
_AMBIGUOUS_HEADS = frozenset({"associate", "principal", "lead", "consultant", "partner", "fellow", "staff", "graduate"})
# level words that are only ever modifiers, never the job itself ("Intern", "Assistant", "Associate" can be)
_MODIFIERS_ONLY = frozenset({"senior", "sr", "sr.", "junior", "jr", "jr.", "sênior", "júnior", "pleno", "confirmé", "confirmée",
                             "débutant", "débutante", "semi senior", "semi-senior", "ssr", "ssr.", "mid-level", "mid level",
                             "intermediate"})
# words that link a French, Spanish, Italian or Portuguese job noun to what qualifies it ("Assistant de direction")
_LINK_WORDS = frozenset({"de", "d", "d'", "du", "des", "di", "da", "do", "del", "della"})
_ACADEMIC_RANKED = frozenset({"professor", "dean", "principal", "superintendent", "editor", "producer", "counsel"})
# "Head <word>" where head is no rank: "Head Start Teacher" (a programme), "Head and Neck Surgeon", "Head Office Clerk"
_NOT_A_HEAD = frozenset({"start", "and", "&", "office", "quarters", "hunter"})
# "<word> Manager" titles that are usually individual roles, not people managers (M1)
_IC_MANAGED = frozenset({"product", "program", "project", "account", "relationship", "case", "success"})
_PART_SPLIT = re.compile(r"(?<!\s)(?:\s*+/\s*+|\s++(?:or|and|&|cum)\s++|\s*+&\s*+)")  # "Accountant cum Cashier" (India)
_WINDOW = 80  # characters looked at around a numeral or separator (keeps parsing linear)
_LAST_WORD = re.compile(r"([^\s/,]++)[^\S\n]*+$")
_FIRST_WORDS = re.compile(r"[^\s/,&]++(?:[^\S\n]++[^\s/,&]++)?")
_ENDS_PART = re.compile(r"[^\S\n]*+(?:$|[/,(\-–—|&]|or\b|and\b)")
# starts only where a run of separators starts (not inside one), so a long run of "-" is scanned once, not once per dash
_TRAILING_NUMERAL = re.compile(r"(?<=[^\s-])[\s-]++(?:[IVX]{1,4}|\d{1,2})$")
_EDGE_PUNCT = " \t-–—|,;:/&+*·•~_.'\"()[]{}"


@dataclass(frozen=True, slots=True)
class _LevelPattern:
    regex: re.Pattern
    kind: str  # word | numeral | grade | employment_type
    value: str
    row: str
    key: str  # the pattern in lower case, for word-specific rules
    needle: str = ""  # a literal pattern's first word in lower case: no match is possible without it


def _place_start(raw: str, m: re.Match) -> int | None:
    """Where the place of a ``_CITY_STATE`` match starts, or None when it is no place. After a separator the
    whole match is the place ("Chemist - Laval, QC"); else only a place ``_PLACES`` names, with the state after
    it ("Registered Nurse Boston, MA"): the capitalised words before a comma are the title's own as often as not,
    and states are job abbreviations too ("Senior Manager, PR", "Manager, QC", "Physician, MD", "Surgical Tech, OR")."""
    if _ENDS_IN_SEPARATOR.search(raw, 0, m.start()):
        return m.start()
    city = raw[m.start() : raw.index(",", m.start())]
    return next((m.start() + w.start() for w in re.finditer(r"\S+", city) if _PLACE_NAME.fullmatch(city, w.start())), None)


def _literal_regex(pattern: str) -> str:
    """A literal lexicon phrase as a word-bounded, case-insensitive regex (spaces/hyphens flexible)."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", pattern.strip()) if w]
    return r"(?<![\w])" + r"[\s-]?+".join(words) + r"(?![\w])"


class TitleParser:
    """Splits raw titles into core title and cues. Build once (``TitleParser.build(lexicons)``)."""

    def __init__(self, level_cues: Iterable, levels: dict | None = None, cache_size: int = 100_000,
                 title_words=None) -> None:
        self._levels = dict(levels or {})
        self._title_words = title_words  # lexicons.TitleWords: "Assistant administratif" is a French job noun first
        patterns: list[_LevelPattern] = []
        for cue in level_cues:
            regex = rf"(?<![\w])(?:{cue.pattern})(?![\w])" if cue.kind == "grade" else _literal_regex(cue.pattern)
            patterns.append(_LevelPattern(
                regex=re.compile(regex, re.IGNORECASE), kind=cue.kind, value=cue.value,
                row=cue.lexicon_row, key=cue.pattern if cue.kind == "numeral" else cue.pattern.strip().lower(),
                needle=_literal_prefix(cue.pattern) if cue.kind == "grade" else re.split(r"[\s-]+", cue.pattern.strip().lower())[0],
            ))
        self._numerals = {p.key: p for p in patterns if p.kind == "numeral"}  # case-sensitive: "II", not "ii"
        # longest first so "senior vice president" wins over "senior" and "vice president"
        scanned = sorted((p for p in patterns if p.kind != "numeral"), key=lambda p: -len(p.key))
        self._scanned = tuple(scanned)
        self._by_key = {p.key: p for p in scanned}
        # (needle, positions in _scanned) for _gated
        by_needle: dict[str, list[int]] = {}
        for i, p in enumerate(scanned):
            by_needle.setdefault(p.needle, []).append(i)
        self._always = tuple(by_needle.pop("", ()))
        self._needles = tuple(tuple(ix) for ix in by_needle.values())
        # bytes (UTF-8): a title may hold lone surrogates, which a str automaton refuses; a needle's bytes occur in
        # the text's bytes exactly where the needle occurs in the text
        self._needle_automaton = BytesAhoCorasick([needle.encode("utf-8", "surrogatepass") for needle in by_needle])
        self._gates = dict(_GATES)
        self._noise = tuple((name, re.compile(rx, re.IGNORECASE)) for name, rx in _NOISE_PATTERNS)
        self._segment_noise = tuple((name, re.compile(rx, re.IGNORECASE)) for name, rx in _SEGMENT_NOISE)
        self._schedule = dict(self._segment_noise)["schedule"]
        self.parse = lru_cache(maxsize=cache_size)(self._parse)  # titles repeat a lot in real feeds

    @classmethod
    def build(cls, lexicons) -> "TitleParser":
        return cls(lexicons.level_cues, getattr(lexicons, "levels", {}), title_words=getattr(lexicons, "title_words", None))

    # -- helpers ---------------------------------------------------------------------------

    def _names_job_first(self, next_word: str, last: bool) -> bool:
        """Whether ``next_word`` qualifies a job noun before it, as French, Spanish, Italian and Portuguese do: a
        link word, a listed word of those languages, or the last word of a listed phrase ("Assistant commercial",
        but not the English "Assistant Commercial Manager")."""
        if next_word in _LINK_WORDS:
            return True
        words, key = self._title_words, normalise_title(next_word)
        return words is not None and (key in words.heads_first or (last and f"assistant {key}" in words.english))

    def _is_management(self, level: str) -> bool:
        """Manager/director/exec words stay in the core title: they name the role, not just its level."""
        return level[:1] in {"M", "E"}

    def _numeral_level(self, token: str) -> _LevelPattern | None:
        hit = self._numerals.get(token)
        if hit is None and token.isdigit():
            roman = {v: k for k, v in _ROMAN.items()}.get(int(token))
            hit = self._numerals.get(roman or "")
        return hit

    def _gated(self, low: str) -> list[_LevelPattern]:
        """The level patterns that can match in ``low`` (the lower-cased text), in ``_scanned`` order.

        A pattern cannot match without its needle (its first word); one Aho-Corasick pass finds every needle
        present (overlapping matches, so exactly the needles ``in`` the text), ~12x cheaper than an ``in`` test per
        needle, which was itself ~50x cheaper than running every regex."""
        hits = self._needle_automaton.find_matches_as_indexes(low.encode("utf-8", "surrogatepass"), overlapping=True)
        present = sorted(chain(self._always, *(self._needles[i] for i in {hit[0] for hit in hits})))
        return [self._scanned[i] for i in present]

    def _scan(self, name: str, rx: re.Pattern, text: str):
        """``rx.finditer(text)``, or nothing when ``text`` lacks what every match needs (``_GATES[name]``)."""
        return rx.finditer(text) if self._gates[name].search(text) else ()

    def _fully_levels(self, text: str) -> bool:
        """True when a segment holds only level/employment words ("Senior", "Contract")."""
        rest = text
        for p in self._gated(text.lower()):  # a blanked match never joins two words into a needle: gating is exact
            rest = p.regex.sub(" ", rest)
        return bool(text.strip()) and not rest.strip(_EDGE_PUNCT + " ")

    # -- parse ------------------------------------------------------------------------------

    def _parse(self, raw: str) -> TitleCues:
        n = len(raw)
        taken = bytearray(n)  # 1 = claimed by a cue and removed from the core
        cues: list[Cue] = []

        def free(a: int, b: int) -> bool:
            return taken.find(1, a, b) < 0

        def claim(a: int, b: int) -> None:
            taken[a:b] = b"\x01" * (b - a)

        def add(kind: str, a: int, b: int, value: str, row: str, remove: bool = True, attrs=()) -> None:
            cues.append(Cue(kind=kind, text=raw[a:b], value=value, field="title", start=a, end=b,
                            lexicon_row=row, attrs=tuple(sorted(attrs))))
            if remove:
                claim(a, b)

        def visible(a: int, b: int) -> str:
            """raw[a:b] with claimed characters as spaces, built run by run."""
            pieces, i = [], a
            while (j := taken.find(1, i, b)) >= 0:
                k = taken.find(0, j, b)
                k = b if k < 0 else k
                pieces += (raw[i:j], " " * (k - j))
                i = k
            return "".join(pieces) + raw[i:b] if pieces else raw[a:b]

        # 1. noise anywhere
        for name, rx in self._noise:
            for m in self._scan(name, rx, raw):
                if m.end() > m.start() and free(m.start(), m.end()):
                    add("noise", m.start(), m.end(), name, f"titles.py:noise:{name}")
        for m in self._scan("city_state", _CITY_STATE, raw):
            start = _place_start(raw, m)
            if start is not None and free(start, m.end()):
                add("noise", start, m.end(), "location", "titles.py:noise:location")
        m = _COMPANY_AT.search(raw) if self._gates["company_at"].search(raw) else None
        if m and free(m.start(1), m.end(1)) and not _LOCATION_ONLY.fullmatch(m.group(2)):
            add("noise", m.start(1), m.end(1), "company", "titles.py:noise:company")

        # 2. bracketed groups: location, level/employment words (scanned later) or specialisation
        for m in self._scan("brackets", _BRACKETS, raw):
            g = next(i for i in (1, 2, 3) if m.group(i) is not None)
            a, b = m.start(g), m.end(g)
            content = visible(a, b).strip(_EDGE_PUNCT)
            if not content:
                claim(m.start(), m.end())
                continue
            if self._classify_segment(raw, a, b, content, add, visible, after_pipe=False):
                claim(m.start(), a)
                claim(b, m.end())

        # 3. segments after " - ", " | ", ":" : main title is the first segment with words left
        segments = self._segments(raw)
        main = next((s for s in segments if visible(s[0], s[1]).strip(_EDGE_PUNCT)), (0, n, ""))
        for a, b, sep in ((s[0], s[1], s[2]) for s in segments if s != main):
            content = visible(a, b).strip(_EDGE_PUNCT)
            if not content:
                continue
            self._classify_segment(raw, a, b, content, add, visible, after_pipe="|" in sep)
        main_a, main_b = main[0], main[1]

        # 4. comma inside the main segment: "Software Engineer, Backend" / "Director, Product Management"
        reorder: tuple[int, int] | None = None  # (comma position, end) when the head is only level words
        text_main = visible(main_a, main_b)
        comma = text_main.find(",")
        if comma >= 0:
            head = text_main[:comma].strip(_EDGE_PUNCT)
            tail_a = main_a + comma + 1
            seen = visible(tail_a, main_b)
            tail = seen.strip(_EDGE_PUNCT)
            if tail and head and self._schedule.fullmatch(tail):  # "Supervisor, 3rd Shift": when, not which job
                a = tail_a + len(seen) - len(seen.lstrip(_EDGE_PUNCT))
                add("noise", a, tail_a + len(seen.rstrip(_EDGE_PUNCT)), "schedule", "titles.py:noise:schedule")
                claim(main_a + comma, a)
                main_b = main_a + comma
            elif tail and head and not self._fully_levels(tail):
                if self._fully_levels(head):
                    reorder = (main_a + comma, main_b)  # "Director, Product Management" → "Product Management Director"
                else:
                    a = tail_a + len(seen) - len(seen.lstrip(_EDGE_PUNCT))
                    b = tail_a + len(seen.rstrip(_EDGE_PUNCT))
                    self._scan_levels(raw, a, b, None, add, visible, segment=True, kinds=_SEGMENT_KINDS)  # ", PhD Intern"
                    add("specialisation", a, b, normalise_title(tail), "titles.py:specialisation:comma")
                    claim(main_a + comma, a)
                    main_b = main_a + comma

        # a main segment of level words only takes its job from a segment: "Intern - Marketing" is a marketing intern
        head_only = reorder is None and self._fully_levels(visible(main_a, main_b).strip(_EDGE_PUNCT))

        # 5. level words, grades, employment types, numerals in the main segment
        self._scan_levels(raw, main_a, main_b, taken, add, visible)

        noise_at = bytearray(n)
        for c in cues:
            if c.kind == "noise":
                noise_at[c.start:c.end] = b"\x01" * (c.end - c.start)
        # 6. several roles in one title
        core_text = _trimmed(" ".join(visible(main_a, main_b).split()))
        if not core_text:  # everything was a cue ("Intern"): give the words back
            noise_free = "".join(" " if taken[i] and noise_at[i] else raw[i] for i in range(main_a, main_b))
            core_text = _TRAILING_NUMERAL.sub("", " ".join(noise_free.split()).strip(_EDGE_PUNCT))
        if reorder is not None:
            head_words = visible(main_a, reorder[0]).split()
            core_text = " ".join(visible(reorder[0] + 1, reorder[1]).split() + head_words).strip(_EDGE_PUNCT)
        elif head_only:
            job = next((c.text for c in cues if c.lexicon_row == "titles.py:specialisation:segment"), "")
            core_text = " ".join([*job.split(), *core_text.split()]).strip(_EDGE_PUNCT)
        parts = self._split_parts(raw, main_a, main_b, visible, add) if reorder is None else ()
        core = parts[0] if parts else core_text
        cues.sort(key=lambda c: (c.start, c.end))
        return TitleCues(raw=raw, core=core, normalised=normalise_title(core), cues=tuple(cues), parts=parts)

    def _segments(self, raw: str) -> list[tuple[int, int, str]]:
        segments, start, sep = [], 0, ""
        for m in self._scan("separator", _SEPARATOR, raw):
            segments.append((start, m.start(), sep))
            start, sep = m.end(), m.group()
        segments.append((start, len(raw), sep))
        return segments

    def _classify_segment(self, raw, a, b, content, add, visible, after_pipe: bool) -> bool:
        """A bracketed or dash-separated segment: noise, specialisation, or levels (left for the scan).

        Returns True when the segment was consumed."""
        seen = visible(a, b)
        a2 = a + len(seen) - len(seen.lstrip(_EDGE_PUNCT))
        b2 = a + len(seen.rstrip(_EDGE_PUNCT))
        if _LOCATION_ONLY.fullmatch(content):
            add("noise", a2, b2, "location", "titles.py:noise:location")
            return True
        for name, rx in self._segment_noise:
            for m in rx.finditer(raw, a2, b2):
                if m.end() > m.start() and visible(m.start(), m.end()) == m.group():
                    add("noise", m.start(), m.end(), name, f"titles.py:noise:{name}")
        seen = visible(a, b)
        content = seen.strip(_EDGE_PUNCT)
        if not content:
            return True
        a2 = a + len(seen) - len(seen.lstrip(_EDGE_PUNCT))
        b2 = a + len(seen.rstrip(_EDGE_PUNCT))
        if self._fully_levels(content):
            self._scan_levels(raw, a2, b2, None, add, visible, segment=True)
            return False
        if after_pipe:
            add("noise", a2, b2, "company", "titles.py:noise:company")
            return True
        said = normalise_title(content)
        if said and set(said.split()) <= set(normalise_title(visible(0, a)).split()):
            add("noise", a2, b2, "restated", "titles.py:noise:restated")  # "Registered Nurse (RN)"
            return True
        self._scan_levels(raw, a2, b2, None, add, visible, segment=True, kinds=_SEGMENT_KINDS)  # "- Co-op Program"
        add("specialisation", a2, b2, normalise_title(content), "titles.py:specialisation:segment")
        return True

    def _scan_levels(self, raw, a, b, taken, add, visible, segment: bool = False, kinds: tuple[str, ...] | None = None) -> None:
        """Level words, grades, employment types (only ``kinds`` if given) and, outside segments, numerals."""
        text = visible(a, b)
        masks = {"level": bytearray(len(text)), "employment_type": bytearray(len(text))}
        found = []
        low = text.lower()
        for p in self._gated(low):  # longest first; employment types may overlap level words ("Intern")
            if kinds is not None and p.kind not in kinds:
                continue
            mask = masks["employment_type" if p.kind == "employment_type" else "level"]
            for m in p.regex.finditer(text):
                s, e = m.start(), m.end()
                if e > s and not any(mask[s:e]):
                    found.append((s, e, p))
                    mask[s:e] = b"\x01" * (e - s)
        levels_at = masks["level"]
        seniority_spans = set()
        for s, e, p in sorted(found, key=lambda t: (t[0], t[2].kind == "employment_type")):
            nxt = _WORD.search(text, e, min(len(text), e + _WINDOW))
            next_word = nxt.group().lower().strip(".") if nxt else ""
            between = text[e:nxt.start()] if nxt else ""
            is_head = (not next_word or "/" in between or "," in between or any(levels_at[nxt.start():nxt.end()])
                       or (_NUMERAL.fullmatch(nxt.group()) is not None and _ENDS_PART.match(text, nxt.end()) is not None))
            if p.kind == "employment_type":
                if p.key.startswith("contract") and next_word in _CONTRACT_NOUNS:
                    continue  # "Contract Specialist" is a job, not an employment type
                add("employment_type", a + s, a + e, p.value, p.row, remove=(s, e) not in seniority_spans)
                continue
            if p.kind == "grade":
                add("grade", a + s, a + e, p.value, p.row)
                continue
            if p.key.split()[-1] == "staff" and next_word not in _STAFF_TECH:
                # "Staff Nurse", "Staff Accountant": staff is not a level there; in "Senior Staff Accountant" senior is
                prefix = self._by_key.get(p.key.rsplit(" ", 1)[0]) if " " in p.key else None
                m = prefix.regex.match(text, s) if prefix else None
                if m is None:
                    continue
                p, e = prefix, m.end()
                nxt = _WORD.search(text, e, min(len(text), e + _WINDOW))
                next_word = nxt.group().lower().strip(".") if nxt else ""
                is_head = False  # "Staff" follows
            if p.key == "assistant" and self._names_job_first(next_word, last=nxt is not None and not _WORD.search(text, nxt.end())):
                continue  # "Assistant de direction", "Assistant administratif": French names the job first
            if next_word in _ACADEMIC_RANKED:
                continue  # "Assistant Professor", "Associate Dean": a rank inside the job name
            if p.key == "head" and (is_head or next_word in _NOT_A_HEAD):
                continue  # "Head" alone or "Head Start Teacher": no rank
            if p.key in ("manager", "mgr") and _word_before(text, s) in _IC_MANAGED:
                continue  # "Product Manager", "Senior Account Manager": an individual role; its other words decide
            if is_head and p.key in _AMBIGUOUS_HEADS and not segment:
                continue  # "Sales Associate", "Principal", "Shift Lead": the job itself
            # a modifier written after the job ("Analista de Dados Sênior", "Data Engineer, Senior") is no job noun
            trailing_modifier = not next_word and p.key in _MODIFIERS_ONLY and _WORD.search(text, 0, s) is not None
            keep = self._is_management(p.value) or (is_head and not segment and not trailing_modifier)
            add("seniority", a + s, a + e, p.value, p.row, remove=not keep,
                attrs=(("role", "head" if is_head else "modifier"),))
            if keep:
                seniority_spans.add((s, e))
        if segment:
            return
        # numerals: a standalone I–X / 1–10 after a job word, at the end of the title or a part
        text = visible(a, b)
        for m in _NUMERAL.finditer(text):
            s, e = m.start(), m.end()
            prev_m = _LAST_WORD.search(text, max(0, s - _WINDOW), s)
            if prev_m is None:
                continue
            prev = prev_m.group(1).lower().strip(".:#")
            ends_part = _ENDS_PART.match(text, e) is not None
            if not ends_part and prev not in _GRADE_PREFIX:
                continue
            hit = self._numeral_level(m.group())
            if hit is None:
                continue
            if prev in {"level", "lvl", "tier", "band", "grade"}:  # "Level 3": the word goes with its number
                s = prev_m.start(1)
            add("grade" if prev in _GRADE_PREFIX else "numeral", a + s, a + e, hit.value, hit.row)

    def _split_parts(self, raw, a, b, visible, add) -> tuple[str, ...]:
        text = visible(a, b)
        pieces, start = [], 0
        for m in _PART_SPLIT.finditer(text):
            left = _LAST_WORD.search(text, max(start, m.start() - _WINDOW), m.start())
            right = _FIRST_WORDS.match(text, m.end())
            if left is None or right is None:
                continue
            right_words = right.group().split()
            if left.group(1).lower().strip(".") in _HEAD_NOUNS | _PLURAL_HEADS \
                    and (len(right_words) > 1 or right_words[0].lower().strip(".") in _HEAD_NOUNS):
                pieces.append((start, m.start()))
                start = m.end()
        if not pieces:
            return ()
        pieces.append((start, len(text)))
        parts = []
        for s, e in pieces:
            piece = text[s:e]
            s2, e2 = s + len(piece) - len(piece.lstrip(_EDGE_PUNCT)), s + len(piece.rstrip(_EDGE_PUNCT))
            if e2 <= s2:
                continue
            core = " ".join(text[s2:e2].split())
            add("role_part", a + s2, a + e2, normalise_title(core), "titles.py:role_part", remove=False)
            parts.append(core)
        return tuple(parts) if len(parts) > 1 else ()


_PLURAL_HEADS = frozenset(w + "s" for w in _HEAD_NOUNS)
# what a specialisation segment still says about the job ("Research Scientist, PhD Intern"): its employment type
_SEGMENT_KINDS = ("employment_type",)


def _trimmed(text: str) -> str:
    """``text`` without edge punctuation, but with the dot of a word that starts with one (".NET Developer")."""
    right = text.rstrip(_EDGE_PUNCT)
    left = right.lstrip(_EDGE_PUNCT)
    cut = len(right) - len(left)
    if cut and right[cut - 1] == "." and left[:1].isalpha() and (cut == 1 or right[cut - 2].isspace()):
        return "." + left
    return left


def _word_before(text: str, pos: int) -> str:
    m = _LAST_WORD.search(text, max(0, pos - _WINDOW), pos)
    return m.group(1).lower().strip(".,:") if m else ""


def _literal_prefix(pattern: str) -> str:
    """The letters and digits every match of a grade regex starts with, lower-cased ("Level\\s*3" → "level"),
    or "" when that is not certain (a top-level "|", or no literal start): such a pattern always runs."""
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return ""
    run = re.match(r"[A-Za-z0-9]*", pattern).group()
    if run and pattern[len(run):len(run) + 1] in ("?", "*", "{"):
        run = run[:-1]  # "Levels?": the last letter is optional
    return run.lower()


def parse_title(raw: str, lexicons) -> TitleCues:
    """Parse one title. For many titles build a ``TitleParser`` once and call ``parse``."""
    return TitleParser.build(lexicons).parse(raw)
