"""`reviewfigs run`: every catalogued document -> processed/figures.parquet, figures.csv, metrics.csv, errors.csv.

Flow: validate the catalog and corrections (exit 2, nothing written) -> lock --out -> sha256 of every file ->
cached documents are reused, the others are extracted, one process per document (a local pool of -j N, or one
Dask task per document with --scheduler) under a wall-time, memory and page limit -> corrections -> tables
checked by their schemas -> written atomically -> a summary. Exit 1 when a document failed (or, with --strict,
when anything was warned about).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import faulthandler
import gc
import hashlib
import importlib
import json
import os
import pickle
import resource
import selectors
import shutil
import signal
import sys
import sysconfig
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extract import config
from extract.catalog import CatalogEntry, RowProblemsError, load_catalog
from extract.corrections import apply_corrections, load_corrections
from extract.figures import sha256_of
from extract.model import DocMeta, DocumentError, Figure
from extract.safety import (
    OutputLock,
    OutputLockedError,
    atomic_write_bytes,
    atomic_writer,
    remove_stale_temps,
    write_csv_safely,
)

Extractor = Callable[..., list[Figure]]

DEFAULT_TIMEOUT = 600.0  # seconds per document: generous; a 1,000-page report takes well under a minute
DEFAULT_MAX_PAGES = 10_000
DEFAULT_MEMORY_MB = 4096  # address space a worker may add to what it inherits
CACHE_FORMAT = 1
OUTPUT_FILES = ("figures.parquet", "figures.csv", "metrics.csv", "errors.csv")


@dataclass
class RunOptions:
    raw: Path = Path("raw")
    out: Path = Path("processed")
    jobs: int = 0  # 0: the machine's cores
    scheduler: str = ""
    quiet: bool = False
    strict: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_pages: int = DEFAULT_MAX_PAGES
    memory_mb: int = DEFAULT_MEMORY_MB
    allow_outside: bool = False
    cache: Path | None = None  # default: <out>/.cache
    wait: bool = False  # wait for another run on --out instead of refusing
    own_process: bool = False  # the process ends with the run (the CLI): it may skip what only later uses need

    @property
    def cache_dir(self) -> Path:
        return Path(self.cache) if self.cache else Path(self.out) / ".cache"


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be used; nothing is written."""


@dataclass
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_pages: int = DEFAULT_MAX_PAGES
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass
class Task:
    """One document to extract: plain data, so it crosses process and machine boundaries."""

    path: str
    meta: DocMeta
    cache_key: str


@dataclass
class Outcome:
    ok: bool
    figures: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stage: str = ""
    error: str = ""


@dataclass
class RunResult:
    exit_code: int
    catalogued: int = 0
    read: int = 0
    cached: int = 0
    failed: int = 0
    warned: int = 0
    figures: int = 0
    classified: int = 0
    metrics: int = 0
    seconds: float = 0.0
    empty_documents: list[str] = field(default_factory=list)
    corrupt_cache: int = 0
    outside: int = 0
    summary: str = ""


# ---------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", type=Path, default=config.RAW_DIR, help="folder holding catalog.csv, the documents "
                        "and corrections.csv (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                        help="output folder, the only place written besides the cache (default: %(default)s)")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="cores to use: worker processes at a time, the run's own preparation counting as one "
                             "while it lasts (default: all cores)")
    parser.add_argument("--scheduler", default="", metavar="ADDRESS",
                        help="Dask scheduler (tcp://host:8786): one task per document; paths must be visible to workers")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--strict", action="store_true", help="warnings (duplicates, stale corrections) are failures")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                        help="wall-time limit per document in seconds (default: %(default)s)")
    parser.add_argument("--max-pages", type=int, default=DEFAULT_MAX_PAGES, metavar="N",
                        help="page limit per document (default: %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, metavar="M",
                        help="memory a worker may use for one document, in MB (default: %(default)s)")
    parser.add_argument("--allow-outside", action="store_true",
                        help="accept catalog paths outside the catalog's folder (absolute, '..', links)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR", help="cache folder (default: OUT/.cache)")
    parser.add_argument("--wait", action="store_true", help="wait for another run on --out instead of refusing")


