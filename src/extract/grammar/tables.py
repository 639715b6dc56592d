"""Table cells -> figures, one path for every format: PDF tables (extract.read.tables), HTML and Word tables.

    reading = read_table([table, continuation, ...], meta)
    reading.figures      # CellFigure: a Figure with its labels, the Cell it came from and its span in cell.text
    reading.relations    # printed totals and formulas: which figures a total or a formula says add up
    table_figures(table, meta)   # the figures alone

A reader need not call this: a Document whose blocks include ``model.table_block(table)`` gets its tables read
here by extract.figures (continuations found through ``Table.continues``), each cell's figure located by its
boxes (PDF) or its offset in Document.text (formats without pages).

Contract (what a reader hands over): ``model.Table`` objects whose ``cells`` hold the grid as printed, header
rows included: ``row``/``col`` 0-based, merged cells once with ``rowspan``/``colspan``, ``text`` as printed (a
line break inside a cell as "\\n"), ``boxes`` one per char of text or empty (formats without pages). ``title``
and ``notes`` are the lines printed around the table (the title, 单位：万元, 注：…); ``header_rows`` when the
format marks its headings (<th>), else None and the headings are inferred. A table printed over several pages
is handed over as its parts, first part first (``Table.continues`` links them): the unit, title and headings of
the first part hold for the continuation, and the row hierarchy runs on. Nothing here looks at a format.

What a cell becomes (the rules; docs in README "Tables"):
- Headings: the rows above the first row holding a number (a numbering row ``1 2 3=2/1*100`` or ``A B A=B+C``
  is part of them). A column's label is its heading cells from the top joined with " / ". Label columns (the
  leading text columns) give the row label; a 序号 column, a 公式 column and a 单位 column are not figures.
- Rows: numbering (一、 （一） 1. （1）), indentation (when the cells have boxes) and 其中 say which row is part of
  which; a 其中 row and the rows set level with its text are parts of the row above it.
- Units: the cell's own (5.3%, 100万人), else the column heading's (比上年增长（%）, （亿元）, 增长%), else the
  row label's (（万元）), else the row's 单位 column, else the table's (单位：万元 in the title or notes). A cell
  whose unit is nowhere is not a figure, nor is an empty cell or one printed as — - … /.
- Signs: as printed (-683); （5.3） is negative in a change column (增长, 增减, 比上年 …).
- Year: the row label's own year, else the column heading's (years after 比/较 are comparisons), else the year
  of the row it is part of, else the title's, else the document's covered year.
- Stance: the column heading's cue (执行 决算 实际 完成 -> actual; 预算 计划 预计 建议 目标 -> target; an
  actual cue wins within one heading: 完成年初预算%, 预计执行数), else the row label's, else by the year: a year
  the document was published in or after is not over yet (a limit or budget for it is a target).
- Region: a row label (or a column heading) naming a region inside the document's region (extract.grammar.
  gazetteer) gives that region; 本级 (宿州市本级, 本级) is the document region's own government: the region
  is the document's and the label keeps 本级.
- Metric: the taxonomy on the row label and the column label (a 其中 row or a row named only 一般债务/专项债务
  also reads its parent's label).
- Locator: ``table N row R col C`` (1-based, as printed in that part); readers with pages prefix ``pN``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from extract.grammar import gazetteer
from extract.grammar.labels import TimeRef, last_covered_year, time_refs
from extract.grammar.numerals import SCALES
from extract.grammar.quantity import PREFIX_QUALIFIERS, SUFFIX_QUALIFIERS, UNITS, find_quantities
from extract.grammar.taxonomy import classify_metric
from extract.model import Cell, DocMeta, Figure, Table, heading_level
from extract.normalize import fold

# ------------------------------------------------------------------------------------------------ patterns

_NUM = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CELL_NUMBER_RE = re.compile(
    rf"^(?P<pre>{'|'.join(sorted(PREFIX_QUALIFIERS, key=len, reverse=True))})?"
    rf"(?P<sign>[+\-−－])?(?P<open>[（(])?(?P<num>{_NUM})(?P<close>[）)])?\s*"
    rf"(?P<unit>[%％‰]|[^\d\s（）()]{{1,6}}?)?(?P<post>{'|'.join(sorted(SUFFIX_QUALIFIERS, key=len, reverse=True))})?$"
)
NO_VALUE_RE = re.compile(r"^(?:[—–\-－─]{1,3}|…{1,2}|\.{2,6}|/|／|×|x|X|无|空|　)$")
# A numbering row of the headings: 1 2 3=2/1*100 4 5=4-2, or A B C=A+B; also 栏次 / 行次 in its first cell.
NUMBERING_CELL_RE = re.compile(r"^(?:[A-Z]|\d{1,2})(?:\s*[=＝]\s*[A-Z0-9+\-−*/×÷（）().%\s]+)?$")
FORMULA_RE = re.compile(r"^\s*([A-Z]|\d{1,2})\s*[=＝]\s*([A-Z0-9+\-−*/×÷（）().\s]+)$")
SERIAL_HEAD_RE = re.compile(r"^(?:序号|序|编号|行次|栏次|No\.?|顺序号)$")
FORMULA_HEAD_RE = re.compile(r"^(?:公式|计算公式|关系|勾稽关系)$")
UNIT_HEAD_RE = re.compile(r"^(?:计量)?单位$")
TABLE_UNIT_RE = re.compile(r"单\s*位\s*[：:]\s*([^\s，,；;、）)]{1,8})")
PAREN_UNIT_RE = re.compile(r"[（(]\s*([^（）()]{1,6}?)\s*[）)]\s*$")
CHANGE_RE = re.compile(r"增长|增减|增幅|增速|增加(?!值)|减少|下降|比上年|比去年|较上年|同比|变动|±|涨跌|涨幅|降幅|比\d{4}")
DECLINE_HEAD_RE = re.compile(r"^(?!.*增).*(?:下降|减少|降幅)")
WHOLE_AREA_RE = re.compile(r"^(?:全[省市县区州盟旗]|年末)+")
# 其中： and the statistics tables' # (#农业 under 农林牧渔业总产值) open a breakdown of the row above
OF_WHICH_RE = re.compile(r"^\s*(?:其\s*中\s*[：:]?|[#＃])\s*")
# A note's marker after a label (居住[3], 居住①): no part of what is counted
NOTE_MARK_RE = re.compile(r"\s*(?:\[\d{1,2}\]|［\d{1,2}］|[①-⑳])$")
TOTAL_ROW_RE = re.compile(r"^(?:[一二三四五六七八九十]+、)?\s*(?:.{0,16}?)(?:合\s*计|总\s*计|小\s*计)$")
TOTAL_COLUMN_RE = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|本地区|全[省市县区州盟旗])$")
COMPONENT_RE = re.compile(r"^(?:一般|专项)(?:债务|债券)?(?:限额|余额)?$")
NUMBERING_PREFIX_RE = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,2}[.．、](?!\d)"
                                 r"|附[:：])\s*")
ACTUAL_CUE_RE = re.compile(r"执行|决算|实际|完成|实绩|实现")
TARGET_CUE_RE = re.compile(r"预算|计划|预计|建议|目标|草案|预期|安排|拟")
# 预算 in the name of an account is no stance: 一般公共预算收入 is budget revenue as collected in a statistics
# bulletin's table as much as a plan's; 预算稳定调节基金 is a fund.
ACCOUNT_NAME_RE = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金|公共财政)预算|预算(?=收入|支出|收支|稳定调节)")
# 比2025年执行数增减, 较上年, 与2024年相比: the year and stance words of a comparison are not the column's.
COMPARISON_RE = re.compile(r"(?:比|较|与|同比)\s*(?:\d{4}\s*年(?:末|底|初)?|上年|去年|上年同期|同期)"
                           r"(?:[^/增减长降]{0,8}?(?:数|额))?(?:相比)?")
REGION_SUFFIXES = ("省", "市", "县", "区", "旗", "州", "盟", "自治区", "自治州", "自治县", "地区", "林区", "新区", "本级")
OWN_LEVEL_RE = re.compile(r"^(?P<name>.*?)本级$")


@lru_cache(maxsize=8192)
def clean_label(text: str) -> str:
    """A label as printed, on one line: line breaks and spaces dropped except between two latin letters or
    digits (项 目 -> 项目, 三、2024 年 -> 三、2024年, Model X1 stays)."""
    text = text.replace("\n", " ").replace("\u3000", " ").strip()
    return re.sub(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])", "", text)


# ------------------------------------------------------------------------------------------------ results


@dataclass
class CellFigure:
    """One figure of a table cell: ``figure`` has every label (locator ``table N row R col C``, no page or box:
    the caller adds those from ``cell.boxes[start:end]``), ``part`` is the index of the cell's table among the
    parts handed over."""

    figure: Figure
    cell: Cell
    start: int
    end: int
    part: int = 0
    printed: Decimal | None = None  # the number as printed (in the table's unit), for the checks
    decimals: int = 0


@dataclass
class Relation:
    """What the table says adds up: ``total`` (index into TableReading.figures) equals the sum of ``parts``
    (index, sign), or for ``kind == "formula"`` the value of ``expression`` over them (a column formula such as
    3=2/1*100: ``parts`` in the order the expression names them, ``expression`` in Python syntax over p0, p1 …).
    ``partial``: the parts are a 其中 breakdown, which may leave out items (they cannot exceed the total)."""

    total: int
    parts: list[tuple[int, int]]
    rule: str
    kind: str = "sum"  # sum | formula
    expression: str = ""
    partial: bool = False


@dataclass
class TableReading:
    figures: list[CellFigure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ units


@lru_cache(maxsize=4096)
def parse_unit(text: str, strict: bool = True) -> tuple[str, float] | None:
    """A printed unit -> (base unit, scale): 万元 -> (元, 1e4), % -> (%, 1), 亿只 -> (只, 1e8). ``strict``: the base
    must be a unit of the grammar (a 单位 column may print others: 万芯千米 -> (芯千米, 1e4))."""
    text = text.strip().strip("（）()").strip()
    if not text:
        return None
    if text in ("%", "％", "百分比"):
        return "%", 1.0
    if text == "‰":
        return "‰", 1.0
    scale = 1.0
    for word in sorted(SCALES, key=len, reverse=True):
        if text.startswith(word) and len(text) > len(word):
            scale, text = float(SCALES[word]), text[len(word):]
            break
    if text in UNITS:
        return UNITS[text], scale
    if not strict and re.fullmatch(r"[一-龥]{1,4}", text) and not re.search(r"合计|小计|总计|其中", text):
        return text, scale
    return None


def table_unit(table: Table) -> tuple[str, float] | None:
    """The unit printed for a whole table: 单位：万元 in its notes, title or heading cells; a title ending in
    （亿元）, or the top-left heading (项目（万元）) that heads the row labels."""
    texts = [*table.notes, table.title] + [c.text for c in table.cells if c.row == 0]
    for text in texts:
        m = TABLE_UNIT_RE.search(text or "")
        if m:
            unit = parse_unit(re.split(r"[、，,及和]", m.group(1))[0])
            if unit:
                return unit
    corner = next((c.text for c in table.cells if c.row == 0 and c.col == 0), "")
    for text in (table.title or "", clean_label(corner)):
        m = PAREN_UNIT_RE.search(text)
        unit = parse_unit(m.group(1)) if m else None
        if unit:
            return unit
    return None


@lru_cache(maxsize=4096)
def label_unit(label: str) -> tuple[str, float] | None:
    """The unit a heading or row label names at its end: 比上年增长（%）, 金额（亿元）, 完成年初预算%."""
    label = label.strip()
    m = PAREN_UNIT_RE.search(label)
    if m:
        unit = parse_unit(m.group(1))
        if unit:
            return unit
    if label.endswith(("%", "％")):
        return "%", 1.0
    if label.endswith("‰"):
        return "‰", 1.0
    return None


# ------------------------------------------------------------------------------------------------ the grid


@dataclass
class _Row:
    part: int
    row: int  # grid row within its part
    cells: list[Cell | None]  # by column (a merged cell under every column it spans)
    label: str = ""  # the row label as printed (label columns joined with " / ")
    key_label: str = ""  # the first descriptive label column's text
    level: float = 9  # numbering level (heading_level; 1.1 sits between 1. and （1）: _row_level)
    indent: float | None = None  # label's left margin in its cell, in char sizes (when the cells have boxes)
    right: float | None = None  # label's right margin in its cell (when the cells have rectangles)
    content_indent: float | None = None  # for 其中 rows: where the text after 其中： starts
    of_which: bool = False
    total: bool = False
    parent: int | None = None
    part_of_which: bool = False  # a part of its parent's 其中 breakdown
    breakdown: int | None = None  # which breakdown: the index of the 其中 row that opened it
    region: gazetteer.Place | None = None
    own_level: bool = False
    unit: str | None = None  # the row's own unit (in its label or a unit column), e.g. 万吨 in a products table
    values: list[Decimal | None] = field(default_factory=list)  # the number printed in each column, if one


def _grid(table: Table) -> list[list[Cell | None]]:
    grid: list[list[Cell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        for r in range(cell.row, min(cell.row + cell.rowspan, table.n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, table.n_cols)):
                grid[r][c] = cell
    return grid


def _text(cell: Cell | None) -> str:
    return cell.text.strip() if cell is not None else ""


def parse_cell_number(text: str) -> re.Match | None:
    text = text.strip()
    if not text or "\n" in text:
        return None
    return CELL_NUMBER_RE.match(text)


DATE_UNITS = frozenset({"年", "月", "日", "天", "周"})


def _is_value(text: str) -> bool:
    m = parse_cell_number(text)
    if not m:
        return False
    unit = parse_unit(m.group("unit")) if m.group("unit") else None
    return not m.group("unit") or (unit is not None and unit[0] not in DATE_UNITS)


def _is_numbering_row(texts: list[str]) -> bool:
    """1 2 3=2/1*100 4 … or A B C=A+B: the columns' numbers and formulas, part of the headings."""
    cells = [t for t in texts if t]
    if len(cells) < 2:
        return False
    if cells[0] in ("栏次", "行次"):
        cells = cells[1:]
    if not cells or not all(NUMBERING_CELL_RE.match(t) for t in cells):
        return False
    plain = [int(t) for t in cells if t.isdigit()]
    letters = [t for t in cells if len(t) == 1 and t.isalpha()]
    formulas = [t for t in cells if "=" in t or "＝" in t]
    if letters and not plain:
        return len(letters) + len(formulas) == len(cells) and (bool(formulas) or letters == sorted(letters))
    return bool(plain) and plain == sorted(set(plain)) and (bool(formulas) or plain == list(range(plain[0], plain[0] + len(plain))))


