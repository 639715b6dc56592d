"""The command line as a newcomer meets it: --version, a complete --help, --quiet/--verbose on every command,
progress bars on long commands, `extract --out FILE` by extension, and output that does not depend on where the
file lies."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from extract import cli
from extract.config import REPO_DIR

DEMO = REPO_DIR / "raw"
PDF = DEMO / "jinhua_2024_stats-bulletin.pdf"


def reviewfigs(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def test_version_is_the_projects():
    version = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    done = reviewfigs("--version")
    assert done.returncode == 0
    assert done.stdout.startswith(f"reviewfigs {version} (extractor ")


def test_help_names_every_command_and_ends_its_sentences():
    text = cli.build_parser().format_help()
    for name in cli.SUBCOMMANDS:
        assert f"    {name}" in text
    assert "Exit codes" in text and "reviewfigs COMMAND --help" in text
    description = cli.DESCRIPTION
    assert description.endswith(".") and len(description) > 60
    for name in cli.SUBCOMMANDS:
        sub = cli.build_parser()._subparsers._group_actions[0].choices[name]
        assert sub.description.endswith("."), name


@pytest.mark.parametrize("args", [["-q", "extract", str(PDF)], ["extract", str(PDF), "--quiet"],
                                  ["--verbose", "extract", str(PDF)], ["extract", str(PDF), "-v"]])
def test_quiet_and_verbose_work_before_or_after_the_command(args):
    parsed = cli.build_parser().parse_args(args)
    assert parsed.verbosity == (0 if "-q" in args or "--quiet" in args else 2)


def test_verbose_says_where_the_description_came_from_and_quiet_says_nothing(tmp_path):
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(PDF.read_bytes() + b"\n")  # other bytes: no catalog lists it
    verbose = reviewfigs("-v", "extract", str(PDF))
    assert "described by" in verbose.stderr and "catalog.csv row" in verbose.stderr
    assert "no catalog lists this file" in reviewfigs("extract", str(copy)).stderr
    assert reviewfigs("extract", str(copy), "-q").stderr == ""


def test_extract_output_does_not_depend_on_where_the_file_lies(tmp_path):
    here = reviewfigs("extract", str(PDF))
    elsewhere = tmp_path / "somewhere" / "renamed.pdf"
    elsewhere.parent.mkdir()
    shutil.copy(PDF, elsewhere)
    there = reviewfigs("extract", str(elsewhere), cwd=tmp_path)
    assert here.returncode == there.returncode == 0
    assert here.stdout == there.stdout
    rows = pd.read_csv(pd.io.common.StringIO(there.stdout))
    assert set(rows["region"]) == {"金华市"} and rows["year"].notna().all()
    assert set(rows["file"]) == {PDF.name}  # the catalog's file, as `reviewfigs run` writes it


def test_extract_catalog_option_names_the_catalog_to_use(tmp_path):
    shutil.copy(PDF, tmp_path / "x.pdf")
    done = reviewfigs("extract", str(tmp_path / "x.pdf"), "--catalog", str(DEMO / "catalog.csv"))
    assert done.returncode == 0 and "jinhua_2024_stats-bulletin" in done.stdout
    other = tmp_path / "other.pdf"
    other.write_bytes(PDF.read_bytes() + b"\n")
    refused = reviewfigs("extract", str(other), "--catalog", str(DEMO / "catalog.csv"))
    assert refused.returncode == 2 and "lists no file with this path or these bytes" in refused.stderr


def test_extract_out_writes_csv_json_parquet_and_xlsx_by_extension(tmp_path):
    printed = pd.read_csv(pd.io.common.StringIO(reviewfigs("extract", str(PDF)).stdout), dtype={"adcode": str})
    for ext in ("csv", "json", "parquet", "xlsx"):
        out = tmp_path / f"figures.{ext}"
        done = reviewfigs("extract", str(PDF), "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert done.stdout == ""
        assert f"written to {out} ({ext})" in done.stderr
        if ext == "csv":
            assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese right
            table = pd.read_csv(out, encoding="utf-8-sig", dtype={"adcode": str})
        elif ext == "json":
            table = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
        elif ext == "parquet":
            table = pd.read_parquet(out)
        else:
            assert out.read_bytes()[:2] == b"PK"
            table = pd.read_excel(out, dtype={"adcode": str})
        assert list(table["text"]) == list(printed["text"]), ext
        assert list(table["value"]) == list(printed["value"]), ext
        assert list(table["adcode"].astype(str)) == list(printed["adcode"]), ext
    assert not reviewfigs("extract", str(PDF)).stdout.startswith("\ufeff")  # stdout stays plain for pipes


def test_extract_out_refuses_an_unknown_extension_and_binary_formats_on_stdout(tmp_path):
    done = reviewfigs("extract", str(PDF), "--out", str(tmp_path / "figures.txt"))
    assert done.returncode == 2 and "cannot tell the format from .txt" in done.stderr
    assert not (tmp_path / "figures.txt").exists()
    assert reviewfigs("extract", str(PDF), "--format", "parquet").returncode == 2


def test_xlsx_cells_that_look_like_formulas_are_text(tmp_path):
    from extract.model import Figure

    out = tmp_path / "f.xlsx"
    cli.write_figures([Figure(text="=HYPERLINK(\"http://x\")", value=1.0, unit="元", sentence="=1+1")], "xlsx", out)
    table = pd.read_excel(out)
    assert table.loc[0, "text"].startswith("'=") and table.loc[0, "sentence"] == "'=1+1"


def test_jobs_zero_means_every_core():
    from extract.corpus.run import RunOptions, _check_options
    from extract.corpus.workers import available_cores

    assert cli.build_parser().parse_args(["run", "-j", "0"]).jobs == 0
    assert "0 (the default) means every core" in " ".join(reviewfigs("run", "--help").stdout.split())
    assert _check_options(RunOptions(raw=DEMO, jobs=0)) == ""  # accepted; the pool then takes available_cores()
    assert available_cores() >= 1


# ---------------------------------------------------------------- progress bars


def one_document_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(PDF, folder / PDF.name)
    row = next(line for line in (DEMO / "catalog.csv").read_text(encoding="utf-8").splitlines()
               if line.startswith("jinhua_2024_stats-bulletin,"))
    header = (DEMO / "catalog.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "catalog.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    return folder


def test_check_catalog_shows_a_progress_bar(tmp_path):
    raw = one_document_catalog(tmp_path)
    facts = tmp_path / "key_facts.csv"
    facts.write_text("doc,metric,stance,value,unit,qualifier,year,surface\n"
                     "jinhua_2024_stats-bulletin,gdp,actual,601127000000.0,元,exact,2023,6011.27亿元\n",
                     encoding="utf-8")
    args = ("check", "--catalog", str(raw / "catalog.csv"), "--key-facts", str(facts))
    shown = reviewfigs(*args, env={"REVIEWFIGS_PROGRESS": "1"})
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "checking" in shown.stderr and "1/1" in shown.stderr and "100%" in shown.stderr
    assert "checking" not in reviewfigs(*args, "--quiet", env={"REVIEWFIGS_PROGRESS": "1"}).stderr
    assert "checking" not in reviewfigs(*args).stderr  # stderr is a pipe, not a terminal: no bar in logs


def test_run_shows_a_progress_bar_on_a_terminal(tmp_path):
    raw = one_document_catalog(tmp_path)
    command = [sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(tmp_path / "out")]
    env = {k: v for k, v in os.environ.items() if k != "REVIEWFIGS_PROGRESS"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        os.execvpe(command[0], command, env)
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _pid, status = os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "extracting" in text and "1/1" in text


# ---------------------------------------------------------------- make


def make_dry_run(*args: str, env: dict | None = None) -> str:
    done = subprocess.run(["make", "-n", *args], capture_output=True, text=True, timeout=60, cwd=REPO_DIR,
                          env={**{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
                               **(env or {})})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_lab_opens_working_copies_and_suits_a_root_user_without_a_display():
    lines = make_dry_run("lab").splitlines()
    lab = next(line for line in lines if "jupyter lab" in line)
    assert "drafts/notebooks" in lab and "--no-browser" in lab
    assert ("--allow-root" in lab) == (os.geteuid() == 0)
    assert any("cp $nb drafts/$nb" in line and "test -e" in line for line in lines)  # never overwrites a copy
    assert "--no-browser" not in next(line for line in make_dry_run("lab", env={"DISPLAY": ":0"}).splitlines()
                                      if "jupyter lab" in line)


def test_make_figures_gives_another_corpus_its_own_folders():
    other = make_dry_run("figures", "RAW=../shared/corpus")
    assert "--out processed/shared-corpus" in other and "--figures figures/shared-corpus" in other
    demo = make_dry_run("figures")
    assert "--out processed " in demo + " " and "--figures figures " in demo
