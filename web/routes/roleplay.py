"""Role-play pages (trainer builder and results, trainee chat and feedback) and its JSON API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import select

from assistant.errors import InvalidInput
from assistant.models import Role, Team, User
from assistant.roleplay.models import RoleplayRun, RoleplaySession, RoleplayTurn
from assistant.roleplay.service import Roleplay
from web.deps import CollectorUser, CurrentUser, DbSession, SettingsDep, TrainerUser
from web.templating import render

router = APIRouter()


def get_roleplay(request: Request, settings: SettingsDep) -> Roleplay:
    """One Roleplay per app: content, library and checker are loaded once."""
    roleplay = getattr(request.app.state, "roleplay", None)
    if roleplay is None:
        roleplay = Roleplay(settings.scripts_dir, settings.rules_dir)
        request.app.state.roleplay = roleplay
    return roleplay


RoleplayDep = Annotated[Roleplay, Depends(get_roleplay)]


def _ui_lang(request: Request) -> str:
    from web.i18n import current_locale

    return "zh" if current_locale().startswith("zh") else "en"


# --- trainer pages ---------------------------------------------------------------------------

@router.get("/roleplay")
def trainer_home(request: Request, db: DbSession, user: TrainerUser, roleplay: RoleplayDep):
    sessions = roleplay.list_sessions(db)
    runs = roleplay.runs(db)
    stats = {s.id: {"assigned": len(roleplay.assignees(db, s)),
                    "finished": sum(1 for r in runs if r.session_id == s.id
                                    and r.status == "finished")} for s in sessions}
    return render(request, "roleplay/trainer_home.html", {
        "sessions": sessions, "stats": stats, **_builder_options(request, db, roleplay)})


def _builder_options(request: Request, db, roleplay: Roleplay) -> dict[str, Any]:
    from assistant.roleplay.library import flows_for

    return {
        "lang": _ui_lang(request),
        "personas": list(roleplay.content.personas.values()),
        "rubrics": list(roleplay.content.rubrics.values()),
        "difficulties": list(roleplay.content.difficulties.values()),
        "flows": flows_for(roleplay.library),
        "trainees": list(db.exec(select(User).where(User.role == Role.collector,
                                                    User.active == True)  # noqa: E712
                                 .order_by(User.display_name))),
        "teams": list(db.exec(select(Team).order_by(Team.name))),
    }


@router.post("/roleplay/sessions")
def create_session_form(request: Request, db: DbSession, user: TrainerUser,
                        roleplay: RoleplayDep,
                        title: Annotated[str, Form()], persona_id: Annotated[str, Form()],
                        language: Annotated[str, Form()],
                        difficulty: Annotated[str, Form()] = "normal",
                        mode: Annotated[str, Form()] = "training",
                        rubric_id: Annotated[str, Form()] = "standard",
                        flow_id: Annotated[str, Form()] = "",
                        seed: Annotated[int, Form()] = 1,
                        trainee_ids: Annotated[list[int] | None, Form()] = None,
                        team_id: Annotated[str, Form()] = ""):
    try:
        session = roleplay.create_session(
            db, user, title=title, persona_id=persona_id, language=language,
            difficulty=difficulty, mode=mode, rubric_id=rubric_id, flow_id=flow_id, seed=seed,
            trainee_ids=trainee_ids or [], team_id=int(team_id) if team_id else None)
    except InvalidInput as exc:
        db.rollback()
        return render(request, "roleplay/trainer_home.html", {
            "sessions": roleplay.list_sessions(db), "stats": {}, "error": str(exc),
            "form": {"title": title, "persona_id": persona_id, "language": language},
            **_builder_options(request, db, roleplay)}, status_code=422)
    return RedirectResponse(f"/roleplay/sessions/{session.id}", status_code=303)


@router.get("/roleplay/sessions/{roleplay_session_id}")
def session_detail(roleplay_session_id: int, request: Request, db: DbSession, user: TrainerUser,
                   roleplay: RoleplayDep):
    session = roleplay.get_session(db, roleplay_session_id)
    runs = roleplay.runs(db, session_id=session.id)
    rubric = roleplay.content.rubric(session.rubric_id)
    lang = _ui_lang(request)
    flow = roleplay.library.flows.get(session.flow_id) if session.flow_id else None
    return render(request, "roleplay/session.html", {
        "flow_title": flow.title.get(lang) if flow else None, "session": session, "persona": roleplay.content.persona(session.persona_id),
        "difficulty": roleplay.content.difficulty(session.difficulty),
        "rubric": rubric, "assignees": roleplay.assignees(db, session),
        "results": roleplay.results_by_trainee(db, runs), "runs": runs,
        "users": {u.id: u for u in roleplay.assignees(db, session)}, "lang": lang})


def _staff_time(timezone: str):
    """Stored (UTC) moments in the team's zone, labelled: 2026-11-23 21:10 (Asia/Shanghai)."""
    zone = ZoneInfo(timezone)

    def show(moment: datetime | None) -> str:
        if moment is None:
            return ""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return f"{aware.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"

    return show


