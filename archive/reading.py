"""Finding report files and decoding them: the encoding is detected, never asked of the user."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import ArchiveError
from .charclasses import is_ideograph

SUFFIXES = (".txt", ".md")
# Beyond this a "report" is not a report but a dump; refuse it rather than exhaust memory.
MAX_BYTES = 64 * 1024 * 1024
# A line this long is not a paragraph (a report's longest is a few thousand characters): a dump.
MAX_LINE_CHARS = 200_000

_PATH_MAX = os.pathconf("/", "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}


def find_files(path: str | os.PathLike, unreadable: list | None = None) -> list[Path]:
    """The report files at `path`: the file itself, or every .txt/.md below a folder (sorted,
    hidden files and folders skipped, symlink loops not followed twice). A sub-folder that cannot be
    read (permissions, a path too long) is added to `unreadable` as an ArchiveError, never skipped
    in silence."""
    p = Path(path)
    if not p.exists():
        raise ArchiveError(p, "no such file or directory")
    if not p.is_dir():
        return [p]
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def failed(e: OSError) -> None:
        if unreadable is not None:
            unreadable.append(ArchiveError(e.filename or p, f"folder not read ({e.strerror or e})"))

    for root, dirs, files in os.walk(p, followlinks=True, onerror=failed):
        try:
            st = os.stat(root)
        except OSError as e:
            failed(e)
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop: this folder was walked already
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                if len(os.fsencode(os.path.join(root, name))) >= _PATH_MAX:
                    failed(OSError(36, "File name too long", os.path.join(root, name)))
                    continue
                found.append(Path(root) / name)
    return sorted(found)


# What a path shows escaped when a line names it: C0 and C1 controls, DEL, bidi overrides and
# isolates, and the line and paragraph separators.
_CONTROL_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# What a file name must not hold to become a report id: a line break (what str.splitlines splits on)
# would split every line that names the report — `list`, hits, a script reading them line by line.
# Other control characters go in: the one escaping builder shows them (cli.shown, cli.visible).
_BREAK_IN_NAME = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _not_utf8(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)  # how the file system encoding keeps such bytes


def printable_path(path: str | os.PathLike) -> str:
    """`path` as one printable line: a part of it that is not UTF-8 with each of its non-ASCII bytes
    as \\xNN (some of a GBK name's bytes would pass for other UTF-8 characters), control characters
    as \\n, \\t, \\xNN or \\uNNNN; any other path unchanged."""
    parts = []
    for part in os.fspath(path).split("/"):
        if _not_utf8(part):
            part = "".join(chr(b) if b < 0x80 else f"\\x{b:02x}" for b in os.fsencode(part))
        parts.append(_CONTROL_IN_NAME.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), part))
    return "/".join(parts)


def name_problem(path: str | os.PathLike) -> str | None:
    """Why a file cannot become a report under its name (its id is its stem, and its path is
    stored and printed), or None: a name that is not UTF-8, or that holds a line break."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        part = next(p for p in reversed(text.split("/")) if _not_utf8(p))  # the last part that is not UTF-8
        guess = ""
        try:
            guess = f" (as GBK: {os.fsencode(part).decode('gb18030')})"
        except UnicodeDecodeError:
            pass
        where = "file name" if part == os.path.basename(text) else "name of its folder"
        return f"the {where} is not UTF-8{guess}; rename it (convmv -f gbk -t utf-8) and ingest it again"
    line_break = _BREAK_IN_NAME.search(text)
    if line_break:
        where = "file name" if _BREAK_IN_NAME.search(os.path.basename(text)) else "name of its folder"
        shown = line_break.group().encode("unicode_escape").decode("ascii")
        return f"the {where} holds a line break ({shown}); rename it and ingest it again"
    return None


_NOT_REGULAR = ((stat.S_ISDIR, "is a directory, not a file"), (stat.S_ISFIFO, "is a pipe (FIFO), not a file"),
                (stat.S_ISCHR, "is a device, not a file"), (stat.S_ISBLK, "is a device, not a file"),
                (stat.S_ISSOCK, "is a socket, not a file"))


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file, at most MAX_BYTES of them. Opened without blocking and checked
    on the open descriptor: a FIFO never hangs the read, a link to /dev/zero never fills memory."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except IsADirectoryError:
        raise ArchiveError(path, "is a directory, not a file") from None
    except FileNotFoundError:
        raise ArchiveError(path, "the file disappeared before it could be read") from None
    except PermissionError:
        raise ArchiveError(path, "permission denied") from None
    except OSError as e:
        raise ArchiveError(path, f"cannot read ({e.strerror or e})") from None
    try:
        mode = os.fstat(fd).st_mode
        for test, reason in _NOT_REGULAR:
            if test(mode):
                raise ArchiveError(path, reason)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ArchiveError(path, f"too large (over {MAX_BYTES // 2**20} MiB, the limit)")
        return data
    except OSError as e:
        raise ArchiveError(path, f"cannot read ({e.strerror or e})") from None
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was read: `replaced` undecodable bytes became U+FFFD (in a file
    that is UTF-8 but for them), `legacy_lines` lines of a UTF-8 file were read as GB18030."""

    text: str
    replaced: int = 0
    legacy_lines: int = 0

    @property
    def note(self) -> str | None:
        """What an ingest says of a file not read cleanly (None when it was)."""
        parts = []
        if self.legacy_lines:
            parts.append(f"{self.legacy_lines} line{'s' * (self.legacy_lines != 1)} as GB18030")
        if self.replaced:
            parts.append(f"{self.replaced} undecodable byte{'s' * (self.replaced != 1)} replaced")
        return "read with " + " and ".join(parts) if parts else None


def decode(data: bytes, path: Path | str = "<text>") -> str:
    """The text of `data` (see read_text)."""
    return read_text(data, path).text


def read_text(data: bytes, path: Path | str = "<text>") -> Decoded:
    """Text from bytes: BOMs first (UTF-8, UTF-16), then UTF-16 without a BOM (told by its NUL
    bytes), then UTF-8 — but for a few undecodable bytes, replaced, and lines in GB18030, read as
    such — then GB18030 (a superset of GBK) or Big5, whichever reads as Chinese."""
    if not data.strip():
        raise ArchiveError(path, "the file is empty" if not data else "the file holds only whitespace")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise ArchiveError(path, f"not a text file (it is {what})")
    if data.startswith(b"\xef\xbb\xbf"):
        decoded = _mostly_utf8(data[3:], path)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        decoded = Decoded(_strict(data, "utf-16", path))
    elif b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if not encoding:
            raise ArchiveError(path, "not a text file (it contains NUL bytes)")
        decoded = Decoded(_strict(data, encoding, path))
    else:
        decoded = _mostly_utf8(data, path)
    text = decoded.text
    if not text.strip():
        raise ArchiveError(path, "the file holds only whitespace")
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        raise ArchiveError(path, f"a line of {longest:,} characters: not a report's text (at most {MAX_LINE_CHARS:,} a line)")
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t\f\v\x1b")
    if controls > 0.1 * min(len(text), 4096):
        raise ArchiveError(path, "not a text file (mostly control characters)")
    return decoded


# UTF-16 text without a BOM: its ASCII puts a NUL byte beside every character — on the odd side in
# little-endian, the even one in big-endian; a line break is the pair (0A, 00) or (00, 0A). CJK
# characters hold NULs too (一 is U+4E00), on the other side, so the line breaks' side decides; a
# file of one line is UTF-16 when (nearly) all its NULs are on one side, in the byte order that
# reads as text. A binary file's NULs fall on both sides, and what it decodes to is no text
# (PLAUSIBLE_SHARE).
UTF16_STRAY_NUL_SHARE = 0.01
UTF16_SAMPLE_BYTES = 1 << 16
PLAUSIBLE_SHARE = 0.9


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes say so, else None."""
    if len(data) % 2:
        return None
    head = data[:UTF16_SAMPLE_BYTES]  # enough to tell; the whole file is then decoded strictly
    low, high = head[0::2], head[1::2]
    le_breaks = sum(1 for lo, hi in zip(low, high) if hi == 0 and lo in (0x0A, 0x0D))
    be_breaks = sum(1 for lo, hi in zip(low, high) if lo == 0 and hi in (0x0A, 0x0D))
    if le_breaks and be_breaks:
        return None
    if le_breaks or be_breaks:
        candidates = ["utf-16-le" if le_breaks else "utf-16-be"]
    else:
        even, odd = low.count(0), high.count(0)
        if min(even, odd) > UTF16_STRAY_NUL_SHARE * max(even, odd):
            return None
        candidates = ["utf-16-le", "utf-16-be"]
    best, best_share = None, PLAUSIBLE_SHARE
    for encoding in candidates:
        try:
            share = _plausible_share(head.decode(encoding))
        except UnicodeDecodeError:
            continue
        if share >= best_share:
            best, best_share = encoding, share
    return best


def _plausible_share(text: str) -> float:
    """The share of `text` that prose is made of: ASCII, ideographs, CJK and general punctuation."""
    sample = text[:20000]
    ok = sum(1 for c in sample if c < "\x80" or is_ideograph(c) or "\u2000" <= c <= "\u206f"
             or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return ok / len(sample) if sample else 0.0


# A file that is UTF-8 but for a few bytes (a stray byte, its last character cut in half) is read with
# them replaced; past this many (or past 1 byte in 20 of the file) it is no
# UTF-8 text but a file in another encoding, or no text at all. Measured: no file of the corpus
# (3,281) has any.
MAX_UNDECODABLE = 16
MAX_UNDECODABLE_SHARE = 0.05
# A line of a UTF-8 file is read as GB18030 when this share of its non-ASCII bytes is undecodable
# as UTF-8 (a stray byte is one of many; a GB18030 line fails nearly everywhere) and it is GB18030.
LEGACY_LINE_SHARE = 0.3


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _undecodable(line: bytes) -> int:
    """How many bytes of `line` are not UTF-8 (each becomes one lone surrogate: one pass)."""
    return len(_ESCAPED_BYTE.findall(line.decode("utf-8", "surrogateescape")))


def _mostly_utf8(data: bytes, path) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")  # 0x0A is never part of a multi-byte character, in UTF-8 or GB18030
    decoded: list[str | None] = [_utf8(ln) for ln in lines]
    bad = [i for i, text in enumerate(decoded) if text is None]
    utf8 = sum(1 for ln, text in zip(lines, decoded) if text is not None and not ln.isascii())
    if utf8 <= len(bad):  # mostly not UTF-8: a file in a legacy encoding…
        try:
            return Decoded(_legacy(data, path))
        except ArchiveError:
            if not utf8:
                raise
            # …unless it is none: a short file, half its lines UTF-8 and the rest but for a byte
    replaced = legacy = 0
    for i in bad:
        line = lines[i]
        undecodable = _undecodable(line)
        non_ascii = len(line.translate(None, _ASCII))
        gb = _gb18030(line) if undecodable >= LEGACY_LINE_SHARE * non_ascii else None
        if gb is not None:
            decoded[i] = gb
            legacy += 1
        else:
            decoded[i] = line.decode("utf-8", "replace")
            replaced += undecodable
        if replaced > MAX_UNDECODABLE or replaced > MAX_UNDECODABLE_SHARE * len(data):
            raise ArchiveError(path, f"cannot decode: too many bytes are not UTF-8 (up to {MAX_UNDECODABLE}, and 1 in"
                                     f" {round(1 / MAX_UNDECODABLE_SHARE)}, are replaced) and it is neither GB18030 (GBK) nor Big5")
    return Decoded("\n".join(decoded), replaced, legacy)


_ASCII = bytes(range(0x80))


def _utf8(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _gb18030(line: bytes) -> str | None:
    try:
        text = line.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if any(is_ideograph(c) for c in text) else None


# The most frequent characters of Chinese prose, in both scripts: read in the right encoding they
# are about a third of a text's characters; bytes read in the wrong one give a few in a hundred.
_FREQUENT = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
    "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道"
    "此变条只没结解问意建月公无系军情者最立代想已通并提直题党程展五果象员革位入常文总次品式活设及管特件长求"
    "這為個國來們時對會發動過說產種後從點業實現兩體製機當應開還與關間樣數經總統進書長頭資邊見計別區農強際術"
    "電熱領導門層帶報變義無條問題黨員設")


def _frequent_share(text: str) -> float:
    cjk = [c for c in text[:20000] if is_ideograph(c)]
    return sum(c in _FREQUENT for c in cjk) / len(cjk) if cjk else 0.0


def _legacy(data: bytes, path) -> str:
    """Not UTF-8: GB18030 (a superset of GBK), or Big5 for a report in traditional characters.
    Big5 bytes also decode as GB18030, into nonsense; the encoding whose text reads like Chinese
    (its share of the most frequent characters) wins."""
    decoded = {}
    for encoding in ("gb18030", "cp950"):
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            pass
    if not decoded:
        raise ArchiveError(path, "cannot decode: neither UTF-8, GB18030 (GBK) nor Big5")
    return max(decoded.values(), key=_frequent_share)


def _strict(data: bytes, encoding: str, path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ArchiveError(path, f"invalid {encoding} at byte {e.start}") from None
