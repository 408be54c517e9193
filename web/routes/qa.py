"""QA pages and the notes API: review queue, decisions, violations the checker missed, note
history, imports, dashboard, exports (also labelled evaluation data), collectors' own notes,
and POST /api/notes for dialers and CRMs."""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime, time
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from assistant import cases
from assistant.compliance.rules import Category
from assistant.errors import InvalidInput
from assistant.models import User
from assistant.qa import (
    charts,
    dashboard,
    exports,
    importer,
    intake,
    label_export,
    misses,
    queue,
    review,
)
from assistant.qa.encodings import ENCODING_CHOICES
from assistant.qa.highlight import highlight
from assistant.qa.mapping import FIELDS, Mapping
from assistant.qa.models import (
    BatchStatus,
    Channel,
    ImportBatch,
    MissedViolation,
    Note,
    NoteFinding,
)
from web.deps import CollectorUser, CurrentUser, DbSession, QaUser, SettingsDep
from web.i18n import gettext_ as _
from web.labels import category_label
from web.templating import render as render_page

router = APIRouter()
log = logging.getLogger("web.qa")
UPLOAD_CHUNK = 1024 * 1024
CATEGORIES = ("threat.violence", "threat.arrest", "threat.unlawful_action", "threat.exposure",
              "threat.intimidation", "abuse.insult", "abuse.profanity",
              "false_rep.impersonation", "false_rep.misleading", "harassment.time",
              "harassment.frequency", "harassment.cease_ignored",
              "privacy.third_party_disclosure", "privacy.pii_in_notes",
              "unfair.personal_account", "unfair.borrow_to_repay", "unfair.fees",
              "visit.conduct", "vulnerability.indicator", "disclosure.missing")
SEVERITIES = ("critical", "high", "medium", "info")


def label(key: str) -> str:
    """The UI label of a stored value (severity, status, channel, ...); unknown keys as-is."""
    return _labels().get(key, key)


def _labels() -> dict[str, str]:
    # Written out so extraction finds each string for the catalog.
    return {
        "critical": _("critical"), "high": _("high"), "medium": _("medium"), "info": _("info"),
        "confirmed": _("confirmed"), "dismissed": _("dismissed"), "escalated": _("escalated"),
        "pending": _("pending"), "checked": _("checked"), "failed": _("failed"),
        "stored": _("stored"), "superseded": _("superseded"),
        "missed": _("missed"), "miss_withdrawn": _("miss withdrawn"),
        "nothing_missed": _("reviewed: nothing missed"), "recall": _("recall"),
        "Precision and recall per category": _("Precision and recall per category"),
        "uploaded": _("uploaded"), "importing": _("importing"), "checking": _("checking"),
        "done": _("done"),
        "call": _("call"), "visit": _("visit"), "sms": _("sms"), "other": _("other"),
        "console": _("console"), "api": _("api"), "import": _("import"),
        "status:open": _("To review"), "status:reviewed": _("Reviewed"),
        "status:unreviewed": _("Not yet reviewed (clean notes too)"),
        "status:escalated": _("Escalated"), "status:all": _("All notes"),
        "status:pending": _("Not yet checked"), "status:failed": _("Check failed"),
        "field:text": _("Note text"), "field:external_id": _("External id"),
        "field:collector": _("Collector (username)"), "field:case": _("Case reference"),
        "field:channel": _("Channel"), "field:contact_time": _("Contact time"),
        "field:language": _("Language"), "field:jurisdiction": _("Jurisdiction"),
        "Findings over time": _("Findings over time"),
        "Findings by category": _("Findings by category"),
        "Findings by severity": _("Findings by severity"), "Top rules": _("Top rules"),
        "Findings by collector": _("Findings by collector"),
        "Findings by team": _("Findings by team"),
        "Precision per rule (reviewer decisions)": _("Precision per rule (reviewer decisions)"),
        "date": _("date"), "findings": _("findings"), "category": _("category"),
        "severity": _("severity"), "rule": _("rule"), "collector": _("collector"),
        "notes": _("notes"), "team": _("team"), "precision": _("precision"),
    }


