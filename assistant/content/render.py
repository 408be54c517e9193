"""Rendering snippet templates in a sandbox that sees only the documented case context."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from assistant.content.context import CASE_VARIABLES


@lru_cache(maxsize=1)
def sandbox() -> ImmutableSandboxedEnvironment:
    """One shared sandbox: no unsafe attributes, no mutation, undefined names are errors."""
    # Spoken text, not HTML: the web layer escapes on output.
    return ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                         trim_blocks=True, lstrip_blocks=True)


def undeclared_variables(source: str) -> set[str]:
    """Names a template uses that are not documented case variables."""
    parsed = sandbox().parse(source)
    return meta.find_undeclared_variables(parsed) - set(CASE_VARIABLES)


@lru_cache(maxsize=4096)
def _compiled(source: str) -> jinja2.Template:
    return sandbox().from_string(source)


def render_text(source: str, context: dict[str, Any]) -> str:
    """Render one template with only the documented variables of the context."""
    allowed = {name: value for name, value in context.items() if name in CASE_VARIABLES}
    return _compiled(source).render(allowed).strip()
