"""Plain data passed between the stages, and every vocabulary the stages share, stated once.

    extract.read      a file -> Document (blocks of text in reading order, a box per character)
    extract.grammar   quantities in a string (value, unit, qualifier) and their labels (subject, metric, time,
                      stance)
    extract.figures   Document + DocMeta -> Figure rows (find_figures)
    extract.corpus    a catalog of documents -> the processed tables
    extract.charts    the processed tables -> charts and pages

This module imports nothing of the package: every other module may import it.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields

# ------------------------------------------------------------------------------------------- vocabularies

# Catalog doctypes (contract.md) and how charts and source lines name them.
DOCTYPES: dict[str, str] = {
    "npc-report": "人大常委会工作报告",
    "npc-review": "人大常委会工作报告",
    "gov-report": "政府工作报告",
    "stats-bulletin": "统计公报",
    "budget-report": "预算执行情况和预算草案的报告",
    "final-accounts": "决算报告",
    "other": "文件",
}
# Doctypes delivered early in the year after the one they review: with no `covers`, they cover published - 1.
ANNUAL_DOCTYPES = frozenset({"gov-report", "npc-report", "stats-bulletin", "budget-report", "final-accounts"})
# Input formats (documents.csv `format`), sniffed from a file's bytes.
FORMATS = ("pdf", "html", "txt", "docx")
ORIGINS = ("text", "table")  # a figure stands in a sentence or in a table cell
# Warnings on one figure (figures.csv `flags`, ';'-separated).
FLAGS = ("implausible", "total_mismatch", "ocr_low_confidence", "garbled_text")
# A glyph whose font gives no Unicode value (private-use code, no map) and that no rule could read with
# certainty: kept in the text in its place (with its box) so a figure beside it is flagged garbled_text,
# never silently read without it.
GARBLED_CHAR = "\ufffd"
STANCES = ("actual", "target")
QUALIFIERS = ("exact", "about", "more_than", "at_least", "at_most", "range")
ADMIN_LEVELS = ("nation", "province", "city", "county")  # largest first
ADMIN_LEVEL_NAMES = {"nation": "全国", "province": "省级", "city": "市级", "county": "县级"}  # as charts say them
# The catalog columns that say what a document is (also the flags of `reviewfigs extract` and `check`).
META_FIELDS = ("doc_id", "region", "adcode", "admin_level", "published", "covers", "doctype")

# A heading's level from its numbering: 一、 = 1, （一） = 2, 1. = 3, （1） = 4; an unnumbered head nests under
# every numbered one (UNNUMBERED_LEVEL), whatever its type size says.
HEADING_NUMBERING = (
    (1, re.compile(r"^[一二三四五六七八九十百]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
)
UNNUMBERED_LEVEL = 9


def heading_level(text: str) -> int:
    """The level of a heading from its numbering, or UNNUMBERED_LEVEL."""
    for level, pattern in HEADING_NUMBERING:
        if pattern.match(text):
            return level
    return UNNUMBERED_LEVEL


# ------------------------------------------------------------------------------------------- data

# (page 1-based, x0, top, x1, bottom) in PDF points, pdfplumber's coordinates.
Box = tuple[int, float, float, float, float]
_NO_PAGE = -1  # the page of a char without a box in Boxes
_NO_COORDS = (0.0, 0.0, 0.0, 0.0)  # and its coordinates


class Boxes:
    """A box (or None) per character, as a list of them reads, held in two flat arrays: a page number and four
    coordinates per char. A box as a tuple of four floats costs ~180 bytes and a long document has millions
    (a 5,000-page report: 3 million chars); here it costs 36. Indexing gives the Box tuple (or None), slicing a
    Boxes; it compares, prints and pickles like the list."""

    __slots__ = ("pages", "coords")

    def __init__(self, boxes: Iterable[Box | None] = ()) -> None:
        self.pages = array("i")
        self.coords = array("d")
        self.extend(boxes)

    @classmethod
    def _of(cls, pages: array, coords: array) -> Boxes:
        """A Boxes holding these arrays (not copied)."""
        out = cls.__new__(cls)
        out.pages, out.coords = pages, coords
        return out

    @classmethod
    def on_page(cls, page: int, x0: Sequence[float], top: Sequence[float], x1: Sequence[float],
                bottom: Sequence[float]) -> Boxes:
        """The boxes of chars all on ``page``, from their coordinates column by column (x0 of each char, …). Each
        column goes into every fourth place in one C-level step: twice as fast as interleaving them in Python."""
        n = len(x0)
        flat = array("d", bytes(32 * n))
        flat[0::4], flat[1::4], flat[2::4], flat[3::4] = (array("d", x0), array("d", top), array("d", x1),
                                                          array("d", bottom))
        return cls._of(array("i", [page]) * n, flat)

    def append(self, box: Box | None) -> None:
        if box is None:
            self.pages.append(_NO_PAGE)
            self.coords.extend(_NO_COORDS)
        else:
            self.pages.append(box[0])
            self.coords.extend(box[1:])

    def extend(self, boxes: Iterable[Box | None]) -> None:
        if isinstance(boxes, Boxes):
            self.pages.extend(boxes.pages)
            self.coords.extend(boxes.coords)
            return
        pages, coords = self.pages, self.coords
        for box in boxes:
            if box is None:
                pages.append(_NO_PAGE)
                coords.extend(_NO_COORDS)
            else:
                pages.append(box[0])
                coords.extend(box[1:])

    def __len__(self) -> int:
        return len(self.pages)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self.pages))
            if step != 1:
                return Boxes(list(self)[index])
            return Boxes._of(self.pages[start:stop], self.coords[4 * start:4 * max(start, stop)])
        page = self.pages[index]  # IndexError as a list's
        if page == _NO_PAGE:
            return None
        k = 4 * (index if index >= 0 else index + len(self.pages))
        c = self.coords
        return (page, c[k], c[k + 1], c[k + 2], c[k + 3])

    def __iter__(self) -> Iterator[Box | None]:
        c = self.coords
        boxes = zip(self.pages, c[0::4], c[1::4], c[2::4], c[3::4], strict=True)  # the tuples built in C
        if _NO_PAGE not in self.pages:  # a line's boxes, most of a block's
            return boxes
        return (None if box[0] == _NO_PAGE else box for box in boxes)

    def __add__(self, other: Iterable[Box | None]) -> Boxes:
        out = self[:]
        out.extend(other)
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Boxes):
            return self.pages == other.pages and self.coords == other.coords
        if isinstance(other, list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable, as a list

    def __repr__(self) -> str:
        return repr(list(self))

    def __getstate__(self) -> tuple[array, array]:
        return self.pages, self.coords

    def __setstate__(self, state: tuple[array, array]) -> None:
        self.pages, self.coords = state


class DocumentError(Exception):
    """A document that cannot be read. str(err) is one line a non-programmer understands
    (e.g. "encrypted: needs a password"); callers prefix the file name."""

    def __init__(self, reason: str, stage: str = "read"):
        super().__init__(reason)
        self.reason = reason
        self.stage = stage


@dataclass
class Cell:
    """One cell of a table grid as printed: ``row`` and ``col`` 0-based; a merged cell spans several."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    boxes: list[Box | None] = field(default_factory=list)  # per character of text, as in Block; [] without
    bbox: tuple[float, float, float, float] | None = None  # the cell's rectangle (x0, top, x1, bottom) on its page


