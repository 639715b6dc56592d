"""Reading order, joins, margins, dedupe and headings of extract.read.layout, on the shared corpus and on made-up chars."""

from __future__ import annotations

import csv
import difflib
import re
from pathlib import Path

import pytest

from extract.config import SHARED_CORPUS
from extract.model import Document, DocumentError
from extract.read import read_document
from extract.read.layout import document_from_pages
from extract.read.pdf import PageChars

# ------------------------------------------------------------------------------------------ corpus helpers

_DOCS: dict[str, Document] = {}


def _read(path: Path) -> Document:
    key = str(path)
    if key not in _DOCS:
        _DOCS[key] = read_document(path)
    return _DOCS[key]


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _catalog_rows() -> list[dict]:
    path = SHARED_CORPUS / "catalog.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _csv(corpus: Path, name: str) -> list[dict]:
    with (corpus / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


CATALOG = _catalog_rows()
CATALOG_IDS = [row["doc_id"] for row in CATALOG] or ["(no corpus)"]
GOV_REPORTS = [row["doc_id"] for row in CATALOG if row["doctype"] == "gov-report"] or ["(no corpus)"]
YONGKANG_LAYOUTS = [
    row["doc_id"] for row in CATALOG if row["doc_id"].startswith("yongkang_2021_npc-review.")
] or ["(no corpus)"]
RAW_PDFS = sorted(p.name for p in (SHARED_CORPUS / "raw").glob("*.pdf")) or ["(no corpus)"]


def _doc_for(corpus: Path, doc_id: str) -> tuple[dict, Document]:
    row = next(r for r in CATALOG if r["doc_id"] == doc_id)
    return row, _read(corpus / row["file"])


# Similarity of the document text to the published source text (whitespace removed). Measured with this code:
# official A4 layouts 0.997-0.999, the newspaper supplement 0.998; the source texts also hold web-page noise
# lines and datelines the PDFs leave out, so 1.0 is not reachable.
MIN_SOURCE_SIMILARITY = 0.99


# ------------------------------------------------------------------------------------------ corpus tests


@pytest.mark.parametrize("doc_id", CATALOG_IDS)
def test_key_fact_sentences_read_in_order(corpus: Path, doc_id: str) -> None:
    """Every key-fact sentence snippet appears verbatim: proves reading order and line/column/page joins."""
    _, doc = _doc_for(corpus, doc_id)
    text = _squeeze("".join(b.text for b in doc.blocks))
    base = doc_id.split(".")[0]
    snippets = [r["sentence_snippet"] for r in _csv(corpus, "gold/key_facts.csv") if r["doc"] == base]
    missing = [s for s in snippets if _squeeze(s) not in text]
    assert not missing, f"{doc_id}: {len(missing)} of {len(snippets)} snippets not found, e.g. {missing[:2]}"


@pytest.mark.parametrize("doc_id", YONGKANG_LAYOUTS)
def test_every_required_figure_sits_inside_one_block(corpus: Path, doc_id: str) -> None:
    """A figure cut at a line, column or page break ("8900余" / "人次") would be lost to the grammar."""
    _, doc = _doc_for(corpus, doc_id)
    texts = [_squeeze(b.text) for b in doc.blocks]
    gold = [r for r in _csv(corpus, "gold/yongkang_2021_npc-review.csv") if r["kind"] == "required"]
    assert gold
    split = [r["surface"] for r in gold if not any(r["surface"] in t for t in texts)]
    assert not split, f"{doc_id}: figures split across blocks: {split}"


@pytest.mark.parametrize("doc_id", GOV_REPORTS)
def test_text_matches_source_text(corpus: Path, doc_id: str) -> None:
    _, doc = _doc_for(corpus, doc_id)
    ours = _squeeze("".join(b.text for b in doc.blocks))
    source = _squeeze((corpus / "text" / f"{doc_id.split('.')[0]}.txt").read_text(encoding="utf-8"))
    ratio = difflib.SequenceMatcher(None, ours, source, autojunk=False).ratio()
    assert ratio >= MIN_SOURCE_SIMILARITY, f"{doc_id}: similarity {ratio:.4f}"


def _top_row_text(path: Path, page_index: int) -> str:
    """The text of the topmost row of chars on a page, straight from the PDF (the running header)."""
    from extract.read.pdf import iter_pages

    for k, page in enumerate(iter_pages(path)):
        if k == page_index:
            chars = [c for c in page.chars if c["text"].strip()]
            top = min(c["top"] for c in chars)
            row = sorted((c for c in chars if c["top"] < top + 3), key=lambda c: c["x0"])
            return "".join(c["text"] for c in row)
    return ""


@pytest.mark.parametrize("doc_id", CATALOG_IDS)
def test_no_page_numbers_or_running_headers_in_blocks(corpus: Path, doc_id: str) -> None:
    row, doc = _doc_for(corpus, doc_id)
    page_number = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$|第\s*\d+\s*版")
    leftovers = [b.text for b in doc.blocks if page_number.search(b.text)]
    assert not leftovers, f"{doc_id}: page numbers/edition marks left: {leftovers[:3]}"
    jump_marks = [b.text for b in doc.blocks if re.search(r"[（(](上接|下转)", b.text)]
    assert not jump_marks, f"{doc_id}: continuation marks left: {jump_marks[:3]}"
    if doc.n_pages > 1:
        header = _squeeze(_top_row_text(corpus / row["file"], 1))
        body = _squeeze(doc.text)
        # The header row may legitimately occur once (as the title); once per page means it was kept.
        assert body.count(header) <= 1, f"{doc_id}: running header {header!r} kept {body.count(header)} times"


def test_newspaper_masthead_row_is_dropped(corpus: Path) -> None:
    for doc_id in [r["doc_id"] for r in CATALOG if ".newspaper" in r["doc_id"]]:
        row, doc = _doc_for(corpus, doc_id)
        masthead = _squeeze(_top_row_text(corpus / row["file"], 0))
        assert masthead and masthead not in _squeeze(doc.text), doc_id


def test_scrambled_char_order_reads_like_the_ordered_page(corpus: Path) -> None:
    ordered = _read(corpus / "pdf" / "yongkang_2021_npc-review.newspaper.pdf")
    shuffled = _read(corpus / "pdf" / "yongkang_2021_npc-review.newspaper-shuffled.pdf")
    assert [(b.kind, b.text) for b in shuffled.blocks] == [(b.kind, b.text) for b in ordered.blocks]


def test_headings_and_title_are_marked(corpus: Path) -> None:
    doc = _read(corpus / "pdf" / "zhejiang_2026_gov-report.official.pdf")
    heads = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert any(level == 1 and text.startswith("一、2025年") for level, text in heads)
    assert any(level == 2 and text.startswith("（一）") for level, text in heads)
    assert doc.blocks[0].kind == "title"
    # Run-in heads ("（一）……明显。" then body text in the same paragraph) are split: the body keeps the rest.
    first_sub = next(
        k for k, b in enumerate(doc.blocks) if b.kind == "heading" and b.text.startswith("（一）")
    )
    assert len(doc.blocks[first_sub].text) < 60
    assert doc.blocks[first_sub + 1].kind == "body"

    paper = _read(corpus / "pdf" / "yongkang_2021_npc-review.newspaper.pdf")
    # Two-line centred section heads come out as one heading block.
    two_line = [
        b for b in paper.blocks if b.kind == "heading" and len({box[2] for box in b.boxes if box}) == 2
    ]
    assert len(two_line) >= 3
    assert any(b.kind == "caption" for b in paper.blocks)


@pytest.mark.parametrize("doc_id", CATALOG_IDS)
def test_boxes_align_with_text(corpus: Path, doc_id: str) -> None:
    _, doc = _doc_for(corpus, doc_id)
    for b in doc.blocks:
        assert len(b.boxes) == len(b.text)
        for ch, box in zip(b.text, b.boxes, strict=True):
            if box is None:
                assert ch == " "  # the only character we add is a gap inside a spaced title row
            else:
                page, x0, top, x1, bottom = box
                assert 1 <= page <= doc.n_pages and x0 <= x1 and top <= bottom


# What each hard PDF of ../shared/corpus/raw must give: read (with at least this many characters of text and
# the warning, if any, that names its trouble) or fail with this reason. Measured when the table was written.
RAW_OUTCOMES = {
    "anhui_2011_other_annual-report-cover-dupchars.pdf": ("read", 80, "text layer looks doubled (fake bold)"),
    "anhui_2020_other_land-use-standard-p.pdf": ("read", 1000, None),
    "dongbeidianqi_2018_other_q1-report-tables.pdf": ("read", 12000, None),
    "foshan_unknown_other_customs-form-badfonts.pdf": ("read", 150, None),
    "yancheng_2023_other_bond-prospectus-tables.pdf": ("read", 800, None),
    "zhejiang_2016_other_scanned-ocr-audit-letter.pdf": ("read", 5000, None),
}


@pytest.mark.parametrize("name", RAW_PDFS)
def test_raw_pdfs_read_or_fail_with_reason(corpus: Path, name: str) -> None:
    assert name in RAW_OUTCOMES, f"{name}: a new hard PDF needs its expected outcome in RAW_OUTCOMES"
    outcome, expected, warning = RAW_OUTCOMES[name]
    if outcome == "error":
        with pytest.raises(DocumentError) as caught:
            _read(corpus / "raw" / name)
        assert str(caught.value).startswith(expected) and "\n" not in str(caught.value)
        return
    doc = _read(corpus / "raw" / name)
    assert doc.n_pages >= 1
    assert sum(len(b.text) for b in doc.blocks) >= expected
    for b in doc.blocks:
        assert len(b.boxes) == len(b.text)
    if warning is None:
        assert doc.warnings == []
    else:
        assert len(doc.warnings) == 1 and doc.warnings[0].startswith(warning), doc.warnings


def _overlapping_twins(doc: Document) -> list[str]:
    """Same char drawn twice on top of itself, anywhere in the document."""
    seen: dict[tuple[str, int], list] = {}
    twins = []
    for b in doc.blocks:
        for ch, box in zip(b.text, b.boxes, strict=True):
            if box is None:
                continue
            page, x0, top, x1, bottom = box
            for ox0, otop, ox1, obottom in seen.get((ch, page), []):
                w = min(x1, ox1) - max(x0, ox0)
                h = min(bottom, obottom) - max(top, otop)
                if w > 0.5 * (x1 - x0) and h > 0.5 * (bottom - top):
                    twins.append(ch)
            seen.setdefault((ch, page), []).append((x0, top, x1, bottom))
    return twins


def test_fake_bold_glyphs_come_out_once(corpus: Path) -> None:
    doc = _read(corpus / "raw" / "anhui_2011_other_annual-report-cover-dupchars.pdf")
    assert not _overlapping_twins(doc)
    assert any("doubled" in w for w in doc.warnings)
    text = _squeeze(doc.text)
    # The cover title is drawn four times over; no char of it may repeat.
    assert re.search(r"安徽安利合成革股份有限公司", text), text[:80]


# ------------------------------------------------------------------------------------------ synthetic pages


def _chars(
    text: str, x: float, top: float, size: float = 10.0, font: str = "Song", step: float | None = None
):
    step = size if step is None else step
    return [
        {
            "text": ch,
            "x0": x + k * step,
            "top": top,
            "x1": x + k * step + size,
            "bottom": top + size,
            "size": size,
            "fontname": font,
        }
        for k, ch in enumerate(text)
    ]


def _column(paragraphs: list[str], x: float, top: float, width_chars: int, size: float = 10.0):
    """Typeset paragraphs into one column: 2-char indent on first lines, lines of width_chars chars."""
    chars = []
    y = top
    for para in paragraphs:
        text = "\u3000\u3000" + para  # the indent, dropped as blank
        for start in range(0, len(text), width_chars):
            chars += _chars(text[start : start + width_chars], x, y, size)
            y += 1.5 * size
    return chars, y


def _page(chars: list[dict], number: int = 1, width: float = 600.0, height: float = 800.0) -> PageChars:
    chars = [c for c in chars if c["text"].strip()]
    return PageChars(number, width, height, chars)


LEFT = [
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十百千万",
    "天地玄黄宇宙洪荒日月盈昃辰宿列张",
]
RIGHT = [
    "寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈",
    "剑号巨阙珠称夜光果珍李柰菜重芥姜",
]


def test_two_columns_read_left_column_first_even_when_stored_row_by_row() -> None:
    left, _ = _column(LEFT, 50, 100, 16)
    right, _ = _column(RIGHT, 330, 100, 16)
    # Store the chars row by row across both columns (as a naive text dump would read them), then reversed.
    chars = sorted(left + right, key=lambda c: (c["top"], c["x0"]))[::-1]
    doc = document_from_pages([_page(chars)])
    assert [b.text for b in doc.blocks] == LEFT + RIGHT


@pytest.mark.parametrize("offset", [0.0, 100.0])
def test_spanning_title_header_and_page_number(offset: float) -> None:
    title = _chars("政府工作报告", 200, 80, size=24, font="Hei")
    header = _chars("某某日报2026年1月15日第2版", 50, 20, size=8)
    number = _chars("—3—", 290, 770, size=9)
    left, _ = _column(LEFT, 50, 130, 16)
    right, _ = _column(RIGHT, 330, 130, 16)
    chars = header + title + left + right + number
    # A page whose media box starts lower (offset) has its chars in the same offset coordinates.
    for c in chars:
        c["top"] += offset
        c["bottom"] += offset
    page = _page(chars)
    page.bbox = (0.0, offset, page.width, page.height + offset)
    doc = document_from_pages([page])
    assert doc.blocks[0].kind == "title" and doc.blocks[0].text == "政府工作报告"
    assert [b.text for b in doc.blocks[1:]] == LEFT + RIGHT
    assert "第2版" not in doc.text and "—3—" not in doc.text


def test_paragraph_continues_into_next_column_and_next_page() -> None:
    # One long paragraph filling column 1 and going on in column 2, then on the next page.
    para = "".join(LEFT + RIGHT) * 2
    text = "\u3000\u3000" + para
    chars1 = []
    lines = [text[k : k + 16] for k in range(0, len(text), 16)]
    half = len(lines) // 3
    for k, line in enumerate(lines[:half]):
        chars1 += _chars(line, 50, 100 + 15 * k)
    for k, line in enumerate(lines[half : 2 * half]):
        chars1 += _chars(line, 330, 100 + 15 * k)
    chars2 = []
    for k, line in enumerate(lines[2 * half :]):
        chars2 += _chars(line, 50, 100 + 15 * k)
    doc = document_from_pages([_page(chars1, 1), _page(chars2, 2)])
    assert [b.text for b in doc.blocks] == [para]
    pages = {box[0] for box in doc.blocks[0].boxes}
    assert pages == {1, 2}


def test_doubled_glyphs_are_dropped_and_boxes_kept() -> None:
    chars = []
    for dx, dy in [(0, 0), (0.3, 0), (0, 0.3), (0.3, 0.3)]:
        chars += _chars("全省生产总值增长5.5%", 50 + dx, 100 + dy)
    doc = document_from_pages([_page(chars)])
    assert doc.text == "全省生产总值增长5.5%"
    assert len(doc.blocks[0].boxes) == len(doc.blocks[0].text)
    assert doc.blocks[0].boxes[0] == (1, 50, 100, 60, 110)
    assert any("doubled" in w for w in doc.warnings)


def test_repeated_identical_chars_side_by_side_are_kept() -> None:
    doc = document_from_pages([_page(_chars("共有6688户人人参与", 50, 100))])
    assert doc.text == "共有6688户人人参与"


def test_kangxi_radicals_and_fullwidth_digits_are_folded_one_to_one() -> None:
    doc = document_from_pages([_page(_chars("⽇⽉增长５．５％", 50, 100))])
    block = doc.blocks[0]
    assert block.text == "日月增长5.5%"
    assert len(block.boxes) == len(block.text)


def test_numbered_and_styled_headings() -> None:
    chars = _chars("一、2025年工作回顾", 70, 100, font="Hei")
    body1, y = _column(["过去一年极不平凡全省生产总值增长百分之五点五城乡居民收入稳步增长。"], 50, 115, 16)
    chars += body1
    # A run-in head in another font, then body text on the same line (the line fits the 16-char column).
    chars += _chars("（一）着力扩大内需。", 70, y, font="Kai") + _chars("消费回暖。", 170, y)
    doc = document_from_pages([_page(chars)])
    kinds = [(b.kind, b.level, b.text) for b in doc.blocks]
    assert kinds[0] == ("heading", 1, "一、2025年工作回顾")
    assert kinds[1] == ("body", 0, "过去一年极不平凡全省生产总值增长百分之五点五城乡居民收入稳步增长。")
    assert kinds[2] == ("heading", 2, "（一）着力扩大内需。")
    assert kinds[3] == ("body", 0, "消费回暖。")


def test_no_chars_gives_an_empty_document_and_leaves_the_verdict_to_the_reader() -> None:
    # Whether a page lacks a text layer is decided in one place, extract.read.pdf (it sees the images too).
    doc = document_from_pages([_page([]), _page([], 2)])
    assert doc.blocks == [] and doc.n_pages == 2
    assert doc.warnings == []


def test_subscript_is_folded_back_into_its_line() -> None:
    # "PM" + lowered, smaller "2.5" + the rest of the line, in a column of full lines.
    body, y = _column(
        ["全省细颗粒物平均浓度下降百分之三空气质量优良天数比例提高到百分之九十以上。"], 50, 100, 16
    )
    line = (
        _chars("空气中PM", 50, y) + _chars("2.5", 100, y + 6, size=7, step=4) + _chars("浓度下降。", 116, y)
    )
    doc = document_from_pages([_page(body + line)])
    assert doc.blocks[-1].text == "空气中PM2.5浓度下降。"


def test_small_running_header_of_a_one_page_document_is_dropped() -> None:
    header = _chars("演示文档·某市统计公报", 200, 30, size=8)
    title = _chars("某市国民经济和社会发展统计公报", 100, 90, size=16, font="Hei")
    body, _ = _column(LEFT, 50, 140, 16)
    doc = document_from_pages([_page(header + title + body)])
    assert doc.blocks[0].text == "某市国民经济和社会发展统计公报"
    assert "演示文档" not in doc.text


def _flow(paragraphs: list[str], slots: list[tuple[float, float]], width_chars: int, size: float = 10.0):
    """Typeset paragraphs line by line into the given (x, top) slots, in order (a newspaper's column flow)."""
    lines = []
    for para in paragraphs:
        text = "\u3000\u3000" + para
        lines += [text[k : k + width_chars] for k in range(0, len(text), width_chars)]
    assert len(lines) <= len(slots)
    chars = []
    for line, (x, top) in zip(lines, slots, strict=False):
        chars += _chars(line, x, top, size)
    return chars


def test_photo_caption_across_two_columns_mid_page_keeps_column_flow() -> None:
    # Four 12-char columns; columns 2 and 3 are interrupted by a photo (no text) and its caption.
    xs = [40, 180, 320, 460]
    slots = []
    for k, x in enumerate(xs):
        for row in range(20):
            top = 100 + 15 * row
            if k in (1, 2) and 190 <= top < 330:
                continue  # photo and caption area
            slots.append((x, top))
    paragraphs = [
        (LEFT[0] + RIGHT[0]) * 4,
        (LEFT[1] + RIGHT[1]) * 4,
        (RIGHT[0] + LEFT[0]) * 4,
    ]  # 57 of 62 lines
    caption_text = "图为市人大常委会组织代表视察重点项目建设现场了解进展情况。"  # spans columns 2 and 3
    caption = _chars(caption_text, 200, 318, size=8, font="Kai")
    doc = document_from_pages([_page(_flow(paragraphs, slots, 12) + caption)])
    assert [b.text for b in doc.blocks if b.kind != "caption"] == paragraphs
    assert [b.text for b in doc.blocks if b.kind == "caption"] == [caption_text]


def test_latin_word_spaces_come_back_without_boxes_and_digits_stay_together() -> None:
    chars = (
        _chars("ANHUI", 50, 100, step=8)
        + _chars("ANLI", 95, 100, step=8)
        + _chars("2011年", 130, 100, step=8)
    )
    doc = document_from_pages([_page(chars)])
    block = doc.blocks[0]
    assert block.text == "ANHUI ANLI2011年"
    assert block.boxes[5] is None and all(b is not None for k, b in enumerate(block.boxes) if k != 5)
    spaced_digits = _chars("4406", 50, 100, step=14)  # digits in form cells
    assert document_from_pages([_page(spaced_digits)]).text == "4406"


def test_one_font_document_heads_subtitle_and_title_by_size_position_and_numbering() -> None:
    # Everything in one font (a 24-char column from x=30 to 270): a title one size up, a centred subtitle, an
    # unindented numbered head right after a paragraph whose last line fills the line, as the demo documents.
    p1 = "过去一年常委会依法履职召开常委会会议九次主任会议十六次听取审议专项报告十四个。"  # 38 chars
    p2 = "常委会作出决议决定十七项依法任免国家机关工作人员六十九人次确保人事任免工作依法有序进行。"  # 46
    p3 = "今年常委会将围绕重点工作开展监督。"
    chars = _chars("某市人大常委会工作报告", 57, 60, size=17)
    chars += _chars("——关于2024年工作的回顾", 80, 90)
    chars += _chars("一、2024年工作回顾", 30, 120)
    chars += _chars(p1[:22], 50, 140) + _chars(p1[22:], 30, 155)
    chars += _chars(p2[:22], 50, 170) + _chars(p2[22:], 30, 185)  # second line: 24 chars, full width
    chars += _chars("二、2025年工作安排", 30, 200)
    chars += _chars(p3, 50, 215)
    doc = document_from_pages([_page(chars)])
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("title", "某市人大常委会工作报告"),
        ("title", "——关于2024年工作的回顾"),
        ("heading", "一、2024年工作回顾"),
        ("body", p1),
        ("body", p2),
        ("heading", "二、2025年工作安排"),
        ("body", p3),
    ]


