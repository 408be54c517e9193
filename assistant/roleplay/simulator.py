"""The simulated borrower: a persona's mood machine driven by the trainee's acts.

Deterministic for a given seed: each reply is drawn from a random generator seeded with the
run seed and the turn number, so a stored run replays exactly and tests can rely on it.
"""

from __future__ import annotations

import random
import string
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from assistant.errors import InvalidInput
from assistant.roleplay.acts import VIOLATION, TurnReading
from assistant.roleplay.content import Difficulty, Persona, Reaction
from assistant.roleplay.offers import OfferVerdict, PlanLimits, judge_offer

NO_ACT = "no_act"
# Derived events are named here because the simulator computes them; personas react to them.
OFFER_EVENTS = ("plan_offer.affordable", "plan_offer.unaffordable", "plan_offer.no_amount")


@dataclass
class BorrowerState:
    """Everything needed to continue a run; stored as JSON with the run."""

    mood: str
    turn: int = 0
    calm_credit: int = 0
    committed: bool = False
    confirmed: bool = False
    offered: str | None = None
    end: str | None = None
    used_once: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BorrowerState:
        return cls(**data)


@dataclass(frozen=True)
class Reply:
    text: str
    mood: str
    events: tuple[str, ...]
    end: str | None
    committed: bool
    offer: OfferVerdict | None = None


