"""Tie the stages together: Document -> every figure as a labelled, located Figure row.

    figs = extract_document("report.pdf", DocMeta(region="永康市", published=2021, covers="2017-2021"))
    frame = figures_frame(figs)            # FIGURE_COLUMNS, explicit dtypes

``reviewfigs extract FILE.pdf`` prints the rows (CSV or JSON). Blocks are read in order; each block is
split into sentences, its quantities found once (extract.grammar.quantity) and labelled per sentence
(extract.grammar.labels) with the heading stack, the paragraph so far and any open target passage.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from extract.grammar import labels as lab
from extract.grammar.quantity import find_quantities
from extract.grammar.sentences import split_sentences
from extract.model import FIGURE_COLUMNS, Block, DocMeta, Document, DocumentError, Figure

if TYPE_CHECKING:  # pandas only where a frame is built: workers and a run's start never need it
    import pandas as pd

LIST_ITEM_RE = re.compile(r"^(?:——|[-•·●▪]|[一二三四五六七八九十]+是|[①-⑳]|\d+[.．、)）]|[（(]\d+[）)])")
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
    for q in quantities:
        k = next((i for i, (a, b) in enumerate(spans) if a <= q.start < b), None)
        if k is not None:
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
            labels = lab.label_sentence(joined, qs, ctx, offset=a - (len(joined) - len(sentence)))
            for q, label in zip(qs, labels, strict=True):
                # a figure stated for several measures (城乡居民收入均增长8%) gives one row per measure
                figures.extend(_figure(q, each, block, joined, state) for each in [label, *label.also])
        _advance_passage(state, sentence, ctx)
    state.carry = _unfinished(text, spans) if block.kind == "body" else ""
    return figures


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


def find_figures(document: Document, meta: DocMeta) -> list[Figure]:
    """Every figure of ``document`` in reading order, labelled (labels.py) and located (page, box)."""
    state = _State(meta)
    state.ocr_pages = frozenset(document.ocr_pages)
    figures: list[Figure] = []
    for number, block in enumerate(document.blocks, 1):
        state.para = number
        if block.kind == "heading":
            state.enter_heading(block)
        _enter_block(state, block)
        figures.extend(block_figures(block, state))
        if block.kind == "body":
            state.enter_paragraph(block)
        state.offset += len(block.text) + 1  # Document.text joins the blocks with "\n"
    return figures


def extract_document(path: str | Path, meta: DocMeta | None = None, backend: str | None = None,
                     max_pages: int | None = None, document_info: dict | None = None) -> list[Figure]:
    """Read ``path`` (extract.read.read_document) and return its figures with file, page, box and sha256.
    The document's warnings are raised with ``warnings.warn`` (a run records them per document); a dict
    given as ``document_info`` receives describe_document's facts (format, pages, characters, …)."""
    from extract.read import read_document

    path = Path(path)
    meta = DocMeta(**vars(meta)) if meta is not None else DocMeta()
    meta.file = meta.file or str(path)
    meta.doc_id = meta.doc_id or path.stem
    try:
        # The run has hashed the file already (its cache key): hash only when the caller did not.
        meta.sha256 = meta.sha256 or sha256_of(path)
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from exc
    document = read_document(str(path), backend=backend, max_pages=max_pages)
    # `reviewfigs run` records warnings raised from the package (repaired PDF, pages without text)
    for message in document.warnings:
        warnings.warn(message, stacklevel=2)
    if document_info is not None:
        document_info.update(describe_document(document))
    return find_figures(document, meta)


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
