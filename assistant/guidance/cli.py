"""`assistant scripts ...`: lint the script library and publish its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from assistant.config import get_settings

scripts_app = typer.Typer(help="The script library: lint, schema.", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(scripts_app, name="scripts")


@scripts_app.command("lint")
def lint(scripts_dir: Path = typer.Option(None, help="Library folder (default: settings)"),
         rules_dir: Path = typer.Option(None, help="Rule packs (default: settings)")) -> None:
    """Check schema, translations, flow graphs, template variables and compliance findings."""
    from assistant.content.library import read_library
    from assistant.content.lint import lint_library

    settings = get_settings()
    scripts_dir = scripts_dir or settings.scripts_dir
    rules_dir = rules_dir or settings.rules_dir
    library, _ = read_library(scripts_dir)
    with Progress(TextColumn("checking snippets"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as progress:
        total = sum(len(s.jurisdictions) for s in library.snippets.values()) * 2
        task = progress.add_task("check", total=total)
        report = lint_library(scripts_dir, rules_dir,
                              progress=lambda done: progress.update(task, completed=done))
    table = Table(title=f"Script library {scripts_dir.name}")
    for column in ("language", "flows", "steps", "snippets used"):
        table.add_column(column)
    for lang, counts in report.counts.items():
        table.add_row(lang, str(counts.flows), str(counts.steps), str(counts.snippets))
    console.print(table)
    console.print(f"{report.snippets_total} snippets in total; {report.checked_texts} rendered "
                  f"texts checked (rules {report.checker_version or 'n/a'})")
    for problem in report.problems:
        console.print(f"[red]{problem}[/red]", highlight=False, soft_wrap=True)
    if not report.clean:
        console.print(f"[red]{len(report.problems)} problems[/red]")
        raise typer.Exit(1)
    console.print("[green]library is clean[/green]")


@scripts_app.command("schema")
def schema(out_dir: Path = typer.Option(None, help="Where to write (default: <library>/schema)")
           ) -> None:
    """Write the JSON Schemas of snippet files, flows and plan policies."""
    from assistant.content.schema import Flow, PlanPolicy, SnippetFile

    out_dir = out_dir or get_settings().scripts_dir / "schema"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, model in (("snippets", SnippetFile), ("flow", Flow), ("policy", PlanPolicy)):
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
        console.print(f"wrote {path}")
