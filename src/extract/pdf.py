"""Read a PDF into pages of plain character dicts, the one input the layout stage needs.

Every char is a dict with pdfplumber's keys: text, x0, top, x1, bottom (PDF points, top-left origin),
size, fontname. Backends must agree on these (a test compares them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from extract.model import DocumentError


@dataclass
class PageChars:
    page_number: int  # 1-based
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)


CHAR_KEYS = ("text", "x0", "top", "x1", "bottom", "size", "fontname")


def iter_pages(path: str | Path, backend: str = "pdfplumber", max_pages: int | None = None) -> Iterator[PageChars]:
    """Yield the pages of ``path`` one at a time (pages are closed as we go, so memory stays flat)."""
    if backend != "pdfplumber":
        raise ValueError(f"unknown backend {backend!r}")
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # classified properly by the reader's error checks
        raise DocumentError(f"cannot open PDF: {exc}") from exc
    with pdf:
        if max_pages is not None and len(pdf.pages) > max_pages:
            raise DocumentError(f"too many pages: {len(pdf.pages)} > limit {max_pages}")
        for page in pdf.pages:
            chars = [{k: c[k] for k in CHAR_KEYS} for c in page.chars]
            yield PageChars(page.page_number, float(page.width), float(page.height), chars)
            page.close()
