"""extract.grammar.labels: subject, metric, stance, year and period of the figures of one sentence.

Table-driven on real sentences of the kinds the project reads (政府工作报告, 人大常委会工作报告/综述,
统计公报), through the real quantity grammar.
"""

from __future__ import annotations

import pytest

from extract.grammar.labels import (
    Context,
    TimeRef,
    classify_metric,
    heading_time,
    label_sentence,
    opens_passage,
    passage_continues,
    plan_span,
    split_list_subject,
    time_refs,
)
from extract.grammar.quantity import find_quantities
from extract.model import DocMeta

PROVINCE_2026 = DocMeta(region="浙江省", published=2026, covers="2025", doctype="gov-report")
NATION_2016 = DocMeta(region="中华人民共和国", published=2016, covers="2015", doctype="gov-report")
NPC_REVIEW = DocMeta(region="永康市", published=2021, covers="2017-2021", doctype="npc-review")
BULLETIN = DocMeta(region="东阳市", published=2025, covers="2024", doctype="stats-bulletin")
NPC_REPORT = DocMeta(region="武义县", published=2025, covers="2024", doctype="npc-report")


def labelled(sentence: str, meta: DocMeta, headings=(), before: str = "") -> dict[str, tuple]:
    """{figure text: (subject, metric, stance, year, period)} for every figure of the sentence."""
    quantities = find_quantities(sentence)
    labels = label_sentence(sentence, quantities, Context(meta=meta, headings=list(headings), before=before))
    return {q.text: (lab.subject, lab.metric, lab.stance, lab.year, lab.period) for q, lab in zip(quantities, labels, strict=True)}


