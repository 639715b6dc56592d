"""Data files the grammar reads on every start (taxonomy.yaml), parsed once and kept between processes.

Parsing taxonomy.yaml costs about 0.1 CPU-s and building the gazetteer from cpca's adcodes 0.04 s: most of a
one-page ``reviewfigs extract``. The built data (plain dicts, lists, tuples and strings) is kept with
``marshal`` (data only: loading it runs no code) in the user's cache folder, keyed by the bytes it is built
from, the code that builds it and the Python version; a cache that cannot be read or written is skipped, never
an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = "1"  # bump when what parse_yaml returns changes shape


def cache_dir() -> Path:
    """REVIEWFIGS_CACHE, else $XDG_CACHE_HOME/reviewfigs, else ~/.cache/reviewfigs."""
    explicit = os.environ.get("REVIEWFIGS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reviewfigs"


def cached(name: str, key_parts: list[bytes], build: Callable[[], Any]) -> Any:
    """``build()``'s plain data (dicts, lists, tuples, strings, numbers), kept in the cache under a key made of
    ``key_parts`` (the bytes the data is built from, and the code that builds it) and the Python version."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}".encode())
    for part in key_parts:
        digest.update(hashlib.sha256(part).digest())
    path = cache_dir() / f"{name}-{digest.hexdigest()[:32]}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        return marshal.loads(path.read_bytes())
    data = build()
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(data))
            os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return data


@functools.lru_cache(maxsize=8)
def parse_yaml(path: str | Path) -> Any:
    """The data of a YAML file, from the cache when the same bytes were parsed before (once per process: the
    callers only read it)."""
    raw = Path(path).read_bytes()

    def parse() -> Any:
        import yaml  # only on a cache miss: importing PyYAML is 0.01 s of every start

        # libyaml's safe loader when PyYAML has it: the same data 9x faster than the pure-Python one
        return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    return cached(Path(path).stem, [raw], parse)
