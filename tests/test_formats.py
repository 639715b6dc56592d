"""Web pages, text files and Word documents: sniffed from their bytes, decoded, read into the same Document as a
PDF, and their figures located by paragraph and character offsets. Every fixture is built here."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import pytest

from extract.corpus.corrections import Correction, apply_corrections
from extract.figures import extract_document
from extract.model import DocMeta, DocumentError
from extract.read import read_document
from extract.read.decode import declared_encoding, decode_bytes
from extract.read.sniff import sniff_format
from extract.read.textblocks import Para, clean_inline, is_furniture, lines_to_paragraphs

META = DocMeta(doc_id="t", region="海拉尔区", published=2026, covers="2025", doctype="stats-bulletin")

# A bulletin page as county sites publish them: declared gb2312, with a character GB2312 lacks (喆, GBK only),
# navigation, a breadcrumb, page tools, a script, a style, comments, &nbsp; runs, a share box, a related-links
# list and a table with rowspan/colspan, its title and unit line above it.
GBK_PAGE = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>2025年海拉尔区国民经济和社会发展统计公报</title>
<style>p { text-indent: 2em; } .nav { color: red }</style>
<script>var tracker = "增长99.9%"; document.write("访问量12345次");</script>
</head><body>
<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a> <a href="/b">统计数据</a> <a href="/c">专题</a></div>
<div class="top">当前位置：首页 &gt; 统计数据 &gt; 统计公报</div>
<div id="main"><div class="article">
<h1>2025年海拉尔区国民经济和社会发展统计公报</h1>
<div class="info">来源：区统计局 发布时间：2026-03-01 浏览次数：1234</div>
<div class="tools">【字号 大 中 小】 打印 关闭</div>
<!-- 旧稿：地区生产总值增长88.8% -->
<p>&nbsp;&nbsp;&nbsp;&nbsp;区统计局局长王喆介绍了全区经济运行情况。</p>
<p><strong>一、综合</strong></p>
<p>&nbsp;&nbsp;初步核算，全年全区地区<span style="font-family:仿宋">生产总值</span>312.5亿元，比上年增长<span>5</span>.<span>8</span>%。
其中，第一产业增加值12.3亿元，增长3.1%。</p>
<p>全年一般公共预算收入18.6亿元，比上年增长4.2%。全年城镇新增就业5650人。</p>
<p>表1 2025年分产业增加值</p>
<p>单位：亿元</p>
<table border="1">
<tr><td rowspan="2">指标</td><td colspan="2">2025年</td></tr>
<tr><td>绝对数</td><td>比上年增长（%）</td></tr>
<tr><td>地区生产总值</td><td>312.5</td><td>5.8</td></tr>
<tr><td>第一产业</td><td>12.3</td><td>3.1</td></tr>
</table>
<p>注：增长速度按不变价格计算。</p>
<p>二、农业<br>　　全年粮食产量45.6万吨，比上年增长2.0%。<br>　　年末大牲畜存栏8.9万头。</p>
<div class="bdsharebuttonbox"><a class="bds_weixin">微信</a><a class="bds_tsina">微博</a>分享到：</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/1">2024年统计公报（增长6.1%）</a></li>
<li><a href="/2">2023年统计公报（增长5.5%）</a></li><li><a href="/3">2022年统计公报</a></li></ul></div>
</div></div>
<div class="footer">版权所有：海拉尔区人民政府 ICP备12345678号 网站标识码1507020001</div>
</body></html>
"""


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def gbk_page(tmp_path):
    return _write(tmp_path, "bulletin.html", GBK_PAGE.encode("gbk"))


# ------------------------------------------------------------------------------------------ sniffing