@dataclass
class Table:
    """A table as read from any format: its cells (header rows included), and the lines printed around it that
    say what it holds. Turning cells into figures (headers, units, stance, region rows) is the grammar's job
    (one path for PDF, HTML and Word tables)."""

    cells: list[Cell]
    n_rows: int
    n_cols: int
    title: str = ""  # the table's title line(s), e.g. "2024年宿州市政府债务限额和余额情况表"
    notes: list[str] = field(default_factory=list)  # lines beside it: "单位：万元", "注：…"
    number: int = 0  # 1-based position among the document's tables (the locator's "table N")
    continues: int = 0  # the number of the table this one continues (a table broken over pages), else 0
    header_rows: int | None = None  # rows of headings at the top, when the format says (<th>); None: inferred


@dataclass
class Block:
    """A paragraph, heading or table in reading order, lines joined, running headers/page numbers removed.

    ``boxes[i]`` is the box of ``text[i]``; characters that were not in the document (a reader's joining
    space, or a format without pages) get None. A table block carries its ``table``; its ``text`` is the table's
    cells row by row (for search and display).
    """

    text: str
    boxes: list[Box | None] | Boxes  # Boxes from the PDF reader (flat arrays), lists from the other formats
    kind: str = "body"  # "body" | "heading" | "title" | "caption" | "table"
    level: int = 0  # heading_level(text) when kind == "heading" (set here), else 0
    table: Table | None = None
    confidence: list[float] | None = None  # per character, from OCR (None: a text layer)

    def __post_init__(self) -> None:
        if self.kind == "heading" and not self.level:
            self.level = heading_level(self.text)

    @property
    def page(self) -> int:
        for b in self.boxes:
            if b is not None:
                return b[0]
        return 0


