"""Say what a quantity counts (subject, metric), when (year, period) and whether it is a result or a target.

The unit of work is one sentence with its quantities and its context (the heading stack, the earlier
sentences of the paragraph, an open target passage and the document's DocMeta):

    ctx = Context(meta=DocMeta(published=2026, covers="2025"))
    labels = label_sentence(sentence, quantities, ctx)   # one Labels per quantity, same order

``quantities`` are objects with ``start``, ``end`` (offsets in ``sentence`` after subtracting ``offset``),
``unit``, ``change`` and optionally ``group`` (extract.grammar.quantity.Quantity fits). The rules are in
docs/labels.md; the metric taxonomy is taxonomy.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from extract.grammar.taxonomy import classify_metric, subject_key
from extract.model import ANNUAL_DOCTYPES, DocMeta
from extract.normalize import fold

# ---------------------------------------------------------------------------------------------------------
# Time: year and period
# ---------------------------------------------------------------------------------------------------------

CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class TimeRef:
    """A time a text refers to: ``first``..``last`` inclusive (one year when equal)."""

    first: int
    last: int

    @property
    def year(self) -> int:
        return self.last

    @property
    def period(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def covers_ref(meta: DocMeta) -> TimeRef | None:
    """The span the document reviews (catalog ``covers``); without it, the year before ``published`` for
    annual reports and bulletins, else ``published``."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–—－~～至]\s*(\d{4}))?\s*", meta.covers or "")
    if m:
        return TimeRef(int(m.group(1)), int(m.group(2) or m.group(1)))
    if meta.published:
        # annual reports and bulletins are delivered early in the year after the one they review
        year = meta.published - 1 if meta.doctype in ANNUAL_DOCTYPES else meta.published
        return TimeRef(year, year)
    return None


def last_covered_year(meta: DocMeta) -> int | None:
    ref = covers_ref(meta)
    return ref.last if ref else None


def plan_span(ordinal: int) -> TimeRef | None:
    """Five-year plan n (the 6th began in 1981, each later one five years on): 十四五 -> 2021-2025."""
    if ordinal < 6:
        return None
    first = 1981 + 5 * (ordinal - 6)
    return TimeRef(first, first + 4)


def _small_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if len(s) == 1:
        return CN_SMALL.get(s)
    if len(s) == 2 and s[0] == "十":
        return 10 + CN_SMALL.get(s[1], 0)
    return None


# A year a figure can refer to: 2021年 (also the year of a date 2021年7月), not 年代, not a comparison base
# (比2020年, 较2020年, 与2020年相比), not inside a title 《…》.
YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年(?!代)")
YEAR_SPAN_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*年?\s*[-–—－~～至到]\s*((?:19|20)\d{2})\s*年(?!代)")
PLAN_RE = re.compile(r"十([一二三四五六七八九])五")
N_YEARS_RE = re.compile(r"(?:过去|近|这|最近)?([一二两三四五六七八九十]|\d{1,2})\s*年(?:来|以来|间|中)|(?:过去|最近|近|这)([一二两三四五六七八九十]|\d{1,2})\s*年(?!级|度|代)")
CLAUSE_OPENERS = frozenset("，,；;：:。！？!?—“（(\n 在、")
# 今后五年, 未来三年: the years after the reviewed span (a 今后五年工作建议 heading plans, it does not look back).
FUTURE_YEARS_RE = re.compile(r"(?:今后|未来|此后)([一二两三四五六七八九十]|\d{1,2})\s*年(?!级|度|代)")
RELATIVE_YEARS = {"今年": 0, "本年": 0, "年内": 0, "新的一年": 0, "去年": -1, "明年": 1, "前年": -2}
RELATIVE_RE = re.compile("|".join(RELATIVE_YEARS))
# 面向2030年的 names a horizon of a programme, not the figure's time.
COMPARISON_BEFORE = re.compile(r"(?:比|较|同|与|相比|对比|超过|高于|低于|于|面向)$")


def _in_title(text: str, pos: int) -> bool:
    """Inside 《…》 or in the bracket right after a title (《规划》（2020—2035）)."""
    opened = text.rfind("《", 0, pos)
    if opened != -1 and text.rfind("》", 0, pos) < opened:
        return True
    bracket = max(text.rfind("（", 0, pos), text.rfind("(", 0, pos))
    return bracket > 0 and text[bracket - 1] == "》" and max(text.rfind("）", 0, pos), text.rfind(")", 0, pos)) < bracket


def time_refs(text: str, meta: DocMeta, in_heading: bool = False) -> list[tuple[int, TimeRef]]:
    """Every time reference in ``text`` with its offset, in text order.

    Years (2021年), spans (2021—2025年), five-year plans (“十四五”时期; in a heading any mention), counted
    spans (五年来, 过去五年: the N years ending with the covered year), 今年/去年/明年 (against ``published``).
    """
    # The same heading and opening clause are asked once per figure under them (3 in 4 calls repeat one):
    # the answer depends on the text and two facts of the document only.
    return list(_time_refs(text, in_heading, last_covered_year(meta), meta.published))


