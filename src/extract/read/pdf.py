"""Read a PDF into pages of plain character dicts, the one input the layout stage needs.

Every char is a dict with pdfplumber's keys: text, x0, top, x1, bottom (PDF points, top-left origin, exactly
pdfplumber's coordinate convention, including rotated pages and offset media boxes), size, fontname, and
``baseline`` (the top-left y of the glyph's origin, for upright text on unrotated pages): the layout builds
lines from baselines, because a box hangs from the font's descent and a digit font with a broken descent
(Founder's E-BZ: 1.03 em) would put its digits on the next line.
Whitespace is not a character here (PDFs disagree on whether spaces exist; gaps are geometry), nor are control
characters. A glyph whose font has no Unicode map or maps it into the private-use area is counted (the
document-level verdict) and kept as GARBLED_CHAR in its place, unless the glyph rules (``GlyphRules``) read it
with certainty: a small dot on the baseline between two digits of its own font is a decimal point (Tianjin's
U+1001B0 in E-BZ), and then every glyph of that code in that font is; ASCII punctuation drawn one em wide in
Chinese text is the full-width mark the page shows (Founder's E-BX maps 。 to U+002E).

Two backends give the same chars (tests/test_pdf.py compares them on every corpus PDF):
    "pdfium"      pypdfium2's raw text API, ~9x faster than pdfplumber's extract_text; the default.
    "pdfplumber"  pdfminer via pdfplumber; the reference. Also used page by page by the pdfium backend when a
                  page has a font pdfium cannot decode (predefined CJK CMaps such as GBK-EUC-H, common in OCR
                  layers of scanned government documents).
Known difference (docs/troubleshooting-pdf.md): pdfminer drops the character spacing (Tc) after the last glyph of each
string, so on justified lines its x positions drift left by up to ~30pt towards the line end; pdfium follows
the PDF spec (its justified lines end exactly at the right margin). Vertical boxes and sizes agree to ~0.01pt.

Bad input raises DocumentError with one line a non-programmer understands (docs/troubleshooting-pdf.md).
pdfium is not thread-safe: read one document per process.
"""

from __future__ import annotations

import ast
import ctypes
import functools
import math
import os
import re
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pypdfium2_raw.bindings

from extract.model import GARBLED_CHAR, DocumentError
from extract.read.guard import ContentGuard, library_log, open_plumber, too_many_chars

Rule = tuple[float, float, float, float]


@dataclass
class PageChars:
    page_number: int  # 1-based
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)
    # pdfplumber's page.bbox (x0, top, x1, bottom): (0, 0, width, height) unless the media box is offset.
    bbox: tuple[float, float, float, float] | None = None
    # Horizontal and vertical edges drawn on the page (ruling lines, the sides of rectangles), each
    # (x0, top, x1, bottom) with top == bottom or x0 == x1: what table finders read (extract.read.tables).
    rules: list[Rule] = field(default_factory=list)
    ocr: bool = False  # the chars were read by OCR from the page image (extract.read.ocr); each has a confidence
    # Boxes (x0, top, x1, bottom) of the space glyphs the PDF itself draws (not spaces a reader infers): a gap
    # a space fills is a word space ("113.6 %"), never a column gutter.
    spaces: list[tuple[float, float, float, float]] = field(default_factory=list)


CHAR_KEYS = ("text", "x0", "top", "x1", "bottom", "size", "fontname")
BACKENDS = ("pdfium", "pdfplumber")
DEFAULT_BACKEND = "pdfium"
# A dense newspaper page has ~10,000 chars; 200,000 leaves room for tables in tiny type and stops bombs.
DEFAULT_MAX_CHARS_PER_PAGE = 200_000
# pdfium keeps every font and image it has loaded until its document is closed: where each page has fonts of
# its own (a book merged from per-page prints) that is ~0.3 MB a page, 1.5 GB for 5,000. The reader opens the
# document again every REOPEN_EVERY_PAGES pages (flat at ~50 MB on such a file; an opening costs milliseconds).
REOPEN_EVERY_PAGES = 100
# A page with fewer chars than this and an image is treated as a scan without a text layer.
MIN_TEXT_CHARS_PER_PAGE = 10
# Share of unreadable chars ((cid:N), private-use, U+FFFD) above which the document is refused / warned about.
UNREADABLE_ERROR_SHARE = 0.5
UNREADABLE_WARNING_SHARE = 0.02
# Share of scanned pages (no text, an image) from which the whole document is refused as "needs OCR".
SCANNED_ERROR_SHARE = 0.9

_FORM_DEPTH_LIMIT = 8  # nested form XObjects walked when probing a page's fonts and images


# ---------------------------------------------------------------------------------------------------------
# No system fonts: the same characters, boxes and speed on every machine
# ---------------------------------------------------------------------------------------------------------

_NO_SYSTEM_FONTS: list = []  # the installed font info and its callbacks, kept alive while pdfium may call them


def disable_system_fonts() -> None:
    """Make pdfium map no font of the machine (FPDF_SetSystemFontInfo with a font info that knows none).

    pdfium substitutes an installed font for a PDF's non-embedded fonts; with a CJK font on the machine it
    takes that one, whose metrics change the boxes (and so the figures) and whose size makes reading ~2x
    slower. Without system fonts pdfium uses its own built-in substitutes everywhere. Called once when this
    module is imported (before any document is opened); anything else drawing pages with pdfium (charts'
    page images) gets the same fonts. Idempotent.
    """
    if _NO_SYSTEM_FONTS:
        return
    info_type = pdfium_c.FPDF_SYSFONTINFO
    fields = dict(info_type._fields_)
    callbacks = {
        "Release": fields["Release"](lambda this: None),
        "EnumFonts": fields["EnumFonts"](lambda this, mapper: None),
        "MapFont": fields["MapFont"](lambda this, weight, italic, charset, pitch, face, exact: None),
        "GetFont": fields["GetFont"](lambda this, face: None),
        "GetFontData": fields["GetFontData"](lambda this, font, table, buffer, size: 0),
        "GetFaceName": fields["GetFaceName"](lambda this, font, buffer, size: 0),
        "GetFontCharset": fields["GetFontCharset"](lambda this, font: 0),
        "DeleteFont": fields["DeleteFont"](lambda this, font: None),
    }
    info = info_type(version=1, **callbacks)
    pdfium_c.FPDF_SetSystemFontInfo(ctypes.byref(info))
    _NO_SYSTEM_FONTS.extend([info, callbacks])


# ---------------------------------------------------------------------------------------------------------
# Sniffing: cheap checks that need no page reading
# ---------------------------------------------------------------------------------------------------------


