"""The review queue: which notes a user may see, filtered, worst findings first."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func
from sqlmodel import Session, select

from assistant.errors import InvalidInput, NotFound
from assistant.models import Case, Role, Team, User
from assistant.qa.misses import marks_of, misses_of, reviewed_clause
from assistant.qa.models import CheckStatus, Decision, ImportBatch, Note, NoteFinding

PAGE_SIZE = 25
SEVERITY_RANK = case({"critical": 0, "high": 1, "medium": 2, "info": 3},
                     value=NoteFinding.severity, else_=4)
REVIEWER_ROLES = (Role.qa, Role.admin)
STATUSES = ("open", "unreviewed", "reviewed", "escalated", "all", "pending", "failed")


@dataclass
class QueueFilters:
    """What the reviewer asked for; every field is optional and comes from the query string."""

    team: int | None = None
    collector: int | None = None
    category: str = ""
    severity: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: str = "open"
    page: int = 1

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InvalidInput(f"status: {self.status!r} is not one of {', '.join(STATUSES)}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidInput("date_from: is after date_to")
        self.page = max(1, self.page)

    def as_query(self, **changes) -> dict[str, str]:
        """The filters as query-string values (for links to other pages and exports)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


@dataclass
class QueueRow:
    note: Note
    author: User | None
    team: Team | None
    case: Case | None
    findings: list[NoteFinding]


def visible_notes(user: User):
    """A select() of the notes USER may see: reviewers all, a collector their own, others none."""
    query = select(Note)
    if user.role in REVIEWER_ROLES:
        return query
    return query.where(Note.author_id == user.id) if user.role == Role.collector \
        else query.where(False)


def get_note(db: Session, note_id: int, user: User) -> Note:
    """The note if USER may see it; NotFound otherwise (a collector never learns of others')."""
    note = db.get(Note, note_id)
    mine = user.role == Role.collector and note is not None and note.author_id == user.id
    if note is None or not (user.role in REVIEWER_ROLES or mine):
        raise NotFound(f"note {note_id} not found")
    return note


def filtered(user: User, filters: QueueFilters, timezone: str):
    """The notes matching FILTERS that USER may see, worst severity first, newest next."""
    query = visible_notes(user).outerjoin(User, Note.author_id == User.id)
    if filters.team:
        query = query.where(User.team_id == filters.team)
    if filters.collector:
        query = query.where(Note.author_id == filters.collector)
    when = func.coalesce(Note.contact_time, Note.created_at)
    zone = ZoneInfo(timezone)
    if filters.date_from:
        query = query.where(when >= datetime.combine(filters.date_from, time(), zone)
                            .astimezone(UTC))
    if filters.date_to:
        query = query.where(when < datetime.combine(filters.date_to + timedelta(days=1), time(),
                                                    zone).astimezone(UTC))
    query = _status_clause(query, filters.status)
    finding_filter = [NoteFinding.note_id == Note.id, NoteFinding.current]
    if filters.category:
        finding_filter.append(NoteFinding.category == filters.category)
    if filters.severity:
        finding_filter.append(NoteFinding.severity == filters.severity)
    if filters.category or filters.severity:
        query = query.where(exists().where(and_(*finding_filter)))
    worst = (select(func.min(SEVERITY_RANK)).where(NoteFinding.note_id == Note.id,
                                                  NoteFinding.current)
             .correlate(Note).scalar_subquery())
    return query.order_by(func.coalesce(worst, 9), Note.created_at.desc(), Note.id.desc())


