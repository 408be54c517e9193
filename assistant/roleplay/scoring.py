"""Scoring a role-play transcript on a rubric: per-criterion evidence, feedback, violation caps."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assistant.compliance.findings import SEVERITY_ORDER, Finding
from assistant.roleplay.acts import TurnReading
from assistant.roleplay.content import Criterion, Persona, Rubric
from assistant.roleplay.offers import PlanLimits, find_amounts, judge_offer, names_date


@dataclass(frozen=True)
class Turn:
    """One line of a transcript; `reading` is set for trainee turns."""

    speaker: str  # trainee | borrower
    text: str
    reading: TurnReading | None = None


@dataclass(frozen=True)
class CriterionResult:
    id: str
    name: str
    weight: int
    score: int  # 0-100: how far the criterion was met
    feedback: str
    turn: int | None = None  # trainee turn number quoted, 1-based
    suggestion: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "weight": self.weight, "score": self.score,
                "feedback": self.feedback, "turn": self.turn, "suggestion": self.suggestion}


@dataclass
class ScoreResult:
    score: int
    criteria: list[CriterionResult]
    violations: list[dict[str, Any]]
    uncapped: int
    cap: int | None = None
    cap_reason: str = ""
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "criteria": [c.to_dict() for c in self.criteria],
                "violations": self.violations, "uncapped": self.uncapped, "cap": self.cap,
                "cap_reason": self.cap_reason, "skipped": self.skipped}


@dataclass(frozen=True)
class ScoringContext:
    """What the scorer knows beyond the transcript: the persona's facts and the policy."""

    lang: str
    persona: Persona | None = None
    limits: PlanLimits | None = None
    end: str | None = None
    suggestions: dict[str, str] = field(default_factory=dict)  # snippet kind -> line
    day_words: tuple[str, ...] = ()  # words naming a day in this language


def _trainee_turns(turns: list[Turn]) -> list[tuple[int, int, Turn]]:
    """(trainee turn number, index in transcript, turn) for every trainee turn."""
    numbered, count = [], 0
    for index, turn in enumerate(turns):
        if turn.speaker == "trainee":
            count += 1
            numbered.append((count, index, turn))
    return numbered


def _first_with(trainee: list[tuple[int, int, Turn]], acts: list[str]) -> tuple[int, Turn] | None:
    for number, _, turn in trainee:
        if turn.reading and any(turn.reading.has(a) for a in acts):
            return number, turn
    return None