def _describe_non_pdf(head: bytes) -> str:
    """What a file that is not a PDF looks like, from its first bytes, in words a user understands."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in stripped[:1024]:
        return "not a PDF: it is a web page (HTML), probably an error page saved instead of the document"
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<"):
        return "not a PDF: it is an XML/HTML text file"
    if head.startswith(b"\x89PNG"):
        return "not a PDF: it is a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "not a PDF: it is a JPEG image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "not a PDF: it is a GIF image"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "not a PDF: it is a TIFF image"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "not a PDF: it is a Word document (.docx)"
        if b"xl/" in head:
            return "not a PDF: it is an Excel workbook (.xlsx)"
        return "not a PDF: it is a ZIP archive (or an Office document)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "not a PDF: it is an old Microsoft Office file (.doc/.xls)"
    if head.startswith(b"{\\rtf"):
        return "not a PDF: it is an RTF document"
    if head.startswith(b"%!PS"):
        return "not a PDF: it is a PostScript file"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "not a PDF: it is a compressed archive"
    try:
        head.decode("utf-8")
        return "not a PDF: it is a plain text file"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("gb18030")
        return "not a PDF: it is a plain text file"
    except UnicodeDecodeError:
        return "not a PDF: the file starts with unknown binary data"


def _check_file_bytes(path: Path) -> bool:
    """Raise DocumentError for an empty or non-PDF file. Return True when the PDF's end marker is missing
    (a truncated download), which the caller reports as repaired if the PDF still opens."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise DocumentError("file not found") from exc
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from exc
    if size == 0:
        raise DocumentError("empty file (0 bytes)")
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as exc:
        raise DocumentError(f"cannot read the file: {exc.strerror or exc}") from exc
    # The spec allows junk before the header as long as %PDF- is within the first 1024 bytes.
    if b"%PDF-" not in head[:1024]:
        raise DocumentError(_describe_non_pdf(head))
    return b"%%EOF" not in tail or not _xref_offset_is_valid(path, head, tail)


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_XREF_AT = re.compile(rb"\s*(xref|\d+\s+\d+\s+obj)")


def _xref_offset_is_valid(path: Path, head: bytes, tail: bytes) -> bool:
    """The last `startxref` points at a cross-reference table or stream. When it does not, readers rebuild the
    table by scanning the file (silently, in pdfium's case), which is worth a warning: objects can be lost."""
    found = _STARTXREF.findall(tail)
    if not found:
        return False
    offset = int(found[-1])
    # offsets count from the %PDF- header, which may follow junk bytes
    offset += max(0, head.find(b"%PDF-"))
    with open(path, "rb") as fh:
        fh.seek(offset)
        at = fh.read(64)
    return bool(_XREF_AT.match(at))


_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


@functools.lru_cache(maxsize=4096)
def clean_fontname(name: str) -> str:
    """Font name without the subset tag ("AAAAAA+FandolSong-Regular" -> "FandolSong-Regular"), the same from
    both backends; pdfminer's repr of undecodable byte names (b'\\xcb\\xce...') decoded as GBK."""
    if name.startswith(("b'", 'b"')):
        try:
            raw = ast.literal_eval(name)
            name = _decode_name(raw) if isinstance(raw, bytes) else name
        except (ValueError, SyntaxError):
            pass
    return _SUBSET_TAG.sub("", name)


