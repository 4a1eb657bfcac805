"""Turn raw posting text into clean plain text, redact it, and mark boilerplate.

``html_to_text`` keeps the structure cues rely on (paragraphs, list items as ``- item`` lines)
and drops what is never posting text (scripts, styles, navigation, footers).
``normalise_text`` repairs mojibake (ftfy, run only where a UTF-8-read-as-cp1252 pattern
appears, as ftfy is slow), applies NFKC, straightens curly quotes, removes zero-width and bidi
controls, and collapses whitespace (within a line; at most one blank line between blocks).

Boilerplate heuristic (``boilerplate_spans``), over the cleaned description split into
blocks (runs of non-blank lines):

* a *heading* (a short line without sentence punctuation that starts a block, any short
  line ending in ``:``, or a common section name such as "Requirements" on its own line) naming a boilerplate topic (equal opportunity/EEO, diversity,
  accommodation, benefits/perks/"what we offer", "about us"/"who we are"/"about <company>",
  privacy/legal/disclaimer) opens a boilerplate section; the section runs until the next
  heading that names no boilerplate topic (a benefit-item line keeps it open) or the end;
* any block containing a boilerplate phrase ("equal opportunity employer", "without regard
  to", "reasonable accommodation", "E-Verify", "privacy notice", "unsolicited resumes", ...)
  is boilerplate, and so is a block of three or more lines most of which name a benefit
  (health/dental/vision insurance, 401(k), paid time off, parental leave, ...).

"About the role/team/you" is posting content, not a company blurb.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from .records import Posting
from .redact import redact
from .scan import GateWords, gated_at
from .settings import Settings

_DROP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "footer", "head", "svg", "iframe", "object",
     "embed", "button", "select", "textarea", "canvas", "form", "-comment", "!doctype"}
)
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "section", "article",
     "blockquote", "pre", "header", "main", "aside", "figure", "hr", "address"}
)
_LINE_TAGS = frozenset({"div", "tr", "dt", "dd", "li", "br", "caption", "figcaption", "fieldset", "details", "summary"})
_CELL_TAGS = frozenset({"td", "th"})
_CLOSE_TAGS = _PARAGRAPH_TAGS | _LINE_TAGS  # closing one adds a break ("pre" is a paragraph tag)

_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,20}(?:\s[^<>]{0,2000})?/?>")
_ENTITY_RE = re.compile(r"&(?:[A-Za-z]{2,10}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# zero-width, bidi and other invisible format characters; C0/C1 controls except tab and newline
_INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f]")
# UTF-8 read as cp1252/Latin-1: a lead byte (Â..ô) followed by a continuation byte's character
_MOJIBAKE_RE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\ufffd"
)
_QUOTES_RE = re.compile("[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]")
_QUOTES = str.maketrans("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033", "\'\'\'\'\"\"\"\"\'\"")
_SPACES_RE = re.compile(r"[^\S\n]+")
_BLANKS_RE = re.compile(r"\n{3,}")
_BULLET_RE = re.compile(r"^(?:[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2013\u2014*]|-(?=\S))\s*", re.MULTILINE)
# a _BULLET_RE match after a line break: most texts have none ("- item" is already in shape), and finding
# that from a literal first character is far cheaper than trying ``^`` at every position
_BULLET_AFTER_BREAK_RE = re.compile(r"\n(?:[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2013\u2014*]|-\S)")


_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """A lone surrogate (a JSON "\\ud800" escape decodes to one) as U+FFFD: no UTF-8 writer, hash or automaton
    accepts it."""
    return _SURROGATE_RE.sub("\ufffd", text)


def normalise_text(text: str) -> str:
    """Mojibake repaired, NFKC, invisible characters removed, whitespace collapsed, bullets as ``- ``."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = without_surrogates(text)  # the reader has done this; a caller of the Python API may not have
        if _MOJIBAKE_RE.search(text):  # ftfy is the slow step: only where mojibake is likely
            import ftfy  # and a quarter of a second to import: a feed without mojibake never pays it

            text = ftfy.fix_text(text, unescape_html=False, normalization="NFKC")
        text = unicodedata.normalize("NFKC", text)
        if _QUOTES_RE.search(text):
            text = text.translate(_QUOTES)
    text = _collapse_spaces(_INVISIBLE_RE.sub("", text.replace("\t", " ")))  # one pass, not one per line
    text = "\n".join(line.strip() for line in text.split("\n"))
    if _BULLET_RE.match(text) or _BULLET_AFTER_BREAK_RE.search(text):
        text = _BULLET_RE.sub("- ", text)
    return (_BLANKS_RE.sub("\n\n", text) if "\n\n\n" in text else text).strip()


