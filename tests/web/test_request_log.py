"""Structured logs: one JSON line per request on stdout, without secrets."""

from __future__ import annotations

import json

from tests.conftest import PASSWORD, login


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_each_request_is_one_json_line_with_method_path_status_duration_user(
        client, make_user, capsys):
    user = make_user("collector")
    login(client, user.username)
    capsys.readouterr()
    client.get("/cases?q=张伟")
    lines = [entry for entry in _json_lines(capsys.readouterr().out)
             if entry.get("logger") == "web.request"]
    assert len(lines) == 1
    entry = lines[0]
    assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == (
        "GET", "/cases", 200, user.id)
    assert entry["duration_ms"] >= 0 and entry["level"] == "info" and entry["ts"]
    assert "张伟" not in json.dumps(entry, ensure_ascii=False)  # query strings stay out


def test_passwords_tokens_and_cookies_never_reach_the_log(client, make_user, capsys):
    user = make_user("collector")
    login(client, user.username)
    client.get("/api/me", headers={"Authorization": "Bearer csa_secret-value-123"})
    output = capsys.readouterr().out
    assert PASSWORD not in output and "csa_secret-value-123" not in output
    assert client.cookies["assistant_session"] not in output
    assert any(e.get("path") == "/api/me" and e.get("status") == 401 for e in _json_lines(output))


def test_records_still_reach_the_root_logger(client, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        client.get("/health")
    assert any(r.name == "web.request" and r.path == "/health" for r in caplog.records)
