"""Checks on how flows hang together: references, reachability, dead ends."""

from __future__ import annotations

from collections import deque

from assistant.content.library import Library, Problem
from assistant.content.schema import Flow


def reference_problems(library: Library) -> list[Problem]:
    """Unknown snippet ids, unknown next steps, snippets used where they do not apply."""
    problems: list[Problem] = []
    for flow in library.flows.values():
        path, line = library.place("flow", flow.id)
        step_ids = [step.id for step in flow.steps]
        seen: set[str] = set()
        for step_id in step_ids:
            if step_id in seen:
                problems.append(Problem(path, f"duplicate step id {step_id!r}", line, flow.id))
            seen.add(step_id)
        if flow.start not in seen:
            problems.append(Problem(path, f"start step {flow.start!r} does not exist", line,
                                    flow.id))
        for step in flow.steps:
            item = f"{flow.id}/{step.id}"
            path, line = library.step_place(flow.id, step.id)
            for snippet_id in step.snippets + step.alternatives:
                snippet = library.snippets.get(snippet_id)
                if snippet is None:
                    problems.append(Problem(path, f"unknown snippet {snippet_id!r}", line, item))
                    continue
                # A line may serve only some of the flow's jurisdictions (the US disclosure in
                # the English flow); the engine shows each case only the lines for its own.
                if not set(flow.jurisdictions) & set(snippet.jurisdictions):
                    problems.append(Problem(path, f"snippet {snippet_id!r} serves none of "
                                            f"{', '.join(flow.jurisdictions)}", line, item))
                if flow.channel not in snippet.channels:
                    problems.append(Problem(path, f"snippet {snippet_id!r} is not for "
                                            f"channel {flow.channel}", line, item))
            for jurisdiction in flow.jurisdictions:
                serving = [i for i in step.snippets if i in library.snippets
                           and jurisdiction in library.snippets[i].jurisdictions]
                if not serving:
                    problems.append(Problem(path, f"step shows nothing to say in {jurisdiction}",
                                            line, item))
            if step.checklist and not step.snippets:
                problems.append(Problem(path, "checklist step without items", line, item))
            response_ids: set[str] = set()
            for response in step.responses:
                if response.id in response_ids:
                    problems.append(Problem(path, f"duplicate response {response.id!r}", line,
                                            item))
                response_ids.add(response.id)
                if response.next not in seen:
                    problems.append(Problem(path, f"response {response.id!r} leads to unknown "
                                            f"step {response.next!r}", line, item))
                if response.requires_checklist and not step.checklist:
                    problems.append(Problem(path, f"response {response.id!r} requires a "
                                            "checklist but the step has none", line, item))
                if response.takes_offer and not step.show_offers:
                    problems.append(Problem(path, f"response {response.id!r} takes an offer "
                                            "but the step shows none", line, item))
    return problems


def reachable_steps(flow: Flow) -> set[str]:
    steps = {step.id: step for step in flow.steps}
    seen = {flow.start}
    queue = deque([flow.start])
    while queue:
        step = steps.get(queue.popleft())
        for response in step.responses if step else []:
            if response.next not in seen and response.next in steps:
                seen.add(response.next)
                queue.append(response.next)
    return seen


def steps_that_can_end(flow: Flow) -> set[str]:
    """Steps from which some path reaches an end step (the rest loop forever)."""
    can_end = {step.id for step in flow.steps if step.end is not None}
    changed = True
    while changed:
        changed = False
        for step in flow.steps:
            if step.id not in can_end and any(r.next in can_end for r in step.responses):
                can_end.add(step.id)
                changed = True
    return can_end


def graph_problems(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    for flow in library.flows.values():
        path, line = library.place("flow", flow.id)
        reachable = reachable_steps(flow)
        can_end = steps_that_can_end(flow)
        for step in flow.steps:
            item = f"{flow.id}/{step.id}"
            path, line = library.step_place(flow.id, step.id)
            if step.id not in reachable:
                problems.append(Problem(path, "unreachable step (no path from the start)", line,
                                        item))
            if step.id not in can_end:
                problems.append(Problem(path, "dead end: no path from here reaches an end step",
                                        line, item))
    return problems