def _collapse_spaces(text: str) -> str:
    """Runs of whitespace other than line breaks as one space. ASCII text with no double space and no tab
    or other control space has none, and testing that is far cheaper than a regex pass over every space."""
    if text.isascii() and "  " not in text and "\t" not in text and "\r" not in text and "\x0b" not in text \
            and "\x0c" not in text:
        return text
    return _SPACES_RE.sub(" ", text)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment or page: paragraphs and ``- item`` lines kept, entities decoded."""
    if not markup:
        return ""
    if not _TAG_RE.search(markup):
        if not _ENTITY_RE.search(markup):
            return normalise_text(markup)
        markup = html.unescape(markup)  # entity-escaped HTML (common in JSON-LD) is HTML once unescaped
        if not _TAG_RE.search(markup):
            return normalise_text(markup)
    tree = LexborHTMLParser(markup)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    pieces: list[str] = []
    _walk(root, pieces)
    return normalise_text("".join(pieces))


def _walk(root, pieces: list[str]) -> None:
    """Depth-first, iterative (deeply nested pages must not hit the recursion limit).

    The stack holds each open element's child iterator and the tag whose close adds a break (None: nothing
    to do on close), so an element is visited once and only block-level closes are handled."""
    append = pieces.append

    def brk(text: str) -> None:
        """Add a line or paragraph break; adjacent breaks merge into the larger one."""
        if not pieces or pieces[-1] == "- ":  # nothing yet, or a list item's marker waits for its text
            return
        if pieces[-1].startswith("\n"):
            if len(text) > len(pieces[-1]):
                pieces[-1] = text
        else:
            append(text)

    stack: list[tuple[object, str | None]] = []
    in_pre = 0
    node = root
    while True:
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            if in_pre:
                append(text)
            else:
                text = _collapse_spaces(text.replace("\n", " "))
                if text != " " or (pieces and not pieces[-1].startswith("\n") and pieces[-1] != "- "):
                    append(text)  # an empty text too: it keeps the breaks on either side apart
        elif tag not in _DROP_TAGS:
            if tag == "li":
                brk("\n")
                append("- ")
            elif tag in _PARAGRAPH_TAGS:
                brk("\n\n")
            elif tag in _LINE_TAGS:
                brk("\n")
            elif tag in _CELL_TAGS:
                append(" ")
            if tag == "pre":
                in_pre += 1
            stack.append((node.iter(include_text=True), tag if tag in _CLOSE_TAGS else None))
        while stack:  # the next node: the open element's next child, or close the element
            node = next(stack[-1][0], None)
            if node is not None:
                break
            tag = stack.pop()[1]
            if tag is not None:
                if tag == "pre":
                    in_pre -= 1
                brk("\n\n" if tag in _PARAGRAPH_TAGS else "\n")
        else:
            return


# --- boilerplate -------------------------------------------------------------------------

_BOILER_HEADING_RE = re.compile(
    r"\b(?:equal (?:employment )?opportunit|eeo\b|e\.e\.o|diversity|inclusion|accommodation|accessibility"
    r"|benefits?\b|perks|what we offer|we offer|why (?:join|work)|compensation (?:and|&) benefits"
    r"|about us\b|who we are|about the company|company overview|our company|our story|our mission"
    r"|privacy|legal|disclaimer|data protection|gdpr|notice to (?:agencies|recruiters)|recruitment agencies)",
    re.IGNORECASE,
)
# phrase and benefit patterns are lower case: they run over the lower-cased text (much faster than IGNORECASE),
# and every alternative starts with a letter (a word boundary is a look-behind after it), so the regex
# engine skips ahead to the letters that can start a match instead of trying every position
_BOILER_PHRASE_RE = re.compile(
    r"equal (?:employment )?opportunity employer|e(?<!\we)eo\b|without regard to|regardless of (?:race|gender|age|sex|religion)"
    r"|protected (?:veteran|characteristic|class)|sexual orientation|gender identity|reasonable accommodation"
    r"|e-verify|affirmative action|applicants? with disabilities|privacy (?:notice|policy|statement)"
    r"|personal (?:data|information) (?:will be|is) (?:processed|used|collected)|unsolicited (?:resumes|cvs|applications)"
    r"|do not accept (?:agency|unsolicited)|don't accept (?:agency|unsolicited)|we are committed to (?:creating|building|fostering) an? (?:diverse|inclusive)",
)
_BENEFIT_RE = re.compile(
    r"h(?<!\wh)ealth (?:insurance|coverage|plan|benefits)|m(?<!\wm)edical (?:insurance|coverage|plan|benefits)"
    r"|d(?<!\wd)ental (?:insurance|coverage|plan|benefits)|v(?<!\wv)ision (?:insurance|coverage|plan|benefits)"
    r"|l(?<!\wl)ife (?:insurance|coverage|plan|benefits)|401\(?k\)?|pension|paid time off|p(?<!\wp)to\b"
    r"|vacation|holidays|parental leave|maternity|paternity|stock options|equity|rsus?\b|gym|wellness|bonus"
    r"|remote.friendly|flexible (?:hours|working|schedule)|learning (?:budget|stipend)|commuter|free (?:lunch|snacks|meals)",
)
# the words every alternative of the two patterns above starts with: scan.gated tries the patterns only there
_BOILER_PHRASE_STARTS = ("equal", "eeo", "without", "regardless", "protected", "sexual", "gender", "reasonable", "e-verify",
                         "affirmative", "applicant", "privacy", "personal", "unsolicited", "do not", "don't", "we are")
_BENEFIT_STARTS = ("health", "medical", "dental", "vision", "life", "401", "pension", "paid", "pto", "vacation", "holidays",
                   "parental", "maternity", "paternity", "stock", "equity", "rsu", "gym", "wellness", "bonus", "remote",
                   "flexible", "learning", "commuter", "free")
_BOILER_GATES = GateWords({"phrase": _BOILER_PHRASE_STARTS, "benefit": _BENEFIT_STARTS})  # both found in one pass


_CONTENT_HEADING_RE = re.compile(
    r"^(?:key |your |the |job |minimum |basic |preferred |required )?(?:responsibilities|requirements|qualifications|duties"
    r"|skills|experience|role|position|tasks|what you(?:'ll| will) do|about the (?:role|job|position|team))\b",
    re.IGNORECASE,
)


def _is_heading(line: str, first_in_block: bool) -> bool:
    """A short line that starts a block or ends in a colon, or a common section name on its own line."""
    if not line or line.startswith("- ") or len(line) > 70 or len(line.split()) > 8:
        return False
    if line.endswith(":") or (first_in_block and line[-1] not in ".,;!?"):
        return True
    return len(line.split()) <= 4 and bool(_CONTENT_HEADING_RE.match(line))


def boilerplate_spans(description: str, company: str = "") -> tuple[tuple[int, int], ...]:
    """Character spans of boilerplate in a cleaned description (see the module docstring)."""
    about_company = re.compile(rf"\babout {re.escape(company)}\b", re.IGNORECASE) if company else None
    # each pattern runs once over the whole text; hits are mapped to lines by offset
    lowered = description.lower()
    line_starts = [0] + [m.end() for m in re.finditer("\n", lowered)]
    gates = _BOILER_GATES.find(lowered)
    phrases = gated_at(_BOILER_PHRASE_RE, lowered, lowered, gates.get("phrase", ()), 0)
    phrase_lines = {bisect.bisect_right(line_starts, m.start()) - 1 for m in phrases}
    benefits = gated_at(_BENEFIT_RE, lowered, lowered, gates.get("benefit", ()), 0)
    benefit_lines = {bisect.bisect_right(line_starts, m.start()) - 1 for m in benefits}
    spans: list[tuple[int, int]] = []
    in_section = False
    number = 0
    pos = 0
    for block in description.split("\n\n"):
        lines = block.split("\n")
        numbers = range(number, number + len(lines))
        phrase_hit = any(n in phrase_lines for n in numbers)
        benefit_list = len(lines) >= 3 and sum(n in benefit_lines for n in numbers) * 2 > len(lines)
        for i, line in enumerate(lines):
            heading = line.strip("#*_ ").strip()
            if _is_heading(heading, i == 0):
                boiler = bool(_BOILER_HEADING_RE.search(heading) or (about_company and about_company.search(heading)))
                in_section = boiler or (in_section and number + i in benefit_lines)
            if in_section or phrase_hit or benefit_list:
                if spans and spans[-1][1] + 2 >= pos:
                    spans[-1] = (spans[-1][0], pos + len(line))
                else:
                    spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        pos += 1
        number += len(lines) + 1  # the blank line between blocks is a line too
    return tuple(spans)


# --- a whole posting -----------------------------------------------------------------------


def _one_line(value: str) -> str:
    return " ".join(normalise_text(value).split()) if value else ""


def clean_title(title: str) -> str:
    """A title on one line: markup removed, normalised."""
    return " ".join(html_to_text(title).split())


@lru_cache(maxsize=65_536)
def _redacted_title(title: str) -> tuple[str, Counter]:
    """Cached: feeds repeat titles, and a titles-only run spends a fifth of its time here. Callers must not mutate the Counter."""
    return redact(clean_title(title))


def cleaned_fields(posting: Posting) -> tuple[dict[str, object], Counter]:
    """The cleaned and redacted values of a posting's text fields (for ``dataclasses.replace``), and the redaction counts.

    Other text fields are normalised to one line. ``boilerplate`` holds spans over the final description.
    The counts may be a cached title's own Counter: read them, never mutate them.
    """
    title, title_counts = _redacted_title(posting.title)
    if not posting.description:  # a titles-only record: the cached title's counts, shared (not copied)
        description, counts = "", title_counts
    else:
        description, desc_counts = redact(html_to_text(posting.description))
        counts = title_counts + desc_counts
    company = _one_line(posting.company)
    fields = dict(
        title=title,
        description=description,
        company=company,
        location=_one_line(posting.location),
        posted_date=_one_line(posting.posted_date),
        url=posting.url.strip(),
        employment_type=_one_line(posting.employment_type),
        boilerplate=boilerplate_spans(description, company) if description else (),
    )
    return fields, counts


def clean_posting(posting: Posting, settings: Settings | None = None) -> tuple[Posting, Counter]:
    """A new Posting with its fields cleaned and redacted (``cleaned_fields``), and the redaction counts.

    ``settings`` is accepted so every pipeline step has the same call shape; cleaning has no knobs yet.
    """
    fields, counts = cleaned_fields(posting)
    return replace(posting, **fields), counts