YEAR_CELL_RE = re.compile(r"^(?:19|20)\d{2}$")


def header_rows(table: Table, grid: list[list[Cell | None]]) -> int:
    """Rows of headings: ``table.header_rows`` when the format says, else those above the first row that holds a
    number in a column after the first (a numbering row, or a row of bare years, is a heading)."""
    if table.header_rows is not None:
        return table.header_rows
    for r, row in enumerate(grid):
        own = [(c, cell) for c, cell in enumerate(row) if cell is not None and cell.row == r and cell.col == c]
        if _is_numbering_row([_text(cell) for _, cell in own]):
            continue
        values = [_text(cell) for c, cell in own if c > 0 and _is_value(_text(cell))]
        if values and not (len(values) >= 2 and all(YEAR_CELL_RE.match(v) for v in values)):
            return r
    return len(grid)


@dataclass
class _Columns:
    labels: list[str]  # column label per column (heading path joined with " / ", the numbering row's too)
    paths: list[list[Cell]]  # the heading cells over each column, outermost first (not the numbering row's)
    kinds: list[str]  # label | serial | formula | unit | value
    numbering: dict[str, int] = field(default_factory=dict)  # "1" / "A" of a numbering row -> column
    formulas: dict[int, str] = field(default_factory=dict)  # column -> formula of the numbering row
    # each column's headings cleaned, units left out (what every cell of the column reads): from ``paths``
    parts: list[list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.parts = [[clean_label(cell.text) for cell in path if not TABLE_UNIT_RE.search(cell.text)]
                      for path in self.paths]


def _columns(table: Table, grid: list[list[Cell | None]], n_head: int) -> _Columns:
    n_cols = table.n_cols
    paths: list[list[Cell]] = [[] for _ in range(n_cols)]
    full: list[list[Cell]] = [[] for _ in range(n_cols)]
    numbering: dict[str, int] = {}
    formulas: dict[int, str] = {}
    for r in range(n_head):
        texts = [_text(c) if c is not None else "" for c in grid[r]]
        is_numbering = _is_numbering_row([_text(c) if c is not None and c.row == r else "" for c in grid[r]])
        for c in range(n_cols):
            cell = grid[r][c]
            if cell is None or not texts[c]:
                continue
            if full[c] and full[c][-1] is cell:
                continue
            full[c].append(cell)
            if not is_numbering:
                paths[c].append(cell)
            if is_numbering and cell.colspan == 1:
                m = FORMULA_RE.match(texts[c])
                key = m.group(1) if m else texts[c]
                numbering[key] = c
                if m:
                    formulas[c] = m.group(2)
    labels = [" / ".join(clean_label(cell.text) for cell in path if not TABLE_UNIT_RE.search(cell.text))
              for path in full]
    kinds = []
    data = grid[n_head:]
    for c in range(n_cols):
        head = clean_label(paths[c][-1].text) if paths[c] else ""
        texts = [_text(row[c]) for row in data if row[c] is not None and row[c].col == c]
        texts = [t for t in texts if t]
        values = [t for t in texts if _is_value(t)]
        if SERIAL_HEAD_RE.match(head) or (c == 0 and values and len(values) == len(texts) and _consecutive(texts)):
            kinds.append("serial")
        elif FORMULA_HEAD_RE.match(head) or (texts and all(re.fullmatch(r"[A-Z](?:[=＝][A-Z+\-]+)?", t) for t in texts)):
            kinds.append("formula")
        elif UNIT_HEAD_RE.match(head) or (texts and all(parse_unit(t, strict=False) for t in texts)
                                          and not values and head and "单位" in head):
            kinds.append("unit")
        elif values and len(values) * 2 >= len(texts):
            kinds.append("value")
        else:
            kinds.append("label")
    # label columns are the text columns before the first value column; later text columns are data too
    first_value = next((c for c, k in enumerate(kinds) if k == "value"), n_cols)
    kinds = [k if k != "label" or c < first_value else "text" for c, k in enumerate(kinds)]
    return _Columns(labels, paths, kinds, numbering, formulas)


def _consecutive(texts: list[str]) -> bool:
    try:
        numbers = [int(t) for t in texts]
    except ValueError:
        return False
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# ------------------------------------------------------------------------------------------------ rows


def _strip_numbering(text: str) -> str:
    return NUMBERING_PREFIX_RE.sub("", OF_WHICH_RE.sub("", text), count=1).strip()


def _region(label: str, meta: DocMeta) -> tuple[gazetteer.Place | None, bool]:
    """The region a row label or column heading names inside the document's region, and whether it is the
    own level (本级) of the document's region."""
    text = _strip_numbering(clean_label(label))
    if not meta.region or not text or len(text) > 16 or re.search(r"\d", text):
        return None, False
    own = OWN_LEVEL_RE.match(text)
    if own:
        name = own.group("name")
        short = re.sub(r"(?:省|市|县|区|自治区|自治州|自治县|地区)$", "", meta.region)
        if name in ("", meta.region, short) or name in ("省", "市", "县", "区", "州", "盟", "旗"):
            return _doc_place(meta), True
        return None, False
    if not text.endswith(REGION_SUFFIXES):
        return None, False
    if text == meta.region:
        return _doc_place(meta), False
    try:
        place = gazetteer.lookup(text, parent=meta.adcode or meta.region, suggest=False)
    except (gazetteer.GazetteerError, ValueError):
        return None, False
    return place, False


def _doc_place(meta: DocMeta) -> gazetteer.Place | None:
    try:
        return gazetteer.lookup(meta.region, meta.adcode)
    except (gazetteer.GazetteerError, ValueError):
        return None


def _label_x0(cell: Cell | None, skip: int = 0) -> tuple[float | None, float]:
    if cell is None:
        return None, 0.0
    boxes = [b for b in cell.boxes[skip:] if b is not None]
    if not boxes:
        return None, 0.0
    return boxes[0][1], max(boxes[0][3] - boxes[0][1], boxes[0][4] - boxes[0][2], 1.0)


def _rows(parts: Sequence[Table], grids: list[list[list[Cell | None]]], heads: list[int],
          columns: list[_Columns], meta: DocMeta) -> list[_Row]:
    rows: list[_Row] = []
    for p, (_table, grid) in enumerate(zip(parts, grids, strict=True)):
        cols = columns[p]
        label_cols = [c for c, k in enumerate(cols.kinds) if k == "label"]
        for r in range(heads[p], len(grid)):
            row = grid[r]
            texts = [clean_label(_text(row[c])) for c in label_cols if row[c] is not None]
            texts = [t for k, t in enumerate(texts) if t and t not in texts[:k]]
            item = _Row(part=p, row=r, cells=row, label=" / ".join(texts), key_label=texts[0] if texts else "")
            key_cell = next((row[c] for c in label_cols if row[c] is not None and _text(row[c])), None)
            item.level = _row_level(item.key_label)
            item.of_which = bool(OF_WHICH_RE.match(item.key_label)) and len(OF_WHICH_RE.sub("", item.key_label)) > 0
            item.total = bool(TOTAL_ROW_RE.match(item.key_label)) and not item.of_which
            x0, size = _label_x0(key_cell)
            if x0 is not None and key_cell is not None:
                # in char sizes from the cell's left border (from the page edge when the format has no cells)
                left = key_cell.bbox[0] if key_cell.bbox else 0.0
                item.indent = (x0 - left) / size
                last = [b for b in key_cell.boxes if b is not None][-1]
                if key_cell.bbox:
                    item.right = (key_cell.bbox[2] - last[3]) / size
                if item.of_which:
                    raw = key_cell.text
                    m = OF_WHICH_RE.match(raw.lstrip())
                    skip = len(raw) - len(raw.lstrip()) + (m.end() if m else 0)
                    cx0, csize = _label_x0(key_cell, skip)
                    item.content_indent = (cx0 - left) / csize if cx0 is not None else None
            for t in texts:
                place, own = _region(t, meta)
                if place is not None:
                    item.region, item.own_level = place, own
                    break
            item.unit = _row_unit(item, cols)
            item.values = [_number(cell) if cell is not None and cols.kinds[c] == "value" else None
                           for c, cell in enumerate(row)]
            rows.append(item)
    _hierarchy(rows)
    return rows


# 1.1 and 2.3 number the items of 1. and 2.: a level below 1. and above （1）.
SUB_NUMBERING_RE = re.compile(r"^\d{1,2}(?:[.．]\d{1,2})+[.．、]?(?!\d)")


def _row_level(label: str) -> float:
    """A row label's numbering level (model.heading_level), with decimal sub-numbering (1.1, 1.1.2) one step
    below its whole number per dot."""
    m = SUB_NUMBERING_RE.match(label)
    if m:
        return heading_level("1.") + 0.1 * len(re.findall(r"[.．]\d", m.group()))
    return heading_level(label)


def _row_unit(row: _Row, cols: _Columns) -> str | None:
    unit = label_unit(row.key_label)
    unit_col = next((c for c, k in enumerate(cols.kinds) if k == "unit"), None)
    if unit is None and unit_col is not None and row.cells[unit_col] is not None:
        unit = parse_unit(_text(row.cells[unit_col]), strict=False)
    return unit


def _number(cell: Cell) -> Decimal | None:
    found = printed_number(_text(cell).strip())
    return found[0] if found else None


def _hierarchy(rows: list[_Row]) -> None:
    """Parent of each row: 其中 rows and the rows set level with their text (or, without indentation, numbered
    like the first of them) belong to the row above them; then indentation (a row is part of the nearest row
    above it set further left), else numbering (一、 > （一） > 1. > （1） > unnumbered); a region row holds the
    rows of the regions inside it."""
    use_indent = _indented(rows)
    group: tuple[int | None, float | None, float] | None = None  # an open 其中 group: parent, indent, numbering
    start = 0  # the group's 其中 row
    for i, row in enumerate(rows):
        if not row.key_label:
            continue
        if row.total:
            group = None
            continue
        if row.of_which and i > 0:
            parent = _previous(rows, i)
            while parent is not None and not _fits(rows, i, i, parent):
                parent = _previous(rows, parent)  # a part bigger than the row above belongs further up
            row.parent, row.part_of_which, row.breakdown = parent, True, i
            group = (parent, row.content_indent, _row_level(OF_WHICH_RE.sub("", row.key_label)))
            start = i
            continue
        if group is not None and _in_group(row, group, use_indent) and _fits(rows, start, i, group[0]):
            row.parent, row.part_of_which, row.breakdown = group[0], True, start
            continue
        group = None
        row.parent = _parent_of(rows, i, use_indent)
        if row.parent is None and row.region is not None:
            row.parent = _region_parent(rows, i)


def _indented(rows: list[_Row]) -> bool:
    """Does the label column show the hierarchy by indentation? Not when it is centred (labels of different
    lengths start at different places around one centre) or set flush."""
    rows = [r for r in rows if r.indent is not None and not r.total and r.key_label]
    if len(rows) < 2:
        return False
    base = min(r.indent for r in rows)
    if len({round(2 * (r.indent - base)) for r in rows}) < 2:
        return False
    margins = [(r.indent, r.right) for r in rows if r.right is not None]
    centred = sum(abs(left - right) <= 1.0 and left > 1.0 for left, right in margins)
    return not (margins and centred >= 0.8 * len(margins))


def _fits(rows: list[_Row], start: int, i: int, parent: int | None) -> bool:
    """Can row ``i`` be one more part of ``parent``'s 其中 breakdown? Not when it counts in another unit (布 after
    其中：可再生能源发电量 in a products table), nor when the parts so far and it exceed the parent in a column
    of amounts (both positive): the printed numbers check the reading."""
    if parent is None:
        return True
    row, top = rows[i], rows[parent]
    if row.unit != top.unit:
        return False
    parts = [r for r in rows[start:i + 1] if r.parent == parent or r is row]
    for c, total in enumerate(top.values):
        if total is None or total <= 0 or any(c >= len(r.values) or r.values[c] is None or r.values[c] < 0
                                                for r in parts):
            continue
        if sum(r.values[c] for r in parts) > total * Decimal("1.005"):  # parts are rounded
            return False
    return True


def _in_group(row: _Row, group: tuple[int | None, float | None, float], use_indent: bool) -> bool:
    _, indent, level = group
    if use_indent and row.indent is not None and indent is not None:
        return abs(row.indent - indent) < 0.5  # a digit after 其中： sits a little off a full-width one
    return row.level == level


def _region_parent(rows: list[_Row], i: int) -> int | None:
    """The nearest row above naming a region that holds this row's region (宿州市 over 埇桥区 and 宿州市本级)."""
    place = rows[i].region
    for j in range(i - 1, -1, -1):
        other = rows[j].region
        if other is None or rows[j].own_level:
            continue
        if other.adcode == place.adcode:
            if rows[i].own_level:
                return j
            continue
        if other.adcode in (place.parent_adcode, place.province_adcode):
            return j
    return None


INDENT_STEP = 0.25  # of a char: budget tables indent sub-items by half a char (two half-width spaces)


def _previous(rows: list[_Row], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if rows[j].key_label and not rows[j].part_of_which:
            return j
    return None


def _parent_of(rows: list[_Row], i: int, use_indent: bool) -> int | None:
    row = rows[i]
    for j in range(i - 1, -1, -1):
        other = rows[j]
        if not other.key_label or other.total:
            continue
        if use_indent and row.indent is not None and other.indent is not None:
            if other.indent < row.indent - INDENT_STEP:
                return j
            if abs(other.indent - row.indent) <= INDENT_STEP and other.level < row.level and other.level != 9 \
                    and row.level != 9:
                return j
            continue
        if other.level < row.level:
            return j
    return None


# ------------------------------------------------------------------------------------------------ labels


def _strip_comparisons(text: str) -> str:
    return COMPARISON_RE.sub("", text)


@lru_cache(maxsize=8192)
def _stance_of(text: str) -> str:
    text = ACCOUNT_NAME_RE.sub("", _strip_comparisons(fold(text)))
    if ACTUAL_CUE_RE.search(text):
        return "actual"
    if TARGET_CUE_RE.search(text):
        return "target"
    return ""


def _year_of(text: str, meta: DocMeta) -> TimeRef | None:
    return _year_cached(text, meta.published, meta.covers, meta.doctype)


@lru_cache(maxsize=8192)
def _year_cached(text: str, published: int | None, covers: str, doctype: str) -> TimeRef | None:
    meta = DocMeta(published=published, covers=covers, doctype=doctype)
    refs = [ref for _, ref in time_refs(_strip_comparisons(text), meta)]
    return refs[0] if refs else None


@lru_cache(maxsize=8192)
def _classify(subject: str, unit: str, is_change: bool, region: str, doctype: str) -> str:
    return classify_metric(subject, unit, is_change, region, doctype)


@dataclass
class _Context:
    meta: DocMeta
    unit: tuple[str, float] | None
    title_year: TimeRef | None
    title: str


def _figure_labels(row: _Row, rows: list[_Row], cols: _Columns, c: int, ctx: _Context) -> dict:
    """Year, period, stance, subject and metric inputs of the cell at (row, column c)."""
    meta = ctx.meta
    parts = [p for p in cols.parts[c] if not NUMBERING_CELL_RE.match(p)]
    chain = []
    j = row.parent
    while j is not None and len(chain) < 6:
        chain.append(rows[j])
        j = rows[j].parent
    time = _year_of(row.label, meta)
    if time is None:
        for part in reversed(parts):
            time = _year_of(part, meta)
            if time:
                break
    if time is None:
        for parent in chain:
            time = _year_of(parent.label, meta)
            if time:
                break
    time = time or ctx.title_year
    if time is None:
        last = last_covered_year(meta)
        time = TimeRef(last, last) if last else None
    stance = ""
    for part in reversed(parts):
        stance = _stance_of(part)
        if stance:
            break
    if not stance:
        stance = _stance_of(row.label) or next((s for s in (_stance_of(p.label) for p in chain) if s), "")
    if not stance:
        if time is not None and meta.published and time.last >= meta.published and meta.doctype != "final-accounts":
            stance = "target"
        else:
            stance = "actual"
    own = NOTE_MARK_RE.sub("", _strip_numbering(row.key_label))
    subject_row = own
    if (row.of_which or row.part_of_which or COMPONENT_RE.match(own)) and chain:
        subject_row = f"{_strip_numbering(chain[0].key_label)} {own}"
    if row.region is not None and not row.own_level:
        subject_row = ""  # the region is in the region column
    left = ""
    if not _column_subject(parts):
        # 地区生产总值（亿元） | 比上年增长（%）: a column saying only how something changed is the change of the
        # amount in the column before it
        for k in range(c - 1, -1, -1):
            if cols.kinds[k] != "value":
                break
            before = [p for p in cols.parts[k] if not NUMBERING_CELL_RE.match(p)]
            if _column_subject(before) and not any(CHANGE_RE.search(p) for p in before[-1:]):
                left = _column_subject(before)
                break
    return {"time": time, "stance": stance, "own": own, "subject_row": subject_row, "parts": parts,
            "title": ctx.title, "left": left}


# Words of a column heading that say when, which stance or in what unit, not what is counted: left out of the
# subject the taxonomy reads (发电量 under 比上年增长（%） is 发电量's growth; 2024年债务限额 / 合计 the limit).
COLUMN_NOISE_RE = re.compile(
    r"[（(][^（）()]*[）)]|(?:19|20)\d{2}\s*年(?:末|底|初|度)?|(?:比|较)(?:上年|去年|\d{4}年)?\S*?(?:增减|增长|下降)"
    r"|同比|增长率?|增速|增幅|增减|涨跌幅度?|涨幅|降幅|^(?:绝对值|数量|实物量)$|绝对数|合计|总计|小计|数值|金额|本年|年末数|年初数|年初|年末|"
    r"(?:调整|年初)?预算数?|执行数|决算数|实际数|完成数?|建议数|预计(?:执行)?数?|[%％‰]|^\d+$|=.*$")


def _column_subject(parts: list[str]) -> str:
    return _column_subject_of(tuple(parts))


@lru_cache(maxsize=4096)
def _column_subject_of(parts: tuple[str, ...]) -> str:  # the same headings for every cell of a column
    return "".join(COLUMN_NOISE_RE.sub("", clean_label(p)) for p in parts)


# What a table's title says besides what it counts: its number, years, the regions it is broken down by, and
# the words for growth and layout (表1 2025年分区县地区生产总值及其增长速度 -> 地区生产总值).
TITLE_NOISE_RE = re.compile(
    r"^(?:附)?[表图]\s*[0-9一二三四五六七八九十]+[-.]?\d*|[（(][^（）()]*[）)]|(?:19|20)\d{2}\s*(?:[-—～至]\s*(?:19|20)\d{2})?年(?:末|底|度)?"
    r"|[分各](?:区县|县区|县市区|县（市、区）|县\(市、区\)|地区|地|市|区|县)|及其?|增长速度|增速|情况表?|统计表|主要指标|表$")


def _title_subject(title: str, meta: DocMeta) -> str:
    text = clean_label(title)
    for name in {meta.region, re.sub(r"(?:省|市|县|区|自治区|自治州|自治县|地区)$", "", meta.region)} - {""}:
        text = text.replace(name, "")
    return TITLE_NOISE_RE.sub("", text).strip()


def _metric(labels: dict, unit: str, is_change: bool, meta: DocMeta, row: _Row, rows: list[_Row]) -> str:
    """The taxonomy on what the cell counts: the row label (none for a region row) and the column's headings
    without their years, stance and unit words; a 其中 or component row also reads its parent's label."""
    column = _column_subject(labels["parts"])
    own = labels["own"] if row.region is None else ""
    if not column and is_change:
        column = labels.get("left", "")
    metric = _classify(f"{own}{column}", unit, is_change, meta.region, meta.doctype)
    if not metric and row.region is not None and labels["title"]:
        # a region row counts what the table's title names (表1 分区县地区生产总值: each county's GDP)
        metric = _classify(f"{_title_subject(labels['title'], meta)}{column}", unit, is_change, meta.region,
                           meta.doctype)
    if metric or row.parent is None:
        return metric
    if row.of_which or row.part_of_which or COMPONENT_RE.match(labels["own"]):
        parent = _strip_numbering(rows[row.parent].key_label)
        metric = _classify(f"{parent}{own}{column}", unit, is_change, meta.region, meta.doctype)
        if not metric and own:
            # 常住人口 / 其中：城镇 is 城镇常住人口, 货物运输总量 / 铁路 铁路货物运输量: the part's word goes before
            # the whole's name (全市 and the whole's 总 dropped)
            core = WHOLE_AREA_RE.sub("", parent).replace("总量", "量").replace("总额", "额")
            metric = _classify(f"{own}{core}{column}", unit, is_change, meta.region, meta.doctype)
        if metric and metric == _classify(f"{parent}{column}", unit, is_change, meta.region, meta.doctype):
            return ""  # the part is not the whole: 食品烟酒 under 居民消费价格 is no CPI
        return metric
    return ""


# ------------------------------------------------------------------------------------------------ cells


@dataclass
class _Value:
    start: int
    end: int
    text: str
    value: float
    low: float | None
    high: float | None
    unit: str
    qualifier: str
    printed: Decimal | None
    decimals: int


def _cell_values(cell: Cell, unit: tuple[str, float] | None, is_change: bool, decline: bool) -> list[_Value]:
    """The figures of one data cell: a number printed alone takes the unit of its column, row or table; text
    with figures in it is read by the quantity grammar (units of its own only)."""
    raw = cell.text
    text = raw.strip()
    if not text or NO_VALUE_RE.match(text):
        return []
    offset = raw.find(text)
    m = parse_cell_number(text)
    if m is not None:
        own = m.group("unit")
        cell_unit = parse_unit(own) if own else None
        if own and (cell_unit is None or cell_unit[0] in DATE_UNITS):
            return []  # 2024年, 6月: a date, not an amount
        return _number_value(m, offset, cell_unit or unit, is_change, decline)
    out = []
    for q in find_quantities(raw):
        if not q.unit:
            continue
        out.append(_Value(q.start, q.end, q.text, q.value, q.low, q.high, q.unit, q.qualifier, None, 0))
    return out


def _number_value(m: re.Match, offset: int, unit: tuple[str, float] | None, is_change: bool,
                  decline: bool) -> list[_Value]:
    if unit is None:
        return []
    num = m.group("num").replace(",", "").replace("，", "")
    try:
        printed = Decimal(num)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return []
    negative = m.group("sign") in ("-", "−", "－") or (bool(m.group("open")) and bool(m.group("close")) and is_change)
    if decline and not negative:
        negative = True
    if negative:
        printed = -printed
    decimals = -printed.as_tuple().exponent if printed.as_tuple().exponent < 0 else 0
    base, scale = unit
    value = float(printed * Decimal(int(scale)))
    qualifier = "exact"
    if m.group("pre"):
        qualifier = PREFIX_QUALIFIERS[m.group("pre")]
    elif m.group("post"):
        qualifier = SUFFIX_QUALIFIERS[m.group("post")]
    low = high = value
    if qualifier in ("more_than", "at_least"):
        high = None
    elif qualifier == "at_most":
        low = None
    start, end = offset + m.start(), offset + m.end()
    if m.group("pre"):
        start = offset + m.start()
    return [_Value(start, end, m.group(0), value, low, high, base, qualifier, printed, decimals)]


# ------------------------------------------------------------------------------------------------ reading


def read_table(parts: Table | Sequence[Table], meta: DocMeta) -> TableReading:
    """The figures of a table (and its continuations) and what its totals and formulas say adds up."""
    if isinstance(parts, Table):
        parts = [parts]
    parts = list(parts)
    if not parts:
        return TableReading()
    grids = [_grid(t) for t in parts]
    heads = [header_rows(t, g) for t, g in zip(parts, grids, strict=True)]
    columns = [_columns(t, g, h) for t, g, h in zip(parts, grids, heads, strict=True)]
    for k in range(1, len(parts)):
        # a continuation printed without its headings reads the first part's (same columns)
        if heads[k] == 0 and parts[k].n_cols == parts[0].n_cols:
            own_kinds = columns[k].kinds
            columns[k] = _Columns(columns[0].labels, columns[0].paths, [
                first if first in ("label", "serial", "formula", "unit") else own
                for first, own in zip(columns[0].kinds, own_kinds, strict=True)],
                columns[0].numbering, columns[0].formulas)
    first = parts[0]
    unit = table_unit(first)
    for t in parts[1:]:
        unit = unit or table_unit(t)
    title = " ".join(t for t in [first.title] if t)
    ctx = _Context(meta, unit, _year_of(title, meta) if title else None, title)
    rows = _rows(parts, grids, heads, columns, meta)
    reading = TableReading()
    at: dict[tuple[int, int], int] = {}  # (row index, column) -> figure index
    headings: dict[tuple[int, int], tuple] = {}  # (part, column) -> what its headings say, for all its cells
    for i, row in enumerate(rows):
        cols = columns[row.part]
        table = parts[row.part]
        row_unit = row.unit
        for c, cell in enumerate(row.cells):
            if cell is None or cell.col != c or cell.row != row.row or cols.kinds[c] not in ("value", "text"):
                continue
            column_label = cols.labels[c]
            said = headings.get((row.part, c))
            if said is None:
                said = headings[row.part, c] = _column_heading_facts(cols, c, meta)
            is_change, decline, head_unit, column_region = said
            cell_unit = head_unit or row_unit or ctx.unit
            values = _cell_values(cell, cell_unit, is_change, decline)
            if not values:
                continue
            labels = _figure_labels(row, rows, cols, c, ctx)
            column_place = column_region if row.region is None else None
            for v in values:
                metric = _metric(labels, v.unit, is_change, meta, row, rows)
                place = row.region or column_place
                fig = Figure(
                    doc_id=meta.doc_id, region=meta.region, adcode=meta.adcode, admin_level=meta.admin_level,
                    doc_region=meta.region, doc_adcode=meta.adcode, doctype=meta.doctype,
                    year=labels["time"].year if labels["time"] else None,
                    period=labels["time"].period if labels["time"] else "",
                    stance=labels["stance"], metric=metric,
                    subject=" ".join(x for x in [labels["subject_row"], *labels["parts"]] if x).strip(),
                    value=v.value, low=v.low, high=v.high, unit=v.unit, qualifier=v.qualifier, text=v.text,
                    sentence=_sentence(ctx.title, row.label, column_label),
                    locator=f"table {table.number} row {cell.row + 1} col {cell.col + 1}",
                    origin="table", row_label=row.label, column_label=column_label,
                )
                if place is not None:
                    fig.region, fig.adcode, fig.admin_level = place.name, place.adcode, place.level
                at.setdefault((i, c), len(reading.figures))
                reading.figures.append(CellFigure(fig, cell, v.start, v.end, row.part, v.printed, v.decimals))
    reading.relations = _relations(rows, columns, parts, at, reading.figures)
    return reading


def _column_heading_facts(cols: _Columns, c: int, meta: DocMeta) -> tuple:
    """(is a change, a decline, the unit, the region) that column c's headings give each of its cells."""
    paths = cols.parts[c]
    is_change = any(CHANGE_RE.search(_strip_comparisons(p)) or CHANGE_RE.search(p) for p in paths[-2:])
    decline = any(DECLINE_HEAD_RE.match(p) for p in paths[-1:])
    head_unit = next((u for u in (label_unit(p) for p in reversed(paths)) if u), None)
    region = _region(cols.labels[c].split(" / ")[-1], meta)[0] if cols.labels[c] else None
    return is_change, decline, head_unit, region


def table_figures(parts: Table | Sequence[Table], meta: DocMeta) -> list[CellFigure]:
    """The figures of a table's cells (read_table without the relations)."""
    return read_table(parts, meta).figures


def _sentence(title: str, row_label: str, column_label: str) -> str:
    where = "，".join(x for x in (row_label, column_label) if x)
    return f"{title}：{where}" if title else where


# ------------------------------------------------------------------------------------------------ relations


RATE_UNITS = frozenset({"%", "‰", "个百分点", "倍"})


def printed_number(text: str) -> tuple[Decimal, int] | None:
    """A figure's text as printed -> (number, decimals): "1,088.20" -> (1088.20, 2), "-683" -> (-683, 0),
    "（5.3）" -> (-5.3, 1); None when the text is not one number."""
    m = parse_cell_number(text)
    if m is None:
        return None
    try:
        number = Decimal(m.group("num").replace(",", "").replace("，", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None
    if m.group("sign") in ("-", "−", "－") or (m.group("open") and m.group("close")):
        number = -number
    exponent = number.as_tuple().exponent
    return number, -exponent if isinstance(exponent, int) and exponent < 0 else 0


def half_unit(decimals: int) -> Decimal:
    """Half the last printed digit: the most a printed number can be off from what it rounds."""
    return Decimal(5).scaleb(-decimals - 1)


def sum_status(total: tuple[Decimal, int], parts: list[tuple[Decimal, int, int]]) -> tuple[Decimal, Decimal, str]:
    """(expected, difference, status) of a printed total against its printed parts (number, decimals, sign):
    ok when equal, rounding when within the rounding of the last printed digit of each, else mismatch."""
    expected = sum((sign * number for number, _, sign in parts), Decimal(0))
    difference = total[0] - expected
    tolerance = half_unit(total[1]) + sum((half_unit(d) for _, d, _ in parts), Decimal(0))
    if difference == 0:
        return expected, difference, "ok"
    return expected, difference, "rounding" if abs(difference) <= tolerance else "mismatch"


def _relations(rows: list[_Row], columns: list[_Columns], parts: list[Table], at: dict[tuple[int, int], int],
               figures: list[CellFigure]) -> list[Relation]:
    value_cols = sorted({c for cols in columns for c, k in enumerate(cols.kinds) if k == "value"})

    def fig(i: int, c: int) -> int | None:
        """The figure at (row i, column c) if it is an amount that sums (not a rate)."""
        k = at.get((i, c))
        if k is None or figures[k].printed is None or figures[k].figure.unit in RATE_UNITS:
            return None
        return k

    def any_fig(i: int, c: int) -> int | None:
        k = at.get((i, c))
        return k if k is not None and figures[k].printed is not None else None

    children: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if row.parent is not None:
            children.setdefault(row.parent, []).append(i)
    _nest_by_sums(rows, children, value_cols, fig, figures)
    out = _formula_relations(rows, columns, any_fig)
    out.extend(_column_relations(rows, columns, fig))
    out.extend(_rollforward_relations(rows, value_cols, fig))
    # a row and the rows that are its parts
    groups: list[tuple[int, list[int]]] = []
    for p, kids in children.items():
        partial = all(rows[k].part_of_which for k in kids)
        kids = [k for k in kids if rows[k].part_of_which == partial]
        if partial:  # each 其中 breakdown of a total on its own: 城镇/乡村 and 男性/女性 both add up to 常住人口
            for b in dict.fromkeys(rows[k].breakdown for k in kids):
                groups.append((p, [k for k in kids if rows[k].breakdown == b]))
        else:
            groups.append((p, kids))
    for p, kids in groups:
        partial = all(rows[k].part_of_which for k in kids)
        if len(kids) < 2 and not (partial and kids):
            continue
        for c in value_cols:
            total = fig(p, c)
            if total is None:
                continue
            members = [(k, fig(k, c)) for k in kids]
            if all(m is None for _, m in members) or any(m is None and _has_text(rows[k], c) for k, m in members):
                continue
            out.append(Relation(total, [(m, 1) for _, m in members if m is not None],
                                f"{rows[p].key_label} = {'其中 ' if partial else ''}sum of {len(kids)} rows below it",
                                partial=partial))
    # a 合计 / 总计 row: the top-level rows after it (it leads) or since the previous total (it closes)
    for i, row in enumerate(rows):
        if not row.total:
            continue
        # a numbered 一、…合计 heads the rows after it; an unnumbered one at the top leads them too
        lead = row.level != 9 or all(not r.key_label or r.total for r in rows[:i])
        span = range(i + 1, len(rows)) if lead else range(i - 1, -1, -1)
        members = []
        for k in span:
            if rows[k].total:
                if not lead:
                    members.append(k)  # 收入总计 closes the 合计 before it and the rows between
                break
            if rows[k].key_label and rows[k].parent is None:
                members.append(k)
        if len(members) < 2:
            continue
        for c in value_cols:
            rel = _sum(fig(i, c), [fig(k, c) for k in members], f"{row.key_label} = sum of {len(members)} rows")
            if rel is not None:
                out.append(rel)
    seen: set[tuple] = set()
    unique = []
    for rel in out:  # a formula column and the row hierarchy often state the same sum
        key = (rel.total, frozenset(rel.parts), rel.kind)
        if key not in seen:
            seen.add(key)
            unique.append(rel)
    return unique


def _printed(figures: list[CellFigure], k: int) -> tuple[Decimal, int]:
    cf = figures[k]
    return cf.printed if cf.printed is not None else Decimal(0), cf.decimals


def _adds_up(figures: list[CellFigure], total: int, parts: list[int]) -> bool:
    return sum_status(_printed(figures, total), [(*_printed(figures, k), 1) for k in parts])[2] != "mismatch"


def _nest_by_sums(rows: list[_Row], children: dict[int, list[int]], value_cols: list[int], fig,
                  figures: list[CellFigure]) -> None:
    """Where the rows under a parent do not add up to it, let the printed totals settle what the layout left
    unclear, and only where that makes the parent add up: nest the runs of rows that add up to the row just
    before them (a subtotal printed level with its items, or a format without indentation), or give the rows
    to the parent's parent (items printed one step too far in)."""

    def score(total: int, members: list[int]) -> tuple[int, int]:
        """(columns that add up, columns with numbers) of a row against rows named as its parts."""
        cols = [c for c in value_cols if fig(total, c) is not None and any(fig(k, c) is not None for k in members)]
        good = sum(_adds_up(figures, fig(total, c), [fig(k, c) for k in members if fig(k, c) is not None])
                   for c in cols)
        return good, len(cols)

    def adds(total: int, members: list[int]) -> bool:
        good, n = score(total, members)
        return n > 0 and good == n

    def better(total: int, before: list[int], after: list[int]) -> bool:
        """The new parts add up in more columns, and in most of them (a cell the document left out stays a
        mismatch without undoing the rest)."""
        (good0, _), (good1, n1) = score(total, before), score(total, after)
        return good1 > good0 and 2 * good1 > n1

    for p in sorted(children):
        kids = children.get(p, [])
        if len(kids) < 2 or any(rows[k].part_of_which for k in kids) or score(p, kids)[1] == 0 or adds(p, kids):
            continue
        nested: dict[int, list[int]] = {}
        top: list[int] = []
        a = 0
        while a < len(kids):
            k = kids[a]
            for b in range(a + 2, len(kids) + 1):
                if adds(k, kids[a + 1:b]):
                    nested[k] = kids[a + 1:b]
                    a = b
                    break
            else:
                a += 1
            top.append(k)
        if nested and better(p, kids, top):
            children[p] = top
            for k, members in nested.items():
                children[k] = members + children.get(k, [])
                for m in members:
                    rows[m].parent = k
            continue
        g = rows[p].parent
        if g is None or rows[p].part_of_which or g not in children:
            continue
        siblings = children[g]
        at = siblings.index(p) + 1
        flat = siblings[:at] + kids + siblings[at:]
        if better(g, siblings, flat):
            children[g] = flat
            del children[p]
            for k in kids:
                rows[k].parent = g


ROLLFORWARD_ROLES = (("new_limit", re.compile(r"新增.*限额")), ("limit", re.compile(r"限额")),
                     ("balance", re.compile(r"余额")), ("deficit", re.compile(r"赤字")),
                     ("issued", re.compile(r"发行")), ("repaid", re.compile(r"还本")))


def _rollforward_relations(rows: list[_Row], value_cols: list[int], fig) -> list[Relation]:
    """The debt tables' roll-forward (地方政府一般/专项债务余额情况表): a year-end balance is the year before's
    plus the year's issuance less its repayment; a year's limit is the year before's plus its new limit (for
    general debt, the deficit). Each row's own year names it; a row printed in one value column only is read
    there."""
    roles: dict[tuple[str, int], int] = {}
    for i, row in enumerate(rows):
        label = fold(row.key_label)
        if row.parent is not None or label.startswith("附") or row.total:
            continue
        years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", label)]
        if len(years) != 1:
            continue
        role = next((name for name, pattern in ROLLFORWARD_ROLES if pattern.search(label)), None)
        if role is not None:
            roles.setdefault((role, years[0]), i)
    if len({role for role, _ in roles}) < 2:
        return []

    def value_at(i: int, c: int | None) -> int | None:
        if c is not None:
            return fig(i, c)
        found = [fig(i, col) for col in value_cols if fig(i, col) is not None]
        return found[0] if len(found) == 1 else None

    out = []
    for (role, year), i in roles.items():
        if role == "balance":
            terms = [(roles.get(("balance", year - 1)), 1), (roles.get(("issued", year)), 1),
                     (roles.get(("repaid", year)), -1)]
            rule = f"{rows[i].key_label} = 上年末余额 + 发行额 - 还本额"
        elif role == "limit":
            new = roles.get(("new_limit", year), roles.get(("deficit", year)))
            terms = [(roles.get(("limit", year - 1)), 1), (new, 1)]
            rule = f"{rows[i].key_label} = 上年限额 + 新增限额"
        else:
            continue
        if any(k is None for k, _ in terms):
            continue
        columns = [c for c in value_cols if fig(i, c) is not None]
        single = len(columns) == 1 and all(value_at(k, None) is not None for k, _ in terms)
        for c in ([None] if single else columns):
            total = value_at(i, c)
            members = [(value_at(k, c), sign) for k, sign in terms]
            if total is None or any(m is None for m, _ in members):
                continue
            out.append(Relation(total, members, rule))
    return out


def _has_text(row: _Row, c: int) -> bool:
    cell = row.cells[c] if c < len(row.cells) else None
    return cell is not None and bool(_text(cell)) and not NO_VALUE_RE.match(_text(cell))


def _column_relations(rows: list[_Row], columns: list[_Columns], fig) -> list[Relation]:
    """A 合计 (本地区, 全市 …) column and the columns beside it under the same heading."""
    out: list[Relation] = []
    for p_index, cols in enumerate(columns):
        n = len(cols.kinds)
        groups: dict[tuple, list[int]] = {}
        for c in range(n):
            if cols.kinds[c] != "value" or not cols.paths[c]:
                continue
            parent = tuple(id(x) for x in cols.paths[c][:-1])
            groups.setdefault(parent, []).append(c)
        for parent, members in groups.items():
            depth = len(parent)
            totals = [c for c in members if TOTAL_COLUMN_RE.match(clean_label(cols.paths[c][depth].text))
                      and cols.paths[c][depth].colspan == 1]
            if len(totals) != 1:
                continue
            t = totals[0]
            # siblings: one column each, or the 合计 column of a sibling heading that spans several
            nodes: dict[int, list[int]] = {}
            for c in members:
                if c != t:
                    nodes.setdefault(id(cols.paths[c][depth]), []).append(c)
            parts_cols = []
            partial = False
            for node_cols in nodes.values():
                head = cols.paths[node_cols[0]][depth]
                if len(node_cols) == 1:
                    parts_cols.append(node_cols[0])
                    continue
                sub = [c for c in node_cols if len(cols.paths[c]) > depth + 1
                       and TOTAL_COLUMN_RE.match(clean_label(cols.paths[c][depth + 1].text))]
                if len(sub) == 1:
                    parts_cols.append(sub[0])
                elif OF_WHICH_RE.match(head.text.strip()):
                    parts_cols.extend(node_cols)
                    partial = True
                else:
                    parts_cols = []
                    break
            if len(parts_cols) < 2:
                continue
            t_unit = label_unit(cols.labels[t])
            if any(label_unit(cols.labels[c]) != t_unit or CHANGE_RE.search(cols.labels[c]) for c in parts_cols):
                continue
            names = " + ".join(cols.labels[c].split(" / ")[-1] for c in parts_cols)
            for i, row in enumerate(rows):
                rel = _sum(fig(i, t), [fig(i, c) for c in parts_cols], f"{cols.labels[t].split(' / ')[-1]} = {names}",
                           partial) if row.part == p_index else None
                if rel is not None:
                    out.append(rel)
    return out


def _sum(total: int | None, members: list[int | None], rule: str, partial: bool = False) -> Relation | None:
    """A printed total and the parts printed (an empty part counts as nothing), or None with nothing to check."""
    if total is None or all(m is None for m in members):
        return None
    return Relation(total, [(m, 1) for m in members if m is not None], rule, partial=partial)


_TERM_RE = re.compile(r"[A-Z]|\d+(?:\.\d+)?|[+\-−*/×÷()（）]")


def _formula_relations(rows: list[_Row], columns: list[_Columns], fig) -> list[Relation]:
    """Column formulas of a numbering row (5=4-2, 3=2/1*100) and row formulas of a 公式 column (A=B+C)."""
    out: list[Relation] = []
    for p_index, cols in enumerate(columns):
        for c, formula in cols.formulas.items():
            tokens = _TERM_RE.findall(formula)
            refs = [t for t in tokens if t in cols.numbering and t not in ("100",)]
            if not refs:
                continue
            expression, order = _expression(tokens, cols.numbering)
            linear = all(t in "+-−" or t in cols.numbering for t in tokens)
            for i, row in enumerate(rows):
                if row.part != p_index:
                    continue
                total = fig(i, c)
                members = [fig(i, cols.numbering[t]) for t in order]
                if total is None or any(m is None for m in members):
                    continue
                rule = f"{_numbering_key(cols, c)}={formula}"
                if linear:
                    signs = _signs(tokens)
                    out.append(Relation(total, [(m, s) for m, s in zip(members, signs, strict=True)], rule))
                else:
                    out.append(Relation(total, [(m, 1) for m in members], rule, kind="formula",
                                        expression=expression))
        formula_col = next((c for c, k in enumerate(cols.kinds) if k == "formula"), None)
        if formula_col is None:
            continue
        letters: dict[str, int] = {}
        formulas: dict[int, str] = {}
        for i, row in enumerate(rows):
            if row.part != p_index or row.cells[formula_col] is None:
                continue
            text = _text(row.cells[formula_col]).replace(" ", "")
            m = FORMULA_RE.match(text)
            if m:
                letters[m.group(1)] = i
                formulas[i] = m.group(2)
            elif re.fullmatch(r"[A-Z]", text):
                letters[text] = i
        value_cols = [c for c, k in enumerate(cols.kinds) if k == "value"]
        for i, formula in formulas.items():
            tokens = _TERM_RE.findall(formula)
            if not all(t in "+-−" or t in letters for t in tokens):
                continue
            order = [t for t in tokens if t in letters]
            signs = _signs(tokens)
            for c in value_cols:
                total = fig(i, c)
                members = [fig(letters[t], c) for t in order]
                if total is None or any(m is None for m in members):
                    continue
                out.append(Relation(total, [(m, s) for m, s in zip(members, signs, strict=True)],
                                    f"{_text(rows[i].cells[formula_col])}"))
    return out


def _numbering_key(cols: _Columns, c: int) -> str:
    return next((k for k, v in cols.numbering.items() if v == c), str(c + 1))


def _signs(tokens: list[str]) -> list[int]:
    signs = []
    sign = 1
    for t in tokens:
        if t in "+":
            sign = 1
        elif t in "-−":
            sign = -1
        else:
            signs.append(sign)
            sign = 1
    return signs


def _expression(tokens: list[str], refs: dict[str, int]) -> tuple[str, list[str]]:
    """A Python expression over p0, p1 … for a formula's tokens (references are keys of ``refs``; other numbers
    are constants: 3=2/1*100), and the references in order."""
    out, order = [], []
    for t in tokens:
        if t in refs:
            out.append(f"p{len(order)}")
            order.append(t)
        elif t.replace(".", "", 1).isdigit():
            out.append(t)
        else:
            out.append({"×": "*", "÷": "/", "−": "-", "（": "(", "）": ")"}.get(t, t))
    return "".join(out), order