@functools.lru_cache(maxsize=4096)
def _time_refs(text: str, in_heading: bool, last: int | None, published: int | None) -> tuple[tuple[int, TimeRef], ...]:
    text = fold(text)
    refs: list[tuple[int, TimeRef]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, ref: TimeRef | None) -> None:
        if ref is None or any(a < end and pos < b for a, b in taken):
            return
        if _in_title(text, pos) or COMPARISON_BEFORE.search(text[max(0, pos - 3):pos]):
            return
        taken.append((pos, end))
        refs.append((pos, ref))

    for m in YEAR_SPAN_RE.finditer(text):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last <= first + 30:
            add(m.start(), m.end(), TimeRef(first, last))
    for m in YEAR_RE.finditer(text):
        add(m.start(), m.end(), TimeRef(int(m.group(1)), int(m.group(1))))
    for m in PLAN_RE.finditer(text):
        after = text[m.end():m.end() + 4]
        quoted = after.startswith("”") or text[max(0, m.start() - 1):m.start()] == "“"
        if re.match(r"”?(?:时期|期间|以来|末)", after) or (in_heading and quoted):
            add(m.start(), m.end(), plan_span(10 + CN_SMALL[m.group(1)]))
    for m in N_YEARS_RE.finditer(text):
        n = _small_number(m.group(1) or m.group(2))
        prefix = text[max(0, m.start() - 2):m.start()]
        if n is None or last is None or n > 30 or prefix.endswith(("连续", "每")):
            continue
        if m.group(0).startswith("这") and n < 2:  # 这一年 points back at a year named before
            continue
        if not in_heading and m.start() > 0 and text[m.start() - 1] not in CLAUSE_OPENERS:
            continue  # 水质30年来首次达标: a record, not the time of the clause

        add(m.start(), m.end(), TimeRef(last - n + 1, last))
    for m in FUTURE_YEARS_RE.finditer(text):
        n = _small_number(m.group(1))
        if n is not None and last is not None and n <= 30:
            add(m.start(), m.end(), TimeRef(last + 1, last + n))
    if published:
        for m in RELATIVE_RE.finditer(text):
            year = published + RELATIVE_YEARS[m.group(0)]
            add(m.start(), m.end(), TimeRef(year, year))
    refs.sort(key=lambda r: r[0])
    return tuple(refs)


VOCATIVE_RE = re.compile(r"^(?:各位代表|各位委员|同志们|代表们)[，,！!：:]")  # 各位代表，刚刚过去的2025年…
MAX_OPENING_OFFSET = 6  # “在刚刚过去的2025年，” still opens with its year


def _cached_per_time_facts(rule: Callable[[str, DocMeta], TimeRef | None]) -> Callable[[str, DocMeta], TimeRef | None]:
    """``rule(text, meta)`` cached under the text and what the time rules read of a document: its covered span,
    publication year and doctype (covers_ref, last_covered_year, budget_section_time). Opening clauses and
    headings are asked again for every figure after them."""
    @functools.lru_cache(maxsize=4096)
    def cached(text: str, covers: str, published: int | None, doctype: str) -> TimeRef | None:
        return rule(text, DocMeta(covers=covers, published=published, doctype=doctype))

    @functools.wraps(rule)
    def ask(text: str, meta: DocMeta) -> TimeRef | None:
        return cached(text, meta.covers, meta.published, meta.doctype)

    return ask


# A sentence that opens with a time sets the time of the rest of its paragraph (“2025年，…” “五年来，…”).
@_cached_per_time_facts
def opening_time(sentence: str, meta: DocMeta) -> TimeRef | None:
    """The time named in the sentence's first clause (“2025年是…”, “刚刚过去的2017年，”), if any."""
    sentence = VOCATIVE_RE.sub("", sentence)
    first_clause = re.split(r"[，,；;：:。！？]", sentence, maxsplit=1)[0]
    refs = time_refs(first_clause, meta)
    # near the start: “我们完成了2024年确定的任务” names a year in passing
    return refs[0][1] if refs and refs[0][0] <= MAX_OPENING_OFFSET else None


OPENING_YEAR_RE = re.compile(r"开局|开好局|起好步|起步之年|首年|第一年")


BUDGET_DOCTYPES = frozenset({"budget-report", "final-accounts"})
# Sections of a budget report without a year of their own: the draft is for the coming year, the execution
# for the reviewed one (预算执行情况和预算草案的报告).
BUDGET_DRAFT_RE = re.compile(r"预算草案|预算[（(]草案[）)]|预算安排|预算建议|预算编制|收支预算")
BUDGET_EXECUTION_RE = re.compile(r"预算执行|执行情况|决算")


def budget_section_time(heading: str, meta: DocMeta) -> TimeRef | None:
    """The year of a budget document's section named without one: 预算草案 -> the year after ``covers``."""
    if meta.doctype not in BUDGET_DOCTYPES:
        return None
    last = last_covered_year(meta)
    if last is not None and BUDGET_DRAFT_RE.search(heading):
        return TimeRef(last + 1, last + 1)
    if BUDGET_EXECUTION_RE.search(heading):
        return covers_ref(meta)
    return None


@_cached_per_time_facts
def heading_time(heading: str, meta: DocMeta) -> TimeRef | None:
    """The time a heading sets for its section: an explicit year wins over a plan span it also names."""
    heading = fold(heading)
    refs = [r for _, r in time_refs(heading, meta, in_heading=True)]
    if not refs:
        return budget_section_time(heading, meta)
    years = [r for r in refs if r.first == r.last]
    if years:
        return years[0]
    if OPENING_YEAR_RE.search(heading):  # 推动“十五五”开好局: the plan's first year
        return TimeRef(refs[0].first, refs[0].first)
    return refs[0]


# ---------------------------------------------------------------------------------------------------------
# Stance: target or actual
# ---------------------------------------------------------------------------------------------------------

