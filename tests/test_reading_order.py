"""Issue 14: reading order on layouts the shared corpus does not have, rendered here from its texts.

The shared texts (../shared/corpus/text/*.txt) are typeset with reportlab in temporary folders as a two-column
gazette with a rule between the columns, three unequal newspaper columns, a five-column broadsheet, a report
opening with a table of contents, and pages with footnotes; each PDF is read back and the share of the
source's 30-character windows found intact in the document's text is measured (whitespace ignored, the
reader's one-for-one character fold applied to the source). Each layout must keep at least 99%.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A3, A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.config import SHARED_CORPUS
from extract.normalize import normalize_text
from extract.read import read_document

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
FONT = "STSong-Light"
WINDOW = 30
MIN_INTACT = 0.99
TEXTS = sorted((SHARED_CORPUS / "text").glob("*.txt"))
CHARS_PER_TEXT = 7000  # enough for several pages of every layout, few enough for a quick test


def _paragraphs(path: Path, limit: int = CHARS_PER_TEXT) -> list[str]:
    """The text's paragraphs (web-page furniture such as 下载/打印 dropped: lines under 12 characters)."""
    out, total = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if len(line) < 12:
            continue
        out.append(line)
        total += len(line)
        if total >= limit:
            break
    return out


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def _wrap(paragraph: str, width: float, size: float, indent: int = 2) -> list[tuple[str, float]]:
    """Lines (text, x offset) of a paragraph broken at the column width, the first indented ``indent`` ems."""
    lines, line, offset = [], "", indent * size
    for ch in paragraph:
        if line and offset + _width(line + ch, size) > width:
            lines.append((line, offset))
            line, offset = "", 0.0
        line += ch
    if line:
        lines.append((line, offset))
    if len(lines) > 1 and len(lines[-1][0]) == 1:
        # No lone last character (孤字), as Chinese typesetting avoids: and pdfium loses a one-character string
        # of a non-embedded CID font (reportlab's STSong-Light), which would be a reader's defect, not order.
        (prev, prev_offset), (last, _) = lines[-2], lines[-1]
        lines[-2:] = [(prev[:-1], prev_offset), (prev[-1] + last, 0.0)]
    return lines


@dataclass
class Column:
    x: float
    width: float
    top: float
    bottom: float


class Typesetter:
    """Fills columns page after page with paragraphs; page furniture is drawn by the layout's callback."""

    def __init__(self, path: Path, pagesize, columns, size: float, leading: float, furniture=None):
        self.c = canvas.Canvas(str(path), pagesize=pagesize)
        self.pagesize, self.columns, self.size, self.leading = pagesize, columns, size, leading
        self.furniture = furniture
        self.page = 0
        self._new_page()

    def _new_page(self, first: bool = False) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.cols = self.columns(self.page)
        self.k = 0
        self.y = self.cols[0].top
        if self.furniture:
            self.furniture(self.c, self.page)

    def _column(self) -> Column:
        """The column the next line goes in (the next column, or page, when this one is full)."""
        if self.y - self.size < self.cols[self.k].bottom:
            self.k += 1
            if self.k == len(self.cols):
                self._new_page()
            self.y = self.cols[self.k].top
        return self.cols[self.k]

    def paragraphs(self, paragraphs: list[str]) -> None:
        """Each line is broken at the width of the column it lands in."""
        for p in paragraphs:
            rest, indent = p, 2
            head = re.match(r"^[一二三四五六七八九十]+、", p) is not None and len(p) <= 40
            size = self.size * 1.25 if head else self.size  # section heads set larger, not indented
            indent = 0 if head else 2
            rest = p
            while rest:
                col = self._column()
                (text, offset), *_ = _wrap(rest, col.width, size, indent)
                if len(rest) - len(text) == 1:  # no lone last character (孤字): see _wrap
                    text = text[:-1]
                last = len(text) == len(rest)
                # justified: the characters of a full line are spread to the column's right edge
                spare = col.width - offset - _width(text, size)
                line = self.c.beginText(col.x + offset, self.y - size)
                line.setFont(FONT, size)
                line.setCharSpace(0 if last or len(text) < 2 else spare / (len(text) - 1))
                line.textOut(text)
                self.c.drawText(line)
                self.y -= self.leading * (1.4 if head else 1.0)
                rest, indent = rest[len(text):], 0

    def save(self) -> None:
        self.c.showPage()
        self.c.save()


