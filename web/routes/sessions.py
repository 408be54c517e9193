"""Guided sessions: the collector console (pages + HTMX partials) and the JSON API.

Thin: every rule lives in assistant.guidance; this module turns requests into calls.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from assistant import cases
from assistant.errors import InvalidInput
from assistant.guidance import engine, notes
from assistant.guidance.engine import ContactBlocked, Paths, WarningsNotAcknowledged
from assistant.guidance.models import GuidedSession, SessionStatus
from assistant.models import Case, Role, User
from web.deps import CollectorUser, CurrentUser, DbSession, SettingsDep
from web.i18n import gettext_ as _
from web.templating import render

router = APIRouter()


def _paths(settings) -> Paths:
    return Paths(scripts_dir=settings.scripts_dir, rules_dir=settings.rules_dir)


def _is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))


# --- pages and partials ----------------------------------------------------------------------

@router.get("/cases/{case_id}/sessions", include_in_schema=False)
def case_sessions_panel(case_id: int, request: Request, db: DbSession, user: CurrentUser,
                        settings: SettingsDep, staff_count: int = 2):
    """The case page's panel: contact-policy status, start buttons and past sessions.

    Choosing how many staff go on a visit reloads the panel (HTMX) with that number, so a
    one-person visit is warned about before the collector presses Start."""
    case = cases.get_for_user(db, case_id, user)
    staff_count = min(max(staff_count, 1), 6)
    context: dict[str, Any] = {"case": case, "sessions": engine.sessions_of_case(db, case.id),
                               "staff_count": staff_count}
    if user.role == Role.collector:
        context["gates"] = {
            channel: engine.check_contact(db, case, channel=channel,
                                          staff_count=staff_count if channel == "visit" else 2,
                                          rules_dir=settings.rules_dir)
            for channel in ("call", "visit")}
    return render(request, "sessions/_case_panel.html", context)


@router.post("/cases/{case_id}/sessions", include_in_schema=False)
def start_from_page(case_id: int, request: Request, db: DbSession, user: CollectorUser,
                    settings: SettingsDep, channel: Annotated[str, Form()],
                    staff_count: Annotated[int, Form()] = 1,
                    acknowledge: Annotated[bool, Form()] = False):
    case = cases.get_for_user(db, case_id, user)
    try:
        session = engine.start_session(db, case=case, user=user, channel=channel,
                                       paths=_paths(settings), staff_count=staff_count,
                                       acknowledge_warnings=acknowledge)
    except (ContactBlocked, WarningsNotAcknowledged) as exc:
        status = 403 if isinstance(exc, ContactBlocked) else 200
        return render(request, "sessions/gate.html",
                      {"case": case, "decision": exc.decision, "channel": channel,
                       "staff_count": staff_count}, status_code=status)
    return RedirectResponse(f"/sessions/{session.id}", status_code=303)


def _console_context(db, session: GuidedSession, settings) -> dict[str, Any]:
    case = db.get(Case, session.case_id)
    return {"session": session, "case": case,
            "view": engine.current_view(db, session, _paths(settings)),
            "outcomes": engine.OUTCOMES_IN_ORDER}


@router.get("/sessions", include_in_schema=False)
def session_list(request: Request, db: DbSession, user: CurrentUser):
    """Recent guided sessions, to continue one or replay its timeline."""
    sessions = engine.sessions_visible_to(db, user)
    case_ids = {s.case_id for s in sessions}
    people = {s.collector_id for s in sessions}
    return render(request, "sessions/list.html", {
        "sessions": sessions,
        "cases": {c.id: c for c in (db.get(Case, i) for i in case_ids) if c},
        "people": {u.id: u for u in (db.get(User, i) for i in people) if u}})


@router.get("/sessions/{session_id}", include_in_schema=False)
def console(session_id: int, request: Request, db: DbSession, user: CurrentUser,
            settings: SettingsDep):
    session = engine.session_for_user(db, session_id, user)
    if session.status != SessionStatus.active or session.collector_id != user.id:
        return RedirectResponse(f"/sessions/{session.id}/timeline", status_code=303)
    # The notes box checks as the collector types: load the rules now, not on the first key.
    notes.warm_checker(settings.rules_dir)
    return render(request, "sessions/console.html", _console_context(db, session, settings))


def _step_response(request: Request, db, session: GuidedSession, settings,
                   error: str = "", **extra: Any) -> Response:
    if _is_htmx(request):
        # 200 even with an error: HTMX swaps only successful answers, and the collector must
        # see on the step itself why it did not move on.
        context = _console_context(db, session, settings) | {"error": error} | extra
        return render(request, "sessions/_step.html", context)
    if error:
        context = _console_context(db, session, settings) | {"error": error} | extra
        return render(request, "sessions/console.html", context, status_code=422)
    return RedirectResponse(f"/sessions/{session.id}", status_code=303)


def _ended_response(request: Request, session: GuidedSession) -> Response:
    """A change sent to a session that has already ended (Back button, second tab, double
    click): say so and point to the timeline instead of an error page."""
    if _is_htmx(request):
        return render(request, "sessions/_ended.html", {"session": session})
    return render(request, "sessions/ended.html", {"session": session}, status_code=409)


def _ended(session: GuidedSession) -> bool:
    return session.status != SessionStatus.active


def _advance_error(message: str) -> str:
    """The engine's field-prefixed message as a sentence for the step."""
    field = message.split(":", 1)[0]
    if field == "checklist":
        return _("Tick every item on the checklist before you go on.")
    if field == "offer":
        return _("Choose one of the offers first.")
    if field == "response":
        return _("That answer is not available at this step. Reload the page and try again.")
    return message