# An opener announces a list of targets; the passage runs until a sentence ends with 。 (not ；).
PASSAGE_OPENER_RE = re.compile(r"(?:目标|指标)(?:任务)?(?:是|为|如下)?[：:]|(?:预期目标|主要目标)(?:是|为)")
# Cues that make a figure after them (in the same sentence) a target. Not 争取: in a review it says funds
# were obtained (争取中央预算内投资237亿元).
TARGET_CUE_RE = re.compile(
    r"力争|确保|(?:^|[，；：、]|今年|全年|年内)计划|(?<![a-zA-Z])拟|预期(?=增长|达到|目标|为)"
    r"|目标(?:任务)?(?:是|为|定在|定为|确定为|设定为|[：:])|预期目标|目标值"
)
# 将 (will) counts only in the figure's own clause: as 把 (“将…列为”) it is frequent in results.
WILL_RE = re.compile(r"将(?!近|其|该|此|这|原|之)")
TARGET_AFTER_RE = re.compile(r"^(?:以上|以下|以内|左右)?的?(?:预期|奋斗)?目标")
CLAUSE_BREAK_RE = re.compile(r"[，,；;：:。！？]")


def is_target_clause(before: str) -> bool:
    """Whether the sentence text before a figure puts it under a target cue."""
    if TARGET_CUE_RE.search(before):
        return True
    clause = CLAUSE_BREAK_RE.split(before)[-1]
    return bool(WILL_RE.search(clause))


# ---------------------------------------------------------------------------------------------------------
# Subject
# ---------------------------------------------------------------------------------------------------------

STRONG_BREAK = "，,；;：:。！？!?\n"
# Predicate words between a subject and its number (全省生产总值|比上年增长|5.5%); stripped from the end.
PREDICATE_TAIL_RE = re.compile(
    r"(?:分别|同比|环比|年均|平均|实际|名义|累计|共计|总计|合计|共|均|达到|达|为|是|有|"
    r"增长到|增长至|增长|递增|递减|增产|减产|增收|减收|增加到|增加至|增加|增至|提高到|提高至|提高|提升到|提升至|提升|上升到|上升至|上升|"
    r"下降到|下降至|下降|下滑|回落到|回落至|减少至|降低至|控制到|控制为|"
    r"回落|减少到|减少|"
    r"降低到|降低|降至|降|突破|超过|超|约|近|逾|控制在|保持在|稳定在|预计|预期|上涨|实现|完成|再|又|净|仅|"
    r"已|就|首次|连续|稳居|位居|居|到|至|在|按|从|由|拟|要|将|也要|一直|"
    r"(?:比|较)(?:上年末|上年底|去年末|去年底|年初|上年|去年|上年同期|同期|(?:19|20)\d{2}年(?:末|底)?)?|"
    r"(?:比|较)[^，。；比较]{0,6}?(?:多|少)|多增|少增|多|少|"
    r"增速|增幅|涨幅|幅度)$"
)
# A change: a growth word (not 增加到, which states a new level) or a difference (比去年多100万人).
GROWTH_WORD_RE = re.compile(
    r"(?:增长|增速|增幅|涨幅|上涨|上升|提高|提升|下降|回落|降低|减少|下滑|增加|递增|递减|增产|减产|增收|减收)(?!到|至)"
    r"|(?:比|较)[^，。；]{0,6}(?:多|少)"
)
LEADING_RE = re.compile(
    r"^(?:——|—|(?:19|20)\d{2}年(?:末|底|全年|上半年|前三季度)?|其中|同时|此外|另外|全年|今年|去年末|去年底|上年末|去年|年内|"
    r"年末|年底|目前|把|"
    r"(?:共|现|已|拥)?有(?!效|关|序|力|机|色|线|望|限|利|所|的|些)|现|"
    r"共(?!同|享|建|产|识|赢|性)|累计|先后|总计|并|且|但|而|也|还|又|和|及|与|、|力争|确保|争取|计划|拟|预计|预期|将|要|"
    r"努力|全力|继续|进一步|初步统计|据初步核算|初步核算|按常住地分|"
    r"(?:[一二两三四五六七八九十]|\d{1,2})年(?=新增|累计|共计|共|完成|实现|建成))+"
)
# Adverbs after which the counted thing starts (“各级人大代表…共|进站接访群众”).
AGENT_BOUNDARY_RE = re.compile(r"(?:(?<!公)共(?!同|享|建|产|识|赢|性|计)|累计|先后|已经|(?<!而|业|早)已|成功|共计|总计)")
SCOPE_VERB_RE = re.compile(r"^((?:全|我|本)[省市县区州国]|全年|全社会)?(?:累计)?(?:实现|完成)(?=.)")
# Where a predicate starts inside a phrase (地区生产总值|连续迈上…): the topic ends there.
TOPIC_END_RE = re.compile(r"连续|首次|分别|同比|比上年|较上年|年均(?!浓度|值)|累计|达到|突破|迈上|跃上|站上|增长(?!的|率)|下降|提高|预期(?=增长|目标|达到|为)|预计(?=增长|完成|达到|为|实现)"
                          r"|(?:从|由)(?=(?:19|20)\d{2}年|\d|上年|去年|人均|每)|连跨|跨越|跨上|迈过|稳居|位居|居全")
