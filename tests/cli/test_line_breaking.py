"""Folded text (the reader, the snippets) breaks as Chinese is typeset: any character may end a line,
except that none starts with a closing mark (，。、”…), none ends with an opening one (“《（), and a
figure (700, 5.5%, 1.5万 keeps 1.5) is never cut — checked on every paragraph of the seeds."""

import re

import pytest
from rich.cells import cell_len

from cli.render.layout import fold_breaks, wrapped_row
from tests.conftest import SEEDS

PARAGRAPHS = [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n") if len(p) > 30]


@pytest.mark.parametrize("width", [20, 33, 40, 56, 76, 100])
def test_lines_fit_and_follow_the_rules(width):
    broken = 0
    for text in PARAGRAPHS:
        breaks = fold_breaks(text, width)
        lines = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)])]
        assert "".join(lines) == text
        assert all(cell_len(line) <= width for line in lines)
        for b in breaks:
            broken += 1
            assert text[b] not in "，。、；：？！）》”’", (width, text[b - 5:b + 5])
            assert text[b - 1] not in "（《“‘", (width, text[b - 5:b + 5])
            for m in re.finditer(r"[0-9][0-9.%]*[0-9%]|[0-9]", text):  # a figure shorter than a third of a line
                if len(m.group()) < width // 6:
                    assert not m.start() < b < m.end(), (width, m.group())
    assert broken > 50


def test_wrapped_row_counts_the_folded_lines():
    text = PARAGRAPHS[0]
    breaks = fold_breaks(text, 30)
    for offset in range(0, len(text), 7):
        assert wrapped_row(text, offset, 30) == sum(1 for b in breaks if b <= offset)
