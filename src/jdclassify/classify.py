"""``Classifier``: loads lexicons and builds every index once, then labels postings.

One posting: title → ``TitleParser`` cues → ``TitleMatcher`` candidates; description →
``DescriptionAnalyzer`` cues; ``onet.decide_onet`` ranks O*NET codes from both; the role is the
curated canon role when a canon alias agrees with the chosen code, else the generated O*NET role;
``levels.decide_level`` gives the level; calibration.py turns raw scores into confidence.
A posting with no candidate at all is labelled ``UNKNOWN`` with the reason, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Iterable, Iterator, Mapping

from .calibration import Calibration
from .errors import QuarantineReason
from .levels import decide_level, title_rank
from .matching import FIRST_LINE_NOUN, TitleMatcher
from .onet import CodeScore, OnetDecision, decide_onet, led_occupations
from .profiles import ProfileIndex
from .ranker import Ranker
from .records import Alternative, Candidate, Classification, DescriptionCues, Label, Posting, QuarantineRecord, TitleCues
from .settings import Settings
from .titles import TitleParser, normalise_title

UNKNOWN = "UNKNOWN"
_POSTING_FIELDS = ("id", "title", "description", "company", "location", "posted_date", "url", "employment_type", "source", "line")
_ALTERNATIVES = 2
_TITLE_ONLY_LIMIT = 100_000  # title-only decisions kept (see Classifier._occupation); a few hundred bytes each
_EXPLAIN_CANDIDATES = 12
FIRST_LINE_WORKERS = 5  # occupations that vote for a first-line supervisor's SOC major group (first_line_groups)


@dataclass(frozen=True, slots=True)
class Classifier:
    settings: Settings
    lexicons: object
    parser: object  # titles.TitleParser
    matcher: TitleMatcher
    analyzer: object  # skills.DescriptionAnalyzer
    calibration: Calibration
    ranker: Ranker | None = None  # learned re-ranker (lexicons/ranker.json); None: hand-combined score
    _title_only: dict = field(default_factory=dict, init=False, compare=False, repr=False)  # see _occupation; a replace() starts empty
    _built: dict = field(default_factory=dict, init=False, compare=False, repr=False)  # see profiles

    @classmethod
    def load(cls, settings: Settings | None = None, lexicons=None, *, matcher: TitleMatcher | None = None) -> "Classifier":
        """Load lexicons (unless given) and build the parser, matcher and analyzer once (profiles on first need).

        ``matcher`` replaces the default one (evaluation passes a matcher with held-out titles removed)."""
        from .index_cache import load_matcher
        from .lexicons import load_lexicons
        from .skills import DescriptionAnalyzer

        settings = settings or Settings.load()
        if lexicons is None:
            lexicons = load_lexicons(settings.lexicon_dir, settings.overlay_dir, defer_aliases=True)
        return cls(
            settings=settings,
            lexicons=lexicons,
            parser=TitleParser.build(lexicons),
            matcher=matcher or load_matcher(lexicons, settings),
            analyzer=DescriptionAnalyzer(lexicons, settings),
            calibration=Calibration.load(settings.lexicon_dir),
            ranker=Ranker.load(settings.lexicon_dir),
        )

    @property
    def profiles(self) -> ProfileIndex:
        """The occupation profiles, built on first use: only postings with a description read them."""
        index = self._built.get("profiles")
        if index is None:
            from .index_cache import load_profiles

            index = self._built["profiles"] = load_profiles(self.lexicons, self.settings)
        return index

    @property
    def led(self) -> Mapping[str, tuple[tuple[str, str], ...]]:
        """What managers' and supervisors' codes lead (onet.led_occupations), read on first use."""
        led = self._built.get("led")
        if led is None:
            led = self._built["led"] = led_occupations(self.lexicons.related_occupations, self.lexicons.onet_titles)
        return led

    def leads_people(self, title_cues: TitleCues, desc: DescriptionCues) -> bool:
        """The title's rank is a manager's or an executive's and the description says the job manages people."""
        return desc.manages_people and title_rank(title_cues, self.lexicons) is not None

    def first_line_groups(self, codes: tuple[str, ...], skill_ids: tuple[str, ...], description: str) -> dict[str, float]:
        """Per supervising code of ``codes`` (onet.led_occupations), how well its SOC major group fits the workers the
        description describes: the summed profile fit of the ``FIRST_LINE_WORKERS`` best-fitting occupations that
        lead no one, per major group, relative to the best group (onet.decide_onet ``groups``)."""
        workers = [p for p in self.profiles.propose(skill_ids, description, limit=FIRST_LINE_WORKERS + len(self.led))
                   if p.key not in self.led][:FIRST_LINE_WORKERS]
        fit: dict[str, float] = {}
        for p in workers:
            fit[p.key[:2]] = fit.get(p.key[:2], 0.0) + p.score
        top = max(fit.values(), default=0.0)
        return {c: fit.get(c[:2], 0.0) / top for c in codes if c in self.led} if top > 0 else {}

    def prepare(self) -> None:
        """Build what descriptions need now (spaCy, skill matchers, profiles): before forking workers, so they share it."""
        self.analyzer.prepare()
        self.profiles  # built here, not once per worker

    # -- public API ------------------------------------------------------------------------------

    def classify(self, posting: Posting | Mapping) -> Classification:
        posting = self._as_posting(posting)
        return self._label(posting, self.analyzer.analyze(posting))

    def classify_many(
        self, items: Iterable[Posting | QuarantineRecord | Mapping]
    ) -> Iterator[Classification | QuarantineRecord]:
        """Stream labels in batches of ``settings.nlp_batch_size``; every input yields exactly one output
        (quarantine records pass through; a record that fails becomes a ``processing_error`` record)."""
        it = iter(items)
        while batch := list(islice(it, max(1, self.settings.nlp_batch_size))):
            postings: list[Posting] = []
            slots: list[Classification | QuarantineRecord | int] = []
            for item in batch:
                if isinstance(item, QuarantineRecord):
                    slots.append(item)
                    continue
                try:
                    postings.append(self._as_posting(item))
                    slots.append(len(postings) - 1)
                except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch
                    slots.append(_failed(item, exc))
            if any(p.description for p in postings):
                self.prepare()  # reads the skill tables here, where a broken lexicon stops the run, not each record
            cues = self._analyze_batch(postings)
            for slot in slots:
                if not isinstance(slot, int):
                    yield slot
                    continue
                posting, desc = postings[slot], cues[slot]
                if isinstance(desc, Exception):
                    yield _failed(posting, desc)
                    continue
                try:
                    yield self._label(posting, desc)
                except Exception as exc:  # noqa: BLE001
                    yield _failed(posting, exc)

    def explain(self, title: str, description: str = "") -> str:
        """A human-readable account of how a title (and description) would be labelled."""
        posting = Posting(id="explain", title=title, description=description)
        desc = self.analyzer.analyze(posting)
        c = self._label(posting, desc)
        tc = c.title_cues
        lines = [f"title: {title!r}", f"  core: {tc.core!r}  normalised: {tc.normalised!r}"]
        for cue in tc.cues:
            lines.append(f"  cue {cue.kind}={cue.value!r} {cue.text!r} [{cue.start}:{cue.end}] ({cue.lexicon_row})")
        if tc.parts:
            lines.append(f"  parts: {list(tc.parts)}")
        looked_up = self.matcher.lookup_texts(tc)
        if looked_up and looked_up[0] != tc.normalised:  # translated, a compound joined, a specialisation in front
            lines.append(f"  looked up as: {looked_up[0]!r}")
        if self.matcher.function_led(tc):
            lines.append("  a management or executive rank leads the function (levels.yaml): read as its manager")
        for phrase, reading in self.matcher.regional_named(tc):
            lines.append(f"  {phrase!r} read as {reading!r} in {self.settings.title_locale} (title_words.csv)")
        for word, reading, row in self.matcher.persons_named(tc):
            lines.append(f"  {word!r} is not in the alias index; WordNet files it under {reading!r} ({row})")
        for technology, reading, row in self.matcher.technologies_named(tc):
            lines.append(f"  technology {technology!r} read as {reading!r} ({row})")
        noun, codes = self.matcher.vague_noun(tc)
        if description.strip() and self.matcher.names_a_level(tc):
            lines.append("  the title names a level, not a job: the description alone decides")
        elif codes and description.strip():
            lines.append(f"  vague title: {noun!r} names no one job; the description decides among the {len(codes)}"
                         " occupations whose aliases end in it")
        elif codes:
            lines.append(f"  vague title: {noun!r} names no one job, and there is no description: a guess, no one alias"
                         " deciding")
        if self.leads_people(tc, desc) and not (codes and description.strip()):
            lines.append("  the title's rank and the description say the job leads people: a manager's code takes the"
                         " description fit of the candidates O*NET relates to it (related_occupations.csv)")
        lines.append("title candidates:")
        for cand in (c.candidates or ())[:_EXPLAIN_CANDIDATES]:
            lines.append(
                f"  {cand.score:.3f} {cand.method:<6} {cand.alias!r} -> {cand.onet_code or '-'} {cand.role_code}"
                f" (row {cand.alias_id}, source {cand.source}, prior {cand.prior:.2f})"
            )
        if not c.candidates:
            lines.append("  none")
        elif len(c.candidates) > _EXPLAIN_CANDIDATES:
            lines.append(f"  ... {len(c.candidates) - _EXPLAIN_CANDIDATES} more")
        lines.extend(_description_lines(desc))
        for name, label in (("role", c.role), ("onet", c.onet), ("level", c.level)):
            lines.append(f"{name}: {label.value or '-'} confidence {label.confidence:.2f} ({label.band})")
            lines.append(f"  rule: {label.rule}")
            lines.extend(f"  evidence: {e}" for e in label.evidence)
        if c.onet_alternatives:
            lines.append("alternatives: " + "; ".join(f"{a.code} {a.title} ({a.confidence:.2f})" for a in c.onet_alternatives))
        lines.append(f"canon code: {c.canon_code or '-'}   needs review: {c.needs_review}")
        return "\n".join(lines)

    @staticmethod
    def to_frame(results: Iterable[Classification | QuarantineRecord]):
        """Classifications as a pandas DataFrame with the output schema's columns (quarantine records skipped)."""
        import pandas as pd

        from .schema import COLUMNS, to_row

        return pd.DataFrame([to_row(r) for r in results if isinstance(r, Classification)], columns=list(COLUMNS))

    # -- internals -------------------------------------------------------------------------------

    def decide(self, title_cues: TitleCues, desc: DescriptionCues, description: str) -> tuple[tuple[Candidate, ...], OnetDecision]:
        """Title candidates and the ranked O*NET decision (used by evaluation too)."""
        skill_ids = tuple(dict.fromkeys(s.value for s in desc.skills))
        has_description = bool(skill_ids or description.strip())
        noun, codes = self.matcher.vague_noun(title_cues)
        if codes and has_description:  # the description decides which of the noun's occupations
            candidates = tuple(c for c in self.matcher.occupations.candidates([noun], also=codes) if c.onet_code in codes)
        else:
            candidates = self.matcher.match(title_cues)
        decision = decide_onet(
            candidates, self.profiles if has_description else None, skill_ids, description,
            ranker=self.ranker, title=self.matcher.read_title(title_cues), occupations=self.matcher.occupations,
            led=self.led if self.leads_people(title_cues, desc) else None, vague=noun,
            level_only=self.matcher.names_a_level(title_cues),
            groups=self.first_line_groups(codes, skill_ids, description) if noun == FIRST_LINE_NOUN and has_description else None,
        )
        if decision.exact and self.matcher.persons_named(title_cues):  # WordNet's reading is a guess, not an alias of
            decision = replace(decision, exact=False)  # the title: calibrated as matched by likeness (ECE 0.212 → 0.184)
        return candidates, decision

    def _as_posting(self, item: Posting | Mapping) -> Posting:
        if isinstance(item, Posting):
            return item
        if isinstance(item, Mapping):
            from .clean import clean_posting

            known = {f: item[f] for f in _POSTING_FIELDS if item.get(f) is not None}
            for name, value in known.items():
                if name != "line" and not isinstance(value, str):
                    raise TypeError(f"field {name!r} must be text, got {type(value).__name__}")
            if not str(known.get("id", "")).strip():
                raise ValueError("a posting needs an 'id'")
            return clean_posting(Posting(**known), self.settings)[0]
        raise TypeError(f"expected a Posting or a mapping with id/title/description, got {type(item).__name__}")

    def _analyze_batch(self, postings: list[Posting]) -> list[DescriptionCues | Exception]:
        try:
            return list(self.analyzer.analyze_many(postings))
        except Exception:  # noqa: BLE001 - find the record that fails, keep the others
            out: list[DescriptionCues | Exception] = []
            for p in postings:
                try:
                    out.append(self.analyzer.analyze(p))
                except Exception as exc:  # noqa: BLE001
                    out.append(exc)
            return out

    def _label(self, posting: Posting, desc: DescriptionCues) -> Classification:
        title_cues = self.parser.parse(posting.title)
        description = _without_boilerplate(posting)
        candidates, decision, role, role_name, onet, onet_title, alternatives = self._occupation(title_cues, desc, description)
        best = decision.best
        occupation = self.lexicons.roles.get(self.lexicons.role_for_onet(onet.value)) if onet.value else None
        level, employment_type = decide_level(
            title_cues, desc, self.lexicons, role.value,
            posting_employment_type=posting.employment_type,
            job_zone=occupation.job_zone if occupation else None,
        )
        if self.calibration.curves.get("level") is not None:
            level = Label(level.value, self.calibration.apply("level", level.confidence), level.rule, level.evidence)
        canon_code = f"{role.value}.{level.value}" if best is not None and level.value else ""
        threshold = self.settings.review_threshold
        result = Classification(
            id=posting.id,
            title=posting.title,
            role=role,
            role_name=role_name,
            level=level,
            employment_type=employment_type,
            canon_code=canon_code,
            onet=onet,
            onet_title=onet_title,
            onet_alternatives=alternatives,
            skills=tuple(dict.fromkeys(s.value for s in desc.skills if s.attr("negated") != "true")),
            years_experience_min=desc.years_experience_min,
            education=desc.education.level if desc.education else "",
            manages_people=desc.manages_people,
            needs_review=min(role.confidence, onet.confidence, level.confidence) < threshold,
            lexicon_version=getattr(self.lexicons, "version", ""),
            title_cues=title_cues,
            description_cues=desc,
            candidates=candidates,
            source=posting.source,
            content_hash=posting.content_hash,
        )
        overrides = getattr(self.lexicons, "overrides", None)  # reviewed corrections (review.py) decide over the rules
        override = overrides.get(normalise_title(posting.title)) if overrides else None
        if override is None:
            return result
        from .review import apply_override  # review brings pyarrow: imported only when a correction applies

        return apply_override(result, override, self.lexicons, threshold)

    def _occupation(self, title_cues: TitleCues, desc: DescriptionCues, description: str) -> tuple:
        """(candidates, O*NET decision, role label, role name, O*NET label, O*NET title, alternatives).

        Without a description these depend only on the texts the matcher looks up (the ranker's title,
        ``TitleMatcher.read_title``, is one of them as the index reads it), so they are computed once per
        such texts: feeds repeat a title with other decorations ("Senior …", "… (m/w/d)"), whose level still
        comes from its own cues."""
        key = None
        if not desc.skills and not description.strip():
            key = self.matcher.lookup_texts(title_cues)
            hit = self._title_only.get(key)
            if hit is not None:
                return hit
        candidates, decision = self.decide(title_cues, desc, description)
        best = decision.best
        if best is None:
            role = Label(UNKNOWN, 0.0, f"unknown: {decision.rule}")
            onet = Label("", 0.0, f"unknown: {decision.rule}")
            role_name, onet_title, alternatives = "", "", ()
        else:
            role, role_name = self._role(best, decision)
            onet = self._onet_label(best, decision)
            onet_title = self.lexicons.onet_titles.get(onet.value, "")
            alternatives = tuple(
                Alternative(a.onet_code, self.lexicons.onet_titles.get(a.onet_code, ""), self._confidence("onet", decision, a.raw))
                for a in decision.ranked[1 : 1 + _ALTERNATIVES]
            )
        result = (candidates, decision, role, role_name, onet, onet_title, alternatives)
        if key is not None:
            if len(self._title_only) >= _TITLE_ONLY_LIMIT:
                self._title_only.clear()
            self._title_only[key] = result
        return result

    def _confidence(self, kind: str, decision: OnetDecision, raw: float) -> float:
        """0 for a code the decision ruled out (not among a known alias's codes); a curve would clamp it up to
        its lowest knot (0.25 on the known-alias curve)."""
        if raw <= 0.0:
            return 0.0
        return self.calibration.apply(self.calibration.kind(kind, decision.has_description, decision.exact), raw)

    def _role(self, best: CodeScore, decision: OnetDecision) -> tuple[Label, str]:
        canon = [c for c in best.support if c.source == "canon"]
        confidence = self._confidence("role", decision, best.raw)
        if canon:
            c = canon[0]
            code = c.role_code
            rule = f"curated role: canon alias {c.alias!r} ({c.alias_id}, {c.method} {c.score:.2f}) agrees with O*NET {best.onet_code}"
            evidence = tuple(f"{x.alias_id} {x.alias!r} ({x.method} {x.score:.2f})" for x in canon[:3])
        else:
            # a canon role without an O*NET mapping is ranked under its own code
            code = best.onet_code if best.onet_code in self.lexicons.roles else self.lexicons.role_for_onet(best.onet_code)
            how = "description profile" if not best.support else f"title alias {best.support[0].alias!r}"
            rule = f"generated O*NET role for {best.onet_code} ({how}); no canon alias agrees"
            evidence = tuple(f"{x.alias_id} {x.alias!r} ({x.source}, {x.method} {x.score:.2f})" for x in best.support[:3])
        role = self.lexicons.roles.get(code)
        return Label(code, confidence, rule, evidence), (role.title if role is not None else "")

    def _onet_label(self, best: CodeScore, decision: OnetDecision) -> Label:
        evidence = [f"{x.alias_id} {x.alias!r} ({x.source}, {x.method} {x.score:.2f}, prior {x.prior:.2f})" for x in best.support[:3]]
        p = best.profile
        if p is not None:
            led = f" as {p.via}, an occupation it leads" if p.via else ""
            evidence.append(
                f"profile {p.key}{led}: fit {p.score:.2f} (skills {p.skill_score:.2f}, text {p.text_score:.2f})"
                + (f"; shared skills {', '.join(p.shared_skills[:8])}" if p.shared_skills else "")
                + (f"; terms {', '.join(p.top_terms)}" if p.top_terms else "")
            )
        rule = f"{decision.rule}: best combined score {best.combined:.3f} (title {best.title_score:.3f}), share {best.share:.2f}"
        confidence = self._confidence("onet", decision, best.raw)
        return Label(best.onet_code, confidence, rule, tuple(evidence))


