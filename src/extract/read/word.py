"""A Word document (.docx) -> Document, with python-docx: the body's paragraphs and tables in order.

A paragraph is a heading when its style says so (Heading N / 标题 N / an outline level) or when it is a short
numbered line (一、… typed, or Word's own numbering with a short text); its level comes from the style, the
outline level or the numbering level when the number is not typed into the text. A short paragraph set all in
bold is a heading too, a Title style the title. Soft line breaks are lines (joined by extract.read.textblocks'
rule). A table of two rows and two columns or more becomes a Table (gridSpan and vMerge as colspan and
rowspan); a one-cell box or a layout grid of long text is read as paragraphs. Content controls are read through.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from extract.model import UNNUMBERED_LEVEL, Block, Cell, Document, DocumentError, Table, heading_level
from extract.read import textblocks as tb

MAX_CELL_CHARS = 150
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|subtitle|标题|副标题)$", re.I)


def read_docx(path: str | Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"a damaged Word document (.docx): {str(exc).splitlines()[0][:120]}") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and relatives: the package holds broken XML
        raise DocumentError(f"a Word document whose XML cannot be read ({type(exc).__name__})") from exc
    styles = _style_names(document)
    blocks: list[Block] = []
    tables = 0
    for kind, element in _body_items(document.element.body):
        if kind == "p":
            blocks.extend(_paragraph_blocks(element, styles, front=not any(b.kind == "body" for b in blocks)))
        elif _is_data_table(element):
            tables += 1
            table = _table(element, tables)
            tb.take_table_captions(blocks, table)
            text = tb.table_text(table)
            blocks.append(Block(text=text, boxes=[None] * len(text), kind="table", table=table))
        else:
            for paragraph in element.iter(f"{_W}p"):
                blocks.extend(_paragraph_blocks(paragraph, styles, front=False))
    tb.take_following_notes(blocks)
    for block in blocks:
        if block.kind == "table":  # notes taken after the block was made
            block.text = tb.table_text(block.table)
            block.boxes = [None] * len(block.text)
    if not blocks:
        raise DocumentError("a Word document without text")
    return Document(path=str(path), n_pages=0, blocks=blocks, format="docx")


def _style_names(document) -> dict[str, str]:
    """style id -> name (python-docx's UI names: "Heading 1", "Title")."""
    return {style.style_id: style.name or "" for style in document.styles}


def _body_items(body):
    """("p" | "tbl", element) in reading order, through content controls (w:sdt)."""
    for child in body.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield "p", child
        elif tag == f"{_W}tbl":
            yield "tbl", child
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_items(content)


def _paragraph_text(p) -> list[str]:
    """The lines of a paragraph (w:br breaks lines; w:tab is a space)."""
    lines, parts = [], []
    for el in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab", f"{_W}cr"):
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag == f"{_W}tab":
            parts.append(" ")
        elif el.get(f"{_W}type") in (None, "textWrapping"):
            lines.append("".join(parts))
            parts = []
    lines.append("".join(parts))
    return lines


def _paragraph_level(p, styles: dict[str, str]) -> tuple[str, int]:
    """(hint, level) from the paragraph's style, outline level and numbering."""
    ppr = p.find(f"{_W}pPr")
    style_id = ""
    outline = numbered = None
    if ppr is not None:
        style = ppr.find(f"{_W}pStyle")
        style_id = style.get(f"{_W}val") if style is not None else ""
        level = ppr.find(f"{_W}outlineLvl")
        outline = int(level.get(f"{_W}val", "9")) if level is not None else None
        num = ppr.find(f"{_W}numPr")
        if num is not None:
            ilvl = num.find(f"{_W}ilvl")
            numbered = int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
    name = styles.get(style_id, style_id).strip()
    match = _HEADING_STYLE.match(name)
    if match:
        return "heading", int(match.group(1))
    if _TITLE_STYLE.match(name):
        return "title", 0
    if outline is not None and outline < 9:
        return "heading", outline + 1
    if numbered is not None:
        return "numbered", numbered + 1
    return "", 0


def _all_bold(p) -> bool:
    runs = [r for r in p.iter(f"{_W}r") if "".join(t.text or "" for t in r.iter(f"{_W}t")).strip()]
    if not runs:
        return False
    for run in runs:
        props = run.find(f"{_W}rPr")
        bold = props.find(f"{_W}b") if props is not None else None
        if bold is None or bold.get(f"{_W}val") in ("0", "false"):
            return False
    return True


def _paragraph_blocks(p, styles: dict[str, str], front: bool) -> list[Block]:
    hint, level = _paragraph_level(p, styles)
    bold = _all_bold(p)
    lines = [tb.Para(tb.clean_inline(line)) for line in _paragraph_text(p)]
    paras = tb.lines_to_paragraphs(lines)
    for para in paras:
        if hint in ("heading", "title"):
            para.hint = hint
        elif hint == "numbered" and tb.is_heading_line("一、" + para.text):
            para.hint = "heading"  # Word's own numbering, not typed: a short numbered line is a head
        elif bold:
            para.hint = "bold"
    blocks = tb.to_blocks(paras, front=front)
    for block in blocks:
        if block.kind == "heading" and heading_level(block.text) == UNNUMBERED_LEVEL and level:
            block.level = level  # the number is Word's, or the style names the level
    return blocks


# ------------------------------------------------------------------------------------------ tables


def _rows(tbl) -> list:
    return tbl.findall(f"{_W}tr")


def _cells(tr) -> list:
    return [tc for tc in tr.iterchildren() if tc.tag == f"{_W}tc"]


def _cell_text(tc) -> str:
    return tb.join_pieces(tb.clean_inline(line) for p in tc.iter(f"{_W}p") for line in _paragraph_text(p))


def _is_data_table(tbl) -> bool:
    rows = _rows(tbl)
    if len(rows) < 2 or max(len(_cells(tr)) for tr in rows) < 2:
        return False
    for tr in rows:
        for tc in _cells(tr):
            text = _cell_text(tc)
            if len(text) > MAX_CELL_CHARS or text.count("。") >= 2:
                return False
    return True


def _int_prop(parent, name: str, default: int) -> int:
    el = parent.find(f"{_W}{name}") if parent is not None else None
    try:
        return max(0, int(el.get(f"{_W}val"))) if el is not None else default
    except (TypeError, ValueError):
        return default


def _table(tbl, number: int) -> Table:
    """Cells on the grid: w:gridSpan is a colspan, w:vMerge (continue) extends the cell above's rowspan, w:gridBefore
    skips columns."""
    cells: list[Cell] = []
    at: dict[tuple[int, int], Cell] = {}  # (row, col) -> the cell covering it
    for r, tr in enumerate(_rows(tbl)):
        c = _int_prop(tr.find(f"{_W}trPr"), "gridBefore", 0)
        for tc in _cells(tr):
            props = tc.find(f"{_W}tcPr")
            span = max(1, _int_prop(props, "gridSpan", 1))
            merge = props.find(f"{_W}vMerge") if props is not None else None
            above = at.get((r - 1, c))
            if merge is not None and merge.get(f"{_W}val") in (None, "continue") and above is not None:
                above.rowspan = r - above.row + 1
                for dc in range(above.colspan):
                    at[(r, above.col + dc)] = above
            else:
                cell = Cell(text=_cell_text(tc), row=r, col=c, colspan=span)
                cells.append(cell)
                for dc in range(span):
                    at[(r, c + dc)] = cell
            c += span
    return tb.finish_table(cells, len(_rows(tbl)), number)
