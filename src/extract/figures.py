"""Tie the stages together: Document -> every figure as a labelled, located Figure row.

    figs = extract_document("report.pdf", DocMeta(region="永康市", published=2021, covers="2017-2021"))
    frame = figures_frame(figs)            # FIGURE_COLUMNS, explicit dtypes

``reviewfigs extract FILE.pdf`` prints the rows (CSV or JSON). Blocks are read in order; each block is
split into sentences, its quantities found once (extract.grammar.quantity) and labelled per sentence
(extract.grammar.labels) with the heading stack, the paragraph so far and any open target passage. A table
block (any format) goes to extract.grammar.tables with the parts it continues over later pages; its cells
become figures with origin "table", located by the cell's boxes and ``pN table T row R col C``.
``extract()`` also returns what the tables say adds up (extract.corpus.checks turns that into checks.csv).
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from extract.grammar import labels as lab
from extract.grammar.quantity import find_quantities
from extract.grammar.sentences import split_sentences
from extract.grammar.tables import Relation, read_table
from extract.model import (
    FIGURE_COLUMNS,
    FLAGS,
    GARBLED_CHAR,
    Block,
    DocMeta,
    Document,
    DocumentError,
    Figure,
    Table,
    table_text,
)

if TYPE_CHECKING:  # pandas only where a frame is built: workers and a run's start never need it
    import pandas as pd

    from extract.read.ocr import OcrSettings

LIST_ITEM_RE = re.compile(r"^(?:——|[-•·●▪]|[一二三四五六七八九十]+是|[①-⑳]|\d+[.．、)）]|[（(]\d+[）)])")
# A percentage beyond this is no real share or growth rate: a misread figure (a lost decimal point, two numbers
# fused); flagged implausible. Real growth rates of a few hundred percent exist (280.4%).
MAX_PLAUSIBLE_PERCENT = 1000.0
# A level, its change and its growth rate in one sentence agree when change / (level - change) is the rate
# within this share of it (or 0.15 points): they are printed rounded.
GROWTH_TOLERANCE = 0.15
# Between a level and its rate, words that make the rate other than the change over one year.
_MULTI_YEAR = re.compile(r"年均|平均|每年|[比较](?:[12]\d{3}|[一二三四五六七八九十]+)年|[两三四五六七八九十]年")
# A "heading" block longer than this is a paragraph with a run-in head (（一）强化创新…。提升…): its text
# does not set the time of the section.
MAX_HEADING_CHARS = 60
# A paragraph that announces what the rest of its section reports: 一年来，主要做了以下工作。 / …工作如下：
ANNOUNCING_RE = re.compile(r"(?:以下|如下|下列)(?:几个方面的?)?(?:工作|方面|情况)?[。：:]?$|[：:]$")


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def union_box(block: Block, start: int, end: int) -> tuple[int | None, tuple[float, float, float, float] | None]:
    """Page and union box of block.text[start:end] (the page of its first character; a figure broken over
    two lines on that page still gets one box)."""
    boxes = [b for b in block.boxes[start:end] if b is not None]
    if not boxes:
        return None, None
    page = boxes[0][0]
    same = [b for b in boxes if b[0] == page]
    return page, (min(b[1] for b in same), min(b[2] for b in same), max(b[3] for b in same), max(b[4] for b in same))


class _State:
    """Running context while walking the blocks of one document."""

    def __init__(self, meta: DocMeta):
        self.meta = meta
        self.para = 0  # 1-based number of the block being read (the locator of formats without pages)
        self.offset = 0  # where that block starts in Document.text
        self.ocr_pages: frozenset[int] = frozenset()
        self.headings: list[tuple[int, str]] = []
        self.passage = False
        self.passage_time: lab.TimeRef | None = None
        # an opener ending its paragraph with ：: the numbered items after it are all targets, even when
        # each item ends with 。
        self.passage_items = False
        self.lead: lab.TimeRef | None = None
        self.after_heading = False
        # the unfinished last sentence of the previous body block (a paragraph broken by a page or column):
        # the next block's first sentence is labelled as its continuation (not as "发地区生产总值…")
        self.carry = ""
        self.section_entry: tuple[int, str] | None = None  # the time entry a paragraph added for its section

    def enter_heading(self, block: Block) -> None:
        level = block.level
        self.headings = [h for h in self.headings if h[0] < level]
        self.headings.append((level, block.text if len(block.text) <= MAX_HEADING_CHARS else ""))
        self.passage = False
        self.passage_items = False
        self.lead = None
        self.after_heading = True

    def enter_paragraph(self, block: Block) -> None:
        """A paragraph opening with a time (五年来，…) leads the list items (——…, 一是…) that follow it;
        the first paragraph of a section (“十四五”时期是…) sets the time of the whole section."""
        first_of_section, self.after_heading = self.after_heading, False
        if LIST_ITEM_RE.match(block.text):
            return
        spans = split_sentences(block.text)
        opening = block.text[spans[0][0]:spans[0][1]] if spans else ""
        self.lead = lab.opening_time(opening, self.meta) if opening else None
        announcing = first_of_section or bool(ANNOUNCING_RE.search(block.text.strip()))
        if self.lead and announcing and self.headings:
            # an entry at the heading's level: read before the heading, dropped with it. A later paragraph
            # that announces the rest of the section (一年来，主要做了以下工作。) replaces the earlier entry:
            # the year under review does not inherit the five years of the section's opening.
            if self.section_entry in self.headings:
                self.headings.remove(self.section_entry)
            self.section_entry = (self.headings[-1][0], opening)
            self.headings.append(self.section_entry)


def _figure_text(text: str) -> str:
    return text.replace("\n", "")


def block_figures(block: Block, state: _State) -> list[Figure]:
    """The figures of one block, labelled with the running state (updated for the next block)."""
    meta = state.meta
    text = block.text
    quantities = find_quantities(text)
    spans = split_sentences(text)
    figures: list[Figure] = []
    by_sentence: dict[int, list] = {}
    starts = [a for a, _ in spans]
    for q in quantities:
        k = bisect.bisect_right(starts, q.start) - 1  # the sentence holding it (spans are in text order)
        if k >= 0 and q.start < spans[k][1]:
            by_sentence.setdefault(k, []).append(q)
    carry = state.carry if block.kind == "body" and not LIST_ITEM_RE.match(text) else ""
    for k, (a, b) in enumerate(spans):
        sentence = text[a:b]
        joined = carry + sentence if k == 0 and carry else sentence
        ctx = lab.Context(meta=meta, headings=list(state.headings), before=text[spans[0][0]:a] if k else "",
                          passage=state.passage, passage_time=state.passage_time,
                          lead=state.lead if LIST_ITEM_RE.match(text) else None)
        qs = by_sentence.get(k, [])
        if qs:
            contradicted = _contradicted_levels(qs, text)
            labels = lab.label_sentence(joined, qs, ctx, offset=a - (len(joined) - len(sentence)))
            for q, label in zip(qs, labels, strict=True):
                flags = ";".join(_flags(q.value, q.unit, text[max(0, q.start - 1):q.end + 1],
                                        _low_confidence(block, q.start, q.end, state), id(q) in contradicted))
                # a figure stated for several measures (城乡居民收入均增长8%) gives one row per measure
                for each in [label, *label.also]:
                    figure = _figure(q, each, block, joined, state)
                    figure.flags = flags
                    figures.append(figure)
        _advance_passage(state, sentence, ctx)
    state.carry = _unfinished(text, spans) if block.kind == "body" else ""
    return figures


def _flags(value: float, unit: str, around: str, low_confidence: bool, contradicted: bool = False) -> list[str]:
    """The warnings on one figure (model.FLAGS), in the vocabulary's order; ``around`` is the figure's text with
    one character either side."""
    flags = []
    if not math.isfinite(value) or (unit == "%" and abs(value) > MAX_PLAUSIBLE_PERCENT) or contradicted:
        flags.append("implausible")
    if low_confidence:
        flags.append("ocr_low_confidence")
    if GARBLED_CHAR in around:
        flags.append("garbled_text")  # an unreadable glyph inside the figure or touching it
    return flags


def _contradicted_levels(qs: list, text: str) -> set[int]:
    """ids of levels that contradict their own growth rate: "收入L亿元，增加D亿元，增长P%" in one sentence,
    where D / (L - D) is not P%. Only a level directly followed by its change and its one-year rate is judged:
    a change since an earlier year with an average rate ("比2010年增加13480元，年均递增12.2%") is not one."""
    out: set[int] = set()
    for level, change, rate in zip(qs, qs[1:], qs[2:], strict=False):
        if level.change or not change.change or change.unit != level.unit or rate.unit != "%" or not rate.change:
            continue
        if change.change != rate.change or level.unit in ("%", "个百分点", ""):
            continue
        if _MULTI_YEAR.search(text, level.end, rate.start):
            continue
        before = level.value - change.value
        if before <= 0:
            continue
        implied = 100.0 * change.value / before
        if abs(implied - rate.value) > max(GROWTH_TOLERANCE * abs(rate.value), 0.15):
            out.add(id(level))
    return out


def _low_confidence(block: Block, start: int, end: int, state: _State) -> bool:
    """An OCR figure (block text [start, end)) with a character read below the engine's threshold
    (extract.read.ocr)."""
    if block.confidence is None or not state.ocr_pages:
        return False
    from extract.read.ocr import LOW_CONFIDENCE

    return any(c < LOW_CONFIDENCE for c in block.confidence[start:end])


SENTENCE_ENDS = frozenset("。！？；!?;：:”’）)")


def _unfinished(text: str, spans: list[tuple[int, int]]) -> str:
    """The block's last sentence when the block stops inside it (no terminator), else ''."""
    if not spans or text.rstrip()[-1:] in SENTENCE_ENDS:
        return ""
    a, b = spans[-1]
    return text[a:b] if b - a <= 200 else ""


