"""The phrase module of `new` (issue 35), piece by piece on small texts: what a candidate is (a quoted
formulation with its marks, a parallel series, a minimal new run and the units around it) and what is
never listed (names, craft, thanks, figures and ordinals, idioms, a heading's numbering)."""

import pytest

from index.engine import phrases as ph


def words(line: str, cuts: list[str], tag: str = "n") -> list[tuple[str, int, int, str]]:
    """Tagged words of `line` cut as `cuts` says (marks between them skipped), each tagged `tag`."""
    out, at = [], 0
    for w in cuts:
        at = line.index(w, at)
        out.append((w, at, at + len(w), tag))
        at += len(w)
    return out


@pytest.mark.parametrize("display,expected", [
    ("推进“互联网＋”行动", {"互联网+"}),
    ("打造“大众创业、万众创新”和", {"大众创业，万众创新"}),
    ("实施“中国制造2025”", {"中国制造2025"}),
    ("“新质生产力”", {"新质生产力"}),
])
def test_a_quoted_formulation_keeps_its_marks_normalized(display, expected):
    assert ph.quoted_formulations(display) == expected


def test_a_quoted_figure_is_no_phrase():
    assert not ph.quoted_phrase("25·7") and ph.quoted_phrase("中国制造2025") and not ph.quoted_phrase("新")
    assert ph.quoted_phrase("2+3+6+6") and ph.quoted_phrase("1+2+4+n")  # figures joined by +: a slogan


@pytest.mark.parametrize("line,expected", [
    ("着力稳就业，稳企业，稳市场，稳预期，推动经济实现质的有效提升", {"稳就业，稳企业，稳市场，稳预期"}),
    ("坚决做到不敢腐，不能腐，不想腐。", {"不敢腐，不能腐，不想腐"}),
    ("积极推动建设人人皆学，处处能学，时时可学的学习型社会", {"人人皆学，处处能学，时时可学"}),
    ("打造大众创业，万众创新和增加公共产品", {"大众创业，万众创新"}),
    ("今年要做好就业工作，提高居民收入水平。", set()),
    # three short ones of one length, the ends cut to the middle one's; a last item joined by 和
    ("我国经济发展面临需求收缩，供给冲击，预期转弱三重压力。", {"需求收缩，供给冲击，预期转弱"}),
    ("促进社会主义物质文明，政治文明和精神文明协调发展。", {"物质文明，政治文明和精神文明"}),
    # a shared character before one length: the series stops where 稳 does
    ("着力稳就业，稳企业，稳市场，稳预期，加力增优势，增动能，增活力，增效益，推动", {"稳就业，稳企业，稳市场，稳预期",
                                                       "增优势，增动能，增活力，增效益"}),
])
def test_a_parallel_series_is_found_and_cut_at_its_words(line, expected):
    bounds = {i for i in range(len(line) + 1)}  # every character a word: the pattern alone decides
    assert ph.parallel_series(line, bounds) == expected


def test_a_series_is_not_cut_through_a_word():
    line = "积极推动建设人人皆学，处处能学，时时可学的学习型社会"
    bounds = {0, 2, 4, 6, 8, 10, 11, 13, 15, 16, 18, 20, 21, 22, 24, 26}  # 人人皆学 starts at 6
    assert ph.parallel_series(line, bounds) == {"人人皆学，处处能学，时时可学"}
    assert ph.parallel_series(line, bounds - {6}) == {"建设人人皆学，处处能学，时时可学"}  # the next word boundary
    assert ph.parallel_series(line, bounds - {4, 6, 8}) == {"处处能学，时时可学"}  # the head cannot be cut


def test_a_minimal_new_run_is_the_smallest_new_unit():
    line = "积极发展新型能源体系"
    tokens = words(line, ["积极", "发展", "新型", "能源", "体系"])
    def is_new(text):  # the baseline writes 新型能源 and 能源体系, never the three words together
        return "新型能源体系" in text
    assert ph.minimal_new_runs(line, tokens, is_new) == {"新型能源体系"}


def test_the_units_around_a_run():
    line = "建立社会信用体系，实施退牧还草工程"
    tokens = words(line, ["建立", "社会", "信用体系", "实施", "退牧", "还", "草", "工程"])
    tokens[0] = (*tokens[0][:3], "v")
    tokens[5] = (*tokens[5][:3], "d")
    assert "社会信用体系" in ph.extensions(line, tokens, ["信用体系"])
    assert not any(u.startswith("建立") for u in ph.extensions(line, tokens, ["信用体系"]))  # a verb is no part of a name
    assert "退牧还草" in ph.new_stretches(line, tokens, {"退牧"})
    # a dictionary word (no tag) is noun-like; a verb joins two nouns (碳 排放 权), and may end a name
    line = "启动全国碳排放权交易市场，推进跨境贸易人民币结算试点"
    tokens = words(line, ["启动", "全国", "碳", "排放", "权", "交易市场", "推进", "跨境", "贸易", "人民币", "结算", "试点"])
    tags = dict(zip(range(12), ["v", "n", "n", "v", "n", "", "v", "n", "vn", "n", "v", "n"]))
    tokens = [(*t[:3], tags[k]) for k, t in enumerate(tokens)]
    units = ph.extensions(line, tokens, ["全国碳", "跨境贸易"])
    assert {"全国碳排放权交易市场", "跨境贸易人民币结算"} <= units
    assert not any(u.startswith(("启动", "推进")) for u in units)
    line = "完善减污降碳激励约束政策"
    tokens = words(line, ["完善", "减污", "降碳", "激励", "约束", "政策"])
    assert "减污降碳" in ph.new_stretches(line, tokens, {"减污", "降碳"})


@pytest.mark.parametrize("phrase,why", [
    ("李强", "name"), ("李克强总理", "name"), ("国务院总理温家宝", "name"), ("嫦娥六号", "craft"),
    ("表示衷心感谢", "thanks"), ("十二连增", "figure"), ("万公顷", "figure"), ("七次，八次", "figure"),
    ("第十五个", "figure"), ("二十大", "figure"), ("党的二十大", "figure"), ("二十届三中全会", "figure"),
    ("发展第十五", "figure"), ("持之以恒", "idiom"),
])
def test_what_is_never_listed(phrase, why):
    names = {"李强", "李克强", "温家宝"}
    assert ph.never_listed(phrase, names, lambda p: p == "持之以恒") == why


@pytest.mark.parametrize("phrase", ["三农", "一带一路", "第一要务", "十大工程", "两个确立", "李强调", "新质生产力",
                                    "第三个历史决议", "2+3+6+6"])
def test_formulations_are_listed(phrase):
    assert ph.never_listed(phrase, {"李强"}, lambda p: False) is None


def test_a_lines_own_numbering_starts_no_phrase():
    assert ph.unnumbered("（六）有效防范化解风险") == "，，，有效防范化解风险"
    assert ph.unnumbered("一是稳增长") == "，，稳增长"
    assert ph.unnumbered("三农工作") == "三农工作"


def test_names_are_read_before_a_title():
    assert ph.names_in("以习近平同志为核心的党中央，李强总理指出") >= {"习近平", "李强"}
    assert "国务院" not in ph.names_in("国务院总理") and ph.speaker_names(["国务院总理 李强", None]) == {"李强"}
