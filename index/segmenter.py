"""The segmenter: our own rjieba instance with the archive's frozen dictionary, and the slogan
dictionary itself (the shipped list and its hash). No Whoosh here: a worker or a query that needs
words imports only this."""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files


# A token is a word when it has a letter, digit or ideograph; punctuation is not indexed.
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
# jieba cuts 5.2% into 5.2 and %; 98.89亿元 into 98.89 and 亿元: keep a figure and its % together.
_FIGURE = re.compile(r"\d+(?:\.\d+)?%")


def shipped_words() -> tuple[str, ...]:
    text = files("index").joinpath("slogans.txt").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def dictionary_hash(words) -> str:
    return hashlib.sha256("\n".join(sorted(set(words))).encode()).hexdigest()[:16]


def _jieba_class():
    """rjieba's Jieba class, loaded from its extension module without running the package's
    __init__, which builds a module-global default instance (a second dictionary load, ~0.13 s of
    every cold query, and global state we never use)."""
    import sys

    module = sys.modules.get("rjieba.rjieba")
    if module is None:
        try:
            import importlib.machinery
            import importlib.util

            spec = importlib.util.find_spec("rjieba")
            folder = spec.submodule_search_locations[0]
            so = next(p for p in __import__("os").listdir(folder) if p.startswith("rjieba.") and p.endswith(".so"))
            loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", f"{folder}/{so}")
            ext = importlib.util.spec_from_loader("rjieba.rjieba", loader)
            module = importlib.util.module_from_spec(ext)
            loader.exec_module(module)
        except (ImportError, StopIteration, AttributeError, TypeError, OSError):
            import rjieba as module  # the ordinary way, if the layout ever changes
    return module.Jieba


class Segmenter:
    """One rjieba instance of our own with the archive's frozen dictionary; built on first use, so
    a query that needs no words never loads it."""

    def __init__(self, words=()):
        self.words = tuple(sorted(set(words)))
        self._jieba = None

    @property
    def jieba(self):
        if self._jieba is None:
            j = _jieba_class()()
            for w in self.words:
                j.add_word(w, None, None)
            self._jieba = j
        return self._jieba

    def tokens(self, text: str, mode: str = "query") -> list[tuple[str, int, int]]:
        """(word, start, end) over normalized text. mode "index" adds the sub-words of long words."""
        raw = self.jieba.tokenize(text, mode="search" if mode == "index" else "default")
        out: list[tuple[str, int, int]] = []
        skip_to = -1
        for word, start, end in raw:
            if start < skip_to:
                continue
            m = _FIGURE.match(text, start) if word[:1].isdigit() else None
            if m and m.end() > end:
                word, end = m.group(0), m.end()
                skip_to = end
            if _WORDLIKE.search(word):
                out.append((word, start, end))
        return out

    def words_of(self, text: str, mode: str = "query") -> list[str]:
        return [w for w, _, _ in self.tokens(text, mode)]