@router.get("/roleplay/results")
def results(request: Request, db: DbSession, user: TrainerUser, roleplay: RoleplayDep,
            settings: SettingsDep):
    runs = roleplay.runs(db, finished_only=True)
    return render(request, "roleplay/results.html", {
        "staff_time": _staff_time(settings.timezone),
        "results": roleplay.results_by_trainee(db, runs),
        "rubric": roleplay.content.rubric("standard"),
        "sessions": {s.id: s for s in roleplay.list_sessions(db)}, "lang": _ui_lang(request)})


@router.get("/roleplay/runs/{run_id}/replay")
def replay(run_id: int, request: Request, db: DbSession, user: TrainerUser,
           roleplay: RoleplayDep, step: int | None = None):
    run = roleplay.get_run(db, run_id, user)
    turns = roleplay.turns(db, run)
    last = len(turns) - 1
    step = last if step is None else max(0, min(step, last))
    return render(request, "roleplay/replay.html", {
        "run": run, "turns": turns, "step": step, "last": last,
        "persona": roleplay.content.persona(run.persona_id),
        "difficulty": roleplay.content.difficulty(run.difficulty),
        "mood_names": roleplay.content.mood_names,
        "trainee": db.get(User, run.trainee_id), "acts": roleplay.content.acts,
        "lang": _ui_lang(request)})


# --- trainee pages ---------------------------------------------------------------------------

@router.get("/roleplay/my")
def my_sessions(request: Request, db: DbSession, user: CollectorUser, roleplay: RoleplayDep):
    sessions = roleplay.sessions_for_trainee(db, user)
    runs = roleplay.runs(db, trainee_id=user.id)
    by_session: dict[int, list[RoleplayRun]] = {}
    for run in runs:
        by_session.setdefault(run.session_id or 0, []).append(run)
    return render(request, "roleplay/my.html", {
        "sessions": sessions, "runs": by_session, "lang": _ui_lang(request),
        "personas": roleplay.content.personas})


@router.post("/roleplay/sessions/{roleplay_session_id}/runs")
def start_run_form(roleplay_session_id: int, db: DbSession, user: CollectorUser,
                   roleplay: RoleplayDep):
    run = roleplay.start_run(db, user, roleplay_session_id)
    return RedirectResponse(f"/roleplay/runs/{run.id}", status_code=303)


@router.get("/roleplay/runs/{run_id}")
def run_page(run_id: int, request: Request, db: DbSession, user: CollectorUser,
             roleplay: RoleplayDep):
    run = roleplay.get_run(db, run_id, user)
    if run.status != "active":
        return RedirectResponse(f"/roleplay/runs/{run.id}/feedback", status_code=303)
    session = roleplay.get_session(db, run.session_id) if run.session_id else None
    return render(request, "roleplay/run.html", {
        **_chat_context(db, run, user, roleplay, session), "lang": _ui_lang(request)})


