"""`reviewfigs run`: every catalogued document -> processed/figures.parquet, figures.csv, metrics.csv, targets.csv,
checks.csv, documents.csv,
errors.csv.

Flow: validate the catalog and corrections (exit 2, nothing written) -> lock --out -> sha256 of every file ->
cached documents are reused (extract.corpus.cache), the others are extracted, one process per document
(extract.corpus.workers: a local pool of -j N, or one Dask task per document with --scheduler) under a
wall-time, memory and page limit; each document's figures wait in its cache entry, not in memory -> corrections
-> tables checked by their schemas (extract.corpus.tables), figures.csv a part at a time (_publish) -> published
as one set -> a summary. Exit 1 when a document failed (or, with --strict, when anything was warned
about).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract import config, terminal
from extract.corpus.cache import Cache, cache_key, extractor_fingerprint
from extract.corpus.catalog import CatalogEntry, RowProblemsError, load_catalog
from extract.corpus.checks import collect_checks
from extract.corpus.corrections import load_corrections
from extract.corpus.workers import (
    Extractor,
    Limits,
    Outcome,
    SchedulerError,
    Task,
    available_cores,
    run_dask,
    run_local,
    warm_up,
)
from extract.figures import sha256_of
from extract.fingerprint import code_fingerprint
from extract.safety import (
    OutputLock,
    OutputLockedError,
    OutputSet,
    atomic_write_bytes,
    published,
    remove_stale_temps,
)

# metrics.parquet holds metrics.csv's table with exact dtypes and unneutralised text, for the charts.
OUTPUT_FILES = ("figures.parquet", "figures.csv", "metrics.parquet", "metrics.csv", "targets.parquet", "targets.csv",
                "checks.csv", "errors.csv", "documents.csv")


@dataclass
class RunOptions:
    raw: Path = Path("raw")
    out: Path = Path("processed")
    jobs: int = 0  # 0: the machine's cores
    scheduler: str = ""
    quiet: bool = False
    strict: bool = False
    timeout: float = config.DEFAULT_TIMEOUT
    max_pages: int = config.DEFAULT_MAX_PAGES
    memory_mb: int = config.DEFAULT_MEMORY_MB
    allow_outside: bool = False
    cache: Path | None = None  # default: <out>/.cache
    wait: bool = False  # wait for another run on --out instead of refusing
    ocr: bool = True  # OCR pages without a text layer (--no-ocr: report them instead)

    @property
    def cache_dir(self) -> Path:
        return Path(self.cache) if self.cache else Path(self.out) / ".cache"


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


def run_command(args: argparse.Namespace) -> int:
    options = RunOptions(raw=args.raw, out=args.out, jobs=args.jobs, scheduler=args.scheduler, quiet=terminal.quiet(),
                         strict=args.strict, timeout=args.timeout, max_pages=args.max_pages,
                         memory_mb=args.memory_mb, allow_outside=args.allow_outside, cache=args.cache,
                         wait=args.wait, ocr=not args.no_ocr)
    result = run(options)
    if result.summary:
        print(result.summary)
    return result.exit_code


# ---------------------------------------------------------------- the run


def run(options: RunOptions, extractor: Extractor | None = None, stderr: Any = None) -> RunResult:
    """Run over ``options.raw``. ``extractor(path, meta=, max_pages=, ocr=) -> list[Figure]`` (or an object with
    ``figures`` and ``checks``) defaults to extract.corpus.checks.extract_checked; it must be a module-level
    function (it runs in worker processes)."""
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
        from extract.corpus.checks import (
            extract_checked as extractor,  # imported before forking: workers start warm
        )
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
    except (SchedulerError, CacheEntryLost) as exc:
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
    keys = _cache_keys(primaries, shas, options.ocr)
    inputs = _inputs_key(options, entries, shas, keys, problems.rows)
    kept = _kept_outputs(out, cache, inputs, keys)
    if kept is not None:
        return _kept_result(kept, result, problems, len(primaries), started, out)
    figures = _Figures(cache)
    outcomes, tasks = _plan(primaries, shas, figures, keys)
    result.cached, result.corrupt_cache = len(outcomes), cache.corrupt
    by_key = {task.cache_key: task for task in tasks}
    limits = Limits(options.timeout, options.max_pages, options.memory_mb, options.ocr)
    for key, outcome in _execute(tasks, extractor, limits, options, lock):
        doc_id = by_key[key].meta.doc_id
        outcomes[doc_id] = outcome
        terminal.detail(f"reviewfigs run: {doc_id}: " +
                        (f"{len(outcome.figures)} figure(s)" if outcome.ok else f"failed ({outcome.stage})"))
        if outcome.ok:
            result.read += 1
            figures.keep(doc_id, key, outcome)

    documents, failed = _assemble(entries, outcomes, shas, problems, options.strict, result, figures)
    _publish(out, entries, outcomes, documents, failed, corrections, figures, problems, result)
    result.failed = len(failed)
    result.warned = problems.count("warning")
    _record_outputs(out, cache, inputs, keys, result, problems.rows)
    result.seconds = time.monotonic() - started
    result.exit_code = 1 if problems.count("error") else 0
    result.summary = summary_text(result, out)
    return result


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


def _cache_keys(primaries: list[CatalogEntry], shas: dict[str, str], ocr: bool = True) -> dict[str, str]:
    """The cache key of each document to extract, by doc_id."""
    fingerprint = extractor_fingerprint() + ("" if ocr else ":no-ocr")  # OCR on and off read scans differently
    return {entry.doc_id: cache_key(entry.meta(shas[entry.doc_id]), fingerprint) for entry in primaries}


def _plan(primaries: list[CatalogEntry], shas: dict[str, str], figures: _Figures,
          keys: dict[str, str]) -> tuple[dict[str, Outcome], list[Task]]:
    """Outcomes found in the cache (by doc_id; their figures stay there, see _Figures), and a task for every other
    document."""
    outcomes: dict[str, Outcome] = {}
    tasks: list[Task] = []
    for entry in primaries:
        meta = entry.meta(shas[entry.doc_id])
        key = keys[entry.doc_id]
        cached = figures.cache.get(key)
        if cached is not None:
            figures.cached(entry.doc_id, key, cached)
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
              strict: bool, result: RunResult, figures: _Figures) -> tuple[dict[str, dict], set[str]]:
    """Each document's catalog fields and the doc_ids that failed, with their problems in catalog order
    (whatever order the workers finished in). Failed documents contribute no rows (_figure_parts)."""
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
        if not figures.count(entry.doc_id, outcome):
            result.empty_documents.append(entry.doc_id)
    return documents, failed


class CacheEntryLost(Exception):
    """A document's cache entry, written or read earlier in this run, is gone or damaged when its figures are
    wanted: the run stops (exit 2, the previous outputs kept) rather than publish tables without them."""


class _Figures:
    """Where each document's figures are while a run waits to write them: in the cache entry the run has just
    written or found, read back one document at a time, so the parent never holds every document's figures
    (0.9 MB per document did; a 10,000-document corpus must fit in 2 GB). Figures marshal cannot keep stay
    in memory."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self._keys: dict[str, str] = {}  # doc_id -> cache key, for figures kept in the cache only
        self._counts: dict[str, int] = {}

    def cached(self, doc_id: str, key: str, outcome: Outcome) -> None:
        self._spill(doc_id, key, outcome)

    def keep(self, doc_id: str, key: str, outcome: Outcome) -> None:
        if self.cache.put(key, outcome):
            self._spill(doc_id, key, outcome)

    def _spill(self, doc_id: str, key: str, outcome: Outcome) -> None:
        self._keys[doc_id], self._counts[doc_id] = key, len(outcome.figures)
        outcome.figures = []

    def count(self, doc_id: str, outcome: Outcome) -> int:
        return self._counts.get(doc_id, len(outcome.figures))

    def of(self, doc_id: str, outcome: Outcome) -> list[dict]:
        key = self._keys.get(doc_id)
        if key is None:
            return outcome.figures
        entry = self.cache.get(key)
        if entry is None or len(entry.figures) != self._counts[doc_id]:
            raise CacheEntryLost(f"the cache entry of {doc_id} ({self.cache.path(key)}) was removed or changed "
                                 "during the run; run again")
        return entry.figures


