"""Token strings stand for the Doc's tokens: same count, same offsets, same sentence marks,
same spans for character ranges (what char_matching.py relies on to skip the Doc)."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.compliance.char_matching import TokenView, token_string
from assistant.compliance.components import _DocView
from assistant.compliance.tokenizer import CharTokenizer, words_and_spaces

NLP = spacy.blank("zh")
NLP.tokenizer = CharTokenizer(NLP.tokenizer)
TEXT = st.text(alphabet=st.sampled_from(list("客户说不。，/ \n\t\u3000a1.!?;:、…")), max_size=30)


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(TEXT, st.data())
def test_token_view_agrees_with_the_doc(text, data):
    doc = NLP.make_doc(text)
    view, reference = TokenView(text), _DocView(doc)
    assert view.length == len(doc)
    assert view.tokens == token_string([t.orth_ for t in doc])
    assert [view.char_start(i) for i in range(len(doc))] == [t.idx for t in doc]
    assert [view.char_end(i) for i in range(len(doc))] == [t.idx + len(t) for t in doc]
    for clause in (False, True):
        assert view.boundaries(clause=clause) == reference.boundaries(clause=clause)
    if text:
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        assert view.token_span(start, end) == reference.token_span(start, end)


def test_a_token_string_has_one_character_per_token():
    assert token_string(words_and_spaces("坐 牢")[0]) == "坐牢"
    assert token_string(words_and_spaces("报\n\n警")[0]) == "报\x00警"
    assert token_string(words_and_spaces("报\n警")[0]) == "报\n警"
    assert token_string(["app", "x"]) is None
