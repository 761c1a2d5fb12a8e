"""Rendering with rich, by command family — each module's public functions are what the CLI's commands
and the app (cli.ui) both print:

- `reading`: search, show, list, sections (and the app's hit list, preview and reader lines);
- `checking`: verify (one quote, a batch);
- `counting`: trend, trend --first, kwic;
- `findings`: new, targets;
- `upkeep`: ingest, publish, check, rebuild, remove, compact;
- `layout` and `lines`: what they share (cell widths, wrapping, the console; the citation, URL and
  variants lines).

Text from outside enters only through cli.shown.Shown; files (CSV, JSON, XLSX) are cli.export's."""