def test_an_unruled_table_is_one_table_block_between_the_paragraphs() -> None:
    body, y = _column(["全年经济运行总体平稳，主要指标如下表。"], 50, 100, 24)
    table = []
    for k, (label, value, growth) in enumerate(
        [("指标", "数值", "增长"), ("地区生产总值", "6011.27", "6.8"), ("一般公共预算收入", "525.80", "7.5")]
    ):
        top = y + 10 + 15 * k
        table += _chars(label, 50, top) + _chars(value, 200, top, step=5) + _chars(growth, 300, top, step=5)
    after = _chars("以上数据为初步统计。", 50, y + 70)
    doc = document_from_pages([_page(body + table + after)])
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("body", "全年经济运行总体平稳，主要指标如下表。"),
        ("table", "指标\t数值\t增长\n地区生产总值\t6011.27\t6.8\n一般公共预算收入\t525.80\t7.5"),
        ("body", "以上数据为初步统计。"),
    ]
    grid = {(c.row, c.col): c.text for c in doc.blocks[1].table.cells}
    assert grid[(1, 1)] == "6011.27" and grid[(2, 0)] == "一般公共预算收入" and doc.blocks[1].table.number == 1


def test_blank_line_separates_unindented_paragraphs() -> None:
    lines = [
        "第一段文字从这里开始一直写到这一行的",
        "末尾然后结束了这一段内容的叙述部分呢",
        "第二段也不缩进而是空一行后开始的写法",
    ]
    chars = _chars(lines[0], 50, 100) + _chars(lines[1], 50, 115) + _chars(lines[2], 50, 145)
    chars += _chars("第三行后面的文字继续第二段的内容直到", 50, 160) + _chars("结束为止。", 50, 175)
    doc = document_from_pages([_page(chars)])
    assert [b.text for b in doc.blocks] == [
        lines[0] + lines[1],
        lines[2] + "第三行后面的文字继续第二段的内容直到结束为止。",
    ]


