"""Ingest, re-ingest, edit, remove, crashes at each step of the commit, and the dictionary."""

import multiprocessing
import os
import shutil
import subprocess
import sys

import pytest

from index import Home, check, compact, ingest, rebuild, remove, search
from tests.conftest import CORPUS, ROOT, SEED, SEEDS, needs_corpus


def counts(home):
    con = home.con
    return tuple(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("reports", "sections", "paragraphs"))


def keys(res):
    return {(h.report, h.section_id) for h in res.hits}


def test_reingest_changes_nothing(seeded_home):
    before = counts(seeded_home)
    hits = keys(search(seeded_home, "一主六双", limit=None))
    result = ingest(seeded_home, [SEEDS])
    assert sorted(result.unchanged) == sorted(SEED.values()) and not result.added and not result.updated
    assert counts(seeded_home) == before
    assert keys(search(seeded_home, "一主六双", limit=None)) == hits
    assert check(seeded_home).ok


@pytest.fixture()
def copied(tmp_path):
    """A home filled from a private copy of the seeds (so the test may edit and delete files)."""
    folder = tmp_path / "src"
    shutil.copytree(SEEDS, folder)
    home = Home(tmp_path / "home")
    ingest(home, [folder])
    yield home, folder
    home.close()


def test_editing_one_file_replaces_only_its_sections(copied):
    home, folder = copied
    sql = "SELECT r.id, group_concat(s.sid) FROM reports r JOIN sections s USING (rid) GROUP BY r.id"
    before = dict(home.con.execute(sql).fetchall())
    target = folder / f"{SEED['003']}.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("柠 檬酸", "苹果酸"), encoding="utf-8")
    result = ingest(home, [folder])
    assert result.updated == (SEED["003"],) and len(result.unchanged) == 4
    after = dict(home.con.execute(sql).fetchall())
    for rid in SEED.values():
        assert (after[rid] == before[rid]) == (rid != SEED["003"])
    assert search(home, '"苹果酸"', limit=None).total == 1
    assert search(home, '"吉林协联柠檬酸项目"', limit=None).total == 0
    assert check(home).ok


def test_remove_and_sync(copied):
    home, folder = copied
    assert remove(home, [SEED["000"]]) == [SEED["000"]]
    assert search(home, "九解一协调", limit=None).total == 0
    assert check(home).ok
    (folder / f"{SEED['002']}.txt").unlink()
    result = ingest(home, [folder])  # without --sync a vanished file keeps its report
    assert result.removed == ()
    result = ingest(home, [folder], sync=True)
    assert result.removed == (SEED["002"],)
    assert home.con.execute("SELECT COUNT(*) FROM reports WHERE id = ?", (SEED["002"],)).fetchone()[0] == 0
    assert search(home, '"一图读懂"', limit=None).total == 0
    assert check(home).ok


NEWS = "冰雪经济报告\n\n一、冰雪经济\n\n观赏雾凇冰灯，办好雾凇冰灯节。雾凇冰灯带动消费。\n"


def test_a_long_lived_reader_follows_each_publish(seeded_home, tmp_path):
    """A LocalBackend kept open (the terminal UI's) answers from what the last writer published: a
    report ingested after its first searches is found by the next, and gone after its removal."""
    from index import LocalBackend

    reader = LocalBackend(Home(seeded_home.path))
    try:
        assert reader.search("人参", limit=None).total  # every index opened on the first state
        assert reader.search("雾凇冰灯", exact=True, limit=None).total == 0
        assert reader.search("雾凇冰灯", limit=None).total == 0
        assert not reader.kwic("雾凇冰灯").lines and reader.trend(["雾凇冰灯"]).terms[0].total == 0
        folder = tmp_path / "news"
        folder.mkdir()
        (folder / "冰雪经济_2025.txt").write_text(NEWS, encoding="utf-8")
        assert ingest(seeded_home, [folder]).added == ("冰雪经济_2025",)  # another Home: another writer

        exact = reader.search("雾凇冰灯", exact=True, limit=None)
        assert (exact.total, exact.occurrences) == (1, 3) and exact.hits[0].report == "冰雪经济_2025"
        assert [h.report for h in reader.search("雾凇冰灯", limit=None).hits] == ["冰雪经济_2025"]
        assert len(reader.kwic("雾凇冰灯").lines) == 3 and reader.trend(["雾凇冰灯"]).terms[0].total == 3
        assert "冰雪经济_2025" in {r.id for r in reader.reports()}

        remove(seeded_home, ["冰雪经济_2025"])
        assert reader.search("雾凇冰灯", exact=True, limit=None).total == 0
        assert reader.search("人参", limit=None).total
    finally:
        reader.home.close()


