"""A saved web page -> Document: the article's paragraphs, headings and tables in reading order, without the
page around it (navigation, headers, footers, 打印 关闭 【字号 大 中 小】, share buttons, related links).

1. decode (extract.read.decode: BOM, the page's meta charset, UTF-8, charset-normalizer; GBK as GB18030);
2. parse with lxml; drop what is never text: scripts, styles, comments, templates, form controls, frames,
   embedded objects, hidden elements (``hidden``, ``display:none``);
3. find the article with readability-lxml (Mozilla Readability's scoring, maintained). Its own output is not
   used as text: it drops short blocks (a heading in a ``<section>`` of a WeChat-edited page, a table title in
   a ``<div>``) and counts ASCII commas to keep a block, which Chinese text never has. It only says which
   elements hold the article; when they hold less than most of the page's sentences (a page that shows the
   start of an article and hides the rest, a split body), their common ancestor is taken instead;
4. walk those elements: ``<p>``, ``<div>`` and other blocks end a paragraph, ``<br>`` ends a line (wrapped lines
   are joined by extract.read.textblocks' rule), ``<h1>``–``<h6>`` and bold short lines are headings, a
   ``<table>`` of short cells is a table (rowspan/colspan kept, its title line and 单位/注 notes attached), a
   table used for layout is walked as blocks; navigation, tools, metadata and link lists inside the article
   are dropped (a class like share/print/related, a list of links, a furniture line);
5. a page that holds no article (a 404 page, a login or captcha page, a list of links, a page whose text is
   loaded by JavaScript) raises DocumentError saying what it looks like.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

from extract.model import Block, Cell, Document, DocumentError, Table
from extract.read import textblocks as tb
from extract.read.decode import declared_encoding, decode_bytes

# Elements that never hold document text.
_NEVER_TEXT = ("script", "style", "noscript", "template", "select", "option", "optgroup", "datalist", "button",
               "input", "textarea", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
               "canvas", "audio", "video", "map", "head", "nav", "aside", "footer", "dialog", "menu")
_INLINE = frozenset(("a", "span", "font", "b", "strong", "em", "i", "u", "sub", "sup", "small", "big", "label",
                     "abbr", "acronym", "cite", "code", "ins", "del", "s", "strike", "mark", "q", "time", "var",
                     "wbr", "nobr", "img", "kbd", "samp", "tt", "bdi", "bdo", "o:p", "data", "ruby", "rt", "rp"))
_BOLD = frozenset(("b", "strong"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
# Class/id words of page tools, navigation and link lists. Only applied to elements holding little text, so an
# article container named printContent or a page wrapper named nav-main is never dropped.
_FURNITURE_CLASS = re.compile(
    r"share|jiathis|bdshare|social|print|font-?size|fontzoom|zihao|toolbar|breadcrumb|crumb|pagination|pager|"
    r"page-?nav|related|relate|xgwz|xglj|xgxw|recommend|tuijian|comment|copyright|qrcode|erweima|ewm|footer|"
    r"sidebar|sidenav|(?:^|[\s_-])nav(?:$|[\s_-])|(?:^|[\s_-])menu(?:$|[\s_-])|prev|next|sxp|syp|xyp",
    re.I)
_LIST_TAGS = frozenset(("ul", "ol", "div", "table", "p", "dl", "section", "span", "td", "li"))
_SMALL_TEXT = 200  # characters: an element with more text than this is never dropped for its class
# The article must hold most of the page's sentences (。 outside links), else its parent is taken.
ARTICLE_SHARE = 0.6
# A page with fewer characters of text than this, or fewer sentences, holds no article.
MIN_ARTICLE_CHARS = 100
MIN_ARTICLE_SENTENCES = 2
# A table cell longer than this (or with two sentences) makes the table a layout grid, not a data table.
MAX_CELL_CHARS = 150

_ERROR_PAGE = re.compile(r"404|not\s*found|页面不存在|页面未找到|找不到(?:该|您)?(?:页面|网页)|页面已(?:被)?删除|访问的页面|"
                         r"网页不存在|无法找到|内容不存在|信息不存在|已下线|已过期|error|出错", re.I)
_LOGIN_PAGE = re.compile(r"登录|登陆|用户名|密码|验证码|captcha|安全验证|人机验证|滑动验证|访问验证|请完成验证|"
                         r"verify|sign\s*in|log\s*in", re.I)


@dataclass
class _TableItem:
    element: object  # the lxml <table>


_BREAK = None  # a block boundary in the walker's output


def read_html(path: str | Path) -> Document:
    """Read a saved web page; DocumentError (one line) when it cannot be read or holds no article."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from exc
    return document_from_html(raw, str(path))


def document_from_html(raw: bytes, path: str = "") -> Document:
    decoded = decode_bytes(raw, declared_encoding(raw))
    root = _parse(decoded.text)
    page_title = _page_title(root)
    _drop_never_text(root)
    containers = _article_elements(root)
    items = _Walker().walk_all(containers)
    blocks = _blocks(items)
    reason = _no_article(root, blocks, page_title)
    if reason:
        raise DocumentError(reason)
    return Document(path=path, n_pages=0, blocks=blocks, warnings=list(decoded.warnings), format="html")