def _header_and_number(title: str):
    def draw(c, page: int) -> None:
        width, height = c._pagesize
        c.setFont(FONT, 9)
        c.drawCentredString(width / 2, height - 40, title)
        c.line(60, height - 46, width - 60, height - 46)
        c.setFont(FONT, 10)
        c.drawCentredString(width / 2, 30, f"— {page} —")
    return draw


# ---------------------------------------------------------------------------------------------- layouts


def gazette(path: Path, paragraphs: list[str], title: str) -> list[list[str]]:
    """Two columns with a vertical rule between them, a running header and page numbers (a 公报)."""
    width, height = A4
    furniture = _header_and_number("政府公报")

    def draw(c, page):
        furniture(c, page)
        c.line(width / 2, 60, width / 2, height - 60)

    def columns(page):
        top = height - 130 if page == 1 else height - 62
        return [Column(56, width / 2 - 70, top, 60), Column(width / 2 + 14, width / 2 - 70, top, 60)]

    t = Typesetter(path, A4, columns, 10.5, 16, draw)
    t.c.setFont(FONT, 18)
    t.c.drawCentredString(width / 2, height - 100, title)
    t.paragraphs(paragraphs)
    t.save()
    return [[title], paragraphs]


def three_unequal(path: Path, paragraphs: list[str], title: str) -> list[list[str]]:
    """A newspaper page: masthead, a headline over all columns, three columns of unequal width."""
    width, height = A3
    widths = [250, 170, 330]
    gutter = 12  # little more than an em of the 10 pt body

    def columns(page):
        top = height - 160 if page == 1 else height - 80
        x, cols = 40.0, []
        for w in widths:
            cols.append(Column(x, w, top, 50))
            x += w + gutter
        return cols

    def draw(c, page):
        c.setFont(FONT, 9)
        c.drawString(40, height - 36, f"某某日报  2026年2月6日  星期五  第{page}版")
        c.line(40, height - 42, width - 40, height - 42)

    t = Typesetter(path, A3, columns, 10, 15, draw)
    t.c.setFont(FONT, 26)
    t.c.drawCentredString(width / 2, height - 110, title)
    t.paragraphs(paragraphs)
    t.save()
    return [[title], paragraphs]


def broadsheet(path: Path, paragraphs: list[str], title: str) -> list[list[str]]:
    """Five narrow columns (a broadsheet's inside page), headline across the first three."""
    width, height = A3
    n, gutter, left = 5, 9, 36  # an em of the 9 pt body
    w = (width - 2 * left - (n - 1) * gutter) / n

    def columns(page):
        cols = []
        for k in range(n):
            top = height - 150 if page == 1 and k < 3 else height - 70
            cols.append(Column(left + k * (w + gutter), w, top, 40))
        return cols

    def draw(c, page):
        c.setFont(FONT, 9)
        c.drawString(left, height - 36, f"第{page}版  要闻  2026年1月28日")
        c.line(left, height - 42, width - left, height - 42)

    t = Typesetter(path, A3, columns, 9, 13.5, draw)
    t.c.setFont(FONT, 22)
    t.c.drawString(left, height - 110, title[:18])
    t.paragraphs(paragraphs)
    t.save()
    return [[title[:18]], paragraphs]


