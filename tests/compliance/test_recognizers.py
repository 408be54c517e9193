"""Validated recognisers: valid numbers are found, bad checksums and masked numbers pass."""

from __future__ import annotations

import pytest

from assistant.compliance.contact_recognizers import (
    build_grammar,
    chinese_number,
    clock_minutes,
    load_terms,
)
from assistant.compliance.recognizers import (
    RECOGNIZERS,
    RecognizerContext,
    card_number_ok,
    nino_ok,
)
from tests.compliance.conftest import PROJECT_RULES

CN_POLICY = {"allowed_hours": {"start": "08:00", "end": "21:00"}, "max_attempts_per_day": 3,
             "max_attempts_per_7_days": None}
US_POLICY = {"allowed_hours": {"start": "08:00", "end": "21:00"}, "max_attempts_per_day": None,
             "max_attempts_per_7_days": 7}
TERMS = load_terms(PROJECT_RULES)


def context(lang: str, jurisdiction: str = "cn") -> RecognizerContext:
    policy = CN_POLICY if jurisdiction == "cn" else US_POLICY
    return RecognizerContext(lang, jurisdiction, policy, build_grammar(TERMS, lang))


def found(name: str, text: str, lang: str = "zh", jurisdiction: str = "cn") -> list[str]:
    return [text[s:e] for s, e in RECOGNIZERS[name].find(text, context(lang, jurisdiction))]


@pytest.mark.parametrize("text, expected", [
    ("身份证110105197804128814已核", ["110105197804128814"]),
    ("身份证 320102 19920815 0029", ["320102 19920815 0029"]),
    ("id 44030519851201231x", ["44030519851201231x"]),
    ("证件号510107196009259383", ["510107196009259383"]),  # district newer than stdnum's table
    ("身份证110105197804128810", []),  # wrong check digit
    ("身份证110105********8814", []),  # masked
    ("身份证110105199913458814", []),  # no such date of birth
    ("编号990105197804128814", []),  # 99 is no province
])
def test_resident_id(text, expected):
    assert found("cn_resident_id", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("卡号6222021234567890128", ["6222021234567890128"]),
    ("card 4111 1111 1111 116 charged", ["4111 1111 1111 116"]),
    ("卡号 5200-4800-1234-566", ["5200-4800-1234-566"]),
    ("卡号6222021234567890121", []),  # Luhn fails
    ("卡号6222********0128", []),  # masked
    ("卡号6222 **** **** 0128", []),
    ("订单号9222021234567890125", []),  # no card network starts with 9
    ("身份证110105197804128814", []),  # an ID is not also reported as a card
])
def test_bank_card(text, expected):
    assert found("bank_card", text) == expected


def test_card_validation_checks_length_prefix_and_luhn():
    assert card_number_ok("4111111111111111")
    assert not card_number_ok("411111111111")  # too short
    assert not card_number_ok("4111111111111112")


@pytest.mark.parametrize("text, expected", [
    ("ssn 123-45-6789 verified", ["123-45-6789"]),
    ("ssn 123 45 6789", ["123 45 6789"]),
    ("ssn 123456789", ["123456789"]),
    ("ssn ***-**-6789", []),
    ("ssn 000-12-3456", []),  # area 000 is never issued
    ("ssn 666-12-3456", []),
    ("ssn 123-45-678", []),
    ("ssn 123-456789", []),  # mixed separators are not an SSN layout
])
def test_us_ssn(text, expected):
    assert found("us_ssn", text, "en", "us") == expected


@pytest.mark.parametrize("text, expected", [
    ("ni ab123456c given", ["ab123456c"]),
    ("ni no jg 10 37 59 a", ["jg 10 37 59 a"]),
    ("ni qq123456c", []),  # Q is never a first letter
    ("ni gb123456a", []),  # reserved prefix
    ("ni ab123456e", []),  # suffix beyond D
])
def test_uk_nino(text, expected):
    assert found("uk_nino", text, "en", "uk") == expected
    assert nino_ok("AB123456C")


def test_phone_numbers_by_jurisdiction_region():
    assert found("phone_number", "客户手机13812345678", "zh", "cn") == ["13812345678"]
    assert found("phone_number", "call back on (202) 555-0143", "en", "us") == ["(202) 555-0143"]


@pytest.mark.parametrize("text", ["23:40再次拨打", "晚上十一点半致电", "凌晨两点打电话", "早上6点50联系",
                                  "21点15分致电", "深夜11点来电", "晚上9点半打电话", "夜里12点打"])
def test_contact_times_outside_the_chinese_window_are_found(text):
    assert found("contact_time", text), text


@pytest.mark.parametrize("text", ["下午三点致电", "早上9点联系", "20:30致电", "晚上八点半打电话",
                                  "7:30致电", "6点50联系", "21:00致电", "欠款一点也没还",
                                  "约定3月5日还款"])
def test_contact_times_inside_the_window_or_ambiguous_are_not(text):
    assert found("contact_time", text) == [], text


@pytest.mark.parametrize("text, flagged", [
    ("called at 6:30am", True), ("rang her at 9:45 pm", True), ("phoned at 11 at night", True),
    ("called at 10:30am", False), ("called at 8:45 pm", False), ("called at 7:30", False),
    ("called at 23:15", True), ("called at 12 am", True), ("paid $6 am", False),
])
def test_english_contact_times(text, flagged):
    assert bool(found("contact_time", text, "en", "us")) is flagged


def test_clock_minutes_reads_day_parts():
    assert clock_minutes(11, 30, "evening", None) == 23 * 60 + 30
    assert clock_minutes(1, 0, "evening", None) == 60  # 晚上一点 is after midnight
    assert clock_minutes(1, 0, "noon", None) == 13 * 60
    assert clock_minutes(7, 30, None, None) is None  # morning or evening: unknown
    assert clock_minutes(12, 0, None, "am") == 0


@pytest.mark.parametrize("text, flagged", [
    ("今天打了15次，均未接通", True), ("一天内第五次致电客户", True), ("本周共拨打30通电话", True),
    ("今天打了2次", False), ("打了15次", False),  # no period: the cap cannot be applied
    ("客户说今天吃了5次药", False), ("本周联系了5次", False),
])
def test_chinese_contact_counts_against_the_cn_cap(text, flagged):
    assert bool(found("contact_count", text)) is flagged


@pytest.mark.parametrize("text, flagged", [
    ("12 calls this week", True), ("rang her 9 times today", True),
    ("made twelve calls this week", True), ("3 calls this week", False),
    ("she owes 12 times more this week", False), ("12 calls", False),
])
def test_english_contact_counts_against_the_us_cap(text, flagged):
    assert bool(found("contact_count", text, "en", "us")) is flagged


def test_chinese_numbers():
    assert [chinese_number(t) for t in ["十五", "二十一", "两", "十", "9", "三十"]] == [
        15, 21, 2, 10, 9, 30]
    assert chinese_number("十十") is None
