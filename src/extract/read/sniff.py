"""What a file is, from its bytes (never its name): one of model.FORMATS, or a DocumentError saying in one line
which format it is and how to turn it into one that can be read.

    sniff_format("x.html")   -> "html"
    sniff_format("x.doc")    -> DocumentError("a Word 97-2003 or WPS document (.doc/.wps): ...")

Rules, in order: the PDF header within the first 1024 bytes; a ZIP holding ``word/document.xml`` (DOCX) or
``OFD.xml`` (OFD); the OLE container of .doc/.wps/.xls; a MIME web archive (.mht); images, RTF, PostScript and
archives by their magic numbers; then text: a document whose first tag is an HTML element (after a BOM, white
space and comments) is a web page, any other decodable text is plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

from extract.model import DocumentError

HEAD_BYTES = 8192

_IMAGES = (
    (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"),
)
_IMAGE_ADVICE = "put the page images into a PDF (the reader recognises the text of scanned PDFs)"
_HTML_START = re.compile(
    rb"^(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body|meta|title|link|script|style|div|p|table)[\s>/]",
    re.I | re.S)
_MIME_ARCHIVE = re.compile(rb"^(?:[\w-]+:[^\n]*\r?\n)*?(?:mime-version:|content-type:\s*multipart/related)", re.I)


def sniff_format(path: str | Path) -> str:
    """The format of ``path`` (pdf, html, txt, docx); DocumentError for anything else, an empty or missing file."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError as exc:
        raise DocumentError("file not found") from exc
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from exc
    if not head:
        raise DocumentError("empty file (0 bytes)")
    return sniff_bytes(head, path)


def sniff_bytes(head: bytes, path: Path | None = None) -> str:
    """The format from the first bytes of a file (``path`` lets a ZIP be opened to look inside)."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise DocumentError("a Word 97-2003 or WPS document (.doc/.wps, or an old .xls): open it in Word or WPS "
                            "and save it as .docx or PDF")
    for magic, name in _IMAGES:
        if head.startswith(magic):
            raise DocumentError(f"a {name} image, not a document: {_IMAGE_ADVICE}")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise DocumentError(f"a WebP image, not a document: {_IMAGE_ADVICE}")
    if head.startswith(b"{\\rtf"):
        raise DocumentError("an RTF document: open it in Word or WPS and save it as .docx or PDF")
    if head.startswith(b"%!PS"):
        raise DocumentError("a PostScript file: convert it to PDF (ps2pdf)")
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh")):
        raise DocumentError("a compressed archive: unpack it and catalogue the documents inside")
    text_head = _ascii_view(head)
    if _MIME_ARCHIVE.match(text_head):
        raise DocumentError("a saved web archive (.mht/.mhtml): open it in a browser and save it as "
                            "\"Web page, HTML only\" (.html)")
    if _HTML_START.match(text_head.lstrip()) or b"<html" in text_head[:2048].lower():
        return "html"
    if _looks_binary(head):
        raise DocumentError("unknown binary data (not a PDF, web page, text or Word document)")
    return "txt"


def _zip_format(path: Path | None) -> str:
    import zipfile  # here, not at the top: only a ZIP's sniffing needs it (2 ms of every PDF's start-up)

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, TypeError, ValueError) as exc:
        raise DocumentError("a damaged ZIP file (a .docx cut short?): save the document again") from exc
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or any(n.lower().endswith("/ofd.xml") for n in names):
        raise DocumentError("an OFD document (.ofd): open it in an OFD reader (数科, 福昕) and export or print "
                            "it to PDF")
    if any(n.startswith("xl/") for n in names):
        raise DocumentError("an Excel workbook (.xlsx): save each sheet as PDF, or copy the tables into a .docx")
    if any(n.startswith("ppt/") for n in names):
        raise DocumentError("a PowerPoint file (.pptx): export it to PDF")
    if "content.xml" in names and "mimetype" in names:
        raise DocumentError("an OpenDocument file (.odt/.ods): save it as .docx or PDF")
    raise DocumentError("a ZIP archive: unpack it and catalogue the documents inside")


def _ascii_view(head: bytes) -> bytes:
    """The head as bytes an ASCII pattern can match: UTF-16/32 text (BOM or NUL-interleaved ASCII) narrowed,
    a UTF-8 BOM dropped."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                       (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(codec, errors="ignore")
            return text.encode("ascii", errors="replace")
    if len(head) >= 4 and head[1:2] == b"\x00" and head[3:4] == b"\x00":
        return head[::2]
    if len(head) >= 4 and head[0:1] == b"\x00" and head[2:3] == b"\x00":
        return head[1::2]
    return head


def _looks_binary(head: bytes) -> bool:
    """Control bytes that no text encoding of Chinese documents produces (UTF-16 aside)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _ascii_view(head) is not head:
        return False
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B))
    return controls > max(2, len(head) // 100)
