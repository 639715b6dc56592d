"""extract.corpus.gold: scoring against the two gold formats, and the `reviewfigs check` command."""

from __future__ import annotations

import shutil

import pytest

from extract import cli
from extract.config import REPO_DIR
from extract.corpus.gold import (
    GoldRow,
    KeyFact,
    PageGoldRow,
    load_page_gold,
    score_gold,
    score_key_facts,
    score_pages,
)
from extract.model import Figure


def fig(text, value, unit, qualifier="exact", subject="", sentence="", **kw) -> Figure:
    return Figure(text=text, value=value, unit=unit, qualifier=qualifier, subject=subject,
                  sentence=sentence or text, **kw)


def row(kind, surface, value, unit="", qualifier="exact", anchor="", metric="", year=None) -> GoldRow:
    return GoldRow(kind=kind, surface=surface, value=value, unit=unit, qualifier=qualifier, year=year,
                   metric=metric, anchor=anchor)


GOLD = [
    row("required", "15次", 15, "次", anchor="执法检查", metric="npc_law_enforcement_inspections"),
    row("required", "8900余人次", 8900, "人次", "more_than", anchor="接访"),
    row("optional", "五年来", 5, "年", anchor="五年来"),
    row("negative", "四个意识", 4),
]


def test_score_gold_counts_found_missed_optional_and_false_positives():
    figs = [
        fig("15次", 15, "次", subject="开展执法检查", sentence="开展执法检查15次", metric="npc_sessions"),
        fig("五年来", 5, "年", sentence="五年来，…"),
        fig("五年来", 5, "年", sentence="五年来，又一段"),  # an optional surface may occur many times
        fig("四个", 4, "个", sentence="增强“四个意识”"),
        fig("8900人次", 8900, "人次", sentence="接访8900人次"),  # wrong qualifier: not a match
    ]
    score = score_gold(figs, GOLD)
    assert [r.surface for r, _ in score.found] == ["15次"]
    assert [r.surface for r in score.misses] == ["8900余人次"]
    assert len(score.optional_found) == 2
    assert [f.text for f in score.false_positives] == ["四个", "8900人次"]
    assert [(r.surface, f.text) for r, f in score.negative_hits] == [("四个意识", "四个")]
    assert [p for _, _, p in score.mislabels] == ["metric npc_sessions != npc_law_enforcement_inspections"]
    assert score.precision == 1 / 3 and score.recall == 1 / 2
    assert abs(score.f1 - 0.4) < 1e-9


def test_anchor_must_be_in_subject_or_sentence():
    score = score_gold([fig("15次", 15, "次", subject="召开会议", sentence="召开会议15次")], GOLD[:1])
    assert score.misses and score.false_positives


def test_score_key_facts_per_rendering():
    fact = KeyFact(doc="zj_2026", metric="gdp_growth", stance="target", value=5.25, unit="%",
                   qualifier="range", year=2026, surface="5%—5.5%", snippet="")
    good = fig("5%—5.5%", 5.25, "%", "range", metric="gdp_growth", stance="target", year=2025)
    actual = fig("5%—5.5%", 5.25, "%", "range", metric="gdp_growth", stance="actual", year=2026)
    score = score_key_facts({"zj_2026.official": [good], "zj_2026.newspaper": [actual], "other": [good]}, [fact])
    assert [d for d, _, _ in score.found] == ["zj_2026.official"]
    assert [d for d, _, _ in score.misses] == ["zj_2026.newspaper"]
    assert [d for d, _, _ in score.year_mismatches] == ["zj_2026.official"]
    assert score.recall == 0.5


def test_check_command_with_gold(corpus, capsys):
    pdf = corpus / "pdf" / "yongkang_2021_npc-review.newspaper.pdf"
    code = cli.main(["check", str(pdf), "--gold", str(corpus / "gold" / "yongkang_2021_npc-review.csv")])
    out = capsys.readouterr().out
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("precision ") and " recall " in first and " F1 " in first


def test_check_command_with_catalog_and_key_facts(corpus, tmp_path, capsys):
    # a one-document catalog in tmp_path (the catalog's files must lie beside it)
    shutil.copy(corpus / "pdf" / "fujian_2026_gov-report.official.pdf", tmp_path / "fujian.pdf")
    (tmp_path / "catalog.csv").write_text(
        "doc_id,file,region,admin_level,adcode,published,covers,doctype\n"
        "fujian_2026_gov-report,fujian.pdf,福建省,province,350000,2026,2025,gov-report\n", encoding="utf-8")
    code = cli.main(["check", "--catalog", str(tmp_path / "catalog.csv"),
                     "--key-facts", str(corpus / "gold" / "key_facts.csv")])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("key facts found 8/8")


def test_check_command_without_inputs_says_what_it_needs(capsys):
    assert cli.main(["check"]) == 2
    assert "--gold" in capsys.readouterr().err


