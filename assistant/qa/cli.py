"""`assistant qa ...`: import note files, batch-check stored notes, export reviewed notes as
labelled evaluation data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.config import get_settings
from assistant.db import make_engine
from assistant.errors import InvalidInput
from assistant.qa import batch as batch_check
from assistant.qa import importer, intake
from assistant.qa.encodings import ENCODING_CHOICES
from assistant.qa.mapping import FIELDS, Mapping
from assistant.qa.models import ImportBatch
from assistant.qa.tabular import FORMATS

qa_app = typer.Typer(help="QA: import collectors' notes, check them in batches, export "
                     "reviewed notes as labelled data.",
                     no_args_is_help=True)
console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.add_typer(qa_app, name="qa")


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


@qa_app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV, XLSX or JSONL file of notes"),
    format: str = typer.Option("", "--format", help=f"one of {', '.join(FORMATS)}; "
                               "default: from the file name"),
    encoding: str = typer.Option("auto", "--encoding",
                                 help=f"one of {', '.join(ENCODING_CHOICES)}"),
    map_: str = typer.Option("", "--map", help=f"field=COLUMN,... for fields {', '.join(FIELDS)}"
                             "; default: guessed from the header"),
    jurisdiction: str = typer.Option("", help="for rows that give none: cn, us or uk"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON only"),
) -> None:
    """Store every good row of FILE as a note, then check them.

    Prints {"imported": N, "failed_rows": [{"row", "reason"}...], "notes_with_findings": K}
    with --json. Exit code 1 when some rows could not be imported (the others are stored).
    """
    settings = get_settings()
    if format and format not in FORMATS:
        raise InvalidInput(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    mapping = Mapping.parse(map_) if map_ else None
    engine = make_engine(settings.resolved_database_url())
    from sqlmodel import Session

    with Session(engine) as db:
        batch = importer.store_upload(db, settings.var_dir, file.name, file.read_bytes(),
                                      fmt=format or None, actor=None,
                                      max_bytes=settings.max_upload_bytes)
    defaults = {"jurisdiction": jurisdiction} if jurisdiction else {}

    def run(progress_callback) -> ImportBatch:
        return importer.import_file(
            engine, settings.var_dir, batch.id, mapping=mapping, encoding=encoding,
            defaults=defaults, timezone=settings.timezone, progress=progress_callback,
            checker_factory=lambda: intake.load_checker(settings.rules_dir))

    if as_json:
        result = run(None)
    else:
        with _progress() as bar:
            stored = bar.add_task("storing rows", total=None)
            checked = bar.add_task("checking notes", total=None, visible=False)

            def show(current: ImportBatch) -> None:
                bar.update(stored, completed=current.processed_rows,
                           total=current.processed_rows)
                if current.status == "checking":
                    bar.update(checked, visible=True, completed=current.checked_count,
                               total=current.imported_count)

            result = run(show)
    report = importer.report(result)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print_import_summary(report)
    if result.failed_count:
        raise typer.Exit(1)


def _print_import_summary(report: dict) -> None:
    console.print(f"[green]imported {report['imported']} notes[/green] "
                  f"(batch {report['batch_id']}, encoding {report['encoding'] or 'n/a'}); "
                  f"{report['notes_with_findings']} with findings")
    if report["failed_rows"]:
        console.print(f"[red]{report['failed_count']} rows not imported:[/red]")
        for failure in report["failed_rows"][:50]:
            console.print(f"  row {failure['row']}: {failure['reason']}")
        if report["failed_count"] > 50:
            console.print(f"  ... and {report['failed_count'] - 50} more (see --json)")


@qa_app.command("check")
def check_command(
    since: datetime | None = typer.Option(None, help="only notes stored since this date/time"),
    all_: bool = typer.Option(False, "--all", help="re-check notes already checked"),
    retry_failed: bool = typer.Option(False, "--retry-failed",
                                      help="also retry notes whose check failed"),
    ray_address: str = typer.Option("", help="a Ray cluster address; default: local Ray"),
    batch_size: int = typer.Option(batch_check.DEFAULT_BATCH_SIZE, min=1, max=100_000),
    workers: int = typer.Option(0, help="actors to start; default one per CPU"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON only"),
) -> None:
    """Check pending notes on Ray and store their findings.

    Safe to interrupt: run `assistant qa check` again and it checks exactly the notes not
    yet stored (also after --all, which first marks the notes as pending).
    """
    settings = get_settings()
    if since is not None and since.tzinfo is None:
        from zoneinfo import ZoneInfo

        since = since.replace(tzinfo=ZoneInfo(settings.timezone))
    kwargs = dict(since=since, recheck_all=all_, retry_failed=retry_failed,
                  ray_address=ray_address or settings.ray_address or None,
                  batch_size=batch_size, num_workers=workers or None)
    url = settings.resolved_database_url()
    if as_json:
        report = batch_check.run(url, settings.rules_dir, **kwargs)
        typer.echo(json.dumps(report.to_dict()))
        return
    with _progress() as bar:
        task = bar.add_task("checking notes", total=None)
        report = batch_check.run(url, settings.rules_dir,
                                 progress=lambda done, total: bar.update(task, completed=done,
                                                                         total=total),
                                 **kwargs)
    data = report.to_dict()
    console.print(f"[green]checked {data['checked']}[/green], failed {data['failed']}, "
                  f"with findings {data['with_findings']} in {data['seconds']} s "
                  f"({data['notes_per_second']} notes/s on {data['workers']} workers)")


@qa_app.command("export-labels")
def export_labels_command(
    out: Path = typer.Argument(..., dir_okay=False, writable=True,
                               help="the JSONL file to write (`assistant eval` reads it)"),
    since: datetime | None = typer.Option(
        None, help="only notes whose review last changed on or after this date/time "
                   "(in the configured time zone)"),
    lang: str | None = typer.Option(None, "--lang", help="only notes in this language: zh or en"),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction",
                                            help="only notes checked under cn, us or uk"),
) -> None:
    """Write one line per reviewed note: {"id", "lang", "text", "labels", "jurisdiction",
    "checker_version", "reviewed_at"}; labels are QA's judgement (confirmed or escalated
    findings and recorded misses). Notes left out are counted with the reason.
    """
    from sqlmodel import Session

    from assistant.qa import label_export

    settings = get_settings()
    if since is not None and since.tzinfo is None:
        from zoneinfo import ZoneInfo

        since = since.replace(tzinfo=ZoneInfo(settings.timezone))
    filters = label_export.ExportFilters(since=since, lang=lang, jurisdiction=jurisdiction)
    if not out.parent.is_dir():
        raise InvalidInput(f"{out}: the folder {out.parent} does not exist")
    engine = make_engine(settings.resolved_database_url())
    partial = out.with_name(out.name + ".partial")  # a stopped run leaves no half file at OUT
    try:
        with Session(engine) as db, partial.open("w", encoding="utf-8") as handle, \
                _progress() as bar:
            task = bar.add_task("exporting reviewed notes", total=None)
            report = label_export.write_labels(
                db, handle, filters,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    console.print(f"[green]{report.summary()}[/green] -> {out}")