# Verbs that begin a counted activity; text of 3+ characters before one is its agent (“协助上级人大|开展立法调研”).
ACTION_VERB_RE = re.compile(
    r"开展|组织|召开|举办|举行|听取|审议|作出|办理|接访|接待|化解|督办|交办|视察|刊发|编发|报送|受理|"
    r"制定|出台|实施|培训|走访|打通|设立|增设|选派|认定|组建|承担|牵头|建设|创建|签订|签约|引进|培育|帮助"
)
# Units of a rate or share: never followed by the noun they count.
RATE_UNITS = frozenset({"%", "‰", "个百分点", "百分点", "倍", "成"})
# Words that cannot open the noun after a number (“36家|部门单位” is a noun, “15次，” / “5万亿元、增长” not).
NOT_NOUN_START_RE = re.compile(
    r"^(?:[，,；;：:。！？、）)”’》\]\s\d]|以上|以下|以内|左右|的|和|与|及|并|是|在|为|中|里|内|外|后|前|来|间|之|了|"
    r"均|都|也|已|就|则|而|比|占|居|位|增|减|下降|上升|提高|降|达|到|至|多|余|次|年|月|日|以|或|等|被|将|"
    r"实现|开展|完成|左|上|下|左右|同比|相当|排|名列|位列|对|向|从|由|给|让|使|把|于)"
)
NOUN_STOP_RE = re.compile(
    r"[，,；;：:。！？、]|均|都|已|参与|实现|开展|受益|获得|入选|完成|建成|通过|达到|被|对|向|和|与|及|等|的|了|"
    r"进行|得到|开工|投入|落地|签约|覆盖|惠及|纳入|列入|增长|参加|集中|共同|实施|分别|全部|正式|顺利|累计|"
    r"成功|开展|获评|获批|被评|走进|登上|改造|完成|在"
)
ABBREVIATED_PAIRS = {"城乡": ("城镇", "农村"), "进出口": ("进口", "出口"), "中小": ("中", "小"),
                     "三次产业": ("第一产业", "第二产业", "第三产业"), "一二三产业": ("第一产业", "第二产业", "第三产业"),
                     "一二三产": ("第一产业", "第二产业", "第三产业")}
LIST_SEPARATOR_RE = re.compile(r"、|和|与|及|以及")


# 总计/合计 after an account name is a noun: 收入总计 (revenue including transfers) is another measure than 收入.
ACCOUNT_TOTAL_RE = re.compile(r"(?:收入|支出|收支|资金|来源|运用)(?:总计|合计)$")


def strip_predicate(text: str) -> tuple[str, str]:
    """Split ``text`` (what stands before a number) into (subject part, predicate words at its end)."""
    subject = text
    while True:
        m = PREDICATE_TAIL_RE.search(subject)
        if not m or m.start() == m.end() or ACCOUNT_TOTAL_RE.search(subject[: m.end()]) and m.group(0) in ("总计", "合计"):
            break
        if m.group(0) == "比" and subject[: m.start()].endswith("之"):
            break  # 与国内生产总值之比: a ratio's name
        subject = subject[: m.start()]
    subject = subject.rstrip("、，,的 ")
    return subject, text[len(subject):]


INNER_TIME_RE = re.compile(r"(?:19|20)\d{2}年(?:末|底|度|全年)?")


def trim_subject(text: str) -> str:
    """Drop leading connectives and the agent of an activity, and a predicate left inside: keep what is
    counted."""
    text = LEADING_RE.sub("", text.strip())
    # a time inside the phrase ends a qualifier before the measure (批准的2019年全市一般公共预算收入)
    times = list(INNER_TIME_RE.finditer(text))
    if times and times[-1].start() > 0 and len(text) - times[-1].end() >= 2:
        text = text[times[-1].end():]
    # 全县实现地区生产总值 / 全年完成固定资产投资: the verb between scope and measure is not counted
    text = SCOPE_VERB_RE.sub(r"\1", text)
    m = TOPIC_END_RE.search(text)
    if m and m.start() >= 2:
        text = text[: m.start()]
    boundary = list(AGENT_BOUNDARY_RE.finditer(text))
    if boundary and boundary[-1].end() < len(text):
        text = text[boundary[-1].end():]
    m = ACTION_VERB_RE.search(text)
    if m and m.start() >= 3:
        text = text[m.start():]
    # an adverb cut (共|有医疗卫生机构) can leave a lead word at the front
    return balance_quotes(LEADING_RE.sub("", text).strip("\"' ") or text.strip("\"' "))


def balance_quotes(text: str) -> str:
    """Drop a quote mark whose partner lies outside the phrase (打通“断头路 -> 打通断头路)."""
    out, open_at = [], None
    for ch in text:
        if ch == "“":
            open_at = len(out)
        elif ch == "”":
            if open_at is None:
                continue
            open_at = None
        out.append(ch)
    if open_at is not None:
        del out[open_at]
    return "".join(out)


