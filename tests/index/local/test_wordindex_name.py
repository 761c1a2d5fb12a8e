"""Whoosh pickles the schema into every home's table of contents (`_MAIN_<generation>.toc`). Homes
written before index/ was split into rooms name the word field's class `index.wordindex.CountedWords`;
moving the class to index/local/ made every such home fail to open ('No module named
index.wordindex'), found by opening an existing home after the move — tests build fresh homes."""

import pickle
import pickletools


def test_the_word_schema_pickles_under_the_name_every_home_holds():
    from index.local import wordindex

    data = pickle.dumps(wordindex.schema())
    strings = [arg for op, arg, _ in pickletools.genops(data) if isinstance(arg, str)]
    assert "index.wordindex" in strings and not [s for s in strings if "index.local" in s], strings
    assert type(pickle.loads(data)["words"]) is wordindex.CountedWords


def test_a_table_of_contents_naming_the_old_module_opens(tmp_path):
    """A schema pickled by name `index.wordindex` (as b44ec5e wrote it) loads in this code."""
    from index.local import wordindex

    old = pickle.dumps(wordindex.schema(), protocol=2)  # the name is in the stream as text
    assert b"index.wordindex" in old
    assert type(pickle.loads(old)["words"]).__name__ == "CountedWords"
