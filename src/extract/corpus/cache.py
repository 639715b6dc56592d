"""The run cache: one file per document under ``OUT/.cache`` (or ``--cache DIR``), holding its figures, warnings,
checks and document facts, with a checksum of them. The entry is ``marshal`` data (plain dicts, lists, strings
and numbers; loading it runs no code) behind a header: a warm run of 500 documents read its JSON entries in 1.1 s,
parsing each twice (envelope, then payload); marshal reads them in a fraction of that.

The key is the file's sha256, ``config.EXTRACTOR_VERSION``, a fingerprint of the code that turns a file into
figures (``extract.fingerprint``: the import closure of ``extract.figures``, i.e. every module and data file of
``read/`` and ``grammar/``, ``figures.py``, ``model.py``, ``normalize.py``, ``config.py``) and the catalog
fields that steer labelling. Editing the corpus, chart or command-line code keeps the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
from dataclasses import asdict
from pathlib import Path

from extract import config
from extract.corpus.workers import Outcome
from extract.fingerprint import code_fingerprint
from extract.model import DocMeta
from extract.safety import atomic_write_bytes, remove_stale_temps

CACHE_FORMAT = 2
MAGIC = b"reviewfigs-cache\n"  # then the format (1 byte), the key (64 hex), the body's sha256 (32 bytes), the body
EXTRACTOR_MODULE = "extract.figures"  # what a worker runs: its import closure is what the cache depends on


def extractor_fingerprint() -> str:
    """A checksum of the extraction code and its data (the taxonomy): editing any of it invalidates the cache,
    even when nobody remembered to bump EXTRACTOR_VERSION."""
    return code_fingerprint(EXTRACTOR_MODULE)


def cache_key(meta: DocMeta, fingerprint: str) -> str:
    """The file's bytes, the extractor's version and code (with the taxonomy), what the catalog says about the document
    (its years and region steer labelling); not its doc_id or path, so renaming a file re-reads nothing."""
    about = {k: v for k, v in asdict(meta).items() if k not in ("doc_id", "file", "sha256")}
    text = json.dumps([meta.sha256, config.EXTRACTOR_VERSION, fingerprint, about], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """One file per document, holding its outcome and a checksum of it. A file that fails to parse, is of another
    format or key, or whose checksum disagrees is deleted and re-extracted (counted in ``corrupt``), never trusted."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.corrupt = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.cache"

    def get(self, key: str) -> Outcome | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
            head = len(MAGIC) + 1 + 64
            if not data.startswith(MAGIC) or data[len(MAGIC)] != CACHE_FORMAT or \
                    data[len(MAGIC) + 1:head] != key.encode():
                raise ValueError("stale format or key")
            digest, body = data[head:head + 32], data[head + 32:]
            if hashlib.sha256(body).digest() != digest:
                raise ValueError("checksum mismatch")
            fields = marshal.loads(body)
            return Outcome(ok=True, figures=fields["figures"], warnings=fields.get("warnings", []),
                           checks=fields.get("checks", []), document=fields.get("document", {}))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            self.corrupt += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def put(self, key: str, outcome: Outcome) -> bool:
        """Keep ``outcome`` under ``key``; False when it cannot be kept."""
        try:
            body = marshal.dumps({"figures": outcome.figures, "warnings": outcome.warnings,
                                  "checks": outcome.checks, "document": outcome.document})
        except ValueError:  # a value marshal cannot keep (an extractor's own type): the document is re-read
            return False
        data = MAGIC + bytes([CACHE_FORMAT]) + key.encode() + hashlib.sha256(body).digest() + body
        # No fsync: an entry cut short by a crash fails its checksum and is rebuilt.
        atomic_write_bytes(self.path(key), data, durable=False)
        return True

    def clean_temps(self) -> None:
        """Remove temporary files a killed run left, and entries of the JSON format before this one."""
        if self.folder.is_dir():
            for sub in self.folder.iterdir():
                if sub.is_dir():
                    remove_stale_temps(sub)
                    for old in sub.glob("*.json"):
                        with contextlib.suppress(OSError):
                            old.unlink()


