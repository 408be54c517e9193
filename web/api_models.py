"""Pydantic models of the foundation's JSON API (shown in OpenAPI at /api/docs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Case, Role, User


class UserOut(BaseModel):
    """The signed-in user, as an integration sees it."""

    id: int
    username: str
    display_name: str
    role: Role
    team: str | None = Field(description="team name, if the user is in one")
    locale: str


class ContactFlags(BaseModel):
    cease_contact: bool = Field(description="the borrower asked us to stop contacting them")
    has_lawyer: bool = Field(description="the borrower is represented; contact the lawyer")
    prefers_written: bool = Field(description="the borrower asked for written contact only")


class CaseSummary(BaseModel):
    """A case as listed: enough to pick the next one to work."""

    model_config = ConfigDict(json_encoders={Decimal: str})

    id: int
    reference: str
    borrower_name: str
    jurisdiction: str
    language: str
    product: str
    currency: str
    balance: Decimal
    days_past_due: int
    assigned_collector_id: int | None
    flags: ContactFlags

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        return cls(**_common(case))


class CaseDetail(CaseSummary):
    """A case with the borrower's facts."""

    phone: str
    address: str
    region: str
    timezone: str
    borrower_local_time: datetime | None = Field(
        description="now, in the borrower's timezone (null if the timezone is unknown)")
    lender: str
    principal: Decimal
    due_date: date | None
    facts: dict

    @classmethod
    def of(cls, case: Case, local_time: datetime | None = None) -> CaseDetail:
        return cls(**_common(case), phone=case.phone, address=case.address, region=case.region,
                   timezone=case.timezone, borrower_local_time=local_time, lender=case.lender,
                   principal=case.principal, due_date=case.due_date, facts=case.facts)


def _common(case: Case) -> dict:
    return dict(id=case.id, reference=case.reference, borrower_name=case.borrower_name,
                jurisdiction=case.jurisdiction, language=case.language, product=case.product,
                currency=case.currency, balance=case.balance, days_past_due=case.days_past_due,
                assigned_collector_id=case.assigned_collector_id,
                flags=ContactFlags(cease_contact=case.cease_contact, has_lawyer=case.has_lawyer,
                                   prefers_written=case.prefers_written))


def user_out(user: User, team_name: str | None) -> UserOut:
    return UserOut(id=user.id, username=user.username, display_name=user.display_name,
                   role=user.role, team=team_name, locale=user.locale)


class ErrorOut(BaseModel):
    detail: str