def run_command(args: argparse.Namespace) -> int:
    options = RunOptions(raw=args.raw, out=args.out, jobs=args.jobs, scheduler=args.scheduler, quiet=args.quiet,
                         strict=args.strict, timeout=args.timeout, max_pages=args.max_pages,
                         memory_mb=args.memory_mb, allow_outside=args.allow_outside, cache=args.cache,
                         wait=args.wait, own_process=True)
    result = run(options)
    if result.summary:
        print(result.summary)
    return result.exit_code


# ---------------------------------------------------------------- the run


def run(options: RunOptions, extractor: Extractor | None = None, stderr: Any = None) -> RunResult:
    """Run over ``options.raw``. ``extractor(path, meta=, max_pages=) -> list[Figure]`` defaults to
    extract.figures.extract_pdf; it must be a module-level function (it runs in worker processes)."""
    stderr = stderr or sys.stderr
    started = time.monotonic()
    usage = _check_options(options)
    if usage:
        print(f"reviewfigs run: {usage}", file=stderr)
        return RunResult(exit_code=2)
    raw = Path(options.raw)
    try:
        entries = load_catalog(raw / "catalog.csv", allow_outside=options.allow_outside)
        corrections = load_corrections(raw / "corrections.csv")
    except RowProblemsError as exc:
        for line in exc.lines():
            print(line, file=stderr)
        print(f"reviewfigs run: nothing done ({len(exc.problems)} problem(s) to fix first)", file=stderr)
        return RunResult(exit_code=2)
    if extractor is None:
        from extract.figures import extract_pdf as extractor  # imported before forking: workers start warm
    try:
        lock = OutputLock(options.out, wait=options.wait)
        lock.__enter__()
    except OutputLockedError as exc:
        print(f"reviewfigs run: {exc}", file=stderr)
        return RunResult(exit_code=2)
    except OSError as exc:
        print(f"reviewfigs run: cannot write to {options.out}: {exc.strerror or exc}", file=stderr)
        return RunResult(exit_code=2)
    try:
        return _locked_run(options, entries, corrections, extractor, stderr, started, lock)
    except SchedulerError as exc:
        print(f"reviewfigs run: {exc}", file=stderr)
        return RunResult(exit_code=2)
    except OSError as exc:  # disk full, permissions: the previous outputs are left as they were
        where = exc.filename or options.out
        print(f"reviewfigs run: cannot write {where}: {exc.strerror or exc} (previous outputs kept)", file=stderr)
        return RunResult(exit_code=2)
    finally:
        lock.__exit__(None, None, None)


def _check_options(options: RunOptions) -> str:
    if options.jobs < 0:
        return "-j must be 0 (all cores) or more"
    if options.timeout <= 0 or options.max_pages <= 0 or options.memory_mb <= 0:
        return "--timeout, --max-pages and --memory-mb must be positive"
    if not (Path(options.raw) / "catalog.csv").is_file():
        return f"no catalog at {Path(options.raw) / 'catalog.csv'} (--raw names the folder holding catalog.csv)"
    return ""


class _Problems:
    """Rows of errors.csv, each also printed as one stderr line naming the file and the reason."""

    def __init__(self, strict: bool, stderr: Any):
        self.strict = strict
        self.stderr = stderr
        self.rows: list[dict] = []

    def add(self, doc_id: str, file: str, stage: str, message: str, severity: str) -> None:
        severity = "error" if self.strict else severity
        message = " ".join(message.split())
        self.rows.append({"doc_id": doc_id, "file": file, "stage": stage, "error": message, "severity": severity})
        label = "warning: " if severity == "warning" else ""
        where = f"{file} ({doc_id})" if doc_id and file != "corrections.csv" else file
        print(f"reviewfigs: {where}: {label}{message}", file=self.stderr)

    def document(self, entry: CatalogEntry, stage: str, message: str, severity: str) -> None:
        self.add(entry.doc_id, entry.file, stage, message, severity)

    def count(self, severity: str) -> int:
        return sum(r["severity"] == severity for r in self.rows)


