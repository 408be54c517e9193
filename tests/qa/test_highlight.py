"""The note's text as safe HTML with findings and standing misses marked."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.qa.highlight import highlight
from assistant.qa.models import MissedViolation, NoteFinding


def _finding(start: int, end: int) -> NoteFinding:
    return NoteFinding(id=7, note_id=1, rule_id="cn.threat.arrest", category="threat.arrest",
                       severity="critical", start=start, end=end, text="")


def _miss(start: int | None, end: int | None, **kwargs) -> MissedViolation:
    return MissedViolation(id=3, note_id=1, category="abuse.insult", start=start, end=end,
                           reviewer_id=1, **kwargs)


def test_misses_are_marked_beside_and_inside_findings_and_text_is_escaped():
    text = "<b>报警抓你</b> 老赖"
    html = str(highlight(text, [_finding(3, 7)], [_miss(12, 14), _miss(5, 7)]))
    assert html == ('&lt;b&gt;<mark class="finding sev-critical" data-findings="f7" '
                    'title="cn.threat.arrest">报警</mark><mark class="finding sev-critical '
                    'missed" data-findings="f7" title="abuse.insult, cn.threat.arrest">抓你'
                    '</mark>&lt;/b&gt; <mark class="missed" title="abuse.insult">老赖</mark>')


def test_withdrawn_misses_without_a_span_or_outside_the_text_are_not_marked():
    text = "客户承诺月底还款"
    standing = [_miss(0, 2, withdrawn_at=datetime.now(UTC)), _miss(None, None), _miss(3, 99)]
    assert str(highlight(text, [], standing)) == text
