"""Table cells -> figures (extract.grammar.tables), format-blind: every table here is a model.Table built in
Python, as a web page or Word reader hands it over (cells without boxes), so the same rules hold for PDF,
HTML and Word tables. Also the checks those tables allow (extract.corpus.checks)."""

from __future__ import annotations

from decimal import Decimal

from extract.corpus.checks import check_rows, evaluate
from extract.figures import read_figures
from extract.grammar.tables import read_table
from extract.model import Cell, DocMeta, Document, Table, table_block


def table(rows: list[list], title: str = "", notes: list[str] | None = None, number: int = 1,
          header_rows: int | None = None, continues: int = 0) -> Table:
    """A Table from rows of cells: text, (text, colspan) or (text, colspan, rowspan); None under a merged cell."""
    cells = []
    for r, row in enumerate(rows):
        col = 0
        for item in row:
            if item is None:
                col += 1
                continue
            text, colspan, rowspan = (item, 1, 1) if isinstance(item, str) else (*item, 1)[:3]
            cells.append(Cell(text=text, row=r, col=col, rowspan=rowspan, colspan=colspan))
            col += colspan
    n_cols = max(c.col + c.colspan for c in cells)
    return Table(cells=cells, n_rows=len(rows), n_cols=n_cols, title=title, notes=notes or [], number=number,
                 header_rows=header_rows, continues=continues)


CITY = DocMeta(doc_id="shaoyang", region="邵阳市", adcode="430500", admin_level="city", published=2025,
               covers="2024", doctype="final-accounts")
DEBT = table([
    [("地区", 1, 2), ("2024年债务限额", 3), ("2024年债务余额（决算数）", 3)],
    [None, "合计", "一般债务", "专项债务", "合计", "一般债务", "专项债务"],
    ["邵阳市", "1,500", "500", "1,000", "1,400", "480", "920"],
    ["邵阳市本级", "700", "200", "500", "650", "190", "460"],
    ["新邵县", "300", "100", "200", "290", "95", "195"],
    ["隆回县", "500", "200", "300", "460", "195", "265"],
], title="邵阳市2024年政府债务限额及余额情况表", notes=["单位：万元"])


def by_cell(reading) -> dict[tuple[str, str], object]:
    return {(cf.figure.row_label, cf.figure.column_label): cf.figure for cf in reading.figures}


def test_a_debt_table_by_county_gives_every_cell_its_region_unit_year_stance_and_metric():
    figs = by_cell(read_table(DEBT, CITY))
    assert len(figs) == 24
    total = figs[("邵阳市", "2024年债务限额 / 合计")]
    assert (total.value, total.unit, total.year, total.stance, total.metric) == (15e6, "元", 2024, "actual",
                                                                                  "debt_limit")
    assert (total.region, total.adcode, total.admin_level, total.doc_region) == ("邵阳市", "430500", "city", "邵阳市")
    county = figs[("新邵县", "2024年债务余额（决算数） / 一般债务")]
    assert (county.region, county.adcode, county.admin_level) == ("新邵县", "430522", "county")
    assert county.metric == "general_debt_balance" and county.value == 950000.0
    own = figs[("邵阳市本级", "2024年债务余额（决算数） / 专项债务")]
    assert own.region == "邵阳市" and own.metric == "special_debt_balance"  # 本级: the city's own government
    assert figs[("隆回县", "2024年债务限额 / 一般债务")].metric == ""  # a component limit has no id
    assert total.locator == "table 1 row 3 col 2" and total.origin == "table" and total.text == "1,500"