def _locked_run(options: RunOptions, entries: list[CatalogEntry], corrections: list, extractor: Extractor,
                stderr: Any, started: float, lock: OutputLock) -> RunResult:
    out = Path(options.out)
    cache = Cache(options.cache_dir)
    remove_stale_temps(out)  # left by a killed run; we hold the lock, so they are nobody's
    cache.clean_temps()
    result = RunResult(exit_code=0, catalogued=len(entries), outside=sum(e.outside for e in entries))
    problems = _Problems(options.strict, stderr)

    shas, primaries = _checksums(entries, problems)
    outcomes, tasks = _plan(primaries, shas, cache)
    result.cached, result.corrupt_cache = len(outcomes), cache.corrupt
    by_key = {task.cache_key: task for task in tasks}
    limits = Limits(options.timeout, options.max_pages, options.memory_mb)
    for key, outcome in _execute(tasks, extractor, limits, options, lock):
        outcomes[by_key[key].meta.doc_id] = outcome
        if outcome.ok:
            result.read += 1
            cache.put(key, outcome)

    records, documents, failed = _assemble(entries, outcomes, shas, problems, options.strict, result)
    records, stale = apply_corrections(records, corrections, documents, failed)
    for doc_id, line in stale:
        problems.add(doc_id, "corrections.csv", "corrections", line, "warning")

    from extract import tables  # pandera is slow to import: only once there is something to write

    figures_df, bad = tables.checked_figures(records)
    if bad:
        figures_df = tables.figures_table(_drop_invalid_documents(records, bad, entries, failed, problems))
    metrics_df = tables.select_metrics(figures_df)
    write_outputs(out, figures_df, metrics_df, tables.errors_table(problems.rows))

    result.failed = len(failed)
    result.warned = problems.count("warning")
    result.figures = len(figures_df)
    result.classified = int((figures_df["metric"] != "").sum())
    result.metrics = len(metrics_df)
    result.seconds = time.monotonic() - started
    result.exit_code = 1 if problems.count("error") else 0
    result.summary = summary_text(result, out)
    return result


def _drop_invalid_documents(records: list[dict], bad: dict[int, str], entries: list[CatalogEntry], failed: set[str],
                            problems: _Problems) -> list[dict]:
    """A figure that breaks the table's schema (an extractor bug) fails its document, not the run."""
    by_id = {e.doc_id: e for e in entries}
    reported: set[str] = set()
    for index, why in sorted(bad.items()):
        record = records[index]
        doc_id = record.get("doc_id", "")
        if doc_id in reported:
            continue
        reported.add(doc_id)
        failed.add(doc_id)
        where = f"page {record.get('page')}, {record.get('text')!r}"
        message = f"the extractor produced an invalid figure ({where}: {why}); please report this file"
        if doc_id in by_id:
            problems.document(by_id[doc_id], "extract", message, "error")
        else:
            problems.add(doc_id, "", "extract", message, "error")
    return [r for r in records if r.get("doc_id") not in reported]


def _checksums(entries: list[CatalogEntry], problems: _Problems) -> tuple[dict[str, str], list[CatalogEntry]]:
    """sha256 per doc_id, and the entries to extract: the same bytes under two doc_ids are extracted once and
    listed under the first (the second gets a warning)."""
    shas: dict[str, str] = {}
    first_of_sha: dict[str, CatalogEntry] = {}
    primaries: list[CatalogEntry] = []
    for entry in entries:
        try:
            sha = sha256_of(entry.path)
        except OSError as exc:
            problems.document(entry, "read", f"cannot read the file: {exc.strerror or exc}", "error")
            continue
        shas[entry.doc_id] = sha
        if sha in first_of_sha:
            first = first_of_sha[sha]
            problems.document(entry, "catalog", f"same file as {first.doc_id} ({first.file}): extracted once, its "
                              f"figures are listed under {first.doc_id} only", "warning")
            continue
        first_of_sha[sha] = entry
        primaries.append(entry)
    return shas, primaries