def _decode_name(raw: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _mentions_encryption(path: Path) -> bool:
    """The trailer (or cross-reference stream) names an /Encrypt dictionary. pdfium's error code is global and
    can be stale (it reports no new error for a 0-page file), so a password verdict is double-checked here."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - (1 << 16)))
        tail = fh.read()
    return b"/Encrypt" in head or b"/Encrypt" in tail


def _pdfium_open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        encrypted = code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) and _mentions_encryption(path)
        if encrypted and code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError("encrypted: needs a password") from exc
        if encrypted:
            raise DocumentError("encrypted with an unsupported protection scheme: cannot be read") from exc
        raise DocumentError("damaged PDF: cannot be read or repaired (incomplete download?)") from exc


def _too_many_pages(n_pages: int, max_pages: int) -> DocumentError:
    return DocumentError(
        f"too many pages: {n_pages} (the limit is {max_pages}; raise it with --max-pages if the file is genuine)"
    )


def _check_page_count(n_pages: int, max_pages: int | None) -> None:
    if n_pages == 0:
        raise DocumentError("PDF has no pages")
    if max_pages is not None and n_pages > max_pages:
        raise _too_many_pages(n_pages, max_pages)


def _is_damage(err: DocumentError) -> bool:
    return err.reason.startswith("damaged PDF")


def _pdfminer_page_count(path: Path) -> int:
    """Pages pdfminer finds (it scans objects when the cross-reference table is broken)."""
    try:
        with open_plumber(path) as pdf:
            return len(pdf.pages)
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer raises many types for the same thing: a file it cannot parse
        raise _classify_pdfminer_error(exc) from exc


def sniff_pdf(path: str | Path, max_pages: int | None = None) -> None:
    """Raise DocumentError if ``path`` cannot be read as a PDF, without reading any page.

    Catches: missing/empty file, not a PDF (says what it looks like), damaged beyond repair, password-protected,
    no pages, too many pages. Scans without text and unreadable fonts show up only when pages are read.
    """
    path = Path(path)
    _check_file_bytes(path)
    try:
        doc = _pdfium_open(path)
    except DocumentError as exc:
        if not _is_damage(exc):
            raise
        _check_page_count(_pdfminer_page_count(path), max_pages)  # pdfium gave up: pdfminer may repair it
        return
    try:
        _check_page_count(len(doc), max_pages)
    finally:
        doc.close()


# ---------------------------------------------------------------------------------------------------------
# Coordinates: PDF user space -> pdfplumber's top-left space
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PageGeometry:
    """pdfplumber's page geometry and the affine map from PDF user space to its (x, top) coordinates:
    x' = xa*x + xb*y + xc, top = ta*x + tb*y + tc."""

    width: float
    height: float
    bbox: tuple[float, float, float, float]
    affine: tuple[float, float, float, float, float, float]

    @property
    def axis_aligned(self) -> bool:
        """x' depends on x only and top on y only (unrotated page): the fast path of the char loop."""
        xa, xb, _, ta, tb, _ = self.affine
        return xb == 0 and ta == 0 and xa > 0 and tb < 0

    def to_plumber(self, x: float, y: float) -> tuple[float, float]:
        xa, xb, xc, ta, tb, tc = self.affine
        return xa * x + xb * y + xc, ta * x + tb * y + tc


def _page_geometry(mediabox: tuple[float, float, float, float], rotation: int) -> _PageGeometry:
    """Mirror pdfminer's page CTM (rotation, media-box origin) and pdfplumber's flip and offset."""
    x0, x1 = sorted((mediabox[0], mediabox[2]))
    y0, y1 = sorted((mediabox[1], mediabox[3]))
    rotation %= 360
    # pdfminer.pdfinterp.PDFPageInterpreter.process_page
    if rotation == 90:
        ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
    elif rotation == 180:
        ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
    elif rotation == 270:
        ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
    else:
        ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
    # pdfplumber.page.Page.__init__: normalised media box, inverted against its own height
    nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
    mb_height = ny1 - ny0
    bbox = (nx0, mb_height - ny1, nx1, mb_height - ny0)
    width, height = bbox[2] - bbox[0], bbox[3] - bbox[1]
    mb_x0, mb_top = bbox[0], bbox[1]
    a, b, c, d, e, f = ctm
    # pdfminer: (px, py) = (a*x + c*y + e, b*x + d*y + f); pdfplumber: (px + mb_x0, height - py + mb_top)
    affine = (a, c, e + mb_x0, -b, -d, height - f + mb_top)
    return _PageGeometry(width, height, bbox, affine)


def _box_to_plumber(geo: _PageGeometry, left: float, bottom: float, right: float, top: float) -> tuple:
    """Axis-aligned (x0, top, x1, bottom) in pdfplumber space of a user-space rectangle."""
    xa, ta = geo.to_plumber(left, bottom)
    xb, tb = geo.to_plumber(right, top)
    return min(xa, xb), min(ta, tb), max(xa, xb), max(ta, tb)


# ---------------------------------------------------------------------------------------------------------
# Page statistics for the document-level text-layer verdict
# ---------------------------------------------------------------------------------------------------------


def is_blank_text(text: str) -> bool:
    """Whitespace, controls, format chars: not characters for the layout (both backends drop them)."""
    return not text or text.isspace() or not text.isprintable()


def is_unreadable_text(text: str) -> bool:
    """A char whose font has no Unicode map: pdfminer's "(cid:N)", private-use code points, U+FFFD."""
    if text.startswith("(cid:"):
        return True
    return any(0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" or 0xF0000 <= ord(ch) for ch in text)


def is_scanned(n_chars: int, has_image: bool) -> bool:
    """The one verdict on a page's text layer: an image and (almost) no characters is a scan."""
    return has_image and n_chars < MIN_TEXT_CHARS_PER_PAGE


@dataclass
class _TextLayerStats:
    n_pages: int = 0
    n_chars: int = 0
    n_unreadable: int = 0
    scanned_pages: list[int] = field(default_factory=list)  # pages with an image and (almost) no text
    unreadable_pages: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # scanned pages whose text OCR read
    ocr_incomplete: list[int] = field(default_factory=list)  # ... stopped by the per-page time budget
    ocr_tried: bool = False
    skipped_pages: list[int] = field(default_factory=list)  # pages neither reader could build
    tree_mismatch: tuple[int, int] | None = None  # (pdfium's, pdfminer's) page counts when they differ
    library_problems: int = 0  # warnings the PDF library logged (pdfminer), summarised in one line
    first_library_problem: str = ""

    def skip(self, page_number: int) -> None:
        self.skipped_pages.append(page_number)

    def add_page(self, page_number: int, n_chars: int, n_unreadable: int, has_image: bool) -> None:
        self.n_pages += 1
        self.n_chars += n_chars
        self.n_unreadable += n_unreadable
        if is_scanned(n_chars + n_unreadable, has_image):
            self.scanned_pages.append(page_number)
        if n_unreadable:
            self.unreadable_pages.append(page_number)

    def add_ocr_page(self, page_number: int, n_chars: int, complete: bool) -> None:
        self.n_pages += 1
        self.n_chars += n_chars
        self.ocr_tried = True
        (self.ocr_pages if n_chars >= MIN_TEXT_CHARS_PER_PAGE else self.scanned_pages).append(page_number)
        if not complete:
            self.ocr_incomplete.append(page_number)

    def verdict(self, warnings: list[str] | None) -> None:
        """Raise for a document without a usable text layer; append warnings for partial problems."""
        total = self.n_chars + self.n_unreadable
        if self.n_pages and len(self.scanned_pages) >= SCANNED_ERROR_SHARE * self.n_pages:
            if self.ocr_tried:
                raise DocumentError("no text layer, and OCR found no text on the scanned pages")
            raise DocumentError("no text layer: needs OCR (the pages are scanned images; OCR is off: --no-ocr)")
        if total and self.n_unreadable >= UNREADABLE_ERROR_SHARE * total:
            raise DocumentError(
                "text layer unreadable: fonts have no Unicode map (copying text from it gives garbage)"
            )
        if self.n_pages == 0 and self.skipped_pages:
            raise DocumentError("damaged PDF: none of its pages can be read (broken page objects or page tree)")
        if total == 0:
            raise DocumentError("PDF has no text (blank pages, or text drawn as shapes)")
        if warnings is None:
            return
        if self.skipped_pages:
            count = len(self.skipped_pages)
            which = f"page {self.skipped_pages[0]}" if count == 1 else \
                f"{count:,} of {count + self.n_pages:,} pages (pages {_page_list(self.skipped_pages)})"
            warnings.append(f"damaged PDF: {which} cannot be read, skipped")
        if self.tree_mismatch:
            warnings.append(f"damaged PDF: its page tree is inconsistent (pdfium finds {self.tree_mismatch[0]:,} "
                            f"pages, pdfminer {self.tree_mismatch[1]:,}): pages may be missing or repeated")
        if self.library_problems:
            warnings.append(f"damaged PDF: the PDF parser reported {self.library_problems:,} problem(s) "
                            f"(first: {self.first_library_problem})")
        if self.scanned_pages:
            warnings.append(
                f"no text layer on {len(self.scanned_pages)} of {self.n_pages} pages (scanned images, pages "
                f"{_page_list(self.scanned_pages)}): figures there are missed unless the file is OCRed"
            )
        if self.ocr_incomplete:
            warnings.append(
                f"OCR stopped by its time budget on pages {_page_list(self.ocr_incomplete)}: "
                "figures further down those pages are missed"
            )
        if total and self.n_unreadable >= UNREADABLE_WARNING_SHARE * total:
            share = 100 * self.n_unreadable / total
            warnings.append(
                f"{share:.0f}% of characters unreadable (fonts without Unicode map, pages "
                f"{_page_list(self.unreadable_pages)}): kept as U+FFFD, figures touching them are flagged garbled_text"
            )


def _page_list(pages: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(p) for p in pages[:limit])
    return shown + (", ..." if len(pages) > limit else "")


# ---------------------------------------------------------------------------------------------------------
# Glyph rules: what a glyph with no (or a wrong) Unicode value shows, where its font makes it certain
# ---------------------------------------------------------------------------------------------------------

# ASCII punctuation a CJK font draws one em wide is the full-width mark the page shows.
FULL_WIDTH_PUNCTUATION = {",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
# A decimal point's ink: a dot at most this many ems wide and high ...
DOT_MAX_EM = 0.25
# ... whose lowest ink lies between this far above the baseline and this far below it (a comma descends).
DOT_LOW_EM, DOT_DESCENT_EM = 0.3, 0.05


def _is_digit(text: str) -> bool:
    return "0" <= text <= "9" or "\uff10" <= text <= "\uff19"


def _is_han(text: str) -> bool:
    return "\u3400" <= text <= "\u9fff" or "\uf900" <= text <= "\ufaff"


class GlyphRules:
    """Reads glyphs whose fonts give no (or a wrong) Unicode value, page by page through one document.

    A private-use glyph between two digits of its own font whose ink is a small dot on the baseline is a
    decimal point; from then on every glyph of that code in that font is one (the font makes it certain:
    "1.一般公共预算" after "2221.7"). A private-use glyph no rule reads stays GARBLED_CHAR. ASCII punctuation
    drawn one em wide beside a Chinese character is its full-width form (。 for a full-em "."), so sentences end
    where the page shows they do. Both backends pass their chars through the same rules.
    """

    def __init__(self) -> None:
        self.learned: dict[tuple[str, int], str] = {}  # (font, private-use code) -> text
        self.repaired = 0

    def apply(self, chars: list[dict]) -> None:
        # most pages have no char a rule reads: no rows to build
        if any(self._unlearned_glyph(c) or _is_wide_ascii_punctuation(c)
               for c in chars if "code" in c or c["text"] in FULL_WIDTH_PUNCTUATION):
            self._read_rows(chars)
        if self.learned:
            for c in chars:
                text = self.learned.get((c["fontname"], c["code"])) if "code" in c else None
                if text is not None:
                    c["text"] = text
                    del c["code"]
                    self.repaired += 1

    def _unlearned_glyph(self, c: dict) -> bool:
        """A private-use glyph with its ink, of a (font, code) not read yet: the decimal-point rule looks at it."""
        return "code" in c and "ink" in c and (c["fontname"], c["code"]) not in self.learned

    def _read_rows(self, chars: list[dict]) -> None:
        for row in _baseline_rows(chars):
            for k, c in enumerate(row):
                if self._unlearned_glyph(c):
                    if _is_decimal_point(c, _neighbour(row, k, -1), _neighbour(row, k, 1)):
                        self.learned[(c["fontname"], c["code"])] = "."
                elif _is_wide_ascii_punctuation(c):
                    near = (_neighbour(row, k, -1), _neighbour(row, k, 1))
                    # a bracket is never an em wide in a latin font; a full-em dot between digits could be ．
                    if c["text"] in "()" or any(n is not None and _is_han(n["text"]) for n in near):
                        c["text"] = FULL_WIDTH_PUNCTUATION[c["text"]]
                        self.repaired += 1


def _is_wide_ascii_punctuation(c: dict) -> bool:
    """ASCII punctuation drawn an em wide: the full-width rule looks at it."""
    return c["text"] in FULL_WIDTH_PUNCTUATION and c["x1"] - c["x0"] >= 0.9 * c["size"]


def _baseline_rows(chars: list[dict]) -> list[list[dict]]:
    """Chars with a baseline grouped into rows (baselines within a third of an em: a digit font may sit a
    little lower than the Chinese text), each left to right."""
    placed = sorted((c for c in chars if c.get("baseline") is not None), key=itemgetter("baseline"))
    rows: list[list[dict]] = []
    for c in placed:
        if rows and c["baseline"] - rows[-1][-1]["baseline"] <= 0.3 * c["size"]:
            rows[-1].append(c)
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=itemgetter("x0"))
    return rows


def _neighbour(row: list[dict], k: int, step: int) -> dict | None:
    """The char next to row[k] on its side, if it stands within an em and a half of it."""
    j = k + step
    if not 0 <= j < len(row):
        return None
    c, n = row[k], row[j]
    gap = n["x0"] - c["x1"] if step > 0 else c["x0"] - n["x1"]
    return n if gap <= 1.5 * c["size"] else None


def _is_decimal_point(c: dict, left: dict | None, right: dict | None) -> bool:
    if left is None or right is None or not (_is_digit(left["text"]) and _is_digit(right["text"])):
        return False
    if not left["fontname"] == right["fontname"] == c["fontname"]:
        return False
    x0, top, x1, bottom = c["ink"]
    size, baseline = c["size"], c["baseline"]
    small = x1 - x0 <= DOT_MAX_EM * size and bottom - top <= DOT_MAX_EM * size
    return small and baseline - DOT_LOW_EM * size <= bottom <= baseline + DOT_DESCENT_EM * size


# ---------------------------------------------------------------------------------------------------------
# pdfium backend
# ---------------------------------------------------------------------------------------------------------

# Private prototypes returning plain addresses, so fonts and text objects can be cached by int cheaply.
# (CDLL.__getitem__ returns a new function object: pypdfium2's own prototypes are untouched.)
_lib = pypdfium2_raw.bindings._libs["pdfium"]  # pypdfium2 exposes no public handle to the loaded library


def _proto(name: str, argtypes: list | None, restype=ctypes.c_int):
    """A fresh prototype of pdfium function ``name`` (argtypes None: unchecked, for the per-char hot loop)."""
    function = _lib[name]
    function.argtypes = argtypes
    function.restype = restype
    return function


_textobj_get_font = _proto("FPDFTextObj_GetFont", [ctypes.c_void_p], ctypes.c_void_p)
_font_get_descent = _proto("FPDFFont_GetDescent", [ctypes.c_void_p, ctypes.c_float, ctypes.POINTER(ctypes.c_float)])
_font_get_is_embedded = _proto("FPDFFont_GetIsEmbedded", [ctypes.c_void_p])
_font_get_base_name = _proto("FPDFFont_GetBaseFontName", [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t], ctypes.c_size_t)
_textobj_get_text = _proto("FPDFTextObj_GetText", [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong], ctypes.c_ulong)
_textobj_get_font_size = _proto("FPDFTextObj_GetFontSize", [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float)])
_page_count_objects = _proto("FPDFPage_CountObjects", [ctypes.c_void_p])
_page_get_object = _proto("FPDFPage_GetObject", [ctypes.c_void_p, ctypes.c_int], ctypes.c_void_p)
_form_count_objects = _proto("FPDFFormObj_CountObjects", [ctypes.c_void_p])
_form_get_object = _proto("FPDFFormObj_GetObject", [ctypes.c_void_p, ctypes.c_ulong], ctypes.c_void_p)
_pageobj_get_type = _proto("FPDFPageObj_GetType", [ctypes.c_void_p])
# The per-char calls of the hot loop without argument checking (argtypes None): ~2x faster than pypdfium2's
# checked prototypes. Callers pass exactly (c_void_p handle, int index, byref(...) outputs).
_get_loose_box = _proto("FPDFText_GetLooseCharBox", None)
_get_origin = _proto("FPDFText_GetCharOrigin", None)
_get_text_object_unchecked = _proto("FPDFText_GetTextObject", None, ctypes.c_void_p)
_get_matrix = _proto("FPDFText_GetMatrix", None)
_get_font_size = _proto("FPDFText_GetFontSize", None, ctypes.c_double)
_has_map_error = _proto("FPDFText_HasUnicodeMapError", None)


# Path objects (ruling lines and rectangles), walked once per page for the table finder.
_path_count_segments = _proto("FPDFPath_CountSegments", None)
_path_get_segment = _proto("FPDFPath_GetPathSegment", None, ctypes.c_void_p)
_segment_get_point = _proto("FPDFPathSegment_GetPoint", None)
_segment_get_type = _proto("FPDFPathSegment_GetType", None)
_segment_get_close = _proto("FPDFPathSegment_GetClose", None)
_pageobj_get_matrix = _proto("FPDFPageObj_GetMatrix", None)
_path_get_draw_mode = _proto("FPDFPath_GetDrawMode", None)
_MAX_RULE_SEGMENTS = 20_000  # per page: a vector drawing (a map) is not a table; stop collecting beyond this


def _font_name(font: int) -> str:
    buf = ctypes.create_string_buffer(512)
    n = _font_get_base_name(font, buf, len(buf))
    return clean_fontname(_decode_name(buf.raw[: max(0, n - 1)] if n else b""))


def _font_is_embedded(font: int) -> bool:
    return bool(_font_get_is_embedded(font))


def _font_descent_per_point(font: int) -> float:
    """The font's descent (negative) for a 1pt size, as pdfminer reads it from the font descriptor."""
    out = ctypes.c_float()
    if not _font_get_descent(font, ctypes.c_float(1000.0), ctypes.byref(out)):
        return 0.0
    return out.value / 1000.0


@dataclass
class _PageProbe:
    has_image: bool = False
    undecodable_font: bool = False  # pdfium drops this font's chars: read the page with pdfplumber
    empty: Counter = field(default_factory=Counter)  # font -> text objects without text
    full: list = field(default_factory=list)  # the text objects with text


# pdfium gives no text (and no glyph boxes) for codes of fonts whose CMap it lacks (predefined CJK CMaps such as
# GBK-EUC-H, common in OCR layers). Office exports also make text objects that hold nothing pdfium reports (runs
# of spaces, empty table cells), so one empty object proves nothing: a font is undecodable on a page when most of
# its text objects there are empty (an OCR layer's: hundreds empty, a handful with text; a WPS table's: a few
# hundred empty among more with text).
_UNDECODABLE_MIN_EMPTY = 5


def text_owners(textpage: pdfium.PdfTextPage, codes: list[int] | None = None) -> set[int]:
    """The text objects (addresses) that hold a char of the text page with a code: those whose text
    (FPDFTextObj_GetText) is not empty. One pass over the chars instead of one over them per object (pdfium
    finds an object's text by scanning every char of the page). ``codes``: the page's _page_text_codes."""
    raw = textpage.raw
    if codes is None:
        codes = _page_text_codes(raw, pdfium_c.FPDFText_CountChars(raw))
    return _owners(_char_text_objects(raw, codes))


def _owners(objects: list[int | None]) -> set[int]:
    """The text objects among a page's _char_text_objects."""
    owners = set(objects)
    owners.discard(None)
    return owners


def _char_text_objects(raw, codes: list[int]) -> list[int | None]:
    """The text object (address) of each char of the text page that has a code (None for the others): asked
    once, for the probe's owners and the chars' fonts alike."""
    handle = ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value)
    get_text_object = _get_text_object_unchecked
    return [get_text_object(handle, i) if code else None for i, code in enumerate(codes)]


