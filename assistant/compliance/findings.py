"""What the checker reports: one finding per offending span."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "info": 3}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    category: str
    severity: str
    start: int  # character offsets into the ORIGINAL text
    end: int
    text: str  # original[start:end]
    message: str
    citation: str
    suggestion: str
    extra: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        if not data["extra"]:
            data.pop("extra")
        return data