def test_a_budget_table_with_a_numbering_row_reads_stance_years_changes_and_rates():
    budget = table([
        [("项目", 1, 3), ("2025年", 3), ("2026年预算", 3)],
        [None, "年初预算数", "执行数", "完成年初预算%", "建议数", ("比2025年执行数增减", 2)],
        [None, None, None, None, None, "金额", "%"],
        ["", "1", "2", "3=2/1*100", "4", "5=4-2", "6=5/2*100"],
        ["一、税收收入", "300", "330", "110", "350", "20", "6.1"],
        ["增值税", "200", "210", "105", "230", "20", "9.5"],
        ["企业所得税", "100", "120", "120", "120", "—", "（0）"],
        ["烟叶税", "", "", "", "", "", ""],
    ], title="全市一般公共预算收入2025年预算执行情况和2026年预算（草案）", notes=["单位：万元"])
    meta = DocMeta(region="邵阳市", published=2026, covers="2025", doctype="budget-report")
    reading = read_table(budget, meta)
    figs = by_cell(reading)
    plan = figs[("增值税", "2025年 / 年初预算数 / 1")]
    assert (plan.stance, plan.year, plan.value) == ("target", 2025, 2e6)
    done = figs[("增值税", "2025年 / 执行数 / 2")]
    assert (done.stance, done.year) == ("actual", 2025)
    rate = figs[("增值税", "2025年 / 完成年初预算% / 3=2/1*100")]
    assert (rate.unit, rate.value, rate.stance) == ("%", 105.0, "actual")
    change = figs[("增值税", "2026年预算 / 比2025年执行数增减 / % / 6=5/2*100")]
    assert (change.unit, change.year, change.stance) == ("%", 2026, "target")  # 比2025年 is a comparison
    assert ("企业所得税", "2026年预算 / 比2025年执行数增减 / 金额 / 5=4-2") not in figs  # — is no value
    assert not any(f.row_label == "烟叶税" for f in figs.values())
    assert not any(f.text in ("1", "2", "4") for f in figs.values())  # the numbering row is a heading
    rules = {r.rule for r in reading.relations}
    assert "一、税收收入 = sum of 3 rows below it" in rules and "5=4-2" in rules and "3=2/1*100" in rules


def test_rows_of_a_province_table_its_own_level_and_region_columns():
    meta = DocMeta(region="湖南省", adcode="430000", admin_level="province", published=2026, covers="2025",
                   doctype="budget-report")
    counties = table([["地区", "2025年债务余额"], ["邵阳市", "1,000"], ["新邵县", "300"], ["省本级", "2,000"],
                      ["某某开发区", "50"]], notes=["单位：亿元"])
    figs = by_cell(read_table(counties, meta))
    assert figs[("邵阳市", "2025年债务余额")].admin_level == "city"
    assert figs[("新邵县", "2025年债务余额")].region == "新邵县"
    assert figs[("省本级", "2025年债务余额")].region == "湖南省"
    assert figs[("某某开发区", "2025年债务余额")].region == "湖南省"  # not in the gazetteer: the document's
    columns = table([["项目", "合计", "其中：", None], [None, None, "新邵县", "隆回县"],
                     ["转移支付", "500", "200", "300"]], notes=["单位：万元"])
    figs = by_cell(read_table(columns, CITY))
    assert figs[("转移支付", "其中： / 新邵县")].region == "新邵县"
    assert figs[("转移支付", "合计")].region == "邵阳市"


def test_units_from_a_unit_column_a_heading_a_cell_and_none_at_all():
    products = table([["产品名称", "单位", "产量", "比上年增长（%）"], ["小麦粉", "万吨", "23.79", "2.3"],
                      ["汽车", "万辆", "148.27", "-2.8"], ["3D打印设备", "台", "973", "（1.2）"],
                      ["城镇新增就业", "", "5.2万人", ""]])
    meta = DocMeta(region="西安市", published=2026, covers="2025", doctype="stats-bulletin")
    figs = by_cell(read_table(products, meta))
    assert (figs[("小麦粉", "产量")].value, figs[("小麦粉", "产量")].unit) == (237900.0, "吨")
    assert figs[("汽车", "比上年增长（%）")].value == -2.8
    assert figs[("3D打印设备", "比上年增长（%）")].value == -1.2  # （1.2） in a change column
    assert figs[("城镇新增就业", "产量")].value == 52000.0 and figs[("城镇新增就业", "产量")].unit == "人"
    corner = table([["项目（亿元）", "2024年", "2025年"], ["税收收入", "280.1", "290.3"]])
    assert by_cell(read_table(corner, meta))[("税收收入", "2025年")].value == 290.3e8
    no_unit = table([["序号", "项目", "数量"], ["1", "学校", "12"], ["2", "医院", "3"]])
    assert read_table(no_unit, meta).figures == []  # a count nobody says the unit of is not a figure


