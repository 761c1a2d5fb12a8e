"""The reader's lines of a section are the section's text lines: the report's title stands above the
first section's heading only where the search text holds it as a line of its own (index.sectiontext)."""

from types import SimpleNamespace

from cli.render.reading import section_lines


def view(title: str, heading: str):
    paragraph = SimpleNamespace(n=1, text="各位代表：", kind="body")
    return SimpleNamespace(title=title, sections=[SimpleNamespace(id=1, heading=heading, paragraphs=[paragraph])])


def test_a_title_that_is_the_heading_is_one_line():
    lines = section_lines(view("南京市政府工作报告（2012年1月12日 季建业）", "南京市政府工作报告（2012年1月12日季建业）"), 1, {})
    assert [(n, kind) for n, _, kind, _ in lines] == [(0, "heading"), (1, "body")]


def test_a_title_of_its_own_stands_above_the_heading():
    lines = section_lines(view("2024年政府工作报告", "一、过去一年的工作"), 1, {})
    assert [(n, text, kind) for n, text, kind, _ in lines][:2] == [(-1, "2024年政府工作报告", "title"),
                                                                   (0, "一、过去一年的工作", "heading")]
