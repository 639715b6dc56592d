"""`reviewfigs run`: the processed tables, the cache, -j, and the acceptance run over the shared corpus.

PDFs are generated with reportlab in tmp dirs (no committed binaries). The helpers here (write_pdf,
write_catalog, counting_extractor, ...) are reused by the other run-side test modules.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from extract.corpus import run as runmod
from extract.corpus import workers as workermod
from extract.corpus.run import RunOptions, run
from extract.model import FIGURE_COLUMNS

CATALOG_HEADER = "doc_id,file,region,admin_level,adcode,published,covers,doctype,source,notes\n"


# ---------------------------------------------------------------- helpers shared by the run-side tests


def write_pdf(path: Path, pages: list[list[str]], encrypt=None) -> Path:
    """A text PDF (reportlab, CID font STSong-Light): one list of lines per page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), encrypt=encrypt, invariant=1)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def county_report(year: int, growth: str = "6.5%", inspections: int = 15) -> list[list[str]]:
    """Two pages of a made-up county review for ``year`` (sentences of the kind the corpus holds)."""
    return [
        [f"{year}年工作回顾", f"{year}年，全市生产总值增长{growth}，一般公共预算收入增长3.2%。",
         f"全年开展执法检查{inspections}次，接待群众8900余人次。"],
        [f"{year + 1}年主要预期目标", f"{year + 1}年全市生产总值预期增长6%左右。"],
    ]


def write_catalog(raw: Path, rows: list[dict]) -> Path:
    """rows: dicts with doc_id, file and optionally region, admin_level, adcode, published, covers, doctype."""
    lines = [CATALOG_HEADER]
    for r in rows:
        cells = [r["doc_id"], r["file"], r.get("region", "永康市"), r.get("admin_level", "county"),
                 r.get("adcode", "330784"), str(r.get("published", 2024)), str(r.get("covers", 2023)),
                 r.get("doctype", "gov-report"), "test", ""]
        lines.append(",".join(cells) + "\n")
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "catalog.csv").write_text("".join(lines), encoding="utf-8")
    return raw / "catalog.csv"


def small_corpus(raw: Path, years=(2021, 2022, 2023)) -> list[str]:
    rows = []
    for year in years:
        name = f"yk_{year}"
        write_pdf(raw / "pdf" / f"{name}.pdf", county_report(year, inspections=year - 2000))
        rows.append({"doc_id": name, "file": f"pdf/{name}.pdf", "published": year + 1, "covers": year})
    write_catalog(raw, rows)
    return [r["doc_id"] for r in rows]


def counting_extractor(path, meta=None, max_pages=None, log: str = ""):
    """The real extractor, logging each call to ``log`` (workers are processes: a file is what they share)."""
    from extract.figures import extract_document

    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"{path}\n")
    return extract_document(path, meta=meta, max_pages=max_pages)


