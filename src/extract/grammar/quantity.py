"""The quantity grammar: find every figure in a sentence or paragraph.

    find_quantities("开展执法检查15次，接访群众8900余人次") -> [Quantity(15 次), Quantity(8900 人次 more_than)]

How it works (one regex, then rules on plain data, so it stays fast on thousands of documents):
1. The text is folded character for character (traditional forms, Kangxi radicals -> ordinary characters),
   so spans index the caller's string and ``text`` is the figure as printed.
2. One regex finds *candidates*: an optional qualifier word (近 约 超过 逾 不低于 不超过 …), a numeral
   (Arabic with decimals and thousands separators, full-width digits, Chinese 十多/两百/一百一十六/〇, or
   mixed 1亿3千多万), 余/多, a scale (万 亿 万亿 千 百 …), a unit or measure word and a trailing
   qualifier (左右 以上 以下 以内 有余 …).
3. Adjacent candidates joined by a dash, ～, 至 or 到 become ranges ("6.5%—7%", "5-5.5%", "三至五年"); a
   bare number listed before a figure with a unit takes that unit ("高4.2和0.7个百分点").
4. Rules reject what is not a figure (contract.md "Not figures"); ``rejected_candidates`` says which rule:
   years and year spans (4-digit 1000-2999 before 年/年度 or a dash), bare Arabic numbers without unit or
   scale (codes, hotlines, date parts), letters glued to digits (S316, G60, PM2.5, 5G), ordinals after 第,
   anything inside 《》, ranks and anniversaries (届 级 周年, 前三名), measure words that start a longer word
   (两位数, 三次产业, 条例, 80年代), session ordinals (十一届十次全会, 三次会议文件: a Chinese numeral
   before 次会议 with no counting verb such as 召开), named rule sets after an issuing body
   (中央八项规定), outline counts (十个方面), money thresholds naming a class (10亿元以上项目), policy names
   in short quotes (“30条”); for Chinese numerals: the lone 一 and 二, zero, digit strings (二〇二一, 三五),
   a bare 百/千 (百年), vague amounts (数百, 几十, 上千), no measure word (五金, 周三, 四方), phases and idioms
   (二期, 两头), short quoted phrases (“四个意识”), numeral-word-numeral patterns (两学一做, 千家万户), and
   exact small counts with a generic classifier (两个大局, 两种资源: real counts are printed 3个).
   Durations in 年 count only with context (连续三年, 历时3年, 10.8年), not 三年行动计划; spans that set the
   period of what follows (五年来, 过去五年, 今后五年, 近3年, 3年内) are not figures.
5. The verb right before a figure gives its change (增长 → increase; 下降/减少 → decrease and a negative
   value; 增加到/下降至 → a new level, no change), and figures joined by 、/和 after one verb ("分别增长
   4.3%、5.5%") share the verb and a group id; a level listed after a rate keeps none ("增长5.2%、约4.4万亿元");
   a 左右 or 以上 after the list's last figure holds for all of it ("分别增长7%和8%左右").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from extract.grammar.numerals import SCALES, arabic_value, cn_decimal, parse_number, within_bounds
from extract.model import QUALIFIERS
from extract.normalize import fold

__all__ = ["QUALIFIERS", "Quantity", "find_quantities", "parse_number", "rejected_candidates"]


@dataclass(frozen=True)
class Quantity:
    start: int  # span in the input string; text == source[start:end]
    end: int
    text: str  # the figure as printed with its qualifier words ("8900余人次", "5%左右"), not the change verb
    value: float  # base units (3.5亿元 -> 3.5e8); declines negative; ranges -> midpoint
    low: float | None
    high: float | None
    unit: str  # base unit without scale ("元", "人", "%", "个百分点", "次" …); "" for a scaled bare number
    qualifier: str  # exact | about | more_than | at_least | at_most | range
    change: str = ""  # "increase" | "decrease" | ""
    verb_start: int | None = None  # index of the governing verb (or of 分别): the subject lies before it
    group: int | None = None  # same id for the figures of one distributive list, in order


# ---------------------------------------------------------------------------------------------- vocabulary

# Units and measure words a figure may carry. Longest first in the regex. Values: the base unit to report.
UNITS: dict[str, str] = {
    # money
    "美元": "美元", "欧元": "欧元", "日元": "日元", "港元": "港元", "英镑": "英镑", "元": "元",
    # people
    "人次": "人次", "人口": "人", "人": "人",  # 13亿多人口: the figure keeps 口
    "件次": "件次", "家次": "家次", "户次": "户次", "场次": "场次", "批次": "批次", "架次": "架次",
    "车次": "车次", "班次": "班次", "艘次": "艘次", "台次": "台次",
    # shares
    "个百分点": "个百分点", "百分点": "个百分点", "%": "%", "％": "%", "‰": "‰", "倍": "倍",
    # physical
    "平方公里": "平方公里", "平方千米": "平方公里", "平方米": "平方米", "立方米": "立方米",
    "公里": "公里", "千米": "公里", "毫米": "毫米", "厘米": "厘米", "米": "米", "℃": "℃", "千克": "千克", "公斤": "公斤", "微克": "微克", "毫克": "毫克",
    "吨公里": "吨公里", "人公里": "人公里", "吨": "吨",
    "千瓦时": "千瓦时", "千瓦": "千瓦", "兆瓦时": "兆瓦时", "兆瓦": "兆瓦", "吉瓦时": "吉瓦时", "吉瓦": "吉瓦",
    "千伏安": "千伏安", "兆伏安": "兆伏安", "千伏": "千伏", "伏": "伏", "公顷": "公顷", "亩": "亩",
    "标准箱": "标准箱", "标箱": "标准箱", "辆": "辆", "艘": "艘", "架": "架",
    # time (durations; 年 needs context, see _year_span_kind)
    "个多月": "个月", "个多小时": "小时", "个月": "个月", "个工作日": "工作日", "工作日": "工作日",
    "个小时": "小时", "小时": "小时", "分钟": "分钟", "秒": "秒", "年": "年", "天": "天", "周": "周", "人年": "人年",
    # counts with measure words
    "个": "个", "次": "次", "件": "件", "项": "项", "起": "起", "条": "条", "期": "期", "篇": "篇",
    "家": "家", "所": "所", "座": "座", "名": "名", "户": "户", "部": "部", "份": "份", "场": "场",
    "批": "批", "位": "位", "台": "台", "套": "套", "处": "处", "栋": "栋", "幢": "幢", "间": "间",
    "张": "张", "本": "本", "册": "册", "种": "种", "类": "类", "轮": "轮", "支": "支", "只": "只",
    "头": "头", "株": "株", "棵": "棵", "块": "块", "宗": "宗", "例": "例", "床": "床", "岁": "岁",
    "周岁": "岁", "周年": "周年", "斤": "斤", "重量箱": "重量箱",
    "列": "列", "班": "班", "门": "门", "届": "届", "级": "级", "款": "款", "颗": "颗", "枚": "枚",
    "卷": "卷", "集": "集", "首": "首",
}
# After a Chinese numeral these are names, phases or idioms far more often than counts
# (二期工程, 两头, 四处, 一周, 三只小猪, 一支队伍, 两级, 一门心思, 三首, 两届).
CN_EXCLUDED_UNITS = frozenset("期 头 周 处 只 支 张 块 门 级 届 首 集 卷 米 本 列 班 款".split())
# Not counted at all: 届/级 are ranks (第十七届, 两级) — kept in UNITS only so they stop a candidate.
NEVER_UNITS = frozenset({"届", "级", "周年"})  # 周年: 成立70周年 is an anniversary, an ordinal
RATING_UNITS = frozenset({"千伏", "伏", "千伏安", "兆伏安"})
# Measure words of counted things (not money, shares, physical or time units): inside a short quoted phrase
# these name a policy package (“30条”, “双20条”) rather than count.
COUNT_UNITS = frozenset("个 次 件 项 起 条 期 篇 家 所 座 名 户 部 份 场 批 位 台 套 处 栋 幢 间 张 本 册 种 类 "
                        "轮 支 只 头 株 棵 块 宗 例 床 列 班 门 款 颗 枚 卷 集 首".split())
# A measure word that starts a longer word is not a measure word: 两位数, 三次产业, 所有, 条件, 期间, 年代.
UNIT_COMPOUNDS = {"位": ("数",), "次": ("产业", "方"), "所": ("有", "以", "得"), "条": ("件", "例"),
                  "期": ("间", "限"), "年": ("代", "级", "度"), "倍": ("数",), "名": ("单", "称", "义"),
                  "个": ("体", "性", "别"), "件": ("事",), "天": ("然",), "人": ("民", "大")}
# An issuing body right before a numeral names a document or rule set: 中央八项规定, 省委十条.
ISSUERS = ("党中央", "中央", "国务院", "省委", "市委", "县委", "区委", "省政府", "市政府")
# Units of things counted one by one, people and shares: "N以上" before a noun is still a figure with them.
_HEADCOUNT_UNITS = frozenset(COUNT_UNITS | {"人", "人次", "件次", "家次", "户次", "场次", "%", "‰", "个百分点",
                                             "倍"})
# A change verb carries over a list only to figures of its own kind: "增长5.2%、约4.4万亿元" is a rate and a level.
_RATE_UNITS = frozenset({"%", "‰", "个百分点", "倍"})
MONEY_UNITS = frozenset({"元", "美元", "欧元", "日元", "港元", "英镑"})
DURATION_UNITS = frozenset({"年", "个月", "天", "小时", "倍"})

PREFIX_QUALIFIERS: dict[str, str] = {
    "大约": "about", "约": "about", "接近": "about", "将近": "about", "近": "about",
    "超过": "at_least", "超": "at_least", "逾": "at_least", "高于": "at_least", "不低于": "at_least",
    "突破": "at_least",  # 突破6000亿元: passes the mark (contract: at_least)
    "不少于": "at_least", "多于": "more_than",
    "不超过": "at_most", "不高于": "at_most", "低于": "at_most", "少于": "at_most", "不足": "at_most",
    "不到": "at_most",
}
# Prefixes that compare with a figure rather than bound it when the figure has its own suffix qualifier.
_COMPARISONS = frozenset({"高于", "低于", "超过", "超", "多于", "少于", "不足", "不到"})
SUFFIX_QUALIFIERS: dict[str, str] = {
    "左右": "about", "上下": "about", "以上": "at_least", "以下": "at_most", "以内": "at_most",
    "之内": "at_most", "有余": "more_than", "多": "more_than", "余": "more_than",
}
INCREASE_VERBS = ("增长", "增加", "提高", "上升", "上涨", "提升", "扩大", "回升", "攀升", "增收", "增", "涨")
DECREASE_VERBS = ("下降", "减少", "回落", "降低", "下滑", "下跌", "缩小", "缩短", "收窄", "缩减", "压减",
                  "压缩", "精简", "减收", "降", "减")
LEVEL_VERBS = ("达到", "达", "为", "是", "完成", "实现", "突破", "累计", "共", "占")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# 新增 (newly added) and 净增 come first so that a bare 增 does not read 新增3000家 as a change.
_VERB_RE = re.compile(
    rf"(?:(?P<level>新增|{_alt(LEVEL_VERBS)})|(?P<inc>净增|{_alt(INCREASE_VERBS)})"
    rf"|(?P<dec>{_alt(DECREASE_VERBS)}))"
    r"了?(?P<to>到|至|为)?了?[ \u00a0\u3000]?$"
)
RANGE_SEPARATORS = ("——", "—", "－", "–", "-", "~", "～", "〜", "至", "到")
_RANGE_START = frozenset(sep[0] for sep in RANGE_SEPARATORS)

_CN_CORE = "[〇零一二两三四五六七八九十百千][〇零一二两三四五六七八九十百千万亿]*(?:点[〇零一二三四五六七八九]+)?"
_ARABIC = r"(?:[0-9０-９]{1,3}(?:,[0-9０-９]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
# "1亿3千多万", "1万6千多户", "2万5千公里": Arabic digits with Chinese place words
_MIXED = r"[0-9]+(?:亿|万)[0-9]+[千百](?:[0-9]+[百十])?(?![0-9])"
_SCALE = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千(?![米克瓦伏])|百(?![分])"
# a number does not start inside another one ("1,234", "2.5") nor right after a thousands comma
_NOT_AFTER_DIGIT = r"(?<![0-9０-９.．])(?<![0-9０-９],)"
# The first char of every candidate: of a prefix (百分之, a qualifier), a minus sign or a number. The pattern opens
# with optional groups, so re tries every alternative at every position of a text; a leading lookahead on this
# set turns most positions away with one test (the hits are the same: 3.6x faster over the corpora's blocks).
_CN_NUMERAL_CHARS = frozenset("〇零一二两三四五六七八九十百千万亿")
_CANDIDATE_FIRST = "".join(sorted({"百", *(w[0] for w in PREFIX_QUALIFIERS)} | set("-－−0123456789０１２３４５６７８９")
                                  | _CN_NUMERAL_CHARS))
_CANDIDATE_RE = re.compile(
    rf"(?=[{re.escape(_CANDIDATE_FIRST)}])"
    rf"(?P<pre>百分之|{_alt(PREFIX_QUALIFIERS)})?"
    r"(?P<neg>[-－−])?"
    rf"(?P<num>{_NOT_AFTER_DIGIT}{_MIXED}|{_NOT_AFTER_DIGIT}{_ARABIC}(?![0-9０-９])|{_CN_CORE}|[万亿](?=[余多]))"
    r"(?P<mid1>余|多)?"
    rf"(?:(?P<sp>[ \u00a0\u3000\n])(?=[万亿千百十]|{_alt(UNITS)}))?"  # a space or a kept line break
    rf"(?P<scale>{_SCALE})?"
    r"(?P<mid2>余|多)?"
    r"(?P<scale2>(?<=[余多])(?:亿|万))?"
    rf"(?P<unit>{_alt(UNITS)})?"
    rf"(?P<suf>{_alt(SUFFIX_QUALIFIERS)})?"
)
_ASCII_LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_TITLE_RE = re.compile(r"《[^《》]{0,80}》|〈[^〈〉]{0,80}〉")
_QUOTE_RE = re.compile(r"“[^“”]{1,16}”|「[^「」]{1,16}」|‘[^‘’]{1,16}’|\"[^\"]{1,16}\"")
# characters that end a number or a figure: a dash right after one is a separator, not a minus sign
_BEFORE_A_DASH = frozenset("0123456789０１２３４５６７８９%％‰〇零一二两三四五六七八九十百千万亿余多") | {
    u[-1] for u in UNITS}
_RANK_UNITS = frozenset({"名", "位"})
_ORDINAL_LIST_RE = re.compile(r"第[0-9０-９〇零一二两三四五六七八九十百]+、$")
_RESPECTIVELY_RE = re.compile(r"分别(?:比上年|比去年|较上年|同比|均)?$")
_LIST_JOINERS = ("、", "和", "与", "及")


@dataclass
class _Cand:
    """A raw regex hit before the rules; mutable while ranges and lists are assembled."""

    start: int
    end: int
    num_start: int
    num: str
    kind: str  # "arabic" | "cn"
    magnitude: Decimal
    pre: str
    neg: bool
    mid: str
    scale: str
    unit: str  # as printed ("％", "万吨" has scale 万 + unit 吨)
    suf: str
    unit_end: int  # end of the unit (before the suffix qualifier)
    low_mag: Decimal | None = None  # set for ranges


def _mixed_value(num: str, scale: str) -> Decimal:
    """'1亿3千' + '万' -> 1.3e8; '1万6千' -> 16000; '2万5千' -> 25000."""
    top_digits, top_word, rest = re.match(r"([0-9]+)(亿|万)(.*)", num).groups()
    lower = Decimal(0)
    for digits, word in re.findall(r"([0-9]+)([千百十])", rest):
        lower += Decimal(digits) * SCALES[word]
    if scale:
        lower *= SCALES[scale]
    return Decimal(top_digits) * SCALES[top_word] + lower


def _make_candidate(m: re.Match) -> _Cand | None:
    num = m.group("num")
    scale = m.group("scale") or ""
    if num[0] in _CN_NUMERAL_CHARS:
        kind = "cn"
        cv = Decimal(SCALES[num]) if num in ("万", "亿") else cn_decimal(num)  # 万余人 = 10000+
        mag = None if cv is None else cv * SCALES.get(scale, 1)
    elif any(ch in "亿万千百十" for ch in num):
        kind, mag = "arabic", _mixed_value(num, scale)  # the scale applies to the lower part only
        scale = scale or "万"  # marks the figure as scaled: "1万6千" is not a bare code
    else:
        kind, mag = "arabic", arabic_value(num)
        if mag is not None and scale:
            mag = mag * SCALES[scale]
    if mag is None:
        return None
    if m.group("scale2"):  # "4万多亿元": the second scale multiplies again
        if scale + m.group("scale2") not in SCALES:
            return None  # "3亿多万": not a numeral
        mag = mag * SCALES[m.group("scale2")]
        scale = scale + m.group("scale2")
    unit = m.group("unit") or ""
    suf = m.group("suf") or ""
    mid = m.group("mid1") or m.group("mid2") or ("多" if "多" in unit else "")  # 3个多月
    # where the figure proper ends, before a trailing qualifier
    unit_end = max(m.end(g) for g in ("num", "mid1", "scale", "mid2", "scale2", "unit") if m.group(g))
    end = m.end()
    if suf in ("多", "余") and UNITS.get(unit) not in DURATION_UNITS:
        suf, end = "", unit_end  # "1年多" is a figure; "3人多" is a misparse
    if not (scale or unit or suf or mid):
        end = unit_end = m.end("num")
    start, pre = m.start(), m.group("pre") or ""
    neg = bool(m.group("neg"))
    if neg and not pre and m.start("neg") > 0 and m.string[m.start("neg") - 1] in _BEFORE_A_DASH:
        start, neg = m.start("num"), False  # 5%-7%, 3次-5次: a dash after a figure separates, it is no sign
    if suf and pre in _COMPARISONS:
        start, pre = m.start("num") if not neg else m.start("neg"), ""  # 低于|13%左右的预期目标
    return _Cand(start=start, end=end, num_start=m.start("num"), num=num, kind=kind, magnitude=mag,
                 pre=pre, neg=neg, mid=mid, scale=scale, unit=unit, suf=suf, unit_end=unit_end)


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _inside(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s <= a and b <= e for s, e in spans)


def _char_before(text: str, i: int) -> str:
    j = i - 1
    while j >= 0 and text[j] in " \u00a0\u3000":
        j -= 1
    return text[j] if j >= 0 else ""


def _is_year(c: _Cand) -> bool:
    """A 4-digit integer 1000-2999 without scale: a year when 年/年度 or a dash follows."""
    return (c.kind == "arabic" and not c.scale and "." not in c.num and "．" not in c.num
            and 1000 <= c.magnitude <= 2999 and len(c.num.replace(",", "")) == 4)


def _digit_string(num: str) -> bool:
    """二〇二一, 三五, 十四五-like strings of bare digits: years or ranges, not counts."""
    return len(num) > 1 and not any(ch in "十百千万亿" for ch in num)


def _slogan_neighbour(text: str, c: _Cand) -> bool:
    """Another Chinese numeral within two characters before or after (两学一做, 千家万户, 三江六岸)."""
    for j in range(c.num_start - 1, max(-1, c.num_start - 3), -1):
        ch = text[j]
        if ch in _CN_NUMERAL_CHARS:
            return True
        if not ("\u4e00" <= ch <= "\u9fff"):
            break
    j, seen = c.unit_end, 0
    while j < len(text) and seen < 2:
        ch = text[j]
        j += 1
        if ch in "“”‘’「」\"":  # 三个“十条”: a quote does not separate the pattern
            continue
        if ch in _CN_NUMERAL_CHARS or ch.isdigit():
            return True
        if not _is_cjk(ch):
            break
        seen += 1
    return False


# Words around "N年" that make it the span a passage reviews or plans (五年来, 过去五年, 今后五年, 近3年, 3年内):
# such a span sets the period of the figures after it and is not a figure itself (contract.md "Not figures").
PERIOD_BEFORE = ("过去", "今后", "未来", "最近", "近", "这")
PERIOD_AFTER = ("以来", "来", "间", "内")
# Words that make "N年" a duration that is counted: 连续三年 (a streak), 历时3年, 用两年时间, 3年左右.
DURATION_BEFORE = ("连续", "历时", "用", "经过")
DURATION_AFTER = ("时间", "左右", "以上")


def _year_span_kind(text: str, c: _Cand) -> tuple[str, int, int]:
    """('duration' | 'period' | '', start, end) of a figure in 年: a counted duration (kept, with the context
    words that make it one), a span that sets a period (rejected), or neither ('三年行动计划' is a plan name)."""
    start, end = c.start, c.end
    before = text[max(0, c.num_start - 2):c.num_start]
    after = text[c.end:c.end + 2]
    prefix = next((w for w in DURATION_BEFORE + PERIOD_BEFORE if before.endswith(w) and not c.pre), "")
    if c.pre == "近" or prefix in PERIOD_BEFORE or after.startswith(PERIOD_AFTER):
        return "period", start, end  # 近三年, 过去五年, 五年来, 十年间, 3年内
    if prefix == "连续":
        start = c.num_start - len(prefix)  # part of the phrase: 连续三年
    if prefix or c.suf or after.startswith(DURATION_AFTER) or (c.kind == "arabic" and "." in c.num):
        return "duration", start, end  # 受教育年限10.8年: a decimal is never a plan name
    return "", start, end


def _qualifier(c: _Cand) -> str:
    if c.low_mag is not None:
        return "range"
    if c.suf:
        return SUFFIX_QUALIFIERS[c.suf]
    if c.pre and c.pre in PREFIX_QUALIFIERS and not (c.pre == "近" and c.unit == "年"):
        return PREFIX_QUALIFIERS[c.pre]
    if c.mid:
        return "more_than"
    return "exact"


def _reject_reason(text: str, c: _Cand, titles, quotes) -> str:
    """The 'not a figure' rules: why the candidate is not a figure, or '' when it is one."""
    if not (within_bounds(c.magnitude) and (c.low_mag is None or within_bounds(c.low_mag))):
        return "too large to be a figure"  # a 310-digit number: a code or a hostile file (and inf as a float)
    unit = c.unit
    before = _char_before(text, c.num_start if not c.pre else c.start)
    after_unit = text[c.unit_end:c.unit_end + 2]
    if before == "第" or (before == "、" and _ORDINAL_LIST_RE.search(text, 0, c.num_start)):
        return "ordinal"  # 第十七届, 第3版, 第一时间, 第1、2名
    if _inside(titles, c.start, c.end):
        return "title"  # 《三只小猪》, 《2021年工作报告》
    if unit in NEVER_UNITS:
        return "rank or anniversary"  # 十七届, 两级, 70周年
    if unit and any(after_unit.startswith(w) for w in UNIT_COMPOUNDS.get(unit[-1], ())):
        return "measure word inside a longer word"  # 两位数, 三次产业, 80年代
    if unit == "次" and (after_unit == "全会" or (after_unit == "会议" and _session_ordinal(text, c))):
        return "session ordinal"  # 十一届十次全会, 十二届全国人大二次会议, 四次会议文件
    if any(text.endswith(w, 0, c.num_start) for w in ISSUERS) and not c.pre:
        return "named rule set"  # 中央八项规定
    if unit in ("个", "项", "件") and after_unit.startswith(("方面", "大事")):
        return "outline count"  # 重点做好十个方面工作: the report's own outline, not a result
    if unit in _RANK_UNITS and before == "前":
        return "rank"  # 前三名, 前10位
    if (c.suf in ("以上", "以下") and unit and _is_cjk(text[c.end:c.end + 1])
            and UNITS.get(unit) not in _HEADCOUNT_UNITS):
        # 10亿元以上重大项目, 50万元以上的行政村, 30万千瓦以下煤电机组: a threshold naming a class. Counts
        # and shares stay figures: 50家以上智能工厂, 90%以上的矛盾纠纷.
        return "size class"
    if UNITS.get(unit) == "岁" and (c.suf or c.low_mag is not None) and _is_cjk(text[c.end:c.end + 1]):
        return "age group"  # 3岁以下婴幼儿, 0—6岁儿童, 70周岁以上老年人
    if unit in RATING_UNITS:
        return "rating"  # 110千伏变电站: a voltage class, not an amount
    if c.kind == "arabic":
        return _reject_arabic(text, c, quotes)
    return _reject_chinese(text, c, before, quotes)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


# Verbs that make "N次会议" a count of meetings (召开常委会三次会议); without one, a Chinese numeral before 次会议
# names a session (三次会议, 四次会议文件: the 第 may stand on the line before).
_MEETING_COUNT_VERBS = ("召开", "举行", "举办", "组织", "主持", "参加", "列席", "出席", "共", "累计", "先后")


def _session_ordinal(text: str, c: _Cand) -> bool:
    clause = _clause_before(text, c)
    if "届" in clause:
        return True
    return c.kind == "cn" and not c.pre and not c.mid and not any(v in clause for v in _MEETING_COUNT_VERBS)


def _clause_before(text: str, c: _Cand, width: int = 12) -> str:
    """The text before the figure back to the last punctuation mark (at most width chars)."""
    seg = text[max(0, c.start - width):c.start]
    return re.split(r"[，。；：、,;:！？（）()“”]", seg)[-1]


def _reject_arabic(text: str, c: _Cand, quotes) -> str:
    unit = c.unit
    if _ASCII_LETTER.match(text[c.num_start - 1:c.num_start]) or (
            not unit and _ASCII_LETTER.match(text[c.unit_end:c.unit_end + 1])):
        return "code"  # S316, G60, PM2.5, 5G, 4.8万P: letters glued to digits (codes or unknown units)
    if c.low_mag is not None and _is_year_range(c):
        return "year span"  # 2021-2025年, 2020—2035
    if _is_year(c) and (unit == "年" or not unit) and c.low_mag is None:
        return "year"  # 2021年, 2020年度
    if not unit and not c.scale and c.pre != "百分之":
        return "bare number"  # a code, hotline, page, or a date part: 12369, 8890, 7月, 28日
    if unit in COUNT_UNITS and _inside(quotes, c.start, c.end):
        return "quoted name"  # 稳经济“30条”, “双20条”
    return ""


def _reject_chinese(text: str, c: _Cand, before: str, quotes) -> str:
    unit = c.unit
    if c.num in ("一", "壹") and c.low_mag is None:
        return "lone 一"  # 一批, 一项, 最多跑一次, 每月一报: an article, not a count
    if c.num == "二" and c.low_mag is None:
        return "lone 二"  # counts say 两; a lone 二 is a name or ordinal: 二期, 二元结构, 二次会议
    if c.magnitude == 0:
        return "zero"  # 零突破, 〇
    if _digit_string(c.num.partition("点")[0]):
        return "digit string"  # 二〇二一年, 三五年, 十四五-like
    if (before and before in "数几") or (before == "上" and c.num[0] in "百千"):
        return "vague"  # 数百, 几十, 上千; not 完成两件 or 线上两场
    if c.num in ("百", "千", "万") and not (c.mid or c.suf or c.pre):
        return "idiom"  # 百年, 千年, 百家: a bare 百/千 counts only when qualified (千余人次, 近千人)
    if not unit and c.pre != "百分之":
        return "no measure word"  # Chinese numerals count only with a measure word: 四方集团, 五金, 周三
    if unit in CN_EXCLUDED_UNITS:
        return "phase or idiom"  # 二期, 两头, 四处
    if _inside(quotes, c.start, c.end):
        return "slogan"  # “四个意识”, “两个维护”: Chinese numerals in short quoted phrases
    if _slogan_neighbour(text, c):
        return "slogan"  # 两法两条例, 千家万户, 三个1亿人
    small_exact = c.magnitude <= 10 and not (c.pre or c.mid or c.suf) and c.low_mag is None
    if unit in ("个", "种", "类", "项", "条") and small_exact:
        # Exact small counts are printed in Arabic digits (3个专门委员会, 7项); 两个大局, 两种资源, 五项原则,
        # 三条控制线 with Chinese numerals and a generic classifier are slogans or outlines, quoted or not.
        return "abstract count"
    return ""


def _is_year_range(c: _Cand) -> bool:
    lo = c.low_mag
    return (lo is not None and lo == int(lo) and 1000 <= lo <= 2999 and 1000 <= c.magnitude <= 2999
            and c.unit in ("", "年") and not c.scale)


def _merge_ranges(text: str, cands: list[_Cand]) -> list[_Cand]:
    """Join 'A SEP B' (6.5%—7%, 5-5.5%, 5%到5.5%, 三至五年) into one range candidate."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            gap = text[a.end:b.start]
            b_start = b.start
            if b.neg and not gap and text[b.start] in "-－−" and b.num_start == b.start + 1:
                gap, b_start = text[b.start], b.start + 1  # the "-" was read as a sign
            if gap in RANGE_SEPARATORS and not a.suf and not b.pre and a.low_mag is None:
                merged = _range(a, b, b_start)
                if merged is not None:
                    out.append(merged)
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def _share_list_units(text: str, cands: list[_Cand]) -> None:
    """'分别高4.2和0.7个百分点': a bare Arabic number listed before a figure with a unit takes that unit."""
    for i in range(len(cands) - 2, -1, -1):
        a, b = cands[i], cands[i + 1]
        if (a.kind == "arabic" == b.kind and not a.unit and not a.scale and not a.suf and b.unit
                and a.low_mag is None and text[a.end:b.start] in _LIST_JOINERS and not _is_year(a)):
            a.unit, a.scale = b.unit, b.scale
            if b.scale in SCALES and not any(ch in "亿万千百十" for ch in b.num):  # not "1万6千"
                a.magnitude *= SCALES[b.scale]