def _chat_context(db, run: RoleplayRun, user: User, roleplay: Roleplay,
                  session: RoleplaySession | None) -> dict[str, Any]:
    persona = roleplay.content.persona(run.persona_id)
    return {"run": run, "turns": roleplay.turns(db, run), "persona": persona,
            "facts": persona.facts_for(run.language), "session": session,
            "suggestions": roleplay.next_suggestions(db, run, user.display_name,
                                                     session.flow_id if session else "")}


@router.post("/roleplay/runs/{run_id}/turns")
def post_turn_form(run_id: int, request: Request, db: DbSession, user: CollectorUser,
                   roleplay: RoleplayDep, text: Annotated[str, Form()] = "",
                   snippet_id: Annotated[str, Form()] = ""):
    outcome = roleplay.take_turn(db, user, run_id, text, snippet_id)
    feedback_url = f"/roleplay/runs/{run_id}/feedback"
    if not request.headers.get("hx-request"):
        target = feedback_url if outcome.run.status != "active" else f"/roleplay/runs/{run_id}"
        return RedirectResponse(target, status_code=303)
    session = roleplay.get_session(db, outcome.run.session_id) if outcome.run.session_id else None
    context = {**_chat_context(db, outcome.run, user, roleplay, session),
               "new_turns": [outcome.trainee, outcome.borrower], "hints": outcome.hints,
               "ended": outcome.run.status != "active", "feedback_url": feedback_url}
    return render(request, "roleplay/_turn.html", context)


@router.post("/roleplay/runs/{run_id}/check")
def check_draft(run_id: int, request: Request, db: DbSession, user: CollectorUser,
                roleplay: RoleplayDep, text: Annotated[str, Form()] = ""):
    run = roleplay.get_run(db, run_id, user)
    return render(request, "roleplay/_hints.html",
                  {"findings": roleplay.check_draft(run, text), "run": run})


@router.post("/roleplay/runs/{run_id}/end")
def end_run_form(run_id: int, db: DbSession, user: CollectorUser, roleplay: RoleplayDep):
    roleplay.end_run(db, user, run_id)
    return RedirectResponse(f"/roleplay/runs/{run_id}/feedback", status_code=303)


@router.get("/roleplay/runs/{run_id}/feedback")
def feedback(run_id: int, request: Request, db: DbSession, user: CurrentUser,
             roleplay: RoleplayDep):
    run = roleplay.get_run(db, run_id, user)
    is_trainer = user.role in (Role.trainer, Role.admin)
    if run.status == "active":
        # Not scored yet: the trainee goes back to the call, a trainer watches the replay.
        target = f"/roleplay/runs/{run.id}/replay" if is_trainer else f"/roleplay/runs/{run.id}"
        return RedirectResponse(target, status_code=303)
    return render(request, "roleplay/feedback.html", {
        "run": run, "result": run.result, "persona": roleplay.content.persona(run.persona_id),
        "turns": roleplay.turns(db, run), "lang": _ui_lang(request), "is_trainer": is_trainer})


# --- JSON API --------------------------------------------------------------------------------

class PersonaOut(BaseModel):
    id: str
    kind: Literal["borrower", "third_party"]
    name: dict[str, str]
    summary: dict[str, str]
    moods: list[str]
    opening_mood: str
    end_states: list[str]


class SessionIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    persona_id: str
    language: Literal["zh", "en"]
    difficulty: str = "normal"
    mode: Literal["training", "exam"] = "training"
    rubric_id: str = "standard"
    flow_id: str = ""
    seed: int = 1
    trainee_ids: list[int] = Field(default_factory=list)
    team_id: int | None = None


