"""Extracting documents in worker processes: one process per document, under a wall-time, memory and page
limit, so that a document that crashes the PDF library, hangs or explodes in memory fails alone.

``run_local`` forks workers itself (``-j N``); ``run_dask`` sends tasks of a few documents to a Dask cluster,
whose worker then runs each document as ``run_local`` does (the same forked process and limits). Both yield
``(cache_key, Outcome)`` as documents finish. ``run_limited`` runs any one job the same way: `extract`,
`show`, `check` and `report` read their documents under the very limits of `run`. Everything that crosses a
process boundary is plain data (``Task``, ``Outcome``).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import functools
import gc
import os
import pickle
import resource
import selectors
import signal
import sysconfig
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from extract import config
from extract.model import DocMeta, DocumentError, Figure

Extractor = Callable[..., list[Figure]]


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be used; nothing is written."""


@dataclass
class Limits:
    """The limits on reading one document, the same for every command (--timeout, --max-pages, --memory-mb)."""

    timeout: float = config.DEFAULT_TIMEOUT
    max_pages: int = config.DEFAULT_MAX_PAGES
    memory_mb: int = config.DEFAULT_MEMORY_MB
    ocr: bool = True  # OCR pages without a text layer (--no-ocr: report them instead)
    ocr_progress: bool = False  # a line on stderr per OCRed page (one document's commands; a run has its bar)

    @classmethod
    def from_arguments(cls, args: Any) -> Limits:
        return cls(args.timeout, args.max_pages, args.memory_mb, not getattr(args, "no_ocr", False), True)

    def ocr_settings(self):
        """How the reader OCRs scanned pages under these limits (extract.read.ocr.OcrSettings)."""
        from extract.read.ocr import OcrSettings, print_progress

        return OcrSettings(enabled=self.ocr, progress=print_progress if self.ocr_progress else None)

    @classmethod
    def current(cls) -> Limits:
        """The limits a command passed down to this process (a notebook kernel started by `reviewfigs
        report`), else the defaults."""
        found = {name: os.environ.get(variable) for name, variable in config.LIMIT_VARIABLES.items()}
        try:
            return cls(float(found["timeout"] or config.DEFAULT_TIMEOUT),
                       int(found["max_pages"] or config.DEFAULT_MAX_PAGES),
                       int(found["memory_mb"] or config.DEFAULT_MEMORY_MB))
        except ValueError:
            return cls()

    def environment(self) -> dict[str, str]:
        """The variables ``current()`` reads, for a child process."""
        return {config.LIMIT_VARIABLES["timeout"]: repr(self.timeout),
                config.LIMIT_VARIABLES["max_pages"]: str(self.max_pages),
                config.LIMIT_VARIABLES["memory_mb"]: str(self.memory_mb)}

    def problem(self) -> str:
        """'' or why the limits cannot be used (one line)."""
        if not (self.timeout > 0 and self.max_pages > 0 and self.memory_mb > 0):
            return "--timeout, --max-pages and --memory-mb must be positive"
        return ""


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
    checks: list[dict] = field(default_factory=list)  # rows of checks.csv (extract.corpus.checks), no doc_id
    value: Any = None  # what a run_limited job returned
    document: dict = field(default_factory=dict)  # format, pages, characters, ocr_pages, tables (documents.csv)


def extract_task(task: Task, extractor: Extractor, max_pages: int, ocr=None) -> Outcome:
    """Extract one document (runs inside the worker process). Document warnings raised with
    ``warnings.warn`` by the extract package are kept; the figures become plain dicts. An extractor may return
    its figures, or an object with ``figures`` and ``checks`` (extract.corpus.checks.extract_checked)."""
    info: dict = {}
    extra = {"document_info": info} if _takes(extractor, "document_info") else {}
    if ocr is not None and _takes(extractor, "ocr"):
        extra["ocr"] = ocr  # extract.read.ocr.OcrSettings
    result, notes = with_document_warnings(
        lambda: extractor(task.path, meta=task.meta, max_pages=max_pages, **extra))
    figures = getattr(result, "figures", result)
    checks = [dict(row) for row in getattr(result, "checks", [])]
    return Outcome(ok=True, figures=[_figure_record(f) for f in figures], warnings=notes, checks=checks,
                   document=info)


