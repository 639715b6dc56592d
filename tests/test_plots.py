"""Charts: Chinese renders with no missing glyph, qualifiers and units shown, outputs are PNG + SVG + the
CSV of exactly the plotted rows. Data come from the real pipeline run on the demo corpus."""

from __future__ import annotations

import csv
import logging
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from extract.charts import plots, processed


@pytest.fixture(scope="module")
def metrics(demo_processed) -> pd.DataFrame:
    table = processed.load_metrics(demo_processed)
    assert not table.empty
    return table


def with_qualifiers(table: pd.DataFrame) -> pd.DataFrame:
    """The demo table plus copies of its first percent row as a range, an at-least and a decline, so
    every way of drawing a value is exercised (the demo states few such figures)."""
    base = table[table["unit"] == "%"].iloc[0].copy()
    extra = []
    for i, (qualifier, value, low, high) in enumerate([("range", 6.75, 6.5, 7.0), ("at_least", 5.0, 5.0, None),
                                                        ("exact", -6.9, -6.9, -6.9)]):
        row = base.copy()
        row.update({"region": f"测试地区{i}", "adcode": "330783", "qualifier": qualifier, "value": value,
                    "low": low, "high": high})
        extra.append(row)
    return pd.concat([table, pd.DataFrame(extra)], ignore_index=True)


def draw_everything(table: pd.DataFrame, figures: pd.DataFrame, out) -> list[plots.Chart]:
    charts = []
    # One metric per unit (%, 元, 次, 人 ...): every label, scale and Chinese unit gets drawn.
    for metric in table.dropna(subset=["metric"]).drop_duplicates("unit")["metric"]:
        charts.append(plots.years_chart(table, metric))
        charts.append(plots.regions_chart(table, metric, "latest", stance="both"))
    percent_metric = table[table["unit"] == "%"]["metric"].iloc[0]
    charts.append(plots.placement_chart(table, percent_metric))
    charts.append(plots.figure_table_chart(figures, figures["doc_id"].iloc[0]))
    for i, chart in enumerate(charts):
        plots.save_chart(chart, out, f"chart{i}")  # rendering to PNG and SVG is what reveals missing glyphs
    return charts


def glyph_problems(records, caught) -> list[str]:
    texts = [str(w.message) for w in caught] + [r.getMessage() for r in records]
    return [t for t in texts if "Glyph" in t or "missing from" in t]


def test_every_chart_type_renders_chinese_without_missing_glyphs(metrics, demo_processed, tmp_path, caplog):
    table = with_qualifiers(metrics)
    figures = processed.load_figures(demo_processed)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        charts = draw_everything(table, figures, tmp_path)
    assert len(charts) >= 5
    assert glyph_problems(caplog.records, caught) == []
    for chart in charts:
        plots.close(chart)


def test_the_glyph_check_can_fail_without_the_cjk_font(tmp_path, caplog):
    # Guard for the test above: with a Latin-only font the same capture does see missing glyphs.
    plots.setup_fonts()
    with plt.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings(record=True) as caught, \
            caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        fig = plt.figure()
        fig.text(0.1, 0.5, "地区生产总值")
        fig.savefig(tmp_path / "latin.png")
        plt.close(fig)
    assert glyph_problems(caplog.records, caught)