def render(request: Request, name: str, context: dict, status_code: int = 200):
    """The shared renderer, with `label` for stored values and `local` for times."""
    zone = ZoneInfo(request.app.state.settings.timezone)

    def local(moment: datetime | None) -> str:
        """A stored (UTC) time in the team's time zone, as people read it."""
        if moment is None:
            return ""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return f"{aware.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"

    return render_page(request, name, {"label": label, "local": local,
                                       "timezone": zone.key, **context},
                       status_code=status_code)


def _filters(team: int | None = None, collector: int | None = None, category: str = "",
             severity: str = "", date_from: date | None = None, date_to: date | None = None,
             status: str = "open", page: int = 1) -> queue.QueueFilters:
    return queue.QueueFilters(team=team, collector=collector, category=category,
                              severity=severity, date_from=date_from, date_to=date_to,
                              status=status, page=page)



# --- review queue ------------------------------------------------------------------------

@router.get("/qa")
def review_queue(request: Request, db: DbSession, user: QaUser, settings: SettingsDep,
                 team: int | None = None, collector: int | None = None, category: str = "",
                 severity: str = "", date_from: date | None = None,
                 date_to: date | None = None, status: str = "open", page: int = 1):
    filters = _filters(team, collector, category, severity, date_from, date_to, status, page)
    return _queue_page(request, db, user, settings, filters)


def _queue_page(request: Request, db: Session, user, settings, filters: queue.QueueFilters,
                status_code: int = 200, **extra):
    rows, total = queue.page(db, user, filters, settings.timezone)
    return render(request, "qa/queue.html", {
        "rows": rows, "total": total, "filters": filters, "page_size": queue.PAGE_SIZE,
        "highlighted": {r.note.id: highlight(r.note.text, r.findings) for r in rows},
        "teams": queue.teams(db), "collectors": queue.collectors(db),
        "categories": CATEGORIES, "severities": SEVERITIES, "statuses": queue.STATUSES,
        "bulk_error": "", "bulk": {}} | extra, status_code=status_code)


def _filters_from_next(target: str) -> queue.QueueFilters:
    """The queue filters carried in a form's `next` (/qa?team=1&status=open)."""
    query = parse_qs(urlsplit(target).query)

    def one(name: str, cast=str, default=None):
        try:
            return cast(query[name][0]) if query.get(name) and query[name][0] else default
        except ValueError:
            return default

    return _filters(one("team", int), one("collector", int), one("category", str, ""),
                    one("severity", str, ""), one("date_from", date.fromisoformat),
                    one("date_to", date.fromisoformat), one("status", str, "open"),
                    one("page", int, 1))


def _decision_error(message: str) -> str:
    """The review library's field-prefixed message as a sentence for the reviewer."""
    field = message.split(":", 1)[0]
    if field == "comment" and "escalate" in message:
        return _("Escalating needs a comment: say why, for whoever picks it up.")
    if field == "comment":
        return _("The comment is too long; keep it under 4,000 characters.")
    if field == "findings":
        return _("Select at least one finding first.")
    if field == "decision":
        return _("Choose confirm, dismiss or escalate.")
    return message


@router.get("/qa/notes/{note_id}")
def note_detail(note_id: int, request: Request, db: DbSession, user: CurrentUser):
    note = queue.get_note(db, note_id, user)
    return _note_page(request, db, note, user)


def _note_page(request: Request, db: Session, note: Note, user: User, status_code: int = 200,
               **extra):
    row = queue.rows_for(db, [note])[0]
    standing = misses.misses_of(db, note.id, current_only=True)
    return render(request, "qa/note.html", {
        "row": row, "note": note, "highlighted": highlight(note.text, row.findings, standing),
        "history": queue.history(db, note), "can_review": user.role.value in ("qa", "admin"),
        "misses": _misses_shown(db, note), "review_state": misses.review_state(db, note),
        "categories": CATEGORIES, "miss_form": {}} | extra, status_code=status_code)


