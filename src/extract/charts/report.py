"""`reviewfigs report`: run the parameterised notebooks of notebooks/reports.yml with papermill.

Each report is a notebook + parameters + an output name. Executed notebooks are saved under
figures/notebooks/NAME.ipynb and their charts under figures/. A report whose inputs (the processed tables,
the notebook, its parameters and the chart code) have not changed since its last successful run, and whose
outputs are all still there as it wrote them, is skipped unless --force: a deleted chart, or one a hand run
overwrote, is drawn again. A failing report prints one line naming the notebook, its parameters and the failing
cell's error; the other reports still run and the command exits 1.

The notebooks in notebooks/ are templates. A scheduled run never takes what JupyterLab saved into them: when
the notebook is tracked by git, its ``parameters`` cell is the committed one (the file itself is not touched),
and its outputs are dropped before papermill runs it. Hand work belongs in working copies (``make lab`` opens
drafts/notebooks/).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from extract import config, terminal
from extract.charts.params import ParameterError, check_parameter_names, declared_parameters, to_json
from extract.corpus.workers import Limits, run_limited
from extract.fingerprint import code_fingerprint

NAME_RE = re.compile(r"[A-Za-z0-9][\w.\-]*")
# The tables the notebooks read (extract.charts.processed): part of every report's input key, with the code.
PROCESSED_FILES = ("metrics.parquet", "figures.parquet")
CONFIG_BYTES_LIMIT = 1 << 20  # a report set is a few KB; a larger reports.yml is not one


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases (*name): ten nested aliases expand a 1 KB file into 10^9 nodes
    ("billion laughs"), and a report set never needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
        return super().compose_node(parent, index)


class ConfigError(ValueError):
    """reports.yml cannot be used; str(err) is one line naming the file and the reason."""


@dataclass
class Report:
    name: str
    notebook: Path
    parameters: dict


@dataclass
class Outcome:
    name: str
    status: str  # "ran" | "skipped" | "failed"
    message: str
    seconds: float = 0.0


def run_command(args: argparse.Namespace) -> int:
    try:
        reports = load_config(Path(args.config))
    except ConfigError as err:
        print(f"reviewfigs report: {err}", file=sys.stderr)
        return 2
    unknown = [n for n in args.only if n not in {r.name for r in reports}]
    if unknown:
        print(f"reviewfigs report: {args.config}: no report named {', '.join(unknown)}", file=sys.stderr)
        return 2
    limits = Limits.from_arguments(args)
    if limits.problem():
        print(f"reviewfigs report: {limits.problem()}", file=sys.stderr)
        return 2
    processed = Path(args.processed).resolve()
    if not (processed / "metrics.parquet").is_file():
        print(f"reviewfigs report: {processed}: no metrics.parquet (run `reviewfigs run --out {args.processed}` first)",
              file=sys.stderr)
        return 2
    figures = Path(args.figures).resolve()
    kernel = args.kernel or pick_kernel()
    outcomes = []
    for report in reports:
        if args.only and report.name not in args.only:
            continue
        terminal.detail(f"report {report.name}: {report.notebook} {to_json(report.parameters)}")
        outcome = run_report(report, processed, figures, kernel, force=args.force,
                             raw=Path(args.raw).resolve() if args.raw else None, limits=limits)
        if outcome.status == "failed":
            print(outcome.message, file=sys.stderr, flush=True)
        elif not terminal.quiet():
            print(outcome.message, flush=True)
        outcomes.append(outcome)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ran", "skipped", "failed")}
    print(f"reviewfigs report: {len(outcomes)} report(s): {counts['ran']} ran, {counts['skipped']} unchanged "
          f"(skipped), {counts['failed']} failed; outputs in {figures}")
    return 1 if counts["failed"] else 0


# --- configuration ----------------------------------------------------------------------------------
def load_config(path: Path) -> list[Report]:
    """Read and check reports.yml: every report has a unique name, a notebook beside the config, and a
    mapping of plain parameters."""
    if not path.is_file():
        raise ConfigError(f"{path}: not found")
    if path.stat().st_size > CONFIG_BYTES_LIMIT:
        raise ConfigError(f"{path}: over {CONFIG_BYTES_LIMIT >> 20} MB: not a report set")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoAliasLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    entries = data.get("reports") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: expected a list under `reports:`")
    folder = path.parent.resolve()
    reports: list[Report] = []
    for i, entry in enumerate(entries, start=1):
        where = f"{path}: report {i}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected name, notebook and parameters")
        name = str(entry.get("name", ""))
        if not NAME_RE.fullmatch(name):
            raise ConfigError(f"{where}: name {name!r} must be letters, digits, '.', '_' or '-'")
        if name in {r.name for r in reports}:
            raise ConfigError(f"{where}: duplicate name {name!r}")
        notebook = (folder / str(entry.get("notebook", ""))).resolve()
        if not notebook.is_relative_to(folder) or notebook.suffix != ".ipynb":
            raise ConfigError(f"{where} ({name}): notebook must be an .ipynb inside {folder}")
        if not notebook.is_file():
            raise ConfigError(f"{where} ({name}): notebook {entry.get('notebook')} not found")
        parameters = entry.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise ConfigError(f"{where} ({name}): parameters must be a mapping")
        reports.append(Report(name, notebook, parameters))
    return reports


def pick_kernel() -> str:
    """The project's kernel when registered, else the default python3 kernel."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except Exception:  # no Jupyter installation to ask: papermill will report it
        return config.KERNEL_NAME
    return config.KERNEL_NAME if config.KERNEL_NAME in specs else "python3"


