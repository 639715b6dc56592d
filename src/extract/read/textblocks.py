"""Rules shared by the readers of formats without pages (web pages, text files, Word documents): cleaning a
run of text, telling page furniture from text, joining lines into paragraphs, and the kind of a paragraph
(heading, title, caption, body) when the format says nothing or too little about it.

Blocks of these formats carry no boxes: ``Block.boxes`` is ``[None] * len(text)``; their place is the block's
number in reading order (``para N``) and the character offsets in ``Document.text``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from extract.model import UNNUMBERED_LEVEL, Block, Cell, Table, heading_level
from extract.normalize import normalize_text

SENTENCE_END = "。：:；;！？!?"
CLOSERS = "”’）)】》」"
# "— 3 —", "- 3 -", "第3页", "第 3 页 共 10 页", "3/10", "Page 3 of 9": a page number printed as text.
PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~·\s]*\d{1,4}[-—–－~·\s]*|第\s*\d{1,4}\s*[页版](?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|-\s*\d+\s*-|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
# A heading is short; a numbered line longer than this, or with a full stop, is a paragraph with a run-in head.
MAX_HEADING_CHARS = 40
# Furniture lines are short: a longer line is text even if it starts like one.
MAX_FURNITURE_CHARS = 120

# Lines made only of page tools: 打印 关闭 【字号 大 中 小】 分享到 …
_TOOL_WORDS = (
    r"打印本页|打印此页|打印文章|打印|关闭本页|关闭窗口|关闭|返回顶部|返回列表|返回首页|返回|收藏本页|收藏|加入收藏|"
    r"分享到|分享|转发|推荐给朋友|字号|字体|默认|繁體|繁体|简体|扫一扫|在手机打开|手机扫码|微信|微博|QQ空间|QQ|朋友圈|"
    r"纠错|我要纠错|保存|复制链接|阅读模式|视力保护色|无障碍|适老化|下载|全屏|退出全屏|加大|减小|放大|缩小|还原|重置|"
    r"大|中|小|A\+|A-|\[|\]|【|】|\||/|：|:|>|<|、|，|,"
)
_TOOLS_ONLY = re.compile(rf"^(?:{_TOOL_WORDS}|\s)+$")
# Labels that open a page's metadata, breadcrumb or site footer line.
_META_LABEL = re.compile(
    r"^[【\[]?\s*(?:信息来源|文章来源|稿件来源|来源|发布时间|发布日期|发文日期|成文日期|更新时间|时间|日期|发布机构|发文机关|"
    r"发布单位|索引号|文号|发文字号|浏览次数|阅读次数|访问次数|浏览量|阅读量|点击数|点击率|点击|作者|责任编辑|编辑|责编|审核|"
    r"校对|录入|供稿|分类|主题分类|主题词|公开方式|公开范围|公开日期|有效性|所属机构|当前位置|您的位置|您现在的位置|"
    r"位置|主办单位|主办|承办单位|承办|协办单位|技术支持|联系电话|联系我们|网站标识码|网站地图|版权所有|上一篇|下一篇|"
    r"上一条|下一条|相关链接|相关文章|相关新闻|相关报道|相关专题|相关阅读|相关信息|相关文件|相关稿件|推荐阅读|热点推荐|延伸阅读|附件)\s*[】\]]?\s*[：:]"
)
_SITE_LINE = re.compile(
    r"ICP\s*备|ICP证|公网安备|网站标识码|版权所有|Copyright|©|建议使用.{0,20}浏览器|分辨率|^(?:首页|主页)\s*[>＞»/]"
    r"|^(?:上一篇|下一篇|相关链接|相关文章|相关新闻|相关报道|推荐阅读|阅读全文|展开全文|点击查看全文|点击展开|查看更多|更多>*|"
    r"【?打印】?|【?关闭】?)$|点击关注|扫描二维码|扫码关注|关注微信公众号|了解更多.{0,12}请浏览|请浏览.{0,12}库"
)
_BREADCRUMB = re.compile(r"(?:[>＞»]|-->>)")
# A date or time alone (2026-01-26 17:23:05, 2026年5月8日), a jump mark of a newspaper page ((下转08版)).
_DATE_LINE = re.compile(r"^[(（]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[)）]?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_JUMP_MARK = re.compile(r"^[（(]\s*(?:上接|下转|紧接|接|转)(?:第?\s*[\d一二三四五六七八九十]+\s*[版页]|[^）)]{0,12}[版页])\s*[）)]$")


def clean_inline(text: str) -> str:
    """One run of text as a reader sees it: the one character fold (full-width digits, Kangxi radicals), zero-
    width characters and escaped ``&nbsp;`` left in the text dropped, every run of white space (ASCII,
    &nbsp; U+00A0, full-width U+3000) squeezed to one space, and that space dropped unless it separates two
    ASCII letters or digits ("GDP 增长" -> "GDP增长", "达到 287.9亿元" -> "达到287.9亿元", "5 000" stays)."""
    text = normalize_text(text.replace("&nbsp;", " ").replace("&ensp;", " ").replace("&emsp;", " "))
    text = _ZERO_WIDTH.sub("", text)
    return _SPACE_RUN.sub(_keep_space, text).strip()


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RUN = re.compile(r"[\s\u00a0\u3000\u2002\u2003\u2009\u202f]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def _keep_space(match: re.Match) -> str:
    s, start, end = match.string, match.start(), match.end()
    before = s[start - 1] if start else ""
    after = s[end] if end < len(s) else ""
    return " " if before and after and _ASCII_WORD.match(before) and _ASCII_WORD.match(after) else ""


# Text dumped from a PDF into a web page or text file: section heads run into the text, set off by a space
# ("。 八、财政金融 全年一般公共预算收入…"), and page numbers left between sentences (" —10— ").
_RUN_IN_HEAD = re.compile(r"(?:^|(?<=[。；！？!?]))[\s\u3000\xa0]*([一二三四五六七八九十]{1,3}、[^\s\u3000\xa0。，；：:,]{2,16})"
                          r"[\s\u3000\xa0]+(?=\S)")
_INLINE_PAGE_NUMBER = re.compile(r"(?<=\s)[—－-]{1,2}\s?\d{1,3}\s?[—－-]{1,2}(?=\s|$)")


def split_run_in_heads(raw: str) -> list[tuple[str, bool]]:
    """A raw line cut before and after each section head that runs into the text with a space after it (a PDF
    dumped to text); (piece, is_head) in order. Inline page numbers ("—3—" between spaces) are dropped."""
    raw = _INLINE_PAGE_NUMBER.sub(" ", raw)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in _RUN_IN_HEAD.finditer(raw):
        if raw[at:match.start()].strip():
            pieces.append((raw[at:match.start()], False))
        pieces.append((match.group(1), True))
        at = match.end()
    if raw[at:].strip() or not pieces:
        pieces.append((raw[at:], False))
    return pieces


def join_pieces(pieces: Iterable[str]) -> str:
    """Pieces of one cell or heading printed on separate lines ("地区生" / "产总值" / "（亿元）"), joined: with no
    space, except between two ASCII letters or digits."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(piece[0]):
            out += " "
        out += piece
    return out


