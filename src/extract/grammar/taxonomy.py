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

import yaml

from extract.config import TAXONOMY_FILE
from extract.normalize import fold


@dataclass
class Metric:
    id: str
    names: list[str]
    keywords: list[re.Pattern]
    headline: bool
    exclude: list[re.Pattern]
    units: frozenset[str]
    change: str  # required | forbidden | any
    doctypes: frozenset[str] = frozenset()  # empty: any document
    notes: str = ""
    display: str = ""  # how charts name it (default: the first of names)

    @property
    def display_name(self) -> str:
        return self.display or (self.names[0] if self.names else self.id)


@lru_cache(maxsize=4)
def load_taxonomy(path: str | Path = TAXONOMY_FILE) -> tuple[Metric, ...]:
    """The metrics of taxonomy.yaml, in file order."""
    with open(path, encoding="utf-8") as fh:
        # libyaml's safe loader when PyYAML has it: the same data 9x faster (every run parses this file)
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    metrics = []
    for entry in data["metrics"]:
        metrics.append(Metric(
            id=entry["id"], names=list(entry.get("names") or []),
            keywords=[re.compile(k) for k in entry.get("keywords") or []],
            headline=bool(entry.get("headline")),
            exclude=[re.compile(k) for k in entry.get("exclude") or []],
            units=frozenset(str(u) for u in entry.get("units") or []),
            change=entry.get("change", "any"), doctypes=frozenset(entry.get("doctypes") or []),
            notes=str(entry.get("notes") or "").strip(), display=str(entry.get("display") or ""),
        ))
    return tuple(metrics)


SCOPE_WORDS = ("全省", "全市", "全县", "全区", "全州", "全盟", "全国", "我省", "我市", "我县", "我区", "我国",
               "本市", "本省", "本县", "全年", "今年", "去年", "其中", "全社会", "地方", "外贸", "货物", "市区", "城区", "全市区")


def _scope_prefix_re(region: str) -> re.Pattern:
    names = list(SCOPE_WORDS)
    if region:
        names.append(re.escape(region))
        short = re.sub(r"(?:省|市|县|区|自治区|自治州|自治县|特别行政区)$", "", region)
        if len(short) >= 2:
            names.append(re.escape(short))
    return re.compile(r"^(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")*")


def classify_metric(subject: str, unit: str, is_change: bool, region: str = "", doctype: str = "",
                    taxonomy: tuple[Metric, ...] | None = None) -> str:
    """The metric id of a figure, or "" when no taxonomy entry fits (never a guess)."""
    if not subject:
        return ""
    subject = fold(subject)
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    scoped = _scope_prefix_re(region).sub("", subject, count=1)
    best: tuple[int, int, str] | None = None
    for order, metric in enumerate(taxonomy):
        if unit not in metric.units:
            continue
        if doctype and metric.doctypes and doctype not in metric.doctypes:
            continue
        if metric.change == "required" and not is_change:
            continue
        if metric.change == "forbidden" and is_change:
            continue
        if any(p.search(subject) for p in metric.exclude):
            continue
        if metric.headline and ("“" in subject or "”" in subject):
            continue  # a named subset (“新三样”出口) is not the headline measure
        for pattern in metric.keywords:
            m = pattern.match(scoped) if metric.headline else pattern.search(subject)
            if m:
                key = (-(m.end() - m.start()), order, metric.id)
                if best is None or key < best:
                    best = key
    return best[2] if best else ""


def display_name(metric: str) -> str:
    """The name charts give ``metric`` (the taxonomy's ``display``, else its first name; unknown ids as they are)."""
    for entry in load_taxonomy():
        if entry.id == metric:
            return entry.display_name
    return metric
