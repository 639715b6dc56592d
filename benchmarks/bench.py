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
    start, cpu = time.perf_counter(), time.process_time()
    for f in files:
        for page in iter_pages(f):
            pages += 1
            chars += len(page.chars)
    return {"pages": pages, "chars": chars, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "backend": DEFAULT_BACKEND}


def _extractor():
    """extract.figures.extract_document, or the layout stage alone when the figures stage is not there yet."""
    try:
        from extract.figures import extract_document

        return extract_document, "extract.figures.extract_document"
    except ImportError:
        from extract.read import read_document

        return read_document, "extract.read.read_document (figures stage not importable)"


def _work_extract(files: list[str]) -> dict:
    import pypdfium2 as pdfium

    extract, name = _extractor()
    pages = figures = 0
    failed: list[str] = []
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f in files:
            try:
                result = extract(f)
            except Exception as exc:  # a benchmark reports failures, it does not stop on them
                failed.append(f"{Path(f).name}: {exc}")
                continue
            figures += len(result) if isinstance(result, list) else len(getattr(result, "blocks", []))
            doc = pdfium.PdfDocument(f)
            pages += len(doc)
            doc.close()
    return {"pages": pages, "figures": figures, "seconds": time.perf_counter() - start,
            "cpu": time.process_time() - cpu, "via": name, "failed": failed}


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
           "profile": _work_profile, "formats": _work_formats}


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
        print(f"  extract measured via {extract['via']}; {extract['figures']} figures")
        for failure in extract.get("failed", []):
            print(f"  failed: {failure}")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())


