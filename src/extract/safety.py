"""Treat inputs as untrusted and outputs as precious.

- ``neutralise_cell`` / ``write_csv_safely``: CSV cells that a spreadsheet would read as a formula get a leading
  apostrophe (OWASP "CSV injection"); numbers stay numbers; the file is written atomically.
- ``atomic_write_bytes`` / ``atomic_writer``: write to a temp file beside the target, then ``os.replace``; an
  interrupted run never leaves a half-written file, and ``remove_stale_temps`` cleans up after a killed one.
- ``OutputSet``: the tables of one run published together: written into a new folder, then one pointer
  switched, so a reader (or a run killed halfway) sees either the old set or the new one, never a mix.
- ``valid_doc_id`` / ``confine_path``: doc_ids cannot steer writes, catalog paths stay inside their folder.
- ``OutputLock``: one run at a time per output folder (fcntl lock).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a frame is written: a run reads its catalog without pandas
    import pandas as pd

# A spreadsheet treats a cell beginning with one of these as a formula (or a formula after whitespace).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEMP_MARK = ".tmp-"

@functools.cache
def _doc_id_pattern() -> re.Pattern[str]:
    # Letters, digits, ._- and CJK ideographs; never starting with a dot (no "..", no hidden names). Compiled when
    # first asked for: its CJK ranges cost re 5 ms, paid by every start-up of `reviewfigs extract`, which names
    # no document ids.
    return re.compile(r"[A-Za-z0-9_\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][A-Za-z0-9._\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{0,199}")


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would execute with an apostrophe; leave everything else alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text columns are neutralised; numeric, boolean and date columns are untouched."""
    import pandas as pd

    out = df.copy()
    for column in out.columns:
        series = out[column]
        if not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        try:  # vectorised (a cell at a time costs 20 ms per 2,000-row table); non-text cells give False
            starts = series.str.startswith(FORMULA_PREFIXES, na=False)
        except AttributeError:  # an object column holding no text at all
            continue
        if starts.any():
            out[column] = series.where(~starts, "'" + series[starts])
    return out


def csv_text(df: pd.DataFrame, header: bool = True) -> str:
    """``df`` as write_csv_safely writes it (formula-like cells neutralised, no index, LF line ends), as text:
    for a file written a part at a time."""
    return neutralise_frame(df).to_csv(index=False, header=header, lineterminator="\n")


def write_csv_safely(df: pd.DataFrame, path: str | Path, bom: bool = True, atomic: bool = True) -> Path:
    """Write ``df`` to ``path`` as CSV safe to open in Excel/LibreOffice: formula-like text cells neutralised,
    UTF-8 with BOM by default (Excel then reads Chinese correctly), written atomically (unless the caller
    publishes it atomically itself, as OutputSet does). Returns the path."""
    path = Path(path)
    data = csv_text(df).encode("utf-8-sig" if bom else "utf-8")
    if atomic:
        atomic_write_bytes(path, data)
    else:
        path.write_bytes(data)
    return path


@contextlib.contextmanager
def atomic_writer(path: str | Path, durable: bool = True) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it replaces ``path`` in one step, on failure it is removed.
    ``durable`` syncs the data to disk before the rename (skip it for files that are checked on read)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        if durable:
            _fsync_file(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes, durable: bool = True) -> None:
    with atomic_writer(path, durable=durable) as tmp:
        tmp.write_bytes(data)


