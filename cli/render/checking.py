"""verify: a verdict with the places the quote stands (the quote's differences marked), and a batch's
table."""

from __future__ import annotations

from rich.console import Console

from ..shown import Shown, joined, lit
from ..visible import field
from .layout import Folded, hanging, where
from .lines import cite_line, url_line

VERDICT_WORDS = {"exact": ("✔ 原文一致", "bold green"), "close": ("≈ 有出入", "bold yellow"),
                 "not_found": ("✘ 未找到", "bold red")}
DIFF_WORDS = {"figure": "数字", "wording": "文字", "punctuation": "标点", "figure_form": "数字写法", "script": "繁简"}


def verdict_line(v) -> Shown:
    words, style = VERDICT_WORDS[v.verdict]
    line = Shown(words, style=style)
    if v.verdict == "close" and v.matches:
        subst = [d for d in v.matches[0].differences if not d.of_form]
        if subst:
            line.append("：" + "；".join(f"{DIFF_WORDS[d.kind]} {field(d.quote) or '∅'} → {field(d.source) or '∅'}"
                                         for d in subst[:4]), style="yellow")
    return line


def place(m) -> Shown:
    """Where a match stands, without the one citation: 《title》 · path · ¶N [id §n]."""
    t = Shown("《" + field(m.title) + "》", style="bold cyan")
    t.append(" · " + joined(m.path, " › "))
    t.append(f" · {where(m.paragraph)}" + (f"–{where(m.paragraph_end)}" if m.paragraph_end != m.paragraph else ""))
    t.append(f"  [{field(m.report)} §{m.section_id}]", style="dim")
    return t


def quote_marks(quote: str, differences) -> list[tuple[int, int]]:
    """Where the substantive differences stand in the quote as typed."""
    from archive import normalize

    norm, offsets = normalize(quote, keep_punctuation=True)
    spans, pos = [], 0
    for d in differences:
        if d.of_form or not d.quote:
            continue
        at = norm.find(d.quote, pos)
        if at >= 0:
            spans.append((offsets[at], offsets[at + len(d.quote) - 1] + 1))
            pos = at + len(d.quote)
    return spans


def render_verdict(console: Console, v, show_all: bool = False, cite=None) -> None:
    console.print(verdict_line(v))
    for i, m in enumerate(v.matches if show_all else v.matches[:3]):
        if cite is not None:  # the one citation (with the URL), then the paragraphs the quote spans
            console.print(cite_line(cite(m)), soft_wrap=True)
            if m.paragraph_end != m.paragraph:
                console.print(Shown(f"  {where(m.paragraph)}–{where(m.paragraph_end)}", style="dim"))
        else:
            console.print(place(m))
            if m.url:
                console.print(url_line(m.url), soft_wrap=True)
        if v.verdict == "close":
            q = hanging(Shown("  引文", style="dim"), Folded(lit(console, v.quote, quote_marks(v.quote, m.differences), style="bold red")), 6,
                        console)
            console.print(q)
        src = hanging(Shown("  原文", style="dim"), Folded(lit(console, m.source, m.source_spans, style="bold green")), 6,
                      console)
        console.print(src)
        forms = [d for d in m.differences if d.kind in ("figure_form", "script")]
        if forms:  # the same figure or word, written another way: said, never a difference of substance
            console.print(Shown("  写法 " + "；".join(f"{field(d.quote)} = {field(d.source)}" for d in forms), style="dim"),
                          soft_wrap=True)
        if v.verdict == "close":
            console.print(Shown(f"  相似度 {m.similarity:.0%}", style="dim"))
    if len(v.matches) > 3 and not show_all:
        console.print(Shown(f"  … and {len(v.matches) - 3} more places (--json for all)", style="dim"))


def verdict_row(v) -> Shown:
    """`verify -`: one line per quote, printed as soon as it is checked — the verdict, the quote, and
    where it stands (or why a line could not be checked, cli.inputs.Unchecked), tab-free and greppable."""
    if not hasattr(v, "verdict"):
        line = Shown("✘ 无法核对", style="bold red")
        line.append("  ")
        line.append(v.quote)
        line.append("  — " + v.why, style="red")
        return line
    line = verdict_line(v)
    line.append("  ")
    line.append(v.quote)
    if v.matches:
        m = v.matches[0]
        line.append(f"  → {field(m.title)} · {where(m.paragraph)} [{field(m.report)} §{m.section_id}]", style="dim")
    return line
