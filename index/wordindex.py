"""The name Whoosh's pickled schema gives the word field's class: every home's table of contents
(`_MAIN_<generation>.toc`) names `index.wordindex.CountedWords`, so this module stays, whatever room
the word index lives in (index/local/wordindex.py) — a home written before the rooms opens."""

from .local.wordindex import CountedWords

__all__ = ["CountedWords"]
