"""`reviewfigs show DOC_ID|FILE [--page N] [--out PNG|HTML]`: draw a page with every figure boxed.

For auditing extraction by eye: each figure found on the page gets a box (pdfplumber's
``page.to_image().draw_rects()``), classified figures in blue, unclassified ones in orange. A document without
pages (web page, text file, Word document) is written as one HTML page instead: its paragraphs with every
figure highlighted and its labels on hover (extract.charts.docpage).

Many Chinese PDFs use fonts that are not embedded (the demo corpus's STSong-Light, SimSun in office
exports); a renderer without those fonts on the system draws nothing for them. When a page uses such fonts,
the text is redrawn from the PDF's own text layer with Noto Sans CJK, so the boxes always sit on readable
text. The image is the page only: nothing else from the PDF is copied.

Reading and drawing run in worker processes under the limits of `reviewfigs run` (--timeout, --max-pages,
--memory-mb); the page is checked by the reader's guard before it is drawn, and a page too large to draw at
the asked resolution (config.SHOW_MAX_PIXELS) is drawn at a lower one. A document without a usable text
layer (a scan, unreadable or garbled fonts) has no figures, but its page is still drawn.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pdfplumber  # noqa: F401 - imported here, once, rather than in every worker that draws a page
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from extract import config
from extract.corpus.workers import Limits, Task, run_isolated, run_limited
from extract.model import DocMeta, DocumentError
from extract.read.guard import ContentGuard, library_log, open_plumber
from extract.read.pdf import DEFAULT_MAX_CHARS_PER_PAGE, clean_fontname, sniff_pdf
from extract.safety import atomic_writer, confine_path
from extract.terminal import did_you_mean

CLASSIFIED = {"stroke": (31, 95, 139, 230), "fill": (31, 95, 139, 40)}
UNCLASSIFIED = {"stroke": (217, 95, 2, 230), "fill": (217, 95, 2, 40)}


class ShowError(ValueError):
    """One-line reason why a page cannot be shown."""


# Reader verdicts after which the page can still be drawn: the text layer is missing or unusable, not the file.
DRAWABLE_FAILURES = ("no text layer", "text layer unreadable", "PDF has no text", "text garbled")
DOCUMENT_SUFFIXES = (".pdf", ".html", ".htm", ".txt", ".docx")


def run_command(args: argparse.Namespace) -> int:
    from extract.read.sniff import sniff_format

    limits = Limits.from_arguments(args)
    if limits.problem() or args.resolution <= 0:
        print(f"reviewfigs show: {limits.problem() or '--resolution must be positive'}", file=sys.stderr)
        return 2
    note = ""
    try:
        try:
            pdf_path, doc_id, figs = locate(args.target, Path(args.processed), Path(args.raw), limits)
        except NoFigures as err:
            pdf_path, doc_id, figs, note = err.path, _safe_stem(err.path.stem), pd.DataFrame(), err.reason
        if sniff_format(pdf_path) != "pdf":
            out = Path(args.out) if args.out else config.DRAFTS_DIR / "show" / f"{doc_id}.html"
            shown, blocks, _fragment = write_document_page(pdf_path, figs, out, doc_id, limits)
            print(f"{out}: {blocks} paragraphs of {pdf_path.name}, {shown} figure(s) highlighted")
            return 0
        page = args.page or busiest_page(figs)
        # a hand-made page, not part of the scheduled figures/ set
        out = Path(args.out) if args.out else config.DRAFTS_DIR / "show" / f"{doc_id}-p{page}.png"
        drawn = draw_page(pdf_path, figs, page, out, args.resolution, limits)
    except (ShowError, DocumentError) as err:
        print(f"reviewfigs show: {args.target}: {err}", file=sys.stderr)
        return 1
    smaller = f" at {drawn.resolution:g} dpi (the page is too large for {args.resolution} dpi)" \
        if drawn.resolution < args.resolution else ""
    why = f" (no figures: {note})" if note else ""
    print(f"{out}: page {page} of {pdf_path.name}{smaller}, {drawn.boxed} figure(s) boxed{why}")
    return 0


class NoFigures(ShowError):
    """The document has no usable text layer: no figures, but its pages can be drawn."""

    def __init__(self, path: Path, reason: str):
        super().__init__(reason)
        self.path = path
        self.reason = reason


def locate(target: str, processed: Path, raw: Path,
           limits: Limits | None = None) -> tuple[Path, str, pd.DataFrame]:
    """(PDF path, doc_id, its figures) for a doc_id of the processed tables or a PDF file."""
    as_file = Path(target)
    if target.lower().endswith(DOCUMENT_SUFFIXES):
        if not as_file.is_file():
            raise ShowError("file not found")
        return as_file, _safe_stem(as_file.stem), figures_of_file(as_file, processed, limits)
    figs = _processed_figures(processed)
    if figs is None:
        raise ShowError(f"no processed tables in {processed} (run `reviewfigs run` first, or give a PDF file)")
    mine = figs[figs["doc_id"] == target]
    if mine.empty:
        raise ShowError(f"unknown doc_id{did_you_mean(target, sorted(figs['doc_id'].dropna().unique()))}")
    return pdf_of(target, mine, raw), _safe_stem(target), mine


def _safe_stem(name: str) -> str:
    # Output names come from doc_ids or file names: keep them to one plain path component.
    return re.sub(r"[^\w.\-]", "_", name).lstrip(".") or "document"


def _processed_figures(processed: Path) -> pd.DataFrame | None:
    from extract.safety import published

    path = published(processed) / "figures.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def pdf_of(doc_id: str, figs: pd.DataFrame, raw: Path) -> Path:
    """The PDF of a doc_id: the catalog in ``raw`` first (it names the file), else the figures' file column."""
    from extract.corpus.catalog import read_rows

    rows, _problems = read_rows(raw / "catalog.csv")
    for _row, record in rows or []:
        if record.get("doc_id") == doc_id and record.get("file"):
            path, outside = confine_path(raw, record["file"])
            if path.is_file() and outside is None:
                return path
    for name in figs.get("file", pd.Series(dtype=str)).dropna().unique():
        for path in (Path(name), raw / name):
            if path.is_file():
                return path
    raise ShowError(f"cannot find the file of {doc_id} (give --raw, the folder of its catalog)")


