"""Checks on role-play content beyond its JSON Schemas: references between files, moods,
placeholders, reachability, and that the act cues build into spaCy matchers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

from assistant.content.schema import ObjectionTopic
from assistant.errors import ContentError
from assistant.roleplay.content import Persona, Problem, RoleplayContent, Rubric
from assistant.roleplay.simulator import NO_ACT, OFFER_EVENTS, explore, placeholders

RUNTIME_PLACEHOLDERS = {"offered"}
OBJECTION_TOPICS: tuple[str, ...] = get_args(ObjectionTopic)


def semantic_problems(content: RoleplayContent) -> list[Problem]:
    problems: list[Problem] = []
    events = known_events(content)
    for persona in content.personas.values():
        problems += list(_persona_problems(persona, events))
        for mood in persona.moods:
            if mood not in content.mood_names:
                problems.append(Problem(persona.source, f"mood {mood!r} has no display name in "
                                        "moods.yaml", item=persona.id))
    criteria_ids = {c.id for r in content.rubrics.values() for c in r.criteria}
    for persona in content.personas.values():
        for skipped in persona.skip_criteria:
            if skipped not in criteria_ids:
                problems.append(Problem(persona.source, f"skip_criteria: {skipped!r} is not a "
                                        "criterion of any rubric", item=persona.id))
    for rubric in content.rubrics.values():
        problems += list(_rubric_problems(rubric, content))
    if "standard" not in content.rubrics:
        problems.append(Problem(str(content.root / "rubrics"), "the standard rubric "
                                "(rubrics/standard.yaml) is missing; it is the default"))
    if "normal" not in content.difficulties:
        problems.append(Problem(str(content.root / "difficulty.yaml"),
                                "level 'normal' is missing; it is the default"))
    problems += _cue_problems(content)
    return problems


def known_events(content: RoleplayContent) -> set[str]:
    from assistant.compliance.rules import CATEGORIES

    return ({*content.acts, *OFFER_EVENTS, NO_ACT}
            | {f"violation:{c}" for c in CATEGORIES})


def _lines_of(persona: Persona) -> Iterator[tuple[str, str]]:
    say = persona.say
    blocks = [("opening", say["opening"]), *[(f"moods.{m}", v) for m, v in say["moods"].items()],
              *[(f"ends.{e}", v) for e, v in say["ends"].items()]]
    blocks += [(k, say[k]) for k in ("committed", "committed_deferral", "confirmed") if k in say]
    blocks += [(f"reactions.{i}.say", r.say) for i, r in enumerate(persona.reactions) if r.say]
    for where, lines in blocks:
        for lang, alternatives in lines.items():
            for line in alternatives:
                yield f"{where}.{lang}", line


def _persona_problems(persona: Persona, events: set[str]) -> Iterator[Problem]:
    def problem(text: str) -> Problem:
        return Problem(persona.source, text, item=persona.id)

    moods = set(persona.moods)
    if persona.opening_mood not in moods:
        yield problem(f"opening_mood {persona.opening_mood!r} is not one of the moods")
        return
    if persona.commit_from is not None and persona.commit_from not in moods:
        yield problem(f"commit_from {persona.commit_from!r} is not one of the moods")
    if persona.commit_from is not None:
        for key in ("committed", "confirmed"):
            if key not in persona.say:
                yield problem(f"say.{key} is required when commit_from is set")
        if "agreed" not in persona.say["ends"]:
            yield problem("say.ends.agreed is required when commit_from is set")
    if persona.objection is not None and persona.objection not in OBJECTION_TOPICS:
        yield problem(f"objection {persona.objection!r} is not an objection topic of the script "
                      f"library ({', '.join(OBJECTION_TOPICS)})")
    if persona.kind == "third_party" and "critical_failure" not in persona.say["ends"]:
        yield problem("a third_party persona needs say.ends.critical_failure (debt disclosed)")
    for mood in persona.moods:
        if mood not in persona.say["moods"]:
            yield problem(f"say.moods.{mood} is missing: what does the persona say when {mood}?")
    for mood in persona.say["moods"]:
        if mood not in moods:
            yield problem(f"say.moods.{mood}: {mood!r} is not one of the moods")
    for index, reaction in enumerate(persona.reactions):
        for event in reaction.events:
            if event not in events:
                yield problem(f"reactions.{index}: unknown event {event!r}")
        for bound in (reaction.mood_at_most, reaction.mood_at_least):
            if bound is not None and bound not in moods:
                yield problem(f"reactions.{index}: {bound!r} is not one of the moods")
        if reaction.end and reaction.end not in persona.say["ends"]:
            yield problem(f"reactions.{index}: ends the call as {reaction.end!r} but "
                          f"say.ends.{reaction.end} is missing")
    allowed = set(persona.facts["zh"]) & set(persona.facts["en"]) | RUNTIME_PLACEHOLDERS
    for where, line in _lines_of(persona):
        try:
            unknown = placeholders(line) - allowed
        except ValueError as exc:
            yield problem(f"say.{where}: bad placeholder ({exc}) in {line!r}")
            continue
        for name in sorted(unknown):
            yield problem(f"say.{where}: unknown placeholder {{{name}}} (facts: "
                          f"{', '.join(sorted(allowed))})")


def reachability_problems(content: RoleplayContent) -> list[Problem]:
    """Moods and declared end lines that no sequence of trainee turns can reach."""
    problems = []
    difficulty = content.difficulties.get("normal")
    if difficulty is None:
        return problems
    events = sorted(known_events(content) - {"plan_offer"} - {e for e in known_events(content)
                                                              if e.startswith("violation:")})
    for persona in content.personas.values():
        moods, ends = explore(persona, difficulty, events)
        for mood in persona.moods:
            if mood not in moods:
                problems.append(Problem(persona.source, f"mood {mood!r} can never be reached",
                                        item=persona.id))
        for end in persona.end_states():
            if end not in ends:
                problems.append(Problem(persona.source, f"end {end!r} can never be reached",
                                        item=persona.id))
    return problems


def _rubric_problems(rubric: Rubric, content: RoleplayContent) -> Iterator[Problem]:
    seen: set[str] = set()
    for criterion in rubric.criteria:
        if criterion.id in seen:
            yield Problem(rubric.source, f"duplicate criterion id {criterion.id!r}", item=rubric.id)
        seen.add(criterion.id)
        evidence = criterion.evidence
        acts = list(evidence.get("present", []))
        if "before" in evidence:
            acts += evidence["before"]["first"] + evidence["before"]["then"]
        for act in acts:
            if act not in content.acts:
                yield Problem(rubric.source, f"criterion {criterion.id}: unknown act {act!r}",
                              item=rubric.id)
        if "partial" in criterion.feedback or "affordable_offer" not in evidence:
            continue
        yield Problem(rubric.source, f"criterion {criterion.id}: affordable_offer needs "
                      "feedback.partial (an offer whose amount cannot be judged)", item=rubric.id)
    for name, template in (("quote", rubric.quote), ("suggest", rubric.suggest)):
        expected = {"turn", "text"} if name == "quote" else {"text"}
        for lang, text in template.items():
            if placeholders(text) - expected:
                yield Problem(rubric.source, f"{name}.{lang}: only {{{'}, {'.join(sorted(expected))}}} "
                              "may be used", item=rubric.id)


def _cue_problems(content: RoleplayContent) -> list[Problem]:
    from assistant.roleplay.acts import build_pipeline

    problems = []
    for lang, cues in content.cues.items():
        try:
            build_pipeline(lang, cues)
        except ContentError as exc:
            problems.append(Problem(f"scripts_library/roleplay/acts/{lang}.yaml", exc.problem,
                                    item=exc.item))
    return problems