def with_contents(path: Path, paragraphs: list[str], title: str) -> list[list[str]]:
    """A report opening with a table of contents (dot leaders, page numbers), then one column of body."""
    width, height = A4
    heads = [p for p in paragraphs if re.match(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）", p)][:12]
    heads = [h[:24] for h in heads] or [p[:16] for p in paragraphs[:6]]
    furniture = _header_and_number(title[:20])
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawCentredString(width / 2, height - 90, "目　　录")
    c.setFont(FONT, 12)
    for k, head in enumerate(heads):
        y = height - 140 - 26 * k
        c.drawString(72, y, head)
        leader_x = 72 + _width(head, 12) + 6
        dots = "…" * max(1, int((width - 120 - leader_x) / 12))
        c.drawString(leader_x, y, dots)
        c.drawRightString(width - 72, y, str(k + 2))
    c.showPage()

    def columns(page):
        return [Column(72, width - 144, height - 70, 60)]

    t = Typesetter(path, A4, columns, 12, 20, lambda canv, page: furniture(canv, page + 1))
    t.c = c
    t.page = 0
    t._new_page()
    t.paragraphs(paragraphs)
    t.save()
    return [["目录"], *([h] for h in heads), paragraphs]


def with_footnotes(path: Path, paragraphs: list[str], title: str) -> list[list[str]]:
    """One column of body text; each page ends with two footnotes in small type under a short rule."""
    width, height = A4
    notes = [f"注{k + 1}：{p[-40:]}" for k, p in enumerate(paragraphs[3::7])][:40]  # not a paragraph opening
    drawn: list[str] = []
    furniture = _header_and_number(title[:20])

    def draw(c, page):
        furniture(c, page)
        c.line(72, 118, 200, 118)
        c.setFont(FONT, 8)
        for k in range(2):
            index = 2 * (page - 1) + k
            if index < len(notes):
                c.drawString(72, 104 - 12 * k, notes[index])
                drawn.append(notes[index])

    def columns(page):
        return [Column(72, width - 144, height - 70, 132)]

    t = Typesetter(path, A4, columns, 12, 20, draw)
    t.paragraphs(paragraphs)
    t.save()
    return [paragraphs, *([n] for n in drawn)]


LAYOUTS = {"gazette-2-columns-rule": gazette, "newspaper-3-unequal-columns": three_unequal,
           "broadsheet-5-columns": broadsheet, "table-of-contents": with_contents, "footnotes": with_footnotes}


# ---------------------------------------------------------------------------------------------- measure


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def intact_share(streams: list[list[str]], text: str) -> tuple[float, list[str]]:
    """The share of the source's 30-character windows found in ``text``, and the windows that were not.

    Windows are cut within each paragraph of each stream (a paragraph shorter than a window is one window):
    a footnote or caption read between two paragraphs is not text out of order, a column read into the
    middle of a paragraph is. The order of the paragraphs themselves is measured by paragraph_order.
    """
    got = _squeeze(text)
    total, missing = 0, []
    for stream in streams:
        for paragraph in stream:
            source = _squeeze(paragraph)
            windows = [source[i:i + WINDOW] for i in range(0, len(source), WINDOW)]
            windows = [w for w in windows if len(w) >= min(10, len(source))]
            total += len(windows)
            missing += [w for w in windows if w not in got]
    return (1.0 - len(missing) / total if total else 1.0), missing


def paragraph_order(paragraphs: list[str], text: str) -> float:
    """The share of paragraphs whose opening comes out after the previous paragraph's (an opening printed
    earlier too, in a table of contents or a footnote, is looked for after the previous paragraph first)."""
    got = _squeeze(text)
    ordered, at = 0, 0
    for p in paragraphs:
        opening = _squeeze(p)[:20]
        found = got.find(opening, at)
        ordered += found >= 0
        at = found + 1 if found >= 0 else max(at, got.find(opening) + 1)
    return ordered / len(paragraphs) if paragraphs else 1.0


def _source(text_file: Path) -> tuple[list[str], str]:
    paragraphs = _paragraphs(text_file)
    title = next((p for p in paragraphs if "报告" in p and len(p) <= 30), paragraphs[0][:20])
    return [p for p in paragraphs if p != title], title


@pytest.mark.corpus
@pytest.mark.parametrize("layout", LAYOUTS)
def test_rendered_layouts_keep_the_source_order(corpus, tmp_path, layout):
    if not TEXTS:
        pytest.skip(f"no shared texts in {SHARED_CORPUS / 'text'}")
    shares = {}
    worst: list[str] = []
    for text_file in TEXTS[::2]:  # five of the texts per layout (national and provincial reports)
        paragraphs, title = _source(text_file)
        pdf = tmp_path / f"{text_file.stem}.{layout}.pdf"
        streams = LAYOUTS[layout](pdf, paragraphs, title)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = read_document(pdf)
        share, missing = intact_share(streams, document.text)
        shares[text_file.stem] = (round(share, 4), round(paragraph_order(paragraphs, document.text), 4))
        worst += missing[:3]
    assert min(min(v) for v in shares.values()) >= MIN_INTACT, (shares, worst[:6])


def test_the_measure_sees_text_out_of_order():
    """The measure itself: a swapped pair of sentences loses the windows that span the swap; swapped
    paragraphs lower the paragraph order."""
    streams = [["甲" * 10 + "乙" * 50 + "丙" * 50 + "丁" * 10]]
    assert intact_share(streams, "甲" * 10 + "乙" * 50 + "丙" * 50 + "丁" * 10)[0] == 1.0
    share, missing = intact_share(streams, "甲" * 10 + "丙" * 50 + "乙" * 50 + "丁" * 10)
    assert share < 1.0 and missing
    paragraphs = ["子" * 30, "丑" * 30, "寅" * 30]
    assert paragraph_order(paragraphs, "".join(paragraphs)) == 1.0
    assert paragraph_order(paragraphs, paragraphs[1] + paragraphs[0] + paragraphs[2]) == 2 / 3
