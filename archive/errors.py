"""Errors raised while turning files into reports."""


class ArchiveError(Exception):
    """A file could not be read or parsed; the message names the file and the reason."""

    exit_code = 1  # the command did not do what was asked of it
    hint = ""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
