"""Split a note into plain and highlighted segments for display (web page, reports)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compliance.findings import SEVERITY_ORDER, Finding


@dataclass(frozen=True)
class Segment:
    text: str
    findings: tuple[Finding, ...] = ()  # the findings covering this stretch, most severe first

    @property
    def severity(self) -> str | None:
        return self.findings[0].severity if self.findings else None


def segments(text: str, findings: list[Finding]) -> list[Segment]:
    """The whole text in order; overlapping findings split it at every start and end."""
    cuts = sorted({0, len(text)} | {f.start for f in findings} | {f.end for f in findings})
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= end:
            continue
        covering = tuple(f for f in ordered if f.start <= start and end <= f.end)
        parts.append(Segment(text[start:end], covering))
    return parts
