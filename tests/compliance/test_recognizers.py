"""Validated recognisers: valid numbers are found, bad checksums and masked numbers pass."""

from __future__ import annotations

import pytest

from assistant.compliance.contact_recognizers import (
    attempt_cap,
    build_grammar,
    chinese_number,
    clock_minutes,
    load_terms,
)
from assistant.compliance.normalise import normalise
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
UK_POLICY = {"allowed_hours": {"start": "08:00", "end": "21:00"}, "max_attempts_per_day": 3,
             "max_attempts_per_7_days": None}
POLICIES = {"cn": CN_POLICY, "us": US_POLICY, "uk": UK_POLICY}
TERMS = load_terms(PROJECT_RULES)


def context(lang: str, jurisdiction: str = "cn") -> RecognizerContext:
    policy = POLICIES[jurisdiction]
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
    ("ni wr 73 05 18 b read out", ["wr 73 05 18 b"]),  # in pairs
    ("nino: wr-73-05-18-b", ["wr-73-05-18-b"]),
    ("ni wr  73  05  18  b", ["wr  73  05  18  b"]),
    ("ni wr 730518 b", ["wr 730518 b"]),
    ("ni qq123456c", []),  # Q is never a first letter
    ("ni gb123456a", []),  # reserved prefix
    ("ni tn 73 05 18 b", []),  # temporary-number prefix
    ("ni nk 73 05 18 b", []),
    ("ni zz 73 05 18 b", []),
    ("ni do 73 05 18 b", []),  # D is never a first letter
    ("ni ao 73 05 18 b", []),  # O is never a second letter
    ("ni ab123456e", []),  # suffix beyond D
    ("ni wr 73 05 18 b7", []),  # part of a longer reference
])
def test_uk_nino(text, expected):
    assert found("uk_nino", text, "en", "uk") == expected
    assert nino_ok("AB123456C")


@pytest.mark.parametrize("text", ["客户国民保险号ZH 84 41 20 A", "NI ZH844120A", "ni zh 84 41 20 a"])
def test_uk_nino_in_capitals_or_chinese_notes_is_found_after_normalising(text):
    lang = "zh" if "客户" in text else "en"
    assert found("uk_nino", normalise(text, lang).text, lang, "uk")


def test_phone_numbers_by_jurisdiction_region():
    assert found("phone_number", "客户手机13812345678", "zh", "cn") == ["13812345678"]
    assert found("phone_number", "call back on (202) 555-0143", "en", "us") == ["(202) 555-0143"]


@pytest.mark.parametrize("text, expected", [
    ("23:40再次拨打", "23:40"), ("晚上十一点半致电", "晚上十一点半"), ("凌晨两点打电话", "凌晨两点"),
    ("早上6点50联系", "早上6点50"), ("21点15分致电", "21点15分"), ("深夜11点来电", "深夜11点"),
    ("晚上9点半打电话", "晚上9点半"), ("夜里12点打", "夜里12点"),
    ("凌晨十二点半拨打客户手机", "凌晨十二点半"),  # 00:30, not half past noon
    ("二十三点零五分外呼", "二十三点零五分"), ("二十二点零八分电联", "二十二点零八分"),
    ("22点05再次拨打", "22点05"), ("早上6:30致电", "早上6:30"),  # full-width colon after NFKC
    ("晚上11点半又打了一次", "晚上11点半"), ("夜里十一点多拨打", "夜里十一点"),
    ("早上六点四十电联", "早上六点四十"), ("半夜两点打过去", "半夜两点"),
    ("晚上约十点一刻致电", "晚上约十点一刻"), ("07:40致电客户", "07:40"),  # a 24-hour clock
])
def test_contact_times_outside_the_chinese_window_are_found(text, expected):
    assert found("contact_time", text) == [expected]


@pytest.mark.parametrize("text", [
    "下午三点致电", "早上9点联系", "20:30致电", "晚上八点半打电话", "7:30致电", "6点50联系",
    "21:00致电", "欠款一点也没还", "约定3月5日还款", "凌晨十二点前不要打",  # 凌晨十二点 is 00:00 ...
    "通话30分钟", "通话时长12分钟", "承诺还两点五万", "欠款十一点五万元", "还款日2024-11-23",
    "已还款2300元", "下午五点半致电", "中午一点联系",
])
def test_contact_times_inside_the_window_ambiguous_or_not_times_are_not(text):
    if text.startswith("凌晨十二点"):
        assert found("contact_time", text) == ["凌晨十二点"]  # ... outside the window
        return
    assert found("contact_time", text) == [], text


@pytest.mark.parametrize("text, expected", [
    ("called at 6:30am", "6:30am"), ("rang her at 9:45 pm", "9:45 pm"),
    ("phoned at 11 at night", "11 at night"), ("called at 23:15", "23:15"),
    ("called at 12 am", "12 am"),
    ("rang him at quarter to seven this morning", "quarter to seven this morning"),
    ("phoned at half past six in the morning", "half past six in the morning"),
    ("tried her at 6.30am", "6.30am"), ("called back at 9:45 p.m.", "9:45 p.m."),
    ("dialled at 10pm", "10pm"), ("outbound 21:15hrs", "21:15hrs"), ("outbound 0630hrs", "0630hrs"),
    ("called just after 11 at night", "11 at night"), ("rang at half six in the morning",
                                                        "half six in the morning"),
    ("called at seven o'clock in the morning", "seven o'clock in the morning"),
    ("texted at six forty-five am", "six forty-five am"),
    ("called tonight at 10:30", "tonight at 10:30"), ("rang last night around 11",
                                                       "last night around 11"),
    ("called at ten past nine at night", "ten past nine at night"),
    ("called at 07:15", "07:15"),
])
def test_english_contact_times_outside_the_window_are_found(text, expected):
    assert found("contact_time", text, "en", "us") == [expected]


