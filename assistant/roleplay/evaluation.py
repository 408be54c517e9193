"""Evaluating the act classifier on a labelled JSONL file: accuracy, precision, recall per act."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InvalidInput
from assistant.roleplay.acts import ActClassifier


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    acts: frozenset[str]


@dataclass
class ActScore:
    """Counts for one act in one language, over every example of that language."""

    act: str
    lang: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def to_dict(self) -> dict:
        return {"act": self.act, "lang": self.lang, "support": self.support,
                "accuracy": round(self.accuracy, 3), "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "tn": self.tn}


def read_examples(path: Path, known_acts: set[str]) -> list[Example]:
    """Labelled lines `{"id", "lang", "text", "acts": [...]}`; a bad line names its number."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            lang, text, acts = row["lang"], row["text"], set(row["acts"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InvalidInput(f"{path}:{number}: expected a JSON object with lang, text and "
                               f"acts ({exc})") from exc
        unknown = acts - known_acts
        if unknown:
            raise InvalidInput(f"{path}:{number}: unknown act(s) {', '.join(sorted(unknown))}")
        examples.append(Example(str(row.get("id", number)), lang, text, frozenset(acts)))
    return examples


def evaluate(classifier: ActClassifier, examples: list[Example],
             progress: Callable[[int], None] | None = None) -> list[ActScore]:
    """One score per (language, act), in the order acts are declared."""
    scores: dict[tuple[str, str], ActScore] = {}
    langs = sorted({e.lang for e in examples}, key=lambda x: (x != "zh", x))
    for lang in langs:
        for act in classifier.content.acts:
            scores[(lang, act)] = ActScore(act, lang)
    for done, example in enumerate(examples, start=1):
        predicted = set(classifier.classify(example.text, example.lang).acts)
        for act in classifier.content.acts:
            score = scores[(example.lang, act)]
            gold, got = act in example.acts, act in predicted
            if gold and got:
                score.tp += 1
            elif got:
                score.fp += 1
                score.misses.append(f"{example.id} +{act}: {example.text}")
            elif gold:
                score.fn += 1
                score.misses.append(f"{example.id} -{act}: {example.text}")
            else:
                score.tn += 1
        if progress:
            progress(done)
    return list(scores.values())
