"""The char reader: both backends give the same chars, and bad input fails with a clear one-line reason.

Every bad file is generated here in tmp_path (no committed binaries): reportlab for good Chinese PDFs
(STSong-Light CID font), its encryption for passwords, an image-only page for scans, byte surgery for
truncation and unreadable fonts, a hand-written content stream for the char bomb.
"""

from __future__ import annotations

import collections
import io
import os
import re
import warnings
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import reportlab
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from test_hostile import one_page_pdf, stream

from extract.config import SHARED_CORPUS
from extract.model import DocumentError
from extract.read.guard import StringBytes as _StringBytes
from extract.read.pdf import (
    BACKENDS,
    DEFAULT_BACKEND,
    PageChars,
    iter_pages,
    read_pages,
    sniff_pdf,
)

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
pdfmetrics.registerFont(TTFont("Vera", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))

A4 = (595.2756, 841.8898)


def _line(page: int, k: int) -> str:
    return f"第{page}页：开展法律法规执法检查{k + 1}次，生产总值增长5.5%"


def _cjk_pdf(path: Path, pages: int = 2, lines: int = 20, encrypt=None, rotation: int = 0,
             pagesize=A4, line=_line) -> Path:
    c = canvas.Canvas(str(path), pagesize=pagesize, encrypt=encrypt)
    for p in range(pages):
        c.setPageRotation(rotation)
        c.setFont("STSong-Light", 12)
        for k in range(lines):
            c.drawString(72, pagesize[1] - 60 - 20 * k, line(p + 1, k))
        c.showPage()
    c.save()
    return path


def _scan_pdf(path: Path, pages: int = 2, text_pages: int = 0) -> Path:
    """Pages that are only a picture (as a scanner makes them), after ``text_pages`` normal text pages."""
    img = Image.new("RGB", (120, 170), "white")
    for x in range(10, 110):
        img.putpixel((x, 40), (0, 0, 0))
    c = canvas.Canvas(str(path), pagesize=A4)
    for p in range(text_pages):
        c.setFont("STSong-Light", 12)
        for k in range(20):
            c.drawString(72, 780 - 20 * k, _line(p + 1, k))
        c.showPage()
    for _ in range(pages):
        c.drawImage(ImageReader(img), 0, 0, *A4)
        c.showPage()
    c.save()
    return path


def _pua_pdf(path: Path) -> Path:
    """A PDF whose font's Unicode map points into the private-use area (copying its text gives garbage)."""
    src = io.BytesIO()
    c = canvas.Canvas(src, pagesize=A4, pageCompression=0)
    c.setFont("Vera", 12)
    for k in range(20):
        c.drawString(72, 780 - 20 * k, f"Inspections held {k + 15} times, growth 5.5%")
    c.showPage()
    c.save()
    data = src.getvalue()
    start = data.index(b"beginbfchar")
    end = data.index(b"endbfchar", start)
    # <code> <00XX> -> <code> <E0XX>: same length, so the cross-reference offsets stay valid.
    mapped = re.sub(rb"(<[0-9A-F]{2}> )<00([0-9A-F]{2})>", rb"\1<E0\2>", data[start:end])
    path.write_bytes(data[:start] + mapped + data[end:])
    return path


def _cid_garbage_pdf(path: Path) -> Path:
    """A CID font without a Unicode map: the codes are plain glyph ids (Identity-H, unknown ordering), so
    pdfminer says "(cid:N)" and pdfium can only guess letters."""
    src = io.BytesIO()
    c = canvas.Canvas(src, pagesize=A4, pageCompression=0)
    c.setFont("STSong-Light", 12)
    for k in range(20):
        c.drawString(72, 780 - 20 * k, _line(1, k))
    c.showPage()
    c.save()
    data = src.getvalue()
    assert b"/UniGB-UCS2-H" in data and b"(GB1)" in data
    # same lengths, so the cross-reference offsets stay valid
    path.write_bytes(data.replace(b"/UniGB-UCS2-H", b"/Identity-H  ").replace(b"(GB1)", b"(XX1)"))
    return path


def _raw_pdf(content: bytes) -> bytes:
    """A one-page PDF with Helvetica and the given (Flate-compressed) content stream."""
    return one_page_pdf(stream(content))


