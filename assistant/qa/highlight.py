"""Safe HTML for a note with its findings marked, built from character offsets."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from assistant.qa.models import MissedViolation, NoteFinding

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "info": 3}


def highlight(text: str, findings: Sequence[NoteFinding],
              missed: Sequence[MissedViolation] = ()) -> Markup:
    """TEXT escaped, each finding's span wrapped in <mark>; overlaps show the worst severity.

    Spans reviewers recorded as missed by the checker (MISSED, those not withdrawn and with a
    span) are marked too, with the class `missed`.
    """
    spans = [f for f in findings if 0 <= f.start < f.end <= len(text)]
    misses = [m for m in missed if m.withdrawn_at is None and m.start is not None
              and m.end is not None and 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans),
                   *(m.start for m in misses), *(m.end for m in misses)})
    parts: list[str] = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[left:right])
        covering = [f for f in spans if f.start <= left and right <= f.end]
        missing = {m.category for m in misses if m.start <= left and right <= m.end}
        if not covering and not missing:
            parts.append(piece)
            continue
        if not covering:
            parts.append(Markup('<mark class="missed" title="{}">{}</mark>')
                         .format(", ".join(sorted(missing)), piece))
            continue
        worst = min(covering, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
        ids = " ".join(f"f{f.id}" for f in covering)
        rules = ", ".join(sorted({f.rule_id for f in covering} | missing))
        parts.append(Markup('<mark class="finding sev-{}{}" data-findings="{}" title="{}">{}'
                            '</mark>').format(worst.severity, " missed" if missing else "", ids,
                                              rules, piece))
    return Markup("").join(parts)
