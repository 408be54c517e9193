"""One-edit misspellings of the rules' own English words, corrected before matching.

Collectors type fast: `recieved a cease letter`, `sueing`, `warrent`, `colection agency`. A
rule that lists `received` misses `recieved`, and listing every misspelling of every word in
the packs is endless. So before matching, a word of an English note is replaced by a word of
the packs when (a noisy-channel choice, with spaCy's English word probabilities from
spacy-lookups-data as the prior):

- the note's word is not itself a word of the packs, not a name (Capitalised inside a
  sentence, or written so more often than not: `Leeds`, `Wright`), has at least MIN_LENGTH
  letters and is rare in English (log probability at most RARE_LOG_PROBABILITY: `fined` is a word, not a
  typo of `fired`);
- of all English words one edit away (a letter inserted, dropped, changed, or two neighbours
  swapped, the first letter kept), the most likely is a pack word, at least MARGIN (in log
  probability) more likely than the note's word and LEAD more likely than the next
  candidate.

The offsets of the replaced word map back to the misspelt word in the original text.
Every distinct note word is looked up once (a few hundred dictionary look-ups for a rare
word, none for a common one).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from assistant.compliance.lemmas import forms_by_lemma
from assistant.compliance.normalise import Normalised

if TYPE_CHECKING:
    from assistant.compliance.components import RuleComponent

MIN_LENGTH = 5
RARE_LOG_PROBABILITY = -12.5
MARGIN = 3.0  # over the note's own word
LEAD = 1.0  # over the next most likely candidate
UNSEEN_LOG_PROBABILITY = -20.0
_MEMO_LIMIT = 200_000
# A whole word only: not a piece of a masked or clipped word (`motherf'er`, `f**king`).
_WORD = re.compile(rf"(?<![\w'*@#$%!.-])[a-z]{{{MIN_LENGTH},}}(?![\w'*@#$%!-])")


@lru_cache(maxsize=2)
def log_probabilities(lang: str) -> dict[str, float]:
    """spaCy's lexeme log probabilities of `lang` (empty when there is no table)."""
    data = resources.files("spacy_lookups_data").joinpath("data", f"{lang}_lexeme_prob.json.gz")
    return json.loads(gzip.decompress(data.read_bytes())) if data.is_file() else {}


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _edits(word: str) -> set[str]:
    """Words one edit away that keep the first letter (few typos hit it)."""
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
            | {a + c + b for a, b in splits for c in _LETTERS})


def _proper_noun(norm: Normalised, start: int, end: int,
                 probability: dict[str, float]) -> bool:
    """Whether the word at `start:end` of the normalised text is a name in the original: it
    is Capitalised (`Leeds`, `Wright`) and either English writes it so more often than in
    lower case, or it stands inside a sentence (after a sentence end, a capital says
    nothing: `Recieved C&D`)."""
    begin, finish = norm.to_original(start, end)
    original = norm.original
    word = original[begin:finish]
    if not word[:1].isupper() or word[1:2].isupper():
        return False
    if (probability.get(word, UNSEEN_LOG_PROBABILITY)
            > probability.get(word.lower(), UNSEEN_LOG_PROBABILITY)):
        return True
    before = original[:begin].rstrip()
    return bool(before) and before[-1] not in ".!?;:\n\"'(-*>"


class SpellingFixer:
    """Replaces misspelt words of English notes by the pack words they stand for."""

    def __init__(self, vocabulary: Iterable[str], lang: str = "en") -> None:
        words = set(vocabulary)
        # The inflected forms of the packs' words too (`arrest` -> `arrested`, `arrests`).
        for lemma, forms in forms_by_lemma(lang).items():
            if lemma in words:
                words.update(forms)
        self.vocabulary = frozenset(w for w in words
                                    if len(w) >= MIN_LENGTH and w.isascii() and w.isalpha())
        self.log_probability = log_probabilities(lang)
        # Pack words and their one-letter deletions: a word one edit from a pack word shares
        # one of these with it, so most rare words (names, places) are ruled out at once.
        self._near = {key for word in self.vocabulary for key in {word} | _deletions(word)}
        self._memo: dict[str, str | None] = {}

    def correction(self, word: str) -> str | None:
        """The pack word `word` is a misspelling of, or None."""
        if word in self._memo:
            return self._memo[word]
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        found = self._memo[word] = self._correction(word)
        return found

    def _correction(self, word: str) -> str | None:
        if word in self.vocabulary:
            return None
        probability = self.log_probability
        prior = probability.get(word, UNSEEN_LOG_PROBABILITY)
        if prior > RARE_LOG_PROBABILITY:
            return None
        if word not in self._near and self._near.isdisjoint(_deletions(word)):
            return None
        # Every English word one edit away competes, not only the packs' words: `sueing` is
        # as close to `seeing` as to `suing`, and then it is left alone.
        scored = sorted(((probability[c], c) for c in _edits(word) if c in probability),
                        reverse=True)
        if not scored or scored[0][1] not in self.vocabulary:
            return None
        if scored[0][0] - prior < MARGIN:
            return None
        if len(scored) > 1 and scored[0][0] - scored[1][0] < LEAD:
            return None  # two words fit about as well
        return scored[0][1]

    def fix(self, norm: Normalised) -> Normalised:
        """The note with misspelt pack words replaced; offsets still map to the original."""
        text = norm.text
        memo = self._memo
        replacements = []
        for match in _WORD.finditer(text):
            word = match.group()
            fixed = memo[word] if word in memo else self.correction(word)
            if fixed is not None and not _proper_noun(norm, match.start(), match.end(),
                                                      self.log_probability):
                replacements.append((match.start(), match.end(), fixed))
        if not replacements:
            return norm
        pieces: list[str] = []
        origin: list[int] = []
        position = 0
        for start, end, fixed in replacements:
            pieces.append(text[position:start])
            origin.extend(range(position, start))
            pieces.append(fixed)
            # The correction's letters come from the misspelt word's, first from first and
            # last from last, so a span ending in the word ends where the misspelling does.
            last = max(len(fixed) - 1, 1)
            origin.extend(start + i * (end - start - 1) // last for i in range(len(fixed)))
            position = end
        pieces.append(text[position:])
        origin.extend(range(position, len(text)))
        if norm.origin is not None:
            origin = [norm.origin[i] for i in origin]
        return Normalised("".join(pieces), norm.original, tuple(origin))


def pack_words(component: RuleComponent) -> set[str]:
    """The words of a rule component's terms (phrases, sequence terms, cues) and of the
    word lists of its token patterns (LOWER, ORTH, NORM, LEMMA values and IN lists)."""
    texts = list(component.term_ids)

    def collect(value: object) -> None:
        if isinstance(value, str):
            texts.append(value.lower())
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key in ("IN", "NOT_IN") or key not in ("REGEX", "FUZZY"):
                    collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for rule in component.rules:
        for pattern in rule["token_patterns"]:
            for token in pattern:
                for attribute in ("LOWER", "ORTH", "NORM", "LEMMA", "TEXT"):
                    if attribute in token:
                        collect(token[attribute])
    # Word forms the token patterns' conditions were expanded to (LEMMA: arrest -> arrested).
    texts.extend(word for part in component.condition_words() for word in part)
    return {word for text in texts for word in re.findall(r"[a-z]+", text)}
