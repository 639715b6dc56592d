"""src/extract/taxonomy.yaml: every contract metric id is there, and every entry is usable."""

from __future__ import annotations

import re

import yaml

from extract.config import TAXONOMY_FILE
from extract.grammar.taxonomy import load_taxonomy

CONTRACT_IDS = {
    "gdp", "gdp_growth", "budget_revenue", "budget_revenue_growth", "urban_income", "urban_income_growth",
    "rural_income", "rural_income_growth", "cpi_growth", "urban_jobs_new", "fixed_investment_growth",
    "retail_sales_growth", "exports", "exports_growth", "npc_sessions", "npc_chair_meetings",
    "npc_work_reports_reviewed", "npc_law_enforcement_inspections", "npc_special_inquiries", "npc_resolutions",
    "npc_appointments", "npc_legislative_research", "npc_deputy_suggestions", "npc_constituents_received",
    "npc_problems_resolved", "npc_disputes_resolved", "npc_liaison_stations",
}
FIELDS = {"id", "names", "keywords", "headline", "exclude", "units", "change"}


def test_every_contract_metric_id_is_in_the_taxonomy():
    ids = {m.id for m in load_taxonomy()}
    assert CONTRACT_IDS <= ids, sorted(CONTRACT_IDS - ids)


def test_entries_are_complete_and_unique():
    entries = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))["metrics"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert FIELDS <= set(entry), entry["id"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", entry["id"])
        assert entry["names"] and entry["keywords"] and entry["units"], entry["id"]
        assert entry["change"] in ("required", "forbidden", "any"), entry["id"]
        # the Chinese name of a metric is found by its own keywords (the file does not contradict itself)
        assert any(re.search(k, n) for k in entry["keywords"] for n in entry["names"]), entry["id"]


def test_growth_metrics_are_rates_and_levels_are_not():
    for metric in load_taxonomy():
        if metric.id.endswith("_growth"):
            assert metric.units == {"%"} and metric.change in ("required", "any"), metric.id
        if metric.id in ("gdp", "budget_revenue", "urban_income", "rural_income", "exports"):
            assert "%" not in metric.units and metric.change == "forbidden", metric.id
