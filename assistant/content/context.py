"""The case context a snippet may use: every variable is documented here, nothing else exists.

Snippets are rendered in a sandbox with exactly these names, so the linter can tell an
editor at once that `{{ borower_name }}` is not a variable.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

CASE_VARIABLES: dict[str, str] = {
    "borrower_name": "The borrower's name as on the account",
    "lender": "The lending institution we represent",
    "product": "The product, e.g. credit card, farm loan",
    "balance": "Outstanding balance (formatted, 2 decimals)",
    "principal": "Principal part of the balance (formatted)",
    "currency": "ISO currency code of the account, e.g. CNY, USD",
    "days_past_due": "Days past due (integer)",
    "due_date": "Missed due date, ISO yyyy-mm-dd, or empty",
    "collector_name": "The collector's display name",
    "reference": "The case reference (safe to say to the borrower only)",
    "reason_for_arrears": "The recorded reason for arrears, or empty",
    "today": "Today's date, ISO yyyy-mm-dd",
    "has_offers": "True when at least one plan offer was computed",
    "instalment_count": "Instalment offer: number of instalments",
    "instalment_amount": "Instalment offer: regular instalment (formatted)",
    "first_payment": "Instalment offer: first payment (formatted)",
    "first_payment_date": "Instalment offer: date of the first payment",
    "last_payment_date": "Instalment offer: date of the last payment",
    "fee_waived": "Instalment offer: fees waived (formatted, may be 0.00)",
    "plan_total": "Instalment offer: total to repay after any waiver (formatted)",
    "deferral_months": "Deferral offer: months before payments resume",
    "deferral_until": "Deferral offer: date payments resume",
    "settlement_amount": "Settlement offer: amount that settles the account (formatted)",
    "settlement_discount_percent": "Settlement offer: discount in whole percent",
    "settlement_approver": "Settlement offer: who must approve it, named for the borrower",
    "settlement_pay_by": "Settlement offer: date by which it must be paid",
}


def sample_context(lang: str) -> dict[str, Any]:
    """A realistic filled-in context used by the linter to render every snippet."""
    zh = lang == "zh"
    return {
        "borrower_name": "王建国" if zh else "Jordan Miller",
        "lender": "示范农村商业银行" if zh else "Example Card Services",
        "product": "信用卡" if zh else "credit card",
        "balance": "12,480.00",
        "principal": "11,000.00",
        "currency": "CNY" if zh else "USD",
        "days_past_due": 45,
        "due_date": date(2026, 10, 9).isoformat(),
        "collector_name": "李敏" if zh else "Sam Lee",
        "reference": "T-0042",
        "reason_for_arrears": "经营困难" if zh else "reduced working hours",
        "today": date(2026, 11, 23).isoformat(),
        "has_offers": True,
        "instalment_count": 6,
        "instalment_amount": "2,080.00",
        "first_payment": "2,080.00",
        "first_payment_date": "2026-12-01",
        "last_payment_date": "2027-05-01",
        "fee_waived": str(Decimal("0.00")),
        "plan_total": "12,480.00",
        "deferral_months": 2,
        "deferral_until": "2027-01-23",
        "settlement_amount": "10,608.00",
        "settlement_discount_percent": 15,
        "settlement_approver": "团队主管" if zh else "team leader",
        "settlement_pay_by": "2026-12-23",
    }
