"""Issue 18: speeding up the PDF reader changes nothing it reads.

Each listed shared-corpus PDF is read (extract.read.read_document, OCR off) and its Document reduced to a
SHA-256 of every block's kind, level, text, character boxes (floats in full), table cells and notes, the
warnings, the page count and the OCRed pages. The digests in read_identity.json were computed by the reader
before the issue-18 optimisations; the figures are a function of this Document (extract.figures), so equal
digests mean equal figures whatever the grammar does. A deliberate change to what the reader reads regenerates
the file, and its commit says why:

    .venv/bin/python tests/test_read_identity.py --update
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

import pytest

from extract.config import SHARED_CORPUS
from extract.read import read_document
from extract.read.ocr import OcrSettings

EXPECTED = Path(__file__).with_name("read_identity.json")
DOCUMENTS = [
    "real/pdf/suzhou-anhui_2024_debt-tables.pdf",
    "real/pdf/yunnan_2026_debt-tables.pdf",
    "real/pdf/yunnan_2024_debt-limit-adjustment.pdf",
    "real/pdf/xian_2026_stats-bulletin.pdf",
    "real/pdf/tianjin_2026_budget-report.pdf",
    "real/pdf/pingdingshan_2020_final-accounts.pdf",
    "pdf/yongkang_2021_npc-review.official.pdf",
    "pdf/yongkang_2021_npc-review.newspaper-shuffled.pdf",
    "pdf/zhejiang_2026_gov-report.newspaper.pdf",
]


def document_digest(path: Path) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        document = read_document(path, ocr=OcrSettings(enabled=False))
    h = hashlib.sha256()

    def put(*items: object) -> None:
        h.update(repr(items).encode("utf-8"))

    put(document.n_pages, document.format, document.ocr_pages, document.warnings)
    for block in document.blocks:
        put(block.kind, block.level, block.text, block.boxes, block.confidence)
        if block.table is not None:
            t = block.table
            put(t.n_rows, t.n_cols, t.title, t.notes, t.number, t.continues, t.header_rows)
            for cell in t.cells:
                put(cell.text, cell.row, cell.col, cell.rowspan, cell.colspan, cell.boxes, cell.bbox)
    return h.hexdigest()


@pytest.mark.parametrize("long_document_paths", [False, True], ids=["as-read", "packed-and-reopened"])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_reader_reads_what_it_read_before(corpus, name, long_document_paths, monkeypatch):
    """Also with what keeps a long document's memory flat forced on from the first page: its pages wait for the
    layout's second pass pickled (layout.PACK_AFTER_PAGES) and pdfium's document is opened again every
    pdf.REOPEN_EVERY_PAGES pages; packing every page and reopening before every page reads the same."""
    from extract.read import layout
    from extract.read import pdf as reader

    path = corpus / name
    if not path.is_file():
        pytest.skip(f"{path} not in the shared corpus")
    if long_document_paths:
        monkeypatch.setattr(layout, "PACK_AFTER_PAGES", 0)
        monkeypatch.setattr(reader, "REOPEN_EVERY_PAGES", 1)
    assert document_digest(path) == json.loads(EXPECTED.read_text(encoding="utf-8"))[name]


if __name__ == "__main__" and "--update" in sys.argv:
    EXPECTED.write_text(json.dumps({n: document_digest(SHARED_CORPUS / n) for n in DOCUMENTS}, indent=1) + "\n",
                        encoding="utf-8")
    print(f"wrote {EXPECTED}")


def test_the_text_objects_holding_chars_are_those_pdfium_gives_text_for():
    """The page probe (which fonts pdfium cannot decode) counts a text object as holding text when a char of the
    page belongs to it (extract.read.pdf.text_owners, one pass over the chars) instead of asking pdfium for the
    object's text (a pass over every char per object): the two agree on every text object of the real PDFs."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from extract.read import pdf as reader

    folder = SHARED_CORPUS / "real" / "pdf"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    seen = with_text = 0

    def walk(count, get, textpage, owners, depth):
        nonlocal seen, with_text
        for i in range(count):
            obj = get(i)
            kind = reader._pageobj_get_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                has_text = reader._textobj_get_text(obj, textpage, None, 0) > 2  # UTF-16 with its NUL
                assert has_text == (obj in owners)
                seen, with_text = seen + 1, with_text + has_text
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
                walk(reader._form_count_objects(obj), lambda j, o=obj: reader._form_get_object(o, j), textpage,
                     owners, depth + 1)

    for path in sorted(folder.glob("*.pdf")):
        doc = pdfium.PdfDocument(str(path))
        try:
            for index in range(len(doc)):
                page = doc[index]
                textpage = page.get_textpage()
                address = ctypes.cast(page.raw, ctypes.c_void_p).value
                walk(reader._page_count_objects(address), lambda i, a=address: reader._page_get_object(a, i),
                     ctypes.cast(textpage.raw, ctypes.c_void_p).value, reader.text_owners(textpage), 0)
                textpage.close()
                page.close()
        finally:
            doc.close()
    assert seen > 10_000 and 0 < with_text < seen  # empty objects (WPS tables, the scan's layer) are there too
