"""Traditional → simplified folding in the one normalization (issue 16): character by character
with OpenCC's t2s, length-preserving, never the reverse."""

import random

import opencc
import pytest

from archive import normalize, normalize_text

T2S = opencc.OpenCC("t2s")
TRADITIONAL = "新質生產力社會主義經濟發展後來幹部頭髮乾淨瞭解乾隆時期國務院關於報告"


def test_traditional_text_folds_to_simplified():
    assert normalize_text("新質生產力") == "新质生产力"
    assert normalize_text("社會主義") == normalize_text("社会主义") == "社会主义"
    assert normalize_text("「經濟」發展") == normalize_text("“经济”发展")


@pytest.mark.parametrize("ch", sorted(set(TRADITIONAL + "发干后了乾瞭著麼")))
def test_each_character_folds_as_openccs_t2s_folds_it_alone(ch):
    alone = T2S.convert(ch)
    assert normalize_text(ch) == (alone if len(alone) == 1 else ch)


def test_simplified_text_is_never_changed():
    """Fold traditional → simplified only: 发 never becomes 發 or 髮, 干 never 乾 or 幹."""
    simplified = "发展干部后来头发了解社会主义现代化建设新质生产力高质量发展"
    assert normalize_text(simplified) == simplified


def test_every_substring_folds_as_it_does_in_context():
    """OpenCC converts phrases (乾隆 stays, 乾 alone → 干): folding character by character keeps every
    substring of the folded text equal to the folded substring, so a query is found wherever it stands."""
    rng = random.Random(16)
    text = TRADITIONAL * 3
    folded = normalize_text(text)
    assert len(folded) == len(text)
    for _ in range(300):
        i = rng.randrange(len(text))
        j = rng.randrange(i + 1, len(text) + 1)
        assert normalize_text(text[i:j]) == folded[i:j], text[i:j]
    assert normalize_text("乾隆") == normalize_text("乾") + normalize_text("隆")  # the accepted mis-fold: 干隆


def test_offsets_point_at_the_printed_characters():
    text = "推進「新質生產力」發展"
    norm, offsets = normalize(text)
    at = norm.index("新质生产力")
    assert text[offsets[at]:offsets[at + 4] + 1] == "新質生產力"


def test_the_punctuation_table_is_unicodes():
    """archive/punctuation.py is generated from unicodedata: regenerate it when Unicode changes."""
    from archive.punctuation import RANGES, generated

    assert RANGES == generated()
