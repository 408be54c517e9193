"""Reading a saved transcript (JSONL of {"speaker", "text"}) and scoring it on a rubric."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import InvalidInput
from assistant.roleplay.acts import ActClassifier
from assistant.roleplay.scoring import Scorer, ScoreResult, ScoringContext, Turn

SPEAKERS = ("trainee", "borrower")


def read_transcript(path: Path) -> list[tuple[str, str]]:
    """(speaker, text) pairs; a bad line raises InvalidInput naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text ({exc.reason})") from exc
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InvalidInput(f"{path}:{number}: expected an object with speaker and text")
        speaker, text = row.get("speaker"), row.get("text")
        if speaker not in SPEAKERS:
            raise InvalidInput(f"{path}:{number}: speaker: {speaker!r} is not trainee or borrower")
        if not isinstance(text, str):
            raise InvalidInput(f"{path}:{number}: text: a string is required")
        pairs.append((speaker, text))
    if not any(speaker == "trainee" for speaker, _ in pairs):
        raise InvalidInput(f"{path}: no trainee turns to score")
    return pairs


def guess_language(pairs: list[tuple[str, str]]) -> str:
    """zh when most letters of the trainee's turns are CJK characters, else en."""
    text = "".join(t for s, t in pairs if s == "trainee")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in text if ch.isalpha())
    return "zh" if letters and cjk / letters > 0.3 else "en"


def score_transcript(pairs: list[tuple[str, str]], classifier: ActClassifier,
                     scorer_context: ScoringContext, rubric_id: str = "standard") -> ScoreResult:
    lang = scorer_context.lang
    turns = [Turn(speaker, text, classifier.classify(text, lang) if speaker == "trainee" else None)
             for speaker, text in pairs]
    return Scorer(classifier.content.rubric(rubric_id), scorer_context).score(turns)
