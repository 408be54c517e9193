"""Checker commands: `assistant check`, `assistant eval`, `assistant eval-external`,
`assistant rules lint|test|schema`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from assistant.compliance import external_eval as external
from assistant.compliance.checker import Checker, get_checker
from assistant.compliance.contact_recognizers import terms_problems
from assistant.compliance.evaluation import Report, evaluate, read_labelled
from assistant.compliance.findings import Finding
from assistant.compliance.language import JURISDICTIONS, LANGUAGES, resolve
from assistant.compliance.loader import load_rule_set
from assistant.compliance.recognizer_types import RecognizerTerms
from assistant.compliance.rules import CueFile, PackManifest, RuleFile
from assistant.compliance.selftest import example_failures
from assistant.compliance.spec import reference_problems, token_pattern_problems
from assistant.config import get_settings
from assistant.errors import InvalidInput

rules_app = typer.Typer(help="Lint, test and publish the schema of the rule packs.",
                        no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
CHECK_CHUNK = 512
SEVERITY_STYLE = {"critical": "bold white on red", "high": "black on dark_orange",
                  "medium": "black on yellow", "info": "black on cyan"}
RulesDir = typer.Option(None, "--rules-dir", help="Rule packs folder (default: settings)")


def _rules_dir(value: Path | None) -> Path:
    return value or get_settings().rules_dir


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
    app.command("check")(check_command)
    app.command("eval")(eval_command)
    app.command("eval-external")(eval_external_command)


# -- assistant check ------------------------------------------------------------------------
def check_command(
    input_path: str = typer.Argument(None, metavar="INPUT.jsonl",
                                     help="JSONL notes {id, text, lang?, jurisdiction?}; - for stdin"),
    text: str = typer.Option(None, "--text", help="Check one note and show it highlighted"),
    lang: str = typer.Option(None, help="zh or en (default: detected)"),
    jurisdiction: str = typer.Option(None, help="cn, us or uk (default: cn for zh, us for en)"),
    rules_dir: Path = RulesDir,
) -> None:
    """Check notes: one JSON line of findings per input line, or one note shown with --text."""
    checker = get_checker(_rules_dir(rules_dir))
    if text is not None:
        _show_one(checker, text, lang, jurisdiction)
        return
    if input_path is None:
        raise InvalidInput("give INPUT.jsonl, - for stdin, or --text")
    if input_path == "-":
        failed = check_stream(checker, sys.stdin.buffer, sys.stdout)
    else:
        path = Path(input_path)
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        with path.open("rb") as handle:
            failed = check_stream(checker, handle, sys.stdout)
    if failed:
        err_console.print(f"[red]{failed} line(s) could not be checked[/red]")
        raise typer.Exit(1)


def parse_note(line: str) -> dict[str, Any]:
    """One input line as {id, text, lang, jurisdiction}; InvalidInput says what is wrong."""
    if not line.strip():
        raise InvalidInput("blank line")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise InvalidInput("expected a JSON object")
    text = data.get("text")
    if not isinstance(text, str):
        raise InvalidInput("field 'text' is missing or not a string")
    for key in ("lang", "jurisdiction"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise InvalidInput(f"field {key!r} must be a string")
    for key in ("id", "text", "lang", "jurisdiction"):
        _require_unicode(data.get(key), key)
    lang, jurisdiction = resolve(text, data.get("lang"), data.get("jurisdiction"))
    return {"id": data.get("id"), "text": text, "lang": lang, "jurisdiction": jurisdiction}


def _require_unicode(value: Any, key: str) -> None:
    """JSON may spell a lone surrogate (`\\ud800`); such text cannot be checked or written."""
    if not isinstance(value, str):
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"field {key!r} is not valid Unicode (unpaired surrogate at "
                           f"character {exc.start + 1})") from exc


def check_stream(checker: Checker, lines: Iterable[bytes | str], out: IO[str]) -> int:
    """Write one result line per input line, in order; returns how many lines failed."""
    failed = 0
    for chunk in _chunks(lines):
        parsed: list[tuple[int, dict[str, Any] | str]] = []
        for number, line in chunk:
            try:
                parsed.append((number, parse_note(_decoded(line, number))))
            except InvalidInput as exc:
                parsed.append((number, str(exc)))
        notes = [item for _, item in parsed if isinstance(item, dict)]
        results = iter(checker.check_many(notes))
        for number, item in parsed:
            if isinstance(item, str):
                failed += 1
                record: dict[str, Any] = {"line": number, "error": item}
            else:
                record = {"id": item["id"],
                          "findings": [f.to_dict() for f in next(results)]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return failed


def _decoded(line: bytes | str, number: int) -> str:
    """A line as text; a line that is not UTF-8 is an error for that line, not a guess."""
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"not UTF-8 (byte {exc.start + 1}: {exc.reason}); "
                           "convert the file to UTF-8") from exc


def _chunks(lines: Iterable[bytes | str]) -> Iterator[list[tuple[int, bytes | str]]]:
    chunk: list[tuple[int, bytes | str]] = []
    for number, line in enumerate(lines, start=1):
        chunk.append((number, line.rstrip(b"\r\n" if isinstance(line, bytes) else "\r\n")))
        if len(chunk) >= CHECK_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _show_one(checker: Checker, text: str, lang: str | None, jurisdiction: str | None) -> None:
    lang, jurisdiction = resolve(text, lang, jurisdiction)
    findings = checker.check(text, lang, jurisdiction)
    console.print(highlighted(text, findings))
    if not findings:
        console.print(f"[green]No findings[/green] ({lang}, {jurisdiction}, rules "
                      f"{checker.version})")
        return
    console.print(f"[bold]{len(findings)} finding(s)[/bold] · {lang} · {jurisdiction}")
    for f in findings:
        line = Text("● ")
        line.append(f" {f.severity} ", style=SEVERITY_STYLE[f.severity])
        line.append(f" {f.rule_id}  ", style="bold")
        line.append(f"「{f.text}」 [{f.start}:{f.end}]")
        console.print(line)
        console.print(f"    {f.message}", markup=False, highlight=False, soft_wrap=True)
        console.print(f"    {f.citation}", markup=False, highlight=False, style="dim",
                      soft_wrap=True)
        console.print(f"    → {f.suggestion}", markup=False, highlight=False, style="green",
                      soft_wrap=True)


def highlighted(text: str, findings: list[Finding]) -> Text:
    rich_text = Text(text)
    for finding in sorted(findings, key=lambda f: f.severity != "critical"):
        rich_text.stylize(SEVERITY_STYLE[finding.severity], finding.start, finding.end)
    return rich_text


# -- assistant eval -------------------------------------------------------------------------
def eval_command(
    file: Path = typer.Argument(..., help="Labelled JSONL {id, lang, text, labels}"),
    errors: bool = typer.Option(False, "--errors", help="List false positives and negatives"),
    as_json: bool = typer.Option(False, "--json", help="JSON output; the last line is one "
                                                       "JSON object with all figures"),
    lang: str = typer.Option(None, "--lang", help="Only notes in this language: zh or en "
                                                  "(a note without lang is detected)"),
    rules_dir: Path = RulesDir,
) -> None:
    """Precision, recall and F1 per category (note level) on a labelled file."""
    if lang is not None and lang not in LANGUAGES:
        raise InvalidInput(f"--lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    checker = get_checker(_rules_dir(rules_dir))
    report = evaluate(checker, read_labelled(file, lang=lang))
    if as_json:
        summary = report.as_dict() | {"file": str(file), "lang": lang,
                                      "rules_version": checker.version}
        if errors:
            summary["errors"] = _error_rows(report)
        print(json.dumps(summary, ensure_ascii=False))
        return
    _print_report(report, file, lang)
    if errors:
        _print_errors(report)


def _error_rows(report: Report) -> list[dict[str, Any]]:
    return [{"id": r.note.id, "text": r.note.text, "labels": sorted(r.note.labels),
             "false_positives": sorted(r.false_positives),
             "false_negatives": sorted(r.false_negatives),
             "findings": [{k: f[k] for k in ("rule_id", "category", "text")} for f in r.findings]}
            for r in report.results if r.false_positives or r.false_negatives]


def _print_report(report: Report, file: Path, lang: str | None = None) -> None:
    only = f" ({lang} only)" if lang else ""
    table = Table(title=f"{file} · {len(report.results)} notes{only}")
    for column in ("category", "precision", "recall", "F1", "support", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == "category" else "right",
                         no_wrap=True, min_width=26 if column == "category" else None)
    for category, counts in sorted(report.per_category.items()):
        style = "red" if counts.support >= 5 and counts.f1 < 0.85 else None
        table.add_row(category, f"{counts.precision:.3f}", f"{counts.recall:.3f}",
                      f"{counts.f1:.3f}", str(counts.support), str(counts.tp), str(counts.fp),
                      str(counts.fn), style=style)
    micro = report.micro
    table.add_row("micro", f"{micro.precision:.3f}", f"{micro.recall:.3f}", f"{micro.f1:.3f}",
                  str(micro.support), str(micro.tp), str(micro.fp), str(micro.fn),
                  style="bold", end_section=True)
    console.print(table)
    console.print(f"Compliant notes (labels: []) with any finding: {report.compliant_flagged}"
                  f"/{report.compliant_notes} = {report.compliant_flag_rate:.1%}")


def _print_errors(report: Report) -> None:
    # Note text, ids and findings are data: built as Text so that `[...]` in a note is shown
    # as written, never read as Rich markup, and only our own labels are styled.
    for row in _error_rows(report):
        console.print(Text.assemble((str(row["id"]), "bold"), " ", row["text"]),
                      highlight=False, soft_wrap=True)
        if row["false_positives"]:
            found = ", ".join(f"{f['rule_id']} 「{f['text']}」" for f in row["findings"])
            console.print(Text.assemble("  ", ("FP", "red"), " ",
                                        ", ".join(row["false_positives"]), "  ", found),
                          highlight=False, soft_wrap=True)
        if row["false_negatives"]:
            console.print(Text.assemble("  ", ("FN", "yellow"), " ",
                                        ", ".join(row["false_negatives"])),
                          highlight=False, soft_wrap=True)


# -- assistant eval-external ----------------------------------------------------------------
EXCERPT_WIDTH = 200
TOP_RULES = 10
KIND_READING = {external.RECALL: "recall", external.CLEAN: "FP rate",
                external.LABELLED: "per category", external.OTHER: "not scored"}


def eval_external_command(
    dataset: str = typer.Option("all", "--dataset",
                                help="cfpb, cold, swsr, cold-dev, or all (cfpb, cold, swsr)"),
    path: Path = typer.Option(None, "--path", help="External data folder (default: "
                              "../shared/eval/external beside the project)"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object with all figures"),
    errors: int = typer.Option(0, "--errors", metavar="N", min=0,
                               help="Show up to N false positives and N misses per dataset"),
    rules_dir: Path = RulesDir,
) -> None:
    """The checker on real text no one here wrote (../shared/eval/external): false-positive
    rates, insult recall, and CFPB per-category figures. Never tune rules on these files."""
    root = path or external.DEFAULT_EXTERNAL_DIR
    datasets = external.selected(dataset)
    # Every file is looked up before anything runs: a missing one fails at once, not after
    # the others have been checked.
    files = [(d, external.dataset_file(root, d)) for d in datasets]
    checker = get_checker(_rules_dir(rules_dir))
    reads = [(d, file, d.read(file)) for d, file in files]
    reports: list[external.DatasetReport] = []
    with Progress(console=err_console, transient=True) as progress:
        for d, file, read in reads:
            task = progress.add_task(d.name, total=len(read.items))
            reports.append(external.score(checker, d, file, read,
                                          on_checked=partial(progress.advance, task)))
    if as_json:
        print(json.dumps({"rules_version": checker.version, "path": str(root),
                          "datasets": {r.dataset.name: r.as_dict(errors, EXCERPT_WIDTH)
                                       for r in reports}}, ensure_ascii=False))
        return
    console.print(f"External data {root} · rules {checker.version}")
    for report in reports:
        _print_external(report)
        if errors:
            _print_external_errors(report, errors)


def _count_rate(count: int, notes: int) -> str:
    return f"{count} ({count / notes:.1%})" if notes else "0"


def _print_external(report: external.DatasetReport) -> None:
    table = Table(title=f"{report.dataset.title} · {report.dataset.path} · {report.rows} rows",
                  caption="recall: the abuse.insult column is the recall; FP rate: every "
                          "column is a false-positive rate")
    table.add_column(report.dataset.grouped_by, ratio=1)
    table.add_column("reads as", no_wrap=True)
    for column in ("notes", "any finding", "abuse.insult", "any abuse.*"):
        table.add_column(column, justify="right", no_wrap=True)
    for figures in report.subsets:
        table.add_row(figures.subset.name, KIND_READING[figures.subset.kind],
                      str(figures.notes), _count_rate(figures.flagged, figures.notes),
                      _count_rate(figures.insult, figures.notes),
                      _count_rate(figures.abuse, figures.notes),
                      style="dim" if figures.subset.kind == external.OTHER else None)
    console.print(table)
    # The figure the plain keyword checker is compared on, next to its reference.
    for figures in report.subsets:
        if figures.subset.reference and figures.subset.kind == external.RECALL:
            console.print(f"abuse.insult recall on {figures.subset.name}: {figures.insult}/"
                          f"{figures.notes} = {figures.rate(figures.insult):.3f} "
                          f"({figures.subset.reference})", markup=False, highlight=False)
        elif figures.subset.reference:
            console.print(f"Any finding on {figures.subset.name}: {figures.flagged}/"
                          f"{figures.notes} = {figures.rate(figures.flagged):.1%} "
                          f"({figures.subset.reference})", markup=False, highlight=False)
    if report.dataset.per_category:
        _print_external_categories(report)
    for problem in report.skipped:
        err_console.print(f"skipped {problem}", style="yellow", markup=False, highlight=False)
    top = report.clean_rules.most_common(TOP_RULES)
    console.print(f"Top rules firing on clean text ({report.clean_notes} clean rows; rows "
                  "per rule): " + (", ".join(f"{rule} {count}" for rule, count in top) or "none"),
                  markup=False, highlight=False, soft_wrap=True)


def _print_external_categories(report: external.DatasetReport) -> None:
    table = Table(title=f"{report.dataset.name}: per category against the row labels "
                        "(weak; positives are few, read the counts)")
    for column in ("category", "precision", "recall", "F1", "support", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for category, c in sorted(report.per_category.items()):
        table.add_row(category, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}",
                      str(c.support), str(c.tp), str(c.fp), str(c.fn))
    m = report.micro
    table.add_row("micro", f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}",
                  str(m.support), str(m.tp), str(m.fp), str(m.fn), style="bold")
    console.print(table)


def _print_external_errors(report: external.DatasetReport, limit: int) -> None:
    # Row texts are data: built as Text so that `[...]` in them is never read as markup.
    for title, examples in (("false positives", report.false_positives),
                            ("misses", report.misses)):
        console.print(f"{report.dataset.name}: {title}, {min(limit, len(examples))} of "
                      f"{len(examples)}", style="bold")
        for example in examples[:limit]:
            _print_external_example(report, example)


def _print_external_example(report: external.DatasetReport, example: external.Example) -> None:
    item = example.item
    console.print(Text.assemble((f"{report.dataset.path}:{item.line}", "bold"), " ",
                                external.excerpt(item.text, example.findings, EXCERPT_WIDTH)),
                  highlight=False, soft_wrap=True)
    labels = ", ".join(sorted(item.labels)) or "none"
    found = ", ".join(f"{f.rule_id} 「{f.text}」" for f in example.findings) or "no finding"
    console.print(Text.assemble("  labels ", labels, "  found ", found),
                  highlight=False, soft_wrap=True)


# -- assistant rules ------------------------------------------------------------------------
@rules_app.command("lint")
def rules_lint(rules_dir: Path = RulesDir) -> None:
    """Validate every pack: schema, categories, duplicate ids, cue lists, recognisers and
    their vocabulary."""
    root = _rules_dir(rules_dir)
    rule_set = load_rule_set(root)
    problems = (rule_set.problems + reference_problems(rule_set)
                + token_pattern_problems(rule_set) + terms_problems(root))
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    for problem in warnings:
        console.print(f"warning: {problem}", style="yellow", markup=False, highlight=False,
                      soft_wrap=True)
    for problem in errors:
        console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    per_pack = {pack: sum(1 for r in rule_set.rules if r.pack == pack) for pack in rule_set.packs}
    summary = ", ".join(f"{pack}: {count}" for pack, count in sorted(per_pack.items()))
    console.print(f"{len(rule_set.rules)} rules ({summary}); version {rule_set.version}; "
                  f"{len(errors)} problem(s), {len(warnings)} warning(s)")
    if errors:  # warnings (entries that can never match) do not stop a pack from loading
        raise typer.Exit(1)


@rules_app.command("test")
def rules_test(rules_dir: Path = RulesDir,
               rule: str = typer.Option(None, help="Only this rule id (or id prefix)")) -> None:
    """Run every rule's flag/pass examples through the full checker."""
    checker = get_checker(_rules_dir(rules_dir))
    selected = [r for r in checker.rule_set.rules if rule is None or r.rule.id.startswith(rule)]
    failures_by_rule: dict[str, list[str]] = {}
    examples = 0
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("rule examples", total=len(selected))
        for loaded in selected:
            examples += len(loaded.rule.examples.flag) + len(loaded.rule.examples.pass_)
            failures = [str(f) for f in example_failures(checker, loaded)]
            if failures:
                failures_by_rule[loaded.rule.id] = failures
            progress.advance(task)
    for rule_id, failures in failures_by_rule.items():
        console.print(f"[red]FAIL[/red] {rule_id}")
        for failure in failures:
            console.print(f"  {failure}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"{len(selected)} rules, {examples} examples: "
                  f"{len(selected) - len(failures_by_rule)} rules pass, "
                  f"{len(failures_by_rule)} fail")
    if failures_by_rule:
        raise typer.Exit(1)


@rules_app.command("schema")
def rules_schema(out: Path = typer.Option(None, help="Folder (default: <rules>/schema)")) -> None:
    """Write the JSON Schemas of rule files, pack.yaml, cue files and the recognisers'
    vocabulary for editors."""
    folder = out or _rules_dir(None) / "schema"
    folder.mkdir(parents=True, exist_ok=True)
    for name, model in (("rule-file", RuleFile), ("pack", PackManifest), ("cues", CueFile),
                        ("recognizer-terms", RecognizerTerms)):
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", "utf-8")
        console.print(f"wrote {path}")


__all__ = ["register", "check_stream", "parse_note", "LANGUAGES", "JURISDICTIONS"]