def test_same_stem_from_another_path_is_refused(seeded_home, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / f"{SEED['000']}.txt").write_text("另一个报告\n\n完全不同的内容，足够长的一段正文。\n", encoding="utf-8")
    result = ingest(seeded_home, [other])
    assert result.failed and "belongs to" in result.failed[0]["error"]
    assert search(seeded_home, "九解一协调", limit=None).total > 0


def test_compact_and_rebuild_keep_every_answer(copied):
    home, folder = copied
    for i in range(3):  # several ingests → several segments
        f = folder / f"{SEED['001']}.txt"
        f.write_text(f.read_text(encoding="utf-8") + f"\n\n追加段落第{i}次，用于测试分段合并。\n", encoding="utf-8")
        ingest(home, [folder])
    before = keys(search(home, "高质量发展", limit=None))
    segs_before, segs_after = compact(home)
    assert segs_before >= 2 and segs_after == 1
    assert keys(search(home, "高质量发展", limit=None)) == before
    shutil.rmtree(folder)  # rebuild needs only the store
    stats = rebuild(home)
    assert stats["reports"] == 5
    assert keys(search(home, "高质量发展", limit=None)) == before
    assert search(home, '"追加段落第2次"', limit=None).total == 1
    assert check(home).ok


@pytest.mark.slow
@pytest.mark.parametrize("step", ["segments", "whoosh", "publish"])
def test_crash_at_each_step_leaves_the_previous_state(seeded_home, tmp_path, step):
    folder = tmp_path / "src"
    folder.mkdir()
    f = folder / "新报告_2024.txt"
    f.write_text("新的报告\n\n今年推进“九解一协调”改革，成效显著，全文共三句话。\n", encoding="utf-8")
    before = counts(seeded_home)
    hits = keys(search(seeded_home, "九解一协调", limit=None))
    seeded_home.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import sys; from tests import faults; faults.install(sys.argv[1]); from index import Home, ingest;"
            " ingest(Home(sys.argv[2]), [sys.argv[3]])")
    proc = subprocess.run([sys.executable, "-c", code, step, str(seeded_home.path), str(folder)], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    home = Home(seeded_home.path)
    assert counts(home) == before  # the store never published the half-done ingest
    assert keys(search(home, "九解一协调", limit=None)) == hits  # readers see the last published state
    result = ingest(home, [folder])  # the next writer reconciles, and the re-run completes
    assert result.added == ("新报告_2024",)
    assert check(home).ok, check(home).problems
    assert len(keys(search(home, "九解一协调", limit=None))) == len(hits) + 1
    home.close()


def _tokens_in_fresh_process(path):
    from index import Home

    return Home(path).segmenter.words_of("全市在线受理企业九解一协调方面")


def test_dictionary_word_is_one_token_also_in_a_spawn_worker(shared_home):
    assert "九解一协调" in shared_home.segmenter.words_of("全市在线受理企业九解一协调方面")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        words = pool.apply(_tokens_in_fresh_process, (str(shared_home.path),))
    assert "九解一协调" in words


def test_dictionary_is_frozen_with_its_hash(shared_home):
    from index.local.segmenter import dictionary_hash

    words = [r[0] for r in shared_home.con.execute("SELECT word FROM dictionary")]
    assert "一主六双" in words
    assert dictionary_hash(words) == shared_home.meta("dictionary_hash")


def test_quoted_terms_in_two_reports_join_the_dictionary(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for i in range(2):
        (folder / f"r{i}.txt").write_text(f"报告{i}\n\n我们推进“三抓三促”行动，取得明显成效，第{i}篇。\n", encoding="utf-8")
    (folder / "r2.txt").write_text("报告2\n\n只出现一次的“独一份词”没有资格。\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    ingest(home, [folder])
    words = {r[0] for r in home.con.execute("SELECT word FROM dictionary")}
    assert "三抓三促" in words and "独一份词" not in words
    home.close()


def test_archive_package_imports_no_whoosh_click_or_rich():
    code = ("import sys; import archive; archive.parse_file(sys.argv[1]);"
            "print(sorted(m for m in ('whoosh', 'click', 'rich', 'rjieba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(SEEDS / f"{SEED['000']}.txt")],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_segment_builder_writes_what_whooshs_own_writer_writes(seed_reports, tmp_path):
    """Our fast segment writer uses Whoosh internals: this pins that its postings and BM25 scores
    equal those of Whoosh's own SegmentWriter (an upgrade that changes them fails here)."""
    from collections import Counter

    from whoosh.writing import SegmentWriter

    from index.local import wordindex
    from index.local.segmenter import Segmenter
    from index.writing.workers import prepare

    seg = Segmenter(["九解一协调"])
    docs = []
    for i, r in enumerate(seed_reports.values()):
        p = prepare(r, 1000 * i, set())
        docs += [(str(sid), Counter(seg.words_of(t, "index"))) for sid, t in zip(p.sids, p.normalized)]
    ours = wordindex.open_or_create(tmp_path / "ours")
    b = wordindex.WordSegmentWriter(ours)
    for key, counts in docs:
        b.add(key, counts)
    wordindex.commit_segments(ours, [], [b.finish()], len(docs))
    theirs = wordindex.open_or_create(tmp_path / "theirs")
    w = SegmentWriter(theirs, _lk=False)
    for key, counts in docs:
        w.add_document(key=key, words=counts)
    wordindex.commit_segments(theirs, [], [w._finalize_segment()], len(docs))
    s1, s2 = wordindex.open_searcher(ours), wordindex.open_searcher(theirs)
    vocabulary = {w for _, c in docs for w in c}
    assert len(vocabulary) > 1000
    for word in sorted(vocabulary)[::7]:
        assert whoosh_scores(s1, [word]) == whoosh_scores(s2, [word]), word
    assert whoosh_scores(s1, ["高质量", "发展"]) == whoosh_scores(s2, ["高质量", "发展"])


def whoosh_scores(searcher, words) -> dict[int, float]:
    """section id → BM25 by Whoosh's own matchers, one posting at a time: the reference."""
    from whoosh import query as wq

    q = wq.And([wq.Term("words", w) for w in words]) if len(words) > 1 else wq.Term("words", words[0])
    matcher = q.matcher(searcher, searcher.context())
    keys = searcher.reader().column_reader("key")
    out = {}
    while matcher.is_active():
        out[int(keys[matcher.id()])] = matcher.score()
        matcher.next()
    return out


def test_numpy_bm25_equals_whooshs_matchers(copied):
    """WordScorer reads postings, lengths and keys from Whoosh's files with numpy: its sections
    and scores must be Whoosh's, across segments, with deleted documents, for single words,
    several words and a repeated word."""
    import numpy as np

    from index.local import wordindex

    home, folder = copied
    remove(home, [SEED["002"]])  # deletions in the segment that held it
    ingest(home, [folder / f"{SEED['002']}.txt"])  # and a second segment
    home.refresh()
    searcher = home.searcher
    assert len(searcher.reader().leaf_readers()) >= 2 and any(r.has_deletions() for r, _ in searcher.reader().leaf_readers())
    keys = searcher.reader().column_reader("key")
    sid_columns = np.concatenate([leaf[1] for leaf in home.word_scorer.leaves])
    assert sid_columns.tolist() == [int(k) for k in keys]
    # Each segment's ids are saved beside it at commit, and go when it goes.
    leaves = searcher.reader().leaf_readers()
    saved = sorted(p.name for p in home.words_path.glob("*.sids.npy"))
    assert saved == sorted(wordindex.sid_file_name(leaf) for leaf, _ in leaves)
    for leaf, _ in leaves:
        decoded = wordindex._decode_sid_column(leaf, leaf.doc_count_all())
        assert np.load(home.words_path / wordindex.sid_file_name(leaf)).tolist() == decoded.tolist()
    vocabulary = sorted({w for t in ("吉林市 高质量发展 营商环境 九解一协调 人参产业 新质生产力 乡村振兴 全面推进",)
                         for w in home.segmenter.words_of(t)} | {"发展", "建设", "的", "2024"})
    queries = [[w] for w in vocabulary] + [["高质量", "发展"], ["发展", "发展"], ["营商", "环境", "建设"], ["没有的词"]]
    for words in queries:
        sids, scores = home.word_scorer.score(words)
        expected = whoosh_scores(searcher, words)
        assert sids.tolist() == sorted(expected), words
        assert np.allclose(scores, [expected[s] for s in sids.tolist()], rtol=1e-12), words


@needs_corpus()
def test_numpy_bm25_on_postings_of_many_blocks(tmp_path):
    """Words in thousands of sections: postings of many blocks (128 postings a block)."""
    import numpy as np

    home = Home(tmp_path / "home")
    ingest(home, sorted((CORPUS / "lawtext-gov").glob("国务院_*.txt")))
    for words in (["发展"], ["建设"], ["生态", "文明", "建设"], ["科技", "创新"], ["人民公社"]):
        sids, scores = home.word_scorer.score(words)
        expected = whoosh_scores(home.searcher, words)
        assert sids.tolist() == sorted(expected), words
        assert np.allclose(scores, [expected[s] for s in sids.tolist()], rtol=1e-12), words
    assert len(home.word_scorer.score(["发展"])[0]) > 4 * 128
    home.close()


@pytest.mark.slow
def test_small_segments_merge_in_tiers_when_they_pile_up(tmp_path):
    from index.writing.ingesting import MAX_SEGMENTS

    home = Home(tmp_path / "home")
    ingest(home, [SEEDS])
    folder = tmp_path / "src"
    folder.mkdir()
    for i in range(MAX_SEGMENTS + 2):  # one ingest, one small segment each
        (folder / f"r{i:02d}.txt").write_text(f"报告{i}\n\n第{i}份报告提到“一主六双”和编号{i:03d}。\n", encoding="utf-8")
        ingest(home, [folder])
        assert len(home.substring.names) <= MAX_SEGMENTS
    found = {h.report for h in search(home, '"一主六双"', limit=None).hits}
    assert {f"r{i:02d}" for i in range(MAX_SEGMENTS + 2)} <= found
    assert check(home).ok, check(home).problems
    home.close()


@pytest.mark.slow
def test_workers_roll_their_whoosh_segments_to_bound_memory(tmp_path, monkeypatch):
    import index.writing.workers

    monkeypatch.setattr(index.writing.workers, "POSTINGS_PER_SEGMENT", 300)  # forked workers see it
    home = Home(tmp_path / "home")
    ingest(home, [SEEDS])
    assert len(home.words._segments()) >= 3  # five seeds, 300 postings a segment
    assert search(home, "九解一协调", limit=None).total > 0
    assert check(home).ok, check(home).problems
    home.close()


def test_a_folder_ingest_skips_what_is_no_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED['000']}.txt", folder / "report.txt")
    (folder / "README.md").write_text("# 说明\n\n这是一个说明文件。\n", encoding="utf-8")
    (folder / "SOURCES.md").write_text("# Sources\n\n- https://example.org/a list of sources\n", encoding="utf-8")
    (folder / "english.txt").write_text("An English-only page with no Chinese text at all.\n", encoding="utf-8")
    home = Home(tmp_path / "home")
    result = ingest(home, [folder])
    assert result.added == ("report",)
    assert sorted((os.path.basename(s["path"]), s["reason"]) for s in result.skipped) == [
        ("README.md", "not a report"), ("SOURCES.md", "not a report"), ("english.txt", "no Chinese text")]
    named = ingest(home, [folder / "README.md"])  # a file named explicitly goes in all the same
    assert named.added == ("README",) and named.skipped == ()
