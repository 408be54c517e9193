"""The guided session: start (behind the contact-policy gate), advance, end, replay.

A session walks one flow of the script library for one case. Every step shown, branch taken
and plan offered is stored as a SessionEvent with the text exactly as the collector saw it,
so a session replays the same even after the library changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from assistant import audit
from assistant.compliance.contact_policy import Attempt, Decision, evaluate, load_policy, utc
from assistant.content.library import Library, load_library
from assistant.content.schema import OUTCOMES, Flow, Step
from assistant.errors import InvalidInput, NotFound, PermissionDenied
from assistant.guidance.context import StepView, case_context, render_step
from assistant.guidance.models import (
    ContactAttempt,
    EventType,
    GuidedSession,
    SessionEvent,
    SessionStatus,
)
from assistant.guidance.plans import compute_offers, offer_context
from assistant.models import Case, Role, User, utcnow

NO_CONVERSATION_OUTCOMES = {"no_contact", "wrong_party", "visit_postponed"}
OUTCOMES_IN_ORDER = OUTCOMES  # the order the end form lists them in


class ContactBlocked(PermissionDenied):
    """The contact policy blocks this call or visit; nobody can bypass it."""

    def __init__(self, decision: Decision):
        self.decision = decision
        super().__init__("contact policy blocks this contact: "
                         + "; ".join(r.message["en"] for r in decision.reasons))


class WarningsNotAcknowledged(InvalidInput):
    """The contact policy warns; the collector must acknowledge before starting."""

    def __init__(self, decision: Decision):
        self.decision = decision
        super().__init__("acknowledge the contact-policy warnings first: "
                         + "; ".join(r.message["en"] for r in decision.reasons))


@dataclass
class Paths:
    scripts_dir: Path
    rules_dir: Path


@lru_cache(maxsize=4)
def _library_cached(scripts_dir: Path, signature: tuple) -> Library:
    return load_library(scripts_dir)


_signatures: dict[Path, tuple[float, tuple]] = {}
RESCAN_SECONDS = 2.0  # how soon an edited library file is picked up


def library_for(scripts_dir: Path) -> Library:
    """The script library, re-read when any of its files changes."""
    root = Path(scripts_dir)
    checked_at, signature = _signatures.get(root, (0.0, ()))
    if time.monotonic() - checked_at > RESCAN_SECONDS:
        signature = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in root.rglob("*.yaml")))
        _signatures[root] = (time.monotonic(), signature)
    return _library_cached(root, signature)


def choose_flow(library: Library, case: Case, channel: str) -> Flow:
    """The flow for this channel in the case's language that serves its jurisdiction."""
    candidates = [f for f in library.flows.values()
                  if f.channel == channel and case.jurisdiction in f.jurisdictions]
    for flow in sorted(candidates, key=lambda f: (f.language != case.language, f.id)):
        return flow
    raise InvalidInput(f"no {channel} flow serves jurisdiction {case.jurisdiction!r} "
                       f"(case {case.reference})")


def step_of(flow: Flow, step_id: str) -> Step:
    for step in flow.steps:
        if step.id == step_id:
            return step
    raise NotFound(f"step {step_id!r} is not in flow {flow.id}")


def attempts_for(db: Session, case_id: int) -> list[Attempt]:
    """Past attempts the policy counts; a visit called off at the checklist never happened."""
    rows = db.exec(select(ContactAttempt).where(ContactAttempt.case_id == case_id,
                                                ContactAttempt.outcome != "visit_postponed"))
    return [Attempt(utc(row.at), row.channel, row.conversation) for row in rows]


def check_contact(db: Session, case: Case, *, channel: str, staff_count: int, rules_dir: Path,
                  now: datetime | None = None) -> Decision:
    """The contact-policy decision for calling or visiting this case now."""
    policy = load_policy(rules_dir, case.jurisdiction)
    return evaluate(policy, now=now or utcnow(), timezone=case.timezone, channel=channel,
                    attempts=attempts_for(db, case.id), cease_contact=case.cease_contact,
                    has_lawyer=case.has_lawyer, prefers_written=case.prefers_written,
                    staff_count=staff_count)


def _record(db: Session, session: GuidedSession, actor: User | None, type_: EventType,
            step_id: str = "", **payload: Any) -> SessionEvent:
    last = db.exec(select(func.max(SessionEvent.seq))
                   .where(SessionEvent.session_id == session.id)).one()
    event = SessionEvent(session_id=session.id, seq=(last or 0) + 1, type=type_.value,
                         step_id=step_id, payload=payload, actor_id=actor.id if actor else None)
    db.add(event)
    db.flush()
    return event


def _compute_offers(library: Library, case: Case, today: date, affordable: Decimal | None,
                    lang: str) -> tuple[list[dict], dict[str, Any]]:
    policy = library.policy_for(case.product)
    offers = compute_offers(balance=Decimal(case.balance), principal=Decimal(case.principal),
                            policy=policy, days_past_due=case.days_past_due, today=today,
                            affordable_monthly=affordable)
    return [o.to_dict() | {"policy": policy.id} for o in offers], offer_context(offers, lang)