def _advance_passage(state: _State, sentence: str, ctx: lab.Context) -> None:
    if lab.opens_passage(sentence):
        refs = lab.time_refs(sentence, state.meta)
        state.passage_time = refs[-1][1] if refs else lab.context_time(ctx)
        # The opener's own figures are targets by cue; the passage goes on only if the list does.
        state.passage = lab.passage_continues(sentence)
        state.passage_items = sentence.rstrip()[-1:] in ("：", ":")
    elif state.passage:
        state.passage = lab.passage_continues(sentence)


def _enter_block(state: _State, block: Block) -> None:
    """Numbered items under an opener that ended its paragraph with ： stay in the target passage."""
    if not state.passage_items:
        return
    if block.kind == "body" and LIST_ITEM_RE.match(block.text):
        state.passage = True
    else:
        state.passage_items = state.passage = False


def _figure(q, label: lab.Labels, block: Block, sentence: str, state: _State) -> Figure:
    meta = state.meta
    page, box = union_box(block, q.start, q.end)
    return Figure(
        doc_id=meta.doc_id, region=meta.region, adcode=meta.adcode, admin_level=meta.admin_level,
        doc_region=meta.region, doc_adcode=meta.adcode,
        doctype=meta.doctype, year=label.year, period=label.period, stance=label.stance, metric=label.metric,
        subject=label.subject, value=q.value, low=q.low, high=q.high, unit=q.unit, qualifier=q.qualifier,
        text=_figure_text(q.text), sentence=_figure_text(sentence), page=page,
        x0=box[0] if box else None, top=box[1] if box else None, x1=box[2] if box else None,
        bottom=box[3] if box else None, locator=f"p{page}" if page else f"para {state.para}", origin="text",
        subject_key=label.subject_key,
        ocr=page in state.ocr_pages, char_start=state.offset + q.start, char_end=state.offset + q.end,
        file=meta.file, sha256=meta.sha256,
    )


