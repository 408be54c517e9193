"""Role-play sessions and runs in the database: build, assign, play turn by turn, score."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from assistant import audit
from assistant.compliance.findings import Finding
from assistant.errors import InvalidInput, NotFound, PermissionDenied
from assistant.models import Role, User, utcnow
from assistant.roleplay.acts import ActClassifier, TurnReading, checker_for
from assistant.roleplay.content import Persona, RoleplayContent, cached_content
from assistant.roleplay.library import (
    Suggestion,
    plan_limits,
    script_library,
    snippet_context,
    suggestions,
)
from assistant.roleplay.models import RoleplayAssignment, RoleplayRun, RoleplaySession, RoleplayTurn
from assistant.roleplay.scoring import Scorer, ScoreResult, ScoringContext, Turn
from assistant.roleplay.simulator import BorrowerState, SimulatedBorrower

MODES = ("training", "exam")
LANGS = ("zh", "en")
TRAINER_ROLES = (Role.trainer, Role.admin)
# Lines that talk about the debt or the borrower's situation are never suggested to someone who
# must not hear about it; plan lines are not suggested to a persona who will not agree a plan.
_DEBT_KINDS = ("disclosure", "purpose", "reminder", "plan_offer", "commitment", "probe",
               "empathy")
_PLAN_KINDS = ("reminder", "plan_offer", "commitment")


@dataclass
class TurnOutcome:
    trainee: RoleplayTurn
    borrower: RoleplayTurn
    run: RoleplayRun
    reading: TurnReading
    hints: list[str] = field(default_factory=list)


class Roleplay:
    """The role-play capability over one content folder and one rule set."""

    def __init__(self, scripts_dir: Path, rules_dir: Path | None):
        self.scripts_dir, self.rules_dir = Path(scripts_dir), rules_dir
        self.content: RoleplayContent = cached_content(self.scripts_dir)
        self.library = script_library(self.scripts_dir)
        self._classifiers: dict[str, ActClassifier] = {}

    # --- pieces -----------------------------------------------------------------------------
    def classifier(self, persona: Persona, lang: str) -> ActClassifier:
        """One classifier per jurisdiction, built on first use (the checker loads once)."""
        jurisdiction = persona.facts_for(lang)["jurisdiction"]
        if jurisdiction not in self._classifiers:
            check = checker_for(self.rules_dir, jurisdiction) if self.rules_dir else None
            self._classifiers[jurisdiction] = ActClassifier(self.content, check)
        return self._classifiers[jurisdiction]

    def borrower(self, run: RoleplayRun) -> SimulatedBorrower:
        persona = self.content.persona(run.persona_id)
        limits = plan_limits(self.library, persona.facts_for(run.language)["product"])
        state = BorrowerState.from_dict(run.state) if run.state else None
        return SimulatedBorrower(persona, run.language, self.content.difficulty(run.difficulty),
                                 run.seed, limits, state)

    # --- sessions ---------------------------------------------------------------------------
    def create_session(self, db: Session, actor: User, *, title: str, persona_id: str,
                       language: str, difficulty: str = "normal", mode: str = "training",
                       rubric_id: str = "standard", flow_id: str = "", seed: int = 1,
                       trainee_ids: list[int] | None = None,
                       team_id: int | None = None) -> RoleplaySession:
        if actor.role not in TRAINER_ROLES:
            raise PermissionDenied("only trainers and admins build role-play sessions")
        if not title.strip():
            raise InvalidInput("title: required")
        self.content.persona(persona_id)
        self.content.rubric(rubric_id)
        self.content.difficulty(difficulty)
        if language not in LANGS:
            raise InvalidInput(f"language: {language!r} is not one of zh, en")
        if mode not in MODES:
            raise InvalidInput(f"mode: {mode!r} is not one of {', '.join(MODES)}")
        if flow_id and flow_id not in self.library.flows:
            raise InvalidInput(f"flow_id: {flow_id!r} is not a flow of the script library")
        if flow_id and self.library.flows[flow_id].language != language:
            raise InvalidInput(f"flow_id: {flow_id!r} is a {self.library.flows[flow_id].language} "
                               f"flow, but the session is in {language}")
        session = RoleplaySession(title=title.strip(), persona_id=persona_id, flow_id=flow_id,
                                  rubric_id=rubric_id, language=language, difficulty=difficulty,
                                  mode=mode, seed=seed, team_id=team_id, created_by_id=actor.id)
        db.add(session)
        db.flush()
        trainees = self._trainees(db, trainee_ids or [], team_id)
        if not trainees:
            raise InvalidInput("trainees: pick at least one trainee or a team with collectors")
        for trainee in trainees:
            db.add(RoleplayAssignment(session_id=session.id, trainee_id=trainee.id))
        audit.record(db, actor, "roleplay.session_create", session, persona=persona_id,
                     trainees=[t.id for t in trainees])
        db.commit()
        db.refresh(session)
        return session

    def _trainees(self, db: Session, ids: list[int], team_id: int | None) -> list[User]:
        found: dict[int, User] = {}
        for user_id in ids:
            user = db.get(User, user_id)
            if user is None or user.role != Role.collector or not user.active:
                raise InvalidInput(f"trainees: user {user_id} is not an active collector")
            found[user.id] = user
        if team_id is not None:
            members = db.exec(select(User).where(User.team_id == team_id,
                                                 User.role == Role.collector,
                                                 User.active == True)).all()  # noqa: E712
            found.update({m.id: m for m in members})
        return list(found.values())

    def list_sessions(self, db: Session) -> list[RoleplaySession]:
        return list(db.exec(select(RoleplaySession).order_by(RoleplaySession.id.desc())))

    def get_session(self, db: Session, session_id: int) -> RoleplaySession:
        session = db.get(RoleplaySession, session_id)
        if session is None:
            raise NotFound(f"role-play session {session_id} does not exist")
        return session

    def sessions_for_trainee(self, db: Session, user: User) -> list[RoleplaySession]:
        statement = (select(RoleplaySession).join(RoleplayAssignment,
                                                  RoleplayAssignment.session_id == RoleplaySession.id)
                     .where(RoleplayAssignment.trainee_id == user.id,
                            RoleplaySession.active == True)  # noqa: E712
                     .order_by(RoleplaySession.id.desc()))
        return list(db.exec(statement))

    def assignees(self, db: Session, session: RoleplaySession) -> list[User]:
        statement = (select(User).join(RoleplayAssignment, RoleplayAssignment.trainee_id == User.id)
                     .where(RoleplayAssignment.session_id == session.id).order_by(User.username))
        return list(db.exec(statement))

    # --- runs -------------------------------------------------------------------------------
    def start_run(self, db: Session, user: User, session_id: int) -> RoleplayRun:
        session = self.get_session(db, session_id)
        assigned = db.exec(select(RoleplayAssignment).where(
            RoleplayAssignment.session_id == session.id,
            RoleplayAssignment.trainee_id == user.id)).first()
        if assigned is None:
            raise NotFound(f"role-play session {session_id} is not assigned to you")
        attempts = len(db.exec(select(RoleplayRun.id).where(
            RoleplayRun.session_id == session.id, RoleplayRun.trainee_id == user.id)).all())
        run = RoleplayRun(session_id=session.id, trainee_id=user.id, persona_id=session.persona_id,
                          rubric_id=session.rubric_id, language=session.language,
                          difficulty=session.difficulty, mode=session.mode,
                          seed=session.seed + attempts)
        db.add(run)
        db.flush()
        borrower = self.borrower(run)
        opening = borrower.opening()
        run.state = borrower.state.to_dict()
        db.add(RoleplayTurn(run_id=run.id, position=0, speaker="borrower", text=opening,
                            mood=borrower.state.mood))
        audit.record(db, user, "roleplay.run_start", run, session=session.id)
        db.commit()
        db.refresh(run)
        return run

    def get_run(self, db: Session, run_id: int, user: User) -> RoleplayRun:
        """A trainee sees only their own runs; trainers and admins see every run."""
        run = db.get(RoleplayRun, run_id)
        if run is None or (user.role not in TRAINER_ROLES and run.trainee_id != user.id):
            raise NotFound(f"role-play run {run_id} does not exist")
        return run

    def turns(self, db: Session, run: RoleplayRun) -> list[RoleplayTurn]:
        return list(db.exec(select(RoleplayTurn).where(RoleplayTurn.run_id == run.id)
                            .order_by(RoleplayTurn.position)))

    def take_turn(self, db: Session, user: User, run_id: int, text: str,
                  snippet_id: str = "") -> TurnOutcome:
        run = self.get_run(db, run_id, user)
        if run.trainee_id != user.id:
            raise PermissionDenied("only the trainee of a run can speak in it")
        if run.status != "active":
            raise InvalidInput(f"run {run.id} has ended; start a new attempt")
        text = text.strip()
        if not text:
            raise InvalidInput("text: say something (or pick a suggested line)")
        if len(text) > 2000:
            raise InvalidInput("text: at most 2000 characters per turn")
        position = len(self.turns(db, run))
        # Stored before it is read, so a failure in the classifier never loses what was said.
        trainee_turn = RoleplayTurn(run_id=run.id, position=position, speaker="trainee",
                                    text=text, snippet_id=snippet_id[:120])
        db.add(trainee_turn)
        db.commit()
        persona = self.content.persona(run.persona_id)
        reading = self.classifier(persona, run.language).classify(text, run.language)
        trainee_turn.acts = reading.stored_acts()
        trainee_turn.findings = [f.to_dict() for f in reading.findings]
        borrower = self.borrower(run)
        reply = borrower.respond(reading, text)
        trainee_turn.mood = reply.mood
        borrower_turn = RoleplayTurn(run_id=run.id, position=position + 1, speaker="borrower",
                                     text=reply.text, mood=reply.mood,
                                     acts=list(reply.events))
        db.add(trainee_turn)
        db.add(borrower_turn)
        run.state = borrower.state.to_dict()
        if reply.end:
            self._finish(db, run, reply.end, user)
        db.add(run)
        db.commit()
        db.refresh(run)
        hints = self.live_hints(run, reading)
        return TurnOutcome(trainee_turn, borrower_turn, run, reading, hints)

    def end_run(self, db: Session, user: User, run_id: int) -> RoleplayRun:
        """The trainee hangs up: the run is scored as it stands."""
        run = self.get_run(db, run_id, user)
        if run.trainee_id != user.id:
            raise PermissionDenied("only the trainee of a run can end it")
        if run.status == "active":
            self._finish(db, run, "ended", user)
            db.add(run)
            db.commit()
            db.refresh(run)
        return run

    def _finish(self, db: Session, run: RoleplayRun, end: str, actor: User) -> None:
        run.status, run.end_state, run.finished_at = "finished", end, utcnow()
        result = self.score_run(db, run)
        run.score, run.result = result.score, result.to_dict()
        audit.record(db, actor, "roleplay.run_finish", run, score=result.score, end=end)

    # --- scoring ----------------------------------------------------------------------------
    def score_run(self, db: Session, run: RoleplayRun) -> ScoreResult:
        persona = self.content.persona(run.persona_id)
        turns = [Turn(t.speaker, t.text, _reading(t) if t.speaker == "trainee" else None)
                 for t in self.turns(db, run)]
        context = self.scoring_context(persona, run.language, end=run.end_state or None,
                                       collector_name=_collector_name(db, run))
        return Scorer(self.content.rubric(run.rubric_id), context).score(turns)

    def scoring_context(self, persona: Persona | None, lang: str, *, end: str | None = None,
                        collector_name: str = "", jurisdiction: str | None = None
                        ) -> ScoringContext:
        limits = None
        kinds = {c.snippet_kind for r in self.content.rubrics.values() for c in r.criteria
                 if c.snippet_kind}
        lines: dict[str, str] = {}
        if persona is not None:
            limits = plan_limits(self.library, persona.facts_for(lang)["product"])
            jurisdiction = persona.facts_for(lang)["jurisdiction"]
            context = snippet_context(persona, lang, collector_name or "—", self.library)
            for suggestion in suggestions(self.library, kinds=sorted(kinds), lang=lang,
                                          jurisdiction=jurisdiction, context=context,
                                          limit_per_kind=1):
                lines.setdefault(suggestion.kind, suggestion.text)
        return ScoringContext(lang=lang, persona=persona, limits=limits, end=end,
                              suggestions=lines,
                              day_words=tuple(self.content.dates.get(lang, [])))

    # --- coaching ---------------------------------------------------------------------------
    def next_suggestions(self, db: Session, run: RoleplayRun, collector_name: str,
                         flow_id: str = "") -> list[Suggestion]:
        """Lines the trainee could say next, from the script library, for where the call is."""
        done = {act for t in self.turns(db, run) if t.speaker == "trainee" for act in t.acts}
        return self.suggest(self.content.persona(run.persona_id), run.language, done,
                            collector_name, flow_id)

    def suggest(self, persona: Persona, lang: str, done: set[str], collector_name: str,
                flow_id: str = "") -> list[Suggestion]:
        """Snippets for the next acts not yet done, never debt talk to a third party."""
        kinds = [self.content.snippet_kinds[act] for act in self.content.acts
                 if act in self.content.snippet_kinds and act not in done]
        if persona.kind == "third_party":
            kinds = [k for k in kinds if k not in _DEBT_KINDS]
        elif persona.commit_from is None:
            kinds = [k for k in kinds if k not in _PLAN_KINDS]
        kinds = list(dict.fromkeys(kinds))[:2]
        facts = persona.facts_for(lang)
        context = snippet_context(persona, lang, collector_name, self.library)
        found = suggestions(self.library, kinds=kinds, lang=lang,
                            jurisdiction=facts["jurisdiction"], context=context, flow_id=flow_id,
                            limit_per_kind=1)
        reached = "self_identification" if persona.kind == "third_party" else "identity_verification"
        if persona.objection and reached in done:
            found = self._objection_answers(persona, lang, facts["jurisdiction"], context) + found
        return found

    def _objection_answers(self, persona: Persona, lang: str, jurisdiction: str,
                           context: dict[str, Any]) -> list[Suggestion]:
        from assistant.roleplay.library import render_snippet

        answers = []
        for snippet in self.library.snippets.values():
            if snippet.kind == "objection" and snippet.topic == persona.objection \
                    and jurisdiction in snippet.jurisdictions:
                text = render_snippet(snippet, lang, context)
                if text:
                    answers.append(Suggestion(snippet.id, "objection", text))
        return answers[:2]

    def live_hints(self, run: RoleplayRun, reading: TurnReading) -> list[str]:
        """Compliance hints on a turn, in training mode only; exam mode gets none."""
        if run.mode != "training":
            return []
        hints = []
        for finding in reading.findings:
            hint = finding.message
            if finding.suggestion:
                hint += f" → {finding.suggestion}"
            hints.append(hint)
        return hints

    def check_draft(self, run: RoleplayRun, text: str) -> list[Finding]:
        """What the checker says about a draft before it is sent (training mode only)."""
        if run.mode != "training" or not text.strip():
            return []
        persona = self.content.persona(run.persona_id)
        reading = self.classifier(persona, run.language).classify(text, run.language)
        return list(reading.findings)

    # --- results ----------------------------------------------------------------------------
    def runs(self, db: Session, *, session_id: int | None = None,
             trainee_id: int | None = None, finished_only: bool = False) -> list[RoleplayRun]:
        statement = select(RoleplayRun)
        if session_id is not None:
            statement = statement.where(RoleplayRun.session_id == session_id)
        if trainee_id is not None:
            statement = statement.where(RoleplayRun.trainee_id == trainee_id)
        if finished_only:
            statement = statement.where(RoleplayRun.status == "finished")
        return list(db.exec(statement.order_by(RoleplayRun.started_at, RoleplayRun.id)))

    def results_by_trainee(self, db: Session, runs: list[RoleplayRun]) -> list[dict[str, Any]]:
        """Per trainee: finished runs in time order with the score of each criterion."""
        rows: dict[int, dict[str, Any]] = {}
        for run in runs:
            if run.status != "finished":
                continue
            trainee = db.get(User, run.trainee_id)
            row = rows.setdefault(run.trainee_id, {"trainee": trainee, "runs": [],
                                                   "criteria": {}})
            scores = {c["id"]: c["score"] for c in run.result.get("criteria", [])}
            row["runs"].append({"run": run, "criteria": scores})
            for criterion_id, score in scores.items():
                row["criteria"].setdefault(criterion_id, []).append(score)
        for row in rows.values():
            row["average"] = round(sum(r["run"].score or 0 for r in row["runs"]) / len(row["runs"]))
            row["criteria_average"] = {k: round(sum(v) / len(v)) for k, v in row["criteria"].items()}
        return list(rows.values())


def _reading(turn: RoleplayTurn) -> TurnReading:
    findings = tuple(Finding(**{k: v for k, v in f.items() if k != "turn"}) for f in turn.findings)
    return TurnReading.from_stored(list(turn.acts), findings)


def _collector_name(db: Session, run: RoleplayRun) -> str:
    user = db.get(User, run.trainee_id)
    return user.display_name if user else ""