@pytest.mark.parametrize("text", [
    "called at 10:30am", "called at 8:45 pm", "called at 7:30", "paid $6 am", "called at 6.30",
    "talked for 10 minutes", "call lasted 5 hours", "promise to pay on 5/22", "balance 23.50 left",
    "called about the 2024-11-23 payment", "called at quarter to seven", "called at 9 tonight",
    "called at half past eight in the evening", "called at 8 this morning", "made 10 calls tonight",
    "called at quarter past eight in the morning", "pays £21.30 pm", "ref 12.30pm.",
])
def test_english_times_inside_the_window_ambiguous_or_not_times_are_not(text):
    assert found("contact_time", text, "en", "us") == [], text


def test_a_spoken_time_is_read_once_in_words():
    # `7 in the morning` inside `quarter to 7 in the morning` is not also a 07:00 finding
    assert found("contact_time", "called at quarter to 7 in the morning", "en", "us") == [
        "quarter to 7 in the morning"]


def test_clock_minutes_reads_day_parts():
    assert clock_minutes(11, 30, "evening", None) == 23 * 60 + 30
    assert clock_minutes(1, 0, "evening", None) == 60  # 晚上一点 is after midnight
    assert clock_minutes(1, 0, "noon", None) == 13 * 60
    assert clock_minutes(7, 30, None, None) is None  # morning or evening: unknown
    assert clock_minutes(12, 0, None, "am") == 0
    assert clock_minutes(12, 30, "small_hours", None) == 30  # 凌晨十二点半
    assert clock_minutes(7, 30, None, "h24") == 7 * 60 + 30


def test_the_allowed_window_comes_from_the_policy():
    narrow = {"allowed_hours": {"start": "09:00", "end": "20:00"}}
    grammar = build_grammar(TERMS, "zh")
    spans = RECOGNIZERS["contact_time"].find("晚上8点半致电", RecognizerContext(
        "zh", "cn", narrow, grammar))
    assert spans and not found("contact_time", "晚上8点半致电")


@pytest.mark.parametrize("text, flagged", [
    ("今天打了15次，均未接通", True), ("一天内第五次致电客户", True), ("本周共拨打30通电话", True),
    ("今日外呼11通未接", True), ("外呼11通未接", True),  # no period: one day's work
    ("全天拨出15次", True), ("一天内打了十几个电话", True), ("今天共计二十余次拨打客户电话", True),
    ("当天呼叫几十次", True), ("3天内打了14次", True), ("近两天拨打9次", True),
    ("打了15次", True), ("连续外拨4次无人接听", True),
    ("今天打了2次", False), ("今天打了3次", False),  # at the cap
    ("客户说今天吃了5次药", False), ("本周联系了5次", False), ("本周共计二十余次拨打客户电话", False),
    ("本月累计外呼15次", False), ("历史共拨打30通电话", False),  # a longer period
    ("第5次跟进，本人接听", False), ("第五次致电客户", False),  # an ordinal counts the whole case
    ("19:30回拨客户", False), ("3天内打了9次", False), ("逾期30天，外呼2通", False),
    ("客户共3次承诺还款", False),  # no contact verb in the clause
])
def test_chinese_contact_counts_against_the_cn_cap(text, flagged):
    assert bool(found("contact_count", text)) is flagged, text


@pytest.mark.parametrize("text, flagged", [
    ("12 calls this week", True), ("rang her 9 times today", True),
    ("made twelve calls this week", True), ("14 calls in 3 days", True),
    ("dialled 10x today", True), ("rang her 9 times since monday", True),
    ("called 12 times this week", True), ("10+ calls today", True),  # 11 or more; 7 a week
    ("6+ calls today", False),
    ("3 calls this week", False), ("she owes 12 times more this week", False), ("12 calls", False),
    ("7 calls in 3 days", False), ("called 7 times this week", False),
    ("12 calls this month", False), ("a12 calls today", False), ("called 2x4 times today", False),
])
def test_english_contact_counts_against_the_us_cap(text, flagged):
    assert bool(found("contact_count", text, "en", "us")) is flagged, text


@pytest.mark.parametrize("text, flagged", [
    ("dialled 10x today", True), ("14 calls in 3 days", True), ("rang 4 times today", True),
    ("called 12 times this week", False),  # 3 a day: 21 in a week
    ("10 calls in 4 days", False), ("rang 3 times today", False),
])
def test_english_contact_counts_against_the_uk_daily_cap(text, flagged):
    assert bool(found("contact_count", text, "en", "uk")) is flagged, text


def test_attempt_caps_over_days_use_the_lower_of_the_daily_and_weekly_caps():
    assert attempt_cap({"max_attempts_per_day": 3}, 1) == 3
    assert attempt_cap({"max_attempts_per_day": 3}, 7) == 21
    assert attempt_cap({"max_attempts_per_7_days": 7}, 3) == 7
    assert attempt_cap({"max_attempts_per_7_days": 7}, 10) == 14
    assert attempt_cap({"max_attempts_per_day": 3, "max_attempts_per_7_days": 7}, 7) == 7
    assert attempt_cap({}, 1) is None


def test_chinese_numbers():
    assert [chinese_number(t) for t in ["十五", "二十一", "两", "十", "9", "三十", "零五", "〇八"]] == [
        15, 21, 2, 10, 9, 30, 5, 8]
    assert chinese_number("十十") is None
