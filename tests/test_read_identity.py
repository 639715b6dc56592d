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


@pytest.mark.parametrize("name", DOCUMENTS)
def test_reader_reads_what_it_read_before(corpus, name):
    path = corpus / name
    if not path.is_file():
        pytest.skip(f"{path} not in the shared corpus")
    assert document_digest(path) == json.loads(EXPECTED.read_text(encoding="utf-8"))[name]


if __name__ == "__main__" and "--update" in sys.argv:
    EXPECTED.write_text(json.dumps({n: document_digest(SHARED_CORPUS / n) for n in DOCUMENTS}, indent=1) + "\n",
                        encoding="utf-8")
    print(f"wrote {EXPECTED}")
