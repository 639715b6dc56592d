"""Reading documents: a file -> ``Document`` (blocks of text in reading order, a box per character where the
format has pages).

    document = read_document("report.pdf")      # or .html, .txt, .docx: the format is sniffed from the bytes

Owns: ``sniff`` (what a file is, from its bytes; a one-line error for formats that cannot be read, saying how
to convert them), ``pdf`` (characters and their boxes from a PDF, with the guards against broken and hostile
files, and the one verdict on whether a page has a text layer), ``layout`` (characters -> lines, columns,
blocks, paragraphs and headings), ``decode`` (bytes -> text: BOM, declared charset, detection), ``textblocks``
(the rules shared by formats without pages: furniture lines, wrapped lines, headings), ``webpage`` (saved web
pages), ``plaintext`` (text files) and ``word`` (DOCX). Every reader returns the same ``Document``.
``garbled`` is the one rule for text no Chinese document is written in (broken fonts, wrong encodings),
applied by ``read_document`` to the Document of every format.

Imports: extract.model, extract.normalize, extract.config (and nothing else of the package).
"""

from __future__ import annotations

from pathlib import Path

from extract.model import Document


def read_document(path: str | Path, backend: str | None = None, max_pages: int | None = None) -> Document:
    """Read ``path`` into a Document, whatever its format (``Document.format``). DocumentError says why a file
    cannot be read (one line); the reader's notes (a repaired file, scanned pages, unreadable fonts, doubled
    glyphs, undecodable bytes, garbled pages) are in ``Document.warnings``."""
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
        document = read_pdf(path, backend=backend, max_pages=max_pages)
    return garbled.apply(document)  # every format: no figure from text no Chinese document is written in


def read_pdf(path: str | Path, backend: str | None = None, max_pages: int | None = None) -> Document:
    from extract.read import layout, pdf

    reader_warnings: list[str] = []
    kwargs: dict = {"max_pages": max_pages, "warnings": reader_warnings}
    if backend is not None:
        kwargs["backend"] = backend
    document = layout.document_from_pages(pdf.iter_pages(path, **kwargs), path=str(path))
    document.warnings = reader_warnings + document.warnings
    document.format = "pdf"
    return document
