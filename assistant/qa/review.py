"""Reviewers' decisions on findings: confirm, dismiss (false positive) or escalate."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from assistant import audit
from assistant.errors import InvalidInput, NotFound
from assistant.models import User
from assistant.qa.models import Decision, NoteFinding, ReviewDecision

MAX_COMMENT_CHARS = 4000


def decide(db: Session, reviewer: User, finding_ids: Sequence[int], decision: str,
           comment: str = "") -> list[ReviewDecision]:
    """Record DECISION on each finding (a history row each) and commit."""
    if decision not in {d.value for d in Decision}:
        raise InvalidInput(f"decision: {decision!r} is not one of "
                           f"{', '.join(d.value for d in Decision)}")
    if not finding_ids:
        raise InvalidInput("findings: select at least one finding")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"comment: at most {MAX_COMMENT_CHARS} characters")
    if decision == Decision.escalated and not comment:
        raise InvalidInput("comment: say why you escalate, for whoever picks it up")
    findings = list(db.exec(select(NoteFinding).where(NoteFinding.id.in_(set(finding_ids)))))
    missing = set(finding_ids) - {f.id for f in findings}
    if missing:
        raise NotFound(f"finding {min(missing)} not found")
    made = []
    for finding in findings:
        record = ReviewDecision(finding_id=finding.id, note_id=finding.note_id,
                                decision=decision, reviewer_id=reviewer.id, comment=comment)
        finding.decision = decision
        db.add(record)
        db.add(finding)
        made.append(record)
    db.flush()
    for record in made:
        audit.record(db, reviewer, f"qa.finding_{decision}", record, finding_id=record.finding_id,
                     note_id=record.note_id, comment=comment)
    db.commit()
    return made