def _without_boilerplate(posting: Posting) -> str:
    text = posting.description
    for start, end in sorted(posting.boilerplate, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _failed(item, exc: Exception) -> QuarantineRecord:
    get = item.get if isinstance(item, Mapping) else (lambda k, d="": getattr(item, k, d))
    excerpt = str(get("title", "") or "")[:80]
    return QuarantineRecord(
        reason=QuarantineReason.PROCESSING_ERROR.value,
        detail=f"{type(exc).__name__}: {exc}"[:300],
        source=str(get("source", "") or ""),
        line=int(get("line", 0) or 0) if str(get("line", 0) or 0).isdigit() else 0,
        excerpt=excerpt,
        id=str(get("id", "") or ""),
    )


def _description_lines(desc: DescriptionCues) -> list[str]:
    """The description cues ``explain`` shows: what the level and the education and management columns rest on."""
    lines = []
    if desc.skills:
        first: dict[str, str] = {}
        for cue in desc.skills:
            first.setdefault(cue.value, cue.text)
        lines.append("description skills: " + ", ".join(f"{value} ({text!r})" for value, text in first.items()))
    if desc.years:
        said = [f"{c.text!r} {c.attr('requirement') or 'required'}" + (f", for {c.attr('skill')}" if c.attr("skill") else "")
                + (", negated" if c.attr("negated") else "") + (", part of a larger figure" if c.attr("part_of") else "")
                for c in desc.years]
        minimum = "-" if desc.years_experience_min is None else desc.years_experience_min
        lines.append(f"description years: minimum {minimum} from {'; '.join(said)}")
    if desc.education is not None:
        said = [f"{c.text!r} {c.value} {c.attr('requirement') or 'required'}" for c in desc.education_cues]
        required = "required" if desc.education.required else "preferred"
        lines.append(f"description education: {desc.education.level} ({required})" + (f" from {'; '.join(said)}" if said else ""))
    if desc.management:
        said = [f"{c.text!r} ({c.lexicon_row})" for c in desc.management]
        lines.append(f"description manages people: {'yes' if desc.manages_people else 'no'} from {'; '.join(said)}")
    if desc.level_phrases:
        lines.append("description level phrases: " + "; ".join(f"{c.text!r} → {c.value}" for c in desc.level_phrases))
    return lines
