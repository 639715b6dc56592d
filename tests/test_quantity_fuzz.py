"""Fuzzing the quantity grammar (issue 6): random mixtures of digits, Chinese numerals, units, qualifiers,
punctuation and noise never make find_quantities raise, and every figure it returns is well formed."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.grammar.quantity import QUALIFIERS, find_quantities, parse_number, rejected_candidates

PIECES = [
    *"0123456789０１２３４５６７８９",
    *"〇零一二两三四五六七八九十百千万亿点",
    ".", "．", ",", "，", "、", "。", "；", "：", "-", "－", "—", "——", "～", "~", "至", "到", "%", "％", "‰",
    "“", "”", "《", "》", "（", "）", "(", ")", "\"", " ", "\u3000", "\n", "\t",
    "元", "美元", "万元", "亿元", "人", "人次", "次", "件", "个", "项", "起", "条", "期", "年", "月", "日",
    "个百分点", "吨", "亩", "公里", "平方米", "千瓦", "千米", "周年", "届", "级", "倍", "岁",
    "余", "多", "近", "约", "超过", "逾", "以上", "以下", "以内", "左右", "不低于", "不超过", "百分之",
    "多万", "余万", "多亿", "亿多万", "万多亿", "万5千", "亿3千",
    "增长", "下降", "减少", "提高", "分别", "了", "达到", "第", "首", "数", "上", "连续", "来", "过去",
    "S", "G", "PM", "x", "A", "中央", "全会", "会议", "产业", "数", "规划", "省", "市", "的",
]

pieces = st.lists(st.sampled_from(PIECES), min_size=0, max_size=40).map("".join)
noise = st.text(min_size=0, max_size=60)
mixed = st.lists(st.one_of(pieces, noise), min_size=1, max_size=4).map("".join)


def _check(text: str) -> None:
    qs = find_quantities(text)
    previous_end = -1
    groups: dict[int, int] = {}
    for q in qs:
        assert 0 <= q.start < q.end <= len(text)
        assert q.text == text[q.start:q.end]
        assert q.start >= previous_end, "figures overlap or are out of order"
        previous_end = q.end
        assert q.qualifier in QUALIFIERS
        assert q.change in ("", "increase", "decrease")
        assert math.isfinite(q.value)
        if q.low is not None and q.high is not None:
            assert q.low <= q.value <= q.high
        if q.qualifier == "range":
            assert q.low is not None and q.high is not None and q.low < q.high
        if q.verb_start is not None:
            assert 0 <= q.verb_start < q.start
        if q.group is not None:
            groups[q.group] = groups.get(q.group, 0) + 1
    assert all(n >= 2 for n in groups.values()), "a list group has a single member"
    for span, reason in rejected_candidates(text):
        assert span in text and reason


@settings(max_examples=600, deadline=None)
@given(mixed)
def test_random_mixtures_never_raise(text: str) -> None:
    _check(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=80).map("".join))
def test_dense_numeral_soup(text: str) -> None:
    _check(text)


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_parse_number_total(s: str) -> None:
    v = parse_number(s)
    assert v is None or math.isfinite(v)


@settings(max_examples=500, deadline=None)
@given(mixed)
def test_early_skip_changes_nothing(text: str) -> None:
    # find_quantities drops hopeless bare Chinese numerals before the rules; the result must be the same
    # as when every candidate goes through the rules.
    from unittest import mock

    from extract.grammar import quantity

    fast = find_quantities(text)
    with mock.patch.object(quantity, "_hopeless", lambda m, t: False):
        assert quantity.find_quantities(text) == fast


@settings(max_examples=300, deadline=None)
@given(mixed)
def test_candidate_lookahead_only_skips_positions_where_nothing_matches(text):
    """_CANDIDATE_RE opens with a lookahead on the first chars a candidate can have (a speed-up): without it the
    pattern finds the same hits, so the set misses no prefix, sign or numeral."""
    import re

    from extract.grammar import quantity

    lookahead = f"(?=[{re.escape(quantity._CANDIDATE_FIRST)}])"
    assert quantity._CANDIDATE_RE.pattern.startswith(lookahead)
    plain = re.compile(quantity._CANDIDATE_RE.pattern[len(lookahead):])
    hits = [(m.span(), m.groupdict()) for m in quantity._CANDIDATE_RE.finditer(text)]
    assert hits == [(m.span(), m.groupdict()) for m in plain.finditer(text)]