class SessionOut(BaseModel):
    id: int
    title: str
    persona_id: str
    flow_id: str
    rubric_id: str
    language: str
    difficulty: str
    mode: str
    seed: int
    team_id: int | None
    created_at: datetime


class TurnOut(BaseModel):
    position: int
    speaker: Literal["trainee", "borrower"]
    text: str
    acts: list[str] = Field(description="trainee: acts read in the turn; borrower: events reacted to")
    findings: list[dict[str, Any]]
    mood: str


class RunOut(BaseModel):
    id: int
    session_id: int | None
    trainee_id: int
    persona_id: str
    language: str
    mode: str
    status: Literal["active", "finished"]
    end_state: str
    score: int | None
    result: dict[str, Any] = Field(description="score, criteria with feedback, violations")
    turns: list[TurnOut]


class TurnIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    snippet_id: str = ""


class TurnResultOut(BaseModel):
    trainee: TurnOut
    borrower: TurnOut
    hints: list[str] = Field(description="live compliance hints (training mode only)")
    run: RunOut


class TranscriptLine(BaseModel):
    speaker: Literal["trainee", "borrower"]
    text: str


class ScoreIn(BaseModel):
    transcript: list[TranscriptLine] = Field(min_length=1)
    lang: Literal["zh", "en"] | None = None
    rubric: str = "standard"
    persona: str | None = None


class CriterionOut(BaseModel):
    id: str
    score: int = Field(ge=0, le=100)
    feedback: str
    weight: int
    turn: int | None


class ScoreOut(BaseModel):
    score: int = Field(ge=0, le=100)
    criteria: list[CriterionOut]
    violations: list[dict[str, Any]]
    cap: int | None
    cap_reason: str


def _turn_out(turn: RoleplayTurn) -> TurnOut:
    return TurnOut(position=turn.position, speaker=turn.speaker, text=turn.text,
                   acts=list(turn.acts), findings=list(turn.findings), mood=turn.mood)


def _run_out(db, roleplay: Roleplay, run: RoleplayRun) -> RunOut:
    return RunOut(id=run.id, session_id=run.session_id, trainee_id=run.trainee_id,
                  persona_id=run.persona_id, language=run.language, mode=run.mode,
                  status=run.status, end_state=run.end_state, score=run.score,
                  result=run.result, turns=[_turn_out(t) for t in roleplay.turns(db, run)])


@router.get("/api/roleplay/personas", response_model=list[PersonaOut], tags=["roleplay"])
def api_personas(user: CurrentUser, roleplay: RoleplayDep) -> list[PersonaOut]:
    return [PersonaOut(id=p.id, kind=p.kind, name=p.name, summary=p.summary, moods=list(p.moods),
                       opening_mood=p.opening_mood, end_states=list(p.end_states()))
            for p in roleplay.content.personas.values()]


@router.get("/api/roleplay/sessions", response_model=list[SessionOut], tags=["roleplay"])
def api_sessions(db: DbSession, user: TrainerUser, roleplay: RoleplayDep) -> list[SessionOut]:
    return [SessionOut.model_validate(s, from_attributes=True) for s in roleplay.list_sessions(db)]


@router.post("/api/roleplay/sessions", response_model=SessionOut, status_code=201,
             tags=["roleplay"])
def api_create_session(body: SessionIn, db: DbSession, user: TrainerUser,
                       roleplay: RoleplayDep) -> SessionOut:
    session = roleplay.create_session(db, user, **body.model_dump())
    return SessionOut.model_validate(session, from_attributes=True)


@router.get("/api/roleplay/my/sessions", response_model=list[SessionOut], tags=["roleplay"])
def api_my_sessions(db: DbSession, user: CollectorUser, roleplay: RoleplayDep) -> list[SessionOut]:
    return [SessionOut.model_validate(s, from_attributes=True)
            for s in roleplay.sessions_for_trainee(db, user)]


