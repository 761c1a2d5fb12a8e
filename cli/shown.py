"""The one way text from outside reaches a screen: `Shown`, a rich `Text` that makes visible (cli.visible)
whatever enters it — report text, titles, regions, headings, ids, URLs, speakers — so that a field cannot
reach the terminal or the app raw because a call was forgotten. The CLI's renderers (cli.render) and the
app (cli.ui) build their text here and nowhere else; tests/test_structure.py holds them to it."""

from __future__ import annotations

from rich.text import Text

from .visible import field, safe

HIGHLIGHT = "bold black on yellow"
PLAIN_MARKS = ("〖", "〗")  # where there is no colour, a highlight must still be visible


class Shown(Text):
    """rich's Text, whose every string is made visible on the way in: `Shown(x)` and `.append(x)` as a
    field (one line: control characters and line breaks shown), `.append_lines(x)` as text whose line
    breaks are kept. A `Text` appended is one built here (nothing else in cli/ makes one)."""

    def __init__(self, text: str = "", style: str = "", *, lines: bool = False, **options):
        super().__init__((safe if lines else field)(str(text)), style, **options)

    def append(self, text, style=None) -> "Shown":
        return super().append(field(str(text)) if isinstance(text, str) else text, style)

    def append_lines(self, text: str, style=None) -> "Shown":
        """Text whose line breaks are kept (a paragraph, the lines of a preview)."""
        super().append(safe(text), style)
        return self

    @classmethod
    def lit(cls, text: str, spans, plain: bool, style: str = HIGHLIGHT, base: str = "") -> "Shown":
        """Report text (line breaks kept) with each span highlighted; without colour (`plain`), the
        spans wrapped in visible marks 〖…〗."""
        text = safe(text)
        if plain:
            out, last = [], 0
            for s, e in sorted(spans):
                if s < last:
                    continue
                out += [text[last:s], PLAIN_MARKS[0], text[s:e], PLAIN_MARKS[1]]
                last = e
            out.append(text[last:])
            return cls("".join(out), base, lines=True)
        t = cls(text, base, lines=True)
        for s, e in spans:
            t.stylize(style, s, e)
        return t

    @classmethod
    def pieces(cls, pieces) -> "Shown":
        """A line of (text, style) pieces, as kwic's renderer cuts them (cli.render.counting.kwic_lines)."""
        out = cls()
        for text, style in pieces:
            out.append(text, style)
        return out


def joined(values, separator: str) -> str:
    """Fields (a heading path, ids) on one line, each made visible."""
    return separator.join(field(str(v)) for v in values)


def from_ansi(painted: str) -> Text:
    """What a console painted (from fields already made visible), read back as one Text (the pager,
    the app's views of verify and trend)."""
    return Text.from_ansi(painted)


def plain_console(console) -> bool:
    """Whether `console` shows no colour: highlights then need their visible marks."""
    return console.no_color or console.color_system is None


def lit(console, text: str, spans, style: str = HIGHLIGHT, base: str = "") -> Shown:
    """`Shown.lit` for this console (marks where it has no colour)."""
    return Shown.lit(text, spans, plain_console(console), style, base)
