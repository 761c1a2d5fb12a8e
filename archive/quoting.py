"""The terms a text puts in quotes (“新质生产力”, 「六稳」): how reports mark a formulation as a term.
The dictionary takes those quoted in enough reports; `new` ranks a phrase higher when it is quoted."""

from __future__ import annotations

import re

from .charclasses import IDEOGRAPHS
from .normalization import normalize_text

# 2–12 ideographs, letters or digits between quotes.
_QUOTED = re.compile(rf"[“\"「『]([{IDEOGRAPHS}A-Za-z0-9]{{2,12}})[”\"」』]")


def quoted_terms(text: str) -> set[str]:
    """Terms the text puts in quotes, normalized as the text they segment is (folded to simplified)."""
    return {normalize_text(m.group(1)) for m in _QUOTED.finditer(text)}
