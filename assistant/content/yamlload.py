"""A YAML loader that remembers the line of every mapping, so errors can say where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ContentError
from assistant.yamlkeys import reject_duplicate_keys


class LineDict(dict):
    """A mapping read from YAML that knows the 1-based line it starts on."""

    line: int = 0
    key_lines: dict[Any, int]


# The C loader (libyaml) parses the library several times faster when it is available.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader whose mappings are LineDicts."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    reject_duplicate_keys(node)
    loader.flatten_mapping(node)
    mapping = LineDict(loader.construct_pairs(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {loader.construct_object(key, deep=True): key.start_mark.line + 1
                         for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a ContentError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(path, f"not UTF-8 text ({exc.reason})") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ContentError(path, f"YAML syntax: {exc.problem}", line=line) from exc


def locate(data: Any, loc: tuple[int | str, ...]) -> tuple[int | None, str | None]:
    """The line and the nearest `id` along a validation-error path into loaded YAML."""
    line: int | None = getattr(data, "line", None)
    item: str | None = data.get("id") if isinstance(data, LineDict) else None
    if not isinstance(item, str):
        item = None
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in getattr(node, "key_lines", {}):
            line = node.key_lines[key]  # the line of the field itself
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, LineDict):
            line = node.line or line
            if isinstance(node.get("id"), str):
                item = node["id"]
    return line, item