def catalog_fields(entry: CatalogEntry, sha: str) -> dict:
    """The catalog's columns joined onto every figure of ``entry`` (and the fields of a row added by hand)."""
    return {"doc_id": entry.doc_id, "region": entry.region, "adcode": entry.adcode,
            "admin_level": entry.admin_level, "doc_region": entry.region, "doc_adcode": entry.adcode,
            "doctype": entry.doctype, "file": entry.file, "sha256": sha, "published": entry.published,
            "covers": entry.covers}


def document_records(entries: list[CatalogEntry], outcomes: dict[str, Outcome], failed: set[str],
                     counts: dict[str, int], classified: dict[str, int], problems: list[dict]) -> list[dict]:
    """One documents.csv row per catalogued document: what was read (format, pages, characters, OCR pages,
    tables), how many figures.csv rows it has (``counts``; ``classified``: with a metric), and its status with
    the first problem."""
    by_doc: dict[str, list[dict]] = {}
    for p in problems:
        by_doc.setdefault(p["doc_id"], []).append(p)
    records = []
    for entry in entries:
        outcome = outcomes.get(entry.doc_id)
        info = outcome.document if outcome is not None and outcome.ok else {}
        mine = by_doc.get(entry.doc_id, [])
        status = "error" if entry.doc_id in failed else "warning" if mine else "ok"
        records.append({"doc_id": entry.doc_id, "file": entry.file, "format": info.get("format", ""),
                        **{k: info.get(k) for k in ("pages", "characters", "ocr_pages", "tables")},
                        "figures": counts.get(entry.doc_id, 0), "classified": classified.get(entry.doc_id, 0),
                        "status": status, "message": "; ".join(p["error"] for p in mine)})
    return records


