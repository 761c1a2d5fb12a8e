"""Lines several commands print the same way: the one citation (cli.citation) and a source URL under
a place, and the variants an exact count leaves out."""

from __future__ import annotations

from rich.console import Console

from ..shown import Shown


def cite_line(citation: str, indent: str = "") -> Shown:
    """The one citation (cli.citation) as printed under a hit, a verify match, a section shown, a first
    mention: made safe, never cropped, never wrapped by rich (a terminal folds it; a pipe gets one line,
    the same string as the JSON `citation`)."""
    return Shown(indent).append(citation, style="dim")


def url_line(url: str) -> Shown:
    """A source URL, on a line of its own under a citation (never wrapped: a terminal links it whole)."""
    return Shown(url, style="dim underline", no_wrap=True, overflow="ellipsis")


def print_variants(console: Console, variants, counted: bool) -> None:
    """`also written with punctuation inside: 一主、六双 36 (--variants)`: what an exact count leaves
    out; without the hint where they are counted already."""
    if variants:
        console.print(variants_line(variants, counted), soft_wrap=True)


def variants_line(variants, counted: bool, hint: str = " (--variants)") -> Shown:
    line = Shown("also written with punctuation inside: ", style="dim")
    for k, v in enumerate(variants):
        line.append(("  " if k else "") + v.text, style="bold")
        line.append(f" {v.occurrences:,}", style="dim")
    line.append(" (counted here)" if counted else hint, style="dim")
    return line


def variants_note(variants, counted: bool) -> Shown:
    """The app's headline's few cells for them: `  incl. 一主、六双 36` (counted in its numbers) or
    `  also 一主、六双 36` (not), the most frequent one; empty without variants."""
    if not variants:
        return Shown()
    more = f" +{len(variants) - 1}" if len(variants) > 1 else ""
    return Shown("  incl. " if counted else "  also ", style="dim").append(
        variants[0].text, style="bold").append(f" {variants[0].occurrences:,}{more}", style="dim")
