"""The taxonomy's literal prefilter (grammar.taxonomy.required_chars) never changes a classification: a pattern is
skipped only for a text that lacks a character every one of its matches contains."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given
from hypothesis import strategies as st

from extract.grammar.taxonomy import LazyPattern, classify_metric, load_taxonomy, required_chars

PATTERNS = sorted({p.pattern for m in load_taxonomy() for p in [*m.keywords, *m.exclude]})


def test_every_match_of_every_taxonomy_pattern_holds_its_required_characters():
    for metric in load_taxonomy():
        for pattern in metric.keywords:
            for name in metric.names:
                found = re.search(pattern.pattern, name)
                if found:
                    assert all(ch in found.group() for ch in pattern.required), (pattern.pattern, name)


@given(st.sampled_from(PATTERNS), st.text(alphabet="原煤产量存款余额增长全市地区生产总值%的其中12", max_size=12))
def test_a_pattern_matches_only_texts_with_its_required_characters(pattern, text):
    if re.search(pattern, text):
        assert all(ch in text for ch in required_chars(pattern))


def test_classifications_are_the_same_without_the_prefilter():
    plain = tuple(dataclasses.replace(m, keywords=[LazyPattern(p.pattern) for p in m.keywords],
                                      exclude=[LazyPattern(p.pattern) for p in m.exclude]) for m in load_taxonomy())
    subjects = [name for m in load_taxonomy() for name in m.names] + ["全市地区生产总值", "其中：城镇常住人口",
                                                                     "规模以上工业原煤产量", "全年一般公共预算收入"]
    for subject in subjects:
        for unit, change in (("元", False), ("%", True), ("%", False), ("人", False), ("吨", False)):
            assert classify_metric(subject, unit, change, "", "stats-bulletin") == \
                classify_metric(subject, unit, change, "", "stats-bulletin", taxonomy=plain), (subject, unit)