# --- running ----------------------------------------------------------------------------------------
def inputs_key(report: Report, processed: Path, parameters: dict, source: bytes | None = None) -> str:
    """Checksum of everything a report's output depends on (``source``: the notebook as it is run)."""
    digest = hashlib.sha256()
    digest.update(report.notebook.read_bytes() if source is None else source)
    digest.update(to_json(parameters).encode())
    for name in PROCESSED_FILES:
        path = processed / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"<missing>"))
    digest.update(code_fingerprint("extract.charts", widen=False).encode())
    return digest.hexdigest()


def run_report(report: Report, processed: Path, figures: Path, kernel: str, force: bool = False,
               raw: Path | None = None, limits: Limits | None = None) -> Outcome:
    """Run one report (or skip it when unchanged); never raises for a failing notebook. The notebook runs in a
    worker under ``limits`` (its kernel inherits the memory limit, and reads documents under the same ones)."""
    limits = limits or Limits()
    parameters = {**report.parameters, "processed": str(processed), "figures": str(figures)}
    if raw is not None and "raw" in _declared(report.notebook) and "raw" not in report.parameters:
        parameters["raw"] = str(raw)
    shown = to_json(report.parameters)
    where = f"report {report.name} ({report.notebook.name} {shown})"
    out_dir = figures / "notebooks"
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / f"{report.name}.ipynb"
    stamp = out_dir / f".{report.name}.inputs"
    failed_copy = out_dir / f"{report.name}.failed.ipynb"
    try:
        book, restored = scheduled_notebook(report.notebook)
    except Exception as exc:  # not a notebook nbformat can read: one line, the other reports go on
        return Outcome(report.name, "failed", f"{where} failed: {type(exc).__name__}: {first_line(str(exc))}")
    source = nbformat.writes(book).encode()
    key = inputs_key(report, processed, parameters, source)
    previous = read_stamp(stamp)
    if not force and output.is_file() and previous.get("key") == key and outputs_intact(figures, previous):
        return Outcome(report.name, "skipped", f"{where}: unchanged, skipped (use --force to rerun)")
    if restored:
        terminal.note(f"{where}: {report.notebook.name} has uncommitted edits to its parameters cell "
                      "(JupyterLab?); this run uses the committed parameters cell")
    try:
        check_parameter_names(report.notebook, parameters)
    except ParameterError as err:
        return Outcome(report.name, "failed", f"{where} failed: {err}")
    stamp.unlink(missing_ok=True)
    tmp = out_dir / f".{report.name}.running.ipynb"
    before = snapshot(figures)
    started = time.monotonic()
    job = run_limited(lambda: _execute(report, book, tmp, parameters, kernel, limits), limits)
    seconds = time.monotonic() - started
    result = job.value if job.ok else ("error", "", job.error)
    if result[0] == "cell":
        tmp.replace(failed_copy) if tmp.exists() else None
        _kind, exec_count, ename, evalue = result
        return Outcome(report.name, "failed", f"{where} failed in cell {exec_count}: {ename}: {first_line(evalue)} "
                       f"(notebook: {failed_copy})", seconds)
    if result[0] == "error":  # kernel missing, notebook unreadable, a limit: still one line, others go on
        tmp.unlink(missing_ok=True)
        _kind, name, message = result
        return Outcome(report.name, "failed", f"{where} failed: {name + ': ' if name else ''}{first_line(message)}",
                       seconds)
    tmp.replace(output)
    failed_copy.unlink(missing_ok=True)
    written = changed_files(figures, before)
    removed = remove_stale(figures, previous.get("outputs", []), written)
    stamp.write_text(json.dumps({"key": key, "outputs": written, "checksums": checksums(figures, written)},
                                ensure_ascii=False, indent=1) + "\n")
    stale = f"; removed {removed} stale file(s) of its last run" if removed else ""
    return Outcome(report.name, "ran", f"{where}: ok in {seconds:.1f} s -> {output}{stale}", seconds)


