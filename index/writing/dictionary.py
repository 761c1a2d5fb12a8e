"""The frozen dictionary: the shipped slogans plus terms quoted in enough reports. The word index
is built with it; a change of dictionary re-indexes the words (published with the new words)."""

from __future__ import annotations

from ..local import store
from ..local.segmenter import dictionary_hash, shipped_words

# A quoted term joins the dictionary once this many reports quote it.
MIN_QUOTED_REPORTS = 2


def wanted(con, quoted_batch: dict[str, set[str]]) -> tuple[str, ...]:
    """The dictionary the archive should have: shipped words and terms quoted in enough reports
    (those the store records, plus `quoted_batch`: report id → its quoted terms, not yet stored)."""
    counts = dict(store.quoted_counts(con))
    for terms in quoted_batch.values():
        for t in terms:
            counts[t] = counts.get(t, 0) + 1
    frequent = {w for w, n in counts.items() if n >= MIN_QUOTED_REPORTS}
    return tuple(sorted(set(shipped_words()) | frequent))


def is_current(con, words) -> bool:
    return dictionary_hash(words) == store.get_meta(con, "dictionary_hash")


def freeze(con, words) -> None:
    """Inside a transaction: the dictionary the word index is (about to be) built with, and its hash."""
    store.replace_dictionary(con, words)
    store.set_meta(con, "dictionary_hash", dictionary_hash(words))