def _range(a: _Cand, b: _Cand, b_start: int) -> _Cand | None:
    if a.unit and UNITS.get(a.unit) != UNITS.get(b.unit):
        return None
    if a.kind != b.kind:
        return None
    lo = a.magnitude
    if not a.scale and b.scale:
        if any(ch in "亿万千百十" for ch in b.num):
            return None  # "1-1万5千": the mixed numeral's scale is not a plain factor
        lo = lo * SCALES[b.scale]
    if a.neg:
        lo = -lo
    hi = -b.magnitude if (b.neg and b_start == b.start) else b.magnitude
    if not lo < hi:
        return None
    return _Cand(start=a.start, end=b.end, num_start=a.num_start, num=b.num, kind=b.kind, magnitude=hi,
                 pre=a.pre, neg=False, mid="", scale=b.scale, unit=b.unit, suf=b.suf, unit_end=b.unit_end,
                 low_mag=lo)


def _verb_before(text: str, pos: int) -> tuple[str, int | None]:
    """The change verb right before pos: ('increase'|'decrease'|'', its index or None).

    增长/提高 … → increase, 下降/减少 … → decrease, optionally followed by 了; 增加到/下降至/下降为 state a
    new level (change ''), and 达到/为/完成/新增 … are level verbs (change '', index kept for the subject)."""
    m = _VERB_RE.search(text, max(0, pos - 8), pos)
    if m is None:
        return "", None
    if m.group("to") or m.group("level"):
        return "", m.start()
    return ("increase" if m.group("inc") else "decrease"), m.start()