def _plan(primaries: list[CatalogEntry], shas: dict[str, str], cache: Cache) -> tuple[dict[str, Outcome], list[Task]]:
    """Outcomes found in the cache (by doc_id), and a task for every other document."""
    fingerprint = extractor_fingerprint()
    outcomes: dict[str, Outcome] = {}
    tasks: list[Task] = []
    for entry in primaries:
        meta = entry.meta(shas[entry.doc_id])
        key = cache_key(meta, fingerprint)
        cached = cache.get(key)
        if cached is not None:
            outcomes[entry.doc_id] = cached
        else:
            tasks.append(Task(str(entry.path), meta, key))
    # Largest files first: a long document started last would leave the other workers idle at the end.
    tasks.sort(key=lambda t: -_file_size(t.path))
    return outcomes, tasks


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _assemble(entries: list[CatalogEntry], outcomes: dict[str, Outcome], shas: dict[str, str], problems: _Problems,
              strict: bool, result: RunResult) -> tuple[list[dict], dict[str, dict], set[str]]:
    """Figure records in catalog order (whatever order the workers finished in), each document's catalog
    fields, and the doc_ids that failed. Failed documents contribute no rows."""
    records: list[dict] = []
    documents: dict[str, dict] = {}
    failed: set[str] = set()
    for entry in entries:
        documents[entry.doc_id] = catalog_fields(entry, shas.get(entry.doc_id, ""))
        if entry.doc_id not in shas:
            failed.add(entry.doc_id)  # unreadable file, already reported
            continue
        outcome = outcomes.get(entry.doc_id)
        if outcome is None:
            continue  # a duplicate of an earlier entry, already reported
        if not outcome.ok:
            failed.add(entry.doc_id)
            problems.document(entry, outcome.stage, outcome.error, "error")
            continue
        for warning in outcome.warnings:
            problems.document(entry, "read", warning, "warning")
        if strict and outcome.warnings:
            failed.add(entry.doc_id)  # --strict: a warned document fails whole, like any error
            continue
        if not outcome.figures:
            result.empty_documents.append(entry.doc_id)
        records += [{**f, **documents[entry.doc_id], "corrected": "", "correction_reason": ""}
                    for f in outcome.figures]
    return records, documents, failed


def catalog_fields(entry: CatalogEntry, sha: str) -> dict:
    """The catalog's columns joined onto every figure of ``entry``."""
    return {"doc_id": entry.doc_id, "region": entry.region, "adcode": entry.adcode,
            "admin_level": entry.admin_level, "doctype": entry.doctype, "file": entry.file, "sha256": sha,
            "published": entry.published, "covers": entry.covers}


def write_outputs(out: Path, figures, metrics, errors) -> None:
    """The four tables, each written to a temp file and renamed: a reader never sees half a file."""
    out.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out / "figures.parquet") as tmp:
        figures.to_parquet(tmp, index=False)
    write_csv_safely(figures, out / "figures.csv")
    write_csv_safely(metrics, out / "metrics.csv")
    write_csv_safely(errors, out / "errors.csv")


def summary_text(result: RunResult, out: Path) -> str:
    lines = [
        f"reviewfigs run: {result.catalogued} documents catalogued: {result.read} read, {result.cached} from cache, "
        f"{result.failed} failed, {result.warned} warning(s)",
        f"  figures: {result.figures} found, {result.classified} classified; {result.metrics} rows in metrics.csv",
        f"  time: {result.seconds:.1f} s; outputs in {out}",
    ]
    if result.empty_documents:
        shown = ", ".join(result.empty_documents[:10]) + (", …" if len(result.empty_documents) > 10 else "")
        lines.append(f"  no figures in {len(result.empty_documents)} document(s): {shown}")
    if result.corrupt_cache:
        lines.append(f"  {result.corrupt_cache} corrupt cache entr(y/ies) found and rebuilt")
    if result.outside:
        lines.append(f"  --allow-outside: {result.outside} document(s) read from outside the catalog folder")
    if result.failed:
        lines.append(f"  see {out / 'errors.csv'} for what failed and why")
    return "\n".join(lines)