CASES = [
    # growth of a level stated just before: the subject is what grew, not 增长
    ("全省地区生产总值5.3万亿元、增长5.5%，规上工业增加值增长9.4%。", PROVINCE_2026, {
        "5.3万亿元": ("全省地区生产总值", "gdp", "actual", 2025, "2025"),
        "5.5%": ("全省地区生产总值", "gdp_growth", "actual", 2025, "2025"),
        "9.4%": ("规上工业增加值", "industry_value_added_above_scale_growth", "actual", 2025, "2025"),
    }),
    # distributive lists: one subject per figure
    ("城镇、农村常住居民人均可支配收入分别增长4.4%、5.9%。", PROVINCE_2026, {
        "4.4%": ("城镇常住居民人均可支配收入", "urban_income_growth", "actual", 2025, "2025"),
        "5.9%": ("农村常住居民人均可支配收入", "rural_income_growth", "actual", 2025, "2025"),
    }),
    ("城镇和农村居民人均可支配收入分别增长4.3%、5.5%。", PROVINCE_2026, {
        "4.3%": ("城镇居民人均可支配收入", "urban_income_growth", "actual", 2025, "2025"),
        "5.5%": ("农村居民人均可支配收入", "rural_income_growth", "actual", 2025, "2025"),
    }),
    ("城乡居民人均可支配收入分别达6.9万元、3.4万元，增长4.2%、5.3%。", PROVINCE_2026, {
        "6.9万元": ("城镇居民人均可支配收入", "urban_income", "actual", 2025, "2025"),
        "3.4万元": ("农村居民人均可支配收入", "rural_income", "actual", 2025, "2025"),
        "4.2%": ("城镇居民人均可支配收入", "urban_income_growth", "actual", 2025, "2025"),
        "5.3%": ("农村居民人均可支配收入", "rural_income_growth", "actual", 2025, "2025"),
    }),
    # targets: an opener, a cue verb, a figure followed by 的预期目标; 今年 resolves against published
    ("今年经济社会发展的主要预期目标是：全省地区生产总值增长5%左右，在实际工作中努力争取更好结果；", PROVINCE_2026, {
        "5%左右": ("全省地区生产总值", "gdp_growth", "target", 2026, "2026"),
    }),
    ("确保城镇新增就业100万人以上，零就业家庭动态清零。", PROVINCE_2026, {
        "100万人以上": ("城镇新增就业", "urban_jobs_new", "target", 2025, "2025"),
    }),
    # 目标 after the figure, as what was beaten, is no target cue
    ("城镇新增就业1312万人，超过全年预期目标。", NATION_2016, {
        "1312万人": ("城镇新增就业", "urban_jobs_new", "actual", 2015, "2015"),
    }),
    # people's congress activities: the activity is the subject, the agent is dropped; 五年来 is the span
    ("开展法律法规执法检查15次，协助上级人大开展立法调研36次。", NPC_REVIEW, {
        "15次": ("开展法律法规执法检查", "npc_law_enforcement_inspections", "actual", 2021, "2017-2021"),
        "36次": ("开展立法调研", "npc_legislative_research", "actual", 2021, "2017-2021"),
    }),
    ("2021年，组织全体市人大代表对36家部门单位和23家银行机构开展集中测评。", NPC_REVIEW, {
        "36家": ("部门单位", "", "actual", 2021, "2021"),
        "23家": ("银行机构", "", "actual", 2021, "2021"),
    }),
    ("五年来，各级人大代表、议政会成员共进站接访群众8900余人次，协调解决问题1810件。", NPC_REVIEW, {
        "8900余人次": ("进站接访群众", "npc_constituents_received", "actual", 2021, "2017-2021"),
        "1810件": ("协调解决问题", "npc_problems_resolved", "actual", 2021, "2017-2021"),
    }),
    # statistics bulletin phrasing (documents the tests never saw are of this kind)
    ("全县实现地区生产总值385.6亿元，按可比价格计算，比上年增长6.8%。", BULLETIN, {
        "385.6亿元": ("全县地区生产总值", "gdp", "actual", 2024, "2024"),
        "6.8%": ("全县地区生产总值", "gdp_growth", "actual", 2024, "2024"),
    }),
    ("全年一般公共预算收入52.3亿元，比上年下降2.1%。", BULLETIN, {
        "52.3亿元": ("一般公共预算收入", "budget_revenue", "actual", 2024, "2024"),
        "2.1%": ("一般公共预算收入", "budget_revenue_growth", "actual", 2024, "2024"),
    }),
    ("全年居民消费价格比上年上涨0.3%。", BULLETIN, {
        "0.3%": ("居民消费价格", "cpi_growth", "actual", 2024, "2024"),
    }),
    ("城镇常住居民人均可支配收入78650元，增长4.5%；", BULLETIN, {
        "78650元": ("城镇常住居民人均可支配收入", "urban_income", "actual", 2024, "2024"),
        "4.5%": ("城镇常住居民人均可支配收入", "urban_income_growth", "actual", 2024, "2024"),
    }),
    ("全年全县实现地区生产总值（GDP）275.14亿元，按可比价计算，比上年增长5.4%。", BULLETIN, {
        "275.14亿元": ("全县地区生产总值（GDP）", "gdp", "actual", 2024, "2024"),
        "5.4%": ("全县地区生产总值（GDP）", "gdp_growth", "actual", 2024, "2024"),
    }),
    ("货物进出口总额820亿元，其中出口620亿元，增长12%。", BULLETIN, {
        "820亿元": ("货物进出口总额", "imports_exports", "actual", 2024, "2024"),
        "620亿元": ("出口", "exports", "actual", 2024, "2024"),
        "12%": ("出口", "exports_growth", "actual", 2024, "2024"),
    }),
    # a county people's congress report
    ("全年共召开常委会会议8次、主任会议15次，听取和审议专项工作报告21个。", NPC_REPORT, {
        "8次": ("召开常委会会议", "npc_sessions", "actual", 2024, "2024"),
        "15次": ("主任会议", "npc_chair_meetings", "actual", 2024, "2024"),
        "21个": ("听取和审议专项工作报告", "npc_work_reports_reviewed", "actual", 2024, "2024"),
    }),
    ("作出决议决定12项，任免国家机关工作人员86人次，办理代表建议意见208件。", NPC_REPORT, {
        "12项": ("作出决议决定", "npc_resolutions", "actual", 2024, "2024"),
        "86人次": ("任免国家机关工作人员", "npc_appointments", "actual", 2024, "2024"),
        "208件": ("办理代表建议意见", "npc_deputy_suggestions", "actual", 2024, "2024"),
    }),
    ("开展专题询问2次，接待群众来访320人次，建成代表联络站32个。", NPC_REPORT, {
        "2次": ("开展专题询问", "npc_special_inquiries", "actual", 2024, "2024"),
        "320人次": ("接待群众来访", "npc_constituents_received", "actual", 2024, "2024"),
        "32个": ("建成代表联络站", "npc_liaison_stations", "actual", 2024, "2024"),
    }),
    ("2025年，计划召开常委会会议8次。", NPC_REPORT, {
        "8次": ("召开常委会会议", "npc_sessions", "target", 2025, "2025"),
    }),
    # a difference is not the level
    ("城镇新增就业预期目标比去年多100万人，突出了更加重视就业的导向。", NATION_2016, {
        "100万人": ("城镇新增就业", "", "target", 2015, "2015"),
    }),
    # per-head output is its own measure; a named subset of exports stays unclassified: never a guess
    ("人均地区生产总值达16.7万元，机电产品出口增长12%。", PROVINCE_2026, {
        "16.7万元": ("人均地区生产总值", "gdp_per_capita", "actual", 2025, "2025"),
        "12%": ("机电产品出口", "", "actual", 2025, "2025"),
    }),
    # averages run over the span; 从X提高到Y: X is the year before the period
    ("“十四五”期间，全省生产总值年均增长5.9%。", PROVINCE_2026, {
        "5.9%": ("全省生产总值", "gdp_growth", "actual", 2025, "2021-2025"),
    }),
    ("一般公共预算收入从7248亿元提高到8865亿元。", PROVINCE_2026, {
        "7248亿元": ("一般公共预算收入", "budget_revenue", "actual", 2024, "2024"),
        "8865亿元": ("一般公共预算收入", "budget_revenue", "actual", 2025, "2025"),
    }),
]