@router.get("/api/roleplay/runs", response_model=list[RunOut], tags=["roleplay"])
def api_runs(db: DbSession, user: TrainerUser, roleplay: RoleplayDep,
             session_id: int | None = None, trainee_id: int | None = None) -> list[RunOut]:
    return [_run_out(db, roleplay, r)
            for r in roleplay.runs(db, session_id=session_id, trainee_id=trainee_id)]


@router.post("/api/roleplay/sessions/{roleplay_session_id}/runs", response_model=RunOut, status_code=201,
             tags=["roleplay"])
def api_start_run(roleplay_session_id: int, db: DbSession, user: CollectorUser,
                  roleplay: RoleplayDep) -> RunOut:
    return _run_out(db, roleplay, roleplay.start_run(db, user, roleplay_session_id))


@router.get("/api/roleplay/runs/{run_id}", response_model=RunOut, tags=["roleplay"])
def api_run(run_id: int, db: DbSession, user: CurrentUser, roleplay: RoleplayDep) -> RunOut:
    return _run_out(db, roleplay, roleplay.get_run(db, run_id, user))


@router.post("/api/roleplay/runs/{run_id}/turns", response_model=TurnResultOut, tags=["roleplay"])
def api_turn(run_id: int, body: TurnIn, db: DbSession, user: CollectorUser,
             roleplay: RoleplayDep) -> TurnResultOut:
    outcome = roleplay.take_turn(db, user, run_id, body.text, body.snippet_id)
    return TurnResultOut(trainee=_turn_out(outcome.trainee), borrower=_turn_out(outcome.borrower),
                         hints=outcome.hints, run=_run_out(db, roleplay, outcome.run))


@router.post("/api/roleplay/runs/{run_id}/end", response_model=RunOut, tags=["roleplay"])
def api_end(run_id: int, db: DbSession, user: CollectorUser, roleplay: RoleplayDep) -> RunOut:
    return _run_out(db, roleplay, roleplay.end_run(db, user, run_id))


@router.post("/api/roleplay/score", response_model=ScoreOut, tags=["roleplay"])
def api_score(body: ScoreIn, user: CurrentUser, roleplay: RoleplayDep) -> ScoreOut:
    """Score a transcript on a rubric, like `assistant roleplay score`."""
    from assistant.roleplay.acts import ActClassifier, checker_for
    from assistant.roleplay.transcript import guess_language, score_transcript

    pairs = [(line.speaker, line.text) for line in body.transcript]
    if not any(speaker == "trainee" for speaker, _ in pairs):
        raise InvalidInput("transcript: no trainee turns to score")
    lang = body.lang or guess_language(pairs)
    persona = roleplay.content.persona(body.persona) if body.persona else None
    jurisdiction = persona.facts_for(lang)["jurisdiction"] if persona else None
    classifier = ActClassifier(roleplay.content, checker_for(roleplay.rules_dir, jurisdiction))
    result = score_transcript(pairs, classifier, roleplay.scoring_context(persona, lang),
                              body.rubric).to_dict()
    return ScoreOut(score=result["score"],
                    criteria=[CriterionOut(**{k: c[k] for k in ("id", "score", "feedback",
                                                                "weight", "turn")})
                              for c in result["criteria"]],
                    violations=result["violations"], cap=result["cap"],
                    cap_reason=result["cap_reason"])


@router.get("/roleplay/runs/{run_id}/transcript.jsonl", tags=["roleplay"])
def transcript_download(run_id: int, db: DbSession, user: CurrentUser,
                        roleplay: RoleplayDep) -> Response:
    """The run as a transcript file that `assistant roleplay score` reads."""
    import json

    run = roleplay.get_run(db, run_id, user)
    body = "".join(json.dumps({"speaker": t.speaker, "text": t.text}, ensure_ascii=False) + "\n"
                   for t in roleplay.turns(db, run))
    return Response(body, media_type="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="roleplay-run-{run.id}.jsonl"'})
