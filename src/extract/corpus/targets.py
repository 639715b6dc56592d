"""processed/targets.csv: did they reach the target? Each year's target paired with that year's result.

    targets = pair_targets(figures_table)   # tables.TARGETS_COLUMNS, one row per (region, metric, year)

Which figures (the metrics.csv rule, extract.corpus.tables): per region, metric and year (yearly periods only:
a five-year plan's target is not one year's), the best-ranked ``target`` (that year's 政府工作报告 or budget
report first) and the best-ranked ``actual`` (that year's bulletin, the next year's report …). A key with only one
of them gives no row. Both must be in the same unit, else ``met`` is ``unclear``.

Whether it was met (``met`` and ``margin``), decided by the target's qualifier and the metric's direction
(taxonomy ``better``: ``higher`` for growth, income, jobs; ``lower`` for prices, unemployment, energy intensity,
deficits, emissions, accidents):

  qualifier             met = yes when the result …                                margin = result −
  about (左右, 约)       lies within the tolerance of the target, or beyond it on      the target
                        the better side; no when it falls short by more
  exact                 reaches the target (higher: ≥, lower: ≤), within the tolerance  the target
                        of rounding
  at_least, more_than   is at or above the low bound (> for more_than)                 the low bound
  at_most               is at or below the high bound                                  the high bound
  range                 reaches the bound on the better side (low for higher, high     that bound
                        for lower)

The tolerance is 0.5 for rates (%, 个百分点, ‰: ``5%左右`` is met from 4.5%) and 5% of the target for levels
(``约100亿元`` is met from 95亿元) — ``about`` only; an ``exact`` rate target allows 0.05 points (the rounding of one
decimal: 5.96% printed 6.0%). ``rule`` says which row of this table decided.
"""

from __future__ import annotations

import math

import pandas as pd

from extract.corpus.tables import TARGETS_COLUMNS, ranked_candidates, targets_table
from extract.grammar.taxonomy import metric_direction

RATE_UNITS = frozenset({"%", "个百分点", "‰", "百分点"})
ABOUT_RATE_TOLERANCE = 0.5  # percentage points
ABOUT_LEVEL_TOLERANCE = 0.05  # share of the target
EXACT_RELATIVE_TOLERANCE = 1e-9


def _locator(row: pd.Series) -> str:
    locator = str(row.get("locator") or "")
    if locator:
        return locator
    page = row.get("page")
    return f"p{int(page)}" if page is not None and not pd.isna(page) else ""


def _float(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return float(value)


def judge(qualifier: str, value: float, low: float | None, high: float | None, result: float, unit: str,
          better: str = "higher") -> tuple[str, float | None, str]:
    """(met, margin, rule) of a result against one target (the table of the module docstring)."""
    higher = better != "lower"
    rate = unit in RATE_UNITS
    if qualifier == "about":
        tolerance = ABOUT_RATE_TOLERANCE if rate else abs(value) * ABOUT_LEVEL_TOLERANCE
        margin = result - value
        short = -margin if higher else margin
        return ("no" if short > tolerance + 1e-9 else "yes"), margin, f"about: within {tolerance:g} or better"
    if qualifier == "exact":
        margin = result - value
        slack = 0.05 if rate else abs(value) * EXACT_RELATIVE_TOLERANCE
        ok = margin >= -slack if higher else margin <= slack
        return ("yes" if ok else "no"), margin, "exact: reached"
    if qualifier in ("at_least", "more_than"):
        bound = low if low is not None else value
        margin = result - bound
        ok = margin > 0 if qualifier == "more_than" else margin >= -1e-9
        return ("yes" if ok else "no"), margin, f"{qualifier}: above the low bound"
    if qualifier == "at_most":
        bound = high if high is not None else value
        margin = result - bound
        return ("yes" if margin <= 1e-9 else "no"), margin, "at_most: below the high bound"
    if qualifier == "range":
        bound = (low if higher else high)
        if bound is None:
            return "unclear", None, "range without bounds"
        margin = result - bound
        ok = margin >= -1e-9 if higher else margin <= 1e-9
        return ("yes" if ok else "no"), margin, f"range: {'low' if higher else 'high'} bound reached"
    return "unclear", None, f"unknown qualifier {qualifier}"


def pair_targets(figures: pd.DataFrame) -> pd.DataFrame:
    """targets.csv from the figures table (after corrections): one row per (region, metric, year) with both a
    target and a result."""
    ranked = ranked_candidates(figures)
    if ranked.empty:
        return targets_table([])
    yearly = ranked[ranked["period"].astype(str) == ranked["year"].astype("Int64").astype(str)]
    key = ["region", "adcode", "admin_level", "metric", "year"]
    best = yearly.groupby(key + ["stance"], sort=True, dropna=False).head(1)
    targets = best[best["stance"] == "target"].set_index(key)
    results = best[best["stance"] == "actual"].set_index(key)
    records = []
    for index in targets.index.intersection(results.index):
        target, result = targets.loc[index], results.loc[index]
        region, adcode, admin_level, metric, year = index
        value, result_value = float(target["value"]), float(result["value"])
        if target["unit"] != result["unit"]:
            met, margin, rule = "unclear", None, f"units differ ({target['unit']} vs {result['unit']})"
        else:
            met, margin, rule = judge(str(target["qualifier"]), value, _float(target["low"]), _float(target["high"]),
                                      result_value, str(target["unit"]), metric_direction(str(metric)))
        records.append({
            "region": region, "adcode": adcode, "admin_level": admin_level, "metric": metric, "year": year,
            "unit": target["unit"], "target_value": value, "target_low": _float(target["low"]),
            "target_high": _float(target["high"]), "target_qualifier": target["qualifier"],
            "target_text": target["text"], "target_doc_id": target["doc_id"], "target_locator": _locator(target),
            "result_value": result_value, "result_text": result["text"], "result_doc_id": result["doc_id"],
            "result_locator": _locator(result), "met": met, "margin": margin, "rule": rule,
        })
    records.sort(key=lambda r: (str(r["adcode"]), str(r["metric"]), int(r["year"])))
    return targets_table(records)


__all__ = ["TARGETS_COLUMNS", "judge", "pair_targets"]
