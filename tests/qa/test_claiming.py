"""The claim that makes batch checking safe: a note is stored once, whoever checks it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from assistant.compliance.checker import get_checker
from assistant.models import utcnow
from assistant.qa import batch, checking
from assistant.qa.models import Note, NoteFinding
from tests.qa.conftest import RULES_DIR


def _add(engine, texts: list[str], *, created_at=None) -> None:
    now = created_at or utcnow()
    with engine.begin() as conn:
        conn.execute(insert(Note), [
            {"text": t, "language": "", "jurisdiction": "cn", "channel": "call",
             "source": "api", "check_status": "pending", "check_error": "", "checked_with": "",
             "times_checked": 0, "finding_count": 0, "created_at": now} for t in texts])


def test_a_note_stored_by_one_run_is_skipped_by_another(engine):
    _add(engine, ["再不还就报警抓你"])
    checker = get_checker(RULES_DIR)
    with engine.connect() as conn:
        notes = checking.load_claimable(conn)
    first = checking.check_notes(engine, checker, notes)
    second = checking.check_notes(engine, checker, notes)  # a slower run with the same batch
    assert (first.checked, first.findings, second.checked, second.skipped) == (1, 1, 0, 1)
    with engine.connect() as conn:
        assert len(conn.execute(select(NoteFinding.id)).all()) == 1
        assert conn.execute(select(Note.times_checked)).scalar_one() == 1


def test_claimable_notes_come_in_id_order_after_a_cursor_and_since_a_time(engine, settings):
    old = utcnow() - timedelta(days=10)
    _add(engine, ["旧备注一", "旧备注二"], created_at=old)
    _add(engine, ["新备注一", "新备注二", "新备注三"])
    with engine.connect() as conn:
        everything = checking.load_claimable(conn)
        page = checking.load_claimable(conn, after_id=everything[1].id, limit=2)
        recent = checking.load_claimable(conn, since=utcnow() - timedelta(days=1))
    assert [n.id for n in everything] == sorted(n.id for n in everything)
    assert [n.text for n in page] == ["新备注一", "新备注二"]
    assert [n.text for n in recent] == ["新备注一", "新备注二", "新备注三"]
    url = settings.resolved_database_url()
    assert batch.count_claimable(url, ["pending"], utcnow() - timedelta(days=1)) == 3


def test_recheck_marks_only_notes_since_the_given_time(engine, settings):
    _add(engine, ["旧备注"], created_at=utcnow() - timedelta(days=10))
    _add(engine, ["新备注"])
    with engine.connect() as conn:
        notes = checking.load_claimable(conn)
    checking.check_notes(engine, get_checker(RULES_DIR), notes)
    changed = batch.mark_for_recheck(settings.resolved_database_url(),
                                     since=utcnow() - timedelta(days=1))
    assert changed == 1
    with engine.connect() as conn:
        assert [n.text for n in checking.load_claimable(conn)] == ["新备注"]