def noun_after(sentence: str, end: int) -> str:
    """The noun phrase right after a number, if the number modifies it (“16个|镇（街道、区）代表联络站”)."""
    rest = sentence[end:end + 24]
    if not rest or NOT_NOUN_START_RE.match(rest) or not re.match(r"[\u4e00-\u9fff“]", rest):
        return ""
    depth = 0
    out = []
    i = 0
    while i < len(rest):
        ch = rest[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        elif depth <= 0 and i > 0 and NOUN_STOP_RE.match(rest, i):
            break
        elif depth <= 0 and i == 0 and NOUN_STOP_RE.match(rest, i):
            return ""
        out.append(ch)
        i += 1
    noun = balance_quotes("".join(out))
    return noun if len(noun) >= 2 else ""


def split_list_subject(subject: str, n: int) -> list[str] | None:
    """“城镇、农村常住居民人均可支配收入” with two figures -> one subject per figure, or None.

    The items are separated by 、/和/与/及; the shared tail follows the last item. The last item is cut
    where the first item's head noun recurs in it (城镇居民、农村居民…), else at the first item's length.
    Abbreviated pairs (城乡 -> 城镇, 农村) expand when n == 2.
    """
    for abbr, items in ABBREVIATED_PAIRS.items():
        if n == len(items) and subject.startswith(abbr) and len(subject) > len(abbr):
            tail = subject[len(abbr):]
            return [item + tail for item in items]
        if n == len(items) and abbr in subject and LIST_SEPARATOR_RE.search(subject) is None:
            head, _, tail = subject.partition(abbr)
            return [head + item + tail for item in items]
    parts = LIST_SEPARATOR_RE.split(subject)
    if len(parts) != n or any(not p for p in parts):
        return None
    first, last = parts[0], parts[-1]
    cut = None
    for k in (3, 2):
        head = first[-k:]
        if len(first) > k and head in last[1:]:
            cut = last.index(head, 1) + k
            break
    if cut is None:
        cut = min(len(first), len(last))
    item_last, tail = last[:cut], last[cut:]
    items = parts[:-1] + [item_last]
    if not tail:
        return items
    return [item + tail for item in items]


# ---------------------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a sentence inherits: the document, its section, its paragraph, an open target passage."""

    meta: DocMeta = field(default_factory=DocMeta)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text), outermost first
    before: str = ""  # earlier sentences of the same paragraph
    passage: bool = False  # inside a list of targets opened by an earlier sentence (…目标是：)
    passage_time: TimeRef | None = None
    lead: TimeRef | None = None  # opening time of the paragraph that leads a run of list items (——…)


@dataclass
class Labels:
    subject: str = ""
    metric: str = ""
    stance: str = "actual"
    year: int | None = None
    period: str = ""
    subject_key: str = ""
    also: list[Labels] = field(default_factory=list)  # the same figure stated for further measures


def context_time(context: Context) -> TimeRef | None:
    """Time from an open target passage, the paragraph's opening sentences, the lead paragraph of a list,
    the headings (innermost first), else the catalog's covers."""
    meta = context.meta
    if context.passage and context.passage_time:
        return context.passage_time
    for sentence in reversed(_sentences_of(context.before)):
        ref = opening_time(sentence, meta)
        if ref:
            return ref
    if context.lead:
        return context.lead
    for _level, heading in reversed(context.headings):
        ref = heading_time(heading, meta)
        if ref:
            return ref
    return covers_ref(meta)


@functools.lru_cache(maxsize=1024)
def _sentences_of(text: str) -> tuple[str, ...]:
    """The sentences of ``text`` (a paragraph up to a figure's sentence: asked again for every figure after)."""
    from extract.grammar.sentences import split_sentences

    return tuple(text[a:b] for a, b in split_sentences(text)) if text else ()


def is_future(ref: TimeRef | None, meta: DocMeta) -> bool:
    """A time after the reviewed period can only hold targets (a 2026 report's 今年, “十五五”时期)."""
    last = last_covered_year(meta)
    return ref is not None and last is not None and ref.last > last


def _qattr(q: Any, name: str, default: Any = None) -> Any:
    return getattr(q, name, default)


def groups_of(sentence: str, spans: list[tuple[int, int]], quantities: list[Any]) -> list[int]:
    """Group id per quantity: numbers joined only by 、/和/及/与 (…分别增长4.4%、5.9%) form one list."""
    ids: list[int] = []
    for k, (start, _end) in enumerate(spans):
        if k == 0:
            ids.append(0)
            continue
        given = _qattr(quantities[k], "group"), _qattr(quantities[k - 1], "group")
        if given[0] is not None and given[1] is not None:
            joined = given[0] == given[1]
        else:
            joined = bool(re.fullmatch(r"\s*(?:、|和|及|与|以及|,)\s*", sentence[spans[k - 1][1]:start]))
        # a rate and a level are two statements (增长5.2%、约4.4万亿元), not one distributive list
        kinds = {_qattr(quantities[i], "unit", "") in RATE_UNITS for i in (k - 1, k)}
        ids.append(ids[-1] if joined and len(kinds) == 1 else ids[-1] + 1)
    return ids


@dataclass
class ClauseSubject:
    """What one figure's clause says it counts.

    ``subject`` is printed (figures.csv); ``base`` is the measure without a budget facet (一般公共收入预算 ->
    一般公共收入), read by the taxonomy and inherited by a later clause that has only a predicate (实际完成…,
    增长11%); ``facet`` is the stance a facet word gives (预算/年初预算 -> target, 执行数/决算数/实际完成 ->
    actual, else ""); ``predicate`` the words between subject and number; ``tail`` all the clause's text after
    the subject (增长目标为 in 收入预期增长目标为7.5%: a growth rate).
    """

    subject: str = ""
    base: str = ""
    facet: str = ""
    predicate: str = ""
    tail: str = ""
    relation: bool = False  # a ratio to a base (为预算的102.9%)
    carried: str = ""  # the measure a later predicate-only clause takes (the base, not a noun after the number)
    others: list[str] = field(default_factory=list)  # further measures the one figure is stated for (城乡…均增长8%)
    unsure: str = ""  # the phrase an abbreviated list came from, when no 均/分别 says the figure holds for each


