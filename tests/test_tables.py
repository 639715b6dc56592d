"""Tables on PDF pages (extract.read.tables): ruled, partly ruled and unruled tables, tables continued over a
page, and agreement with pdfplumber's table finder wherever it finds a table.

Every PDF here is drawn with reportlab in tmp_path; the agreement test also reads the shared corpus's real
tables (skipped, saying why, without it).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pdfplumber
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.figures import extract
from extract.model import DocMeta
from extract.read import read_document
from extract.read.pdf import read_pages

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
A4_LANDSCAPE = (841.89, 595.28)
FONT = "STSong-Light"


def draw_table(c: canvas.Canvas, page_height: float, x0: float, top: float, widths: list[float],
               rows: list[list], row_height: float = 22.0, rules: str = "grid", size: float = 10.0) -> float:
    """Draw ``rows`` (cells: text, or (text, colspan); "^" continues the cell above) as a table whose top-left
    corner is (x0, top) in pdfplumber coordinates. rules: "grid" every cell boxed; "columns" vertical rules and a
    rule under the first row, none between body rows (an Excel export); "none" no rules at all. Numbers are set
    flush right, text flush left (indented by leading spaces), headings centred. Returns the table's bottom."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top + row_height * len(rows)
    y = lambda t: page_height - t  # noqa: E731
    c.setFont(FONT, size)
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            text, span = (cell, 1) if isinstance(cell, str) else cell
            left, right = xs[col], xs[col + span]
            band_top, band_bottom = top + row_height * r, top + row_height * (r + 1)
            if rules == "grid":
                c.line(left, y(band_top), left, y(band_bottom))
                c.line(right, y(band_top), right, y(band_bottom))
                if text != "^":
                    c.line(left, y(band_top), right, y(band_top))
            base = y(band_top + row_height * 0.68)
            stripped = text.lstrip(" ")
            if stripped == "^":
                stripped = ""
            if re.fullmatch(r"[-+\d,.%()（）]+", stripped):
                c.drawRightString(right - 3, base, stripped)
            elif r == 0 or span > 1:
                c.drawCentredString((left + right) / 2, base, stripped)
            else:
                c.drawString(left + 3 + size * (len(text) - len(stripped)) / 2, base, stripped)
            col += span
    if rules == "grid":
        c.line(xs[0], y(bottom), xs[-1], y(bottom))
    elif rules == "columns":
        for t in (top, top + row_height, bottom):
            c.line(xs[0], y(t), xs[-1], y(t))
        for x in xs:
            c.line(x, y(top), x, y(bottom))
    return bottom


def _pdf(path: Path, pages: list) -> Path:
    """One page per item: a function drawing on (canvas, page height)."""
    c = canvas.Canvas(str(path), pagesize=A4_LANDSCAPE)
    for draw in pages:
        draw(c, A4_LANDSCAPE[1])
        c.showPage()
    c.save()
    return path


def _text(c: canvas.Canvas, height: float, x: float, top: float, text: str, size: float = 12) -> None:
    c.setFont(FONT, size)
    c.drawString(x, height - top - size, text)


DEBT_ROWS = [
    ["地区", ("2024年债务限额", 3)],
    ["^", "合计", "一般债务", "专项债务"],
    ["邵阳市", "1,500", "500", "1,000"],
    ["  邵阳市本级", "700", "200", "500"],
    ["  新邵县", "300", "100", "200"],
    ["  隆回县", "500", "200", "300"],
]


def _grid(table) -> dict[tuple[int, int], str]:
    return {(c.row, c.col): c.text for c in table.cells}


def _tables(doc):
    return [b.table for b in doc.blocks if b.kind == "table"]


def test_a_ruled_table_is_one_table_block_with_its_cells_title_and_unit(tmp_path):
    def page(c, h):
        _text(c, h, 300, 40, "邵阳市2024年政府债务限额情况表", 14)
        _text(c, h, 650, 70, "单位：万元", 10)
        draw_table(c, h, 60, 90, [120, 100, 100, 100], DEBT_ROWS)
        _text(c, h, 60, 236, "注：本表数据为决算数。", 10)

    doc = read_document(_pdf(tmp_path / "t.pdf", [page]))
    (table,) = _tables(doc)
    grid = _grid(table)
    assert table.n_rows == 6 and table.n_cols == 4 and table.number == 1
    assert grid[(0, 1)] == "2024年债务限额" and grid[(1, 3)] == "专项债务" and grid[(3, 0)] == "邵阳市本级"
    assert grid[(5, 2)] == "200"
    spanning = next(c for c in table.cells if c.text == "2024年债务限额")
    assert (spanning.row, spanning.col, spanning.colspan) == (0, 1, 3)
    assert table.title == "邵阳市2024年政府债务限额情况表"
    assert table.notes == ["单位：万元", "注：本表数据为决算数。"]
    # the title and the note stay in the text flow; the cells do not
    texts = [b.text for b in doc.blocks if b.kind != "table"]
    assert "邵阳市2024年政府债务限额情况表" in texts and not any("1,500" in t for t in texts)
    cell = next(c for c in table.cells if c.text == "1,500")
    assert len(cell.boxes) == 5 and all(b is not None and b[0] == 1 for b in cell.boxes)