def figures_of_file(path: Path, processed: Path, limits: Limits | None = None) -> pd.DataFrame:
    """Figures of a PDF: from the processed tables when its checksum is there, else extracted now, in a worker
    under ``limits`` (default: those passed down by the command, Limits.current()). Raises NoFigures for a
    document without a usable text layer, DocumentError for one that cannot be read."""
    from extract.corpus.catalog import meta_for_file
    from extract.figures import extract_document, sha256_of

    figs = _processed_figures(processed)
    if figs is not None and "sha256" in figs:
        mine = figs[figs["sha256"] == sha256_of(path)]
        if not mine.empty:
            return mine
    meta, _problems = meta_for_file(path)  # a catalog row that does not validate: read the file undescribed
    outcome = run_isolated(Task(str(path), meta or DocMeta(), "show"), extract_document, limits or Limits.current())
    if not outcome.ok:
        if outcome.error.startswith(DRAWABLE_FAILURES):
            raise NoFigures(path, outcome.error)
        raise DocumentError(outcome.error, outcome.stage)
    return pd.DataFrame(outcome.figures)


def write_document_page(path: Path, figs: pd.DataFrame, out: Path, title: str,
                        limits: Limits | None = None) -> tuple[int, int, str]:
    """Write ``out``: the document's paragraphs with every figure highlighted, read again in a worker under
    ``limits``. Returns (figures highlighted, paragraphs, the page's body as a fragment for a notebook)."""
    def job() -> tuple[int, int, str]:
        from extract.charts.docpage import document_fragment, wrap_page
        from extract.read import read_document

        document = read_document(path)
        fragment, shown, _skipped = document_fragment(document, figs, title)
        with atomic_writer(out, durable=False) as tmp:
            Path(tmp).write_text(wrap_page(fragment, title), encoding="utf-8")
        return shown, len(document.blocks), fragment

    outcome = run_limited(job, limits or Limits.current())
    if not outcome.ok:
        raise DocumentError(outcome.error, outcome.stage)
    return outcome.value


def busiest_page(figs: pd.DataFrame) -> int:
    if figs.empty or figs["page"].dropna().empty:
        return 1
    return int(figs["page"].dropna().astype(int).value_counts().index[0])


def pages_with_figures(figs: pd.DataFrame) -> list[int]:
    return sorted({int(p) for p in figs["page"].dropna()}) if not figs.empty else []


# Fonts every PDF renderer has built in: never missing, never redrawn.
STANDARD_FONTS = re.compile(r"^(Courier|Helvetica|Times|Symbol|ZapfDingbats)", re.I)


