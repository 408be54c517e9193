"""The act classifier on our labelled file, and the inputs Chinese users really type."""

from __future__ import annotations

import pytest

from assistant.roleplay.evaluation import evaluate, read_examples
from assistant.roleplay.offers import PlanLimits, chinese_number, find_amounts, judge_offer
from tests.roleplay.conftest import DATA_DIR


@pytest.fixture(scope="module")
def scores(classifier, content):
    return evaluate(classifier, read_examples(DATA_DIR / "acts.jsonl", set(content.acts)))


def test_the_labelled_file_has_fifteen_examples_per_act_and_language(scores):
    assert {s.lang for s in scores} == {"zh", "en"}
    assert all(s.support >= 15 for s in scores), [(s.lang, s.act, s.support) for s in scores]


def test_every_act_is_recognised_accurately(scores):
    weak = [(s.lang, s.act, round(s.accuracy, 3), round(s.recall, 2)) for s in scores
            if s.accuracy < 0.95 or s.recall < 0.85]
    assert weak == []


@pytest.mark.parametrize("text, act", [
    ("我們可以幫您申請分期，每月還八百元。", "plan_offer"),  # Traditional characters
    ("您好，我是華信銀行的小李。", "self_identification"),
    ("ｗｅ ｃｏｕｌｄ ｓｅｔ ｕｐ ａ ｐａｙｍｅｎｔ ｐｌａｎ", "plan_offer"),  # full-width
])
def test_traditional_and_full_width_input_is_understood(classifier, text, act):
    lang = "en" if text.startswith("ｗ") else "zh"
    assert act in classifier.classify(text, lang).acts


def test_a_violation_comes_from_the_checker_with_its_offsets(classifier):
    text = "先生，再不还钱就报警抓你。"
    reading = classifier.classify(text, "zh")
    assert reading.acts[0] == "violation"
    finding = reading.findings[0]
    assert text[finding.start:finding.end] == finding.text


def test_the_borrowers_own_words_are_not_our_violation(classifier):
    assert "violation" not in classifier.classify("您刚才说要报警，我理解您的心情。", "zh").acts


@pytest.mark.parametrize("text, money, counts", [
    ("分12期，每月800元", [800], [12]),
    ("每月还八百块，从12月1日开始", [800], []),
    ("$150 a month on the 15th", [150], []),
    ("每月1千，分两期", [1000], [2]),
])
def test_amounts_are_read_without_dates(text, money, counts):
    amounts = find_amounts(text)
    assert [int(m) for m in amounts.money] == money and list(amounts.counts) == counts


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("八百", "一万二千", "十二", "两千五百")] == \
        [800, 12000, 12, 2500]


def test_an_offer_is_judged_against_affordability_and_policy():
    from decimal import Decimal

    limits = PlanLimits(max_instalments=12, min_instalment=Decimal("50"), deferral_months=2)

    def judge(text: str, deferral: bool = False, policy: PlanLimits = limits) -> str:
        return judge_offer(text, affordable_monthly=Decimal("600"), balance=Decimal("5400"),
                           limits=policy, deferral=deferral).verdict

    assert judge("每月还500元") == "affordable"
    assert judge("每月还900元") == "unaffordable"
    assert judge("分24期，每月300元") == "outside_policy"  # longer than the policy allows
    assert judge("每月还30元") == "outside_policy"  # below the smallest instalment
    assert judge("每月还400元") == "outside_policy"  # never clears within 12 instalments
    assert judge("先暂缓两个月，之后每月还400元", deferral=True) == "affordable"
    assert judge("可以申请暂缓还款", deferral=True) == "affordable"
    no_break = PlanLimits(max_instalments=12, min_instalment=Decimal("50"))
    assert judge("可以申请暂缓还款", deferral=True, policy=no_break) == "outside_policy"
    assert judge("可以申请分期") == "no_amount"


def test_a_payment_break_is_recognised_as_such(classifier):
    assert classifier.classify("We could pause payments for two months.", "en").deferral
    assert not classifier.classify("We could do 200 a month.", "en").deferral
