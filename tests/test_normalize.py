from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalize import normalize_char, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("⽇", "日"),  # U+2F47 KANGXI RADICAL SUN
        ("⼈", "人"),  # U+2F08 KANGXI RADICAL MAN
        ("⾦", "金"),  # U+2FA6 KANGXI RADICAL GOLD
        ("⻓", "长"),  # U+2ED3 CJK RADICAL C-SIMPLIFIED LONG (no NFKC mapping; broken cmaps emit it)
        ("⻳", "龟"),  # U+2EF3 (NFKC maps it)
        ("１２３", "123"),
        ("５．５％", "5.5%"),
        ("ＧＤＰ", "GDP"),
        ("ｐｍ", "pm"),
    ],
)
def test_look_alikes_fold_to_ordinary_characters(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "kept", ["，", "：", "（", "）", "；", "！", "？", "、", "。", "“", "”", "—", "…", "㎡", "①", "ﬁ"]
)
def test_chinese_punctuation_and_other_compatibility_chars_are_not_folded(kept: str) -> None:
    # Full NFKC would turn ，into , and ① into 1; the text must keep its own punctuation.
    assert normalize_char(kept) == kept


def test_radical_without_ideograph_equivalent_stays_itself() -> None:
    # U+2E80 CJK RADICAL REPEAT has no NFKC mapping; the function must not drop or expand it.
    assert normalize_char("\u2e80") == "\u2e80"


@given(st.text(min_size=0, max_size=60))
def test_one_char_in_one_char_out(s: str) -> None:
    out = normalize_text(s)
    assert len(out) == len(s)
    for a, b in zip(s, out, strict=True):
        assert len(normalize_char(a)) == 1 or a == b


def test_every_kangxi_radical_becomes_a_cjk_ideograph() -> None:
    for code in range(0x2F00, 0x2FD6):  # assigned Kangxi radicals
        folded = normalize_char(chr(code))
        assert len(folded) == 1
        assert unicodedata.name(folded).startswith("CJK UNIFIED IDEOGRAPH"), hex(code)
