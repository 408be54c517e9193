"""Routes of the check area: the JSON API and the live "Check a note" page."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from assistant.compliance.checker import Checker, get_checker
from assistant.compliance.highlight import segments
from assistant.compliance.language import resolve
from web.deps import CurrentUser, SettingsDep
from web.templating import render

router = APIRouter()
MAX_TEXT = 20_000


def checker_for_settings(settings: SettingsDep) -> Checker:
    return get_checker(settings.rules_dir)


CheckerDep = Annotated[Checker, Depends(checker_for_settings)]


class CheckIn(BaseModel):
    text: str = Field(max_length=MAX_TEXT, description="The note or utterance to check")
    lang: Literal["zh", "en"] | None = Field(default=None, description="Detected when omitted")
    jurisdiction: Literal["cn", "us", "uk"] | None = Field(
        default=None, description="Default: cn for Chinese, us for English")


class FindingOut(BaseModel):
    rule_id: str
    category: str
    severity: Literal["critical", "high", "medium", "info"]
    start: int = Field(description="Character offset into the text as sent")
    end: int
    text: str
    message: str = Field(description="In the language of the text")
    citation: str
    suggestion: str


class CheckOut(BaseModel):
    lang: Literal["zh", "en"]
    jurisdiction: Literal["cn", "us", "uk"]
    rules_version: str
    findings: list[FindingOut]


@router.post("/api/check", response_model=CheckOut, tags=["check"])
def api_check(body: CheckIn, checker: CheckerDep, user: CurrentUser) -> CheckOut:
    """Check one text; findings are ordered most severe first."""
    lang, jurisdiction = resolve(body.text, body.lang, body.jurisdiction)
    findings = checker.check(body.text, lang, jurisdiction)
    return CheckOut(lang=lang, jurisdiction=jurisdiction, rules_version=checker.version,
                    findings=[FindingOut(**f.to_dict()) for f in findings])


@router.get("/check", response_class=HTMLResponse)
def check_page(request: Request, user: CurrentUser, checker: CheckerDep) -> HTMLResponse:
    return render(request, "check/page.html", {"rules_version": checker.version})


@router.post("/check/result", response_class=HTMLResponse)
def check_result(request: Request, user: CurrentUser, checker: CheckerDep,
                 text: Annotated[str, Form(max_length=MAX_TEXT)] = "",
                 lang: Annotated[str, Form()] = "",
                 jurisdiction: Annotated[str, Form()] = "") -> HTMLResponse:
    """The highlighted note and its findings (the page swaps this in as the user types)."""
    context: dict = {"text": text, "findings": [], "parts": []}
    if text.strip():
        lang_used, jurisdiction_used = resolve(text, lang or None, jurisdiction or None)
        findings = checker.check(text, lang_used, jurisdiction_used)
        context |= {"findings": findings, "parts": segments(text, findings),
                    "lang": lang_used, "jurisdiction": jurisdiction_used}
    return render(request, "check/_result.html", context)