def with_document_warnings(job: Callable[[], Any]) -> tuple[Any, list[str]]:
    """``job()`` and the document warnings it raised (``warnings.warn`` in the extract package), each once."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = job()
    notes: list[str] = []
    for w in caught:
        message = " ".join(str(w.message).split())
        if _is_document_warning(w) and message not in notes:
            notes.append(message)
    return value, notes


def _takes(extractor: Extractor, name: str) -> bool:
    """Whether the extractor takes keyword ``name`` (extract_document takes document_info, to report what it
    read, and ocr; a test's stand-in may not)."""
    import inspect

    try:
        return name in inspect.signature(extractor).parameters
    except (TypeError, ValueError):
        return False


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


def _child_run(write_fd: int, work: Callable[[], Outcome], limits: Limits, close_fds: Iterable[int]) -> None:
    """Body of a forked worker: limits first, then the document; the outcome is pickled down the pipe."""
    for fd in close_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    # What the worker inherited is never garbage here: left out of the collector, whose full passes would
    # otherwise walk (and, by touching, copy) every object of the process it was forked from (measured: 3-5% of
    # the CPU of a 30-document -j 1 run: median and mean of 9 alternating pairs).
    gc.freeze()
    _die_with_parent()
    faulthandler.disable()  # a crash is reported by the parent in one line, not as a C-level dump
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        _limit_memory(limits.memory_mb)
        try:
            outcome = work()
        except DocumentError as exc:
            outcome = Outcome(ok=False, stage=getattr(exc, "stage", "read") or "read", error=exc.reason)
        except MemoryError:
            outcome = _memory_outcome(limits)
        except RecursionError:
            outcome = Outcome(ok=False, stage="read", error="document structure nested too deeply to read")
        except Exception as exc:  # a bug or an unforeseen file: one document fails, the run goes on
            outcome = Outcome(ok=False, stage="extract", error=bug_line(exc))
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


def bug_line(exc: BaseException) -> str:
    """The one line for an error no rule foresaw: a bug of reviewfigs or of a library, to be reported."""
    text = str(exc).strip()
    first = text.splitlines()[0][:300] if text else ""
    return f"could not extract ({type(exc).__name__}: {first}); please report this file"


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


def _start_child(work: Callable[[], Outcome], key: str, limits: Limits, close_fds: list[int]) -> _Child:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read_fd)
        _child_run(write_fd, work, limits, close_fds)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    return _Child(pid, read_fd, key, time.monotonic() + limits.timeout)


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


def run_local(tasks: list[Task], extractor: Extractor, limits: Limits, jobs: int,
              close_fds: list[int] | None = None) -> Iterator[tuple[str, Outcome]]:
    """Extract ``tasks`` with at most ``jobs`` worker processes, one per document; yield (cache_key, outcome) as
    they finish. The parent only forks, waits on pipes and enforces deadlines: no threads."""
    ocr = limits.ocr_settings()
    work = [(functools.partial(extract_task, task, extractor, limits.max_pages, ocr), task.cache_key) for task in tasks]
    yield from _run_work(work, limits, jobs, close_fds)


def run_limited(job: Callable[[], Any], limits: Limits) -> Outcome:
    """``job()`` in one forked worker under ``limits`` (time, memory; the job applies max_pages itself):
    Outcome(ok=True, value=job's result, warnings=its document warnings), or ok=False with the one line the run
    would print (DocumentError's reason, a limit, a crash). The result must pickle."""
    def work() -> Outcome:
        value, notes = with_document_warnings(job)
        return Outcome(ok=True, value=value, warnings=notes)

    for _key, outcome in _run_work([(work, "job")], limits, 1, None):
        return outcome
    raise RuntimeError("no outcome")  # unreachable: one job, one outcome


def _run_work(work: list[tuple[Callable[[], Outcome], str]], limits: Limits, jobs: int,
              close_fds: list[int] | None) -> Iterator[tuple[str, Outcome]]:
    pending = deque(work)
    running: dict[int, _Child] = {}
    ended: list[tuple[_Child, bool]] = []  # (worker, timed out): seen to end, not yet reaped
    selector = selectors.DefaultSelector()
    close_fds = list(close_fds or [])
    try:
        while pending or running or ended:
            while pending and len(running) < jobs:
                child = _start_child(*pending.popleft(), limits,
                                     close_fds + [c.fd for c in running.values()] + [c.fd for c, _ in ended])
                running[child.fd] = child
                selector.register(child.fd, selectors.EVENT_READ)
            # Reaped only once their replacements run: a worker's exit (unmapping its memory) and the caller's
            # use of its outcome (the cache, the progress bar) do not hold up the next document.
            while ended:
                child, timed_out = ended.pop(0)
                yield child.key, _finish_child(child, limits, timed_out=timed_out)
            if not running:
                continue
            wait = max(0.0, min(c.deadline for c in running.values()) - time.monotonic())
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


