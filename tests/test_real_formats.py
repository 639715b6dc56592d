"""The web pages and text files of the shared real corpus (issue 13 acceptance): every one is read, the key facts
of the HTML bulletins are found with metric, stance and value, the 海拉尔 results and targets are read with their
years; and the national and provincial reports read from their source texts (the same gold as their PDFs)."""

from __future__ import annotations

import pytest

from extract.corpus.catalog import load_catalog
from extract.corpus.gold import key_fact_doc, load_key_facts, same_value, score_key_facts
from extract.figures import extract_document
from extract.read import read_document

MIN_RECALL = 0.95


@pytest.fixture(scope="module")
def real(real_corpus):
    return real_corpus


@pytest.fixture(scope="module")
def entries(real):
    return [e for e in load_catalog(real / "catalog.csv") if e.path.suffix in (".html", ".txt")]


@pytest.fixture(scope="module")
def figures_by_doc(entries):
    return {e.doc_id: extract_document(e.path, e.meta()) for e in entries}


def test_every_web_page_and_text_file_is_read(entries):
    assert len(entries) >= 20
    for entry in entries:
        document = read_document(entry.path)
        assert document.format == entry.path.suffix.lstrip("."), entry.file
        body = [b for b in document.blocks if b.kind == "body"]
        assert len(body) >= 5 and len(document.text) > 2000, entry.file
        for furniture in ("关闭窗口", "版权所有", "字号", "ICP"):
            assert furniture not in document.text, (entry.file, furniture)


def test_key_facts_of_the_html_bulletins(real, entries, figures_by_doc):
    facts = [f for f in load_key_facts(real / "gold" / "key_facts.csv")
             if f.doc in {key_fact_doc(e.doc_id) for e in entries}]
    assert len(facts) >= 30
    score = score_key_facts({d: f for d, f in figures_by_doc.items() if d.endswith("stats-bulletin")}, facts)
    misses = [(doc, f.metric, f.value) for doc, f, _ in score.misses]
    assert score.recall >= MIN_RECALL, misses
    assert not score.year_mismatches


def _hailaer(real):
    return load_key_facts(real / "gold" / "key_facts_hailaer.csv")


def test_hailaer_results_and_targets_are_read_with_their_years(real, figures_by_doc):
    """What reading owns: each fact's value, unit and qualifier found with its stance and year (a heading line
    of the text sets its section's year; the targets passage is read as targets)."""
    facts = _hailaer(real)
    found = [f for f in facts if any(same_value(g.value, f.value) and g.unit == f.unit and g.qualifier == f.qualifier
                                     and g.stance == f.stance and g.year == f.year for g in figures_by_doc[f.doc])]
    missed = [(f.doc, f.metric, f.surface) for f in facts if f not in found]
    assert len(found) / len(facts) >= MIN_RECALL, missed


def test_hailaer_key_facts_with_their_metric(real, figures_by_doc):
    facts = _hailaer(real)
    score = score_key_facts(figures_by_doc, facts)
    assert score.recall >= MIN_RECALL and not score.year_mismatches
    averages = [(doc, f, g) for doc, f, g in score.found if "年均" in f.snippet or "五年" in f.snippet]
    assert len(averages) == 6 and all(g.period == "2011-2015" for _d, _f, g in averages)


def test_reports_read_from_their_source_texts(corpus):
    """Generalisation: the national and provincial 政府工作报告 as the web pages' text was saved (page tools
    下载 打印 【字号…】 and 来源/时间 lines included), against the key facts of their PDF renderings."""
    texts = corpus / "text"
    facts = load_key_facts(corpus / "gold" / "key_facts.csv")
    figures = {}
    for entry in load_catalog(corpus / "catalog.csv"):
        doc = key_fact_doc(entry.doc_id)
        path = texts / f"{doc}.txt"
        if path.is_file() and doc not in figures:
            meta = entry.meta()
            meta.doc_id, meta.file = doc, str(path)
            figures[doc] = extract_document(path, meta)
    assert len(figures) >= 8
    score = score_key_facts(figures, facts)
    assert score.recall >= MIN_RECALL, [(d, f.metric, f.surface) for d, f, _ in score.misses]
