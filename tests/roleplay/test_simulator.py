"""The simulated borrower: every persona's moods and endings are reachable, runs replay
exactly from a seed, and the acts move the mood the way trainers expect."""

from __future__ import annotations

import pytest

from assistant.errors import InvalidInput
from assistant.roleplay.acts import TurnReading
from assistant.roleplay.lint import known_events
from assistant.roleplay.simulator import SimulatedBorrower, explore
from tests.roleplay.conftest import SCRIPTS_DIR

PERSONA_IDS = sorted(p.stem for p in (SCRIPTS_DIR / "roleplay" / "personas").glob("*.yaml"))


def _events(content) -> list[str]:
    return sorted(e for e in known_events(content)
                  if e != "plan_offer" and not e.startswith("violation:"))


def test_there_are_at_least_twelve_personas_in_both_languages(content):
    assert len(content.personas) >= 12
    for persona in content.personas.values():
        assert set(persona.facts) == {"zh", "en"}
        assert persona.say["opening"]["zh"] and persona.say["opening"]["en"]


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_every_mood_and_ending_of_the_persona_is_reachable(content, persona_id):
    persona = content.persona(persona_id)
    moods, ends = explore(persona, content.difficulty("normal"), _events(content))
    assert moods == set(persona.moods)
    assert ends == set(persona.end_states())
    assert {"complaint", "hung_up", "ended"} <= ends
    if persona.commit_from is not None:
        assert "agreed" in ends
    if persona.kind == "third_party":
        assert "critical_failure" in ends


def _turn(borrower: SimulatedBorrower, classifier, text: str):
    return borrower.respond(classifier.classify(text, borrower.lang), text)


def test_the_same_seed_replays_the_same_conversation(content, classifier):
    lines = ["你好，我是华信银行的小李，请问您是赵立军先生本人吗？", "我理解您的心情。", "最近遇到了什么困难？"]
    runs = []
    for _ in range(2):
        borrower = SimulatedBorrower(content.persona("angry"), "zh", content.difficulty("normal"), 7)
        runs.append([borrower.opening()] + [_turn(borrower, classifier, t).text for t in lines])
    assert runs[0] == runs[1]


def test_empathy_calms_the_angry_borrower(content, classifier):
    borrower = SimulatedBorrower(content.persona("angry"), "en", content.difficulty("normal"), 1)
    before = borrower.state.mood
    reply = _turn(borrower, classifier, "I understand, that sounds really frustrating.")
    moods = content.persona("angry").moods
    assert moods.index(reply.mood) == moods.index(before) + 1


def test_a_threat_escalates_and_ends_the_call_with_a_complaint(content, classifier):
    borrower = SimulatedBorrower(content.persona("anxious"), "zh", content.difficulty("normal"), 1)
    reply = _turn(borrower, classifier, "再不还钱就报警抓你。")
    assert reply.end == "complaint"
    with pytest.raises(InvalidInput, match="already ended"):
        _turn(borrower, classifier, "对不起")


@pytest.mark.parametrize("lang, line", [
    ("zh", "您好，我是华信银行的，您丈夫的信用卡已经逾期了，欠款15800元。"),
    ("en", "Hi, I'm calling from Northgate Bank about the overdue balance on his credit card."),
])
def test_telling_a_third_party_about_the_debt_is_a_critical_failure(content, classifier, lang,
                                                                    line):
    borrower = SimulatedBorrower(content.persona("third_party_spouse"), lang,
                                 content.difficulty("normal"), 1)
    assert _turn(borrower, classifier, line).end == "critical_failure"


def test_a_callback_message_to_a_third_party_ends_politely(content, classifier):
    borrower = SimulatedBorrower(content.persona("third_party_spouse"), "en",
                                 content.difficulty("normal"), 1)
    _turn(borrower, classifier, "Hello, this is Sam from Northgate Bank. Am I speaking with "
                                "Kevin Brooks?")
    reply = _turn(borrower, classifier, "Could you ask him to call Sam back? Thank you, goodbye.")
    assert reply.end == "ended"


def _with_policy(roleplay, persona_id: str, lang: str, seed: int = 5) -> SimulatedBorrower:
    from assistant.roleplay.library import plan_limits

    persona = roleplay.content.persona(persona_id)
    limits = plan_limits(roleplay.library, persona.facts_for(lang)["product"])
    assert limits is not None, "the script library has a policy for the persona's product"
    return SimulatedBorrower(persona, lang, roleplay.content.difficulty("normal"), seed, limits)


def test_an_affordable_offer_within_policy_after_empathy_leads_to_an_agreement(roleplay,
                                                                              classifier):
    borrower = _with_policy(roleplay, "angry", "zh")
    _turn(borrower, classifier, "您好，我是华信银行的李敏，请问是赵立军先生本人吗？")
    _turn(borrower, classifier, "我理解您的心情，这段时间确实不容易。")
    _turn(borrower, classifier, "能跟我说说最近遇到了什么困难吗？")
    reply = _turn(borrower, classifier, "我们可以帮您申请分12期，每月还1050元，您看可以吗？")
    assert reply.committed and reply.offer.verdict == "affordable"
    assert "1050" in reply.text
    _turn(borrower, classifier, "跟您确认一下：每月15号还1050元，对吗？")
    assert _turn(borrower, classifier, "感谢您的配合，再见。").end == "agreed"


def test_a_payment_break_is_what_a_jobless_borrower_can_accept(roleplay, classifier):
    borrower = _with_policy(roleplay, "job_loss", "en")
    _turn(borrower, classifier, "I'm so sorry to hear you lost your job.")
    _turn(borrower, classifier, "Can you tell me what you could manage each month?")
    too_little = _turn(borrower, classifier, "We could take 120 dollars a month.")
    assert too_little.offer.verdict == "outside_policy" and not too_little.committed
    _turn(borrower, classifier, "I understand, that's a lot to deal with.")
    reply = _turn(borrower, classifier, "We could pause payments for two months while you "
                                        "look for work.")
    assert reply.committed and reply.offer.verdict == "affordable"
    assert reply.text in borrower.persona.say["committed_deferral"]["en"]


def test_an_unaffordable_offer_is_refused_and_worsens_the_mood(content, classifier):
    persona = content.persona("job_loss")
    borrower = SimulatedBorrower(persona, "en", content.difficulty("normal"), 5)
    start = borrower.state.mood
    reply = _turn(borrower, classifier, "You need to pay 2,000 dollars a month.")
    assert not reply.committed and reply.offer.verdict == "unaffordable"
    assert persona.moods.index(reply.mood) < persona.moods.index(start)


def test_continuing_to_collect_after_a_stop_request_ends_in_a_complaint(content, classifier):
    borrower = SimulatedBorrower(content.persona("asks_to_stop"), "zh",
                                 content.difficulty("normal"), 1)
    _turn(borrower, classifier, "好的，我理解。")
    assert _turn(borrower, classifier, "您的欠款还有5400元，每月还500吧。").end == "complaint"


def test_harder_levels_start_the_borrower_in_a_worse_mood(content):
    persona = content.persona("angry")
    easy = SimulatedBorrower(persona, "zh", content.difficulty("easy"), 1).state.mood
    hard = SimulatedBorrower(persona, "zh", content.difficulty("hard"), 1).state.mood
    assert persona.moods.index(hard) < persona.moods.index(easy)


def test_an_empty_turn_counts_as_saying_nothing(content):
    borrower = SimulatedBorrower(content.persona("angry"), "zh", content.difficulty("normal"), 1)
    reply = borrower.respond(TurnReading(()), "嗯")
    assert reply.events == ("no_act",)