# ------------------------------------------------------------------------------------------ parsing


def _parse(text: str):
    import lxml.etree
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.replace("\x00", ""))
    if not text.strip():
        raise DocumentError("an empty web page (no text at all)")
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise DocumentError(f"a web page that cannot be parsed ({exc})") from exc
    return root


def _page_title(root) -> str:
    title = root.find(".//title")
    return tb.clean_inline(title.text_content()) if title is not None else ""


def _drop_never_text(root) -> None:
    import lxml.etree

    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
    hidden = [el for el in root.iter() if isinstance(el.tag, str)
              and (el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""))]
    for el in hidden:
        _remove(el)
    lxml.etree.strip_elements(root, *_NEVER_TEXT, with_tail=False)


def _remove(el) -> None:
    """Remove an element but keep its tail text (the text after it belongs to its parent)."""
    parent = el.getparent()
    if parent is not None:
        el.drop_tree()


# ------------------------------------------------------------------------------------------ the article


def _article_elements(root) -> list:
    """The elements holding the article, in document order (readability-lxml's choice, widened to their common
    ancestor when they hold less than ARTICLE_SHARE of the page's sentences)."""
    import lxml.html
    from readability import Document as Readability

    body = root.find("body")
    if body is None:
        body = root
    by_id = {}
    for number, el in enumerate(root.iter()):
        if isinstance(el.tag, str):
            el.set("data-rf", str(number))
            by_id[str(number)] = el
    try:
        summary = Readability(copy.deepcopy(root)).summary(html_partial=True)
        kept = lxml.html.fragment_fromstring(summary, create_parent="div") if summary.strip() else None
    except Exception:  # readability gives up on odd pages (Unparseable): read the whole body
        kept = None
    chosen = []
    if kept is not None:
        tops = [kept] if kept.get("data-rf") else list(kept)
        while len(tops) == 1 and not tops[0].get("data-rf") and len(tops[0]):
            tops = list(tops[0])
        chosen = [by_id[t.get("data-rf")] for t in tops if t.get("data-rf") in by_id]
    chosen = [el for el in chosen if not any(other is not el and _is_ancestor(other, el) for other in chosen)]
    if not chosen:
        return [body]
    total = _sentences(body)
    while total and sum(_sentences(el) for el in chosen) < ARTICLE_SHARE * total:
        parent = _common_ancestor(chosen)
        if parent is None or parent is body or _is_ancestor(parent, body):
            return [body]
        chosen = [parent]
    return chosen


def _sentences(el) -> int:
    """Full stops in an element's text outside links (what an article has and a menu has not)."""
    text = el.text_content()
    links = sum(a.text_content().count("。") for a in el.iter("a"))
    return text.count("。") - links


def _is_ancestor(a, b) -> bool:
    return any(x is a for x in b.iterancestors())


def _common_ancestor(elements: list):
    first = [elements[0], *elements[0].iterancestors()]
    if len(elements) == 1:
        return elements[0].getparent()
    for candidate in first:
        if all(el is candidate or _is_ancestor(candidate, el) for el in elements[1:]):
            return candidate
    return None


# ------------------------------------------------------------------------------------------ walking


class _Walker:
    """Elements -> a flat list of lines (Para), table items and block breaks (None)."""

    def __init__(self) -> None:
        self.items: list = []
        self.pieces: list[str] = []
        self.bold_chars = 0
        self.chars = 0

    def walk_all(self, elements: list) -> list:
        for el in elements:
            self.block(el, "")
        return self.items

    def block(self, el, hint: str) -> None:
        self.end_line(hint)
        self.items.append(_BREAK)
        self.children(el, hint, bold=False)
        self.end_line(hint)
        self.items.append(_BREAK)

    def children(self, el, hint: str, bold: bool) -> None:
        self.text(el.text, bold)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and not _is_furniture_element(child):
                self.element(child, tag.lower(), hint, bold)
            self.text(child.tail, bold)

    def element(self, el, tag: str, hint: str, bold: bool) -> None:
        if tag == "br":
            self.end_line(hint)
        elif tag == "table" and _is_data_table(el):
            self.end_line(hint)
            self.items += [_BREAK, _TableItem(el), _BREAK]
        elif tag in _INLINE:
            self.children(el, hint, bold or tag in _BOLD or bool(_BOLD_STYLE.search(el.get("style") or "")))
        else:
            self.block(el, "heading" if tag in _HEADINGS else ("caption" if tag == "caption" else hint))

    def text(self, text: str | None, bold: bool) -> None:
        if not text:
            return
        self.pieces.append(text)
        n = len(text.strip())
        self.chars += n
        self.bold_chars += n if bold else 0

    def end_line(self, hint: str) -> None:
        raw = "".join(self.pieces)
        bold = self.bold_chars >= 0.8 * self.chars
        indent = raw.lstrip(" \t\r\n")[:1] in ("\u3000", "\xa0")
        for piece, is_head in tb.split_run_in_heads(raw):
            text = tb.clean_inline(piece)
            if text:
                kind = "heading" if is_head else hint or ("bold" if bold else "")
                self.items.append(tb.Para(text, kind, indent or is_head))
        self.pieces, self.bold_chars, self.chars = [], 0, 0


