"""Read one numeral span: Arabic ("1,234.5", full-width "１２") or Chinese ("一百一十六", "两百", "〇"),
optionally followed by a scale ("3.5万", "82.7万亿").

The parser is our own (not cn2an) because it must be strict: "十四五" or "三江六" are not numbers and must
come back as None, and it runs on every candidate of every sentence.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Full-width digits and point; the Chinese comma "，" is never a thousands separator.
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")

CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "十百千万亿"

# Scale words folded into a value; longest first where regexes are built from it.
SCALES: dict[str, int] = {
    "万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8,
    "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3, "百": 10**2, "十": 10,
}

# No figure is larger: 10^18 in base units (100亿亿; China's GDP is 1.3e14 元). A longer number is a code, digits
# of a table run together or a hostile file, never an amount, and the bound keeps every value a finite float
# (a 310-digit number would be inf).
MAX_MAGNITUDE = Decimal(10) ** 18


def within_bounds(value: Decimal | float | None) -> bool:
    """|value| <= MAX_MAGNITUDE: finite and not absurd (None and NaN are within no bound)."""
    try:
        return value is not None and abs(value) <= MAX_MAGNITUDE
    except (TypeError, InvalidOperation):  # a NaN Decimal
        return False


_ARABIC_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")


def arabic_value(s: str) -> Decimal | None:
    """'1,234.5' / '１２' -> Decimal; None when s is not exactly one Arabic number."""
    t = s.translate(FULLWIDTH_DIGITS)
    if not _ARABIC_RE.fullmatch(t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def _cn_section(s: str) -> int | None:
    """A Chinese numeral below 10000 without 万/亿: '一百一十六' -> 116, '两百' -> 200, '千' -> 1000."""
    if not s:
        return None
    total = 0
    digit: int | None = None
    last_unit = 10**4  # units must strictly decrease: 千 > 百 > 十
    after_zero = False
    for ch in s:
        if ch in CN_DIGITS:
            d = CN_DIGITS[ch]
            if d == 0:
                if digit is not None:  # "三〇" inside a place-value numeral: not a number
                    return None
                after_zero = True
                continue
            if digit is not None:  # two digits in a row ("十四五"): not a number
                return None
            digit = d
        elif ch in CN_SMALL_UNITS:
            u = CN_SMALL_UNITS[ch]
            if u >= last_unit:
                return None
            total += (digit if digit is not None else 1) * u
            digit = None
            last_unit = u
            after_zero = False
        else:
            return None
    if digit is not None:
        if not after_zero and len(s) >= 2 and s[-2] in "百千":
            # colloquial "一百五" = 150, "两千五" = 2500
            total += digit * last_unit // 10
        else:
            total += digit
    return total


def cn_value(s: str) -> int | None:
    """A Chinese numeral -> int; None when the string is not a well-formed numeral.

    Place-value numerals ("一百一十六", "三千", "一万二千", "三千万", "十二亿") and digit-by-digit
    readings ("二〇二一" -> 2021, "〇" -> 0) are both accepted; callers decide what a digit string means.
    """
    if not s or any(ch not in CN_NUMERAL_CHARS for ch in s):
        return None
    if not any(ch in "十百千万亿" for ch in s):
        return int("".join(str(CN_DIGITS[ch]) for ch in s))
    for big, mult in (("亿", 10**8), ("万", 10**4)):
        if big in s:
            head, _, tail = s.partition(big)
            if not head:
                return None
            hv = cn_value(head)
            if hv is None or hv == 0:
                return None
            if not tail:
                return hv * mult
            stripped = tail.lstrip("零〇")
            if not stripped:
                return None
            if not any(ch in "十百千万亿" for ch in stripped):
                if len(stripped) > 1:  # "一万二三": not a numeral
                    return None
                d = CN_DIGITS[stripped]
                # "一万五" = 15000 (colloquial); "一万零五" = 10005
                return hv * mult + (d if stripped != tail else d * mult // 10)
            tv = cn_value(stripped)
            if tv is None or tv >= mult:
                return None
            return hv * mult + tv
    return _cn_section(s)


def cn_decimal(s: str) -> Decimal | None:
    """'三点五' -> 3.5, '十二点零五' -> 12.05, '一百一十六' -> 116; None when not a numeral."""
    whole, dot, frac = s.partition("点")
    wv = cn_value(whole)
    if wv is None:
        return None
    if not dot:
        return Decimal(wv)
    if not frac or any(ch not in CN_DIGITS for ch in frac):
        return None
    return Decimal(f"{wv}." + "".join(str(CN_DIGITS[ch]) for ch in frac))


_SCALE_SUFFIX_RE = re.compile("(" + "|".join(sorted(SCALES, key=len, reverse=True)) + ")$")
_CN_SCALE_SUFFIX_RE = re.compile("(万亿|亿|万)$")


def parse_number(s: str) -> float | None:
    """Parse one numeral span to a float; None if it is not a number (or is beyond MAX_MAGNITUDE).

    '1,234.5' -> 1234.5, '１２' -> 12, '一百一十六' -> 116, '两百' -> 200, '三千' -> 3000, '〇' -> 0,
    '3.5万' -> 35000, '82.7万亿' -> 8.27e13, '-3.5' / '负3.5' -> -3.5.
    """
    value = _parse_number(s)
    return value if within_bounds(value) else None


def _parse_number(s: str) -> float | None:
    if not isinstance(s, str):
        return None
    t = s.strip()
    sign = 1
    if t[:1] in ("-", "－", "−", "负"):
        sign, t = -1, t[1:]
    if not t:
        return None
    v = arabic_value(t)
    if v is not None:
        return sign * float(v)
    m = _SCALE_SUFFIX_RE.search(t)
    if m and m.start() > 0:
        head = t[: m.start()]
        hv = arabic_value(head)
        if hv is not None:
            return sign * float(hv * SCALES[m.group(1)])
    m = _CN_SCALE_SUFFIX_RE.search(t)
    if m and m.start() > 0:  # "三点五万", "八十二点七万亿"
        hv = cn_decimal(t[: m.start()])
        if hv is not None and "点" in t:
            return sign * float(hv * SCALES[m.group(1)])
    cv = cn_decimal(t)
    if cv is not None:
        return sign * float(cv)
    return None
