"""The resident engine (issue 40): one process per user and home that keeps the archive open and warm,
and a thin client in front of every read command. The client (`client.py`, the `baogao` entry point)
imports only the standard library: it hands the command line, the working directory, the environment
and its own stdin/stdout/stderr (as file descriptors, over a Unix socket) to the engine (`server.py`),
which forks a child per command; the child answers on those descriptors — so a terminal is a terminal
(width, colour, pager) and a pipe a pipe — and sends back its exit code. Anything wrong with the engine
costs no answer: the client answers in-process, as every command did before. `paths.py` says where the
socket lives and checks that the folder is the user's own."""
