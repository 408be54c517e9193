"""`assistant qa import`: the JSON contract, exit codes, and the Rich progress output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlmodel import select

from assistant.qa.models import Note


def _run(args: list[str], settings, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATABASE_URL": settings.resolved_database_url(),
           "ASSISTANT_VAR_DIR": str(settings.var_dir)}
    return subprocess.run([sys.executable, "-m", "assistant.cli", "qa", "import", *args],
                          env=env, cwd=cwd, capture_output=True, timeout=120)


def test_import_json_contract_with_a_bad_row(engine, settings, tmp_path, db):
    path = tmp_path / "notes.csv"
    path.write_bytes("内容,编号\n再不还就报警抓你,1\n客户承诺还款,2\n,3\n".encode("gbk"))
    result = _run([str(path), "--encoding", "gbk", "--map", "text=内容,external_id=编号",
                   "--json"], settings, tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["imported"] == 2 and report["notes_with_findings"] == 1
    assert report["failed_rows"] == [{"row": 4, "reason": "empty text"}]
    assert sorted(db.exec(select(Note.external_id)).all()) == ["1", "2"]


def test_import_of_a_clean_jsonl_exits_zero_and_shows_progress(engine, settings, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"text": "we will send the police to arrest you"}\n'
                    '{"text": "Customer agreed to pay on Friday"}\n', encoding="utf-8")
    result = _run([str(path), "--jurisdiction", "us"], settings, tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "imported 2 notes" in result.stderr.decode()


def test_import_with_an_unknown_column_is_an_error_naming_the_columns(engine, settings,
                                                                     tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("text\nhello\n", encoding="utf-8")
    result = _run([str(path), "--map", "text=body", "--json"], settings, tmp_path)
    assert result.returncode == 2
    message = " ".join(result.stderr.decode().split())  # Rich wraps long lines
    assert "notes.csv: column 'body' (for text) is not in the file; its columns are text" in \
        message
