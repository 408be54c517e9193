"""QA batch throughput on PostgreSQL: import + check + store, next to the checker alone.

    python bench/qa_batch.py                  # 1,000,000 notes
    python bench/qa_batch.py --notes 50000

The notes come from the checker benchmark's seeded generator (bench/checker.py), half
Chinese and half English, written to a UTF-8 CSV under var/bench/. Then, timed:
  1. import: the real importer reads the CSV and COPYs every row into `note` (pending);
  2. check: `assistant qa check`'s Ray run (one actor per core) checks every note and
     stores findings and statuses in batches;
and, in the same run on the same Ray actors' cores, the checker alone over a sample of the
same notes, without any database. End-to-end notes/s (import + check + store) is reported
beside the checker-only notes/s; the target is a ratio of at least 0.7.

The database is `qa_bench` on the local server (or ASSISTANT_BENCH_DATABASE_URL); it is
dropped and created afresh on every run, so other databases are never touched.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from assistant.config import get_settings  # noqa: E402
from assistant.db import make_engine, upgrade  # noqa: E402
from assistant.qa import batch, importer  # noqa: E402
from assistant.qa.mapping import Mapping  # noqa: E402
from assistant.qa.models import Note, NoteFinding  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/qa_bench"
TARGET_RATIO = 0.7
CHECKER_SAMPLE = 200_000
BATCH_SIZE = 2000


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database (only the one named in URL)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    upgrade(url)


def write_notes_csv(path: Path, count: int) -> list[tuple[str, str]]:
    """Generated notes (text, lang) written as a CSV export would be."""
    from checker import generate_notes  # bench/checker.py: the same notes as its benchmark

    half = count // 2
    notes = ([(t, "zh") for t in generate_notes("zh", count - half)]
             + [(t, "en") for t in generate_notes("en", half)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["note_id", "text", "language", "jurisdiction", "channel"])
        for i, (note_text, lang) in enumerate(notes):
            writer.writerow([f"B{i}", note_text, lang, "cn" if lang == "zh" else "us", "call"])
    return notes


def checker_only(url: str, notes: Sequence[tuple[str, str]], workers: int) -> float:
    """Notes/s of the checker alone on the same number of Ray actors (pipelines loaded first)."""
    import ray

    actors = batch.start_workers(url, get_settings().rules_dir, workers)
    items = [(t, lang, "cn" if lang == "zh" else "us") for t, lang in notes]
    chunks = [items[i:i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
    started = time.perf_counter()
    pending = [actors[i % len(actors)].check_only.remote(chunk) for i, chunk in enumerate(chunks)]
    ray.get(pending)
    seconds = time.perf_counter() - started
    for actor in actors:
        ray.kill(actor)
    return len(items) / seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)
    url = os.environ.get("ASSISTANT_BENCH_DATABASE_URL", DEFAULT_URL)
    var_dir = ROOT / "var" / "bench"

    print(f"generating {args.notes:,} notes ...", flush=True)
    csv_path = var_dir / f"qa_notes_{args.notes}.csv"
    notes = write_notes_csv(csv_path, args.notes)
    fresh_database(url)
    engine = make_engine(url)
    batch.ensure_ray(num_cpus=args.workers)

    started = time.perf_counter()
    with Session(engine) as db:
        upload = importer.store_upload(db, var_dir, csv_path.name, csv_path.read_bytes(),
                                       actor=None, max_bytes=1 << 40)
    stored = importer.store_rows(engine, var_dir, upload.id, encoding="utf-8", mapping=Mapping({
        "text": "text", "external_id": "note_id", "language": "language",
        "jurisdiction": "jurisdiction", "channel": "channel"}))
    imported_at = time.perf_counter()
    report = batch.run(url, get_settings().rules_dir, batch_size=args.batch_size,
                       num_workers=args.workers)
    finished = time.perf_counter()

    with engine.connect() as conn:
        checked = conn.execute(select(func.count()).select_from(Note)
                               .where(Note.check_status == "checked")).scalar_one()
        findings = conn.execute(select(func.count()).select_from(NoteFinding)).scalar_one()
    import_s, check_s, total_s = imported_at - started, finished - imported_at, finished - started
    end_to_end = checked / total_s
    # Evenly spaced, so the sample has the same zh/en mix as the run (the two languages'
    # pipelines differ several-fold in speed; a head-of-list sample would be all Chinese).
    sample = notes[:: max(1, len(notes) // CHECKER_SAMPLE)][:CHECKER_SAMPLE]
    alone = checker_only(url, sample, report.workers)
    ratio = end_to_end / alone

    print(f"notes imported     {stored.imported_count:>12,}  in {import_s:8.1f} s "
          f"({stored.imported_count / import_s:,.0f} rows/s)")
    print(f"notes checked      {checked:>12,}  in {check_s:8.1f} s "
          f"({checked / check_s:,.0f} notes/s, {report.workers} Ray workers; "
          f"{report.startup_seconds:.1f} s of it starting the workers)")
    print(f"findings stored    {findings:>12,}  notes with findings "
          f"{report.counts.with_findings:,}")
    print(f"end-to-end         {end_to_end:>12,.0f}  notes/s (import + check + store, "
          f"{total_s:.1f} s)")
    print(f"checker only       {alone:>12,.0f}  notes/s ({len(sample):,} notes, same workers)")
    verdict = "OK" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"ratio              {ratio:>12.2f}  (target >= {TARGET_RATIO}) {verdict}")
    engine.dispose()
    return 0 if checked == args.notes and stored.failed_count == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