def test_other_of_which_rows_and_a_row_formula_column():
    limits = table([
        ["项目", "公式", "本地区", "本级", "下级"],
        ["一、2023年地方政府债务限额", "A=B+C", "14,963.35", "3,255.92", "11,707.43"],
        ["其中：一般债务限额", "B", "7,446.96", "2,833.91", "4,613.05"],
        ["专项债务限额", "C", "7,516.39", "422.01", "7,094.38"],
        ["二、2024年地方政府债务限额", "D=E+F", "15,992.35", "3,479.73", "12,512.62"],
        ["其中：一般债务限额", "E", "7,644.96", "2,986.32", "4,658.64"],
        ["专项债务限额", "F", "8,347.39", "493.41", "7,853.98"],
    ], notes=["单位：亿元"])
    meta = DocMeta(region="云南省", published=2024, covers="2024", doctype="other")
    reading = read_table(limits, meta)
    figs = {(cf.figure.row_label, cf.figure.column_label, cf.figure.year): cf.figure for cf in reading.figures}
    assert len(figs) == 18  # the letters are labels
    old = figs[("一、2023年地方政府债务限额", "本地区", 2023)]
    assert (old.stance, old.metric, old.value) == ("actual", "debt_limit", 1496335000000.0)
    new = figs[("一、2024年地方政府债务限额".replace("一、", "二、"), "本级", 2024)]
    assert new.stance == "target"  # a limit for the year the document was published in
    special = figs[("专项债务限额", "下级", 2024)]
    assert special.metric == "" and "专项债务限额" in special.subject  # its parent's year
    rules = sorted({r.rule for r in reading.relations})
    assert rules[:2] == ["A=B+C", "D=E+F"] and "本地区 = 本级 + 下级" in rules


def test_a_continuation_without_headings_borrows_the_first_parts_labels_and_unit():
    first = table([["项目", "预算数", "执行数"], ["一、税收收入", "30", "33"], ["增值税", "20", "21"]],
                  notes=["单位：万元"], title="某市2025年收入表")
    second = table([["企业所得税", "10", "12"]], number=2, continues=1)
    meta = DocMeta(region="邵阳市", published=2026, covers="2025", doctype="budget-report")
    reading = read_table([first, second], meta)
    later = [cf for cf in reading.figures if cf.part == 1]
    assert [(cf.figure.column_label, cf.figure.value, cf.figure.locator) for cf in later] == [
        ("预算数", 100000.0, "table 2 row 1 col 2"), ("执行数", 120000.0, "table 2 row 1 col 3")]
    # the row hierarchy runs on over the page: 一、税收收入 = 增值税 + 企业所得税
    parts = {r.rule: r for r in reading.relations}
    assert "一、税收收入 = sum of 2 rows below it" in parts


def test_checks_are_ok_within_rounding_or_mismatched_and_flag_their_figures():
    wrong = table([["地区", "2024年债务余额"], ["邵阳市", "1,010"], ["邵阳市本级", "500"], ["新邵县", "300"],
                   ["隆回县", "200"]], notes=["单位：万元"])
    doc = Document(path="x", n_pages=0, blocks=[table_block(DEBT), table_block(wrong)])
    wrong.number = 2
    extraction = read_figures(doc, CITY)
    rows = check_rows(extraction.figures, extraction.relations, flag=True)
    statuses = {(r["locator"], r["rule"]): r["status"] for r in rows}
    assert statuses[("para 1 table 1 row 3 col 2", "合计 = 一般债务 + 专项债务")] == "ok"
    assert statuses[("para 1 table 1 row 3 col 5", "邵阳市 = sum of 3 rows below it")] == "ok"
    mismatch = next(r for r in rows if r["status"] == "mismatch")
    assert mismatch["locator"] == "para 2 table 2 row 2 col 2" and mismatch["difference"] == 100_000.0
    assert mismatch["expected"] == 10_000_000.0 and mismatch["found"] == 10_100_000.0 and mismatch["unit"] == "元"
    flagged = [f for f in extraction.figures if f.flags == "total_mismatch"]
    assert {f.row_label for f in flagged} == {"邵阳市", "邵阳市本级", "新邵县", "隆回县"}
    assert all(f.locator.startswith("para 2") for f in flagged)


def _one_check(rows: list[list]) -> dict:
    reading = read_figures(Document(path="x", n_pages=0, blocks=[table_block(table(rows, notes=["单位：亿元"]))]),
                           CITY)
    (row,) = check_rows(reading.figures, reading.relations)
    return row


