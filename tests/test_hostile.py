"""Hostile documents and catalogs: bounded resources, confined writes, CSVs safe to open in Excel.

The hostile PDFs are written byte by byte here (small on disk; nothing committed)."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import pandas as pd
from test_run import county_report, options, read_outputs, reviewfigs, write_catalog, write_pdf

from extract.corpus.run import run
from extract.safety import neutralise_cell, neutralise_frame, valid_doc_id, write_csv_safely

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes, compressed: bytes | None = None) -> bytes:
    body = compressed if compressed is not None else zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"


def one_page_pdf(content_stream: bytes) -> bytes:
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        content_stream,
        HELVETICA,
    ])


def decompression_bomb(gib: float = 1.5) -> bytes:
    """A page whose content stream inflates to ``gib`` GiB of spaces (1.5 MB on disk): the same
    full-flushed deflate segment repeated, with the right Adler-32 so readers do inflate it all."""
    chunk = b" " * (1 << 24)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packer.compress(chunk)
    packer.flush(zlib.Z_FULL_FLUSH)
    segment = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    repeats = int(gib * 64)
    tail = b"BT /F1 12 Tf 72 700 Td (x) Tj ET"
    checksum = 1
    for _ in range(repeats):
        checksum = zlib.adler32(chunk, checksum)
    checksum = zlib.adler32(tail, checksum)
    body = b"\x78\xda" + segment * repeats + packer.compress(tail) + packer.flush() + checksum.to_bytes(4, "big")
    return one_page_pdf(stream(b"", compressed=body))


def many_pages(levels: int = 5, fanout: int = 10) -> bytes:
    """fanout**levels pages (100,000) in ~1 KB: every node of the page tree reuses one child object."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kid = f"{3 + level} 0 R"
        objects.append(f"<< /Type /Pages /Kids [{' '.join([kid] * fanout)}] /Count {fanout ** (levels - level)} >>"
                       .encode())
    page, contents, font = 2 + levels + 1, 2 + levels + 2, 2 + levels + 3
    objects.append(f"<< /Type /Page /Parent {page - 1} 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
                   f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode())
    objects.append(stream(b"BT /F1 12 Tf 72 700 Td (page) Tj ET"))
    objects.append(HELVETICA)
    return raw_pdf(objects)