def _misses_shown(db: Session, note: Note) -> list[dict]:
    """The note's misses, newest first, with the people who recorded or withdrew them."""
    recorded = misses.misses_of(db, note.id)
    ids = {m.reviewer_id for m in recorded} | {m.withdrawn_by_id for m in recorded}
    people = {u.id: u for u in db.exec(select(User).where(User.id.in_(ids - {None})))}
    return [{"miss": m, "reviewer": people.get(m.reviewer_id),
             "withdrawn_by": people.get(m.withdrawn_by_id)} for m in reversed(recorded)]


@router.post("/qa/notes/{note_id}/decisions")
def decide_on_note(note_id: int, request: Request, db: DbSession, user: QaUser,
                   decision: Annotated[str, Form()], finding_ids: Annotated[list[int], Form()],
                   comment: Annotated[str, Form()] = "", next: Annotated[str, Form()] = ""):
    note = queue.get_note(db, note_id, user)
    ids = _findings_of_note(db, note, finding_ids)
    error = ""
    try:
        review.decide(db, user, ids, decision, comment)
    except InvalidInput as exc:
        db.rollback()
        error = _decision_error(str(exc))
    htmx = bool(request.headers.get("hx-request"))
    if htmx or error:
        row = queue.rows_for(db, [note])[0]
        context = {"row": row, "highlighted": {note.id: highlight(note.text, row.findings)},
                   "can_review": True, "next": next, "decide_error": error,
                   "comment": comment}
        if htmx:  # 200 even with an error: HTMX swaps only successful answers
            return render(request, "qa/_note_card.html", context)
        return _note_page(request, db, note, user, status_code=422, next=next,
                          decide_error=error, comment=comment)
    return RedirectResponse(_local(next) or f"/qa/notes/{note_id}", status_code=303)


@router.post("/qa/decisions")
def bulk_decide(request: Request, db: DbSession, user: QaUser, settings: SettingsDep,
                decision: Annotated[str, Form()],
                finding_ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI form default
                comment: Annotated[str, Form()] = "", next: Annotated[str, Form()] = ""):
    try:
        review.decide(db, user, finding_ids, decision, comment)
    except InvalidInput as exc:
        db.rollback()
        # The queue again, with the message on the bulk form and the selection kept.
        return _queue_page(request, db, user, settings, _filters_from_next(next),
                           status_code=422, bulk_error=_decision_error(str(exc)),
                           bulk={"comment": comment, "decision": decision,
                                 "selected": set(finding_ids), "next": next})
    return RedirectResponse(_local(next) or "/qa", status_code=303)


# --- violations the checker missed ------------------------------------------------------------

@router.post("/qa/notes/{note_id}/misses")
def add_miss(note_id: int, request: Request, db: DbSession, user: QaUser,
             category: Annotated[str, Form()] = "", start: Annotated[str, Form()] = "",
             end: Annotated[str, Form()] = "", quote: Annotated[str, Form()] = "",
             comment: Annotated[str, Form()] = ""):
    note = queue.get_note(db, note_id, user)
    form = {"category": category, "start": start, "end": end, "quote": quote,
            "comment": comment}
    try:
        misses.add_miss(db, user, note, category=category, start=_offset(start, "start"),
                        end=_offset(end, "end"), quote=quote, comment=comment)
    except InvalidInput as exc:
        db.rollback()
        return _note_page(request, db, note, user, status_code=422,
                          miss_error=_miss_error(str(exc), quote), miss_form=form)
    return RedirectResponse(f"/qa/notes/{note_id}#misses", status_code=303)


@router.post("/qa/notes/{note_id}/misses/{miss_id}/withdraw")
def withdraw_miss(note_id: int, miss_id: int, request: Request, db: DbSession, user: QaUser):
    note = queue.get_note(db, note_id, user)
    try:
        misses.withdraw_miss(db, user, note, miss_id)
    except InvalidInput:
        db.rollback()
        return _note_page(request, db, note, user, status_code=422,
                          miss_error=_("That missed violation was already withdrawn."))
    return RedirectResponse(f"/qa/notes/{note_id}#misses", status_code=303)


@router.post("/qa/notes/{note_id}/nothing-missed")
def nothing_missed(note_id: int, request: Request, db: DbSession, user: QaUser,
                   comment: Annotated[str, Form()] = ""):
    note = queue.get_note(db, note_id, user)
    try:
        misses.mark_nothing_missed(db, user, note, comment)
    except InvalidInput as exc:
        db.rollback()
        return _note_page(request, db, note, user, status_code=422,
                          miss_error=_miss_error(str(exc), ""))
    return RedirectResponse(f"/qa/notes/{note_id}#misses", status_code=303)


