"""Column mapping for imports: which file column feeds which note field, and row conversion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from assistant.errors import InvalidInput
from assistant.qa.intake import JURISDICTIONS, LANGUAGES, MAX_NOTE_CHARS, NoteInput
from assistant.qa.models import Channel

# Note fields an import can fill; "text" is required.
FIELDS = ("text", "external_id", "collector", "case", "channel", "contact_time", "language",
          "jurisdiction")

# Header names seen in CRM and dialer exports (lower-cased, spaces/underscores removed), so the
# first mapping the user sees is usually right. The user confirms or changes it.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "note", "notes", "content", "body", "comment", "comments", "remark",
             "remarks", "备注", "內容", "内容", "催记", "催記", "催收记录", "催收記錄", "记录",
             "記錄", "小记", "跟进记录", "跟進記錄", "文本"),
    "external_id": ("externalid", "id", "noteid", "recordid", "编号", "編號", "记录编号",
                    "記錄編號", "流水号", "序号"),
    "collector": ("collector", "agent", "author", "username", "user", "催收员", "催收員",
                  "坐席", "作业员", "作業員", "工号", "工號", "员工"),
    "case": ("case", "casereference", "caseref", "reference", "account", "案件", "案件编号",
             "案件編號", "合同号", "合同號", "借据号"),
    "channel": ("channel", "type", "contacttype", "渠道", "方式", "联系方式", "聯繫方式",
                "催收方式"),
    "contact_time": ("contacttime", "time", "datetime", "date", "calledat", "时间", "時間",
                     "联系时间", "聯繫時間", "催收时间", "催收時間", "日期"),
    "language": ("language", "lang", "语言", "語言"),
    "jurisdiction": ("jurisdiction", "region", "market", "country", "辖区", "轄區", "地区"),
}

CHANNEL_ALIASES = {
    "call": "call", "phone": "call", "电话": "call", "電話": "call", "外呼": "call",
    "visit": "visit", "外访": "visit", "外訪": "visit", "上门": "visit", "上門": "visit",
    "sms": "sms", "text": "sms", "短信": "sms", "簡訊": "sms",
    "other": "other", "其他": "other", "": "other",
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")


@dataclass(frozen=True)
class Mapping:
    """field -> column name; fields left out are not imported."""

    columns: dict[str, str]

    @classmethod
    def parse(cls, spec: str) -> Mapping:
        """From the CLI's `text=备注,collector=坐席`."""
        columns: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            field, sep, column = part.partition("=")
            if not sep or not column.strip():
                raise InvalidInput(f"--map: {part!r} should look like field=column")
            columns[field.strip()] = column.strip()
        return cls(columns)

    def validate(self, file_columns: list[str], where: str) -> None:
        """A clear error for an unknown field, a column the file lacks, or no text column."""
        for field, column in self.columns.items():
            if field not in FIELDS:
                raise InvalidInput(f"{where}: unknown note field {field!r}; fields are "
                                   f"{', '.join(FIELDS)}")
            if column not in file_columns:
                raise InvalidInput(f"{where}: column {column!r} (for {field}) is not in the "
                                   f"file; its columns are {', '.join(file_columns)}")
        if "text" not in self.columns:
            raise InvalidInput(f"{where}: no column is mapped to the note text; the file's "
                               f"columns are {', '.join(file_columns)}")


def guess_mapping(columns: list[str]) -> Mapping:
    """The likeliest column for each field by its header name."""
    normalised = {_normalise(c): c for c in columns}
    guessed: dict[str, str] = {}
    for field in FIELDS:
        for alias in HEADER_ALIASES[field]:
            column = normalised.get(_normalise(alias))
            if column and column not in guessed.values():
                guessed[field] = column
                break
    if "text" not in guessed and columns:
        # Fall back to the column with the longest header-free content guess: the first one.
        leftover = [c for c in columns if c not in guessed.values()]
        if leftover:
            guessed["text"] = leftover[0]
    return Mapping(guessed)


def to_note_input(cells: dict[str, object], mapping: Mapping, *, defaults: dict[str, str],
                  timezone: str) -> NoteInput:
    """A row's cells as a NoteInput; InvalidInput names the field that is wrong."""

    def cell(field: str) -> object:
        column = mapping.columns.get(field)
        value = cells.get(column, "") if column else ""
        if value in ("", None):
            value = defaults.get(field, "")
        return value

    text = str(cell("text") or "").strip()
    if not text:
        raise InvalidInput("empty text")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"text has {len(text)} characters; at most {MAX_NOTE_CHARS}")
    channel_raw = str(cell("channel") or "").strip()
    channel = CHANNEL_ALIASES.get(channel_raw.lower())
    if channel is None:
        raise InvalidInput(f"channel {channel_raw!r} is not one of "
                           f"{', '.join(c.value for c in Channel)}")
    language = str(cell("language") or "").strip().lower()
    if language not in LANGUAGES:
        raise InvalidInput(f"language {language!r} is not zh or en")
    jurisdiction = str(cell("jurisdiction") or "").strip().lower()
    if jurisdiction not in JURISDICTIONS:
        raise InvalidInput(f"jurisdiction {jurisdiction!r} is not cn, us or uk")
    external_id = str(cell("external_id") or "").strip() or None
    if external_id and len(external_id) > 120:
        raise InvalidInput("external id is longer than 120 characters")
    return NoteInput(text=text, external_id=external_id,
                     collector=str(cell("collector") or "").strip() or None,
                     case_reference=str(cell("case") or "").strip() or None,
                     channel=channel, contact_time=parse_time(cell("contact_time"), timezone),
                     language=language, jurisdiction=jurisdiction)


def parse_time(value: object, timezone: str) -> datetime | None:
    """A contact time from a cell; times without a zone are in TIMEZONE (the team's)."""
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        moment = _parse_time_text(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment


def _parse_time_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise InvalidInput(f"contact time {text!r} is not a date and time like 2024-05-01 14:30")


def _normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "").replace("_", "").replace("-", "")
