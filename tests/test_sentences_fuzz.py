"""Fuzzing the sentence splitter and the whole text-to-figures path (issue 6): random mixtures of digits,
Chinese numerals, units, punctuation, headings and noise never raise, sentence spans are well formed, and
every figure's text stands in its sentence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_quantity_fuzz import PIECES

from extract.figures import find_figures
from extract.grammar.sentences import split_sentences
from extract.model import DocMeta
from extract.read.layout import document_from_text

HEADS = ["一、2025年工作回顾\n", "（二）主要预期目标\n", "五年来，", "今年经济社会发展的主要预期目标是：", "“十四五”期间，",
         "——", "一是", "2024年，", "全市", "城镇、农村居民人均可支配收入", "地区生产总值", "常委会会议"]
pieces = st.lists(st.sampled_from(PIECES + HEADS), min_size=0, max_size=50).map("".join)
noise = st.text(min_size=0, max_size=60)
mixed = st.lists(st.one_of(pieces, noise), min_size=1, max_size=5).map("".join)
metas = st.sampled_from([
    DocMeta(doc_id="fuzz", region="某县", published=2026, covers="2025", doctype="gov-report"),
    DocMeta(doc_id="fuzz", region="某县", published=2021, covers="2017-2021", doctype="npc-review"),
    DocMeta(doc_id="fuzz"),
])


@settings(max_examples=500, deadline=None)
@given(mixed)
def test_sentence_spans_are_in_range_ordered_and_disjoint(text: str) -> None:
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        previous_end = end


@settings(max_examples=500, deadline=None)
@given(mixed, metas)
def test_every_figure_text_stands_in_its_sentence(text: str, meta: DocMeta) -> None:
    document = document_from_text(text)
    for figure in find_figures(document, meta):
        assert figure.text and figure.text in figure.sentence
        assert figure.stance in ("actual", "target")
        assert figure.value is not None
