import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jdclassify.cli import main
from jdclassify.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def minimal_jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "1", "title": "Senior Data Scientist", "description": "Python and SQL; 5+ years."}) + "\n"
        + json.dumps({"id": "2", "title": "=HYPERLINK(\"http://evil\")"}) + "\n"
    )
    return path


def test_classify_minimal_jsonl_to_csv_prints_summary_and_paths(tmp_path, minimal_jsonl, capsys):
    out = tmp_path / "labelled.csv"
    assert main(["classify", str(minimal_jsonl), "--out", str(out), "--review-threshold", "0.6"]) == 0
    printed = capsys.readouterr().out
    assert "2 records" in printed and str(out) in printed and "labelled.quarantine.csv" in printed
    text = out.read_text()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert json.loads((tmp_path / "labelled.manifest.json").read_text())["settings"]["review_threshold"] == 0.6
    assert "labelled.report.html" in printed and "<svg" in (tmp_path / "labelled.report.html").read_text()


def test_errors_are_one_line_exit_2_without_traceback(tmp_path, capsys):
    assert main(["classify", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "input not found" in err and "Traceback" not in err
    assert main(["classify", str(tmp_path), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert "unknown output format" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["classify"], ["explain"], ["eval"], ["lexicons"], ["report"], ["review"]])
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "usage: jdclassify" in help_text
    if command:
        assert "examples:" in help_text


def test_explain_shows_rules_and_evidence(tmp_path, capsys):
    description = tmp_path / "d.txt"
    description.write_text("You will lead a team of 5 engineers. 8+ years of Java.")
    assert main(["explain", "Sr. Backend Engineer", "--description", str(description)]) == 0
    out = capsys.readouterr().out
    assert "role:" in out and "level:" in out and "rule:" in out


def test_explain_reads_a_british_title_under_the_en_gb_locale(capsys):
    assert main(["explain", "Solicitor", "--locale", "en-GB"]) == 0
    out = capsys.readouterr().out
    assert "'solicitor' read as 'lawyer' in en-GB (title_words.csv)" in out and "onet: 23-1011.00" in out
    assert main(["explain", "Solicitor"]) == 0
    assert "onet: 23-1011.00" not in capsys.readouterr().out  # O*NET's America: not a lawyer


def test_an_indian_title_is_read_in_its_indian_sense_under_the_en_in_locale(capsys):
    assert main(["explain", "Company Secretary", "--locale", "en-IN"]) == 0
    out = capsys.readouterr().out
    assert "'company secretary' read as 'compliance officer' in en-IN (title_words.csv)" in out and "onet: 13-1041.00" in out
    assert main(["explain", "Company Secretary"]) == 0
    assert "onet: 13-1041.00" not in capsys.readouterr().out  # O*NET's America: a secretary
    assert main(["explain", "Executive - HR", "--locale", "en-IN"]) == 0  # the function after a dash: an HR executive
    assert "onet: 13-1071.00" in capsys.readouterr().out


def test_a_bad_locale_is_a_clear_error(capsys):
    assert main(["explain", "Solicitor", "--locale", "british"]) == 2
    assert "setting 'title_locale' = 'british' is invalid: expected a language and region such as en-US or en-GB" in capsys.readouterr().err


def test_lexicons_stats_and_check(capsys):
    assert main(["lexicons", "stats"]) == 0
    assert "lexicon_version" in capsys.readouterr().out
    assert main(["lexicons", "check"]) == 0
    assert "valid" in capsys.readouterr().out


def test_lexicons_check_names_file_line_column_of_a_broken_row(tmp_path, capsys):
    broken = tmp_path / "lexicons"
    shutil.copytree(Settings().lexicon_dir, broken)
    aliases = broken / "title_aliases.csv"
    lines = aliases.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",high,", ",sky-high,", 1) if ",high," in lines[2] else "x,NOT A ROLE,,,,,,\n"
    aliases.write_text("".join(lines), encoding="utf-8")
    assert main(["lexicons", "check", "--lexicon-dir", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "title_aliases.csv:3:" in err and "Traceback" not in err


def test_lexicons_check_lists_every_broken_file_not_only_the_first(tmp_path, capsys):
    broken = tmp_path / "lexicons"
    shutil.copytree(Settings().lexicon_dir, broken)
    skills = broken / "skills.csv"
    skills.write_text(skills.read_text(encoding="utf-8").replace(",true,", ",maybe,", 1), encoding="utf-8")
    (broken / "overrides.csv").write_text("alias,role_code,level,onet_code,reviewer,date,source,note\nnurse,,Z9,,ana,2026-03-05,hand,\n")
    assert main(["lexicons", "check", "--lexicon-dir", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "skills.csv:" in err and "overrides.csv:2:level" in err and "2 problem(s)" in err


def test_overlay_from_the_environment_labels_and_overrides_through_classify(tmp_path, monkeypatch, capsys):
    overlay = tmp_path / "acme"
    overlay.mkdir()
    (overlay / "title_aliases.csv").write_text(
        "alias,role_code,onet_code,type,band,level,confidence,source\n"
        "Chief Vibes Officer,DATANL.BI,15-2051.01,common,high,,0.95,canon\n", encoding="utf-8")
    (overlay / "overrides.csv").write_text(
        "alias,role_code,level,onet_code,reviewer,date,source,note\n"
        "Ingeniero de Datos,DATENG.GEN,P2,,ana,2026-03-05,hand,spanish title\n", encoding="utf-8")
    postings = tmp_path / "in.jsonl"
    postings.write_text(json.dumps({"id": "v", "title": "Chief Vibes Officer"}) + "\n"
                        + json.dumps({"id": "i", "title": "Ingeniero de Datos"}) + "\n")
    monkeypatch.setenv("JDCLASSIFY_OVERLAY_DIR", str(overlay))
    out = tmp_path / "o.jsonl"
    assert main(["classify", str(postings), "--out", str(out)]) == 0
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows["v"]["role_code"] == "DATANL.BI"
    assert (rows["i"]["role_code"], rows["i"]["level"]) == ("DATENG.GEN", "P2")
    assert "override from acme/overrides.csv:2 by ana on 2026-03-05" in rows["i"]["evidence"]
    from jdclassify.lexicons import lexicon_version

    assert rows["v"]["lexicon_version"] == lexicon_version(Settings().lexicon_dir, overlay) and "+" in rows["v"]["lexicon_version"]


def test_eval_scores_every_shipped_gold_set_by_default(capsys):
    assert main(["eval", "--no-heldout"]) == 0
    out = capsys.readouterr().out
    assert "gold (gold.csv): n=52" in out and "gold titles (titles_other_languages.csv): n=" in out


def test_the_process_entry_point_ends_with_the_commands_exit_code_and_all_its_output(tmp_path, minimal_jsonl):
    """``run`` skips the interpreter's teardown (os._exit): what the command printed and wrote is all there."""
    out = tmp_path / "o.parquet"
    command = [sys.executable, "-m", "jdclassify.cli", "classify", str(minimal_jsonl), "--out", str(out)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("  report ") and "labelled" in proc.stdout
    assert Path(proc.stdout.splitlines()[-1].split()[-1]).is_file() and out.is_file()
    bad = subprocess.run(command[:4] + [str(tmp_path / "nope.jsonl"), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("jdclassify classify: error: input not found") and "Traceback" not in bad.stderr


def test_console_script_runs_as_a_real_process(tmp_path, minimal_jsonl):
    exe = shutil.which("jdclassify") or str(Path(sys.executable).with_name("jdclassify"))
    if not Path(exe).exists():
        pytest.skip("the jdclassify console script is not installed (pip install -e .)")
    out = tmp_path / "o.jsonl"
    proc = subprocess.run([exe, "classify", str(minimal_jsonl), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "labelled" in proc.stdout and len(out.read_text().splitlines()) == 2
    bad = subprocess.run([exe, "classify", str(tmp_path / "nope.jsonl"), "--out", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
