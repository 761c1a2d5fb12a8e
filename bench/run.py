"""Benchmark baogao on a real corpus: ingest, search (warm and cold), verify, trend, and baselines.

    python bench/run.py [--corpus DIR] [--scale N] [--home DIR [--reuse]] [--solr URLS] [--json FILE]

Prints one table; --json also writes the numbers. Not part of the test suite. --solr also publishes
the home to that SolrCloud and prints the same queries answered by it beside the local engine's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import find_files, normalize_text  # noqa: E402
from index import Home, ingest, search, verify  # noqa: E402

UNQUOTED = [
    "新质生产力", "高质量发展", "乡村振兴", "营商环境", "一带一路", "共同富裕", "碳达峰", "放管服", "双循环",
    "专精特新", "数字经济", "人工智能", "新型城镇化", "供给侧结构性改革", "脱贫攻坚", "污染防治", "河长制",
    "粮食安全", "稳中求进", "新发展格局", "一主六双", "东北全面振兴", "国有企业改革", "科技创新", "社会保障",
    "医疗卫生", "教育公平", "文化强国", "生态文明建设", "对外开放",
]
QUOTED = [
    "六稳", "双碳", "人参", "6.5%", "三农", "新基建", "放管服改革", "最多跑一次", "一网通办", "房住不炒",
    "绿水青山就是金山银山", "万众创新", "大众创业", "互联网+", "两个确立", "两个维护", "五位一体", "四个全面",
    "先立后破", "以进促稳", "全面建成小康社会", "高水平对外开放", "城镇调查失业率", "居民消费价格涨幅",
    "国内生产总值增长", "发展新质生产力", "坚持稳中求进工作总基调", "加快构建新发展格局", "中国式现代化",
    "统筹发展和安全",
]
KWIC_TERM = "高质量发展"  # tens of thousands of occurrences in the shared corpus
FILTERED = [
    "乡村振兴 region:吉林", "营商环境 year:2024", "高质量发展 level:national", '"新质生产力" level:provincial',
    "人参 region:通化", "数字经济 year:2020-2024", "碳达峰 NOT level:city", "(六稳 OR 六保) year:2020",
    "科技创新 level:national year:>=2015", "heading:工作安排 新质生产力",
]


# compare's sizes (issue 36): report against report, a year's provinces against the year before, a
# decade of national reports against the one before, about 5 M characters against the rest of the archive.
COMPARISONS = (("国务院_2026", "国务院_2025"), ("level:provincial year:2026", "level:provincial year:2025"),
               ("level:national year:2010-2019", "level:national year:2000-2009"), ("level:city year:2021", None))


DIFFED = ("国务院_2025", "国务院_2026")


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return (time.perf_counter() - t) * 1000, out


def stats_ms(samples):
    return {"p50": round(percentile(samples, 0.5), 2), "p95": round(percentile(samples, 0.95), 2),
            "max": round(max(samples), 2), "n": len(samples)}


def scaled_corpus(corpus: Path, scale: int, workdir: Path) -> Path:
    """An N-fold corpus: the files again under new names (new report ids), as symlinks."""
    if scale <= 1:
        return corpus
    out = workdir / f"corpus_x{scale}"
    if out.exists():
        shutil.rmtree(out)
    for f in find_files(corpus):
        if f.suffix != ".txt":
            continue
        for k in range(scale):
            dest = out / f"copy{k}" / f.relative_to(corpus).parent
            dest.mkdir(parents=True, exist_ok=True)
            (dest / (f.stem + (f"__{k}" if k else "") + f.suffix)).symlink_to(f.resolve())
    return out


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def sentences(home: Home, n: int, rng: random.Random):
    rows = home.con.execute("SELECT p.text FROM paragraphs p WHERE p.kind = 'body' ORDER BY random() LIMIT 3000")
    pool = []
    for (text,) in rows:
        pool += [s for s in re.findall(r"[^。！？；]{25,70}[。！？；]", text) if re.search(r"[0-9]", s)]
    return rng.sample(pool, min(n, len(pool)))


def alter(sentence: str, rng: random.Random) -> str:
    digits = [i for i, c in enumerate(sentence) if c in "0123456789"]  # not ② (isdigit, but no int)
    i = rng.choice(digits)
    return sentence[:i] + str((int(sentence[i]) + rng.randint(1, 8)) % 10) + sentence[i + 1:]


def streamed(home: Path) -> dict:
    """Long answers (issue 39), each a fresh `baogao` on the whole home: `search 发展 --all` — the
    seconds to its first line and in all, and its peak memory; `kwic 发展 --all | head -3` — the wall
    time of the whole pipeline (median of 5); `kwic 发展 --all --jsonl | wc -l` — the lines and the
    peak memory."""
    env = {**os.environ, "BAOGAO_HOME": str(home), "NO_COLOR": "1", "BAOGAO_ENGINE": "off"}
    cmd = [sys.executable, "-m", "cli"]

    # The peak is read by a small wrapper: a child forked from this process (which holds a home and
    # the corpus's texts) counts this process's size as its own until it runs the command.
    wrap = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL); "
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(r.returncode)")

    def run(args, head: int | None = None):
        start = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-c", wrap, *cmd, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, cwd=ROOT)
        first, lines = None, 0
        for _ in p.stdout:
            lines += 1
            if first is None:
                first = time.perf_counter() - start
            if head is not None and lines >= head:
                break
        p.stdout.close()
        peak = p.stderr.read()
        p.wait()
        return first, time.perf_counter() - start, lines, round(int(peak or 0) / 1024)

    first, total, _, rss = run(["search", COMMON, "--all"])
    heads = [run(["kwic", COMMON, "--all"], head=3)[1] for _ in range(5)]
    _, jl_s, jl_lines, jl_rss = run(["kwic", COMMON, "--all", "--jsonl"])
    return {"search_first_line_s": round(first, 2), "search_all_s": round(total, 1), "search_rss_mb": rss,
            "kwic_head3_s": round(statistics.median(heads), 2), "kwic_jsonl_lines": jl_lines,
            "kwic_jsonl_s": round(jl_s, 1), "kwic_jsonl_rss_mb": jl_rss}


def cold_shell(home: Path, corpus: Path, runs: int = 7) -> dict:
    """Issue 40: each command from a fresh shell through the home's resident engine, warm, paired with
    `rg -c -F` over the corpus (one after the other, 7 times after a warm-up): min/median/max seconds.
    And a session's first command (no engine yet: answered in-process, an engine started), 3 times."""
    script = Path(sys.executable).with_name("baogao")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli"]
    run_dir = tempfile.mkdtemp(prefix="bgb", dir="/tmp")  # this bench's own engine
    env = dict(os.environ, BAOGAO_HOME=str(home), PYTHONPATH=str(ROOT), BAOGAO_ENGINE="on", XDG_RUNTIME_DIR=run_dir)

    def shell(args) -> float:
        t = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=False)
        return time.perf_counter() - t

    def warm() -> None:
        shell(command + ["search", "-e", "新质生产力"])
        deadline = time.time() + 120
        while "running since" not in subprocess.run(command + ["engine", "status"], env=env, capture_output=True,
                                                    text=True).stdout and time.time() < deadline:
            time.sleep(0.5)

    def spread(xs) -> dict:
        return {"min": round(min(xs), 3), "median": round(statistics.median(xs), 3), "max": round(max(xs), 3)}

    rg = shutil.which("rg")
    out = {}
    try:
        firsts = []
        for _ in range(3):
            subprocess.run(command + ["engine", "stop"], env=env, capture_output=True)
            time.sleep(1)
            firsts.append(shell(command + ["search", "-e", "新质生产力"]))
        out["first command (no engine)"] = spread(firsts)
        warm()
        for label, args in (("search -e 新质生产力", ["search", "-e", "新质生产力"]), ("search 新质生产力", ["search", "新质生产力"]),
                            ("verify …674件", ["verify", "全市在线受理企业“九解一协调”方面各类诉求674件"]),
                            ("kwic 高质量发展 (first screen)", ["kwic", "高质量发展"])):
            shell(command + args)  # warm-up
            ours, theirs = [], []
            for _ in range(runs):
                ours.append(shell(command + args))
                if rg and label.startswith("search -e"):
                    theirs.append(shell([rg, "-c", "-F", "新质生产力", str(corpus)]))
            out[label] = spread(ours)
            if theirs:
                out["rg -c -F 新质生产力"] = spread(theirs)
    finally:
        subprocess.run(command + ["engine", "stop"], env=env, capture_output=True)
        shutil.rmtree(run_dir, ignore_errors=True)
    return out