def embedded_fonts(page) -> tuple[set[str], bool]:
    """(names of the page's embedded fonts, whether some non-standard font is not embedded)."""
    from pdfminer.pdftypes import resolve1

    embedded: set[str] = set()
    some_missing = False
    resources = resolve1(page.page_obj.resources) or {}
    fonts = resolve1(resources.get("Font")) or {}
    for ref in fonts.values():
        font = resolve1(ref) or {}
        parts = [font] + [resolve1(child) or {} for child in resolve1(font.get("DescendantFonts")) or []]
        names = {_name(part.get("BaseFont")) for part in parts} - {""}
        has_file = any(isinstance(d, dict) and any(k in d for k in ("FontFile", "FontFile2", "FontFile3"))
                       for d in (resolve1(part.get("FontDescriptor")) for part in parts))
        if has_file:
            embedded |= names
        elif not all(STANDARD_FONTS.match(n) for n in names):
            some_missing = True
    return embedded, some_missing


def _name(value) -> str:
    """A font name as the reader spells it (pdfminer gives bytes for names that are not UTF-8)."""
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    if value is None:
        return ""
    name = getattr(value, "name", value)
    return clean_fontname(repr(name) if isinstance(name, bytes) else str(name).lstrip("/"))


def _char_font(char: dict) -> str:
    name = char.get("fontname", "")
    return clean_fontname(repr(name) if isinstance(name, bytes) else str(name))


def _redraw_text(image, page, embedded: set[str]) -> None:
    """Draw the characters of not-embedded, non-standard fonts onto the rendered page, from the text layer."""
    from extract.charts.fonts import CJK_FACE, cjk_font_path

    scale = image.resolution / 72
    draw = ImageDraw.Draw(image.annotated)
    cache: dict[int, ImageFont.FreeTypeFont] = {}
    chars = [c for c in page.chars if _char_font(c) not in embedded and not STANDARD_FONTS.match(_char_font(c))]
    # Blank every box first, then draw: a glyph a little wider than its box is not cut by its neighbour's blank.
    # (The renderer may have drawn substitute glyphs, digits and Latin, in these boxes.)
    for char in chars:
        draw.rectangle((char["x0"] * scale, char["top"] * scale, char["x1"] * scale, char["bottom"] * scale),
                       fill=(255, 255, 255))
    for char in chars:
        px = max(6, round(char["size"] * scale))
        if px not in cache:
            cache[px] = ImageFont.truetype(str(cjk_font_path()), px, index=CJK_FACE)
        draw.text((char["x0"] * scale, char["top"] * scale), char["text"], font=cache[px], fill=(0, 0, 0))


@dataclass
class Drawn:
    boxed: int  # figures boxed on the page
    resolution: float  # pixels per inch used (lower than asked for a page too large to draw)


def draw_page(pdf_path: Path, figs: pd.DataFrame, page_number: int, out: Path,
              resolution: float = config.SHOW_RESOLUTION, limits: Limits | None = None) -> Drawn:
    """Write ``out`` (PNG): the page with every figure on it boxed, drawn in a worker under ``limits``."""
    limits = limits or Limits.current()
    sniff_pdf(pdf_path, limits.max_pages)  # the page count limit, before any page is built
    def draw() -> Drawn | str:
        with library_log():  # the reader has reported the file's problems: the drawing adds no log lines
            return _draw_page(pdf_path, figs, page_number, out, resolution)

    outcome = run_limited(draw, limits)
    if not outcome.ok:
        raise DocumentError(outcome.error, outcome.stage)
    if isinstance(outcome.value, str):  # a ShowError's message
        raise ShowError(outcome.value)
    return outcome.value


def fitting_resolution(width: float, height: float, resolution: float,
                       max_pixels: int = config.SHOW_MAX_PIXELS) -> float:
    """``resolution``, or the highest lower one at which a width x height point page has at most max_pixels."""
    pixels = width * height * (resolution / 72) ** 2
    if pixels <= max_pixels:
        return resolution
    return max(0.01, int(72 * math.sqrt(max_pixels / (width * height)) * 100) / 100)


