"""Importing note files in every encoding our users send, and every way a file goes wrong."""

from __future__ import annotations

import pytest
from sqlmodel import select

from assistant.errors import InvalidInput
from assistant.qa.encodings import decode, detect
from assistant.qa.models import BatchStatus, ImportBatch, Note

SIMPLIFIED = ["再不还就报警抓你", "客户说下周五前还款，已告知还款账户。", "告知欠款属于民事纠纷，不会坐牢"]
TRADITIONAL = ["再不還就報警抓你", "客戶說下週五前還款，已告知還款帳戶。", "告知欠款屬於民事糾紛，不會坐牢"]


def _csv(lines: list[str], header: str = "备注,案件编号") -> str:
    return "\r\n".join([header, *(f"{line}," for line in lines)]) + "\r\n"


@pytest.mark.parametrize("encoding, detected, texts", [
    ("utf-8", "utf-8", SIMPLIFIED),
    ("utf-8-sig", "utf-8-sig", SIMPLIFIED),
    ("gbk", "gb18030", SIMPLIFIED),
    ("big5", "big5", TRADITIONAL),
])
def test_csv_in_each_encoding_imports_every_row_with_the_original_text(
        import_bytes, db, encoding, detected, texts):
    header = "备注,案件编号" if encoding != "big5" else "內容,案件編號"
    batch = import_bytes("notes.csv", _csv(texts, header).encode(encoding))

    assert batch.encoding_detected == detected
    assert batch.failed_rows == []
    assert batch.imported_count == len(texts)
    stored = db.exec(select(Note).where(Note.batch_id == batch.id).order_by(Note.row_number))
    assert [(n.row_number, n.text) for n in stored] == [(i + 2, t) for i, t in enumerate(texts)]


def test_user_override_of_the_encoding_wins_over_detection(import_bytes):
    data = _csv(SIMPLIFIED).encode("gbk")
    batch = import_bytes("notes.csv", data, encoding="gbk")
    assert batch.encoding_used == "gb18030" and batch.encoding_detected == ""
    assert batch.imported_count == 3


def test_wrong_encoding_override_is_refused_before_any_note_is_stored(import_bytes, db):
    with pytest.raises(InvalidInput, match=r"notes.csv: row 1 \(the header\) is not valid "
                                           "utf-8; choose another encoding"):
        import_bytes("notes.csv", _csv(SIMPLIFIED).encode("gbk"), encoding="utf-8")
    assert db.exec(select(Note)).first() is None
    assert db.exec(select(ImportBatch)).one().status == BatchStatus.failed


def test_jsonl_in_gbk_and_big5(import_bytes):
    gbk = "\n".join(f'{{"text": "{t}", "id": "g{i}"}}' for i, t in enumerate(SIMPLIFIED))
    big5 = "\n".join(f'{{"text": "{t}", "id": "b{i}"}}' for i, t in enumerate(TRADITIONAL))
    assert import_bytes("a.jsonl", gbk.encode("gbk")).imported_count == 3
    batch = import_bytes("b.jsonl", big5.encode("big5"))
    assert batch.imported_count == 3 and batch.encoding_used == "big5"


def test_mixed_line_endings_are_all_row_breaks(import_bytes, db):
    data = "备注\r\n第一条 客户承诺还款\n第二条 已核实身份\r第三条 约定下周回电\r\n".encode()
    batch = import_bytes("mixed.csv", data)
    assert batch.imported_count == 3, batch.failed_rows
    texts = db.exec(select(Note.text).where(Note.batch_id == batch.id).order_by(Note.id)).all()
    assert texts == ["第一条 客户承诺还款", "第二条 已核实身份", "第三条 约定下周回电"]


def test_truncated_file_keeps_complete_rows_and_reports_the_cut_row(import_bytes):
    data = _csv(SIMPLIFIED).encode("gbk").rstrip(b"\r\n,")[:-1]  # cut inside the last character
    batch = import_bytes("cut.csv", data)
    assert batch.imported_count == 2
    assert batch.failed_rows == [{"row": 4, "reason":
                                  "undecodable bytes (wrong encoding, or the file is cut off)"}]