@functools.cache
def warm_up() -> None:
    """Import what the extractor loads lazily and read its taxonomy in the process that forks the workers: each
    worker then starts warm instead of paying ~0.5 s per document. Once per process; best effort: failures only
    cost speed."""
    with contextlib.suppress(Exception):
        from extract.figures import find_figures
        from extract.model import DocMeta
        from extract.read import layout, pdf, plaintext, sniff, webpage  # noqa: F401  (imported for the workers)
        from extract.read.layout import document_from_text

        # Label one made-up passage so patterns compiled on first use are compiled here, once, not in every worker.
        find_figures(document_from_text("一、2025年工作回顾\n全年地区生产总值1.2万亿元、增长5.5%，召开会议12次。\n"
                                         "今年主要预期目标是：城镇新增就业50万人左右。"),
                     DocMeta(doc_id="warm-up", published=2026, covers="2025", doctype="gov-report"))


def run_isolated(task: Task, extractor: Extractor, limits: Limits, warm: bool = True) -> Outcome:
    """One document in its own forked process under ``limits`` (what a Dask worker runs per task, and `extract`,
    `check` and `show` per document). ``warm``: warm_up first, for a process that forks more documents after
    this one; a process that reads one document leaves its worker to import what that document needs (a PDF:
    no readers of text files and web pages, no made-up passage labelled; 0.03 CPU-s of `extract`'s 0.25)."""
    if warm:
        warm_up()
    for _key, outcome in run_local([task], extractor, limits, jobs=1):
        return outcome
    raise RuntimeError("no outcome")  # unreachable: run_local yields once per task


def _dask_batch(tasks: list[Task], extractor: Extractor, limits: Limits) -> list[tuple[str, Outcome]]:
    """A Dask task: a few documents, each in its own forked process under ``limits``, as ``run_local`` runs
    them (the next one starts before the last is reaped)."""
    warm_up()  # once per worker process; later calls find everything imported
    return list(run_local(tasks, extractor, limits, jobs=1))


# Documents per Dask task: a task costs the scheduler and the worker ~40 ms of CPU beside its documents (a
# 2-core LocalCluster spent 2.1 CPU-s of its scheduler on 112 one-document tasks, 1.7 on 16 tasks of 7), so
# tasks hold several documents: each a DASK_SHARE-th of what is left per worker thread (at most
# DASK_BATCH_LIMIT), so they shrink to one document towards the end and no worker idles long while another
# finishes a big task (a last task of 7 documents left one idle 0.5 s of 24).
DASK_SHARE = 4
DASK_BATCH_LIMIT = 16


def dask_batches(tasks: list[Task], threads: int) -> list[list[Task]]:
    """``tasks`` (largest first) cut into consecutive batches, each ``1 / (DASK_SHARE * threads)`` of the documents
    still to batch (at least one, at most DASK_BATCH_LIMIT)."""
    batches: list[list[Task]] = []
    start, share = 0, DASK_SHARE * max(1, threads)
    while start < len(tasks):
        size = max(1, min(DASK_BATCH_LIMIT, (len(tasks) - start) // share))
        batches.append(tasks[start:start + size])
        start += size
    return batches


def run_dask(tasks: list[Task], extractor: Extractor, limits: Limits, address: str) -> Iterator[tuple[str, Outcome]]:
    """Dask tasks of a few documents each (dask_batches); the worker opens the files itself (paths must be
    visible to it). A task that fails (its worker died) is sent again one document per task, so only the
    document that kills a worker fails."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'reviewfigs[dask]'") from None
    try:
        client = Client(address, set_as_default=False, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        batches = dask_batches(tasks, threads)
        futures = client.map(_dask_batch, batches, extractor=extractor, limits=limits, pure=False,
                             key=[f"reviewfigs-{b[0].cache_key[:16]}-{i}" for i, b in enumerate(batches)])
        batch_of = {future.key: batches[i] for i, future in enumerate(futures)}
        done = as_completed(futures, loop=client.loop)
        for future in done:
            batch = batch_of.pop(future.key)
            if future.status == "finished":
                yield from future.result()
            elif len(batch) > 1:  # one of its documents may have killed the worker: each on its own
                again = client.map(_dask_batch, [[t] for t in batch], extractor=extractor, limits=limits,
                                   pure=False, key=[f"reviewfigs-{t.cache_key[:16]}-alone" for t in batch])
                batch_of.update((f.key, [t]) for f, t in zip(again, batch, strict=True))
                done.update(again)
            else:  # the task raised, or its worker died and the scheduler gave up on it
                why = future.exception() if future.status == "error" else future.status
                yield batch[0].cache_key, Outcome(ok=False, stage="extract", error=f"Dask task failed: {why}")
            future.release()


def available_cores() -> int:
    """Cores this process may use (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


