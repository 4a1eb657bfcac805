"""The ``jdclassify`` command: a thin argparse shell over the library.

Commands: ``classify`` (files -> labelled table and run report), ``explain`` (how one title is labelled),
``eval`` (accuracy and calibration on a gold set), ``report`` (rebuild a run report),
``review export|import`` (the review queue and its corrections), ``lexicons stats|check``.
A JdclassifyError prints one line saying what to do and exits 2; no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from .errors import InputError, JdclassifyError
from .settings import Settings

EXIT_USAGE = 2

_CLASSIFY_EPILOG = """\
examples:
  jdclassify classify postings.jsonl --out labelled.parquet
  jdclassify classify feeds/ --out out/                  # a directory: Parquet partitioned by run_date/source
  jdclassify classify a.csv b.jsonl.gz --out labelled.csv --workers 4
  jdclassify classify postings.jsonl --out labelled.jsonl --review-threshold 0.6

The output format follows --out: .csv (spreadsheet-safe), .jsonl, .parquet, or a directory.
Records that cannot be classified go to a quarantine table beside the output with a reason code;
a manifest JSON (inputs with sha256, counts, versions, settings) is written beside it too, and
an HTML run report (labelled.report.html, or DIR/_reports/RUN_ID.html for a directory).
Reviewed corrections in lexicons/overrides.csv (or OVERLAY/overrides.csv) decide the labels of their titles.
The minimal input is a JSONL file of objects with "id", "title" and optionally "description".
"""

_EXPLAIN_EPILOG = """\
examples:
  jdclassify explain "Senior Backend Engineer"
  jdclassify explain "Sr. Data Scientist II" --description posting.txt
  cat posting.txt | jdclassify explain "Staff Nurse" --description -
"""

_EVAL_EPILOG = """\
examples:
  jdclassify eval
  jdclassify eval --gold samples/gold/gold.csv --no-heldout
  jdclassify eval --gold my_gold.csv --postings my_postings.jsonl
  jdclassify eval --gold samples/gold/titles_other_languages.csv --no-heldout   # titles alone (a title column)
  jdclassify eval --no-heldout --overlay-dir acme/  # includes acme/overrides.csv in the overrides section

When overrides exist (lexicons/overrides.csv, OVERLAY/overrides.csv), an "overrides" gold set scores the
classifier WITHOUT them on the reviewed titles: how far the rules are from what reviewers decided.
"""

_REPORT_EPILOG = """\
examples:
  jdclassify report labelled.parquet                 # writes labelled.report.html
  jdclassify report out/                             # newest run of a dataset -> out/_reports/RUN_ID.html
  jdclassify report out/ --run-id 20260302-1a2b3c4d5e --html /tmp/night.html

The page is self-contained (inline SVG charts, no scripts, nothing fetched): open it in any browser.
For a dataset it compares the run with the previous one (volume, review share, role mix).
"""

_REVIEW_EPILOG = """\
examples:
  jdclassify review export labelled.parquet --out review.csv
  #   ... fill corrected_role_code / corrected_level / corrected_onet_code, reviewer, note in a spreadsheet ...
  jdclassify review import review.csv                       # into lexicons/overrides.csv
  jdclassify review import review.csv --overrides acme/     # into the overlay acme/overrides.csv
  jdclassify classify postings.jsonl --out labelled.parquet # the next run applies the corrections
  jdclassify explain "Data Wrangler"                        # names the override row, reviewer and date

export: postings with needs_review (lowest confidence first) to a spreadsheet-safe CSV.
import: checks every filled row (role code known, level on the ladder, O*NET code known; reviewer
given) and reports ALL problems as FILE:ROW:COLUMN; nothing is stored unless every row is valid.
Rows with no correction are skipped. A title's correction replaces an earlier one for the same title.
"""

_LEXICONS_EPILOG = """\
examples:
  jdclassify lexicons stats                 # counts and lexicon_version
  jdclassify lexicons check                 # validate every file; file:line:column on error
  jdclassify lexicons check --overlay-dir my_roles/
  JDCLASSIFY_OVERLAY_DIR=my_roles/ jdclassify lexicons stats

