"""What every command shares: the consoles, the home (opened on demand) and its backend, and the
exit code the command's results have earned so far."""

from __future__ import annotations

from pathlib import Path

import click


RESIDENT: dict = {}  # resolved home path → its Home, opened and warm (a resident engine's child, cli.resident)


def default_home() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("baogao", appauthor=False))


def history_file(*archive: str) -> Path:
    """Where the app keeps the queries typed against `archive` (a home's resolved path, or a SolrCloud's
    nodes and collection): the user's state folder, one file per archive by a hash of its name — never
    inside the archive, which may be read-only or shared."""
    import hashlib

    import platformdirs

    digest = hashlib.sha256()
    for part in archive:  # a key, never shown
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    name = digest.hexdigest()[:16]
    return Path(platformdirs.user_state_dir("baogao", appauthor=False)) / "history" / name


def seeds_folder() -> Path:
    """The bundled sample pages (inside the installed package, or beside it in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return here / "seeds"


def pager_shows_colours(environ) -> bool:
    """Whether the pager pydoc will run (MANPAGER, PAGER, else less) shows colours: less with -R
    (`LESS=FRX` is set when LESS is unset, as git does). Else the text goes plain — never raw
    escape codes."""
    import os
    import shlex

    try:
        words = shlex.split(environ.get("MANPAGER") or environ.get("PAGER") or "less") or ["less"]
    except ValueError:
        return False
    if os.path.basename(words[0]) != "less":
        return False
    environ.setdefault("LESS", "FRX")
    flags = environ["LESS"] + " " + " ".join(words[1:])
    return "R" in flags or "r" in flags


class App:
    """The console, the stderr console, the home (opened on demand), and the exit code the
    command's results have earned so far (kept if stdout is closed under it)."""

    def __init__(self, home: str | None, solr: str | None = None, collection: str = "baogao"):
        self.home_path = Path(home) if home else default_home()
        self.solr, self.collection = solr, collection  # read from a SolrCloud collection when solr is set
        self._console = self._err = None
        self._home = None
        self._backend = None
        self.earned = 0

    # rich is imported when something is printed: a search's first moments (segment_ahead) need only click.
    @property
    def console(self):
        if self._console is None:
            from .render.layout import PipeConsole

            import sys

            # Piped or redirected output is not wrapped (issue 31): a paragraph is one line, so a quote
            # copies whole; a terminal still wraps to its width.
            self._console = PipeConsole(markup=False, highlight=False, emoji=False, soft_wrap=not sys.stdout.isatty())
        return self._console

    @console.setter
    def console(self, console) -> None:
        self._console = console

    @property
    def err(self):
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, markup=False, highlight=False, emoji=False)
        return self._err

    def home(self, reading: bool = True):
        """The home. A read command on a home that does not exist yet fills it with the bundled sample
        pages (and says how to drop them); a writer never adds them."""
        from index import Home

        if self._home is None and RESIDENT:
            self._home = RESIDENT.get(str(self.home_path.resolve()))
        if self._home is None:
            if self.home_path.exists() and not self.home_path.is_dir():
                raise click.BadParameter(f"{self.home_path} is a file, not a folder (it is created if missing)",
                                         param_hint="--home")
            home = Home(self.home_path)
            if reading and not home.read_only:
                home.open(samples=True)  # a new home is made here, recording that its samples are due
            if reading and not home.read_only and home.samples_due:
                seeds = seeds_folder()
                from .shown import Shown

                self.err.print(Shown(f"baogao: new archive at {home.path} with the {len(list(seeds.glob('*.txt')))} bundled "
                                     "sample pages; `baogao ingest PATH` adds your reports, `baogao remove --samples` drops "
                                     "these."), soft_wrap=True)
                from index import ingest

                # Another first read racing this one waits for the lock, then finds them in (or, if
                # that one was killed, adds them): every first read answers from the same archive.
                ingest(home, [seeds], wait=True)
            self._home = home
        return self._home

    def page(self, paint, enabled: bool = True) -> None:
        """Run `paint` (which prints on the console); what it prints goes through the user's pager
        when it is taller than the terminal (measured after wrapping, so a few long paragraphs count
        as the lines they take)."""
        import os

        from .shown import from_ansi

        console = self.console
        if not (enabled and console.is_terminal):
            paint()
            return
        with console.capture() as captured:
            paint()
        out = captured.get()
        if out.count("\n") < console.height:
            console.file.write(out)
            console.file.flush()
            return
        colours = pager_shows_colours(os.environ)
        if not colours:  # painted again without colour, so matches get their visible marks (〖…〗)
            console.no_color, was = True, console.no_color
            try:
                with console.capture() as captured:
                    paint()
            finally:
                console.no_color = was
            out = captured.get()
        with console.pager(styles=colours):
            console.print(from_ansi(out), end="", soft_wrap=True)

    def backend(self):
        """What the read commands ask (index.backend): the local home, or the SolrCloud collection
        --solr / BAOGAO_SOLR names."""
        from index import LocalBackend

        if self._backend is None:
            if self.solr:
                from index import SolrBackend
                from index.solr.client import nodes_of

                self._backend = SolrBackend(nodes_of(self.solr), self.collection)
            else:
                self._backend = LocalBackend(self.home())
        return self._backend

    def citations(self):
        """The one citation builder (cli.citation) over this command's backend, its reports read once."""
        from .citation import Citations

        if getattr(self, "_citations", None) is None:
            self._citations = Citations(self.backend())
        return self._citations