def _bomb_pdf(path: Path, n_chars: int) -> Path:
    """A page of ``n_chars`` tiny chars: about 10 KB on disk for 10^7 chars."""
    chunk = b"(" + b"a" * 10_000 + b") Tj\n"
    path.write_bytes(_raw_pdf(b"BT /F1 0.01 Tf 10 10 Td " + chunk * (n_chars // 10_000) + b"ET"))
    return path


def _reason(path: Path, **kwargs) -> str:
    with pytest.raises(DocumentError) as info:
        read_pages(path, **kwargs)
    reason = str(info.value)
    assert "\n" not in reason and reason == info.value.reason
    return reason


def _text(pages: list[PageChars]) -> str:
    return "".join(c["text"] for p in pages for c in p.chars)


# ---------------------------------------------------------------------------------------------------------
# The two backends agree
# ---------------------------------------------------------------------------------------------------------

CORPUS_PDFS = sorted((SHARED_CORPUS / "pdf").glob("*.pdf")) or [None]
RAW_PDFS = sorted((SHARED_CORPUS / "raw").glob("*.pdf")) or [None]


def _lines(chars: list[dict]) -> dict[float, list[dict]]:
    lines = collections.defaultdict(list)
    for c in chars:
        lines[round(c["bottom"], 1)].append(c)
    return lines


def _assert_same_chars(fast: PageChars, ref: PageChars, where: str) -> set[tuple[str, str]]:
    """Same text multiset, same vertical boxes and sizes, same widths, same order along every line.

    x differs by a known pdfminer bug (it drops the char spacing Tc after each string's last glyph, so its
    x drifts left along justified lines): pdfium's x is never left of pdfminer's, lines that start at the
    left margin start at the same x, and the drift only grows along a line.
    """
    assert (fast.width, fast.height) == pytest.approx((ref.width, ref.height), abs=0.01), where
    assert fast.bbox == pytest.approx(ref.bbox, abs=0.01), where
    assert collections.Counter(c["text"] for c in fast.chars) == collections.Counter(
        c["text"] for c in ref.chars
    ), where
    fast_lines, ref_lines = _lines(fast.chars), _lines(ref.chars)
    assert fast_lines.keys() == ref_lines.keys(), where
    margin = min((c["x0"] for c in ref.chars), default=0.0)
    font_pairs: set[tuple[str, str]] = set()
    for key, ref_line in ref_lines.items():
        ref_line = sorted(ref_line, key=lambda c: c["x0"])
        fast_line = sorted(fast_lines[key], key=lambda c: c["x0"])
        assert [c["text"] for c in fast_line] == [c["text"] for c in ref_line], f"{where}: line order at {key}"
        drift = [f["x0"] - r["x0"] for f, r in zip(fast_line, ref_line, strict=True)]
        assert min(drift) >= -0.5, f"{where}: pdfium left of pdfminer at {key}"
        if ref_line[0]["x0"] <= margin + 1.0:
            assert abs(drift[0]) <= 1.0, f"{where}: line start at {key}"
        # Within a run of chars (a new run starts after a gap, e.g. the next column) the drift only grows.
        for i in range(1, len(ref_line)):
            gap = ref_line[i]["x0"] - ref_line[i - 1]["x1"]
            if gap < ref_line[i]["size"]:
                assert drift[i] >= drift[i - 1] - 0.5, f"{where}: drift shrinks at {key}"
        for f, r in zip(fast_line, ref_line, strict=True):
            assert f["top"] == pytest.approx(r["top"], abs=0.05), where
            assert f["bottom"] == pytest.approx(r["bottom"], abs=0.05), where
            assert f["size"] == pytest.approx(r["size"], abs=0.05), where
            if r["baseline"] is not None:  # lines are built from baselines: both readers give the same
                assert f["baseline"] == pytest.approx(r["baseline"], abs=0.05), where
            assert f["x1"] - f["x0"] == pytest.approx(r["x1"] - r["x0"], abs=0.5), where
            font_pairs.add((f["fontname"], r["fontname"]))
    return font_pairs


def _assert_fonts_correspond(pairs: set[tuple[str, str]]) -> None:
    """Font names may be spelled differently (pdfium names the substitute of a non-embedded font), but each
    pdfium font is one pdfminer font and vice versa, so grouping by font gives the same groups."""
    assert len({a for a, _ in pairs}) == len({b for _, b in pairs}) == len(pairs), sorted(pairs)


@pytest.mark.parametrize("pdf", CORPUS_PDFS, ids=lambda p: p.stem if p else "none")
def test_backends_give_the_same_chars_on_the_corpus(corpus, pdf):
    fast = read_pages(pdf, backend="pdfium")
    ref = read_pages(pdf, backend="pdfplumber")
    assert len(fast) == len(ref) > 0
    font_pairs: set[tuple[str, str]] = set()
    for f, r in zip(fast, ref, strict=True):
        assert f.page_number == r.page_number
        font_pairs |= _assert_same_chars(f, r, f"{pdf.name} p{f.page_number}")
    _assert_fonts_correspond(font_pairs)


@pytest.mark.parametrize("pdf", CORPUS_PDFS, ids=lambda p: p.stem if p else "none")
def test_backends_give_the_same_figures(corpus, pdf):
    """Issue 5: the fast reader must not change the figures, on every shared-corpus PDF. Same rows; only the
    boxes' x (pdfminer's drift) and, where pdfminer's short-looking justified lines break a paragraph, a longer
    sentence differ."""
    from extract.figures import extract_document

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = extract_document(pdf, backend="pdfium")
        ref = extract_document(pdf, backend="pdfplumber")
    assert len(fast) == len(ref) > 20
    # paragraphs broken differently also move the figures' offsets in the document's text
    same = [k for k in fast[0].to_dict() if k not in ("x0", "x1", "top", "bottom", "sentence", "char_start", "char_end")]
    for f, r in zip(fast, ref, strict=True):
        assert {k: getattr(f, k) for k in same} == {k: getattr(r, k) for k in same}
        assert r.sentence in f.sentence or f.sentence in r.sentence
        assert f.top == pytest.approx(r.top, abs=0.05) and f.bottom == pytest.approx(r.bottom, abs=0.05)


@pytest.mark.parametrize("pdf", RAW_PDFS, ids=lambda p: p.stem if p else "none")
def test_raw_corpus_pdfs_are_read_by_both_backends(corpus, pdf):
    """Real hard files (fake bold, broken fonts, an OCR layer in a GBK CMap pdfium cannot decode, tables)."""
    texts = {}
    for backend in BACKENDS:
        warnings: list[str] = []
        pages = read_pages(pdf, backend=backend, warnings=warnings)
        assert pages and all(isinstance(w, str) and "\n" not in w for w in warnings)
        texts[backend] = collections.Counter(c["text"] for p in pages for c in p.chars)
    total = sum(texts["pdfplumber"].values())
    assert total > 100
    # pdfium leaves out a few chars pdfminer reports (a glyph drawn outside its clip); never more than 1%.
    differing = (texts["pdfplumber"] - texts["pdfium"]) + (texts["pdfium"] - texts["pdfplumber"])
    assert sum(differing.values()) <= 0.01 * total


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("offset", [(0, 0), (30, 50)])
def test_backends_agree_on_rotated_pages_and_offset_media_boxes(tmp_path, rotation, offset):
    # Full-width chars only: for half-width chars of a non-embedded CID font (STSong-Light) pdfium's advance
    # width differs from the font's /W entry that pdfminer uses (x0 agrees; x1 can be ~1.5pt wider).
    path = _cjk_pdf(tmp_path / "src.pdf", pages=1, rotation=rotation, pagesize=(842, 595),
                    line=lambda p, k: "开展法律法规执法检查" + "一二三四五六七八九十"[k % 10] + "次")
    if offset != (0, 0):
        doc = pdfium.PdfDocument(path)
        page = doc[0]
        left, bottom, right, top = page.get_mediabox()
        page.set_mediabox(left + offset[0], bottom + offset[1], right + offset[0], top + offset[1])
        page.close()
        path = tmp_path / "offset.pdf"
        doc.save(path)
        doc.close()
    (fast,) = read_pages(path, backend="pdfium")
    (ref,) = read_pages(path, backend="pdfplumber")
    assert len(fast.chars) == len(ref.chars) == 20 * 12
    # pdfium orders the chars of a rotated page its own way: compare in reading order of the boxes
    in_order = lambda chars: sorted(chars, key=lambda c: (round(c["top"]), round(c["x0"])))  # noqa: E731
    for f, r in zip(in_order(fast.chars), in_order(ref.chars), strict=True):
        assert f["text"] == r["text"]
        for key in ("x0", "top", "x1", "bottom", "size"):
            assert f[key] == pytest.approx(r[key], abs=0.05), (key, f, r)
    assert fast.bbox == pytest.approx(ref.bbox, abs=0.01)


def test_half_width_chars_of_a_non_embedded_font_keep_the_pdf_widths(tmp_path):
    """STSong-Light is not embedded; pdfium's substitute makes digits ~2.5pt too wide unless clamped to the
    next char of the same string (the last char of each string keeps pdfium's width)."""
    path = _cjk_pdf(tmp_path / "digits.pdf", pages=1, lines=5, line=lambda p, k: f"增长{k}.{k + 3}%，共{k}0295人次。")
    (fast,) = read_pages(path, backend="pdfium")
    (ref,) = read_pages(path, backend="pdfplumber")
    assert [c["text"] for c in fast.chars] == [c["text"] for c in ref.chars]
    for line in range(5):
        top = ref.chars[0]["top"] + 20 * line
        pairs = [(f, r) for f, r in zip(fast.chars, ref.chars, strict=True) if abs(r["top"] - top) < 0.5]
        assert len(pairs) == 16
        for f, r in pairs[:-1]:
            assert f["x1"] == pytest.approx(r["x1"], abs=0.05), (f, r)


def test_default_backend_is_pdfium_and_text_reads_back(tmp_path):
    assert DEFAULT_BACKEND == "pdfium"
    path = _cjk_pdf(tmp_path / "good.pdf", pages=2, lines=3)
    for backend in BACKENDS:
        pages = read_pages(path, backend=backend)
        assert [p.page_number for p in pages] == [1, 2]
        expected = "".join(_line(p, k) for p in (1, 2) for k in range(3))
        assert _text(pages) == expected
        first = pages[0].chars[0]
        assert set(first) == {"text", "x0", "top", "x1", "bottom", "size", "fontname", "baseline"}
        # drawn at x=72, baseline 60pt below the top, 12pt: pdfplumber's coordinates, top-left origin
        assert first["x0"] == pytest.approx(72, abs=0.01)
        assert first["size"] == pytest.approx(12, abs=0.01)
        assert first["top"] < 60 < first["bottom"]


def test_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown backend"):
        read_pages(_cjk_pdf(tmp_path / "good.pdf", pages=1, lines=1), backend="poppler")


# ---------------------------------------------------------------------------------------------------------
# Bad input: one line a non-programmer understands
# ---------------------------------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _reason(path) == "empty file (0 bytes)"


def test_missing_file(tmp_path):
    assert _reason(tmp_path / "nowhere.pdf") == "file not found"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>"), "web page (HTML)"),
        (lambda p: Image.new("RGB", (8, 8)).save(p, format="PNG"), "PNG image"),
        (lambda p: Image.new("RGB", (8, 8)).save(p, format="JPEG"), "JPEG image"),
        (lambda p: p.write_text("2021年，开展执法检查15次。", encoding="utf-8"), "plain text"),
        (lambda p: p.write_bytes(bytes(range(256)) * 4), "unknown binary data"),
    ],
    ids=["html", "png", "jpeg", "text", "binary"],
)
def test_not_a_pdf_says_what_it_looks_like(tmp_path, make, says):
    path = tmp_path / "download.pdf"
    make(path)
    for backend in BACKENDS:
        reason = _reason(path, backend=backend)
        assert reason.startswith("not a PDF: ") and says in reason
    with pytest.raises(DocumentError, match=re.escape(says)):
        sniff_pdf(path)


def test_password_protected(tmp_path):
    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner")
    path = _cjk_pdf(tmp_path / "locked.pdf", pages=1, lines=2, encrypt=enc)
    for backend in BACKENDS:
        assert _reason(path, backend=backend) == "encrypted: needs a password"
    with pytest.raises(DocumentError, match="encrypted: needs a password"):
        sniff_pdf(path)


def test_owner_password_only_is_read_normally(tmp_path):
    """Owner passwords only restrict printing/copying; the text is readable (pdfminer cannot decode the
    CID font of this encrypted file, which is one reason pdfium is the default)."""
    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    path = _cjk_pdf(tmp_path / "restricted.pdf", pages=2, lines=2, encrypt=enc)
    sniff_pdf(path)
    warnings: list[str] = []
    pages = read_pages(path, warnings=warnings)
    assert _text(pages) == "".join(_line(p, k) for p in (1, 2) for k in range(2))
    assert warnings == []


def test_zero_pages(tmp_path):
    path = tmp_path / "zero.pdf"
    pdfium.PdfDocument.new().save(path)
    for backend in BACKENDS:
        assert _reason(path, backend=backend) == "PDF has no pages"
    with pytest.raises(DocumentError, match="PDF has no pages"):
        sniff_pdf(path)


def test_truncated_download_is_reported_as_damaged(tmp_path):
    data = _cjk_pdf(tmp_path / "good.pdf", pages=4).read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    for backend in BACKENDS:
        assert _reason(path, backend=backend).startswith("damaged PDF: cannot be read")
    with pytest.raises(DocumentError, match="damaged PDF"):
        sniff_pdf(path)


def test_damaged_but_repairable_pdf_is_read_with_a_warning(tmp_path):
    """The cross-reference table and trailer are gone (a download cut just before the end): pdfium
    rebuilds them from the objects."""
    data = _cjk_pdf(tmp_path / "good.pdf", pages=3, lines=2).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: data.rindex(b"xref")])
    sniff_pdf(path)
    warnings: list[str] = []
    pages = read_pages(path, warnings=warnings)
    assert _text(pages) == "".join(_line(p, k) for p in (1, 2, 3) for k in range(2))
    assert len(warnings) == 1 and warnings[0].startswith("damaged PDF: repaired")


