"""Phrases a reader would quote, out of a report's normalized lines — the candidates of `new` (新提法) —
and what is never one: a person's name, a craft's, an idiom, thanks and forms of address, a figure, a
heading's numbering.

A candidate is a term — a quoted formulation (with 、 + × inside, as 大众创业、万众创新 and 互联网+ are
written), a parallel series (稳就业，稳企业，稳市场，稳预期), a slogan-dictionary word, a jieba word of 2+
characters — or a *minimal new* run of words: consecutive words between two marks, 2–12 characters,
that the baseline never writes while it writes both the run without its first word and without its last
(so `新型能源体系`, not `积极发展新型能源体系`); and the longer units around such runs (noun-like words
added: 社会 + 信用体系; runs that touch, joined: 减污 + 降碳; four characters around a short one: 退牧 →
退牧还草). No candidate runs across a mark but a quoted formulation's or a series' own commas."""

from __future__ import annotations

import functools
import re

from archive import normalize_text
from archive.charclasses import IDEOGRAPHS, WORDLIKE
from archive.marks import is_mark

MIN_CHARS, MAX_CHARS = 2, 12
MAX_SERIES = 8  # chunks in a parallel series
MAX_QUOTED = 24

# A formulation in quotes: ideographs, letters and digits, with the marks a slogan holds (、 + ＋ × ·).
_QUOTED = re.compile(rf"[“\"「『]([{IDEOGRAPHS}A-Za-z0-9、，·+＋×\-—]{{{MIN_CHARS},{MAX_QUOTED}}})[”\"」』]")
_FIGURE_DIGITS = re.compile(r"[0-9]")  # a run of words with a figure (2024年, 5.2%) is new by its number only
_FIGURES_JOINED = re.compile(r"[0-9a-z]+(?:\+[0-9a-z]+)+")  # a quoted 2+3+6+6: a slogan by its figures
# A line's own numbering: （六） 六、 一是 第三部分 — never the start of a phrase (`六有` from `（六）有效…`).
_ENUMERATOR = re.compile(r"^(?:[（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+[，.]|[一二三四五六七八九十]+是"
                         r"|第[一二三四五六七八九十]+[部分章节条])")
_NUMERALS = set("0123456789零〇一二两三四五六七八九十百千万亿.%")
_UNITS = {"", "个", "倍", "成", "年", "项", "次", "批", "轮", "届", "万", "亿", "公里", "公顷", "万公顷", "亩", "吨", "元", "人", "所", "座", "家",
          "个百分点", "百分点"}
_OFFICE = re.compile(r"(?:国务院)?(?:代|副)?总理|(?:国家)?(?:副)?主席|(?:代|副)?(?:省长|市长)")
_ORDINAL = re.compile(r"第[零〇一二两三四五六七八九十百千]+(?:个|次|届|年|批|轮|$)")
_CONGRESS = re.compile(r"(?:十[一二三四五六七八九]|二十[一二三四五六七八九]?)(?:大|届)")  # 党的二十大, 二十届三中全会
_THANKS = re.compile(r"感谢|谢意|致敬|敬意|问候|同志们|各位代表|代表们|朋友们|女士们|先生们")
# Titles a report prints after a name (李强总理, 习近平同志), and common surnames — a name is two or three
# characters before a title, starting with one of these.
TITLES = ("同志", "总书记", "总理", "副总理", "主席", "副主席", "委员长", "书记", "省长", "副省长", "市长", "副市长", "主任", "部长")
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
               "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤习温")
_NAME_BEFORE_TITLE = re.compile(rf"([\u4e00-\u9fff]{{2,3}})(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})")


def quoted_formulations(display: str) -> set[str]:
    """What a line puts in quotes, normalized (互联网＋ → 互联网+, 、 → ，): a formulation may hold the
    marks a slogan holds, never a sentence's."""
    return {normalize_text(m.group(1)) for m in _QUOTED.finditer(display)}


def names_in(text: str) -> set[str]:
    """The people a text names by a title: 李强 in 李强总理, 习近平 in 以习近平同志为核心."""
    names = set()
    for m in _NAME_BEFORE_TITLE.finditer(text):
        before = m.group(1)
        for size in (3, 2):
            name = before[-size:]
            if len(name) == size and name[0] in SURNAMES:
                names.add(name)
                break
    return names


def speaker_names(speakers) -> set[str]:
    """The names in speaker lines (国务院总理 李强 → 李强)."""
    return {s.split()[-1] for s in speakers if s and s.split() and 2 <= len(s.split()[-1]) <= 4}


