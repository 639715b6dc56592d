"""extract.figures on the seed document in its three layouts: gold F1 per layout, boxes, the frame, the CLI."""

from __future__ import annotations

import json

import pytest

from extract import cli
from extract.corpus.gold import load_gold, score_gold
from extract.figures import extract_document, figures_frame, find_figures
from extract.model import FIGURE_COLUMNS, DocMeta
from extract.read.layout import document_from_text
from extract.read.pdf import iter_pages

LAYOUTS = ("newspaper", "official", "newspaper-shuffled")
SEED = "yongkang_2021_npc-review"
MIN_F1 = 0.95


@pytest.fixture(scope="module")
def seed_figures(corpus):
    """{layout: (path, figures)} — each PDF extracted once for the module, with its catalog row as meta."""
    from extract.corpus.catalog import load_catalog

    entries = {e.doc_id: e for e in load_catalog(corpus / "catalog.csv")}
    out = {}
    for layout in LAYOUTS:
        entry = entries[f"{SEED}.{layout}"]
        out[layout] = (entry.path, extract_document(entry.path, entry.meta()))
    return out


@pytest.fixture(scope="module")
def gold(corpus):
    return load_gold(corpus / "gold" / f"{SEED}.csv")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gold_f1_per_layout(seed_figures, gold, layout):
    score = score_gold(seed_figures[layout][1], gold)
    misses = [r.surface for r in score.misses]
    false_positives = [(f.text, f.sentence[:30]) for f in score.false_positives]
    assert score.f1 >= MIN_F1, (score.precision, score.recall, misses, false_positives)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gold_metrics_of_found_figures(seed_figures, gold, layout):
    score = score_gold(seed_figures[layout][1], gold)
    wrong_metric = [(row.surface, fig.metric) for row, fig, _ in score.mislabels if row.metric != fig.metric]
    assert wrong_metric == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_figure_box_holds_its_characters(seed_figures, layout):
    """The union box of a figure holds every one of its characters as the PDF reader placed them.

    Compared with the chars of extract.read.pdf (the reader the layout used): pdfminer's x drifts left along
    justified lines (tests/test_pdf.py explains), so its chars are not the reference for x.
    """
    path, figs = seed_figures[layout]
    assert figs and all(f.page and f.x0 is not None for f in figs)
    pages = {p.page_number: p for p in iter_pages(path)}
    for fig in figs:
        page = pages[fig.page]
        assert 0 <= fig.x0 < fig.x1 <= page.width and 0 <= fig.top < fig.bottom <= page.height
        inside = {c["text"] for c in page.chars
                  if fig.x0 <= (c["x0"] + c["x1"]) / 2 <= fig.x1 and fig.top <= (c["top"] + c["bottom"]) / 2 <= fig.bottom}
        assert set(fig.text) <= inside, (fig.text, fig.page)


def test_a_figure_broken_over_two_lines_is_one_row(seed_figures):
    """8900余人次 is broken after 8900余 in every layout: one row whose box spans both lines."""
    for layout in LAYOUTS:
        path, figs = seed_figures[layout]
        rows = [f for f in figs if f.text == "8900余人次"]
        assert len(rows) == 1, layout
        page = next(p for p in iter_pages(path) if p.page_number == rows[0].page)
        line_height = max(c["bottom"] - c["top"] for c in page.chars if c["text"] == "余")
        assert rows[0].bottom - rows[0].top > 1.5 * line_height, layout


def test_rows_carry_file_checksum_and_catalog_fields(seed_figures):
    path, figs = seed_figures["official"]
    assert {f.sha256 for f in figs} == {__import__("hashlib").sha256(path.read_bytes()).hexdigest()}
    assert {(f.region, f.adcode, f.doctype, f.doc_id) for f in figs} == {
        ("永康市", "330784", "npc-review", f"{SEED}.official")}


