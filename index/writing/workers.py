"""The ingest's worker processes: each parses files, prepares their sections (normalized text,
offset maps, index-mode words) and writes its own Whoosh segment, so segmentation and Whoosh's
posting work run on both cores while the parent builds the suffix arrays and the store rows.

Workers load the home's frozen dictionary into their own segmenter, ignore Ctrl-C (the parent
handles it) and end with the ingest: no worker outlives a killed ingest. They are forked by
multiprocessing's fork server (a single-threaded process spawned for the ingest, this module
preloaded), never from the ingest itself: a fork of a process whose other threads (rich's progress
bar on a terminal, a queue's feeder) hold a lock gets that lock held forever — such a child hung on
a futex before it could ask to die with its parent, and kept the home's lock (inherited with the
ingest's open files) after the ingest was killed. A worker watches the ingest (`_die_with_parent`);
once the workers are gone, the fork server and multiprocessing's resource tracker see their pipes
close and exit.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import threading
from collections import Counter
import os
import signal
from dataclasses import dataclass

from archive import ArchiveError, Report, parse_file

from . import duplicates
from .. import sectiontext
from ..local import store
from ..errors import HomeError
from ..local.segmenter import Segmenter
from archive.quoting import quoted_terms

# The sids of one report are `base + k`; a report may hold this many sections.
SIDS_PER_REPORT = 1 << 20
# Fewer jobs than this (files, or chunks of sections) on one worker run in a thread of the parent.
SMALL_BATCH_JOBS = 8
# A worker closes its Whoosh segment and starts another past this many postings: bounds its memory
# (about 60 bytes a posting) whatever the size of the batch.
POSTINGS_PER_SEGMENT = 8_000_000


@dataclass(frozen=True)
class Prepared:
    """A parsed report with what the indexes need of each section."""

    report: Report
    sids: tuple[int, ...]
    normalized: tuple[str, ...]  # per section: its normalized lines (sectiontext) joined by \n
    offsets: tuple[bytes, ...]  # per section: packed normalized→display map
    quoted: tuple[str, ...]
    sketch: bytes = b""  # MinHash sketch of the whole text, for near-duplicate detection


def prepare(report: Report, base_sid: int, quoted) -> Prepared:
    norms, offs = [], []
    for sec in report.sections:
        text, offsets = sectiontext.normalized(sectiontext.lines_of(report.title, sec.id, sec.heading,
                                                                    [p.text for p in sec.paragraphs]))
        norms.append(text)
        offs.append(store.pack_offsets(offsets))
    sids = tuple(base_sid + k for k in range(len(report.sections)))
    return Prepared(report, sids, tuple(norms), tuple(offs), tuple(sorted(quoted)), duplicates.sketch("\n".join(norms)))


def _die_with_parent() -> None:
    """In a worker: end when the ingest ends, however it ends. The worker's parent is the fork
    server, which lives on while any worker does (each holds the pipe whose closing tells the
    server its client is gone) — so the worker watches the ingest itself: multiprocessing keeps,
    in the ingest, the write end of a pipe whose read end is the worker's `parent_process().sentinel`;
    it reads as ready once the ingest is gone (at once if it was gone before the watch began).
    PR_SET_PDEATHSIG covers the fork server's death."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ingest = multiprocessing.parent_process()
    if ingest is not None and ingest.sentinel is not None:
        threading.Thread(target=_exit_when_ready, args=(ingest.sentinel,), daemon=True, name="ingest-watch").start()


def _exit_when_ready(sentinel) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(1)  # nothing of a killed ingest is published: its unlisted files are the next writer's to discard


def _worker(words, index_dir, jobs, results, in_thread: bool = False) -> None:
    if not in_thread:
        _die_with_parent()
    from pathlib import Path

    from ..local.wordindex import WordSegmentWriter, open_or_create

    segmenter = Segmenter(words)
    builder = None
    try:
        while True:
            job = jobs.get()
            if job is None:
                break
            if builder is None:
                builder = WordSegmentWriter(open_or_create(Path(index_dir)))
            kind, payload = job
            if kind == "file":
                path, base, meta = payload
                try:
                    report = parse_file(path, meta=meta)
                    text = "\n".join(p.text for s in report.sections for p in s.paragraphs)
                    prepared = prepare(report, base, quoted_terms(text))
                except ArchiveError as e:
                    results.put(("failed", (path, e.reason)))
                    continue
                except Exception as e:  # a parser bug must not lose the rest of the batch
                    results.put(("failed", (path, f"cannot parse ({type(e).__name__}: {e})")))
                    continue
                for sid, text in zip(prepared.sids, prepared.normalized):
                    builder.add(str(sid), Counter(segmenter.words_of(text, "index")))
                results.put(("prepared", prepared))
            else:  # "texts": (sid, normalized text) pairs, re-indexed from the store
                for sid, text in payload:
                    builder.add(str(sid), Counter(segmenter.words_of(text, "index")))
                results.put(("indexed", len(payload)))
            if builder.size > POSTINGS_PER_SEGMENT:
                results.put(("partial", (builder.finish(), builder.count)))
                builder = None
        count = builder.count if builder else 0
        results.put(("segment", (builder.finish() if builder else None, count)))
    except BaseException as e:  # tell the parent rather than leave it waiting
        results.put(("error", f"{type(e).__name__}: {e}"))
        if not in_thread:  # (a thread's exception would only be printed: the parent reports it)
            raise


