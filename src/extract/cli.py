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

from extract import config, terminal
from extract.model import DOCTYPES, META_FIELDS

DESCRIPTION = ("reviewfigs finds every figure in Chinese local-government review documents (work reports, "
               "statistical bulletins, budget reports), says what each counts, for which region and year, and "
               "whether it is a result or a target, and charts them across years and regions.")
EPILOG = """typical use:
  reviewfigs run --raw raw --out processed        extract every document of raw/catalog.csv
  reviewfigs report                               draw the report set of notebooks/reports.yml into figures/
  reviewfigs extract report.pdf --region 永康市     the figures of one document, on stdout or --out FILE
  reviewfigs check --catalog C --pages GOLD_DIR   score against hand-checked gold (exit 1 below --min-f1)
  reviewfigs show DOC_ID --page 2                 a page with every figure boxed

Run `reviewfigs COMMAND --help` for a command's options. Exit codes: 0 success, 1 something failed (a document,
a report, a score below its threshold), 2 the command could not start (bad arguments or input files)."""
OUTPUT_FORMATS = ("csv", "json", "parquet", "xlsx")

# command -> (module running it, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("extract.cli", "print every figure of one document (figures.csv columns)"),
    "check": ("extract.corpus.gold", "score extraction against hand-checked figures: precision, recall, F1 and "
              "every miss (exit 1 below --min-f1 / --min-recall)"),
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
    p.add_argument("--catalog", default=None, help="a catalog.csv that lists the file (found by its checksum); "
                   "by default the catalog beside it, one folder up, and the project's raw/catalog.csv")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default=None,
                   help="output format (default: from --out's extension, else csv)")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="write the rows to FILE (.csv with a byte-order mark for Excel, .json, .parquet, .xlsx) "
                        "instead of stdout")
    add_limit_arguments(p)


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="the document to check against --gold")
    p.add_argument("--gold", help="a per-document gold CSV (kind, surface, value, unit, qualifier, …)")
    p.add_argument("--catalog", help="a catalog.csv whose documents are checked against --key-facts")
    p.add_argument("--key-facts", dest="key_facts", help="key_facts.csv (doc, metric, stance, value, …)")
    p.add_argument("--pages", metavar="GOLD_DIR", help="page gold: a folder with CHECKED.csv and <doc>.csv per "
                   "document (with --catalog)")
    p.add_argument("--min-f1", dest="min_f1", type=float, default=config.DEFAULT_MIN_F1, metavar="F",
                   help="exit 1 when the F1 of --gold or the overall F1 of --pages is below F (default %(default)s)")
    p.add_argument("--min-recall", dest="min_recall", type=float, default=config.DEFAULT_MIN_RECALL, metavar="R",
                   help="exit 1 when the share of --key-facts found is below R (default %(default)s)")
    add_meta_arguments(p)
    add_limit_arguments(p)
    add_ocr_argument(p)


def _run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", type=Path, default=config.RAW_DIR, help="folder holding catalog.csv, the documents "
                   "and corrections.csv (default: %(default)s)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder, the only place written besides the cache (default: %(default)s)")
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="cores to use: N worker processes at a time, one document each; 0 (the default) means "
                        "every core of the machine")
    p.add_argument("--scheduler", default="", metavar="ADDRESS",
                   help="Dask scheduler (tcp://host:8786): one task per document; paths must be visible to workers")
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
    p.add_argument("--out", default=None, help="PNG to write (default: drafts/show/DOC_ID-pN.png; a document "
                   "without pages: drafts/show/DOC_ID.html)")
    p.add_argument("--processed", default=str(config.PROCESSED_DIR), help="processed tables (default processed/)")
    p.add_argument("--raw", default=str(config.RAW_DIR), help="catalog folder to find DOC_ID's file (default raw/)")
    p.add_argument("--resolution", type=int, default=config.SHOW_RESOLUTION,
                   help="pixels per inch (default %(default)s; lowered for a page too large to draw)")
    add_limit_arguments(p)
    add_ocr_argument(p)


ARGUMENTS = {"extract": _extract_arguments, "check": _check_arguments, "run": _run_arguments,
             "report": _report_arguments, "show": _show_arguments}


def _verbosity_arguments(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: given before or after the command name, neither place's default overwrites the other's value
    p.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=terminal.QUIET,
                   default=argparse.SUPPRESS, help="no progress bars or notes; results and errors only")
    p.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=terminal.VERBOSE,
                   default=argparse.SUPPRESS, help="say more about each step")


