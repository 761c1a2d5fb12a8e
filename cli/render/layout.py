"""What every renderer shares about space: the console, widths in cells (CJK characters take two),
cropping, wrapping at any character, a label with its body hanging under it, and lines written as
they are (kwic's hundreds of thousands)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..shown import Shown


class PipeConsole(Console):
    """rich's Console, except that a closed stdout (`| head`) is left to the command, which knows
    the exit code its results earned (rich would exit 1, which here means "nothing found")."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def where(paragraph: int) -> str:
    """¶N, or 标题 for paragraph 0: the heading (or the report's title)."""
    return f"¶{paragraph}" if paragraph else "标题"


LABEL_WIDTH = 4  # the ¶N label before a paragraph in the app's reader (its text hangs after it)
# Chinese line breaking (禁则): no line starts with a closing mark, none ends with an opening one,
# and a figure (674, 5.5%, GDP) is never cut — `7|00套` would read as two numbers.
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…—,.;:?!)]}%％·")
NO_LINE_END = set("（《「『【〔〈“‘([{")
FIGURE = set("0123456789０１２３４５６７８９.%％,ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def fold_breaks(text: str, width: int) -> list[int]:
    """Where `text` (one line) breaks at `width` cells: at any character, as Chinese is read, except
    that a break moves back (at most a third of a line) rather than start a line with a closing mark,
    end one with an opening mark, or cut a figure."""
    from rich.cells import cell_len

    width = max(1, width)
    breaks, cells, start = [], 0, 0
    i = 0
    while i < len(text):
        w = cell_len(text[i])
        if cells + w > width and i > start:
            at = i
            while at - start > 1 and i - at < max(1, width // 3) and (
                    text[at] in NO_LINE_START or text[at - 1] in NO_LINE_END
                    or (text[at] in FIGURE and text[at - 1] in FIGURE)):
                at -= 1
            if at - start <= 1 or i - at >= max(1, width // 3):
                at = i  # no better place near: break where the line is full
            breaks.append(at)
            start, cells = at, cell_len(text[at:i])
        cells += w
        i += 1
    return breaks


def wrapped_row(text: str, offset: int, width: int) -> int:
    """The row (from 0) of `text` folded at `width` on which the character at `offset` stands."""
    lines = text.split("\n")
    row = 0
    for line in lines:
        if offset <= len(line):
            return row + sum(1 for b in fold_breaks(line, width) if b <= offset)
        row += 1 + len(fold_breaks(line, width))
        offset -= len(line) + 1
    return row


class Folded:
    """Text wrapped at any character, by cell width (with Chinese line-breaking rules, fold_breaks).
    rich wraps at spaces first, so a snippet that starts with a spaced heading (`筑巢引凤 精细化服务…`)
    would leave `筑巢引凤` alone on a line; Chinese is read without spaces and may break anywhere."""

    def __init__(self, text: Shown):
        self.text = text

    def __rich_console__(self, console, options):
        width = max(1, options.max_width)
        for line in self.text.split("\n", allow_blank=True):
            for part in line.divide(fold_breaks(line.plain, width)):
                part.end = "\n"
                yield part

    def __rich_measure__(self, console, options):
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max((cell_len(x) for x in self.text.plain.split("\n")), default=0)
        return Measurement(min(2, widest), widest)


def hanging(label: Shown | str, body, indent: int = 4, console: Console | None = None):
    """`label` then `body` wrapped under itself (CJK text has no spaces to wrap at); to a pipe or a
    file (`console.soft_wrap`), the label then the body on one line, so a quote copies whole."""
    if console is not None and console.soft_wrap:
        line = label.copy() if isinstance(label, Shown) else Shown(label)  # the label's style over the line, as before
        line.append(" " * max(1, indent + 1 - line.cell_len))
        return line.append(body.text if isinstance(body, Folded) else body)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, min_width=indent)
    grid.add_column(overflow="fold")  # no ratio: a short row is not padded out to the full width
    grid.add_row(label, body)
    return grid


_CELLS: dict[str, int] = {}  # a character's width in cells (rich's measure, cached: kwic measures millions)


def _width(ch: str) -> int:
    from rich.cells import cell_len

    w = _CELLS[ch] = cell_len(ch)
    return w


def cells(text: str) -> int:
    """`text`'s width in terminal cells."""
    if text.isascii():
        return len(text)
    get = _CELLS.get
    return sum([get(ch) or _width(ch) for ch in text])


def fit_start(text: str, width: int) -> tuple[str, int]:
    """The longest start of `text` within `width` cells, and its width."""
    if len(text) * 2 <= width:  # no character is wider than two cells
        return text, cells(text)
    get, used = _CELLS.get, 0
    for i, ch in enumerate(text):
        w = get(ch) or _width(ch)
        if used + w > width:
            return text[:i], used
        used += w
    return text, used


def fit_end(text: str, width: int) -> tuple[str, int]:
    """The longest end of `text` within `width` cells, and its width."""
    kept, used = fit_start(text[::-1], width)
    return kept[::-1], used


def cropped(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells, with … where it was cut."""
    from rich.cells import cell_len

    return text if cell_len(text) <= width else fit_start(text, width - 1)[0] + "…"


class PieceLines:
    """Lines of (text, style) pieces with their widths in cells, as one renderable written as it is:
    a console.print per line (its measuring, wrapping and buffering) made a table of 100,000 kwic
    lines take a minute. A line wider than the console is cropped as print(crop=True) crops it. The
    pieces are made visible by whoever cuts them (cli.visible.safe)."""

    def __init__(self, lines):
        self.lines = lines

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        styles = {s: console.get_style(s) for s in {style for line, _ in self.lines for _, style in line} if s}
        width, newline = options.max_width, Segment.line()
        for line, width_in_cells in self.lines:
            segments = [Segment(text, styles[style] if style else None) for text, style in line]
            yield from Segment.adjust_line_length(segments, width, pad=False) if width_in_cells > width else segments
            yield newline
