"""Case list and case detail pages, and the same cases as JSON under /api/cases."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from assistant import cases
from assistant.cases import CaseFlag, CaseSort
from assistant.errors import InvalidInput
from assistant.models import Case, Role, User
from web.api_models import CaseDetail, CaseSummary, ErrorOut
from web.deps import CurrentUser, DbSession
from web.templating import render

router = APIRouter()

SEARCH_HELP = "part of the borrower's name or the case reference"
FLAG_HELP = "only cases with this contact flag; 'none' for cases without any; empty for all"


def _flag(value: str) -> CaseFlag | None:
    # The filter form sends an empty value for "all cases".
    if not value:
        return None
    try:
        return CaseFlag(value)
    except ValueError as exc:
        raise InvalidInput(f"flag: {value!r} is not one of {', '.join(CaseFlag)}") from exc


@router.get("/cases")
def case_list(request: Request, db: DbSession, user: CurrentUser,
              q: str = Query("", max_length=100, description=SEARCH_HELP),
              sort: CaseSort = CaseSort.most_overdue,
              flag: str = Query("", max_length=20, description=FLAG_HELP)):
    found = cases.list_for_user(db, user, search=q, sort=sort, flag=_flag(flag))
    context = {"cases": found, "q": q, "sort": sort.value, "flag": flag,
               "collectors": _collector_names(db, found, user),
               "local_times": {case.id: cases.borrower_local_time(case) for case in found}}
    # HTMX search-as-you-type swaps only the results, not the whole page.
    template = "cases/_results.html" if request.headers.get("hx-request") else "cases/list.html"
    return render(request, template, context)


@router.get("/cases/{case_id}")
def case_detail(case_id: int, request: Request, db: DbSession, user: CurrentUser):
    case = cases.get_for_user(db, case_id, user)
    collector = db.get(User, case.assigned_collector_id) if case.assigned_collector_id else None
    return render(request, "cases/detail.html", {
        "case": case, "collector": collector, "local_time": cases.borrower_local_time(case)})


def _collector_names(db: DbSession, found: list[Case], user: User) -> dict[int, str]:
    """Who works each case; only shown to roles that see other people's cases."""
    if user.role == Role.collector:
        return {}
    ids = {case.assigned_collector_id for case in found if case.assigned_collector_id}
    return {uid: db.get(User, uid).display_name for uid in ids}


@router.get("/api/cases", response_model=list[CaseSummary], tags=["cases"],
            responses={401: {"model": ErrorOut}})
def api_case_list(db: DbSession, user: CurrentUser,
                  q: str = Query("", max_length=100, description=SEARCH_HELP),
                  sort: CaseSort = CaseSort.most_overdue,
                  flag: str = Query("", max_length=20, description=FLAG_HELP),
                  limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)
                  ) -> list[CaseSummary]:
    """Cases this user may see (a collector: only their own), a page at a time."""
    found = cases.list_for_user(db, user, search=q, sort=sort, flag=_flag(flag), limit=limit,
                                offset=offset)
    return [CaseSummary.of(case) for case in found]


@router.get("/api/cases/{case_id}", response_model=CaseDetail, tags=["cases"],
            responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}})
def api_case_detail(case_id: int, db: DbSession, user: CurrentUser) -> CaseDetail:
    """One case with the borrower's facts; 404 if it does not exist or is someone else's."""
    case = cases.get_for_user(db, case_id, user)
    return CaseDetail.of(case, cases.borrower_local_time(case))
