"""Cleaning drops only true repeats: a line printed again next to itself or within a repeated block."""

from archive import parse_file
from archive.cleaning import clean
from tests.conftest import CORPUS, needs_corpus

LONG = "这是一个足够长的段落，用来检验清理规则是否只删除真正的重复内容。"
OTHER = "另外一个足够长的段落，内容不同，也不会被当作重复而被删除掉的。"
THIRD = "第三个足够长的段落，同样有二十个字以上，用于组成一个重复的块。"


def texts(text: str) -> list[str]:
    return [b.text for b in clean(text).blocks]


def test_a_line_named_again_far_away_stays():
    name = "国民经济和社会发展第十一个五年规划纲要（草案）"
    text = "\n\n".join(["某年政府工作报告", "三、关于《", name, "》的说明", LONG, OTHER, THIRD, "国务院制定了《", name,
                         "》，已提请大会审议。"])
    assert "\n".join(texts(text)).count(name) == 2
    assert clean(text).duplicates_dropped == 0
    # and a line broken at a bracket is joined (Wikisource's links), the heading staying a line of its own
    assert f"三、关于《{name}》的说明" in texts(text) and f"国务院制定了《{name}》，已提请大会审议。" in texts(text)


def test_a_paragraph_next_to_itself_is_dropped():
    cleaned = clean("\n\n".join([LONG, LONG, OTHER]))
    assert [b.text for b in cleaned.blocks] == [LONG, OTHER]
    assert cleaned.duplicates_dropped == 1


def test_a_report_printed_twice_keeps_one_copy():
    once = [LONG, OTHER, THIRD]
    between = "附：另一段不同的文字，足够长，二十个字以上的内容。"
    cleaned = clean("\n\n".join(once + [between, "二、", between.replace("另", "又"), "三、"] + once))
    assert [b.text for b in cleaned.blocks].count(THIRD) == 1
    assert cleaned.duplicates_dropped == 3


def test_table_rows_are_never_repeats():
    row = "| 其中：住宅                                   |"
    assert texts("\n".join([row, row, row])).count(row.strip()) >= 1
    assert clean("\n".join([row, row])).duplicates_dropped == 0


@needs_corpus()
def test_wikisource_2006_keeps_the_plan_named_twice():
    r = parse_file(CORPUS / "wikisource-national" / "国务院政府工作报告_2006.txt")
    text = "".join(p.text for s in r.sections for p in s.paragraphs)
    assert "国务院制定了《国民经济和社会发展第十一个五年规划纲要（草案）》" in text
    assert "国务院制定了《》" not in text


def test_a_line_of_zero_width_spaces_breaks_nothing():
    """A transcription's stray U+200B on a line of its own (国务院政府工作报告_2021: 今年预期目标设定 / ​ /
    为6%以上): the sentence is one paragraph, however short its first part; a real blank line still
    ends a paragraph that ends a sentence."""
    text = "某年政府工作报告\n\n经济增速是综合性指标，今年预期目标设定\n\u200b\n为6%以上，考虑了经济运行恢复情况。\n\n另起一段。\n"
    assert texts(text)[1:] == ["经济增速是综合性指标，今年预期目标设定为6%以上，考虑了经济运行恢复情况。", "另起一段。"]