# ---------------------------------------------------------------- cache


# Modules that never change what a PDF yields: editing them keeps the cache.
NOT_EXTRACTION = {"__init__.py", "__main__.py", "cli.py", "run.py", "tables.py", "corrections.py", "catalog.py",
                  "gazetteer.py", "safety.py", "plots.py", "report.py", "show.py", "check.py", "bench.py"}


def extractor_fingerprint() -> str:
    """A hash of the extraction code and the taxonomy: editing the extractor invalidates the cache even when
    nobody remembered to bump EXTRACTOR_VERSION."""
    digest = hashlib.sha256()
    files = sorted(p for p in config.PACKAGE_DIR.iterdir()
                   if p.suffix in (".py", ".yaml", ".yml", ".csv", ".json") and p.name not in NOT_EXTRACTION)
    data_dir = config.PACKAGE_DIR / "data"
    if data_dir.is_dir():
        files += sorted(p for p in data_dir.rglob("*") if p.is_file())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(meta: DocMeta, fingerprint: str) -> str:
    """The file's bytes, the extractor's version and code (with the taxonomy), what the catalog says about the document
    (its years and region steer labelling); not its doc_id or path, so renaming a file re-reads nothing."""
    about = {k: v for k, v in asdict(meta).items() if k not in ("doc_id", "file", "sha256")}
    text = json.dumps([meta.sha256, config.EXTRACTOR_VERSION, fingerprint, about], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """One JSON file per document, holding its figures and a checksum of them. A file that fails to parse or
    whose checksum disagrees is deleted and re-extracted (counted in ``corrupt``), never trusted."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.corrupt = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> Outcome | None:
        path = self.path(key)
        try:
            envelope = json.loads(path.read_text(encoding="utf-8"))
            payload = envelope["payload"]
            if envelope.get("format") != CACHE_FORMAT or envelope.get("key") != key:
                raise ValueError("stale format")
            if hashlib.sha256(payload.encode()).hexdigest() != envelope["checksum"]:
                raise ValueError("checksum mismatch")
            data = json.loads(payload)
            return Outcome(ok=True, figures=data["figures"], warnings=data.get("warnings", []))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            self.corrupt += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def put(self, key: str, outcome: Outcome) -> None:
        payload = json.dumps({"figures": outcome.figures, "warnings": outcome.warnings}, ensure_ascii=False)
        envelope = {"format": CACHE_FORMAT, "key": key, "extractor_version": config.EXTRACTOR_VERSION,
                    "checksum": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload}
        # No fsync: an entry cut short by a crash fails its checksum and is rebuilt.
        atomic_write_bytes(self.path(key), json.dumps(envelope, ensure_ascii=False).encode("utf-8"), durable=False)

    def clean_temps(self) -> None:
        if self.folder.is_dir():
            for sub in self.folder.iterdir():
                if sub.is_dir():
                    remove_stale_temps(sub)


# ---------------------------------------------------------------- one document, in its own process


def extract_task(task: Task, extractor: Extractor, max_pages: int) -> Outcome:
    """Extract one document (runs inside the worker process). Document warnings raised with
    ``warnings.warn`` by the extract package are kept; the figures become plain dicts."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = extractor(task.path, meta=task.meta, max_pages=max_pages)
    notes: list[str] = []
    for w in caught:
        message = " ".join(str(w.message).split())
        if _is_document_warning(w) and message not in notes:
            notes.append(message)
    return Outcome(ok=True, figures=[_figure_record(f) for f in figures], warnings=notes)


def _is_document_warning(w: Any) -> bool:
    """A warning about the document: raised from the extract package (or from a wrapper around it), not a
    library's deprecation or runtime noise."""
    filename = str(w.filename)
    if filename.startswith(str(config.PACKAGE_DIR)):
        return True
    if not issubclass(w.category, UserWarning):
        return False
    library_dirs = {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")}
    return not any(filename.startswith(d) for d in library_dirs)


def _figure_record(figure: Figure | dict) -> dict:
    record = figure.to_dict() if hasattr(figure, "to_dict") else dict(figure)
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in record.items()}


def _child_run(write_fd: int, task: Task, extractor: Extractor, limits: Limits, close_fds: Iterable[int]) -> None:
    """Body of a forked worker: limits first, then the document; the outcome is pickled down the pipe."""
    for fd in close_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    _die_with_parent()
    faulthandler.disable()  # a crash is reported by the parent in one line, not as a C-level dump
    gc.enable()  # the parent may have been forked mid-import, with collection paused
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        _limit_memory(limits.memory_mb)
        try:
            outcome = extract_task(task, extractor, limits.max_pages)
        except DocumentError as exc:
            outcome = Outcome(ok=False, stage=getattr(exc, "stage", "read") or "read", error=exc.reason)
        except MemoryError:
            outcome = _memory_outcome(limits)
        except RecursionError:
            outcome = Outcome(ok=False, stage="read", error="document structure nested too deeply to read")
        except Exception as exc:  # a bug or an unforeseen file: one document fails, the run goes on
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            outcome = Outcome(ok=False, stage="extract",
                              error=f"could not extract ({type(exc).__name__}: {first}); please report this file")
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(_memory_outcome(limits))
        view = memoryview(data)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _memory_outcome(limits: Limits) -> Outcome:
    return Outcome(ok=False, stage="limits",
                   error=f"needs more than {limits.memory_mb} MB of memory (raise --memory-mb to allow it)")


def _limit_memory(memory_mb: int) -> None:
    """Cap the worker's address space at what it inherited plus ``memory_mb``: a bomb raises MemoryError in
    this process instead of swapping the machine."""
    try:
        with open("/proc/self/statm") as fh:
            inherited = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no /proc (macOS): the address space is unknown, and RLIMIT_AS is not enforced there anyway
    limit = inherited + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when the run dies (a killed run leaves no orphan holding files)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


@dataclass
class _Child:
    pid: int
    fd: int
    key: str
    deadline: float
    buffer: bytearray = field(default_factory=bytearray)


def _start_child(task: Task, extractor: Extractor, limits: Limits, close_fds: list[int]) -> _Child:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read_fd)
        _child_run(write_fd, task, extractor, limits, close_fds)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    return _Child(pid, read_fd, task.cache_key, time.monotonic() + limits.timeout)


