"""Finding report files and decoding them: the encoding is detected, never asked of the user."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ArchiveError

SUFFIXES = (".txt", ".md")
# Beyond this a "report" is not a report but a dump; refuse it rather than exhaust memory.
MAX_BYTES = 64 * 1024 * 1024
# A line this long is not a paragraph (a report's longest is a few thousand characters): a dump.
MAX_LINE_CHARS = 200_000

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}


def find_files(path: str | os.PathLike) -> list[Path]:
    """The report files at `path`: the file itself, or every .txt/.md below a folder (sorted,
    hidden files and folders skipped, symlink loops not followed twice)."""
    p = Path(path)
    if not p.exists():
        raise ArchiveError(p, "no such file or directory")
    if not p.is_dir():
        return [p]
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(p, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop: this folder was walked already
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                found.append(Path(root) / name)
    return sorted(found)


def read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise ArchiveError(path, "is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArchiveError(path, f"too large ({size // 2**20} MiB; the limit is {MAX_BYTES // 2**20} MiB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise ArchiveError(path, "the file disappeared before it could be read") from None
    except PermissionError:
        raise ArchiveError(path, "permission denied") from None
    except OSError as e:
        raise ArchiveError(path, f"cannot read ({e.strerror or e})") from None


def decode(data: bytes, path: Path | str = "<text>") -> str:
    """Text from bytes: BOMs first (UTF-8, UTF-16), then strict UTF-8, then GB18030 (a superset of GBK)."""
    if not data.strip():
        raise ArchiveError(path, "the file is empty" if not data else "the file holds only whitespace")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ArchiveError(path, f"not a text file (it is {what})")
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data[3:], "utf-8", path)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16", path)
    else:
        if b"\x00" in data:
            raise ArchiveError(path, "not a text file (it contains NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ArchiveError(path, "cannot decode: neither UTF-8 nor GB18030 (GBK)") from None
    if not text.strip():
        raise ArchiveError(path, "the file holds only whitespace")
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise ArchiveError(path, f"a line of {longest:,} characters: not a report's text (at most {MAX_LINE_CHARS:,} a line)")
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t\f\v\x1b")
    if controls > 0.1 * min(len(text), 4096):
        raise ArchiveError(path, "not a text file (mostly control characters)")
    return text


def _strict(data: bytes, encoding: str, path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ArchiveError(path, f"invalid {encoding} at byte {e.start}") from None


def read_text(path: str | os.PathLike) -> tuple[str, bytes]:
    """(decoded text, raw bytes) of one report file."""
    p = Path(path)
    data = read_bytes(p)
    return decode(data, p), data
