"""Dashboard figures: findings over time, by category, collector, team and rule; precision
per rule from reviewers' decisions; per category also the violations the checker missed and
its recall; the share of flagged notes fully reviewed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from assistant.models import Team, User
from assistant.qa.misses import reviewed_clause
from assistant.qa.models import Decision, MissedViolation, Note, NoteFinding

TOP_RULES = 10


@dataclass
class Table:
    """A titled table of numbers: what the chart shows, and what exports write."""

    key: str
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Dashboard:
    notes: int
    notes_with_findings: int
    notes_reviewed: int
    findings: int
    tables: dict[str, Table]

    @property
    def reviewed_share(self) -> float | None:
        return self.notes_reviewed / self.notes_with_findings if self.notes_with_findings else None


def precision(confirmed: int, dismissed: int) -> float | None:
    """confirmed / (confirmed + dismissed); None before any such decision."""
    decided = confirmed + dismissed
    return confirmed / decided if decided else None


def recall(confirmed: int, missed: int) -> float | None:
    """confirmed / (confirmed + missed); None while a category has neither."""
    found = confirmed + missed
    return confirmed / found if found else None


def build(db: Session, *, date_from: date | None = None, date_to: date | None = None,
          team: int | None = None, timezone: str = "UTC") -> Dashboard:
    note_filter = _note_filter(date_from, date_to, team, timezone)
    # Trends follow when the contact happened (an imported archive is not "today").
    when = func.coalesce(Note.contact_time, Note.created_at).label("noted_at")
    findings_base = (select(NoteFinding, when).join(Note, NoteFinding.note_id == Note.id)
                     .outerjoin(User, Note.author_id == User.id)
                     .where(NoteFinding.current, *note_filter))
    sub = findings_base.subquery()

    def grouped(*columns, order=None, limit=None):
        query = select(*columns, func.count()).select_from(sub).group_by(*columns)
        query = query.order_by(order if order is not None else func.count().desc())
        return db.exec(query.limit(limit) if limit else query).all()

    notes_q = select(Note).outerjoin(User, Note.author_id == User.id).where(*note_filter)
    notes_sub = notes_q.subquery()
    notes = db.exec(select(func.count()).select_from(notes_sub)).one()
    flagged = db.exec(select(func.count()).select_from(notes_sub)
                      .where(notes_sub.c.finding_count > 0)).one()
    reviewed = db.exec(select(func.count()).select_from(notes_sub)
                       .where(notes_sub.c.finding_count > 0,
                              reviewed_clause(notes_sub.c.id))).one()
    total_findings = db.exec(select(func.count()).select_from(sub)).one()

    tables = {
        "over_time": Table("over_time", "Findings over time", ["date", "findings"],
                           _daily(grouped(func.date(sub.c.noted_at),
                                          order=func.date(sub.c.noted_at)))),
        "by_category": Table("by_category", "Findings by category", ["category", "findings"],
                             [list(r) for r in grouped(sub.c.category)]),
        "by_severity": Table("by_severity", "Findings by severity", ["severity", "findings"],
                             [list(r) for r in grouped(sub.c.severity)]),
        "top_rules": Table("top_rules", "Top rules", ["rule", "findings"],
                           [list(r) for r in grouped(sub.c.rule_id, limit=TOP_RULES)]),
        "by_collector": _by_collector(db, notes_sub, sub),
        "by_team": _by_team(db, notes_sub, sub),
        "precision": _precision(db, sub),
        "category_review": _category_review(db, sub, note_filter),
    }
    return Dashboard(notes, flagged, reviewed, total_findings, tables)


def _note_filter(date_from: date | None, date_to: date | None, team: int | None,
                 timezone: str) -> list:
    zone = ZoneInfo(timezone)
    when = func.coalesce(Note.contact_time, Note.created_at)
    clauses = []
    if date_from:
        clauses.append(when >= datetime.combine(date_from, time(), zone).astimezone(UTC))
    if date_to:
        clauses.append(when < datetime.combine(date_to + timedelta(days=1), time(), zone)
                       .astimezone(UTC))
    if team:
        clauses.append(User.team_id == team)
    return clauses


def _daily(rows) -> list[list]:
    """Per-day counts with the empty days filled in, so the time axis is honest."""
    counts = {str(day): n for day, n in rows if day is not None}
    if not counts:
        return []
    first, last = (date.fromisoformat(min(counts)), date.fromisoformat(max(counts)))
    days = []
    day = first
    while day <= last:
        days.append([day.isoformat(), counts.get(day.isoformat(), 0)])
        day += timedelta(days=1)
    return days


def _by_collector(db: Session, notes_sub, findings_sub) -> Table:
    notes_per = dict(db.exec(select(notes_sub.c.author_id, func.count())
                             .group_by(notes_sub.c.author_id)).all())
    per_author = db.exec(select(Note.author_id, func.count()).select_from(findings_sub)
                         .join(Note, Note.id == findings_sub.c.note_id)
                         .group_by(Note.author_id)).all()
    names = {u.id: u.display_name or u.username
             for u in db.exec(select(User).where(User.id.in_([a for a, _ in per_author if a])))}
    rows = [[names.get(author, "—"), notes_per.get(author, 0), count]
            for author, count in per_author]
    rows.sort(key=lambda r: -r[2])
    return Table("by_collector", "Findings by collector", ["collector", "notes", "findings"], rows)


def _by_team(db: Session, notes_sub, findings_sub) -> Table:
    rows = db.exec(select(Team.name, func.count()).select_from(findings_sub)
                   .join(Note, Note.id == findings_sub.c.note_id)
                   .join(User, User.id == Note.author_id).outerjoin(Team, Team.id == User.team_id)
                   .group_by(Team.name).order_by(func.count().desc())).all()
    return Table("by_team", "Findings by team", ["team", "findings"],
                 [[name or "—", count] for name, count in rows])


def _precision(db: Session, findings_sub) -> Table:
    rows = db.exec(select(findings_sub.c.rule_id, findings_sub.c.decision, func.count())
                   .where(findings_sub.c.decision.is_not(None))
                   .group_by(findings_sub.c.rule_id, findings_sub.c.decision)).all()
    per_rule: dict[str, dict[str, int]] = {}
    for rule, decision, count in rows:
        per_rule.setdefault(rule, {})[decision] = count
    table = Table("precision", "Precision per rule (reviewer decisions)",
                  ["rule", "confirmed", "dismissed", "escalated", "precision"])
    for rule, counts in sorted(per_rule.items()):
        confirmed = counts.get(Decision.confirmed.value, 0)
        dismissed = counts.get(Decision.dismissed.value, 0)
        value = precision(confirmed, dismissed)
        table.rows.append([rule, confirmed, dismissed, counts.get(Decision.escalated.value, 0),
                           None if value is None else round(value, 3)])
    return table


def _category_review(db: Session, findings_sub, note_filter: list) -> Table:
    """Per category: decisions on findings, misses still standing, precision and recall."""
    counts: dict[str, dict[str, int]] = {}
    for category, decision, count in db.exec(
            select(findings_sub.c.category, findings_sub.c.decision, func.count())
            .where(findings_sub.c.decision.is_not(None))
            .group_by(findings_sub.c.category, findings_sub.c.decision)).all():
        counts.setdefault(category, {})[decision] = count
    for category, count in db.exec(
            select(MissedViolation.category, func.count())
            .join(Note, Note.id == MissedViolation.note_id)
            .outerjoin(User, Note.author_id == User.id)
            .where(MissedViolation.withdrawn_at.is_(None), *note_filter)
            .group_by(MissedViolation.category)).all():
        counts.setdefault(category, {})["missed"] = count
    table = Table("category_review", "Precision and recall per category",
                  ["category", "confirmed", "dismissed", "escalated", "missed", "precision",
                   "recall"])
    for category, per in sorted(counts.items()):
        confirmed = per.get(Decision.confirmed.value, 0)
        dismissed = per.get(Decision.dismissed.value, 0)
        missed = per.get("missed", 0)
        p, r = precision(confirmed, dismissed), recall(confirmed, missed)
        table.rows.append([category, confirmed, dismissed, per.get(Decision.escalated.value, 0),
                           missed, None if p is None else round(p, 3),
                           None if r is None else round(r, 3)])
    return table