def test_outputs_are_png_svg_and_csv_of_exactly_the_plotted_rows(metrics, tmp_path):
    metric = metrics.groupby("metric")["year"].nunique().idxmax()
    chart = plots.years_chart(metrics, metric)
    paths = plots.save_chart(chart, tmp_path, "years_test")
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths["svg"].read_bytes()[:2000]
    with open(paths["csv"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = metrics[(metrics["metric"] == metric) & ~metrics["period"].map(plots.is_span)]
    assert len(rows) == len(expected)
    assert {"doc_id", "page", "text", "value", "unit", "qualifier"} <= set(rows[0])
    assert sorted(r["doc_id"] for r in rows) == sorted(expected["doc_id"])
    # Data stay in base units: the CSV value is the table's value whatever the axis shows.
    assert sorted(float(r["value"]) for r in rows) == sorted(expected["value"])
    plots.close(chart)


def test_five_year_totals_are_not_mixed_with_years(metrics):
    spans = metrics[metrics["period"].map(plots.is_span)]
    if spans.empty:
        pytest.skip("the demo run produced no five-year totals")
    metric = spans["metric"].iloc[0]
    chart = plots.years_chart(metrics, metric)
    assert not chart.rows["period"].map(plots.is_span).any()
    assert chart.notes and "多年合计" in chart.notes[0]
    plots.close(chart)


def test_units_are_scaled_for_reading_only():
    assert plots.unit_scale("元", [6.0112e11]) == (1e8, "亿元")
    assert plots.unit_scale("元", [66081]) == (1.0, "元")
    assert plots.unit_scale("人", [23560]) == (1e4, "万人")
    assert plots.unit_scale("%", [6.8]) == (1.0, "%")


def test_qualifiers_are_visible_in_labels():
    assert plots.value_label({"qualifier": "about", "value": 6.0}, unit="%") == "≈6%"
    assert plots.value_label({"qualifier": "at_least", "value": 5.0}, unit="%") == "≥5%"
    assert plots.value_label({"qualifier": "range", "value": 6.75, "low": 6.5, "high": 7.0}, unit="%") == "6.5–7%"
    assert plots.value_label({"qualifier": "exact", "value": 6.011e11}, 1e8, "亿元") == "6011"


def test_source_line_names_documents_and_pages(metrics, demo_processed):
    names = processed.document_names(demo_processed)
    rows = metrics.head(3)
    line = plots.source_line(rows, names)
    assert line.startswith("来源：")
    for doc in rows["doc_id"]:
        assert names[doc] in line
    assert "第1页" in line or "第2页" in line


def test_chart_csv_neutralises_formula_text(tmp_path):
    rows = pd.DataFrame({"region": ["金华市"], "value": [-6.9], "text": ["=HYPERLINK(\"http://x\")"],
                         "doc_id": ["@SUM(A1)"], "page": [1]})
    path = tmp_path / "rows.csv"
    plots.write_rows_csv(rows, path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        record = next(csv.DictReader(fh))
    assert record["text"].startswith("'=")
    assert record["doc_id"].startswith("'@")
    assert record["value"] == "-6.9"  # numbers stay numbers


def test_coordinates_come_from_the_gazetteer(metrics):
    coords = plots.coordinates(metrics["adcode"].dropna().unique())
    assert coords
    for lon, lat in coords.values():
        assert 118 < lon < 123 and 27 < lat < 32  # every demo region lies in Zhejiang


def _targets_table() -> pd.DataFrame:
    rows = []
    cases = [(2016, 7.0, "exact", 6.8, "no"), (2017, 7.0, "about", 6.8, "yes"), (2018, 6.5, "at_least", 6.9, "yes"),
             (2019, 6.25, "range", 6.0, "no")]
    for region, adcode in (("义乌市", "330782"), ("东阳市", "330783")):
        for year, value, qualifier, result, met in cases:
            low = {"range": 6.0, "at_least": value}.get(qualifier, value)
            high = {"range": 6.5, "at_least": None}.get(qualifier, value)
            rows.append({"region": region, "adcode": adcode, "admin_level": "county", "metric": "gdp_growth",
                         "year": year, "unit": "%", "target_value": value, "target_low": low, "target_high": high,
                         "target_qualifier": qualifier, "target_text": f"{value}%", "target_doc_id": f"r{year}",
                         "target_locator": "p2", "result_value": result, "result_text": f"{result}%",
                         "result_doc_id": f"b{year}", "result_locator": "para 3", "met": met, "margin": result - value,
                         "rule": "test"})
    return pd.DataFrame(rows)


def test_targets_chart_draws_bands_results_and_counts_the_years_met(tmp_path, caplog):
    table = _targets_table()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        chart = plots.targets_chart(table, "gdp_growth", regions=["义乌市"])
        paths = plots.save_chart(chart, tmp_path, "targets_test")
    assert glyph_problems(caplog.records, caught) == []
    assert chart.title == "义乌市地区生产总值增速：4个年度目标中2个达到"
    assert len(chart.rows) == 4 and set(chart.rows["region"]) == {"义乌市"}
    assert paths["csv"].is_file() and paths["png"].read_bytes()[:4] == b"\x89PNG"
    plots.close(chart)
    both = plots.targets_chart(table, "gdp_growth")  # one panel per region
    assert len(both.figure.axes) == 2 and "2个地区" in both.title
    plots.close(both)
    with pytest.raises(ValueError, match="no year has both"):
        plots.targets_chart(table, "cpi_growth")


def test_subject_keys_are_compared_like_metrics(demo_processed):
    figures = processed.load_figures(demo_processed)
    shared = processed.shared_subject_keys(figures, min_regions=2)
    assert list(shared.columns) == ["key", "unit", "regions", "years", "figures", "classified", "examples"]
    assert not shared.empty and ((shared["regions"] >= 2) | (shared["years"] >= 2)).all()
    key, unit = shared.iloc[0]["key"], shared.iloc[0]["unit"]
    table = processed.subject_key_table(figures, [key])
    assert set(table["metric"]) >= {processed.key_metric(key, unit)}
    assert set(table["region"]) == set(figures[figures["subject_key"] == key]["region"])
    chart = plots.regions_chart(table, processed.key_metric(key, unit), "latest", stance="both")
    assert chart.rows["value"].notna().all()
    plots.close(chart)
