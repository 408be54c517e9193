"""Batch checking of stored notes on Ray: one actor per CPU, each holding the checker.

The driver pages through claimable notes by id and hands batches to the actors; each actor
checks its batch and writes the findings and statuses in one transaction (see
assistant.qa.checking: a note is claimed only while still pending). A killed run therefore
leaves every note either fully stored or still pending, and the next run picks up exactly
the pending ones: none checked twice, none skipped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update

from assistant.db import make_engine
from assistant.qa import checking
from assistant.qa.models import CheckStatus, Note

DEFAULT_BATCH_SIZE = 500
IN_FLIGHT_PER_WORKER = 2  # one batch computing, one queued: workers never wait for the driver

Progress = Callable[[int, int], None]  # (notes done, notes to do)


@dataclass
class BatchReport:
    to_check: int = 0
    counts: checking.StoredCounts = field(default_factory=checking.StoredCounts)
    workers: int = 0
    seconds: float = 0.0
    startup_seconds: float = 0.0  # Ray and the actors' pipelines, before the first batch
    checker_version: str = ""

    @property
    def notes_per_second(self) -> float:
        done = self.counts.checked + self.counts.failed
        return done / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {"to_check": self.to_check, "checked": self.counts.checked,
                "failed": self.counts.failed, "with_findings": self.counts.with_findings,
                "findings": self.counts.findings, "skipped": self.counts.skipped,
                "workers": self.workers, "seconds": round(self.seconds, 2),
                "startup_seconds": round(self.startup_seconds, 2),
                "notes_per_second": round(self.notes_per_second, 1),
                "checker_version": self.checker_version}


class CheckWorker:
    """A Ray actor body: loads the checker (spaCy pipeline) once, then checks batches."""

    def __init__(self, database_url: str, rules_dir: str):
        from assistant.compliance.checker import get_checker

        self.checker = get_checker(Path(rules_dir))
        self.engine = make_engine(database_url)

    def version(self) -> str:
        return self.checker.version

    def check_and_store(self, notes: list[checking.NoteToCheck],
                        claimable: list[str]) -> checking.StoredCounts:
        return checking.check_notes(self.engine, self.checker, notes, claimable)

    def check_only(self, texts: list[tuple[str, str, str]]) -> int:
        """Check without storing (for the checker-only benchmark figure); returns findings."""
        inputs = ({"text": t, "lang": lang or None, "jurisdiction": j or None}
                  for t, lang, j in texts)
        return sum(len(found) for found in self.checker.check_many(inputs))


def ensure_ray(address: str | None = None, num_cpus: int | None = None) -> int:
    """Connect to Ray (a cluster at ADDRESS, else a local one); the number of CPUs it has."""
    import ray

    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            # address="local": always our own Ray, never a cluster that happens to be running.
            ray.init(address="local", num_cpus=num_cpus or os.cpu_count() or 1,
                     include_dashboard=False, log_to_driver=False, configure_logging=False)
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def start_workers(database_url: str, rules_dir: Path, count: int) -> list:
    import ray

    actor_class = ray.remote(num_cpus=1)(CheckWorker)
    workers = [actor_class.remote(database_url, str(rules_dir)) for _ in range(count)]
    ray.get([w.version.remote() for w in workers])  # fail fast if the rules do not load
    return workers


def mark_for_recheck(database_url: str, since: datetime | None = None) -> int:
    """Make checked/failed notes claimable again (for --all); returns how many."""
    engine = make_engine(database_url)
    statement = update(Note).where(Note.check_status != CheckStatus.pending.value) \
        .values(check_status=CheckStatus.pending.value)
    if since is not None:
        statement = statement.where(Note.created_at >= since)
    with engine.begin() as conn:
        changed = conn.execute(statement).rowcount
    engine.dispose()
    return changed


def count_claimable(database_url: str, statuses: list[str], since: datetime | None) -> int:
    engine = make_engine(database_url)
    query = select(func.count()).select_from(Note).where(Note.check_status.in_(statuses))
    if since is not None:
        query = query.where(Note.created_at >= since)
    with engine.connect() as conn:
        total = conn.execute(query).scalar_one()
    engine.dispose()
    return total


def run(database_url: str, rules_dir: Path, *, since: datetime | None = None,
        recheck_all: bool = False, retry_failed: bool = False, ray_address: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE, num_workers: int | None = None,
        progress: Progress | None = None) -> BatchReport:
    """Check every claimable note on Ray and store the findings; resumable at any point."""
    import ray

    started = time.perf_counter()
    if recheck_all:
        mark_for_recheck(database_url, since)
    statuses = [CheckStatus.pending.value] + ([CheckStatus.failed.value] if retry_failed else [])
    report = BatchReport(to_check=count_claimable(database_url, statuses, since))
    if progress:
        progress(0, report.to_check)
    if report.to_check == 0:
        report.seconds = time.perf_counter() - started
        return report
    cpus = ensure_ray(ray_address)
    report.workers = max(1, min(num_workers or cpus, cpus))
    workers = start_workers(database_url, rules_dir, report.workers)
    report.checker_version = ray.get(workers[0].version.remote())
    report.startup_seconds = time.perf_counter() - started
    engine = make_engine(database_url)
    try:
        _dispatch(engine, workers, statuses, since, batch_size, report, progress)
    finally:
        engine.dispose()
        for worker in workers:
            ray.kill(worker)
    report.seconds = time.perf_counter() - started
    return report


def _dispatch(engine, workers: list, statuses: list[str], since: datetime | None,
              batch_size: int, report: BatchReport, progress: Progress | None) -> None:
    """Keep every worker busy with batches read by id; collect counts as they finish."""
    import ray

    after_id, exhausted = 0, False
    in_flight: dict = {}
    free = [w for w in workers for _ in range(IN_FLIGHT_PER_WORKER)]
    done = 0
    while in_flight or not exhausted:
        while free and not exhausted:
            with engine.connect() as conn:
                notes = checking.load_claimable(conn, after_id=after_id, limit=batch_size,
                                                statuses=statuses, since=since)
            if not notes:
                exhausted = True
                break
            after_id = notes[-1].id
            worker = free.pop()
            in_flight[worker.check_and_store.remote(notes, statuses)] = (worker, len(notes))
        if not in_flight:
            break
        ready, _ = ray.wait(list(in_flight), num_returns=1)
        for ref in ready:
            worker, size = in_flight.pop(ref)
            report.counts.add(ray.get(ref))
            free.append(worker)
            done += size
            if progress:
                progress(done, report.to_check)