def ends_sentence(text: str) -> bool:
    """The text ends a sentence: 。！？：； or …, possibly followed by a closing quote/bracket (“……。”)."""
    k = len(text) - 1
    while k > 0 and text[k] in CLOSERS:
        k -= 1
    return k >= 0 and (text[k] in SENTENCE_END or text[k] == "…")


def is_furniture(text: str) -> bool:
    """A line that belongs to the page, not the document: page tools (打印 关闭 【字号 大 中 小】), metadata and
    breadcrumbs (来源：… 发布时间：…, 当前位置：首页 > …), site footers (版权所有, ICP备), page numbers."""
    s = text.strip()
    if not s:
        return True
    if len(s) > MAX_FURNITURE_CHARS:
        return False
    if (PAGE_NUMBER.match(s) or _TOOLS_ONLY.match(s) or _META_LABEL.match(s) or _SITE_LINE.search(s)
            or _DATE_LINE.match(s) or _JUMP_MARK.match(s)):
        return True
    # 首页 > 政务公开 > 统计数据: a breadcrumb has two or more separators and no sentence
    return len(_BREADCRUMB.findall(s)) >= 2 and not ends_sentence(s) and "。" not in s


def is_heading_line(text: str) -> bool:
    """A short numbered line without a full stop (一、综合; （二）城市建设取得新进展; 1.农业)."""
    return (heading_level(text) != UNNUMBERED_LEVEL and len(text) <= MAX_HEADING_CHARS and "。" not in text
            and not text.endswith(("；", ";", "，", ",")))


_CAPTION = re.compile(r"^(?:附?[图表]\s*[0-9一二三四五六七八九十]+|图示|注\s*[：:]|资料来源\s*[：:]|单位\s*[：:])")


def is_caption_line(text: str) -> bool:
    """The title or note of a chart or table (图1 2021-2025年地区生产总值及增速; 表2 …; 注：…; 单位：万元): read for
    figures, but it does not set the time of the text around it."""
    return bool(_CAPTION.match(text)) and len(text) <= 80 and "。" not in text[:-1]