def cold(home: Path, args: list[str], runs: int = 5) -> float:
    """A fresh `baogao` answering in-process (no resident engine): what a command costs alone."""
    env = dict(os.environ, BAOGAO_HOME=str(home), PYTHONPATH=str(ROOT), BAOGAO_ENGINE="off")
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cli", *args], env=env, capture_output=True, check=False)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def baselines(corpus: Path, phrases: list[str], texts: list[str]) -> dict:
    out = {}
    rg = shutil.which("rg")
    if rg:
        times = []
        for p in phrases[:10]:
            t = time.perf_counter()
            subprocess.run([rg, "-F", "-c", p, str(corpus)], capture_output=True, check=False)
            times.append((time.perf_counter() - t) * 1000)
        out["rg_ms_p50"] = round(statistics.median(times), 2)
    times = []
    for p in phrases:
        needle = normalize_text(p)
        t = time.perf_counter()
        sum(1 for text in texts if needle in text)
        times.append((time.perf_counter() - t) * 1000)
    out["python_scan_ms_p50"] = round(statistics.median(times), 2)
    return out


class WorkerPeak:
    """The largest peak RSS (VmHWM) among this process's descendants while the block runs, sampled
    every 0.2 s: the ingest's workers are the fork server's children, which RUSAGE_CHILDREN never
    counts (the fork server outlives the ingest, so it is never reaped)."""

    def __enter__(self):
        import threading

        self.peak_kb, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while not self._stop.wait(0.2):
            parents = {}
            for d in Path("/proc").iterdir():
                if d.name.isdigit():
                    try:
                        parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    except (OSError, IndexError, ValueError):
                        pass
            mine, grew = {os.getpid()}, True
            while grew:
                new = {p for p, pp in parents.items() if pp in mine and p not in mine}
                mine |= new
                grew = bool(new)
            for pid in mine - {os.getpid()}:
                try:
                    hwm = next(ln for ln in open(f"/proc/{pid}/status") if ln.startswith("VmHWM:"))
                    self.peak_kb = max(self.peak_kb, int(hwm.split()[1]))
                except (OSError, StopIteration, ValueError):
                    pass


