"""PDF pages of chars -> Document: blocks (paragraphs, headings) in reading order with a box per character.

The pipeline works on geometry only (never the order chars are stored in the PDF), with no per-document
settings:

1. chars: drop blanks and off-page glyphs, normalise look-alike code points (extract.normalize), and drop
   fake-bold copies (the same glyph drawn 2-4 times at nearly the same place).
2. lines: bucket chars into rows, split each row at gaps that are wide for that row (column gutters), fold
   sub/superscripts (PM2.5) back into their line.
3. margins: drop running headers/footers and page numbers (outer rows that repeat across pages, "— 3 —",
   newspaper header rows with 第n版/dates, a small top-row header), editorial credits and 上接/下转 marks.
4. blocks: tables first (extract.read.tables: ruled and unruled, each one Block of kind "table" holding its
   Table; their chars leave the text flow, their title and unit lines stay in it), then find the page's
   columns from the left and right edges full lines share, cut lines that still run over a gutter (hanging
   punctuation), group each column's lines into blocks (cut where a spanning line crosses it), and chain the
   remaining free lines.
5. reading order: free title matter above all columns first, then Breuel's partial order on blocks (above-
   and-overlapping, or left-of with nothing spanning both in between) and a topological sort; captions are
   put back next to their neighbours afterwards.
6. paragraphs: walk the lines in order across blocks, columns and pages; a paragraph ends at a style change,
   an indented next line, a blank line or a short last line that ends a sentence; captions sit outside the
   flow. Headings, titles and captions are told apart by style (font family/size against the document's
   body style), numbering and position.

Steps 1-2 (and the ruled tables) run as pages arrive; 3-6 need the whole document's body style and margin
texts, so they run in a second pass, a page at a time, each paragraph given as soon as it closes: memory
follows the pages in flight, not the document's length (a long document's pages wait pickled in between).
"""

from __future__ import annotations

import bisect
import functools
import pickle
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from extract.model import UNNUMBERED_LEVEL, Block, Box, Boxes, Document, heading_level, table_block
from extract.normalize import normalize_char
from extract.read import tables as table_finder