def test_wrong_xref_offset_is_read_with_a_warning(tmp_path):
    data = _cjk_pdf(tmp_path / "good.pdf", pages=2, lines=2).read_bytes()
    at = data.rindex(b"startxref")
    offset = int(data[at:].split()[1])
    path = tmp_path / "shifted.pdf"
    path.write_bytes(data[:at] + b"startxref\n%d\n%%%%EOF\n" % (offset + 7))
    warnings: list[str] = []
    pages = read_pages(path, warnings=warnings)
    assert _text(pages) == "".join(_line(p, k) for p in (1, 2) for k in range(2))
    assert len(warnings) == 1 and warnings[0].startswith("damaged PDF: repaired")
    assert read_pages(tmp_path / "good.pdf", warnings=warnings) and len(warnings) == 1  # the intact file: none


def test_scanned_pages_without_text_need_ocr(tmp_path):
    path = _scan_pdf(tmp_path / "scan.pdf", pages=3)
    sniff_pdf(path)  # opening is fine; the verdict needs the pages
    for backend in BACKENDS:
        assert _reason(path, backend=backend).startswith("no text layer: needs OCR")


def test_some_scanned_pages_give_a_warning_not_an_error(tmp_path):
    path = _scan_pdf(tmp_path / "mixed.pdf", pages=1, text_pages=2)
    for backend in BACKENDS:
        warnings: list[str] = []
        pages = read_pages(path, backend=backend, warnings=warnings)
        assert [len(p.chars) > 0 for p in pages] == [True, True, False]
        assert len(warnings) == 1 and "no text layer on 1 of 3 pages" in warnings[0] and "pages 3" in warnings[0]