def idiom_test(slogans: set[str], quoted: set[str], tags):
    """`is_idiom` for never_listed: a phrase jieba's own dictionary tags `i` (its only source of idioms),
    unless the slogan dictionary holds it or the text quotes it (`l` holds slogans: not used)."""
    return lambda phrase: phrase not in slogans and phrase not in quoted and tags(phrase) == [(phrase, "i")]


def never_listed(phrase: str, names: set[str], is_idiom) -> str | None:
    """Why `phrase` is never a 新提法 (None: it may be): a name, a craft, an idiom, thanks, a figure."""
    office = _OFFICE.match(phrase)
    if phrase in names or any(phrase.endswith(t) and phrase[:-len(t)] in names for t in TITLES) or \
            (office and phrase[office.end():] in names):
        return "name"  # 李强, 李克强总理, 国务院总理温家宝
    if _ordinal(phrase):
        return "figure"  # 第十五个, 发展第十五 (of 第十五个五年规划), 二十大 (a congress by its number)
    if len(phrase) >= 3 and phrase.endswith("号"):
        return "craft"  # 嫦娥六号, 天问一号, 奋斗者号
    if _THANKS.search(phrase):
        return "thanks"
    if all(_figure(part) for part in phrase.split("，")):
        return "figure"  # 十二连增, 万公顷, 十三五, 七次，八次
    if is_idiom(phrase):
        return "idiom"
    return None


# What a phrase may add to a higher-ranked one and still be it (加强供给侧结构性改革 is 供给侧结构性改革):
# particles, conjunctions, prepositions and pronouns (和 的 等 与 我们), and the verbs and adverbs every
# report governs its objects with (加强 推进…建设). A verb that carries meaning does not fold: 减污降碳 is
# not 降碳, 可信数据空间 not 数据空间, 两岸融合发展 not 融合发展 (jieba tags 减污 and 可信 as verbs too).
FOLDING_TAGS = {"c", "p", "u", "uj", "ul", "ud", "ug", "uz", "uv", "r", "y"}
FOLDING_WORDS = frozenset("""
加强 推进 推动 促进 深化 完善 健全 实施 落实 加快 加大 提升 提高 扩大 强化 坚持 支持 鼓励 引导 开展 建立
构建 建设 打造 做好 抓好 抓紧 着力 大力 进一步 切实 不断 持续 稳步 努力 继续 更好 更加 深入 扎实
有序 稳妥 优化 巩固 增强 发挥 实现 推行 探索 制定 出台 启动 组织 部署 加速 力争 确保 要 需 须 必须 主动 坚决
全力 工作 大力推进 加快推进 深入推进 扎实推进 积极推进 稳步推进 全面推进 进一步加强 不断完善 加快发展 大力发展
积极发展 着力推进 着力构建 切实加强 全面加强 持续推进 深入实施 全面实施 贯彻 贯彻落实 坚定不移 认真 抓 搞好
""".split())

# A word of jieba's own general dictionary is everyday language (蛋糕, 减法, 两难, 第三方, 加速度: of 71
# such words judged, 56 were not worth an analyst's time); its tags for terms (nz, l, j: 三农, 以旧换新,
# 新三样) and the archive's own words (no tag) are not.
COINED_TAGS = {"", "nz", "l", "j"}


# A run of words is no phrase when it starts or ends with a particle, a conjunction or a preposition
# (的服务型政府, 两项补贴和, 及其实施细则, 向各民主党派); one that starts with a verb or an adverb
# (推进农业, 进一步提升) is rarely one unless the report marks it.
EDGE_TAGS = {"u", "uj", "ul", "ud", "ug", "uz", "uv", "c", "p", "f", "y", "e", "o"}
VERB_TAGS = {"v", "vd", "d", "ad", "m"}


def run_edges(phrase: str, tags) -> tuple[str, str]:
    """The tags of the first and last words of `phrase` (tags: index.local.segmenter's `tags`)."""
    words = tags(phrase)
    return (words[0][1], words[-1][1]) if words else ("", "")


def _ordinal(phrase: str) -> bool:
    """An ordinal with little else (第十五个, 发展第十五, 十九大) — not a name that counts its kind
    (第三个历史决议: four characters after it, no numeral)."""
    if _CONGRESS.search(phrase):
        return True  # a congress by its number: every report of its years names it
    m = _ORDINAL.search(phrase)
    if not m:
        return False
    rest = phrase[:m.start()] + phrase[m.end():]
    return len(rest) < 4 or m.end() == len(phrase) or any(ch in _NUMERALS for ch in rest)


def _figure(phrase: str) -> bool:
    rest = "".join(ch for ch in phrase if ch not in _NUMERALS)
    return len(rest) < len(phrase) and (rest in _UNITS or (rest.startswith("连") and len(rest) <= 2))


