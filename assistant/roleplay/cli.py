"""`assistant roleplay ...`: lint content, evaluate the act classifier, play, score."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from assistant.config import PROJECT_ROOT, get_settings

roleplay_app = typer.Typer(help="Role-play: personas, rubrics, act classifier, practice runs.",
                           no_args_is_help=True)
console = Console()
DEFAULT_EVAL = PROJECT_ROOT / "tests" / "roleplay" / "data" / "acts.jsonl"


def register(app: typer.Typer) -> None:
    app.add_typer(roleplay_app, name="roleplay")


def _dirs(scripts_dir: Path | None, rules_dir: Path | None) -> tuple[Path, Path]:
    settings = get_settings()
    return scripts_dir or settings.scripts_dir, rules_dir or settings.rules_dir


@roleplay_app.command("lint")
def lint(scripts_dir: Path = typer.Option(None, help="Script library folder (default: settings)")
         ) -> None:
    """Check personas, rubrics, act cues and difficulty levels (schema, references, reachability)."""
    from assistant.roleplay.content import read_content
    from assistant.roleplay.lint import reachability_problems, semantic_problems

    scripts_dir, _ = _dirs(scripts_dir, None)
    content, problems = read_content(scripts_dir)
    problems += semantic_problems(content)
    if not problems:
        problems += reachability_problems(content)
    table = Table(title="Role-play content")
    for column in ("personas", "rubrics", "acts", "cue languages", "difficulty levels"):
        table.add_column(column)
    table.add_row(str(len(content.personas)), str(len(content.rubrics)), str(len(content.acts)),
                  ", ".join(sorted(content.cues)), ", ".join(content.difficulties))
    console.print(table)
    for problem in problems:
        console.print(f"[red]{problem}[/red]", highlight=False, soft_wrap=True)
    if problems:
        console.print(f"[red]{len(problems)} problems[/red]")
        raise typer.Exit(1)
    console.print("[green]role-play content is clean[/green]")


@roleplay_app.command("personas")
def personas(lang: str = typer.Option("zh", help="zh|en")) -> None:
    """List the personas a trainer can pick."""
    from assistant.roleplay.content import load_content

    scripts_dir, _ = _dirs(None, None)
    content = load_content(scripts_dir)
    table = Table()
    for column in ("id", "kind", "name", "opening mood", "ends"):
        table.add_column(column)
    for persona in content.personas.values():
        table.add_row(persona.id, persona.kind, persona.name[lang], persona.opening_mood,
                      ", ".join(persona.end_states()))
    console.print(table)


@roleplay_app.command("eval-acts")
def eval_acts(data: Path = typer.Argument(DEFAULT_EVAL, help="Labelled JSONL file"),
              as_json: bool = typer.Option(False, "--json", help="Print JSON, not a table"),
              show_errors: bool = typer.Option(False, "--errors", help="List every miss"),
              scripts_dir: Path = typer.Option(None), rules_dir: Path = typer.Option(None)) -> None:
    """Accuracy, precision and recall of the act classifier per act and language."""
    from assistant.roleplay.acts import ActClassifier, checker_for
    from assistant.roleplay.content import load_content
    from assistant.roleplay.evaluation import evaluate, read_examples

    scripts_dir, rules_dir = _dirs(scripts_dir, rules_dir)
    content = load_content(scripts_dir)
    classifier = ActClassifier(content, checker_for(rules_dir))
    examples = read_examples(data, set(content.acts))
    with Progress(TextColumn("classifying"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("classify", total=len(examples))
        scores = evaluate(classifier, examples,
                          progress=lambda done: progress.update(task, completed=done))
    if as_json:
        print(json.dumps([s.to_dict() for s in scores], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"Act classifier on {data.name} ({len(examples)} turns)")
    for column in ("lang", "act", "examples", "accuracy", "precision", "recall"):
        table.add_column(column, justify="right" if column != "act" else "left")
    for s in scores:
        table.add_row(s.lang, s.act, str(s.support), f"{s.accuracy:.3f}", f"{s.precision:.2f}",
                      f"{s.recall:.2f}")
    console.print(table)
    if show_errors:
        for s in scores:
            for miss in s.misses:
                console.print(f"{s.lang} {miss}", highlight=False)


@roleplay_app.command("score")
def score(transcript: Path = typer.Argument(..., help="JSONL lines {speaker, text}"),
          rubric: str = typer.Option("standard", help="Rubric id"),
          lang: str = typer.Option(None, help="zh|en (default: guessed from the text)"),
          persona: str = typer.Option(None, help="Persona id, for its facts (affordability)"),
          as_json: bool = typer.Option(False, "--json", help="Print the result as JSON"),
          scripts_dir: Path = typer.Option(None), rules_dir: Path = typer.Option(None)) -> None:
    """Score a saved transcript on a rubric."""
    from assistant.roleplay.acts import ActClassifier, checker_for
    from assistant.roleplay.service import Roleplay
    from assistant.roleplay.transcript import guess_language, read_transcript, score_transcript

    scripts_dir, rules_dir = _dirs(scripts_dir, rules_dir)
    pairs = read_transcript(transcript)
    lang = lang or guess_language(pairs)
    if lang not in ("zh", "en"):
        raise typer.BadParameter("lang must be zh or en", param_hint="--lang")
    roleplay = Roleplay(scripts_dir, rules_dir)
    found = roleplay.content.persona(persona) if persona else None
    jurisdiction = found.facts_for(lang)["jurisdiction"] if found else None
    classifier = ActClassifier(roleplay.content, checker_for(rules_dir, jurisdiction))
    context = roleplay.scoring_context(found, lang)
    result = score_transcript(pairs, classifier, context, rubric)
    if as_json:
        data = result.to_dict()
        print(json.dumps({"score": data["score"],
                          "criteria": [{"id": c["id"], "score": c["score"],
                                        "feedback": c["feedback"], "weight": c["weight"],
                                        "turn": c["turn"]} for c in data["criteria"]],
                          "violations": data["violations"], "cap": data["cap"],
                          "cap_reason": data["cap_reason"]}, ensure_ascii=False, indent=1))
        return
    _print_result(result)


def _print_result(result) -> None:
    table = Table(title=f"Score {result.score}/100"
                  + (f" (capped from {result.uncapped}: {result.cap_reason})" if result.cap
                     is not None and result.uncapped > result.score else ""))
    for column in ("criterion", "weight", "score", "feedback"):
        table.add_column(column)
    for c in result.criteria:
        colour = "green" if c.score == 100 else ("yellow" if c.score else "red")
        table.add_row(c.name, str(c.weight), f"[{colour}]{c.score}[/{colour}]", c.feedback)
    console.print(table)
    for v in result.violations:
        console.print(f"[red]turn {v['turn']}: {v['rule_id']} ({v['severity']}) "
                      f"“{v['text']}” — {v['message']}[/red]")


@roleplay_app.command("play")
def play(persona: str = typer.Argument(..., help="Persona id (see `assistant roleplay personas`)"),
         lang: str = typer.Option("zh", help="zh|en"), seed: int = typer.Option(1),
         difficulty: str = typer.Option("normal"), rubric: str = typer.Option("standard"),
         name: str = typer.Option("—", help="Your name, filled into suggested lines"),
         scripts_dir: Path = typer.Option(None), rules_dir: Path = typer.Option(None)) -> None:
    """Practise against a simulated borrower in the terminal (/end hangs up, /hint suggests)."""
    from assistant.roleplay.library import plan_limits
    from assistant.roleplay.scoring import Scorer, Turn
    from assistant.roleplay.service import Roleplay
    from assistant.roleplay.simulator import SimulatedBorrower

    if lang not in ("zh", "en"):
        raise typer.BadParameter("lang must be zh or en", param_hint="--lang")
    scripts_dir, rules_dir = _dirs(scripts_dir, rules_dir)
    roleplay = Roleplay(scripts_dir, rules_dir)
    found = roleplay.content.persona(persona)
    facts = found.facts_for(lang)
    limits = plan_limits(roleplay.library, facts["product"])
    borrower = SimulatedBorrower(found, lang, roleplay.content.difficulty(difficulty), seed, limits)
    classifier = roleplay.classifier(found, lang)
    console.print(Panel(f"{found.name[lang]}\n{found.summary[lang]}\n"
                        f"{facts['borrower_name']} · {facts['lender']} · {facts['currency']} "
                        f"{facts['balance']} · {facts['days_past_due']} dpd",
                        title="Role-play", subtitle=f"seed {seed}"))
    turns: list[Turn] = [Turn("borrower", borrower.opening())]
    def mood(mood_id: str) -> str:
        return roleplay.content.mood_names.get(mood_id, {}).get(lang, mood_id)

    console.print(f"[cyan]{facts.get('speaker_name') or facts['borrower_name']}[/cyan] "
                  f"({mood(borrower.state.mood)}): {turns[0].text}")
    end = None
    while end is None:
        text = console.input("[bold]you[/bold]: ").strip()
        if text == "/end":
            end = "ended"
            break
        if text == "/hint":
            done = {act for turn in turns if turn.reading for act in turn.reading.acts}
            for s in roleplay.suggest(found, lang, done, name):
                console.print(f"  [dim]{s.kind}[/dim] {s.text}", highlight=False)
            continue
        if not text:
            continue
        reading = classifier.classify(text, lang)
        turns.append(Turn("trainee", text, reading))
        reply = borrower.respond(reading, text)
        turns.append(Turn("borrower", reply.text))
        acts = ", ".join(reading.acts) or "—"
        console.print(f"  [dim]acts: {acts}[/dim]")
        for finding in reading.findings:
            console.print(f"  [red]{finding.rule_id}: {finding.message}[/red]")
        console.print(f"[cyan]{facts.get('speaker_name') or facts['borrower_name']}[/cyan] "
                      f"({mood(reply.mood)}): {reply.text}")
        end = reply.end
    console.print(f"[bold]call ended: {end}[/bold]")
    context = roleplay.scoring_context(found, lang, end=end)
    _print_result(Scorer(roleplay.content.rubric(rubric), context).score(turns))