def table_text(table: Table) -> tuple[str, Boxes, dict[tuple[int, int], int]]:
    """The text of a table block: its cells row by row (by their top-left grid position), a tab between cells
    and a newline between rows; a cell's own line breaks become spaces. Returns the text, the box of every char
    (None for the separators) and where each cell's text starts, by (row, col). Every reader builds its table
    blocks with this, so a cell's offset in Document.text is the same in every format."""
    text: list[str] = []
    boxes = Boxes()
    starts: dict[tuple[int, int], int] = {}
    rows: dict[int, list[Cell]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row, []).append(cell)
    for k, r in enumerate(sorted(rows)):
        if k:
            text.append("\n")
            boxes.append(None)
        for j, cell in enumerate(sorted(rows[r], key=lambda c: c.col)):
            if j:
                text.append("\t")
                boxes.append(None)
            starts[(cell.row, cell.col)] = len(text)
            text.extend(" " if ch == "\n" else ch for ch in cell.text)
            boxes.extend(cell.boxes if len(cell.boxes) == len(cell.text) else [None] * len(cell.text))
    return "".join(text), boxes, starts


def table_block(table: Table) -> Block:
    """The Block of kind "table" holding ``table`` (text and boxes from table_text)."""
    text, boxes, _ = table_text(table)
    return Block(text=text, boxes=boxes, kind="table", table=table)


@dataclass
class Document:
    path: str
    n_pages: int  # 0 for formats without pages
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = "pdf"  # one of FORMATS
    ocr_pages: list[int] = field(default_factory=list)  # pages whose characters came from OCR

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
    doctype: str = ""  # one of DOCTYPES
    file: str = ""
    sha256: str = ""


@dataclass
class Figure:
    """One row of processed/figures.csv (docs: ../shared/docs/contract.md)."""

    doc_id: str = ""
    region: str = ""  # the region the figure counts for (a table's county row: that county)
    adcode: str = ""
    admin_level: str = ""
    doc_region: str = ""  # the document's own region, always
    doc_adcode: str = ""
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
    locator: str = ""  # "p3", "para 41", "p4 table 2 row 5 col 3"
    origin: str = "text"  # one of ORIGINS
    ocr: bool = False
    row_label: str = ""  # table cells: the row's label as printed
    column_label: str = ""  # table cells: the column's header path joined with " / "
    subject_key: str = ""  # the subject normalised for comparing across documents
    flags: str = ""  # ";"-separated FLAGS
    char_start: int | None = None  # the figure's span in Document.text (formats without pages)
    char_end: int | None = None
    file: str = ""
    sha256: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


FIGURE_COLUMNS: list[str] = [f.name for f in fields(Figure)]