# A clause relating the figure to a base (为调整预算的102.9%, 完成预算101.1%, 占一般公共预算收入的比重为72.9%):
# a ratio of the topic before it. The topic stays the one of the clause before.
RELATION_RE = re.compile(
    r"^(?:(?:为|占|相当于|完成|达到)[^，。；]{0,24}?(?:预算|计划|目标|任务|比重|比例|的)(?:数)?[）)]?(?:的|为|是)?|占比(?:为|达|达到)?)$"
)
# Budget facets at the end of a measure's name: the planned amount (target) or the executed one (actual).
BUDGET_FACET_RE = re.compile(
    r"(?:年初预算|调整后预算|调整预算|预算调整|预算安排|预算草案|预算建议|预算(?:收入|支出)?计划|预算|(?<=收入|支出)安排)数?$"
    r"|(?:预计执行|预计完成|预计)数?$"
)
ACTUAL_FACET_RE = re.compile(r"(?:实际完成|实际执行|执行|决算|完成|实际)数?$")
# Predicates saying the figure is what was done (a clause after a budget facet: 年初预算…，实际完成154.9亿元).
ACTUAL_PREDICATE_RE = re.compile(r"实际完成|实际执行|完成|执行|决算")
# A phrase that opens with a predicate has no subject of its own (稳居全国前十强, 增长到2025年的).
PREDICATE_OPENING_RE = re.compile(
    r"^(?:稳居|位居|跃居|居于|居全|保持在|迈上|跃上|站上|跨上|连续|首次|继续|分别|同比|环比|比上年|较上年|比去年|按|"
    r"较去年|比(?:19|20)\d\d|增长|增加(?!值)|增至|提高|提升|上升|下降|减少|降低|降至|回落|突破|超过|达到)"
)
TIME_WORDS_RE = re.compile(r"(?:19|20)\d{2}年(?:末|底|度)?|年末|年底|全年|上年|去年|今年|当年|同期|年均|每年")
# Footnote marks printed after a measure (地区生产总值[2], 收入①).
FOOTNOTE_RE = re.compile(r"\[\d{1,2}\]|［\d{1,2}］|【\d{1,2}】|〔\d{1,2}〕|[①-⑳]|[¹²³⁰⁴-⁹]+|(?<=[\u4e00-\u9fff])注\d")


# Measures that only make sense of what the clause before counted (学校 -> 在校学生, 事故 -> 死亡).
DEPENDENT_MEASURE_RE = re.compile(
    r"^(?:在校(?:学)?生|在校学生|在学(?:学)?生|毕业生|招生|专任教师|教职工|床位(?:数)?|死亡(?:人数)?|受伤(?:人数)?|"
    r"收养人数|从业人员|参保人数|直接经济损失|国家级|省级|自治区级|市级|县级|"
    r"(?:实现)?(?:营业收入|主营业务收入|利润总额|利润|营业成本|税金总额))$"
)
# Measures of an enterprise group that replace each other (规模以上工业企业营业收入…，利润总额…).
ENTITY_MEASURE_RE = re.compile(r"(?:实现)?(?:营业收入|主营业务收入|营收|利润总额|利润|营业成本|税金总额|增加值|总产值)$")
# Measures of a group of schools, hospitals or accidents that a later dependent measure replaces (普通高中招生…，
# 在校生…: the students of 普通高中, not of its enrolment).
COUNTED_MEASURE_RE = re.compile(r"(?:招生|在校(?:学)?生|在校学生|在学(?:学)?生|毕业生|专任教师|教职工|床位(?:数)?|死亡(?:人数)?)$")


# Words saying one figure holds for each measure of a list (均增长8%, 分别增长7.5%).
EACH_RE = re.compile(r"均|分别|都|同时")
# Abbreviated lists that name two measures even without a word like 均 (城乡居民可支配收入增长18%): 进出口 and
# 中小 name one measure of their own (进出口总额, 中小企业).
SHARED_PAIRS = ("城乡",)


def shared_measures(phrase: str, predicate: str) -> list[str]:
    """The measures one figure is stated for, when its subject lists several (城乡居民…增长18%; 城镇…、农村…均增长8%);
    [] when it names one."""
    if phrase.startswith(SHARED_PAIRS):
        items = split_list_subject(phrase, 2)
    elif EACH_RE.search(predicate) and LIST_SEPARATOR_RE.search(phrase):
        parts = len(LIST_SEPARATOR_RE.split(phrase))
        items = split_list_subject(phrase, parts) if parts in (2, 3) else None
    else:
        items = None
    return items if items and all(len(item) >= 4 for item in items) else []


def strip_footnotes(text: str) -> str:
    return FOOTNOTE_RE.sub("", text)


def _predicate_only(phrase: str) -> bool:
    """A phrase of predicate and time words alone (增长到2025年, 稳居全国前十强), or only the bracket of a figure
    restated in other units (6.37万公顷(95.53万亩)): no subject of its own."""
    phrase = phrase.strip("（(【[〔 ")
    if not phrase or PREDICATE_OPENING_RE.match(phrase):
        return True
    return not TIME_WORDS_RE.sub("", phrase).strip("的、，, ")


def facet_of(topic: str) -> tuple[str, str]:
    """(base, facet stance) of a measure's name: 一般公共收入预算 -> (一般公共收入, target)."""
    m = BUDGET_FACET_RE.search(topic)
    if m and m.start() > 0 and not topic[: m.start()].endswith(("基金", "经营")):
        return topic[: m.start()].rstrip("的"), "target"
    if m and m.start() == 0:
        return "", "target"
    m = ACTUAL_FACET_RE.search(topic)
    if m and m.start() >= 0 and len(topic) - m.start() >= 2:
        return topic[: m.start()].rstrip("的"), "actual"
    return topic, ""


def clause_start_before(sentence: str, start: int) -> int:
    """Where the clause holding sentence[start] begins: after the last strong break outside brackets
    (广义货币M2（注：M2为…）预期增长12%左右: the colon inside the note does not start a clause)."""
    depth = 0
    for i in range(start - 1, -1, -1):
        ch = sentence[i]
        if ch in "）)】":
            depth += 1
        elif ch in "（(【":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in STRONG_BREAK:
            return i + 1
    return 0


