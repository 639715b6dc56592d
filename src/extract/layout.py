"""PDF pages of chars -> Document: blocks (paragraphs, headings) in reading order with a box per character.

(Stub by the lead: only document_from_text exists yet; the layout helper writes the PDF path.)
"""

from __future__ import annotations

import re

from extract.model import Block, Document


def document_from_text(text: str, path: str = "") -> Document:
    """A Document from plain text (one block per non-empty line; no boxes). For tests and text-only inputs."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        kind = "heading" if re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", line) else "body"
        blocks.append(Block(text=line, boxes=[None] * len(line), kind=kind))
    return Document(path=path, n_pages=0, blocks=blocks)
