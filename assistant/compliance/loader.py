"""Load rule packs from compliance_rules/ with errors that name the file, line and rule."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assistant.compliance.rules import CueFile, PackManifest, Rule
from assistant.errors import Problem, RulePackError
from assistant.yamlkeys import reject_duplicate_keys

PACK_FILE = "pack.yaml"
POLICY_FILE = "contact_policy.yaml"
CUE_PREFIX = "cues_"
# The contact recognisers' vocabulary (read by contact_recognizers, not a rule file).
TERMS_FILE = "recognizer_terms.yaml"


# libyaml's parser when PyYAML was built with it: the packs hold ~150,000 YAML tokens, and the
# pure-Python scanner spends seconds on them at every checker build.
_SafeLoaderBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PackYamlLoader(_SafeLoaderBase):  # type: ignore[misc, valid-type]
    """YAML 1.2 booleans: only true/false. Under YAML 1.1 a cue `no` or `off` became False.
    A key given twice in one mapping is an error (YAML would keep the last silently: a second
    `phrases:` in a rule would drop the first list)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        reject_duplicate_keys(node)
        return super().construct_mapping(node, deep)


PackYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _first in "tTfF":
    PackYamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list(_first))


@dataclass(frozen=True)
class LoadedRule:
    """A validated rule with where it came from and the pack scope applied."""

    rule: Rule
    pack: str
    path: str  # relative to the rules folder
    line: int
    jurisdictions: tuple[str, ...]
    languages: tuple[str, ...]
    # ("flag" | "pass", index) -> line of that example, for `rules test` reports
    example_lines: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class RuleSet:
    """Everything the checker needs from a rules folder."""

    root: Path
    version: str
    packs: dict[str, PackManifest] = field(default_factory=dict)
    rules: list[LoadedRule] = field(default_factory=list)
    cues: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # lang -> name -> phrases
    not_cues: dict[str, list[str]] = field(default_factory=dict)  # lang -> phrases
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # jurisdiction -> params
    problems: list[Problem] = field(default_factory=list)

    def rules_for(self, lang: str) -> list[LoadedRule]:
        return [loaded for loaded in self.rules if lang in loaded.languages]


def rules_version(root: Path) -> str:
    """A short hash of every pack file's name and bytes: changes whenever a rule changes."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _node_at(node: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node at a pydantic error location, as deep as the document goes."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(
                node.value):
            found = node.value[key]
        else:
            found = None
        if found is None:
            return node
        node = found
    return node


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _describe(error: dict[str, Any]) -> str:
    """A pydantic error in the words an officer editing YAML would use."""
    field_path = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
    leaf = error["loc"][-1] if error["loc"] else ""
    if error["type"] == "literal_error" and leaf in ("category", "severity"):
        return f"unknown {leaf} {error['input']!r}"
    if error["type"] == "literal_error":
        return f"{field_path}: {error['input']!r} is not one of {error['ctx']['expected']}"
    if error["type"] == "extra_forbidden":
        return f"unknown field {field_path!r}"
    if error["type"] == "missing":
        return f"missing field {field_path!r}"
    return f"{field_path}: {error['msg']}" if field_path else error["msg"]


def _rule_id_at(document: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            rule = document["rules"][loc[1]]
        except (KeyError, IndexError, TypeError):
            return None
        return rule.get("id") if isinstance(rule, dict) else None
    return None


def read_yaml(path: Path, relative: str) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (for line numbers); a syntax error is a Problem."""
    try:
        text = path.read_text(encoding="utf-8")
        # One parse: the node tree (kept for line numbers) is constructed into the document.
        loader = PackYamlLoader(text)
        try:
            node = loader.get_single_node()
            return (loader.construct_document(node) if node is not None else None), node
        finally:
            loader.dispose()
    except UnicodeDecodeError as exc:
        raise RulePackError(relative, f"not UTF-8 ({exc.reason})") from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RulePackError(relative, f"YAML syntax: {exc.problem}", line=line) from exc