@router.post("/sessions/{session_id}/advance", include_in_schema=False)
def advance_from_page(session_id: int, request: Request, db: DbSession, user: CollectorUser,
                      settings: SettingsDep, response: Annotated[str, Form()],
                      checked: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI form default
                      offer_index: Annotated[int | None, Form()] = None):
    session = engine.session_for_user(db, session_id, user)
    if _ended(session):
        return _ended_response(request, session)
    try:
        engine.advance(db, session, user, response, paths=_paths(settings), checked=checked,
                       offer_index=offer_index)
    except InvalidInput as exc:  # shown on the step itself (e.g. an unticked checklist item)
        db.rollback()
        return _step_response(request, db, session, settings, error=_advance_error(str(exc)))
    return _step_response(request, db, session, settings)


@router.post("/sessions/{session_id}/affordability", include_in_schema=False)
def affordability_from_page(session_id: int, request: Request, db: DbSession,
                            user: CollectorUser, settings: SettingsDep,
                            amount: Annotated[str, Form()]):
    session = engine.session_for_user(db, session_id, user)
    if _ended(session):
        return _ended_response(request, session)
    try:
        engine.set_affordability(db, session, user, amount, paths=_paths(settings))
    except InvalidInput as exc:
        db.rollback()
        message = (_("Enter an amount between 0 and 100,000,000.") if "between" in str(exc)
                   else _("Enter the monthly amount as a number, such as 300."))
        return _step_response(request, db, session, settings, error=message,
                              affordable_input=amount)
    return _step_response(request, db, session, settings)


@router.post("/sessions/{session_id}/notes/check", include_in_schema=False)
def check_note_partial(session_id: int, request: Request, db: DbSession, user: CollectorUser,
                       settings: SettingsDep, text: Annotated[str, Form()] = ""):
    """Live check while typing: highlights and rewrite suggestions, nothing stored."""
    session = engine.session_for_user(db, session_id, user)
    if _ended(session):
        return _ended_response(request, session)
    findings = notes.check_note(text, jurisdiction=session.jurisdiction,
                                rules_dir=settings.rules_dir) if text.strip() else []
    return render(request, "sessions/_note_check.html",
                  {"session": session, "text": text, "findings": findings,
                   "segments": notes.segments(text, findings)})


@router.post("/sessions/{session_id}/notes", include_in_schema=False)
def save_note_from_page(session_id: int, request: Request, db: DbSession, user: CollectorUser,
                        settings: SettingsDep, text: Annotated[str, Form()],
                        confirm: Annotated[bool, Form()] = False):
    session = engine.session_for_user(db, session_id, user)
    if _ended(session):
        return _ended_response(request, session)
    if not text.strip():
        return render(request, "sessions/_note_saved.html",
                      {"session": session, "note_error": _("Write the note before saving it.")})
    try:
        event, findings = notes.add_note(db, session, user, text, rules_dir=settings.rules_dir,
                                         confirm=confirm)
    except notes.NoteNeedsConfirmation as exc:
        return render(request, "sessions/_note_saved.html",
                      {"session": session, "text": text.strip(), "findings": exc.findings,
                       "segments": notes.segments(text.strip(), exc.findings),
                       "needs_confirmation": True})
    return render(request, "sessions/_note_saved.html",
                  {"session": session, "text": event.payload["text"], "findings": findings,
                   "segments": notes.segments(event.payload["text"], findings),
                   "event": event, "needs_confirmation": False})


