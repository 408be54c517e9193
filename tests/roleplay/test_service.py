"""Role-play runs stored in the database: turns are kept, the score is stored with the run,
and the same run works on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from assistant import users
from assistant.db import make_engine, upgrade
from assistant.errors import InvalidInput, NotFound, PermissionDenied
from assistant.models import AuditEvent
from assistant.roleplay.models import RoleplayTurn
from tests.conftest import PASSWORD, postgres_schema_url, skip_without_postgres

LINES = ["Hello, this is Sam from Northgate Bank. Am I speaking with Daniel Ortiz?",
         "I'm so sorry to hear you lost your job.",
         "Can you tell me what you could manage each month?",
         "We could pause payments for two months while you look for work.",
         "Thank you for your time, goodbye."]


def _play(db: Session, roleplay) -> tuple:
    trainer = users.create_user(db, "rp_trainer", PASSWORD, "trainer")
    trainee = users.create_user(db, "rp_trainee", PASSWORD, "collector")
    db.commit()
    session = roleplay.create_session(db, trainer, title="Job loss", persona_id="job_loss",
                                      language="en", trainee_ids=[trainee.id], seed=9)
    run = roleplay.start_run(db, trainee, session.id)
    for line in LINES:
        outcome = roleplay.take_turn(db, trainee, run.id, line)
    return trainer, trainee, outcome.run


def _assert_stored(db: Session, roleplay, trainer, trainee, run) -> None:
    assert run.status == "finished" and run.end_state == "agreed"
    assert run.score == run.result["score"] and run.score >= 60
    turns = roleplay.turns(db, run)
    assert [t.speaker for t in turns] == ["borrower"] + ["trainee", "borrower"] * len(LINES)
    assert "offer:deferral" in turns[7].acts  # the payment break is remembered for re-scoring
    assert roleplay.score_run(db, run).score == run.score
    assert roleplay.get_run(db, run.id, trainer).id == run.id
    actions = {e.action for e in db.exec(select(AuditEvent))}
    assert {"roleplay.session_create", "roleplay.run_start", "roleplay.run_finish"} <= actions


def test_a_run_is_stored_and_scored(db, roleplay):
    trainer, trainee, run = _play(db, roleplay)
    _assert_stored(db, roleplay, trainer, trainee, run)
    with pytest.raises(InvalidInput, match="has ended"):
        roleplay.take_turn(db, trainee, run.id, "Hello?")


@pytest.mark.postgres
def test_a_run_is_stored_and_scored_on_postgresql(roleplay):
    skip_without_postgres()
    with postgres_schema_url() as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as db:
                trainer, trainee, run = _play(db, roleplay)
                _assert_stored(db, roleplay, trainer, trainee, run)
        finally:
            engine.dispose()


def test_only_the_trainee_speaks_and_others_cannot_see_the_run(db, roleplay):
    trainer, trainee, run = _play(db, roleplay)
    other = users.create_user(db, "rp_other", PASSWORD, "collector")
    db.commit()
    with pytest.raises(NotFound):
        roleplay.get_run(db, run.id, other)
    with pytest.raises(PermissionDenied):
        roleplay.take_turn(db, trainer, run.id, "Hello")


def test_a_turn_is_stored_before_it_is_read(db, tmp_path):
    # A rule folder that does not exist makes the real checker fail when the turn is read.
    from assistant.roleplay.service import Roleplay
    from tests.roleplay.conftest import SCRIPTS_DIR

    roleplay = Roleplay(SCRIPTS_DIR, tmp_path / "no-rules-here")
    trainer = users.create_user(db, "t1", PASSWORD, "trainer")
    trainee = users.create_user(db, "c1", PASSWORD, "collector")
    db.commit()
    session = roleplay.create_session(db, trainer, title="x", persona_id="angry", language="zh",
                                      trainee_ids=[trainee.id])
    run = roleplay.start_run(db, trainee, session.id)
    with pytest.raises(Exception) as failure:
        roleplay.take_turn(db, trainee, run.id, "您好，我是华信银行的李敏。")
    assert "no-rules-here" in str(failure.value)
    db.rollback()
    kept = db.exec(select(RoleplayTurn).where(RoleplayTurn.run_id == run.id,
                                              RoleplayTurn.speaker == "trainee")).all()
    assert [t.text for t in kept] == ["您好，我是华信银行的李敏。"]


def test_a_flow_in_another_language_is_refused(db, roleplay):
    trainer = users.create_user(db, "t2", PASSWORD, "trainer")
    trainee = users.create_user(db, "c2", PASSWORD, "collector")
    db.commit()
    with pytest.raises(InvalidInput, match="flow_id"):
        roleplay.create_session(db, trainer, title="x", persona_id="angry", language="en",
                                flow_id="phone_cn", trainee_ids=[trainee.id])
