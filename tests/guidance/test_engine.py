"""The session engine walks every branch of every flow, stores events, and replays them."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from assistant.config import PROJECT_ROOT
from assistant.content import load_library
from assistant.content.schema import Flow
from assistant.errors import InvalidInput, PermissionDenied
from assistant.guidance import engine
from assistant.guidance.engine import ContactBlocked, Paths, WarningsNotAcknowledged
from assistant.guidance.models import ContactAttempt, GuidedSession

PATHS = Paths(scripts_dir=PROJECT_ROOT / "scripts_library",
              rules_dir=PROJECT_ROOT / "compliance_rules")
LIBRARY = load_library(PATHS.scripts_dir)
# 11:00 local for each jurisdiction's demo time zone.
CASE_SETUP = {
    "cn": dict(jurisdiction="cn", language="zh", timezone="Asia/Shanghai", product="信用卡",
               now=datetime(2026, 11, 23, 3, 0, tzinfo=UTC)),
    "us": dict(jurisdiction="us", language="en", timezone="America/New_York",
               product="credit card", currency="USD", borrower_name="Jordan Miller",
               lender="Example Card Services", now=datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
    "uk": dict(jurisdiction="uk", language="en", timezone="Europe/London",
               product="personal loan", currency="GBP", borrower_name="Alex Green",
               lender="Example Finance UK", now=datetime(2026, 11, 23, 11, 0, tzinfo=UTC)),
}


def shortest_path(flow: Flow, start: str, goal) -> list[tuple[str, str]]:
    """(step, response) moves from start to the first step for which goal(step) holds."""
    steps = {s.id: s for s in flow.steps}
    queue = deque([(start, [])])
    seen = {start}
    while queue:
        step_id, moves = queue.popleft()
        if goal(steps[step_id]):
            return moves
        for response in steps[step_id].responses:
            if response.next not in seen:
                seen.add(response.next)
                queue.append((response.next, moves + [(step_id, response.id)]))
    raise AssertionError(f"{flow.id}: no path from {start}")


def walks_covering_every_branch(flow: Flow) -> list[list[tuple[str, str]]]:
    """A set of start-to-end walks that together take every response of every step."""
    steps = {s.id: s for s in flow.steps}
    uncovered = {(s.id, r.id) for s in flow.steps for r in s.responses}
    walks = []
    while uncovered:
        target_step, target_response = sorted(uncovered)[0]
        moves = shortest_path(flow, flow.start, lambda s, t=target_step: s.id == t)
        moves.append((target_step, target_response))
        current = next(r.next for r in steps[target_step].responses if r.id == target_response)
        moves += shortest_path(flow, current, lambda s: s.end is not None)
        uncovered -= set(moves)
        walks.append(moves)
    return walks


def make_setup(make_case, collector, jurisdiction, **extra):
    setup = dict(CASE_SETUP[jurisdiction])
    now = setup.pop("now")
    return make_case(collector, **setup, **extra), now


@pytest.mark.parametrize("flow_id", sorted(LIBRARY.flows))
def test_every_branch_of_every_flow_is_walkable_and_ends(flow_id, db, make_user, make_case):
    flow = LIBRARY.flows[flow_id]
    collector = make_user("collector", display_name="Li Min")
    steps = {s.id: s for s in flow.steps}
    for moves in walks_covering_every_branch(flow):
        case, now = make_setup(make_case, collector, flow.jurisdictions[0])
        session = engine.start_session(db, case=case, user=collector, channel=flow.channel,
                                       paths=PATHS, staff_count=2, now=now,
                                       acknowledge_warnings=True)
        assert session.flow_id == flow.id
        for step_id, response_id in moves:
            assert session.current_step == step_id
            step = steps[step_id]
            response = next(r for r in step.responses if r.id == response_id)
            view = engine.advance(db, session, collector, response_id, paths=PATHS,
                                  checked=list(step.snippets) if step.checklist else None,
                                  offer_index=0 if response.takes_offer else None)
            assert view.lines, f"{flow.id}/{view.id} shows no text"
            assert all("{{" not in line.text for line in view.lines)
        assert steps[session.current_step].end is not None
        events = engine.events_of(db, session.id)
        assert engine.replay_path(flow, events)[-1] == session.current_step
        engine.end_session(db, session, collector, steps[session.current_step].end,
                           amount="500", pay_date=(now.date() + timedelta(days=3)).isoformat())


def test_steps_render_with_the_cases_facts(db, make_user, make_case):
    collector = make_user("collector", display_name="李敏")
    case, now = make_setup(make_case, collector, "cn", borrower_name="张三", balance="8800.00")
    session = engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                                   now=now)
    view = engine.current_view(db, session, PATHS)
    text = " ".join(line.text for line in view.lines)
    assert "张三" in text and "李敏" in text and "测试银行" in text
    view = engine.advance(db, session, collector, "borrower", paths=PATHS)
    view = engine.advance(db, session, collector, "verified", paths=PATHS)
    view = engine.advance(db, session, collector, "continue", paths=PATHS)
    assert "8,800.00" in " ".join(line.text for line in view.lines)


def test_plan_offer_step_shows_computed_offers_and_records_them(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "cn", balance="12000.00", principal="11000.00")
    session = engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                                   now=now)
    for response in ("borrower", "verified", "continue", "listens", "can_pay"):
        view = engine.advance(db, session, collector, response, paths=PATHS)
    assert view.id == "plan_offer" and view.offers
    kinds = [offer["kind"] for offer in view.offers]
    assert kinds[0] == "instalments"
    # 11,500 after the fee waiver; 1,150 first, then at most 1,200 a month fits 12 payments.
    view = engine.set_affordability(db, session, collector, "1200", paths=PATHS)
    plan = view.offers[0]
    assert plan["kind"] == "instalments"
    assert all(float(i["amount"]) <= 1200 for i in plan["instalments"][1:])
    offer_events = [e for e in engine.events_of(db, session.id) if e.type == "plan_offered"]
    assert len(offer_events) == 2 and offer_events[-1].payload["affordable"] == "1200"
    with pytest.raises(InvalidInput, match="offer"):
        engine.advance(db, session, collector, "accepts", paths=PATHS)
    engine.advance(db, session, collector, "accepts", paths=PATHS, offer_index=0)
    assert session.state["accepted_offer"]["kind"] == "instalments"


def test_checklist_must_be_complete_before_a_visit_starts(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "cn")
    session = engine.start_session(db, case=case, user=collector, channel="visit", paths=PATHS,
                                   staff_count=2, now=now)
    assert session.current_step == "checklist"
    with pytest.raises(InvalidInput, match="checklist.*checklist.safety"):
        engine.advance(db, session, collector, "ready", paths=PATHS,
                       checked=["checklist.two_staff", "checklist.id_badges"])
    items = [s.snippets for s in LIBRARY.flows["visit_cn"].steps if s.id == "checklist"][0]
    engine.advance(db, session, collector, "ready", paths=PATHS, checked=items)
    assert session.current_step == "arrive"


def test_blocked_contact_cannot_start_and_is_audited(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "cn", cease_contact=True)
    with pytest.raises(ContactBlocked) as blocked:
        engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                             now=now, acknowledge_warnings=True)
    assert blocked.value.decision.reasons[0].code == "cease_contact"
    assert db.exec(select(GuidedSession)).all() == []


def test_visit_alone_is_blocked(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "uk")
    with pytest.raises(ContactBlocked):
        engine.start_session(db, case=case, user=collector, channel="visit", paths=PATHS,
                             staff_count=1, now=now)


def test_warning_must_be_acknowledged_and_is_recorded(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "cn", prefers_written=True)
    with pytest.raises(WarningsNotAcknowledged):
        engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS, now=now)
    session = engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                                   now=now, acknowledge_warnings=True)
    first = engine.events_of(db, session.id)[0]
    assert first.type == "policy_warning_ack"
    assert first.payload["decision"]["reasons"][0]["code"] == "prefers_written"


def test_attempts_count_towards_the_daily_cap(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "cn")
    for minutes in (0, 30):
        session = engine.start_session(db, case=case, user=collector, channel="call",
                                       paths=PATHS, now=now + timedelta(minutes=minutes),
                                       acknowledge_warnings=True)
        engine.end_session(db, session, collector, "no_contact")
    third = engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                                 now=now + timedelta(hours=1), acknowledge_warnings=True)
    assert third.policy["verdict"] == "warn"
    engine.end_session(db, third, collector, "no_contact")
    with pytest.raises(ContactBlocked):
        engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                             now=now + timedelta(hours=2), acknowledge_warnings=True)
    attempts = db.exec(select(ContactAttempt).where(ContactAttempt.case_id == case.id)).all()
    assert [a.outcome for a in attempts] == ["no_contact"] * 3


def test_only_the_assigned_collector_can_start_or_change_a_session(db, make_user, make_case):
    owner, other = make_user("collector"), make_user("collector")
    case, now = make_setup(make_case, owner, "cn")
    with pytest.raises(PermissionDenied):
        engine.start_session(db, case=case, user=other, channel="call", paths=PATHS, now=now)
    with pytest.raises(PermissionDenied):
        engine.start_session(db, case=case, user=make_user("admin"), channel="call",
                             paths=PATHS, now=now)
    session = engine.start_session(db, case=case, user=owner, channel="call", paths=PATHS,
                                   now=now)
    with pytest.raises(PermissionDenied):
        engine.advance(db, session, other, "borrower", paths=PATHS)


def test_promise_to_pay_needs_amount_and_future_date(db, make_user, make_case):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, "cn")
    session = engine.start_session(db, case=case, user=collector, channel="call", paths=PATHS,
                                   now=now)
    with pytest.raises(InvalidInput, match="amount"):
        engine.end_session(db, session, collector, "promise_to_pay", amount="",
                           pay_date="2026-12-01")
    with pytest.raises(InvalidInput, match="pay_date"):
        engine.end_session(db, session, collector, "promise_to_pay", amount="300",
                           pay_date="2020-01-01")
    ended = engine.end_session(db, session, collector, "promise_to_pay", amount="1,300",
                               pay_date="2026-12-01")
    assert ended.outcome_detail["amount"] == "1300.00"
    with pytest.raises(InvalidInput, match="ended"):
        engine.advance(db, ended, collector, "borrower", paths=PATHS)


@pytest.mark.parametrize("jurisdiction, channel, shown, hidden", [
    ("us", "call", "disclosure.us.initial", "disclosure.uk.firm"),
    ("uk", "call", "disclosure.uk.firm", "disclosure.us.initial"),
    ("us", "visit", "disclosure.us.initial", "disclosure.uk.firm"),
])
def test_english_disclosure_step_shows_the_notice_of_the_cases_jurisdiction(
        db, make_user, make_case, jurisdiction, channel, shown, hidden):
    collector = make_user("collector")
    case, now = make_setup(make_case, collector, jurisdiction)
    session = engine.start_session(db, case=case, user=collector, channel=channel, paths=PATHS,
                                   staff_count=2, now=now)
    flow = LIBRARY.flows[session.flow_id]
    moves = shortest_path(flow, flow.start, lambda s: s.id == "disclosure")
    for step_id, response_id in moves:
        step = next(s for s in flow.steps if s.id == step_id)
        view = engine.advance(db, session, collector, response_id, paths=PATHS,
                              checked=list(step.snippets) if step.checklist else None)
    ids = [line.id for line in view.lines]
    assert shown in ids and hidden not in ids
    if jurisdiction == "us":
        assert any("attempt to collect a debt" in line.text for line in view.lines)
