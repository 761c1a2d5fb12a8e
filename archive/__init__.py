"""archive: files → reports. Reading, cleaning, sections and metadata; pure Python.

Names are imported on first use (PEP 562): a query that only normalizes text does not compile the
cleaning rules."""

import importlib

_EXPORTS = {
    "ArchiveError": "errors",
    "Paragraph": "model", "Report": "model", "Section": "model",
    "display_span": "normalization", "loose": "normalization",
    "normalize": "normalization", "normalize_text": "normalization",
    "simplified": "normalization", "strip_marks": "normalization",
    "find_files": "reading",
    "parse_file": "report", "parse_text": "report", "reading_key": "report",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
