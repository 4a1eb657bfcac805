"""Years of experience, education, people management and body level phrases, read from raw text.

These cues are regexes over the description (with boilerplate already blanked out, so offsets are
the description's own): they need no tokens, and the tokenizer is the expensive part of the
pipeline. Every cue names its rule as ``experience.py:<kind>:<name>``. Regexes use bounded or
possessive repeats only, so hostile input stays linear.

Requirement (required vs preferred) comes from ``TextLayout``: a sentence saying "preferred",
"a plus", "nice to have", … or a section headed that way makes its cues preferred.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Mapping

from .records import Cue, Education
from .scan import GateWords, gate_key, gated_at, matches_at, may_match, occurrences

# --------------------------------------------------------------------------------------------
# Text layout: sentences and preferred sections (shared with skills.py)
# --------------------------------------------------------------------------------------------

# A sentence ends after ". " (or !?;), a line break, a bullet, or a run of 3+ spaces after a word. Three
# scans, not one alternation: a non-ASCII alternative makes re try every alternative at every position.
# Each scan starts with a character class, so re skips to its candidates in C.
_SENTENCE_END = re.compile(r"[.!?;\n](?:(?<=\n)|(?=\s))")
_BULLET = "\u2022"
_SPACE_RUN = re.compile(r"\s\s\s++")
# "Nice to have: X, Y" / "preferably X" cover what follows, to the end of the sentence.
_PREFERRED_BEFORE = re.compile(
    r"\b(?:nice[- ]to[- ]haves?|preferred(?:\s++(?:qualifications|skills|experience))?|desired(?:\s++skills)?|bonus\s++points"
    r"|pluses|good\s++to\s++have|von\s++vorteil|w(?:ü|ue|u)nschenswert|atouts?|un\s++plus|deseables?|desej[áa]ve(?:l|is))\s*+:"
    r"|\b(?:preferably|ideally|"
    r"bonus\s++points\s++(?:for|if)|bonus\s++if|idealerweise|id[ée]alement|idealmente|preferiblemente|preferibilmente|"
    r"preferencialmente|de\s++preferencia|bij\s++voorkeur|se\s++valorar[áa]|valoramos)\b",
    re.IGNORECASE,
)
# "X preferred" / "X is a plus" cover their own clause, back to the last ";", "(", " - " or sentence start.
_PREFERRED_AFTER = re.compile(
    r"\b(?:preferred|a\s++(?:big\s++|huge\s++)?plus|(?:is\s++)?a\s++bonus|desired|desirable|advantageous|an\s++advantage"
    r"|an\s++asset|would\s++be\s++(?:great|nice|helpful|beneficial)|nice[- ]to[- ]have|is\s++helpful|are\s++helpful"
    # and in other languages: "von Vorteil", "un plus", "un atout", "souhaité", "se valorará", "desejável", "gradita", "een pré"
    r"|von\s++vorteil|w(?:ü|ue|u)nschenswert|(?:ein|un)\s++(?:gro(?:ß|ss)es\s++|grand\s++|gros\s++)?plus|un\s++atout|"
    r"souhait[ée]e?s?|appr[ée]ci[ée]e?s?|deseables?|valorables?|se\s++valorar[áa]|desej[áa]ve(?:l|is)|um\s++diferencial|"
    r"gradit[oaie]|preferibile|titolo\s++preferenziale|een\s++pr[ée]|pluspunt)\b",
    re.IGNORECASE,
)
# Every _PREFERRED_BEFORE match starts with one of its gate words; every _PREFERRED_AFTER match ends in a
# phrase that holds one of its gate words at most _AFTER_REACH characters after the match starts.
_PREFERRED_BEFORE_WORDS = ("nice", "prefer", "desired", "bonus", "pluses", "good", "ideal", "von vorteil", "wünschenswert",
                           "wuenschenswert", "wunschenswert", "atout", "un plus", "idéal", "bij voorkeur", "se valorar",
                           "valoramos", "deseable", "desejáve", "desejave")
_PREFERRED_AFTER_WORDS = ("prefer", "plus", "bonus", "desir", "advantage", "asset", "would", "nice", "helpful", "vorteil",
                          "nschenswert", "atout", "souhait", "appréci", "apreci", "deseable", "valor", "desejáve", "desejave",
                          "diferencial", "gradit", "een pr")
_AFTER_REACH = 24
_PREFERRED = re.compile(f"{_PREFERRED_BEFORE.pattern}|{_PREFERRED_AFTER.pattern}", re.IGNORECASE)
_CLAUSE_START = re.compile(r".*[;(]|.*\s[-–]\s", re.DOTALL)
_HEADING = re.compile(r"^[ \t]*+(?:#{1,4}[ \t]*+)?([^\s\-*•·–\d][^\n.!?]{1,59}?)[ \t]*+(:?)[ \t]*+$", re.MULTILINE)
# _HEADING after a line break: a literal first character, so re skips to the line breaks in C (``^`` is
# tried at every position). A heading lies within its line, so these and a match at 0 are _HEADING's matches.
_HEADING_AFTER_BREAK = re.compile("\n" + _HEADING.pattern.removeprefix("^"), re.MULTILINE)
_REQUIRED_HEADING = re.compile(
    r"\b(?:required|requirements|must[- ]haves?|qualifications|what\s++you(?:'ll|\s++will)?\s++(?:need|bring|do)"
    r"|responsibilities|about|who\s++you\s++are|you\s++have|skills|experience|the\s++role|duties|benefits|perks"
    r"|anforderungen|(?:ihr|dein)\s++profil|profil|voraussetzungen|aufgaben|requisitos|requisiti|profilo|missions?"
    r"|functie-?eisen|wat\s++vragen\s++wij|wij\s++vragen|responsabilidades|responsabilit[àa])\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:no|not|without|never|n't|nor)\b[^.\n;]{0,40}?$|^[^.\n;]{0,30}?\b(?:not\s++(?:required|necessary|needed|a\s++must)"
    r"|isn't\s++required|is\s++not\s++required|unnecessary)\b",
    re.IGNORECASE,
)

_NOT_NEGATION = re.compile(r"\b(?:not\s++only|no\s++matter)\b", re.IGNORECASE)
_NOT_REQUIRED = re.compile(r"^[^.\n;]{0,30}?\b(?:not\s++(?:required|necessary|needed|a\s++must)|isn't\s++required"
                           r"|unnecessary)\b", re.IGNORECASE)
# Every _NEGATION match holds one of these (every _NOT_REQUIRED match one of the second), lower-cased: a
# character IGNORECASE equates with one of their letters lower-cases to it (checked over all of Unicode).
_NEGATION_WORDS = ("no", "n't", "thout", "never", "unnece")
_NOT_REQUIRED_WORDS = ("not", "n't", "unnece")


@dataclass(frozen=True, slots=True)
class TextLayout:
    """Sentence boundaries and preferred regions of one text (character offsets)."""

    text: str
    starts: tuple[int, ...]  # sentence start offsets, ascending
    preferred: tuple[tuple[int, int], ...]  # regions whose cues are "preferred"
    key: str = ""  # gate_key(text), for the pattern gates
    gates: Mapping[str, list[int]] = field(default_factory=dict, compare=False, repr=False)  # _GATES.find(key): where each family's words are

    @classmethod
    def of(cls, text: str) -> "TextLayout":
        key = gate_key(text)
        gates = _GATES.find(key)
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        if _BULLET in text:
            ends += [m.end() for m in re.finditer(_BULLET, text)]
        ends += [m.end() for m in _SPACE_RUN.finditer(text) if m.start() and not text[m.start() - 1].isspace()]
        starts = sorted(set(ends) - {len(text)} | {0})  # an end at the very end of the text starts no sentence
        regions: list[tuple[int, int]] = []
        # sections: a short heading line mentioning "preferred"/"nice to have" runs to the next heading
        first = _HEADING.match(text)
        heading_spans = [(m.start() + 1, m.end(), m.group(1)) for m in _HEADING_AFTER_BREAK.finditer(text)
                         if len(m.group(1).split()) <= (8 if m.group(2) else 5)]
        if first and len(first.group(1).split()) <= (8 if first.group(2) else 5):
            heading_spans.insert(0, (first.start(), first.end(), first.group(1)))
        for i, (s, e, words) in enumerate(heading_spans):
            if _PREFERRED.search(words):
                nxt = next((h[0] for h in heading_spans[i + 1:] if _REQUIRED_HEADING.search(h[2])
                            and not _PREFERRED.search(h[2])), len(text))
                regions.append((s, nxt))
        layout = cls(text, tuple(starts), (), key)
        for m in gated_at(_PREFERRED_BEFORE, text, key, gates.get("preferred_before", ()), 0):
            regions.append((m.start(), layout.sentence(m.start())[1]))
        for m in gated_at(_PREFERRED_AFTER, text, key, gates.get("preferred_after", ()), _AFTER_REACH):
            s = max(layout.sentence(m.start())[0], m.start() - 300)  # a clause is short; bounded keeps this linear
            if _PREFERRED_BEFORE.match(text, m.start()):
                continue
            clause = _CLAUSE_START.match(text, s, m.start())
            regions.append((clause.end() if clause else s, m.end()))
        return cls(text, tuple(starts), tuple(sorted(regions)), key, gates)

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        start = self.starts[max(i, 0)]
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return start, end

    def requirement(self, pos: int) -> str:
        i = bisect.bisect_right(self.preferred, (pos, len(self.text) + 1))
        for s, e in self.preferred[max(0, i - 8):i]:
            if s <= pos < e:
                return "preferred"
        return "required"

    def negated(self, start: int, end: int) -> bool:
        """A negation just before the phrase, or "not required" just after it, in the same sentence."""
        s, e = self.sentence(start)
        before = self.text[max(s, start - 40):start]
        after = self.text[end:min(e, end + 30)]
        # the patterns are tried only where a word they need is present (see _NEGATION_WORDS)
        low = before.lower()
        if any(w in low for w in _NEGATION_WORDS) and _NEGATION.search(before) and not _NOT_NEGATION.search(before):
            return True
        low = after.lower()
        return any(w in low for w in _NOT_REQUIRED_WORDS) and bool(_NOT_REQUIRED.match(after))


# --------------------------------------------------------------------------------------------
# Years of experience
# --------------------------------------------------------------------------------------------

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a": 1, "an": 1,
}
_NUM = (r"(?:\d{1,2}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
        r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)")
_YEARS = re.compile(
    rf"(?<![\w$£€.,(])(?P<qual>(?:at\s++least|a\s++minimum\s++of|minimum\s++of|minimum|min\.?|over|more\s++than|"
    rf"upwards\s++of|no\s++less\s++than)\s++)?(?P<low>{_NUM})(?:\s*+\(\d{{1,2}}\))?\s*+(?P<plus>\+|plus)?"
    rf"(?:\s*+(?:-|–|to|or)\s*+(?P<high>{_NUM})(?:\s*+\(\d{{1,2}}\))?\s*+\+?)?\s*+(?:years?|yrs?)(?:[’']s?)?"
    rf"(?![\w-])",
    re.IGNORECASE,
)
_EXPERIENCE_AFTER = re.compile(
    r"^[\s,]*+(?:of\s++|in\s++|with\s++)?(?:(?:full[- ]time|relevant|related|professional|progressive|proven|"
    r"hands[- ]on|industry|practical|demonstrated|direct|post[- ]\w+|working|paid|combined|previous|prior|total|"
    r"overall|recent|applicable|commercial|clinical|technical|managerial|leadership|supervisory|successful|"
    r"verifiable|similar|work|\w+-related)\s++){0,3}(?:experience|exp\b|working|work(?:ing)?\s++(?:as|in|with)|"
    r"in\s++(?:a|an|the)\s++\w+|as\s++(?:a|an)\s++|(?:of|in|with|using)\s++[A-Za-z])",
    re.IGNORECASE,
)
_EXPERIENCE_BEFORE = re.compile(
    r"(?:experience|exp)[^.\n;]{0,25}$|(?:experience|exp)\s*+(?:required|needed|level)?\s*+[:\-–]\s*+$",
    re.IGNORECASE,
)
_NOT_EXPERIENCE_AFTER = re.compile(
    r"^\s*+(?:old|of\s++age|ago|in\s++business|of\s++(?:history|service|operation|growth|innovation|excellence|"
    r"success|tradition)|warranty|anniversary|running|later|from\s++now|contract|term|commitment|lease|"
    r"(?:of\s++)?(?:continuous\s++)?(?:operation|existence))\b",
    re.IGNORECASE,
)
_NOT_EXPERIENCE_BEFORE = re.compile(
    r"\b(?:founded|established|since|for\s++(?:over|more\s++than|nearly|almost)|age[sd]?|aged|anniversary|celebrat\w*"
    r"|history\s++of|(?:has|have)\s++been|serving|served|trusted\s++for|401\s*+\(?k\)?)\W{0,3}[^.\n;]{0,12}$",
    re.IGNORECASE,
)


_YEAR_WORD = re.compile(r"[yY](?:[eE][aA][rR]|[rR])")
# a _YEARS match has at most ~45 non-space characters before its year word (qualifier, numbers,
# "(12)", "plus"), however much whitespace; and at most 8 characters from it to its end and look-ahead
_YEARS_BEFORE, _YEARS_AFTER = 64, 12


def _years_matches(text: str):
    """``_YEARS.finditer(text)``, run only in windows around "year"/"yr" (the same matches, far fewer positions).

    A window reaches back until it holds _YEARS_BEFORE non-space characters, so a match can never
    start before its window; overlapping windows are merged, so no match is cut in two."""
    windows: list[list[int]] = []
    for w in _YEAR_WORD.finditer(text):
        start = w.start() - _YEARS_BEFORE
        while start > 0 and len("".join(text[start:w.start()].split())) < _YEARS_BEFORE:
            start -= 4 * _YEARS_BEFORE  # a long run of spaces (blanked boilerplate): reach further back
        start, end = max(0, start), min(len(text), w.end() + _YEARS_AFTER)
        if windows and windows[-1][1] >= start:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    for start, end in windows:
        yield from _YEARS.finditer(text, start, end)


_PART_OF = re.compile(r"\b(?:including|incl\.|of\s++which|with|plus)\s*+$", re.IGNORECASE)

# Years in other languages, read only around their experience words (which English text lacks): "mindestens 3 Jahre
# Berufserfahrung", "5 ans d'expérience", "3 a 5 años de experiencia", "2 anni di esperienza", "3 jaar werkervaring",
# and the word first: "Berufserfahrung von mindestens 3 Jahren", "expérience de 5 ans".
_EXPERIENCE_WORD_OTHER = re.compile(r"(?:berufs)?erfahrung|expérience|experiencia|experiência|esperienza|(?:werk)?ervaring", re.IGNORECASE)
_EXPERIENCE_GATE_OTHER = ("erfahrung", "expérience", "experiencia", "experiência", "esperienza", "ervaring")  # in the casefolded key
_YEARS_UNIT_OTHER = r"(?:jahren?|jahre|ans?|años?|anos?|anni|jaar)"
# between the years and the experience word only such words ("3 Jahre einschlägige Berufserfahrung"), so "seit 20
# Jahren am Markt und bieten Erfahrung" (the company's age) is not read
_FILLER_OTHER = r"(?:\s++(?:einschlägige|relevante|relevant|fundierte|praktische|professionnelle|d['’]|de|di|van|in|im|der|als|en|of))"
_YEARS_OTHER_BEFORE = re.compile(
    rf"(?<![\w$£€.,(])(?P<span>(?P<low>\d{{1,2}})\s*+\+?(?:\s*+(?:-|–|bis|à|a|e|tot)\s*+(?P<high>\d{{1,2}})\s*+\+?)?\s*+"
    rf"{_YEARS_UNIT_OTHER})(?![\w-]){_FILLER_OTHER}{{0,3}}\s*+$",
    re.IGNORECASE,
)
_YEARS_OTHER_AFTER = re.compile(
    rf"(?:\s*+[:\-–]|\s++(?:von|de|di|van|minimum|mindestens|au\s++moins|al\s++menos|almeno|minimaal|mínimo)){{0,3}}\s*+"
    rf"(?P<span>(?P<low>\d{{1,2}})\s*+\+?\s*+{_YEARS_UNIT_OTHER})(?![\w-])",
    re.IGNORECASE,
)
_OTHER_REACH = 60


def _number(text: str) -> float:
    text = text.lower()
    return float(_WORD_NUMBERS[text]) if text in _WORD_NUMBERS else float(text)


# --------------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------------

EDUCATION_ORDER = ("none", "high_school", "vocational", "associate", "bachelor", "master", "doctorate")
# (level, pattern, gate words in the key, gate words in the raw text)
_EDUCATION_PATTERNS: tuple[tuple[str, re.Pattern, tuple[str, ...], tuple[str, ...]], ...] = (
    ("none", re.compile(r"\b(?:no\s++(?:college\s++|university\s++|formal\s++)?(?:degree|diploma|formal\s++education)"
                        r"(?:\s++(?:is\s++)?(?:required|necessary|needed))?|degree\s++(?:is\s++)?not\s++(?:required|necessary))\b",
                        re.IGNORECASE), ("degree", "diploma", "education"), ()),
    ("doctorate", re.compile(r"\b(?:ph\.?\s?d\.?|doctorate|doctoral\s++degree|pharm\.?\s?d|d\.?n\.?p\.?)(?!\w)|\bJ\.?D\.?(?!\w)|"
                             r"\bPhD(?=s?\b)", re.IGNORECASE),
     ("ph.d", "phd", "ph d", "ph. d", "pharm", "doctor", "dnp", "d.n", "dn.", "jd", "j.d"), ()),
    ("master", re.compile(r"(?i:\b(?:master[’']?s?(?:\s++degree|\s++of\s++\w+|\s++in\b)|mba|m\.\s?s\.|m\.?\s?sc\.?|m\.?\s?eng"
                          r"|graduate\s++degree|advanced\s++degree)(?!\w))|(?<![\w/])MS(?!\s++(?:Office|Excel|Word|SQL|Teams|"
                          r"Project|Access|Outlook|PowerPoint|Dynamics|Visio|Azure|Windows|Power))(?![\w-])|(?<=/)MS\b"),
     ("master", "mba", "m.", "msc", "m sc", "meng", "m eng", "degree"), ("MS",)),
    ("bachelor", re.compile(r"(?i:\b(?:bachelor[’']?s?|b\.\s?s\.|b\.\s?a\.|b\.?\s?sc\.?|b\.?\s?eng|b\.?\s?tech|"
                            r"undergraduate\s++degree|(?:4|four)[- ]year\s++(?:college\s++|university\s++)?degree|"
                            r"college\s++degree|university\s++degree)(?!\w)|\b(?:a|the)\s++degree\s++in\b)"
                            r"|(?<![\w/])(?:BS|BA)(?![\w-])"),
     ("bachelor", "b.", "bsc", "b sc", "beng", "b eng", "btech", "b tech", "degree"), ("BS", "BA")),
    ("associate", re.compile(r"(?i:\b(?:associate[’']?s?\s++degree|a\.a\.s?\.|(?:2|two)[- ]year\s++degree)(?!\w))"
                             r"|\bAAS?\s++degree\b"), ("degree", "a.a."), ()),
    ("vocational", re.compile(r"\b(?:vocational|trade\s++school|technical\s++(?:school|college|diploma)|"
                              r"post[- ]?secondary\s++(?:certificate|training|non[- ]degree))\b", re.IGNORECASE),
     ("vocational", "trade", "technical", "secondary"), ()),
    ("high_school", re.compile(r"\b(?:high\s++school|secondary\s++school|hs\s++diploma|ged)\b|\bG\.E\.D\b", re.IGNORECASE),
     ("high", "secondary", "diploma", "ged", "g.e.d"), ()),
)
# Every position where an education match can start (``_education_starts``), instead of a full scan per pattern:
# a word of the key (casefolded) starting with one of these (found in the one _GATES pass), "a" or "the" then
# spaces before "degree", or one of the case-sensitive abbreviations in the text.
_EDUCATION_START_WORDS = (
    "no", "degree", "ph", "doctor", "dn", "d.n", "jd", "j.d", "master", "mba", "m.", "msc", "m sc", "meng", "m eng",
    "graduate", "advanced", "bachelor", "b.", "bsc", "b sc", "beng", "b eng", "btech", "b tech", "undergraduate",
    "4-year", "4 year", "four-year", "four year", "college", "university", "associate", "a.a.", "2-year", "2 year",
    "two-year", "two year", "vocational", "trade", "technical", "post", "high", "secondary", "hs", "ged", "g.e.d",
)
_EDUCATION_CASED_STARTS = ("MS", "BS", "BA", "AA")
# Education in other languages (de, fr, es, pt, it, nl), in level order as above. Each pattern starts at one of its
# words, which English text lacks, so an English description pays nothing for them (they share the one _GATES
# pass). Accents may be missing in feeds ("gestion", "Fuehrung"); so may the hyphen ("Bac +5").
_EDUCATION_OTHER: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    ("doctorate", re.compile(r"\b(?:abgeschlossene\s++promotion|promoviert\w*|doktorat|doctorat|doctorado|doutorado|doutoramento"
                             r"|dottorato|gepromoveerd)\b", re.IGNORECASE),
     ("abgeschlossene", "promoviert", "doktorat", "doctorat", "doctorado", "doutorado", "doutoramento", "dottorato", "gepromoveerd")),
    ("master", re.compile(r"\b(?:master(?:abschluss|studium|studiengang)|(?:master|m[áa]ster|mestrado|maestr[íi]a)\s++(?:en|de|em|di|"
                          r"universitario|profissional)\b|máster\b|mestrado|maestr[íi]a|p[óo]s[- ]?gradua[çc][ãa]o|laurea\s++"
                          r"(?:magistrale|specialistica)|bac\s?\+\s?5|dipl[ôo]me\s++d['’]\s*+ing[ée]nieur|[ée]cole\s++"
                          r"d['’]\s*+ing[ée]nieurs?|ing[ée]nieur\s++dipl[ôo]m[ée]|diplom-ingenieur|dipl\.-ing\.|wo[- ](?:niveau|"
                          r"opleiding|diploma|master)|universitair\s++(?:werk-\s*+en\s++)?denkniveau)", re.IGNORECASE),
     ("masterabschluss", "masterstudium", "masterstudiengang", "master ", "máster", "mestrado", "maestría", "maestria", "pós",
      "pos-gradua", "pos gradua", "posgradua", "laurea", "bac+", "bac +", "diplôme", "diplome", "école", "ecole", "ingénieur", "ingenieur",
      "diplom-", "dipl.", "wo-", "wo ", "universitair")),
    ("bachelor", re.compile(r"\b(?:(?:erfolgreich\s++)?abgeschlossene[sn]?\s++(?:\w+\s++){0,2}\w{0,30}?studium|(?:fach)?hochschul(?:studium|"
                            r"abschluss)|universit[äa]tsabschluss|bachelor(?:abschluss|studium|studiengang)|bac\s?\+\s?[34]|"
                            r"licence\s++(?:en|professionnelle|pro)\b|licenciatura|grado\s++(?:universitario|en)\b|"
                            r"t[íi]tulo\s++universitario|titulaci[óo]n\s++universitaria|formaci[óo]n\s++universitaria|"
                            r"ensino\s++superior|gradua[çc][ãa]o|bacharelado|curso\s++superior|laurea(?:\s++triennale)?\b|"
                            r"hbo[- ](?:niveau|opleiding|diploma|bachelor|werk)|hbo\s++(?:werk|denk)\w*)", re.IGNORECASE),
     ("erfolgreich", "abgeschlossene", "hochschul", "fachhochschul", "universitätsabschluss", "universitatsabschluss",
      "bachelorabschluss", "bachelorstudium", "bachelorstudiengang", "bac+", "bac +", "licence", "licenciatura", "grado", "título",
      "titulo", "titulación", "titulacion", "formación", "formacion", "ensino", "gradua", "bacharelado", "curso",
      "laurea", "hbo")),
    ("associate", re.compile(r"\bbac\s?\+\s?2\b", re.IGNORECASE), ("bac+", "bac +")),
    ("vocational", re.compile(r"\b(?:abgeschlossene\s++(?:\w+\s++){0,2}(?:berufs)?ausbildung|(?:kaufm[äa]nnische\s++|technische\s++)?"
                              r"berufsausbildung|ausbildung\s++(?:als|zum|zur)\b|formaci[óo]n\s++profesional|ciclo\s++formativo|"
                              r"t[ée]cnico\s++superior|curso\s++t[ée]cnico|forma[çc][ãa]o\s++t[ée]cnica|ensino\s++t[ée]cnico|"
                              r"diploma\s++(?:tecnico|professionale)|istituto\s++tecnico|qualifica\s++professionale|"
                              r"mbo[- ]?(?:niveau|opleiding|diploma|\d)|mbo\s++\d)", re.IGNORECASE),
     ("abgeschlossene", "kaufmännische", "kaufmannische", "technische", "berufsausbildung", "ausbildung", "formación",
      "formacion", "ciclo", "técnico", "tecnico", "curso", "forma", "ensino", "diploma", "istituto", "qualifica", "mbo")),
    ("high_school", re.compile(r"\b(?:(?:fach)?abitur|(?:fach)?hochschulreife|mittlere\s++reife|realschulabschluss|"
                               r"hauptschulabschluss|baccalaur[ée]at|bac(?!\s?\+)|bachillerato|ensino\s++m[ée]dio|"
                               r"diploma\s++(?:di\s++)?(?:maturit[àa]|scuola\s++(?:media\s++)?superiore)|havo|vwo)\b", re.IGNORECASE),
     ("abitur", "fachabitur", "hochschulreife", "fachhochschulreife", "mittlere", "realschulabschluss", "hauptschulabschluss",
      "baccalaur", "bac", "bachillerato", "ensino", "diploma", "havo", "vwo")),
)
_EDUCATION_OTHER_WORDS = tuple(dict.fromkeys(w for _, _, words in _EDUCATION_OTHER for w in words))
_EQUIVALENT = re.compile(r"\bor\s++(?:an?\s++)?equivalent\b|\bequivalent\s++(?:work\s++|practical\s++)?experience\b"
                         r"|\bvergleichbare\s++(?:qualifikation|ausbildung)|\bou\s++(?:[ée]quivalent|equivalente)|"
                         r"\bo\s++(?:equivalente|similar)\b|\bof\s++gelijkwaardig", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# People management and level phrases
# --------------------------------------------------------------------------------------------

_PEOPLE = r"(?:team|teams|staff|group|department|people|employees|engineers|analysts|scientists|developers|managers|" \
          r"nurses|technicians|associates|specialists|designers|researchers|reps|representatives|talent|direct\s++reports)"
# (name, pattern, gate words in the key)
_MANAGEMENT: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    ("no_reports", re.compile(r"\b(?:no|without)\s++direct\s++reports\b|\bindividual[- ]contributor\s++(?:role|position)\b",
                              re.IGNORECASE), ("direct", "individual")),
    ("direct_reports", re.compile(r"\b(?:\d{1,3}\+?\s++)?direct\s++reports\b", re.IGNORECASE), ("direct",)),
    ("reports_to_you", re.compile(rf"\b(?:\d{{1,3}}|{_NUM})\s++(?:\w+\s++){{0,2}}{_PEOPLE}\s++(?:will\s++)?report\s++"
                                  r"(?:directly\s++)?(?:in\s++)?to\s++you\b", re.IGNORECASE),
     ("report to you", "report directly to you", "report in to you", "report directly in to you")),  # not every "report"
    ("team_of_n", re.compile(rf"\b(?:lead|leads|leading|manage|manages|managing|supervise|supervises|supervising|oversee|"
                             rf"oversees|overseeing|run|build)\s++(?:and\s++\w+\s++)?(?:a|the|our|your)?\s*+(?:\w+\s++){{0,2}}"
                             rf"(?:team|group|staff|organi[sz]ation)\s++of\s++(?:(?:about|approximately|around|roughly|some|"
                             rf"nearly|over|more\s++than|up\s++to)\s++)?(?:\d{{1,3}}|{_NUM})\b", re.IGNORECASE),
     ("team", "group", "staff", "organi")),
    ("manage_managers", re.compile(r"\b(?:manage|managing|lead|leading)\s++(?:other\s++)?(?:managers|leaders|a\s++team\s++of\s++managers)\b",
                                   re.IGNORECASE), ("managers", "leaders")),
    ("hire_develop", re.compile(r"\b(?:hire|hiring|recruit|recruiting),?\s++(?:\w+,\s++)?(?:and\s++)?(?:develop|grow|mentor|coach|"
                                r"retain|manage|lead)\w*\s++(?:and\s++\w+\s++)?(?:a\s++|the\s++|your\s++|our\s++)?"
                                rf"(?:\w+\s++){{0,2}}{_PEOPLE}", re.IGNORECASE), ("hir", "recruit")),
    ("build_lead_team", re.compile(r"\bbuild\w*\s++(?:and|&)\s++(?:lead|grow|manage|scale)\w*\s++(?:a|the|our|your)\s++"
                                   r"(?:\w+\s++){0,2}(?:team|teams|group|organi[sz]ation)\b", re.IGNORECASE), ("build",)),
    ("manage_team", re.compile(rf"\b(?:manage|manages|managing|supervise|supervises|supervising|lead|leads|leading)\s++"
                               rf"(?:and\s++(?:develop|mentor|grow)\s++)?(?:a|the|our|your)\s++(?:\w+\s++){{0,2}}{_PEOPLE}\b"
                               r"(?!\s*+(?:meetings?|projects?|initiatives?|efforts?|discussions?|'s))",
                               re.IGNORECASE), ("manag", "supervis", "lead")),
    ("lead_people", re.compile(r"(?<!with\s)(?<!and\s)\b(?:lead|leads|manage|manages|supervise|supervises)\s++(?:\d{1,3}|"
                               r"two|three|four|five|six|seven|eight|nine|ten|several|multiple)\s++(?:\w+\s++){0,3}"
                               r"(?:directors|managers|engineers|analysts|scientists|developers|nurses|technicians|"
                               r"specialists|designers|researchers|employees|staff|people|reports|cooks|associates)\b",
                               re.IGNORECASE), ("lead", "manage", "supervise")),
    ("people_management", re.compile(r"\b(?:people|line)\s++manag(?:er|ement)\b|\bperformance\s++reviews\b"
                                     r"|\bsupervisory\s++(?:experience|responsibilit\w+)\b", re.IGNORECASE),
     ("people", "line", "performance", "supervisory")),
)
# People management in other languages (de, fr, es, pt, it, nl): "mit Personalverantwortung", "encadrement d'une
# équipe de 5 techniciens", "gestión de equipos", "personas a cargo", "liderar equipes", "coordinare un team",
# "leidinggevende ervaring"; "ohne Personalverantwortung" and "sans encadrement" say no. Each match starts at
# one of its gate words, as above: (name, pattern, gate words in the key).
_MANAGEMENT_OTHER: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    ("no_reports_other_language", re.compile(r"\b(?:ohne\s++(?:personal|f(?:ü|ue|u)hrungs)verantwortung|sans\s++(?:fonction\s++"
                                             r"d['’]\s*+)?encadrement|sin\s++(?:personal|personas)\s++a\s++(?:su\s++)?cargo)\b",
                                             re.IGNORECASE), ("ohne", "sans encadrement", "sans fonction", "sin personal", "sin personas")),
    ("people_management_other_language", re.compile(
        r"\b(?:(?:personal|f(?:ü|ue|u)hrungs)verantwortung|f(?:ü|ue|u)hrungserfahrung|mitarbeiterf(?:ü|ue|u)hrung|"
        r"disziplinarische\s++(?:und\s++fachliche\s++)?(?:f(?:ü|ue|u)hrung|verantwortung)|leidinggevende\s++(?:ervaring|taken|rol|"
        r"functie|positie)|leiding\s*+geven\w*|leidinggeven\w*|geeft\s++leiding)\b", re.IGNORECASE),
     ("personalverantwortung", "führungs", "fuehrungs", "fuhrungs", "mitarbeiterführung", "mitarbeiterfuehrung",
      "mitarbeiterfuhrung", "disziplinarische", "leidinggev", "leiding geven", "leiding te geven", "geeft leiding")),
    ("lead_team_other_language", re.compile(
        r"\b(?:(?:f(?:ü|ue|u)hrung|leitung)\s++(?:eines|des|von|ihres)\s++(?:\w+\s++){0,2}(?:teams?|mitarbeiter\w*|abteilung)|"
        r"(?:f(?:ü|ue|u)hren|leiten)\s++(?:ein|das|ihr|dein)\s++(?:\w+\s++){0,2}team|"
        r"encadrement\s++(?:d['’]\s*+une?\s++|de\s++l['’]\s*+|des?\s++)?(?:\w+\s++){0,2}(?:équipes?|equipes?|collaborateurs|"
        r"personnes|techniciens|ingénieurs|ingenieurs|agents)|"
        r"(?:encadr|manag|dirig|anim|pilot)(?:er|erez|eras|era)\s++(?:une|l['’]|des|votre|son|ses|vos)\s*+(?:\w+\s++){0,2}(?:équipes?|equipes?|"
        r"collaborateurs)|management\s++(?:d['’]\s*+|des\s++)(?:une\s++)?(?:équipes?|equipes?)|gestion\s++d['’]\s*+(?:une\s++)?"
        r"(?:équipes?|equipes?)|"
        r"(?:gesti[óo]n|direcci[óo]n|liderazgo|coordinaci[óo]n)\s++de\s++(?:un\s++)?(?:\w+\s++)?equipos?|"
        r"(?:liderar|dirigir|gestionar|coordinar|supervisar)\s++(?:a\s++)?(?:un|el|los|tu|su|al)?\s*+(?:\w+\s++){0,2}(?:equipos?|"
        r"personas|colaboradores|personal)|(?:personal|personas|equipo|colaboradores)\s++a\s++(?:su\s++)?cargo|"
        r"a\s++cargo\s++de\s++(?:un\s++)?(?:equipo|\d{1,3}\s++personas)|"
        r"(?:gest[ãa]o|lideran[çc]a|coordena[çc][ãa]o)\s++de\s++(?:uma\s++)?equip(?:e|a)s?|"
        r"(?:liderar|gerir|gerenciar|coordenar|supervisionar)\s++(?:a\s++|uma\s++|as\s++|os\s++)?(?:\w+\s++){0,2}(?:equip(?:e|a)s?|"
        r"colaboradores|pessoas)|"
        r"gestione\s++(?:del|di\s++un|dei|delle|della)\s++(?:\w+\s++)?(?:team|collaboratori|personale|squadra)|"
        r"(?:coordinare|gestire|guidare|dirigere)\s++(?:un|il|i|le|la)?\s*+(?:\w+\s++){0,2}(?:team|collaboratori|squadra|persone)|"
        r"coordinamento\s++(?:del|di\s++un)\s++team|responsabile\s++di\s++un\s++team|"
        r"aansturen\s++van\s++(?:een\s++|het\s++)?(?:\w+\s++)?(?:team|medewerkers))\b", re.IGNORECASE),
     ("führung", "fuehrung", "fuhrung", "leitung", "führen", "fuehren", "fuhren", "leiten", "encadrement", "encadrer",
      "manager une", "manager l", "manager des", "manager votre", "manager son", "manager ses", "manager vos", "managerez",
      "manageras", "managera", "encadrerez", "diriger", "dirigerez", "animer", "animerez", "piloter", "piloterez",
      "management d", "management des", "gestion d", "gestión", "gestion de", "dirección", "direccion",
      "liderazgo", "coordinación", "coordinacion", "liderar", "dirigir", "gestionar", "coordinar", "supervisar", "personal a",
      "personas a", "equipo a", "colaboradores a", "a cargo", "gestão", "gestao", "liderança", "lideranca", "coordenação",
      "coordenacao", "gerir", "gerenciar", "coordenar", "supervisionar", "gestione", "coordinare", "gestire", "guidare",
      "dirigere", "coordinamento", "responsabile di", "aansturen")),
)
# Every match of these patterns starts at one of these verbs (prefixes, found in the key by the _GATES pass).
_MANAGEMENT_VERBS = ("lead", "manag", "supervis", "oversee", "run", "build", "hir", "recruit")
_VERB_FIRST = frozenset({"team_of_n", "manage_managers", "hire_develop", "build_lead_team", "manage_team", "lead_people"})


# How far before one of its gate words a match of these patterns can start (``scan.gated``): 0 when every
# match starts with a gate word. Patterns not listed are scanned whole.
_REACH = {"no_reports": 40, "direct_reports": 40, "reports_to_you": 80, "people_management": 0, "no_experience": 40, "entry_level": 40,
          "mid_level": 0, "senior_level": 40, "staff_level": 0, "principal_level": 0, "executive": 40}

# (name, level, pattern, gate words in the key)
_LEVEL_PHRASES: tuple[tuple[str, str, re.Pattern, tuple[str, ...]], ...] = (
    ("no_experience", "S1", re.compile(r"\bno\s++(?:prior\s++)?experience\s++(?:is\s++)?(?:required|necessary|needed)\b"
                                       r"|\bwe\s++will\s++train\b|\bwilling\s++to\s++train\b", re.IGNORECASE),
     ("required", "necessary", "needed", "train")),
    ("entry_level", "P1", re.compile(r"\bentry[- ]level\b|\bearly[- ]career\b|\bnew\s++grad(?:uate)?s?\b|\brecent\s++"
                                     r"(?:college\s++)?graduates?\b|\bgraduate\s++(?:program(?:me)?|scheme)\b|\bjunior[- ]level\b"
                                     r"|\bthis\s++junior\s++(?:role|position)\b", re.IGNORECASE),
     ("entry", "career", "grad", "junior")),
    ("mid_level", "P3", re.compile(r"\b(?:mid|intermediate)[- ]level\b(?!\s++\w+s\b)", re.IGNORECASE),
     ("mid-level", "mid level", "intermediate")),  # not "mentor mid-level engineers"
    ("senior_level", "P4", re.compile(r"\bsenior[- ]level\s++(?:role|position|engineer|individual|contributor|\w+ist|\w+er)\b|"
                                      r"\b(?:as\s++a|this)\s++senior\s++(?:role|position|member|\w+ist|\w+er)\b"
                                      r"|\byou\s++will\s++lead\b|\b(?:tech|technical)\s++lead(?:er)?\s++(?:for|on|of)\b",
                                      re.IGNORECASE), ("senior", "lead")),
    ("staff_level", "P5", re.compile(r"\bstaff[- ]level\b", re.IGNORECASE), ("staff-level", "staff level")),
    ("principal_level", "P6", re.compile(r"\bprincipal[- ]level\b", re.IGNORECASE), ("principal-level", "principal level")),
    ("executive", "E1", re.compile(r"\bexecutive[- ](?:level|leadership\s++team\s++member|role)\b|\bmember\s++of\s++the\s++"
                                   r"(?:executive|senior\s++leadership)\s++team\b|\breport(?:s|ing)?\s++(?:directly\s++)?to\s++"
                                   r"the\s++(?:ceo|chief\s++executive|board)\b|\bc-suite\s++(?:role|position|executive)\b",
                                   re.IGNORECASE), ("executive", "leadership", "ceo", "chief", "board", "c-suite")),
)


# Every gated family's words (the preferred phrases, management and level phrases, where management verbs and
# education matches can start), found in one pass per text
_GATES = GateWords({"preferred_before": _PREFERRED_BEFORE_WORDS, "preferred_after": _PREFERRED_AFTER_WORDS,
                    **{name: words for name, _, words in _MANAGEMENT}, **{name: words for name, _, _, words in _LEVEL_PHRASES},
                    **{name: words for name, _, words in _MANAGEMENT_OTHER},
                    "management_verb": _MANAGEMENT_VERBS, "education": _EDUCATION_START_WORDS, "degree": ("degree",),
                    "education_other": _EDUCATION_OTHER_WORDS})


@dataclass(frozen=True, slots=True)
class ExperienceCues:
    years: tuple[Cue, ...]
    years_experience_min: int | None
    education: Education | None
    education_cues: tuple[Cue, ...]
    manages_people: bool
    management: tuple[Cue, ...]
    level_phrases: tuple[Cue, ...]


def _cue(kind: str, m: re.Match, value: str, name: str, attrs: dict[str, str], group: int | str = 0) -> Cue:
    return Cue(kind=kind, text=m.group(group), value=value, field="description", start=m.start(group), end=m.end(group),
               lexicon_row=f"experience.py:{kind}:{name}", attrs=tuple(sorted(attrs.items())))


def read_years(text: str, layout: TextLayout) -> list[Cue]:
    """Years-of-experience cues (value = minimum years as an integer string), per skill left to the caller."""
    cues = []
    for m in _years_matches(text):
        s, e = layout.sentence(m.start())
        after, before = text[m.end():min(e, m.end() + 80)], text[max(s, m.start() - 60):m.start()]
        if _NOT_EXPERIENCE_AFTER.match(after) or _NOT_EXPERIENCE_BEFORE.search(before):
            continue
        if not (_EXPERIENCE_AFTER.match(after) or _EXPERIENCE_BEFORE.search(before)):
            continue
        low = _number(m.group("low")) if m.group("low").lower() not in {"a", "an"} else 1.0
        if low > 30:
            continue
        attrs = {"requirement": layout.requirement(m.start())}
        if m.group("high"):
            attrs["max"] = str(int(_number(m.group("high"))))
        if layout.negated(m.start(), m.end()):
            attrs["negated"] = "true"
        if _PART_OF.search(before):
            attrs["part_of"] = "true"  # "8+ years ..., including 2 years of people management"
        cues.append(_cue("years", m, str(int(low)), "years", attrs))
    for w in _EXPERIENCE_WORD_OTHER.finditer(text) if may_match(layout.key, text, _EXPERIENCE_GATE_OTHER) else ():
        s, e = layout.sentence(w.start())
        m = _YEARS_OTHER_BEFORE.search(text, max(s, w.start() - _OTHER_REACH), w.start()) or _YEARS_OTHER_AFTER.match(text, w.end(), min(e, w.end() + _OTHER_REACH))
        if m is None or int(m.group("low")) > 30:
            continue
        attrs = {"requirement": layout.requirement(m.start("span"))}
        if "high" in m.re.groupindex and m.group("high"):
            attrs["max"] = str(int(m.group("high")))
        if layout.negated(m.start("span"), m.end("span")):
            attrs["negated"] = "true"
        cues.append(_cue("years", m, str(int(m.group("low"))), "years_other_language", attrs, group="span"))
    return cues


def years_minimum(cues: list[Cue] | tuple[Cue, ...]) -> int | None:
    """Overall minimum: the smallest required general minimum; else per-skill; else preferred ones.

    Years that are part of a larger figure ("including 2 years of people management") are left out."""
    usable = [c for c in cues if c.attr("negated") != "true" and c.attr("part_of") != "true"] or \
        [c for c in cues if c.attr("negated") != "true"]
    for pick in (lambda c: c.attr("requirement") == "required" and not c.attr("skill"),
                 lambda c: c.attr("requirement") == "required",
                 lambda c: True):
        values = [int(c.value) for c in usable if pick(c)]
        if values:
            return min(values)
    return None


def _word_starts(key: str, at: list[int]) -> set[int]:
    """The offsets of ``at`` where a word starts (a caseless pattern starts at a word boundary)."""
    return {a for a in at if not a or not (key[a - 1].isalnum() or key[a - 1] == "_")}


def _education_starts(text: str, key: str, gates: Mapping[str, list[int]]) -> list[int]:
    """Every offset where an English education pattern can match (a superset is enough: ``matches_at`` just
    fails elsewhere), ascending."""
    starts = _word_starts(key, gates.get("education", ()))
    for at in gates.get("degree", ()):  # "a degree", "the  degree": back over the spaces to the article
        j = at
        while j and key[j - 1] == " ":
            j -= 1
        if j < at:
            starts.update(j - len(w) for w in ("a", "the") if key.endswith(w, 0, j))
    starts.update(occurrences(text, _EDUCATION_CASED_STARTS))
    return sorted(starts)


def read_education(text: str, layout: TextLayout) -> tuple[Education | None, list[Cue]]:
    cues = []
    taken: list[tuple[int, int]] = []
    key = layout.key
    same = len(key) == len(text)  # else casefolding moved the offsets ("ß" -> "ss"): test words, scan the text
    starts = _education_starts(text, key, layout.gates) if same else None
    other = sorted(_word_starts(key, layout.gates.get("education_other", []))) if same else None
    patterns = [(level, rx, words, cased, starts) for level, rx, words, cased in _EDUCATION_PATTERNS]
    if other is None or other:
        patterns += [(level, rx, words, (), other) for level, rx, words in _EDUCATION_OTHER]
    for level, rx, words, cased, at in patterns:
        # with the few starts known, trying each pattern there costs less than testing its gate words
        if at is not None:
            found = matches_at(rx, text, at)
        elif may_match(key, text, words, cased):
            found = rx.finditer(text)
        else:
            continue
        for m in found:
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            s, e = layout.sentence(m.start())
            attrs = {"requirement": layout.requirement(m.start())}
            if _EQUIVALENT.search(text, m.end(), min(e, m.end() + 120)):
                attrs["equivalent"] = "true"
            if level != "none" and layout.negated(m.start(), m.end()):
                continue  # "no degree required" is handled by the "none" pattern; "not a PhD" is not a requirement
            cues.append(_cue("education", m, level, level, attrs))
    cues.sort(key=lambda c: c.start)
    if not cues:
        return None, cues
    rank = {lvl: i for i, lvl in enumerate(EDUCATION_ORDER)}
    if any(c.value == "none" for c in cues):
        return Education("none", True), cues
    required = [c for c in cues if c.attr("requirement") == "required"]
    if required:  # the bar is the lowest degree that is required ("BS/MS" → bachelor)
        return Education(min((c.value for c in required), key=rank.__getitem__), True), cues
    return Education(min((c.value for c in cues), key=rank.__getitem__), False), cues


def read_management(text: str, layout: TextLayout) -> tuple[bool, list[Cue]]:
    cues, taken = [], []
    key, gates = layout.key, layout.gates
    # every verb a pattern can start with, instead of one full scan per pattern
    starts = sorted(set(gates.get("management_verb", ()))) if len(key) == len(text) else None
    for name, rx, _ in _MANAGEMENT:
        at = gates.get(name)
        if not at:
            continue
        verb_first = starts is not None and name in _VERB_FIRST
        for m in (matches_at(rx, text, starts) if verb_first else gated_at(rx, text, key, at, _REACH.get(name))):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            span = _span(name, m, text) if layout.requirement(m.start()) == "required" else {}  # not "nice to have: …"
            cues.append(_cue("management", m, "false" if name == "no_reports" else "true", name, span))
    for name, rx, _ in _MANAGEMENT_OTHER:
        if at := gates.get(name):
            for m in gated_at(rx, text, key, at, 0):
                if not any(a < m.end() and m.start() < b for a, b in taken):
                    taken.append((m.start(), m.end()))
                    cues.append(_cue("management", m, "false" if name.startswith("no_") else "true", name, {}))
    cues.sort(key=lambda c: c.start)
    manages = any(c.value == "true" for c in cues) and not any(c.value == "false" for c in cues)
    return manages, cues


_TEAM_SIZE = re.compile(rf"\b(\d{{1,3}}|{_NUM})\b", re.IGNORECASE)
_LEADERS = re.compile(r"\b(?:managers|directors|leaders)\b", re.IGNORECASE)
_BACKGROUND = re.compile(r"\b(?:experience|years?|record|background|history)\s++(?:of\s++|in\s++)?$", re.IGNORECASE)


def _span(name: str, m: re.Match, text: str) -> dict[str, str]:
    """What a management cue says of the span the job leads (levels.py places a generic manager by it): the size
    of the team ("a team of 8", "12 direct reports", "ten people report directly to you", "supervise 20 associates")
    or that it manages managers; not
    what the candidate has done ("experience managing managers", "5 years leading a team of 10")."""
    if _BACKGROUND.search(text, max(0, m.start() - 30), m.start()):
        return {}
    if name == "manage_managers" or (name == "lead_people" and _LEADERS.search(m.group())):
        return {"manages_managers": "true"}
    if name in ("team_of_n", "direct_reports", "reports_to_you", "lead_people"):
        found = _TEAM_SIZE.findall(m.group())
        if found and (size := int(_number(found[-1].lower()))) > 1:
            return {"team_size": str(size)}
    return {}


def read_level_phrases(text: str, layout: TextLayout) -> list[Cue]:
    cues = []
    key, gates = layout.key, layout.gates
    for name, level, rx, _ in _LEVEL_PHRASES:
        for m in gated_at(rx, text, key, gates.get(name, ()), _REACH.get(name)):
            cues.append(_cue("level_phrase", m, level, name, {}))
    cues.sort(key=lambda c: c.start)
    return cues


def read_experience(text: str, layout: TextLayout | None = None) -> ExperienceCues:
    """All experience cues of one (boilerplate-blanked) description."""
    layout = layout or TextLayout.of(text)
    years = read_years(text, layout)
    education, education_cues = read_education(text, layout)
    manages, management = read_management(text, layout)
    return ExperienceCues(
        years=tuple(years), years_experience_min=years_minimum(years), education=education,
        education_cues=tuple(education_cues), manages_people=manages, management=tuple(management),
        level_phrases=tuple(read_level_phrases(text, layout)),
    )
