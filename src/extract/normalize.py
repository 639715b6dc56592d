"""The one character fold of the package. Every fold keeps one character per character, so a figure's span
in folded text is its span in the text as printed, and boxes stay aligned with text.

Two strengths, built from the same tables:
- ``normalize_char`` / ``normalize_text``: what a reader of the page sees. PDFs of Chinese government
  documents often carry look-alike code points: Kangxi radicals (U+2F00-U+2FDF, e.g. "⽇" for "日") from
  broken font cmaps, CJK radical supplement forms, and full-width digits and latin letters. Readers apply it
  to the document's text itself. Full NFKC would also fold Chinese punctuation (，：（）) to ASCII and expand
  some characters to several, which shifts every box after them; we only fold what hurts matching.
- ``fold``: for matching only (the grammar's rules and the taxonomy), never for text that is shown: the
  above, compatibility ideographs, and the traditional forms of the characters the rules read (a report
  converted to traditional script, as some mirrors publish them: 會議 增長 億 項 …).
"""

from __future__ import annotations

import re
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


# Traditional forms of the characters the grammar's rules and the taxonomy read, with their simplified forms.
_TRADITIONAL = (
    "會議員審聽檢專詢調決訪眾羣題問糾紛聯絡產總預價漲鎮農業資額進報項幣濟經區縣應實際長減淨費當現過時間來後確爭計劃擬標將"
    "達為較於從與歲數點億萬戶個條場屆級開組織舉辦處協門參權黨務機關構設選鄉國內財稅頭樣規節約動網讓這們歷勞紀錄視監執請質講"
    "壓環體驗訴訟證債圍續連廣東華義陽龍書記層傳統嚴態鐵車輛擴儲備貸銀錢兩餘並兒養醫療衛藥險補貼學師圖館運輸電氣熱營鏈創類種"
    "優異雙號幾據準則屬麼積極幹導轉變護顯隊團結還遠邊銷貨線綫緣發揮歸壯觀覺風紅綠藍買賣貿戰園張噸畝僅"
)
_SIMPLIFIED = (
    "会议员审听检专询调决访众群题问纠纷联络产总预价涨镇农业资额进报项币济经区县应实际长减净费当现过时间来后确争计划拟标将"
    "达为较于从与岁数点亿万户个条场届级开组织举办处协门参权党务机关构设选乡国内财税头样规节约动网让这们历劳纪录视监执请质讲"
    "压环体验诉讼证债围续连广东华义阳龙书记层传统严态铁车辆扩储备贷银钱两余并儿养医疗卫药险补贴学师图馆运输电气热营链创类种"
    "优异双号几据准则属么积极干导转变护显队团结还远边销货线线缘发挥归壮观觉风红绿蓝买卖贸战园张吨亩仅"
)


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*_FULLWIDTH_TO_ASCII, *range(0x2E80, 0x2FE0)]:
        folded = normalize_char(chr(code))
        if folded != chr(code):
            table[code] = folded
    for code in range(0xF900, 0xFB00):  # CJK compatibility ideographs (豈 -> 豈)
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    table.update({ord(t): s for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True) if t != s})
    return table


_FOLD = _fold_table()
_FOLDED = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FOLD)) + "]")


def fold(text: str) -> str:
    """``text`` folded for matching (see the module docstring): same length, one character for one."""
    return text.translate(_FOLD) if _FOLDED.search(text) else text  # most text has nothing to fold
