"""archive: files → reports. Reading, cleaning, sections and metadata; pure Python."""

from .errors import ArchiveError
from .model import Paragraph, Report, Section
from .normalize import display_span, normalize, normalize_text
from .reading import find_files
from .report import parse_file, parse_text

__all__ = [
    "ArchiveError", "Paragraph", "Report", "Section", "display_span", "find_files", "normalize",
    "normalize_text", "parse_file", "parse_text",
]
