"""Bad input and faults: every failure is one clear line, nothing is lost, reruns converge."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
from test_hostile import raw_pdf, stream, zero_pages
from test_run import county_report, options, read_outputs, reviewfigs, small_corpus, write_catalog, write_pdf

from extract.corpus.run import run
from extract.safety import OutputLock


def scanned_pdf(path, text_first_page: str = ""):
    """Pages holding only an image, what a scanner without OCR produces; optionally a text page first."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    write_pdf(path, [["x"]])  # registers the CID font
    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):
        draw.rectangle([50, y, 550, y + 10], fill=0)
    c = canvas.Canvas(str(path))
    if text_first_page:
        c.setFont("STSong-Light", 12)
        c.drawString(72, 800, text_first_page)
        c.showPage()
    for _ in range(2 if text_first_page else 1):
        c.drawImage(ImageReader(image), 0, 0, width=595, height=842)
        c.showPage()
    c.save()


def cid_garbage_pdf() -> bytes:
    """Text in a CID font with no Unicode map: readers can only return (cid:N)."""
    glyphs = "".join(f"{i:04X}" for i in range(17, 77)).encode()
    content = b"BT /F1 12 Tf 72 700 Td <" + glyphs + b"> Tj 0 -20 Td <" + glyphs + b"> Tj ET"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /NoMap /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ])


def mixed_corpus(raw):
    """Good documents mixed with every kind of bad one; returns {doc_id: words expected in its error}."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    pdf = raw / "pdf"
    good = write_pdf(pdf / "good.pdf", county_report(2023))
    write_pdf(pdf / "owner_only.pdf", county_report(2022), encrypt=StandardEncryption("", ownerPassword="owner",
                                                                                      canModify=0, canCopy=0))
    write_pdf(pdf / "password.pdf", county_report(2021), encrypt=StandardEncryption("secret", ownerPassword="o"))
    write_pdf(pdf / "no_figures.pdf", [["本报告没有任何数字，只有文字。"]])
    (pdf / "empty.pdf").write_bytes(b"")
    (pdf / "truncated.pdf").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (pdf / "page.pdf").write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", encoding="utf-8")
    (pdf / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    scanned_pdf(pdf / "scanned.pdf")
    (pdf / "cid.pdf").write_bytes(cid_garbage_pdf())
    (pdf / "zero.pdf").write_bytes(zero_pages())
    names = ["good", "owner_only", "password", "no_figures", "empty", "truncated", "page", "image", "scanned",
             "cid", "zero"]
    rows = [{"doc_id": n, "file": f"pdf/{n}.pdf"} for n in names]
    rows.append({"doc_id": "good_again", "file": "pdf/good.pdf"})
    write_catalog(raw, rows)
    return {
        "password": ["password"], "empty": ["empty"], "truncated": ["damaged", "truncated", "incomplete"],
        "page": ["not a PDF", "error page"], "image": ["not a PDF", "PNG image"], "scanned": ["OCR", "text layer", "no text"],
        "cid": ["unreadable", "Unicode"], "zero": ["no pages", "damaged"],
    }


def test_mixed_bad_documents_each_fail_alone(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    expected = mixed_corpus(raw)
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    outputs = read_outputs(out)
    errors = outputs["errors"]
    failed = errors[errors["severity"] == "error"].set_index("doc_id")
    # truncated files that pdfium can still repair are read (with a warning) rather than failed
    must_fail = set(expected) - {"truncated"}
    assert must_fail <= set(failed.index), failed.to_string()
    assert set(failed.index) <= set(expected), failed.to_string()
    for doc_id in failed.index:
        message = failed.loc[doc_id, "error"]
        assert any(word in message for word in expected[doc_id]), (doc_id, message)
        # one stderr line naming the file and the reason
        lines = [line for line in proc.stderr.splitlines() if f"pdf/{doc_id}.pdf ({doc_id})" in line]
        assert len(lines) == 1 and message in lines[0]
    # no partial rows from failed documents; the good and the owner-password-only ones are read
    figures = outputs["figures"]
    assert not set(figures["doc_id"]) & set(failed.index)
    assert {"good", "owner_only"} <= set(figures["doc_id"])
    assert "no figures in 1 document(s): no_figures" in proc.stdout
    # the same file twice: a warning, extracted once, figures under the first doc_id only
    duplicate = errors[errors["doc_id"] == "good_again"]
    assert duplicate[["stage", "severity"]].values.tolist() == [["catalog", "warning"]]
    assert "same file as good" in duplicate["error"].iloc[0]
    assert "good_again" not in set(figures["doc_id"])


def test_strict_turns_the_duplicate_warning_into_a_failure(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "a.pdf", county_report(2023))
    write_catalog(raw, [{"doc_id": "a", "file": "a.pdf"}, {"doc_id": "b", "file": "a.pdf"}])
    assert run(options(raw, out)).exit_code == 0
    strict = run(options(raw, out, strict=True))
    assert strict.exit_code == 1
    assert read_outputs(out)["errors"]["severity"].tolist() == ["error"]


def test_document_warnings_are_reported_and_strict_fails_the_document(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    scanned_pdf(raw / "partly.pdf", text_first_page="2023年，全市生产总值增长6.5%。")
    write_pdf(raw / "good.pdf", county_report(2022))
    write_catalog(raw, [{"doc_id": "partly", "file": "partly.pdf"}, {"doc_id": "good", "file": "good.pdf"}])
    relaxed = run(options(raw, out))
    errors = read_outputs(out)["errors"]
    assert relaxed.exit_code == 0 and relaxed.warned >= 1
    assert set(errors["doc_id"]) == {"partly"} and set(errors["severity"]) == {"warning"}
    assert "partly" in set(read_outputs(out)["figures"]["doc_id"])

    strict = run(options(raw, out, strict=True))
    assert strict.exit_code == 1 and strict.failed == 1
    outputs = read_outputs(out)
    assert set(outputs["errors"]["severity"]) == {"error"}
    assert set(outputs["figures"]["doc_id"]) == {"good"}  # the failed document has no rows


def test_repairable_pdf_is_read_with_a_warning(tmp_path):
    """A broken cross-reference table (startxref pointing nowhere) is repaired by the reader: the figures are
    kept and the repair is reported as a warning, not an error."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    good = write_pdf(tmp_path / "good.pdf", county_report(2023)).read_bytes()
    offset = re.search(rb"startxref\s+(\d+)", good)
    raw.mkdir()
    (raw / "broken_xref.pdf").write_bytes(good[: offset.start(1)] + b"17" + good[offset.end(1):])
    write_catalog(raw, [{"doc_id": "broken", "file": "broken_xref.pdf"}])
    result = run(options(raw, out))
    outputs = read_outputs(out)
    assert result.exit_code == 0 and result.failed == 0
    assert 6.5 in set(outputs["figures"]["value"])
    warnings = outputs["errors"]
    assert warnings[["doc_id", "severity"]].values.tolist() == [["broken", "warning"]]
    assert "repair" in warnings["error"].iloc[0]


