"""extract.grammar.sentences.split_sentences: sentence spans for labelling figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.grammar.sentences import sentence_at, split_sentences


def texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


CASES = [
    # (input, expected sentences)
    ("全省生产总值增长5.5%。一般公共预算收入增长1.8%。", ["全省生产总值增长5.5%。", "一般公共预算收入增长1.8%。"]),
    ("城镇新增就业50万人；居民消费价格涨幅2%左右；", ["城镇新增就业50万人；", "居民消费价格涨幅2%左右；"]),
    ("真的吗？是的！好。", ["真的吗？", "是的！", "好。"]),
    # decimals and ASCII dots never end a sentence
    ("增长5.5%，达到3.5亿元", ["增长5.5%，达到3.5亿元"]),
    # terminators inside quotes or brackets do not split
    ("他说：“今年要干好。明年更好。”然后散会。", ["他说：“今年要干好。明年更好。”然后散会。"]),
    ("出台《办法（试行。修订）》等制度7项。", ["出台《办法（试行。修订）》等制度7项。"]),
    # a bracketed sentence stays inside its sentence; a quote closed before 。 ends with it
    ("（完成目标。）下一句。", ["（完成目标。）下一句。"]),
    ("目标是“增长5%”。下一句。", ["目标是“增长5%”。", "下一句。"]),
    # line ends of list items
    ("主要目标是：\n1. 增长5%左右\n2. 新增就业8万人", ["主要目标是：", "1. 增长5%左右", "2. 新增就业8万人"]),
    # whitespace trimmed, empty pieces dropped
    ("  第一句。  \n\n 第二句 ", ["第一句。", "第二句"]),
    ("", []),
    # a stray opening quote does not glue the whole paragraph together
    ("“标题。" + "后文很长。" * 60, ["“标题。"] + ["后文很长。"] * 60),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text, expected):
    assert texts(text) == expected


def test_sentence_at_finds_the_span_of_an_offset():
    text = "第一句。第二句有15次。"
    spans = split_sentences(text)
    assert sentence_at(spans, text.index("15")) == 1
    assert sentence_at(spans, 0) == 0


@given(st.text(alphabet="。；！？“”（）《》\n 0123456789.%增长人次，、", max_size=80))
def test_spans_are_ordered_disjoint_and_cover_all_content(text):
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(text.split()) == "".join(covered.split())
