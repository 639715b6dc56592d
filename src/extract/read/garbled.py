"""Garbled text: characters no Chinese government document uses, the mark of a broken font or a wrong encoding.

A PDF whose font object is lost, or whose cross-reference table points a font at the wrong object, still
gives text: each glyph code read as Latin-1 ("úÈú‚šßàûüÁý5.3þÿ元"). A web page or text file decoded with the
wrong encoding gives rare ideographs ("鍦板尯鐢熶骇鎬诲€?", UTF-8 read as GBK) or Latin-1 ("å\x9c°åŒº",
GBK read as UTF-8). Its digits survive, so figures come out of sentences nobody can read.

The rule, measured on the shared corpora (689 pieces of real text: the 651 PDF pages of ../shared/corpus/pdf,
real/pdf, raw and the demo raw/, the 15 web pages and 8 text files of real/, the 10 texts of text/;
``tests/test_garbled.py`` measures them again):

- *foreign* characters: anything outside ASCII, the CJK ideographs, CJK and full-width punctuation, the
  general punctuation, letter-like, number, arrow, mathematical, box-drawing, geometric and enclosed
  symbol blocks, Greek (μ, α in technical text), and a few Latin-1 signs (° ± · × ÷ ² ³ § ¥ © ®).
  Real text: at most 0.33% (4 of the 689 have any: « », private-use icons of web pages).
  Garbled text: UTF-8 read as GBK 11%, as cp1252 70%, as Latin-1 84%, GBK read as UTF-8 96%; a PDF page after
  one of its fonts was deleted 2–40%.
- *rare* ideographs: those outside GB2312's 6,763. Real text: at most 0.87% (place names such as 埇桥区).
  UTF-8 read as GBK, GBK read as Big5: 47–58%.

A page (a whole document, for formats without pages) is garbled when at least ``FOREIGN_SHARE`` (2%, six
times the largest real share) of its characters are foreign, or ``RARE_SHARE`` (10%, eleven times the
largest real share) are rare ideographs, counting at least ``MIN_CHARS`` such characters (a cover page with
one stray sign is not garbled). ``apply(document)`` drops the blocks of garbled pages with one warning, and
raises DocumentError when they hold most of the document's text; pages below the shares with at least
MIN_CHARS foreign characters (no real page has more than 3) keep their figures under a warning.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from extract.model import GARBLED_CHAR, Block, Boxes, Document, DocumentError

FOREIGN_SHARE = 0.02
RARE_SHARE = 0.10
MIN_CHARS = 5
# Garbled pages holding this share of the document's characters make the whole document unreadable.
DOCUMENT_SHARE = 0.5

# Code point ranges of characters Chinese documents use (besides ASCII and the ideographs).
_EXPECTED_RANGES = (
    (0x0391, 0x03C9),  # Greek (μg/m³, α)
    (0x2000, 0x206F),  # general punctuation: — … “” ‘’ ‰ ※ •
    (0x2100, 0x218F),  # letter-like (℃ № ℉) and number forms (Ⅰ Ⅻ ⅰ)
    (0x2190, 0x23FF),  # arrows, mathematical operators (≤ ≥ ≈ ∶), technical
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑴ ⒈
    (0x2500, 0x27BF),  # box drawing, blocks, geometric shapes (■ □ ▲ ● ◆ ★), symbols, dingbats
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x303F),  # CJK punctuation: 、。《》「」【】〔〕
    (0x3200, 0x33FF),  # enclosed CJK (㈠ ㊣), CJK compatibility (㎡ ㎞)
    (0xFE30, 0xFE4F),  # CJK compatibility forms (vertical punctuation)
    (0xFF01, 0xFF60),  # full-width forms: ，（）０-９％
    (0xFFE0, 0xFFEF),  # full-width signs: ￥ ￡
)
_EXPECTED_LATIN1 = frozenset("°±·×÷²³¹§¥µ¼½¾©®\u00a0")


def _is_ideograph(code: int) -> bool:
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


@functools.lru_cache(maxsize=65536)
def kind(ch: str) -> str:
    """'ok', 'foreign' or 'rare' (an ideograph outside GB2312) for one character."""
    code = ord(ch)
    if code < 0x80 or ch == GARBLED_CHAR:
        # GARBLED_CHAR is the PDF reader's mark for a glyph its font gives no Unicode value for: counted by the
        # reader's own verdict (unreadable share), and every figure touching one is flagged garbled_text
        return "ok"
    if _is_ideograph(code):
        try:
            ch.encode("gb2312")
            return "ok"
        except UnicodeEncodeError:
            return "rare"
    if ch in _EXPECTED_LATIN1 or any(a <= code <= b for a, b in _EXPECTED_RANGES):
        return "ok"
    return "foreign"


@dataclass
class Counts:
    chars: int = 0  # characters other than white space
    foreign: int = 0
    rare: int = 0

    def add(self, text: str) -> None:
        for ch, n in Counter(text).items():  # each distinct character once (counted in C)
            if ch.isspace():
                continue
            self.chars += n
            k = kind(ch)
            if k == "foreign":
                self.foreign += n
            elif k == "rare":
                self.rare += n

    @property
    def garbled(self) -> bool:
        return (self.foreign >= MIN_CHARS and self.foreign >= FOREIGN_SHARE * self.chars) or \
            (self.rare >= MIN_CHARS and self.rare >= RARE_SHARE * self.chars)

    @property
    def share(self) -> float:
        """The larger of the two shares, as the warning reports it."""
        return max(self.foreign, self.rare) / self.chars if self.chars else 0.0


def counts(text: str) -> Counts:
    found = Counts()
    found.add(text)
    return found


def is_garbled(text: str) -> bool:
    """The rule for one piece of text (a page, a document without pages)."""
    return counts(text).garbled


def page_counts(blocks: list[Block]) -> dict[int, Counts]:
    """Counts per page (0: characters without a page, all of a format without pages)."""
    texts: dict[int, list[str]] = {}  # a page's text, counted at the end: one Counter a page, not one a block
    for block in blocks:
        text, boxes = block.text, block.boxes
        n = min(len(text), len(boxes))
        numbers = boxes.pages[:n] if isinstance(boxes, Boxes) else [b[0] if b is not None else 0 for b in boxes[:n]]
        if n and min(numbers) == max(numbers):  # the usual block: all on one page
            texts.setdefault(max(numbers[0], 0), []).append(text[:n])
        elif n:
            for number, run in groupby(zip(numbers, text[:n], strict=True), key=itemgetter(0)):
                texts.setdefault(max(number, 0), []).append("".join(ch for _, ch in run))
        if len(boxes) < len(text):  # a format without boxes
            texts.setdefault(0, []).append(text[len(boxes):])
    return {number: counts("".join(parts)) for number, parts in texts.items()}


def apply(document: Document) -> Document:
    """Drop the blocks of garbled pages (a block touching one is dropped whole: no figure comes from a garbled
    page) and warn once; raise DocumentError when garbled pages hold most of the text (or the document, when
    it has no pages, is garbled)."""
    pages = page_counts(document.blocks)
    paged = {p: c for p, c in pages.items() if p}
    units = paged if paged else pages
    bad = sorted(p for p, c in units.items() if c.garbled)
    # (rare ideographs alone are no sign: a page of names may hold several)
    suspect = sorted(p for p, c in units.items() if not c.garbled and c.foreign >= MIN_CHARS)
    if suspect and paged:
        n = sum(units[p].foreign for p in suspect)
        document.warnings.append(
            f"{n} characters on pages {_pages(suspect)} are not ones Chinese documents use (a broken font?): "
            "check the figures there"
        )
    if not bad:
        return document
    total = sum(c.chars for c in units.values())
    garbled_chars = sum(units[p].chars for p in bad)
    worst = max(units[p].share for p in bad)
    if not paged or garbled_chars >= DOCUMENT_SHARE * total:
        raise DocumentError(
            f"text garbled: up to {100 * worst:.0f}% of the characters are not ones Chinese documents use "
            "(broken fonts or a wrong text encoding); figures would be wrong"
        )
    bad_pages = frozenset(bad)
    document.blocks = [b for b in document.blocks
                       if not any(box is not None and box[0] in bad_pages for box in b.boxes)]
    document.warnings.append(
        f"garbled text on {len(bad)} of {document.n_pages or len(paged)} pages (pages {_pages(bad)}: up to {100 * worst:.0f}% of their "
        "characters are not ones Chinese documents use; broken fonts?): figures there are left out"
    )
    return document


def _pages(pages: list[int], limit: int = 10) -> str:
    return ", ".join(str(p) for p in pages[:limit]) + (", ..." if len(pages) > limit else "")
