"""Reading documents: a file -> ``Document`` (blocks of text in reading order, a box per character where the
format has pages).

    document = read_document("report.pdf")

Owns: ``pdf`` (characters and their boxes from a PDF, with the guards against broken and hostile files, and
the one verdict on whether a page has a text layer), ``ocr`` (the characters of a page without one, from its
image) and ``layout`` (characters -> lines, columns, blocks,
paragraphs and headings). Readers for other formats live here too, each turning its format into the same
``Document``.

Imports: extract.model, extract.normalize, extract.config (and nothing else of the package).
"""

from __future__ import annotations

from pathlib import Path

from extract.model import Document
from extract.read.ocr import OcrSettings


def read_document(path: str | Path, backend: str | None = None, max_pages: int | None = None,
                  ocr: OcrSettings | None = None) -> Document:
    """Read ``path`` into a Document. DocumentError says why a file cannot be read (one line); the reader's
    notes (a repaired file, scanned pages, unreadable fonts, doubled glyphs) are in ``Document.warnings``.
    Scanned pages are OCRed unless ``ocr`` says otherwise (default: OcrSettings(), on)."""
    from extract.read import layout, pdf

    reader_warnings: list[str] = []
    kwargs: dict = {"max_pages": max_pages, "warnings": reader_warnings,
                    "ocr": ocr if ocr is not None else OcrSettings()}
    if backend is not None:
        kwargs["backend"] = backend
    document = layout.document_from_pages(pdf.iter_pages(path, **kwargs), path=str(path))
    document.warnings = reader_warnings + document.warnings
    return document
