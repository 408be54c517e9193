"""Reading a plan offer out of a trainee's turn and judging it against the persona and policy."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Units are about how a number is written, not what is said to the borrower, so they live here.
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMBER = re.compile(
    r"(?P<prefix>[¥￥$£]\s?)?(?P<num>\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    r"\s?(?P<scale>[千万kK](?![a-zA-Z]))?\s?(?P<unit>元|块钱|块|期|个月|dollars?|pounds?|bucks|"
    r"months?|instal?lments?|payments?|weeks?)?(?P<tail>[号日点%岁年月]|st\b|nd\b|rd\b|th\b)?",
    re.IGNORECASE)
_DATES = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}:\d{2}")
_COUNT_UNITS = {"期", "个月", "month", "months", "instalment", "instalments", "installment",
                "installments", "payment", "payments", "week", "weeks"}


@dataclass(frozen=True)
class Amounts:
    money: tuple[Decimal, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class OfferVerdict:
    verdict: str  # affordable | unaffordable | outside_policy | no_amount
    monthly: Decimal | None = None
    reason: str = ""

    @property
    def event(self) -> str:
        return "plan_offer.affordable" if self.verdict == "affordable" else (
            "plan_offer.no_amount" if self.verdict == "no_amount" else "plan_offer.unaffordable")


@dataclass(frozen=True)
class PlanLimits:
    """What policy allows: the longest plan and the smallest instalment."""

    max_instalments: int
    min_instalment: Decimal
    deferral_months: int = 0
    source: str = ""


def chinese_number(text: str) -> int | None:
    """八百 -> 800, 一万二千 -> 12000, 十二 -> 12; None when it is not a number."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            unit = _CN_UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)


def find_amounts(text: str) -> Amounts:
    """Money figures and counts (of months or instalments) written in a turn."""
    text = _DATES.sub(" ", unicodedata.normalize("NFKC", text))
    money: list[Decimal] = []
    counts: list[int] = []
    for match in _NUMBER.finditer(text):
        if match.group("tail"):
            continue  # a date, a time, a percentage or an age, not money
        raw = match.group("num")
        value = _to_decimal(raw)
        if value is None:
            continue
        scale = (match.group("scale") or "").lower()
        if scale in ("k", "千"):
            value *= 1000
        elif scale == "万":
            value *= 10000
        unit = (match.group("unit") or "").lower()
        if unit in _COUNT_UNITS and not match.group("prefix"):
            counts.append(int(value))
        elif match.group("prefix") or unit or value >= 10:
            money.append(value)
    return Amounts(tuple(money), tuple(counts))


def _to_decimal(raw: str) -> Decimal | None:
    if raw[0].isdigit():
        try:
            return Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
    number = chinese_number(raw)
    return None if number is None else Decimal(number)


def judge_offer(text: str, *, affordable_monthly: Decimal | None, balance: Decimal | None,
                limits: PlanLimits | None, deferral: bool = False) -> OfferVerdict:
    """Is the instalment in this offer one the borrower can pay and policy allows?

    The instalment is the smallest money figure in the turn: a turn that also repeats the
    balance ("the 12,600 could be 1,000 a month") names the balance as the larger figure.
    A payment break (deferral) needs no amount but must be one the policy offers; regular
    instalments without a break must clear the balance within the policy's longest plan.
    """
    amounts = find_amounts(text)
    figures = [m for m in amounts.money if balance is None or m < balance] or list(amounts.money)
    if not figures:
        if not deferral:
            return OfferVerdict("no_amount")
        if limits is not None and limits.deferral_months == 0:
            return OfferVerdict("outside_policy", None, "the policy offers no payment break")
        return OfferVerdict("affordable", None, "a payment break")
    monthly = min(figures)
    if limits is not None and balance is not None and not deferral \
            and monthly * limits.max_instalments < balance:
        return OfferVerdict("outside_policy", monthly,
                            f"does not clear the balance within {limits.max_instalments} instalments")
    if limits is not None:
        if monthly < limits.min_instalment:
            return OfferVerdict("outside_policy", monthly,
                                f"below the policy minimum instalment {limits.min_instalment}")
        if any(count > limits.max_instalments for count in amounts.counts):
            return OfferVerdict("outside_policy", monthly,
                                f"longer than the policy maximum of {limits.max_instalments} instalments")
    if affordable_monthly is not None and monthly > affordable_monthly:
        return OfferVerdict("unaffordable", monthly,
                            f"more than the {affordable_monthly} the borrower can pay")
    return OfferVerdict("affordable", monthly)


_WRITTEN_DATE = re.compile(
    r"\d{1,2}\s?[号日]|\d{1,2}\s?月|\d{1,2}(?:st|nd|rd|th)\b|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}",
    re.IGNORECASE)


def names_date(text: str, day_words: list[str]) -> bool:
    """Does the turn name a day: a written date, or one of the language's day words?"""
    text = unicodedata.normalize("NFKC", text)
    lowered = text.lower()
    return bool(_WRITTEN_DATE.search(text)) or any(w.lower() in lowered for w in day_words)
