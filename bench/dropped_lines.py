"""How many printed lines cleaning drops as repeats over a corpus, by rule and by kind.

    python bench/dropped_lines.py [CORPUS] [--show N]

Prints, for the rule in force (archive.cleaning.drop_repeats) and for the former rule (any body line of
20+ characters seen anywhere earlier in the report), the lines dropped and the files they were dropped
from, and what the rule in force drops by kind. Reads files only (no home, no index)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.cleaning import drop_repeats, printed_blocks  # noqa: E402
from archive.reading import decode, find_files, read_bytes  # noqa: E402


def former_rule(blocks):
    """The rule before issue 30: any body line of 20+ characters printed anywhere earlier."""
    seen, dropped = set(), []
    for b in blocks:
        if b.kind == "body" and not b.md_level and len(b.text) >= 20:
            if b.text in seen:
                dropped.append(b)
                continue
            seen.add(b.text)
    return dropped


def main(argv: list[str]) -> None:
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 0
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--show")]
    corpus = Path(args[0] if args else Path(__file__).resolve().parent.parent.parent / "shared" / "corpus")
    before = after = files_before = files_after = 0
    kinds: Counter[str] = Counter()
    lost: list[tuple[str, str]] = []
    for path in find_files(corpus):
        try:
            text = decode(read_bytes(path), path)
        except Exception:  # noqa: BLE001 - a file that cannot be read drops nothing
            continue
        _, blocks = printed_blocks(text)
        old = former_rule(blocks)
        _, new = drop_repeats(blocks)
        before += len(old)
        after += len(new)
        files_before += bool(old)
        files_after += bool(new)
        for why, _ in new:
            kinds[why] += 1
        new_lines = {b.line for _, b in new}
        lost += [(path.name, b.text) for b in old if b.line not in new_lines]
    print(f"former rule: {before} lines dropped in {files_before} files")
    print(f"rule in force: {after} lines dropped in {files_after} files")
    for kind, n in kinds.most_common():
        print(f"  {kind}: {n}")
    print(f"kept now, dropped before: {len(lost)}")
    for name, text in lost[:show]:
        print(f"  {name}: {text[:60]}")


if __name__ == "__main__":
    main(sys.argv[1:])
