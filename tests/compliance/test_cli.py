"""The stable CLI contract: `assistant check`, `assistant eval`, `assistant rules ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture
def notes_file(tmp_path) -> Path:
    lines = [
        json.dumps({"id": "a", "text": "再不还就报警抓你"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "text": "called at 6:30am", "jurisdiction": "us"}),
        "",
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": "hello", "lang": "fr"}),
        json.dumps({"id": 7, "text": "正常跟进，客户承诺月底还款"}, ensure_ascii=False),
    ]
    path = tmp_path / "notes.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_writes_one_line_per_input_and_fails_at_the_end(notes_file, fixture_rules_dir):
    result = run("check", str(notes_file), "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r.get("id", r.get("line")) for r in records] == ["a", 2, "b", 4, 5, 6, 7]
    assert records[0]["findings"][0] == {
        "rule_id": "cn.threat.arrest", "category": "threat.arrest", "severity": "critical",
        "start": 4, "end": 8, "text": "报警抓你", "message": "以抓人坐牢相威胁",
        "citation": "刑法 第二百九十三条之一 [S]", "suggestion": "说明欠款属于民事纠纷"}
    assert records[1] == {"line": 2, "error": records[1]["error"]}
    assert "not valid JSON" in records[1]["error"]
    assert records[3] == {"line": 4, "error": "blank line"}
    assert "'text'" in records[4]["error"]
    assert "lang" in records[5]["error"] and "'fr'" in records[5]["error"]
    assert records[6] == {"id": 7, "findings": []}


def test_a_line_that_is_not_utf8_is_an_error_for_that_line_only(tmp_path, fixture_rules_dir):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes('{"id": 1, "text": "让你坐牢"}\n'.encode("gbk") + b"\n"
                     + '{"id": 3, "text": "让你坐牢"}\n'.encode())
    result = run("check", str(path), "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["line"] == 1 and "not UTF-8" in records[0]["error"]
    assert records[1] == {"line": 2, "error": "blank line"}
    assert records[2]["id"] == 3 and records[2]["findings"]


def test_check_reads_stdin_and_exits_zero_when_every_line_is_fine(fixture_rules_dir):
    stdin = json.dumps({"id": 1, "text": "12 calls this week"}) + "\n"
    result = run("check", "-", "--rules-dir", str(fixture_rules_dir), stdin=stdin)
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["findings"][0]["rule_id"] == "us.harassment.frequency"


def test_check_in_a_real_process_keeps_going_past_bad_lines(fixture_rules_dir):
    stdin = "\n".join(["{oops", json.dumps({"id": 2, "text": "让你坐牢"}, ensure_ascii=False)])
    process = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "check", "-", "--rules-dir",
         str(fixture_rules_dir)], input=stdin, capture_output=True, text=True, timeout=120)
    assert process.returncode == 1
    lines = [json.loads(line) for line in process.stdout.splitlines()]
    assert lines[0]["line"] == 1 and lines[1]["id"] == 2 and lines[1]["findings"]


def test_check_text_shows_a_readable_rendering(fixture_rules_dir):
    result = run("check", "--text", "再不还就报警抓你", "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 0
    assert "cn.threat.arrest" in result.stdout and "以抓人坐牢相威胁" in result.stdout


def test_eval_reports_per_category_and_json_last_line(tmp_path, fixture_rules_dir):
    path = tmp_path / "dev.jsonl"
    rows = [
        {"id": 1, "lang": "zh", "text": "再不还就报警抓你", "labels": ["threat.arrest"]},
        {"id": 2, "lang": "zh", "text": "客户称怕坐牢", "labels": []},
        {"id": 3, "lang": "zh", "text": "告知不会坐牢", "labels": ["threat.arrest"]},
        {"id": 4, "lang": "en", "text": "called at 6:30am", "labels": []},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    result = run("eval", str(path), "--json", "--errors", "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["per_category"]["threat.arrest"] == {
        "precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2, "tp": 1, "fp": 0, "fn": 1}
    assert summary["per_category"]["harassment.time"]["fp"] == 1
    assert summary["micro"]["tp"] == 1 and summary["micro"]["fp"] == 1
    assert summary["compliant_notes"] == 2 and summary["compliant_flag_rate"] == 0.5
    assert {e["id"] for e in summary["errors"]} == {3, 4}
    table = run("eval", str(path), "--rules-dir", str(fixture_rules_dir))
    assert "threat.arrest" in table.stdout and "1/2 = 50.0%" in table.stdout


def test_eval_names_the_line_of_a_bad_label(tmp_path, fixture_rules_dir):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "x", "labels": ["threat.arest"]}\n', "utf-8")
    result = run("eval", str(path), "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code != 0
    assert "bad.jsonl:1" in str(result.exception)


def test_rules_lint_and_test_pass_on_the_fixture(fixture_rules_dir):
    lint = run("rules", "lint", "--rules-dir", str(fixture_rules_dir))
    assert lint.exit_code == 0 and "0 problem(s)" in lint.stdout
    tested = run("rules", "test", "--rules-dir", str(fixture_rules_dir))
    assert tested.exit_code == 0 and "8 rules pass, 0 fail" in tested.stdout


def test_rules_test_reports_a_failing_example_with_file_and_line(fixture_rules_dir, tmp_path):
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(fixture_rules_dir, folder)
    path = folder / "cn" / "conduct.yaml"
    path.write_text(path.read_text("utf-8").replace("flag: [再不还就报警抓你,", "flag: [今天天气不错,"),
                    "utf-8")
    result = run("rules", "test", "--rules-dir", str(folder))
    assert result.exit_code == 1
    assert "cn/conduct.yaml:15 cn.threat.arrest: [cn] should flag but did not: '今天天气不错'" in (
        result.stdout)


def test_rules_lint_fails_on_a_broken_pack(fixture_rules_dir, tmp_path):
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(fixture_rules_dir, folder)
    path = folder / "cn" / "conduct.yaml"
    path.write_text(path.read_text("utf-8").replace("category: threat.arrest",
                                                    "category: threat.arest"), "utf-8")
    result = run("rules", "lint", "--rules-dir", str(folder))
    assert result.exit_code == 1
    assert "cn/conduct.yaml:3 cn.threat.arrest: unknown category 'threat.arest'" in result.stdout


def test_rules_schema_writes_json_schemas(tmp_path):
    result = run("rules", "schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    schema = json.loads((tmp_path / "rule-file.schema.json").read_text("utf-8"))
    rule = schema["$defs"]["Rule"]
    assert "threat.arrest" in rule["properties"]["category"]["enum"]
    assert "pass" in schema["$defs"]["Examples"]["properties"]


@pytest.fixture
def labelled_file(tmp_path) -> Path:
    rows = [
        {"id": "z1", "lang": "zh", "text": "再不还就报警抓你", "labels": []},
        {"id": "z2", "text": "告知不会坐牢", "labels": ["threat.arrest"]},  # lang detected
        {"id": "e1", "lang": "en", "text": "called at 6:30am [note]", "labels": []},
        {"id": "e2", "text": "called at 6:30am", "labels": ["harassment.time"]},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_eval_errors_print_styles_not_markup_and_note_text_as_written(labelled_file,
                                                                    fixture_rules_dir):
    result = run("eval", str(labelled_file), "--errors", "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 0, result.output
    assert "[bold]" not in result.stdout and "[red]" not in result.stdout
    assert "z1 再不还就报警抓你" in result.stdout
    assert "e1 called at 6:30am [note]" in result.stdout  # brackets in a note are kept
    assert "FP threat.arrest" in result.stdout and "FN threat.arrest" in result.stdout


@pytest.mark.parametrize("lang, ids", [("zh", {"z1", "z2"}), ("en", {"e1"})])
def test_eval_lang_keeps_only_notes_of_that_language(labelled_file, fixture_rules_dir,
                                                     lang, ids):
    result = run("eval", str(labelled_file), "--lang", lang, "--json", "--errors",
                 "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["lang"] == lang and summary["notes"] == 2
    assert {e["id"] for e in summary["errors"]} == ids
    assert set(summary["per_category"]) == (
        {"threat.arrest"} if lang == "zh" else {"harassment.time"})
    for figures in summary["per_category"].values():
        assert set(figures) == {"precision", "recall", "f1", "support", "tp", "fp", "fn"}
    assert {"micro", "compliant_notes", "compliant_flagged", "compliant_flag_rate"} <= set(
        summary)
    table = run("eval", str(labelled_file), "--lang", lang, "--rules-dir", str(fixture_rules_dir))
    assert f"({lang} only)" in table.stdout


def test_eval_without_lang_reports_all_notes_and_lang_null(labelled_file, fixture_rules_dir):
    result = run("eval", str(labelled_file), "--json", "--rules-dir", str(fixture_rules_dir))
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["notes"] == 4 and summary["lang"] is None


def test_eval_rejects_an_unknown_lang(labelled_file, fixture_rules_dir):
    result = run("eval", str(labelled_file), "--lang", "fr", "--rules-dir",
                 str(fixture_rules_dir))
    assert result.exit_code != 0
    assert "'fr' is not one of zh, en" in str(result.exception)


def test_check_reports_each_kind_of_malformed_line_and_goes_on(tmp_path, fixture_rules_dir):
    lines = ['{"id": 1, "text": "bad \\ud800 surrogate"}', "[1, 2]", "null",
             '{"id": 4, "text": 5}', '{"id": 5, "text": "x", "lang": 3}',
             '{"id": "\\udc00", "text": "x"}', '{"id": 7, "text": "让你坐牢"}']
    path = tmp_path / "malformed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("check", str(path), "--rules-dir", str(fixture_rules_dir))
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(r) for r in records[:6]] == [{"line", "error"}] * 6
    assert [r["line"] for r in records[:6]] == [1, 2, 3, 4, 5, 6]
    assert "'text' is not valid Unicode" in records[0]["error"]
    assert "JSON object" in records[1]["error"] and "JSON object" in records[2]["error"]
    assert "'lang' must be a string" in records[4]["error"]
    assert "'id' is not valid Unicode" in records[5]["error"]
    assert records[6]["id"] == 7 and records[6]["findings"]
