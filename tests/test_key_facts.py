"""Every catalogued document of the shared corpus against gold/key_facts.csv (issue 2 acceptance).

Each PDF is extracted once for the module. A fact counts as found when some figure of the rendering has
its metric, stance, qualifier and value; the year is checked separately.
"""

from __future__ import annotations

import pytest

from extract.corpus.catalog import load_catalog
from extract.corpus.gold import key_fact_doc, load_key_facts, score_key_facts
from extract.figures import extract_document

MIN_RECALL = 0.95
MIN_YEAR_AGREEMENT = 0.95


@pytest.fixture(scope="module")
def facts(corpus):
    return load_key_facts(corpus / "gold" / "key_facts.csv")


@pytest.fixture(scope="module")
def figures_by_doc(corpus, facts):
    """Figures of every catalogued rendering that has key facts, each PDF read once."""
    wanted = {f.doc for f in facts}
    return {e.doc_id: extract_document(e.path, e.meta()) for e in load_catalog(corpus / "catalog.csv")
            if key_fact_doc(e.doc_id) in wanted}


def test_every_key_fact_document_is_catalogued(facts, figures_by_doc):
    assert {f.doc for f in facts} <= {key_fact_doc(d) for d in figures_by_doc}


def test_key_facts_recall(facts, figures_by_doc):
    score = score_key_facts(figures_by_doc, facts)
    misses = [(doc, f.metric, f.stance, f.surface) for doc, f, _ in score.misses]
    assert score.recall >= MIN_RECALL, misses


def test_key_facts_carry_their_year(facts, figures_by_doc):
    score = score_key_facts(figures_by_doc, facts)
    wrong = [(doc, f.metric, f.surface, fig.year, f.year) for doc, f, fig in score.year_mismatches]
    assert 1 - len(wrong) / max(1, len(score.found)) >= MIN_YEAR_AGREEMENT, wrong


@pytest.mark.parametrize("metric", ["gdp_growth", "cpi_growth", "urban_jobs_new"])
def test_each_report_states_its_headline_targets(facts, figures_by_doc, metric):
    """The coming year's targets are labelled target with the report's year (published), never actual."""
    for doc_id, figs in figures_by_doc.items():
        doc_facts = [f for f in facts if f.doc == key_fact_doc(doc_id) and f.metric == metric and f.stance == "target"]
        for fact in doc_facts:
            years = {g.year for g in figs if g.metric == metric and g.stance == "target" and g.value == fact.value}
            assert fact.year in years, (doc_id, fact.surface, years)
