"""Issue 18: the README's performance lines come from `make bench` output (scripts/update_readme_performance.py)."""

from __future__ import annotations

import datetime
import importlib.util

import pytest

from extract.config import REPO_DIR

spec = importlib.util.spec_from_file_location("update_readme_performance",
                                              REPO_DIR / "scripts" / "update_readme_performance.py")
update = importlib.util.module_from_spec(spec)
spec.loader.exec_module(update)

OUTPUT = """issue 18 goals (2 cores, load 1.0/1.0/1.0 at the start):
GOAL extract start-up: 0.120 CPU-s (goal <= 0.15 CPU-s: ok); a generated one-page PDF; load 1.0/1.0/1.0
some other line
GOAL warm run: 2.50 s (goal <= 2 s: MISSED); 500 documents; load 1.2/1.0/1.0
"""


def test_goal_lines_replace_what_lies_between_the_markers_only():
    readme = f"# T\nbefore\n{update.START}\nold line\n{update.END}\nafter\n"
    section = update.performance_section(OUTPUT, datetime.date(2026, 12, 1))
    new = update.rewrite(readme, section)
    assert new.startswith("# T\nbefore\n") and new.endswith(f"{update.END}\nafter\n")
    assert "old line" not in new and "some other line" not in new
    assert "- extract start-up: 0.120 CPU-s (goal <= 0.15 CPU-s: ok)" in new and "2026-12-01" in new
    assert update.rewrite(new, section) == new  # rewriting again changes nothing


def test_output_without_goal_lines_or_readme_without_markers_is_refused(tmp_path):
    assert update.performance_section("no goals here\n", datetime.date.today()) == ""
    with pytest.raises(ValueError, match="markers"):
        update.rewrite("# no markers\n", "x")
    bench, readme = tmp_path / "bench.txt", tmp_path / "README.md"
    bench.write_text("nothing\n", encoding="utf-8")
    readme.write_text(f"{update.START}\n{update.END}\n", encoding="utf-8")
    assert update.main([str(bench), str(readme)]) == 1


def test_the_readme_has_the_markers():
    text = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    assert text.count(update.START) == 1 and text.count(update.END) == 1
