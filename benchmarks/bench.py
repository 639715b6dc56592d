"""Speed and memory of reviewfigs on a folder of PDFs (issue 5). A benchmark, not a test: `make bench`.

    .venv/bin/python benchmarks/bench.py [FOLDER] [--quick] [--no-run] [--pages N] [--profile]

FOLDER defaults to ../shared/corpus/pdf. In one run it measures, each in its own subprocess (so peak memory
is that measurement's own ru_maxrss):
  - plain pdfplumber page.extract_text() on every PDF (the baseline a journalist would write);
  - extract.read.pdf.iter_pages (the char reader, default backend) on the same files;
  - `reviewfigs extract` cold: extract.figures.extract_document(path) in-process, no cache;
  - `reviewfigs run` cold with -j 1 and -j 2 (median of 3, alternating), then warm (second run on the same
    --out, cache hits), on --documents N copies (default 112) of the PDFs catalogued in the folder above FOLDER,
    each copy's trailer /ID rewritten so that it is a document of its own (skipped with --no-run);
  - a generated N-page PDF (default 1,000 pages of corpus/text/*.txt via reportlab): extract time, peak RSS;
  - OCR: a generated scan (corpus texts drawn as 150-dpi page images, no text layer; 10 dense A4 pages of 28
    full lines, --quick 3) and the real scans of FOLDER/../real/pdf (*scanned*.pdf; not with --quick): seconds
    and CPU seconds per scanned page, peak RSS (goals: 3 s a page on the 2-core machine, 1.5 GB);
  - the web pages and text files of FOLDER/../real (html/, txt/): documents/s per format, cold, in-process; and
    the same text typeset as PDF pages (26 characters a line, 24 lines a page): CPU per page of text for the
    web page against the PDF;
  - with --profile: a pyinstrument profile of the cold extract path (where the time goes).
--quick measures the first three files only, a 200-page PDF and 28 documents (for trying changes while the CPU
is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REVIEWFIGS = Path(PYTHON).parent / "reviewfigs"
MEMORY_GOAL_MB = 500
OCR_SECONDS_GOAL = 3.0  # per scanned A4 page
OCR_MEMORY_GOAL_MB = 1536


# ---------------------------------------------------------------------------------------------------------
# Workers: run in a subprocess, print one JSON line
# ---------------------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB


def _work_plumber_text(files: list[str]) -> dict:
    import pdfplumber

    pages = 0
    start, cpu = time.perf_counter(), time.process_time()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return {"pages": pages, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def _work_chars(files: list[str]) -> dict:
    from extract.read.pdf import DEFAULT_BACKEND, iter_pages

    pages = chars = 0
    failed: list[str] = []
    start, cpu = time.perf_counter(), time.process_time()
    for f in files:
        try:
            for page in iter_pages(f):
                pages += 1
                chars += len(page.chars)
        except Exception as exc:  # a scan refused after its pages were read: those pages count, like plumber's
            failed.append(f"{Path(f).name}: {exc}")
    return {"pages": pages, "chars": chars, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "backend": DEFAULT_BACKEND, "failed": failed}


def _extractor():
    """extract.figures.extract (figures, tables and what they add up to), or the layout stage alone when the
    figures stage is not there yet. Its modules are imported before the timing starts, as pdfplumber's are
    (``import pdfplumber`` in _work_plumber_text): the PDF reader too, which extract would import on the first
    document (pypdfium2 and pdfminer, 0.06 CPU-s, counted against it alone until now)."""
    try:
        from extract.figures import extract
        from extract.read import pdf  # noqa: F401

        return extract, "extract.figures.extract (tables included)"
    except ImportError:
        from extract.read import read_document

        return read_document, "extract.read.read_document (figures stage not importable)"


def _work_extract(files: list[str]) -> dict:
    import pypdfium2 as pdfium

    extract, name = _extractor()
    pages = figures = tables = cells = 0
    failed: list[str] = []
    counted = 0.0  # time spent counting pages, not extracting
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in files:
            try:
                result = extract(f)
            except Exception as exc:  # a benchmark reports failures, it does not stop on them
                failed.append(f"{Path(f).name}: {exc}")
                result = None
            found = getattr(result, "figures", result)
            if isinstance(found, list):
                figures += len(found)
                cells += sum(getattr(g, "origin", "") == "table" for g in found)
            elif result is not None:
                figures += len(getattr(result, "blocks", []))
            tables += getattr(result, "tables", 0) or 0
            # every page given counts, as for pdfplumber (a scan refused for OCR was read to find that out)
            t0 = time.process_time()
            doc = pdfium.PdfDocument(f)
            pages += len(doc)
            doc.close()
            counted += time.process_time() - t0
    return {"pages": pages, "figures": figures, "tables": tables, "table_cells": cells,
            "seconds": time.perf_counter() - start - counted, "cpu": time.process_time() - cpu - counted,
            "via": name, "failed": failed}


def _work_profile(files: list[str]) -> dict:
    from pyinstrument import Profiler

    extract, name = _extractor()
    profiler = Profiler(interval=0.0005)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profiler.start()
        for f in files:
            try:
                extract(f)
            except Exception:  # profiled anyway
                pass
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    return {"via": name, "profile": text, "hotspots": _hotspots(profiler)}


def _hotspots(profiler, top: int = 12) -> list[tuple[str, float]]:
    """Own time per function (self time, not cumulative), the biggest first."""
    own: dict[str, float] = {}
    session = profiler.last_session
    root = session.root_frame()
    stack = [root] if root is not None else []
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        if frame.is_synthetic_leaf or not frame.children:
            where = frame.parent if frame.is_synthetic_leaf and frame.parent is not None else frame
            key = f"{where.function} ({Path(where.file_path or '?').name}:{where.line_no})"
            own[key] = own.get(key, 0.0) + frame.time
    total = root.time if root is not None else 1.0
    return [(k, v / total) for k, v in sorted(own.items(), key=lambda kv: -kv[1])[:top]]


def _work_ocr(files: list[str]) -> dict:
    """extract_document on scanned PDFs: every page goes through OCR."""
    import pypdfium2 as pdfium

    from extract.figures import extract_document

    pages = figures = 0
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in files:
            figures += len(extract_document(f))
            doc = pdfium.PdfDocument(f)
            pages += len(doc)
            doc.close()
    return {"pages": pages, "figures": figures, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu}


def _work_formats(files: list[str]) -> dict:
    """Web pages and text files, each extracted in turn, cold like the "extract" worker (the readers' own
    imports are paid by the first document of their format); documents, characters and CPU per format."""
    from extract.figures import extract_document
    from extract.read import read_document

    out: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in files:
            fmt = Path(f).suffix.lstrip(".")
            entry = out.setdefault(fmt, {"documents": 0, "characters": 0, "figures": 0, "seconds": 0.0, "cpu": 0.0,
                                         "failed": []})
            start, cpu = time.perf_counter(), time.process_time()
            try:
                figures = extract_document(f)
            except Exception as exc:  # reported, not raised
                entry["failed"].append(f"{Path(f).name}: {exc}")
                continue
            entry["seconds"] += time.perf_counter() - start
            entry["cpu"] += time.process_time() - cpu
            entry["documents"] += 1
            entry["figures"] += len(figures)
            entry["characters"] += len(read_document(f).text)
    return out


WORKERS = {"plumber_text": _work_plumber_text, "chars": _work_chars, "extract": _work_extract,
           "profile": _work_profile, "ocr": _work_ocr, "formats": _work_formats}


def _run_worker(kind: str, files: list[str], timeout: float = 3600) -> dict:
    """One measurement in a fresh interpreter: cold imports, cold caches, its own peak memory."""
    cmd = [PYTHON, str(Path(__file__).resolve()), "--worker", kind, *files]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------
# reviewfigs run: cold -j 1, cold -j 2, warm
# ---------------------------------------------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time_run(raw: Path, out: Path, jobs: int) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds of the run and its workers, exit code, last line of its output."""
    cmd = [str(REVIEWFIGS), "run", "--raw", str(raw), "--out", str(out), "-j", str(jobs), "--quiet"]
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - start
    tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or [""]
    return seconds, _children_cpu() - cpu, proc.returncode, tail[0]