check reads every file on its own and lists every file's first problem (file:line:column), exit 2.
An overlay folder may hold canon_roles.yaml, title_aliases.csv, skills.csv and overrides.csv; it adds to
the shipped lexicons (never replaces them) and its hash is appended to lexicon_version ("BASE+OVERLAY").
"""


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.load(args.config)
    values = {}
    for name in ("review_threshold", "overlay_dir", "lexicon_dir", "title_locale"):
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    return settings.with_values(values, origin="command line") if values else settings


def _cmd_classify(args: argparse.Namespace) -> int:
    from .run import batch_gc, run_batch

    settings = _settings(args)
    workers = args.workers if args.workers is not None else settings.workers
    if workers < 1:
        raise InputError(f"--workers must be 1 or more, not {workers}")
    summary = run_batch(args.inputs, args.out, settings, workers=workers, progress=not args.no_progress)
    print(summary.format())
    if summary.labelled or summary.quarantined:
        from .report import write_report

        try:
            with batch_gc():  # the report's allocations would otherwise start a full collection of the run's heap
                print(f"  report       {write_report(args.out, summary.run_id)}")
        except Exception as exc:  # noqa: BLE001 - the labels are written; the report is derived from them
            print(f"jdclassify classify: warning: run report not written ({type(exc).__name__}: {exc}); "
                  f"rebuild it with: jdclassify report {args.out} --run-id {summary.run_id}", file=sys.stderr)
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .classify import Classifier

    description = ""
    if args.description == "-":
        description = sys.stdin.read()
    elif args.description:
        try:
            description = Path(args.description).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputError(f"cannot read --description {args.description}: {exc.strerror}; give a readable text file or -") from exc
    print(Classifier.load(_settings(args)).explain(args.title, description))
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import format_report, run_eval

    settings = _settings(args)
    gold = args.gold
    if gold is None:  # the shipped gold sets: samples/gold/*.csv
        gold = sorted((settings.lexicon_dir.parent / "samples" / "gold").glob("*.csv"))
    for path in gold:
        if not Path(path).is_file():
            raise InputError(f"gold set not found: {path}; give a CSV with --gold, or omit it to use samples/gold/*.csv")
    from .lexicons import load_lexicons

    lexicons = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    report = run_eval(settings, gold=gold, postings=args.postings, heldout=not args.no_heldout, lexicons=lexicons)
    if lexicons.overrides:
        from dataclasses import replace

        from .classify import Classifier
        from .evaluate import predict, score
        from .review import override_examples, without_overrides

        plain = without_overrides(lexicons)
        scores = score("overrides (reviewed titles, scored without the overrides)",
                       predict(Classifier.load(settings, plain), override_examples(lexicons)), plain)
        report = replace(report, sets=report.sets + (scores,))
    print(format_report(report))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    print(f"report: {write_report(args.output, args.run_id, out=args.html)}")
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from .review import export_review, import_review

    settings = _settings(args)
    if args.action == "export":
        if not args.out:
            raise InputError("review export needs --out FILE.csv (the sheet to fill in)")
        n = export_review(args.file, args.out, include_all=args.all)
        print(f"wrote {n:,} posting(s) to review to {args.out}; fill the corrected_* columns and reviewer, then run "
              f"'jdclassify review import {args.out}'")
        return 0
    from .lexicons import load_lexicons

    lexicons = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    target = args.overrides or settings.overlay_dir or settings.lexicon_dir
    result = import_review(args.file, target, lexicons, today=args.date)
    print(f"imported {result.added:,} new and {result.updated:,} updated override(s) into {result.path} "
          f"({result.skipped:,} row(s) without a correction skipped); the next run applies them")
    return 0


def _cmd_lexicons(args: argparse.Namespace) -> int:
    from .lexicons import check_lexicons, load_lexicons

    settings = _settings(args)
    if args.action == "check":
        problems = check_lexicons(settings.lexicon_dir, settings.overlay_dir)
        if problems:
            for problem in problems:
                print(f"error: {problem}", file=sys.stderr)
            print(f"jdclassify lexicons check: {len(problems)} problem(s); fix them and run the check again", file=sys.stderr)
            return EXIT_USAGE
        lex = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
        print(f"ok: lexicons in {settings.lexicon_dir}" + (f" + overlay {settings.overlay_dir}" if settings.overlay_dir else "")
              + f" are valid (lexicon_version {lex.version}, {len(lex.overrides):,} override(s))")
        return 0
    lex = load_lexicons(settings.lexicon_dir, settings.overlay_dir)
    canon = sum(1 for code in lex.roles if not code.startswith("SOC"))
    print(f"lexicon_version  {lex.version}")
    print(f"lexicon_dir      {settings.lexicon_dir}")
    if settings.overlay_dir:
        print(f"overlay_dir      {settings.overlay_dir}")
    print(f"roles            {len(lex.roles):,} ({canon:,} canon, {len(lex.roles) - canon:,} generated from O*NET)")
    print(f"title aliases    {len(lex.aliases):,}")
    print(f"levels           {len(lex.levels)} ({', '.join(lex.levels)})")
    print(f"skills           {len(lex.skills):,}")
    print(f"O*NET codes      {len(lex.onet_titles):,} ({len(lex.occupation_skills):,} with skills, {len(lex.occupation_tasks):,} with tasks)")
    print(f"overrides        {len(lex.overrides):,} reviewed title(s)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="TOML", help="settings file ([jdclassify] table); env JDCLASSIFY_* overrides it")
    common.add_argument("--lexicon-dir", type=Path, help="lexicon folder (default: the shipped lexicons/)")
    common.add_argument("--overlay-dir", type=Path, help="a folder of extra roles/aliases/skills added to the lexicons")
    common.add_argument("--locale", dest="title_locale", metavar="LL-RR",
                        help="whose English the titles are in (default en-US, as O*NET; en-GB and en-IN read British and Indian "
                             "titles first: 'Solicitor' as a lawyer, not a telemarketer; 'Company Secretary' as a compliance officer)")

    parser = argparse.ArgumentParser(
        prog="jdclassify",
        description="Classify job postings into a canon role, a level and an O*NET-SOC occupation, with confidence and evidence.",
        epilog="Run 'jdclassify COMMAND --help' for a command's options and examples.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser("classify", parents=[common], help="label postings from files into a table",
                       description="Label job postings from files (JSONL, CSV/TSV, JSON, HTML, .gz, directories).",
                       epilog=_CLASSIFY_EPILOG, formatter_class=raw)
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories of postings")
    p.add_argument("--out", required=True, metavar="PATH", help="output: .csv, .jsonl, .parquet, or a directory")
    p.add_argument("--workers", type=int, metavar="N", help="processes to classify with (default 1)")
    p.add_argument("--review-threshold", type=float, metavar="X", help="labels below this confidence set needs_review (0-1)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal anyway)")
    p.set_defaults(func=_cmd_classify)

    p = sub.add_parser("explain", parents=[common], help="show how a title is labelled, step by step",
                       description="Show the cues, candidates, rules and evidence behind one title's labels.",
                       epilog=_EXPLAIN_EPILOG, formatter_class=raw)
    p.add_argument("title", help="the job title, quoted")
    p.add_argument("--description", metavar="FILE", help="a text file with the posting's description ('-' for stdin)")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("eval", parents=[common], help="accuracy and calibration on a gold set",
                       description="Evaluate role, level and O*NET accuracy and calibration error on a gold set.",
                       epilog=_EVAL_EPILOG, formatter_class=raw)
    p.add_argument("--gold", metavar="CSV", action="append",
                   help="gold set; repeat for several (default: every samples/gold/*.csv). A CSV with a title column "
                        "labels titles alone; otherwise its ids name postings (--postings)")
    p.add_argument("--postings", metavar="PATH", help="the postings the gold set labels (default: samples/postings next to the gold file)")
    p.add_argument("--no-heldout", action="store_true", help="skip the held-out O*NET reported-titles test fold")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("lexicons", parents=[common], help="lexicon statistics and validation",
                       description="Show lexicon statistics, or validate every lexicon file.",
                       epilog=_LEXICONS_EPILOG, formatter_class=raw)
    p.add_argument("action", choices=("stats", "check"), help="stats: counts and version; check: validate (exit 2 on error)")
    p.set_defaults(func=_cmd_lexicons)

    p = sub.add_parser("report", parents=[common], help="(re)write the HTML run report of an output",
                       description="Write the self-contained HTML report of a run from its output table.",
                       epilog=_REPORT_EPILOG, formatter_class=raw)
    p.add_argument("output", metavar="OUTPUT", help="a classify --out: .csv, .jsonl, .parquet file or a dataset directory")
    p.add_argument("--run-id", help="which run of a dataset (default: the newest)")
    p.add_argument("--html", metavar="FILE", help="where to write the page (default: beside the output)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("review", parents=[common], help="export the review queue; import reviewers' corrections",
                       description="Export postings that need review to a CSV sheet, or import a filled-in sheet as overrides.",
                       epilog=_REVIEW_EPILOG, formatter_class=raw)
    p.add_argument("action", choices=("export", "import"), help="export: OUTPUT -> sheet; import: sheet -> overrides.csv")
    p.add_argument("file", metavar="FILE", help="export: a classify --out (file or dataset); import: the filled-in sheet")
    p.add_argument("--out", metavar="CSV", help="export: the sheet to write")
    p.add_argument("--all", action="store_true", help="export: every posting, not only those that need review")
    p.add_argument("--overrides", type=Path, metavar="PATH",
                   help="import: overrides.csv or a folder holding it (default: --overlay-dir, else the lexicon folder)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="import: the review date recorded (default: today)")
    p.set_defaults(func=_cmd_review)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except JdclassifyError as exc:
        print(f"jdclassify {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("jdclassify: interrupted; earlier output was left as it was", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The process entry point (the ``jdclassify`` command, ``python -m jdclassify.cli``): ``main``, then end the
    process without tearing the interpreter down. Freeing the lexicons, indexes and caches object by object and
    unloading numpy, pyarrow and pandas took 0.1 s of a one-posting run and 0.24 s of 100,000 titles; the OS takes the
    memory back at once. Every output is closed and committed by then, and logging and stdio are flushed here. An
    exception from ``main`` ends the process as usual (traceback, teardown); so does a stdout that cannot be flushed."""
    code = main()
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: the interpreter's own exit reports it
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