def test_body_size_caption_under_a_photo_is_a_caption_and_the_paragraph_goes_around_it() -> None:
    para = "".join(LEFT + RIGHT) * 2
    text = "\u3000\u3000" + para
    lines = [text[k : k + 16] for k in range(0, len(text), 16)]
    slots = [100 + 15 * r for r in range(5)] + [100 + 15 * r for r in range(14, 40)]  # rows 5-13: photo
    chars = []
    for line, top in zip(lines, slots, strict=False):
        chars += _chars(line, 50, top)
    caption = "2021年7月28日，代表视察现场。"
    chars += _chars(caption, 70, 100 + 15 * 13, font="Kai")  # body size, another font, under the photo
    doc = document_from_pages([_page(chars)])
    assert [(b.kind, b.text) for b in doc.blocks] == [("body", para), ("caption", caption)]


def test_inline_jump_marks_and_footer_credits_are_cut() -> None:
    # A paragraph runs to the next page; the jump marks share the text lines; a credits line and a
    # "第1页共2页" footer sit in the bottom margin.
    page1 = _chars("\u3000\u3000全省生产总值增长百分之五点五一般公共", 50, 100)
    page1 += _chars("预算收入增长（下转第2版）", 50, 115)
    page1 += _chars("责任编辑：张三", 50, 760, size=8) + _chars("第1页共2页", 280, 780, size=8)
    page2 = _chars("（上接第1版）百分之一点八。", 50, 100)
    page2 += _chars("责任编辑：李四", 50, 760, size=8) + _chars("第2页共2页", 280, 780, size=8)
    doc = document_from_pages([_page(page1, 1), _page(page2, 2)])
    assert doc.text == "全省生产总值增长百分之五点五一般公共预算收入增长百分之一点八。"
    assert all(box is not None for box in doc.blocks[0].boxes)