# --- the tables, written a part at a time ------------------------------------------------------------------
# figures.csv is built from parts of about FIGURE_PART_ROWS rows (whole documents): each part is typed, checked
# by its schema and appended to figures.csv and figures.parquet, and only its candidates for metrics.csv and
# targets.csv (classified figures with a year and a value) are kept. The tables are those of one frame of every
# figure, byte for byte in the CSVs.
FIGURE_PART_ROWS = 5_000


def _records(doc_id: str, outcomes: dict[str, Outcome], documents: dict[str, dict], figures: _Figures) -> list[dict]:
    """figures.csv's records of one document before corrections: its catalog fields joined onto each figure."""
    outcome = outcomes.get(doc_id)
    if outcome is None or not outcome.ok:
        return []
    # the figure's own fields win: a county row of a provincial table counts for that county
    return [{**documents[doc_id], **f, "corrected": "", "correction_reason": ""} for f in figures.of(doc_id, outcome)]


def _figure_parts(entries: list[CatalogEntry], outcomes: dict[str, Outcome], documents: dict[str, dict],
                  failed: set[str], figures: _Figures) -> Iterator[list[dict]]:
    """figures.csv's records before corrections, in catalog order, whole documents at a time."""
    part: list[dict] = []
    for entry in entries:
        if entry.doc_id in failed:
            continue
        part += _records(entry.doc_id, outcomes, documents, figures)
        if len(part) >= FIGURE_PART_ROWS:
            yield part
            part = []
    if part:
        yield part


def _invalid_message(record: dict, why: str) -> str:
    where = f"page {record.get('page')}, {record.get('text')!r}"
    return f"the extractor produced an invalid figure ({where}: {why}); please report this file"


def _invalid_documents(records: list[dict], tables) -> tuple[Any, dict[str, str]]:
    """The figures table of ``records`` less the documents with a row that breaks its schema (an extractor bug
    fails its document, not the run), and those documents with one line on their first bad row."""
    frame, bad = tables.checked_figures(records)
    if not bad:
        return frame, {}
    invalid: dict[str, str] = {}
    for index, why in sorted(bad.items()):
        invalid.setdefault(records[index].get("doc_id", ""), _invalid_message(records[index], why))
    return tables.figures_table([r for r in records if r.get("doc_id") not in invalid]), invalid


def _failing_additions(corrections: list, outcomes: dict[str, Outcome], documents: dict[str, dict],
                       failed: set[str], figures: _Figures, tables) -> dict[str, str]:
    """Documents whose row added by hand breaks the schema, each with the line on its first bad added row. Added
    rows come last in figures.csv, after every document's figures have been written, so these documents are
    found first, from their own figures (whether an add is stale) and corrections alone."""
    from extract.corpus.corrections import Corrector

    adding = dict.fromkeys(c.doc_id for c in corrections
                           if c.action == "add" and c.doc_id in documents and c.doc_id not in failed)
    found: dict[str, str] = {}
    for doc_id in adding:
        corrector = Corrector([c for c in corrections if c.doc_id == doc_id], documents, failed)
        corrector.correct(_records(doc_id, outcomes, documents, figures))
        added, _stale = corrector.finish()
        _frame, bad = tables.checked_figures(added)
        if bad:
            index, why = min(bad.items())
            found[doc_id] = _invalid_message(added[index], why)
    return found


