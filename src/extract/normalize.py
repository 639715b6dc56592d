"""Character normalisation that keeps one character per character, so boxes stay aligned with text.

PDFs of Chinese government documents often carry look-alike code points: Kangxi radicals (U+2F00-U+2FDF,
e.g. "⽇" for "日") from broken font cmaps, CJK radical supplement forms, and full-width digits and latin
letters. Full NFKC would also fold Chinese punctuation (，：（）) to ASCII and expand some characters to
several, which shifts every box after them; we only fold what hurts matching and keep 1 char -> 1 char.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Full-width forms folded to ASCII: digits, latin letters, and the number punctuation ％ ． (U+FF05, U+FF0E).
# Other full-width punctuation (，：；（）！？) is ordinary Chinese typography and stays.
_FULLWIDTH_TO_ASCII = (
    {0xFF05, 0xFF0E} | set(range(0xFF10, 0xFF1A)) | set(range(0xFF21, 0xFF3B)) | set(range(0xFF41, 0xFF5B))
)


# CJK Radicals Supplement forms that NFKC leaves alone but that broken font cmaps emit for whole ideographs
# ("⻓江" for 长江): the standalone simplified/variant radicals whose ideograph is unambiguous.
_RADICAL_SUPPLEMENT = {
    "\u2ea0": "民",
    "\u2ec4": "西",
    "\u2ec5": "见",
    "\u2ec6": "角",
    "\u2ec8": "讠",
    "\u2ec9": "贝",
    "\u2ecb": "车",
    "\u2ed1": "長",
    "\u2ed3": "长",
    "\u2ed4": "门",
    "\u2ed8": "青",
    "\u2ed9": "韦",
    "\u2eda": "页",
    "\u2edb": "风",
    "\u2edc": "飞",
    "\u2edd": "食",
    "\u2ee2": "马",
    "\u2ee3": "骨",
    "\u2ee4": "鬼",
    "\u2ee5": "鱼",
    "\u2ee6": "鸟",
    "\u2ee8": "麦",
    "\u2ee9": "黄",
    "\u2eec": "齐",
    "\u2eee": "齿",
    "\u2ef0": "龙",
}


@lru_cache(maxsize=4096)
def normalize_char(ch: str) -> str:
    """The normalised form of one character; always exactly one character (``ch`` itself when unsure)."""
    if len(ch) != 1:
        return ch
    code = ord(ch)
    if code in _FULLWIDTH_TO_ASCII:
        return chr(code - 0xFEE0)
    if 0x2E80 <= code <= 0x2FDF:  # CJK Radicals Supplement and Kangxi Radicals
        if ch in _RADICAL_SUPPLEMENT:
            return _RADICAL_SUPPLEMENT[ch]
        folded = unicodedata.normalize("NFKC", ch)
        # Some radical forms have no ideograph equivalent; NFKC leaves them as they are. Keep 1 -> 1.
        if len(folded) == 1:
            return folded
    return ch


def normalize_text(s: str) -> str:
    """``normalize_char`` applied to every character: same length as ``s``."""
    return "".join(normalize_char(ch) for ch in s)
