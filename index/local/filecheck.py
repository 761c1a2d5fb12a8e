"""The checks a reader runs on the published files it opens (issue 29): cheap enough for every
command — sizes against what the publish recorded, digests of the few small files no structure check
can judge — and the one error a damaged file gives. `check` and publish verify every byte
(`integrity`); the substring index checks its own structure and the slices it reads (`substring`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import HomeError

_CHUNK = 1 << 22


def digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# -- what a reader checks when it opens a published file ------------------------------------------------
SMALL = 1 << 20  # a published file up to this size is checked against its digest when opened (≤ 1 ms)
# The word index's small files whose values no structure check can judge: which generation's
# segments to read, each document's section id, each document's length (BM25).
DIGESTED_ON_OPEN = (".toc", ".sids.npy", "._words_len.col")


def damaged(path: str, reason: str):
    """The error a reader raises for a damaged published file: one line naming it, exit 3."""
    return HomeError(f"the index file {path} is damaged ({reason})",
                     "Run `baogao check` to see all the damage, then `baogao rebuild` to re-create the indexes "
                     "from the store.")


def check_opened(home_path: Path, recorded: dict[str, tuple[int, str]], paths) -> None:
    """Before a reader opens published files: each is there with the size it was published with,
    and a small one (a word segment's section ids, a table of contents) has its digest. Files with
    no record (a home older than the record) are taken as they are."""
    for path in paths:
        if path not in recorded:
            continue
        size, expected = recorded[path]
        try:
            got = (home_path / path).stat().st_size
        except FileNotFoundError:
            raise damaged(path, "it is missing") from None
        if got != size:
            raise damaged(path, f"it has {got:,} bytes, {size:,} were published")
        if size <= SMALL and path.endswith(DIGESTED_ON_OPEN) and digest(home_path / path) != expected:
            raise damaged(path, "it differs from what was published")