def run(corpus: Path, scale: int, home_dir: Path | None, keep: bool, reuse: bool = False) -> dict:
    work = Path(tempfile.mkdtemp(prefix="baogao-bench-"))
    source = scaled_corpus(corpus, scale, work)
    home_path = home_dir or work / "home"
    files = [f for f in find_files(source) if f.suffix == ".txt"]
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files)
    report = {"corpus": str(corpus), "scale": scale, "files": len(files), "chars": chars, "home": str(home_path)}
    if reuse:  # measure the queries on a home built before (by the same corpus and scale)
        home = Home(home_path)
        report["reused_home"] = str(home_path)
    else:
        if home_path.exists():
            shutil.rmtree(home_path)
        home = Home(home_path)
        t = time.perf_counter()
        with WorkerPeak() as workers:
            result = ingest(home, [source])
        ingest_s = time.perf_counter() - t
        report.update({
            "reports": len(result.added), "failed": len(result.failed),
            "ingest_s": round(ingest_s, 1), "ingest_chars_per_s": round(chars / ingest_s),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_rss_worker_mb": round(max(workers.peak_kb, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)})
    report.update({
        "index_mb": {"store": round((home_path / "store.sqlite").stat().st_size / 2**20),
                     "substring": round(folder_size(home_path / "segments") / 2**20),
                     "words": round(folder_size(home_path / "words") / 2**20)},
    })
    for q in UNQUOTED[:3] + QUOTED[:3]:  # warm up: segmenter, Whoosh, mmaps
        search(home, q if q in UNQUOTED else f'"{q}"')
    report["unquoted_ms"] = stats_ms([timed(search, home, q)[0] for q in UNQUOTED])
    report["quoted_ms"] = stats_ms([timed(search, home, f'"{q}"')[0] for q in QUOTED])
    report["filtered_ms"] = stats_ms([timed(search, home, q)[0] for q in FILTERED])
    # The same queries again: their index pages are now in the page cache. (Some machines drop the
    # page cache within a minute — this one does — so a first run may read the index from disk.)
    report["unquoted_again_ms"] = stats_ms([timed(search, home, q)[0] for q in UNQUOTED])
    report["quoted_again_ms"] = stats_ms([timed(search, home, f'"{q}"')[0] for q in QUOTED])
    rng = random.Random(11)
    picked = sentences(home, 50, rng)
    report["verify_verbatim_ms"] = stats_ms([timed(verify, home, s)[0] for s in picked])
    report["verify_altered_ms"] = stats_ms([timed(verify, home, alter(s, rng))[0] for s in picked])
    try:
        from index import trend

        report["trend_ms"] = round(timed(trend, home, ["新质生产力"], by="year")[0], 1)
    except ImportError:
        pass
    # issue 39: a common word's every hit — the first one ready, in this process (the engine open)
    ms, _ = timed(lambda: next(iter(search(home, COMMON, limit=None).hits)))
    report["first_hit_of_all_ms"] = round(ms, 1)
    # patterns (issue 38): a wildcard, a NEAR, a regular expression over every printed line
    report["patterns"] = []
    for query, regex in PATTERNS:
        ms, res = timed(search, home, query, regex=regex)
        report["patterns"].append({"query": query or f"--regex {regex}", "sections": res.total,
                                   "occurrences": res.occurrences, "ms": round(ms, 1)})
    try:  # the researcher's commands: a concordance's first screen, and what is new in a report
        from index import kwic, new_phrases

        ms, c = timed(kwic, home, KWIC_TERM, limit=50)
        report["kwic"] = {"term": KWIC_TERM, "occurrences": c.total, "first_screen_ms": round(ms, 1)}
        national = sorted(r for (r,) in home.con.execute("SELECT id FROM reports WHERE level = 'national' AND year = "
                                                         "(SELECT MAX(year) FROM reports WHERE level = 'national')"))
        if national:
            ms, nv = timed(new_phrases, home, national[0])
            report["new"] = {"report": national[0], "baseline": len(nv.baseline), "ms": round(ms, 1)}
    except ImportError:
        pass
    from index.errors import SearchError

    try:  # compare (issue 36): the four sizes its issue names
        from index import compare

        report["compare"] = []
        for target, reference in COMPARISONS:
            ms, c = timed(compare, home, target, reference, limit=50)
            report["compare"].append({"target": target, "reference": reference or "the rest of the archive",
                                      "chars": c.target.chars, "phrases": c.found, "ms": round(ms, 1)})
    except (ImportError, SearchError):  # an archive without those reports
        report.pop("compare", None)
    try:  # diff (issue 37): two national reports
        from index import diff

        ms, r = timed(diff, home, *DIFFED)
        report["diff"] = {"old": DIFFED[0], "new": DIFFED[1], "pairs": len(r.pairs), "ms": round(ms, 1)}
    except (ImportError, SearchError):
        pass
    try:
        from index import targets

        ms, rows = timed(targets, home, ("gdp",), {"level": "provincial"})
        report["targets"] = {"rows": len(rows), "ms": round(ms, 1)}
    except ImportError:
        pass
    home.close()
    if "targets" in report:
        report["targets"]["cold_ms"] = cold(home_path, ["targets", "gdp", "--level", "provincial", "--by", "year", "--csv"], runs=3)
    if "kwic" in report:
        report["kwic"]["cold_ms"] = cold(home_path, ["kwic", KWIC_TERM])
    if "new" in report:
        report["new"]["cold_ms"] = cold(home_path, ["new", report["new"]["report"]], runs=3)
    for p, (query, regex) in zip(report["patterns"], PATTERNS):
        p["cold_ms"] = cold(home_path, ["search", query] if regex is None else ["search", "--regex", regex], runs=3)
    report["streamed"] = streamed(home_path)
    report["cold_shell"] = cold_shell(home_path, source)
    report["cold_quoted_ms"] = cold(home_path, ["search", '"新质生产力"'])
    report["cold_unquoted_ms"] = cold(home_path, ["search", "营商环境"])
    # The scan baseline: what a script over the normalized texts costs for the same phrases.
    texts = [normalize_text(t) for (t,) in Home(home_path).con.execute("SELECT text FROM paragraphs")]
    report["baselines"] = baselines(source, QUOTED, texts)
    report["quoted_vs_python_scan"] = round(report["baselines"]["python_scan_ms_p50"] / report["quoted_ms"]["p50"], 1)
    if "rg_ms_p50" in report["baselines"]:
        report["quoted_vs_rg"] = round(report["baselines"]["rg_ms_p50"] / report["quoted_ms"]["p50"], 1)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return report


PATTERNS = [('"稳*增长"', None), ("发展 NEAR/5 安全", None), ("", "[0-9.]+%左右")]
COMMON = "发展"  # in nearly every section: what counting a common term costs over the network


def solr_column(home_path: Path, nodes: str, collection: str) -> dict:
    """Publish the home to the cluster, then the same queries through the local backend and the
    Solr backend, one after the other: p50/p95 side by side, and how far the rankings agree."""
    from index import LocalBackend
    from index import SolrBackend
    from index.solr.client import SolrClient, nodes_of
    from index.solr.publishing import publish

    home = Home(home_path)
    client = SolrClient(nodes_of(nodes), collection)
    first = publish(home, client)
    again = publish(home, client)
    out = {"collection": collection, "publish_s": first["seconds"], "published": first["published"],
           "republish_unchanged_s": again["seconds"], "index_mb": round(client.index_bytes() / 2**20)}
    local, remote = LocalBackend(home), SolrBackend(nodes_of(nodes), collection)
    remote.warm()
    local.warm()
    runs = {
        "ranked (30 unquoted)": lambda b, q: b.search(q),
        "exact (30 quoted)": lambda b, q: b.search(q, exact=True),
        "with filters (10)": lambda b, q: b.search(q),
        "kwic (first 50)": lambda b, q: b.kwic(q, limit=50),
        "trend --by year": lambda b, q: b.trend([q]),
    }
    queries = {"ranked (30 unquoted)": UNQUOTED, "exact (30 quoted)": QUOTED, "with filters (10)": FILTERED,
               "kwic (first 50)": QUOTED[:10], "trend --by year": QUOTED[:10]}
    for name, fn in runs.items():
        row = {}
        for side, backend in (("local", local), ("solr", remote)):
            row[side] = stats_ms([timed(fn, backend, q)[0] for q in queries[name]])
        out[name] = row
    overlap = []
    for q in UNQUOTED:
        a = {(h.report, h.section_id) for h in local.search(q).hits}
        b = {(h.report, h.section_id) for h in remote.search(q).hits}
        overlap.append(len(a & b) / max(1, len(a)))
    out["top10_overlap_mean"] = round(statistics.mean(overlap), 3)
    out["top10_overlap_min"] = round(min(overlap), 3)
    ms_l, res = timed(local.trend, [COMMON])
    ms_r, _ = timed(remote.trend, [COMMON])
    out["count_common"] = {"term": COMMON, "occurrences": res.terms[0].total, "local_ms": round(ms_l, 1),
                           "solr_ms": round(ms_r, 1)}
    home.close()
    client.drop()
    return out


def solr_table(s: dict) -> str:
    rows = [("", "local", "solr"),
            ("publish", "", f"{s['publish_s']} s ({s['published']:,} reports) · again, unchanged {s['republish_unchanged_s']} s"),
            ("index on disk", "", f"{s['index_mb']:,} MB, every replica")]
    for name in ("exact (30 quoted)", "ranked (30 unquoted)", "with filters (10)", "kwic (first 50)", "trend --by year"):
        a, b = s[name]["local"], s[name]["solr"]
        rows.append((name, f"p50 {a['p50']} · p95 {a['p95']} ms", f"p50 {b['p50']} · p95 {b['p95']} ms"))
    c = s["count_common"]
    rows.append((f"trend {c['term']} (count it all)", f"{c['local_ms']} ms", f"{c['solr_ms']} ms ({c['occurrences']:,} occurrences)"))
    rows.append(("ranked top-10 overlap", "", f"mean {s['top10_overlap_mean']:.0%} · min {s['top10_overlap_min']:.0%}"))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"{a:<{w0}}  {b:<{w1}}  {c}" for a, b, c in rows)


def table(report: dict) -> str:
    rows = [("files / characters", f"{report['files']:,} / {report['chars']:,} (scale {report['scale']})")]
    if "ingest_s" in report:
        rows += [
            ("ingest", f"{report['ingest_s']} s, {report['ingest_chars_per_s']:,} chars/s, {report['failed']} failed"),
            ("peak RSS", f"{report['peak_rss_mb']} MB main, {report['peak_rss_worker_mb']} MB largest worker")]
    else:
        rows.append(("ingest", f"not measured: reused {report['reused_home']}"))
    rows.append(("index on disk", ", ".join(f"{k} {v} MB" for k, v in report["index_mb"].items())))
    for key, label in (("unquoted_ms", "unquoted (30)"), ("quoted_ms", "quoted (30)"), ("filtered_ms", "with filters (10)"),
                       ("unquoted_again_ms", "unquoted, again (30)"), ("quoted_again_ms", "quoted, again (30)"),
                       ("verify_verbatim_ms", "verify verbatim (50)"), ("verify_altered_ms", "verify altered (50)")):
        s = report[key]
        rows.append((label, f"p50 {s['p50']} ms · p95 {s['p95']} ms · max {s['max']} ms"))
    if "trend_ms" in report:
        rows.append(("trend 新质生产力 --by year", f"{report['trend_ms']} ms"))
    if "kwic" in report:
        k = report["kwic"]
        rows.append((f"kwic {k['term']} (first 50)", f"{k['first_screen_ms']} ms in process · `baogao kwic` {k['cold_ms']} ms "
                     f"({k['occurrences']:,} occurrences)"))
    if "targets" in report:
        t = report["targets"]
        rows.append(("targets gdp --level provincial", f"{t['ms']} ms in process · `baogao targets … --by year --csv` "
                     f"{t['cold_ms']} ms ({t['rows']} rows)"))
    if "new" in report:
        n = report["new"]
        rows.append((f"new {n['report']}", f"{n['ms']} ms in process · `baogao new` {n['cold_ms']} ms "
                     f"(against {n['baseline']} reports)"))
    for c in report.get("compare", []):
        rows.append((f"compare {c['target']}", f"{c['ms']} ms in process against {c['reference']} "
                     f"({c['chars']:,} characters; {c['phrases']} phrases)"))
    if "diff" in report:
        d = report["diff"]
        rows.append((f"diff {d['old']} {d['new']}", f"{d['ms']} ms in process ({d['pairs']} sentence pairs)"))
    for p in report.get("patterns", ()):
        rows.append((f"search {p['query']}", f"{p['ms']} ms in process · `baogao search` {p['cold_ms']} ms "
                                             f"({p['sections']:,} sections, {p['occurrences']:,} matches)"))
    if "streamed" in report:
        s = report["streamed"]
        rows.append((f"`search {COMMON} --all`", f"first line {s['search_first_line_s']} s from start-up "
                                                 f"({report['first_hit_of_all_ms']} ms in process) · all "
                                                 f"{s['search_all_s']} s · peak {s['search_rss_mb']} MB"))
        rows.append((f"`kwic {COMMON} --all | head -3`", f"{s['kwic_head3_s']} s wall (median of 5)"))
        rows.append((f"`kwic {COMMON} --all --jsonl | wc -l`", f"{s['kwic_jsonl_lines']:,} lines · {s['kwic_jsonl_s']} s · "
                                                              f"peak {s['kwic_jsonl_rss_mb']} MB"))
    for label, s in report.get("cold_shell", {}).items():
        rows.append((f"cold shell: {label}", f"min {s['min']} · median {s['median']} · max {s['max']} s"
                                            + ("" if label.startswith(("rg", "first")) else " (through the engine)")))
    rows.append(("cold `baogao search`", f"quoted {report['cold_quoted_ms']} ms · unquoted {report['cold_unquoted_ms']} ms (median of 5)"))
    b = report["baselines"]
    base = f"python scan p50 {b['python_scan_ms_p50']} ms ({report['quoted_vs_python_scan']}× slower than quoted search)"
    if "rg_ms_p50" in b:
        base += f" · rg -F -c p50 {b['rg_ms_p50']} ms ({report['quoted_vs_rg']}×)"
    else:
        base += " · rg not installed"
    rows.append(("baselines", base))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--home", type=Path, help="build the home here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--reuse", action="store_true", help="measure the queries on the --home built before; no ingest")
    ap.add_argument("--solr", metavar="URLS", help="also publish to this SolrCloud and measure the queries there")
    ap.add_argument("--collection", default="bench", help="the collection --solr fills (default: bench)")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"bench: no corpus at {args.corpus} (pass --corpus DIR)")
    if args.reuse and not (args.home and (args.home / "store.sqlite").exists()):
        sys.exit("bench: --reuse needs --home DIR holding a home built by an earlier run")
    keep = args.keep or bool(args.solr)  # the Solr column reads the home the run built
    report = run(args.corpus, args.scale, args.home, keep, args.reuse)
    print(table(report))
    if args.solr:
        report["solr"] = solr_column(Path(report["home"]), args.solr, args.collection)
        print()
        print(solr_table(report["solr"]))
        if not (args.keep or args.home):
            shutil.rmtree(Path(report["home"]).parent, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