def bench_run(raw: Path, tmp: Path, repeats: int = 5) -> dict:
    """Cold -j 1 and -j 2 alternately ``repeats`` times (medians: single runs on a shared 2-core machine vary
    by 20%), then a warm -j 2 run on the last output folder."""
    if not REVIEWFIGS.exists():
        return {"skipped": f"{REVIEWFIGS} not found (run `make setup`)"}
    if not (raw / "catalog.csv").is_file():
        return {"skipped": f"no catalog.csv in {raw}"}
    result: dict = {"runs_j1": [], "runs_j2": []}
    for attempt in range(repeats):
        for jobs in (1, 2):
            out = tmp / f"run-j{jobs}-{attempt}"
            seconds, cpu, code, tail = _time_run(raw, out, jobs)
            result[f"runs_j{jobs}"].append(seconds)
            result[f"cpu_j{jobs}"], result[f"exit_j{jobs}"] = cpu, code
            if code not in (0, 1):  # 1 = some documents failed (reported in errors.csv), still a full run
                result[f"error_j{jobs}"] = tail
    for jobs in (1, 2):
        result[f"cold_j{jobs}"] = statistics.median(result[f"runs_j{jobs}"])
    seconds, cpu, code, tail = _time_run(raw, tmp / f"run-j2-{repeats - 1}", 2)
    result["warm_j2"], result["cpu_warm"], result["exit_warm"] = seconds, cpu, code
    return result