class _Facts(dict):
    """Facts for filling `{placeholders}`; an unknown one is a content error caught by lint."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"unknown placeholder {{{key}}}")


def _spoken(value: object) -> str:
    """A fact as a person says it: 800.00 -> 800, 1100.50 stays."""
    text = str(value)
    try:
        amount = Decimal(text)
    except ArithmeticError:
        return text
    return str(amount.quantize(Decimal(1))) if amount == amount.to_integral_value() else text


def _position(reading: TurnReading, event: str) -> int:
    """Where the act behind an event starts in the turn (events without a span go first)."""
    act = event.split(".", 1)[0].split(":", 1)[0]
    starts = [span.start for span in reading.spans if span.act == act]
    return min(starts) if starts else -1


def placeholders(line: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(line) if name}


class SimulatedBorrower:
    def __init__(self, persona: Persona, lang: str, difficulty: Difficulty, seed: int,
                 limits: PlanLimits | None = None, state: BorrowerState | None = None):
        self.persona, self.lang, self.difficulty, self.seed = persona, lang, difficulty, seed
        self.limits = limits
        self.facts = persona.facts_for(lang)
        self.state = state or BorrowerState(mood=self._shifted(persona.opening_mood,
                                                               difficulty.mood_shift))

    # --- moods ------------------------------------------------------------------------------
    def _index(self, mood: str) -> int:
        return self.persona.moods.index(mood)

    def _shifted(self, mood: str, steps: int) -> str:
        index = min(max(self._index(mood) + steps, 0), len(self.persona.moods) - 1)
        return self.persona.moods[index]

    # --- lines ------------------------------------------------------------------------------
    def _pick(self, lines: dict[str, list[str]], salt: str) -> str:
        rng = random.Random(f"{self.seed}:{self.state.turn}:{salt}")
        line = rng.choice(lines[self.lang])
        values = _Facts({k: _spoken(v) for k, v in self.facts.items()})
        values["offered"] = _spoken(self.state.offered or self.facts["affordable_monthly"])
        return line.format_map(values)

    def opening(self) -> str:
        return self._pick(self.persona.say["opening"], "opening")

    # --- one trainee turn -------------------------------------------------------------------
    def events_for(self, reading: TurnReading, text: str) -> tuple[list[str], OfferVerdict | None]:
        events: list[str] = []
        if reading.has(VIOLATION):
            events.append(VIOLATION)
            events += [f"violation:{f.category}" for f in reading.findings]
        verdict = None
        for act in reading.acts:
            if act == VIOLATION:
                continue
            if act == "plan_offer":
                verdict = judge_offer(
                    text, affordable_monthly=self.persona.affordable_monthly(self.lang),
                    balance=Decimal(str(self.facts["balance"])), limits=self.limits,
                    deferral=reading.deferral)
                events.append(verdict.event)
            events.append(act)
        return (events or [NO_ACT]), verdict

    def _matches(self, reaction: Reaction, index: int, event: str, mood: str) -> bool:
        if event not in reaction.events:
            return False
        if reaction.once and index in self.state.used_once:
            return False
        if reaction.after_turn is not None and self.state.turn < reaction.after_turn:
            return False
        if reaction.mood_at_most and self._index(mood) > self._index(reaction.mood_at_most):
            return False
        return not (reaction.mood_at_least
                    and self._index(mood) < self._index(reaction.mood_at_least))

    def respond(self, reading: TurnReading, text: str) -> Reply:
        """Advance the persona by one trainee turn and return what it says back."""
        if self.state.end:
            raise InvalidInput(f"the call has already ended ({self.state.end})")
        self.state.turn += 1
        start_mood = self.state.mood
        events, verdict = self.events_for(reading, text)
        fired: list[tuple[int, Reaction]] = []
        said_at: dict[int, int] = {}  # reaction -> where in the turn its act was said
        for event in events:
            for index, reaction in enumerate(self.persona.reactions):
                if self._matches(reaction, index, event, start_mood):
                    if all(index != seen for seen, _ in fired):
                        fired.append((index, reaction))
                        said_at[index] = _position(reading, event)
                    break
        for index, reaction in fired:
            if reaction.once:
                self.state.used_once.append(index)
        ending = next((r.end for _, r in fired if r.end), None)
        if ending:
            return self._finish(ending, events, verdict)
        self._move(sum(r.move for _, r in fired if r.move > 0),
                   sum(r.move for _, r in fired if r.move < 0))
        if self.state.end:
            return self._finish(self.state.end, events, verdict)
        # Answer in the order the trainee said things ("I'm sorry... how is the harvest?").
        spoken = sorted((i, r) for i, r in fired if r.say)
        spoken.sort(key=lambda item: said_at[item[0]])
        lines = [r.say for _, r in spoken][:2]
        if self._accepts(verdict, start_mood):
            self.state.committed = True
            self.state.offered = str(verdict.monthly) if verdict.monthly is not None else None
            deferral_line = self.persona.say.get("committed_deferral")
            lines = [deferral_line if verdict.monthly is None and deferral_line
                     else self.persona.say["committed"]]
        elif self.state.committed and "commitment" in events and not self.state.confirmed:
            self.state.confirmed = True
            lines = [self.persona.say["confirmed"]]
        if "closing" in events:
            return self._finish("agreed" if self.state.committed else "ended", events, verdict)
        if self.state.turn >= self.difficulty.patience:
            return self._finish("hung_up", events, verdict)
        if not lines:
            lines = [self.persona.say["moods"][self.state.mood]]
        text_out = " ".join(self._pick(lines_, f"line{n}") for n, lines_ in enumerate(lines))
        return Reply(text_out, self.state.mood, tuple(events), None, self.state.committed, verdict)

    def _accepts(self, verdict: OfferVerdict | None, start_mood: str) -> bool:
        return (verdict is not None and verdict.verdict == "affordable"
                and self.persona.commit_from is not None and not self.state.committed
                and self._index(start_mood) >= self._index(self.persona.commit_from))

    def _move(self, up: int, down: int) -> None:
        index = self._index(self.state.mood) + down
        if index < 0:
            self.state.end = "hung_up"
            return
        self.state.calm_credit += up
        while self.state.calm_credit >= self.difficulty.calm_needs:
            self.state.calm_credit -= self.difficulty.calm_needs
            index += 1
        self.state.mood = self.persona.moods[min(index, len(self.persona.moods) - 1)]

    def _finish(self, end: str, events: list[str], verdict: OfferVerdict | None) -> Reply:
        if end == "agreed" and "agreed" not in self.persona.say["ends"]:
            end = "ended"
        self.state.end = end
        text = self._pick(self.persona.say["ends"][end], f"end:{end}")
        return Reply(text, self.state.mood, tuple(events), end, self.state.committed, verdict)


def explore(persona: Persona, difficulty: Difficulty, events: list[str],
            max_turns: int | None = None) -> tuple[set[str], set[str]]:
    """Moods and end states reachable by any sequence of single-event trainee turns.

    Used by the linter (a mood nobody can reach is a content bug) and by the tests.
    """
    from assistant.roleplay.acts import TurnReading

    limit = max_turns or difficulty.patience
    start = SimulatedBorrower(persona, "en", difficulty, seed=0)
    seen_states: set[tuple] = set()
    moods, ends = {start.state.mood}, set()
    frontier = [start.state.to_dict()]
    while frontier:
        state_data = frontier.pop()
        key = tuple(sorted((k, str(v)) for k, v in state_data.items()))
        if key in seen_states or state_data["turn"] >= limit:
            continue
        seen_states.add(key)
        for event in events:
            borrower = SimulatedBorrower(persona, "en", difficulty, 0,
                                         state=BorrowerState.from_dict(
                                             {**state_data,
                                              "used_once": list(state_data["used_once"])}))
            reply = _step_with_event(borrower, event, TurnReading)
            moods.add(borrower.state.mood)
            if reply.end:
                ends.add(reply.end)
            else:
                frontier.append(borrower.state.to_dict())
    return moods, ends


def _step_with_event(borrower: SimulatedBorrower, event: str, reading_cls: type) -> Reply:
    """Feed one synthetic turn made of a single event (an act or an offer verdict)."""
    facts = borrower.facts
    if event in OFFER_EVENTS:
        affordable = Decimal(str(facts["affordable_monthly"]))
        amount = {"plan_offer.affordable": affordable,
                  "plan_offer.unaffordable": affordable * 3}.get(event)
        text = f"{amount}" if amount is not None else ""
        return borrower.respond(reading_cls(("plan_offer",)), text)
    if event == NO_ACT:
        return borrower.respond(reading_cls(()), "")
    return borrower.respond(reading_cls((event,)), "")