def start_session(db: Session, *, case: Case, user: User, channel: str, paths: Paths,
                  staff_count: int = 1, acknowledge_warnings: bool = False,
                  now: datetime | None = None) -> GuidedSession:
    """Open a session behind the contact-policy gate and show the first step."""
    if user.role != Role.collector or case.assigned_collector_id != user.id:
        raise PermissionDenied("only the case's assigned collector can start a session")
    if channel not in ("call", "visit"):
        raise InvalidInput(f"channel: expected call or visit, got {channel!r}")
    if not 1 <= staff_count <= 6:
        raise InvalidInput("staff_count: between 1 and 6")
    now = now or utcnow()
    decision = check_contact(db, case, channel=channel, staff_count=staff_count,
                             rules_dir=paths.rules_dir, now=now)
    if decision.blocked:
        audit.record(db, user, "guidance.session_blocked", case, decision=decision.to_dict())
        db.commit()
        raise ContactBlocked(decision)
    if decision.verdict == "warn" and not acknowledge_warnings:
        raise WarningsNotAcknowledged(decision)
    library = library_for(paths.scripts_dir)
    flow = choose_flow(library, case, channel)
    offers, values = _compute_offers(library, case, now.date(), None, flow.language)
    session = GuidedSession(case_id=case.id, collector_id=user.id, flow_id=flow.id,
                            library_version=library.version, channel=channel,
                            language=flow.language, jurisdiction=case.jurisdiction,
                            staff_count=staff_count, current_step=flow.start,
                            state={"offers": offers, "offer_values": values, "affordable": None,
                                   "today": now.date().isoformat()},
                            policy=decision.to_dict(), started_at=now)
    db.add(session)
    db.flush()
    db.add(ContactAttempt(case_id=case.id, user_id=user.id, channel=channel, at=now,
                          session_id=session.id))
    if decision.verdict == "warn":
        _record(db, session, user, EventType.policy_warning_ack, decision=decision.to_dict())
    _show(db, session, user, library, flow, case)
    audit.record(db, user, "guidance.session_started", session, case_id=case.id,
                 flow=flow.id, verdict=decision.verdict)
    db.commit()
    db.refresh(session)
    return session


def current_view(db: Session, session: GuidedSession, paths: Paths) -> StepView:
    library = library_for(paths.scripts_dir)
    flow = flow_of(library, session)
    case = db.get(Case, session.case_id)
    collector = db.get(User, session.collector_id)
    return _view(library, flow, session, case, collector)


def flow_of(library: Library, session: GuidedSession) -> Flow:
    flow = library.flows.get(session.flow_id)
    if flow is None:
        raise NotFound(f"flow {session.flow_id!r} is no longer in the script library")
    return flow


def _view(library: Library, flow: Flow, session: GuidedSession, case: Case,
          collector: User) -> StepView:
    today = date.fromisoformat(session.state.get("today") or utcnow().date().isoformat())
    context = case_context(case, collector, today, session.state.get("offer_values"))
    return render_step(library, flow, step_of(flow, session.current_step), session.jurisdiction,
                       context, session.state.get("offers", []))


def _show(db: Session, session: GuidedSession, user: User, library: Library, flow: Flow,
          case: Case) -> StepView:
    view = _view(library, flow, session, case, user)
    _record(db, session, user, EventType.step_shown, view.id, title=view.title,
            lines=[vars(line) for line in view.lines], end=view.end)
    if view.show_offers:
        _record(db, session, user, EventType.plan_offered, view.id, offers=view.offers,
                affordable=session.state.get("affordable"))
    return view


def _require_active(session: GuidedSession, user: User) -> None:
    if session.collector_id != user.id:
        raise PermissionDenied("only the session's collector can change it")
    if session.status != SessionStatus.active:
        raise InvalidInput(f"session {session.id} has ended")


def advance(db: Session, session: GuidedSession, user: User, response_id: str, *, paths: Paths,
            checked: list[str] | None = None, offer_index: int | None = None) -> StepView:
    """Take the borrower's response from the current step and show the next step."""
    _require_active(session, user)
    library = library_for(paths.scripts_dir)
    flow = flow_of(library, session)
    step = step_of(flow, session.current_step)
    response = next((r for r in step.responses if r.id == response_id), None)
    if response is None:
        raise InvalidInput(f"response: {response_id!r} is not a choice at step {step.id!r}")
    checked = list(checked or [])
    if response.requires_checklist:
        library_items = [library.snippets[i] for i in step.snippets]
        missing = [item.id for item in library_items
                   if session.jurisdiction in item.jurisdictions and item.id not in checked]
        if missing:
            raise InvalidInput("checklist: tick every item first; missing " + ", ".join(missing))
    chosen_offer = None
    if response.takes_offer:
        offers = session.state.get("offers", [])
        if offer_index is None or not 0 <= offer_index < len(offers):
            raise InvalidInput(f"offer: choose one of the {len(offers)} offers")
        chosen_offer = offers[offer_index]
        session.state = session.state | {"accepted_offer": chosen_offer}
    _record(db, session, user, EventType.branch_taken, step.id, response=response.id,
            label=response.label.model_dump(), next=response.next, checked=checked,
            offer=chosen_offer)
    session.current_step = response.next
    db.add(session)
    view = _show(db, session, user, library, flow, db.get(Case, session.case_id))
    db.commit()
    return view


