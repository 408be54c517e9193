"""The plan calculator: 1-3 repayment offers that the product policy allows.

Money is Decimal to the cent. Instalments always sum exactly to the plan total; amounts never
break the policy (number of instalments, minimum first payment, minimum instalment, largest
fee waiver and settlement discount), and with a stated affordability no regular instalment is
larger than what the borrower said they can pay.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Any, Literal

from assistant.content.schema import PlanPolicy

CENT = Decimal("0.01")
FIRST_PAYMENT_AFTER_DAYS = 7  # time to arrange the first payment
SETTLEMENT_PAY_WITHIN_DAYS = 30


@dataclass(frozen=True)
class Instalment:
    number: int
    due: date
    amount: Decimal


@dataclass(frozen=True)
class Offer:
    kind: Literal["instalments", "deferral", "settlement"]
    total: Decimal
    instalments: tuple[Instalment, ...] = ()
    fee_waived: Decimal = Decimal("0.00")
    deferral_months: int = 0
    resume_on: date | None = None
    discount: Decimal = Decimal("0")
    approver_role: str | None = None
    approver_title: dict[str, str] | None = None
    pay_by: date | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money as strings, dates ISO."""
        data = asdict(self)
        return _jsonable(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def cents(amount: Decimal, rounding: str = ROUND_DOWN) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=rounding)


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clipped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """`parts` amounts differing by at most a cent, summing exactly to total."""
    base = cents(total / parts)
    leftover_cents = int((total - base * parts) / CENT)
    return [base + CENT if index < leftover_cents else base for index in range(parts)]


def fee_waiver(balance: Decimal, principal: Decimal, policy: PlanPolicy) -> Decimal:
    """The largest waiver the policy allows on the fees part of the balance."""
    if not policy.fee_waiver.allowed:
        return Decimal("0.00")
    fees = max(balance - principal, Decimal("0"))
    return cents(fees * policy.fee_waiver.max_share_of_fees)


def minimum_first_payment(total: Decimal, policy: PlanPolicy) -> Decimal:
    share = cents(total * policy.min_first_payment_share, ROUND_CEILING)
    return min(total, max(cents(policy.min_first_payment, ROUND_CEILING), share))


def instalment_plan(total: Decimal, policy: PlanPolicy, first_due: date,
                    affordable: Decimal | None) -> tuple[Instalment, ...] | None:
    """Instalments for total, or None when the policy and the affordability cannot both hold."""
    first = minimum_first_payment(total, policy)
    if affordable is not None:
        first = min(total, max(first, affordable))
    rest = total - first
    if rest == 0:
        amounts = [first]
    else:
        most = policy.max_instalments - 1
        fewest_by_minimum = int(rest // policy.min_instalment) or 1
        if affordable is not None:
            if affordable <= 0:
                return None
            wanted = int((rest / affordable).to_integral_value(rounding=ROUND_CEILING))
        else:
            wanted = most
        count = min(wanted, most, fewest_by_minimum)
        if count < 1:
            return None
        amounts = [first, *split_evenly(rest, count)]
    regular = amounts[1:]
    if len(amounts) > policy.max_instalments:
        return None
    if affordable is not None and regular and max(regular) > affordable:
        return None
    if len(amounts) > 1 and min(regular) < policy.min_instalment:
        return None
    return tuple(Instalment(number, add_months(first_due, number - 1), amount)
                 for number, amount in enumerate(amounts, start=1))


def compute_offers(*, balance: Decimal, principal: Decimal, policy: PlanPolicy,
                   days_past_due: int, today: date,
                   affordable_monthly: Decimal | None = None) -> list[Offer]:
    """Up to three offers, most common first: instalments, deferral, settlement."""
    balance = cents(Decimal(balance))
    if balance <= 0:
        return []
    affordable = cents(affordable_monthly) if affordable_monthly is not None else None
    offers: list[Offer] = []
    waived = fee_waiver(balance, cents(Decimal(principal)), policy)
    plan_total = balance - waived
    first_due = today + timedelta(days=FIRST_PAYMENT_AFTER_DAYS)
    plan = instalment_plan(plan_total, policy, first_due, affordable)
    if plan is not None:
        offers.append(Offer(kind="instalments", total=plan_total, instalments=plan,
                            fee_waived=waived))
    cannot_pay_now = affordable is not None and (plan is None or affordable < policy.min_instalment)
    if policy.deferral.max_months > 0 and (plan is None or cannot_pay_now or affordable is None):
        months = policy.deferral.max_months
        offers.append(Offer(kind="deferral", total=balance, deferral_months=months,
                            resume_on=add_months(today, months)))
    settlement = policy.settlement
    if settlement is not None and days_past_due >= settlement.min_days_past_due \
            and settlement.max_discount > 0:
        # Round the amount up so the discount never exceeds the policy's limit.
        amount = cents(balance * (1 - settlement.max_discount), ROUND_CEILING)
        offers.append(Offer(kind="settlement", total=amount, discount=(balance - amount) / balance,
                            approver_role=settlement.approver_role,
                            approver_title=settlement.approver_title.model_dump(),
                            pay_by=today + timedelta(days=SETTLEMENT_PAY_WITHIN_DAYS)))
    return offers[:3]


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def offer_context(offers: list[Offer], lang: str | None = None) -> dict[str, Any]:
    """The template variables the plan-offer snippets use (see assistant.content.context).

    Pass the language the snippets are rendered in, so the settlement approver is named for
    the borrower ("team leader" / "团队主管"); without it the policy's role id is used.
    """
    context: dict[str, Any] = {"has_offers": bool(offers)}
    for offer in offers:
        if offer.kind == "instalments":
            plan = offer.instalments
            context.update(
                instalment_count=len(plan), first_payment=money(plan[0].amount),
                instalment_amount=money(plan[1].amount if len(plan) > 1 else plan[0].amount),
                first_payment_date=plan[0].due.isoformat(), last_payment_date=plan[-1].due.isoformat(),
                fee_waived=money(offer.fee_waived), plan_total=money(offer.total))
        elif offer.kind == "deferral":
            context.update(deferral_months=offer.deferral_months,
                           deferral_until=offer.resume_on.isoformat() if offer.resume_on else "")
        else:
            context.update(settlement_amount=money(offer.total),
                           settlement_discount_percent=int((offer.discount * 100).to_integral_value(ROUND_DOWN)),
                           settlement_approver=(offer.approver_title or {}).get(
                               lang or "", offer.approver_role or ""),
                           settlement_pay_by=offer.pay_by.isoformat() if offer.pay_by else "")
    return context
