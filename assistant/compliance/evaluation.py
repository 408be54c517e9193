"""Score the checker on labelled notes: note-level sets of categories against the labels."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.compliance.checker import Checker
from assistant.compliance.language import detect_language
from assistant.compliance.rules import CATEGORIES
from assistant.errors import InvalidInput


@dataclass
class LabelledNote:
    id: Any
    text: str
    labels: frozenset[str]
    lang: str | None = None
    jurisdiction: str | None = None


@dataclass
class NoteResult:
    note: LabelledNote
    found: frozenset[str]
    findings: list[dict[str, Any]]

    @property
    def false_positives(self) -> frozenset[str]:
        return self.found - self.note.labels

    @property
    def false_negatives(self) -> frozenset[str]:
        return self.note.labels - self.found


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.support, "tp": self.tp,
                "fp": self.fp, "fn": self.fn}


@dataclass
class Report:
    results: list[NoteResult] = field(default_factory=list)
    per_category: dict[str, Counts] = field(default_factory=dict)
    micro: Counts = field(default_factory=Counts)
    compliant_notes: int = 0
    compliant_flagged: int = 0

    @property
    def compliant_flag_rate(self) -> float:
        return self.compliant_flagged / self.compliant_notes if self.compliant_notes else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "notes": len(self.results),
            "micro": self.micro.as_dict(),
            "per_category": {c: n.as_dict() for c, n in sorted(self.per_category.items())},
            "compliant_notes": self.compliant_notes,
            "compliant_flagged": self.compliant_flagged,
            "compliant_flag_rate": round(self.compliant_flag_rate, 4),
        }


def read_labelled(path: Path, *, lang: str | None = None) -> Iterator[LabelledNote]:
    """Labelled notes of a JSONL file (only those in `lang`, when given; a note without a
    lang is detected); a bad line is an error naming file and line."""
    with Path(path).open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                labels = frozenset(data["labels"])
                text = data["text"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InvalidInput(f"{path}:{number}: not a labelled note ({exc})") from exc
            unknown = labels - set(CATEGORIES)
            if unknown:
                raise InvalidInput(f"{path}:{number}: unknown label(s) {sorted(unknown)}")
            note_lang = data.get("lang")
            if lang is not None and (note_lang or detect_language(text)) != lang:
                continue
            yield LabelledNote(data.get("id", number), text, labels, note_lang,
                               data.get("jurisdiction"))


def evaluate(checker: Checker, notes: Iterable[LabelledNote]) -> Report:
    notes = list(notes)
    report = Report()
    items = [{"text": n.text, "lang": n.lang, "jurisdiction": n.jurisdiction} for n in notes]
    for note, findings in zip(notes, checker.check_many(items), strict=True):
        found = frozenset(f.category for f in findings)
        report.results.append(NoteResult(note, found, [f.to_dict() for f in findings]))
        for category in found | note.labels:
            counts = report.per_category.setdefault(category, Counts())
            if category in found and category in note.labels:
                counts.tp += 1
            elif category in found:
                counts.fp += 1
            else:
                counts.fn += 1
        if not note.labels:
            report.compliant_notes += 1
            report.compliant_flagged += bool(found)
    for counts in report.per_category.values():
        report.micro.tp += counts.tp
        report.micro.fp += counts.fp
        report.micro.fn += counts.fn
    return report
