"""Notebook parameters are data: read without eval, wrong types fail in one line, unknown names get
close matches."""

from __future__ import annotations

import pandas as pd
import pytest

from extract.charts import params, processed
from extract.charts.params import ParameterError


def one_line(err: pytest.ExceptionInfo) -> str:
    message = str(err.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("given", "expected"), [
    (["gdp_growth"], ["gdp_growth"]),
    ('["gdp_growth", "gdp"]', ["gdp_growth", "gdp"]),  # what `papermill -p metrics '[...]'` passes
    ("gdp_growth, gdp", ["gdp_growth", "gdp"]),
    ("金华市、义乌市", ["金华市", "义乌市"]),
    ("", []),
    (None, []),
    ([], []),
])
def test_list_parameters_accept_lists_json_and_commas(given, expected):
    assert params.as_list("metrics", given) == expected


@pytest.mark.parametrize("given", [{"a": 1}, True, [["nested"]], [None]])
def test_list_parameter_of_wrong_type_fails_in_one_line(given):
    with pytest.raises(ParameterError) as err:
        params.as_list("metrics", given)
    assert one_line(err).startswith("parameter metrics: expected")


def test_code_in_a_parameter_is_never_run(tmp_path):
    target = tmp_path / "pwned"
    hostile = f'[__import__("pathlib").Path("{target}").touch()]'
    try:
        values = params.as_list("metrics", hostile)
    except ParameterError:
        values = None
    assert not target.exists()
    assert values is None or all(isinstance(v, str) for v in values)


def test_years_and_ranges():
    assert params.as_year("year", 2024) == 2024
    assert params.as_year("year", "2024") == 2024
    assert params.as_year("year", "latest") == "latest"
    assert params.as_year_range("years", "2015-2024") == [2015, 2024]
    assert params.as_year_range("years", "[2015, 2024]") == [2015, 2024]
    for bad in ("soon", 3.5, True, [2024]):
        with pytest.raises(ParameterError) as err:
            params.as_year("year", bad)
        assert "expected a year like 2024" in one_line(err)
    with pytest.raises(ParameterError) as err:
        params.as_year_range("years", [2024, 2015])
    assert "after last year" in one_line(err)


def test_unknown_names_list_close_matches():
    with pytest.raises(ParameterError) as err:
        params.check_known("metrics", ["gdp_grwth"], ["gdp", "gdp_growth", "cpi_growth"], "metric")
    message = one_line(err)
    assert "unknown metric 'gdp_grwth'" in message
    assert "did you mean gdp_growth" in message


def test_regions_resolve_names_and_adcodes():
    table = pd.DataFrame({"region": ["金华市", "义乌市"], "adcode": ["330700", "330782"]})
    assert params.resolve_regions("regions", ["330782", "金华市"], table) == ["义乌市", "金华市"]
    with pytest.raises(ParameterError) as err:
        params.resolve_regions("regions", ["金华"], table)
    assert "did you mean 金华市" in one_line(err)


@pytest.mark.parametrize("name", ["../evil", "a/b", ".hidden", ""])
def test_chart_names_cannot_steer_writes(name):
    with pytest.raises(ParameterError):
        params.chart_name("name", name)


def test_stance_choice():
    assert params.as_choice("stance", "target", params.STANCES) == "target"
    with pytest.raises(ParameterError) as err:
        params.as_choice("stance", "actuall", params.STANCES)
    assert "did you mean actual" in one_line(err)


def test_children_of_parent_by_adcode_prefix():
    table = pd.DataFrame({"adcode": ["330700", "330782", "330723", "330281", "330000"]})
    inside = processed.children_of(table, "330700")
    assert list(inside) == [False, True, True, False, False]
    assert list(processed.children_of(table, "330000")) == [True, True, True, True, False]


def test_missing_processed_folder_is_one_line(tmp_path):
    with pytest.raises(ParameterError) as err:
        params.years_params(processed=str(tmp_path / "nope"), figures=str(tmp_path / "figs"))
    assert "does not exist" in one_line(err)


def test_subject_keys_and_targets_parameters(demo_processed, tmp_path):
    figures = processed.load_figures(demo_processed)
    key = processed.shared_subject_keys(figures).iloc[0]["key"]
    p = params.years_params(processed=str(demo_processed), figures=str(tmp_path), subject_keys=[key])
    assert p.subject_keys == [key] and p.metrics and all(m.startswith(key) for m in p.metrics)
    assert set(p.metrics) <= set(p.metrics_table["metric"])
    p = params.regions_params(processed=str(demo_processed), figures=str(tmp_path), subject_keys=key)
    assert p.metric == "" and p.key_series
    with pytest.raises(ParameterError) as err:
        params.years_params(processed=str(demo_processed), figures=str(tmp_path), subject_keys=["不存在的主题"])
    assert "unknown subject key" in one_line(err)
    t = params.targets_params(processed=str(demo_processed), figures=str(tmp_path), metrics=["gdp_growth"])
    assert list(t.targets_table.columns)[:5] == ["region", "adcode", "admin_level", "metric", "year"]
    with pytest.raises(ParameterError) as err:
        params.targets_params(processed=str(demo_processed), figures=str(tmp_path), metrics=["gdp_grwth"])
    assert "did you mean gdp_growth" in one_line(err)
