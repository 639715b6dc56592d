"""Honest charts, checked on the rendered figure: the audit finds overlapping labels, code names in headings and
regions neither drawn nor footnoted; the charts never give it cause (small multiples, axes, rankings without a
region's own parent, circles that tell 5.0% from 5.5%). Data are made up here, shaped like metrics.parquet."""

from __future__ import annotations

import logging
import warnings

import pandas as pd
import pytest

from extract.charts import audit, fonts, plots
from extract.charts.layout import new_canvas

REGIONS = {"上海市": ("310000", "province"), "江苏省": ("320000", "province"), "浙江省": ("330000", "province"),
           "福建省": ("350000", "province"), "中华人民共和国": ("100000", "nation"), "金华市": ("330700", "city"),
           "东阳市": ("330783", "county"), "义乌市": ("330782", "county"), "武义县": ("330723", "county")}


def metrics(rows: list[tuple]) -> pd.DataFrame:
    """(region, year, stance, value[, qualifier, unit, metric]) -> a metrics-shaped frame."""
    records = []
    for i, item in enumerate(rows):
        region, year, stance, value, *rest = item
        qualifier = rest[0] if len(rest) > 0 else "exact"
        unit = rest[1] if len(rest) > 1 else "%"
        metric = rest[2] if len(rest) > 2 else "gdp_growth"
        adcode, level = REGIONS[region]
        records.append({"region": region, "adcode": adcode, "admin_level": level, "year": year,
                        "period": str(year), "metric": metric, "stance": stance, "value": float(value),
                        "low": float(value), "high": float(value), "unit": unit, "qualifier": qualifier,
                        "doc_id": f"doc{i}", "page": 1, "text": f"{value}{unit}", "subject": "地区生产总值"})
    frame = pd.DataFrame(records)
    frame["year"] = frame["year"].astype("Int64")
    frame["page"] = frame["page"].astype("Int64")
    return frame


def saved(chart: plots.Chart, tmp_path, name: str = "c") -> plots.Chart:
    plots.save_chart(chart, tmp_path, name)  # raises ChartCheckError when the audit finds a problem
    return chart


def texts(chart: plots.Chart) -> list[str]:
    return [t.text for t in audit.drawn_texts(chart.figure, chart.headings, chart.footer)]


# ---------------------------------------------------------------- the audit can fail


def test_audit_finds_overlapping_labels_code_names_and_missing_regions():
    canvas = new_canvas("imports_exports_growth 上升", "说明", ["来源：x"])
    ax = canvas.axes[0]
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.annotate("目标≤5%", (5, 5))
    ax.annotate("目标≤5%", (5, 5))
    chart = plots.Chart(canvas.figure, pd.DataFrame(), "t", regions=["浙江省"], headings=[canvas.title, canvas.subtitle],
                        footer=canvas.footer)
    problems = audit.audit(chart)
    assert any(p.startswith("labels overlap: '目标≤5%'") for p in problems)
    assert any("code name 'imports_exports_growth'" in p for p in problems)
    assert any("region 浙江省 is in the data" in p for p in problems)
    with pytest.raises(plots.ChartCheckError):
        plots.check_chart(chart)
    plots.close(chart)


# ---------------------------------------------------------------- years charts


def test_four_equal_targets_are_small_multiples_with_every_label_readable(tmp_path):
    # surveyed unemployment: four provinces, 2025 results, the same 2026 target "≤5%"
    rows = metrics([(r, 2025, "actual", v) for r, v in (("上海市", 4.2), ("江苏省", 4.6), ("浙江省", 4.6),
                                                        ("福建省", 4.7))] +
                   [(r, 2026, "target", 5.0, "at_most") for r in ("上海市", "江苏省", "浙江省", "福建省")])
    chart = saved(plots.years_chart(rows, "gdp_growth"), tmp_path)
    assert len(chart.figure.axes) == 4
    assert sum(t == "目标≤5%" for t in texts(chart)) == 4
    plots.close(chart)


def test_a_nation_and_a_province_never_share_an_axis(tmp_path):
    rows = metrics([("中华人民共和国", y, "actual", v, "exact", "元", "gdp") for y, v in
                    ((2012, 5.4e13), (2013, 5.7e13), (2014, 6.4e13))] +
                   [("上海市", y, "actual", v, "exact", "元", "gdp") for y, v in ((2020, 3.9e12), (2025, 5.67e12))])
    chart = saved(plots.years_chart(rows, "gdp"), tmp_path)
    assert len(chart.figure.axes) == 2
    shanghai = next(ax for ax in chart.figure.axes if ax.get_title(loc="left") == "上海市")
    low, high = shanghai.get_ylim()
    assert low == 0 and 5.67 <= high < 10  # its own scale (万亿元), from zero: not squashed under 54万亿
    assert "各小图纵轴刻度不同" in chart.headings[1].get_text()
    plots.close(chart)


def test_rates_get_a_sensible_span_and_levels_start_at_zero():
    low, high = plots.value_limits([9.3, 9.2], "%")
    assert high - low >= 2.3 and 0.1 / (high - low) < 0.05  # a 0.1-point dip is under a twentieth of the axis
    low, high = plots.value_limits([4.2, 5.0], "%")
    assert high - low >= 1.25
    assert plots.value_limits([1046, 1239], "亿元")[0] == 0
    assert plots.value_limits([-6.9, 3.0], "%")[0] < -6.9


