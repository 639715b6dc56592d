"""The garbled-text rule (extract.read.garbled): measured on real text, tried on text decoded wrongly."""

from __future__ import annotations

import html
import re

import pytest

from extract.model import Block, Document, DocumentError
from extract.read import garbled, pdf


def _decoded(path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if path.suffix == ".html":
        text = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return text


def _real_texts(corpus) -> dict[str, str]:
    texts = {}
    for path in sorted((corpus / "real" / "pdf").glob("*.pdf")) + sorted((corpus / "raw").glob("*.pdf")):
        try:
            for page in pdf.iter_pages(path, warnings=[]):
                texts[f"{path.name} p{page.page_number}"] = "".join(c["text"] for c in page.chars)
        except DocumentError:  # a scan: no text to measure
            continue
    for folder in ("real/html", "real/txt", "text"):
        for path in sorted((corpus / folder).glob("*")):
            texts[path.name] = _decoded(path)
    return texts


def test_no_real_text_comes_near_the_thresholds(corpus):
    texts = _real_texts(corpus)
    assert len(texts) > 150
    counted = {name: garbled.counts(text) for name, text in texts.items()}
    assert not [name for name, c in counted.items() if c.garbled]
    worst_foreign = max(c.foreign / c.chars for c in counted.values() if c.chars)
    worst_rare = max(c.rare / c.chars for c in counted.values() if c.chars)
    # the margins the module docstring states: six and eleven times the worst real share
    assert worst_foreign * 6 <= garbled.FOREIGN_SHARE and worst_rare * 11 <= garbled.RARE_SHARE
    assert max(c.foreign for c in counted.values()) < garbled.MIN_CHARS  # not even a warning


@pytest.mark.parametrize("wrong", [("utf-8", "latin-1"), ("utf-8", "gb18030"), ("gb18030", "utf-8"),
                                   ("gbk", "big5"), ("utf-8", "cp1252")])
def test_text_decoded_with_the_wrong_encoding_is_garbled(corpus, wrong):
    written, read = wrong
    for path in sorted((corpus / "text").glob("*.txt"))[:3]:
        text = path.read_text(encoding="utf-8")[:3000]
        assert not garbled.is_garbled(text)
        assert garbled.is_garbled(text.encode(written).decode(read, "replace")), path.name


SENTENCE = "全年地区生产总值增长5.5%，一般公共预算收入81.33亿元。"


def _page_block(text: str, page: int) -> Block:
    return Block(text, [(page, 0.0, 0.0, 1.0, 1.0)] * len(text))


def test_a_garbled_page_is_dropped_with_one_warning():
    mojibake = "úÈú‚šßàûüÁý5.3þÿ元Ž增长5.5%规ÄãºÃ"
    document = Document("x.pdf", 3, [_page_block(SENTENCE * 4, 1), _page_block(mojibake, 2),
                                     _page_block(SENTENCE * 4, 3)])
    out = garbled.apply(document)
    assert [b.page for b in out.blocks] == [1, 3]
    assert len(out.warnings) == 1 and out.warnings[0].startswith("garbled text on 1 of 3 pages (pages 2:")


def test_a_block_reaching_into_a_garbled_page_is_dropped_whole():
    mojibake = "ÄãºÃ" * 10
    spanning = Block(SENTENCE + mojibake, [(1, 0, 0, 1, 1)] * len(SENTENCE) + [(2, 0, 0, 1, 1)] * len(mojibake))
    document = Document("x.pdf", 2, [_page_block(SENTENCE * 8, 1), spanning])
    assert [b.text for b in garbled.apply(document).blocks] == [SENTENCE * 8]


def test_a_mostly_garbled_document_and_a_garbled_text_file_are_errors():
    with pytest.raises(DocumentError, match="^text garbled"):
        garbled.apply(Document("x.pdf", 2, [_page_block("ÄãºÃ" * 50, 1), _page_block(SENTENCE, 2)]))
    text = SENTENCE.encode("utf-8").decode("latin-1")
    with pytest.raises(DocumentError, match="^text garbled"):
        garbled.apply(Document("x.txt", 0, [Block(text, [None] * len(text))], format="txt"))


def test_a_few_stray_characters_keep_the_page_under_a_warning():
    document = Document("x.pdf", 1, [_page_block(SENTENCE * 20 + "«»©ÄÅ¿Ø", 1)])
    out = garbled.apply(document)
    assert len(out.blocks) == 1
    assert out.warnings == ["6 characters on pages 1 are not ones Chinese documents use (a broken font?): "
                            "check the figures there"]


def test_clean_text_is_left_alone():
    document = Document("x.pdf", 1, [_page_block(SENTENCE + "PM2.5浓度30μg/m³，≥95%，①②", 1)])
    assert garbled.apply(document).warnings == []
