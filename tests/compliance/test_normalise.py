"""Normalisation keeps every finding's offsets pointing into the original text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.compliance.normalise import normalise

# Traditional forms and full-width variants of the characters of our fixture phrases.
TRADITIONAL = {"报": "報", "还": "還", "让": "讓", "说": "說", "电": "電", "联": "聯", "户": "戶"}
SEPARATORS = [" ", "*", "-", ".", "·", "  ", "_", "\u200b"]


def test_traditional_and_full_width_are_folded_one_to_one():
    result = normalise("再不還就報警！ＡＢＣ１２３", "zh")
    assert result.text == "再不还就报警!abc123"
    assert result.origin is None  # nothing dropped: offsets are the identity


def test_latin_letters_are_lowercased_in_both_languages():
    assert normalise("Called At 6AM", "en").text == "called at 6am"
    assert normalise("客户说OK", "zh").text == "客户说ok"
    assert normalise("让你ＺＵＯ ＬＡＯ", "zh").text == "让你zuo lao"  # full-width capitals


@pytest.mark.parametrize("original, expected, disguised", [
    ("再不还就让你ｚｕｏ牢", "再不还就让你zuo牢", "ｚｕｏ牢"),
    ("再不还就让你zuo 牢", "再不还就让你zuo牢", "zuo 牢"),
    ("再不还我就bao-警", "再不还我就bao警", "bao-警"),
    ("再不还就让你坐 * lao", "再不还就让你坐lao", "坐 * lao"),
    ("我们会报.JING处理", "我们会报jing处理", "报.JING"),
])
def test_pinyin_for_one_character_is_joined_to_its_neighbour(original, expected, disguised):
    result = normalise(original, "zh")
    assert result.text == expected
    start = len(expected) - len(expected.lstrip("再不还就让你我们会"))
    end = start + len(normalise(disguised, "zh").text)
    begin, finish = result.to_original(start, end)
    assert original[begin:finish] == disguised


def test_separators_between_latin_words_and_digits_are_kept():
    assert normalise("bao jing", "zh").text == "bao jing"  # two pinyin words: rule data
    assert normalise("打了 15 次", "zh").text == "打了 15 次"


def test_obfuscation_inside_chinese_words_is_collapsed_with_an_offset_map():
    original = "让你坐 * 牢"
    result = normalise(original, "zh")
    assert result.text == "让你坐牢"
    start = result.text.index("坐牢")
    begin, end = result.to_original(start, start + 2)
    assert original[begin:end] == "坐 * 牢"


def test_separators_between_latin_words_and_enumeration_marks_are_kept():
    assert normalise("父母、同事", "zh").text == "父母、同事"
    assert normalise("call me - now", "en").text == "call me - now"


def test_zero_width_characters_are_dropped_anywhere():
    result = normalise("arr\u200best", "en")
    assert result.text == "arrest"
    assert result.to_original(0, 6) == (0, 7)


def _variant(draw, phrase: str) -> str:
    chars = []
    for index, char in enumerate(phrase):
        if draw(st.booleans()):
            char = TRADITIONAL.get(char, char)
        chars.append(char)
        if index < len(phrase) - 1 and draw(st.integers(0, 3)) == 0:
            chars.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(chars)


@st.composite
def disguised_threats(draw) -> str:
    """A threat phrase in Traditional / obfuscated form inside arbitrary surrounding text."""
    phrase = _variant(draw, draw(st.sampled_from(["报警抓你", "坐牢", "让你坐牢"])))
    padding = st.text(alphabet=st.sampled_from(list("今天电联，还款。ＡＢ１２ ab")), max_size=12)
    text = draw(padding) + phrase + draw(padding)
    if draw(st.booleans()):  # full-width letters and digits around it
        text = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return text


@settings(max_examples=150, deadline=None)
@given(disguised_threats())
def test_findings_on_disguised_threats_index_the_original_text(checker, text):
    findings = checker.check(text, lang="zh", jurisdiction="cn")
    assert any(f.rule_id == "cn.threat.arrest" for f in findings), text
    for finding in findings:
        assert finding.text == text[finding.start:finding.end]
        # the span starts and ends on a meaningful character, not on padding
        assert not finding.text[0].isspace() and not finding.text[-1].isspace()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_offset_map_is_monotonic_and_in_range_for_any_text(text):
    result = normalise(text, "zh")
    if result.origin is not None:
        assert len(result.origin) == len(result.text)
        assert list(result.origin) == sorted(set(result.origin))
        assert all(0 <= i < len(text) for i in result.origin)
        for index, char in enumerate(result.text):
            source = text[result.origin[index]]
            assert char == source or unicodedata.normalize("NFKC", source) == char or (
                len(char) == 1)
    else:
        assert len(result.text) == len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("坐牢报警zuoLAObj ＺＵ*-._·\u200b,、")), max_size=30))
def test_offset_map_points_every_kept_character_at_its_source(text):
    result = normalise(text, "zh")
    origin = result.origin or range(len(text))
    for index, char in enumerate(result.text):
        source = text[origin[index]]
        assert normalise(source, "zh").text in (char, "")