class _VersionAction(argparse.Action):
    """--version, its text found when asked (the installed distribution's metadata is looked up only then)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):  # noqa: A002
        super().__init__(option_strings, dest=dest, default=default, nargs=0,
                         help=help or "show the program's version number and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())  # on stdout, as argparse's own version action
        parser.exit()


def version_text() -> str:
    """The installed distribution's version (pyproject.toml's), the extractor version keying the cache, Python's."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("reviewfigs")
    except PackageNotFoundError:  # src/ on the path without an install
        installed = "(not installed)"
    return f"reviewfigs {installed} (extractor {config.EXTRACTOR_VERSION}, Python {sys.version.split()[0]})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewfigs", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_VersionAction)
    _verbosity_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        ARGUMENTS[name](command)
        _verbosity_arguments(command)
    return parser


def meta_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The document-describing flags the user gave (None = not given)."""
    return {name: getattr(args, name, None) for name in META_FIELDS}


# ---------------------------------------------------------------------------------------------------------
# reviewfigs extract
# ---------------------------------------------------------------------------------------------------------


def run_command(args: argparse.Namespace) -> int:
    """`reviewfigs extract FILE`: the figures of one document, as CSV or JSON on stdout, or into --out FILE; read
    in a worker process under the limits of `reviewfigs run`, its warnings one line each on stderr."""
    from extract.corpus.catalog import describe_file
    from extract.corpus.workers import Limits
    from extract.model import Figure

    path = Path(args.file)
    limits = Limits.from_arguments(args)
    fmt, problem = output_format(args.format, args.out)
    if problem:
        print(f"reviewfigs extract: {problem}", file=sys.stderr)
        return 2
    description = describe_file(path, meta_overrides(args), Path(args.catalog) if args.catalog else None)
    problems = description.problems + [p for p in [limits.problem()] if p]
    if description.meta is None or problems:
        print(f"reviewfigs extract: {path}: {'; '.join(problems)}", file=sys.stderr)
        return 2
    records = extract_limited(path, description.meta, limits)
    if records is None:
        return 1
    # where the description came from: a note when nothing described the file, else only with --verbose
    (terminal.note if description.undescribed else terminal.detail)(f"reviewfigs extract: {path}: {description.source}")
    figs = [Figure(**r) for r in records]
    try:
        write_figures(figs, fmt, Path(args.out) if args.out else None)
    except OSError as err:
        print(f"reviewfigs extract: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 2
    if args.out:
        terminal.note(f"reviewfigs extract: {len(figs)} figure(s) of {path} written to {args.out} ({fmt})")
    return 0


def output_format(given: str | None, out: str | None) -> tuple[str, str]:
    """(format, problem): --format wins; else --out's extension; else csv."""
    if given:
        return given, ""
    if not out:
        return "csv", ""
    ext = Path(out).suffix.lower().lstrip(".")
    if ext in OUTPUT_FORMATS:
        return ext, ""
    return "", (f"--out {out}: cannot tell the format from {'.' + ext if ext else 'a name without extension'} "
                f"(use .csv, .json, .parquet or .xlsx, or give --format)")


def write_figures(figs: list, fmt: str, out: Path | None) -> None:
    """The rows of ``figs`` in ``fmt`` to ``out`` (atomically), or to stdout when ``out`` is None.

    CSV written to a file starts with a byte-order mark and has formula-like cells neutralised, as the processed
    tables do (Excel then opens the Chinese correctly and runs no formula); on stdout it is plain UTF-8 for pipes."""
    import json

    from extract.figures import figures_csv, figures_frame
    from extract.safety import atomic_write_bytes, atomic_writer, neutralise_frame

    if fmt == "json":  # the rows as they are: floats in full (pandas' to_json would round them)
        text = json.dumps([f.to_dict() for f in figs], ensure_ascii=False, indent=1, allow_nan=False) + "\n"
        if out is None:
            sys.stdout.write(text)
        else:
            with atomic_writer(out, durable=False) as tmp:
                Path(tmp).write_text(text, encoding="utf-8")
        return
    if fmt == "csv":  # the csv module, not pandas: the same bytes without 0.2 s of imports
        if out is None:
            sys.stdout.write(figures_csv(figs))
        else:
            atomic_write_bytes(out, figures_csv(figs, neutralise=True).encode("utf-8-sig"))
        return
    if out is None:
        raise OSError(f"{fmt} is a binary format: give --out FILE")
    frame = figures_frame(figs)
    with atomic_writer(out, durable=False) as tmp:
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:  # openpyxl would store a text cell starting with = as a formula: neutralised like the CSV
            neutralise_frame(frame).to_excel(tmp, index=False, sheet_name="figures", engine="openpyxl")


def extract_limited(path: Path, meta, limits) -> list[dict] | None:
    """The figure records of one document read in a worker under ``limits``; each warning and a failure are one
    line on stderr naming the file, as `reviewfigs run` prints them (None: the document failed)."""
    from extract.corpus.workers import Task, run_isolated
    from extract.figures import extract_document

    # one document per process: its worker imports what it needs, no warm-up for later documents
    outcome = run_isolated(Task(str(path), meta, "extract"), extract_document, limits, warm=False)
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
    terminal.configure(getattr(args, "verbosity", terminal.NORMAL))
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