@pytest.mark.parametrize(("sentence", "meta", "expected"), CASES, ids=[c[0][:16] for c in CASES])
def test_labels_of_sentence(sentence, meta, expected):
    assert_labels(sentence, meta, expected)


def assert_labels(sentence: str, meta: DocMeta, expected: dict[str, tuple]) -> None:
    got = labelled(sentence, meta)
    for text, labels in expected.items():
        assert got.get(text) == labels, f"{text}: {got.get(text)}"


def test_heading_year_in_the_future_makes_targets():
    got = labelled("城镇新增就业60万人以上。", PROVINCE_2026, headings=[(1, "三、2026年主要任务")])
    assert got["60万人以上"][2:] == ("target", 2026, "2026")


def test_heading_year_of_the_review_keeps_results():
    got = labelled("全省生产总值增长5.5%。", PROVINCE_2026, headings=[(1, "一、2025年工作回顾")])
    assert got["5.5%"][1:] == ("gdp_growth", "actual", 2025, "2025")


def test_plan_heading_sets_the_plan_span():
    got = labelled("研发投入强度达到3.5%。", PROVINCE_2026, headings=[(1, "二、“十五五”时期的主要目标任务")])
    assert got["3.5%"][2:] == ("target", 2030, "2026-2030")


def test_paragraph_opening_year_carries_to_later_sentences():
    got = labelled("全省生产总值增长5.5%。", PROVINCE_2026, before="2024年是极不平凡的一年。")
    assert got["5.5%"][3:] == (2024, "2024")
    # a year named in passing (not opening its sentence) does not
    got = labelled("全省生产总值增长5.5%。", PROVINCE_2026, before="我们圆满完成了省委确定的2024年各项任务。")
    assert got["5.5%"][3:] == (2025, "2025")


def test_vocative_before_the_opening_time_is_skipped():
    got = labelled("全省生产总值增长5.3%。", PROVINCE_2026, before="各位代表，刚刚过去的2024年，极不平凡。")
    assert got["5.3%"][3] == 2024


def test_open_target_passage_makes_following_sentences_targets():
    meta = PROVINCE_2026
    quantities = find_quantities("居民消费价格涨幅2%左右；")
    ctx = Context(meta=meta, passage=True, passage_time=TimeRef(2026, 2026))
    (label,) = label_sentence("居民消费价格涨幅2%左右；", quantities, ctx)
    assert (label.metric, label.stance, label.year) == ("cpi_growth", "target", 2026)


@pytest.mark.parametrize(("sentence", "opens", "continues"), [
    ("今年经济社会发展主要预期目标为：全省生产总值增长5%—5.5%；", True, True),
    ("今年的主要目标是：", True, True),
    ("全省生产总值增长5.5%。", False, False),
    ("圆满完成全年主要目标任务，全省生产总值增长5.5%。", False, False),
])
def test_target_passages(sentence, opens, continues):
    assert opens_passage(sentence) is opens
    assert passage_continues(sentence) is continues