def test_second_body_size_is_body_not_headings() -> None:
    # Page 1 set in 10pt, page 2 in 11pt (same font): short paragraphs on page 2 are still body text.
    paras = [
        "全年经济运行总体平稳，主要指标好于预期，发展质量稳步提升，结构持续优化。",
        "城乡居民收入稳步增长，就业形势保持稳定，社会保障体系更加健全。",
        "财政收入平稳增长，重点支出得到保障，政府债务风险总体可控。",
    ]
    page1, _ = _column(paras + paras, 50, 100, 16, size=10.0)
    page2, _ = _column(paras + paras, 50, 100, 16, size=11.0)
    doc = document_from_pages([_page(page1, 1), _page(page2, 2)])
    assert [b.kind for b in doc.blocks] == ["body"] * 12
    assert [b.text for b in doc.blocks] == (paras + paras) * 2


@pytest.mark.parametrize("seed", range(5))
def test_result_does_not_depend_on_stored_char_order(seed: int) -> None:
    import random

    title = _chars("政府工作报告", 200, 80, size=24, font="Hei")
    left, _ = _column(LEFT * 2, 50, 130, 16)
    right, _ = _column(RIGHT * 2, 330, 130, 16)
    chars = title + left + right
    reference = document_from_pages([_page(list(chars))])
    shuffled = list(chars)
    random.Random(seed).shuffle(shuffled)
    doc = document_from_pages([_page(shuffled)])
    assert [(b.kind, b.text, b.boxes) for b in doc.blocks] == [
        (b.kind, b.text, b.boxes) for b in reference.blocks
    ]


