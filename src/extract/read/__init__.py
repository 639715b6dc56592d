"""Reading documents: a file -> ``Document`` (blocks of text in reading order, a box per character where the
format has pages).

    document = read_document("report.pdf")      # or .html, .txt, .docx: the format is sniffed from the bytes

Owns: ``sniff`` (what a file is, from its bytes; a one-line error for formats that cannot be read, saying how
to convert them), ``pdf`` (characters and their boxes from a PDF, with the guards against broken and hostile
files, and the one verdict on whether a page has a text layer; the page's drawn rules), ``ocr`` (the characters
of a page without one, from its image), ``layout`` (characters -> lines, columns, blocks, paragraphs and
headings), ``tables`` (ruled and unruled tables on a PDF page, tables continued over pages), ``decode`` (bytes
-> text: BOM, declared charset, detection), ``textblocks`` (the rules shared by formats without pages:
furniture lines, wrapped lines, headings), ``webpage`` (saved web pages), ``plaintext`` (text files) and
``word`` (DOCX). Every reader returns the same ``Document``; a table is one Block of kind "table" holding its
``Table`` (extract.grammar.tables reads it, whatever the format).
``garbled`` is the one rule for text no Chinese document is written in (broken fonts, wrong encodings),
applied by ``read_document`` to the Document of every format.

Imports: extract.model, extract.normalize, extract.config (and nothing else of the package).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from extract.model import Document
from extract.read.ocr import OcrSettings

# pdfminer's package __init__, as pinned: it does nothing but look up its own version. Any other text and the
# package is imported as usual.
_PDFMINER_INIT = b"""from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pdfminer.six")
except PackageNotFoundError:
    # package is not installed, return default
    __version__ = "0.0"

if __name__ == "__main__":
    print(__version__)
"""


def register_pdfminer_package() -> None:
    """Put the package ``pdfminer`` in sys.modules without running its __init__, so that the guard's
    ``import pdfminer.pdfparser`` and the rest import as usual but skip one thing: the version lookup, which
    imports importlib.metadata (email, zipfile, csv) and scans every distribution on sys.path: 0.017 CPU-s (8%) of
    `reviewfigs extract`'s start-up for a string nothing reads. ``pdfminer.__version__`` still answers, looked
    up when first read. Done only while that __init__ is byte for byte the one above."""
    if "pdfminer" in sys.modules:
        return
    spec = importlib.util.find_spec("pdfminer")
    if spec is None or spec.origin is None or spec.submodule_search_locations is None:
        return
    try:
        with open(spec.origin, "rb") as init:
            if init.read(len(_PDFMINER_INIT) + 1) != _PDFMINER_INIT:
                return
    except OSError:
        return
    package = importlib.util.module_from_spec(spec)

    def version_when_asked(name: str) -> str:  # PEP 562: asked only for names the module does not have
        if name != "__version__":
            raise AttributeError(f"module 'pdfminer' has no attribute {name!r}")
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as lookup

        try:
            package.__version__ = lookup("pdfminer.six")
        except PackageNotFoundError:
            package.__version__ = "0.0"
        return package.__version__

    package.__getattr__ = version_when_asked
    sys.modules["pdfminer"] = package


register_pdfminer_package()  # before extract.read.guard, the first module of the package to import pdfminer


def read_document(path: str | Path, backend: str | None = None, max_pages: int | None = None,
                  ocr: OcrSettings | None = None) -> Document:
    """Read ``path`` into a Document, whatever its format (``Document.format``). DocumentError says why a file
    cannot be read (one line); the reader's notes (a repaired file, scanned pages, unreadable fonts, doubled
    glyphs, undecodable bytes, garbled pages) are in ``Document.warnings``. A PDF's scanned pages are OCRed
    unless ``ocr`` says otherwise (default: OcrSettings(), on)."""
    from extract.read import garbled
    from extract.read.sniff import sniff_format

    fmt = sniff_format(path)
    if fmt == "html":
        from extract.read.webpage import read_html

        document = read_html(path)
    elif fmt == "txt":
        from extract.read.plaintext import read_text

        document = read_text(path)
    elif fmt == "docx":
        from extract.read.word import read_docx

        document = read_docx(path)
    else:
        document = read_pdf(path, backend=backend, max_pages=max_pages, ocr=ocr)
    return garbled.apply(document)  # every format: no figure from text no Chinese document is written in


def read_pdf(path: str | Path, backend: str | None = None, max_pages: int | None = None,
             ocr: OcrSettings | None = None) -> Document:
    from extract.read import layout, pdf

    reader_warnings: list[str] = []
    kwargs: dict = {"max_pages": max_pages, "warnings": reader_warnings,
                    "ocr": ocr if ocr is not None else OcrSettings()}
    if backend is not None:
        kwargs["backend"] = backend
    document = layout.document_from_pages(pdf.iter_pages(path, **kwargs), path=str(path))
    document.warnings = reader_warnings + document.warnings
    document.format = "pdf"
    return document