def opening_topic(sentence: str, before: int) -> str:
    """The measure the sentence's first clause names (before ``before``), if it names one."""
    first = re.split(r"[，,；;：:]", sentence[:before], maxsplit=1)[0]
    phrase = strip_footnotes(trim_subject(strip_predicate(LEADING_RE.sub("", first))[0]))
    return "" if _predicate_only(phrase) or len(phrase) < 2 else phrase


def _relation_text(raw: str) -> str:
    return re.sub(r"(?:的|为|是)+$", "", raw.strip())


def sentence_subjects(sentence: str, spans: list[tuple[int, int]], quantities: list[Any]) -> list[ClauseSubject]:
    """What every quantity of a sentence counts (ClauseSubject), in order.

    Per list group: the clause before its first member, stripped of predicate words and agents, split
    over the members of a distributive list; a clause holding only a predicate (增长5.5%, 实际完成…) takes
    the measure of the group before it; a clause relating the figure to a base (为预算的102.9%) is a ratio of
    that measure and leaves it for the next clause; a number that modifies the noun after it (36家部门单位)
    takes that noun.
    """
    group_ids = groups_of(sentence, spans, quantities)
    out = [ClauseSubject() for _ in quantities]
    previous_group: list[int] = []
    skip_to = 0
    k = 0
    while k < len(quantities):
        members = [j for j in range(k, len(quantities)) if group_ids[j] == group_ids[k]]
        start = spans[k][0]
        clause_start = clause_start_before(sentence, start)
        if k > 0:
            clause_start = max(clause_start, skip_to)
        raw = sentence[clause_start:start].replace("\n", "")
        lead = LEADING_RE.sub("", raw)
        phrase, predicate = strip_predicate(lead)
        phrase = strip_footnotes(trim_subject(phrase))
        tail = lead[lead.find(phrase) + len(phrase):] if phrase and phrase in lead else predicate
        nouns = [noun_after(sentence, spans[j][1]) if _qattr(quantities[j], "unit", "") not in RATE_UNITS else ""
                 for j in members]
        prev = [out[j] for j in previous_group]
        # the clause before, member by member (one measure before a list: the same for each)
        before = [prev[idx] if len(prev) == len(members) else prev[0] for idx in range(len(members))] if prev else []
        for j in members:
            out[j].predicate, out[j].tail = predicate, tail
        if prev and RELATION_RE.match(strip_footnotes(lead).strip()):
            relation = _relation_text(strip_footnotes(lead))
            for idx, j in enumerate(members):
                out[j].subject = before[idx].carried + relation
                out[j].base = out[j].carried = before[idx].carried
                out[j].relation = True
        elif not prev and _predicate_only(phrase) and clause_start > 0 and opening_topic(sentence, clause_start):
            # 地区生产总值连跨两个万亿元台阶，年均增长5.7%: the topic the sentence opened with
            topic = opening_topic(sentence, clause_start)
            for j in members:
                out[j].subject = out[j].base = out[j].carried = topic
        elif prev and _predicate_only(phrase):
            # “5.3万亿元、增长5.5%” / “…，实际完成154.9亿元”: the measure of the clause before
            own = "actual" if ACTUAL_PREDICATE_RE.search(predicate + phrase) else ""
            for idx, j in enumerate(members):
                out[j].subject = out[j].base = out[j].carried = before[idx].carried
                out[j].facet = own or before[idx].facet
            if len(members) == 1 and len(prev) > 1 and EACH_RE.search(predicate):
                # 收入分别达3.5万元、2.5万元，分别增长7.8%: one rate for each measure of the list before
                out[members[0]].others = [p.carried for p in prev[1:]]
        elif prev and DEPENDENT_MEASURE_RE.match(phrase):
            # 普通中学536所，在校学生68.31万人: the students of the schools counted before; 营业收入…，利润总额…:
            # another measure of the same enterprises
            for idx, j in enumerate(members):
                entity = COUNTED_MEASURE_RE.sub("", before[idx].carried) or before[idx].carried
                if ENTITY_MEASURE_RE.match(phrase):
                    entity = ENTITY_MEASURE_RE.sub("", entity) or entity
                out[j].subject = out[j].base = out[j].carried = entity + phrase
        elif phrase:
            items = split_list_subject(phrase, len(members)) if len(members) > 1 else None
            shared = shared_measures(phrase, predicate) if len(members) == 1 else []
            if shared:
                out[members[0]].others = shared[1:]
                out[members[0]].unsure = "" if EACH_RE.search(predicate) else phrase
                items = shared[:1]
            for idx, j in enumerate(members):
                topic = items[idx] if items else phrase
                base, facet = facet_of(topic)
                if not base and prev:  # 调整预算数为…: the facet of the measure named before
                    base = before[idx].carried
                    topic = base + topic
                out[j].subject, out[j].facet = topic, facet
                out[j].base = out[j].carried = base or topic
        for idx, j in enumerate(members):
            if nouns[idx]:
                out[j].subject = out[j].base = strip_footnotes(nouns[idx])
        previous_group = members
        # the next clause starts after this group's last figure and the noun it modifies
        skip_to = spans[members[-1]][1] + len(nouns[-1])
        k = members[-1] + 1
    return out