def test_truncated_xlsx_is_a_clear_error(import_bytes, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["备注"])
    workbook.active.append(["再不还就报警抓你"])
    workbook.save(tmp_path / "notes.xlsx")
    data = (tmp_path / "notes.xlsx").read_bytes()
    with pytest.raises(InvalidInput, match="notes.xlsx: not a readable XLSX workbook"):
        import_bytes("notes.xlsx", data[: len(data) // 2])


def test_xlsx_with_dates_and_numbers(import_bytes, db, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["编号", "备注", "联系时间"])
    workbook.active.append([1001, "客户称下周还款", datetime(2024, 5, 1, 21, 30)])
    workbook.active.append([1002, "", datetime(2024, 5, 1, 22, 0)])
    workbook.save(tmp_path / "notes.xlsx")
    batch = import_bytes("notes.xlsx", (tmp_path / "notes.xlsx").read_bytes())
    assert batch.imported_count == 1
    assert batch.failed_rows == [{"row": 3, "reason": "empty text"}]
    note = db.exec(select(Note).where(Note.batch_id == batch.id)).one()
    assert note.external_id == "1001"
    assert note.contact_time.hour == 13  # 21:30 in Asia/Shanghai is 13:30 UTC


def test_empty_file_is_refused_with_its_name(import_bytes):
    with pytest.raises(InvalidInput, match="empty.csv: the file is empty"):
        import_bytes("empty.csv", b"")


def test_header_only_file_imports_nothing_and_fails_nothing(import_bytes):
    batch = import_bytes("header.csv", "备注\r\n".encode())
    assert (batch.imported_count, batch.failed_count) == (0, 0)


def test_mapping_to_a_column_the_file_lacks_names_the_columns_it_has(import_bytes, db):
    with pytest.raises(InvalidInput, match="column 'note' .* is not in the file; its columns "
                                           "are 备注, 案件编号"):
        import_bytes("notes.csv", _csv(SIMPLIFIED).encode(), mapping="text=note")
    batch = db.exec(select(ImportBatch)).one()
    assert batch.status == BatchStatus.failed and "not in the file" in batch.error


def test_bad_rows_are_reported_with_their_number_and_the_rest_go_in(import_bytes, make_user):
    make_user("collector", username="zhang")
    data = ("备注,坐席,联系时间,渠道\n"
            "再不还就报警抓你,zhang,2024-05-01 10:00,电话\n"
            "只有一列\n"
            ",zhang,,\n"
            "时间不对,zhang,昨天,\n"
            "没有这个人,li,,\n"
            "渠道不对,zhang,,传真\n"
            "\"两行的\n备注\",zhang,2024/05/02 09:30,外访\n").encode("gbk")
    batch = import_bytes("bad.csv", data)
    assert batch.imported_count == 2
    assert [(f["row"], f["reason"]) for f in batch.failed_rows] == [
        (3, "has 1 of 4 columns"),
        (4, "empty text"),
        (5, "contact time '昨天' is not a date and time like 2024-05-01 14:30"),
        (6, "collector 'li' is not a user"),
        (7, "channel '传真' is not one of call, visit, sms, other"),
    ]


def test_reimporting_the_same_external_ids_stores_nothing_twice(import_bytes, db):
    data = "id,text\nA1,客户承诺还款\nA2,已核实身份\nA1,重复的编号\n".encode()
    first = import_bytes("a.csv", data)
    second = import_bytes("a.csv", data)
    assert first.imported_count == 2 and second.imported_count == 0
    assert len(db.exec(select(Note)).all()) == 2
    assert "already note" in second.failed_rows[0]["reason"]


def test_upload_over_the_size_limit_says_how_big_and_what_the_limit_is(db, settings):
    from assistant.qa import importer

    with pytest.raises(InvalidInput, match=r"big.csv: the file is 2.0 MB; the upload limit is "
                                           r"1.0 MB"):
        importer.store_upload(db, settings.var_dir, "big.csv", b"x" * 2 * 1024 * 1024,
                              actor=None, max_bytes=1024 * 1024)


def test_detection_of_short_samples():
    assert detect("再不还就报警抓你".encode("gbk")) == "gb18030"
    assert detect("客戶說下週還款，已記錄。".encode("big5")) == "big5"
    assert decode(b"\xef\xbb\xbfabc").text == "abc"


def test_uploaded_file_is_kept_before_any_row_is_read(import_bytes, settings):
    from tests.qa.conftest import stored_path

    data = _csv(SIMPLIFIED).encode("gbk")
    batch = import_bytes("kept.csv", data)
    assert stored_path(settings, batch).read_bytes() == data