def make_copies_corpus(source: Path, target: Path, n_docs: int) -> Path:
    """A catalog of ``n_docs`` documents in ``target``: copies of the PDFs catalogued in ``source``, each copy's
    trailer /ID rewritten (same length, so the file stays valid) to give it a checksum of its own; the run
    then reads every copy as a document of its own. Returns the catalog folder."""
    import csv
    import re

    with open(source / "catalog.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["file"].lower().endswith(".pdf")]
    (target / "pdf").mkdir(parents=True, exist_ok=True)
    out_rows = []
    for k in range(n_docs):
        row = dict(rows[k % len(rows)])
        data = (source / row["file"]).read_bytes()
        stamp = f"{k:08x}".encode()
        data, n = re.subn(rb"(/ID\s*\[\s*<)([0-9a-fA-F]{8})", lambda m: m.group(1) + stamp, data)  # noqa: B023
        if not n:  # no /ID: a comment after the end marker changes the checksum just as well
            data += b"\n%" + stamp + b"\n"
        name = f"pdf/copy{k:04d}.pdf"
        (target / name).write_bytes(data)
        out_rows.append({**row, "doc_id": f"{row['doc_id']}-copy{k:04d}", "file": name})
    with open(target / "catalog.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(out_rows[0]))
        writer.writeheader()
        writer.writerows(out_rows)
    return target


# ---------------------------------------------------------------------------------------------------------
# The N-page document
# ---------------------------------------------------------------------------------------------------------


def _wrapped(paragraphs: list[str]) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        paragraph = paragraph.strip()
        lines.extend(paragraph[i : i + LINE_CHARS] for i in range(0, len(paragraph), LINE_CHARS))
    return lines


LINE_CHARS, PAGE_LINES = 26, 24


def make_long_pdf(path: Path, n_pages: int, texts: list[Path]) -> int:
    """An A4 report of ``n_pages`` pages from the corpus texts (repeated as needed), 16pt CJK body."""
    lines = _wrapped([p for t in texts for p in t.read_text(encoding="utf-8").splitlines()])
    return write_text_pdf(path, lines or ["2021年，全市生产总值增长5.5%，开展执法检查15次。"], n_pages)


def write_text_pdf(path: Path, lines: list[str], n_pages: int | None = None) -> int:
    """Lines set 24 to an A4 page in 16pt STSong with a page number; ``n_pages`` repeats them as needed
    (default: as many pages as the lines fill)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    n_pages = n_pages or max(1, -(-len(lines) // PAGE_LINES))
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    k = 0
    for page in range(n_pages):
        c.setFont("STSong-Light", 16)
        for row in range(PAGE_LINES):
            c.drawString(79, height - 100 - 28 * row, lines[k % len(lines)])
            k += 1
        c.setFont("STSong-Light", 14)
        c.drawCentredString(width / 2, 50, f"— {page + 1} —")
        c.showPage()
    c.save()
    return n_pages


def make_scanned_pdf(path: Path, n_pages: int, texts: list[Path], dpi: int = 150) -> int:
    """An image-only A4 document (what a scanner makes): corpus text drawn with the Noto CJK font that the
    project installs (noto-cjk) into 150-dpi page images, one image per page, no text layer."""
    import noto_cjk_sans_otc
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font_file = Path(noto_cjk_sans_otc.__file__).parent / "NotoSansCJK-Regular.ttc"
    scale = dpi / 72
    font = ImageFont.truetype(str(font_file), round(14 * scale), index=2)  # index 2: the SC face
    lines: list[str] = []
    for t in texts:
        for paragraph in t.read_text(encoding="utf-8").splitlines():
            paragraph = paragraph.strip()
            lines.extend(paragraph[i : i + 28] for i in range(0, len(paragraph), 28))
    lines = lines or ["2021年，全市生产总值增长5.5%，开展执法检查15次。"]
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    k = 0
    for _ in range(n_pages):
        image = Image.new("L", (round(width * scale), round(height * scale)), 255)
        draw = ImageDraw.Draw(image)
        for row in range(28):
            draw.text((round(79 * scale), round((80 + 25 * row) * scale)), lines[k % len(lines)], font=font, fill=0)
            k += 1
        c.drawImage(ImageReader(image), 0, 0, width, height)
        c.showPage()
    c.save()
    return n_pages


def bench_formats(real: Path, tmp: Path, quick: bool) -> dict:
    """Documents/s of the web pages and text files under ``real``, and the web pages against PDFs of their own
    text (each page's text set by write_text_pdf, extracted by the same cold in-process worker)."""
    pages = sorted(str(p) for p in (real / "html").glob("*.html")) + sorted(str(p) for p in (real / "txt").glob("*.txt"))
    if not pages:
        return {"skipped": f"no html/ or txt/ in {real}"}
    if quick:
        pages = pages[:3] + [p for p in pages if p.endswith(".txt")][:2]
    result = {"formats": _run_worker("formats", pages)}
    from extract.read import read_document

    html = [p for p in pages if p.endswith(".html")]
    pdfs, text_pages = [], 0
    for k, page in enumerate(html):
        lines = _wrapped(b.text for b in read_document(page).blocks)
        pdf = tmp / f"same-text-{k}.pdf"
        text_pages += write_text_pdf(pdf, lines)
        pdfs.append(str(pdf))
    result["html_as_pdf"] = _run_worker("extract", pdfs) if pdfs else {"error": "no web pages"}
    result["text_pages"] = text_pages
    return result


def print_formats(formats: dict) -> None:
    print()
    if "skipped" in formats:
        print(f"web pages and text files: skipped ({formats['skipped']})")
        return
    measured = formats["formats"]
    if "error" in measured:
        print(f"web pages and text files: failed: {measured['error']}")
        return
    print("web pages and text files (cold, in-process):")
    for fmt in ("html", "txt", "docx"):
        m = measured.get(fmt)
        if not m or not m["documents"]:
            continue
        print(f"  {fmt:5} {m['documents']:3d} documents {m['seconds']:6.2f}s {m['documents'] / m['seconds']:6.1f} docs/s "
              f"({m['documents'] / max(m['cpu'], 1e-9):.1f} per cpu-s), {m['characters'] / 1000:.0f}k characters, "
              f"{m['figures']} figures" + (f"; failed: {m['failed']}" if m["failed"] else ""))
    pdf, html = formats["html_as_pdf"], measured.get("html")
    if html and "error" not in pdf and pdf.get("pages"):
        per_page_html = html["cpu"] / formats["text_pages"]
        per_page_pdf = pdf["cpu"] / pdf["pages"]
        print(f"  the web pages' text as {pdf['pages']} PDF pages ({LINE_CHARS}x{PAGE_LINES} characters): "
              f"{1000 * per_page_pdf:.1f} ms cpu per PDF page, {1000 * per_page_html:.1f} ms per page of web-page text "
              f"({per_page_html / per_page_pdf:.2f}x the PDF)")


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------


def _rate(m: dict, key: str = "seconds") -> float | None:
    if "error" in m or not m.get(key):
        return None
    return m["pages"] / m[key]


def _fmt(value: float | None, spec: str = ".1f", unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "pdf"))
    parser.add_argument("--quick", action="store_true", help="3 files, a 200-page PDF")
    parser.add_argument("--no-run", action="store_true", help="skip the reviewfigs run timings")
    parser.add_argument("--documents", type=int, default=None,
                        help="documents in the run benchmark: copies of the catalog's PDFs (default 112; --quick 28)")
    parser.add_argument("--pages", type=int, default=None, help="pages of the generated long PDF (1000)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of the cold extract")
    parser.add_argument("--goals", action="store_true", help="only issue 18's goal lines")
    parser.add_argument("--no-goals", action="store_true", help="leave out issue 18's goal lines")
    parser.add_argument("--goal-pages", type=int, default=None, help="pages of the memory goal's PDF (5000)")
    parser.add_argument("--warm-documents", type=int, default=None, help="documents of the warm-run goal (500)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)

    if args.worker:
        files = [args.folder, *rest] if args.folder else rest
        result = WORKERS[args.worker](files)
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result))
        return 0

    folder = Path(args.folder)
    files = sorted(str(p) for p in folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {folder}", file=sys.stderr)
        return 2
    if args.goals:
        return _goals_main(args, folder)
    if args.quick:
        files = files[:3]
    n_long = args.pages or (200 if args.quick else 1000)
    print(f"benchmark: {len(files)} PDFs in {folder}  (cpu count {os.cpu_count()}, load {os.getloadavg()[0]:.1f}; "
          "a load above the core count means other work shares the CPU: read the cpu columns)")

    plumber = _run_worker("plumber_text", files)
    chars = _run_worker("chars", files)
    extract = _run_worker("extract", files)
    corpus_root = folder.parent
    with tempfile.TemporaryDirectory(prefix="reviewfigs-bench-") as tmp_name:
        tmp = Path(tmp_name)
        n_docs = args.documents or (28 if args.quick else 112)
        if args.no_run or not (corpus_root / "catalog.csv").is_file():
            run = {"skipped": "--no-run" if args.no_run else f"no catalog.csv in {corpus_root}"}
        else:
            run = bench_run(make_copies_corpus(corpus_root, tmp / "copies", n_docs), tmp, repeats=3)
            run["documents"] = n_docs
        long_pdf = tmp / f"long-{n_long}.pdf"
        texts = sorted((corpus_root / "text").glob("*.txt"))
        t0 = time.perf_counter()
        make_long_pdf(long_pdf, n_long, texts)
        made = time.perf_counter() - t0
        long_extract = _run_worker("extract", [str(long_pdf)])
        long_chars = _run_worker("chars", [str(long_pdf)])
        scanned = tmp / "scanned.pdf"
        make_scanned_pdf(scanned, 3 if args.quick else 10, texts)
        ocr = _run_worker("ocr", [str(scanned)])
        real_scans = [] if args.quick else sorted(str(p) for p in (corpus_root / "real" / "pdf").glob("*scanned*.pdf"))
        ocr_real = _run_worker("ocr", real_scans) if real_scans else None
        profile = _run_worker("profile", files[: 3 if not args.quick else 1]) if args.profile else None
        formats = bench_formats(corpus_root / "real", tmp, args.quick)

    base = _rate(plumber)
    rows = [
        ("pdfplumber page.extract_text()", plumber, base),
        (f"char reader iter_pages ({chars.get('backend', '?')})", chars, _rate(chars)),
        ("reviewfigs extract (cold, in-process)", extract, _rate(extract)),
    ]
    print()
    cpu_base = _rate(plumber, "cpu")
    print(f"{'measurement':44} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'x plumber':>9} "
          f"{'cpu-s':>7} {'pages/cpu-s':>11} {'x plumber':>9} {'peak MB':>8}")
    for label, m, rate in rows:
        if "error" in m:
            print(f"{label:44} failed: {m['error']}")
            continue
        ratio = rate / base if rate and base else None
        cpu_rate = _rate(m, "cpu")
        cpu_ratio = cpu_rate / cpu_base if cpu_rate and cpu_base else None
        print(f"{label:44} {m['pages']:6d} {m['seconds']:8.2f} {_fmt(rate):>8} {_fmt(ratio, '.1f', 'x'):>9} "
              f"{m['cpu']:7.2f} {_fmt(cpu_rate):>11} {_fmt(cpu_ratio, '.1f', 'x'):>9} {m['peak_rss_mb']:8.0f}")
    print("  (cpu = the process's own CPU time: the fair per-core figure when other work shares the CPU)")
    if "via" in extract:
        print(f"  extract measured via {extract['via']}; {extract['figures']} figures, {extract.get('tables', 0)} "
              f"tables, {extract.get('table_cells', 0)} table cells")
        for failure in extract.get("failed", []):
            print(f"  failed: {failure}")
    if "error" not in extract and "error" not in plumber and _rate(extract) and base and cpu_base:
        print(f"speed: reviewfigs extract, tables included, {_rate(extract):.1f} pages/s "
              f"({_rate(extract, 'cpu'):.1f} per cpu-s) against pdfplumber extract_text {base:.1f} pages/s "
              f"({cpu_base:.1f} per cpu-s) on the same {len(files)} files: {_rate(extract) / base:.2f}x wall, "
              f"{_rate(extract, 'cpu') / cpu_base:.2f}x cpu (goal: 2x)")
    print()
    print(f"long document: {n_long} pages generated in {made:.1f}s from {len(texts)} corpus texts")
    for label, m in (("  reviewfigs extract", long_extract), ("  char reader", long_chars)):
        if "error" in m:
            print(f"{label:24} failed: {m['error']}")
            continue
        verdict = "ok" if m["peak_rss_mb"] < MEMORY_GOAL_MB else f"OVER the {MEMORY_GOAL_MB} MB goal"
        print(f"{label:24} {m['seconds']:7.1f}s {_rate(m):7.1f} pages/s ({_rate(m, 'cpu'):.1f} per cpu-s)  "
              f"peak RSS {m['peak_rss_mb']:.0f} MB ({verdict})")
    print()
    for label, m in (("generated 150-dpi scan, 28 full lines a page", ocr), ("the real corpus's scans", ocr_real)):
        if m is None:
            continue
        if "error" in m:
            print(f"OCR ({label}) failed: {m['error']}")
            continue
        per_page, cpu_page = m["seconds"] / m["pages"], m["cpu"] / m["pages"]
        verdict = "ok" if per_page <= OCR_SECONDS_GOAL and m["peak_rss_mb"] <= OCR_MEMORY_GOAL_MB else "OVER a goal"
        print(f"OCR, {label}: {m['pages']} A4 pages, {per_page:.2f} s per page ({cpu_page:.2f} cpu-s; wall time "
              f"grows with other work on the CPU), peak RSS {m['peak_rss_mb']:.0f} MB, {m['figures']} figures "
              f"(goals {OCR_SECONDS_GOAL:g} s a page, {OCR_MEMORY_GOAL_MB} MB: {verdict})")
    print()
    if "skipped" in run:
        print(f"reviewfigs run: skipped ({run['skipped']})")
    else:
        j1, j2, warm = run["cold_j1"], run["cold_j2"], run["warm_j2"]
        runs = "; ".join(f"-j {j}: " + " ".join(f"{x:.1f}" for x in run[f"runs_j{j}"]) for j in (1, 2))
        print(f"reviewfigs run on {run['documents']} documents (copies of {corpus_root}'s PDFs, each its own checksum; "
              f"cold runs, alternating: {runs} s)")
        print(f"  median cold -j 1 {j1:.1f}s ({run['cpu_j1']:.1f} cpu-s), "
              f"median cold -j 2 {j2:.1f}s ({run['cpu_j2']:.1f} cpu-s), speed-up {j1 / j2:.2f}x; "
              f"warm -j 2 {warm:.2f}s ({run['cpu_warm']:.1f} cpu-s); exit codes "
              f"{run['exit_j1']}/{run['exit_j2']}/{run['exit_warm']}")
        for key in ("error_j1", "error_j2"):
            if key in run:
                print(f"  {key}: {run[key]}")
    print_formats(formats)
    rate, cpu_rate = _rate(extract), _rate(extract, "cpu")
    if rate and cpu_rate:
        print(f"pages per hour per worker core (cold extract): {rate * 3600:,.0f} measured, "
              f"{cpu_rate * 3600:,.0f} per CPU-hour")
    if profile is not None:
        print()
        if "error" in profile:
            print(f"profile failed: {profile['error']}")
        else:
            print(f"where the cold extract time goes (own time, {profile['via']}):")
            for name, share in profile["hotspots"]:
                print(f"  {100 * share:5.1f}%  {name}")
            print()
            print("\n".join(profile["profile"].splitlines()[:60]))
    if not args.no_goals:
        print()
        return _goals_main(args, folder)
    return 0


def _goals_main(args: argparse.Namespace, folder: Path) -> int:
    print(f"issue 18 goals ({os.cpu_count()} cores, {_load()} at the start; ratios per CPU-second, side by side in "
          "one run):", flush=True)
    bench_goals(folder, args.goal_pages or (200 if args.quick else 5000), args.documents or (28 if args.quick else 112),
                args.warm_documents or (56 if args.quick else 500))
    return 0


# ---------------------------------------------------------------------------------------------------------
# Issue 18's goals: one line each, measured figure against the goal, files used, the machine's load
# ---------------------------------------------------------------------------------------------------------

GOAL_LINE_PREFIX = "GOAL "


def _load() -> str:
    return "load " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def goal_line(name: str, measured: str, ok: bool | None, goal: str, files: str) -> str:
    verdict = "n/a" if ok is None else "ok" if ok else "MISSED"
    return f"{GOAL_LINE_PREFIX}{name}: {measured} (goal {goal}: {verdict}); {files}; {_load()}"


def _pdfs(folder: Path) -> list[str]:
    """The PDFs of ``folder`` with a text layer to compare (scans are OCR's own line of the bench)."""
    return sorted(str(p) for p in folder.glob("*.pdf") if "scanned" not in p.name)


SPEED_REPEATS = 3  # this machine's CPU-seconds for the same work vary by +-20% between runs: medians of three


def _speed_goal(name: str, folder: Path, goal: float) -> str:
    files = _pdfs(folder)
    if not files:
        return goal_line(name, "no PDFs", None, f">= {goal:g}x", str(folder))
    runs = []
    for _ in range(SPEED_REPEATS):  # alternating, each in a fresh interpreter
        plumber, extract = _run_worker("plumber_text", files), _run_worker("extract", files)
        if "error" in plumber or "error" in extract:
            return goal_line(name, f"failed: {plumber.get('error') or extract.get('error')}", False, f">= {goal:g}x", "")
        runs.append((_rate(extract, "cpu") / _rate(plumber, "cpu"), plumber, extract))
    runs.sort(key=lambda r: r[0])
    ratio, plumber, extract = runs[len(runs) // 2]
    spread = f"{runs[0][0]:.2f}-{runs[-1][0]:.2f}x over {len(runs)} runs"
    return goal_line(name, f"{ratio:.2f}x pages per CPU-second, median ({spread}; {_rate(extract, 'cpu'):.1f} against "
                           f"pdfplumber extract_text's {_rate(plumber, 'cpu'):.1f}; {extract['cpu']:.2f} vs "
                           f"{plumber['cpu']:.2f} CPU-s)", ratio >= goal, f">= {goal:g}x",
                     f"{len(files)} PDFs, {extract['pages']} pages of {folder} (scans left out)")


def _startup_goal(tmp: Path, texts: list[Path]) -> str:
    """CPU of `reviewfigs extract` (parent and worker) on a one-page PDF, less what reading that page costs in a
    warm process: what the command pays to start."""
    one = tmp / "one-page.pdf"
    write_text_pdf(one, _wrapped([p for t in texts[:1] for p in t.read_text(encoding="utf-8").splitlines()])
                   or ["2021年，全市生产总值增长5.5%。"], 1)
    runs = []
    for _ in range(3):
        start = _children_cpu()
        subprocess.run([str(REVIEWFIGS), "extract", str(one)], capture_output=True, cwd=REPO)
        runs.append(_children_cpu() - start)
    page = _run_worker("page_cpu", [str(one)])
    total = statistics.median(runs)
    startup = total - page.get("cpu", 0.0)
    return goal_line("extract start-up", f"{startup:.3f} CPU-s ({total:.3f} for the command, median of 3, less "
                     f"{page.get('cpu', 0.0):.3f} for the page read warm)", startup <= 0.15, "<= 0.15 CPU-s",
                     "a generated one-page PDF")


def _work_page_cpu(files: list[str]) -> dict:
    """CPU of extracting ``files`` once warm (second time in this process)."""
    from extract.figures import extract_document

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in files:
            extract_document(f)
        cpu = time.process_time()
        for f in files:
            extract_document(f)
    return {"cpu": time.process_time() - cpu}


WORKERS["page_cpu"] = _work_page_cpu


def _run_with_peak(cmd: list[str]) -> tuple[float, float, int, float, str]:
    """(wall s, CPU s of it and its workers, exit code, the command's own peak RSS in MB, its output) of ``cmd``:
    the peak is the parent's alone (its VmHWM, read while it runs), not its workers'."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    peak = 0.0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
        time.sleep(0.05)
    out, err = proc.communicate()
    return time.perf_counter() - start, _children_cpu() - cpu, proc.returncode, peak, (out + err).strip()


def _run_cmd(raw: Path, out: Path, *extra: str) -> list[str]:
    return [str(REVIEWFIGS), "run", "--raw", str(raw), "--out", str(out), "--quiet", *extra]


def _summary_reads(tail: str) -> int:
    import re

    found = re.search(r"(\d+) read, (\d+) from cache", tail)
    return int(found.group(1)) if found else -1


def _same_outputs(a: Path, b: Path) -> list[str]:
    """The processed CSVs that differ between two runs' output folders."""
    names = sorted({p.name for p in a.glob("*.csv")} | {p.name for p in b.glob("*.csv")})
    return [n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                     and (a / n).read_bytes() == (b / n).read_bytes())]


def _parallel_goals(corpus_root: Path, tmp: Path, n_docs: int) -> list[str]:
    raw = make_copies_corpus(corpus_root, tmp / "goal-copies", n_docs)
    files = f"{n_docs} documents (copies of {corpus_root}'s catalogued PDFs, each its own trailer /ID)"
    lines = []
    runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    for attempt in range(3):  # alternating, medians: a shared machine's runs vary
        for jobs in (1, 2):
            seconds, cpu, code, _peak, _tail = _run_with_peak(_run_cmd(raw, tmp / f"goal-j{jobs}-{attempt}", "-j", str(jobs)))
            runs[jobs].append((seconds, cpu))
    j1 = statistics.median(s for s, _ in runs[1])
    j2 = statistics.median(s for s, _ in runs[2])
    lines.append(goal_line("-j 2 against -j 1", f"{j1 / j2:.2f}x (median wall {j1:.1f} s against {j2:.1f} s; CPU "
                           f"{statistics.median(c for _, c in runs[1]):.1f} / {statistics.median(c for _, c in runs[2]):.1f} s)",
                           j1 / j2 >= 1.8, ">= 1.8x", files))
    lines.append(_dask_goal(raw, tmp, files))
    return lines


def _dask_goal(raw: Path, tmp: Path, files: str) -> str:
    """Dask on a 2-worker LocalCluster against `-j 2`, runs alternating (a -j 2 run, then a Dask run, three
    times; medians): side by side, as the machine's speed drifts over a bench of several minutes."""
    try:
        from dask.distributed import LocalCluster
    except ImportError:
        return goal_line("Dask against -j 2", "dask not installed", None, "<= 1.1x", files)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        times, local = [], []
        for attempt in range(3):
            seconds, _cpu, _code, _peak, _tail = _run_with_peak(_run_cmd(raw, tmp / f"goal-dask-j2-{attempt}", "-j", "2"))
            local.append(seconds)
            out = tmp / f"goal-dask-{attempt}"
            seconds, _cpu, code, _peak, tail = _run_with_peak(_run_cmd(raw, out, "--scheduler", cluster.scheduler_address))
            if code not in (0, 1):
                return goal_line("Dask against -j 2", f"failed: {tail.splitlines()[-1:]}", False, "<= 1.1x", files)
            times.append(seconds)
        differ = _same_outputs(tmp / "goal-dask-j2-0", tmp / "goal-dask-0")
    finally:
        cluster.close()
    j2 = statistics.median(local)
    ratio = statistics.median(times) / j2
    same = "identical outputs" if not differ else f"outputs DIFFER: {', '.join(differ)}"
    return goal_line("Dask against -j 2", f"{ratio:.2f}x the time of -j 2 (median {statistics.median(times):.1f} s "
                     f"against {j2:.1f} s, runs alternating with -j 2's; LocalCluster of 2 worker processes); {same}",
                     ratio <= 1.1 and not differ, "<= 1.1x, identical outputs", files)


def _warm_goals(corpus_root: Path, tmp: Path, n_docs: int, small: int) -> list[str]:
    raw = make_copies_corpus(corpus_root, tmp / "goal-warm", n_docs)
    out = tmp / "goal-warm-out"
    files = f"{n_docs} documents (copies of {corpus_root}'s catalogued PDFs)"
    _s, _c, _code, peak_cold, _t = _run_with_peak(_run_cmd(raw, out, "-j", "2"))
    seconds, cpu, code, peak_warm, tail = _run_with_peak(_run_cmd(raw, out, "-j", "2"))
    lines = [goal_line("warm run", f"{seconds:.2f} s ({cpu:.2f} CPU-s; exit {code})", seconds <= 2.0, "<= 2 s", files)]
    import re

    changed = raw / "pdf" / "copy0000.pdf"
    data = changed.read_bytes()
    data, n = re.subn(rb"(/ID\s*\[\s*<)([0-9a-fA-F]{8})", lambda m: m.group(1) + b"feedf00d", data, count=1)
    changed.write_bytes(data if n else data + b"\n%changed\n")
    _s, _c, _code, _p, tail = _run_with_peak(_run_cmd(raw, out, "-j", "2"))
    reread = _summary_reads(tail)
    lines.append(goal_line("one changed file", f"{reread} document(s) re-read", reread == 1, "re-reads 1", files))
    # the parent's memory per document: its peak over a small run against this run's, both cold
    small_raw = make_copies_corpus(corpus_root, tmp / "goal-small", small)
    _s, _c, _code, peak_small, _t = _run_with_peak(_run_cmd(small_raw, tmp / "goal-small-out", "-j", "2"))
    per_doc = (peak_cold - peak_small) / (n_docs - small)
    lines.append(goal_line("parent memory", f"{per_doc:.3f} MB per document (peak {peak_cold:.0f} MB at {n_docs} "
                           f"documents, {peak_small:.0f} MB at {small}; a 10,000-document run: ~"
                           f"{peak_small + per_doc * (10000 - small):.0f} MB)", per_doc <= 0.2, "<= 0.2 MB per document",
                           files))
    return lines


def _memory_goal(tmp: Path, texts: list[Path], n_pages: int) -> str:
    long_pdf = tmp / f"goal-long-{n_pages}.pdf"
    make_long_pdf(long_pdf, n_pages, texts)
    m = _run_worker("extract", [str(long_pdf)], timeout=7200)
    if "error" in m:
        return goal_line("memory", f"failed: {m['error']}", False, "<= 300 MB", f"a generated {n_pages}-page PDF")
    return goal_line("memory", f"peak RSS {m['peak_rss_mb']:.0f} MB extracting {m['pages']} pages ({m['cpu']:.0f} CPU-s)",
                     m["peak_rss_mb"] <= 300 if n_pages >= 5000 else None, "<= 300 MB for 5,000 pages",
                     f"a generated {n_pages}-page PDF of {len(texts)} corpus texts")


def bench_goals(folder: Path, pages: int, documents: int, warm_documents: int) -> list[str]:
    """Every goal of issue 18, one line each (printed as measured)."""
    corpus_root = folder.parent
    texts = sorted((corpus_root / "text").glob("*.txt"))
    lines: list[str] = []

    def emit(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    emit(_speed_goal("cold extraction, real PDFs", corpus_root / "real" / "pdf", 5.0))
    emit(_speed_goal("cold extraction, our renderings", folder, 4.0))
    with tempfile.TemporaryDirectory(prefix="reviewfigs-goals-") as tmp_name:
        tmp = Path(tmp_name)
        emit(_startup_goal(tmp, texts))
        if (corpus_root / "catalog.csv").is_file():
            for line in _parallel_goals(corpus_root, tmp, documents):
                emit(line)
            for line in _warm_goals(corpus_root, tmp, warm_documents, documents):
                emit(line)
        emit(_memory_goal(tmp, texts, pages))
    return lines


if __name__ == "__main__":
    sys.exit(main())


