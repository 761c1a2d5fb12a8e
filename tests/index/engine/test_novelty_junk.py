"""`new` (新提法) lists formulations, not junk: no person's name, no idiom, no bare figure and no
heading numbering in the top 50 of a national year, while the formulations a reader knows
(互联网+, 统一大市场, 以旧换新, 三农, 新型工业化) are listed as themselves. The checkers are this
file's own — names from the speaker lines and the text, idioms from jieba's dictionary, figures and
numbering by pattern — an independent check of the output, not of how `new` ranks."""

import csv
import os
import re
import unicodedata

from index import list_reports, new_phrases
from tests.conftest import CORPUS, needs_corpus

NATIONAL = ("lawtext-gov", "ropensci-national", "wikisource-national")
SLOGANS = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "index", "local", "slogans.txt")

# common surnames (~75), the leaders' among them: a name before 同志 or 总理 begins with one
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁"
               "沈姚卢姜崔钟谭陆汪廖贾夏邹孟熊秦邱薛段侯陶贺顾毛郝龚邵钱习温薄华")
TITLES = ("同志们", "同志", "副总理", "代总理", "总理", "总书记", "书记", "主席", "委员长", "副省长", "省长", "副市长",
          "市长", "主任", "部长")
OFFICES = ("", *(f"{body}{t}" for body in ("", "国务院") for t in ("总理", "副总理", "代总理")))
NAME_BEFORE = re.compile(r"(?=([\u4e00-\u9fff]{3}|[\u4e00-\u9fff]{2})(?:同志|总理|总书记|省长|市长|主任))")
OFFICE_LINE = re.compile(r"^\S{0,20}?(?:总理|部长|主席|主任|委员长|书记)[ \u3000]+([\u4e00-\u9fff]{2,3})$")

NUMERALS = "0-9零〇一二两三四五六七八九十百千万亿"
UNITS = ("个", "倍", "成", "年", "项", "次", "万", "亿", "公里", "平方公里", "公顷", "亩", "吨", "元", "人", "户", "家",
         "件", "座", "所", "条", "台", "辆", "岁", "天", "月", "日", "周", "小时", "米", "平方米", "千米", "千瓦",
         "千克", "公斤", "斤", "美元", "点", "批", "类", "种", "名", "位", "%", "‰")
FIGURE = re.compile(rf"^[{NUMERALS}.]+(?:{'|'.join(map(re.escape, UNITS))})?$|^[{NUMERALS}]+连[\u4e00-\u9fff]$")


