"""Plain data passed between the stages: PDF -> Document (blocks in reading order) -> Figure rows.

The stages are
    extract.pdf / extract.layout   read a PDF into a Document (text in reading order + a box per character)
    extract.quantity               find quantities in a string (value, unit, qualifier, span)
    extract.labels                 say what a quantity counts (subject, metric), when (year, period), stance
    extract.figures                tie them together: find_figures(document, meta) -> list[Figure]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

# (page 1-based, x0, top, x1, bottom) in PDF points, pdfplumber's coordinates.
Box = tuple[int, float, float, float, float]


class DocumentError(Exception):
    """A document that cannot be read. str(err) is one line a non-programmer understands
    (e.g. "encrypted: needs a password"); callers prefix the file name."""

    def __init__(self, reason: str, stage: str = "read"):
        super().__init__(reason)
        self.reason = reason
        self.stage = stage


@dataclass
class Block:
    """A paragraph or heading in reading order, lines joined, running headers/page numbers removed.

    ``boxes[i]`` is the box of ``text[i]``; characters that were not in the PDF (none are added today)
    would get None.
    """

    text: str
    boxes: list[Box | None]
    kind: str = "body"  # "body" | "heading" | "title" | "caption"
    level: int = 0  # heading level when kind == "heading" (1 = 一、, 2 = （一）, ...), else 0

    @property
    def page(self) -> int:
        for b in self.boxes:
            if b is not None:
                return b[0]
        return 0


@dataclass
class Document:
    path: str
    n_pages: int
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass
class DocMeta:
    """What the catalog (or the extract command line) says about a document."""

    doc_id: str = ""
    region: str = ""
    adcode: str = ""
    admin_level: str = ""
    published: int | None = None
    covers: str = ""  # "2025" or "2017-2021"
    doctype: str = ""
    file: str = ""
    sha256: str = ""


@dataclass
class Figure:
    """One row of processed/figures.csv (docs: ../shared/docs/contract.md)."""

    doc_id: str = ""
    region: str = ""
    adcode: str = ""
    admin_level: str = ""
    doctype: str = ""
    year: int | None = None
    period: str = ""
    stance: str = "actual"
    metric: str = ""
    subject: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    qualifier: str = "exact"
    text: str = ""
    sentence: str = ""
    page: int | None = None
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    file: str = ""
    sha256: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


FIGURE_COLUMNS: list[str] = [f.name for f in fields(Figure)]
