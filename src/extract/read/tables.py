"""Tables on a PDF page, found without settings: ruled tables from the lines and rectangles drawn on the page,
unruled ones from columns of aligned numbers; and tables that go on over the next page.

    found = find_tables(lines, rules, page=4)      # FoundTable: a model.Table (cells with boxes), box, chars used
    link_continuations(found_by_page)              # number the document's tables, mark continuations

Ruled tables (pdfplumber's finder is the reference, tests/test_tables.py compares the two on the shared corpus):
1. edges: the page's horizontal and vertical rules (extract.read.pdf), snapped together and joined within 3pt,
   kept from 3pt long, exactly as pdfplumber's ``lines`` strategy does.
2. one table per group of touching edges: its column boundaries are the x of its vertical edges and the ends
   of its horizontal ones (so a last column without a right border, or a label column whose body rows have no
   left border, is still a column); its row boundaries are the y of its horizontal edges.
3. a band between two row boundaries that holds several rows of numbers stacked in two or more columns (body
   rows printed without rules between them) is cut into one row per text row.
4. neighbouring elementary cells merge where no rule separates them (headers spanning columns or rows); in rows
   of numbers a boundary no character crosses separates cells even without a rule.
Where pdfplumber finds a cell, the cells here hold the same characters (pdfplumber's cell of stacked body rows
is several cells here; pdfplumber has no cell where a border is missing).

Unruled tables: runs of rows whose pieces end in bare numbers set apart from the text before them, with the
numbers aligned in columns; the rows just above them with several short pieces are the header.

Title and notes: the lines just above a table (a title, 表1, 单位：万元) and a 注/说明/资料来源 line just below it
are copied into ``Table.title`` / ``Table.notes``; they stay in the text flow as well.

Continuations: the last table of a page and the first of the next page are one table printed over two pages
when they have the same columns, nothing but a title (the same one, or none) stands above the second and no
text follows the first. The second keeps its own rows; ``Table.continues`` names the first.

Plain functions over plain data: the lines are any objects with ``text`` (chars), ``boxes`` (page, x0, top,
x1, bottom per char), ``size``, ``x0``, ``top``, ``x1``, ``bottom`` (extract.read.layout's Line).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from extract.model import Box, Boxes, Cell, Table

Rule = tuple[float, float, float, float]  # x0, top, x1, bottom (extract.read.pdf.Rule)

SNAP = 3.0  # pdfplumber's snap_tolerance and join_tolerance
JOIN = 3.0
MIN_EDGE = 3.0  # pdfplumber's edge_min_length
TOUCH = 3.0  # pdfplumber's intersection_tolerance
COVERED = 0.7  # a rule along this share of a cell side separates the cells on either side of it

# A cell that is one number as printed in tables: 1,234.5  -683  （5.3）  +2.1  18260  5.2%  and markers of
# no value (— - … /). Full-width forms are folded by the reader already.
NUMBER_RE = re.compile(r"^[+\-−－]?[（(]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?[）)]?%?$|^[+\-−－]?[（(]?\d+(?:\.\d+)?[）)]?%?$")
NO_VALUE_RE = re.compile(r"^(?:[—–\-－─]{1,3}|…{1,2}|\.{2,6}|/|／|×|x|X|——)$")
UNIT_LINE_RE = re.compile(r"^[（(]?\s*(?:金额|计量|货币)?单\s*位\s*[：:]")
NOTE_LINE_RE = re.compile(r"^(?:注|说明|备注|资料来源|数据来源|来源)\s*[：:0-9一-龥①]")
TABLE_LABEL_RE = re.compile(r"^(?:附)?表\s*[0-9一二三四五六七八九十]+")


def is_number_text(text: str) -> bool:
    """A cell printed as one bare number (or a dash or ellipsis standing for none)."""
    return bool(NUMBER_RE.match(text) or NO_VALUE_RE.match(text))


@dataclass
class FoundTable:
    """A table found on one page: the model Table (cells with boxes, title, notes), its box on the page, the
    chars it took from each line (line index -> char indices) and whether rules drew it."""

    table: Table
    box: tuple[float, float, float, float]  # x0, top, x1, bottom
    page: int
    used: dict[int, list[int]] = field(default_factory=dict)
    ruled: bool = True
    text_above: bool = False  # other text than its title stands above it on the page
    text_below: bool = False  # other text than its notes follows it on the page
    columns: list[float] = field(default_factory=list)  # column boundaries (x), for matching continuations


# ------------------------------------------------------------------------------------------------- chars


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    line: int  # index of its line
    index: int  # index in its line
    cx: float  # centre, (x0 + x1) / 2: every table finder asks it of each char several times
    cy: float  # middle, (top + bottom) / 2

    @property
    def box(self) -> Box:
        return (0, self.x0, self.top, self.x1, self.bottom)


def _chars_of(lines: Sequence[Any]) -> list[_Char]:
    out = []
    for k, ln in enumerate(lines):
        size = ln.size
        for i, (ch, b) in enumerate(zip(ln.text, ln.boxes, strict=True)):
            out.append(_Char(ch, b[1], b[2], b[3], b[4], size, k, i, (b[1] + b[3]) * 0.5, (b[2] + b[4]) * 0.5))
    return out


_BY_TOP_X0, _BY_X0, _BY_X1 = attrgetter("top", "x0"), attrgetter("x0"), attrgetter("x1")  # sort keys in C


def _text_rows(chars: list[_Char]) -> list[list[_Char]]:
    """Chars grouped into text rows (a new row starts half a char below the current row's first top), each
    row left to right."""
    rows: list[list[_Char]] = []
    row: list[_Char] = []
    first_top = reach = 0.0  # the current row's first top, and half its first char's height (at least 0.5)
    for c in sorted(chars, key=_BY_TOP_X0):
        if row and c.top - first_top <= reach:
            row.append(c)
        else:
            row = [c]
            rows.append(row)
            first_top, height = c.top, c.bottom - c.top
            reach = 0.5 * (1.0 if 1.0 > height else height)  # max(height, 1.0), as max() keeps its first
    return [sorted(r, key=_BY_X0) for r in rows]


def _row_text(row: list[_Char]) -> str:
    """The chars of one text row as printed; a space only where two latin letters or digits stand apart."""
    out: list[str] = []
    prev: _Char | None = None
    for c in row:
        if (prev is not None and prev.text < "\x80" and c.text < "\x80" and prev.text.isalnum() and c.text.isalnum()
                and not (prev.text.isdigit() and c.text.isdigit()) and c.x0 - prev.x1 > 0.25 * c.size):
            out.append(" ")
        out.append(c.text)
        prev = c
    return "".join(out)


def _cell_from_chars(chars: list[_Char], page: int, row: int, col: int, rowspan: int, colspan: int,
                     bbox: tuple[float, float, float, float] | None = None) -> Cell:
    """A cell's text row by row ("\\n" between text rows, without a box) and the box of every char."""
    text: list[str] = []
    boxes = Boxes()
    add_page, add_coords = boxes.pages.append, boxes.coords.extend  # Boxes.append's two steps, without its call
    for k, trow in enumerate(_text_rows(chars)):
        if k:
            text.append("\n")
            boxes.append(None)
        prev: _Char | None = None
        for c in trow:
            if (prev is not None and prev.text < "\x80" and c.text < "\x80" and prev.text.isalnum()
                    and c.text.isalnum() and not (prev.text.isdigit() and c.text.isdigit())
                    and c.x0 - prev.x1 > 0.25 * c.size):
                text.append(" ")
                boxes.append(None)
            text.append(c.text)
            add_page(page)
            add_coords((c.x0, c.top, c.x1, c.bottom))
            prev = c
    return Cell(text="".join(text), row=row, col=col, rowspan=rowspan, colspan=colspan, boxes=boxes, bbox=bbox)


# ------------------------------------------------------------------------------------------------- edges


def _cluster(values: list[float], tolerance: float) -> list[list[float]]:
    """pdfplumber's cluster_list: sorted values, a new group where the gap to the previous value exceeds
    ``tolerance``."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v <= groups[-1][-1] + tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return groups


def _snap_join(edges: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """(position, start, end) edges snapped to the mean position of their cluster, then joined along each
    position where they touch or nearly touch; kept from MIN_EDGE long."""
    if not edges:
        return []
    means: dict[float, float] = {}
    for group in _cluster([e[0] for e in edges], SNAP):
        mean = sum(group) / len(group)
        for v in group:
            means[v] = mean
    by_position: dict[float, list[tuple[float, float]]] = {}
    for pos, a, b in edges:
        by_position.setdefault(means[pos], []).append((a, b))
    out: list[tuple[float, float, float]] = []
    for pos, spans in sorted(by_position.items()):
        spans.sort()
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + JOIN:
                end = max(end, b)
            else:
                out.append((pos, start, end))
                start, end = a, b
        out.append((pos, start, end))
    return [e for e in out if e[2] - e[1] >= MIN_EDGE]


def page_edges(rules: Sequence[Rule]) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal edges (y, x0, x1) and vertical edges (x, top, bottom) of the page, merged as pdfplumber does."""
    h = [(top, x0, x1) for x0, top, x1, bottom in rules if top == bottom and x1 - x0 >= 1]
    v = [(x0, top, bottom) for x0, top, x1, bottom in rules if x0 == x1 and bottom - top >= 1]
    return _snap_join(h), _snap_join(v)


def _edge_groups(h: list, v: list) -> list[tuple[list, list]]:
    """Edges that touch (a vertical edge meets a horizontal one within TOUCH), grouped: one group per table."""
    parent = list(range(len(h) + len(v)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(v)), key=lambda j: v[j][0])
    xs = [v[j][0] for j in order]
    for i, (y, x0, x1) in enumerate(h):
        lo, hi = bisect.bisect_left(xs, x0 - TOUCH), bisect.bisect_right(xs, x1 + TOUCH)
        for j in order[lo:hi]:
            _, top, bottom = v[j]
            if top - TOUCH <= y <= bottom + TOUCH:
                parent[find(i)] = find(len(h) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, e in enumerate(h):
        groups.setdefault(find(i), ([], []))[0].append(e)
    for j, e in enumerate(v):
        groups.setdefault(find(len(h) + j), ([], []))[1].append(e)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> bool:
    """Do the spans (start, end) along one boundary cover most of [a, b]?"""
    if b <= a:
        return True
    total = 0.0
    for s, e in spans:
        lo, hi = max(s, a), min(e, b)
        if hi > lo:
            total += hi - lo
    return total >= COVERED * (b - a)


def _boundaries(values: list[float]) -> list[float]:
    return [sum(g) / len(g) for g in _cluster(values, 2.0)]


# ------------------------------------------------------------------------------------------------- ruled


@dataclass
class _Band:
    top: float
    bottom: float
    ruled_top: bool  # the boundary above it is a rule boundary (not a cut between text rows)
    numeric: bool = False  # holds numbers in two or more columns


def _ruled_tables(chars: list[_Char], groups: list[tuple[list, list]],
                  page: int) -> list[tuple[list[Cell], list[float], list[float], list[_Char]]]:
    out = []
    for hs, vs in groups:
        x_lo = min(min(e[1] for e in hs), min(e[0] for e in vs))
        x_hi = max(max(e[2] for e in hs), max(e[0] for e in vs))
        y_lo = min(min(e[0] for e in hs), min(e[1] for e in vs))
        y_hi = max(max(e[0] for e in hs), max(e[2] for e in vs))
        xs = _boundaries([e[0] for e in vs] + [x_lo, x_hi])
        ys = _boundaries([e[0] for e in hs] + [y_lo, y_hi])
        if len(xs) < 3 or len(ys) < 2:
            continue  # one column: a framed box, not a table
        inside = [c for c in chars if x_lo - 1 <= c.cx <= x_hi + 1 and y_lo - 1 <= c.cy <= y_hi + 1]
        if not inside:
            continue
        cells = _grid_cells(inside, xs, ys, hs, vs, page)
        if cells is not None:
            out.append((cells, xs, ys, inside))
    return out


def _slot(starts: list[float], v: float, last: int) -> int:
    """Which of the slots beginning at ``starts`` (sorted) holds ``v``, clamped to 0..``last``: the column of a
    char's centre, the band or row of its middle. min(max(k, 0), last) spelt out: it is asked for every char."""
    k = bisect.bisect_right(starts, v) - 1
    if k < 0:
        k = 0
    return last if k > last else k


def _grid_cells(chars: list[_Char], xs: list[float], ys: list[float], hs: list, vs: list,
                page: int) -> list[Cell] | None:
    """The cells of one ruled grid: bands cut into text rows where numbers are stacked, elementary cells
    merged where no rule (or, in rows of numbers, no gap) separates them."""
    n_cols = len(xs) - 1
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]  # vertical rule spans at each column boundary
    for x, top, bottom in vs:
        k = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
        if abs(xs[k] - x) <= SNAP:
            v_at[k].append((top, bottom))
    bands: list[_Band] = []
    by_band: list[list[_Char]] = [[] for _ in range(len(ys) - 1)]
    last_band, last_col = len(ys) - 2, n_cols - 1
    for c in chars:
        by_band[_slot(ys, c.cy, last_band)].append(c)
    for k in range(len(ys) - 1):
        bands.extend(_cut_band(ys[k], ys[k + 1], by_band[k], xs))
    rows = bands
    n_rows = len(rows)
    tops = [b.top for b in rows]
    grid: list[list[list[_Char]]] = [[[] for _ in range(n_cols)] for _ in range(n_rows)]
    for c in chars:
        grid[_slot(tops, c.cy, n_rows - 1)][_slot(xs, c.cx, last_col)].append(c)

    spans_at: dict[float, list[tuple[float, float]]] = {}  # row boundary -> horizontal rule spans along it

    def h_rule(y: float, x0: float, x1: float) -> bool:
        spans = spans_at.get(y)
        if spans is None:
            spans = spans_at[y] = [(a, b) for yy, a, b in hs if abs(yy - y) <= SNAP]
        return _covered(spans, x0, x1)

    def joins_right(r: int, j: int) -> bool:
        """Elementary cells (r, j) and (r, j+1) are one cell: no rule between them, and text runs over the
        boundary or (outside rows of numbers) one side is empty (a heading centred over several columns)."""
        band = rows[r]
        if _covered(v_at[j + 1], band.top, band.bottom):
            return False
        x = xs[j + 1]
        left, right_ = grid[r][j], grid[r][j + 1]
        lo, hi = x - 0.5, x + 0.5
        if any(c.x0 < lo and c.x1 > hi for c in left) or any(c.x0 < lo and c.x1 > hi for c in right_):
            return True
        if band.numeric:
            return False
        if not (left and right_):
            return True
        # text on both sides: one heading if it runs on over the boundary (202|5年 centred over four columns)
        last = max(left, key=_BY_X1)
        first = min(right_, key=_BY_X0)
        return abs(first.cy - last.cy) < 0.5 * first.size and first.x0 - last.x1 < 0.5 * first.size

    def joins_down(r: int, j: int) -> bool:
        """Elementary cells (r, j) and (r+1, j) are one cell: no rule between them and one of them is empty
        (a label set between two rows), or text runs over the boundary."""
        below = rows[r + 1]
        if not below.ruled_top:
            return False  # a cut between two text rows of numbers
        if h_rule(below.top, xs[j], xs[j + 1]):
            return False
        upper, lower = grid[r][j], grid[r + 1][j]
        y = below.top
        if any(c.top < y - 0.5 and c.bottom > y + 0.5 for c in upper + lower):
            return True
        return not (upper and lower)

    right = [[joins_right(r, j) for j in range(n_cols - 1)] for r in range(n_rows)]
    down = [[joins_down(r, j) for j in range(n_cols)] for r in range(n_rows - 1)]
    taken = [[False] * n_cols for _ in range(n_rows)]
    cells: list[Cell] = []
    for r in range(n_rows):
        for j in range(n_cols):
            if taken[r][j]:
                continue
            j1 = j
            while j1 + 1 < n_cols and right[r][j1] and not taken[r][j1 + 1]:
                j1 += 1
            r1 = r
            while r1 + 1 < n_rows and all(down[r1][k] and not taken[r1 + 1][k] for k in range(j, j1 + 1)) and all(
                right[r1 + 1][k] for k in range(j, j1)
            ):
                r1 += 1
            members = [c for rr in range(r, r1 + 1) for jj in range(j, j1 + 1) for c in grid[rr][jj]]
            for rr in range(r, r1 + 1):
                for jj in range(j, j1 + 1):
                    taken[rr][jj] = True
            cells.append(_cell_from_chars(members, page, r, j, r1 - r + 1, j1 - j + 1,
                                          (xs[j], rows[r].top, xs[j1 + 1], rows[r1].bottom)))
    return cells


def _cut_band(top: float, bottom: float, chars: list[_Char], xs: list[float]) -> list[_Band]:
    """One band between two row rules, or one per text row when two or more columns hold several numbers
    stacked in it (body rows printed without rules between them). Cuts lie midway between text rows."""
    by_col: dict[int, list[_Char]] = {}
    last_col = len(xs) - 2
    for c in chars:
        by_col.setdefault(_slot(xs, c.cx, last_col), []).append(c)
    stacked = 0
    numeric_cols = 0
    number_rows: list[tuple[float, float]] = []
    for cs in by_col.values():
        trows = _text_rows(cs)
        numbers = [r for r in trows if NUMBER_RE.match(_row_text(r))]
        if numbers:
            numeric_cols += 1
        if len(numbers) >= 2:
            stacked += 1
            number_rows.extend((min(c.top for c in r), max(c.bottom for c in r)) for r in numbers)
    if stacked < 2:
        return [_Band(top, bottom, True, numeric_cols >= 2)]
    # text rows of numbers across columns, merged where they overlap vertically
    merged: list[list[float]] = []
    for a, b in sorted(number_rows):
        if merged and a < merged[-1][1] - 0.2 * (b - a):
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    cuts = [(p[1] + q[0]) * 0.5 for p, q in zip(merged, merged[1:], strict=False)]
    edges = [top, *cuts, bottom]
    return [_Band(edges[k], edges[k + 1], k == 0, True) for k in range(len(edges) - 1)]


# ------------------------------------------------------------------------------------------------- unruled


@dataclass
class _Piece:
    chars: list[_Char]

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def text(self) -> str:
        return _row_text(self.chars)

    @property
    def size(self) -> float:
        return self.chars[0].size


def _pieces(row: list[_Char]) -> list[_Piece]:
    """A text row cut at gaps of a char or more (the column gaps of a table)."""
    pieces: list[_Piece] = []
    for c in row:
        if pieces and c.x0 - pieces[-1].chars[-1].x1 < 0.9 * max(c.size, pieces[-1].chars[-1].size):
            pieces[-1].chars.append(c)
        else:
            pieces.append(_Piece([c]))
    return pieces


def _is_data_row(pieces: list[_Piece]) -> bool:
    """A row of a table body: a label, then short pieces set apart, at least one of them a bare number. (Rows
    of numbers without a label are digits that fell out of their lines, not a table.)"""
    if len(pieces) < 2 or any(len(p.chars) > 30 for p in pieces):
        return False
    text = "".join(p.text for p in pieces)
    if "。" in text or is_number_text(pieces[0].text) or not any(_is_cjk(c.text) for c in pieces[0].chars):
        return False
    return any(is_number_text(p.text) and NUMBER_RE.match(p.text) for p in pieces[1:])


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _unruled_tables(chars: list[_Char], h: list, page: int) -> list[tuple[list[Cell], list[float], list[_Char]]]:
    rows = [_pieces(r) for r in _text_rows(chars)]
    rows = [r for r in rows if r]
    out = []
    k = 0
    while k < len(rows):
        if not _is_data_row(rows[k]):
            k += 1
            continue
        end = k + 1
        data = [k]
        while end < len(rows):
            prev, row = rows[end - 1], rows[end]
            gap = min(p.top for p in row) - max(p.bottom for p in prev)
            height = max(p.bottom - p.top for p in row)
            if gap > 1.6 * height:
                break
            if _is_data_row(row) and abs(row[0].x0 - rows[k][0].x0) <= 6 * row[0].size:
                data.append(end)
            elif not _is_label_row(row, rows[k]):
                break
            end += 1
        while end - 1 > data[-1]:
            end -= 1  # trailing label rows belong to what follows
        table = _build_unruled(rows, k, end, data, h, page) if _enough(rows, data) else None
        if table is not None:
            out.append(table)
        k = end
    return out


def _is_label_row(row: list[_Piece], first: list[_Piece]) -> bool:
    """A row of a table body without numbers (a section row, an item with no value printed): one short
    piece starting near the body's label column."""
    return (len(row) == 1 and len(row[0].chars) <= 20 and "。" not in row[0].text
            and abs(row[0].x0 - first[0].x0) <= 4 * row[0].size)


def _enough(rows: list[list[_Piece]], data: list[int]) -> bool:
    """Three rows of numbers, or two with two numbers each."""
    if len(data) >= 3:
        return True
    return len(data) == 2 and all(sum(is_number_text(p.text) for p in rows[i]) >= 2 for i in data)


def _build_unruled(rows: list[list[_Piece]], start: int, end: int, data: list[int], h: list,
                   page: int) -> tuple[list[Cell], list[float], list[_Char]] | None:
    # columns from the numbers of the body: x ranges overlapping from row to row
    spans: list[list[float]] = []
    for i in data:
        for p in rows[i][1:]:
            if is_number_text(p.text):
                spans.append([p.x0, p.x1])
    columns: list[list[float]] = []
    for a, b in sorted(spans):
        if columns and a <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], b)
        else:
            columns.append([a, b])
    if not columns:
        return None
    first_x = columns[0][0]
    body_rows = rows[start:end]
    label_x1 = max((p.x1 for r in body_rows for p in r if p.x1 <= first_x), default=None)
    bounds: list[tuple[float, float]] = []
    if label_x1 is not None:
        bounds.append((min(p.x0 for r in body_rows for p in r), label_x1))
    bounds.extend((a, b) for a, b in columns)
    # text pieces beside the number columns (a 单位 column) make columns of their own
    for r in body_rows:
        for p in r:
            if p.x1 <= first_x or any(min(p.x1, b) - max(p.x0, a) > 0 for a, b in bounds):
                continue
            bounds.append((p.x0, p.x1))
    bounds = _merge_intervals(bounds)
    header = _header_rows(rows, start, bounds, h)
    table_rows = [rows[i] for i in range(start - header, end)]
    cells: list[Cell] = []
    used: list[_Char] = []
    for r, row in enumerate(table_rows):
        slots: dict[tuple[int, int], list[_Char]] = {}
        for p in row:
            cols = [j for j, (a, b) in enumerate(bounds) if min(p.x1, b) - max(p.x0, a) > 0]
            if not cols:
                cols = [min(range(len(bounds)), key=lambda j: abs((bounds[j][0] + bounds[j][1]) / 2 - (p.x0 + p.x1) / 2))]
            key = (cols[0], cols[-1]) if r < header else (cols[0], cols[0])
            slots.setdefault(key, []).extend(p.chars)
            used.extend(p.chars)
        top, bottom = min(p.top for p in row), max(p.bottom for p in row)
        for (j0, j1), cs in sorted(slots.items()):
            cells.append(_cell_from_chars(cs, page, r, j0, 1, j1 - j0 + 1, (bounds[j0][0], top, bounds[j1][1], bottom)))
    xs = [bounds[0][0]] + [(bounds[j][1] + bounds[j + 1][0]) / 2 for j in range(len(bounds) - 1)] + [bounds[-1][1]]
    return cells, xs, used