def _publish(out: Path, entries: list[CatalogEntry], outcomes: dict[str, Outcome], documents: dict[str, dict],
             failed: set[str], corrections: list, figures: _Figures, problems: _Problems, result: RunResult) -> None:
    """Corrections, then every table, checked by its schema and published as one set (write_outputs)."""
    from extract.corpus import tables  # pandera is slow to import: only once there is something to write
    from extract.corpus.corrections import Corrector
    from extract.corpus.targets import pair_targets

    failing_added = _failing_additions(corrections, outcomes, documents, failed, figures, tables)
    corrector = Corrector(corrections, documents, failed)
    invalid: dict[str, str] = {}
    counts: dict[str, int] = {}
    classified: dict[str, int] = {}
    candidates = []

    def take(frame) -> None:
        counts_part = frame.groupby("doc_id", sort=False).size()
        for doc_id, n in counts_part.items():
            counts[doc_id] = counts.get(doc_id, 0) + int(n)
        for doc_id, n in frame[frame["metric"] != ""].groupby("doc_id", sort=False).size().items():
            classified[doc_id] = classified.get(doc_id, 0) + int(n)
        candidates.append(tables.metric_candidates(frame, tables.CANDIDATE_COLUMNS))
        writer.add(frame)

    with OutputSet(out) as outputs:
        writer = tables.FiguresWriter(outputs)
        for part in _figure_parts(entries, outcomes, documents, failed, figures):
            # corrections see every figure (their stale lines do not depend on a later check)
            frame, bad = _invalid_documents(corrector.correct(part), tables)
            invalid.update(bad)
            if failing_added:  # a document whose hand-added row breaks the schema: its figures are not written
                frame = frame[~frame["doc_id"].isin(failing_added)]
            take(frame)
        added, stale = corrector.finish()
        added = [r for r in added if r.get("doc_id") not in invalid and r.get("doc_id") not in failing_added]
        frame, bad_added = _invalid_documents(added, tables)
        take(frame)
        writer.close()
        for doc_id, line in stale:
            problems.add(doc_id, "corrections.csv", "corrections", line, "warning")
        # each failed document's line, in the order of its first bad row: its own figures (catalog order), then
        # the rows added by hand
        by_id = {e.doc_id: e for e in entries}
        order = {doc_id: k for k, doc_id in enumerate(documents)}
        later = {d: m for d, m in {**failing_added, **bad_added}.items() if d not in invalid}
        for doc_id, message in [*invalid.items(), *sorted(later.items(), key=lambda item: order.get(item[0], len(order)))]:
            failed.add(doc_id)
            if doc_id in by_id:
                problems.document(by_id[doc_id], "extract", message, "error")
            else:
                problems.add(doc_id, "", "extract", message, "error")

        usable = tables.concat_figures(candidates)
        metrics_df = tables.select_metrics(usable)
        documents_df = tables.documents_table(document_records(entries, outcomes, failed, counts, classified,
                                                               problems.rows))
        checks_df = tables.checks_table(collect_checks(
            (e.doc_id, outcomes[e.doc_id].checks) for e in entries if e.doc_id in counts and e.doc_id in outcomes))
        write_outputs(outputs, metrics_df, tables.errors_table(problems.rows), documents_df,
                      pair_targets(usable), checks_df)
    result.figures = writer.rows
    result.classified = sum(classified.values())
    result.metrics = len(metrics_df)


def write_outputs(outputs: OutputSet, metrics, errors, documents, targets, checks) -> None:
    """The tables after figures.csv into the set being published (extract.safety.OutputSet): a reader, or a run
    killed halfway, sees all of the previous run's tables or all of this one's. One line per output file
    (OUTPUT_FILES lists them)."""
    outputs.write("metrics.parquet", lambda path: metrics.to_parquet(path, index=False))
    outputs.csv("metrics.csv", metrics)
    outputs.write("targets.parquet", lambda path: targets.to_parquet(path, index=False))
    outputs.csv("targets.csv", targets)
    outputs.csv("checks.csv", checks)
    outputs.csv("errors.csv", errors)
    outputs.csv("documents.csv", documents)


# --- a run whose inputs did not change keeps the published set -------------------------------------------
# A warm run of 500 documents spent 4.5 s rebuilding tables it had already published. When every input is what
# the published set was built from (each document's cache key, the catalog, corrections.csv, the code of the
# run and its tables, the options that change outputs), and the set's files are byte for byte what that run
# wrote, the set is kept and the run says what it said then.

