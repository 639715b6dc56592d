"""Labels on the shared real corpus (issue 15 acceptance): key facts with metric, stance, qualifier, value and
year; 平顶山's 2019 budget revenue in metrics.csv; no wrong metric on the checked pages; the share of figures with a
metric; each year's GDP-growth target of 海拉尔 paired with its result. Every document is extracted once."""

from __future__ import annotations

import pytest

from extract.corpus import tables
from extract.corpus.catalog import load_catalog
from extract.corpus.gold import load_key_facts, load_page_gold, score_key_facts, score_pages
from extract.corpus.run import catalog_fields
from extract.corpus.targets import pair_targets
from extract.figures import extract_document
from extract.model import DocumentError

pytestmark = pytest.mark.slow
MIN_RECALL = 0.95
MIN_BULLETIN_SHARE = 0.50  # of the figures of the real 统计公报
MIN_CORPUS_SHARE = 0.30  # of the figures of ../shared/corpus


@pytest.fixture(scope="module")
def real(real_corpus):
    return real_corpus


def _extract_all(catalog) -> tuple[dict, dict]:
    """doc_id -> figures for every document read, and doc_id -> catalog entry."""
    entries = {e.doc_id: e for e in load_catalog(catalog)}
    figures = {}
    for doc_id, entry in entries.items():
        try:
            figures[doc_id] = extract_document(entry.path, entry.meta())
        except DocumentError:
            continue  # a reader's limit (a scan without OCR): the reading tests say so, the labels are judged on the rest
    return figures, entries


@pytest.fixture(scope="module")
def real_figures(real):
    return _extract_all(real / "catalog.csv")


def _figures_table(figures: dict, entries: dict):
    records = [{**catalog_fields(entries[doc], ""), **f.to_dict(), "published": entries[doc].published,
                "covers": entries[doc].covers, "corrected": "", "correction_reason": ""}
               for doc, figs in figures.items() for f in figs]
    return tables.figures_table(records)


def test_key_facts_with_metric_stance_qualifier_value_and_year(real, real_figures):
    figures, _ = real_figures
    facts = load_key_facts(real / "gold" / "key_facts.csv") + load_key_facts(real / "gold" / "key_facts_hailaer.csv")
    score = score_key_facts(figures, facts)
    misses = [(doc, f.metric, f.stance, f.surface) for doc, f, _ in score.misses]
    assert len(score.found) + len(score.misses) >= 200
    assert score.recall >= MIN_RECALL, misses
    assert [(doc, f.metric, f.surface) for doc, f, _ in score.year_mismatches] == []


def test_pingdingshan_budget_revenue_is_the_general_budget_not_the_total(real_figures):
    """收入总计 (with transfers) is 4462704万元; the 2019 一般公共预算收入 is 1713919万元."""
    figures, entries = real_figures
    doc = "pingdingshan_2020_final-accounts"
    metrics = tables.select_metrics(_figures_table({doc: figures[doc]}, entries))
    row = metrics[(metrics["metric"] == "budget_revenue") & (metrics["year"] == 2019) & (metrics["stance"] == "actual")]
    assert row["value"].tolist() == [17_139_190_000.0]
    assert not any(f.metric == "budget_revenue" and f.value == 44_627_040_000.0 for f in figures[doc])


def test_no_wrong_metric_stance_or_year_on_the_checked_pages(real, real_figures):
    figures, _ = real_figures
    problems = []
    for doc, (pages, rows) in load_page_gold(real / "gold" / "pages").items():
        if doc not in figures:
            continue
        score = score_pages(figures[doc], pages, rows)
        problems += [(doc, row.surface, problem) for row, _fig, problem in score.mislabels]
        # a figure the gold leaves without a metric must not carry a contract id that the gold gives elsewhere
        # on those pages (收入总计 is not budget_revenue)
        named = {row.metric for row in rows if row.metric}
        problems += [(doc, row.surface, f"metric {fig.metric}") for row, fig in score.found
                     if not row.metric and fig.metric in named and row.value != fig.value]
    assert problems == []


def test_the_share_of_figures_with_a_metric(real_figures, corpus):
    figures, _ = real_figures
    bulletins = [f for doc, figs in figures.items() if doc.endswith(("stats-bulletin", "stats-bulletin-scanned"))
                 for f in figs]
    assert len(bulletins) > 3000
    assert sum(bool(f.metric) for f in bulletins) / len(bulletins) >= MIN_BULLETIN_SHARE
    shared, _ = _extract_all(corpus / "catalog.csv")
    everything = [f for figs in shared.values() for f in figs]
    assert sum(bool(f.metric) for f in everything) / len(everything) >= MIN_CORPUS_SHARE


def test_hailaer_gdp_growth_targets_are_paired_with_their_results(real, real_figures):
    figures, entries = real_figures
    hailaer = {doc: figs for doc, figs in figures.items() if doc.startswith("hailaer_")}
    targets = pair_targets(_figures_table(hailaer, entries))
    gdp = targets[targets["metric"] == "gdp_growth"]
    assert len(gdp) >= 6
    # the pairs agree with the hand-checked facts: the target in that year's report, the result in the next one's
    facts = load_key_facts(real / "gold" / "key_facts_hailaer.csv")
    target_of = {(f.doc, f.year): f.value for f in facts if f.metric == "gdp_growth" and f.stance == "target"}
    result_of = {(f.doc, f.year): f.value for f in facts if f.metric == "gdp_growth" and f.stance == "actual"}
    for row in gdp.itertuples():
        assert target_of[(row.target_doc_id, row.year)] == row.target_value
        assert result_of[(row.result_doc_id, row.year)] == row.result_value
        assert row.met == ("yes" if row.result_value >= row.target_value - (0.5 if row.target_qualifier == "about"
                                                                              else 1e-9) else "no")