def test_regions_left_out_are_named_in_the_footnote_with_the_reason(tmp_path):
    rows = metrics([("金华市", 2023, "actual", 6.8), ("金华市", 2024, "actual", 6.3), ("义乌市", 2018, "actual", 7.0),
                    ("东阳市", 2024, "actual", 5.4)])
    chart = saved(plots.years_chart(rows, "gdp_growth", min_years=2), tmp_path)
    footer = chart.footer.get_text()
    assert "未画出：" in footer and "义乌市" in footer and "东阳市" in footer and "仅1年有数据" in footer
    assert chart.omitted.keys() == {"义乌市", "东阳市"}
    plots.close(chart)


def test_an_unknown_metric_id_never_reaches_a_heading(tmp_path):
    rows = metrics([("金华市", 2023, "actual", 6.8, "exact", "%", "imports_exports_growth"),
                    ("金华市", 2024, "actual", 6.3, "exact", "%", "imports_exports_growth")])
    rows["metric"] = "made_up_metric"
    chart = saved(plots.years_chart(rows, "made_up_metric"), tmp_path)
    assert "made_up_metric" not in chart.title and "地区生产总值" in chart.title
    plots.close(chart)


# ---------------------------------------------------------------- rankings and maps


def test_a_city_is_never_ranked_against_its_own_county(tmp_path):
    rows = metrics([("金华市", 2024, "actual", 6.3), ("东阳市", 2024, "actual", 5.4), ("义乌市", 2024, "actual", 6.0)])
    chart = saved(plots.regions_chart(rows, "gdp_growth", 2024), tmp_path)
    ax = chart.figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["东阳市", "义乌市"]  # the bars: peers only
    assert "金华市 6.3%" in texts(chart)  # the parent: a labelled reference line
    assert any(line.get_linestyle() == "--" and line.get_xdata()[0] == 6.3 for line in ax.get_lines())
    plots.close(chart)
    placed = saved(plots.placement_chart(rows, "gdp_growth", 2024), tmp_path, "map")
    assert "金华市" in placed.omitted and "上级" in placed.footer.get_text()
    assert not any(t.startswith("金华市") for t in texts(placed) if t not in placed.footer.get_text())
    plots.close(placed)


def test_circles_for_5_0_and_5_5_percent_look_different(tmp_path):
    areas, words = plots.circle_areas(pd.Series([5.0, 5.5, 5.3]), "%")
    assert areas.iloc[1] / areas.iloc[0] >= 3 and "不从零起算" in words
    level_areas, level_words = plots.circle_areas(pd.Series([100.0, 200.0]), "元")
    assert level_areas.iloc[1] / level_areas.iloc[0] == pytest.approx(2) and "成正比" in level_words
    rows = metrics([(r, 2025, "actual", v) for r, v in (("上海市", 5.4), ("江苏省", 5.3), ("浙江省", 5.5),
                                                        ("福建省", 5.0))])
    chart = saved(plots.placement_chart(rows, "gdp_growth", 2025), tmp_path)
    sizes = sorted(s for ax in chart.figure.axes for c in ax.collections for s in c.get_sizes() if s > 6)
    assert sizes[-1] / sizes[0] >= 3
    plots.close(chart)


def test_regions_without_a_value_in_the_year_are_footnoted(tmp_path):
    rows = metrics([("东阳市", 2024, "actual", 5.4), ("义乌市", 2018, "actual", 7.0), ("武义县", 2020, "actual", 3.7)])
    chart = saved(plots.regions_chart(rows, "gdp_growth", "common"), tmp_path)
    footer = chart.footer.get_text()
    assert "义乌市" in footer and "最近为2018年" in footer and "武义县" in footer
    plots.close(chart)


# ---------------------------------------------------------------- fonts


def test_only_the_shipped_files_of_the_chart_families_are_used(tmp_path):
    from matplotlib import font_manager

    manager = font_manager.fontManager
    impostor = font_manager.FontEntry(fname=str(tmp_path / "NotoSansCJK-Regular.ttc"), name=fonts.CJK_FAMILY,
                                      style="normal", variant="normal", weight=400, stretch="normal", size="scalable")
    manager.ttflist.append(impostor)
    fonts.setup_fonts()
    assert impostor not in manager.ttflist
    found = font_manager.findfont(font_manager.FontProperties(family=fonts.CJK_FAMILY))
    assert found == str(fonts.cjk_font_path())
    latin = font_manager.findfont(font_manager.FontProperties(family=fonts.LATIN_FAMILY))
    assert latin.startswith(str(fonts.matplotlib_fonts_dir()))


def test_no_glyph_is_missing_from_the_new_charts(tmp_path, caplog):
    rows = metrics([("中华人民共和国", 2013, "actual", 7.7), ("中华人民共和国", 2014, "target", 7.5, "about"),
                    ("浙江省", 2025, "actual", 5.5), ("浙江省", 2026, "target", 5.25, "range")])
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        for chart in (plots.years_chart(rows, "gdp_growth"), plots.regions_chart(rows, "gdp_growth", "latest")):
            saved(chart, tmp_path)
            plots.close(chart)
    assert not [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert not [r.getMessage() for r in caplog.records if "Glyph" in r.getMessage()]


def test_values_in_another_unit_are_left_out_and_footnoted(tmp_path):
    rows = metrics([("中华人民共和国", 2013, "actual", 1.2e12, "more_than", "斤", "grain_output"),
                    ("中华人民共和国", 2014, "actual", 6.07e8, "exact", "吨", "grain_output"),
                    ("中华人民共和国", 2015, "target", 5.5e8, "at_least", "吨", "grain_output")])
    chart = saved(plots.years_chart(rows, "grain_output"), tmp_path)
    assert set(chart.rows["unit"]) == {"吨"}
    assert "不含1个以斤计的值" in chart.footer.get_text()
    plots.close(chart)