def test_check_command_reports_unreadable_inputs_in_one_line(corpus, tmp_path, capsys):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    assert cli.main(["check", str(bad), "--gold", str(corpus / "gold" / "yongkang_2021_npc-review.csv")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"reviewfigs: {bad}: ")
    pdf = corpus / "pdf" / "yongkang_2021_npc-review.official.pdf"
    assert cli.main(["check", str(pdf), "--gold", str(tmp_path / "missing.csv")]) == 2  # cannot start
    assert "missing.csv" in capsys.readouterr().err


DEMO_PDF = REPO_DIR / "raw" / "jinhua_2024_stats-bulletin.pdf"


def demo_gold(tmp_path, extra_rows: int = 0):
    """A gold file listing every figure the demo bulletin gives (so F1 is 1.0), plus ``extra_rows`` required
    figures that are not in it (each a miss)."""
    from extract.corpus.catalog import meta_for_file
    from extract.figures import extract_document

    figs = extract_document(DEMO_PDF, meta_for_file(DEMO_PDF)[0])
    lines = ["kind,surface,value,unit,qualifier,year,metric,anchor"]
    lines += [f"required,{f.text},{f.value!r},{f.unit},{f.qualifier},,," for f in figs]
    lines += [f"required,{n}亿元,{n}00000000.0,元,exact,,," for n in range(91, 91 + extra_rows)]
    path = tmp_path / "gold.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(figs)


def test_check_exits_0_at_or_above_min_f1_and_1_below_it(tmp_path, capsys):
    gold, n = demo_gold(tmp_path, extra_rows=2)
    f1 = 2 * 1.0 * (n / (n + 2)) / (1.0 + n / (n + 2))
    assert cli.main(["check", str(DEMO_PDF), "--gold", str(gold), "--min-f1", f"{f1 - 0.01:.3f}"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("reviewfigs check: PASS: F1 ")
    assert cli.main(["check", str(DEMO_PDF), "--gold", str(gold), "--min-f1", f"{f1 + 0.01:.3f}"]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("reviewfigs check: FAIL: F1 ")
    assert cli.main(["check", str(DEMO_PDF), "--gold", str(gold)]) == 1  # the default bar (0.95) is not met
    perfect, _n = demo_gold(tmp_path)
    assert cli.main(["check", str(DEMO_PDF), "--gold", str(perfect)]) == 0
    assert cli.main(["check", str(DEMO_PDF), "--gold", str(perfect), "--min-f1", "1.5"]) == 2


def test_check_never_prints_python_none(tmp_path, capsys):
    # A copy no catalog lists: its figures have no document year, so many years are missing.
    copy = tmp_path / "bulletin.pdf"
    copy.write_bytes(DEMO_PDF.read_bytes() + b"\n")
    gold = tmp_path / "one.csv"
    gold.write_text("kind,surface,value,unit,qualifier,year,metric,anchor\nrequired,1亿元,100000000.0,元,exact,2020,gdp,\n",
                    encoding="utf-8")
    assert cli.main(["check", str(copy), "--gold", str(gold)]) == 1
    out = capsys.readouterr().out
    assert "FALSE POSITIVE" in out and "(none)" in out
    assert "None" not in out and "nan" not in out


# ---------------------------------------------------------------- page gold


def page_row(surface, value, unit, page=1, kind="required", table=False, **kw) -> PageGoldRow:
    return PageGoldRow(doc="d", page=page, kind=kind, table=table, surface=surface, value=value, unit=unit,
                       qualifier=kw.pop("qualifier", "exact"), metric=kw.pop("metric", ""),
                       stance=kw.pop("stance", ""), year=kw.pop("year", None), note=kind, **kw)


def test_page_gold_scores_the_checked_pages_only_with_tables_apart():
    rows = [
        page_row("15次", 15, "次", stance="actual", year=2025),
        page_row("3,554,011", 35_540_110_000, "元", table=True, stance="actual", year=2024,
                 row_label="宿州市本级", row_region="宿州市本级"),
        page_row("1,040,558", 10_405_580_000, "元", table=True, stance="actual", year=2024, row_region="埇桥区"),
        page_row("四次会议", 4, "次", kind="negative"),
    ]
    figs = [
        fig("15次", 15, "次", page=1, stance="target", year=2025),  # found, but mislabelled
        fig("3554011", 35_540_110_000, "元", page=1, stance="actual", year=2024, region="宿州市", origin="table"),
        fig("四次", 4, "次", page=1),  # a false positive (out of a negative surface)
        fig("99次", 99, "次", page=2),  # page 2 was not checked: ignored
    ]
    score = score_pages(figs, [1], rows)
    assert [r.surface for r, _ in score.found] == ["15次", "3,554,011"]  # 本级 counts for the document region
    assert [r.surface for r in score.misses] == ["1,040,558"]
    assert [f.text for f in score.false_positives] == ["四次"]
    assert [problem for _, _, problem in score.mislabels] == ["stance target != actual"]
    tables, text = score.part(table=True), score.part(table=False)
    assert (len(tables.found), len(tables.misses), len(tables.false_positives)) == (1, 1, 0)
    assert (len(text.found), len(text.misses), len(text.false_positives)) == (1, 0, 1)
    assert tables.recall == 0.5 and text.precision == 0.5 and score.labelled_recall == 1 / 3


def test_check_pages_command_prints_documents_tables_and_overall(corpus, capsys):
    real = corpus / "real"
    if not (real / "gold" / "pages" / "CHECKED.csv").is_file():
        pytest.skip(f"no page gold in {real}")
    assert cli.main(["check", "--pages", str(real / "gold" / "pages"), "--catalog", str(real / "catalog.csv"),
                     "--min-f1", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("reviewfigs check: PASS: overall F1 ")
    names = [line.split()[0] for line in out[-4 - len(load_page_gold(real / "gold" / "pages")):-1]]
    assert names[-3:] == ["table", "text", "overall"]
    assert "xian_2026_stats-bulletin" in names