def _bounds(value: float, qualifier: str, low: float | None) -> tuple[float, float | None, float | None]:
    if qualifier == "range":
        assert low is not None
        return (low + value) / 2, low, value
    if qualifier in ("exact", "about"):
        return value, value, value
    if qualifier in ("more_than", "at_least"):
        return (value, value, None) if value >= 0 else (value, None, value)
    return (value, None, value) if value >= 0 else (value, value, None)  # at_most


def rejected_candidates(text: str) -> list[tuple[str, str]]:
    """(span text, reason) of every candidate the rules turned down: for self-checks and tests."""
    out = []
    source, text = text, fold(text)
    for c in _candidates(text):
        reason = _reject_reason(text, c, _spans(_TITLE_RE, text), _spans(_QUOTE_RE, text))
        if not reason and UNITS.get(c.unit) == "年":
            kind = _year_span_kind(text, c)[0]
            reason = "period span" if kind == "period" else "" if kind else "years without duration context"
        if reason:
            out.append((source[c.start:c.end], reason))
    return out


def _hopeless(m: re.Match, text: str) -> bool:
    """A bare Chinese numeral with nothing attached that cannot open a range (一, 三 in 三治融合): most
    candidates are these, and no rule can make them a figure, so find_quantities skips them early."""
    return (m.group("num")[0] in _CN_NUMERAL_CHARS and m.end() == m.end("num") and not m.group("pre")
            and text[m.end():m.end() + 1] not in _RANGE_START)


