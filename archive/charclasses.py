"""The one definition of the character classes the code tells apart. Each is named for what it is
used for; the ranges differ on purpose (say why before widening one).

- `IDEOGRAPHS`: the CJK Unified Ideographs block — the characters of names, quoted terms, and the
  sample an encoding guess counts.
- `WORDLIKE_IDEOGRAPHS`: from Extension A on — what counts as a word character beside `\\w`
  for the segmenter, the query parser and verify's runs.
- `CJK_TEXT`: ideographs, kana, CJK punctuation and full-width forms — the characters between which
  a space is OCR noise (cleaning).
"""

from __future__ import annotations

import re
import unicodedata

IDEOGRAPHS = "\u4e00-\u9fff"
WORDLIKE_IDEOGRAPHS = "\u3400-\u9fff"
CJK_TEXT = (r"\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff0f"
            r"\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u201c\u201d\u2018\u2019\u2014\u2026")

# A token holding one of these is a word (punctuation is not indexed, not a term).
WORDLIKE = re.compile(rf"[\w{WORDLIKE_IDEOGRAPHS}]")


def is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def is_punctuation(ch: str) -> bool:
    """Unicode punctuation (category P*)."""
    return unicodedata.category(ch).startswith("P")