def _end_error(message: str) -> str:
    """The engine's field-prefixed message as a sentence for the end form."""
    field = message.split(":", 1)[0]
    if field == "amount":
        if "above 0" in message:
            return _("Enter the amount promised; it must be more than 0.")
        return _("Enter the amount promised, as a number such as 250.00.")
    if field == "pay_date":
        if "past" in message:
            return _("The promised date cannot be in the past.")
        return _("Enter the date the borrower promised to pay.")
    if field == "outcome":
        return _("Choose an outcome.")
    return message


@router.post("/sessions/{session_id}/end", include_in_schema=False)
def end_from_page(session_id: int, request: Request, db: DbSession, user: CollectorUser,
                  settings: SettingsDep, outcome: Annotated[str, Form()] = "",
                  amount: Annotated[str, Form()] = "",
                  pay_date: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = ""):
    session = engine.session_for_user(db, session_id, user)
    if _ended(session):
        return _ended_response(request, session)
    try:
        engine.end_session(db, session, user, outcome, amount=amount or None,
                           pay_date=pay_date or None, comment=comment)
    except InvalidInput as exc:
        db.rollback()
        context = _console_context(db, session, settings) | {
            "end_error": _end_error(str(exc)),
            "end_form": {"outcome": outcome, "amount": amount, "pay_date": pay_date,
                         "comment": comment}}
        if _is_htmx(request):  # 200: HTMX swaps only successful answers
            return render(request, "sessions/_step.html", context)
        return render(request, "sessions/console.html", context, status_code=422)
    timeline = f"/sessions/{session.id}/timeline"
    if _is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": timeline})
    return RedirectResponse(timeline, status_code=303)


def _staff_time(timezone: str, pattern: str = "%Y-%m-%d %H:%M"):
    """Stored (UTC) moments in one zone, labelled: 2026-11-23 21:10 (Asia/Shanghai)."""
    zone = ZoneInfo(timezone)

    def show(moment: datetime | None, pattern: str = pattern) -> str:
        if moment is None:
            return ""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return f"{aware.astimezone(zone).strftime(pattern)} ({zone.key})"

    return show


@router.get("/sessions/{session_id}/timeline", include_in_schema=False)
def timeline_page(session_id: int, request: Request, db: DbSession, user: CurrentUser,
                  settings: SettingsDep):
    session = engine.session_for_user(db, session_id, user)
    case = db.get(Case, session.case_id)
    # The flow's title as the collector saw it; the id alone if the library no longer has it.
    flow = engine.library_for(settings.scripts_dir).flows.get(session.flow_id)
    return render(request, "sessions/timeline.html",
                  {"flow_title": flow.title if flow else None, "staff_time": _staff_time(settings.timezone),
                   "borrower_time": _staff_time(case.timezone) if case else _staff_time("UTC"),
                   "session": session, "case": case, "events": engine.events_of(db, session.id),
                   "collector": db.get(User, session.collector_id)})


# --- JSON API ---------------------------------------------------------------------------------

class StartIn(BaseModel):
    channel: Literal["call", "visit"]
    staff_count: int = Field(default=1, ge=1, le=6)
    acknowledge_warnings: bool = False


class ReasonOut(BaseModel):
    code: str
    level: Literal["block", "warn"]
    message: dict[str, str]
    citation: str


class DecisionOut(BaseModel):
    verdict: Literal["allow", "warn", "block"]
    local_time: str
    reasons: list[ReasonOut]


class StepOut(BaseModel):
    id: str
    title: dict[str, str]
    checklist: bool
    show_offers: bool
    end: str | None
    lines: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    offers: list[dict[str, Any]]


class EventOut(BaseModel):
    seq: int
    type: str
    step_id: str
    at: datetime
    actor_id: int | None
    payload: dict[str, Any]


class SessionOut(BaseModel):
    id: int
    case_id: int
    collector_id: int
    flow_id: str
    library_version: str
    channel: str
    language: str
    jurisdiction: str
    status: str
    outcome: str | None
    outcome_detail: dict[str, Any]
    policy: DecisionOut
    started_at: datetime
    ended_at: datetime | None
    current_step: StepOut | None
    events: list[EventOut]


class AdvanceIn(BaseModel):
    response: str = Field(description="Id of the borrower response picked at the current step")
    checked: list[str] = Field(default_factory=list, description="Ticked checklist items")
    offer_index: int | None = Field(default=None, description="Offer taken, for takes_offer")
    affordable: str | None = Field(
        default=None, description="Recompute offers from this monthly amount before advancing")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=notes.MAX_NOTE_CHARS)
    confirm: bool = Field(default=False, description="Save although a finding is critical")


class NoteOut(BaseModel):
    saved: bool
    needs_confirmation: bool
    flagged_for_qa: bool
    qa_note_id: int | None = None
    findings: list[dict[str, Any]]