def calls(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def counted(log: Path):
    return functools.partial(counting_extractor, log=str(log))


def options(raw: Path, out: Path, **kw) -> RunOptions:
    kw.setdefault("jobs", 2)
    kw.setdefault("quiet", True)
    return RunOptions(raw=raw, out=out, **kw)


def read_outputs(out: Path) -> dict[str, pd.DataFrame]:
    return {
        "figures": pd.read_parquet(out / "figures.parquet"),
        "figures_csv": pd.read_csv(out / "figures.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"),
        "metrics": pd.read_csv(out / "metrics.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"),
        "errors": pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"),
    }


def reviewfigs(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- tables


def test_run_writes_four_typed_tables(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw)
    result = run(options(raw, out))
    assert result.exit_code == 0, result.summary
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(runmod.OUTPUT_FILES)
    assert (out / "figures.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    figures = pd.read_parquet(out / "figures.parquet")
    assert str(figures["year"].dtype) == "Int64" and str(figures["page"].dtype) == "Int64"
    assert figures["adcode"].map(type).eq(str).all() and set(figures["adcode"]) == {"330784"}
    assert figures["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    # catalog fields joined, gazetteer-normalised
    assert set(figures["region"]) == {"永康市"} and set(figures["admin_level"]) == {"county"}
    inspections = figures[figures["subject"].str.contains("执法检查") & (figures["unit"] == "次")]
    assert inspections[["doc_id", "value"]].values.tolist() == [["yk_2021", 21.0], ["yk_2022", 22.0], ["yk_2023", 23.0]]
    assert result.read == 3 and result.cached == 0 and result.failed == 0
    assert "3 read" in result.summary and "figures:" in result.summary


def test_metrics_one_row_per_key_with_its_source(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw)
    run(options(raw, out))
    metrics = read_outputs(out)["metrics"]
    key = ["region", "adcode", "admin_level", "year", "period", "metric", "stance"]
    assert not metrics.duplicated(key).any()
    growth = metrics[(metrics["metric"] == "gdp_growth") & (metrics["stance"] == "actual")]
    assert sorted(growth["year"]) == ["2021", "2022", "2023"]
    row = growth[growth["year"] == "2022"].iloc[0]
    assert (row["value"], row["unit"], row["doc_id"], row["page"], row["text"]) == ("6.5", "%", "yk_2022", "1", "6.5%")
    assert int(row["n_candidates"]) >= 1


def test_selection_prefers_the_document_about_the_year(tmp_path):
    """A later report restating an earlier year's figure differently loses to the report covering that year."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "a.pdf", county_report(2022, growth="6.5%"))
    # The 2023 report looks back at 2022 with a (revised) figure on its first page.
    write_pdf(raw / "b.pdf", [["2022年，全市生产总值增长6.8%。"], *county_report(2023, growth="5%")])
    write_catalog(raw, [{"doc_id": "later", "file": "b.pdf", "published": 2024, "covers": 2023},
                        {"doc_id": "own", "file": "a.pdf", "published": 2023, "covers": 2022}])
    run(options(raw, out))
    metrics = read_outputs(out)["metrics"]
    row = metrics[(metrics["metric"] == "gdp_growth") & (metrics["year"] == "2022") & (metrics["stance"] == "actual")]
    assert len(row) == 1
    assert (row.iloc[0]["doc_id"], row.iloc[0]["value"]) == ("own", "6.5")
    assert row.iloc[0]["n_candidates"] == "2" and row.iloc[0]["n_values"] == "2"


def test_selection_prefers_the_bulletin_for_results_and_the_report_for_targets(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_pdf(raw / "report.pdf", [["2023年，全市生产总值增长6.5%。", "2024年全市生产总值预期增长6%左右。"]])
    write_pdf(raw / "bulletin.pdf", [["统计公报"], ["2023年，全市生产总值增长6.6%。", "2024年全市生产总值预期增长7%左右。"]])
    write_catalog(raw, [{"doc_id": "report", "file": "report.pdf", "doctype": "gov-report"},
                        {"doc_id": "bulletin", "file": "bulletin.pdf", "doctype": "stats-bulletin"}])
    run(options(raw, out))
    metrics = read_outputs(out)["metrics"]
    growth = metrics[metrics["metric"] == "gdp_growth"].set_index("stance")
    assert growth.loc["actual", ["doc_id", "value", "page"]].tolist() == ["bulletin", "6.6", "2"]
    assert growth.loc["target", ["doc_id", "value"]].tolist() == ["report", "6.0"]


# ---------------------------------------------------------------- cache


def test_second_run_reads_no_pdf_and_a_changed_file_is_reread(tmp_path):
    raw, out, log = tmp_path / "raw", tmp_path / "out", tmp_path / "calls.log"
    small_corpus(raw)
    first = run(options(raw, out), extractor=counted(log))
    assert len(calls(log)) == 3 and first.read == 3
    before = read_outputs(out)

    second = run(options(raw, out), extractor=counted(log))
    assert len(calls(log)) == 3, "an unchanged corpus must not be re-read"
    assert second.cached == 3 and second.read == 0
    after = read_outputs(out)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])

    write_pdf(raw / "pdf" / "yk_2022.pdf", county_report(2022, inspections=99))
    third = run(options(raw, out), extractor=counted(log))
    assert calls(log)[3:] == [str(raw / "pdf" / "yk_2022.pdf")]
    assert third.read == 1 and third.cached == 2
    figures = pd.read_parquet(out / "figures.parquet")
    assert 99.0 in set(figures.loc[figures["doc_id"] == "yk_2022", "value"])


def test_a_run_with_unchanged_inputs_keeps_the_published_set_and_any_change_rebuilds_it(tmp_path):
    from extract.safety import published

    raw, out, log = tmp_path / "raw", tmp_path / "out", tmp_path / "calls.log"
    small_corpus(raw)
    first = run(options(raw, out), extractor=counted(log))
    first_set, before = published(out), read_outputs(out)
    second = run(options(raw, out), extractor=counted(log))
    assert published(out) == first_set and "outputs unchanged" in second.summary
    assert (second.cached, second.read, second.figures, second.metrics) == (3, 0, first.figures, first.metrics)
    # a published table edited by hand is not trusted: the set is rebuilt from the cache
    (first_set / "metrics.csv").write_text("edited by hand\n", encoding="utf-8")
    third = run(options(raw, out), extractor=counted(log))
    assert published(out) != first_set and "outputs unchanged" not in third.summary
    for name, frame in read_outputs(out).items():
        pd.testing.assert_frame_equal(frame, before[name])
    # so is a changed input that reads no document: corrections.csv
    kept = published(out)
    (raw / "corrections.csv").write_text("# nothing to correct yet\naction,doc_id,page,locator,text,occurrence,value,"
                                         "low,high,unit,qualifier,metric,stance,year,period,subject,sentence,reason,"
                                         "author\n", encoding="utf-8")
    fourth = run(options(raw, out), extractor=counted(log))
    assert published(out) != kept and fourth.exit_code == 0 and len(calls(log)) == 3


def test_corrupt_cache_entry_is_rebuilt_not_trusted(tmp_path):
    raw, out, log = tmp_path / "raw", tmp_path / "out", tmp_path / "calls.log"
    small_corpus(raw, years=(2021, 2022))
    run(options(raw, out), extractor=counted(log))
    expected = read_outputs(out)
    entries = sorted((out / ".cache").rglob("*.cache"))
    assert len(entries) == 2
    # Tamper with a figure's text inside the body but keep it well-formed data: only the checksum can tell.
    data = entries[0].read_bytes()
    assert b"6.5" in data
    entries[0].write_bytes(data.replace(b"6.5", b"9.5"))
    entries[1].write_bytes(b"\x00garbage")
    result = run(options(raw, out), extractor=counted(log))
    assert result.corrupt_cache == 2 and result.read == 2
    assert "corrupt cache" in result.summary
    for name, frame in read_outputs(out).items():
        pd.testing.assert_frame_equal(frame, expected[name])


def test_one_and_two_jobs_give_identical_outputs(tmp_path):
    raw = tmp_path / "raw"
    small_corpus(raw)
    first, second = run(options(raw, tmp_path / "j1", jobs=1)), run(options(raw, tmp_path / "j2", jobs=2))
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert first.read == second.read >= 2 and first.figures == second.figures > 0
    one, two = read_outputs(tmp_path / "j1"), read_outputs(tmp_path / "j2")
    assert len(one["figures"]) > 0 and len(one["metrics"]) > 0
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name])


def test_cli_run_quiet_when_not_a_terminal(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    small_corpus(raw, years=(2021,))
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(out), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert "extracting" not in proc.stderr  # no progress bar in logs
    assert "1 documents catalogued: 1 read" in proc.stdout
    written = sorted(p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p.is_file())
    assert set(written) <= {"raw", "out"}


# ---------------------------------------------------------------- acceptance: the shared corpus


@pytest.fixture(scope="module")
def corpus_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus-run")
    proc = reviewfigs("run", "--raw", str(corpus), "--out", str(out), "--quiet")
    return corpus, out, proc


def test_corpus_run_writes_the_four_files(corpus_run):
    corpus, out, proc = corpus_run
    assert proc.returncode == 0, proc.stderr
    for name in runmod.OUTPUT_FILES:
        assert (out / name).stat().st_size > 0
    errors = read_outputs(out)["errors"]
    assert errors.empty, errors.to_string()
    catalog = pd.read_csv(corpus / "catalog.csv", dtype=str)
    figures = pd.read_parquet(out / "figures.parquet")
    assert set(figures["doc_id"]) == set(catalog["doc_id"])


@pytest.mark.parametrize("doc_id", ["yongkang_2021_npc-review.official", "zhejiang_2026_gov-report.newspaper",
                                    "china_2018_gov-report"])
def test_extract_and_run_give_the_same_rows(corpus_run, doc_id):
    """`reviewfigs extract FILE` and `reviewfigs run` describe a document the same way (one path from the catalog
    row to its DocMeta): the same figures, row for row, region, adcode and admin_level included (not `file`,
    which each command names as its user gave it)."""
    corpus, out, _proc = corpus_run
    catalog = pd.read_csv(corpus / "catalog.csv", dtype=str)
    file = catalog.loc[catalog["doc_id"] == doc_id, "file"].iloc[0]
    proc = reviewfigs("extract", str(corpus / file), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    extracted = pd.DataFrame(json.loads(proc.stdout))
    ran = pd.read_parquet(out / "figures.parquet")
    ran = ran[ran["doc_id"] == doc_id].reset_index(drop=True)
    columns = [c for c in FIGURE_COLUMNS if c != "file"]
    assert len(extracted) == len(ran) > 20
    assert ran.loc[0, "adcode"] and ran.loc[0, "admin_level"]
    for column in columns:
        left = extracted[column].astype(object).where(extracted[column].notna(), None).tolist()
        right = ran[column].astype(object).where(ran[column].notna(), None).tolist()
        assert left == right, column


def test_corpus_metrics_hold_every_key_fact(corpus_run):
    corpus, out, _proc = corpus_run
    catalog = pd.read_csv(corpus / "catalog.csv", dtype=str)
    region_of = {d.split(".")[0]: r for d, r in zip(catalog["doc_id"], catalog["region"], strict=True)}
    metrics = pd.read_csv(out / "metrics.csv", dtype={"adcode": str}, encoding="utf-8-sig")
    facts = pd.read_csv(corpus / "gold" / "key_facts.csv")
    missing = []
    for fact in facts.itertuples():
        rows = metrics[(metrics["region"] == region_of[fact.doc]) & (metrics["year"] == fact.year)
                       & (metrics["metric"] == fact.metric) & (metrics["stance"] == fact.stance)]
        if not ((rows["value"] - fact.value).abs() <= 1e-9 * max(1.0, abs(fact.value))).any():
            found = rows[["value", "doc_id", "text"]].values.tolist()
            missing.append(f"{fact.doc} {fact.metric} {fact.stance} {fact.year} {fact.surface}: metrics has {found}")
    assert not missing, f"{len(missing)} of {len(facts)} key facts missing:\n" + "\n".join(missing)


def test_shared_catalog_copy_outside_raw_is_refused(corpus, tmp_path):
    """The corpus catalog is valid where it lives, but a copy elsewhere points outside its folder."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (corpus / "catalog.csv").read_text(encoding="utf-8").replace("pdf/", f"{os.path.relpath(corpus, raw)}/pdf/")
    (raw / "catalog.csv").write_text(text, encoding="utf-8")
    proc = reviewfigs("run", "--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2
    assert proc.stderr.count("escapes the catalog folder") == 14
    assert not (tmp_path / "out").exists()
    shutil.rmtree(raw)


def test_the_cache_key_follows_the_code_that_makes_figures(tmp_path):
    """The fingerprint comes from the import closure of extract.figures, not from a list of names: a module
    added under read/ (readers are dispatched by name) and a taxonomy edit change it; corpus and chart code
    do not."""
    from extract import config
    from extract.fingerprint import code_files, code_fingerprint

    package = tmp_path / "extract"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    original = code_fingerprint("extract.figures", package)
    names = {p.relative_to(package).as_posix() for p in code_files("extract.figures", package)}
    assert {"figures.py", "model.py", "normalize.py", "read/pdf.py", "read/layout.py", "grammar/quantity.py",
            "grammar/labels.py", "grammar/taxonomy.yaml"} <= names
    assert not any(n.startswith(("corpus/", "charts/")) or n == "cli.py" for n in names), names

    for edited in ("charts/plots.py", "corpus/run.py", "corpus/tables.py", "cli.py"):
        with open(package / edited, "a", encoding="utf-8") as fh:
            fh.write("\n# an edit that cannot change what a document yields\n")
    assert code_fingerprint("extract.figures", package) == original

    (package / "read" / "html.py").write_text('"""A new reader."""\n', encoding="utf-8")
    with_reader = code_fingerprint("extract.figures", package)
    assert with_reader != original
    with open(package / "grammar" / "taxonomy.yaml", "a", encoding="utf-8") as fh:
        fh.write("# changed\n")
    assert code_fingerprint("extract.figures", package) != with_reader


def test_the_report_key_follows_the_chart_code(tmp_path):
    from extract import config
    from extract.fingerprint import code_fingerprint

    package = tmp_path / "extract"
    shutil.copytree(config.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    original = code_fingerprint("extract.charts", package, widen=False)
    with open(package / "corpus" / "run.py", "a", encoding="utf-8") as fh:
        fh.write("\n# not chart code\n")
    assert code_fingerprint("extract.charts", package, widen=False) == original
    with open(package / "charts" / "plots.py", "a", encoding="utf-8") as fh:
        fh.write("\n# chart code\n")
    assert code_fingerprint("extract.charts", package, widen=False) != original


# ---------------------------------------------------------------- -j N: at most N workers at a time


def sleeping_extractor(path, meta=None, max_pages=None, log: str = ""):
    """Stands in for extraction: what is tested is when workers run, logged as 'start end' (wall clock)."""
    start = time.time()
    time.sleep(0.6)  # long beside forking a worker, also on a loaded machine
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"{start} {time.time()}\n")
    return []


def _overlapping(span: tuple[float, float], others: list[tuple[float, float]]) -> int:
    return sum(start < span[1] and span[0] < end for start, end in others)


@pytest.mark.parametrize("jobs", [1, 2])
def test_jobs_bound_the_workers_running_at_once(tmp_path, jobs):
    from extract.model import DocMeta

    log = tmp_path / f"workers-{jobs}.log"
    tasks = [workermod.Task(str(tmp_path / f"{i}.pdf"), DocMeta(doc_id=str(i)), f"key{i}") for i in range(4)]
    extractor = functools.partial(sleeping_extractor, log=str(log))
    outcomes = list(workermod.run_local(tasks, extractor, workermod.Limits(), jobs))
    assert sorted(key for key, _ in outcomes) == sorted(t.cache_key for t in tasks)
    assert all(outcome.ok for _, outcome in outcomes)
    workers = [tuple(map(float, line.split())) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(workers) == 4
    assert max(_overlapping(w, workers) for w in workers) == jobs  # never more, and all of them used


def _stderr_on_a_terminal(args: list[str]) -> str:
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "extract", *args], stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # EIO: the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_unless_quiet(tmp_path):
    raw = tmp_path / "raw"
    small_corpus(raw, years=(2022, 2023))
    shown = _stderr_on_a_terminal(["run", "--raw", str(raw), "--out", str(tmp_path / "a")])
    assert "extracting" in shown and "2/2" in shown
    hidden = _stderr_on_a_terminal(["run", "--raw", str(raw), "--out", str(tmp_path / "b"), "--quiet"])
    assert "extracting" not in hidden