def _merge_intervals(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _header_rows(rows: list[list[_Piece]], start: int, bounds: list[tuple[float, float]], h: list) -> int:
    """How many rows above the body are its header: close above it, two or more short pieces over the
    table's columns (a title or a unit line stops it), at most four."""
    left, right = bounds[0][0], bounds[-1][1]
    n = 0
    below = rows[start]
    for i in range(start - 1, max(-1, start - 5), -1):
        row = rows[i]
        gap = min(p.top for p in below) - max(p.bottom for p in row)
        height = max(p.bottom - p.top for p in row)
        text = "".join(p.text for p in row)
        if gap > 1.6 * height or len(row) < 2 or "。" in text or UNIT_LINE_RE.match(text):
            break
        if any(len(p.chars) > 20 for p in row) or min(p.x0 for p in row) < left - 2 * height \
                or max(p.x1 for p in row) > right + 2 * height:
            break
        n += 1
        below = row
    return n


# ------------------------------------------------------------------------------------------------- page


def find_tables(lines: Sequence[Any], rules: Sequence[Rule], page: int, *, ruled: bool = True,
                unruled: bool = True, describe: bool = True) -> list[FoundTable]:
    """The tables of one page, top to bottom (their ``number`` is set by link_continuations). ``ruled`` /
    ``unruled`` choose the finders; ``describe`` fills title, notes and what stands around each table from
    ``lines`` (a reader that takes the tables' chars out of its lines first calls describe_tables itself)."""
    h, v = page_edges(rules)
    groups = _edge_groups(h, v) if ruled else []
    # an unruled table needs numbers printed apart: a line that is one number (cheap to rule out first)
    if not groups and not (unruled and any(NUMBER_RE.match("".join(ln.text)) for ln in lines)):
        return []
    chars = _chars_of(lines)
    if not chars:
        return []
    found: list[FoundTable] = []
    taken: set[tuple[int, int]] = set()
    for cells, xs, ys, inside in _ruled_tables(chars, groups, page):
        table = _accept(cells)
        if table is None:
            continue
        box = (xs[0], ys[0], xs[-1], ys[-1])
        found.append(_found(table, box, inside, page, True, xs))
        taken.update((c.line, c.index) for c in inside)
    rest = [c for c in chars if (c.line, c.index) not in taken]
    for cells, xs, used in _unruled_tables(rest, h, page) if unruled else ():
        table = _accept(cells)
        if table is None:
            continue
        box = (min(c.x0 for c in used), min(c.top for c in used), max(c.x1 for c in used),
               max(c.bottom for c in used))
        found.append(_found(table, box, used, page, False, xs))
    found.sort(key=lambda f: f.box[1])
    if describe:
        describe_tables(found, lines)
    return found


def describe_tables(found: list[FoundTable], lines: Sequence[Any]) -> None:
    """Title, notes and the text around each table of a page, from the page's lines outside its tables."""
    found.sort(key=lambda f: f.box[1])
    for f in found:
        _title_and_notes(f, lines, found)


def _found(table: Table, box: tuple, chars: list[_Char], page: int, ruled: bool, xs: list[float]) -> FoundTable:
    used: dict[int, list[int]] = {}
    for c in chars:
        used.setdefault(c.line, []).append(c.index)
    return FoundTable(table=table, box=box, page=page, used=used, ruled=ruled, columns=list(xs))


def _accept(cells: list[Cell]) -> Table | None:
    """A Table of the cells, or None when they are not a table: fewer than two rows or columns with text, or
    mostly sentences (a framed paragraph)."""
    filled = [c for c in cells if c.text.strip()]
    if len(filled) < 3:
        return None
    rows = {c.row for c in filled}
    cols = {c.col for c in filled}
    if len(rows) < 2 or len(cols) < 2:
        return None
    prose = sum(len(c.text) for c in filled if "。" in c.text)
    if prose > 0.5 * sum(len(c.text) for c in filled):
        return None
    # renumber rows and columns densely (empty grid rows and columns of no cell's own are dropped)
    row_ids = sorted({c.row for c in cells})
    col_ids = sorted({c.col for c in cells} | {c.col + c.colspan for c in cells})
    row_index = {r: k for k, r in enumerate(row_ids)}
    col_index = {x: k for k, x in enumerate(col_ids)}
    ends = sorted({c.row + c.rowspan for c in cells} | set(row_ids))
    end_index = {r: k for k, r in enumerate(ends)}
    out = []
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        r = row_index[c.row]
        rowspan = max(1, end_index[c.row + c.rowspan] - end_index[c.row])
        col = col_index[c.col]
        colspan = max(1, col_index[c.col + c.colspan] - col)
        out.append(Cell(c.text, r, col, rowspan, colspan, c.boxes, c.bbox))
    n_rows = max(c.row + c.rowspan for c in out)
    n_cols = max(c.col + c.colspan for c in out)
    return Table(cells=out, n_rows=n_rows, n_cols=n_cols)


def _title_and_notes(f: FoundTable, lines: Sequence[Any], tables: list[FoundTable]) -> None:
    """Copy the title and unit lines just above the table, and a note line just below it, into the Table;
    note whether other text stands above or below it on the page."""
    x0, top, x1, bottom = f.box
    boxes = [t.box for t in tables]

    def free(k: int, ln: Any) -> bool:
        """Not a line of a table (a line ``lines`` still holds inside a table's box is one of its chars')."""
        return not any(b[0] - 1 <= ln.x0 and ln.x1 <= b[2] + 1 and b[1] - 1 <= ln.top and ln.bottom <= b[3] + 1
                       for b in boxes)

    above = sorted(((k, ln) for k, ln in enumerate(lines) if ln.bottom <= top + 1 and free(k, ln)),
                   key=lambda kl: (-round(kl[1].bottom), -kl[1].x0))
    title: list[str] = []
    notes: list[str] = []
    edge = top
    text_above = False
    for _k, ln in above:
        text = "".join(ln.text).strip()
        if edge - ln.bottom > 3.5 * max(ln.bottom - ln.top, 1.0) or len(title) >= 3:
            text_above = True
            break
        if min(ln.x1, x1) - max(ln.x0, x0) <= 0 and not UNIT_LINE_RE.match(text):
            continue  # beside the table's column range
        if UNIT_LINE_RE.match(text) or re.search(r"单\s*位\s*[：:]", text):
            notes.insert(0, text)
        elif len(text) > 45 or text.endswith(("。", "；", "，")):
            text_above = True
            break
        else:
            title.insert(0, text)
        edge = min(edge, ln.top)
    else:
        text_above = False
    f.text_above = text_above
    below = sorted(((k, ln) for k, ln in enumerate(lines) if ln.top >= bottom - 1 and free(k, ln)),
                   key=lambda kl: kl[1].top)
    f.text_below = False
    for _k, ln in below:
        text = "".join(ln.text).strip()
        if NOTE_LINE_RE.match(text) and ln.top - bottom < 4 * max(ln.bottom - ln.top, 1.0):
            notes.append(text)
            continue
        if ln.top - bottom < 3 * max(ln.bottom - ln.top, 1.0) and notes and not _starts_new(text):
            continue  # the note goes on
        f.text_below = True
        break
    f.table.title = " ".join(t for t in title if not TABLE_LABEL_RE.fullmatch(t)) or " ".join(title)
    f.table.notes = notes


def _starts_new(text: str) -> bool:
    return bool(re.match(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])", text))


# ------------------------------------------------------------------------------------------------- document


def link_continuations(pages: list[list[FoundTable]]) -> None:
    """Number the tables of a document (1-based, page order, top to bottom) and mark each table that goes on
    from the last table of the page before (``Table.continues``)."""
    number = 0
    previous: FoundTable | None = None
    for found in pages:
        for k, f in enumerate(found):
            number += 1
            f.table.number = number
            if k == 0 and previous is not None and _continues(previous, f):
                f.table.continues = previous.table.number
        if found:
            previous = found[-1]
        else:
            previous = None


def _continues(first: FoundTable, second: FoundTable) -> bool:
    if second.page != first.page + 1 or first.text_below or second.text_above:
        return False
    if second.table.title and first.table.title and _plain(second.table.title) != _plain(first.table.title):
        return False
    if first.table.n_cols != second.table.n_cols:
        return False
    a, b = first.columns, second.columns
    if len(a) != len(b):
        return False
    width = max(a[-1] - a[0], 1.0)
    return all(abs(p - q) <= 0.03 * width for p, q in zip(a, b, strict=True))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)