def page(db: Session, user: User, filters: QueueFilters, timezone: str
         ) -> tuple[list[QueueRow], int]:
    """One page of the queue and the total number of matching notes."""
    query = filtered(user, filters, timezone)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    notes = list(db.exec(query.offset((filters.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return rows_for(db, notes), total


def rows_for(db: Session, notes: list[Note]) -> list[QueueRow]:
    """Notes with their author, team, case and current findings, in few queries."""
    ids = [n.id for n in notes]
    findings: dict[int, list[NoteFinding]] = {i: [] for i in ids}
    if ids:
        for f in db.exec(select(NoteFinding).where(NoteFinding.note_id.in_(ids),
                                                   NoteFinding.current)
                         .order_by(SEVERITY_RANK, NoteFinding.start)):
            findings[f.note_id].append(f)
    users = _by_id(db, User, {n.author_id for n in notes})
    teams = _by_id(db, Team, {u.team_id for u in users.values()})
    cases = _by_id(db, Case, {n.case_id for n in notes})
    rows = []
    for n in notes:
        author = users.get(n.author_id)
        rows.append(QueueRow(n, author, teams.get(author.team_id) if author else None,
                             cases.get(n.case_id), findings[n.id]))
    return rows


def history(db: Session, note: Note) -> list[dict]:
    """Everything that happened to a note, oldest first: stored, checked, findings, decisions,
    misses recorded or withdrawn, "nothing missed" marks."""
    from assistant.qa.models import ReviewDecision

    events: list[dict] = [{"at": note.created_at, "kind": "stored", "detail": note.source,
                           "who": None}]
    if note.batch_id:
        batch = db.get(ImportBatch, note.batch_id)
        if batch:
            events[0]["detail"] = f"{note.source}: {batch.file_name}, row {note.row_number}"
    if note.checked_at:
        events.append({"at": note.checked_at, "kind": note.check_status,
                       "detail": note.check_error or note.checked_with, "who": None})
    for f in db.exec(select(NoteFinding).where(NoteFinding.note_id == note.id)):
        if not f.current:
            events.append({"at": f.created_at, "kind": "superseded",
                           "detail": f"{f.rule_id} «{f.text}»", "who": None})
    reviewers = {}
    for d in db.exec(select(ReviewDecision).where(ReviewDecision.note_id == note.id)):
        reviewer = reviewers.setdefault(d.reviewer_id, db.get(User, d.reviewer_id))
        finding = db.get(NoteFinding, d.finding_id)
        events.append({"at": d.at, "kind": d.decision, "who": reviewer,
                       "detail": f"{finding.rule_id if finding else d.finding_id}"
                                 + (f": {d.comment}" if d.comment else "")})
    for m in misses_of(db, note.id):
        reviewer = reviewers.setdefault(m.reviewer_id, db.get(User, m.reviewer_id))
        what = m.category + (f" «{m.text}»" if m.text else "")
        events.append({"at": m.at, "kind": "missed", "who": reviewer,
                       "detail": what + (f": {m.comment}" if m.comment else "")})
        if m.withdrawn_at is not None:
            by = reviewers.setdefault(m.withdrawn_by_id, db.get(User, m.withdrawn_by_id))
            events.append({"at": m.withdrawn_at, "kind": "miss_withdrawn", "who": by,
                           "detail": what})
    for mark in marks_of(db, note.id):
        reviewer = reviewers.setdefault(mark.reviewer_id, db.get(User, mark.reviewer_id))
        events.append({"at": mark.at, "kind": "nothing_missed", "who": reviewer,
                       "detail": mark.comment})
    return sorted(events, key=lambda e: _aware(e["at"]))


def collectors(db: Session) -> list[User]:
    return list(db.exec(select(User).where(User.role == Role.collector)
                        .order_by(User.display_name)))


def teams(db: Session) -> list[Team]:
    return list(db.exec(select(Team).order_by(Team.name)))


def _status_clause(query, status: str):
    undecided = exists().where(NoteFinding.note_id == Note.id, NoteFinding.current,
                               NoteFinding.decision.is_(None))
    any_finding = Note.finding_count > 0
    if status == "open":
        return query.where(any_finding, undecided)
    if status == "unreviewed":  # checked, flagged or not, and nobody has reviewed it yet
        return query.where(Note.check_status == CheckStatus.checked.value,
                           ~reviewed_clause(Note.id))
    if status == "reviewed":
        return query.where(reviewed_clause(Note.id))
    if status == "escalated":
        return query.where(exists().where(NoteFinding.note_id == Note.id, NoteFinding.current,
                                          NoteFinding.decision == Decision.escalated.value))
    if status == "pending":
        return query.where(Note.check_status == CheckStatus.pending.value)
    if status == "failed":
        return query.where(Note.check_status == CheckStatus.failed.value)
    return query  # "all"


def _by_id(db: Session, model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {obj.id: obj for obj in db.exec(select(model).where(model.id.in_(ids)))}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