class EndIn(BaseModel):
    outcome: str
    amount: str | None = None
    pay_date: str | None = None
    comment: str = ""


def _session_out(db, session: GuidedSession, settings) -> SessionOut:
    view = None
    if session.status == SessionStatus.active:
        view = StepOut(**engine.current_view(db, session, _paths(settings)).to_dict())
    return SessionOut(
        id=session.id, case_id=session.case_id, collector_id=session.collector_id,
        flow_id=session.flow_id, library_version=session.library_version,
        channel=session.channel, language=session.language, jurisdiction=session.jurisdiction,
        status=session.status, outcome=session.outcome, outcome_detail=session.outcome_detail,
        policy=DecisionOut(**session.policy), started_at=session.started_at,
        ended_at=session.ended_at, current_step=view,
        events=[EventOut(seq=e.seq, type=e.type, step_id=e.step_id, at=e.at,
                         actor_id=e.actor_id, payload=e.payload)
                for e in engine.events_of(db, session.id)])


@router.post("/api/cases/{case_id}/sessions", status_code=201, response_model=SessionOut,
             tags=["sessions"],
             responses={403: {"description": "The contact policy blocks this contact"},
                        409: {"description": "Warnings must be acknowledged first"}})
def api_start(case_id: int, body: StartIn, db: DbSession, user: CollectorUser,
              settings: SettingsDep):
    """Start a guided call or visit for one of your cases, behind the contact-policy gate."""
    case = cases.get_for_user(db, case_id, user)
    try:
        session = engine.start_session(db, case=case, user=user, channel=body.channel,
                                       paths=_paths(settings), staff_count=body.staff_count,
                                       acknowledge_warnings=body.acknowledge_warnings)
    except ContactBlocked as exc:
        return JSONResponse({"detail": str(exc), "decision": exc.decision.to_dict()}, 403)
    except WarningsNotAcknowledged as exc:
        return JSONResponse({"detail": str(exc), "decision": exc.decision.to_dict()}, 409)
    return _session_out(db, session, settings)


@router.post("/api/sessions/{session_id}/advance", response_model=StepOut, tags=["sessions"])
def api_advance(session_id: int, body: AdvanceIn, db: DbSession, user: CollectorUser,
                settings: SettingsDep):
    """Pick the borrower's response at the current step; returns the next step."""
    session = engine.session_for_user(db, session_id, user)
    if body.affordable is not None:
        engine.set_affordability(db, session, user, body.affordable, paths=_paths(settings))
    view = engine.advance(db, session, user, body.response, paths=_paths(settings),
                          checked=body.checked, offer_index=body.offer_index)
    return StepOut(**view.to_dict())


@router.post("/api/sessions/{session_id}/notes", response_model=NoteOut, tags=["sessions"],
             responses={409: {"description": "A critical finding: resend with confirm=true"}})
def api_note(session_id: int, body: NoteIn, db: DbSession, user: CollectorUser,
             settings: SettingsDep):
    """Check and save a note at the current step (sent on to QA)."""
    session = engine.session_for_user(db, session_id, user)
    try:
        event, findings = notes.add_note(db, session, user, body.text,
                                         rules_dir=settings.rules_dir, confirm=body.confirm)
    except notes.NoteNeedsConfirmation as exc:
        out = NoteOut(saved=False, needs_confirmation=True, flagged_for_qa=False,
                      findings=[f.to_dict() for f in exc.findings])
        return JSONResponse(out.model_dump(), status_code=409)
    return NoteOut(saved=True, needs_confirmation=False,
                   flagged_for_qa=event.payload["flagged_for_qa"],
                   qa_note_id=event.payload["qa_note_id"], findings=[f.to_dict() for f in findings])


@router.post("/api/sessions/{session_id}/end", response_model=SessionOut, tags=["sessions"])
def api_end(session_id: int, body: EndIn, db: DbSession, user: CollectorUser,
            settings: SettingsDep):
    """End the session with its outcome (a promise to pay needs amount and pay_date)."""
    session = engine.session_for_user(db, session_id, user)
    engine.end_session(db, session, user, body.outcome, amount=body.amount,
                       pay_date=body.pay_date, comment=body.comment)
    return _session_out(db, session, settings)


@router.get("/api/sessions/{session_id}", response_model=SessionOut, tags=["sessions"])
def api_session(session_id: int, db: DbSession, user: CurrentUser, settings: SettingsDep):
    """The session with its current step and its full timeline of events."""
    session = engine.session_for_user(db, session_id, user)
    return _session_out(db, session, settings)