def _manifest_path(out: Path, cache: Cache) -> Path:
    where = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:16]
    return cache.folder / f"run-{where}.json"


def _inputs_key(options: RunOptions, entries: list[CatalogEntry], shas: dict[str, str], keys: dict[str, str],
                problems: list[dict]) -> str:
    corrections = Path(options.raw) / "corrections.csv"
    parts = {
        "code": code_fingerprint("extract.corpus.run"), "version": config.EXTRACTOR_VERSION,
        "entries": [[catalog_fields(e, shas.get(e.doc_id, "")), keys.get(e.doc_id, "")] for e in entries],
        "corrections": hashlib.sha256(corrections.read_bytes()).hexdigest() if corrections.is_file() else "",
        "strict": options.strict, "ocr": options.ocr, "problems": problems,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _kept_outputs(out: Path, cache: Cache, inputs: str, keys: dict[str, str]) -> dict | None:
    """The record of the run that published ``out``'s current set, if it was built from ``inputs`` and its files
    are unchanged; else None (the run goes on and rebuilds the set)."""
    try:
        record = json.loads(_manifest_path(out, cache).read_text(encoding="utf-8"))
        if record.get("inputs") != inputs or record.get("entries") != _entry_stats(cache, keys):
            return None  # another input, or a cache entry gone or rewritten since (a tampered one is re-read)
        folder = published(out)
        if folder.name != record["set"]:
            return None
        for name, digest in record["files"].items():
            if not (out / name).is_file() or sha256_of(folder / name) != digest:
                return None
        return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _entry_stats(cache: Cache, keys: dict[str, str]) -> dict[str, list[int]] | None:
    """(size, modification time) of each document's cache entry; None when one is missing."""
    stats = {}
    for key in sorted(keys.values()):
        try:
            st = cache.path(key).stat()
        except OSError:
            return None
        stats[key] = [st.st_size, st.st_mtime_ns]
    return stats


def _record_outputs(out: Path, cache: Cache, inputs: str, keys: dict[str, str], result: RunResult,
                    problems: list[dict]) -> None:
    """What the set just published was built from and what the run said (for _kept_outputs)."""
    folder = published(out)
    entries = _entry_stats(cache, keys)
    if entries is None:  # a document left uncached: the next run reads it anyway
        return
    with contextlib.suppress(OSError, ValueError):
        record = {"inputs": inputs, "set": folder.name, "entries": entries,
                  "files": {name: sha256_of(folder / name) for name in OUTPUT_FILES if (folder / name).is_file()},
                  "problems": problems, "failed": result.failed, "figures": result.figures,
                  "classified": result.classified, "metrics": result.metrics,
                  "empty_documents": result.empty_documents}
        atomic_write_bytes(_manifest_path(out, cache), json.dumps(record, ensure_ascii=False).encode(), durable=False)


def _kept_result(record: dict, result: RunResult, problems: _Problems, n_documents: int, started: float,
                 out: Path) -> RunResult:
    for row in record["problems"][len(problems.rows):]:  # the first ones were found again (checksums)
        problems.add(row["doc_id"], row["file"], row["stage"], row["error"], row["severity"])
    result.cached = n_documents
    result.failed, result.figures = record["failed"], record["figures"]
    result.classified, result.metrics = record["classified"], record["metrics"]
    result.empty_documents = list(record["empty_documents"])
    result.warned = problems.count("warning")
    result.seconds = time.monotonic() - started
    result.exit_code = 1 if problems.count("error") else 0
    result.summary = summary_text(result, out) + "\n  outputs unchanged: every input is what they were built from"
    return result


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


def _execute(tasks: list[Task], extractor: Extractor, limits: Limits, options: RunOptions,
             lock: OutputLock) -> Iterator[tuple[str, Outcome]]:
    if not tasks:
        return
    jobs = options.jobs or available_cores()
    if options.scheduler:
        source = run_dask(tasks, extractor, limits, options.scheduler)
    else:
        warm_up()  # imports and compiled patterns shared with every forked worker (0.5 s less per document)
        source = run_local(tasks, extractor, limits, jobs, close_fds=[lock.fileno()])
    with terminal.progress_bar(len(tasks), "extracting", unit="doc", enabled=not options.quiet) as bar:
        for item in source:
            bar.update(1)
            yield item
