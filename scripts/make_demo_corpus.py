"""Write the bundled demo corpus: small PDFs written for this project, plus raw/catalog.csv.

The sentences are our own; the figures they state are real published figures, each document citing the
address it was taken from (../shared/corpus/leads/PAGES_LEADS.csv) in the catalog's `source` column.
Two layouts: an A4 official layout (running header, "— n —" page numbers) and a newspaper page with a
masthead line, a title spanning the columns and four text columns.

Output is deterministic (reportlab ``invariant=1``, no dates or random ids), so rerunning the script
reproduces the committed files byte for byte:

    python scripts/make_demo_corpus.py raw
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.safety import atomic_write_bytes

FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without shipping a font file
CATALOG_COLUMNS = ["doc_id", "file", "region", "admin_level", "adcode", "published", "covers", "doctype",
                   "source", "notes"]
DEMO_NOTE = "演示文档：为本项目撰写的句子，引用公开发布的数字（来源见 source）"
TARGET_NOTE = "；预期目标一句为演示而写，并非公开发布的目标"
# A line must not start with these (simple kinsoku): they are pulled back onto the previous line.
NO_LINE_START = "，。、；：？！）》」』”’%"
NUMBER_CHARS = "0123456789."


@dataclass
class DemoDoc:
    doc_id: str
    region: str
    admin_level: str
    adcode: str
    published: int
    covers: str
    doctype: str
    source: str
    layout: str  # "official" | "newspaper"
    header: str  # running header (official) or page label (newspaper)
    title: str
    subtitle: str
    paragraphs: list[str] = field(default_factory=list)
    notes: str = ""
    date: str = ""  # newspaper issue date as printed in the page header


DOCS: list[DemoDoc] = [
    DemoDoc(
        "yiwu_2020_npc-report", "义乌市", "county", "330782", 2020, "2019", "npc-report",
        "http://news.zgyww.cn/system/2020/02/25/010181266.shtml", "official",
        "演示文档 · 义乌市人民代表大会常务委员会工作报告",
        "义乌市人民代表大会常务委员会工作报告（演示）",
        "——关于2019年工作的回顾",
        [
            "一、过去一年的主要工作",
            "2019年，市人大常委会围绕全市中心工作依法履职，把监督重点放在群众关心的问题上。",
            "全年召开常委会会议12次，召开主任会议17次，作出决定决议19项，依法任免国家机关工作人员136人次。",
            "常委会听取和审议专项工作报告37个，组织视察、督查和执法检查14次，向“一府一委两院”交办审议意见23份，"
            "并逐项跟踪办理情况。",
            "二、代表工作",
            "常委会坚持把代表工作作为基础性工作来抓，完善联系代表制度，组织代表参加集中视察和专题调研，"
            "推动代表建议从“办理”走向“办好”。",
            "常委会还通过座谈走访等方式听取基层意见，把代表提出的问题分门别类交给承办单位，"
            "并在年中和年末两次听取办理情况汇报，督促承办单位把答复变成实际行动。",
            "代表们普遍反映，联系群众的渠道更畅通了，反映问题更有底气了，提出的建议也更加具体可行。",
            "三、自身建设",
            "常委会重视学习和调查研究，坚持重大事项集体讨论，机关工作作风进一步转变，"
            "为依法履职提供了有力保障。",
            "四、今年的主要任务",
            "今年，常委会将继续聚焦高质量发展，加强对预算执行和重大项目的监督，办好人民满意的实事。",
            "常委会将进一步改进审议方式，提高审议意见的针对性，让监督更加务实管用。",
        ],
    ),
    DemoDoc(
        "yiwu_2023_npc-report", "义乌市", "county", "330782", 2023, "2022", "npc-report",
        "http://mamigai.com/article-103836-1.html", "newspaper",
        "第3版 · 两会特刊",
        "市人大常委会：依法履职 一年交出监督答卷",
        "——义乌市人大常委会2022年工作回眸（演示）",
        [
            "2022年，义乌市人大常委会坚持依法监督、正确监督、有效监督，全年召开常委会会议9次，作出决定决议17项，"
            "依法任免国家机关工作人员154人次。",
            "在监督工作方面，常委会听取和审议专项工作报告24个，开展视察、督查和执法检查12次，形成审议意见21份，"
            "对重点意见实行清单化跟踪。",
            "常委会还配合全国人大常委会开展调研3次，把基层群众的意见建议原汁原味地带上去。",
            "新的一年，常委会将把更多精力放在民生实事项目的监督上，让每一项决定都能落地见效。",
        ],
        date="2023年2月3日 星期五",
    ),
    DemoDoc(
        "yuyao_2022_npc-review", "余姚市", "county", "330281", 2022, "2017-2021", "npc-review",
        "http://rd.yy.gov.cn/art/2022/2/16/art_1229604111_1913.html", "official",
        "演示文档 · 余姚市人大常委会工作报告",
        "余姚市人民代表大会常务委员会工作报告（演示）",
        "——过去五年工作回顾",
        [
            "一、过去五年的工作回顾",
            "本届常委会任期内，始终坚持党的领导、人民当家作主和依法治国有机统一，各项工作取得新的进展。",
            "五年来，共召开常委会会议36次、主任会议75次，听取审议专项工作报告152项，组织视察、执法检查和专题询问32次，"
            "依法任免国家机关工作人员447人次。",
            "常委会把监督和支持结合起来，既指出问题，也帮助解决问题，推动了一批事关长远的工作。",
            "在立法和重大事项决定方面，常委会坚持调查在前、论证在先，广泛听取各方面意见，"
            "使作出的每一项决定都经得起实践检验。",
            "在代表工作方面，常委会完善代表联系群众的平台，组织代表开展多种形式的履职活动，"
            "代表履职的积极性和实效性不断提高。",
            "在自身建设方面，常委会坚持把学习放在首位，健全议事规则和工作制度，"
            "机关服务保障能力进一步增强。",
            "二、今后工作的建议",
            "建议新一届常委会继续加强监督工作，完善代表履职服务保障，不断提高依法履职水平。",
        ],
    ),
    DemoDoc(
        "shaoxing_2018_npc-report", "绍兴市", "city", "330600", 2018, "2017", "npc-report",
        "https://dingweiduanxin.com/html/art2018411art_1499306_18350676.html", "official",
        "演示文档 · 绍兴市人大常委会工作报告",
        "绍兴市人民代表大会常务委员会工作报告（演示）",
        "——关于2017年工作的回顾",
        [
            "一、2017年的主要工作",
            "2017年，常委会全年召开常委会会议12次、主任会议22次，听取审议专项报告26个，制定地方性法规2部。",
            "常委会组织专题视察9次，对6部法律法规的实施情况开展检查，作出决议决定16项，依法任免国家机关工作人员81人次。",
            "二、2018年的主要任务",
            "今年，常委会将继续推进地方立法，加强对法律法规实施情况的检查，进一步密切同人大代表和人民群众的联系。",
        ],
    ),
    DemoDoc(
        "fuyang_2025_npc-report", "富阳区", "county", "330111", 2025, "2024", "npc-report",
        "http://www.fuyangtv.com/folder27662/folder27683/2025-06-12/2980007.html", "official",
        "演示文档 · 杭州市富阳区人大常委会工作报告",
        "杭州市富阳区人民代表大会常务委员会工作报告（演示）",
        "——关于2024年工作的回顾",
        [
            "一、2024年工作回顾",
            "2024年，区人大常委会全年召开常委会会议9次、主任会议16次，听取审议专项报告14个，提出审议意见9份。",
            "常委会作出决议决定17项，依法任免国家机关工作人员69人次，确保人事任免工作依法有序进行。",
            "二、2025年工作安排",
            "今年，常委会将围绕全区重点工作开展监督，持续提升代表工作质效。",
        ],
    ),
    DemoDoc(
        "jinhua_2007_gov-report", "金华市", "city", "330700", 2007, "2006", "gov-report",
        "http://yabaichina.com/gzbg/1070.html", "official",
        "演示文档 · 金华市政府工作报告",
        "金华市政府工作报告（演示）",
        "——2006年工作回顾",
        [
            "一、2006年工作回顾",
            "2006年，全市经济保持平稳较快发展。全年实现生产总值1228.6亿元，比上年增长13.3%。",
            "财政总收入150.7亿元，增长21.2%；全社会固定资产投资505亿元；进出口总额61.7亿美元。",
            "城镇居民人均可支配收入17806元，农民人均纯收入6137元，人口自然增长率为4.18‰。",
        ],
    ),
    DemoDoc(
        "jinhua_2016_stats-bulletin", "金华市", "city", "330700", 2016, "2015", "stats-bulletin",
        "http://xiaomonv0755.com/tjgb/11zj/32670.html", "official",
        "演示文档 · 金华市国民经济和社会发展统计公报",
        "2015年金华市国民经济和社会发展统计公报（演示）",
        "金华市统计局",
        [
            "一、综合",
            "初步核算，2015年全市实现地区生产总值3406.48亿元，按可比价格计算，比上年增长7.8%。",
            "其中，第一产业增加值141.21亿元，第二产业增加值1538.94亿元，第三产业增加值1726.33亿元。",
            "按户籍人口计算，全市人均地区生产总值71478元。全年市区居民消费价格比上年上涨1.2%。",
        ],
    ),
    DemoDoc(
        "jinhua_2024_stats-bulletin", "金华市", "city", "330700", 2024, "2023", "stats-bulletin",
        "http://m.xiaomonv0755.com/tjgb/11zj/37971.html", "official",
        "演示文档 · 金华市国民经济和社会发展统计公报",
        "2023年金华市国民经济和社会发展统计公报（演示）",
        "金华市统计局",
        [
            "一、综合",
            "2023年，全市实现地区生产总值6011.27亿元，按可比价格计算，比上年增长6.8%。",
            "分产业看，第一产业增加值156.41亿元，第二产业增加值2367.41亿元，第三产业增加值3487.45亿元。",
            "按户籍人口计算，全市人均地区生产总值84133元。",
            "二、财政",
            "全年一般公共预算收入525.80亿元，比上年增长7.5%，其中税收收入452.48亿元，增长10.3%。",
            "一般公共预算支出848.48亿元，比上年增长2.2%。",
        ],
    ),
    DemoDoc(
        "jinhua_2025_gov-report", "金华市", "city", "330700", 2025, "2024", "gov-report",
        "https://epaper.jhnews.com.cn/jhrb//jhrbpaper/pc/con/202501/27/content_495972.html", "newspaper",
        "第1版 · 要闻",
        "金华市政府工作报告摘要（演示）",
        "——2024年回顾与2025年预期目标",
        [
            "过去一年，面对复杂多变的外部环境，全市上下稳住了发展的基本盘。",
            "2024年，全市实现地区生产总值6925.5亿元，比上年增长6.3%。",
            "外贸继续扩大，全年进出口总额8794.9亿元，增长14.3%，其中出口7719.2亿元，增长16.4%；"
            "固定资产投资比上年增长5.3%。",
            "今年主要预期目标：地区生产总值增长6%左右。",
            "围绕这一目标，市政府将抓项目、稳外贸、强创新，确保各项工作开局良好。",
        ],
        notes=TARGET_NOTE,
        date="2025年1月27日 星期一",
    ),
    DemoDoc(
        "yiwu_2016_gov-report", "义乌市", "county", "330782", 2016, "2015", "gov-report",
        "https://um.sanwen.net/subject/xgxpgqqf.html", "official",
        "演示文档 · 义乌市政府工作报告",
        "义乌市政府工作报告（演示）",
        "——2015年工作回顾",
        [
            "一、2015年工作回顾",
            "2015年，全市实现地区生产总值1046亿元，比上年增长9%。",
            "一般公共预算总收入128.3亿元，增长4.6%；固定资产投资512.2亿元，增长16.9%；"
            "社会消费品零售总额529.6亿元，增长13.5%；出口338.6亿美元，增长42.8%。",
            "城镇居民人均可支配收入56586元，农村居民人均可支配收入28433元。",
        ],
    ),
    DemoDoc(
        "yiwu_2018_gov-report", "义乌市", "county", "330782", 2018, "2017", "gov-report",
        "http://news.zgyww.cn/system/2018/02/05/010123204.shtml", "newspaper",
        "第2版 · 两会报道",
        "政府工作报告回顾2017年发展成绩（演示）",
        "——义乌市2017年主要经济指标",
        [
            "2017年，义乌经济运行稳中有进。全年实现地区生产总值1158亿元，增长7.5%。",
            "一般公共预算总收入142.1亿元，地方财政收入85亿元。",
            "城镇居民人均可支配收入66081元，农村居民人均可支配收入33393元，城乡收入差距继续缩小。",
        ],
        date="2018年2月5日 星期一",
    ),
    DemoDoc(
        "yiwu_2019_gov-report", "义乌市", "county", "330782", 2019, "2018", "gov-report",
        "http://news.zgyww.cn/system/2019/01/14/010151665.shtml", "official",
        "演示文档 · 义乌市政府工作报告",
        "义乌市政府工作报告（演示）",
        "——2018年工作回顾",
        [
            "一、2018年工作回顾",
            "2018年，全市实现地区生产总值1239亿元，比上年增长7%，经济总量再上新台阶。",
        ],
    ),
    DemoDoc(
        "dongyang_2025_stats-bulletin", "东阳市", "county", "330783", 2025, "2024", "stats-bulletin",
        "https://tjgb.hongheiku.com/xjtjgb/xj2020/61725.html", "official",
        "演示文档 · 东阳市国民经济和社会发展统计公报",
        "2024年东阳市国民经济和社会发展统计公报（演示）",
        "东阳市统计局",
        [
            "一、综合",
            "2024年，全市实现地区生产总值875.14亿元，按可比价格计算，比上年增长5.4%。",
            "全年新增城镇就业12776人。",
            "二、财政",
            "全年财政总收入128.37亿元，比上年下降12.3%；一般公共预算收入81.33亿元，比上年下降6.9%。",
            "一般公共预算支出122.73亿元，比上年增长8.8%。",
        ],
    ),
    DemoDoc(
        "jindong_2024_stats-bulletin", "金东区", "county", "330703", 2024, "2023", "stats-bulletin",
        "https://tjgb.hongheiku.com/xjtjgb/xj2020/46957.html", "official",
        "演示文档 · 金义新区（金东区）统计公报",
        "2023年金义新区（金东区）国民经济和社会发展统计公报（演示）",
        "金东区统计局",
        [
            "一、综合",
            "2023年，全区实现地区生产总值320.88亿元，按可比价格计算，比上年增长7.0%。",
            "全年财政总收入44.81亿元，增长15.8%；一般公共预算收入30.06亿元，增长10.3%。",
            "全年新增城镇就业10474人。",
        ],
    ),
    DemoDoc(
        "wuyi_2021_stats-bulletin", "武义县", "county", "330723", 2021, "2020", "stats-bulletin",
        "http://wy.jhtmsf.com/News/NewDetail?id=1430", "official",
        "演示文档 · 武义县国民经济和社会发展统计公报",
        "2020年武义县国民经济和社会发展统计公报（演示）",
        "武义县统计局",
        [
            "一、综合",
            "2020年，全县实现地区生产总值271.33亿元，按可比价格计算，比上年增长3.7%。",
            "全年新增城镇就业23560人，城镇登记失业率1.45%。",
        ],
    ),
]


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (first line narrower by ``indent``)."""
    lines: list[str] = []
    line = ""
    room = width - indent
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, FONT, size) > room:
            if ch in NO_LINE_START:  # keep closing punctuation with the character before it
                line += ch
                ch = ""
            elif ch in NUMBER_CHARS and line[-1] in NUMBER_CHARS:
                # Move the whole number to the next line: a demo figure should not be split in two.
                head = line.rstrip(NUMBER_CHARS)
                if head:
                    ch = line[len(head):] + ch
                    line = head
            lines.append(line)
            line = ch
            room = width
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def fitting_size(text: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which ``text`` fits on one line (titles are not wrapped)."""
    while size > 8 and pdfmetrics.stringWidth(text, FONT, size) > width:
        size -= 1
    return size


def is_heading(paragraph: str) -> bool:
    return len(paragraph) < 24 and paragraph[:2] in {f"{n}、" for n in "一二三四五六七八九"}


# --- A4 official layout -----------------------------------------------------------------------------
A4_W, A4_H = A4
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 37 * mm, 35 * mm
BODY_SIZE, BODY_LEAD = 16, 28.9


def official_pdf(doc: DemoDoc, out: Path) -> None:
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(doc.title)
    c.setAuthor("reviewfigs demo corpus")
    width = A4_W - LEFT - RIGHT
    page = 1
    y = A4_H - TOP

    def start_page() -> None:
        c.setFont(FONT, 10.5)
        c.drawCentredString(A4_W / 2, A4_H - 20 * mm, doc.header)
        c.setLineWidth(0.5)
        c.line(LEFT, A4_H - 22 * mm, A4_W - RIGHT, A4_H - 22 * mm)

    def finish_page() -> None:
        nonlocal page, y
        c.setFont(FONT, 14)
        c.drawCentredString(A4_W / 2, 20 * mm, f"— {page} —")
        c.showPage()
        page += 1
        y = A4_H - TOP
        start_page()

    start_page()
    title_size = fitting_size(doc.title, 22, width)
    c.setFont(FONT, title_size)
    c.drawCentredString(A4_W / 2, y, doc.title)
    y -= 40
    c.setFont(FONT, 16)
    c.drawCentredString(A4_W / 2, y, doc.subtitle)
    y -= 2 * BODY_LEAD
    for paragraph in doc.paragraphs:
        heading = is_heading(paragraph)
        lines = wrap(paragraph, BODY_SIZE, width, indent=0 if heading else 2 * BODY_SIZE)
        for i, line in enumerate(lines):
            if y < BOTTOM:
                finish_page()
            c.setFont(FONT, BODY_SIZE)
            x = LEFT + (2 * BODY_SIZE if i == 0 and not heading else 0)
            c.drawString(x, y, line)
            y -= BODY_LEAD
    c.setFont(FONT, 14)
    c.drawCentredString(A4_W / 2, 20 * mm, f"— {page} —")
    c.showPage()
    c.save()


# --- newspaper page ---------------------------------------------------------------------------------
PAPER_W, PAPER_H = A3
P_MARGIN, GUTTER, N_COLUMNS = 15 * mm, 5 * mm, 4
P_SIZE, P_LEAD = 10.5, 16


def newspaper_pdf(doc: DemoDoc, out: Path) -> None:
    c = canvas.Canvas(str(out), pagesize=A3, invariant=1, pageCompression=1)
    c.setTitle(doc.title)
    c.setAuthor("reviewfigs demo corpus")
    left, right = P_MARGIN, PAPER_W - P_MARGIN
    # Page header line: masthead, date, page label, then a rule.
    c.setFont(FONT, 10)
    c.drawString(left, PAPER_H - 12 * mm, "演示日报（演示文档）")
    c.drawCentredString(PAPER_W / 2, PAPER_H - 12 * mm, doc.date)
    c.drawRightString(right, PAPER_H - 12 * mm, doc.header)
    c.setLineWidth(1.2)
    c.line(left, PAPER_H - 14 * mm, right, PAPER_H - 14 * mm)
    # Title and subtitle span every column.
    c.setFont(FONT, fitting_size(doc.title, 30, right - left))
    c.drawCentredString(PAPER_W / 2, PAPER_H - 32 * mm, doc.title)
    c.setFont(FONT, 15)
    c.drawCentredString(PAPER_W / 2, PAPER_H - 42 * mm, doc.subtitle)
    c.setLineWidth(0.5)
    c.line(left, PAPER_H - 47 * mm, right, PAPER_H - 47 * mm)
    # Body flows down column 1, then column 2, ...
    col_w = (right - left - GUTTER * (N_COLUMNS - 1)) / N_COLUMNS
    lines: list[str] = []
    for paragraph in doc.paragraphs:
        lines.extend(wrap(paragraph, P_SIZE, col_w, indent=2 * P_SIZE))
        lines.append("")  # paragraph break, dropped at a column top
    col_top = PAPER_H - 55 * mm
    text_lines = sum(1 for line in lines if line)
    per_column = max(4, -(-text_lines // N_COLUMNS))  # balanced columns, as a short article is set
    col, y, first_in_par, in_column = 0, col_top, True, 0
    c.setFont(FONT, P_SIZE)
    for line in lines:
        if not line:
            first_in_par = True
            continue
        if in_column == per_column and col < N_COLUMNS - 1:
            col, y, in_column = col + 1, col_top, 0
        in_column += 1
        x = left + col * (col_w + GUTTER) + (2 * P_SIZE if first_in_par else 0)
        c.drawString(x, y, line)
        y -= P_LEAD
        first_in_par = False
    for i in range(1, N_COLUMNS):  # thin column rules, as newspapers print them
        x = left + i * (col_w + GUTTER) - GUTTER / 2
        c.line(x, col_top + 10, x, col_top - per_column * P_LEAD)
    c.showPage()
    c.save()


def catalog_row(doc: DemoDoc) -> dict[str, str]:
    return {
        "doc_id": doc.doc_id, "file": f"{doc.doc_id}.pdf", "region": doc.region,
        "admin_level": doc.admin_level, "adcode": doc.adcode, "published": str(doc.published),
        "covers": doc.covers, "doctype": doc.doctype, "source": doc.source,
        "notes": f"{DEMO_NOTE}；{'A4 公文版式' if doc.layout == 'official' else '报纸版面（四栏）'}{doc.notes}",
    }


def render(doc: DemoDoc) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "doc.pdf"
        (official_pdf if doc.layout == "official" else newspaper_pdf)(doc, out)
        return out.read_bytes()


def make_corpus(out_dir: Path) -> list[Path]:
    """Write every demo PDF and catalog.csv into ``out_dir``; returns the written paths."""
    register_font()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in DOCS:
        path = out_dir / f"{doc.doc_id}.pdf"
        atomic_write_bytes(path, render(doc))
        written.append(path)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CATALOG_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(catalog_row(d) for d in DOCS)
    catalog = out_dir / "catalog.csv"
    atomic_write_bytes(catalog, buf.getvalue().encode("utf-8"))
    written.append(catalog)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="raw", help="folder to write (default: raw)")
    args = parser.parse_args(argv)
    paths = make_corpus(Path(args.out_dir))
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths) - 1} PDFs and catalog.csv to {args.out_dir} ({total / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