def _fsync_file(path: Path) -> None:
    """fsync a file or a folder (its entries)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(folder: str | Path) -> int:
    """Delete temp files a killed run left in ``folder`` (call it while holding the folder's lock)."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    removed = 0
    for p in folder.iterdir():
        if p.name.startswith(".") and TEMP_MARK in p.name and (p.is_file() or p.is_symlink()):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed += 1
    return removed


class OutputSet:
    """Files published together in ``folder``, as one set::

        with OutputSet(out) as outputs:
            outputs.write("figures.parquet", lambda path: frame.to_parquet(path, index=False))
            outputs.csv("metrics.csv", metrics)        # spreadsheet-safe, as write_csv_safely

    Every file goes into a new folder ``.sets/<id>/``; on leaving the block without an error the pointer
    ``.current`` (a symbolic link) is switched to it in one rename, and each ``folder/<name>`` is a link to
    ``.current/<name>``. A reader opening ``folder/figures.csv`` and ``folder/metrics.csv`` a moment apart could
    still straddle a switch: ``published(folder)`` names the set's own folder, to read one set whole. A run
    killed at any point leaves the previous set in place; the set before the previous one is deleted, so a
    reader still busy with the previous set is not cut off. Tables written by an older version (plain files)
    become the first set without ever showing a mix. Call it while holding the folder's OutputLock.
    """

    SETS = ".sets"
    CURRENT = ".current"

    def __init__(self, folder: str | Path, durable: bool = True):
        self.folder = Path(folder)
        self.durable = durable
        self.names: list[str] = []
        self.path: Path | None = None

    def __enter__(self) -> OutputSet:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._adopt_plain_files()
        self._remove_sets(keep={self._current_set()})
        self.path = Path(tempfile.mkdtemp(prefix=f"{time.time_ns():020d}-", dir=self._sets()))
        os.chmod(self.path, 0o777 & ~_umask())
        return self

    def write(self, name: str, writer: Callable[[Path], object]) -> None:
        """Write ``name`` of the set: ``writer(path)`` writes the file at ``path``."""
        writer(self.begin(name))
        self.end(name)

    def begin(self, name: str) -> Path:
        """Where to write ``name`` of the set, a part at a time (then ``end(name)``)."""
        assert self.path is not None and "/" not in name and not name.startswith(".")
        return self.path / name

    def end(self, name: str) -> None:
        """``name``, written at ``begin(name)``'s path, is complete."""
        target = self.begin(name)
        os.chmod(target, 0o666 & ~_umask())
        if self.durable:
            _fsync_file(target)
        self.names.append(name)

    def csv(self, name: str, frame: pd.DataFrame) -> None:
        self.write(name, lambda path: write_csv_safely(frame, path, atomic=False))

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.path is not None
        if exc_type is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        previous = self._current_set()
        if self.durable:
            _fsync_file(self.path)
        _replace_with_link(self.folder / self.CURRENT, Path(self.SETS) / self.path.name)
        for name in self.names:
            link = self.folder / name
            if not (link.is_symlink() and os.readlink(link) == str(Path(self.CURRENT) / name)):
                _replace_with_link(link, Path(self.CURRENT) / name)
        for link in self.folder.iterdir():  # an output this version no longer writes: its link would dangle
            if link.is_symlink() and link.name not in self.names and os.readlink(link).startswith(self.CURRENT):
                link.unlink()
        if self.durable:
            _fsync_file(self.folder)
        self._remove_sets(keep={self.path.name, previous})

    def _sets(self) -> Path:
        sets = self.folder / self.SETS
        sets.mkdir(exist_ok=True)
        return sets

    def _current_set(self) -> str:
        current = self.folder / self.CURRENT
        return Path(os.readlink(current)).name if current.is_symlink() else ""

    def _remove_sets(self, keep: set[str]) -> None:
        for path in self._sets().iterdir():
            if path.name in keep:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()

    def _adopt_plain_files(self) -> None:
        """Plain output files of an older version become a set (hard links: no copy), then links to it: at
        every moment each name shows the same content."""
        if (self.folder / self.CURRENT).is_symlink():
            return
        plain = [p for p in self.folder.iterdir() if p.is_file() and not p.is_symlink()
                 and not p.name.startswith(".")]
        if not plain:
            return
        adopted = Path(tempfile.mkdtemp(prefix=f"{time.time_ns():020d}-", dir=self._sets()))
        for p in plain:
            try:
                os.link(p, adopted / p.name)
            except OSError:
                shutil.copy2(p, adopted / p.name)
        _replace_with_link(self.folder / self.CURRENT, Path(self.SETS) / adopted.name)
        for p in plain:
            _replace_with_link(p, Path(self.CURRENT) / p.name)


def published(folder: str | Path) -> Path:
    """The folder holding ``folder``'s current set of outputs (``folder`` itself for plain files): read every
    table from here to see one run's set whole even while the next run publishes its own."""
    folder = Path(folder)
    current = folder / OutputSet.CURRENT
    return current.resolve() if current.is_symlink() else folder


def _replace_with_link(path: Path, target: Path) -> None:
    """Make ``path`` a symbolic link to ``target`` in one rename (a reader sees the old entry or the new)."""
    tmp = path.parent / f".{path.name}{TEMP_MARK}{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)


def valid_doc_id(doc_id: str) -> bool:
    return bool(_doc_id_pattern().fullmatch(doc_id))


def confine_path(base: Path, relative: str, allow_outside: bool = False) -> tuple[Path, str | None]:
    """Resolve catalog path ``relative`` against folder ``base``.

    Returns (resolved path, problem) where problem is None or a one-line reason: an absolute path, a path
    escaping ``base`` with "..", or a link pointing outside ``base``. ``allow_outside`` accepts all three.
    """
    base_real = base.resolve()
    raw = Path(relative)
    if raw.is_absolute():
        target = raw.resolve()
        if allow_outside:
            return target, None
        return target, f"absolute path {relative!r} not allowed (paths are relative to the catalog folder; --allow-outside accepts it)"
    lexical = Path(os.path.normpath(base_real / raw))
    target = (base_real / raw).resolve()
    if allow_outside:
        return target, None
    if not _is_inside(lexical, base_real):
        return target, f"path {relative!r} escapes the catalog folder with '..' (--allow-outside accepts it)"
    if not _is_inside(target, base_real):
        return target, f"path {relative!r} is a link pointing outside the catalog folder, to {target} (--allow-outside accepts it)"
    return target, None


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class OutputLockedError(RuntimeError):
    pass


class OutputLock:
    """An exclusive fcntl lock on ``<folder>/.reviewfigs.lock``: a second run on the same folder refuses
    (``wait=False``) or waits for the first one to finish. The kernel drops the lock when a process dies,
    so a killed run never leaves the folder locked."""

    def __init__(self, folder: str | Path, wait: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / ".reviewfigs.lock"
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                holder = _read_holder(self.path)
                raise OutputLockedError(
                    f"{self.folder}: another reviewfigs run{holder} is writing here; wait for it to finish "
                    "or choose another --out"
                ) from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def fileno(self) -> int:
        return -1 if self._fd is None else self._fd

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read_holder(path: Path) -> str:
    try:
        pid = path.read_text().strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
