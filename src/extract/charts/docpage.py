"""A document without pages (web page, text file, Word document) as one HTML page: its paragraphs, headings
and tables in reading order, every figure highlighted (blue: classified, orange: no metric), its value, unit,
metric, stance and year shown on hover, each paragraph numbered as its ``locator`` says (``para N``).

    html = document_page(document, figs, title="hailaer_2016_gov-report")

The figures are placed by their ``char_start``/``char_end`` in ``Document.text``; a figure whose span does not
hold its text (the file changed since the tables were made) is left out and counted. Every piece of the
document is escaped: nothing of the source page (scripts, styles, links) reaches the output.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from extract.model import Block, Document, Table
from extract.read.textblocks import table_layout

STYLE = """
.rf-doc { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; line-height: 1.8;
          max-width: 52em; }
.rf-doc .para { position: relative; margin: 0.6em 0; }
.rf-doc .loc { color: #999; font-size: 0.75em; margin-right: 0.6em; user-select: none; }
.rf-doc mark { padding: 0 1px; border-radius: 2px; }
.rf-doc mark.classified { background: rgba(31, 95, 139, 0.18); border-bottom: 2px solid rgb(31, 95, 139); }
.rf-doc mark.unclassified { background: rgba(217, 95, 2, 0.16); border-bottom: 2px solid rgb(217, 95, 2); }
.rf-doc table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
.rf-doc td { border: 1px solid #bbb; padding: 2px 6px; vertical-align: top; }
.rf-doc .caption, .rf-doc .title { color: #444; }
.rf-doc .notes { color: #666; font-size: 0.85em; }
"""


def document_page(document: Document, figs: pd.DataFrame, title: str) -> tuple[str, int, int]:
    """(a whole HTML page, figures highlighted, figures left out) for ``document`` and its figures."""
    fragment, shown, skipped = document_fragment(document, figs, title)
    return wrap_page(fragment, title), shown, skipped


def wrap_page(fragment: str, title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"</head>\n<body>\n{fragment}\n</body></html>\n")


def document_fragment(document: Document, figs: pd.DataFrame, title: str) -> tuple[str, int, int]:
    """The page's body as a fragment (with its style), for a notebook to show inline."""
    text = document.text
    spans = _figure_spans(figs, text)
    skipped = len(figs) - len(spans)
    parts = [f'<div class="rf-doc"><style>{STYLE}</style>',
             f"<p class=\"notes\">{html.escape(title)}: {document.format}, {len(document.blocks)} paragraphs, "
             f"{len(spans)} figures highlighted (blue: with a metric, orange: without; hover for details)"
             + (f", {skipped} not placed (the file differs from the one the tables were made from)" if skipped
                else "") + "</p>"]
    offset = 0
    for number, block in enumerate(document.blocks, 1):
        mine = [s for s in spans if offset <= s[0] and s[1] <= offset + len(block.text)]
        parts.append(_block_html(block, number, offset, mine))
        offset += len(block.text) + 1
    parts.append("</div>")
    return "\n".join(parts), len(spans), skipped


def _figure_spans(figs: pd.DataFrame, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, hover text) of every figure whose span holds its text, in order, no overlaps."""
    spans = []
    if figs is None or figs.empty or "char_start" not in figs:
        return spans
    for row in figs.itertuples():
        start, end = _int(getattr(row, "char_start", None)), _int(getattr(row, "char_end", None))
        if start is None or end is None or not 0 <= start < end <= len(text):
            continue
        if text[start:end].replace("\n", "") != str(row.text):
            continue
        metric = str(getattr(row, "metric", "") or "")
        spans.append((start, end, "classified" if metric else "unclassified", _hover(row)))
    spans.sort()
    out = []
    for span in spans:
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _int(value) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        if isinstance(value, float) and math.isnan(value):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def _hover(row) -> str:
    value = getattr(row, "value", None)
    shown = "" if value is None or pd.isna(value) else f"{value:,.6f}".rstrip("0").rstrip(".")  # 16,240,000,000
    parts = [f"{shown} {getattr(row, 'unit', '') or ''}".strip(), f"metric: {getattr(row, 'metric', '') or '—'}",
             f"stance: {getattr(row, 'stance', '')}", f"year: {_int(getattr(row, 'year', None)) or '—'}"]
    period = getattr(row, "period", "") or ""
    if period and str(period) != str(_int(getattr(row, "year", None))):
        parts.append(f"period: {period}")
    subject = getattr(row, "subject", "") or ""
    if subject:
        parts.append(f"subject: {subject}")
    return " · ".join(parts)


def _marked(text: str, base: int, spans: list) -> str:
    """``text`` (starting at ``base`` in the document) escaped, with the spans inside it marked."""
    out, at = [], 0
    for start, end, css, hover in spans:
        lo, hi = start - base, end - base
        if lo < at or hi > len(text):
            continue
        out.append(html.escape(text[at:lo]))
        out.append(f'<mark class="{css}" title="{html.escape(hover, quote=True)}">{html.escape(text[lo:hi])}</mark>')
        at = hi
    out.append(html.escape(text[at:]))
    return "".join(out).replace("\n", "<br>")


def _block_html(block: Block, number: int, offset: int, spans: list) -> str:
    loc = f'<span class="loc">para {number}</span>'
    if block.kind == "table" and block.table is not None:
        return f'<div class="para" id="para-{number}">{loc}{_table_html(block.table, offset, spans)}</div>'
    body = _marked(block.text, offset, spans)
    if block.kind == "heading":
        level = min(6, max(2, block.level + 1 if block.level < 9 else 5))
        return f'<h{level} class="para" id="para-{number}">{loc}{body}</h{level}>'
    css = {"title": "para title", "caption": "para caption"}.get(block.kind, "para")
    return f'<p class="{css}" id="para-{number}">{loc}{body}</p>'


def _table_html(table: Table, offset: int, spans: list) -> str:
    _text, starts = table_layout(table)
    head = []
    at = 0
    for line in ([table.title] if table.title else []) + list(table.notes):
        head.append(f'<div class="caption">{_marked(line, offset + at, spans)}</div>')
        at += len(line) + 1
    rows = []
    for r in range(table.n_rows):
        cells = sorted((c for c in table.cells if c.row == r), key=lambda c: c.col)
        tds = []
        for cell in cells:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                   (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            inner = _marked(cell.text, offset + starts[id(cell)], spans) if id(cell) in starts else ""
            tds.append(f"<td{span}>{inner}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return "".join(head) + f'<table data-table="{table.number}">' + "".join(rows) + "</table>"
