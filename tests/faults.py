"""Fault injection for the crash tests, installed by the test's own process bootstrap — production
code only calls `writing.publish.step_done(step)`, which does nothing unless a hook is installed.

    python -m tests.faults STEP baogao-args...     # the CLI, killed when STEP is done

STEP is `segments`, `whoosh` or `reindex` (SIGKILL there) or `publish` (an exception inside the
publishing transaction, which then rolls back as a crash would)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class InjectedCrash(BaseException):
    """Raised inside the publishing transaction, so it rolls back as a crash would."""


def install(step: str) -> None:
    from index.writing import publish

    def hook(done: str) -> None:
        if done == step:
            if step == "publish":
                raise InjectedCrash(step)
            os.kill(os.getpid(), signal.SIGKILL)

    publish.fault_hook = hook


def command(step: str, *args: str) -> list[str]:
    """argv of a baogao CLI run that dies at `step`."""
    return [sys.executable, "-m", "tests.faults", step, *args]


if __name__ == "__main__":
    install(sys.argv[1])
    from cli.main import main

    main(sys.argv[2:])
