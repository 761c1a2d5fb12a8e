"""The classes of punctuation marks (docs/contract.md, "Normalization"): every mark of Unicode's
general category P* (but the figure units % ‰ ‱) belongs to exactly one class, and a class is
written as one canonical mark in normalized text. Two marks match when they are of one class:
`，` and `、` are one comma, `“` and `「` one opening quote, while `（` never matches `）`.

`CLASSES` lists the classes with their members; a mark listed nowhere is a class of its own, written
as its NFKC form (`#`, `/`, `&`, `*`, `@`, `\\`, `_`, `§`, …). Straight quotes `"` and `'` have no
direction of their own: within one line they open and close in turn (the first opens).
"""

from __future__ import annotations

import unicodedata

# canonical mark: (name, members). Members are matched before NFKC, so `…` is an ellipsis, not
# three points, and `．` (NFKC: `.`) is a point.
CLASSES: dict[str, tuple[str, str]] = {
    "，": ("comma", "，、,﹐﹑､︐︑"),
    "。": ("sentence end", "。！？!?｡‼⁇⁈⁉﹖﹗︒︕︖"),
    ".": ("point", ".．﹒"),
    "；": ("semicolon", "；;﹔︔"),
    "：": ("colon", "：:﹕︓"),
    "“": ("opening quote", "“‘「『〝„‟‚‛«‹﹁﹃"),
    "”": ("closing quote", "”’」』〞〟»›﹂﹄"),
    "（": ("opening parenthesis", "（(⁽₍﹙❨❪⦅｟︵"),
    "）": ("closing parenthesis", "）)⁾₎﹚❩❫⦆｠︶"),
    "【": ("opening square bracket", "【[［〔〖〘〚﹝⟦⦋⦍⦏⁅︻︹︗"),
    "】": ("closing square bracket", "】]］〕〗〙〛﹞⟧⦌⦎⦐⁆︼︺︘"),
    "《": ("opening angle bracket", "《\u3008\u2329⟨⟪❬❮︽︿"),
    "》": ("closing angle bracket", "》\u3009\u232a⟩⟫❭❯︾﹀"),
    "｛": ("opening brace", "｛{﹛︷"),
    "｝": ("closing brace", "｝}﹜︸"),
    "—": ("dash", "—–‐‑‒―-－﹣﹘⸺⸻〜〰⸗︱︲"),
    "…": ("ellipsis", "…‥︙︰"),
    "·": ("middle dot", "·・･‧•⸱"),
}

# Marks that end a phrase: a sentence end and brackets. Text "without marks" (archive.normalization.loose)
# keeps them, so `人。参` is no variant of `人参`, nor `（六）稳` of `六稳`.
BREAKING = frozenset("。（）【】｛｝")

STRAIGHT = {'"': ("“", "”"), "'": ("“", "”"), "＂": ("“", "”"), "＇": ("“", "”")}

FIGURE_UNITS = "%‰‱"  # Unicode calls them punctuation; they are part of a figure

_CANONICAL = {m: canon for canon, (_, members) in CLASSES.items() for m in members}


def is_mark(ch: str) -> bool:
    """A punctuation mark: Unicode's P* less the figure units."""
    return unicodedata.category(ch).startswith("P") and ch not in FIGURE_UNITS


def mark_class(ch: str) -> str | None:
    """The canonical mark of `ch`'s class, or None when `ch` is no mark (straight quotes: "“", the
    caller turns every second one into "”")."""
    if ch in STRAIGHT:
        return STRAIGHT[ch][0]
    canon = _CANONICAL.get(ch)
    if canon is not None:
        return canon
    if not is_mark(ch):
        return None
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1:
        return _CANONICAL.get(folded, folded if is_mark(folded) else None)
    return ch  # a mark NFKC spells with several characters and no class lists: itself


def table() -> list[tuple[str, str, str]]:
    """(class, canonical mark, members) for the contract's table."""
    return [(name, canon, members) for canon, (name, members) in CLASSES.items()]