def test_rounding_counts_the_last_printed_digit_of_every_number_and_formulas_are_computed():
    head = ["项目", "合计", "一般", "专项"]
    assert _one_check([head, ["邵阳市", "10.0", "5.0", "5.0"]])["status"] == "ok"
    # 10.1 against 5.0 + 5.04 = 10.04: within 0.05 + 0.05 + 0.005
    assert _one_check([head, ["邵阳市", "10.1", "5.0", "5.04"]])["status"] == "rounding"
    assert _one_check([head, ["邵阳市", "10.5", "5.0", "5.0"]])["status"] == "mismatch"
    ratio = [["项目", "预算", "执行", "完成%"], ["", "1", "2", "3=2/1*100"], ["税收", "3", "2", "66.7"]]
    reading = read_figures(Document(path="x", n_pages=0, blocks=[table_block(table(ratio, notes=["单位：亿元"]))]),
                           CITY)
    (row,) = check_rows(reading.figures, reading.relations)
    assert (row["rule"], row["status"]) == ("3=2/1*100", "ok")
    assert evaluate("p0/p1*100", [Decimal(2), Decimal(4)]) == 50 and evaluate("(p0-p1)*2", [Decimal(5), Decimal(3)]) == 4


def test_the_regions_of_one_table_are_ranked_with_its_page_cited(tmp_path):
    """charts.processed.region_table and plots.table_regions_chart on the figures of DEBT and of a project list
    that repeats its regions (the ranking takes the table of one row per region)."""
    import pandas as pd

    from extract.charts import plots, processed
    from extract.figures import figures_frame

    projects = table([["地区", "项目", "债券规模"], ["新邵县", "学校", "10"], ["新邵县", "医院", "20"],
                      ["隆回县", "道路", "30"]], notes=["单位：万元"], number=2)
    doc = Document(path="x", n_pages=0, blocks=[table_block(DEBT), table_block(projects)])
    frame = figures_frame(read_figures(doc, CITY).figures)
    frame["page"] = 4
    found = processed.region_table(frame, column="余额（决算数） / 一般债务")
    assert (found.doc_id, found.table, found.pages) == ("shaoyang", 1, [4])
    assert list(found.rows["row_label"]) == ["邵阳市本级", "新邵县", "隆回县"]
    assert found.total["value"].tolist() == [4_800_000.0]
    chart = plots.table_regions_chart(found, {"shaoyang": "2025年邵阳市决算报告"})
    try:
        assert chart.title == "2024年债务余额（决算数）一般债务：隆回县最高（195万元）"
        assert list(chart.rows["row_label"]) == ["隆回县", "邵阳市本级", "新邵县"]
        paths = plots.save_chart(chart, tmp_path, "t")
        assert pd.read_csv(paths["csv"], encoding="utf-8-sig")["locator"].str.startswith("para 1 table 1").all()
    finally:
        plots.close(chart)
    with_no_table = frame[frame["origin"] != "table"]
    try:
        processed.region_table(with_no_table)
    except ValueError as exc:
        assert "no table" in str(exc)
    else:
        raise AssertionError("a corpus without tables of regions has nothing to rank")


BULLETIN = DocMeta(region="新乡市", adcode="410700", admin_level="city", published=2025, covers="2024",
                   doctype="stats-bulletin")


def test_a_breakdown_ends_at_a_row_in_another_unit_or_beyond_its_total():
    products = table([
        ["产品名称", "单位", "产量", "比上年增长（%）"],
        ["发电量", "亿千瓦时", "120.5", "-2.7"],
        ["其中：可再生能源发电量", "亿千瓦时", "60.2", "5.7"],
        ["布", "亿米", "3.1", "5.7"],
        ["原煤", "万吨", "525.01", "-3.0"],
    ])
    figs = by_cell(read_table(products, BULLETIN))
    assert figs[("其中：可再生能源发电量", "产量")].subject.startswith("发电量")  # part of the row above
    assert "发电量" not in figs[("布", "产量")].subject  # 亿米 is no part of 亿千瓦时
    assert (figs[("原煤", "产量")].metric, figs[("原煤", "比上年增长（%）")].metric) == ("coal_output",
                                                                                 "coal_output_growth")
    people = table([
        ["指标", "年末数（万人）", "比重（%）"],
        ["全市常住人口", "199.5", "100.0"],
        ["其中：城镇", "122.5", "61.4"],
        ["乡村", "77.0", "38.6"],
        ["其中：男性", "100.4", "50.3"],
        ["女性", "99.1", "49.7"],
        ["其中：65周岁及以上", "35.3", "17.7"],
    ])
    figs = by_cell(read_table(people, BULLETIN))
    assert figs[("其中：城镇", "年末数（万人）")].metric == "urban_population"
    assert figs[("乡村", "年末数（万人）")].metric == "rural_population"  # 城镇 + 乡村 = the whole: one breakdown
    assert figs[("女性", "年末数（万人）")].subject.startswith("全市常住人口")  # a second breakdown of the same total
    # the parts so far would exceed the total: 65周岁及以上 opens its own breakdown, it is not a part of 男性/女性
    assert figs[("其中：65周岁及以上", "比重（%）")].metric == "population_aged_65_plus_share"