def test_body_rows_without_rules_between_them_are_cut_at_their_text_rows(tmp_path):
    def page(c, h):
        draw_table(c, h, 60, 90, [120, 100, 100, 100], [["地区", "合计", "一般债务", "专项债务"]] + DEBT_ROWS[2:],
                   rules="columns")

    (table,) = _tables(read_document(_pdf(tmp_path / "t.pdf", [page])))
    grid = _grid(table)
    assert table.n_rows == 5, grid
    assert [grid[(r, 1)] for r in range(1, 5)] == ["1,500", "700", "300", "500"]
    assert grid[(4, 0)] == "隆回县"


def test_an_unruled_table_is_found_from_its_columns_of_numbers_and_prose_is_not(tmp_path):
    rows = [["指标", "2024年", "2025年", "增长（%）"], ["地区生产总值", "5,012.3", "5,321.8", "6.2"],
            ["一般公共预算收入", "402.5", "421.0", "4.6"], ["税收收入", "280.1", "290.3", "3.6"],
            ["社会消费品零售总额", "2,100.4", "2,203.9", "4.9"]]

    def page(c, h):
        _text(c, h, 60, 40, "全年经济运行总体平稳，主要指标完成情况如下表所示，各项指标均好于预期。")
        _text(c, h, 600, 70, "单位：亿元", 10)
        draw_table(c, h, 60, 90, [160, 110, 110, 110], rows, rules="none")
        _text(c, h, 60, 220, "以上数据为初步统计数，最终数据以统计年鉴为准，增长按可比价格计算。")

    doc = read_document(_pdf(tmp_path / "t.pdf", [page]))
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("table") == 1
    where = kinds.index("table")
    assert doc.blocks[where + 1].text.startswith("以上数据") and "单位：亿元" in [b.text for b in doc.blocks]
    table = doc.blocks[where].table
    grid = _grid(table)
    assert table.n_cols == 4 and grid[(0, 3)] == "增长（%）" and grid[(4, 2)] == "2,203.9"
    assert table.notes == ["单位：亿元"]
    figs = {(f.row_label, f.column_label): f for f in extract(tmp_path / "t.pdf", DocMeta(
        region="邵阳市", published=2026, covers="2025", doctype="stats-bulletin")).figures if f.origin == "table"}
    gdp = figs[("地区生产总值", "2025年")]
    assert (gdp.value, gdp.unit, gdp.year, gdp.stance) == (5321.8e8, "元", 2025, "actual")
    assert figs[("税收收入", "增长（%）")].unit == "%"


def test_prose_in_two_columns_and_a_framed_paragraph_are_not_tables(tmp_path):
    def page(c, h):
        for k in range(12):
            _text(c, h, 60, 60 + 18 * k, "今年以来全市上下认真贯彻落实各项决策部署，经济")
            _text(c, h, 440, 60 + 18 * k, "运行稳中有进，完成投资12亿元，增长5.2%，就业")
        c.rect(60, h - 500, 700, 80)
        _text(c, h, 70, 430, "专栏：全年新增就业3.2万人，城镇调查失业率控制在5.5%以内，居民收入稳步增长。")

    doc = read_document(_pdf(tmp_path / "t.pdf", [page]))
    assert _tables(doc) == []


def test_a_table_continued_on_the_next_page_reads_the_first_pages_headings_and_unit(tmp_path):
    body = [["项目", "预算数", "执行数"]] + [[f"{name}", f"{100 + k}", f"{90 + k}"] for k, name in
                                         enumerate(["增值税", "企业所得税", "个人所得税", "资源税", "城市维护建设税"])]
    rest = [["房产税", "30", "28"], ["印花税", "20", "19"]]

    def first(c, h):
        _text(c, h, 250, 40, "某市2025年一般公共预算收入执行情况表", 14)
        _text(c, h, 400, 424, "单位：万元", 10)
        draw_table(c, h, 60, 440, [200, 150, 150], body)

    def second(c, h):
        draw_table(c, h, 60, 40, [200, 150, 150], rest)

    path = _pdf(tmp_path / "t.pdf", [first, second])
    tables = _tables(read_document(path))
    assert [t.number for t in tables] == [1, 2] and tables[1].continues == 1
    figs = [f for f in extract(path, DocMeta(region="邵阳市", published=2026, covers="2025",
                                             doctype="budget-report")).figures if f.origin == "table"]
    later = [f for f in figs if f.page == 2]
    assert {(f.row_label, f.column_label, f.unit, f.value, f.stance) for f in later} == {
        ("房产税", "预算数", "元", 300000.0, "target"), ("房产税", "执行数", "元", 280000.0, "actual"),
        ("印花税", "预算数", "元", 200000.0, "target"), ("印花税", "执行数", "元", 190000.0, "actual")}
    assert later[0].locator == "p2 table 2 row 1 col 2"


