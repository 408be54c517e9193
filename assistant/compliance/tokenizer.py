"""A faster front for spaCy's Chinese character segmenter; the Docs it makes are identical.

spaCy's `char` segmenter lists the characters and then aligns them with the text in Python
(`util.getwords_and_spaces`), which costs as much as all the rule matching. When a note has
no whitespace (most Chinese notes), every character is a token with no trailing space, so the
Doc can be built directly; with whitespace, one pass gives the same words and spaces.
tests/compliance/test_checker.py checks that both give the same tokens on random text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

_WHITESPACE = re.compile(r"\s")


def words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """What spaCy's char segmenter makes of a text with whitespace, in one pass: every other
    character is a token, one space after a token is its trailing space, and any other run
    of whitespace is a token of its own (`util.getwords_and_spaces` finds each character
    with a slice and a search, quadratic in the length of the note)."""
    words: list[str] = []
    spaces: list[bool] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            end = position + 1
            while end < length and text[end].isspace():
                end += 1
            words.append(text[position:end])
            spaces.append(False)
            position = end
            continue
        words.append(char)
        position += 1
        trailing = position < length and text[position] == " "
        spaces.append(trailing)
        position += trailing
    return words, spaces


class CharTokenizer:
    """Wraps the pipeline's ChineseTokenizer (char segmenter) with a whitespace-free path."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.vocab = wrapped.vocab

    def __call__(self, text: str) -> Doc:
        if _WHITESPACE.search(text) is None:
            return Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        words, spaces = words_and_spaces(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # Serialisation is the wrapped tokenizer's: this class adds no state.
    def to_disk(self, path: Any, **kwargs: Any) -> None:
        self.wrapped.to_disk(path, **kwargs)

    def from_disk(self, path: Any, **kwargs: Any) -> CharTokenizer:
        self.wrapped.from_disk(path, **kwargs)
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.wrapped.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs: Any) -> CharTokenizer:
        self.wrapped.from_bytes(data, **kwargs)
        return self
