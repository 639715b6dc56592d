"""The metric taxonomy (taxonomy.yaml): what a figure counts, decided from its subject, unit and whether it is a
change; and how charts name each metric.

    classify_metric("全省地区生产总值", "元", is_change=False) -> "gdp"
    display_name("gdp_growth") -> "地区生产总值增速"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.config import TAXONOMY_FILE
from extract.grammar.datafiles import cached, parse_yaml
from extract.normalize import fold


class LazyPattern:
    """A regular expression compiled on its first use: a run reads a few units' entries, and compiling all
    ~1,500 patterns of the taxonomy up front is most of a one-page ``reviewfigs extract``."""

    __slots__ = ("pattern", "required", "_compiled")

    def __init__(self, pattern: str, required: str = ""):
        self.pattern = pattern
        self.required = required  # characters every match contains (required_chars): a text without one of
        self._compiled: re.Pattern | None = None  # them cannot match, and the pattern is not even compiled

    def _get(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def _possible(self, text: str) -> bool:
        return all(ch in text for ch in self.required)

    def search(self, text: str) -> re.Match | None:
        return self._get().search(text) if self._possible(text) else None

    def match(self, text: str) -> re.Match | None:
        return self._get().match(text) if self._possible(text) else None

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def required_chars(pattern: str) -> str:
    """The characters any match of ``pattern`` contains: its literals outside optional parts, alternatives and
    classes ("" when flags change how it matches). Read from the regex parser, so it holds for any pattern."""
    from re import _constants as sre  # the parser's own vocabulary
    from re import _parser

    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return ""
    if parsed.state.flags & ~(re.UNICODE | re.NOFLAG):
        return ""
    found: list[str] = []

    def walk(items) -> None:
        for op, arg in items:
            if op is sre.LITERAL:
                found.append(chr(arg))
            elif op is sre.SUBPATTERN and not arg[1] and not arg[2]:
                walk(arg[3])
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
                walk(arg[2])

    walk(parsed)
    return "".join(dict.fromkeys(found))


@dataclass
class Metric:
    id: str
    names: list[str]
    keywords: list[LazyPattern]
    headline: bool
    exclude: list[LazyPattern]
    units: frozenset[str]
    change: str  # required | forbidden | any
    doctypes: frozenset[str] = frozenset()  # empty: any document
    notes: str = ""
    display: str = ""  # how charts name it (default: the first of names)
    key: str = ""  # its subject key (default: metric_key's rule)
    reported_in: frozenset[str] = frozenset()  # the doctypes that report it (documentation, not a filter)
    better: str = "higher"  # which way a result beats its target (targets.csv): higher | lower

    @property
    def display_name(self) -> str:
        return self.display or (self.names[0] if self.names else self.id)


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY_FILE) -> tuple[Metric, ...]:
    """The metrics of taxonomy.yaml, in file order."""
    data = parse_yaml(path)
    patterns = sorted({k for entry in data["metrics"] for k in (entry.get("keywords") or []) + (entry.get("exclude") or [])})
    required = cached("taxonomy-literals", [Path(path).read_bytes(), Path(__file__).read_bytes()],
                      lambda: {k: required_chars(k) for k in patterns})
    metrics = []
    for entry in data["metrics"]:
        metrics.append(Metric(
            id=entry["id"], names=list(entry.get("names") or []),
            keywords=[LazyPattern(k, required.get(k, "")) for k in entry.get("keywords") or []],
            headline=bool(entry.get("headline")),
            exclude=[LazyPattern(k, required.get(k, "")) for k in entry.get("exclude") or []],
            units=frozenset(str(u) for u in entry.get("units") or []),
            change=entry.get("change", "any"), doctypes=frozenset(entry.get("doctypes") or []),
            notes=str(entry.get("notes") or "").strip(), display=str(entry.get("display") or ""),
            key=str(entry.get("key") or ""),
            reported_in=frozenset(entry.get("reported_in") or entry.get("doctypes") or []),
            better=str(entry.get("better") or "higher"),
        ))
    return tuple(metrics)


SCOPE_WORDS = ("全省", "全市", "全县", "全区", "全州", "全盟", "全旗", "我省", "我市", "我县", "我区",
               "本市", "本省", "本县", "本区", "全年", "今年", "去年", "当年", "年末", "年底", "年内", "其中", "全社会",
               "地方", "外贸", "货物", "市区", "城区", "全市区", "全地区", "全体")
# Numbering and lead words before a measure's name (table row labels, list items): 一、税收收入, （1）, 1., 其中：
NUMBERING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,3}[、.．](?!\d)|其中[：:，,]?|——|—)+")


NATION_NAMES = ("中华人民共和国", "中国", "全国")


BUDGET_DOCTYPES = frozenset({"budget-report", "final-accounts"})


@lru_cache(maxsize=256)
def _scope_prefix_re(region: str, doctype: str = "") -> re.Pattern:
    # 全国/我国 scope a national report; in a province's report 全国居民人均可支配收入 is the nation's, not its own
    names = list(SCOPE_WORDS) + (["全国", "我国", "国内"] if not region or region in NATION_NAMES else [])
    if doctype not in BUDGET_DOCTYPES:
        # 区本级固定资产投资 in a 政府工作报告 is the district's statistic; in a budget document 本级 is an account
        # level of its own (市本级一般公共预算收入 is not the city's revenue)
        names.append("[省市县区旗州]?本级")
    if region:
        names.append(re.escape(region))
        short = re.sub(r"(?:省|市|县|区|自治区|自治州|自治县|特别行政区)$", "", region)
        if len(short) >= 2:
            names.append(re.escape(short))
    return re.compile(r"^(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")*")


PARTICIPLE_RE = re.compile(r"(?:汇总|批准|核定|实现|完成|调整后|确定|安排|下达|编制|统计|核算)$")


def classify_metric(subject: str, unit: str, is_change: bool, region: str = "", doctype: str = "",
                    taxonomy: tuple[Metric, ...] | None = None) -> str:
    """The metric id of a figure, or "" when no taxonomy entry fits (never a guess)."""
    if not subject:
        return ""
    if taxonomy is None:
        return _classify_cached(subject, unit, bool(is_change), region, doctype)
    return _classify(subject, unit, is_change, region, doctype, taxonomy)


@lru_cache(maxsize=65536)
def _classify_cached(subject: str, unit: str, is_change: bool, region: str, doctype: str) -> str:
    # documents repeat their subjects (every row of a table, every 增长 of a bulletin): classify each once
    return _classify(subject, unit, is_change, region, doctype, load_taxonomy())


class _Pool:
    """The keyword patterns a figure of one unit, change and doctype may match (the filters that do not depend
    on its subject, applied once per combination), indexed by one character every match of the pattern holds
    (required_chars; the one fewest patterns share): a subject is tried only against the patterns indexed by its
    own characters (and those with none), not against all ~1,500 (one check per pattern was 18% of reading the
    real PDFs)."""

    __slots__ = ("metrics", "by_char", "always")

    def __init__(self, candidates: list[tuple[int, Metric]]):
        self.metrics = dict(candidates)  # file order -> entry
        share: dict[str, int] = {}
        for _order, metric in candidates:
            for pattern in metric.keywords:
                for ch in set(pattern.required):
                    share[ch] = share.get(ch, 0) + 1
        self.by_char: dict[str, list[tuple[int, int]]] = {}  # char -> (file order, keyword index)
        self.always: list[tuple[int, int]] = []
        for order, metric in candidates:
            for k, pattern in enumerate(metric.keywords):
                if pattern.required:
                    key = min(pattern.required, key=lambda ch: (share[ch], ch))
                    self.by_char.setdefault(key, []).append((order, k))
                else:
                    self.always.append((order, k))

    def keywords(self, text: str) -> dict[int, list[int]]:
        """File order -> indices of the keyword patterns that may match ``text`` or a part of it, in order."""
        found = list(self.always)
        for ch in set(text):
            found += self.by_char.get(ch, ())
        by_metric: dict[int, list[int]] = {}
        for order, k in sorted(found):
            by_metric.setdefault(order, []).append(k)
        return by_metric


_POOLS: dict[tuple[int, str, bool, str], _Pool] = {}


def _pool(taxonomy: tuple[Metric, ...], unit: str, is_change: bool, doctype: str) -> _Pool:
    key = (id(taxonomy), unit, is_change, doctype)
    found = _POOLS.get(key)
    if found is None:
        found = _Pool([(order, m) for order, m in enumerate(taxonomy)
                       if unit in m.units and not (doctype and m.doctypes and doctype not in m.doctypes)
                       and not (m.change == "required" and not is_change)
                       and not (m.change == "forbidden" and is_change)])
        if len(_POOLS) > 4096:
            _POOLS.clear()
        _POOLS[key] = found
    return found


def _classify(subject: str, unit: str, is_change: bool, region: str, doctype: str,
              taxonomy: tuple[Metric, ...]) -> str:
    subject = NUMBERING_RE.sub("", fold(subject).strip())
    if not subject:
        return ""
    scoped = _scope_prefix_re(region, doctype).sub("", subject, count=1)
    # a participle before 的 says how the measure was compiled (全市汇总的一般公共收入): it may open after it
    head, _, after = subject.rpartition("的")
    modified = _scope_prefix_re(region, doctype).sub("", after, count=1) if PARTICIPLE_RE.search(head) else ""
    best: tuple[int, int, str] | None = None
    quoted = "“" in subject or "”" in subject
    pool = _pool(taxonomy, unit, is_change, doctype)
    # scoped and modified are parts of subject: a pattern its characters rule out matches none of them
    for order, keywords in pool.keywords(subject).items():
        metric = pool.metrics[order]
        if metric.headline and quoted:
            continue  # a named subset (“新三样”出口) is not the headline measure
        excluded = None  # the excludes are searched only once a keyword matches (most entries match none)
        for k in keywords:
            pattern = metric.keywords[k]
            m = (pattern.match(scoped) or pattern.match(subject) or (modified and pattern.match(modified))) \
                if metric.headline else pattern.search(subject)
            if m:
                if excluded is None:
                    excluded = any(p.search(subject) for p in metric.exclude)
                if excluded:
                    break
                key = (-(m.end() - m.start()), order, metric.id)
                if best is None or key < best:
                    best = key
    return best[2] if best else ""


BRACKETS_RE = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〔[^〔〕]*〕|［[^［］]*］")
FOOTNOTE_MARKS_RE = re.compile(r"[①-⑳]|[¹²³⁰⁴-⁹]+")
KEY_LEADING_RE = re.compile(r"^(?:(?:19|20)\d{2}年(?:末|底)?|年末|年底|全年|当年|其中|累计|共计)+")


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[re.Pattern, str], ...]:
    data = parse_yaml(TAXONOMY_FILE)
    return tuple((re.compile(pattern), canonical) for pattern, canonical in (data.get("synonyms") or {}).items())


@lru_cache(maxsize=1)
def metrics_by_id() -> dict[str, Metric]:
    """The metrics of taxonomy.yaml by id (ids are unique), built once: each lookup by id goes through it."""
    return {m.id: m for m in load_taxonomy()}


def metric_key(metric: str) -> str:
    """The subject key of a metric: its ``key``, else the key of its level (gdp_growth -> gdp's), else its
    display name. A level and its growth rate share a key; the unit tells them apart."""
    by_id = metrics_by_id()
    entry = by_id.get(metric)
    if entry is None:
        return metric
    if entry.key:
        return entry.key
    if metric.endswith("_growth") and metric[: -len("_growth")] in by_id:
        return metric_key(metric[: -len("_growth")])
    return entry.display_name


@lru_cache(maxsize=65536)
def subject_key(subject: str, region: str = "", metric: str = "", doctype: str = "") -> str:
    """A subject normalised for comparing figures across documents (contract.md ``subject_key``).

    A classified figure takes its metric's key; any other subject is folded, stripped of footnote marks,
    brackets, quotes, the region and scope words (全市, 全省 …), time words (年末, 2025年) and joining marks,
    and its variants are replaced by the taxonomy's ``synonyms`` (规上 -> 规模以上)."""
    if metric:
        return metric_key(metric)
    text = fold(subject)
    text = FOOTNOTE_MARKS_RE.sub("", BRACKETS_RE.sub("", text))
    text = re.sub(r"[“”‘’\"'「」《》\s]", "", text)
    for _ in range(2):
        text = _scope_prefix_re(region, doctype).sub("", text, count=1)
        text = KEY_LEADING_RE.sub("", text)
    for pattern, canonical in _synonyms():
        text = pattern.sub(canonical, text)
    return text.strip("、，,的：: ")


def metric_direction(metric: str) -> str:
    """"higher" or "lower": which way a result of ``metric`` beats its target (unknown ids: higher)."""
    entry = metrics_by_id().get(metric)
    return entry.better if entry is not None else "higher"


def display_name(metric: str) -> str:
    """The name charts give ``metric`` (the taxonomy's ``display``, else its first name; unknown ids as they are)."""
    entry = metrics_by_id().get(metric)
    return entry.display_name if entry is not None else metric
