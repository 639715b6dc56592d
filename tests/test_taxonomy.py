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


MODEL_DOCTYPES = {"npc-report", "npc-review", "gov-report", "stats-bulletin", "budget-report", "final-accounts", "other"}
# Indicators every 统计公报 reports, by the names bulletins print them with: each must get its own metric.
BULLETIN_INDICATORS = [
    ("第一产业增加值", "元", False), ("规模以上工业增加值", "%", True), ("常住人口城镇化率", "%", False),
    ("粮食产量", "吨", False), ("实际使用外资", "美元", False), ("金融机构本外币各项存款余额", "元", False),
    ("旅游总收入", "元", False), ("卫生技术人员", "人", False), ("人口出生率", "‰", False),
    ("单位地区生产总值能耗", "%", True), ("社会消费品零售总额", "元", False), ("进出口总额", "元", False),
    ("快递业务量", "件", False), ("全社会用电量", "千瓦时", False), ("商品房销售面积", "平方米", False),
    ("居民人均消费支出", "元", False), ("普通高校在校生", "人", False), ("博物馆", "个", False),
    ("空气质量优良天数", "天", False), ("一般公共预算支出", "元", False), ("税收收入", "%", True),
    ("政府性基金预算收入", "元", False), ("财政赤字", "元", False),
]


def test_the_taxonomy_covers_the_bulletin_budget_and_congress_measures():
    from extract.grammar.taxonomy import classify_metric

    metrics = load_taxonomy()
    assert len(metrics) >= 120
    found = [classify_metric(name, unit, change, doctype="stats-bulletin") for name, unit, change in BULLETIN_INDICATORS]
    assert all(found), [n for (n, _, _), m in zip(BULLETIN_INDICATORS, found, strict=True) if not m]
    assert len(set(found)) == len(found)  # one id each
    assert sum(m.id.startswith("npc_") for m in metrics) >= 18


def test_every_entry_says_where_it_is_reported():
    entries = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))["metrics"]
    for entry in entries:
        where = entry.get("reported_in") or entry.get("doctypes")
        assert where and set(where) <= MODEL_DOCTYPES, entry["id"]


def test_debt_ids_are_left_to_the_tables_section():
    """debt_limit … new_special_bonds are defined beside the table rules ("Budget and debt tables"), once."""
    ids = [m.id for m in load_taxonomy()]
    for debt in ("debt_limit", "debt_balance", "general_debt_balance", "special_debt_balance", "new_special_bonds"):
        assert ids.count(debt) <= 1


def test_subject_keys_fold_scope_marks_and_synonyms():
    from extract.grammar.taxonomy import metric_key, subject_key

    assert subject_key("全市规上工业企业营收[3]", "嘉兴市") == "规模以上工业企业营收"
    assert subject_key("年末嘉兴市户籍人口（公安口径）", "嘉兴市") == "户籍人口"
    assert subject_key("全县“共富工坊”", "武义县") == "共富工坊"
    assert subject_key("任何字样", "嘉兴市", "gdp_growth") == subject_key("", "", "gdp") == "地区生产总值"
    assert metric_key("energy_intensity_growth") == "单位地区生产总值能耗"
    assert metric_key("unknown_id") == "unknown_id"