@contextlib.contextmanager
def _ctrl_c_deferred(wanted: bool):
    """Hold a Ctrl-C (SIGINT) that arrives inside the block; raise it as KeyboardInterrupt after."""
    if not wanted or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _main_module_kept_out(wanted: bool):
    """While workers start: a worker the fork server forks runs the main script again first (as
    `__mp_main__`) when the main module names its file — a program calling `ingest` at the top of
    an unguarded script would ingest again in each worker. The workers need nothing of it, so it
    is not named to them (multiprocessing passes it only when `__main__` has a `__spec__` name or
    a `__file__`)."""
    import sys

    main = sys.modules.get("__main__")
    if not wanted or main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__spec__", "__file__") if k in main.__dict__}
    main.__spec__ = None
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def worker_context():
    """multiprocessing's fork-server context, with this module (and what it imports: the parser,
    the segmenter, Whoosh) loaded once in the server rather than in each worker."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def _start_fork_server() -> None:
    """Spawn the fork server (if it is not running) with Ctrl-C ignored: a signal ignored stays
    ignored across exec and Python then leaves it so, and the workers it forks inherit that — a
    terminal's Ctrl-C reaches the whole process group, and only the ingest is to handle it (a
    worker would print a KeyboardInterrupt traceback under the ingest's one-line message)."""
    from multiprocessing import forkserver

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


class WordWriters:
    """Two (or as many as cores) worker processes writing Whoosh segments in parallel — or, for a
    small batch (`in_thread`), one thread of this process: no fork, and the dictionary this process
    has loaded is used (a one-file ingest in 0.1 s instead of 0.25)."""

    def __init__(self, words, index_dir, procs: int | None = None, in_thread: bool = False):
        import queue

        self.procs = 1 if in_thread else max(1, min(procs or os.cpu_count() or 1, 2))
        if in_thread:
            self.jobs, self.results = queue.Queue(8), queue.Queue()
            self.workers = [threading.Thread(target=_worker, args=(tuple(words), str(index_dir), self.jobs, self.results),
                                             kwargs={"in_thread": True}, daemon=True)]
        else:
            ctx = worker_context()
            self.jobs = ctx.Queue(self.procs * 8)
            self.results = ctx.Queue()
            self.workers = [ctx.Process(target=_worker, args=(tuple(words), str(index_dir), self.jobs, self.results),
                                        daemon=True) for _ in range(self.procs)]
        self.started = []
        # A Ctrl-C while a worker is being started (the fork server forks it, then it reads its
        # arguments) would leave a child this process knows nothing of, failing once the exit has
        # removed its queues: it waits until the workers are started, then stops them all.
        try:
            with _ctrl_c_deferred(not in_thread):  # (raised as it ends: every worker started is in `started`)
                if not in_thread:
                    _start_fork_server()
                with _main_module_kept_out(not in_thread):
                    for w in self.workers:
                        w.start()
                        self.started.append(w)
        except BaseException:
            self.stop()
            raise

    def run(self, jobs, handle) -> list:
        """Feed `jobs` (from a thread: the job queue is bounded), pass every result to
        `handle(kind, payload)`, and return the Whoosh segments the workers wrote."""

        def feed():
            for job in jobs:
                self.jobs.put(job)
            for _ in self.workers:
                self.jobs.put(None)

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        segments, waiting = [], len(self.workers)
        while waiting:
            kind, payload = self._get()
            if kind in ("segment", "partial"):
                segments.append(payload)
                waiting -= kind == "segment"
            elif kind == "error":
                raise RuntimeError(f"an ingest worker failed: {payload}")
            else:
                handle(kind, payload)
        feeder.join()
        for w in self.workers:
            w.join(timeout=30)
        return segments

    def _get(self):
        import queue

        while True:
            try:
                return self.results.get(timeout=1)
            except queue.Empty:  # a worker killed outright sends nothing
                dead = [w for w in self.workers if getattr(w, "exitcode", None) not in (0, None)]
                if dead:
                    raise RuntimeError(f"an ingest worker died (exit code {dead[0].exitcode})") from None

    def stop(self) -> None:
        for w in self.started:
            if w.is_alive() and hasattr(w, "kill"):
                w.kill()
            elif w.is_alive():  # a thread ends at the next job it takes
                with contextlib.suppress(Exception):
                    self.jobs.put_nowait(None)
        for w in self.started:
            w.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_word_writers(home, words, jobs, handle, procs: int) -> list:
    """Run `jobs` in worker processes, passing each result to `handle`; each worker writes Whoosh
    segments, unpublished until a commit names them. Returns those segments."""
    from ..local import wordindex

    if not jobs:
        return []
    wordindex.open_or_create(home.words_path)
    with WordWriters(words, home.words_path, procs=procs, in_thread=procs == 1 and len(jobs) < SMALL_BATCH_JOBS) as pool:
        try:
            results = pool.run(jobs, handle)
        except RuntimeError as e:
            if "No space left" in str(e):  # a worker could not write its segment
                raise HomeError(f"the disk is full ({e}); nothing was published", "Free some space and run it again.") from None
            raise HomeError(str(e), "Run the ingest again; nothing was published.") from None
    return [seg for seg, _count in results]