def _draw_page(pdf_path: Path, figs: pd.DataFrame, page_number: int, out: Path, resolution: float) -> Drawn | str:
    """The drawing itself (in the worker): the reader's guard checks the page first."""
    try:
        pdf = open_plumber(pdf_path)
    except Exception as exc:
        return f"cannot open PDF: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    with pdf:
        n_pages = len(pdf.pages)
        if not 1 <= page_number <= n_pages:
            return f"page {page_number} does not exist (the PDF has {n_pages} pages)"
        guard = ContentGuard(pdf_path, DEFAULT_MAX_CHARS_PER_PAGE)
        try:
            guard.check(page_number - 1, page_number)
        finally:
            guard.close()
        page = pdf.pages[page_number - 1]
        used = fitting_resolution(float(page.width), float(page.height), resolution)
        try:
            image = page.to_image(resolution=used)
        except pdfium.PdfiumError:  # pdfium cannot build the page (a broken page tree): nothing to draw with
            return f"damaged PDF: page {page_number} cannot be drawn (the renderer cannot build it)"
        try:
            embedded, some_missing = embedded_fonts(page)
            if some_missing:
                _redraw_text(image, page, embedded)
        except (MemoryError, DocumentError):
            raise
        except Exception:  # fonts pdfminer cannot parse (non-numeric /Widths …): the rendering stands as it is
            pass
        on_page = figs[(figs["page"] == page_number)].dropna(subset=["x0", "top", "x1", "bottom"]) \
            if not figs.empty else figs
        metric = on_page["metric"].fillna("") if "metric" in on_page else pd.Series("", index=on_page.index)
        for style, part in ((CLASSIFIED, on_page[metric != ""]), (UNCLASSIFIED, on_page[metric == ""])):
            rects = [(r.x0 - 1, r.top - 1, r.x1 + 1, r.bottom + 1) for r in part.itertuples()]
            if rects:
                image.draw_rects(rects, stroke=style["stroke"], fill=style["fill"], stroke_width=2)
        with atomic_writer(out, durable=False) as tmp:
            image.annotated.convert("RGB").save(tmp, format="PNG", optimize=True)
        return Drawn(len(on_page), used)


def thumbnail(png: Path | str, width: int = 480):
    """A small JPEG preview of an image file for notebooks (IPython.display.Image): the executed notebook
    stays light while the full-size PNG stays a file beside it."""
    import io

    from IPython.display import Image as DisplayImage

    with Image.open(png) as im:
        small = im.convert("RGB").resize((width, round(im.height * width / im.width)))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=80)
    return DisplayImage(data=buffer.getvalue(), format="jpeg")


# Columns of the figures table a researcher reads in 01_explore_document.
TABLE_COLUMNS = ["page", "locator", "text", "metric", "subject", "value", "unit", "qualifier", "year", "period", "stance",
                 "sentence"]


def document_report(p) -> dict:
    """Everything 01_explore_document shows, for params.DocumentParams ``p``; files go under
    ``p.figures/documents/<doc_id>/`` (figures.csv, one PNG per drawn page)."""
    from extract.charts import plots

    missing = no_figures = ""
    if p.pdf is not None:
        pdf_path = p.pdf
        try:
            figs = figures_of_file(pdf_path, p.processed if str(p.processed) not in ("", ".") else Path("/nonexistent"))
        except NoFigures as err:  # a scan or unreadable fonts: its pages are still worth seeing
            figs, no_figures = pd.DataFrame(columns=["page", "x0", "top", "x1", "bottom", "metric"]), err.reason
    else:
        all_figs = _processed_figures(p.processed)
        figs = all_figs[all_figs["doc_id"] == p.doc_id]
        try:
            pdf_path = pdf_of(p.doc_id, figs, p.raw)
        except ShowError as err:  # the tables are still worth showing; say plainly why pages are not
            pdf_path, missing = None, str(err)
    out = p.figures / "documents" / _safe_stem(p.doc_id)
    out.mkdir(parents=True, exist_ok=True)
    figs = figs.reset_index(drop=True)
    for col in TABLE_COLUMNS:
        if col not in figs:
            figs[col] = pd.NA
    plots.write_rows_csv(figs, out / "figures.csv")
    metric = figs["metric"].fillna("").astype(str)
    pages = list(p.pages) or pages_with_figures(figs) or [1]
    drawn = []
    fragment = ""
    if pdf_path is not None and not _is_pdf(pdf_path):
        fragment = write_document_page(pdf_path, figs, out / "document.html", p.doc_id)[2]
        pages = []
    for page in pages[: p.max_pages] if pdf_path is not None and not fragment else []:
        png = out / f"page-{page}.png"
        draw_page(pdf_path, figs, page, png)
        drawn.append(png)
    where = f"on {len(pages_with_figures(figs))} page(s)" if not fragment else "highlighted in document.html"
    summary = (f"{p.doc_id}: {len(figs)} figures, {int((metric == '').sum())} unclassified, "
               f"{where}; files in {out}")
    if no_figures:
        summary += f"\nno figures: {no_figures}"
    if pdf_path is None:
        summary += f"\nno page images: {missing}"
    return {"figures": figs, "unclassified": figs[metric == ""], "pages": drawn, "folder": out,
            "summary": summary, "pdf": pdf_path, "document_html": fragment}


def _is_pdf(path: Path) -> bool:
    from extract.read.sniff import sniff_format

    try:
        return sniff_format(path) == "pdf"
    except DocumentError:
        return True  # let the page drawing say what is wrong