def _offset(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{field}: {value!r} is not a whole number") from None


def _miss_error(message: str, quote: str) -> str:
    """The misses library's field-prefixed message as a sentence for the reviewer."""
    field = message.split(":", 1)[0]
    if field == "category":
        return _("Choose the category of the violation the checker missed.")
    if field == "quote" and "occurs" in message:
        return _("“%(quote)s” occurs more than once in the note. Quote more of the sentence, "
                 "or select the words in the note.") % {"quote": quote.strip()}
    if field == "quote" and "empty" not in message:
        return _("“%(quote)s” is not in the note. Copy the words exactly as written, or "
                 "select them in the note.") % {"quote": quote.strip()}
    if field in ("start", "end", "quote"):
        return _("The selected words are not inside the note. Select them again, or type "
                 "them in the quote field.")
    if field == "comment":
        return _("The comment is too long; keep it under 4,000 characters.")
    return message


def _findings_of_note(db: Session, note: Note, finding_ids: list[int]) -> list[int]:
    mine = set(db.exec(select(NoteFinding.id).where(NoteFinding.note_id == note.id)))
    foreign = [i for i in finding_ids if i not in mine]
    if foreign:
        raise InvalidInput(f"finding_ids: finding {foreign[0]} is not on note {note.id}")
    return finding_ids


def _local(target: str) -> str:
    """Only same-site paths are followed after a form post."""
    return target if target.startswith("/") and not target.startswith("//") else ""


# --- collectors: own notes ------------------------------------------------------------------

@router.get("/qa/my-notes")
def my_notes(request: Request, db: DbSession, user: CollectorUser, page: int = 1):
    return _my_notes_page(request, db, user, page)


def _my_notes_page(request: Request, db: Session, user, page: int = 1, status_code: int = 200,
                   **extra):
    query = queue.visible_notes(user).order_by(Note.created_at.desc(), Note.id.desc())
    notes = list(db.exec(query.offset((max(1, page) - 1) * queue.PAGE_SIZE)
                         .limit(queue.PAGE_SIZE)))
    rows = queue.rows_for(db, notes)
    return render(request, "qa/my_notes.html", {
        "rows": rows, "page": max(1, page), "page_size": queue.PAGE_SIZE,
        "highlighted": {r.note.id: highlight(r.note.text, r.findings) for r in rows},
        "cases": cases.list_for_user(db, user), "channels": [c.value for c in Channel]} | extra,
        status_code=status_code)


@router.post("/qa/my-notes")
def add_my_note(request: Request, db: DbSession, user: CollectorUser, settings: SettingsDep,
                text: Annotated[str, Form()] = "", case_id: Annotated[str, Form()] = "",
                channel: Annotated[str, Form()] = Channel.call.value,
                contact_time: Annotated[str, Form()] = ""):
    case = cases.get_for_user(db, int(case_id), user) if case_id.strip().isdigit() else None
    form = {"text": text, "case_id": case_id, "channel": channel, "contact_time": contact_time}
    error = ""
    when = None
    if not text.strip():
        error = _("Write the note before saving it.")
    else:
        try:
            when = _form_time(contact_time, settings.timezone)
        except InvalidInput:
            error = _("The contact time is not a date and time we can read.")
    if not error:
        try:
            note, _findings = intake.save_note(db, text=text, author=user, case=case,
                                               channel=channel, contact_time=when,
                                               rules_dir=settings.rules_dir)
        except InvalidInput as exc:
            db.rollback()
            error = (_("The note is too long; keep it under 20,000 characters.")
                     if "long" in str(exc) or "characters" in str(exc)
                     else _("The note could not be saved: check the fields and try again."))
    if error:
        if case is not None and request.headers.get("referer", "").endswith(
                f"/qa/cases/{case.id}/note"):
            return render(request, "qa/case_note.html", {
                "case": case, "channels": [c.value for c in Channel], "note_error": error,
                "note_form": form}, status_code=422)
        return _my_notes_page(request, db, user, status_code=422, note_error=error,
                              note_form=form)
    return RedirectResponse(f"/qa/notes/{note.id}", status_code=303)


@router.get("/qa/cases/{case_id}/note")
def case_note_form(case_id: int, request: Request, db: DbSession, user: CollectorUser):
    case = cases.get_for_user(db, case_id, user)
    return render(request, "qa/case_note.html", {
        "case": case, "channels": [c.value for c in Channel]})


def _form_time(value: str, timezone: str) -> datetime | None:
    from assistant.qa.mapping import parse_time

    return parse_time(value.strip(), timezone) if value.strip() else None


# --- imports ---------------------------------------------------------------------------------

@router.get("/qa/import")
def import_form(request: Request, db: DbSession, user: QaUser):
    batches = list(db.exec(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(20)))
    return render(request, "qa/import.html", {"batches": batches})


@router.post("/qa/import")
async def import_upload(request: Request, db: DbSession, user: QaUser, settings: SettingsDep,
                        file: Annotated[UploadFile, File()]):
    name = file.filename or "upload"
    try:
        data = await _read_limited(file, settings.max_upload_bytes)
        batch = importer.store_upload(db, settings.var_dir, name, data,
                                      actor=user, max_bytes=settings.max_upload_bytes)
    except InvalidInput as exc:
        db.rollback()
        message = str(exc)
        if "unknown file type" in message or "format" in message:
            error = _("“%(name)s” is not a file we can import. Choose a CSV, XLSX or JSONL "
                      "file.") % {"name": name}
        elif "is empty" in message:
            error = _("“%(name)s” is empty. Choose a file that has notes in it.") % {"name": name}
        elif "limit" in message:
            error = _("“%(name)s” is larger than the upload limit of %(limit)s. Split it "
                      "into smaller files.") % {
                "name": name, "limit": _size(settings.max_upload_bytes)}
        else:
            error = _("“%(name)s” could not be uploaded. Check the file and try again.") % {
                "name": name}
        batches = list(db.exec(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(20)))
        return render(request, "qa/import.html", {"batches": batches, "upload_error": error},
                      status_code=422)
    return RedirectResponse(f"/qa/import/{batch.id}", status_code=303)


def _size(size: int) -> str:
    """A byte count as people read it: 512 KB, 20.0 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes; stop reading (and say so) once it passes the limit."""
    chunks, size = [], 0
    while chunk := await file.read(UPLOAD_CHUNK):
        size += len(chunk)
        importer.check_size(size, limit, file.filename or "upload")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/qa/import/{batch_id}")
def import_batch(batch_id: int, request: Request, db: DbSession, user: QaUser,
                 settings: SettingsDep, encoding: str = "auto"):
    batch = importer.get_batch(db, batch_id)
    context = {"batch": batch, "fields": FIELDS, "encodings": ENCODING_CHOICES,
               "encoding": encoding, "channels": [c.value for c in Channel]}
    if batch.status == BatchStatus.uploaded:
        try:
            context["preview"] = importer.preview(settings.var_dir, batch, encoding=encoding)
        except InvalidInput as exc:
            context["preview_error"] = str(exc)
    return render(request, "qa/import_batch.html", context)


@router.post("/qa/import/{batch_id}/start")
async def import_start(batch_id: int, request: Request, db: DbSession, user: QaUser,
                       settings: SettingsDep, background: BackgroundTasks):
    form = await request.form()
    batch = importer.get_batch(db, batch_id)
    if batch.status != BatchStatus.uploaded:
        raise InvalidInput(f"import batch {batch_id}: already {batch.status}")
    mapping = Mapping({f: str(form[f"map_{f}"]) for f in FIELDS if form.get(f"map_{f}")})
    defaults = {f: str(form[f"default_{f}"]) for f in ("channel", "jurisdiction", "language")
                if form.get(f"default_{f}")}
    encoding = str(form.get("encoding") or "auto")
    engine = request.app.state.engine
    batch.status = BatchStatus.importing
    db.commit()  # the page shows progress from now on, even before the thread starts
    background.add_task(_run_import, engine, settings, batch_id, mapping, encoding, defaults)
    return RedirectResponse(f"/qa/import/{batch_id}", status_code=303)


def _run_import(engine, settings, batch_id: int, mapping: Mapping, encoding: str,
                defaults: dict[str, str]) -> None:
    try:
        importer.import_file(engine, settings.var_dir, batch_id, mapping=mapping,
                             encoding=encoding, defaults=defaults, timezone=settings.timezone,
                             checker_factory=lambda: intake.load_checker(settings.rules_dir))
    except InvalidInput:
        pass  # the batch carries the message; the page shows it
    except Exception:  # noqa: BLE001 - a background job: record, never lose the batch
        log.exception("import batch %s failed", batch_id)
        with Session(engine) as db:
            batch = db.get(ImportBatch, batch_id)
            if batch and batch.status not in (BatchStatus.done, BatchStatus.failed):
                batch.status = BatchStatus.failed
                batch.error = batch.error or "internal error while importing; it has been logged"
                db.commit()


@router.get("/qa/import/{batch_id}/status")
def import_status(batch_id: int, request: Request, db: DbSession, user: QaUser):
    return render(request, "qa/_batch_status.html", {"batch": importer.get_batch(db, batch_id)})


# --- dashboard and exports -------------------------------------------------------------------

def _dashboard(db: Session, settings, date_from, date_to, team) -> dashboard.Dashboard:
    return dashboard.build(db, date_from=date_from, date_to=date_to, team=team,
                           timezone=settings.timezone)


@router.get("/qa/dashboard")
def dashboard_page(request: Request, db: DbSession, user: QaUser, settings: SettingsDep,
                   date_from: date | None = None, date_to: date | None = None,
                   team: int | None = None):
    board = _dashboard(db, settings, date_from, date_to, team)
    t = board.tables
    chart_html = {
        "over_time": charts.column_chart([r[0] for r in t["over_time"].rows],
                                         [r[1] for r in t["over_time"].rows],
                                         title=_("Findings over time"), chart_id="chart-time"),
        "by_category": charts.bar_chart([category_label(r[0]) for r in t["by_category"].rows],
                                        [r[1] for r in t["by_category"].rows],
                                        title=_("Findings by category"), chart_id="chart-cat"),
        "by_collector": charts.bar_chart([r[0] for r in t["by_collector"].rows],
                                         [r[2] for r in t["by_collector"].rows],
                                         title=_("Findings by collector"), chart_id="chart-coll"),
        "by_team": charts.bar_chart([r[0] for r in t["by_team"].rows],
                                    [r[1] for r in t["by_team"].rows],
                                    title=_("Findings by team"), chart_id="chart-team"),
        "top_rules": charts.bar_chart([r[0] for r in t["top_rules"].rows],
                                      [r[1] for r in t["top_rules"].rows],
                                      title=_("Top rules"), chart_id="chart-rules"),
        "precision": charts.bar_chart(
            [r[0] for r in t["precision"].rows if r[4] is not None],
            [r[4] * 100 for r in t["precision"].rows if r[4] is not None],
            title=_("Precision per rule"), value_format="{:.0f}%", chart_id="chart-precision"),
        "category_review": charts.bar_chart(
            [category_label(r[0]) for r in t["category_review"].rows if r[6] is not None],
            [r[6] * 100 for r in t["category_review"].rows if r[6] is not None],
            title=_("Recall per category"), value_format="{:.0f}%", chart_id="chart-recall"),
    }
    query = {k: str(v) for k, v in (("date_from", date_from), ("date_to", date_to),
                                    ("team", team)) if v}
    return render(request, "qa/dashboard.html", {
        "board": board, "charts": chart_html, "teams": queue.teams(db), "query": query,
        "date_from": date_from, "date_to": date_to, "team": team})


@router.get("/qa/export/dashboard/{table}.{fmt}")
def export_dashboard(table: str, fmt: Literal["csv", "xlsx"], db: DbSession, user: QaUser,
                     settings: SettingsDep, date_from: date | None = None,
                     date_to: date | None = None, team: int | None = None):
    board = _dashboard(db, settings, date_from, date_to, team)
    if table not in board.tables:
        raise InvalidInput(f"table: {table!r} is not one of {', '.join(board.tables)}")
    chosen = board.tables[table]
    return _file(chosen.header, chosen.rows, f"qa-{table}", fmt)


EXPORT_HEADER = ["note_id", "stored_at", "contact_time", "collector", "team", "case", "channel",
                 "source", "check_status", "rule_id", "category", "severity", "start", "end",
                 "matched_text", "message", "citation", "suggestion", "decision", "note_text"]


@router.get("/qa/export/queue.{fmt}")
def export_queue(fmt: Literal["csv", "xlsx"], db: DbSession, user: QaUser,
                 settings: SettingsDep, team: int | None = None, collector: int | None = None,
                 category: str = "", severity: str = "", date_from: date | None = None,
                 date_to: date | None = None, status: str = "open"):
    filters = _filters(team, collector, category, severity, date_from, date_to, status)
    notes = list(db.exec(queue.filtered(user, filters, settings.timezone)))
    rows = []
    for row in queue.rows_for(db, notes):
        base = [row.note.id, row.note.created_at, row.note.contact_time,
                row.author.username if row.author else "", row.team.name if row.team else "",
                row.case.reference if row.case else "", row.note.channel, row.note.source,
                row.note.check_status]
        findings = [f for f in row.findings
                    if (not category or f.category == category)
                    and (not severity or f.severity == severity)] or [None]
        for f in findings:
            detail = ([f.rule_id, f.category, f.severity, f.start, f.end, f.text, f.message,
                       f.citation, f.suggestion, f.decision or ""] if f else [""] * 10)
            rows.append([*base, *detail, row.note.text])
    return _file(EXPORT_HEADER, rows, "qa-queue", fmt)


@router.get("/qa/export/labels.jsonl")
def export_labels(db: DbSession, user: QaUser, settings: SettingsDep, since: date | None = None,
                  lang: str = "", jurisdiction: str = "") -> Response:
    """Reviewed notes as labelled evaluation data (the format `assistant eval` reads)."""
    moment = (datetime.combine(since, time(), ZoneInfo(settings.timezone)) if since else None)
    filters = label_export.ExportFilters(since=moment, lang=lang or None,
                                         jurisdiction=jurisdiction or None)
    out = io.StringIO()
    report = label_export.write_labels(db, out, filters)
    return Response(out.getvalue().encode("utf-8"), media_type="application/jsonl",
                    headers={"Content-Disposition": 'attachment; filename="qa-labels.jsonl"',
                             "X-Exported-Notes": str(report.exported),
                             "X-Export-Summary": report.summary()})


def _file(header: list[str], rows: list[list], stem: str, fmt: str) -> Response:
    if fmt == "csv":
        body, media = exports.to_csv(header, rows), exports.CSV_MEDIA_TYPE
    else:
        body, media = exports.to_xlsx(header, rows, sheet=stem), exports.XLSX_MEDIA_TYPE
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


# --- JSON API --------------------------------------------------------------------------------

class NoteIn(BaseModel):
    # Emptiness is checked per note by the intake, so one bad note does not reject the batch.
    text: str = Field(max_length=intake.MAX_NOTE_CHARS)
    external_id: str | None = Field(default=None, max_length=120,
                                    description="your id for the note: sending it again is safe")
    collector: str | None = Field(default=None, description="username of the note's author")
    case_id: int | None = None
    case_reference: str | None = None
    channel: Literal["call", "visit", "sms", "other"] = "other"
    contact_time: datetime | None = Field(default=None, description="with a time zone")
    language: Literal["", "zh", "en"] = ""
    jurisdiction: Literal["", "cn", "us", "uk"] = ""


class NotesIn(BaseModel):
    notes: list[NoteIn] = Field(min_length=1, max_length=1000)


class FindingOut(BaseModel):
    id: int
    rule_id: str
    category: str
    severity: str
    start: int
    end: int
    text: str
    message: str
    citation: str
    suggestion: str
    decision: str | None


class MissOut(BaseModel):
    """A violation a reviewer found that the checker did not flag."""

    id: int
    note_id: int
    category: str
    start: int | None = Field(description="offset into the note's original text, if any")
    end: int | None
    text: str = Field(description="the note's characters from start to end")
    comment: str
    reviewer_id: int
    at: datetime
    withdrawn_at: datetime | None = Field(description="set when withdrawn; the miss then no "
                                                      "longer counts")
    withdrawn_by_id: int | None


class MissIn(BaseModel):
    category: Category = Field(description="a category id of the taxonomy")
    start: int | None = Field(default=None, description="offset into the note's original "
                                                        "text; give end too")
    end: int | None = None
    quote: str = Field(default="", max_length=intake.MAX_NOTE_CHARS,
                       description="the words as written in the note, located there when "
                                   "start/end are not given")
    comment: str = Field(default="", max_length=review.MAX_COMMENT_CHARS)


class NoteResultOut(BaseModel):
    index: int
    id: int | None = None
    created: bool = False
    external_id: str | None = None
    check_status: str | None = None
    check_error: str = ""
    findings: list[FindingOut] = []
    misses: list[MissOut] = Field(default=[], description="violations reviewers found that "
                                                          "the checker missed, withdrawn "
                                                          "ones included")
    error: str = ""


class NotesOut(BaseModel):
    results: list[NoteResultOut]
    created: int
    existing: int
    rejected: int


@router.post("/api/notes", response_model=NotesOut)
def api_post_notes(body: NotesIn | NoteIn, db: DbSession, user: CurrentUser,
                   settings: SettingsDep, response: Response) -> NotesOut:
    """Store notes (one, or up to 1000 as {"notes": [...]}) and check them.

    Idempotent by external_id: a note sent again is not stored twice; its stored result is
    returned with created=false. A rejected note does not stop the others.
    """
    items = body.notes if isinstance(body, NotesIn) else [body]
    results = intake.save_api_notes(
        db, user, [intake.NoteInput(**item.model_dump()) for item in items],
        rules_dir=settings.rules_dir)
    out = [_result_out(r) for r in results]
    created = sum(r.created for r in results)
    response.status_code = 201 if created else 200
    return NotesOut(results=out, created=created,
                    existing=sum(1 for r in results if r.note and not r.created),
                    rejected=sum(1 for r in results if r.error))


@router.get("/api/notes/{note_id}", response_model=NoteResultOut)
def api_get_note(note_id: int, db: DbSession, user: CurrentUser) -> NoteResultOut:
    note = queue.get_note(db, note_id, user)
    out = _result_out(intake.IntakeResult(0, note, findings=intake.findings_of(db, note.id)))
    out.misses = [_miss_out(m) for m in misses.misses_of(db, note.id)]
    return out


@router.post("/api/notes/{note_id}/misses", response_model=MissOut, status_code=201)
def api_add_miss(note_id: int, body: MissIn, db: DbSession, user: QaUser) -> MissOut:
    """Record a violation the checker missed in a note (QA and admin)."""
    note = queue.get_note(db, note_id, user)
    return _miss_out(misses.add_miss(db, user, note, category=body.category, start=body.start,
                                     end=body.end, quote=body.quote, comment=body.comment))


@router.post("/api/notes/{note_id}/misses/{miss_id}/withdraw", response_model=MissOut)
def api_withdraw_miss(note_id: int, miss_id: int, db: DbSession, user: QaUser) -> MissOut:
    """Withdraw a recorded miss; it is kept, marked withdrawn (QA and admin)."""
    note = queue.get_note(db, note_id, user)
    return _miss_out(misses.withdraw_miss(db, user, note, miss_id))


def _miss_out(miss: MissedViolation) -> MissOut:
    return MissOut(**miss.model_dump(include=set(MissOut.model_fields)))


def _result_out(result: intake.IntakeResult) -> NoteResultOut:
    note = result.note
    if note is None:
        return NoteResultOut(index=result.index, error=result.error)
    return NoteResultOut(
        index=result.index, id=note.id, created=result.created, external_id=note.external_id,
        check_status=note.check_status, check_error=note.check_error,
        findings=[FindingOut(**f.model_dump(include=set(FindingOut.model_fields)))
                  for f in result.findings])