def test_figures_frame_columns_and_dtypes(seed_figures):
    frame = figures_frame(seed_figures["newspaper"][1])
    assert list(frame.columns) == FIGURE_COLUMNS
    assert str(frame["year"].dtype) == "Int64" and str(frame["page"].dtype) == "Int64"
    assert str(frame["value"].dtype) == "float64" and str(frame["low"].dtype) == "float64"
    assert str(frame["adcode"].dtype) == "string"
    assert frame["adcode"].iloc[0] == "330784"
    assert list(figures_frame([]).columns) == FIGURE_COLUMNS


def test_find_figures_on_text_without_boxes():
    doc = document_from_text("一、2025年工作回顾\n全省生产总值增长5.5%，一般公共预算收入增长1.8%。")
    figs = find_figures(doc, DocMeta(region="浙江省", published=2026, covers="2025", doctype="gov-report"))
    assert [(f.text, f.metric, f.year, f.page) for f in figs] == [
        ("5.5%", "gdp_growth", 2025, None), ("1.8%", "budget_revenue_growth", 2025, None)]


def test_target_passage_runs_over_list_items():
    text = "二、2026年工作安排\n今年主要预期目标是：\n1.地区生产总值增长6%左右；\n2.城镇新增就业3万人。\n全年新增就业3.5万人。"
    meta = DocMeta(region="东阳市", published=2026, covers="2025", doctype="gov-report")
    figs = find_figures(document_from_text(text), meta)
    assert [(f.text, f.stance, f.year) for f in figs] == [
        ("6%左右", "target", 2026), ("3万人", "target", 2026), ("3.5万人", "target", 2026)]


def test_first_paragraph_of_a_section_sets_its_time():
    text = ("一、“十四五”时期和2025年工作回顾\n“十四五”时期是极不平凡的五年。\n（一）经济实力显著增强。\n"
            "地区生产总值年均增长5.7%。\n（二）民生福祉持续增进。\n城镇新增就业超690万人。")
    meta = DocMeta(region="江苏省", published=2026, covers="2025", doctype="gov-report")
    figs = find_figures(document_from_text(text), meta)
    assert [(f.text, f.year, f.period) for f in figs] == [("5.7%", 2025, "2021-2025"), ("超690万人", 2025, "2021-2025")]


def test_numbered_target_items_ending_with_full_stops_stay_targets():
    text = ("全县生产总值增长6.1%。\n今年经济社会发展的主要目标是：\n1.地区生产总值增长6%左右。\n"
            "2.一般公共预算收入增长5%。\n城镇新增就业1.1万人。")
    meta = DocMeta(region="武义县", published=2025, covers="", doctype="npc-review")
    figs = find_figures(document_from_text(text), meta)
    assert [(f.text, f.stance) for f in figs] == [
        ("6.1%", "actual"), ("6%左右", "target"), ("5%", "target"), ("1.1万人", "actual")]


