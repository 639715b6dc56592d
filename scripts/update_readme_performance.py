"""Rewrite the README's performance lines from a `make bench` output: the GOAL lines between the markers
``<!-- bench-goals:start -->`` and ``<!-- bench-goals:end -->`` (issue 18), nothing else.

    .venv/bin/python benchmarks/bench.py --goals | tee build/bench-goals.txt
    .venv/bin/python scripts/update_readme_performance.py build/bench-goals.txt [README.md]

(`make bench-readme` does both.) Exit 1 when the output holds no GOAL line or the README has no markers.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

START, END = "<!-- bench-goals:start -->", "<!-- bench-goals:end -->"
PREFIX = "GOAL "


def performance_section(bench_output: str, today: datetime.date) -> str:
    """The markdown between the markers: one bullet per GOAL line, as measured."""
    goals = [line[len(PREFIX):].strip() for line in bench_output.splitlines() if line.startswith(PREFIX)]
    if not goals:
        return ""
    head = (f"Measured by `make bench-readme` on {today.isoformat()} (`benchmarks/bench.py --goals`; ratios per "
            "CPU-second, measured side by side in one run):")
    return "\n".join([head, "", *(f"- {g}" for g in goals)])


def rewrite(readme: str, section: str) -> str:
    before, found, rest = readme.partition(START)
    middle, found_end, after = rest.partition(END)
    if not (found and found_end):
        raise ValueError(f"the README has no {START} … {END} markers")
    return f"{before}{START}\n{section}\n{END}{after}"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    output = Path(argv[0]).read_text(encoding="utf-8")
    readme_path = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "README.md"
    section = performance_section(output, datetime.date.today())
    if not section:
        print(f"{argv[0]}: no {PREFIX.strip()} lines (was it a `bench.py --goals` output?)", file=sys.stderr)
        return 1
    try:
        text = rewrite(readme_path.read_text(encoding="utf-8"), section)
    except ValueError as exc:
        print(f"{readme_path}: {exc}", file=sys.stderr)
        return 1
    readme_path.write_text(text, encoding="utf-8")
    print(f"{readme_path}: performance section rewritten ({section.count(chr(10) + '- ')} goal lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