def read_stamp(path: Path) -> dict:
    """The last successful run of a report: its input key and the files it wrote ({} when unknown)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def checksums(folder: Path, names: list[str]) -> dict[str, str]:
    """relative path -> sha256 of each output a report wrote."""
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names
            if (folder / name).is_file()}


def outputs_intact(folder: Path, stamp: dict) -> bool:
    """Every output of the report's last run is still there with the bytes it wrote: a chart that was deleted,
    or overwritten by a hand run, makes the report run again."""
    recorded = stamp.get("checksums")
    if not isinstance(recorded, dict) or set(recorded) != set(stamp.get("outputs", [])):
        return False  # a stamp of an older version: no way to tell, so draw again
    return checksums(folder, list(recorded)) == recorded


# --- the notebook as a scheduled run takes it ----------------------------------------------------------
def scheduled_notebook(path: Path) -> tuple[nbformat.NotebookNode, bool]:
    """The notebook a scheduled run executes, and whether its parameters cell was restored: outputs and
    execution counts dropped (they are JupyterLab's, not the template's) and, when git tracks the file, the
    ``parameters`` cell replaced by the committed one, so edits saved from JupyterLab never reach a run."""
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    committed = committed_parameters_source(path)
    mine = _parameters_cell(book)
    restored = committed is not None and mine is not None and mine.source != committed
    if restored:
        mine.source = committed
    return book, restored


def _parameters_cell(book) -> nbformat.NotebookNode | None:
    return next((c for c in book.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])),
                None)


def committed_parameters_source(path: Path) -> str | None:
    """The source of the ``parameters`` cell of ``path`` as committed (git HEAD), or None when git does not
    track the file (a copy, an unpacked archive, no git)."""
    import subprocess

    folder = path.resolve().parent
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=30)
        if top.returncode != 0:
            return None
        relative = path.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
        shown = subprocess.run(["git", "-C", str(folder), "show", f"HEAD:{relative}"], capture_output=True,
                               timeout=30)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    if shown.returncode != 0:
        return None
    try:
        cell = _parameters_cell(nbformat.reads(shown.stdout.decode("utf-8"), as_version=4))
    except Exception:  # a committed file that is not a notebook: nothing to restore from
        return None
    return None if cell is None else cell.source


def snapshot(folder: Path) -> dict[str, int]:
    """relative path -> modification time of every chart file under ``folder`` (notebooks excluded)."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != "notebooks"}


def changed_files(folder: Path, before: dict[str, int]) -> list[str]:
    return sorted(name for name, mtime in snapshot(folder).items() if before.get(name) != mtime)


def remove_stale(folder: Path, previous: list[str], written: list[str]) -> int:
    """Delete the files a report wrote last time but not this time (a chart of a metric that is gone),
    so figures/ never shows charts of old data. Only plain paths inside ``folder`` are touched."""
    removed = 0
    root = folder.resolve()
    for name in set(previous) - set(written):
        path = (folder / name).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
            removed += 1
    return removed


def _execute(report: Report, book, output: Path, parameters: dict, kernel: str, limits: Limits) -> tuple:
    """papermill in the worker, on ``book`` (the notebook as a scheduled run takes it, see scheduled_notebook):
    ("ok",), ("cell", exec_count, ename, evalue) or ("error", type, message) — plain data, whatever papermill
    raised."""
    import os

    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ.update(limits.environment())  # the kernel reads documents under the command's limits
    try:
        papermill.execute_notebook(book, str(output), parameters=parameters, kernel_name=kernel,
                                   cwd=str(report.notebook.parent), progress_bar=False, log_output=False,
                                   # the kernel's own log (transport notes, interrupt at shut-down) is not the user's
                                   # business; cell errors still come back through papermill
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as err:
        return ("cell", err.exec_count, str(err.ename), str(err.evalue))
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok",)


def _declared(notebook: Path) -> dict:
    try:
        return declared_parameters(notebook)
    except Exception:  # an unreadable notebook fails later with papermill's own message
        return {}


def first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


def executed_parameters(notebook: Path) -> dict:
    """The parameters papermill injected into an executed notebook (for tests and audits)."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    return data.get("metadata", {}).get("papermill", {}).get("parameters", {})