def test_the_format_comes_from_the_bytes_not_the_name(tmp_path):
    assert sniff_format(_write(tmp_path, "a.pdf", GBK_PAGE.encode("gbk"))) == "html"
    assert sniff_format(_write(tmp_path, "b.html", "政府工作报告\r\n各位代表：".encode("gb18030"))) == "txt"
    assert sniff_format(_write(tmp_path, "c.txt", b"%PDF-1.7\n...")) == "pdf"
    assert sniff_format(_write(tmp_path, "d.txt", "\ufeff<html><body>x".encode("utf-16-le"))) == "html"


@pytest.mark.parametrize(("data", "says"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".doc/.wps"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x", ".mht"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
    (b"\xff\xd8\xff\xe0" + bytes(64), "JPEG image"),
    (b"{\\rtf1\\ansi gov}", "RTF"),
    (bytes(range(256)) * 4, "unknown binary data"),
], ids=["doc", "mht", "png", "jpeg", "rtf", "binary"])
def test_formats_that_cannot_be_read_say_which_and_how_to_convert(tmp_path, data, says):
    with pytest.raises(DocumentError) as info:
        read_document(_write(tmp_path, "x.pdf", data))
    reason = info.value.reason
    assert says in reason and "\n" not in reason
    if says not in ("unknown binary data",):
        assert re.search(r"save|convert|open|put|PDF", reason), reason