def _run(argv, capsys):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_extract_command_prints_csv_and_json(corpus, capsys):
    pdf = corpus / "pdf" / f"{SEED}.official.pdf"
    code, out, _ = _run(["extract", str(pdf), "--region", "永康市", "--published", "2021",
                         "--covers", "2017-2021", "--doctype", "npc-review", "--doc-id", "seed"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ",".join(FIGURE_COLUMNS)
    assert any("8900余人次" in line and "npc_constituents_received" in line for line in lines)
    code, out, _ = _run(["extract", str(pdf), "--format", "json", "--doc-id", "seed"], capsys)
    rows = json.loads(out)
    assert code == 0 and rows and set(rows[0]) == set(FIGURE_COLUMNS)
    assert {r["doc_id"] for r in rows} == {"seed"}


def test_extract_command_reports_an_unreadable_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "page.pdf"
    bad.write_text("<html><body>404 Not Found</body></html>", encoding="utf-8")
    code, out, err = _run(["extract", str(bad)], capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"reviewfigs: {bad}: ")


def test_a_one_year_review_does_not_inherit_the_sections_five_years():
    """A paragraph announcing the rest of its section (一年来，主要做了以下工作。) replaces the five-year time the
    section's first paragraph set; 今后五年 in a heading plans the years after the review."""
    text = ("一、过去五年和2024年工作回顾\n过去五年，我们砥砺前行。地区生产总值年均增长6%。\n一年来，主要做了以下工作。\n"
            "（一）扩大内需\n社会消费品零售总额增长5.1%。\n三、今后五年工作建议\n地区生产总值年均增长5%以上。")
    meta = DocMeta(region="嘉兴市", published=2025, covers="2024", doctype="gov-report")
    figs = find_figures(document_from_text(text), meta)
    assert [(f.text, f.metric, f.stance, f.period) for f in figs] == [
        ("6%", "gdp_growth", "actual", "2020-2024"), ("5.1%", "retail_sales_growth", "actual", "2024"),
        ("5%以上", "gdp_growth", "target", "2025-2029")]
    # without the announcing paragraph the section's five years hold
    figs = find_figures(document_from_text(text.replace("一年来，主要做了以下工作。\n", "")), meta)
    assert figs[1].period == "2020-2024"


def test_a_paragraph_broken_between_blocks_is_labelled_as_one_sentence():
    """A block that stops inside a sentence (a page or column break) lends that sentence to the next block's
    first one: its figure is not labelled from a fragment (产总值…)."""
    from extract.model import Block, Document

    parts = ["2025年，全市实现地区生", "产总值2000亿元，增长5%。"]
    doc = Document(path="", n_pages=0, blocks=[Block(text=t, boxes=[None] * len(t)) for t in parts])
    meta = DocMeta(region="丽水市", published=2026, covers="2025", doctype="gov-report")
    figs = find_figures(doc, meta)
    assert [(f.text, f.subject, f.metric, f.year) for f in figs] == [
        ("2000亿元", "全市地区生产总值", "gdp", 2025), ("5%", "全市地区生产总值", "gdp_growth", 2025)]
    assert figs[0].sentence == "2025年，全市实现地区生产总值2000亿元，增长5%。"
    # a finished paragraph lends nothing
    parts = ["全年实现地区生产总值2000亿元。", "增长5%。"]
    doc = Document(path="", n_pages=0, blocks=[Block(text=t, boxes=[None] * len(t)) for t in parts])
    assert find_figures(doc, meta)[1].subject == ""


def test_every_figure_carries_a_subject_key():
    doc = document_from_text("全市地区生产总值[2]1500亿元，规上工业增加值增长7%，新建口袋公园（含改造）12个。")
    figs = find_figures(doc, DocMeta(region="湖州市", published=2026, covers="2025", doctype="stats-bulletin"))
    assert [f.subject_key for f in figs] == ["地区生产总值", "规模以上工业增加值", "新建口袋公园"]


def test_extraction_paces_the_collector_and_restores_it(monkeypatch, tmp_path):
    """While a document is extracted the collector's young threshold is COLLECT_AFTER (its passes over the
    document's live containers cost 5% of the CPU); the process's thresholds come back after, also when the
    document is refused, and a collector that is off stays off."""
    import gc

    from extract import config, figures
    from extract.model import DocumentError
    from extract.read import layout

    seen: list[tuple[int, int, int]] = []
    read = layout.document_from_pages

    def spy(pages, path=""):
        seen.append(gc.get_threshold())
        return read(pages, path)

    monkeypatch.setattr(layout, "document_from_pages", spy)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 9, 8)
        figures.extract(config.RAW_DIR / "fuyang_2025_npc-report.pdf")
        assert seen == [(figures.COLLECT_AFTER, 9, 8)]
        assert gc.get_threshold() == (700, 9, 8)
        empty = tmp_path / "empty.pdf"
        empty.write_bytes(b"")
        with pytest.raises(DocumentError):
            figures.extract(empty)
        assert gc.get_threshold() == (700, 9, 8)
        gc.set_threshold(50_000, 9, 8)  # a process that set a slower pace itself keeps it
        with figures.collector_paced():
            assert gc.get_threshold() == (50_000, 9, 8)
        gc.set_threshold(0, 9, 8)  # the collector off: not turned on
        with figures.collector_paced():
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
