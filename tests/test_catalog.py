"""Catalog validation: every bad row reported at once, by row number, before anything is written."""

from __future__ import annotations

import os

import pytest
from test_run import CATALOG_HEADER, reviewfigs, write_pdf

from extract.corpus.catalog import CatalogError, load_catalog


def test_shared_corpus_catalog_validates(corpus):
    entries = load_catalog(corpus / "catalog.csv")
    assert len(entries) == len((corpus / "catalog.csv").read_text(encoding="utf-8").splitlines()) - 1
    nation = [e for e in entries if e.region == "中华人民共和国"]
    assert nation and {e.admin_level for e in nation} == {"nation"}
    assert all(e.path.is_file() and e.path.is_relative_to(corpus.resolve()) for e in entries)


def _bad_catalog(tmp_path):
    raw = tmp_path / "raw"
    write_pdf(raw / "ok.pdf", [["2023年全市生产总值增长6.5%。"]])
    outside = tmp_path / "elsewhere.pdf"
    write_pdf(outside, [["2023年全市生产总值增长6.5%。"]])
    os.symlink(outside, raw / "link.pdf")
    rows = [
        "good,ok.pdf,永康市,county,330784,2024,2023,gov-report,,",          # row 2: fine
        "missing,nothere.pdf,永康市,county,330784,2024,2023,gov-report,,",   # row 3
        "good,ok.pdf,永康市,county,330784,2024,2023,gov-report,,",          # row 4: duplicate id
        "unknown,ok.pdf,不存在县,county,,2024,2023,gov-report,,",            # row 5
        "badyear,ok.pdf,永康市,county,330784,20x4,2023,gov-report,,",        # row 6
        "baddoctype,ok.pdf,永康市,county,330784,2024,2023,memo,,",           # row 7
        "badlevel,ok.pdf,永康市,city,330784,2024,2023,gov-report,,",         # row 8
        "../evil,ok.pdf,永康市,county,330784,2024,2023,gov-report,,",        # row 9
        "escape,../elsewhere.pdf,永康市,county,330784,2024,2023,gov-report,,",  # row 10
        f"absolute,{outside},永康市,county,330784,2024,2023,gov-report,,",   # row 11
        "link,link.pdf,永康市,county,330784,2024,2023,gov-report,,",         # row 12
        "ambiguous,ok.pdf,朝阳区,county,,2024,2023,gov-report,,",            # row 13
        "badcovers,ok.pdf,永康市,county,330784,2024,2023-2019,gov-report,,",  # row 14
    ]
    (raw / "catalog.csv").write_text(CATALOG_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return raw


EXPECTED = {
    3: "missing file", 4: "duplicate doc_id", 5: "unknown region", 6: "bad year", 7: "bad doctype",
    8: "bad admin_level", 9: "bad doc_id", 10: "escapes the catalog folder", 11: "absolute path",
    12: "link pointing outside", 13: "ambiguous region", 14: "bad year in covers",
}


def test_every_bad_row_is_reported_by_row_number(tmp_path):
    raw = _bad_catalog(tmp_path)
    with pytest.raises(CatalogError) as err:
        load_catalog(raw / "catalog.csv")
    problems = err.value.problems
    for row, reason in EXPECTED.items():
        assert any(p.startswith(f"row {row}:") and reason in p for p in problems), (row, reason, problems)
    assert not any(p.startswith("row 2:") for p in problems)
    assert all("\n" not in p for p in problems)


def test_cli_exits_2_and_leaves_processed_untouched(tmp_path):
    raw = _bad_catalog(tmp_path)
    out = tmp_path / "processed"
    out.mkdir()
    (out / "figures.csv").write_text("previous run\n", encoding="utf-8")
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "--quiet")
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if "catalog.csv: row" in line]
    assert {int(line.split("row ")[1].split(":")[0]) for line in lines} >= set(EXPECTED)
    assert sorted(p.name for p in out.iterdir()) == ["figures.csv"]
    assert (out / "figures.csv").read_text(encoding="utf-8") == "previous run\n"


def test_allow_outside_accepts_outside_paths_and_says_so(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_pdf(tmp_path / "elsewhere.pdf", [["2023年全市生产总值增长6.5%。"]])
    outside = write_pdf(tmp_path / "other" / "b.pdf", [["2022年全市生产总值增长6%。"]])
    rows = ["escape,../elsewhere.pdf,永康市,county,330784,2024,2023,gov-report,,",
            f"absolute,{outside},永康,,,2024,2023,gov-report,,"]
    (raw / "catalog.csv").write_text(CATALOG_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert [e.outside for e in load_catalog(raw / "catalog.csv", allow_outside=True)] == [True, True]
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet", "--allow-outside")
    assert proc.returncode == 0, proc.stderr
    assert "--allow-outside: 2 document(s)" in proc.stdout


def test_blank_adcode_and_level_are_filled_from_the_region(tmp_path):
    raw = tmp_path / "raw"
    write_pdf(raw / "ok.pdf", [["2023年全市生产总值增长6.5%。"]])
    (raw / "catalog.csv").write_text(CATALOG_HEADER + "d1,ok.pdf,永康,,,2024,2017–2021,npc-review,,\n",
                                     encoding="utf-8")
    (entry,) = load_catalog(raw / "catalog.csv")
    assert (entry.region, entry.adcode, entry.admin_level, entry.covers) == ("永康市", "330784", "county", "2017-2021")


def test_unreadable_catalog_is_one_clear_line(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "catalog.csv").write_bytes("doc_id,file\n".encode("utf-16"))
    with pytest.raises(CatalogError) as err:
        load_catalog(raw / "catalog.csv")
    assert err.value.problems == ["catalog is not UTF-8 text (save it as CSV UTF-8)"]
    (raw / "catalog.csv").write_text("doc_id,file\nx,y.pdf\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="problem") as err:
        load_catalog(raw / "catalog.csv")
    assert "lacks column(s) region, published, doctype" in err.value.problems[0]


def test_rows_are_numbered_as_in_a_spreadsheet_and_quoted_cells_are_kept(tmp_path):
    raw = tmp_path / "raw"
    write_pdf(raw / "ok.pdf", [["2023年全市生产总值增长6.5%。"]])
    rows = [
        'good,ok.pdf,永康市,county,330784,2024,2023,gov-report,,"a note, with a comma"',  # row 2
        "",                                                                                  # row 3: blank
        "late,ok2.pdf,永康市,county,330784,2024,2023,gov-report,,",                          # row 4: missing file
        "wide,ok.pdf,永康市,county,330784,2024,2023,gov-report,,,extra",                     # row 5: 11 cells
    ]
    (raw / "catalog.csv").write_text("\ufeff" + CATALOG_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(raw / "catalog.csv")
    problems = err.value.problems
    assert [p.split(":")[0] for p in problems] == ["row 4", "row 5"], problems
    assert "11 cells but the header has 10" in problems[1]
    (raw / "catalog.csv").write_text("\ufeff" + CATALOG_HEADER + rows[0] + "\n", encoding="utf-8")
    (entry,) = load_catalog(raw / "catalog.csv")
    assert entry.extra["notes"] == "a note, with a comma" and entry.row == 2