def _walk_page(page: pdfium.PdfPage, owners: set[int], geo: _PageGeometry) -> tuple[_PageProbe, list[Rule]]:
    """One walk over the page's objects (and those of its forms, to _FORM_DEPTH_LIMIT) for the probe (images; per
    font, the text objects without and with text) and the ruling lines: every horizontal and vertical straight
    piece of the page's painted paths, in pdfplumber's coordinates, i.e. the sides of rectangles and the segments
    of lines and polylines (pdfplumber's ``page.edges`` of lines, rects and curves; Bezier pieces and slanted
    segments are left out). Paths inside form XObjects are mapped through the form's matrix."""
    probe = _PageProbe()
    rules: list[Rule] = []
    page_addr = ctypes.cast(page.raw, ctypes.c_void_p).value
    _walk_objects(page_addr, _page_count_objects, _page_get_object, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), geo, owners,
                  probe, rules, 0)
    probe.undecodable_font = _undecodable(probe)
    return probe, rules


def _undecodable(probe: _PageProbe) -> bool:
    """Is a font of the page undecodable (most of its text objects there empty)? The walk asked the font of the
    empty objects only: those with text are asked here, when a font has enough empty ones to matter."""
    suspects = {font: empty for font, empty in probe.empty.items() if empty >= _UNDECODABLE_MIN_EMPTY}
    if not suspects:
        return False
    full = Counter(_textobj_get_font(obj) for obj in probe.full)
    return any(empty > 2 * full[font] for font, empty in suspects.items())


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying ``inner`` then ``outer`` (PDF matrices a b c d e f)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _walk_objects(holder: int, count_objects: Callable[[int], int], get_object: Callable[[int, int], int],
                  outer: tuple, geo: _PageGeometry, owners: set[int], probe: _PageProbe, rules: list[Rule],
                  depth: int) -> None:
    """_walk_page's walk over the objects of ``holder`` (a page, or a form object: ``count_objects`` and
    ``get_object`` are pdfium's functions for it), drawn through the matrix ``outer``."""
    matrix = (ctypes.c_float * 6)()
    x, y = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    empty, full = probe.empty, probe.full
    for i in range(count_objects(holder)):
        obj = get_object(holder, i)
        kind = _pageobj_get_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            if obj in owners:
                full.append(obj)
            else:
                empty[_textobj_get_font(obj)] += 1
            continue
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            probe.has_image = True
            continue
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _FORM_DEPTH_LIMIT:
            handle = ctypes.c_void_p(obj)
            _pageobj_get_matrix(handle, ctypes.byref(matrix))
            _walk_objects(obj, _form_count_objects, _form_get_object, _compose(tuple(matrix), outer), geo, owners,
                          probe, rules, depth + 1)
            continue
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH or len(rules) > _MAX_RULE_SEGMENTS:
            continue
        handle = ctypes.c_void_p(obj)
        if _path_get_draw_mode(handle, ctypes.byref(fill), ctypes.byref(stroke)) and not (fill.value or stroke.value):
            continue  # a clipping path: nothing is painted
        n = _path_count_segments(handle)
        if n < 2:
            continue
        _pageobj_get_matrix(handle, ctypes.byref(matrix))
        a, b, c, d, e, f = _compose(tuple(matrix), outer)
        points: list[tuple[float, float] | None] = []  # plumber-space points of the subpath; None: a curve
        start: tuple[float, float] | None = None
        for k in range(n):
            segment = ctypes.c_void_p(_path_get_segment(handle, k))
            _segment_get_point(segment, ctypes.byref(x), ctypes.byref(y))
            px, py = x.value, y.value
            point = geo.to_plumber(a * px + c * py + e, b * px + d * py + f)
            kind = _segment_get_type(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = point
                points = [point]
            elif kind == pdfium_c.FPDF_SEGMENT_LINETO and points:
                _add_rule(points[-1], point, rules)
                points.append(point)
            else:  # a Bezier piece: no straight edge up to its end point
                points.append(point)
            if _segment_get_close(segment) and start is not None and points:
                _add_rule(points[-1], start, rules)


def _add_rule(p: tuple[float, float] | None, q: tuple[float, float], rules: list[Rule]) -> None:
    if p is None:
        return
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.01 and abs(x0 - x1) >= 0.01:
        rules.append((min(x0, x1), y0, max(x0, x1), y0))
    elif abs(x0 - x1) < 0.01 and abs(y0 - y1) >= 0.01:
        rules.append((x0, min(y0, y1), x0, max(y0, y1)))


# Code point -> (0 keep, 1 blank (drop), 2 unreadable (drop, count); its str). The str is shared by every char
# that has the code: chr() makes a new 76-byte object for each CJK char, a third of a long document's memory.
_CODES: dict[int, tuple[int, str]] = {}
_CODE_CACHE_LIMIT = 100_000  # distinct code points kept (a file cycling through all of Unicode stays bounded)


def _code_info(code: int) -> tuple[int, str]:
    text = chr(code)
    info = (2 if is_unreadable_text(text) else 1 if is_blank_text(text) else 0, text)
    if len(_CODES) >= _CODE_CACHE_LIMIT:
        _CODES.clear()
    _CODES[code] = info
    return info


def _page_text_codes(raw, n: int) -> list[int]:
    """Code points of chars 0..n-1 in one call; per-char FPDFText_GetUnicode when surrogates break the 1:1.

    pdfium gives a char beyond the BMP (a supplementary private-use code such as U+1001B0) as two chars, one
    per UTF-16 unit, with the same box: the pair becomes the code point at the first index and 0 (no char)
    at the second.
    """
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = pdfium_c.FPDFText_GetText(raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    units = buf.raw[: 2 * max(0, got - 1)]
    if len(units) == 2 * n:
        codes = list(memoryview(units).cast("H"))
        if not any(0xD800 <= u <= 0xDFFF for u in codes):
            return codes
    codes = [pdfium_c.FPDFText_GetUnicode(raw, i) for i in range(n)]
    for i in range(n - 1):
        if 0xD800 <= codes[i] <= 0xDBFF and 0xDC00 <= codes[i + 1] <= 0xDFFF:
            codes[i] = 0x10000 + ((codes[i] - 0xD800) << 10) + (codes[i + 1] - 0xDC00)
            codes[i + 1] = 0
    return codes


SPACE_CODES = frozenset({0x20, 0xA0, 0x3000})
_FOUR_FLOATS = struct.Struct("4f")


def _pdfium_page_chars(textpage: pdfium.PdfTextPage, geo: _PageGeometry, fonts: dict,
                       spaces: list | None = None, codes: list[int] | None = None,
                       objects: list[int | None] | None = None) -> tuple[list[dict], int]:
    """Chars of one page as pdfplumber-style dicts, and the number of unreadable chars (kept as GARBLED_CHAR,
    with the glyph's ink box for the glyph rules).

    Hot loop: two ctypes calls per char (loose box, origin) and its text object (``objects``: the page's
    _char_text_objects, asked here when the caller has not); font, size and orientation are looked up once per
    text object.
    """
    raw = textpage.raw
    tp_addr = ctypes.cast(raw, ctypes.c_void_p).value
    handle = ctypes.c_void_p(tp_addr)  # for the unchecked prototypes below
    if codes is None:  # the page's code points (_page_text_codes), when the caller has not read them
        codes = _page_text_codes(raw, pdfium_c.FPDFText_CountChars(raw))
    if objects is None:
        objects = _char_text_objects(raw, codes)
    get_loose_box, get_origin = _get_loose_box, _get_origin
    get_font, get_matrix, get_font_size = _textobj_get_font, _get_matrix, _get_font_size
    has_map_error = _has_map_error
    rect = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    rect_ref = ctypes.byref(rect)
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    origin_ref, origin_y_ref = ctypes.byref(origin_x), ctypes.byref(origin_y)
    matrix = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
    matrix_ref = ctypes.byref(matrix)
    four_floats = _FOUR_FLOATS.unpack_from  # a b c d in one call (a text object every ~2 chars)
    fast = geo.axis_aligned
    xa, _, xc, _, tb, tc = geo.affine
    chars: list[dict] = []
    unreadable = 0
    last_obj = -1
    fontname, descent, size, upright, unmapped, substituted = "", 0.0, 0.0, True, False, False
    previous: dict | None = None
    for i, code in enumerate(codes):
        # Whitespace (real or generated by pdfium), controls and NUL carry no text; gaps are geometry. The
        # PDF's own space glyphs are kept apart (PageChars.spaces).
        if code <= 0x20 or code in SPACE_CODES:
            if spaces is not None and code in SPACE_CODES and fast and not pdfium_c.FPDFText_IsGenerated(raw, i):
                get_loose_box(handle, i, rect_ref)
                spaces.append((xa * rect[0] + xc, tb * rect[1] + tc, xa * rect[2] + xc, tb * rect[3] + tc))
            continue
        kind, text = _CODES.get(code) or _code_info(code)
        if kind == 1:
            continue
        obj = objects[i]
        if obj != last_obj:  # a new text object (every few chars): font, size and orientation
            last_obj = obj
            font = get_font(obj) if obj else None
            known = fonts.get(font)
            if known is None:
                # A font with no ToUnicode map whose codes pdfium could only guess (pdfminer says "(cid:N)"):
                # pdfium invents letters for them, so all its chars count as unreadable.
                known = fonts[font] = (
                    (_font_name(font), _font_descent_per_point(font), bool(has_map_error(handle, i)),
                     not _font_is_embedded(font))
                    if font else ("", 0.0, False, False)
                )
            fontname, descent, unmapped, substituted = known
            previous = None  # the last char of this object, whose right edge may need clamping
            get_matrix(handle, i, matrix_ref)
            ma, mb, mc, md = four_floats(matrix)
            upright = -1e-6 < mb < 1e-6 and -1e-6 < mc < 1e-6 and ma > 0 and md > 0
            # pdfium's size is the Tf operand; pdfminer's is the rendered height (scaled by the text matrix
            # and the CTM), which is what the layout compares.
            size = get_font_size(handle, i) * (md if upright else math.hypot(mc, md))
        get_loose_box(handle, i, rect_ref)  # rect = left, top, right, bottom (floats)
        baseline = None
        if upright:
            # pdfminer's box: from the baseline + font descent, one font size high, one advance wide.
            get_origin(handle, i, origin_ref, origin_y_ref)
            y_low = origin_y.value + descent * size
            if fast:
                x0, x1 = xa * rect[0] + xc, xa * rect[2] + xc
                top, bottom = tb * (y_low + size) + tc, tb * y_low + tc
                baseline = tb * origin_y.value + tc
            else:
                x0, top, x1, bottom = _box_to_plumber(geo, rect[0], y_low, rect[2], y_low + size)
        else:  # rotated or mirrored text: pdfium's loose box, axis-aligned (pdfminer's differs slightly)
            x0, top, x1, bottom = _box_to_plumber(geo, rect[0], rect[3], rect[2], rect[1])
        char = {"text": text, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "size": size,
                "fontname": fontname, "baseline": baseline}
        if unmapped or kind == 2:
            unreadable += 1
            char["text"] = GARBLED_CHAR
            if not unmapped and fast:  # a private-use code: its ink may tell what it is (GlyphRules)
                char["code"] = code
                char["ink"] = _ink_box(raw, i, xa, xc, tb, tc)
        chars.append(char)
        if substituted and fast and upright:
            # A font that is not embedded is drawn with a substitute whose widths pdfium may use for the box
            # (half-width digits of STSong-Light come out ~2.5pt too wide); the PDF's own advance is the
            # distance to the next char of the same string, so a box never reaches past it.
            if previous is not None and previous["x0"] < x0 < previous["x1"]:
                previous["x1"] = x0
            previous = char
    return chars, unreadable


def _ink_box(raw, index: int, xa: float, xc: float, tb: float, tc: float) -> tuple[float, float, float, float]:
    """The glyph's inked box (pdfium's tight char box) in top-left coordinates of an unrotated page."""
    left, right, low, high = (ctypes.c_double() for _ in range(4))
    pdfium_c.FPDFText_GetCharBox(raw, index, left, right, low, high)
    return xa * left.value + xc, tb * high.value + tc, xa * right.value + xc, tb * low.value + tc


def _ocr(page: pdfium.PdfPage, bbox: tuple[float, float, float, float], page_number: int, n_pages: int,
         settings, stats: _TextLayerStats) -> list[dict]:
    """The chars OCR reads on a scanned page (extract.read.ocr), counted in the text-layer statistics."""
    from extract.read import ocr

    started = time.monotonic()
    image_scale = ocr.OCR_DPI / 72.0
    image = page.render(scale=image_scale).to_numpy()
    chars, complete = ocr.ocr_image(image, image_scale, (bbox[0], bbox[1]), started + settings.page_seconds)
    stats.add_ocr_page(page_number, len(chars), complete)
    if settings.progress is not None:
        settings.progress(page_number, n_pages, time.monotonic() - started)
    return chars


class _PdfiumCannotReadPages(Exception):
    """pdfium cannot build the first page it tries (a broken page tree): pdfminer reads the document instead."""


def _iter_pdfium(doc: pdfium.PdfDocument, path: Path, max_pages: int | None, max_chars_per_page: int,
                 stats: _TextLayerStats, warnings: list[str] | None, ocr=None) -> Iterator[PageChars]:
    guard: ContentGuard | None = None
    plumber_doc = None  # opened on demand for pages pdfium cannot decode
    rules = GlyphRules()
    try:
        n_pages = len(doc)
        _check_page_count(n_pages, max_pages)
        guard = ContentGuard(path, max_chars_per_page)
        for index in range(n_pages):
            page_number = index + 1
            if index and index % REOPEN_EVERY_PAGES == 0:
                doc.close()  # what pdfium cached for the pages so far goes with it
                doc = _pdfium_open(path)
            guard.check(index, page_number)
            try:
                page = doc[index]
            except pdfium.PdfiumError:
                if stats.n_pages == 0 and not stats.skipped_pages:
                    raise _PdfiumCannotReadPages from None
                stats.skip(page_number)
                continue
            spaces: list[tuple[float, float, float, float]] = []
            try:
                geo = _page_geometry(tuple(page.get_mediabox()), page.get_rotation())
                textpage = page.get_textpage()
                try:
                    n_raw = pdfium_c.FPDFText_CountChars(textpage.raw)
                    if n_raw > max_chars_per_page:
                        raise too_many_chars(page_number, n_raw, max_chars_per_page)
                    codes = _page_text_codes(textpage.raw, n_raw)  # for the probe and the chars
                    objects = _char_text_objects(textpage.raw, codes)
                    probe, page_rules = _walk_page(page, _owners(objects), geo)
                    if probe.undecodable_font:
                        if plumber_doc is None:
                            plumber_doc = _open_plumber_or_fail(path)
                        found = _plumber_page(plumber_doc, index, spaces)
                        if found is None:
                            stats.skip(page_number)
                            continue
                        chars, unreadable = found
                        _pdfium_ink_boxes(page, chars)
                    else:
                        # fonts are cached per page: pdfium may free a font with its page and reuse the address
                        chars, unreadable = _pdfium_page_chars(textpage, geo, {}, spaces, codes, objects)
                finally:
                    textpage.close()
                ocred = ocr is not None and is_scanned(len(chars) + unreadable, probe.has_image)
                if ocred:
                    chars = _ocr(page, geo.bbox, page_number, n_pages, ocr, stats)
            finally:
                page.close()
            if not ocred:
                rules.apply(chars)
                stats.add_page(page_number, len(chars), unreadable, probe.has_image)
            yield PageChars(page_number, geo.width, geo.height, chars, geo.bbox, [] if ocred else page_rules, ocr=ocred,
                            spaces=[] if ocred else spaces)
        if guard.pdfminer_pages is not None:
            stats.tree_mismatch = (n_pages, guard.pdfminer_pages)
    finally:
        if guard is not None:
            guard.close()
        if plumber_doc is not None:
            plumber_doc.close()
        doc.close()


# ---------------------------------------------------------------------------------------------------------
# pdfplumber backend
# ---------------------------------------------------------------------------------------------------------


def _plumber_page_rules(page) -> list[Rule]:
    """pdfplumber's horizontal and vertical edges of the page (lines, rectangle sides, curve pieces)."""
    rules: list[Rule] = []
    for e in page.edges:
        x0, top, x1, bottom = (float(e[k]) for k in ("x0", "top", "x1", "bottom"))
        if (top == bottom) != (x0 == x1):  # straight and not a point
            rules.append((x0, top, x1, bottom))
    return rules


def _plumber_descents(chars: list[dict]) -> dict[str, float]:
    """Each font's descent in ems as pdfminer drew its boxes: the most common drop of a box below its
    origin (chars with a text rise, sub- and superscripts, are the exceptions)."""
    drops: dict[str, Counter] = {}
    for c in chars:
        if c.get("upright") and c["size"]:
            drops.setdefault(c["fontname"], Counter())[round((c["y0"] - c["matrix"][5]) / c["size"], 3)] += 1
    return {font: counts.most_common(1)[0][0] for font, counts in drops.items()}


def _plumber_page_chars(page, spaces: list | None = None) -> tuple[list[dict], int]:
    chars: list[dict] = []
    unreadable = 0
    unrotated = not (page.rotation or 0) % 360
    descents = _plumber_descents(page.chars) if unrotated else {}
    for c in page.chars:
        text = c["text"]
        garbled = is_unreadable_text(text)  # before the blank test: private-use chars are not "printable"
        if not garbled and is_blank_text(text):
            if spaces is not None and len(text) == 1 and ord(text) in SPACE_CODES and unrotated:
                spaces.append((c["x0"], c["top"], c["x1"], c["bottom"]))
            continue
        char = {k: c[k] for k in CHAR_KEYS}
        char["fontname"] = clean_fontname(str(char["fontname"]))
        # pdfminer's box hangs from the glyph's origin (raised by any text rise, as pdfium's origin is) by the
        # font's descent
        descent = descents.get(c["fontname"]) if c.get("upright") else None
        char["baseline"] = c["bottom"] + descent * c["size"] if descent is not None else None
        if garbled:
            unreadable += 1
            char["text"] = GARBLED_CHAR
            if len(text) == 1 and char["baseline"] is not None:
                char["code"] = ord(text)
        chars.append(char)
    page.close()
    return chars, unreadable


def _pdfium_ink_boxes(pdfium_page: pdfium.PdfPage, chars: list[dict]) -> None:
    """Give the pdfplumber backend's private-use chars pdfium's ink boxes (pdfminer reads no glyph outlines):
    the same code on the same baseline, in the same order along it."""
    wanted = [c for c in chars if "code" in c]
    if not wanted:
        return
    geo = _page_geometry(tuple(pdfium_page.get_mediabox()), pdfium_page.get_rotation())
    if not geo.axis_aligned:
        return
    textpage = pdfium_page.get_textpage()
    try:
        found, _ = _pdfium_page_chars(textpage, geo, {})
    finally:
        textpage.close()
    by_key: dict[tuple[int, float], list[dict]] = {}
    for c in sorted((c for c in found if "ink" in c), key=itemgetter("x0")):
        by_key.setdefault((c["code"], round(c["baseline"], 1)), []).append(c)
    mine: dict[tuple[int, float], list[dict]] = {}
    for c in sorted(wanted, key=itemgetter("x0")):
        mine.setdefault((c["code"], round(c["baseline"], 1)), []).append(c)
    for key, group in mine.items():
        theirs = by_key.get(key, [])
        if len(theirs) == len(group):
            for c, t in zip(group, theirs, strict=True):
                c["ink"] = t["ink"]


def _open_plumber_or_fail(path: Path):
    try:
        return open_plumber(path)
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer raises many types for the same thing: a file it cannot parse
        raise _classify_pdfminer_error(exc) from exc


def _plumber_page(pdf, index: int, spaces: list | None = None) -> tuple[list[dict], int] | None:
    """Chars of page ``index`` read by pdfminer, or None when pdfminer cannot build that page (it sees fewer
    pages than pdfium, or a font or content it cannot parse: non-numeric /Widths, a bad octal escape …)."""
    try:
        return _plumber_page_chars(pdf.pages[index], spaces)
    except MemoryError:
        raise
    except Exception:
        return None


def _iter_pdfplumber(doc: pdfium.PdfDocument | None, path: Path, max_pages: int | None, max_chars_per_page: int,
                     stats: _TextLayerStats, warnings: list[str] | None, ocr=None) -> Iterator[PageChars]:
    if doc is not None:  # pdfium counts pages without building them (a 100,000-page file is refused at once)
        try:
            _check_page_count(len(doc), max_pages)
        finally:
            doc.close()
    pdf = _open_plumber_or_fail(path)
    guard = ContentGuard(path, max_chars_per_page)
    rules = GlyphRules()
    ink_doc: pdfium.PdfDocument | None = None  # pdfium's glyph ink for private-use chars, opened on demand
    try:
        with pdf:
            try:
                pages = pdf.pages
            except MemoryError:
                raise
            except Exception as exc:  # the page tree cannot be walked
                raise _classify_pdfminer_error(exc) from exc
            _check_page_count(len(pages), max_pages)
            for index, page in enumerate(pages):
                guard.check(index, page.page_number)
                spaces: list[tuple[float, float, float, float]] = []
                try:
                    has_image = bool(page.images)
                    page_rules = _plumber_page_rules(page)
                    chars, unreadable = _plumber_page_chars(page, spaces)
                    width, height, bbox = float(page.width), float(page.height), tuple(float(v) for v in page.bbox)
                except MemoryError:
                    raise
                except Exception:  # a page pdfminer cannot build
                    stats.skip(page.page_number)
                    continue
                ocred = ocr is not None and is_scanned(len(chars) + unreadable, has_image)
                pdfium_page = None  # pdfium draws the page for OCR and gives glyph ink pdfminer lacks
                if ocred or any("code" in c for c in chars):
                    try:
                        ink_doc = ink_doc or pdfium.PdfDocument(str(path))
                        pdfium_page = ink_doc[index]
                    except pdfium.PdfiumError:
                        ocred = False
                if pdfium_page is not None:
                    try:
                        if ocred:
                            chars = _ocr(pdfium_page, bbox, page.page_number, len(pdf.pages), ocr, stats)
                        else:
                            _pdfium_ink_boxes(pdfium_page, chars)
                    finally:
                        pdfium_page.close()
                if not ocred:
                    rules.apply(chars)
                    if len(chars) > max_chars_per_page:
                        raise too_many_chars(page.page_number, len(chars), max_chars_per_page)
                    stats.add_page(page.page_number, len(chars), unreadable, has_image)
                yield PageChars(page.page_number, width, height, chars, bbox, [] if ocred else page_rules, ocr=ocred,
                                spaces=[] if ocred else spaces)
    finally:
        guard.close()
        if ink_doc is not None:
            ink_doc.close()


def _classify_pdfminer_error(exc: Exception) -> DocumentError:
    # pdfplumber wraps pdfminer's exceptions: PdfminerException(original)
    inner = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
    name = type(inner).__name__
    if "Password" in name:
        return DocumentError("encrypted: needs a password")
    if "Encryption" in name:
        return DocumentError("encrypted with an unsupported protection scheme: cannot be read")
    return DocumentError("damaged PDF: cannot be read or repaired (incomplete download?)")


# ---------------------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------------------


def iter_pages(
    path: str | Path,
    backend: str | None = None,
    max_pages: int | None = None,
    *,
    max_chars_per_page: int = DEFAULT_MAX_CHARS_PER_PAGE,
    warnings: list[str] | None = None,
    ocr=None,
) -> Iterator[PageChars]:
    """Yield the pages of ``path`` one at a time; pages are closed as we go, so memory stays flat.

    backend: "pdfium" (default, fast) or "pdfplumber" (reference); both give the same chars.
    max_pages: refuse documents with more pages (DocumentError naming the count and the limit).
    max_chars_per_page: refuse a page with more chars (checked on pdfium's count before building any dict).
    warnings: if a list is given, one-line warnings are appended (damaged PDF repaired, scanned pages,
        partly unreadable fonts); the caller decides whether they are fatal (--strict).
    ocr: extract.read.ocr.OcrSettings: pages judged scanned (is_scanned) are OCRed when it is enabled; their
        PageChars say ``ocr=True`` and each char has a ``confidence``. None or disabled: scans are reported.
    Raises DocumentError (str = one line for the user) for unreadable input, possibly after yielding pages:
    whether a document has a usable text layer is known only once every page is read.
    """
    backend = backend or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    path = Path(path)
    damaged = _check_file_bytes(path)  # the end marker is missing: a truncated download
    stats = _TextLayerStats()
    try:
        doc = _pdfium_open(path)  # pdfium rebuilds broken cross-reference tables silently
    except DocumentError as exc:
        if not _is_damage(exc):
            raise
        # pdfium gave up (it also refuses 0-page files): pdfminer scans objects and may still read it.
        doc, damaged, backend = None, True, "pdfplumber"
    ocr = ocr if ocr is not None and ocr.enabled else None
    with library_log() as log:
        if backend == "pdfium":
            try:
                yield from _iter_pdfium(doc, path, max_pages, max_chars_per_page, stats, warnings, ocr)
            except _PdfiumCannotReadPages:
                if warnings is not None:
                    warnings.append("damaged PDF: pdfium cannot read its pages (a broken page tree); "
                                    "read with pdfminer instead")
                yield from _iter_pdfplumber(None, path, max_pages, max_chars_per_page, stats, warnings, ocr)
        else:
            yield from _iter_pdfplumber(doc, path, max_pages, max_chars_per_page, stats, warnings, ocr)
    stats.library_problems, stats.first_library_problem = log.count, log.first
    if damaged and warnings is not None:
        warnings.append(
            "damaged PDF: repaired (its cross-reference table was rebuilt; the file may be incomplete)"
        )
    stats.verdict(warnings)


def read_pages(path: str | Path, **kwargs) -> list[PageChars]:
    """All pages at once (small documents, tests)."""
    return list(iter_pages(path, **kwargs))


disable_system_fonts()