@dataclass
class Extraction:
    """A document's figures in reading order, and what its tables say adds up: each Relation's ``total`` and
    ``parts`` index ``figures``."""

    figures: list[Figure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    tables: int = 0


def find_figures(document: Document, meta: DocMeta) -> list[Figure]:
    """Every figure of ``document`` in reading order, labelled (labels.py) and located (page, box)."""
    return read_figures(document, meta).figures


def read_figures(document: Document, meta: DocMeta) -> Extraction:
    """find_figures, with the relations of the document's tables."""
    state = _State(meta)
    state.ocr_pages = frozenset(document.ocr_pages)
    out = Extraction()
    tables = _TableChains(document, meta)
    out.tables = len(tables.by_number)
    for number, block in enumerate(document.blocks, 1):
        state.para = number
        if block.kind == "table" and block.table is not None:
            out.figures.extend(tables.figures_of(block, state, len(out.figures)))
            state.offset += len(block.text) + 1
            continue
        if block.kind == "heading":
            state.enter_heading(block)
        _enter_block(state, block)
        out.figures.extend(block_figures(block, state))
        if block.kind == "body":
            state.enter_paragraph(block)
        state.offset += len(block.text) + 1  # Document.text joins the blocks with "\n"
    out.relations = tables.relations()
    return out


class _Chain(NamedTuple):
    """A table with the parts that continue it, read once: the reading, its parts in order, and the reading's
    figures by part (each with its index in the reading)."""
    reading: object
    parts: list[Table]
    by_part: dict[int, list[tuple[int, object]]]


class _TableChains:
    """The document's tables, each read once with the parts that continue it (Table.continues), its figures
    handed out block by block in reading order."""

    def __init__(self, document: Document, meta: DocMeta):
        self.meta = meta
        self.by_number: dict[int, Table] = {}
        for block in document.blocks:
            if block.kind == "table" and block.table is not None:
                self.by_number[block.table.number or -len(self.by_number) - 1] = block.table
        self.root: dict[int, int] = {}
        for number, table in sorted(self.by_number.items()):
            self.root[number] = self.root.get(table.continues, table.continues) if table.continues in self.by_number \
                else number
        self.chains: dict[int, _Chain] = {}  # root -> its chain, read when its first part comes
        self.placed: dict[tuple[int, int], int] = {}  # (root, index in its reading) -> index in the document

    def _chain(self, root: int) -> _Chain:
        if root not in self.chains:
            parts = [t for n, t in sorted(self.by_number.items()) if self.root.get(n) == root]
            reading = read_table(parts, self.meta)
            by_part: dict[int, list[tuple[int, object]]] = {}
            for k, cf in enumerate(reading.figures):  # handed out part by part: grouped once, not per part
                by_part.setdefault(cf.part, []).append((k, cf))
            self.chains[root] = _Chain(reading, parts, by_part)
        return self.chains[root]

    def figures_of(self, block: Block, state: _State, first_index: int) -> list[Figure]:
        table = block.table
        number = table.number or next(n for n, t in self.by_number.items() if t is table)
        root = self.root.get(number, number)
        chain = self._chain(root)
        part = next(k for k, t in enumerate(chain.parts) if t is table)
        starts = _cell_offsets(block)
        figures = []
        for k, cf in chain.by_part.get(part, ()):
            fig = cf.figure
            offset = starts.get((cf.cell.row, cf.cell.col))
            boxes = [b for b in cf.cell.boxes[cf.start:cf.end] if b is not None] if cf.cell.boxes else []
            page = boxes[0][0] if boxes else None
            same = [b for b in boxes if b[0] == page]
            if same:
                fig.x0, fig.top = min(b[1] for b in same), min(b[2] for b in same)
                fig.x1, fig.bottom = max(b[3] for b in same), max(b[4] for b in same)
            fig.page = page
            fig.locator = f"p{page} {fig.locator}" if page else f"para {state.para} {fig.locator}"
            fig.ocr = page in state.ocr_pages
            if offset is not None:
                fig.char_start = state.offset + offset + cf.start
                fig.char_end = state.offset + offset + cf.end
            fig.flags = ";".join(_cell_flags(fig, cf, block, offset, state))
            fig.file, fig.sha256 = self.meta.file, self.meta.sha256
            self.placed[(root, k)] = first_index + len(figures)
            figures.append(fig)
        return figures

    def relations(self) -> list[Relation]:
        out = []
        for root, chain in self.chains.items():
            for rel in chain.reading.relations:
                total = self.placed.get((root, rel.total))
                parts = [(self.placed.get((root, i)), sign) for i, sign in rel.parts]
                if total is None or any(i is None for i, _ in parts):
                    continue
                out.append(Relation(total, parts, rel.rule, rel.kind, rel.expression, rel.partial))
        return out


def _cell_flags(fig: Figure, cf, block: Block, offset: int | None, state: _State) -> list[str]:
    """A table figure's flags: the grammar's own (fig.flags) and the warnings text figures get (_flags) on the
    cell's text, in the vocabulary's order."""
    value = fig.value if fig.value is not None else 0.0
    low = offset is not None and _low_confidence(block, offset + cf.start, offset + cf.end, state)
    warned = _flags(value, fig.unit, cf.cell.text[max(0, cf.start - 1):cf.end + 1], low)
    flags = set(f for f in (fig.flags or "").split(";") if f) | set(warned)
    return sorted(flags, key=lambda f: FLAGS.index(f) if f in FLAGS else len(FLAGS))


def _cell_offsets(block: Block) -> dict[tuple[int, int], int]:
    """Where each cell's text starts in the table block's text, by (row, col): model.table_text lays the cells out
    row by row, and so does every reader's own layout (a title and notes may come first), so each cell is
    looked for after the one before it."""
    table = block.table
    text, _, starts = table_text(table)
    if text == block.text:
        return starts
    out: dict[tuple[int, int], int] = {}
    at = 0
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        if not cell.text:
            continue
        found = block.text.find(cell.text, at)
        if found < 0:
            found = block.text.find(cell.text.replace("\n", " "), at)
        if found >= 0:
            out[(cell.row, cell.col)] = found
            at = found + len(cell.text)
    return out


def ocr_settings(enabled: bool = True, progress: bool = True) -> OcrSettings:
    """The OCR settings a command passes to extract_document: ``--no-ocr`` and a progress line per OCRed page."""
    from extract.read.ocr import OcrSettings, print_progress

    return OcrSettings(enabled=enabled, progress=print_progress if progress else None)


def extract_document(path: str | Path, meta: DocMeta | None = None, backend: str | None = None,
                     max_pages: int | None = None, document_info: dict | None = None,
                     ocr: OcrSettings | None = None) -> list[Figure]:
    """Read ``path`` (extract.read.read_document) and return its figures with file, page, box and sha256.
    The document's warnings are raised with ``warnings.warn`` (a run records them per document); a dict
    given as ``document_info`` receives describe_document's facts (format, pages, characters, …).
    ``ocr``: how scanned pages are read (default: OCR on, extract.read.ocr.OcrSettings)."""
    return extract(path, meta, backend=backend, max_pages=max_pages, document_info=document_info, ocr=ocr).figures


def extract(path: str | Path, meta: DocMeta | None = None, backend: str | None = None,
            max_pages: int | None = None, document_info: dict | None = None,
            ocr: OcrSettings | None = None) -> Extraction:
    """extract_document with what the document's tables say adds up (Extraction.relations)."""
    with collector_paced():
        return _extract(Path(path), meta, backend, max_pages, document_info, ocr)


# Reading a document makes some 10^5 to 10^6 small containers (char dicts and tuples, lines, boxes, figures) that
# live until it is done and hold almost no cycles: extracting the 14 renderings frees ~14,000 objects by
# collection in all. At the collector's default pace (a young pass every 700 new containers, a full pass every
# 100 young ones) its passes walk the live ones over and over, missing the cache: 5.5% of the CPU of extracting
# the renderings in one process, 3.5% of the real PDFs (medians of 6 alternating pairs), though only 0.8% of the
# instructions. So while a document is extracted the young generation holds COLLECT_AFTER containers before a
# pass; cycles still go, a little later.
COLLECT_AFTER = 10_000


@contextlib.contextmanager
def collector_paced(young: int = COLLECT_AFTER) -> Iterator[None]:
    """The garbage collector's young threshold at least ``young`` inside the block (unchanged where the collector
    is off: threshold 0), the process's own thresholds restored after."""
    before = gc.get_threshold()
    if 0 < before[0] < young:
        gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _extract(path: Path, meta: DocMeta | None, backend: str | None, max_pages: int | None,
             document_info: dict | None, ocr: OcrSettings | None) -> Extraction:
    from extract.read import read_document

    meta = DocMeta(**vars(meta)) if meta is not None else DocMeta()
    meta.file = meta.file or str(path)
    meta.doc_id = meta.doc_id or path.stem
    try:
        # The run has hashed the file already (its cache key): hash only when the caller did not.
        meta.sha256 = meta.sha256 or sha256_of(path)
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from exc
    document = read_document(str(path), backend=backend, max_pages=max_pages, ocr=ocr)
    # `reviewfigs run` records warnings raised from the package (repaired PDF, pages without text)
    for message in document.warnings:
        warnings.warn(message, stacklevel=4)
    if document_info is not None:
        document_info.update(describe_document(document))
    return read_figures(document, meta)


def describe_document(document: Document) -> dict:
    """What processed/documents.csv says about a read document: format, pages (0 without pages), characters of
    text, ocr_pages (how many pages came from OCR) and tables."""
    return {"format": document.format, "pages": document.n_pages, "characters": len(document.text),
            "ocr_pages": len(document.ocr_pages), "tables": sum(1 for b in document.blocks if b.kind == "table")}


FRAME_DTYPES = {
    "year": "Int64", "value": "float64", "low": "float64", "high": "float64", "page": "Int64",
    "x0": "float64", "top": "float64", "x1": "float64", "bottom": "float64", "adcode": "string",
    "doc_adcode": "string", "ocr": "bool", "char_start": "Int64", "char_end": "Int64",
}


def figures_frame(figs: list[Figure]) -> pd.DataFrame:
    """The figures as a DataFrame: FIGURE_COLUMNS in order, explicit dtypes (year/page Int64, adcode string)."""
    import pandas as pd

    frame = pd.DataFrame([f.to_dict() for f in figs], columns=FIGURE_COLUMNS)
    for column in FIGURE_COLUMNS:
        dtype = FRAME_DTYPES.get(column, "string")
        frame[column] = frame[column].astype(dtype)
    return frame


def figures_csv(figs: list[Figure], neutralise: bool = False) -> str:
    """The CSV text ``figures_frame(figs).to_csv(index=False)`` writes (``neutralise``: as write_csv_safely writes
    it, formula-like text cells prefixed with an apostrophe), made with the csv module: `reviewfigs extract` does
    not import pandas for one document (0.2 s of CPU, more than reading a page). tests/test_startup.py compares
    the two byte for byte."""
    import csv
    import io

    from extract.safety import neutralise_cell

    formats = [_CSV_FORMATS[FRAME_DTYPES.get(column, "string")] for column in FIGURE_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    for figure in figs:
        row = [fmt(value) for fmt, value in zip(formats, figure.to_dict().values(), strict=True)]
        if neutralise:
            row = [neutralise_cell(cell) if FRAME_DTYPES.get(column, "string") == "string" else cell
                   for column, cell in zip(FIGURE_COLUMNS, row, strict=True)]
        writer.writerow(row)
    return buffer.getvalue()


def _csv_float(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(float(value))  # pandas writes float64 cells in their shortest round-trip form, as repr does


def _csv_int(value: object) -> str:
    return "" if value is None else str(int(value))


def _csv_text(value: object) -> str:
    return "" if value is None else str(value)


# How figures_frame's dtypes (FRAME_DTYPES) print in pandas' CSV: missing values as empty cells.
_CSV_FORMATS = {"float64": _csv_float, "Int64": _csv_int, "bool": lambda value: str(bool(value)), "string": _csv_text}
