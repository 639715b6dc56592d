"""raw/corrections.csv: fix, drop and add survive re-runs; stale corrections are reported, not ignored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_run import options, read_outputs, reviewfigs, small_corpus

from extract import config
from extract.corpus.corrections import COLUMNS, HEADER, CorrectionsError, load_corrections
from extract.corpus.run import run


def write_corrections(raw: Path, rows: list[str]) -> None:
    (raw / "corrections.csv").write_text("# hand corrections\n" + HEADER + "\n" + "\n".join(rows) + "\n",
                                         encoding="utf-8")


def row(action, doc_id, page, text, occurrence="", reason="checked against the PDF", author="tester", **fields):
    cells = {"action": action, "doc_id": doc_id, "page": str(page), "text": text, "occurrence": occurrence,
             "reason": reason, "author": author, **{k: str(v) for k, v in fields.items()}}
    return ",".join(cells.get(c, "") for c in COLUMNS)


def test_committed_corrections_file_is_valid_and_documents_its_header():
    path = config.RAW_DIR / "corrections.csv"
    assert load_corrections(path) == []
    lines = path.read_text(encoding="utf-8").splitlines()
    assert HEADER in lines
    assert any(line.startswith("#") and "fix" in line for line in lines)


def test_fix_drop_and_add_are_applied_and_marked(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2021, 2022))
    run(options(raw, out))
    before = pd.read_parquet(out / "figures.parquet")
    assert ((before["doc_id"] == "yk_2021") & (before["text"] == "8900余人次")).sum() == 1

    write_corrections(raw, [
        row("fix", "yk_2021", 1, "6.5%", value=6.6, reason="bulletin revised it"),
        row("drop", "yk_2022", 1, "8900余人次"),
        row("add", "yk_2022", 2, "三项", value=3, unit="项", metric="npc_resolutions", stance="actual", year=2022),
    ])
    result = run(options(raw, out))
    assert result.exit_code == 0 and result.warned == 0
    figures = read_outputs(out)["figures"]
    fixed = figures[(figures["doc_id"] == "yk_2021") & (figures["text"] == "6.5%")]
    assert fixed["value"].tolist() == [6.6] and fixed["low"].tolist() == [6.6]
    assert fixed["corrected"].tolist() == ["fix"] and "bulletin revised it (tester)" in fixed["correction_reason"].iloc[0]
    assert not ((figures["doc_id"] == "yk_2022") & (figures["text"] == "8900余人次")).any()
    added = figures[figures["corrected"] == "add"]
    assert added[["doc_id", "page", "value", "unit", "metric", "region", "adcode"]].values.tolist() == [
        ["yk_2022", 2, 3.0, "项", "npc_resolutions", "永康市", "330784"]]
    assert len(figures) == len(before)  # one dropped, one added
    metrics = read_outputs(out)["metrics"]
    gdp_2021 = metrics[(metrics["metric"] == "gdp_growth") & (metrics["year"] == "2021") & (metrics["stance"] == "actual")]
    assert gdp_2021[["value", "corrected"]].values.tolist() == [["6.6", "fix"]]

    # Corrections survive a cached re-run unchanged.
    run(options(raw, out))
    pd.testing.assert_frame_equal(read_outputs(out)["figures"], figures)


def test_occurrence_picks_the_nth_figure_with_that_text(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2021,))
    run(options(raw, out))
    figures = read_outputs(out)["figures"]
    page1 = figures[(figures["doc_id"] == "yk_2021") & (figures["page"] == 1)]
    # 6.5% appears once on page 1: occurrence 2 does not exist and is stale.
    assert (page1["text"] == "6.5%").sum() == 1
    write_corrections(raw, [row("drop", "yk_2021", 1, "6.5%", occurrence="2")])
    result = run(options(raw, out))
    errors = read_outputs(out)["errors"]
    assert result.warned == 1 and errors["stage"].tolist() == ["corrections"]
    assert "only 1 such figure" in errors["error"].iloc[0]


def test_stale_corrections_are_reported_and_strict_fails(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2021,))
    write_corrections(raw, [
        row("fix", "yk_2021", 1, "7.7%", value=7.7),            # no such figure
        row("drop", "gone_doc", 1, "6.5%"),                       # no such document
        row("add", "yk_2021", 1, "6.5%", value=6.5, unit="%"),   # the extractor finds it already
    ])
    result = run(options(raw, out))
    assert result.exit_code == 0 and result.warned == 3
    errors = read_outputs(out)["errors"]
    assert errors["severity"].tolist() == ["warning"] * 3
    messages = " | ".join(errors["error"])
    assert "figure no longer found" in messages and "doc_id not in the catalog" in messages
    assert "now finds this figure" in messages
    assert all(m.startswith("correction row ") for m in errors["error"])

    proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "--quiet", "--strict")
    assert proc.returncode == 1
    assert proc.stderr.count("corrections.csv: correction row") == 3


def test_bad_corrections_rows_stop_the_run_before_work(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2021,))
    write_corrections(raw, [
        row("replace", "yk_2021", 1, "6.5%", value=1),
        row("fix", "yk_2021", "x", "6.5%", value="many"),
        row("fix", "yk_2021", 1, "6.5%"),
        row("add", "yk_2021", 1, "3项", value=3, author=""),
        row("fix", "yk_2021", 1, "6.5%", qualifier="roughly", stance="hoped", year=20201),
    ])
    with pytest.raises(CorrectionsError) as err:
        load_corrections(raw / "corrections.csv")
    text = "\n".join(err.value.problems)
    for expected in ["row 3: bad action", "row 4: bad page", "row 4: bad value", "row 5: a fix changes nothing",
                     "row 6: empty author", "row 6: an add needs at least value and unit",
                     "row 7: bad qualifier 'roughly'", "row 7: bad stance 'hoped'", "row 7: bad year '20201'"]:
        assert expected in text
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "--quiet")
    assert proc.returncode == 2 and not out.exists()
