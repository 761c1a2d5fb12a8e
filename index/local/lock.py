"""The writers' lock: one writer at a time on a home.

An flock on the home folder itself (a lock on a file could be bypassed by deleting the file), with
the writer's name and pid in `LOCK` for the busy message. The kernel drops the lock when its
process dies, so a killed writer's lock is simply taken over."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from ..errors import BusyError

NOTE = "LOCK"


@contextlib.contextmanager
def held(folder: Path, what: str, wait: bool = False):
    """Hold the lock of `folder` for the length of the block; `BusyError` naming the holder if
    another writer has it (unless `wait`)."""
    fd = os.open(folder, os.O_RDONLY)
    note = os.open(folder / NOTE, os.O_RDWR | os.O_CREAT, 0o644)
    taken = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(note, 64, 0).decode(errors="replace").strip() or "another baogao"
            raise BusyError(f"archive is busy ({holder})") from None
        taken = True
        os.ftruncate(note, 0)
        os.pwrite(note, f"{what} by pid {os.getpid()}".encode(), 0)
        yield
    finally:
        if taken:  # a refused writer leaves the holder's name in place
            with contextlib.suppress(OSError):
                os.ftruncate(note, 0)
        os.close(note)
        os.close(fd)  # releases the flock