def _finish_child(child: _Child, limits: Limits, timed_out: bool) -> Outcome:
    if timed_out:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
    _pid, status = os.waitpid(child.pid, 0)
    os.close(child.fd)
    if timed_out:
        return Outcome(ok=False, stage="limits",
                       error=f"took longer than {limits.timeout:g} s (stopped; raise --timeout to allow it)")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        why = " (out of memory?)" if sig == signal.SIGKILL else ""
        return Outcome(ok=False, stage="extract", error=f"the worker reading this file crashed ({name}){why}")
    try:
        outcome = pickle.loads(bytes(child.buffer))
        if isinstance(outcome, Outcome):
            return outcome
    except Exception:
        pass
    return Outcome(ok=False, stage="extract",
                   error=f"the worker reading this file stopped without a result (exit {os.WEXITSTATUS(status)})")


_DONE = object()


def run_local(tasks: list[Task], extractor: Extractor, limits: Limits, jobs: int,
              close_fds: list[int] | None = None,
              while_waiting: Iterator[object] | None = None) -> Iterator[tuple[str, Outcome]]:
    """Extract ``tasks`` with worker processes, one per document; yield (cache_key, outcome) as they finish.
    The parent only forks, waits on pipes and enforces deadlines: no threads.

    ``while_waiting`` is the parent's own work, a step per next(). It counts as one of the ``jobs``: while it
    lasts at most ``jobs - 1`` workers run (none with -j 1), so -j N never asks for more than N cores, and
    between its steps the parent reaps finished workers and starts new ones."""
    pending = deque(tasks)
    running: dict[int, _Child] = {}
    ended: list[tuple[_Child, bool]] = []  # (worker, timed out): seen to end, not yet reaped
    selector = selectors.DefaultSelector()
    close_fds = list(close_fds or [])
    try:
        while pending or running or ended:
            slots = jobs - (while_waiting is not None)
            while pending and len(running) < slots:
                child = _start_child(pending.popleft(), extractor, limits,
                                     close_fds + [c.fd for c in running.values()] + [c.fd for c, _ in ended])
                running[child.fd] = child
                selector.register(child.fd, selectors.EVENT_READ)
            # Reaped only once their replacements run: a worker's exit (unmapping its memory) and the caller's
            # use of its outcome (the cache, the progress bar) do not hold up the next document.
            while ended:
                child, timed_out = ended.pop(0)
                yield child.key, _finish_child(child, limits, timed_out=timed_out)
            if while_waiting is not None:
                try:
                    if next(while_waiting, _DONE) is _DONE:
                        while_waiting = None
                except Exception:  # only an optimisation: whatever failed fails again, reported, where it is needed
                    while_waiting = None
                if not running:
                    continue
                wait = 0.0  # only look at the pipes: there is more of the parent's own work to do
            elif running:
                wait = max(0.0, min(c.deadline for c in running.values()) - time.monotonic())
            else:
                continue
            for key, _ in selector.select(timeout=wait):
                child = running[key.fd]
                try:
                    chunk = os.read(child.fd, 1 << 20)
                except BlockingIOError:
                    continue
                if chunk:
                    child.buffer += chunk
                    continue
                selector.unregister(child.fd)
                del running[child.fd]
                ended.append((child, False))
            now = time.monotonic()
            for child in [c for c in running.values() if c.deadline <= now]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGKILL)  # at once: its slot is given to the next document
                selector.unregister(child.fd)
                del running[child.fd]
                ended.append((child, True))
    finally:
        for child in [*running.values(), *(c for c, _ in ended)]:  # interrupted: leave no worker behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)
            os.close(child.fd)
        selector.close()