@dataclass
class Para:
    """A paragraph before it becomes a Block: its text and what the markup said (``hint``: heading, title,
    caption, bold, or '')."""

    text: str
    hint: str = ""
    indent: bool = False  # the source line started with an indent (full-width spaces, tabs, &nbsp;)


def lines_to_paragraphs(lines: list[Para], blank_breaks: bool = True) -> list[Para]:
    """Join wrapped lines into paragraphs. A line continues the one before only when nothing says a paragraph
    starts: no blank line between (``blank_breaks``), no indent, the line before does not end a sentence, is
    not a heading and filled the width (within 80% of the longest lines), and this line is not a heading."""
    widths = sorted(len(p.text) for p in lines if p.text)
    full = 0.8 * widths[int(0.95 * (len(widths) - 1))] if widths else 0
    out: list[Para] = []
    previous_blank = True
    for line in lines:
        if not line.text:
            previous_blank = blank_breaks
            continue
        last = out[-1] if out else None
        joins = (last is not None and not previous_blank and not line.indent and not line.hint and not last.hint
                 and len(last.text) >= full and not ends_sentence(last.text)
                 and not is_heading_line(last.text) and not is_heading_line(line.text))
        if joins:
            last.text = join_pieces([last.text, line.text])
        else:
            out.append(Para(line.text, line.hint, line.indent))
        previous_blank = False
    return out


def drop_repeated(paras: list[Para], min_repeats: int = 3) -> list[Para]:
    """Remove site navigation repeated through a scraped text (a menu line printed on every page): a short
    line that is not a heading, does not end a sentence and occurs ``min_repeats`` times or more."""
    counts = Counter(p.text for p in paras if len(p.text) <= MAX_FURNITURE_CHARS)
    return [p for p in paras
            if not (counts[p.text] >= min_repeats and not is_heading_line(p.text) and not ends_sentence(p.text)
                    and "。" not in p.text)]


def to_blocks(paras: list[Para], front: bool = True) -> list[Block]:
    """Blocks from paragraphs, furniture dropped: the kind from the markup's hint where there is one, else from
    the text (numbered short lines are headings, 图/表/注 lines captions); short unnumbered lines before the
    first paragraph of text (``front``: none came before these paragraphs) are the title matter (title, date
    line, author)."""
    blocks: list[Block] = []
    for para in paras:
        text = para.text
        if is_furniture(text):
            continue
        kind = paragraph_kind(para)
        if front and (kind == "body" and _is_front_matter(text)
                      or kind == "heading" and heading_level(text) == UNNUMBERED_LEVEL):
            kind = "title"  # an unnumbered head above the text (<h1>) is the document's title, not a section
        if kind == "body":
            front = False
        blocks.append(Block(text=text, boxes=[None] * len(text), kind=kind))
    return blocks


def paragraph_kind(para: Para) -> str:
    text = para.text
    if is_caption_line(text):
        return "caption"
    if para.hint == "title":
        return "title"
    if para.hint == "heading":
        return "heading" if len(text) <= 2 * MAX_HEADING_CHARS and "。" not in text[:-1] else "body"
    if is_heading_line(text):
        return "heading"
    if para.hint == "bold" and len(text) <= MAX_HEADING_CHARS and not ends_sentence(text):
        return "heading"
    return "body"


def _is_front_matter(text: str) -> bool:
    """Title page lines: short, unnumbered, no sentence (政 府 工 作 报 告; ——2016年2月19日在…会议上; 区长 杜联合)."""
    return len(text) <= 60 and "。" not in text and not text.endswith(("：", ":"))


# ------------------------------------------------------------------------------------------ tables

UNIT_NOTE = re.compile(r"^(?:[(（]?\s*(?:金额|计量|货币)?单位\s*[：:]|注\s*[0-9①-⑩]?\s*[：:]|说明\s*[：:]|资料来源\s*[：:]|数据来源\s*[：:])")


def take_table_captions(blocks: list[Block], table: Table) -> None:
    """The unit line and the title printed just above a table become its notes and title."""
    while blocks and blocks[-1].kind != "table":
        text = blocks[-1].text
        if UNIT_NOTE.match(text) and len(text) <= 60:
            table.notes.insert(0, text)
        elif (not table.title and len(text) <= 80 and "。" not in text and not ends_sentence(text)
              and not is_heading_line(text)):
            table.title = text  # the line right above a table, not a sentence nor a section head
        else:
            break
        blocks.pop()
    # a title line that carries the unit at its end: "2025年各县（区）生产总值 单位：亿元"
    match = re.search(r"[(（]?\s*(?:金额|计量)?单位\s*[：:]\s*[^）)\s]+[）)]?$", table.title)
    if match and match.start() > 0:
        table.notes.insert(0, table.title[match.start():].strip())
        table.title = table.title[: match.start()].strip()


