"""Hostile and broken files, round two: every promise of "Running on untrusted documents" and "When things go
wrong", tried as an attacker and a careless user would.

The hostile corpus is made here, in temp folders, from good PDFs (tests/hostile_corpus.py: flipped
cross-reference offsets, deleted fonts, filter-chain bombs, page-tree cycles, a self-referencing /Length, a
20 MB title, a /Count of 100,000, a 20,000-point page, non-numeric widths, a 310-digit number). Each file goes
through `run`, `extract` and `show` with lowered limits: no traceback, no figure from garbled text, no
non-finite value, each failure one line naming the file, good documents unchanged.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import hostile_corpus as hc
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_run import county_report, options, read_outputs, write_catalog, write_pdf

from extract import cli
from extract.corpus.catalog import CatalogError, load_catalog
from extract.corpus.corrections import COLUMNS, CorrectionsError, load_corrections
from extract.corpus.run import run
from extract.read import garbled

LIMITS = ["--timeout", "60", "--memory-mb", "1200"]
HUGE_NUMBER = "9" * 310


def hostile_cases(base: bytes) -> dict[str, bytes]:
    """name -> bytes of every hostile variant of ``base`` (a reportlab PDF of two pages)."""
    cases = {f"xref{k}": hc.xref_flip(base, k) for k in range(len(hc.objects(base)))}
    cases.update({f"font{k}": hc.delete_font(base, k) for k in range(len(hc.font_objects(base)))})
    cases.update({
        "double-flate": hc.filter_chain_bomb(base, ("FlateDecode", "FlateDecode"), gib=0.25),
        "a85-flate": hc.filter_chain_bomb(base, ("ASCII85Decode", "FlateDecode"), gib=0.25),
        "font-program": hc.font_program_bomb(base),
        "font-program-escaped": hc.font_program_bomb(base, escaped=True),
        "kids-cycle": hc.kids_cycle(base),
        "page-tree": hc.page_becomes_tree(base),
        "self-length": hc.self_length(base),
        "count": hc.page_count(base, 100_000),
        "huge-page": hc.huge_page(base),
        "huge-title": hc.huge_title(base, 20),
        "bad-widths": hc.bad_widths(base),
    })
    return cases


@pytest.fixture(scope="module")
def hostile_raw(tmp_path_factory) -> Path:
    """A catalog of one good report, the hostile variants of it and a report quoting a 310-digit number."""
    raw = tmp_path_factory.mktemp("hostile") / "raw"
    good = write_pdf(raw / "good.pdf", county_report(2023))
    write_pdf(raw / "huge-number.pdf", [[f"2023年全市地区生产总值为{HUGE_NUMBER}亿元，增长{HUGE_NUMBER}%。",
                                         "全年接待群众8900余人次。"]])
    for name, data in hostile_cases(good.read_bytes()).items():
        (raw / f"{name}.pdf").write_bytes(data)
    names = sorted(p.stem for p in raw.glob("*.pdf"))
    write_catalog(raw, [{"doc_id": n, "file": f"{n}.pdf"} for n in names])
    assert max(p.stat().st_size for p in raw.glob("*.pdf") if p.stem != "huge-title") < 400_000
    return raw


def _finite(frame: pd.DataFrame, columns=("value", "low", "high")) -> bool:
    values = pd.concat([pd.to_numeric(frame[c], errors="coerce") for c in columns if c in frame])
    return bool(values.dropna().map(math.isfinite).all())


def _no_garbled_sentences(frame: pd.DataFrame) -> list[str]:
    return [s for s in frame["sentence"].fillna("") if garbled.counts(s).foreign >= garbled.MIN_CHARS]


@pytest.fixture(scope="module")
def hostile_run(hostile_raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    stderr = io.StringIO()
    result = run(options(hostile_raw, out, timeout=60, memory_mb=1200), stderr=stderr)
    return result, read_outputs(out), stderr.getvalue()


def test_run_each_hostile_file_fails_alone_in_one_line(hostile_run, hostile_raw):
    result, outputs, stderr = hostile_run
    assert result.exit_code == 1
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines and all(line.startswith("reviewfigs: ") for line in lines)
    errors = outputs["errors"]
    failed = errors[errors["severity"] == "error"]
    assert not failed["doc_id"].duplicated().any(), "one line per failed document"
    by_doc = failed.set_index("doc_id")["error"]
    for bomb in ("double-flate", "a85-flate", "font-program", "font-program-escaped"):
        assert "MB when unpacked" in by_doc[bomb]
    assert "too many pages: 100000" in by_doc["count"]
    assert by_doc["font1"].startswith("text garbled")
    assert not any("please report" in e or "crashed" in e or "took longer" in e for e in errors["error"])
    # a document is never reported in more lines than it has distinct problems
    assert errors.groupby("doc_id").size().max() <= 3


def test_run_keeps_good_documents_and_no_garbage(hostile_run, hostile_raw, tmp_path):
    result, outputs, _stderr = hostile_run
    figures, metrics = outputs["figures"], outputs["metrics"]
    assert _finite(figures) and _finite(metrics)
    assert not _no_garbled_sentences(figures)
    assert HUGE_NUMBER not in "".join(figures["text"])
    assert "8900余人次" in set(figures.loc[figures["doc_id"] == "huge-number", "text"])
    for doc in ("self-length", "huge-title", "kids-cycle", "bad-widths", "huge-page"):
        assert (figures["doc_id"] == doc).any(), f"{doc} is readable and keeps its figures"
    # the good document alone gives the same rows
    alone = tmp_path / "raw"
    alone.mkdir()
    (alone / "good.pdf").write_bytes((hostile_raw / "good.pdf").read_bytes())
    write_catalog(alone, [{"doc_id": "good", "file": "good.pdf"}])
    assert run(options(alone, tmp_path / "out")).exit_code == 0
    solo = read_outputs(tmp_path / "out")["figures"].reset_index(drop=True)
    mine = figures[figures["doc_id"] == "good"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.drop(columns=["sha256"]), solo.drop(columns=["sha256"]))


def _cli(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_extract_gives_rows_or_one_line_per_problem(hostile_raw, capsys):
    for path in sorted(hostile_raw.glob("*.pdf")):
        code, out, err = _cli(["extract", str(path), *LIMITS], capsys)
        lines = err.splitlines()
        assert "Traceback" not in err, path.name
        assert all(line.startswith(f"reviewfigs: {path}: ") for line in lines), (path.name, lines)
        assert len(lines) <= 3, (path.name, lines)
        if code == 0:
            rows = pd.read_csv(io.StringIO(out))
            assert _finite(rows) and not _no_garbled_sentences(rows), path.name
        else:
            assert code == 1 and out == "" and not lines[-1].split(": ", 2)[2].startswith("warning"), path.name
            assert "please report" not in err and "crashed" not in err, (path.name, lines)


def test_a_claimed_page_count_is_summarised_in_one_line(hostile_raw, capsys):
    code, _out, err = _cli(["extract", str(hostile_raw / "count.pdf"), "--max-pages", "200000", *LIMITS], capsys)
    assert code == 0
    lines = [line for line in err.splitlines() if "cannot be read" in line]
    assert len(lines) == 1 and "99,998 of 100,000 pages" in lines[0]


def test_show_draws_each_file_or_says_why_in_one_line(hostile_raw, tmp_path, capsys):
    # every kind of damage once (of the flipped offsets, one that garbles and one that breaks the page tree)
    for path in sorted(p for p in hostile_raw.glob("*.pdf") if not p.stem.startswith("xref") or p.stem in
                       ("xref2", "xref3")):
        png = tmp_path / f"{path.stem}.png"
        code, out, err = _cli(["show", str(path), "--page", "1", "--out", str(png), "--resolution", "30",
                               "--processed", str(tmp_path / "none"), *LIMITS], capsys)
        assert "Traceback" not in err, path.name
        if code == 0:
            assert png.is_file() and out.startswith(f"{png}: page 1 of {path.name}"), (path.name, out)
        else:
            lines = [line for line in err.splitlines() if not line.startswith(f"reviewfigs: {path}: warning")]
            assert code == 1 and len(lines) == 1 and lines[0].startswith(f"reviewfigs show: {path}: "), lines
            assert "please report" not in lines[0] and "crashed" not in lines[0], lines


def test_show_draws_a_huge_page_at_a_lower_resolution(hostile_raw, tmp_path, capsys):
    png = tmp_path / "huge.png"
    code, out, _err = _cli(["show", str(hostile_raw / "huge-page.pdf"), "--page", "1", "--out", str(png),
                            "--processed", str(tmp_path / "none"), *LIMITS], capsys)
    assert code == 0 and "dpi (the page is too large for 110 dpi)" in out
    from PIL import Image

    from extract.config import SHOW_MAX_PIXELS

    with Image.open(png) as im:
        assert im.width * im.height <= SHOW_MAX_PIXELS


# ---------------------------------------------------------------- mutated copies of the shared corpus


def test_mutated_shared_pdfs_never_report_garbage(corpus, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    beijing = (corpus / "real" / "pdf" / "beijing_2024_gov-report.pdf").read_bytes()
    anhui = (corpus / "pdf" / "anhui_2026_gov-report.official.pdf").read_bytes()
    cases = {f"beijing-font{k}": hc.delete_font(beijing, k) for k in range(len(hc.font_objects(beijing)))}
    cases.update({f"anhui-font{k}": hc.delete_font(anhui, k) for k in (10, 14)})
    cases.update({f"anhui-xref{k}": hc.xref_flip(anhui, k) for k in (65, 188)})
    cases.update({"beijing-bomb": hc.filter_chain_bomb(beijing, gib=0.25), "beijing-tree": hc.page_becomes_tree(beijing),
                  "beijing-length": hc.self_length(beijing), "beijing-kids": hc.kids_cycle(beijing)})
    for name, data in cases.items():
        (raw / f"{name}.pdf").write_bytes(data)
    write_catalog(raw, [{"doc_id": n, "file": f"{n}.pdf"} for n in sorted(cases)])
    stderr = io.StringIO()
    result = run(options(raw, tmp_path / "out", timeout=120, memory_mb=1200), stderr=stderr)
    outputs = read_outputs(tmp_path / "out")
    assert "Traceback" not in stderr.getvalue()
    assert all(line.startswith("reviewfigs: ") for line in stderr.getvalue().splitlines())
    assert _finite(outputs["figures"]) and _finite(outputs["metrics"])
    assert not _no_garbled_sentences(outputs["figures"])
    errors = outputs["errors"]
    assert not any("please report" in e or "crashed" in e or "took longer" in e for e in errors["error"])
    assert "MB when unpacked" in errors.set_index("doc_id").loc["beijing-bomb", "error"]
    warned = errors[errors["error"].str.contains("garbled text on")]
    for row in warned.itertuples():  # no figure from the pages named
        pages = {int(p) for p in row.error.split("(pages ")[1].split(":")[0].replace(", ...", "").split(", ")}
        mine = outputs["figures"][outputs["figures"]["doc_id"] == row.doc_id]
        assert not set(mine["page"].dropna().astype(int)) & pages
    assert result.figures > 0


def test_show_draws_every_shared_raw_and_real_pdf(corpus, tmp_path):
    from extract.charts.show import draw_page

    files = sorted((corpus / "raw").glob("*.pdf")) + sorted((corpus / "real" / "pdf").glob("*.pdf"))
    assert files
    empty = pd.DataFrame(columns=["page", "x0", "top", "x1", "bottom", "metric"])
    for path in files:
        drawn = draw_page(path, empty, 1, tmp_path / f"{path.stem}.png", resolution=30)
        assert drawn.boxed == 0 and (tmp_path / f"{path.stem}.png").stat().st_size > 0


# ---------------------------------------------------------------- hand-written tables, fuzzed

HOSTILE_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["inf", "-Infinity", "nan", "1e400", "1_000", "9" * 400, "-0", "1,000.5", "3.5e8", "0x10",
                     "\x00", "a\x00b", "\x1b[31m", "\u202e", "=cmd|' /C calc'!A0", "2021", "1", "", " ", "fix",
                     "drop", "add", "gdp", "gdp_growth", "actual", "target", "exact", "range", "2017-2021"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(HOSTILE_CELLS, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1, max_size=4))
def test_fuzzed_corrections_are_rows_or_row_errors(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corrections.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        try:
            corrections = load_corrections(path)
        except CorrectionsError as err:
            assert err.lines() and all(line.startswith(f"{path}: ") and "\n" not in line for line in err.lines())
            return
    for correction in corrections:
        numbers = [correction.changes[k] for k in ("value", "low", "high") if k in correction.changes]
        assert all(math.isfinite(v) and abs(v) <= 1e18 for v in numbers)
        low, high = correction.changes.get("low"), correction.changes.get("high")
        assert low is None or high is None or low <= high


CATALOG_COLUMNS = ["doc_id", "file", "region", "admin_level", "adcode", "published", "covers", "doctype", "source"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(HOSTILE_CELLS, st.sampled_from(["a.pdf", "../a.pdf", "/etc/passwd", "x" * 300,
                                                                    "永康市", "330784", "county", "gov-report"])),
                         min_size=len(CATALOG_COLUMNS), max_size=len(CATALOG_COLUMNS)), min_size=1, max_size=4))
def test_fuzzed_catalogs_are_entries_or_row_errors(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.csv"
        (Path(folder) / "a.pdf").write_bytes(b"%PDF-1.4\n")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CATALOG_COLUMNS)
            writer.writerows(rows)
        try:
            entries = load_catalog(path)
        except CatalogError as err:
            assert err.lines() and all(line.startswith(f"{path}: ") and "\n" not in line for line in err.lines())
            return
        assert all(e.path.is_file() and e.path.is_relative_to(Path(folder).resolve()) for e in entries)


def test_a_nul_in_a_catalog_cell_is_a_row_error_and_exit_2(tmp_path):
    raw = tmp_path / "raw"
    write_pdf(raw / "a.pdf", county_report(2023))
    write_catalog(raw, [{"doc_id": "a", "file": "a\x00.pdf"}])
    stderr = io.StringIO()
    result = run(options(raw, tmp_path / "out"), stderr=stderr)
    assert result.exit_code == 2
    assert "row 2: column file holds a control character (U+0000)" in stderr.getvalue()
    assert "Traceback" not in stderr.getvalue()


def test_a_header_naming_a_column_twice_is_one_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "catalog.csv").write_text("doc_id,file,region,published,doctype,doc_id\na,a.pdf,永康市,2024,other,b\n",
                                     encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(raw / "catalog.csv")
    assert caught.value.problems == ["catalog is not usable: the header names column 'doc_id' twice (columns 1 and 6);"
                                     " rename or delete one"]


def test_corrections_refuse_what_a_careless_hand_types(tmp_path):
    path = tmp_path / "corrections.csv"
    rows = ["fix,x,1,5%,inf,,,,r,a", "fix,x,1,6%,1e400,,,,r,a", "fix,x,1,7%,-Infinity,,,,r,a",
            "fix,x,1,8%,,5,3,,r,a", "fix,x,1,9%,,,,gdp_grwth,r,a", "fix,x,2,5%,3,,,,r,a", "fix,x,2,5%,4,,,,r,a",
            "fix,x,3,5%,1_000,,,,r,a", "fix,x,4,5%,3.5e8,,,gdp,r,a"]
    path.write_text("action,doc_id,page,text,value,low,high,metric,reason,author\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    with pytest.raises(CorrectionsError) as caught:
        load_corrections(path)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["row 2", "row 3", "row 4", "row 5", "row 6", "row 8", "row 9"]
    assert "low '5' is above high '3'" in problems[3]
    assert "unknown metric 'gdp_grwth'" in problems[4] and "gdp_growth" in problems[4]
    assert "the same figure as row 7" in problems[5]


def test_a_fix_that_would_unorder_the_bounds_is_not_applied():
    from extract.corpus.corrections import Correction, apply_corrections

    figure = {"doc_id": "d", "page": 1, "text": "5%以上", "value": 5.0, "low": 5.0, "high": None}
    fixed = {"doc_id": "d", "page": 1, "text": "5%", "value": 5.0, "low": 5.0, "high": 5.0}
    out, stale = apply_corrections([figure, fixed], [Correction(2, "fix", "d", 1, "5%", 1, {"low": 9.0}, "r", "a")],
                                   {"d": {}})
    assert out[1]["low"] == 5.0 and "would be above its high" in stale[0][1]


def test_reports_yml_with_aliases_is_refused_at_once(tmp_path):
    from extract.charts.report import ConfigError, load_config

    lol = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
        f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))
    path = tmp_path / "reports.yml"
    path.write_text(lol + "reports: [*i]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="aliases"):
        load_config(path)


# ---------------------------------------------------------------- the bounded decoder


def _lzw(data: bytes) -> bytes:
    """A minimal LZW encoder (9-bit codes, clear code first; enough for a short stream)."""
    table = {bytes([i]): i for i in range(256)}
    codes, word = [256], b""
    for byte in data:
        candidate = word + bytes([byte])
        if candidate in table:
            word = candidate
        else:
            codes.append(table[word])
            table[candidate] = len(table) + 2
            word = bytes([byte])
    codes += [table[word], 257]
    bits = "".join(f"{c:09b}" for c in codes)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))


@pytest.mark.parametrize("filters", [[], ["FlateDecode"], ["FlateDecode", "FlateDecode"], ["ASCII85Decode", "FlateDecode"],
                                     ["ASCIIHexDecode"], ["RunLengthDecode"], ["LZWDecode"], ["AHx", "Fl"]])
def test_every_filter_chain_decodes_through_the_bounded_pipeline(filters):
    import base64
    import zlib

    from extract.read.guard import decoded_pieces

    # (the small LZW encoder above writes 9-bit codes only: a short stream)
    content = b"BT /F1 12 Tf 72 700 Td (figures) Tj ET " * (2 if "LZWDecode" in filters else 50)
    encoders = {"FlateDecode": zlib.compress, "Fl": zlib.compress, "ASCII85Decode": lambda d: base64.a85encode(d) + b"~>",
                "ASCIIHexDecode": lambda d: d.hex().encode() + b">", "AHx": lambda d: d.hex().encode() + b">",
                "RunLengthDecode": lambda d: b"".join(bytes([len(d[i:i + 128]) - 1]) + d[i:i + 128]
                                                      for i in range(0, len(d), 128)) + b"\x80",
                "LZWDecode": _lzw}
    data = content
    for name in reversed(filters):
        data = encoders[name](data)
    assert b"".join(decoded_pieces(data, filters)) == content


_A85_TEXT = st.one_of(
    st.binary(max_size=40).map(lambda b: __import__("base64").a85encode(b)),  # well formed, "z" groups included
    st.text(alphabet="!u5z~<> \t\n\r\x0b\x0cy\x00sQ", max_size=40).map(lambda t: t.encode("latin-1")),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_A85_TEXT, min_size=1, max_size=4).map(b"".join))
def test_the_guards_ascii85_decoder_reads_as_the_standard_library(data):
    """extract.read.guard.a85decode (issue 18: ~3x faster) gives base64.a85decode's bytes, or fails where it
    fails: the guard counts what pdfium will unpack, so its decoder must not read a stream differently."""
    import base64

    from extract.read.guard import a85decode

    try:
        expected = base64.a85decode(data)
    except ValueError:
        with pytest.raises(ValueError):
            a85decode(data)
        return
    assert a85decode(data) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (b"<< /Type /Font /Subtype /TrueType /BaseFont /ABC+Song /Widths [500 500 1000] /FontDescriptor 9 0 R "
     b"/ToUnicode 12 0 R >>", {"FontDescriptor": 9, "ToUnicode": 12}),
    (b"<< /Type /Font /Subtype /Type0 /DescendantFonts [ 7 0 R ] /Encoding /Identity-H >>", {"DescendantFonts": [7]}),
    (b"<< /Type /Font /Subtype /Type0 /DescendantFonts 8 0 R >>", {"DescendantFonts": 8}),
    (b"<< /Type /Font /Subtype /CIDFontType2 /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) >> "
     b"/W [1 [500] 3 10 1000] /FontDescriptor 5 0 R >>", {"FontDescriptor": 5}),
    # doubts: parsed by pdfminer instead
    (b"<< /Subtype /TrueType /FontDescriptor 9 0 R /FontDescriptor 10 0 R >>", None),  # the name twice
    (b"<< /Subtype /TrueType /FontDes#63riptor 9 0 R >>", None),  # a name spelt with an escape
    (b"<< /Subtype /TrueType /BaseFont (x /FontDescriptor 9 0 R) >>", None),  # inside a string
    (b"<< /Subtype /TrueType /BaseFont (x\\) /FontDescriptor 9 0 R) >>", None),  # an escaped parenthesis
    (b"<< /Subtype /TrueType % /FontDescriptor 9 0 R\n/FontDescriptor 10 0 R >>", None),  # a comment
    (b"<< /Subtype /Type3 /CharProcs 4 0 R /Resources 5 0 R >>", None),  # glyphs the guard must walk
    (b"<< /Subtype /Type0 /DescendantFonts [ << /FontDescriptor << /FontFile2 6 0 R >> >> ] >>", None),  # inline
    (b"<< /Subtype /TrueType /FontDescriptor 9 0 R", None),  # not one whole dictionary
])
def test_font_references_are_read_from_bytes_only_without_doubt(raw, expected):
    """The guard reads a font dictionary's references from its bytes (issue 18: pdfminer parsing every /Widths
    and /W was 3% of reading our renderings) only where no reading can give others; else None: parsed."""
    from extract.read.guard import _font_references

    found = _font_references(raw, None)
    if expected is None:
        assert found is None
        return
    objids = {k: [r.objid for r in v] if isinstance(v, list) else v.objid for k, v in found.items()}
    assert objids == expected


@pytest.mark.parametrize("filters", [["FlateDecode", "FlateDecode"], ["ASCII85Decode", "FlateDecode"],
                                     ["RunLengthDecode"]])
def test_a_bomb_behind_any_chain_stops_at_the_limit(filters):
    import base64
    import zlib

    from extract.read.guard import _Unpacked, decoded_pieces

    if filters == ["RunLengthDecode"]:
        data = b"\x81 " * 600_000  # 128 spaces per two bytes: 77 MB
    else:
        data = hc.bomb_content(0.25)
        data = zlib.compress(data) if filters[0] == "FlateDecode" else base64.a85encode(data) + b"~>"
    total = 0
    with pytest.raises(_Unpacked):
        for piece in decoded_pieces(data, filters, limit=64 << 20):
            total += len(piece)
    assert total <= 64 << 20


# ---------------------------------------------------------------- outputs as one set


def _tables(out: Path) -> dict[str, str]:
    return {name: (out / name).read_text(encoding="utf-8") for name in ("a.csv", "b.csv")}


def _publish(out: Path, version: str) -> None:
    from extract.safety import OutputSet

    with OutputSet(out, durable=False) as outputs:
        for name in ("a.csv", "b.csv"):
            outputs.write(name, lambda path, n=name: path.write_text(f"{n} {version}", encoding="utf-8"))


@pytest.mark.parametrize("kill_at", range(5))
def test_a_run_killed_while_publishing_leaves_one_whole_set(tmp_path, monkeypatch, kill_at):
    from extract import safety

    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.csv", "b.csv"):  # tables of an older version: adopted first (the most steps)
        (out / name).write_text(f"{name} v1", encoding="utf-8")
    calls = []

    def killed(path, target, real=safety._replace_with_link):
        if len(calls) == kill_at:
            raise KeyboardInterrupt  # stands for SIGKILL between two renames
        calls.append(path)
        real(path, target)

    monkeypatch.setattr(safety, "_replace_with_link", killed)
    try:
        _publish(out, "v2")
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    seen = _tables(out)
    assert len({v.split()[1] for v in seen.values()}) == 1, f"a mix: {seen}"
    _publish(out, "v3")  # the next run converges
    assert _tables(out) == {"a.csv": "a.csv v3", "b.csv": "b.csv v3"}
    assert len(list((out / ".sets").iterdir())) <= 2


def test_plain_tables_of_an_older_version_become_a_set_without_a_mix(tmp_path):
    from extract.safety import published

    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.csv", "b.csv"):
        (out / name).write_text(f"{name} old", encoding="utf-8")
    _publish(out, "new")
    assert _tables(out) == {"a.csv": "a.csv new", "b.csv": "b.csv new"}
    assert all((out / n).is_symlink() for n in ("a.csv", "b.csv"))
    assert (published(out) / "a.csv").read_text(encoding="utf-8") == "a.csv new"
