"""The segmenter: our own rjieba instance with the archive's frozen dictionary, and the slogan
dictionary itself (the shipped list and its hash). No Whoosh here: a worker or a query that needs
words imports only this."""

from __future__ import annotations

import hashlib
import re
from importlib.resources import files

from archive.charclasses import WORDLIKE

from . import store


# A token is a word when it has a letter, digit or ideograph; punctuation is not indexed.
_WORDLIKE = WORDLIKE
# jieba cuts 5.2% into 5.2 and %; 98.89亿元 into 98.89 and 亿元: keep a figure and its % together.
_FIGURE = re.compile(r"\d+(?:\.\d+)?%")


def shipped_words() -> tuple[str, ...]:
    text = files("index.local").joinpath("slogans.txt").read_text(encoding="utf-8")
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


# dictionary hash → its loaded rjieba instance: a process that searches again (the terminal UI, a
# test run) loads each dictionary once, not once per query (0.16 s each).
_LOADED: dict[str, object] = {}


def is_loaded(words_hash: str | None) -> bool:
    return words_hash in _LOADED


class Segmenter:
    """One rjieba instance of our own with the archive's frozen dictionary; built on first use, so
    a query that needs no words never loads it. `words` may be a function that reads them then.
    `known` holds texts already cut (query mode) by the same dictionary, e.g. in a child process
    (`segment_in_child`): they need no loading."""

    def __init__(self, words=(), known: dict[str, list[str]] | None = None):
        self._words = words
        self._jieba = None
        self.known = known or {}
        self._vocab: frozenset[str] | None = None

    @property
    def words(self) -> tuple[str, ...]:
        if callable(self._words):
            self._words = self._words()
        return tuple(sorted(set(self._words)))

    @property
    def jieba(self):
        if self._jieba is None:
            words = self.words
            key = dictionary_hash(words)
            if key not in _LOADED:
                j = _jieba_class()()
                for w in words:
                    j.add_word(w, None, None)
                _LOADED[key] = j
            self._jieba = _LOADED[key]
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

    def tags(self, text: str) -> list[tuple[str, str]]:
        """jieba's words of `text` with their part-of-speech tags from its own dictionary (i: an idiom,
        l: a set phrase, n: a noun, v: a verb …; a dictionary word of ours has none)."""
        return self.jieba.tag(text)

    def query_words(self, text: str) -> list[str]:
        """The words a query term matches by: its words — or, when the term is one dictionary word
        that other dictionary words tile (六稳六保 = 六稳 + 六保), those parts, so a report that
        writes “六稳”“六保” apart matches too."""
        words = self.words_of(text)
        if words == [text]:
            parts = self.tiling(text)
            if parts:
                return parts
        return words

    def tiling(self, text: str) -> list[str] | None:
        """The fewest dictionary words (2+ characters, other than `text`) that spell `text` end to
        end, or None. Reads the dictionary, never loads jieba."""
        vocab = self._vocabulary()
        if text not in vocab:
            return None
        best: list[list[str] | None] = [[]] + [None] * len(text)  # best[i]: a tiling of text[:i]
        for i in range(1, len(text) + 1):
            for j in range(max(0, i - 12), i - 1):
                piece = text[j:i]
                if best[j] is not None and piece in vocab and piece != text and \
                        (best[i] is None or len(best[j]) + 1 < len(best[i])):
                    best[i] = best[j] + [piece]
        return best[-1] if best[-1] and len(best[-1]) > 1 else None

    def _vocabulary(self) -> frozenset[str]:
        if self._vocab is None:
            self._vocab = frozenset(w for w in self.words if len(w) >= 2)
        return self._vocab

    def words_of(self, text: str, mode: str = "query") -> list[str]:
        if mode == "query" and text in self.known:
            return list(self.known[text])
        return [w for w, _, _ in self.tokens(text, mode)]


def segment_in_child(store_path, texts: list[str]):
    """Cut `texts` into words (query mode) in a forked child, with the store's frozen dictionary,
    while this process goes on. Loading the dictionary takes 0.15–0.25 s and holds the GIL (no
    thread can overlap it); a cold `baogao search` spends as long importing numpy and opening the
    indexes, so on a second core the two overlap. Returns a function that waits for the answer:
    {text: words}, or {} when the child could not answer (the caller then cuts them itself)."""
    import json
    import os

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read)
            con = store.connect_snapshot(store_path)
            segmenter = Segmenter(store.dictionary(con))
            answer = json.dumps({t: segmenter.words_of(t) for t in texts}).encode()
            with os.fdopen(write, "wb") as out:
                out.write(answer)
            status = 0
        finally:
            os._exit(status)
    os.close(write)

    def collect() -> dict[str, list[str]]:
        import select
        import signal

        with os.fdopen(read, "rb") as pipe:
            ready, _, _ = select.select([pipe], [], [], 30)  # it answers in a quarter second
            data = pipe.read() if ready else b""
        if not ready:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return {}
        try:
            return json.loads(data)
        except ValueError:
            return {}

    return collect