def table_text(table: Table) -> str:
    """A table as lines of text (title, notes, then each row's cells), for search, display and the text path."""
    return table_layout(table)[0]


def table_layout(table: Table) -> tuple[str, dict[int, int]]:
    """table_text and where each cell with text starts in it (by ``id(cell)``): lines are the title, the notes,
    then one per row with the row's cells left to right, one space apart."""
    lines = ([table.title] if table.title else []) + list(table.notes)
    at = sum(len(line) + 1 for line in lines)
    starts: dict[int, int] = {}
    for row in range(table.n_rows):
        cells = sorted((c for c in table.cells if c.row == row and c.text), key=lambda c: c.col)
        if not cells:
            continue
        for cell in cells:
            starts[id(cell)] = at
            at += len(cell.text) + 1
        lines.append(" ".join(c.text for c in cells))
    return "\n".join(lines), starts


def finish_table(cells: list[Cell], n_rows: int, number: int, title: str = "") -> Table:
    """A Table from cells placed on their grid: spacer rows dropped, a row of one cell spanning the grid at the
    top (title, 单位：万元) or bottom (注：…) moved to the title and notes."""
    cells = _drop_empty_rows(cells, n_rows)
    table = Table(cells=cells, n_rows=max((c.row + c.rowspan for c in cells), default=0),
                  n_cols=max((c.col + c.colspan for c in cells), default=0), number=number, title=title)
    _lift_spanning_rows(table)
    return table


def _drop_empty_rows(cells: list[Cell], n_rows: int) -> list[Cell]:
    """Rows where no cell starts with text and no cell with text spans into them (spacer rows) are removed."""
    used = set()
    for cell in cells:
        if cell.text:
            used.update(range(cell.row, cell.row + cell.rowspan))
    keep = [r for r in range(n_rows) if r in used]
    new_row = {r: i for i, r in enumerate(keep)}
    out = []
    for cell in cells:
        rows = [new_row[r] for r in range(cell.row, cell.row + cell.rowspan) if r in new_row]
        if rows:
            out.append(Cell(text=cell.text, row=rows[0], col=cell.col, rowspan=len(rows), colspan=cell.colspan))
    return out


def _lift_spanning_rows(table: Table) -> None:
    """Move rows of one cell spanning every column off the top (title, 单位 line) and bottom (注 line)."""
    def spanning(row: int) -> Cell | None:
        in_row = [c for c in table.cells if c.row == row]
        if len(in_row) == 1 and in_row[0].colspan >= table.n_cols and in_row[0].rowspan == 1 and table.n_cols > 1:
            return in_row[0]
        return None

    while table.n_rows > 1 and (cell := spanning(0)) is not None:
        _attach(table, cell.text, before=True)
        _remove_row(table, 0)
    while table.n_rows > 1 and (cell := spanning(table.n_rows - 1)) is not None and UNIT_NOTE.match(cell.text):
        _attach(table, cell.text, before=False)
        _remove_row(table, table.n_rows - 1)


def _attach(table: Table, text: str, before: bool) -> None:
    if not text:
        return
    if UNIT_NOTE.match(text) or not before or table.title:
        table.notes.append(text)
    else:
        table.title = text


def _remove_row(table: Table, row: int) -> None:
    cells = []
    for cell in table.cells:
        if cell.row == row and cell.rowspan == 1:
            continue
        if cell.row > row:
            cell.row -= 1
        elif cell.row <= row < cell.row + cell.rowspan:
            cell.rowspan -= 1
        cells.append(cell)
    table.cells = cells
    table.n_rows -= 1


def take_following_notes(blocks: list[Block]) -> None:
    """注：/ 说明： / 资料来源： lines right after a table are its notes."""
    k = 0
    while k < len(blocks):
        if blocks[k].kind == "table":
            while k + 1 < len(blocks) and blocks[k + 1].kind != "table" and re.match(
                    r"^(?:注\s*[0-9①-⑩]?\s*[：:]|说明\s*[：:]|资料来源\s*[：:]|数据来源\s*[：:])", blocks[k + 1].text) \
                    and len(blocks[k + 1].text) <= 300:
                blocks[k].table.notes.append(blocks.pop(k + 1).text)
        k += 1
