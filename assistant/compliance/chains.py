"""Ordered sequences of terms within a sentence: shared by the pipeline and the gate.

Positions are token indices of a Doc; for Chinese notes without whitespace every character is
a token, so the gate can run the same test on character positions without a Doc.
"""

from __future__ import annotations

# Marks that end a sentence (after NFKC: `。` stays, `！？；` become ASCII).
SENTENCE_MARKS = frozenset("。.!?;\n…")


def first_boundary_after(bounds: list[int], position: int, length: int) -> int:
    return next((b for b in bounds if b >= position), length)


def chain_matches(found: dict[int, list[tuple[int, int]]], groups: int, max_gap: int,
                  bounds: list[int]) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """(start, end, gaps) where group 0, 1, ... appear in order, each within max_gap of the
    previous one and in the first one's sentence; gaps are the spans between the terms."""
    matches = []
    for start, end in sorted(found[0]):
        limit = first_boundary_after(bounds, end, 10**9)
        last_end = end
        gaps = []
        for group in range(1, groups):
            nxt = min(((s, e) for s, e in found[group]
                       if last_end <= s <= last_end + max_gap and e <= limit), default=None)
            if nxt is None:
                break
            gaps.append((last_end, nxt[0]))
            last_end = nxt[1]
        else:
            matches.append((start, last_end, tuple(gaps)))
    return matches


def chain_spans(found: dict[int, list[tuple[int, int]]], groups: int, max_gap: int,
                bounds: list[int]) -> list[tuple[int, int]]:
    """Spans where group 0, 1, ... appear in order, each within max_gap of the previous."""
    return [(start, end) for start, end, _ in chain_matches(found, groups, max_gap, bounds)]