def set_affordability(db: Session, session: GuidedSession, user: User, amount: str,
                      *, paths: Paths) -> StepView:
    """Recompute the offers from what the borrower says they can pay each month."""
    _require_active(session, user)
    try:
        affordable = Decimal(str(amount).replace(",", "").strip())
    except InvalidOperation as exc:
        raise InvalidInput(f"affordable: {amount!r} is not an amount") from exc
    if affordable < 0 or affordable > Decimal("100000000"):
        raise InvalidInput("affordable: must be between 0 and 100,000,000")
    library = library_for(paths.scripts_dir)
    case = db.get(Case, session.case_id)
    today = date.fromisoformat(session.state["today"])
    offers, values = _compute_offers(library, case, today, affordable, session.language)
    session.state = session.state | {"offers": offers, "offer_values": values,
                                     "affordable": str(affordable)}
    db.add(session)
    flow = flow_of(library, session)
    view = _view(library, flow, session, case, user)
    _record(db, session, user, EventType.plan_offered, session.current_step, offers=offers,
            affordable=str(affordable))
    db.commit()
    return view


def end_session(db: Session, session: GuidedSession, user: User, outcome: str, *,
                amount: str | None = None, pay_date: str | None = None,
                comment: str = "") -> GuidedSession:
    """Close the session with its outcome; a promise to pay needs an amount and a date."""
    _require_active(session, user)
    if outcome not in OUTCOMES:
        raise InvalidInput(f"outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    detail: dict[str, Any] = {"comment": comment.strip()[:2000]}
    if outcome == "promise_to_pay":
        detail |= _promise_detail(amount, pay_date, session)
    now = utcnow()
    session.status, session.outcome, session.outcome_detail = SessionStatus.ended, outcome, detail
    session.ended_at = now
    db.add(session)
    attempt = db.exec(select(ContactAttempt).where(ContactAttempt.session_id == session.id)).first()
    if attempt is not None:
        attempt.outcome = outcome
        attempt.conversation = outcome not in NO_CONVERSATION_OUTCOMES
        db.add(attempt)
    _record(db, session, user, EventType.ended, session.current_step, outcome=outcome, **detail)
    audit.record(db, user, "guidance.session_ended", session, outcome=outcome)
    db.commit()
    db.refresh(session)
    return session


def _promise_detail(amount: str | None, pay_date: str | None,
                    session: GuidedSession) -> dict[str, str]:
    try:
        value = Decimal(str(amount or "").replace(",", "").strip())
    except InvalidOperation as exc:
        raise InvalidInput(f"amount: {amount!r} is not an amount") from exc
    if value <= 0:
        raise InvalidInput("amount: a promise to pay needs an amount above 0")
    try:
        when = date.fromisoformat(str(pay_date or ""))
    except ValueError as exc:
        raise InvalidInput(f"pay_date: {pay_date!r} is not a date (yyyy-mm-dd)") from exc
    if when < date.fromisoformat(session.state["today"]):
        raise InvalidInput("pay_date: the promised date is in the past")
    return {"amount": str(value.quantize(Decimal("0.01"))), "pay_date": when.isoformat()}


def session_for_user(db: Session, session_id: int, user: User) -> GuidedSession:
    """A collector sees only their own sessions; QA, trainers and admins can replay any."""
    session = db.get(GuidedSession, session_id)
    if session is None or (user.role == Role.collector and session.collector_id != user.id):
        raise NotFound(f"session {session_id} not found")
    return session


def sessions_visible_to(db: Session, user: User, limit: int = 100) -> list[GuidedSession]:
    """Recent sessions: a collector's own, or everyone's for QA, trainers and admins."""
    query = select(GuidedSession).order_by(GuidedSession.started_at.desc()).limit(limit)
    if user.role == Role.collector:
        query = query.where(GuidedSession.collector_id == user.id)
    return list(db.exec(query))


def sessions_of_case(db: Session, case_id: int, limit: int = 20) -> list[GuidedSession]:
    return list(db.exec(select(GuidedSession).where(GuidedSession.case_id == case_id)
                        .order_by(GuidedSession.started_at.desc()).limit(limit)))


def events_of(db: Session, session_id: int) -> list[SessionEvent]:
    return list(db.exec(select(SessionEvent).where(SessionEvent.session_id == session_id)
                        .order_by(SessionEvent.seq)))


def replay_path(flow: Flow, events: list[SessionEvent]) -> list[str]:
    """The steps a session went through, re-walked from its branch events; checks each move."""
    path = [flow.start]
    for event in events:
        if event.type != EventType.branch_taken:
            continue
        step = step_of(flow, path[-1])
        response = next((r for r in step.responses if r.id == event.payload.get("response")), None)
        if response is None or event.step_id != step.id:
            raise InvalidInput(f"event {event.seq}: {event.payload.get('response')!r} is not a "
                               f"choice at step {step.id!r}")
        path.append(response.next)
    return path


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