def test_zip_formats_are_told_apart(tmp_path):
    ofd = tmp_path / "x.ofd"
    with zipfile.ZipFile(ofd, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
    xlsx = tmp_path / "x.xlsx"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    for path, says in ((ofd, "OFD"), (xlsx, "Excel")):
        with pytest.raises(DocumentError, match=says):
            sniff_format(path)


# ------------------------------------------------------------------------------------------ decoding


def test_gb2312_is_decoded_as_gb18030_and_utf16_by_its_bom():
    raw = GBK_PAGE.encode("gbk")
    assert declared_encoding(raw) == "gb18030"
    decoded = decode_bytes(raw, declared_encoding(raw))
    assert "王喆" in decoded.text and not decoded.warnings
    assert decode_bytes("各位代表：".encode("utf-16")).text == "各位代表："
    # UTF-8 wins over a wrong declaration (UTF-8 bytes would decode as wrong GBK)
    assert decode_bytes("增长5.8%".encode(), "gb18030").text == "增长5.8%"


def test_undecodable_bytes_give_a_warning_never_a_silent_guess():
    raw = "全年地区生产总值312.5亿元。".encode("gbk") + b"\x81\x20\xfe"
    decoded = decode_bytes(raw, "gb18030")
    assert "\ufffd" in decoded.text
    assert decoded.warnings and "replaced" in decoded.warnings[0]


# ------------------------------------------------------------------------------------------ web pages


def test_a_gbk_page_gives_its_article_without_the_page_around_it(tmp_path):
    document = read_document(gbk_page(tmp_path))
    assert document.format == "html" and document.n_pages == 0
    text = document.text
    for furniture in ("首页", "当前位置", "来源", "浏览次数", "字号", "打印", "分享到", "相关链接", "版权所有",
                      "tracker", "访问量", "88.8", "text-indent", "2024年统计公报", "\xa0", "&nbsp;"):
        assert furniture not in text, furniture
    assert "王喆" in text  # a GBK-only character of a page declared gb2312
    kinds = [(b.kind, b.text) for b in document.blocks]
    assert ("heading", "一、综合") in kinds and ("heading", "二、农业") in kinds
    assert ("title", "2025年海拉尔区国民经济和社会发展统计公报") in kinds
    # <br> lines with a full-width indent are paragraphs of their own; spans do not split a figure
    assert ("body", "全年粮食产量45.6万吨，比上年增长2.0%。") in kinds
    assert any(t.startswith("初步核算，全年全区地区生产总值312.5亿元，比上年增长5.8%。其中") for _k, t in kinds)
    # no sentence starts with an indent or carries a space between Chinese characters
    assert not any(t[:1] in " \u3000" for _k, t in kinds)


def test_an_html_table_keeps_its_spans_title_and_notes(tmp_path):
    document = read_document(gbk_page(tmp_path))
    tables = [b for b in document.blocks if b.kind == "table"]
    assert len(tables) == 1
    table = tables[0].table
    assert table.title == "表1 2025年分产业增加值"
    assert table.notes == ["单位：亿元", "注：增长速度按不变价格计算。"]
    assert (table.n_rows, table.n_cols, table.number) == (4, 3, 1)
    cells = {(c.row, c.col): c for c in table.cells}
    assert (cells[0, 0].text, cells[0, 0].rowspan) == ("指标", 2)
    assert (cells[0, 1].text, cells[0, 1].colspan) == ("2025年", 2)
    assert cells[1, 2].text == "比上年增长（%）" and cells[3, 1].text == "12.3"
    assert "单位：亿元" not in [b.text for b in document.blocks if b.kind != "table"]


def test_figures_of_a_page_are_located_by_paragraph_and_offsets(tmp_path):
    path = gbk_page(tmp_path)
    figures = extract_document(path, META)
    document = read_document(path)
    gdp = [f for f in figures if f.text == "312.5亿元" and f.origin == "text"]
    assert gdp and gdp[0].metric == "gdp" and gdp[0].stance == "actual" and gdp[0].year == 2025
    growth = next(f for f in figures if f.text == "5.8%" and f.sentence.startswith("初步核算"))
    assert growth.metric == "gdp_growth"
    revenue = next(f for f in figures if f.text == "18.6亿元")
    assert revenue.metric == "budget_revenue"
    for fig in figures:
        assert fig.page is None and fig.x0 is None
        assert re.fullmatch(r"para \d+", fig.locator)
        block = document.blocks[int(fig.locator.split()[1]) - 1]
        assert document.text[fig.char_start:fig.char_end].replace("\n", "") == fig.text
        assert fig.text in block.text.replace("\n", "")
    assert not [f for f in figures if f.value in (99.9, 12345, 88.8, 6.1, 1234)]


@pytest.mark.parametrize(("page", "says"), [
    ("<html><head><title>404 Not Found</title></head><body><h1>404</h1><p>您访问的页面不存在</p></body></html>",
     "error page"),
    ("<html><body><form><p>用户名 <input name=u></p><p>密码 <input type=password name=p></p>"
     "<p>验证码 <input name=c></p></form></body></html>", "login"),
    ("<html><head><title>统计公报</title></head><body><ul>" + "".join(
        f"<li><a href='/{y}'>{y}年海拉尔区国民经济和社会发展统计公报</a></li>" for y in range(2005, 2026))
     + "</ul></body></html>", "list of links"),
    ("<html><body><div id=app></div><script src=app.js></script></body></html>", "JavaScript"),
], ids=["404", "login", "links", "javascript"])
def test_a_page_without_an_article_fails_alone_saying_what_it_looks_like(tmp_path, page, says):
    with pytest.raises(DocumentError) as info:
        read_document(_write(tmp_path, "p.html", page.encode("utf-8")))
    assert says in info.value.reason and "\n" not in info.value.reason


def test_a_page_that_hides_the_rest_of_its_article_is_read_whole(tmp_path):
    """展开全文: the first part is shown, the rest sits in a sibling the site reveals on a click."""
    shown = "".join(f"<p>第{k}段，全年地区生产总值增长{k}.5%，城镇新增就业{k}000人。</p>" for k in range(1, 4))
    hidden = "".join(f"<p>续{k}段，全年粮食产量{k}.2万吨，比上年增长{k}.1%。</p>" for k in range(1, 12))
    page = (f"<html><body><div class=menu><a href=/>首页</a></div><div class=content><div class=show>{shown}</div>"
            f"<div class='more hide'>{hidden}</div><a href=#>展开全文</a></div></body></html>")
    text = read_document(_write(tmp_path, "p.html", page.encode())).text
    assert "第1段" in text and "续11段" in text and "展开全文" not in text


# ------------------------------------------------------------------------------------------ text files


REPORT = ("政 府 工 作 报 告\r\n\r\n ——2016年2月19日在某区第十四届人民代表大会第五次会议上\r\n\r\n"
          "某区人民政府区长　　张三\r\n\r\n　　各位代表：\r\n\r\n"
          "　　一、2015年工作回顾\r\n\r\n"
          "　　全区地区生产总值完成287.9亿元，同比增长8.1%；公共预算收入15.07亿元。\r\n\r\n"
          "首页 | 新闻 | 政务公开\r\n　　（一）经济发展取得新成就\r\n首页 | 新闻 | 政务公开\r\n"
          "　　全年城镇新增就业5650人，城镇登记失业率控制在3.9%以内。\r\n"
          "首页 | 新闻 | 政务公开\r\n— 2 —\r\n"
          "　　二、2016年工作安排\r\n\r\n"
          "　　经济社会发展主要预期目标是：地区生产总值增长7.5%，城镇新增就业5300人。\r\n")


def test_a_utf16_text_file_is_read_into_headings_and_paragraphs(tmp_path):
    path = _write(tmp_path, "report.txt", REPORT.encode("utf-16"))
    document = read_document(path)
    assert document.format == "txt"
    kinds = [(b.kind, b.text) for b in document.blocks]
    assert kinds[0] == ("title", "政府工作报告")
    assert ("heading", "一、2015年工作回顾") in kinds and ("heading", "（一）经济发展取得新成就") in kinds
    assert not any("首页" in t or t == "— 2 —" for _k, t in kinds)  # site menu repeated, page number
    meta = DocMeta(doc_id="r", region="海拉尔区", published=2016, covers="2015", doctype="gov-report")
    figures = extract_document(path, meta)
    gdp = next(f for f in figures if f.text == "287.9亿元")
    assert (gdp.metric, gdp.stance, gdp.year) == ("gdp", "actual", 2015)
    target = next(f for f in figures if f.text == "7.5%")
    assert (target.stance, target.year) == ("target", 2016)
    assert all(f.locator.startswith("para ") and f.page is None for f in figures)


def test_hard_wrapped_lines_join_but_a_heading_or_indent_starts_anew():
    lines = [Para("全年地区生产总值完成287.9亿元，同比增长"), Para("8.1%。"), Para("一、综合"),
             Para("全年粮食产量45.6万吨，同比增长2.0%，达到历史"), Para("最高水平。"),
             Para("年末大牲畜存栏8.9万头。", indent=True)]
    assert [p.text for p in lines_to_paragraphs(lines)] == [
        "全年地区生产总值完成287.9亿元，同比增长8.1%。", "一、综合", "全年粮食产量45.6万吨，同比增长2.0%，达到历史最高水平。",
        "年末大牲畜存栏8.9万头。"]


def test_a_pdf_dumped_to_text_has_its_run_in_section_heads_split_off(tmp_path):
    page = ("<html><body><p>一、综合 全年地区生产总值2042.98亿元，比上年增长5.4%。 —1— 全年城镇新增就业2.1万人。"
            " 八、财政金融 全年一般公共预算收入205.40亿元，增长10.1%。</p>"
            "<p>其余段落，全年粮食产量45.6万吨，比上年增长2.0%。年末人口2.5万人。统计局发布。</p></body></html>")
    blocks = [(b.kind, b.text) for b in read_document(_write(tmp_path, "d.html", page.encode())).blocks]
    assert blocks[:4] == [("heading", "一、综合"), ("body", "全年地区生产总值2042.98亿元，比上年增长5.4%。全年城镇新增就业2.1万人。"),
                          ("heading", "八、财政金融"), ("body", "全年一般公共预算收入205.40亿元，增长10.1%。")]


def test_inline_cleaning_and_furniture_lines():
    assert clean_inline("\u3000\u3000地区 生产总值\xa0\xa0312.5 亿元，GDP 增长&nbsp;5 000") == "地区生产总值312.5亿元，GDP增长5 000"
    assert clean_inline("２０２５年增长５．８％") == "2025年增长5.8%"
    for line in ("【字号 大 中 小】", "打印 关闭", "来源：市统计局 发布日期：2026-01-26", "— 3 —", "2026-01-26 17:23:05",
                 "首页 > 政务公开 > 统计数据", "版权所有：某市人民政府", "（下转08版）", "下载", "相关报道："):
        assert is_furniture(line), line
    for line in ("一、综合", "全年地区生产总值312.5亿元。", "来源于工业的增加值增长5%。"):
        assert not is_furniture(line), line


# ------------------------------------------------------------------------------------------ Word


def make_docx(path):
    import docx

    d = docx.Document()
    d.add_heading("2026年某区政府工作报告", 0)
    d.add_paragraph("各位代表：")
    d.add_heading("一、2025年工作回顾", 1)
    d.add_paragraph("全年地区生产总值完成198.5亿元，同比增长6.3%。一般公共预算收入12.5亿元，增长5%。")
    d.add_heading("财政收支", 2)  # a heading by style alone
    d.add_paragraph("2025年一般公共预算收支情况表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=4, cols=3)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "项目"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "2025年"
    t.cell(1, 1).text, t.cell(1, 2).text = "预算数", "执行数"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "一般公共预算收入", "120000", "125000"
    t.cell(3, 0).text, t.cell(3, 1).text, t.cell(3, 2).text = "税收收入", "80000", "81000"
    d.add_heading("二、2026年工作安排", 1)
    d.add_paragraph("经济社会发展主要预期目标是：地区生产总值增长6%左右。")
    d.save(str(path))
    return path


def test_a_docx_gives_headings_by_style_and_tables_with_merges(tmp_path):
    path = make_docx(tmp_path / "report.docx")
    document = read_document(path)
    assert document.format == "docx"
    kinds = [(b.kind, b.level, b.text) for b in document.blocks if b.kind != "table"]
    assert ("title", 0, "2026年某区政府工作报告") in kinds
    assert ("heading", 1, "一、2025年工作回顾") in kinds and ("heading", 2, "财政收支") in kinds
    table = next(b.table for b in document.blocks if b.kind == "table")
    assert (table.title, table.notes, table.n_rows, table.n_cols) == ("2025年一般公共预算收支情况表", ["单位：万元"], 4, 3)
    cells = {(c.row, c.col): c for c in table.cells}
    assert (cells[0, 0].text, cells[0, 0].rowspan, cells[0, 1].colspan) == ("项目", 2, 2)
    assert cells[2, 2].text == "125000"
    meta = DocMeta(doc_id="w", region="海拉尔区", published=2026, covers="2025", doctype="gov-report")
    figures = extract_document(path, meta)
    gdp = next(f for f in figures if f.text == "198.5亿元")
    assert (gdp.metric, gdp.year, gdp.locator) == ("gdp", 2025, "para 4")
    target = next(f for f in figures if f.text == "6%左右")
    assert (target.stance, target.year, target.qualifier) == ("target", 2026, "about")


def test_a_damaged_docx_is_one_line(tmp_path):
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document><broken")
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert "Word" in info.value.reason and "\n" not in info.value.reason


# ------------------------------------------------------------------------------------------ the run


def test_a_run_reads_every_format_and_lists_each_in_documents_csv(tmp_path):
    import pandas as pd

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "bulletin.html").write_bytes(GBK_PAGE.encode("gbk"))
    (raw / "report.txt").write_bytes(REPORT.encode("gb18030").replace(b"\r\n", b"\n"))
    make_docx(raw / "report.docx")
    (raw / "gone.html").write_text("<html><head><title>404</title></head><body>页面不存在</body></html>")
    (raw / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    rows = [("bulletin", "bulletin.html", "2026", "2025", "stats-bulletin"),
            ("report", "report.txt", "2016", "2015", "gov-report"),
            ("word", "report.docx", "2026", "2025", "gov-report"),
            ("gone", "gone.html", "2026", "2025", "stats-bulletin"),
            ("old", "old.doc", "2026", "2025", "gov-report")]
    (raw / "catalog.csv").write_text("doc_id,file,region,published,covers,doctype\n" + "".join(
        f"{d},{f},海拉尔区,{p},{c},{t}\n" for d, f, p, c, t in rows), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "extract", "run", "--raw", str(raw), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr  # two documents fail, alone
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False).set_index("doc_id")
    assert documents.loc[["bulletin", "report", "word"], "format"].tolist() == ["html", "txt", "docx"]
    assert documents.loc["bulletin", "tables"] == "1" and documents.loc["bulletin", "pages"] == "0"
    assert documents.loc[["bulletin", "report", "word"], "status"].tolist() == ["ok"] * 3
    assert int(documents.loc["report", "figures"]) > 0 and int(documents.loc["report", "classified"]) > 0
    assert documents.loc["gone", "status"] == "error" and "error page" in documents.loc["gone", "message"]
    assert documents.loc["old", "status"] == "error" and ".doc/.wps" in documents.loc["old", "message"]
    figures = pd.read_parquet(out / "figures.parquet")
    assert set(figures["doc_id"]) == {"bulletin", "report", "word"}
    assert figures["page"].isna().all() and figures["locator"].str.fullmatch(r"para \d+").all()
    # reviewfigs show: the document's paragraphs as an HTML page, every figure highlighted with its labels
    page = tmp_path / "report.html"
    shown = subprocess.run([sys.executable, "-m", "extract", "show", "report", "--processed", str(out), "--raw",
                            str(raw), "--out", str(page)], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    html = page.read_text(encoding="utf-8")
    n_report = int(documents.loc["report", "figures"])
    assert html.count("<mark ") == n_report and f"{n_report} figure(s) highlighted" in shown.stdout
    assert 'title="28,790,000,000 元 · metric: gdp · stance: actual · year: 2015' in html
    assert "para 1" in html and "<script" not in html


def test_corrections_name_a_figure_of_a_document_without_pages_by_locator():
    figures = [{"doc_id": "r", "page": None, "locator": "para 3", "text": "12.1%", "metric": "", "period": "2015"},
               {"doc_id": "r", "page": None, "locator": "para 5", "text": "12.1%", "metric": "", "period": "2015"}]
    fix = Correction(row=2, action="fix", doc_id="r", page=None, text="12.1%", changes={"metric": "gdp_growth"},
                     reason="five-year average", author="t", locator="para 5")
    out, stale = apply_corrections(figures, [fix], {"r": {"doc_id": "r"}})
    assert not stale and [f["metric"] for f in out] == ["", "gdp_growth"]
    gone = Correction(row=3, action="drop", doc_id="r", page=None, text="12.1%", reason="x", author="t",
                      locator="para 9")
    _out, stale = apply_corrections(figures, [gone], {"r": {"doc_id": "r"}})
    assert stale and "at para 9" in stale[0][1]


def test_notebook_01_shows_a_document_without_pages_inline(tmp_path):
    from extract.charts import params, show

    path = _write(tmp_path, "report.txt", REPORT.encode("gb18030"))
    p = params.document_params(figures=str(tmp_path / "figs"), pdf=str(path))
    result = show.document_report(p)
    assert not result["pages"] and result["document_html"].count("<mark ") == len(result["figures"]) > 0
    assert (result["folder"] / "document.html").is_file()
    assert "locator" in show.TABLE_COLUMNS and result["figures"]["locator"].str.startswith("para ").all()
