"""The `reviewfigs` command: every subcommand's arguments, here and nowhere else.

Each command is run by one function (``run_command(args) -> exit code``) of the module that owns it, imported
only when that command runs, so that `reviewfigs extract` does not pay for pandas' chart stack or Dask.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from extract import config
from extract.model import DOCTYPES, META_FIELDS

# command -> (module running it, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("extract.cli", "print every figure of one document (figures.csv columns)"),
    "check": ("extract.corpus.gold", "precision, recall and every miss against hand-checked figures"),
    "run": ("extract.corpus.run", "extract every catalogued document into the processed tables"),
    "report": ("extract.charts.report", "run the parameterised notebooks (papermill) into figures/"),
    "show": ("extract.charts.show", "draw a page with every figure boxed"),
}


def add_meta_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default=None, help="region as published (永康市; short names such as 永康 work)")
    parser.add_argument("--adcode", default=None, help="6-digit code, for a region name shared by several places")
    parser.add_argument("--admin-level", dest="admin_level", default=None, help="nation | province | city | county")
    parser.add_argument("--published", default=None, help="year delivered or published (2021)")
    parser.add_argument("--covers", default=None, help="year or span reviewed (2025, 2017-2021)")
    parser.add_argument("--doctype", default=None, help=" | ".join(DOCTYPES))
    parser.add_argument("--doc-id", dest="doc_id", default=None, help="doc_id for the rows (default: file name)")


def add_ocr_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-ocr", dest="no_ocr", action="store_true",
                        help="do not OCR pages without a text layer (they are reported instead)")


def add_limit_arguments(p: argparse.ArgumentParser) -> None:
    """The limits on reading one document: the same flags and defaults for every command that reads one."""
    p.add_argument("--timeout", type=float, default=config.DEFAULT_TIMEOUT, metavar="S",
                   help="wall-time limit per document in seconds (default: %(default)s)")
    p.add_argument("--max-pages", type=int, default=config.DEFAULT_MAX_PAGES, metavar="N",
                   help="page limit per document (default: %(default)s)")
    p.add_argument("--memory-mb", type=int, default=config.DEFAULT_MEMORY_MB, metavar="M",
                   help="memory a worker may use for one document, in MB (default: %(default)s)")


def _extract_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the document to read")
    add_meta_arguments(p)
    add_ocr_argument(p)
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    add_limit_arguments(p)


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="the document to check against --gold")
    p.add_argument("--gold", help="a per-document gold CSV (kind, surface, value, unit, qualifier, …)")
    p.add_argument("--catalog", help="a catalog.csv whose documents are checked against --key-facts")
    p.add_argument("--key-facts", dest="key_facts", help="key_facts.csv (doc, metric, stance, value, …)")
    p.add_argument("--pages", metavar="GOLD_DIR", help="page gold: a folder with CHECKED.csv and <doc>.csv per "
                   "document (with --catalog)")
    add_meta_arguments(p)
    add_limit_arguments(p)
    add_ocr_argument(p)


def _run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", type=Path, default=config.RAW_DIR, help="folder holding catalog.csv, the documents "
                   "and corrections.csv (default: %(default)s)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder, the only place written besides the cache (default: %(default)s)")
    p.add_argument("-j", "--jobs", type=int, default=0,
                   help="cores to use: worker processes at a time, the run's own preparation counting as one "
                        "while it lasts (default: all cores)")
    p.add_argument("--scheduler", default="", metavar="ADDRESS",
                   help="Dask scheduler (tcp://host:8786): one task per document; paths must be visible to workers")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--strict", action="store_true", help="warnings (duplicates, stale corrections) are failures")
    add_limit_arguments(p)
    p.add_argument("--allow-outside", action="store_true",
                   help="accept catalog paths outside the catalog's folder (absolute, '..', links)")
    p.add_argument("--cache", type=Path, default=None, metavar="DIR", help="cache folder (default: OUT/.cache)")
    p.add_argument("--wait", action="store_true", help="wait for another run on --out instead of refusing")
    add_ocr_argument(p)


def _report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=str(config.NOTEBOOKS_DIR / "reports.yml"),
                   help="the report set (default notebooks/reports.yml)")
    p.add_argument("--processed", default=str(config.PROCESSED_DIR), help="processed tables (default processed/)")
    p.add_argument("--figures", default=str(config.FIGURES_DIR), help="where charts and notebooks go (default figures/)")
    p.add_argument("--raw", default=None,
                   help="catalog folder of the documents, for notebooks that draw pages (default raw/)")
    p.add_argument("--force", action="store_true", help="run every report even if its inputs are unchanged")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this report (repeatable)")
    p.add_argument("--kernel", default=None, help=f"Jupyter kernel (default {config.KERNEL_NAME}, else python3)")
    add_limit_arguments(p)  # per notebook: its kernel's time and memory, and the documents it reads


def _show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="DOC_ID|FILE", help="a doc_id of the processed tables or a document file")
    p.add_argument("--page", type=int, default=None, help="1-based page (default: the page with most figures)")
    p.add_argument("--out", default=None, help="PNG to write (default: figures/show/DOC_ID-pN.png)")
    p.add_argument("--processed", default=str(config.PROCESSED_DIR), help="processed tables (default processed/)")
    p.add_argument("--raw", default=str(config.RAW_DIR), help="catalog folder to find DOC_ID's file (default raw/)")
    p.add_argument("--resolution", type=int, default=config.SHOW_RESOLUTION,
                   help="pixels per inch (default %(default)s; lowered for a page too large to draw)")
    add_limit_arguments(p)
    add_ocr_argument(p)


ARGUMENTS = {"extract": _extract_arguments, "check": _check_arguments, "run": _run_arguments,
             "report": _report_arguments, "show": _show_arguments}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewfigs", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        ARGUMENTS[name](sub.add_parser(name, help=help_text, description=help_text))
    return parser


def meta_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The document-describing flags the user gave (None = not given)."""
    return {name: getattr(args, name, None) for name in META_FIELDS}