class Scorer:
    def __init__(self, rubric: Rubric, context: ScoringContext):
        self.rubric, self.context, self.lang = rubric, context, context.lang

    def score(self, turns: list[Turn]) -> ScoreResult:
        trainee = _trainee_turns(turns)
        skipped = list(self.context.persona.skip_criteria) if self.context.persona else []
        results = [self._criterion(c, trainee, turns) for c in self.rubric.criteria
                   if c.id not in skipped]
        total_weight = sum(r.weight for r in results) or 1
        uncapped = round(sum(r.weight * r.score for r in results) / total_weight)
        violations = [dict(f.to_dict(), turn=number) for number, _, turn in trainee
                      if turn.reading for f in turn.reading.findings]
        cap, reason = self._cap(trainee)
        score = min(uncapped, cap) if cap is not None else uncapped
        return ScoreResult(score, results, violations, uncapped, cap, reason, skipped)

    # --- caps -------------------------------------------------------------------------------
    def _cap(self, trainee: list[tuple[int, int, Turn]]) -> tuple[int | None, str]:
        caps: list[tuple[int, str]] = []
        findings: list[Finding] = [f for _, _, t in trainee if t.reading for f in t.reading.findings]
        if findings:
            worst = min(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
            if worst.severity in self.rubric.caps:
                caps.append((self.rubric.caps[worst.severity],
                             f"{worst.severity} violation {worst.rule_id}"))
        if self.context.end and self.context.end in self.rubric.caps:
            caps.append((self.rubric.caps[self.context.end], f"call ended: {self.context.end}"))
        return min(caps) if caps else (None, "")

    # --- one criterion ----------------------------------------------------------------------
    def _criterion(self, criterion: Criterion, trainee: list[tuple[int, int, Turn]],
                   turns: list[Turn]) -> CriterionResult:
        evidence = criterion.evidence
        if "present" in evidence:
            outcome, turn = self._present(evidence, trainee)
        elif "before" in evidence:
            outcome, turn = self._before(evidence["before"], trainee)
        elif "affordable_offer" in evidence:
            outcome, turn = self._affordable(trainee, turns)
        else:
            outcome, turn = self._no_violation(trainee)
        return self._result(criterion, outcome, turn, trainee)

    def _present(self, evidence: dict, trainee) -> tuple[str, int | None]:
        found = _first_with(trainee, evidence["present"])
        if found is None:
            return "fail", (1 if evidence.get("within_turns") and trainee else None)
        number, _ = found
        within = evidence.get("within_turns")
        if within and number > within:
            return "partial", number
        needs = evidence.get("names")
        if needs:
            # Any turn with the act that names everything counts; else quote the first one.
            for n, _, turn in trainee:
                if turn.reading and any(turn.reading.has(a) for a in evidence["present"]) \
                        and self._names(turn, needs):
                    return "pass", n
            return "partial", number
        return "pass", number

    def _names(self, turn: Turn, needs: list[str]) -> bool:
        amount = bool(find_amounts(turn.text).money) or bool(turn.reading and turn.reading.deferral)
        date = names_date(turn.text, list(self.context.day_words))
        return ("amount" not in needs or amount) and ("date" not in needs or date)

    def _before(self, rule: dict, trainee) -> tuple[str, int | None]:
        first = _first_with(trainee, rule["first"])
        then = _first_with(trainee, rule["then"])
        if first is None:
            return ("fail", then[0]) if then else ("missing", None)
        if then is None or first[0] < then[0] or (rule.get("same_turn_ok") and first[0] == then[0]):
            return "pass", first[0]
        return "fail", then[0]

    def _affordable(self, trainee, turns: list[Turn]) -> tuple[str, int | None]:
        persona, lang = self.context.persona, self.lang
        best: tuple[str, int | None] = ("fail", None)
        for number, index, turn in trainee:
            if not (turn.reading and turn.reading.has("plan_offer")):
                continue
            if persona is not None:
                limit = persona.affordable_monthly(lang)
                balance = Decimal(str(persona.facts_for(lang)["balance"]))
            else:
                limit, balance = _stated_affordable(turns[:index]), None
            verdict = judge_offer(turn.text, affordable_monthly=limit, balance=balance,
                                  limits=self.context.limits, deferral=turn.reading.deferral)
            if verdict.verdict == "affordable" and limit is not None:
                return "pass", number
            if verdict.verdict in ("no_amount", "affordable") and best[0] == "fail":
                best = ("partial", number)  # an offer we cannot confirm is affordable
            elif best[0] == "fail":
                best = ("fail", number)
        return best

    def _no_violation(self, trainee) -> tuple[str, int | None]:
        for number, _, turn in trainee:
            if turn.reading and turn.reading.findings:
                return "fail", number
        return "pass", None

    # --- feedback ---------------------------------------------------------------------------
    def _result(self, criterion: Criterion, outcome: str, turn: int | None,
                trainee) -> CriterionResult:
        lang = self.lang
        messages = criterion.feedback
        message = messages.get(outcome, messages["fail"])[lang]
        if outcome == "missing":
            outcome = "fail"
        parts = [message]
        if turn is not None:
            text = next(t.text for n, _, t in trainee if n == turn)
            parts.append(self.rubric.quote[lang].format(turn=turn, text=text))
        suggestion = ""
        if outcome != "pass":
            suggestion = (self._rewrite(criterion, turn, trainee)
                          or self.context.suggestions.get(criterion.snippet_kind or "", "")
                          or criterion.example[lang])
            parts.append(self.rubric.suggest[lang].format(text=suggestion))
        score = {"pass": 100, "partial": 50}.get(outcome, 0)
        return CriterionResult(criterion.id, criterion.name[lang], criterion.weight, score,
                               " ".join(parts), turn, suggestion)


    def _rewrite(self, criterion: Criterion, turn: int | None, trainee) -> str:
        """For a violation, the checker's own compliant rewrite of the offending words."""
        if "no_violation" not in criterion.evidence or turn is None:
            return ""
        for number, _, t in trainee:
            if number == turn and t.reading:
                return next((f.suggestion for f in t.reading.findings if f.suggestion), "")
        return ""


def _stated_affordable(turns: list[Turn]) -> Decimal | None:
    """Without a persona, the most the borrower said they could pay before the offer."""
    figures = [m for t in turns if t.speaker == "borrower" for m in find_amounts(t.text).money]
    return max(figures) if figures else None