def _candidates(text: str, keep_all: bool = True) -> list[_Cand]:
    cands = [c for m in _CANDIDATE_RE.finditer(text)
             if (keep_all or not _hopeless(m, text)) and (c := _make_candidate(m)) is not None]
    if not cands:
        return []
    cands = _merge_ranges(text, cands)
    _share_list_units(text, cands)
    return cands


def find_quantities(text: str) -> list[Quantity]:
    """All figures in a sentence or paragraph, left to right (see the module docstring for the rules)."""
    if not text:
        return []
    source, text = text, fold(text)  # same length: spans index both
    cands = _candidates(text, keep_all=False)
    if not cands:
        return []
    titles = _spans(_TITLE_RE, text)
    quotes = _spans(_QUOTE_RE, text)
    kept: list[tuple[_Cand, int, int]] = []
    for c in cands:
        if _reject_reason(text, c, titles, quotes):
            continue
        start, end = c.start, c.end
        if c.unit == "年":
            kind, start, end = _year_span_kind(text, c)
            if kind != "duration":
                continue
        kept.append((c, start, end))

    out: list[Quantity] = []
    group_id = 0
    prev: Quantity | None = None
    for c, start, end in kept:
        qualifier = _qualifier(c)
        unit = "%" if c.pre == "百分之" else UNITS.get(c.unit, "")
        mag = float(c.magnitude)
        if c.neg and c.low_mag is None:
            mag = -mag
        low = float(c.low_mag) if c.low_mag is not None else None
        change, verb_start = _verb_before(text, start)
        group = None
        if prev is not None and text[prev.end:start] in _LIST_JOINERS and verb_start is None \
                and prev.verb_start is not None and (unit in _RATE_UNITS) == (prev.unit in _RATE_UNITS):
            # "分别增长4.3%、5.5%": the later members share the first one's verb and group
            change, verb_start = prev.change, prev.verb_start
            if prev.group is None:
                group_id += 1
                out[-1] = replace(out[-1], group=group_id)
            group = group_id
        if change == "decrease":
            mag, low = -mag, (None if low is None else -low)
            if low is not None:
                mag, low = low, mag  # a declining range keeps low < high
        value, lo, hi = _bounds(mag, qualifier, low)
        if verb_start is not None and group is None:
            # "分别增长", "分别比上年增长": the subject lies before 分别
            m = _RESPECTIVELY_RE.search(text, max(0, verb_start - 8), verb_start)
            if m:
                verb_start = m.start()
        q = Quantity(start=start, end=end, text=source[start:end], value=value, low=lo, high=hi, unit=unit,
                     qualifier=qualifier, change=change, verb_start=verb_start, group=group)
        out.append(q)
        prev = q
    return _share_trailing_qualifier(out)


def _share_trailing_qualifier(quantities: list[Quantity]) -> list[Quantity]:
    """"分别增长7%和8%左右": a 左右 or 以上 after the last figure of a list holds for every figure of it."""
    for i in range(len(quantities) - 1, 0, -1):
        last = quantities[i]
        if last.group is None or last.qualifier not in ("about", "at_least"):
            continue
        j = i - 1
        while j >= 0 and quantities[j].group == last.group and quantities[j].unit == last.unit \
                and quantities[j].qualifier == "exact":
            value = quantities[j].value
            low, high = (value, value) if last.qualifier == "about" else (value, None)
            quantities[j] = replace(quantities[j], qualifier=last.qualifier, low=low, high=high)
            j -= 1
    return quantities