def unnumbered(line: str) -> str:
    """`line` with its own numbering (（六） 一是 第三部分) turned into a mark: no phrase starts in it."""
    m = _ENUMERATOR.match(line)
    return "，" * m.end() + line[m.end():] if m else line


def word_runs(line: str, tokens) -> list[list[tuple[int, int]]]:
    """The line's words as runs of (start, end), a run broken wherever a mark or a gap stands between two."""
    runs, run, last = [], [], None
    for token in tokens:
        start, end = token[1], token[2]
        if last is not None and (start != last or any(is_mark(ch) for ch in line[last:start])):
            runs.append(run)
            run = []
        run.append((start, end))
        last = end
    if run:
        runs.append(run)
    return runs


def new_stretches(line: str, tokens, runs: set[str]) -> set[str]:
    """Minimal new runs that touch or overlap, joined (减污 + 降碳 → 减污降碳), and the four characters on word
    boundaries that hold a new run of up to four (稳字 → 稳字当头, 退牧 → 退牧还草: the 四字格 of slogans)."""
    out = set()
    spans = sorted({(at, at + len(r)) for r in runs for at in _finds(line, r)})
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] and not any(map(is_mark, line[merged[-1][1]:start])):
            if end > merged[-1][1]:
                merged[-1][1] = end
                merged[-1][2] += 1
        else:
            merged.append([start, end, 1])
    out |= {line[a:b] for a, b, n in merged if n > 1 and b - a <= 16}
    starts, ends = {t[1] for t in tokens}, {t[2] for t in tokens}
    for a, b in spans:  # four characters on word boundaries around a new run: 退牧 → 退牧还草
        for start in range(max(0, b - 4), a + 1):
            end = start + 4
            if start in starts and end in ends and \
                    not any(map(is_mark, line[start:end])):
                out.add(line[start:end])
    return out


def _finds(text: str, needle: str):
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def minimal_new_runs(line: str, tokens, is_new) -> set[str]:
    """Runs of consecutive words (2–12 characters) that are new while the run without its first word and
    the run without its last are not: the smallest new units."""
    found = set()
    for run in word_runs(line, tokens):
        for i in range(len(run)):
            for j in range(i, len(run)):
                start, end = run[i][0], run[j][1]
                if end - start > MAX_CHARS:
                    break
                if end - start < MIN_CHARS:
                    continue
                text = line[start:end]
                if not is_new(text):
                    continue
                shorter = [line[run[i + 1][0]:end], line[start:run[j - 1][1]]] if j > i else []
                if all(len(s) < MIN_CHARS or not is_new(s) for s in shorter):
                    found.add(text)
    return found


def parallel_series(line: str, bounds: set[int] | None = None) -> set[str]:
    """Comma-separated series of parallel short chunks — 稳就业，稳企业，稳市场，稳预期; 不敢腐，不能腐，不想腐;
    人人皆学，处处能学，时时可学 — a slogan written as a list: 2+ chunks of 2–6 characters that all begin with
    one character or all end with one (or are of one length: 3+ short ones, or two sharing a character in
    one place), the longest such runs. The first chunk may carry words before the series (着力稳就业), the
    last words after it: cut off at a word boundary (`bounds`: the line's word boundaries)."""
    found = set()
    for sentence in re.finditer(r"[^。；：？！\n]+", line):
        chunks, at = [], sentence.start()
        for chunk in sentence.group(0).split("，"):
            chunks.append((chunk, at))
            at += len(chunk) + 1
        short = [_short(c) for c, _ in chunks]
        k = 0
        while k < len(chunks) - 1:
            best = None
            last = k + 2  # the chunks between the first and the last are whole: each must be short
            while last < min(len(chunks), k + MAX_SERIES) and short[last - 1]:
                last += 1
            for loose in (False, True):  # a shared character first: 稳就业…稳预期, not …稳预期，加力增
                for j in range(last, k + 1, -1):
                    if loose and j - k < 3:
                        break  # one length alone makes a series of three or more
                    if j - k > 3 and not _could_be_middle([c for c, _ in chunks[k + 1:j - 1]], loose):
                        continue  # the whole middle chunks are no series: no cut of the ends makes one
                    part = _fitted(chunks[k:j], bounds, loose)
                    if part:
                        best = (j, part)
                        break
                if best:
                    break
            if best is None:
                k += 1
                continue
            found.add("，".join(best[1]))
            k = best[0]
    return found


