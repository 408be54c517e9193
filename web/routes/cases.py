"""Collectors' case list and case detail."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assistant import cases
from web.deps import CurrentUser, DbSession
from web.templating import render

router = APIRouter()


@router.get("/cases")
def case_list(request: Request, db: DbSession, user: CurrentUser):
    return render(request, "cases/list.html", {"cases": cases.list_for_user(db, user)})


@router.get("/cases/{case_id}")
def case_detail(case_id: int, request: Request, db: DbSession, user: CurrentUser):
    return render(request, "cases/detail.html", {"case": cases.get_for_user(db, case_id, user)})
