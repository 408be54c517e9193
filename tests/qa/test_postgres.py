"""The PostgreSQL paths: COPY for imported notes and findings, the dashboard's SQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from assistant import users
from assistant.compliance.checker import get_checker
from assistant.db import make_engine, upgrade
from assistant.models import User
from assistant.qa import dashboard, importer, intake, queue, review
from assistant.qa.mapping import Mapping
from assistant.qa.models import Note, NoteFinding
from tests.conftest import postgres_schema_url, skip_without_postgres
from tests.qa.conftest import RULES_DIR

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine():
    skip_without_postgres()
    with postgres_schema_url() as url:
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_import_check_review_and_dashboard_on_postgresql(pg_engine, tmp_path):
    with Session(pg_engine) as db:
        users.create_user(db, "zhou", "test-pass-123", "collector", team="北区")
        reviewer = users.create_user(db, "qa1", "test-pass-123", "qa")
        db.commit()
        reviewer_id = reviewer.id
        data = ("编号,备注,坐席\n1,再不还就报警抓你,zhou\n2,客户承诺月底还款,zhou\n"
                "3,,zhou\n4,\"带\t制表符和\\反斜杠\n的两行备注\",zhou\n").encode("gbk")
        batch = importer.store_upload(db, tmp_path, "pg.csv", data, actor=reviewer,
                                      max_bytes=1 << 20)
    done = importer.import_file(pg_engine, tmp_path, batch.id,
                                mapping=Mapping({"text": "备注", "external_id": "编号",
                                                 "collector": "坐席"}),
                                checker_factory=lambda: get_checker(RULES_DIR))
    assert (done.imported_count, done.notes_with_findings, done.status) == (3, 1, "done")
    assert done.failed_rows == [{"row": 4, "reason": "empty text"}]
    with Session(pg_engine) as db:
        texts = db.exec(select(Note.text).order_by(Note.row_number)).all()
        assert texts[2] == "带\t制表符和\\反斜杠\n的两行备注"  # COPY escaping round-trips
        finding = db.exec(select(NoteFinding)).one()
        assert finding.text == "再不还就报警" and finding.current
        reviewer = db.get(User, reviewer_id)
        review.decide(db, reviewer, [finding.id], "dismissed")
        board = dashboard.build(db, timezone="Asia/Shanghai")
        assert board.tables["precision"].rows[0][1:] == [0, 1, 0, 0.0]
        assert board.tables["by_team"].rows == [["北区", 1]]
        assert len(board.tables["over_time"].rows) == 1
        rows, total = queue.page(db, reviewer,
                                 queue.QueueFilters(status="all"), "Asia/Shanghai")
        assert total == 3 and rows[0].findings  # the flagged note first


def test_api_intake_is_idempotent_on_postgresql(pg_engine):
    with Session(pg_engine) as db:
        sender = users.create_user(db, "li", "test-pass-123", "collector")
        db.commit()
        item = intake.NoteInput(text="让你坐牢", external_id="crm-1")
        first = intake.save_api_notes(db, sender, [item, item], rules_dir=RULES_DIR)
        second = intake.save_api_notes(db, sender, [item], rules_dir=RULES_DIR)
        assert [r.created for r in first] == [True, False] and not second[0].created
        assert len(db.exec(select(Note)).all()) == 1


def test_misses_review_state_export_and_recall_on_postgresql(pg_engine):
    import io
    import json

    from assistant.qa import label_export, misses

    with Session(pg_engine) as db:
        author = users.create_user(db, "qian", "test-pass-123", "collector")
        reviewer = users.create_user(db, "qa2", "test-pass-123", "qa")
        db.commit()
        flagged, found = intake.save_note(db, text="再不还就报警抓你", author=author,
                                          rules_dir=RULES_DIR)
        clean, _ = intake.save_note(db, text="客户承诺月底还款，未向家人透露欠款",
                                    author=author, rules_dir=RULES_DIR)
        review.decide(db, reviewer, [f.id for f in found], "confirmed")
        misses.add_miss(db, reviewer, flagged, category="disclosure.missing")
        withdrawn = misses.add_miss(db, reviewer, clean, category="privacy.third_party_disclosure",
                                    quote="向家人透露欠款")
        misses.withdraw_miss(db, reviewer, clean, withdrawn.id)
        assert not misses.review_state(db, clean).reviewed
        out = io.StringIO()
        report = label_export.write_labels(db, out)
        [line] = [json.loads(x) for x in out.getvalue().splitlines()]
        assert line["labels"] == sorted({"disclosure.missing", *(f.category for f in found)})
        assert report.skipped == {label_export.NOT_REVIEWED: 1}
        rows = {r[0]: r for r in dashboard.build(db).tables["category_review"].rows}
        assert rows["disclosure.missing"][1:] == [0, 0, 0, 1, None, 0.0]
        assert "privacy.third_party_disclosure" not in rows  # withdrawn misses do not count
        reviewer = db.get(User, reviewer.id)
        for status, expected in (("unreviewed", [clean.id]), ("reviewed", [flagged.id])):
            found_rows, _total = queue.page(db, reviewer, queue.QueueFilters(status=status),
                                            "Asia/Shanghai")
            assert [r.note.id for r in found_rows] == expected, status
