"""Did you mean: for a term of 3+ characters that stands nowhere, the strings one character away
(one substituted, added, dropped, or two neighbours swapped) that do stand in the archive, by how
often — found with the substring index, so a proposal is always a string the archive holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Suggestion

if TYPE_CHECKING:
    from .corpus import Corpus

MIN_CHARS = 3
MAX_SUGGESTIONS = 5


def one_edit_away(corpus: Corpus, term: str) -> set[str]:
    """Every string one edit from `term` that the archive holds (not `term` itself)."""
    found: set[str] = set()
    n = len(term)
    for i in range(n):
        found.add(term[:i] + term[i + 1:])  # dropped (checked below)
        found |= {term[:i] + x + term[i + 1:] for x in corpus.fillers(term[:i], term[i + 1:])}  # substituted
        if i + 1 < n:
            found.add(term[:i] + term[i + 1] + term[i] + term[i + 2:])  # swapped
    for i in range(n + 1):
        found |= {term[:i] + x + term[i:] for x in corpus.fillers(term[:i], term[i:])}  # added
    found.discard(term)
    return {c for c in found if len(c) >= 2}


def suggest(corpus: Corpus, term: str, occurrences) -> tuple[Suggestion, ...]:
    """Up to MAX_SUGGESTIONS strings one edit from `term` that stand in the archive, most frequent
    first (ties in text order); `occurrences(text)` counts them as an exact search would (live
    sections, duplicates folded). Nothing for a term shorter than MIN_CHARS."""
    if len(term) < MIN_CHARS:
        return ()
    counted = []
    for text in one_edit_away(corpus, term):
        total = occurrences(text)
        if total:
            counted.append(Suggestion(text, total))
    # A proposal inside a longer one that stands as often is only its fragment (人参产 of 人参产业).
    counted = [s for s in counted if not any(s.text in o.text and o.text != s.text and o.count >= s.count for o in counted)]
    counted.sort(key=lambda s: (-s.count, s.text))
    return tuple(counted[:MAX_SUGGESTIONS])