@pytest.mark.parametrize(("text", "meta", "expected"), [
    ("2021年，在全省率先开展", NPC_REVIEW, [TimeRef(2021, 2021)]),
    ("五年来，市人大常委会", NPC_REVIEW, [TimeRef(2017, 2021)]),
    ("过去五年，我们", NPC_REVIEW, [TimeRef(2017, 2021)]),
    ("“十四五”期间，全省", PROVINCE_2026, [TimeRef(2021, 2025)]),
    ("今年是“十五五”开局之年", PROVINCE_2026, [TimeRef(2026, 2026)]),
    ("去年财政赤字控制在预算范围内", PROVINCE_2026, [TimeRef(2025, 2025)]),
    ("2021—2025年累计完成", PROVINCE_2026, [TimeRef(2021, 2025)]),
    # comparison bases, titles and counted repetitions are not the figure's time
    ("比2020年增长10%", PROVINCE_2026, []),
    ("《国土空间总体规划》（2020—2035）编制", NPC_REVIEW, []),
    ("连续三年采用第三方评估", NPC_REVIEW, []),
    ("启动面向2030年的科技创新重大项目", PROVINCE_2026, []),
    ("湖体平均水质30年来首次达到良好", PROVINCE_2026, []),
    ("各位代表，刚刚过去的2025年", PROVINCE_2026, [TimeRef(2025, 2025)]),
])
def test_time_refs(text, meta, expected):
    assert [ref for _, ref in time_refs(text, meta)] == expected


def test_funds_obtained_in_a_review_are_results():
    got = labelled("争取中央预算内投资237亿元。", PROVINCE_2026, headings=[(1, "一、2025年工作回顾")])
    assert got["237亿元"][2:] == ("actual", 2025, "2025")


def test_heading_of_a_plans_first_year():
    assert heading_time("三、一鼓作气勇争先，全力推动“十五五”开好局、起好步", PROVINCE_2026) == TimeRef(2026, 2026)


def test_heading_time_prefers_the_explicit_year():
    assert heading_time("一、2025年主要工作和“十四五”发展成就", PROVINCE_2026) == TimeRef(2025, 2025)
    assert heading_time("一、过去五年工作回顾", DocMeta(published=2018, covers="2013-2017")) == TimeRef(2013, 2017)
    assert heading_time("坚持党的领导", NPC_REVIEW) is None


def test_without_covers_an_annual_report_reviews_the_year_before_it_was_published():
    meta = DocMeta(published=2025, doctype="gov-report")
    got = labelled("全市生产总值增长6.3%，今年力争增长6%左右。", meta)
    assert got["6.3%"][2:4] == ("actual", 2024) and got["6%左右"][2:4] == ("target", 2025)


def test_text_in_traditional_script_is_labelled_alike():
    meta = DocMeta(region="义乌市", published=2023, covers="2022", doctype="npc-report")
    got = labelled("全年共召開常委會會議9次，作出決定決議17項。", meta)
    assert got["9次"][1] == "npc_sessions" and got["17項"][1] == "npc_resolutions"
    got = labelled("今年經濟社會發展的主要預期目標是：地區生產總值增長6%左右；", meta)
    assert got["6%左右"][1:4] == ("gdp_growth", "target", 2023)


def test_plan_span():
    assert plan_span(14) == TimeRef(2021, 2025)
    assert plan_span(15) == TimeRef(2026, 2030)
    assert plan_span(13) == TimeRef(2016, 2020)


