"""extract.corpus.targets: each year's target paired with that year's result, met decided by the qualifier."""

from __future__ import annotations

import pytest

from extract.corpus import tables
from extract.corpus.targets import judge, pair_targets
from extract.model import Figure

# (qualifier, target value, low, high, result, unit, better) -> (met, margin)
JUDGE_CASES = [
    ("about", 5.0, 5.0, 5.0, 4.6, "%", "higher", ("yes", -0.4)),  # 5%左右: within 0.5 points
    ("about", 5.0, 5.0, 5.0, 4.4, "%", "higher", ("no", -0.6)),
    ("about", 5.0, 5.0, 5.0, 6.3, "%", "higher", ("yes", 1.3)),  # beyond on the better side
    ("about", 3.0, 3.0, 3.0, 3.4, "%", "lower", ("yes", 0.4)),  # 居民消费价格涨幅3%左右
    ("about", 3.0, 3.0, 3.0, 3.6, "%", "lower", ("no", 0.6)),
    ("about", 100e8, 100e8, 100e8, 96e8, "元", "higher", ("yes", -4e8)),  # a level: within 5%
    ("about", 100e8, 100e8, 100e8, 94e8, "元", "higher", ("no", -6e8)),
    ("exact", 6.0, 6.0, 6.0, 6.0, "%", "higher", ("yes", 0.0)),
    ("exact", 6.0, 6.0, 6.0, 5.9, "%", "higher", ("no", -0.1)),
    ("at_least", 26e4, 26e4, None, 28.1e4, "人", "higher", ("yes", 2.1e4)),  # 不少于26万人
    ("at_least", 26e4, 26e4, None, 25e4, "人", "higher", ("no", -1e4)),
    ("more_than", 5.0, 5.0, None, 5.0, "%", "higher", ("no", 0.0)),
    ("at_most", 4.5, None, 4.5, 4.2, "%", "lower", ("yes", -0.3)),  # 控制在4.5%以内
    ("at_most", 4.5, None, 4.5, 4.7, "%", "lower", ("no", 0.2)),
    ("range", 6.75, 6.5, 7.0, 6.6, "%", "higher", ("yes", 0.1)),  # 6.5%-7%: the low bound reached
    ("range", 6.75, 6.5, 7.0, 6.4, "%", "higher", ("no", -0.1)),
]


@pytest.mark.parametrize(("qualifier", "value", "low", "high", "result", "unit", "better", "expected"), JUDGE_CASES)
def test_met_by_the_targets_qualifier(qualifier, value, low, high, result, unit, better, expected):
    met, margin, rule = judge(qualifier, value, low, high, result, unit, better)
    assert (met, round(margin, 6)) == (expected[0], round(expected[1], 6)) and rule


def _figure(doc_id: str, doctype: str, covers: str, published: int, metric: str, stance: str, year: int,
            value: float, unit: str = "%", qualifier: str = "exact", low=None, high=None, page: int = 1, **kw) -> dict:
    fig = Figure(doc_id=doc_id, region="丽水市", adcode="331100", admin_level="city", doc_region="丽水市",
                 doc_adcode="331100", doctype=doctype, year=year, period=str(year), stance=stance, metric=metric,
                 subject=metric, value=value, low=value if low is None and qualifier in ("exact", "about") else low,
                 high=value if high is None and qualifier in ("exact", "about") else high, unit=unit, qualifier=qualifier,
                 text=f"{value:g}{unit}", sentence="", page=page, locator=f"p{page}", **kw)
    return {**fig.to_dict(), "published": published, "covers": covers, "corrected": "", "correction_reason": ""}


def test_targets_are_paired_with_the_results_of_their_year():
    rows = [
        # 2024 report: 2023 result, 2024 target; 2025 report: 2024 result, 2025 target; bulletin for 2024
        _figure("r2024", "gov-report", "2023", 2024, "gdp_growth", "actual", 2023, 6.1),
        _figure("r2024", "gov-report", "2023", 2024, "gdp_growth", "target", 2024, 6.0, qualifier="about", page=9),
        _figure("r2025", "gov-report", "2024", 2025, "gdp_growth", "actual", 2024, 5.6),
        _figure("r2025", "gov-report", "2024", 2025, "gdp_growth", "target", 2025, 5.5, qualifier="about", page=9),
        _figure("b2024", "stats-bulletin", "2024", 2025, "gdp_growth", "actual", 2024, 5.4),
        # a five-year average is not paired with a year's target
        _figure("r2025", "gov-report", "2024", 2025, "gdp_growth", "actual", 2024, 7.0, page=2) | {"period": "2020-2024"},
        # a level target without its result gives no row
        _figure("r2025", "gov-report", "2024", 2025, "urban_jobs_new", "target", 2025, 3e4, unit="人"),
    ]
    targets = pair_targets(tables.figures_table(rows))
    assert list(targets.columns) == tables.TARGETS_COLUMNS
    got = [(r.metric, r.year, r.target_value, r.target_doc_id, r.result_value, r.result_doc_id, r.met, r.target_locator)
           for r in targets.itertuples()]
    # 2024: the bulletin's result wins over the next report's (metrics.csv's rule), 5.4 against 6%左右: short by 0.6
    assert got == [("gdp_growth", 2024, 6.0, "r2024", 5.4, "b2024", "no", "p9")]
    assert targets["margin"].round(6).tolist() == [-0.6]


def test_units_that_differ_are_unclear():
    rows = [_figure("r2024", "gov-report", "2023", 2024, "grain_output", "target", 2024, 1e6, unit="吨"),
            _figure("b2024", "stats-bulletin", "2024", 2025, "grain_output", "actual", 2024, 2e9, unit="斤")]
    (row,) = pair_targets(tables.figures_table(rows)).itertuples()
    assert row.met == "unclear" and "units differ" in row.rule


def test_no_figures_no_targets():
    assert pair_targets(tables.figures_table([])).empty