def validate(model: type[BaseModel], document: Any, node: yaml.Node | None,
             relative: str) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a document against a schema model; every error carries its line."""
    try:
        return model.model_validate(document), []
    except ValidationError as exc:
        problems = [Problem(relative, _describe(error), _line(_node_at(node, error["loc"])),
                            _rule_id_at(document, error["loc"]))
                    for error in exc.errors()]
        return None, problems


def _pack_dirs(root: Path) -> Iterator[Path]:
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith((".", "_")) and child.name != "schema":
            yield child


def load_rule_set(root: Path) -> RuleSet:
    """Read every pack under `root`; problems are collected, not raised (see `load_packs`)."""
    root = Path(root)
    if not root.is_dir():
        raise RulePackError(str(root), "rules folder does not exist")
    rule_set = RuleSet(root=root, version=rules_version(root))
    for pack_dir in _pack_dirs(root):
        _load_pack_dir(rule_set, pack_dir)
    _check_duplicates(rule_set)
    return rule_set


def _load_pack_dir(rule_set: RuleSet, pack_dir: Path) -> None:
    root = rule_set.root
    rel = pack_dir.relative_to(root).as_posix()
    yaml_files = sorted(pack_dir.glob("*.yaml"))
    if (pack_dir / POLICY_FILE).exists():
        _load_policy(rule_set, pack_dir / POLICY_FILE)
    manifest: PackManifest | None = None
    if (pack_dir / PACK_FILE).exists():
        document, node = _read(rule_set, pack_dir / PACK_FILE)
        manifest, problems = validate(PackManifest, document, node, f"{rel}/{PACK_FILE}")
        rule_set.problems.extend(problems)
        if manifest is not None:
            rule_set.packs[manifest.id] = manifest
    content = [p for p in yaml_files if p.name not in (PACK_FILE, POLICY_FILE, TERMS_FILE)]
    if manifest is None:
        if content and not (pack_dir / PACK_FILE).exists():
            rule_set.problems.append(Problem(rel, f"has rule files but no {PACK_FILE}"))
        return
    for path in content:
        if path.name.startswith(CUE_PREFIX):
            _load_cues(rule_set, path)
        else:
            _load_rules(rule_set, path, manifest)


def _read(rule_set: RuleSet, path: Path) -> tuple[Any, yaml.Node | None]:
    relative = path.relative_to(rule_set.root).as_posix()
    try:
        return read_yaml(path, relative)
    except RulePackError as exc:
        rule_set.problems.append(Problem(relative, exc.problem, exc.line))
        return None, None


def _load_policy(rule_set: RuleSet, path: Path) -> None:
    document, _node = _read(rule_set, path)
    if isinstance(document, dict):
        jurisdiction = document.get("jurisdiction") or path.parent.name
        rule_set.policies[str(jurisdiction)] = document


def _load_cues(rule_set: RuleSet, path: Path) -> None:
    relative = path.relative_to(rule_set.root).as_posix()
    document, node = _read(rule_set, path)
    if document is None:
        return
    cue_file, problems = validate(CueFile, document, node, relative)
    rule_set.problems.extend(problems)
    if cue_file is None:
        return
    expected = path.stem.removeprefix(CUE_PREFIX)
    if cue_file.language != expected:
        rule_set.problems.append(Problem(
            relative, f"language {cue_file.language!r} does not match the file name "
                      f"(expected {expected!r})", _line(_node_at(node, ("language",)))))
    named = rule_set.cues.setdefault(cue_file.language, {})
    for name, phrases in cue_file.cues.items():
        named.setdefault(name, []).extend(phrases)
    rule_set.not_cues.setdefault(cue_file.language, []).extend(cue_file.not_cues)


def _load_rules(rule_set: RuleSet, path: Path, manifest: PackManifest) -> None:
    relative = path.relative_to(rule_set.root).as_posix()
    document, node = _read(rule_set, path)
    if document is None:
        return
    if not isinstance(document, dict) or "rules" not in document:
        rule_set.problems.append(Problem(relative, "expected a mapping with a `rules:` list", 1))
        return
    # Validate rule by rule so that one broken rule does not hide the others.
    rules_node = _node_at(node, ("rules",))
    raw_rules = document["rules"] if isinstance(document["rules"], list) else []
    for index, raw in enumerate(raw_rules):
        item_node = _node_at(rules_node, (index,))
        rule, problems = validate(Rule, raw, item_node, relative)
        item = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else f"rules[{index}]"
        rule_set.problems.extend(Problem(p.path, p.problem, p.line, item) for p in problems)
        if isinstance(rule, Rule):
            _add_rule(rule_set, rule, manifest, relative, _line(item_node) or 1,
                      _example_lines(item_node, rule))
    if not raw_rules:
        rule_set.problems.append(Problem(relative, "`rules:` must be a non-empty list",
                                         _line(rules_node)))


def _example_lines(node: yaml.Node | None, rule: Rule) -> dict[tuple[str, int], int]:
    lines = {}
    for kind, examples in (("flag", rule.examples.flag), ("pass", rule.examples.pass_)):
        for index in range(len(examples)):
            line = _line(_node_at(node, ("examples", kind, index)))
            if line:
                lines[(kind, index)] = line
    return lines


def _add_rule(rule_set: RuleSet, rule: Rule, manifest: PackManifest, relative: str,
              line: int, example_lines: dict[tuple[str, int], int]) -> None:
    jurisdictions = tuple(j for j in rule.jurisdictions if j in manifest.jurisdictions)
    languages = tuple(lang for lang in rule.languages if lang in manifest.languages)
    if not jurisdictions:
        rule_set.problems.append(Problem(
            relative, f"none of its jurisdictions {rule.jurisdictions} is in pack "
                      f"{manifest.id!r} ({manifest.jurisdictions})", line, rule.id))
    if not languages:
        rule_set.problems.append(Problem(
            relative, f"none of its languages {rule.languages} is in pack {manifest.id!r} "
                      f"({manifest.languages})", line, rule.id))
    rule_set.rules.append(LoadedRule(rule, manifest.id, relative, line, jurisdictions,
                                     languages, example_lines))


def _check_duplicates(rule_set: RuleSet) -> None:
    seen: dict[str, LoadedRule] = {}
    for loaded in rule_set.rules:
        first = seen.setdefault(loaded.rule.id, loaded)
        if first is not loaded:
            rule_set.problems.append(Problem(loaded.path, f"duplicate id (first at {first.where})",
                                             loaded.line, loaded.rule.id))