def test_a_partly_unreadable_text_layer_is_warned_about_once_by_the_reader():
    # The reader is the one place that judges a page's text layer (the layout never sees dropped chars).
    from extract.read.pdf import _TextLayerStats

    stats = _TextLayerStats()
    for page, (n_chars, n_unreadable, has_image) in enumerate([(500, 0, False), (450, 30, False), (0, 0, True)], 1):
        stats.add_page(page, n_chars, n_unreadable, has_image)
    warnings: list[str] = []
    stats.verdict(warnings)
    assert len(warnings) == 2
    assert warnings[0].startswith("no text layer on 1 of 3 pages") and "pages 3" in warnings[0]
    assert warnings[1].startswith("3% of characters unreadable") and "pages 2" in warnings[1]


def test_fonts_without_unicode_map_are_unreadable(tmp_path):
    path = _pua_pdf(tmp_path / "garbled.pdf")
    for backend in BACKENDS:
        assert _reason(path, backend=backend).startswith("text layer unreadable: fonts have no Unicode map")


def test_cid_fonts_without_unicode_map_are_unreadable(tmp_path):
    path = _cid_garbage_pdf(tmp_path / "cid.pdf")
    for backend in BACKENDS:
        assert _reason(path, backend=backend).startswith("text layer unreadable")