def warm_up() -> None:
    """Import what the extractor loads lazily, and its taxonomy, in the process that forks the workers: each
    worker then starts warm instead of paying ~0.5 s per document. Best effort: failures only cost speed."""
    import importlib

    for name in ("extract.figures", "extract.layout", "extract.pdf", "extract.labels", "extract.quantity"):
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        loader = getattr(module, "load_taxonomy", None)
        if callable(loader):
            with contextlib.suppress(Exception):
                loader()
    # Label one made-up passage so patterns compiled on first use are compiled here, once, not in every worker.
    with contextlib.suppress(Exception):
        from extract.figures import find_figures
        from extract.layout import document_from_text
        from extract.model import DocMeta

        find_figures(document_from_text("一、2025年工作回顾\n全年地区生产总值1.2万亿元、增长5.5%，召开会议12次。\n"
                                         "今年主要预期目标是：城镇新增就业50万人左右。"),
                     DocMeta(doc_id="warm-up", published=2026, covers="2025", doctype="gov-report"))


def run_isolated(task: Task, extractor: Extractor, limits: Limits) -> Outcome:
    """One document in its own forked process under ``limits`` (what a Dask worker runs per task)."""
    for _key, outcome in run_local([task], extractor, limits, jobs=1):
        return outcome
    raise RuntimeError("no outcome")  # unreachable: run_local yields once per task


