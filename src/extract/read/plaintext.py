"""A plain-text file -> Document (text dumps scraped from web pages, as researchers hold them: GBK, CRLF,
full-width indents, one line per paragraph or hard-wrapped).

Decoding by extract.read.decode (BOM, UTF-8, charset-normalizer; GBK as GB18030; UTF-16 with a BOM). Lines
(CRLF, CR or LF) become paragraphs by extract.read.textblocks: a blank line or a leading indent starts one, a
wrapped line continues it; a short numbered line (一、2014年工作回顾, （二）…) is a heading, so it sets the time
of its section as a PDF's heading does; lines before the text (title, date line, speaker) are title matter;
page furniture (— 3 —, 打印 关闭, 来源：…) and a short menu line repeated through the file are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from extract.model import Document, DocumentError
from extract.read import textblocks as tb
from extract.read.decode import decode_bytes

_INDENT = re.compile(r"^[\u3000\t\xa0]|^ {2,}")


def read_text(path: str | Path) -> Document:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from exc
    return document_from_text_bytes(raw, str(path))


def document_from_text_bytes(raw: bytes, path: str = "") -> Document:
    decoded = decode_bytes(raw)
    text = decoded.text.replace("\x00", "")
    lines = [tb.Para(tb.clean_inline(piece), "heading" if head else "", bool(_INDENT.match(line)) or head)
             for line in text.splitlines() for piece, head in tb.split_run_in_heads(line)]
    paragraphs = tb.drop_repeated(tb.lines_to_paragraphs(lines))
    blocks = tb.to_blocks(paragraphs)
    if not blocks:
        raise DocumentError("a text file without text (only blank lines or page furniture)")
    return Document(path=path, n_pages=0, blocks=blocks, warnings=list(decoded.warnings), format="txt")