def test_too_many_pages_names_count_limit_and_flag(tmp_path):
    path = _cjk_pdf(tmp_path / "long.pdf", pages=5, lines=1)
    for backend in BACKENDS:
        reason = _reason(path, backend=backend, max_pages=3)
        assert reason.startswith("too many pages: 5") and "limit is 3" in reason and "--max-pages" in reason
    with pytest.raises(DocumentError, match="too many pages: 5"):
        sniff_pdf(path, max_pages=3)
    assert len(read_pages(path, max_pages=5)) == 5


def test_char_bomb_fails_before_chars_are_built(tmp_path):
    """10^7 tiny chars (10 KB on disk): refused from the raw content, not after 25 s and 2.5 GB in pdfium."""
    path = _bomb_pdf(tmp_path / "bomb.pdf", 10_000_000)
    assert path.stat().st_size < 50_000
    for backend in BACKENDS:
        reason = _reason(path, backend=backend)
        assert reason.startswith("page 1 has over ") and "limit is 200,000" in reason


def test_single_string_bomb_fails_too(tmp_path):
    """One Tj of 10^7 chars: pdfium would silently keep 32,767 of them; the guard sees all."""
    path = tmp_path / "one-string.pdf"
    path.write_bytes(_raw_pdf(b"BT /F1 0.1 Tf 10 10 Td (" + b"a" * 10_000_000 + b") Tj ET"))
    for backend in BACKENDS:
        assert _reason(path, backend=backend).startswith("page 1 has over ")