@pytest.mark.parametrize(("subject", "n", "expected"), [
    ("城镇、农村常住居民人均可支配收入", 2, ["城镇常住居民人均可支配收入", "农村常住居民人均可支配收入"]),
    ("城镇居民、农村居民人均可支配收入", 2, ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
    ("城乡居民人均可支配收入", 2, ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
    ("工业战略性新兴产业、高新技术产业产值", 3, None),
])
def test_split_list_subject(subject, n, expected):
    assert split_list_subject(subject, n) == expected


@pytest.mark.parametrize(("subject", "unit", "change", "doctype", "expected"), [
    ("全省生产总值", "元", False, "gov-report", "gdp"),
    ("全省生产总值", "%", True, "gov-report", "gdp_growth"),
    ("全省生产总值", "%", False, "gov-report", ""),  # a share, not a growth rate
    ("浙江省地区生产总值", "元", False, "gov-report", "gdp"),  # the document's region as scope
    ("中西部地区生产总值比重", "%", True, "gov-report", ""),
    ("“新三样”出口", "元", False, "gov-report", ""),
    ("开展执法检查", "次", False, "npc-report", "npc_law_enforcement_inspections"),
    ("化解各类矛盾纠纷", "件", False, "gov-report", ""),  # npc metrics only in npc documents
    ("交办问题", "个", False, "npc-review", ""),
    ("物价涨幅", "%", False, "gov-report", "cpi_growth"),
    ("全口径财政收入", "元", False, "gov-report", "total_fiscal_revenue"),  # includes the centre's share
    ("财政总收入", "%", True, "stats-bulletin", "total_fiscal_revenue_growth"),
    ("地方财政收入", "元", False, "gov-report", "budget_revenue"),
])
def test_classify_metric(subject, unit, change, doctype, expected):
    assert classify_metric(subject, unit, change, region="浙江省", doctype=doctype) == expected


# --- issue 15: labelling rules, one table row per rule (sentences written for the rule) -----------------------
BUDGET_2024 = DocMeta(region="临安县", published=2024, covers="2023", doctype="budget-report")
ACCOUNTS_2023 = DocMeta(region="临安县", published=2024, covers="2023", doctype="final-accounts")
CITY_2026 = DocMeta(region="衢州市", published=2026, covers="2025", doctype="gov-report")

RULE_CASES = [
    # 收入总计 (revenue plus transfers) and 支出合计 are account totals, not the budget revenue/expenditure
    ("全县一般公共预算收入总计52.6亿元，其中：一般公共预算收入20.1亿元、上级补助收入25.3亿元。", ACCOUNTS_2023, {
        "52.6亿元": ("全县一般公共预算收入总计", "", "actual", 2023, "2023"),
        "20.1亿元": ("一般公共预算收入", "budget_revenue", "actual", 2023, "2023"),
        "25.3亿元": ("上级补助收入", "transfer_revenue", "actual", 2023, "2023"),
    }),
    ("全县一般公共预算支出合计48.2亿元。", ACCOUNTS_2023, {
        "48.2亿元": ("全县一般公共预算支出合计", "", "actual", 2023, "2023"),
    }),
    # a clause relating the figure to a base is a ratio of the measure before it; the growth after it is
    # that measure's growth
    ("税收收入8.2亿元，完成年度预算的104.3%，增长6.5%。", ACCOUNTS_2023, {
        "8.2亿元": ("税收收入", "tax_revenue", "actual", 2023, "2023"),
        "104.3%": ("税收收入完成年度预算", "", "actual", 2023, "2023"),
        "6.5%": ("税收收入", "tax_revenue_growth", "actual", 2023, "2023"),
    }),
    ("非税收入3.1亿元，为调整预算的97.2%，下降2.4%，占一般公共预算收入的比重为27.4%。", ACCOUNTS_2023, {
        "2.4%": ("非税收入", "non_tax_revenue_growth", "actual", 2023, "2023"),
        "27.4%": ("非税收入占一般公共预算收入的比重", "", "actual", 2023, "2023"),
    }),
    # a level listed after its growth rate is a level of the same measure
    ("全县生产总值增长6.8%、约320亿元。", BULLETIN, {
        "6.8%": ("全县生产总值", "gdp_growth", "actual", 2024, "2024"),
        "约320亿元": ("全县生产总值", "gdp", "actual", 2024, "2024"),
    }),
    # budget facets: the budgeted amount is a target of its year, what was done is the result
    ("2023年全县一般公共预算收入年初预算为30亿元，实际完成31.2亿元，为年初预算的104%，增长8%。", BUDGET_2024, {
        "30亿元": ("全县一般公共预算收入年初预算", "budget_revenue", "target", 2023, "2023"),
        "31.2亿元": ("全县一般公共预算收入", "budget_revenue", "actual", 2023, "2023"),
        "104%": ("全县一般公共预算收入为年初预算", "", "actual", 2023, "2023"),
        "8%": ("全县一般公共预算收入", "budget_revenue_growth", "actual", 2023, "2023"),
    }),
    ("一般公共收入预算1234万元，调整预算数为1200万元，实际完成1250万元，增长3%。", BUDGET_2024, {
        "1234万元": ("一般公共收入预算", "budget_revenue", "target", 2023, "2023"),
        "1200万元": ("一般公共收入调整预算数", "budget_revenue", "target", 2023, "2023"),
        "1250万元": ("一般公共收入", "budget_revenue", "actual", 2023, "2023"),
        "3%": ("一般公共收入", "budget_revenue_growth", "actual", 2023, "2023"),
    }),
    # final accounts quote the budget beside the accounts: the budgeted amount is no metric of theirs
    ("2023年全县一般公共预算收入年初预算为30亿元，实际完成31.2亿元。", ACCOUNTS_2023, {
        "30亿元": ("全县一般公共预算收入年初预算", "", "actual", 2023, "2023"),
        "31.2亿元": ("全县一般公共预算收入", "budget_revenue", "actual", 2023, "2023"),
    }),
    # a growth target worded 预期增长目标为 is a growth rate
    ("2024年全县一般公共预算收入预期增长目标为6%左右。", BUDGET_2024, {
        "6%左右": ("全县一般公共预算收入", "budget_revenue_growth", "target", 2024, "2024"),
    }),
    # footnote marks are not part of the subject
    ("全年地区生产总值[3]1234.5亿元，比上年增长5.1%[4]。", BULLETIN, {
        "1234.5亿元": ("地区生产总值", "gdp", "actual", 2024, "2024"),
        "5.1%": ("地区生产总值", "gdp_growth", "actual", 2024, "2024"),
    }),
    # a clause of predicate and time words has no subject of its own: 增长到2025年的, 稳居全省第二
    ("地区生产总值从2020年的800亿元增长到2025年的1100亿元。", CITY_2026, {
        "800亿元": ("地区生产总值", "gdp", "actual", 2020, "2020"),
        "1100亿元": ("地区生产总值", "gdp", "actual", 2025, "2025"),
    }),
    ("全市地区生产总值稳居全省第二，比上年增长6.1%。", CITY_2026, {
        "6.1%": ("全市地区生产总值", "gdp_growth", "actual", 2025, "2025"),
    }),
    ("地区生产总值连跨两个台阶，年均增长6.2%。", CITY_2026, {
        "6.2%": ("地区生产总值", "gdp_growth", "actual", 2025, "2025"),
    }),
    # a change from the year-end before is the measure's change
    ("年末常住人口512.3万人，比上年末增加1.2万人，城镇化率为68.5%。", BULLETIN, {
        "512.3万人": ("常住人口", "population", "actual", 2024, "2024"),
        "1.2万人": ("常住人口", "", "actual", 2024, "2024"),
        "68.5%": ("城镇化率", "urbanisation_rate", "actual", 2024, "2024"),
    }),
    # measures that count what the clause before named (学校 -> 在校学生)
    ("普通高中45所，在校学生6.2万人，毕业生2.1万人。", BULLETIN, {
        "6.2万人": ("普通高中在校学生", "senior_high_students", "actual", 2024, "2024"),
        "2.1万人": ("普通高中毕业生", "", "actual", 2024, "2024"),
    }),
    # an abbreviated list of three industries
    ("三次产业结构比重分别为4.1%、40.2%和55.7%。", BULLETIN, {
        "4.1%": ("第一产业结构比重", "primary_industry_share", "actual", 2024, "2024"),
        "55.7%": ("第三产业结构比重", "tertiary_industry_share", "actual", 2024, "2024"),
    }),
    # 全国 in a city's report is the nation, not the city
    ("全国居民人均可支配收入增长5.0%，全市居民人均可支配收入增长5.6%。", CITY_2026, {
        "5.0%": ("全国居民人均可支配收入", "", "actual", 2025, "2025"),
        "5.6%": ("全市居民人均可支配收入", "resident_income_growth", "actual", 2025, "2025"),
    }),
    # a note in brackets does not start a clause
    ("广义货币M2（注：按年末余额计）增长8.1%。", CITY_2026, {
        "8.1%": ("广义货币M2（注：按年末余额计）", "m2_growth", "actual", 2025, "2025"),
    }),
]



def test_budget_sections_without_a_year():
    """预算草案 is the coming year's budget (targets); 预算执行 the reviewed year's execution."""
    got = labelled("一般公共预算收入安排32亿元，增长4%左右。", BUDGET_2024, headings=[(1, "二、预算草案")])
    assert got["32亿元"][1:] == ("budget_revenue", "target", 2024, "2024")
    assert got["4%左右"][1:] == ("budget_revenue_growth", "target", 2024, "2024")
    got = labelled("一般公共预算收入完成31亿元。", BUDGET_2024, headings=[(1, "一、预算执行情况")])
    assert got["31亿元"][1:] == ("budget_revenue", "actual", 2023, "2023")
    # a heading without year in another doctype sets nothing
    assert heading_time("二、预算草案", PROVINCE_2026) is None


def test_the_next_years_set_a_future_period():
    meta = NPC_REVIEW  # covers 2017-2021
    assert [r for _, r in time_refs("今后五年，要坚持", meta)] == [TimeRef(2022, 2026)]
    assert heading_time("三、今后五年工作建议", meta) == TimeRef(2022, 2026)
    got = labelled("建成代表联络站20个以上。", meta, headings=[(1, "三、今后五年工作建议")])
    assert got["20个以上"][2:] == ("target", 2026, "2022-2026")


def test_own_level_sections_are_not_the_regions_figures():
    """二、市本级…决算情况: the city government's own level; its figures carry no region metric."""
    own = [(1, "二、市本级一般公共预算收支决算情况"), (2, "（二）收入决算情况")]
    got = labelled("税收收入40亿元，增长3%。", ACCOUNTS_2023, headings=own)
    assert got["40亿元"][1] == "" and got["3%"][1] == ""
    whole = [(1, "一、全市及市本级预算执行情况"), (2, "（一）全市一般公共预算")]
    assert labelled("税收收入40亿元。", ACCOUNTS_2023, headings=whole)["40亿元"][1] == "tax_revenue"
    quantities = find_quantities("税收收入40亿元。")
    (label,) = label_sentence("税收收入40亿元。", quantities, Context(meta=ACCOUNTS_2023, headings=own))
    assert label.subject_key == "本级税收收入"


COUNTY_2014 = DocMeta(region="伊宁市", published=2014, covers="2013", doctype="gov-report")

MORE_RULE_CASES = [
    # a method clause (按可比口径) and 递增 are predicates; the growth is the measure's
    ("一般公共财政预算收入完成9亿元，按可比口径增长6%；", COUNTY_2014, {
        "6%": ("一般公共财政预算收入", "budget_revenue_growth", "actual", 2013, "2013"),
    }),
    ("2013年城镇居民人均可支配收入完成2.1万元，比2008年增加9000元，年均递增11.2%；", COUNTY_2014, {
        "11.2%": ("城镇居民人均可支配收入", "urban_income_growth", "actual", 2013, "2013"),
    }),
    # 区本级 in a government report is the district's statistic
    ("区本级固定资产投资完成80亿元，同比增长9.5%。", COUNTY_2014, {
        "9.5%": ("区本级固定资产投资", "fixed_investment_growth", "actual", 2013, "2013"),
    }),
    # a period that counts what follows it (五年新增就业) is no part of the subject
    ("五年新增就业2.4万人。", COUNTY_2014, {"2.4万人": ("新增就业", "urban_jobs_new", "actual", 2013, "2013")}),
    # per-head income written without 居民 or 人均, and a pastoral county's 农村牧区
    ("城镇人均可支配收入达到2.3万元，农村牧区常住居民人均可支配收入1.6万元。", COUNTY_2014, {
        "2.3万元": ("城镇人均可支配收入", "urban_income", "actual", 2013, "2013"),
        "1.6万元": ("农村牧区常住居民人均可支配收入", "rural_income", "actual", 2013, "2013"),
    }),
]



def _all_rows(sentence: str, meta: DocMeta) -> list[tuple]:
    quantities = find_quantities(sentence)
    rows = []
    for q, label in zip(quantities, label_sentence(sentence, quantities, Context(meta=meta)), strict=True):
        rows += [(q.text, each.subject, each.metric, each.stance) for each in [label, *label.also]]
    return rows


@pytest.mark.parametrize(("sentence", "expected"), [
    # one figure stated for each measure of a list: one row per measure
    ("城乡居民可支配收入增长9%。", [("9%", "城镇居民可支配收入", "urban_income_growth", "actual"),
                                   ("9%", "农村居民可支配收入", "rural_income_growth", "actual")]),
    ("城镇居民人均可支配收入、农村居民人均可支配收入均增长7%。", [
        ("7%", "城镇居民人均可支配收入", "urban_income_growth", "actual"),
        ("7%", "农村居民人均可支配收入", "rural_income_growth", "actual")]),
    ("城镇和农村居民人均可支配收入分别达3.1万元、1.8万元，分别增长6.5%。", [
        ("3.1万元", "城镇居民人均可支配收入", "urban_income", "actual"),
        ("1.8万元", "农村居民人均可支配收入", "rural_income", "actual"),
        ("6.5%", "城镇居民人均可支配收入", "urban_income_growth", "actual"),
        ("6.5%", "农村居民人均可支配收入", "rural_income_growth", "actual")]),
    # an abbreviated pair that names one measure stays one row
    ("城乡建设用地减量约8平方公里。", [("约8平方公里", "城乡建设用地减量", "", "actual")]),
    ("进出口总额增长5%。", [("5%", "进出口总额", "imports_exports_growth", "actual")]),
])
def test_one_figure_for_several_measures(sentence, expected):
    assert _all_rows(sentence, COUNTY_2014) == expected


BULLETIN_RULES = [
    # a dependent measure replaces the measure of the clause before, not adds to it
    ("普通高中招生1.2万人，在校生3.5万人，毕业生1.1万人。", BULLETIN, {
        "1.2万人": ("普通高中招生", "senior_high_enrolment", "actual", 2024, "2024"),
        "3.5万人": ("普通高中在校生", "senior_high_students", "actual", 2024, "2024"),
        "1.1万人": ("普通高中毕业生", "", "actual", 2024, "2024"),
    }),
    ("规模以上工业企业实现营业收入820亿元，增长4.5%；利润总额41亿元，下降2.1%。", BULLETIN, {
        "41亿元": ("规模以上工业企业利润总额", "industrial_profit_above_scale", "actual", 2024, "2024"),
        "2.1%": ("规模以上工业企业利润总额", "industrial_profit_above_scale_growth", "actual", 2024, "2024"),
    }),
    # a figure in brackets restating the one before in other units
    ("全年完成造林面积2.1万公顷(31.5万亩)。", BULLETIN, {
        "31.5万亩": ("造林面积", "", "actual", 2024, "2024"),
    }),
    # 增产/减产 and 比年初 are predicates of the measure before
    ("粮食总产量52.4万吨，增产1.8%；年末住户存款余额900亿元，比年初增加60亿元。", BULLETIN, {
        "1.8%": ("粮食总产量", "grain_output_growth", "actual", 2024, "2024"),
        "60亿元": ("住户存款余额", "", "actual", 2024, "2024"),
    }),
    # 占比 relates the figure to the measure before
    ("环境空气质量优良天数320天，占比87.7%。", BULLETIN, {
        "320天": ("环境空气质量优良天数", "good_air_days", "actual", 2024, "2024"),
        "87.7%": ("环境空气质量优良天数占比", "", "actual", 2024, "2024"),
    }),
    # a sub-group of a measure is not the measure (headline: the name opens the subject)
    ("年末共有医疗卫生机构1200个，其中基层医疗卫生机构1100个；医院卫生技术人员1.1万人。", BULLETIN, {
        "1200个": ("医疗卫生机构", "health_institutions", "actual", 2024, "2024"),
        "1100个": ("基层医疗卫生机构", "", "actual", 2024, "2024"),
        "1.1万人": ("医院卫生技术人员", "", "actual", 2024, "2024"),
    }),
    # classes of retail goods and of the consumer price index, industries of 规模以上工业
    ("限额以上单位中，汽车类零售额增长3.1%，石油及制品类下降2.2%；食品烟酒类价格上涨0.8%；医药制造业增长9%。", BULLETIN, {
        "3.1%": ("汽车类零售额", "retail_automobiles_growth", "actual", 2024, "2024"),
        "2.2%": ("石油及制品类", "retail_petroleum_growth", "actual", 2024, "2024"),
        "0.8%": ("食品烟酒类价格", "cpi_food_growth", "actual", 2024, "2024"),
        "9%": ("医药制造业", "pharmaceuticals_value_added_growth", "actual", 2024, "2024"),
    }),
]


# issue 15's rule tables (budget documents, subjects, one figure for several measures, bulletins)
ISSUE15_RULES = RULE_CASES + MORE_RULE_CASES + BULLETIN_RULES


@pytest.mark.parametrize(("sentence", "meta", "expected"), ISSUE15_RULES, ids=[c[0][:16] for c in ISSUE15_RULES])
def test_labelling_rules(sentence, meta, expected):
    assert_labels(sentence, meta, expected)


def test_plans_issued_in_a_review_are_results():
    """下达投资计划 is what was done (a plan handed down), not a budgeted amount: only budget words make a facet."""
    got = labelled("下达中央投资计划30亿元，实施项目120个。", PROVINCE_2026, headings=[(1, "一、2025年工作回顾")])
    assert got["30亿元"][2:4] == ("actual", 2025)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("全市贫困发生率下降至0.32%。", {"0.32%": ("全市贫困发生率", "poverty_incidence")}),
    ("森林覆盖率由2010年的28.5%提高到2015年的30.1%。", {"28.5%": ("森林覆盖率", "forest_coverage")}),
    ("城镇登记失业率控制到3.9%。", {"3.9%": ("城镇登记失业率", "registered_unemployment_rate")}),
    ("全年出入境人数12万人次。", {"12万人次": ("出入境人数", "")}),  # exits too: not 入境游客
    ("改造老旧小区供热管网30公里。", {"30公里": ("改造老旧小区供热管网", "")}),
])
def test_predicates_are_not_part_of_the_measure(sentence, expected):
    got = labelled(sentence, CITY_2026)
    assert {text: got[text][:2] for text in expected} == expected
