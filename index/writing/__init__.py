"""Writing the archive: every path that changes a home.

`plan` decides what an ingest does (pure), `workers` parse and segment in child processes,
`publish` holds the one transaction that makes a write visible, `ingesting` runs an ingest, and
`maintenance` the other writers (remove, rebuild, compact) and the reconciliation a writer does
first. `dictionary` is the frozen slogan dictionary the word index is built with."""
