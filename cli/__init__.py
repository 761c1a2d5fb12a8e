"""cli: the `baogao` command — click commands, rich rendering, JSON output. The only package that
imports click or rich."""
