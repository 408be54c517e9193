"""Plan offers: exact sums, dates, and never outside the product policy (property tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.config import PROJECT_ROOT
from assistant.content import load_library
from assistant.guidance.plans import add_months, compute_offers, split_evenly

POLICIES = list(load_library(PROJECT_ROOT / "scripts_library").policies.values())
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000000"), places=2)


@settings(max_examples=300, deadline=None)
@given(total=money, parts=st.integers(min_value=1, max_value=60))
def test_split_evenly_sums_exactly_and_differs_by_at_most_a_cent(total, parts):
    amounts = split_evenly(total, parts)
    assert sum(amounts) == total
    assert max(amounts) - min(amounts) <= Decimal("0.01")


@settings(max_examples=400, deadline=None)
@given(policy=st.sampled_from(POLICIES), balance=money,
       fees_share=st.decimals(min_value=0, max_value=Decimal("0.5"), places=2),
       days_past_due=st.integers(min_value=0, max_value=720),
       affordable=st.none() | st.decimals(min_value=0, max_value=Decimal("50000"), places=2),
       today=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)))
def test_offers_never_break_the_policy(policy, balance, fees_share, days_past_due, affordable,
                                       today):
    principal = (balance * (1 - fees_share)).quantize(Decimal("0.01"))
    offers = compute_offers(balance=balance, principal=principal, policy=policy,
                            days_past_due=days_past_due, today=today,
                            affordable_monthly=affordable)
    assert 1 <= len(offers) <= 3 or not offers
    assert len({o.kind for o in offers}) == len(offers)
    for offer in offers:
        if offer.kind == "instalments":
            plan = offer.instalments
            assert sum(i.amount for i in plan) == offer.total
            assert offer.total == balance - offer.fee_waived
            fees = balance - principal
            assert 0 <= offer.fee_waived <= fees * policy.fee_waiver.max_share_of_fees
            if not policy.fee_waiver.allowed:
                assert offer.fee_waived == 0
            assert 1 <= len(plan) <= policy.max_instalments
            minimum_first = min(offer.total, max(policy.min_first_payment,
                                                 offer.total * policy.min_first_payment_share))
            assert plan[0].amount >= minimum_first
            assert all(i.amount >= policy.min_instalment for i in plan[1:])
            if affordable is not None:
                assert all(i.amount <= affordable for i in plan[1:])
            assert plan[0].due > today
            assert all(a.due < b.due for a, b in zip(plan, plan[1:], strict=False))
            assert all(i.amount == i.amount.quantize(Decimal("0.01")) for i in plan)
        elif offer.kind == "deferral":
            assert 1 <= offer.deferral_months <= policy.deferral.max_months
            assert offer.total == balance
        else:
            settlement = policy.settlement
            assert settlement is not None and days_past_due >= settlement.min_days_past_due
            assert balance * (1 - settlement.max_discount) <= offer.total <= balance
            assert offer.discount <= settlement.max_discount
            assert offer.approver_role == settlement.approver_role
            assert offer.approver_title == settlement.approver_title.model_dump()


def test_add_months_clips_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_credit_card_example_offers():
    policy = next(p for p in POLICIES if p.id == "credit_card")
    offers = compute_offers(balance=Decimal("12480.00"), principal=Decimal("11000.00"),
                            policy=policy, days_past_due=120, today=date(2026, 11, 23),
                            affordable_monthly=Decimal("1500"))
    assert [o.kind for o in offers] == ["instalments", "settlement"]
    plan = offers[0]
    assert plan.fee_waived == Decimal("740.00")  # half of the 1,480.00 fees
    assert plan.instalments[0].amount == Decimal("1500.00")
    assert plan.instalments[0].due == date(2026, 11, 30)
    assert offers[1].total == Decimal("9984.00")  # 20 % off, approved by a team lead


def test_affordability_below_the_minimum_instalment_offers_a_deferral_instead():
    policy = next(p for p in POLICIES if p.id == "farm_loan")
    offers = compute_offers(balance=Decimal("30000"), principal=Decimal("30000"), policy=policy,
                            days_past_due=60, today=date(2026, 11, 23),
                            affordable_monthly=Decimal("20"))
    assert [o.kind for o in offers] == ["deferral"]
    assert offers[0].deferral_months == 6