def test_a_hash_opens_a_breakdown_and_a_part_is_not_its_whole():
    prices = table([
        ["指标", "涨跌幅度（%）"],
        ["居民消费价格", "0.5"],
        ["#食品烟酒", "-0.7"],
        ["居住[3]", "0.0"],
        ["娱乐用品", "1.2"],
    ])
    figs = by_cell(read_table(prices, BULLETIN))
    assert figs[("居民消费价格", "涨跌幅度（%）")].metric == "cpi_growth"
    assert figs[("#食品烟酒", "涨跌幅度（%）")].metric == "cpi_food_growth"
    assert figs[("居住[3]", "涨跌幅度（%）")].metric == "cpi_housing_growth"  # the note's mark is no part of it
    assert figs[("娱乐用品", "涨跌幅度（%）")].metric == ""  # no class of its own: not the CPI either


def test_decimal_numbering_makes_siblings_not_a_chain():
    crops = table([
        ["指标", "2024年", "比上年增长（%）"],
        ["1.粮食", "", ""],
        ["1.1.粮食播种面积", "91.7", "-14.5"],
        ["1.2.粮食总产", "13.6", "7.3"],
        ["2.棉花", "", ""],
        ["2.1.棉花播种面积", "9.1", "3.0"],
    ], notes=["单位：万亩、万吨"])
    figs = by_cell(read_table(crops, BULLETIN))
    assert "粮食播种面积" not in figs[("1.2.粮食总产", "2024年")].subject
    assert "粮食" not in figs[("2.1.棉花播种面积", "2024年")].subject.replace("2.1.棉花播种面积", "")


def test_region_rows_a_change_column_counts_the_change_of_the_amount_before_it():
    counties = table([
        [("区县", 1, 2), "地区生产总值（亿元）", "", "第一产业增加值（亿元）", ""],
        [None, None, "比上年增长（%）", None, "比上年增长（%）"],
        ["伊州区", "664.08", "7.6", "33.65", "-0.7"],
        ["巴里坤县", "211.11", "14.6", "12.61", "4.1"],
    ])
    hami = DocMeta(region="哈密市", adcode="650500", admin_level="city", published=2025, covers="2024",
                   doctype="stats-bulletin")
    figs = {(cf.figure.row_label, cf.cell.col): cf.figure for cf in read_table(counties, hami).figures}
    assert [figs[("伊州区", c)].metric for c in (1, 2, 3, 4)] == [
        "gdp", "gdp_growth", "primary_industry_value_added", "primary_industry_value_added_growth"]  # 增加值 is no change
    county = figs[("巴里坤县", 3)]  # printed without its nation: 巴里坤哈萨克自治县
    assert (county.region, county.adcode, county.metric) == ("巴里坤哈萨克自治县", "650521",
                                                             "primary_industry_value_added")


def test_an_accounts_name_is_no_stance():
    finance = table([
        ["指标", "绝对数（亿元）", "比上年增长（%）"],
        ["一般公共预算收入", "38.61", "5.3"],
        ["一般公共预算支出", "210.4", "2.0"],
    ], title="表5 2025年全市财政收支情况")
    meta = DocMeta(region="张家界市", published=2026, covers="2025", doctype="stats-bulletin")
    figs = by_cell(read_table(finance, meta))
    revenue = figs[("一般公共预算收入", "绝对数（亿元）")]
    assert (revenue.stance, revenue.year, revenue.metric) == ("actual", 2025, "budget_revenue")
