"""What every command says on the terminal besides its results: how much (``--quiet`` / ``--verbose``) and the
progress bars of long commands.

One setting for the whole process, set once by the command line (``extract.cli``) and read by the commands:

    terminal.configure(verbosity=terminal.QUIET)      # --quiet: no progress bars, no notes, errors still printed
    for doc in terminal.progress(documents, "checking", unit="doc"): ...
    terminal.note("3 documents from cache")          # printed unless --quiet
    terminal.detail("page 3: 412 characters")       # printed only with --verbose

Progress bars go to stderr and only when stderr is a terminal (a log file or a pipe gets no bar), unless
``REVIEWFIGS_PROGRESS=1`` forces them (tests, CI logs that want them). Imports nothing of the package.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

QUIET, NORMAL, VERBOSE = 0, 1, 2
_state = {"verbosity": NORMAL}
T = TypeVar("T")


def configure(verbosity: int = NORMAL) -> None:
    _state["verbosity"] = verbosity


def verbosity() -> int:
    return _state["verbosity"]


def quiet() -> bool:
    return _state["verbosity"] <= QUIET


def note(message: str) -> None:
    """A line about how the command went (not its result): stderr, unless --quiet."""
    if not quiet():
        print(message, file=sys.stderr, flush=True)


def detail(message: str) -> None:
    """A line only --verbose users want."""
    if _state["verbosity"] >= VERBOSE:
        print(message, file=sys.stderr, flush=True)


def bars_wanted() -> bool:
    """Whether progress bars are drawn: not --quiet, and stderr a terminal (or REVIEWFIGS_PROGRESS=1)."""
    if quiet():
        return False
    forced = os.environ.get("REVIEWFIGS_PROGRESS", "")
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stderr.isatty()


def progress_bar(total: int, desc: str, unit: str = "doc", enabled: bool = True):
    """A tqdm bar on stderr (disabled when bars are not wanted or not ``enabled``); use as a context manager and
    ``update(1)``."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: some commands fork worker processes
    size = shutil.get_terminal_size((80, 20))  # a fresh pty reports 0 x 0, which hides the bar
    return tqdm(total=total, disable=not (enabled and bars_wanted()), unit=unit, desc=desc, file=sys.stderr,
                ncols=size.columns or 80, nrows=size.lines or 20)


def progress(items: Iterable[T], desc: str, unit: str = "doc", total: int | None = None,
             enabled: bool = True) -> Iterator[T]:
    """``items`` one by one while a bar counts them (see progress_bar)."""
    items = list(items) if total is None else items
    with progress_bar(len(items) if total is None else total, desc, unit, enabled) as bar:
        for item in items:
            yield item
            bar.update(1)


def did_you_mean(word: str, known, n: int = 3, cutoff: float = 0.5) -> str:
    """" (did you mean a, b?)" naming the close matches of a mistyped ``word`` among ``known``, or ""."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=n, cutoff=cutoff)
    return f" (did you mean {', '.join(close)}?)" if close else ""
