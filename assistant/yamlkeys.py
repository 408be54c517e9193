"""One rule for every YAML file people edit: a key may appear only once in a mapping.

YAML parsers keep the last of two equal keys without a word, so a rule with `phrases:` written
twice loses its first list and nobody notices. The loaders call `reject_duplicate_keys` on each
mapping node before constructing it; the error carries the line of the second key.
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError

_MERGE_TAG = "tag:yaml.org,2002:merge"  # `<<: *anchor` may repeat


def reject_duplicate_keys(node: yaml.MappingNode) -> None:
    first_lines: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
            continue
        if key.value in first_lines:
            raise ConstructorError(
                None, None,
                f"key '{key.value}' appears twice in one mapping (first on line "
                f"{first_lines[key.value]}); YAML would keep only the last",
                key.start_mark)
        first_lines[key.value] = key.start_mark.line + 1