def _fitted(chunks: list[tuple[str, int]], bounds: set[int] | None, loose: bool = False) -> list[str] | None:
    """The chunks (text, offset) as a parallel series, the first and last cut to the pattern the middle
    ones set (two chunks: cut to one length, 打造大众创业，万众创新和… → 大众创业，万众创新); a last chunk
    of two items joined by 和 is two (物质文明，政治文明和精神文明). `loose`: one length is enough."""
    texts = [c for c, _ in chunks]
    if _parallel(texts, loose=loose):
        return texts
    (head, head_at), body, (tail, tail_at) = chunks[0], texts[1:-1], chunks[-1]
    if not body and "和" not in tail and not set(head[-6:]) & set(tail[:6]):
        return None  # a couplet shares a character, wherever the two are cut
    heads = [h for h in _cuts(head, at_start=True) if bounds is None or head_at + len(head) - len(h) in bounds]
    if "和" in tail:  # …，表达权和监督权: the last two items joined by 和
        item, rest = tail.split("和", 1)
        rest_at = tail_at + len(item) + 1
        near = lambda c: abs(len(c) - len(item))  # noqa: E731 — the cuts nearest the whole items' length first
        lasts = sorted((t for t in _cuts(rest, at_start=False) if bounds is None or rest_at + len(t) in bounds), key=near)
        for first in sorted(heads, key=near):
            for last in lasts:
                if _parallel([first, *body, item, last], loose=loose):
                    return [first, *body, f"{item}和{last}"]
    tails = [t for t in _cuts(tail, at_start=False) if bounds is None or tail_at + len(t) in bounds]
    if body:  # the cuts nearest the middle chunks' length first: 人人皆学, not 建设人人皆学
        size = sorted(map(len, body))[len(body) // 2]
        heads.sort(key=lambda h: abs(len(h) - size))
        tails.sort(key=lambda t: abs(len(t) - size))
    heads, tails = [h for h in heads if _short(h)], [t for t in tails if _short(t)]
    for first in heads:
        for last in tails:
            if not (first[0] == last[0] or first[-1] == last[-1] or len(first) == len(last)):
                continue  # no series, whatever stands between (a quick test before the whole one)
            fitted = [first, *body, last]
            if (body or len(first) == len(last)) and _parallel(fitted, loose=loose):
                return fitted
    return None


def _cuts(chunk: str, at_start: bool) -> list[str]:
    """`chunk`, and its ends of 2–6 characters (at_start: what a series' first chunk may be; else its last)."""
    sizes = range(min(6, len(chunk)), MIN_CHARS - 1, -1)
    return [chunk] + [chunk[-n:] if at_start else chunk[:n] for n in sizes if n < len(chunk)]


@functools.lru_cache(maxsize=1 << 16)  # a chunk and its cuts are asked again for every series around them
def _short(chunk: str) -> bool:
    """A chunk a series may hold: 2–6 characters, no mark, no figure."""
    return 2 <= len(chunk) <= 6 and not _FIGURE_DIGITS.search(chunk) and not any(map(is_mark, chunk))


def _could_be_middle(chunks: list[str], loose: bool) -> bool:
    """Whether whole chunks may stand between a series' ends: what _parallel asks of all, without the
    count of three the loose rule needs (the ends make it up)."""
    if not all(map(_short, chunks)):
        return False
    same = lambda pick: len({pick(c) for c in chunks}) == 1  # noqa: E731
    if same(lambda c: c[0]) or same(lambda c: c[-1]):
        return True
    return same(len) and ((loose and len(chunks[0]) <= 4) or any(len({c[k] for c in chunks}) == 1 for k in range(len(chunks[0]))))


def _parallel(chunks: list[str], loose: bool = False) -> bool:
    """Whether the chunks are a series: they begin or end with one character, or are of one length and
    share a character in one place; `loose`: or three or more short ones of one length (拓市场，调结构，
    促平衡 — whole, or cut to the middle ones' length: 需求收缩，供给冲击，预期转弱)."""
    if not all(map(_short, chunks)):
        return False
    same = lambda pick: len({pick(c) for c in chunks}) == 1  # noqa: E731
    if same(lambda c: c[0]) or same(lambda c: c[-1]):
        return True
    if not same(len):
        return False
    # one length: three or more short ones (拓市场，调结构，促平衡), or a couplet sharing a character in one place
    return (loose and len(chunks) >= 3 and len(chunks[0]) <= 4) or \
        any(len({c[k] for c in chunks}) == 1 for k in range(len(chunks[0])))


# The words a minimal new run may take on at either end and stay one name (社会 + 信用体系, 亚洲基础设施 +
# 投资银行): nouns and their kin — a dictionary word (tagged ''), a suffix (生育友好 + 型), a direction or
# place (两岸, 周边, 国内), a time word (青年, 新时代).
NOUN_TAGS = {"n", "nz", "ns", "nt", "nr", "j", "l", "b", "an", "ng", "vn", "a", "", "k", "f", "s", "t", "zg", "vg"}
MAX_UNIT = 20  # characters of a longer unit


def tagged_tokens(line: str, tags) -> list[tuple[str, int, int, str]]:
    """(word, start, end, tag) of the line's words, from jieba's tagging (`tags`: word, tag pairs in order)."""
    out, at = [], 0
    for word, tag in tags:
        if WORDLIKE.search(word):
            out.append((word, at, at + len(word), tag))
        at += len(word)
    return out


LINK_WORDS = {"之", "的", "和", "与", "及"}  # inside a name, between two nouns: 百年未有之大变局, 投资于物和投资于人


def extensions(line: str, tokens, runs, steps: int = 4) -> set[str]:
    """Each of `runs` (where it stands in `line`) with noun-like words added before and after it — up to `steps`
    on each side, MAX_UNIT characters in all; a linking word (之 的 和) or a verb only with the noun
    beyond it (碳 + 排放 + 权, 重点 + 帮扶 + 县), and a verb last (人民币 + 结算): the units a name may be
    (社会 + 信用体系, 亚洲基础设施 + 投资银行, 全国碳 + 排放权交易市场)."""
    out = set()
    starts = {t[1]: k for k, t in enumerate(tokens)}
    ends = {t[2]: k for k, t in enumerate(tokens)}

    def noun(k: int) -> bool:
        return 0 <= k < len(tokens) and tokens[k][3] in NOUN_TAGS

    def joins(k: int) -> bool:  # a word that joins two nouns: 之 的 和, or a verb (排放 in 碳排放权)
        return 0 <= k < len(tokens) and (tokens[k][0] in LINK_WORDS or tokens[k][3] == "v")

    def touching(a: int, b: int) -> bool:  # no gap or mark between tokens a..b
        return all(tokens[m][2] == tokens[m + 1][1] for m in range(a, b))

    for run, at in ((r, at) for r in runs for at in _finds(line, r)):
        i, j = starts.get(at), ends.get(at + len(run))
        if i is not None and j is not None:
            lefts, k = [i], i
            for _ in range(steps):
                if noun(k - 1) or (k - 1 >= 0 and tokens[k - 1][3] == "ad" and k == i):
                    k -= 1
                elif joins(k - 1) and noun(k - 2):
                    k -= 2
                else:
                    break
                if not touching(k, i):
                    break  # a gap or a mark between: no unit
                lefts.append(k)
            rights, k = [j], j
            for _ in range(steps):
                if noun(k + 1):
                    k += 1
                elif joins(k + 1) and noun(k + 2):
                    if tokens[k + 1][3] == "v" and touching(j, k + 1):
                        rights.append(k + 1)  # the verb last too: 人民币 + 结算 (试点)
                    k += 2
                elif k + 1 < len(tokens) and tokens[k + 1][3] == "v" and touching(j, k + 1):
                    rights.append(k + 1)  # a verb last: 人民币 + 结算, 高水平 + 应用
                    break
                else:
                    break
                if not touching(j, k):
                    break
                rights.append(k)
            for a in lefts:
                for b in rights:
                    text = line[tokens[a][1]:tokens[b][2]]
                    if (a, b) != (i, j) and len(text) <= MAX_UNIT:
                        out.add(text)
    return out


def plain_phrase(phrase: str) -> bool:
    """A run of words may be a phrase: no figure (boilerplate new by its number), something to read, no mark."""
    return not _FIGURE_DIGITS.search(phrase) and bool(WORDLIKE.search(phrase)) and not any(map(is_mark, phrase))


def quoted_phrase(phrase: str) -> bool:
    """A quoted formulation may be a phrase: 2+ characters and words (中国制造2025), not a date or a
    figure in quotes (“25·7”); figures joined by + are a formulation (“2+3+6+6”, “1+2+4+N”)."""
    return len(phrase) >= MIN_CHARS and bool(re.search(r"[\u3400-\u9fff]", phrase) or _FIGURES_JOINED.fullmatch(phrase))


def pieces(counts: dict[str, int], holders) -> set[str]:
    """The phrases of `counts` that stand only inside a longer one of `holders`: a phrase with the count
    of a longer phrase holding it is that phrase's piece."""
    out = set()
    for q in holders:
        n = counts[q]
        for size in range(MIN_CHARS, len(q)):
            for i in range(len(q) - size + 1):
                if counts.get(q[i:i + size]) == n:
                    out.add(q[i:i + size])
    return out