def _outputs_equal(a, b):
    left, right = read_outputs(a), read_outputs(b)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name])


def test_sigkill_mid_run_then_rerun_gives_identical_outputs(tmp_path):
    raw = tmp_path / "raw"
    small_corpus(raw, years=tuple(range(2012, 2024)))
    reference = tmp_path / "reference"
    assert run(options(raw, reference)).exit_code == 0

    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out),
                             "-j", "1", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((out / ".cache").rglob("*.cache")):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    cached = len(list((out / ".cache").rglob("*.cache")))
    assert 0 < cached < 12, "the kill must land mid-run"
    assert not (out / "figures.parquet").exists()

    rerun = run(options(raw, out))
    assert rerun.exit_code == 0 and rerun.cached >= cached
    _outputs_equal(reference, out)
    leftovers = [p for p in out.rglob("*") if ".tmp-" in p.name]
    assert not leftovers


def test_second_concurrent_run_refuses_with_a_clear_message(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2023,))
    with OutputLock(out):
        proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "--quiet")
    assert proc.returncode == 2
    assert "another reviewfigs run" in proc.stderr and str(out) in proc.stderr
    assert not (out / "figures.csv").exists()


def test_wait_flag_waits_for_the_first_run(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2023,))
    lock = OutputLock(out)
    lock.__enter__()
    proc = subprocess.Popen([sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out),
                             "--quiet", "--wait"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    released = threading.Event()

    def release_when_blocked():
        time.sleep(1.0)
        assert proc.poll() is None  # still waiting for the lock
        lock.__exit__(None, None, None)
        released.set()

    thread = threading.Thread(target=release_when_blocked)
    thread.start()
    stdout, stderr = proc.communicate(timeout=120)
    thread.join()
    assert released.is_set() and proc.returncode == 0, stderr
    assert (out / "metrics.csv").exists()


def test_two_runs_started_together_never_interleave(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2021, 2022, 2023))
    command = [sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out), "--quiet"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2])
    for code, stderr in results:
        if code == 2:
            assert "another reviewfigs run" in stderr
    reference = tmp_path / "reference"
    run(options(raw, reference))
    _outputs_equal(reference, out)
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]
    assert os.path.exists(out / "errors.csv")


def test_unwritable_out_is_one_line_and_exit_2(tmp_path):
    raw = tmp_path / "raw"
    small_corpus(raw, years=(2023,))
    (tmp_path / "a_file").write_text("not a folder", encoding="utf-8")
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(tmp_path / "a_file" / "out"), "--quiet")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"reviewfigs run: cannot write to {tmp_path / 'a_file' / 'out'}: "
                                                "Not a directory"]