def fold(text: str) -> str:
    """For finding a phrase in a source line, applied to both: 、 → ，(as `new` folds it), NFKC (＋ → +,
    （ → (, ， → ,) and no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.replace("、", "，"))).lower()


# -- names --------------------------------------------------------------------------------------------

def speaker_names() -> set[str]:
    """The speakers of the national reports: the ropensci file names (`2015政府工作报告_李克强.txt`) and
    the `<office> <name>` line in the first ten lines of every national source file."""
    names = set()
    for path in (CORPUS / "ropensci-national").glob("*.txt"):
        names.update(n for n in path.stem.split("_")[1:] if 2 <= len(n) <= 3 and n[0] in SURNAMES)
    files = [*(CORPUS / "lawtext-gov").glob("国务院_*.txt"), *(CORPUS / "ropensci-national").glob("*.txt"),
             *(CORPUS / "wikisource-national").glob("*.txt")]
    for path in files:
        with open(path, encoding="utf-8") as f:
            for _, line in zip(range(10), f):
                m = OFFICE_LINE.match(line.strip())
                if m:
                    names.add(m.group(1))
    return names


def text_names(lines) -> set[str]:
    """The 2–3 characters right before 同志/总理/总书记/省长/市长/主任 that begin with a common surname."""
    names = set()
    for line in lines:
        for m in NAME_BEFORE.finditer(line):
            if m.group(1)[0] in SURNAMES:
                names.add(m.group(1))
    return names


def is_name(phrase: str, names) -> bool:
    """A name, or a name followed only by titles (李克强总理, 习近平同志) — or led by its office, as the
    speaker line writes it (国务院总理温家宝: the head of a report, not a formulation)."""
    for name in names:
        at = phrase.find(name)
        if at < 0 or phrase[:at] not in OFFICES:
            continue
        rest = phrase[at + len(name):]
        while rest:
            title = next((t for t in TITLES if rest.startswith(t)), None)
            if title is None:
                break
            rest = rest[len(title):]
        if not rest:
            return True
    return False


# -- idioms -------------------------------------------------------------------------------------------

def jieba_idioms() -> set[str]:
    """The words jieba's dictionary (the project's test oracle) tags `i` (成语)."""
    import jieba

    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        return {parts[0] for parts in (line.split() for line in f) if len(parts) == 3 and parts[2] == "i"}


def slogans() -> set[str]:
    with open(SLOGANS, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def is_idiom(phrase: str, quoted: bool, idioms, slogan_words) -> bool:
    """Tagged `i` by jieba, unless the slogan dictionary holds it or the report quotes it."""
    return phrase in idioms and phrase not in slogan_words and not quoted


# -- figures and numbering ----------------------------------------------------------------------------

def is_figure(phrase: str) -> bool:
    """Numerals and at most a unit (十二个, 3倍, 两成), or numerals + 连 + one character (十二连增)."""
    return bool(FIGURE.match(phrase))


def numbering_occurrences(phrase: str, lines) -> tuple[int, int]:
    """(occurrences, those at a line's own numbering): right after the （ of （六） anywhere in a line,
    or at the very start of a line that begins 六、 or 一是."""
    needle = fold(phrase)
    total = at_numbering = 0
    if not needle:
        return 0, 0
    numbered = bool(re.match(rf"[{NUMERALS}]", needle))
    for line in lines:
        text = fold(line)
        start = text.find(needle)
        while start >= 0:
            total += 1
            if numbered:
                run = re.match(rf"[{NUMERALS}]+", text[start:]).group(0)
                after = text[start + len(run):start + len(run) + 1]
                if start > 0 and text[start - 1] in "（(" and after and after in "）)":
                    at_numbering += 1
                elif start == 0 and after and after in ",，、.．是":
                    at_numbering += 1
            start = text.find(needle, start + 1)
    return total, at_numbering


def is_heading_numbering(phrase: str, lines) -> bool:
    total, at_numbering = numbering_occurrences(phrase, lines)
    return total > 0 and at_numbering == total


def junk(p, names, idioms, slogan_words, lines) -> str | None:
    """Why a listed phrase is no formulation, or None."""
    if is_name(p.phrase, names):
        return "name"
    if is_idiom(p.phrase, p.quoted, idioms, slogan_words):
        return "idiom"
    if is_figure(p.phrase):
        return "figure"
    if is_heading_numbering(p.phrase, lines):
        return "heading numbering"
    return None


def source_lines(year: int) -> list[str]:
    with open(CORPUS / "lawtext-gov" / f"国务院_{year}.txt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


# -- the checkers on planted examples -----------------------------------------------------------------

def test_the_checkers_find_what_is_planted():
    """A checker that finds nothing would pass the corpus test vacuously: each must catch its example
    and let a formulation through."""
    names = {"李强", "李克强"} | text_names(["在以习近平同志为核心的党中央坚强领导下", "王小明省长指出", "全体同志"])
    assert {"习近平", "王小明"} <= names and "全体" not in names and "近平" not in names, names
    assert is_name("李强", names) and is_name("李克强总理", names) and is_name("习近平同志", names)
    assert is_name("国务院总理李强", names) and is_name("总理李强", names)
    assert not is_name("李强调", names) and not is_name("三农", names) and not is_name("日李强", names)
    if (CORPUS / "lawtext-gov").is_dir():
        assert {"李强", "李克强", "温家宝", "朱镕基", "周恩来"} <= speaker_names(), speaker_names()

    idioms, slogan_words = jieba_idioms(), slogans()
    assert len(idioms) > 10000 and {"持之以恒", "锲而不舍"} <= idioms
    assert is_idiom("持之以恒", False, idioms, slogan_words)
    assert not is_idiom("持之以恒", True, idioms, slogan_words), "a quoted idiom is the report's formulation"
    assert not is_idiom("三农", False, idioms, slogan_words) and "高质量发展" in slogan_words

    for figure in ("十二连增", "五连快", "两成", "3倍", "一千二百万", "2.5%", "十二个", "30公顷"):
        assert is_figure(figure), figure
    for phrase in ("三农", "两新一重", "一老一小", "十二连增长点", "新三样", "互联网+"):
        assert not is_figure(phrase), phrase

    lines = ["（六）加强生态文明建设", "六、加强生态文明建设", "一是扩大内需，二是稳定就业", "一是扩大内需",
             "要扩大内需，形成三农工作新格局", "（三）三农工作"]
    assert is_heading_numbering("六）加强", lines[:1]) and is_heading_numbering("六，加强", lines[1:2])
    assert is_heading_numbering("六加强", ["（六加强"]) is False  # no closing numbering: no heading
    assert is_heading_numbering("一是扩大内需", lines[2:4])
    assert not is_heading_numbering("二是稳定就业", lines[2:3]), "二是 stands mid-line"
    assert not is_heading_numbering("三农", lines), "三农 is written mid-line, and in （三）三农 after the numbering"
    assert not is_heading_numbering("一是扩大内需", lines[2:5] + ["其中一是扩大内需"])
    assert is_heading_numbering("三）三农", lines[5:])

    nothing = type("P", (), {"phrase": "三农", "quoted": False})
    assert junk(nothing, names, idioms, slogan_words, lines) is None


# -- the corpus ---------------------------------------------------------------------------------------

@needs_corpus()
def test_no_name_idiom_figure_or_heading_numbering_in_the_top_50_of_a_national_year(corpus_home):
    """What a reader skims first — the top 50 of each national year since 2000 — holds formulations:
    no speaker's or leader's name, no stock idiom the report does not quote, no bare figure (十二连增
    is news, not a formulation) and no phrase cut from a heading's own numbering (（六）/六、/一是)."""
    ids = {r.id for r in list_reports(corpus_home)}
    years = [y for y in range(2000, 2027) if f"国务院_{y}" in ids]
    assert len(years) >= 20, years
    speakers, idioms, slogan_words = speaker_names(), jieba_idioms(), slogans()
    offenders, unlocated = [], []
    for year in years:
        lines = source_lines(year)
        names = speakers | text_names(lines)
        nv = new_phrases(corpus_home, f"国务院_{year}", limit=50)
        assert nv.phrases, year
        for p in nv.phrases:
            why = junk(p, names, idioms, slogan_words, lines)
            if why:
                offenders.append((year, p.phrase, why))
            if numbering_occurrences(p.phrase, lines)[0] == 0:
                unlocated.append((year, p.phrase))
    print("\n".join(f"{y} {phrase} ({why})" for y, phrase, why in offenders))
    assert not offenders, f"{len(offenders)} junk phrases in the top 50:\n" + \
        "\n".join(f"  {y} {phrase}: {why}" for y, phrase, why in offenders)
    # the numbering check reads every listed phrase in its source file: one it cannot find, it cannot judge
    assert not unlocated, unlocated


def national_years_of(term: str) -> list[int]:
    """The years of the national government work reports (the three transcriptions: their file names
    and MANIFEST.tsv) whose text, whitespace stripped, holds `term`."""
    found = set()
    for folder in NATIONAL:
        with open(CORPUS / folder / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        for row in rows:
            name = row["file"]
            if folder == "lawtext-gov":
                m = re.fullmatch(r"国务院_(\d{4})(?:-\w+)?\.txt", name)
            elif folder == "ropensci-national":
                m = re.fullmatch(r"(\d{4})政府工作报告_.*\.txt", name)
            else:
                m = re.fullmatch(r"国务院政府工作报告_(\d{4})\.txt", name) \
                    if row.get("kind") == "government_work_report" else None
            if not m or not (CORPUS / folder / name).is_file():
                continue
            text = re.sub(r"\s+", "", (CORPUS / folder / name).read_text(encoding="utf-8"))
            if term in text:
                found.add(int(m.group(1)))
    return sorted(found)


@needs_corpus()
def test_the_named_formulations_are_listed_as_themselves(corpus_home):
    """The formulations a year is known for are listed whole — not cut (互联网 without its +), not
    padded (统一大市场的), not lost for a shorter or longer neighbour."""
    first = national_years_of("新型工业化")
    assert first, "新型工业化 in no national report"
    expected = [("国务院_2015", "互联网+"), ("国务院_2022", "统一大市场"), ("国务院_2010", "以旧换新"),
                ("国务院_2003", "三农"), (f"国务院_{first[0]}", "新型工业化")]
    missing = []
    for report, phrase in expected:
        listed = {p.phrase for p in new_phrases(corpus_home, report, limit=1000).phrases}
        if phrase not in listed:
            missing.append((report, phrase, sorted(p for p in listed if phrase in p or p in phrase)))
    assert not missing, missing