def _plumber_cells(path: Path) -> list[tuple[int, tuple, str]]:
    """(page, cell box, text without white space) of every cell pdfplumber's finder gives."""
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                for row in table.rows:
                    for box in row.cells:
                        if box is None:
                            continue
                        chars = [ch for ch in page.chars if box[0] <= (ch["x0"] + ch["x1"]) / 2 < box[2]
                                 and box[1] <= (ch["top"] + ch["bottom"]) / 2 < box[3]]
                        out.append((page.page_number, box, re.sub(r"\s+", "", "".join(ch["text"] for ch in chars))))
    return out


def disagreements(path: Path) -> list[str]:
    """Where pdfplumber's ruled-table cells and ours disagree: for each pdfplumber cell, our cells inside it
    (by char centre) must hold exactly its chars (ours may cut a cell of stacked body rows into several)."""
    doc = read_document(path)
    ours: dict[int, list] = {}
    for block in doc.blocks:
        if block.kind != "table":
            continue
        for cell in block.table.cells:
            for ch, box in zip(cell.text, cell.boxes, strict=True):
                if box is not None:
                    ours.setdefault(box[0], []).append((ch, (box[1] + box[3]) / 2, (box[2] + box[4]) / 2))
    problems = []
    for page, box, text in _plumber_cells(path):
        inside = [ch for ch, cx, cy in ours.get(page, []) if box[0] <= cx < box[2] and box[1] <= cy < box[3]]
        if sorted(inside) != sorted(text):
            problems.append(f"p{page} cell {[round(v) for v in box]}: pdfplumber {text!r}, ours {''.join(inside)!r}")
    return problems


def test_cells_agree_with_pdfplumber_on_drawn_tables(tmp_path):
    def page(c, h):
        bottom = draw_table(c, h, 60, 60, [120, 100, 100, 100], DEBT_ROWS)
        draw_table(c, h, 60, bottom + 40, [120, 100, 100, 100], [["地区", "合计", "一般债务", "专项债务"]]
                   + DEBT_ROWS[2:], rules="columns")

    path = _pdf(tmp_path / "t.pdf", [page])
    assert _plumber_cells(path)
    assert disagreements(path) == []


REAL_PDFS = ("suzhou-anhui_2024_debt-tables", "yunnan_2026_debt-tables", "yunnan_2024_debt-limit-adjustment",
             "fangchenggang_2026_budget-report", "xian_2026_stats-bulletin")


@pytest.mark.corpus
@pytest.mark.parametrize("name", REAL_PDFS)
def test_cells_agree_with_pdfplumber_on_the_ruled_tables_of_the_shared_corpus(corpus, name):
    path = corpus / "real" / "pdf" / f"{name}.pdf"
    if not path.is_file():
        pytest.skip(f"{path} not in the shared corpus")
    assert _plumber_cells(path), "pdfplumber finds ruled tables here"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert disagreements(path) == []


def test_pdf_rules_from_both_backends_agree(tmp_path):
    def page(c, h):
        draw_table(c, h, 60, 60, [120, 100, 100, 100], DEBT_ROWS)
        c.rect(500, h - 400, 100, 50, fill=1)

    path = _pdf(tmp_path / "t.pdf", [page])
    (fast,) = read_pages(path, backend="pdfium")
    (ref,) = read_pages(path, backend="pdfplumber")
    rounded = lambda rules: sorted(tuple(round(v, 1) for v in r) for r in rules)  # noqa: E731
    assert rounded(fast.rules) == rounded(ref.rules) and len(fast.rules) > 10


def test_show_boxes_table_cells_like_text_figures(tmp_path):
    from extract.charts.show import draw_page
    from extract.figures import extract_document, figures_frame

    def page(c, h):
        _text(c, h, 650, 70, "单位：万元", 10)
        draw_table(c, h, 60, 90, [120, 100, 100, 100], DEBT_ROWS)

    path = _pdf(tmp_path / "t.pdf", [page])
    figs = figures_frame(extract_document(path, DocMeta(region="邵阳市", published=2025, covers="2024")))
    cells = figs[figs["origin"] == "table"]
    assert len(cells) == 12 and cells[["x0", "top", "x1", "bottom"]].notna().all().all()
    first = cells.iloc[0]
    assert 60 < first["x0"] < first["x1"] < 560 and 90 < first["top"] < first["bottom"] < 225
    assert draw_page(path, figs, 1, tmp_path / "p1.png", resolution=50).boxed == len(figs)