# ---------------------------------------------------------------------------------------------------------
# reviewfigs extract
# ---------------------------------------------------------------------------------------------------------


def run_command(args: argparse.Namespace) -> int:
    """`reviewfigs extract FILE`: the figures of one document, as CSV or JSON on stdout; read in a worker
    process under the limits of `reviewfigs run`, its warnings one line each on stderr."""
    import json

    from extract.corpus.catalog import meta_for_file
    from extract.corpus.workers import Limits
    from extract.figures import figures_frame
    from extract.model import Figure

    path = Path(args.file)
    limits = Limits.from_arguments(args)
    meta, problems = meta_for_file(path, meta_overrides(args))
    problems = problems + [p for p in [limits.problem()] if p]
    if meta is None or problems:
        print(f"reviewfigs extract: {path}: {'; '.join(problems)}", file=sys.stderr)
        return 2
    records = extract_limited(path, meta, limits)
    if records is None:
        return 1
    if args.format == "json":  # the rows as they are: floats in full (pandas' to_json would round them)
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        figures_frame([Figure(**r) for r in records]).to_csv(sys.stdout, index=False)
    return 0


def extract_limited(path: Path, meta, limits) -> list[dict] | None:
    """The figure records of one document read in a worker under ``limits``; each warning and a failure are one
    line on stderr naming the file, as `reviewfigs run` prints them (None: the document failed)."""
    from extract.corpus.workers import Task, run_isolated
    from extract.figures import extract_document

    outcome = run_isolated(Task(str(path), meta, "extract"), extract_document, limits)
    for warning in outcome.warnings:
        print(f"reviewfigs: {path}: warning: {warning}", file=sys.stderr)
    if not outcome.ok:
        print(f"reviewfigs: {path}: {outcome.error}", file=sys.stderr)
        return None
    return outcome.figures


# ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(SUBCOMMANDS[args.command][0])
    try:
        return int(module.run_command(args) or 0)
    except KeyboardInterrupt:
        print("reviewfigs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def console() -> None:
    """The `reviewfigs` executable. A reader that went away (`reviewfigs extract x.pdf | head`) ends the output
    quietly, as the Python docs recommend: stdout is pointed at /dev/null before the interpreter flushes it."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = code or 0
    raise SystemExit(code)
