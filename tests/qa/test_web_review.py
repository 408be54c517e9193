"""The review queue, decisions through the web, the dashboard, exports and web imports."""

from __future__ import annotations

import io
import re
import time

from openpyxl import load_workbook
from sqlmodel import select

from assistant.qa import intake
from assistant.qa.models import ImportBatch, NoteFinding
from tests.qa.conftest import RULES_DIR


def _notes(db, make_user):
    author = make_user("collector", team="South", display_name="张三")
    intake.save_note(db, text="<script>alert(1)</script>再不还就报警抓你", author=author,
                     rules_dir=RULES_DIR)
    intake.save_note(db, text="客户承诺月底还款", author=author, rules_dir=RULES_DIR)
    return author


def test_queue_highlights_the_span_and_escapes_the_note(client_as, db, make_user):
    _notes(db, make_user)
    page = client_as("qa").get("/qa").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert re.search(r'<mark class="finding sev-critical"[^>]*>再不还就报警</mark>', page)
    assert "客户承诺月底还款" not in page  # no findings: not in the "to review" list
    assert "客户承诺月底还款" in client_as("qa").get("/qa?status=all").text


def test_confirm_from_the_queue_records_the_decision(client_as, db, make_user):
    _notes(db, make_user)
    qa = client_as("qa")
    finding = db.exec(select(NoteFinding)).first()
    response = qa.post(f"/qa/notes/{finding.note_id}/decisions",
                       data={"decision": "confirmed", "finding_ids": finding.id,
                             "comment": "clear threat"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "decision-confirmed" in response.text
    db.refresh(finding)
    assert finding.decision == "confirmed"
    assert "Nothing to review" in qa.get("/qa").text or "再不还就" not in qa.get("/qa").text


def test_finding_of_another_note_is_refused(client_as, db, make_user):
    _notes(db, make_user)
    finding = db.exec(select(NoteFinding)).first()
    response = client_as("qa").post("/qa/notes/999/decisions",
                                    data={"decision": "confirmed", "finding_ids": finding.id})
    assert response.status_code == 404


def test_filters_by_severity_and_collector(client_as, db, make_user):
    author = _notes(db, make_user)
    qa = client_as("qa")
    assert "再不还就" in qa.get(f"/qa?severity=critical&collector={author.id}").text
    assert "再不还就" not in qa.get("/qa?severity=info").text
    assert qa.get("/qa?status=bogus").status_code == 422


def test_exports_keep_chinese_readable(client_as, db, make_user):
    _notes(db, make_user)
    qa = client_as("qa")
    csv_bytes = qa.get("/qa/export/queue.csv?status=all").content
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    assert "再不还就报警" in text and "张三" not in text  # usernames, not display names
    workbook = load_workbook(io.BytesIO(qa.get("/qa/export/queue.xlsx?status=all").content))
    values = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "客户承诺月底还款" in values and "threat.arrest" in values
    table = qa.get("/qa/export/dashboard/by_category.csv").content.decode("utf-8-sig")
    assert table.splitlines() == ["category,findings", "threat.arrest,1"]
    assert qa.get("/qa/export/dashboard/nope.csv").status_code == 422


def test_dashboard_draws_charts_with_tables(client_as, db, make_user):
    _notes(db, make_user)
    page = client_as("qa").get("/qa/dashboard").text
    assert page.count('<svg class="chart"') >= 4
    assert '<table class="qa-numbers">' in page and "threat.arrest" in page


def test_web_import_previews_then_imports_with_progress(client_as, db, make_user):
    make_user("collector", username="li")
    qa = client_as("qa")
    data = "备注,坐席\n再不还就报警抓你,li\n客户承诺还款,li\n,li\n".encode("gbk")
    uploaded = qa.post("/qa/import", files={"file": ("notes.csv", data, "text/csv")},
                       follow_redirects=False)
    location = uploaded.headers["location"]
    preview = qa.get(location).text
    assert "gb18030" in preview and "再不还就报警抓你" in preview
    assert re.search(r'<option value="备注" selected>', preview)
    started = qa.post(f"{location}/start", data={"map_text": "备注", "map_collector": "坐席"},
                      follow_redirects=False)
    assert started.status_code == 303
    for _ in range(100):
        status = qa.get(f"{location}/status").text
        if "status-done" in status:
            break
        time.sleep(0.1)
    assert 'class="qa-imported">2<' in status and 'class="qa-with-findings">1<' in status
    assert "empty text" in status
    batch = db.exec(select(ImportBatch)).one()
    assert batch.created_by_id is not None and batch.encoding_used == "gb18030"


def test_web_upload_over_the_limit_is_refused_clearly(client_as, settings, app):
    app.state.settings.max_upload_bytes = 1024
    response = client_as("qa").post("/qa/import", files={"file": ("big.csv", b"x" * 5000)})
    assert response.status_code == 422
    assert "upload limit of 1 KB" in response.text or "上传大小限制（1 KB）" in response.text
    assert "upload-error" in response.text  # said on the upload form itself
