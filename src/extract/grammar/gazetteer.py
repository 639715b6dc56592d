"""Region names -> administrative divisions, from the adcodes table that ships with the ``cpca`` package.

``lookup("永康")``, ``lookup("永康市")`` and ``lookup("330784")`` all give
``Place(name="永康市", adcode="330784", level="county", parent="金华市", parent_adcode="330700",
province="浙江省", province_adcode="330000", longitude=..., latitude=...)``.

Levels follow the 6-digit code: ``xx0000`` province, ``xxxx00`` city, anything else county; ``100000`` is the
nation (中华人民共和国, not in cpca's table). Placeholders such as 市辖区 (the districts of 上海市) and
省直辖县级行政区划 are not places: their children's parent is the province.
A name shared by several places (two 朝阳区) needs an adcode or a parent; the error says which ones exist.
No network: the table is read from the installed package once per process.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import importlib.util
import re
from dataclasses import astuple, dataclass
from pathlib import Path

from extract.grammar.datafiles import cached

NATION_ADCODE = "100000"
NATION_NAME = "中华人民共和国"
NATION_ALIASES = ("中国", "全国", "国家")

# Table entries that group places rather than name one.
PLACEHOLDER_NAMES = re.compile(r"^(市辖区|县|市|省直辖县级行政区划|自治区直辖县级行政区划|省直辖县级行政单位)$")
# Generic suffixes dropped to make the short alias (永康市 -> 永康, 浙江省 -> 浙江). Longest first.
# An autonomous unit's name without its nations keeps its kind: 自治县 -> 县, 自治旗 -> 旗, 自治州 -> 州.
AUTONOMOUS_SHORT = {"自治县": "县", "自治旗": "旗", "自治州": "州"}
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "县", "区", "盟", "旗")


class GazetteerError(ValueError):
    """A name or code that names no place, or several. str(err) is one line."""


@dataclass(frozen=True)
class Place:
    name: str
    adcode: str
    level: str  # nation | province | city | county
    parent: str = ""
    parent_adcode: str = ""
    province: str = ""
    province_adcode: str = ""
    longitude: float | None = None
    latitude: float | None = None


@dataclass(frozen=True)
class Gazetteer:
    by_code: dict[str, Place]
    by_name: dict[str, tuple[str, ...]]  # full names and short aliases -> adcodes

    def lookup(self, name: str = "", adcode: str = "", parent: str = "", suggest: bool = True) -> Place:
        """The place called ``name`` (full or short) or coded ``adcode``; ``parent`` (a name or code of any
        ancestor) picks among places sharing a name. Raises GazetteerError when none or several match; with
        ``suggest`` its message names close names (difflib over every name: costly for a caller that only tries
        whether a table's row label is a place)."""
        name = (name or "").strip()
        adcode = normalise_adcode(adcode)
        if not adcode and name and re.fullmatch(r"\d{6}(\d{6})?", name):
            adcode, name = normalise_adcode(name), ""
        if adcode:
            place = self.by_code.get(adcode)
            if place is None:
                raise GazetteerError(f"unknown adcode {adcode}")
            if name and adcode not in self.by_name.get(name, ()):
                raise GazetteerError(f"region {name!r} does not match adcode {adcode} ({place.name})")
            return place
        if not name:
            raise GazetteerError("no region name or adcode given")
        codes = self.by_name.get(name, ())
        if parent:
            codes = tuple(c for c in codes if self._has_ancestor(c, parent))
        if not codes:
            where = f" within {parent!r}" if parent else ""
            close = self._close_names(name) if suggest else ""
            raise GazetteerError(f"unknown region {name!r}{where}{close} (not in the gazetteer; "
                                 "give its 6-digit adcode)")
        if len(codes) > 1:
            options = "; ".join(f"{self.by_code[c].name} {c} ({self._describe_parent(c)})" for c in sorted(codes))
            raise GazetteerError(f"ambiguous region {name!r}: {options}; give the adcode or the parent")
        return self.by_code[codes[0]]

    def _close_names(self, name: str) -> str:
        """" (did you mean 金华市?)" for a mistyped name: full names of one character more, less or changed."""
        import difflib

        full = sorted({self.by_code[c].name for codes in self.by_name.values() for c in codes})
        close = difflib.get_close_matches(name, full, n=3, cutoff=0.6)
        return f" (did you mean {', '.join(close)}?)" if close else ""

    def _has_ancestor(self, adcode: str, ancestor: str) -> bool:
        wanted = set(self.by_name.get(ancestor.strip(), ())) | {normalise_adcode(ancestor)}
        place = self.by_code[adcode]
        return bool(wanted & {place.parent_adcode, place.province_adcode})

    def _describe_parent(self, adcode: str) -> str:
        place = self.by_code[adcode]
        if place.level == "province":
            return "province"
        if place.parent and place.parent != place.province:
            return f"{place.level} in {place.parent}, {place.province}"
        return f"{place.level} in {place.province}"


def normalise_adcode(code: object) -> str:
    """'330784', '330784000000', 330784 -> '330784'; blanks -> ''. Anything else is returned stripped."""
    text = "" if code is None else str(code).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if re.fullmatch(r"\d{12}", text) and text.endswith("000000"):
        return text[:6]
    return text


def level_of(adcode: str) -> str:
    if adcode == NATION_ADCODE:
        return "nation"
    if adcode.endswith("0000"):
        return "province"
    if adcode.endswith("00"):
        return "city"
    return "county"


def short_name(name: str, nations: tuple[str, ...] = ()) -> str:
    """永康市 -> 永康, 延边朝鲜族自治州 -> 延边, 新疆维吾尔自治区 -> 新疆; '' when nothing generic to drop."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _strip_ethnic_names(stem, nations)
            return stem if len(stem) >= 2 else ""
    return ""


def _strip_ethnic_names(stem: str, nations: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for nation in nations:  # 哈萨克族, 苗族, 维吾尔族 (also written without 族: 新疆维吾尔)
            for form in (nation, nation.removesuffix("族")):
                if form and stem.endswith(form) and len(stem) > len(form):
                    stem = stem[: -len(form)]
                    changed = True
                    break
    return stem


def _resource_text(name: str) -> str:
    """A data file of the cpca package. Located through its import spec first: importing cpca itself
    (what importlib.resources.files does) costs half a second of jieba/pkg_resources for nothing."""
    spec = importlib.util.find_spec("cpca")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "resources" / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return (importlib.resources.files("cpca") / "resources" / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The gazetteer built from cpca's adcodes.csv (once per process; kept between processes, grammar.datafiles)."""
    nations_text, adcodes_text = _resource_text("56_nations.csv"), _resource_text("adcodes.csv")
    by_code, by_name = cached("gazetteer", [nations_text.encode(), adcodes_text.encode(),
                                            Path(__file__).read_bytes()],
                              lambda: _build(nations_text, adcodes_text))
    return Gazetteer({code: Place(*fields) for code, fields in by_code.items()},
                     {name: tuple(codes) for name, codes in by_name.items()})


def _build(nations_text: str, adcodes_text: str) -> tuple[dict, dict]:
    """(adcode -> Place fields, name -> adcodes) as plain data."""
    nations = tuple(sorted((line.strip() for line in nations_text.splitlines() if line.strip()),
                           key=len, reverse=True))
    rows = list(csv.DictReader(adcodes_text.splitlines()))
    raw: dict[str, tuple[str, float | None, float | None]] = {}
    for row in rows:
        code = normalise_adcode(row["adcode"])
        if len(code) != 6:
            continue  # township-level codes are out of scope
        raw[code] = (row["name"].strip(), _float(row.get("longitude")), _float(row.get("latitude")))

    def real_name(code: str) -> str:
        entry = raw.get(code)
        return "" if entry is None or PLACEHOLDER_NAMES.match(entry[0]) else entry[0]

    by_code: dict[str, Place] = {NATION_ADCODE: Place(NATION_NAME, NATION_ADCODE, "nation", longitude=116.4074,
                                                       latitude=39.9042)}
    for code, (name, lon, lat) in raw.items():
        if PLACEHOLDER_NAMES.match(name):
            continue
        level = level_of(code)
        province_code = code[:2] + "0000"
        city_code = code[:4] + "00"
        if level == "province":
            parent, parent_code = NATION_NAME, NATION_ADCODE
        elif level == "city" or not real_name(city_code):
            parent, parent_code = real_name(province_code), province_code
        else:
            parent, parent_code = real_name(city_code), city_code
        province = name if level == "province" else real_name(province_code)
        by_code[code] = Place(name, code, level, parent, parent_code, province,
                              province_code if province else "", lon, lat)

    names: dict[str, list[str]] = {}
    for code, place in by_code.items():
        names.setdefault(place.name, []).append(code)
    # Short aliases only where they are not some place's full name (县 names such as 朝阳 stay ambiguous).
    full_names = set(names)
    for code, place in by_code.items():
        alias = short_name(place.name, nations)
        if alias and alias not in full_names:
            names.setdefault(alias, []).append(code)
        # 巴里坤哈萨克自治县 is printed 巴里坤县 in tables and prose, 延边朝鲜族自治州 延边州, 阿拉善左旗 stays
        for autonomous, generic in AUTONOMOUS_SHORT.items():
            plain = f"{alias}{generic}"
            if alias and place.name.endswith(autonomous) and plain not in full_names:
                names.setdefault(plain, []).append(code)
    for alias in NATION_ALIASES:
        names.setdefault(alias, [NATION_ADCODE])
    return ({code: astuple(place) for code, place in by_code.items()},
            {k: tuple(v) for k, v in names.items() if v})


def lookup(name: str = "", adcode: str = "", parent: str = "", suggest: bool = True) -> Place:
    return load().lookup(name, adcode, parent, suggest)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None