def figure_time(sentence: str, start: int, end: int, predicate: str, sentence_refs: list[tuple[int, TimeRef]],
                context: Context) -> TimeRef | None:
    """The time of the figure at sentence[start:end]: the sentence's last time before it (a span figure such
    as 五年来 is its own), else the context's; an average runs over its span; 从X到Y's X is the year before."""
    refs = [r for pos, r in sentence_refs if pos < end]
    time = refs[-1] if refs else context_time(context)
    if time is not None and AVERAGE_RE.search(predicate) and time.first == time.last:
        time = span_around(time, sentence_refs, context) or time
    if time is not None and is_start_value(sentence, start, end):
        time = TimeRef(time.first - 1, time.first - 1)
    return time


# Budget documents report the whole region (全市) and the government's own level (市本级) in separate sections.
LEVEL_WORDS_RE = re.compile(r"(?P<own>[省市县区州旗]?本级)|(?P<whole>全[省市县区州旗]|全地区)")


def section_level(headings: list[tuple[int, str]]) -> str:
    """"own" when the innermost heading naming a level names the government's own level (二、市本级…决算情况),
    "whole" when it names the region (全市…), "" when none does. Figures of an own-level section are not the
    region's: they get no metric (metrics.csv is about regions) and a subject key starting with 本级."""
    for _level, heading in reversed(headings):
        found = [m for m in LEVEL_WORDS_RE.finditer(fold(heading))]
        if found:
            return "own" if all(m.group("own") for m in found) else "whole"
    return ""


def label_sentence(sentence: str, quantities: list[Any], context: Context, offset: int = 0) -> list[Labels]:
    """Labels for every quantity of ``sentence`` (quantity offsets minus ``offset`` index the sentence)."""
    meta = context.meta
    sentence = fold(sentence)
    spans = [(_qattr(q, "start") - offset, _qattr(q, "end") - offset) for q in quantities]
    clauses = sentence_subjects(sentence, spans, quantities)
    sentence_refs = time_refs(sentence, meta)
    own_level = section_level(context.headings) == "own"
    out = []
    for j, q in enumerate(quantities):
        start, end = spans[j]
        clause = clauses[j]
        time = figure_time(sentence, start, end, clause.predicate, sentence_refs, context)
        cued = (context.passage or is_target_clause(sentence[:start])
                or bool(TARGET_AFTER_RE.match(sentence[end:end + 8])) or is_future(time, meta))
        # final accounts quote the budget beside the accounts: the budgeted amount is neither the result nor a
        # target of the document (no metric; the accounts are what metrics.csv takes)
        quoted_budget = clause.facet == "target" and meta.doctype == "final-accounts"
        target = (clause.facet == "target" and not quoted_budget) or (cued and clause.facet != "actual")
        is_change = (bool(_qattr(q, "change")) or bool(GROWTH_WORD_RE.search(clause.predicate))
                     or bool(GROWTH_WORD_RE.search(clause.tail)))
        unit = _qattr(q, "unit", "") or ""
        metric = "" if clause.relation or quoted_budget or own_level else classify_metric(clause.base or clause.subject, unit, is_change,
                                                             meta.region, meta.doctype)
        key = subject_key(clause.subject, meta.region, metric, meta.doctype)
        if own_level and key and not key.startswith("本级"):
            key = "本级" + key
        label = Labels(subject=clause.subject, metric=metric, stance="target" if target else "actual",
                       year=time.year if time else None, period=time.period if time else "", subject_key=key)
        others = [(other, "" if own_level else classify_metric(other, unit, is_change, meta.region, meta.doctype))
                  for other in clause.others]
        if clause.unsure and not (metric and all(m for _, m in others)):
            # 城乡建设用地: an abbreviated pair is read as two measures only when both are known ones
            others = []
            label.subject, label.metric = clause.unsure, ""
            label.subject_key = subject_key(clause.unsure, meta.region, "", meta.doctype)
        for other, other_metric in others:
            other_key = subject_key(other, meta.region, other_metric, meta.doctype)
            label.also.append(replace(label, subject=other, metric=other_metric, subject_key=other_key, also=[]))
        out.append(label)
    return out


AVERAGE_RE = re.compile(r"年均|平均每年|年平均|每年平均")
START_VALUE_RE = re.compile(r"^[^，。；]{0,8}?(?:增加|提高|提升|上升|增长|扩大|下降|减少|降低|缩小|缩减|跃升|降)(?:到|至)")


def span_around(time: TimeRef, sentence_refs: list[tuple[int, TimeRef]], context: Context) -> TimeRef | None:
    """The multi-year span an average (年均增长5.9%) runs over: one named in the sentence, the paragraph,
    the list's lead or the headings, ending with ``time``."""
    candidates = [r for _, r in sentence_refs]
    for sentence in _sentences_of(context.before):
        candidates += [r for _, r in time_refs(sentence, context.meta)]
    if context.lead:
        candidates.append(context.lead)
    for _level, heading in context.headings:
        candidates += [r for _, r in time_refs(heading, context.meta, in_heading=True)]
    spans = [r for r in candidates if r.first < r.last and r.last == time.last]
    return spans[-1] if spans else None


def is_start_value(sentence: str, start: int, end: int) -> bool:
    """从X提高到Y: X is the value before the period (the year before its first year)."""
    return sentence[max(0, start - 1):start] in ("从", "由") and bool(START_VALUE_RE.match(sentence[end:]))


def opens_passage(sentence: str) -> bool:
    """Whether the sentence announces a list of targets (…主要预期目标是：)."""
    return bool(PASSAGE_OPENER_RE.search(fold(sentence)))


def passage_continues(sentence: str) -> bool:
    """A target passage runs on while its sentences end with ；/：/，(list items), and stops at 。."""
    return sentence.rstrip("”’）) ")[-1:] in ("；", ";", "：", ":", "，", ",")
