"""Reading role-play content (acts, personas, rubrics, difficulty levels) from YAML files.

Each file is checked against its JSON Schema in scripts_library/roleplay/schema/; every
problem is reported as `file:line item: problem`, then the valid files become typed objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from assistant.content.yamlload import load_yaml, locate
from assistant.errors import ContentError, Problem, raise_for

LANGUAGES = ("zh", "en")
END_STATES = ("agreed", "ended", "hung_up", "complaint", "critical_failure")


@dataclass(frozen=True)
class Reaction:
    """How the persona answers one kind of event (an act, or a derived one like an affordable offer)."""

    events: tuple[str, ...]
    move: int = 0
    end: str | None = None
    mood_at_most: str | None = None
    mood_at_least: str | None = None
    after_turn: int | None = None
    once: bool = False
    say: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class Persona:
    id: str
    kind: str
    name: dict[str, str]
    summary: dict[str, str]
    tags: tuple[str, ...]
    facts: dict[str, dict[str, Any]]
    moods: tuple[str, ...]
    opening_mood: str
    commit_from: str | None
    skip_criteria: tuple[str, ...]
    reactions: tuple[Reaction, ...]
    say: dict[str, Any]
    objection: str | None = None
    source: str = ""

    def facts_for(self, lang: str) -> dict[str, Any]:
        return dict(self.facts[lang])

    def affordable_monthly(self, lang: str) -> Decimal:
        return Decimal(str(self.facts[lang]["affordable_monthly"]))

    def end_states(self) -> tuple[str, ...]:
        return tuple(end for end in END_STATES if end in self.say["ends"])


@dataclass(frozen=True)
class Criterion:
    id: str
    name: dict[str, str]
    weight: int
    evidence: dict[str, Any]
    feedback: dict[str, dict[str, str]]
    example: dict[str, str]
    snippet_kind: str | None = None


@dataclass(frozen=True)
class Rubric:
    id: str
    name: dict[str, str]
    caps: dict[str, int]
    quote: dict[str, str]
    suggest: dict[str, str]
    criteria: tuple[Criterion, ...]
    source: str = ""


@dataclass(frozen=True)
class Difficulty:
    id: str
    name: dict[str, str]
    mood_shift: int
    patience: int
    calm_needs: int = 1


@dataclass
class RoleplayContent:
    """Everything under scripts_library/roleplay, by id."""

    root: Path
    acts: dict[str, dict[str, str]] = field(default_factory=dict)  # act id -> names
    checker_acts: set[str] = field(default_factory=set)
    ignored_categories: set[str] = field(default_factory=set)
    snippet_kinds: dict[str, str] = field(default_factory=dict)  # act id -> snippet kind
    dates: dict[str, list[str]] = field(default_factory=dict)  # lang -> words naming a day
    mood_names: dict[str, dict[str, str]] = field(default_factory=dict)  # mood -> zh/en
    cues: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # lang -> act -> cues
    personas: dict[str, Persona] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    difficulties: dict[str, Difficulty] = field(default_factory=dict)

    def persona(self, persona_id: str) -> Persona:
        from assistant.errors import NotFound

        if persona_id not in self.personas:
            raise NotFound(f"persona {persona_id!r} does not exist "
                           f"(known: {', '.join(sorted(self.personas))})")
        return self.personas[persona_id]

    def rubric(self, rubric_id: str) -> Rubric:
        from assistant.errors import NotFound

        if rubric_id not in self.rubrics:
            raise NotFound(f"rubric {rubric_id!r} does not exist "
                           f"(known: {', '.join(sorted(self.rubrics))})")
        return self.rubrics[rubric_id]

    def difficulty(self, level: str) -> Difficulty:
        from assistant.errors import NotFound

        if level not in self.difficulties:
            raise NotFound(f"difficulty {level!r} does not exist "
                           f"(known: {', '.join(self.difficulties)})")
        return self.difficulties[level]


def roleplay_dir(scripts_dir: Path) -> Path:
    return Path(scripts_dir) / "roleplay"


@lru_cache(maxsize=8)
def _validator(schema_path: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))


def _check(root: Path, path: Path, schema_name: str, problems: list[Problem]) -> Any | None:
    """Load one YAML file and validate it; None (with problems added) when it is invalid."""
    shown = _shown(root, path)
    try:
        data = load_yaml(path)
    except ContentError as exc:
        problems.append(Problem(shown, exc.problem, exc.line))
        return None
    validator = _validator(root / "schema" / schema_name)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        loc = tuple(error.absolute_path)
        line, item = locate(data, loc)
        field_path = ".".join(str(part) for part in loc)
        problems.append(Problem(shown, f"{field_path}: {error.message}" if field_path
                                else error.message, line, item or _file_id(data)))
    return None if errors else data


def _file_id(data: Any) -> str | None:
    return data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent.parent))
    except ValueError:
        return str(path)


def read_content(scripts_dir: Path) -> tuple[RoleplayContent, list[Problem]]:
    """Read every role-play file; return what was valid and every problem found."""
    root = roleplay_dir(scripts_dir)
    content = RoleplayContent(root=root)
    problems: list[Problem] = []
    if not (root / "schema").is_dir():
        return content, [Problem(str(root), "folder scripts_library/roleplay/schema is missing")]
    _read_acts(root, content, problems)
    _read_difficulty(root, content, problems)
    moods = _check(root, root / "moods.yaml", "moods.schema.json", problems)
    if moods is not None:
        content.mood_names = {mood: dict(names) for mood, names in moods["moods"].items()}
    for path in sorted((root / "personas").glob("*.yaml")):
        data = _check(root, path, "persona.schema.json", problems)
        if data is not None:
            _add(content.personas, _persona(data, _shown(root, path)), _shown(root, path),
                 data, problems)
    for path in sorted((root / "rubrics").glob("*.yaml")):
        data = _check(root, path, "rubric.schema.json", problems)
        if data is not None:
            _add(content.rubrics, _rubric(data, _shown(root, path)), _shown(root, path),
                 data, problems)
    return content, problems


def _add(into: dict, item: Persona | Rubric, shown: str, data: Any,
         problems: list[Problem]) -> None:
    if item.id in into:
        problems.append(Problem(shown, f"duplicate id (first in {into[item.id].source})",
                                getattr(data, "line", None), item.id))
        return
    into[item.id] = item


def _read_acts(root: Path, content: RoleplayContent, problems: list[Problem]) -> None:
    path = root / "acts" / "acts.yaml"
    if not path.exists():
        problems.append(Problem(_shown(root, path), "file is missing"))
        return
    data = _check(root, path, "act-list.schema.json", problems)
    if data is None:
        return
    for entry in data.get("acts", []):
        content.acts[entry["id"]] = dict(entry["name"])
        if entry.get("snippet_kind"):
            content.snippet_kinds[entry["id"]] = entry["snippet_kind"]
        if entry.get("from_checker"):
            content.checker_acts.add(entry["id"])
            content.ignored_categories.update(entry.get("ignore_categories", []))
    for lang in LANGUAGES:
        cue_path = root / "acts" / f"{lang}.yaml"
        cues = _check(root, cue_path, "acts.schema.json", problems)
        if cues is None:
            continue
        if cues["language"] != lang:
            problems.append(Problem(_shown(root, cue_path),
                                    f"language is {cues['language']!r} but the file is for {lang!r}"))
        for act_id in cues["acts"]:
            if act_id not in content.acts:
                line, _ = locate(cues, ("acts", act_id))
                problems.append(Problem(_shown(root, cue_path), f"unknown act {act_id!r} "
                                        "(acts are listed in acts/acts.yaml)", line, act_id))
        content.cues[lang] = {act: dict(c) for act, c in cues["acts"].items()
                              if act in content.acts}
        content.dates[lang] = list(cues.get("dates", []))


def _read_difficulty(root: Path, content: RoleplayContent, problems: list[Problem]) -> None:
    data = _check(root, root / "difficulty.yaml", "difficulty.schema.json", problems)
    if data is None:
        return
    for level, spec in data["levels"].items():
        content.difficulties[level] = Difficulty(
            id=level, name=dict(spec["name"]), mood_shift=spec["mood_shift"],
            patience=spec["patience"], calm_needs=spec.get("calm_needs", 1))


def _lines(raw: dict | None) -> dict[str, list[str]] | None:
    return None if raw is None else {lang: list(raw[lang]) for lang in LANGUAGES}


def _persona(data: dict, shown: str) -> Persona:
    reactions = tuple(
        Reaction(events=tuple([r["events"]] if isinstance(r["events"], str) else r["events"]),
                 move=r.get("move", 0), end=r.get("end"), mood_at_most=r.get("mood_at_most"),
                 mood_at_least=r.get("mood_at_least"), after_turn=r.get("after_turn"),
                 once=r.get("once", False), say=_lines(r.get("say")))
        for r in data["reactions"])
    return Persona(
        id=data["id"], kind=data["kind"], name=dict(data["name"]), summary=dict(data["summary"]),
        tags=tuple(data.get("tags", [])),
        facts={lang: dict(data["facts"][lang]) for lang in LANGUAGES},
        moods=tuple(data["moods"]), opening_mood=data["opening_mood"],
        commit_from=data.get("commit_from"), skip_criteria=tuple(data.get("skip_criteria", [])),
        reactions=reactions, say=data["say"], objection=data.get("objection"), source=shown)


def _rubric(data: dict, shown: str) -> Rubric:
    criteria = tuple(
        Criterion(id=c["id"], name=dict(c["name"]), weight=c["weight"],
                  evidence=dict(c["evidence"]),
                  feedback={k: dict(v) for k, v in c["feedback"].items()},
                  example=dict(c["example"]), snippet_kind=c.get("snippet_kind"))
        for c in data["criteria"])
    return Rubric(id=data["id"], name=dict(data["name"]), caps=dict(data["caps"]),
                  quote=dict(data["quote"]), suggest=dict(data["suggest"]), criteria=criteria,
                  source=shown)


def load_content(scripts_dir: Path) -> RoleplayContent:
    """The role-play content, or a ContentError naming the first problem (and how many more)."""
    from assistant.roleplay.lint import semantic_problems

    content, problems = read_content(scripts_dir)
    problems += semantic_problems(content)
    raise_for(problems)
    return content


@lru_cache(maxsize=4)
def cached_content(scripts_dir: Path) -> RoleplayContent:
    """Loaded once per folder; the web app and the CLI share it."""
    return load_content(scripts_dir)