def test_page_content_zip_bomb_is_refused(tmp_path):
    """~70 KB on disk, 80 MB of content once inflated (drawing operators, no text)."""
    path = tmp_path / "zip-bomb.pdf"
    path.write_bytes(_raw_pdf(b"0 0 m 1 1 l S\n" * 6_000_000))
    assert path.stat().st_size < 200_000
    assert _reason(path).startswith("page 1 content is over 64 MB when unpacked")


def test_string_operand_counter_handles_pieces_nesting_escapes_and_hex():
    text = b"BT (abc) Tj <616263> Tj << /A (x\\)y) >> (a(b)c) ET"
    whole = _StringBytes()
    whole.feed(text)
    assert whole.total == 3 + 3 + 4 + 5
    pieces = _StringBytes()
    for i in range(0, len(text), 5):
        pieces.feed(text[i : i + 5])
    assert pieces.total == whole.total
    # inline image data is bytes, not strings; /MCID is a name, not the ID operator
    image = _StringBytes()
    image.feed(b"BI /W 4 /H 4 ID \x00(((\xff)) EI Q /P <</MCID 3>> BDC BT (xy) Tj ET EMC")
    assert image.total == 2


def test_chars_per_page_limit_counts_real_chars(tmp_path):
    path = _cjk_pdf(tmp_path / "good.pdf", pages=2, lines=10)
    for backend in BACKENDS:
        reason = _reason(path, backend=backend, max_chars_per_page=100)
        assert reason.startswith("page 1 has ") and "limit is 100" in reason
    assert len(read_pages(path, max_chars_per_page=1000)) == 2


def test_pages_are_yielded_one_at_a_time(tmp_path):
    """A generator, not a list: the caller can stop early and pdfium pages are closed as we go."""
    path = _cjk_pdf(tmp_path / "good.pdf", pages=3, lines=1)
    pages = iter_pages(path)
    first = next(pages)
    assert first.page_number == 1
    pages.close()


def test_pdfminer_debug_lines_are_not_asked_for_while_a_document_is_read_unless_shown(tmp_path):
    """While a document is read, pdfminer loggers that show no debug line answer debug() with a no-op (200,000
    asks on the real PDFs' pages pdfminer reads); after, the loggers are as they were; a logger set to show debug
    lines keeps them, and its warnings are still counted."""
    import logging

    from extract.read import guard
    from extract.read.pdf import read_pages

    path = tmp_path / "one.pdf"
    path.write_bytes(one_page_pdf(stream(b"BT /F1 12 Tf 72 720 Td (Hello 2021) Tj ET")))
    quiet, shown = logging.getLogger("pdfminer.psparser"), logging.getLogger("pdfminer.pdfparser")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.DEBUG)
    shown.setLevel(logging.DEBUG)
    shown.addHandler(keep)
    try:
        with guard.library_log() as counted:
            assert quiet.debug is guard._no_debug
            assert "debug" not in vars(shown)
            pages = read_pages(path, backend="pdfplumber")
            shown.warning("a problem")
        assert pages and counted.count == 1 and counted.first == "a problem"
        assert "debug" not in vars(quiet) and quiet.debug.__func__ is logging.Logger.debug
        assert any(r.levelno == logging.DEBUG for r in records)  # pdfminer's parser said what it did
    finally:
        shown.removeHandler(keep)
        shown.setLevel(logging.NOTSET)
