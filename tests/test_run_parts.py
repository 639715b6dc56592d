"""`reviewfigs run` writes figures.csv a part at a time and keeps each document's figures in the cache, not in the
parent: the tables are those of one frame of every figure, whatever the parts, with corrections and a document
whose figure breaks the schema; a cache entry lost during the run stops it instead of losing figures."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_corrections import row, write_corrections
from test_run import options

from extract import config
from extract.corpus import run as runmod
from extract.corpus.cache import Cache
from extract.corpus.run import CacheEntryLost, _Figures, run
from extract.corpus.workers import Outcome

CSVS = ("figures.csv", "metrics.csv", "targets.csv", "checks.csv", "errors.csv", "documents.csv")


def broken_on_sloppy(path, meta=None, max_pages=None):
    """The real extractor (with its checks), except that a file named sloppy*.pdf gets a figure the schema forbids."""
    from extract.corpus.checks import extract_checked

    extraction = extract_checked(path, meta=meta, max_pages=max_pages)
    if Path(path).name.startswith("sloppy"):
        extraction.figures[-1].stance = "maybe"
    return extraction


def demo_corpus(raw: Path) -> list[dict]:
    """The bundled demo PDFs (raw/), the third one renamed sloppy*.pdf; returns the catalog rows."""
    with open(config.RAW_DIR / "catalog.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    raw.mkdir(parents=True)
    for k, entry in enumerate(rows):
        name = f"sloppy-{entry['file']}" if k == 2 else entry["file"]
        shutil.copy(config.RAW_DIR / entry["file"], raw / name)
        entry["file"] = name
    with open(raw / "catalog.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_figures_written_a_part_at_a_time_make_the_tables_of_one_frame(tmp_path, monkeypatch):
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    rows = demo_corpus(raw)
    first = run(options(raw, tmp_path / "first", cache=cache), extractor=broken_on_sloppy)
    figures = pd.read_parquet(tmp_path / "first" / "figures.parquet")
    docs = list(dict.fromkeys(figures["doc_id"]))
    assert first.failed == 1 and rows[2]["doc_id"] not in docs and len(docs) >= 4
    one = figures[figures["doc_id"] == docs[0]].iloc[0]
    two = figures[figures["doc_id"] == docs[3]].iloc[0]
    write_corrections(raw, [
        row("drop", docs[3], two["page"], two["text"]),
        row("fix", docs[0], one["page"], one["text"], value=one["value"] + 1, reason="revised"),
        row("add", docs[1], 1, "一百项", value=100, unit="项", metric="npc_resolutions", stance="actual", year=2020),
        row("fix", docs[2], 1, "no such figure", value=1),           # stale
        row("drop", "not-catalogued", 1, "6.5%"),                      # stale: no such document
        row("fix", rows[2]["doc_id"], 1, "no such figure", value=1),  # stale, of the failed document
    ])
    monkeypatch.setattr(runmod, "FIGURE_PART_ROWS", 10 ** 9)
    whole = run(options(raw, tmp_path / "whole", cache=cache), extractor=broken_on_sloppy)
    monkeypatch.setattr(runmod, "FIGURE_PART_ROWS", 1)  # every document a part of its own
    parts = run(options(raw, tmp_path / "parts", cache=cache), extractor=broken_on_sloppy)
    assert whole.read == parts.read == 0  # both from the cache: the same figures in
    for name in CSVS:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "parts" / name).read_bytes(), name
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "whole" / "figures.parquet"),
                                  pd.read_parquet(tmp_path / "parts" / "figures.parquet"))
    # and the corrections and the failed document did what they say
    errors = pd.read_csv(tmp_path / "parts" / "errors.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert errors["stage"].tolist() == ["corrections"] * 3 + ["extract"]
    assert "stance 'maybe'" in errors["error"].iloc[-1] and errors["doc_id"].iloc[-1] == rows[2]["doc_id"]
    out = pd.read_parquet(tmp_path / "parts" / "figures.parquet")
    assert out["corrected"].tolist().count("fix") == 1 and out["corrected"].iloc[-1] == "add"
    assert len(out) == len(figures)  # one dropped, one added
    assert parts.figures == len(out) and parts.classified == int((out["metric"] != "").sum())


def test_the_parent_keeps_a_documents_figures_in_the_cache_and_reads_them_back(tmp_path):
    cache = Cache(tmp_path / "cache")
    held = _Figures(cache)
    figures = [{"doc_id": "d", "text": "5.5%", "value": 5.5}, {"doc_id": "d", "text": "15次", "value": 15.0}]
    outcome = Outcome(ok=True, figures=list(figures))
    held.keep("d", "ab" * 32, outcome)
    assert outcome.figures == [] and held.count("d", outcome) == 2
    assert held.of("d", outcome) == figures
    # figures marshal cannot keep stay where they are
    odd = Outcome(ok=True, figures=[{"value": object()}])
    held.keep("e", "cd" * 32, odd)
    assert len(held.of("e", odd)) == 1
    cache.path("ab" * 32).unlink()
    with pytest.raises(CacheEntryLost, match="cache entry of d .* run again"):
        held.of("d", outcome)


def test_a_row_added_by_hand_that_breaks_the_schema_fails_its_document_before_its_figures_are_written(
        tmp_path, monkeypatch):
    from extract.corpus import corrections

    raw, cache = tmp_path / "raw", tmp_path / "cache"
    rows = demo_corpus(raw)
    target = rows[0]["doc_id"]
    write_corrections(raw, [row("add", target, 1, "一百项", value=100, unit="项")])
    added_row = corrections._added_row
    monkeypatch.setattr(corrections, "_added_row", lambda c, d: {**added_row(c, d), "stance": "maybe"})
    outputs = {}
    for parts in (10 ** 9, 1):
        monkeypatch.setattr(runmod, "FIGURE_PART_ROWS", parts)
        result = run(options(raw, tmp_path / f"out-{parts}", cache=cache), extractor=broken_on_sloppy)
        assert result.exit_code == 1 and result.failed == 2
        outputs[parts] = {name: (tmp_path / f"out-{parts}" / name).read_bytes() for name in CSVS}
    assert outputs[1] == outputs[10 ** 9]
    figures = pd.read_parquet(tmp_path / "out-1" / "figures.parquet")
    assert target not in set(figures["doc_id"]) and rows[1]["doc_id"] in set(figures["doc_id"])
    errors = pd.read_csv(tmp_path / "out-1" / "errors.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    # in the order of the first bad row: the sloppy document's own figure, then the added row
    assert errors["doc_id"].tolist() == [rows[2]["doc_id"], target]
    assert "'一百项'" in errors["error"].iloc[1] and "stance 'maybe'" in errors["error"].iloc[1]
