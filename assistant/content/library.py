"""Reading the script library: snippets, flows and plan policies, with where each came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.content.schema import Flow, PlanPolicy, Snippet, SnippetFile
from assistant.content.yamlload import LineDict, load_yaml, locate
from assistant.errors import ContentError, Problem, raise_for


@dataclass
class Library:
    """Everything in scripts_library, by id; `where` maps ("flow"|"snippet"|..., id) to a place."""

    root: Path
    snippets: dict[str, Snippet] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    policies: dict[str, PlanPolicy] = field(default_factory=dict)
    where: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    version: str = ""

    def place(self, kind: str, item_id: str) -> tuple[str, int | None]:
        return self.where.get((kind, item_id), ("?", None))

    def step_place(self, flow_id: str, step_id: str) -> tuple[str, int | None]:
        """Where a step is written, falling back to its flow."""
        return self.where.get(("step", f"{flow_id}/{step_id}")) or self.place("flow", flow_id)

    def snippets_of_kind(self, kind: str) -> list[Snippet]:
        return [s for s in self.snippets.values() if s.kind == kind]

    def find_snippets(self, *, kind: str | None = None, topic: str | None = None,
                      jurisdiction: str | None = None, channel: str | None = None) -> list[Snippet]:
        """Snippets matching every given filter, in id order (e.g. the answers to a topic)."""
        return sorted((s for s in self.snippets.values()
                       if (kind is None or s.kind == kind)
                       and (topic is None or s.topic == topic)
                       and (jurisdiction is None or jurisdiction in s.jurisdictions)
                       and (channel is None or channel in s.channels)), key=lambda s: s.id)

    def policy_for(self, product: str) -> PlanPolicy:
        """The plan policy naming this product, else the default one."""
        wanted = product.strip().casefold()
        for policy in self.policies.values():
            if wanted in (p.casefold() for p in policy.products):
                return policy
        for policy in self.policies.values():
            if policy.default:
                return policy
        raise ContentError(self.root / "policies", f"no plan policy for product {product!r} "
                           "and no policy marked default: true")


def _relative(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _validation_problems(exc: ValidationError, data: Any, shown: str) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line, item = locate(data, loc)
        field_path = ".".join(str(part) for part in loc)
        if error["type"] == "missing" and loc and loc[-1] in ("zh", "en"):
            message = f"missing {loc[-1]} translation ({field_path})"
        elif error["type"] == "extra_forbidden":
            message = f"unknown field {str(loc[-1])!r}"
        else:
            message = f"{field_path}: {error['msg']}" if field_path else error["msg"]
        problems.append(Problem(shown, message, line, item))
    return problems


def _validate(model: type[BaseModel], data: Any, shown: str,
              problems: list[Problem]) -> BaseModel | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, data, shown))
        return None


def _line_of(data: Any, *keys: int | str) -> int | None:
    return locate(data, keys)[0]


def read_library(scripts_dir: Path) -> tuple[Library, list[Problem]]:
    """Read every file of the library; return what was valid and every problem found."""
    root = Path(scripts_dir)
    library = Library(root=root)
    problems: list[Problem] = []
    digest = hashlib.sha256()
    for sub in ("snippets", "flows", "policies"):
        if not (root / sub).is_dir():
            problems.append(Problem(_relative(root, root / sub), "folder is missing"))
    for path in sorted(root.glob("snippets/**/*.yaml")):
        digest.update(path.read_bytes())
        _read_snippets(root, path, library, problems)
    for path in sorted(root.glob("flows/**/*.yaml")):
        digest.update(path.read_bytes())
        _read_one(root, path, Flow, library.flows, "flow", library, problems)
    for path in sorted(root.glob("policies/**/*.yaml")):
        digest.update(path.read_bytes())
        _read_one(root, path, PlanPolicy, library.policies, "policy", library, problems)
    library.version = digest.hexdigest()[:12]
    return library, problems


def _load(path: Path, shown: str, problems: list[Problem]) -> Any:
    try:
        return load_yaml(path)
    except ContentError as exc:
        problems.append(Problem(shown, exc.problem, exc.line))
        return None


def _read_snippets(root: Path, path: Path, library: Library, problems: list[Problem]) -> None:
    shown = _relative(root, path)
    data = _load(path, shown, problems)
    if data is None:
        return
    parsed = _validate(SnippetFile, data, shown, problems)
    if parsed is None:
        # Keep the valid snippets of a file with one bad entry, so one typo hides nothing else.
        for raw in (data.get("snippets") or [] if isinstance(data, dict) else []):
            snippet = _validate(Snippet, raw, shown, [])
            if snippet is not None:
                _add(library.snippets, "snippet", snippet, shown,
                     getattr(raw, "line", None), library, problems)
        return
    for index, snippet in enumerate(parsed.snippets):
        _add(library.snippets, "snippet", snippet, shown, _line_of(data, "snippets", index),
             library, problems)


def _read_one(root: Path, path: Path, model: type[BaseModel], into: dict, kind: str,
              library: Library, problems: list[Problem]) -> None:
    shown = _relative(root, path)
    data = _load(path, shown, problems)
    if data is None:
        return
    item = _validate(model, data, shown, problems)
    if item is None:
        return
    _add(into, kind, item, shown, data.line if isinstance(data, LineDict) else None,
         library, problems)
    if isinstance(item, Flow):
        for raw_step in data.get("steps") or []:
            if isinstance(raw_step, LineDict):
                library.where[("step", f"{item.id}/{raw_step.get('id')}")] = (shown, raw_step.line)


def _add(into: dict, kind: str, item: Any, shown: str, line: int | None, library: Library,
         problems: list[Problem]) -> None:
    if item.id in into:
        first_path, first_line = library.place(kind, item.id)
        problems.append(Problem(shown, f"duplicate {kind} id (first at {first_path}:{first_line})",
                                line, item.id))
        return
    into[item.id] = item
    library.where[(kind, item.id)] = (shown, line)


def load_library(scripts_dir: Path) -> Library:
    """The library, or a ContentError listing every problem (`file:line item: problem`)."""
    from assistant.content.graph import reference_problems  # graph builds on this module

    library, problems = read_library(scripts_dir)
    problems += reference_problems(library)
    raise_for(problems)
    return library