# A char after preparation: (text, top, x0, x1, bottom, size, family). Tuples keep per-char cost low.
# The order makes sorted(chars) group copies of one glyph (text, then top, then x0).
Char = tuple[str, float, float, float, float, float, str]
TEXT, TOP, X0, X1, BOTTOM, SIZE, FAMILY = range(7)
_TOP_OF, _BOTTOM_OF = itemgetter(TOP), itemgetter(BOTTOM)
FAKE_BOLD = " (fake bold)"  # appended to the font family of glyphs drawn several times over

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~·\s]*\d{1,4}[-—–－~·\s]*|第\s*\d{1,4}\s*[页版](?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|-\s*\d+\s*-|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
_EDITION = r"第\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*版|(?<![\d\w])[A-Z]?\d{1,2}\s*版(?![\w])"
_NEWSPAPER_HEADER = re.compile(_EDITION + r"|\d{4}\s*年\s*\d{1,2}\s*月|星期[一二三四五六日天]")
# Editorial credits printed in a newspaper page's margin ("责任编辑：张三  美术编辑：李四").
_CREDITS = re.compile(r"^(?:责任编辑|责编|美术编辑|美编|校对|版式设计|编辑|制版)\s*[：:]?")
_JUMP = r"[（(]\s*(?:上接|下转|紧接|接|转)(?:第?\s*[\d一二三四五六七八九十]+\s*版|[^）)]{0,12}版)\s*[）)]"
_JUMP_MARK = re.compile("^" + _JUMP + "$")
# A jump mark set at the end (下转) or start (上接) of a text line rather than on a line of its own.
_JUMP_AT_END = re.compile(_JUMP + "$")
_JUMP_AT_START = re.compile("^" + _JUMP)
_SENTENCE_END = "。：:；;！？!?"
_CLOSERS = "”’）)】》」"


def _ends_sentence(text: list[str]) -> bool:
    """Line ends a sentence: 。！？：； or …, possibly followed by a closing quote/bracket (“……。”)."""
    k = len(text) - 1
    while k > 0 and text[k] in _CLOSERS:
        k -= 1
    return k >= 0 and (text[k] in _SENTENCE_END or text[k] == "…")


@functools.lru_cache(maxsize=4096)  # a document's pages share a few fonts: each page asked again
def _family(fontname) -> str:
    if isinstance(fontname, bytes):
        fontname = fontname.decode("latin-1")
    return _SUBSET_PREFIX.sub("", str(fontname or ""))


# ---------------------------------------------------------------------------------------------- 1. chars


# How far below its baseline a glyph's box may reach (the font's descent, in ems) before the font's metrics are
# taken as broken, and the descent used instead then.
MAX_DESCENT, USUAL_DESCENT = 0.45, 0.2


def _prepare_chars(raw_chars: list[dict], bbox: tuple[float, float, float, float]) -> list[Char]:
    """Plain tuples for the visible, non-blank chars of a page (inside its box), code points normalised."""
    left, upper, right, lower = bbox
    out: list[Char] = []
    append = out.append
    families: dict = {}
    sizes: dict[float, float] = {}  # one float object per size: a page has a few sizes and thousands of chars
    fields = itemgetter("text", "x0", "top", "x1", "bottom", "fontname")  # one call in C for six lookups
    for c in raw_chars:
        text, x0, top, x1, bottom, fontname = fields(c)
        if x1 < left or bottom < upper or x0 > right or top > lower or not text or text.isspace():
            continue  # blank, or clipped away: not on the page
        fam = families.get(fontname)
        if fam is None:
            fam = families[fontname] = _family(fontname)
        size = c["size"] or (bottom - top) or 1.0
        size = sizes.setdefault(size, size)
        baseline = c.get("baseline")
        if baseline is not None and not -0.1 * size <= bottom - baseline <= MAX_DESCENT * size:
            # The box hangs from the origin by the font's descent; a broken descent (Founder's digit font E-BZ
            # says 1.03 em) would put the glyph on the next line: place it on its baseline instead.
            top, bottom = baseline - (1.0 - USUAL_DESCENT) * size, baseline + USUAL_DESCENT * size
        elif bottom - top > 2.0 * (x1 - x0) > 0 and _is_cjk(text[0]):
            # Broken font metrics can give a glyph a box many times its size (a 9pt char 180pt tall), which
            # would merge rows. CJK glyphs are square: trust the advance width, keep the centre.
            mid, half = (top + bottom) * 0.5, (x1 - x0) * 0.5
            top, bottom, size = mid - half, mid + half, x1 - x0
        if len(text) == 1:
            if "\u2e80" <= text <= "\u2fdf" or "\uff00" <= text <= "\uffef":
                text = normalize_char(text)
            append((text, top, x0, x1, bottom, size, fam))
        else:  # ligatures ("ﬁ" decoded as "fi"): share the box out so each char keeps one
            step = (x1 - x0) / len(text)
            for k, ch in enumerate(text):
                if not ch.isspace():
                    append((normalize_char(ch), top, x0 + k * step, x0 + (k + 1) * step, bottom, size, fam))
    return out


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _drop_duplicate_glyphs(chars: list[Char]) -> tuple[list[Char], int]:
    """Drop fake-bold copies: the same text drawn again overlapping most of an earlier copy.

    Sorted by (text, top, x0) (the tuple order), copies of one glyph are neighbours; a small window of kept
    glyphs with the same text and nearly the same top catches copies offset in x and y. Two real adjacent
    identical chars ("66") are a whole advance apart and survive.
    """
    if not chars:
        return chars, 0
    ordered = sorted(chars)
    kept: list[Char] = []
    bold: set[int] = set()  # ids of kept glyphs that had copies
    window: deque[Char] = deque()  # kept copies of the current text, by top
    prev_text = None
    for c in ordered:
        text = c[0]
        if text != prev_text:
            window = deque((c,))
            prev_text = text
            kept.append(c)
            continue
        top, x0 = c[1], c[2]
        tol_y = 0.35 * (c[BOTTOM] - top)
        if tol_y < 0.4:
            tol_y = 0.4
        while window and top - window[0][1] > tol_y:
            window.popleft()
        tol_x = 0.35 * (c[X1] - x0)
        if tol_x < 0.4:
            tol_x = 0.4
        for k in window:
            if -tol_x <= k[2] - x0 <= tol_x:
                bold.add(id(k))
                break
        else:
            window.append(c)
            kept.append(c)
    if bold:
        # A glyph drawn over itself is set in fake bold: give it a style of its own so a bold head in the
        # body font still reads as a head.
        kept = [c[:FAMILY] + (c[FAMILY] + FAKE_BOLD,) if id(c) in bold else c for c in kept]
    return kept, len(chars) - len(kept)


# ---------------------------------------------------------------------------------------------- 2. lines


@dataclass(eq=False)
class Line:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # typical char size
    text: list[str]
    boxes: list[Box]
    families: list[str]
    sizes: list[float]
    body: list[bool] = field(default_factory=list)  # per char: set in the body style of the document
    aside: bool = False  # a photo caption or note outside the text flow (set by _mark_asides)
    jump: int = 0  # 1: a 下转 mark was cut from its end (text goes on); 2: an 上接 mark from its start

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def string(self) -> str:
        return "".join(self.text)


def _make_line(chars: list[Char], page: int) -> Line:
    """A line from chars sorted by x0."""
    text, top, x0, x1, bottom, sizes, families = zip(*chars, strict=True)  # the char tuples' columns, in C
    if min(sizes) == max(sizes):  # most lines are set in one size: the median of the CJK chars' sizes is that
        size = sizes[0]
    else:
        cjk_sizes = sorted([s for t, s in zip(text, sizes, strict=True) if "\u3400" <= t <= "\u9fff"] or sizes)
        size = cjk_sizes[len(cjk_sizes) // 2]
    return Line(
        page=page,
        x0=x0[0],
        top=min(top),
        x1=max(x1),
        bottom=max(bottom),
        size=size,
        text=list(text),
        boxes=Boxes.on_page(page, x0, top, x1, bottom),
        families=list(families),
        sizes=list(sizes),
    )


def _rows(chars: list[Char]) -> list[list[Char]]:
    """Chars grouped into rows: a new row starts when a char's top is half a char below the row's first top."""
    ordered = sorted(chars, key=itemgetter(TOP, X0, TEXT))
    rows: list[list[Char]] = []
    row: list[Char] = []
    start = limit = 0.0
    for c in ordered:
        top = c[TOP]
        if top - start > limit or not row:
            if row:
                rows.append(row)
            row = []
            start = top
            limit = 0.5 * (c[BOTTOM] - top)
        else:
            h = 0.5 * (c[BOTTOM] - top)
            if h > limit:
                limit = h
        row.append(c)
    if row:
        rows.append(row)
    return rows


def _split_row(row: list[Char], spaces: list[tuple[float, float]] = ()) -> list[list[Char]]:
    """Split one row at gaps wider than the row's usual letter spacing (column gutters, tab stops).

    The threshold adapts to the row so a letter-spaced title ("政 府 工 作 报 告") stays one line while a
    newspaper row with four columns splits into four. A gap that a space glyph of the PDF fills (``spaces``:
    the row's (x0, x1)) is a word space, not a gutter: "113.6 %" and "2144.3 万人" stay one line.
    """
    row.sort(key=itemgetter(X0, TOP, TEXT))  # ties broken by value: stream order never matters
    if len(row) == 1:
        return [row]
    for k in range(len(row) - 1):
        c, n = row[k], row[k + 1]
        if c[X1] > n[X0] + 0.5 and n[X0] > c[X0] + 0.2 * c[SIZE] and not _is_cjk(c[TEXT]):
            # A box wider than the glyph's advance (half-width digits and brackets with full-width codes, one
            # em wide in the font's table, set closer by the typesetter): the glyph ends where the next one
            # starts. Ideographs are always an em wide: their overlaps are other lines sharing the row.
            row[k] = (*c[:X1], n[X0], *c[X1 + 1:])
    gaps = [c[X0] - p[X1] for p, c in zip(row, row[1:], strict=False)]
    usual = sorted(gaps)[len(gaps) // 2]
    usual = 2.5 * usual if usual > 0 else 0.0
    pieces: list[list[Char]] = []
    piece = [row[0]]
    for k, gap in enumerate(gaps, 1):
        c = row[k]
        if gap > 0.3 * c[SIZE] or gap < -0.5 * c[SIZE]:
            size = max(row[k - 1][SIZE], c[SIZE])
            # A char starting well before the previous one ends is a different line sharing the row.
            if (gap > 0.45 * size and gap > usual + 0.3 * size and not _word_space(row[k - 1], c, gap, spaces)
                    or gap < -0.6 * size):
                pieces.append(piece)
                piece = []
        piece.append(c)
    pieces.append(piece)
    return pieces


def _word_space(a: Char, b: Char, gap: float, spaces: list[tuple[float, float]]) -> bool:
    """Is the gap between a and b a word space inside one line rather than a gutter or tab stop?

    Either a space glyph of the PDF (at most an em wide) fills most of it, or it is narrower than
    WORD_SPACE_EM after a number and before what is not a number ("113.6 %", "2144.3 万人": word processors
    set a number apart from the unit that follows; a table's columns of numbers are digit after digit, and
    a column gutter is wider).
    """
    size = max(a[SIZE], b[SIZE])
    if gap > 1.2 * size:
        return False
    if a[TEXT].isdigit() and not b[TEXT].isdigit() and gap <= WORD_SPACE_EM * size and a[SIZE] == b[SIZE]:
        return True
    left, right = a[X1], b[X0]
    return any(x1 - x0 <= size and min(x1, right) - max(x0, left) >= 0.6 * gap for x0, x1 in spaces)


WORD_SPACE_EM = 0.8


def _row_spaces(row: list[Char], spaces: list[tuple[float, float, float, float]], centres: list[float]) -> list:
    """(x0, x1) of the space glyphs whose vertical centre lies within the row (spaces sorted by centre)."""
    if not spaces:
        return []
    top, bottom = min(row, key=_TOP_OF)[TOP], max(row, key=_BOTTOM_OF)[BOTTOM]
    lo, hi = bisect.bisect_left(centres, top), bisect.bisect_right(centres, bottom)
    return [(s[0], s[2]) for s in spaces[lo:hi]]


def _page_lines(chars: list[Char], page: int, spaces: list[tuple[float, float, float, float]] = ()) -> list[Line]:
    spaces = sorted(spaces, key=lambda s: s[1] + s[3])
    centres = [(s[1] + s[3]) / 2 for s in spaces]
    lines = [_make_line(piece, page) for row in _rows(chars)
             for piece in _split_row(row, _row_spaces(row, spaces, centres))]
    return _merge_script_lines(lines)


def _merge_script_lines(lines: list[Line]) -> list[Line]:
    """Fold sub/superscripts (PM2.5 with a lowered 2.5) that became lines of their own back into their line."""
    small = [ln for ln in lines if len(ln.text) <= 6]
    if not small:
        return lines
    merged: set[int] = set()
    by_top = sorted(lines, key=lambda ln: ln.top)
    tops = [ln.top for ln in by_top]
    for s in small:
        if id(s) in merged:
            continue
        lo = bisect.bisect_left(tops, s.top - 3 * s.height)
        hi = bisect.bisect_right(tops, s.bottom + s.height)
        for host in by_top[lo:hi]:
            if host is s or id(host) in merged or s.size > 0.95 * host.size:
                continue
            overlap = min(host.bottom, s.bottom) - max(host.top, s.top)
            if overlap < 0.3 * s.height:
                continue
            if host.x1 - 0.2 * host.size <= s.x0 <= host.x1 + 0.3 * host.size:
                at_end = True
            elif host.x0 - 0.3 * host.size <= s.x1 <= host.x0 + 0.2 * host.size:
                at_end = False
            else:
                continue
            # The script left a gap in its row, so the rest of the line beyond it may be a piece of its own.
            rest = _row_neighbour(by_top[lo:hi], host, s, at_end, merged)
            _append_chars(host, s, at_end)
            merged.add(id(s))
            if rest is not None:
                _append_chars(host, rest, at_end)
                merged.add(id(rest))
            break
    return [ln for ln in lines if id(ln) not in merged]


def _row_neighbour(near: list[Line], host: Line, script: Line, after: bool, merged: set[int]) -> Line | None:
    """The piece of host's row that continues right after (or before) a sub/superscript."""
    for c in near:
        if c is host or c is script or id(c) in merged or abs(c.size - host.size) > 0.1 * host.size:
            continue
        if min(c.bottom, host.bottom) - max(c.top, host.top) < 0.5 * host.height:
            continue
        edge, side = (c.x0, script.x1) if after else (c.x1, script.x0)
        if -0.2 * host.size <= (edge - side if after else side - edge) <= 0.6 * host.size:
            return c
    return None


def _append_chars(host: Line, other: Line, at_end: bool) -> None:
    for name in ("text", "boxes", "families", "sizes"):
        a, b = getattr(host, name), getattr(other, name)
        setattr(host, name, a + b if at_end else b + a)
    host.x0, host.x1 = min(host.x0, other.x0), max(host.x1, other.x1)


# ---------------------------------------------------------------------------------------------- 3. margins


def _edge_rank(lines: list[Line]) -> dict[int, int]:
    """For each line, how many distinct rows lie between it and the top or bottom edge of the text (0 = outermost)."""
    if not lines:
        return {}
    row_tops: list[float] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        if not row_tops or ln.top > row_tops[-1] + 0.5 * ln.height:
            row_tops.append(ln.top)
    rank: dict[int, int] = {}
    n = len(row_tops)
    for ln in lines:
        r = bisect.bisect_right(row_tops, ln.top + 0.25 * ln.height) - 1
        rank[id(ln)] = min(r, n - 1 - r)
    return rank


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _margin_keys(lines: list[Line], rank: dict[int, int]) -> set[str]:
    """The texts (digits folded) of a page's outer rows: a line counts as running when its key is in the outer
    rows of several pages."""
    return {_margin_key(ln.string) for ln in lines if rank[id(ln)] <= 1}


def _repeat_min(n_pages: int) -> int:
    """On how many pages a margin text must stand to be a running header or footer."""
    return 2 if n_pages <= 4 else max(2, n_pages // 4)


def _drop_margins(lines: list[Line], extent: tuple[float, float], body_size: float, seen: Counter,
                  n_pages: int) -> list[Line]:
    """Remove running headers/footers, page numbers and jump marks from a page; ``seen`` counts the pages
    whose outer rows hold each margin key (_margin_keys) in a document of ``n_pages``."""
    rank = _edge_rank(lines)
    repeat_min = _repeat_min(n_pages)
    page_top, height = extent
    drop: set[int] = set()
    for k, ln in enumerate(lines):
        s = ln.string
        if _JUMP_MARK.match(s):
            drop.add(id(ln))
            continue
        inline = _JUMP_AT_END.search(s) or _JUMP_AT_START.match(s)
        if inline:  # keep the text, cut the mark (boxes stay aligned: the line is sliced)
            at_end = inline.end() == len(s)
            lo, hi = (0, inline.start()) if at_end else (inline.end(), len(s))
            lines[k] = ln = _slice_line(ln, lo, hi)
            ln.jump = 1 if at_end else 2
            rank[id(ln)] = 99  # an inner line now: a text line is never a running header
            s = ln.string
        if rank[id(ln)] > 1:
            continue
        in_top = ln.bottom - page_top < 0.12 * height
        in_bottom = ln.top - page_top > 0.85 * height
        if not (in_top or in_bottom):
            continue
        if _PAGE_NUMBER.match(s) or _CREDITS.match(s):
            drop.add(id(ln))
            continue
        # Running heads and mastheads are short, never end a sentence, and stand apart from the text
        # block; a page template repeated with other numbers (a bulletin's pages) is text, not a header.
        if len(s) > 40 or _ends_sentence(ln.text) or not _set_apart(ln, lines, in_top):
            continue
        if n_pages > 1 and seen[_margin_key(s)] >= repeat_min:
            drop.add(id(ln))
        elif in_top and _NEWSPAPER_HEADER.search(s):
            # A newspaper page header (paper, date, 第n版): drop the whole row it sits on.
            for other in lines:
                if rank[id(other)] <= 1 and other.top < ln.bottom and other.bottom > ln.top:
                    drop.add(id(other))
        elif in_top and rank[id(ln)] == 0 and _is_small_header(ln, lines, body_size):
            drop.add(id(ln))
    return [ln for ln in lines if id(ln) not in drop]


def _set_apart(line: Line, lines: list[Line], top: bool) -> bool:
    """Is the gap between a margin line and the nearest text on its inner side wider than line spacing?"""
    if top:
        inner = [ln for ln in lines if ln.top >= line.bottom]
        gap = min((ln.top for ln in inner), default=float("inf")) - line.bottom
        near = min(inner, key=lambda ln: ln.top, default=None)
    else:
        inner = [ln for ln in lines if ln.bottom <= line.top]
        gap = line.top - max((ln.bottom for ln in inner), default=float("-inf"))
        near = max(inner, key=lambda ln: ln.bottom, default=None)
    # Compared with the taller of the two lines (a big title below a small header counts only up to 1.5x),
    # text lines in a column are closer than a line height; a header stands a line or more apart.
    ref = max(line.height, min(near.height, 1.5 * line.height)) if near is not None else line.height
    return gap >= 0.9 * ref


def _is_small_header(line: Line, lines: list[Line], body_size: float) -> bool:
    """A running header on a page with no repeats to compare (a one-page document): the top row, set smaller
    than the body, with a clear gap below it (usually above a rule)."""
    if not body_size or line.size >= 0.9 * body_size:
        return False
    below = [ln.top for ln in lines if ln.top >= line.bottom]
    return not below or min(below) - line.bottom >= 1.5 * line.height


# ---------------------------------------------------------------------------------------------- 4. blocks


def _find_columns(lines: list[Line]) -> list[tuple[float, float]]:
    """Column intervals (left, right) of a page: (x0, x1) pairs shared by at least three full lines.

    Indented first lines (same right edge, left edge a few chars in) and lines with a hanging comma (right edge
    one char out) are variants of a stronger column and are folded into it.
    """
    lefts: Counter = Counter(round(ln.x0) for ln in lines)
    rights: Counter = Counter(round(ln.x1) for ln in lines)

    def frequent(edges: Counter, x: int) -> bool:
        return edges[x - 1] + edges[x] + edges[x + 1] >= 3

    # A full line starts at a left edge shared by 3+ lines and ends at a right edge shared by 3+ lines
    # (paragraph last lines share the left edge, indented first lines the right edge).
    counts: Counter = Counter()
    sizes = []
    for ln in lines:
        left, right = round(ln.x0), round(ln.x1)
        if len(ln.text) >= 4 and frequent(lefts, left) and frequent(rights, right):
            counts[(left, right)] += 1
            sizes.append(ln.size)
    if not counts:
        return []
    size = sorted(sizes)[len(sizes) // 2]
    cands: list[list[float]] = []
    for (left, right), n in sorted(counts.items(), key=lambda kv: -kv[1]):
        for c in cands:
            if abs(c[0] - left) <= 2 and abs(c[1] - right) <= 2:
                c[2] += n
                break
        else:
            cands.append([left, right, n])
    cands.sort(key=lambda c: -c[2])
    columns: list[tuple[float, float]] = []
    strength: list[float] = []
    for left, right, n in cands:
        # A column seen first through its indented first lines (same right edge, left edge 1-4 chars in)
        # widens to this left edge.
        widened = False
        for k, (cl, cr) in enumerate(columns):
            if 0.5 * size <= cl - left <= 4.5 * size and abs(right - cr) <= 1.5 * size:
                columns[k] = (float(left), cr)
                strength[k] += n
                widened = True
                break
        if widened:
            continue
        # Two columns' lines merged over a narrow gutter look like one wide line: a candidate holding two
        # stronger columns side by side is such a merge, not a column.
        inside = [k for k, (cl, cr) in enumerate(columns) if cl >= left - 2 and cr <= right + 2]
        if len(inside) >= 2 and n < min(strength[k] for k in inside):
            continue
        if any(
            -0.5 * size <= left - cl <= 4.5 * size and abs(right - cr) <= 1.5 * size for cl, cr in columns
        ):
            continue
        columns.append((float(left), float(right)))
        strength.append(n)
    return columns


def _assign_column(line: Line, columns: list[tuple[float, float]]) -> int:
    """Index of the narrowest column holding the line (a hanging comma may stick out), or -1 (spanning)."""
    best, best_width = -1, 0.0
    for k, (left, right) in enumerate(columns):
        if line.x0 >= left - 0.5 * line.size and line.x1 <= right + 1.5 * line.size:
            if best == -1 or right - left < best_width:
                best, best_width = k, right - left
    return best


@dataclass
class _PageBlock:
    lines: list[Line]
    edges: _Edges
    box: tuple[float, float, float, float]  # x0, top, x1, bottom used for ordering
    in_column: bool
    table: table_finder.FoundTable | None = None


def _page_blocks(lines: list[Line], tables: list[table_finder.FoundTable] = ()) -> list[_PageBlock]:
    """Column blocks (runs of lines of one column, cut where a spanning line crosses the column), one block per
    table (``tables``, whose chars are no longer in ``lines``) and blocks of the remaining free lines (titles,
    captions, lines of no detected column) chained by _chain_blocks."""
    columns = _find_columns(lines)
    members: list[list[Line]] = [[] for _ in columns]
    free: list[Line] = []
    for ln in lines:
        k = _assign_column(ln, columns)
        (members[k] if k >= 0 else free).append(ln)
    if columns and free:
        free = _split_at_gutters(free, columns, members)
    blocks: list[_PageBlock] = []
    for k, col in enumerate(members):
        if not col:
            continue
        left, right = columns[k]
        col.sort(key=lambda ln: ln.top)
        # lines of other columns overlapping this one (nested layouts) also cut it, like spanning lines
        crossing = free + [
            ln
            for j, other in enumerate(members)
            if j != k and min(columns[j][1], right) > max(columns[j][0], left)
            for ln in other
        ]
        crossing = [ln for ln in crossing if min(ln.x1, right) - max(ln.x0, left) > 0]
        run: list[Line] = [col[0]]
        for prev, ln in zip(col, col[1:], strict=False):
            cut = ln.top - prev.bottom > 4 * max(prev.height, ln.height) or any(
                c.top >= prev.bottom - 1 and c.bottom <= ln.top + 1 for c in crossing
            )
            if cut:
                blocks.append(_column_block(run, left, right))
                run = []
            run.append(ln)
        blocks.append(_column_block(run, left, right))
    for found in tables:
        blocks.append(_PageBlock([], _Edges(found.box[0], found.box[2]), found.box, False, found))
    chains = _chain_blocks(free)
    for chain, edges in zip(chains, _block_edges(chains, [b for b in blocks if b.table is None]), strict=False):
        box = (
            min(ln.x0 for ln in chain),
            min(ln.top for ln in chain),
            max(ln.x1 for ln in chain),
            max(ln.bottom for ln in chain),
        )
        blocks.append(_PageBlock(chain, edges, box, False))
    return blocks


def _take_tables(lines: list[Line], rules, page: int, ruled: bool) -> tuple[list[table_finder.FoundTable], list[Line]]:
    """The page's ruled (or unruled) tables (extract.read.tables) and its lines without their chars: a line
    wholly inside a table goes; one that reaches out of it keeps the chars outside, one line per run."""
    found = table_finder.find_tables(lines, rules, page, ruled=ruled, unruled=not ruled, describe=False)
    if not found:
        return [], lines
    used: dict[int, set[int]] = {}
    for f in found:
        for k, indices in f.used.items():
            used.setdefault(k, set()).update(indices)
    rest: list[Line] = []
    for k, ln in enumerate(lines):
        gone = used.get(k)
        if not gone:
            rest.append(ln)
            continue
        run_start = None
        for i in range(len(ln.text) + 1):
            keep = i < len(ln.text) and i not in gone
            if keep and run_start is None:
                run_start = i
            elif not keep and run_start is not None:
                rest.append(_slice_line(ln, run_start, i))
                run_start = None
    return found, rest


def _split_at_gutters(
    free: list[Line], columns: list[tuple[float, float]], members: list[list[Line]]
) -> list[Line]:
    """Split lines that run across a column gutter: a hanging full stop can shrink the gap between two columns'
    lines below the row-split threshold. Only body-sized lines are cut, at a gap where a column starts, so
    titles set across columns stay whole. Pieces that now fit a column join it."""
    sizes = sorted(ln.size for col in members for ln in col)
    if not sizes:
        return free
    column_size = sizes[len(sizes) // 2]
    lefts = sorted(left for left, _ in columns)
    rights = sorted(right for _, right in columns)
    out: list[Line] = []
    for ln in free:
        if ln.size > 1.25 * column_size:
            out.append(ln)
            continue
        cuts = []
        for i in range(1, len(ln.text)):
            x_prev_end, x_start = ln.boxes[i - 1][3], ln.boxes[i][1]
            gap = x_start - x_prev_end
            # The cut must sit in a gutter: the text before it ends at a column's right edge (give or take a
            # hanging comma) and the text after it starts at the next column's left edge.
            if (
                gap >= 0.2 * ln.size
                and any(abs(x_start - left) <= 0.3 * ln.size for left in lefts)
                and any(-0.5 * ln.size <= x_prev_end - right <= 1.5 * ln.size for right in rights)
            ):
                cuts.append(i)
        if not cuts:
            out.append(ln)
            continue
        bounds = [0, *cuts, len(ln.text)]
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            piece = _slice_line(ln, lo, hi)
            k = _assign_column(piece, columns)
            (members[k] if k >= 0 else out).append(piece)
    return out


def _slice_line(line: Line, lo: int, hi: int) -> Line:
    boxes = line.boxes[lo:hi]
    sizes = line.sizes[lo:hi]
    return Line(
        page=line.page,
        x0=min(b[1] for b in boxes),
        top=min(b[2] for b in boxes),
        x1=max(b[3] for b in boxes),
        bottom=max(b[4] for b in boxes),
        size=sorted(sizes)[len(sizes) // 2],
        text=line.text[lo:hi],
        boxes=boxes,
        families=line.families[lo:hi],
        sizes=sizes,
        body=line.body[lo:hi],
    )


def _column_block(run: list[Line], left: float, right: float) -> _PageBlock:
    box = (
        min(left, min(ln.x0 for ln in run)),
        min(ln.top for ln in run),
        max(right, max(ln.x1 for ln in run)),
        max(ln.bottom for ln in run),
    )
    return _PageBlock(run, _Edges(left, right), box, True)


def _ordered_blocks(blocks: list[_PageBlock], style: _Style) -> list[_PageBlock]:
    """Reading order of a page's blocks.

    Free blocks above every column (the title matter of a page, which need not overlap the first column) come
    first; then Breuel's order. Captions are left out of the order (a photo across two columns mid-page must
    not make the columns read row-wise) and put back after the nearest block above them, or before the first
    block below them.
    """
    asides = [b for b in blocks if not b.in_column and b.table is None and all(_is_aside(ln, style) for ln in b.lines)]
    aside_ids = {id(b) for b in asides}
    flow = [b for b in blocks if id(b) not in aside_ids]
    column_tops = [b.box[1] for b in flow if b.in_column]
    first_top = min(column_tops) if column_tops else float("inf")
    band = [b for b in flow if not b.in_column and b.box[3] <= first_top + 1]
    rest = [b for b in flow if b.in_column or b.box[3] > first_top + 1]
    out: list[_PageBlock] = []
    for group in (band, rest):
        out.extend(group[k] for k in _reading_order([b.box for b in group]))
    for aside in sorted(asides, key=lambda b: b.box[1]):
        out.insert(_aside_position(out, aside.box), aside)
    return out


def _aside_position(ordered: list[_PageBlock], box: tuple[float, float, float, float]) -> int:
    x0, top, x1, bottom = box

    def overlaps(b: _PageBlock) -> bool:
        return min(b.box[2], x1) - max(b.box[0], x0) > 0

    above = [k for k, b in enumerate(ordered) if b.box[3] <= top + 1 and overlaps(b)]
    if above:
        return max(above, key=lambda k: ordered[k].box[3]) + 1
    below = [k for k, b in enumerate(ordered) if b.box[1] >= bottom - 1 and overlaps(b)]
    return min(below) if below else len(ordered)


def _chain_blocks(lines: list[Line]) -> list[list[Line]]:
    """Chain each line to the one line directly below it in the same column (and only if that line has only it
    directly above). A line under a spanning title or caption has several neighbours and starts a new block."""
    lines = sorted(lines, key=lambda ln: ln.top)
    n = len(lines)
    below: list[list[int]] = [[] for _ in range(n)]
    above: list[list[int]] = [[] for _ in range(n)]
    for i, a in enumerate(lines):
        reach = a.bottom + 1.5 * a.height
        for j in range(i + 1, n):
            b = lines[j]
            if b.top > reach:
                break
            if b.top < a.bottom - 0.3 * min(a.height, b.height):
                continue  # same row or overlapping: not below
            if min(a.x1, b.x1) - max(a.x0, b.x0) <= 0:
                continue
            if b.top - a.bottom > 1.2 * min(a.height, b.height):
                continue
            below[i].append(j)
            above[j].append(i)
    nearest_below = [_nearest(lines, cands, lambda ln: ln.top, min) for cands in below]
    nearest_above = [_nearest(lines, cands, lambda ln: -ln.bottom, min) for cands in above]
    nxt = [-1] * n
    has_prev = [False] * n
    for i in range(n):
        nb = nearest_below[i]
        if len(nb) == 1 and nearest_above[nb[0]] == [i]:
            nxt[i] = nb[0]
            has_prev[nb[0]] = True
    blocks = []
    for i in range(n):
        if has_prev[i]:
            continue
        chain = []
        j = i
        while j != -1:
            chain.append(lines[j])
            j = nxt[j]
        blocks.append(chain)
    return blocks


def _nearest(lines: list[Line], cands: list[int], key, pick) -> list[int]:
    if not cands:
        return []
    best = pick(key(lines[j]) for j in cands)
    tol = 0.5 * min(lines[j].height for j in cands)
    return [j for j in cands if abs(key(lines[j]) - best) <= tol]


# ---------------------------------------------------------------------------------------------- 5. order


def _reading_order(boxes: list[tuple[float, float, float, float]]) -> list[int]:
    """Indices of the (x0, top, x1, bottom) boxes in reading order (Breuel 2003, applied to blocks).

    a comes before b if they overlap horizontally and a is above b, or a lies wholly left of b and no box c
    overlapping both horizontally lies vertically between them (a spanning title/caption between two articles).
    """
    n = len(boxes)
    if n <= 1:
        return list(range(n))
    if n > 250:  # tables with hundreds of cells: the cubic test costs too much; rows then columns
        return sorted(range(n), key=lambda i: (round(boxes[i][1]), boxes[i][0]))
    # Each relation is a row of bits (bit c of below[i]: c lies below i), so "some box between i and j that
    # overlaps both" is one AND of four ints per pair instead of a cube of booleans (and no numpy to import).
    tol = 1.0
    x0 = [float(b[0]) for b in boxes]
    top = [float(b[1]) for b in boxes]
    x1 = [float(b[2]) for b in boxes]
    bottom = [float(b[3]) for b in boxes]
    overlap = [[min(x1[i], x1[j]) - max(x0[i], x0[j]) > tol for j in range(n)] for i in range(n)]
    above = [[bottom[i] <= top[j] + tol for j in range(n)] for i in range(n)]  # above[i][j]: i lies above j
    overlap_bits = [_bits(row) for row in overlap]
    below_bits = [_bits(row) for row in above]  # bit c of below_bits[i]: c lies below i
    above_bits = [_bits([above[c][j] for c in range(n)]) for j in range(n)]  # bit c: c lies above j
    before = [[False] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            if overlap[i][j] and above[i][j]:
                before[i][j] = True
            elif x1[i] <= x0[j] + tol:  # i wholly left of j: unless a box between them overlaps both
                between = (below_bits[i] & above_bits[j]) | (below_bits[j] & above_bits[i])
                before[i][j] = not (between & overlap_bits[i] & overlap_bits[j])
    return _topological(before, top, x0)


def _bits(flags: list[bool]) -> int:
    """The int whose bit k is flags[k]."""
    return sum(1 << k for k, flag in enumerate(flags) if flag)


def _topological(before: list[list[bool]], top: list[float], x0: list[float]) -> list[int]:
    n = len(before)
    indegree = [sum(before[i][j] for i in range(n)) for j in range(n)]
    placed = [False] * n
    order: list[int] = []
    rank = sorted(range(n), key=lambda i: (top[i], x0[i]))
    for _ in range(n):
        ready = [i for i in rank if not placed[i] and indegree[i] == 0]
        # A cycle (overlapping boxes) leaves nothing ready: take the topmost box with fewest predecessors.
        pick = ready[0] if ready else min((i for i in rank if not placed[i]), key=lambda i: indegree[i])
        placed[pick] = True
        order.append(pick)
        row = before[pick]
        for j in range(n):
            if row[j]:
                indegree[j] -= 1
    return order


# ---------------------------------------------------------------------------------------------- 6. paragraphs


@dataclass
class _Style:
    family: str
    size: float
    # Other (family, size) pairs that also carry a large share of the text (a supplement whose pages use two
    # body sizes): text in them is body too, not a run of headings.
    also: tuple[tuple[str, float], ...] = ()
    memo: dict = field(default_factory=dict)

    def is_body(self, family: str, size: float) -> bool:
        key = (family, size)
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = any(
                family == f and abs(size - z) <= 0.04 * z for f, z in ((self.family, self.size), *self.also)
            )
        return hit


def _count_styles(counts: Counter, lines: list[Line]) -> None:
    """Add the (font family, size) of every char of ``lines`` to ``counts`` (for _body_style)."""
    for ln in lines:
        # All chars, counted in C; digits and latin in another font are a minority in Chinese text.
        counts.update(zip(ln.families, ln.sizes, strict=True))


def _body_style(counts: Counter) -> _Style:
    """The (font family, size) most chars of the document are set in (``counts`` from _count_styles), and any
    other style of similar size holding at least a fifth of the text."""
    if not counts:
        return _Style("", 0.0)
    rounded: Counter = Counter()
    for (fam, size), n in counts.items():
        rounded[(fam, round(size * 2) / 2)] += n
    ranked = rounded.most_common()
    (fam, size), _ = ranked[0]
    total = sum(rounded.values())
    also = tuple(
        (f, z) for (f, z), n in ranked[1:] if n >= max(150, 0.2 * total) and abs(z - size) <= 0.15 * size
    )
    return _Style(fam, size, also)


def _mark_body_chars(line: Line, style: _Style) -> None:
    """Per char: in the body style? Judged on CJK chars; digits/latin (often another font) follow their
    neighbours. A title one point larger than the body in the same font is not body."""
    is_body = style.is_body
    families, sizes = line.families, line.sizes
    if len(set(families)) == 1 and len(set(sizes)) == 1:  # most lines: one style, judged once
        body = is_body(families[0], sizes[0])
        flags: list[bool | None] = [body if "\u3400" <= t <= "\u9fff" else None for t in line.text]
    else:
        flags = [is_body(f, s) if "\u3400" <= t <= "\u9fff" else None
                 for t, f, s in zip(line.text, families, sizes, strict=True)]
    if None not in flags:
        line.body = flags  # type: ignore[assignment]
        return
    if all(f is None for f in flags):  # no CJK at all: judge by size alone (latin is often in another font)
        sizes = [style.size] + [z for _, z in style.also]
        line.body = [any(abs(s - z) <= 0.04 * z for z in sizes) for s in line.sizes]
        return
    last: bool | None = None
    for k, f in enumerate(flags):
        if f is None:
            flags[k] = last
        else:
            last = f
    nxt: bool | None = None
    for k in range(len(flags) - 1, -1, -1):
        if flags[k] is None:
            flags[k] = nxt
        else:
            nxt = flags[k]
    line.body = [bool(f) for f in flags]


@dataclass
class _Edges:
    left: float
    right: float


def _block_edges(chains: list[list[Line]], column_blocks: list) -> list[_Edges]:
    """Edges of each free chain; short chains borrow the edges of the nearest tall block of their column."""
    edges = [_Edges(min(ln.x0 for ln in b), max(ln.x1 for ln in b)) for b in chains]
    tall = [(e, b) for e, b in zip(edges, chains, strict=False) if len(b) >= 3] + [
        (b.edges, b.lines) for b in column_blocks
    ]
    for k, b in enumerate(chains):
        if len(b) >= 3 or not tall:
            continue
        x0, x1 = edges[k].left, edges[k].right
        top = b[0].top
        best = None
        for e, lines in tall:
            if min(x1, e.right) - max(x0, e.left) < 0.7 * (x1 - x0):
                continue
            dist = min(abs(lines[0].top - top), abs(lines[-1].bottom - top))
            if best is None or dist < best[0]:
                best = (dist, e)
        if best is not None:
            e = best[1]
            edges[k] = _Edges(min(e.left, x0), max(e.right, x1))
    return edges


def _ends_paragraph(a: Line, ea: _Edges, b: Line, eb: _Edges) -> bool:
    """Does a paragraph end between line a and the next line b (in reading order)?"""
    a_body, b_body = a.body[-1], b.body[0]
    if a_body != b_body:
        return True
    size = max(a.size, b.size)
    if abs(a.size - b.size) > 0.04 * size:
        return True
    if _is_numbered(b.string) and _ends_sentence(a.text):
        return True  # "二、……" after a finished sentence: a numbered head or item, even without indent
    if not b_body:
        # Heading/title lines: consecutive lines in one style are one heading (two-line section heads),
        # unless the next line starts its own numbered head.
        if _is_numbered(b.string):
            return True
        indent, right_margin = b.x0 - eb.left, eb.right - b.x1
        if indent > 0.8 * b.size and abs(indent - right_margin) > 1.5 * b.size:
            return True  # an indented, not centred line starts a paragraph (a run-in head after a head line)
        return b.page != a.page or b.top - a.bottom > 2.5 * size
    if a.jump == 1 or b.jump == 2:
        return False  # the text was marked to go on (下转) or to come from elsewhere (上接)
    if b.x0 - eb.left > 0.8 * b.size:
        return True  # indented first line
    if ea is eb and b.page == a.page and b.top - a.bottom > 1.5 * a.height:
        return True  # a blank line between two lines of one column block (paragraphs set without indent)
    shortfall = ea.right - a.x1
    # A short last line ends a paragraph. Lines also fall short by a char or two when the next word may not
    # be split (an opening quote, a number): then only a line ending a sentence counts.
    if shortfall > 4.5 * a.size or (shortfall > 1.2 * a.size and _ends_sentence(a.text)):
        return True
    return False


def _is_numbered(text: str) -> bool:
    """Starts with a heading's numbering (一、 （一） 1. （1）)."""
    return heading_level(text) != UNNUMBERED_LEVEL


@dataclass
class _Para:
    lines: list[Line]
    edges: _Edges | None = None  # column edges of the first line
    table: table_finder.FoundTable | None = None  # a table: no lines, one Block of kind "table"


def _is_aside(line: Line, style: _Style) -> bool:
    return line.aside


def _mark_asides(lines: list[Line], style: _Style) -> None:
    """Mark photo captions: lines not in body style that are set smaller than the body, or that sit in body
    size under a tall empty space (the photo) with text further up, and the lines that continue them.

    An aside can sit between two halves of a paragraph (a caption under a photo between two columns): the
    paragraph flow goes around it.
    """
    if not style.size:
        return
    candidates = sorted((ln for ln in lines if not any(ln.body)), key=lambda ln: ln.top)
    by_bottom = sorted(lines, key=lambda ln: ln.bottom)
    bottoms = [ln.bottom for ln in by_bottom]
    for ln in candidates:
        if ln.size < 0.92 * style.size:
            ln.aside = True
            continue
        if ln.size > 1.04 * style.size or _is_numbered(ln.string):
            continue
        above = _line_above(ln, by_bottom, bottoms)
        if above is None:
            continue
        gap = ln.top - above.bottom
        if gap >= 4 * ln.height:
            ln.aside = True
        elif (
            above.aside
            and gap < 1.5 * ln.height
            and above.size == ln.size
            and above.families[0] == ln.families[0]
        ):
            ln.aside = True  # the next line of a caption


def _line_above(line: Line, by_bottom: list[Line], bottoms: list[float]) -> Line | None:
    """The nearest line above ``line`` that overlaps it horizontally (lines sorted by bottom)."""
    k = bisect.bisect_right(bottoms, line.top + 0.3 * line.height)
    while k > 0:
        k -= 1
        other = by_bottom[k]
        if other is not line and min(other.x1, line.x1) - max(other.x0, line.x0) > 0:
            return other
    return None


def _paragraphs(ordered: Iterable[tuple[Line | table_finder.FoundTable, _Edges]], style: _Style) -> Iterator[_Para]:
    """The paragraphs of the lines in reading order, in the order they start, each given once no line can join
    it any more (an aside's paragraph that starts inside a paragraph of the flow waits for that one): a long
    document's lines need not all be held."""
    started: deque[_Para] = deque()  # in the order they started; given from the front once closed
    flow_para: _Para | None = None  # the paragraph the flow's next line may join
    aside_para: _Para | None = None  # the caption the next aside line may join
    prev: tuple[Line, _Edges] | None = None  # last line of the flow (asides excluded)
    prev_aside: Line | None = None
    for line, edges in ordered:
        if isinstance(line, table_finder.FoundTable):  # a table stands apart from the paragraphs around it
            started.append(_Para([], None, line))
            prev, flow_para = None, None
        elif _is_aside(line, style):
            if aside_para is None or prev_aside is None or _ends_paragraph(prev_aside, edges, line, edges):
                aside_para = _Para([line], edges)
                started.append(aside_para)
            else:
                aside_para.lines.append(line)
            prev_aside = line
        else:
            prev_aside = None
            aside_para = None
            if prev is None or flow_para is None or _ends_paragraph(prev[0], prev[1], line, edges):
                flow_para = _Para([line], edges)
                started.append(flow_para)
            else:
                flow_para.lines.append(line)
            prev = (line, edges)
        while started and started[0] is not flow_para and started[0] is not aside_para:
            yield started.popleft()
    yield from started


def _join(lines: list[Line]) -> tuple[list[str], Boxes, list[bool], list[float]]:
    text: list[str] = []
    boxes = Boxes()
    body: list[bool] = []
    sizes: list[float] = []
    prev: Line | None = None
    for ln in lines:
        if (
            prev is not None
            and prev.page == ln.page
            and ln.top < prev.bottom
            and ln.bottom > prev.top
            and ln.x0 - prev.x1 > 0.5 * ln.size
        ):
            # Two pieces of one row joined (a spaced title): keep the visible gap as a space without a box.
            text.append(" ")
            boxes.append(None)
            body.append(ln.body[0])
            sizes.append(ln.size)
        gaps = _word_gaps(ln)
        if not gaps:
            text.extend(ln.text)
            boxes.extend(ln.boxes)
            body.extend(ln.body)
            sizes.extend(ln.sizes)
        else:
            for k, (ch, box, flag, size) in enumerate(zip(ln.text, ln.boxes, ln.body, ln.sizes, strict=True)):
                if k in gaps:
                    text.append(" ")
                    boxes.append(None)
                    body.append(flag)
                    sizes.append(size)
                text.append(ch)
                boxes.append(box)
                body.append(flag)
                sizes.append(size)
        prev = ln
    return text, boxes, body, sizes


def _word_gaps(line: Line) -> set[int]:
    """Indices of latin chars that follow a visible word space (the PDF's space glyphs are not passed on):
    "ANHUI ANLI". Only between two ASCII chars, so Chinese justification gaps never count."""
    gaps = set()
    text, boxes = line.text, line.boxes
    for k in range(1, len(text)):
        a, b = text[k - 1], text[k]
        # digits spaced out in form cells ("4 4 0 6") are one number: never split digit from digit
        if (
            a < "\x80"
            and b < "\x80"
            and b.isalnum()
            and not (a.isdigit() and b.isdigit())
            and boxes[k][1] - boxes[k - 1][3] > 0.22 * line.sizes[k]
        ):
            gaps.add(k)
    return gaps


def _split_run_in_heading(text: list[str], body: list[bool]) -> int:
    """Length of a run-in heading that opens a body paragraph ("（一）强化创新驱动发展。" in 楷体, then 仿宋),
    or 0. The heading must end at sentence punctuation so an emphasised phrase mid-sentence does not count."""
    if not text or body[0]:
        return 0
    k = 0
    while k < len(body) and not body[k]:
        k += 1
    if k >= len(body) or k < 2:
        return 0
    if text[k - 1] in _SENTENCE_END or _is_numbered("".join(text[:k])):
        return k
    return 0


def _classify(
    text: str, body_flags: list[bool], sizes: list[float], style: _Style, page: int, front: bool, aside: bool
) -> str:
    """The kind of a paragraph: body, heading, title or caption."""
    numbered = _is_numbered(text)
    n_body = sum(body_flags)
    if n_body * 2 >= len(body_flags):
        # Body-style text is a heading only when it is a short numbered line without a full stop.
        if numbered and len(text) <= 40 and "。" not in text:
            return "heading"
        return "body"
    size = sorted(sizes)[len(sizes) // 2] if sizes else style.size
    if aside:
        return "caption"
    if not numbered and (front or (page <= 1 and style.size and size >= 1.5 * style.size)):
        return "title"
    if len(text) > 80:
        return "body"
    return "heading"


def _is_centred_line(para: _Para) -> bool:
    """One line, centred in its column, not ending a sentence (subtitle, author, date line)."""
    if len(para.lines) != 1 or para.edges is None:
        return False
    ln, e = para.lines[0], para.edges
    left, right = ln.x0 - e.left, e.right - ln.x1
    return (
        left > 1.5 * ln.size
        and right > 1.5 * ln.size
        and abs(left - right) < 2 * ln.size
        and not (_ends_sentence(ln.text))
    )


def _split_title_matter(paras: Iterable[_Para]) -> Iterator[_Para]:
    """Split the page-1 title matter before the first body paragraph into its lines where a line is short and
    centred ("——2026年2月5日在……会议上" / "省人民政府省长 王清宪"): those are separate items, where a long
    title wrapped onto two lines fills its first line."""
    in_front = True
    for para in paras:
        lines = para.lines
        if para.table is not None:
            yield para
            continue
        if in_front and any(any(ln.body) for ln in lines):
            in_front = False
        if not in_front or lines[0].page > 1 or len(lines) < 2 or para.edges is None:
            yield para
            continue
        width = para.edges.right - para.edges.left
        group: list[Line] = []
        for ln in lines:
            if group and group[-1].x1 - group[-1].x0 < 0.75 * width and ln.top > group[-1].bottom:
                yield _Para(group, para.edges)
                group = []
            group.append(ln)
        yield _Para(group, para.edges)


def _blocks_from_paragraphs(paras: Iterable[_Para], style: _Style) -> list[Block]:
    out: list[Block] = []
    front = True  # page-1 material before the first body paragraph is the title page matter
    for para in _split_title_matter(paras):
        if para.table is not None:
            out.append(table_block(para.table.table))
            continue
        text, boxes, body, sizes = _join(para.lines)
        page = para.lines[0].page
        cut = _split_run_in_heading(text, body)
        pieces = [(0, cut), (cut, len(text))] if cut else [(0, len(text))]
        for lo, hi in pieces:
            if lo == hi:
                continue
            s = "".join(text[lo:hi]).strip()
            if not s:
                continue
            aside = all(ln.aside for ln in para.lines)
            kind = _classify(s, body[lo:hi], sizes[lo:hi], style, page, front and page <= 1, aside)
            if kind == "body" and front and page <= 1 and _is_centred_line(para):
                kind = "title"  # a centred line in body type before the text starts: subtitle, author
            if kind == "body":
                front = False
            # Keep text and boxes aligned: strip only the spaces we added (they carry no box) at the ends.
            t, b = text[lo:hi], boxes[lo:hi]
            while t and t[0] == " " and b[0] is None:
                t, b = t[1:], b[1:]
            while t and t[-1] == " " and b[-1] is None:
                t, b = t[:-1], b[:-1]
            out.append(Block(text="".join(t), boxes=b, kind=kind))
    return out


# ---------------------------------------------------------------------------------------------- public


# Pages after the first PACK_AFTER_PAGES wait for the second pass pickled. The second pass needs the body style
# and the running heads of all pages, so a long document's lines were all held at once: ~100 bytes a char as
# objects (5,000 pages: 300 MB), ~45 pickled. Shorter documents never pay for the pickling.
PACK_AFTER_PAGES = 100


@dataclass
class _ReadPage:
    """A page between the two passes: its lines (ruled tables taken out; pickled when packed), its rules, the
    tables found on it and its box's (top, height)."""

    lines: list[Line] | bytes | None
    rules: list
    tables: list[table_finder.FoundTable]
    extent: tuple[float, float]

    def take_lines(self) -> list[Line]:
        """The lines, unpacked; the page keeps none (the second pass takes each page once)."""
        lines, self.lines = self.lines, None
        return pickle.loads(lines) if isinstance(lines, bytes) else lines or []


def _ordered_lines(read: list[_ReadPage], style: _Style, seen: Counter) -> Iterator[tuple]:
    """The second pass, a page at a time: margins dropped, body chars and asides marked, unruled tables found,
    and each page's lines and tables given in reading order with their column edges."""
    for page in read:
        lines = _drop_margins(page.take_lines(), page.extent, style.size, seen, len(read))
        for ln in lines:
            _mark_body_chars(ln, style)
        _mark_asides(lines, style)
        unruled, lines = _take_tables(lines, page.rules, lines[0].page if lines else 0, False)
        page.tables.extend(unruled)
        table_finder.describe_tables(page.tables, lines)
        for block in _ordered_blocks(_page_blocks(lines, page.tables), style):
            if block.table is not None:
                yield block.table, block.edges
            yield from ((ln, block.edges) for ln in block.lines)


def document_from_pages(pages: Iterable, path: str = "") -> Document:
    """A Document from pages of plain char dicts (extract.read.pdf.PageChars): pure, so tests can feed made-up chars.

    Two passes: the first reads each page into lines and counts what needs the whole document (the body style,
    the texts in the pages' margins); the second lays out a page at a time and joins paragraphs across pages."""
    read: list[_ReadPage] = []
    styles: Counter = Counter()  # (family, size) of every char, margins and tables included: _body_style
    seen: Counter = Counter()  # margin key -> pages whose outer rows hold it: _drop_margins
    warnings: list[str] = []
    duplicates = total = 0
    ocr_pages: list[int] = []
    confidence: dict[tuple[int, float, float], float] = {}  # (page, x0, top) of an OCR char -> its confidence
    for page in pages:
        bbox = getattr(page, "bbox", None) or (0.0, 0.0, page.width, page.height)
        if getattr(page, "ocr", False):
            ocr_pages.append(page.page_number)
            confidence.update(((page.page_number, c["x0"], c["top"]), c["confidence"]) for c in page.chars)
        chars = _prepare_chars(page.chars, bbox)
        chars, dropped = _drop_duplicate_glyphs(chars)
        duplicates += dropped
        total += len(chars) + dropped
        lines = _page_lines(chars, page.page_number, getattr(page, "spaces", ()))
        _count_styles(styles, lines)  # before margins go: they are a few chars and rarely in body style
        rules = getattr(page, "rules", None) or []
        # Ruled tables before the margins: a table's last row of numbers is not a column of page numbers.
        found, lines = _take_tables(lines, rules, lines[0].page if lines else 0, True)
        seen.update(_margin_keys(lines, _edge_rank(lines)))
        packed = pickle.dumps(lines, pickle.HIGHEST_PROTOCOL) if len(read) >= PACK_AFTER_PAGES else lines
        read.append(_ReadPage(packed, rules, found, (bbox[1], bbox[3] - bbox[1])))
    if total and duplicates >= max(20, 0.05 * total):
        warnings.append(
            f"text layer looks doubled (fake bold): {duplicates} repeated glyphs of {total} dropped"
        )

    style = _body_style(styles)
    blocks = _blocks_from_paragraphs(_paragraphs(_ordered_lines(read, style, seen), style), style)
    table_finder.link_continuations([page.tables for page in read])
    if confidence:
        for block in blocks:
            if any(b is not None and b[0] in ocr_pages for b in block.boxes):
                block.confidence = [1.0 if b is None else confidence.get((b[0], b[1], b[2]), 1.0)
                                    for b in block.boxes]
    return Document(path=path, n_pages=len(read), blocks=blocks, warnings=warnings, ocr_pages=ocr_pages)


def document_from_text(text: str, path: str = "") -> Document:
    """A Document from plain text (one block per non-empty line; no boxes). For tests and text-only inputs."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        kind = "heading" if heading_level(line) in (1, 2) else "body"
        blocks.append(Block(text=line, boxes=[None] * len(line), kind=kind))
    return Document(path=path, n_pages=0, blocks=blocks)
