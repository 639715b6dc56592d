"""Data files the grammar reads on every start (taxonomy.yaml), parsed once and kept between processes.

Parsing taxonomy.yaml costs about 0.1 CPU-s, two thirds of a one-page ``reviewfigs extract``. The parsed data
(plain dicts, lists and strings) is kept with ``marshal`` (data only: loading it runs no code) in the user's
cache folder, keyed by the file's bytes and the Python version; a cache that cannot be read or written is
skipped, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

FORMAT = "1"  # bump when what parse_yaml returns changes shape


def cache_dir() -> Path:
    """REVIEWFIGS_CACHE, else $XDG_CACHE_HOME/reviewfigs, else ~/.cache/reviewfigs."""
    explicit = os.environ.get("REVIEWFIGS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reviewfigs"


@functools.lru_cache(maxsize=8)
def parse_yaml(path: str | Path) -> Any:
    """The data of a YAML file, from the cache when the same bytes were parsed before (once per process: the
    callers only read it)."""
    raw = Path(path).read_bytes()
    key = hashlib.sha256(raw + f"|{FORMAT}|{sys.version_info[:2]}|{yaml.__version__}".encode()).hexdigest()[:32]
    cached = cache_dir() / f"{Path(path).stem}-{key}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        return marshal.loads(cached.read_bytes())
    # libyaml's safe loader when PyYAML has it: the same data 9x faster than the pure-Python one
    data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    with contextlib.suppress(OSError, ValueError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(data))
            os.replace(tmp, cached)  # atomic: a reader sees the whole file or none
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return data
