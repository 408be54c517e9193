"""Safe HTML for a note with its findings marked, built from character offsets."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from assistant.qa.models import NoteFinding

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "info": 3}


def highlight(text: str, findings: Sequence[NoteFinding]) -> Markup:
    """TEXT escaped, each finding's span wrapped in <mark>; overlaps show the worst severity."""
    spans = [f for f in findings if 0 <= f.start < f.end <= len(text)]
    cuts = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans)})
    parts: list[str] = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[left:right])
        covering = [f for f in spans if f.start <= left and right <= f.end]
        if not covering:
            parts.append(piece)
            continue
        worst = min(covering, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
        ids = " ".join(f"f{f.id}" for f in covering)
        rules = ", ".join(sorted({f.rule_id for f in covering}))
        parts.append(Markup('<mark class="finding sev-{}" data-findings="{}" title="{}">{}</mark>')
                     .format(worst.severity, ids, rules, piece))
    return Markup("").join(parts)