def _is_furniture_element(el) -> bool:
    """Page tools and navigation inside the article: a class/id such as share, print, related, pager on an
    element with little text, or a list of links (most of its text in two or more links)."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    by_class = bool(names.strip()) and bool(_FURNITURE_CLASS.search(names))
    links = [] if by_class or el.tag not in _LIST_TAGS else [a for a in el.iter("a") if a.text_content().strip()]
    if not by_class and len(links) < 2:
        return False  # most elements: decided without reading their text
    text = el.text_content()
    size = len(text.strip())
    if size > _SMALL_TEXT and text.count("。") >= 2:
        return False
    if by_class:
        return True
    return sum(len(a.text_content().strip()) for a in links) >= 0.7 * max(size, 1)


def _rows(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _is_data_table(table) -> bool:
    """A grid of short cells (two rows and two columns at least, no table inside): a table of figures. Anything
    else is layout and is read as blocks."""
    if table.find(".//table") is not None:
        return False
    rows = _rows(table)
    if len(rows) < 2 or max(len(r.xpath("./td|./th")) for r in rows) < 2:
        return False
    for cell in table.iter("td", "th"):
        text = cell.text_content()
        if len(text.strip()) > MAX_CELL_CHARS or text.count("。") >= 2:
            return False
    return True


# ------------------------------------------------------------------------------------------ tables


def table_from_element(table, number: int) -> Table:
    """The cells of an HTML table on its grid (rowspan/colspan placed as a browser does), empty rows dropped; a
    row of one cell spanning the grid at the top or bottom is the title or a note (单位：万元, 注：…)."""
    rows = _rows(table)
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            rowspan = _span(td.get("rowspan"), len(rows) - r)
            colspan = _span(td.get("colspan"), 1000)
            cells.append(Cell(text=_cell_text(td), row=r, col=c, rowspan=rowspan, colspan=colspan))
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            c += colspan
    caption = table.find("caption")
    title = tb.clean_inline(caption.text_content()) if caption is not None else ""
    return tb.finish_table(cells, len(rows), number, title)


def _span(value: str | None, limit: int) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    n = int(match.group(1)) if match else 1
    if n == 0:  # rowspan="0": to the end of the table
        n = limit
    return max(1, min(n, max(limit, 1)))


def _cell_text(td) -> str:
    walker = _Walker()
    walker.children(td, "", bold=False)
    walker.end_line("")
    return tb.join_pieces(item.text for item in walker.items if isinstance(item, tb.Para))


# ------------------------------------------------------------------------------------------ blocks


def _blocks(items: list) -> list[Block]:
    """Lines, tables and breaks -> Blocks: lines joined into paragraphs within each run between breaks, furniture
    dropped, tables given the title and 单位/注 lines printed next to them."""
    out: list[Block] = []
    run: list[tb.Para] = []
    tables = 0

    def flush() -> None:
        if run:
            front = not any(b.kind == "body" for b in out)
            out.extend(tb.to_blocks(tb.lines_to_paragraphs(run), front=front))
            run.clear()

    for item in items:
        if item is _BREAK:
            flush()
        elif isinstance(item, _TableItem):
            flush()
            tables += 1
            table = table_from_element(item.element, tables)
            if not table.cells or not any(c.text for c in table.cells):
                tables -= 1
                continue
            tb.take_table_captions(out, table)
            out.append(Block(text=tb.table_text(table), boxes=[], kind="table", table=table))
        else:
            run.append(item)
    flush()
    tb.take_following_notes(out)
    for block in out:
        if block.kind == "table":
            block.text = tb.table_text(block.table)
            block.boxes = [None] * len(block.text)
    return out


# ------------------------------------------------------------------------------------------ no article


def _no_article(root, blocks: list[Block], title: str) -> str:
    """Why the page holds no article ('' when it does)."""
    text = "".join(b.text for b in blocks if b.kind in ("body", "heading", "table"))
    sentences = text.count("。") + sum(1 for b in blocks if b.kind == "table")
    if len(text) >= MIN_ARTICLE_CHARS and sentences >= MIN_ARTICLE_SENTENCES:
        return ""
    page_text = tb.clean_inline(root.text_content())
    probe = f"{title} {page_text[:600]}"
    if root.find(".//input[@type='password']") is not None or (_LOGIN_PAGE.search(probe) and len(text) < 400):
        return "a login or verification (captcha) page, not the document: the site asked for a login or a code"
    if _ERROR_PAGE.search(probe) and len(text) < 400:
        return "an error page (404 / page not found), not the document: save the page again from a working address"
    links = [a for a in root.iter("a") if a.text_content().strip()]
    if len(links) >= 10:
        return (f"a list of links ({len(links)} links, no article text): an index or search page, not the "
                "document itself")
    if not page_text:
        return "a web page without text (its text is probably loaded by JavaScript): save the rendered page"
    return (f"a web page without article text ({len(text)} characters): perhaps its text is loaded by "
            "JavaScript; save the rendered page")
