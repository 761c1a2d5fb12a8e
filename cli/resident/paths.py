"""Where an engine's socket and log live: `$XDG_RUNTIME_DIR/baogao/`, or `/tmp/baogao-<uid>/` where
that is unset (root, CI), made with mode 0700 and checked before use — owned by this user, open to
no one else. A socket is named by a hash of the home's resolved path (a socket path holds at most
107 bytes; a home's may be longer). Standard library only: the thin client imports this."""

from __future__ import annotations

import os
import stat


class Refused(Exception):
    """The runtime folder is not this user's own: the engine is not used (said on one line)."""


def runtime_dir() -> str:
    base = os.environ.get("XDG_RUNTIME_DIR")
    return os.path.join(base, "baogao") if base else f"/tmp/baogao-{os.getuid()}"


def checked_dir(make: bool = True) -> str:
    """The runtime folder, made if missing (0700); Refused if it is another user's or open to others."""
    folder = runtime_dir()
    if make:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError as e:
            raise Refused(f"cannot make {folder} ({e.strerror})") from None
    try:
        st = os.lstat(folder)
    except OSError as e:
        raise Refused(f"{folder} is not there ({e.strerror})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise Refused(f"{folder} is not a folder")
    if st.st_uid != os.getuid():
        raise Refused(f"{folder} belongs to uid {st.st_uid}, not {os.getuid()}")
    if st.st_mode & 0o077:
        raise Refused(f"{folder} is open to other users (mode {stat.S_IMODE(st.st_mode):o})")
    return folder


def key(home: str) -> str:
    try:
        from _sha256 import sha256  # the C module alone: hashlib would cost the client 3 ms
    except ImportError:  # pragma: no cover
        from hashlib import sha256
    return sha256(home.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def default_home() -> str:
    """The user's data folder, as platformdirs names it (cli.app.default_home): on Linux read here
    ($XDG_DATA_HOME, else ~/.local/share), since importing platformdirs costs the client 25 ms."""
    import sys

    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return os.path.join(base, "baogao")
    import platformdirs

    return platformdirs.user_data_dir("baogao", appauthor=False)


def socket_path(home: str, make: bool = True) -> str:
    return os.path.join(checked_dir(make), key(home) + ".sock")


def log_path(home: str) -> str:
    return os.path.join(checked_dir(), key(home) + ".log")