def test_short_centred_title_lines_stay_separate_items() -> None:
    title = _chars("政府工作报告", 110, 60, size=20, font="Hei")
    date_line = _chars("——2026年1月14日在省人代会上", 95, 100, font="Kai")  # short, centred
    speaker = _chars("省长某某", 130, 120, font="Kai")
    body, _ = _column(LEFT, 30, 160, 24)
    doc = document_from_pages([_page(title + date_line + speaker + body)])
    assert [(b.kind, b.text) for b in doc.blocks[:3]] == [
        ("title", "政府工作报告"),
        ("title", "——2026年1月14日在省人代会上"),
        ("title", "省长某某"),
    ]


def test_fake_bold_head_in_body_font_reads_as_a_heading() -> None:
    first, y = _column([LEFT[0]], 50, 100, 16)
    head = _chars("坚持稳中求进", 90, y) + _chars("坚持稳中求进", 90.3, y + 0.2)  # drawn twice: fake bold
    second, _ = _column([LEFT[1]], 50, y + 20, 16)
    doc = document_from_pages([_page(first + head + second)])
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("body", LEFT[0]),
        ("heading", "坚持稳中求进"),
        ("body", LEFT[1]),
    ]


def test_pages_repeating_a_template_with_other_numbers_keep_their_text() -> None:
    # Every page holds the same sentences with other numbers at the same place: text, not running headers.
    pages = []
    for k in range(6):
        first = f"{2000 + k}年，全市生产总值增长{k}.5%。"
        second = f"全年开展执法检查{k + 1}次。"
        pages.append(_page(_chars(first, 50, 40) + _chars(second, 50, 55), k + 1))
    doc = document_from_pages(pages)
    text = doc.text
    for k in range(6):
        assert f"{2000 + k}年，全市生产总值增长{k}.5%。" in text and f"全年开展执法检查{k + 1}次。" in text
