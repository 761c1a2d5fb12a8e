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


# Every code point the folding covers: the CJK Unified Ideographs and Extension A (with the Yijing
# hexagrams between them), the compatibility ideographs, and the supplementary ideographic planes
# (Extensions B–H and the compatibility supplement).
FOLDED_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def _alone(ch: str) -> str:
    """What the contract says a character folds to: OpenCC t2s of the character alone, when that is
    one character; else the character itself."""
    out = T2S.convert(ch)
    return out if len(out) == 1 else ch


def test_every_covered_code_point_folds_as_openccs_t2s_folds_it_alone():
    """Exhaustive (about 99,000 code points, a fraction of a second): a folding that forgot a block
    (Extension A, the compatibility ideographs, the supplementary planes) leaves its traditional
    characters unfolded, and a query typed in the other script misses them."""
    from archive import simplified

    for low, high in FOLDED_RANGES:
        chars = [chr(c) for c in range(low, high + 1)]
        want = [_alone(ch) for ch in chars]
        assert sum(w != ch for w, ch in zip(want, chars)) > 0, f"t2s changes nothing in U+{low:04X}–U+{high:04X}"
        got = [simplified(ch) for ch in chars]
        wrong = [f"U+{ord(ch):04X} {ch} → {g} (t2s: {w})" for ch, g, w in zip(chars, got, want) if g != w]
        assert not wrong, f"{len(wrong)} wrong in U+{low:04X}–U+{high:04X}: {wrong[:10]}"


def test_every_ideograph_normalizes_to_its_t2s_fold_after_nfkc():
    """normalize_text on each ideograph alone (never punctuation): NFKC (a compatibility ideograph
    becomes its unified one), then the fold of that character alone."""
    import unicodedata

    wrong = []
    for low, high in FOLDED_RANGES:
        for c in range(low, high + 1):
            ch = chr(c)
            if unicodedata.category(ch) != "Lo":
                continue
            want = "".join(_alone(x) for x in unicodedata.normalize("NFKC", ch))
            if normalize_text(ch) != want:
                wrong.append(f"U+{c:04X} {ch} → {normalize_text(ch)} (want {want})")
    assert not wrong, f"{len(wrong)} wrong: {wrong[:10]}"
