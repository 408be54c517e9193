"""Batch checking on Ray: every pending note checked exactly once, even across a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, insert, select

from assistant.compliance.checker import get_checker
from assistant.models import utcnow
from assistant.qa import batch
from assistant.qa.models import Note, NoteFinding
from tests.qa.conftest import RULES_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray():
    """One small local Ray for the module: starting Ray costs seconds."""
    import ray

    ray.init(address="local", num_cpus=1, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield
    ray.shutdown()


def _texts(count: int) -> list[str]:
    return [f"第{i}条：再不还就报警抓你" if i % 3 == 0 else f"第{i}条：客户承诺月底还款，已核实身份"
            for i in range(count)]


def _add_pending(engine, texts: list[str]) -> None:
    now = utcnow()
    rows = [{"text": t, "language": "", "jurisdiction": "cn", "channel": "call",
             "source": "api", "check_status": "pending", "check_error": "", "checked_with": "",
             "times_checked": 0, "finding_count": 0, "created_at": now} for t in texts]
    with engine.begin() as conn:
        conn.execute(insert(Note), rows)


def _status_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Note.check_status, func.count())
                                 .group_by(Note.check_status)).all())


def _assert_each_note_checked_once_with_the_right_findings(engine) -> None:
    checker = get_checker(RULES_DIR)
    with engine.connect() as conn:
        notes = conn.execute(select(Note.id, Note.text, Note.check_status, Note.times_checked,
                                    Note.finding_count)).all()
        stored = dict(conn.execute(select(NoteFinding.note_id, func.count())
                                   .group_by(NoteFinding.note_id)).all())
    for note in notes:
        expected = len(checker.check(note.text, jurisdiction="cn"))
        assert (note.check_status, note.times_checked) == ("checked", 1), note
        assert note.finding_count == expected == stored.get(note.id, 0), note


def test_run_checks_all_pending_notes_and_a_second_run_finds_nothing(engine, settings,
                                                                     local_ray):
    _add_pending(engine, _texts(60))
    url = settings.resolved_database_url()
    seen: list[tuple[int, int]] = []
    report = batch.run(url, RULES_DIR, batch_size=7, progress=lambda d, t: seen.append((d, t)))
    assert (report.to_check, report.counts.checked, report.counts.with_findings) == (60, 60, 20)
    assert seen[0] == (0, 60) and seen[-1] == (60, 60)
    _assert_each_note_checked_once_with_the_right_findings(engine)
    assert batch.run(url, RULES_DIR).to_check == 0


def test_killed_run_resumes_without_checking_any_note_twice(engine, settings, tmp_path,
                                                            local_ray):
    total = 3000
    _add_pending(engine, _texts(total))
    env = {**os.environ, "ASSISTANT_DATABASE_URL": settings.resolved_database_url(),
           "ASSISTANT_VAR_DIR": str(settings.var_dir), "ASSISTANT_RAY_ADDRESS": ""}
    command = [sys.executable, "-m", "assistant.cli", "qa", "check", "--batch-size", "5",
               "--workers", "1", "--json"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _status_counts(engine).get("checked", 0) < 200:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the batch run never got going"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the run and every Ray process it started
        process.wait(timeout=30)
    interrupted = _settled_counts(engine)
    assert 0 < interrupted.get("checked", 0) < total, interrupted
    assert interrupted.get("pending", 0) == total - interrupted["checked"]

    report = batch.run(settings.resolved_database_url(), RULES_DIR, batch_size=250)
    assert report.to_check == total - interrupted["checked"]
    assert report.counts.checked == report.to_check and report.counts.skipped == 0
    assert _status_counts(engine) == {"checked": total}
    _assert_each_note_checked_once_with_the_right_findings(engine)


def _settled_counts(engine) -> dict:
    """Status counts once a killed run's last Ray worker has stopped writing (the kill reaches
    the worker a moment after the driver; a batch it was storing may still land)."""
    counts = _status_counts(engine)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(1.0)
        again = _status_counts(engine)
        if again == counts:
            return counts
        counts = again
    return counts


def test_recheck_all_rechecks_every_note_once_more(engine, settings, local_ray):
    _add_pending(engine, _texts(12))
    url = settings.resolved_database_url()
    batch.run(url, RULES_DIR)
    report = batch.run(url, RULES_DIR, recheck_all=True)
    assert report.counts.checked == 12
    with engine.connect() as conn:
        assert set(conn.execute(select(Note.times_checked)).scalars()) == {2}
        assert conn.execute(select(func.count()).select_from(NoteFinding)).scalar_one() == 4


@pytest.mark.postgres
def test_batch_run_on_postgresql(local_ray):
    from assistant.db import make_engine, upgrade
    from tests.conftest import postgres_schema_url, skip_without_postgres

    skip_without_postgres()
    with postgres_schema_url() as url:
        upgrade(url)
        engine = make_engine(url)
        _add_pending(engine, _texts(45))
        report = batch.run(url, RULES_DIR, batch_size=10)
        assert (report.counts.checked, report.counts.with_findings) == (45, 15)
        _assert_each_note_checked_once_with_the_right_findings(engine)
        engine.dispose()