def tiny_chars(n: int = 10_000_000, per_line: int = 1000) -> bytes:
    """One page showing ``n`` characters at 0.05 pt, all inside the page: lines of ``per_line`` characters
    (28 pt wide), 0.05 pt apart (a few tens of KB on disk)."""
    line = b"(" + b"a" * per_line + b") Tj T* "
    body = b"BT /F1 0.05 Tf 0.05 TL 10 820 Td " + line * (n // per_line) + b"ET"
    return one_page_pdf(stream(body))


def zero_pages() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


# ---------------------------------------------------------------- resources


def test_each_bomb_fails_alone_within_its_limits(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_pdf(raw / "good.pdf", county_report(2023))
    (raw / "bomb.pdf").write_bytes(decompression_bomb())
    (raw / "pages.pdf").write_bytes(many_pages())
    (raw / "chars.pdf").write_bytes(tiny_chars())
    assert max(p.stat().st_size for p in raw.glob("*.pdf")) < 2_000_000
    write_catalog(raw, [{"doc_id": name, "file": f"{name}.pdf"} for name in ("bomb", "good", "pages", "chars")])
    result = run(options(raw, out, timeout=60, memory_mb=600, max_pages=2000))
    assert result.exit_code == 1 and result.failed == 3
    outputs = read_outputs(out)
    errors = outputs["errors"].set_index("doc_id")
    assert sorted(errors.index) == ["bomb", "chars", "pages"]
    assert (errors["severity"] == "error").all()
    assert "100000" in errors.loc["pages", "error"] and "--max-pages" in errors.loc["pages", "error"]
    for doc_id in ("bomb", "chars"):
        message = errors.loc[doc_id, "error"]
        assert any(word in message for word in ("memory", "took longer", "characters", "unpacked")), message
    figures = outputs["figures"]
    assert set(figures["doc_id"]) == {"good"}
    assert 6.5 in set(figures["value"])


def stalling_extractor(path, meta=None, max_pages=None):
    """The real extractor, except that a file named slow*.pdf never finishes (a pathological PDF)."""
    from extract.figures import extract_document

    if Path(path).name.startswith("slow"):
        time.sleep(3600)
    return extract_document(path, meta=meta, max_pages=max_pages)


def greedy_extractor(path, meta=None, max_pages=None):
    """The real extractor, except that a file named greedy*.pdf tries to hold 8 GB."""
    from extract.figures import extract_document

    if Path(path).name.startswith("greedy"):
        hoard = [bytearray(1 << 28) for _ in range(32)]
        return [hoard]
    return extract_document(path, meta=meta, max_pages=max_pages)


def crashing_extractor(path, meta=None, max_pages=None):
    """The real extractor, except that the PDF library "segfaults" on a file named crash*.pdf."""
    import os
    import signal

    from extract.figures import extract_document

    if Path(path).name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return extract_document(path, meta=meta, max_pages=max_pages)


def test_a_crashing_worker_fails_its_document_only(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "good.pdf", county_report(2023))
    write_pdf(raw / "crash.pdf", county_report(2022))
    write_catalog(raw, [{"doc_id": "crash", "file": "crash.pdf"}, {"doc_id": "good", "file": "good.pdf"}])
    result = run(options(raw, out), extractor=crashing_extractor)
    errors = read_outputs(out)["errors"]
    assert result.failed == 1 and result.read == 1
    assert errors[["doc_id", "stage"]].values.tolist() == [["crash", "extract"]]
    assert "crashed (SIGSEGV)" in errors["error"].iloc[0]


def sloppy_extractor(path, meta=None, max_pages=None):
    """The real extractor, except that on a file named sloppy*.pdf it emits a figure the schema forbids."""
    from extract.figures import extract_document

    figures = extract_document(path, meta=meta, max_pages=max_pages)
    if Path(path).name.startswith("sloppy"):
        figures[0].stance = "maybe"
    return figures


def test_an_invalid_figure_fails_its_document_not_the_run(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "good.pdf", county_report(2023))
    write_pdf(raw / "sloppy.pdf", county_report(2022))
    write_catalog(raw, [{"doc_id": "sloppy", "file": "sloppy.pdf"}, {"doc_id": "good", "file": "good.pdf"}])
    result = run(options(raw, out), extractor=sloppy_extractor)
    outputs = read_outputs(out)
    assert result.exit_code == 1 and result.failed == 1
    assert outputs["errors"][["doc_id", "stage"]].values.tolist() == [["sloppy", "extract"]]
    assert "stance 'maybe'" in outputs["errors"]["error"].iloc[0]
    assert set(outputs["figures"]["doc_id"]) == {"good"}


def test_timeout_kills_a_stalled_worker_and_the_run_goes_on(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "good.pdf", county_report(2023))
    write_pdf(raw / "slow.pdf", county_report(2022))
    write_catalog(raw, [{"doc_id": "slow", "file": "slow.pdf"}, {"doc_id": "good", "file": "good.pdf"}])
    result = run(options(raw, out, timeout=3), extractor=stalling_extractor)  # the worker wants an hour
    errors = read_outputs(out)["errors"]
    assert result.failed == 1 and result.read == 1
    assert errors[["doc_id", "stage"]].values.tolist() == [["slow", "limits"]]
    assert "took longer than 3 s" in errors["error"].iloc[0] and "--timeout" in errors["error"].iloc[0]


def test_memory_limit_stops_a_greedy_worker_and_the_run_goes_on(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "good.pdf", county_report(2023))
    write_pdf(raw / "greedy.pdf", county_report(2022))
    write_catalog(raw, [{"doc_id": "greedy", "file": "greedy.pdf"}, {"doc_id": "good", "file": "good.pdf"}])
    result = run(options(raw, out, memory_mb=500), extractor=greedy_extractor)
    errors = read_outputs(out)["errors"]
    assert result.failed == 1 and result.read == 1
    assert errors[["doc_id", "stage"]].values.tolist() == [["greedy", "limits"]]
    assert "more than 500 MB" in errors["error"].iloc[0]


# ---------------------------------------------------------------- CSV injection


def test_formula_like_cells_are_neutralised_in_every_csv(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "inject.pdf", [[
        '=HYPERLINK("http://example.invalid","x")全年受理信访件35件。',
        "@SUM(A1)共开展执法检查12次。",
        "+2023年全市生产总值增长6.5%。",
    ]])
    (raw / "html.pdf").write_text("<html><body>=cmd|' /C calc'!A0</body></html>", encoding="utf-8")  # no article
    write_catalog(raw, [{"doc_id": "inject", "file": "inject.pdf"}, {"doc_id": "-bad-name", "file": "html.pdf"}])
    result = run(options(raw, out))
    assert result.failed == 1
    csv_figures = pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    parquet = pd.read_parquet(out / "figures.parquet")
    starts = parquet["sentence"].str[:1]
    assert starts.isin(["=", "@", "+"]).sum() >= 3
    for original, shown in zip(parquet["sentence"], csv_figures["sentence"], strict=True):
        if original[:1] in ("=", "@", "+"):
            assert shown == "'" + original  # neutralised in the CSV
        else:
            assert shown == original
    assert (parquet["value"].astype(str) == csv_figures["value"]).all() or csv_figures["value"].str.match(r"^-?\d").all()
    metrics = pd.read_csv(out / "metrics.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert not metrics["sentence"].str.match(r"^[=+@\-\t\r]").any()
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert errors["doc_id"].tolist() == ["'-bad-name"]
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert documents["doc_id"].tolist() == ["inject", "'-bad-name"]


def test_neutralise_leaves_numbers_numbers(tmp_path):
    frame = pd.DataFrame({"text": ["=1+1", "-5%", "\tx", "\rx", "ok", "＝全角"], "value": [-1.5, 2.0, None, 3.0, 4.0, 5.0]})
    safe = neutralise_frame(frame)
    assert safe["text"].tolist() == ["'=1+1", "'-5%", "'\tx", "'\rx", "ok", "＝全角"]
    assert safe["value"].equals(frame["value"])
    assert neutralise_cell(-3) == -3
    path = write_csv_safely(frame, tmp_path / "t.csv")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["value"].tolist()[:2] == [-1.5, 2.0]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


# ---------------------------------------------------------------- writes confined to --out


def test_doc_ids_cannot_name_paths():
    for bad in ("../x", "a/b", "..", ".hidden", "a\\b", "a b", "", "x" * 201, "a\x00b"):
        assert not valid_doc_id(bad), bad
    for good in ("yongkang_2021_npc-review.official", "永康_2021", "A-1.b"):
        assert valid_doc_id(good), good


def test_run_writes_only_inside_out(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "work" / "out"
    write_pdf(raw / "a.pdf", county_report(2023))
    write_catalog(raw, [{"doc_id": "a", "file": "a.pdf"}])
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "--quiet", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    changed = {p for p in tmp_path.rglob("*") if before.get(p) != p.stat().st_mtime_ns}
    assert changed and all(p == out.parent or out in p.parents or p == out for p in changed), changed
    assert not any(p.name.startswith(".") and ".tmp-" in p.name for p in out.rglob("*"))


def test_zero_page_pdf_is_one_error(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "zero.pdf").write_bytes(zero_pages())
    write_catalog(raw, [{"doc_id": "zero", "file": "zero.pdf"}])
    result = run(options(raw, out))
    errors = read_outputs(out)["errors"]
    assert result.failed == 1 and len(errors) == 1
    assert "page" in errors["error"].iloc[0] or "damaged" in errors["error"].iloc[0]


def _sizes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in folder.iterdir()}
