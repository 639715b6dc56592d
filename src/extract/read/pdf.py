"""Read a PDF into pages of plain character dicts, the one input the layout stage needs.

Every char is a dict with pdfplumber's keys: text, x0, top, x1, bottom (PDF points, top-left origin, exactly
pdfplumber's coordinate convention, including rotated pages and offset media boxes), size, fontname.
Whitespace is not a character here (PDFs disagree on whether spaces exist; gaps are geometry), nor are control
characters or characters whose font has no Unicode map (they are counted and reported instead).

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pypdfium2_raw.bindings

from extract.model import DocumentError
from extract.read.guard import ContentGuard, library_log, open_plumber, too_many_chars


@dataclass
class PageChars:
    page_number: int  # 1-based
    width: float
    height: float
    chars: list[dict] = field(default_factory=list)
    # pdfplumber's page.bbox (x0, top, x1, bottom): (0, 0, width, height) unless the media box is offset.
    bbox: tuple[float, float, float, float] | None = None


CHAR_KEYS = ("text", "x0", "top", "x1", "bottom", "size", "fontname")
BACKENDS = ("pdfium", "pdfplumber")
DEFAULT_BACKEND = "pdfium"
# A dense newspaper page has ~10,000 chars; 200,000 leaves room for tables in tiny type and stops bombs.
DEFAULT_MAX_CHARS_PER_PAGE = 200_000
# A page with fewer chars than this and an image is treated as a scan without a text layer.
MIN_TEXT_CHARS_PER_PAGE = 10
# Share of unreadable chars ((cid:N), private-use, U+FFFD) above which the document is refused / warned about.
UNREADABLE_ERROR_SHARE = 0.5
UNREADABLE_WARNING_SHARE = 0.02
# Share of scanned pages (no text, an image) from which the whole document is refused as "needs OCR".
SCANNED_ERROR_SHARE = 0.9

_FORM_DEPTH_LIMIT = 8  # nested form XObjects walked when probing a page's fonts and images


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


@dataclass
class _TextLayerStats:
    n_pages: int = 0
    n_chars: int = 0
    n_unreadable: int = 0
    scanned_pages: list[int] = field(default_factory=list)  # pages with an image and (almost) no text
    unreadable_pages: list[int] = field(default_factory=list)
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
        if has_image and n_chars + n_unreadable < MIN_TEXT_CHARS_PER_PAGE:
            self.scanned_pages.append(page_number)
        if n_unreadable:
            self.unreadable_pages.append(page_number)

    def verdict(self, warnings: list[str] | None) -> None:
        """Raise for a document without a usable text layer; append warnings for partial problems."""
        total = self.n_chars + self.n_unreadable
        if self.n_pages and len(self.scanned_pages) >= SCANNED_ERROR_SHARE * self.n_pages:
            raise DocumentError("no text layer: needs OCR (the pages are scanned images)")
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
        if total and self.n_unreadable >= UNREADABLE_WARNING_SHARE * total:
            share = 100 * self.n_unreadable / total
            warnings.append(
                f"{share:.0f}% of characters unreadable (fonts without Unicode map, pages "
                f"{_page_list(self.unreadable_pages)}): some figures may be missed"
            )


def _page_list(pages: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(p) for p in pages[:limit])
    return shown + (", ..." if len(pages) > limit else "")


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


def _probe_objects(count: int, get: Callable[[int], int], textpage: int, probe: _PageProbe, seen: set,
                   depth: int) -> None:
    for i in range(count):
        obj = get(i)
        kind = _pageobj_get_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            probe.has_image = True
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            font = _textobj_get_font(obj)
            if font in seen:
                continue
            seen.add(font)
            # pdfium gives NULs for codes of fonts whose CMap it lacks (predefined CJK CMaps like GBK-EUC-H).
            # pdfium gives no text (and no glyph boxes) for codes of fonts whose CMap it lacks (predefined CJK
            # CMaps such as GBK-EUC-H). pdfium makes no text object for an empty string, so no text = lost text.
            size = _textobj_get_text(obj, textpage, None, 0)  # bytes of UTF-16, with the final NUL
            text = ""
            if size > 2:
                buf = ctypes.create_string_buffer(size)
                _textobj_get_text(obj, textpage, buf, size)
                text = buf.raw[: size - 2].decode("utf-16-le", "replace").strip("\x00")
            if not text:
                probe.undecodable_font = True
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _FORM_DEPTH_LIMIT:
            _probe_objects(_form_count_objects(obj), lambda j, o=obj: _form_get_object(o, j), textpage, probe,
                           seen, depth + 1)
        if probe.has_image and probe.undecodable_font:
            return


def _probe_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> _PageProbe:
    probe = _PageProbe()
    page_addr = ctypes.cast(page.raw, ctypes.c_void_p).value
    tp_addr = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    _probe_objects(_page_count_objects(page_addr), lambda i: _page_get_object(page_addr, i), tp_addr, probe,
                   set(), 0)
    return probe


_CHAR_CLASS: dict[int, int] = {}  # code point -> 0 keep, 1 blank (drop), 2 unreadable (drop, count)


def _char_class(code: int) -> int:
    kind = _CHAR_CLASS.get(code)
    if kind is None:
        text = chr(code)
        kind = 2 if is_unreadable_text(text) else 1 if is_blank_text(text) else 0
        _CHAR_CLASS[code] = kind
    return kind


def _page_text_codes(raw, n: int) -> list[int]:
    """Code points of chars 0..n-1 in one call; per-char FPDFText_GetUnicode when surrogates break the 1:1."""
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = pdfium_c.FPDFText_GetText(raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    units = buf.raw[: 2 * max(0, got - 1)]
    if len(units) == 2 * n:
        codes = list(memoryview(units).cast("H"))
        if not any(0xD800 <= u <= 0xDFFF for u in codes):
            return codes
    return [pdfium_c.FPDFText_GetUnicode(raw, i) for i in range(n)]


def _pdfium_page_chars(textpage: pdfium.PdfTextPage, geo: _PageGeometry, fonts: dict) -> tuple[list[dict], int]:
    """Chars of one page as pdfplumber-style dicts, and the number of unreadable chars dropped.

    Hot loop: three ctypes calls per char (text object, loose box, origin); font, size and orientation are
    looked up once per text object.
    """
    raw = textpage.raw
    tp_addr = ctypes.cast(raw, ctypes.c_void_p).value
    handle = ctypes.c_void_p(tp_addr)  # for the unchecked prototypes below
    n = pdfium_c.FPDFText_CountChars(raw)
    codes = _page_text_codes(raw, n)
    get_loose_box, get_origin, get_text_object = _get_loose_box, _get_origin, _get_text_object_unchecked
    get_font, get_matrix, get_font_size = _textobj_get_font, _get_matrix, _get_font_size
    has_map_error = _has_map_error
    rect = (ctypes.c_float * 4)()  # FS_RECTF: left, top, right, bottom
    rect_ref = ctypes.byref(rect)
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    origin_ref, origin_y_ref = ctypes.byref(origin_x), ctypes.byref(origin_y)
    matrix = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
    matrix_ref = ctypes.byref(matrix)
    fast = geo.axis_aligned
    xa, _, xc, _, tb, tc = geo.affine
    chars: list[dict] = []
    unreadable = 0
    last_obj = -1
    fontname, descent, size, upright, unmapped, substituted = "", 0.0, 0.0, True, False, False
    previous: dict | None = None
    for i, code in enumerate(codes):
        # Whitespace (real or generated by pdfium), controls and NUL carry no text; gaps are geometry.
        if code <= 0x20:
            continue
        kind = _CHAR_CLASS.get(code)
        if kind is None:
            kind = _char_class(code)
        if kind:
            unreadable += kind == 2
            continue
        obj = get_text_object(handle, i)
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
            ma, mb, mc, md = matrix[0], matrix[1], matrix[2], matrix[3]
            upright = -1e-6 < mb < 1e-6 and -1e-6 < mc < 1e-6 and ma > 0 and md > 0
            # pdfium's size is the Tf operand; pdfminer's is the rendered height (scaled by the text matrix
            # and the CTM), which is what the layout compares.
            size = get_font_size(handle, i) * (md if upright else math.hypot(mc, md))
        if unmapped:
            unreadable += 1
            continue
        get_loose_box(handle, i, rect_ref)  # rect = left, top, right, bottom (floats)
        if upright:
            # pdfminer's box: from the baseline + font descent, one font size high, one advance wide.
            get_origin(handle, i, origin_ref, origin_y_ref)
            y_low = origin_y.value + descent * size
            if fast:
                x0, x1 = xa * rect[0] + xc, xa * rect[2] + xc
                top, bottom = tb * (y_low + size) + tc, tb * y_low + tc
            else:
                x0, top, x1, bottom = _box_to_plumber(geo, rect[0], y_low, rect[2], y_low + size)
        else:  # rotated or mirrored text: pdfium's loose box, axis-aligned (pdfminer's differs slightly)
            x0, top, x1, bottom = _box_to_plumber(geo, rect[0], rect[3], rect[2], rect[1])
        char = {"text": chr(code), "x0": x0, "top": top, "x1": x1, "bottom": bottom, "size": size,
                "fontname": fontname}
        chars.append(char)
        if substituted and fast and upright:
            # A font that is not embedded is drawn with a substitute whose widths pdfium may use for the box
            # (half-width digits of STSong-Light come out ~2.5pt too wide); the PDF's own advance is the
            # distance to the next char of the same string, so a box never reaches past it.
            if previous is not None and previous["x0"] < x0 < previous["x1"]:
                previous["x1"] = x0
            previous = char
    return chars, unreadable


class _PdfiumCannotReadPages(Exception):
    """pdfium cannot build the first page it tries (a broken page tree): pdfminer reads the document instead."""


def _iter_pdfium(doc: pdfium.PdfDocument, path: Path, max_pages: int | None, max_chars_per_page: int,
                 stats: _TextLayerStats, warnings: list[str] | None) -> Iterator[PageChars]:
    guard: ContentGuard | None = None
    plumber_doc = None  # opened on demand for pages pdfium cannot decode
    try:
        n_pages = len(doc)
        _check_page_count(n_pages, max_pages)
        guard = ContentGuard(path, max_chars_per_page)
        for index in range(n_pages):
            page_number = index + 1
            guard.check(index, page_number)
            try:
                page = doc[index]
            except pdfium.PdfiumError:
                if stats.n_pages == 0 and not stats.skipped_pages:
                    raise _PdfiumCannotReadPages from None
                stats.skip(page_number)
                continue
            try:
                geo = _page_geometry(tuple(page.get_mediabox()), page.get_rotation())
                textpage = page.get_textpage()
                try:
                    n_raw = pdfium_c.FPDFText_CountChars(textpage.raw)
                    if n_raw > max_chars_per_page:
                        raise too_many_chars(page_number, n_raw, max_chars_per_page)
                    probe = _probe_page(page, textpage)
                    if probe.undecodable_font:
                        if plumber_doc is None:
                            plumber_doc = _open_plumber_or_fail(path)
                        found = _plumber_page(plumber_doc, index)
                        if found is None:
                            stats.skip(page_number)
                            continue
                        chars, unreadable = found
                    else:
                        # fonts are cached per page: pdfium may free a font with its page and reuse the address
                        chars, unreadable = _pdfium_page_chars(textpage, geo, {})
                finally:
                    textpage.close()
            finally:
                page.close()
            stats.add_page(page_number, len(chars), unreadable, probe.has_image)
            yield PageChars(page_number, geo.width, geo.height, chars, geo.bbox)
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


def _plumber_page_chars(page) -> tuple[list[dict], int]:
    chars: list[dict] = []
    unreadable = 0
    for c in page.chars:
        text = c["text"]
        if is_unreadable_text(text):  # before the blank test: private-use chars are not "printable" either
            unreadable += 1
            continue
        if is_blank_text(text):
            continue
        char = {k: c[k] for k in CHAR_KEYS}
        char["fontname"] = clean_fontname(str(char["fontname"]))
        chars.append(char)
    page.close()
    return chars, unreadable


def _open_plumber_or_fail(path: Path):
    try:
        return open_plumber(path)
    except MemoryError:
        raise
    except Exception as exc:  # pdfminer raises many types for the same thing: a file it cannot parse
        raise _classify_pdfminer_error(exc) from exc


def _plumber_page(pdf, index: int) -> tuple[list[dict], int] | None:
    """Chars of page ``index`` read by pdfminer, or None when pdfminer cannot build that page (it sees fewer
    pages than pdfium, or a font or content it cannot parse: non-numeric /Widths, a bad octal escape …)."""
    try:
        return _plumber_page_chars(pdf.pages[index])
    except MemoryError:
        raise
    except Exception:
        return None


def _iter_pdfplumber(doc: pdfium.PdfDocument | None, path: Path, max_pages: int | None, max_chars_per_page: int,
                     stats: _TextLayerStats, warnings: list[str] | None) -> Iterator[PageChars]:
    if doc is not None:  # pdfium counts pages without building them (a 100,000-page file is refused at once)
        try:
            _check_page_count(len(doc), max_pages)
        finally:
            doc.close()
    pdf = _open_plumber_or_fail(path)
    guard = ContentGuard(path, max_chars_per_page)
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
                try:
                    has_image = bool(page.images)
                    chars, unreadable = _plumber_page_chars(page)
                    width, height, bbox = float(page.width), float(page.height), tuple(float(v) for v in page.bbox)
                except MemoryError:
                    raise
                except Exception:  # a page pdfminer cannot build
                    stats.skip(page.page_number)
                    continue
                if len(chars) > max_chars_per_page:
                    raise too_many_chars(page.page_number, len(chars), max_chars_per_page)
                stats.add_page(page.page_number, len(chars), unreadable, has_image)
                yield PageChars(page.page_number, width, height, chars, bbox)
    finally:
        guard.close()


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
) -> Iterator[PageChars]:
    """Yield the pages of ``path`` one at a time; pages are closed as we go, so memory stays flat.

    backend: "pdfium" (default, fast) or "pdfplumber" (reference); both give the same chars.
    max_pages: refuse documents with more pages (DocumentError naming the count and the limit).
    max_chars_per_page: refuse a page with more chars (checked on pdfium's count before building any dict).
    warnings: if a list is given, one-line warnings are appended (damaged PDF repaired, scanned pages,
        partly unreadable fonts); the caller decides whether they are fatal (--strict).
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
    with library_log() as log:
        if backend == "pdfium":
            try:
                yield from _iter_pdfium(doc, path, max_pages, max_chars_per_page, stats, warnings)
            except _PdfiumCannotReadPages:
                if warnings is not None:
                    warnings.append("damaged PDF: pdfium cannot read its pages (a broken page tree); "
                                    "read with pdfminer instead")
                yield from _iter_pdfplumber(None, path, max_pages, max_chars_per_page, stats, warnings)
        else:
            yield from _iter_pdfplumber(doc, path, max_pages, max_chars_per_page, stats, warnings)
    stats.library_problems, stats.first_library_problem = log.count, log.first
    if damaged and warnings is not None:
        warnings.append(
            "damaged PDF: repaired (its cross-reference table was rebuilt; the file may be incomplete)"
        )
    stats.verdict(warnings)


def read_pages(path: str | Path, **kwargs) -> list[PageChars]:
    """All pages at once (small documents, tests)."""
    return list(iter_pages(path, **kwargs))

