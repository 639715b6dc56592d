"""The run cache: one JSON file per document under ``OUT/.cache`` (or ``--cache DIR``), holding its figures and
warnings and a checksum of them.

The key is the file's sha256, ``config.EXTRACTOR_VERSION``, a fingerprint of the code that turns a file into
figures (``extract.fingerprint``: the import closure of ``extract.figures``, i.e. every module and data file of
``read/`` and ``grammar/``, ``figures.py``, ``model.py``, ``normalize.py``, ``config.py``) and the catalog
fields that steer labelling. Editing the corpus, chart or command-line code keeps the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from extract import config
from extract.corpus.workers import Outcome
from extract.fingerprint import code_fingerprint
from extract.model import DocMeta
from extract.safety import atomic_write_bytes, remove_stale_temps

CACHE_FORMAT = 1
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
            return Outcome(ok=True, figures=data["figures"], warnings=data.get("warnings", []),
                           document=data.get("document", {}))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            self.corrupt += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def put(self, key: str, outcome: Outcome) -> None:
        payload = json.dumps({"figures": outcome.figures, "warnings": outcome.warnings, "document": outcome.document},
                             ensure_ascii=False)
        envelope = {"format": CACHE_FORMAT, "key": key, "extractor_version": config.EXTRACTOR_VERSION,
                    "checksum": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload}
        # No fsync: an entry cut short by a crash fails its checksum and is rebuilt.
        atomic_write_bytes(self.path(key), json.dumps(envelope, ensure_ascii=False).encode("utf-8"), durable=False)

    def clean_temps(self) -> None:
        if self.folder.is_dir():
            for sub in self.folder.iterdir():
                if sub.is_dir():
                    remove_stale_temps(sub)


