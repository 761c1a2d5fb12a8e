"""Text from outside (report text, ids made of file names, sidecar fields) as it may be shown: its
control characters made visible, never sent raw to a terminal, a CSV cell or a citation. Without
rich, so that citations and CSV use it too (the one escaping table; render.safe is this `safe`)."""

from __future__ import annotations

# C0/C1 control characters (escape sequences above all) are shown as their symbols (␛, ␇), DEL as ␡.
_CONTROL = {c: 0x2400 + c for c in range(0x20) if c not in (0x0A,)}
_CONTROL[0x09] = 0x20
_CONTROL[0x7F] = 0x2421
_CONTROL.update({c: 0xFFFD for c in range(0x80, 0xA0)})
# Bidirectional overrides and isolates would reorder what follows them on the line (U+202E).
_CONTROL.update({c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# Bytes that were not UTF-8 (in a file name, say), kept by Python as surrogate escapes: raw, they
# cannot even be encoded for the terminal. In text one character each (highlight spans index it),
# in a field written as the byte (\xff).
_CONTROL.update({c: 0xFFFD for c in range(0xD800, 0xE000)})
# A field (an id, a title, a region, a path) stands on one line: its line breaks are shown too (␊).
_FIELD = {**_CONTROL, 0x0A: 0x240A, 0x0D: 0x240D, 0x85: 0x2424, 0x2028: 0x2424, 0x2029: 0x2424,
          **{0xDC00 + b: f"\\x{b:02x}" for b in range(0x80, 0x100)}}


def safe(text: str) -> str:
    """Report text as shown: control characters visible, line breaks kept, one character for one."""
    return text.translate(_CONTROL)


def field(text: str) -> str:
    """An id, a title, a region, a path as shown: control characters and line breaks visible, so that
    it is one line (a report whose file name holds a newline is listed on one line)."""
    return text.translate(_FIELD)
