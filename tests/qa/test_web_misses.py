"""Missed violations through the note page and the JSON API, the "nothing missed" action,
the labelled export download and the dashboard's recall."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from assistant.qa import intake, review
from assistant.qa.models import MissedViolation
from tests.qa.conftest import RULES_DIR

TEXT = "客户称失业。催收员说：月底前不还，我们就天天上门找你。"


@pytest.fixture
def note(db, make_user):
    saved, _ = intake.save_note(db, text=TEXT, author=make_user("collector"),
                                rules_dir=RULES_DIR)
    return saved


def _stored(db) -> list[MissedViolation]:
    db.expire_all()
    return list(db.exec(select(MissedViolation).order_by(MissedViolation.id)))


def test_reviewer_records_a_miss_by_quote_and_sees_it_on_the_note(client_as, db, note):
    qa = client_as("qa")
    page = qa.get(f"/qa/notes/{note.id}").text
    assert 'id="miss-form"' in page
    assert re.search(r'id="review-state">\s*<span class="status status-pending">', page)
    response = qa.post(f"/qa/notes/{note.id}/misses",
                       data={"category": "threat.intimidation", "quote": "天天上门找你",
                             "comment": "pressure by daily visits"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/qa/notes/{note.id}#misses"
    [miss] = _stored(db)
    assert (miss.category, TEXT[miss.start:miss.end]) == ("threat.intimidation", "天天上门找你")
    page = qa.get(f"/qa/notes/{note.id}").text
    assert f'id="miss-{miss.id}"' in page and "«天天上门找你»" in page
    assert "pressure by daily visits" in page


def test_a_selection_sends_offsets(client_as, db, note):
    start = TEXT.index("天天")
    response = client_as("qa").post(
        f"/qa/notes/{note.id}/misses",
        data={"category": "threat.intimidation", "start": start, "end": start + 2,
              "quote": "天天"}, follow_redirects=False)
    assert response.status_code == 303
    assert (_stored(db)[0].start, _stored(db)[0].end) == (start, start + 2)


@pytest.mark.parametrize("data, said", [
    ({"category": "", "quote": "天天"}, ("Choose the category", "选择")),
    ({"category": "threat.nope"}, ("Choose the category", "选择")),
    ({"category": "threat.intimidation", "quote": "打断你的腿"}, ("is not in the note", "备注中没有")),
    ({"category": "threat.intimidation", "start": "x", "end": "3"},
     ("not inside the note", "不在")),
    ({"category": "threat.intimidation", "start": "3", "end": "999"},
     ("not inside the note", "不在")),
])
def test_bad_miss_input_is_said_on_the_form_and_nothing_is_stored(client_as, db, note, data,
                                                                  said):
    response = client_as("qa").post(f"/qa/notes/{note.id}/misses", data=data)
    assert response.status_code == 422
    error = re.search(r'<p class="notice danger qa-miss-error"[^>]*>([^<]*)</p>', response.text)
    assert error and any(words in error.group(1) for words in said), response.text[:500]
    assert "Traceback" not in response.text
    if data.get("quote"):
        assert f'value="{data["quote"]}"' in response.text  # what was typed is kept
    assert _stored(db) == []


def test_withdraw_keeps_the_miss_shown_as_withdrawn(client_as, db, note):
    qa = client_as("qa")
    qa.post(f"/qa/notes/{note.id}/misses", data={"category": "threat.intimidation"})
    [miss] = _stored(db)
    response = qa.post(f"/qa/notes/{note.id}/misses/{miss.id}/withdraw", follow_redirects=False)
    assert response.status_code == 303
    [miss] = _stored(db)
    assert miss.withdrawn_at is not None
    page = qa.get(f"/qa/notes/{note.id}").text
    assert "qa-miss-withdrawn" in page and f"/misses/{miss.id}/withdraw" not in page
    again = qa.post(f"/qa/notes/{note.id}/misses/{miss.id}/withdraw")
    assert again.status_code == 422 and "qa-miss-error" in again.text


def test_nothing_missed_completes_the_review(client_as, db, make_user):
    clean, _ = intake.save_note(db, text="客户承诺月底还款", author=make_user("collector"),
                                rules_dir=RULES_DIR)
    qa = client_as("qa")
    assert qa.post(f"/qa/notes/{clean.id}/nothing-missed", data={"comment": "ok"},
                   follow_redirects=False).status_code == 303
    page = qa.get(f"/qa/notes/{clean.id}").text
    assert re.search(r'id="review-state">\s*<span class="decision qa-review-done">', page)
    assert f'id="note-{clean.id}"' in qa.get("/qa?status=reviewed").text


def test_collectors_see_misses_on_their_notes_but_cannot_record_them(client_as, db, note,
                                                                    make_user):
    from assistant.models import User

    author = db.get(User, note.author_id)
    client_as("qa").post(f"/qa/notes/{note.id}/misses",
                         data={"category": "threat.intimidation", "quote": "天天上门找你"})
    collector = client_as(user=author)
    page = collector.get(f"/qa/notes/{note.id}").text
    assert "«天天上门找你»" in page and 'id="miss-form"' not in page
    [miss] = _stored(db)
    assert collector.post(f"/qa/notes/{note.id}/misses",
                          data={"category": "abuse.insult"}).status_code == 403
    assert collector.post(f"/qa/notes/{note.id}/misses/{miss.id}/withdraw").status_code == 403
    assert collector.post(f"/qa/notes/{note.id}/nothing-missed").status_code == 403
    assert client_as("trainer").post(f"/qa/notes/{note.id}/misses",
                                     data={"category": "abuse.insult"}).status_code == 403


def test_api_records_lists_and_withdraws_misses(client_as, db, note):
    qa = client_as("qa")
    created = qa.post(f"/api/notes/{note.id}/misses",
                      json={"category": "threat.intimidation", "quote": "天天上门找你",
                            "comment": "daily visits"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["text"] == "天天上门找你" and body["withdrawn_at"] is None
    assert qa.post(f"/api/notes/{note.id}/misses/{body['id']}/withdraw").status_code == 200
    listed = qa.get(f"/api/notes/{note.id}").json()["misses"]
    assert [(m["id"], m["withdrawn_at"] is not None) for m in listed] == [(body["id"], True)]


def test_api_refuses_bad_misses_with_the_field_named(client_as, db, note, make_user):
    from assistant.models import User

    qa = client_as("qa")
    unknown = qa.post(f"/api/notes/{note.id}/misses", json={"category": "abuse.insults"})
    assert unknown.status_code == 422 and "category" in json.dumps(unknown.json())
    outside = qa.post(f"/api/notes/{note.id}/misses",
                      json={"category": "abuse.insult", "start": 2, "end": 500})
    assert outside.status_code == 422
    assert outside.json()["detail"].startswith("end: 500 is past the end of the note")
    assert qa.post("/api/notes/99999/misses", json={"category": "abuse.insult"}
                   ).status_code == 404
    author = client_as(user=db.get(User, note.author_id))
    assert author.post(f"/api/notes/{note.id}/misses",
                       json={"category": "abuse.insult"}).status_code == 403
    assert author.get(f"/api/notes/{note.id}").json()["misses"] == []


def test_openapi_shows_the_misses_api(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/notes/{note_id}/misses" in schema["paths"]
    assert "MissIn" in schema["components"]["schemas"]
    assert "misses" in schema["components"]["schemas"]["NoteResultOut"]["properties"]


def test_labels_download_for_reviewers(client_as, db, note, make_user):
    qa = client_as("qa")
    qa.post(f"/qa/notes/{note.id}/misses", data={"category": "threat.intimidation"})
    found = intake.findings_of(db, note.id)
    if found:  # whatever the checker flagged here, QA judged it a false positive
        review.decide(db, make_user("qa"), [f.id for f in found], "dismissed")
    response = qa.get("/qa/export/labels.jsonl")
    assert response.status_code == 200
    assert 'filename="qa-labels.jsonl"' in response.headers["content-disposition"]
    [line] = [json.loads(x) for x in response.text.splitlines()]
    assert line["id"] == f"qa-{note.id}" and line["labels"] == ["threat.intimidation"]
    assert response.headers["x-exported-notes"] == "1"
    assert qa.get("/qa/export/labels.jsonl?lang=en").text == ""
    bad = qa.get("/qa/export/labels.jsonl?lang=fr")
    assert bad.status_code == 422 and "lang: &#39;fr&#39; is not one of" in bad.text


def test_dashboard_shows_misses_and_recall_per_category(client_as, db, make_user):
    reviewer = make_user("qa")
    flagged, findings = intake.save_note(db, text="再不还就报警抓你", author=make_user("collector"),
                                         rules_dir=RULES_DIR)
    review.decide(db, reviewer, [f.id for f in findings], "confirmed")
    qa = client_as(user=reviewer)
    qa.post(f"/qa/notes/{flagged.id}/misses", data={"category": "threat.arrest"})
    page = qa.get("/qa/dashboard").text
    panel = page[page.index('id="panel-category_review"'):]
    panel = panel[:panel.index("</section>")]
    confirmed = len([f for f in findings if f.category == "threat.arrest"])
    recall = round(100 * confirmed / (confirmed + 1))
    assert re.search(rf"<td>{confirmed}</td><td>0</td><td>0</td><td>1</td><td>100%</td>"
                     rf"<td>{recall}%</td>", panel), panel
    assert "assistant qa export-labels OUT.jsonl" in page
    table = qa.get("/qa/export/dashboard/category_review.csv").content.decode("utf-8-sig")
    assert table.splitlines()[0] == "category,confirmed,dismissed,escalated,missed,precision,recall"


def test_unreviewed_queue_lists_clean_notes_until_someone_reviews_them(client_as, db,
                                                                       make_user):
    clean, _ = intake.save_note(db, text="客户承诺月底还款", author=make_user("collector"),
                                rules_dir=RULES_DIR)
    qa = client_as("qa")
    page = qa.get("/qa?status=unreviewed").text
    assert f'id="note-{clean.id}"' in page and f"/qa/notes/{clean.id}#misses" in page
    qa.post(f"/qa/notes/{clean.id}/nothing-missed")
    assert f'id="note-{clean.id}"' not in qa.get("/qa?status=unreviewed").text