def _dask_task(task: Task, extractor: Extractor, limits: Limits) -> tuple[str, Outcome]:
    warm_up()  # once per worker process; later calls find everything imported
    return task.cache_key, run_isolated(task, extractor, limits)


def run_dask(tasks: list[Task], extractor: Extractor, limits: Limits, address: str) -> Iterator[tuple[str, Outcome]]:
    """One Dask task per document; the worker opens the file itself (paths must be visible to it)."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'reviewfigs[dask]'") from None
    try:
        client = Client(address, set_as_default=False, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        futures = client.map(_dask_task, tasks, extractor=extractor, limits=limits, pure=False,
                             key=[f"reviewfigs-{t.cache_key[:16]}-{i}" for i, t in enumerate(tasks)])
        index_of = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures, loop=client.loop):
            if future.status == "finished":
                yield future.result()
            else:  # the task raised, or its worker died and the scheduler gave up on it
                task = tasks[index_of[future.key]]
                why = future.exception() if future.status == "error" else future.status
                yield task.cache_key, Outcome(ok=False, stage="extract", error=f"Dask task failed: {why}")
            future.release()


def available_cores() -> int:
    """Cores this process may use (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _prepare_tables(refuse_hypothesis: bool = False) -> Iterator[str]:
    """pandas and pandera take ~0.5 s to import and warm: done while the workers extract, not before or after
    them (the parent reads the catalog with the csv module so that workers start without them), in steps of
    at most ~0.2 s so that finished workers are replaced promptly.

    pandera imports hypothesis (~0.1 s) on a schema's first validation, only to offer data synthesis. A process
    that ends with the run never synthesises: with ``refuse_hypothesis`` (and hypothesis not loaded yet) the
    import is refused meanwhile, which pandera handles, and allowed again afterwards. Not in a notebook's
    kernel, where pandera's ``schema.example()`` must keep working after a run."""
    refuse_hypothesis = refuse_hypothesis and "hypothesis" not in sys.modules
    gc.disable()  # imports allocate much and free little: collecting meanwhile only costs time (~8%)
    if refuse_hypothesis:
        sys.modules["hypothesis"] = None  # type: ignore[assignment]  # import hypothesis -> ImportError
    try:
        for name in ("numpy", "pyarrow", "pandas", "pandera.pandas", "extract.tables"):
            module = importlib.import_module(name)
            yield name
        module.warm_up()  # extract.tables: every schema's first validation
    finally:
        gc.enable()
        if refuse_hypothesis and sys.modules.get("hypothesis", 0) is None:
            del sys.modules["hypothesis"]
    # Freeze again: what the imports allocated stays out of every later worker's collections.
    gc.freeze()
    yield "figures schema"


def _execute(tasks: list[Task], extractor: Extractor, limits: Limits, options: RunOptions,
             lock: OutputLock) -> Iterator[tuple[str, Outcome]]:
    if not tasks:
        return
    from tqdm import tqdm

    show = not options.quiet and sys.stderr.isatty()
    jobs = options.jobs or available_cores()
    if options.scheduler:
        source = run_dask(tasks, extractor, limits, options.scheduler)
    else:
        warm_up()
        # Move everything allocated so far out of the collector's reach: a worker's collections then do not
        # touch (and so copy) the parent's pages after fork. (Not in Dask workers: they live long.)
        gc.freeze()
        source = run_local(tasks, extractor, limits, jobs, close_fds=[lock.fileno()],
                           while_waiting=_prepare_tables(options.own_process))
    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    size = shutil.get_terminal_size((80, 20))  # a fresh pty reports 0 x 0, which hides the bar
    try:
        with tqdm(total=len(tasks), disable=not show, unit="doc", desc="extracting", file=sys.stderr,
                  ncols=size.columns or 80, nrows=size.lines or 20) as bar:
            for item in source:
                bar.update(1)
                yield item
    finally:
        if not options.scheduler and not options.own_process:
            gc.unfreeze()  # a notebook's kernel lives on: what it drops later must be collectable again
