"""The gazetteer: region names and codes -> administrative divisions, from cpca's adcodes table."""

from __future__ import annotations

import pytest

from extract.grammar import gazetteer
from extract.grammar.gazetteer import GazetteerError, lookup


@pytest.mark.parametrize("query", ["永康", "永康市", "330784", "330784000000"])
def test_county_by_short_name_full_name_or_code(query):
    place = lookup(query)
    assert (place.name, place.adcode, place.level) == ("永康市", "330784", "county")
    assert (place.parent, place.parent_adcode) == ("金华市", "330700")
    assert (place.province, place.province_adcode) == ("浙江省", "330000")
    assert 119 < place.longitude < 121 and 28 < place.latitude < 30


def test_nation_and_provinces():
    nation = lookup("中华人民共和国")
    assert (nation.adcode, nation.level) == ("100000", "nation")
    assert lookup(adcode="100000") == nation
    for name, code in [("浙江省", "330000"), ("上海市", "310000"), ("新疆维吾尔自治区", "650000")]:
        place = lookup(name)
        assert (place.adcode, place.level, place.parent_adcode) == (code, "province", "100000")
    assert lookup("浙江").name == "浙江省"


def test_municipal_district_has_the_municipality_as_parent():
    place = lookup("虹口区")
    assert (place.level, place.parent, place.province) == ("county", "上海市", "上海市")


def test_ambiguous_name_needs_adcode_or_parent():
    with pytest.raises(GazetteerError) as err:
        lookup("朝阳区")
    message = str(err.value)
    assert "ambiguous" in message and "110105" in message and "220104" in message
    assert "adcode" in message and "parent" in message
    assert lookup("朝阳区", parent="北京市").adcode == "110105"
    assert lookup("朝阳区", parent="长春市").adcode == "220104"
    assert lookup("朝阳区", adcode="220104").parent == "长春市"


def test_unknown_and_mismatched_regions_say_so():
    with pytest.raises(GazetteerError, match="unknown region"):
        lookup("不存在县")
    with pytest.raises(GazetteerError, match="unknown adcode"):
        lookup(adcode="999999")
    with pytest.raises(GazetteerError, match="does not match"):
        lookup("永康市", adcode="330000")


def test_every_place_resolves_by_its_own_code_and_levels_nest():
    table = gazetteer.load()
    assert gazetteer.load() is table  # read once per process
    for code, place in table.by_code.items():
        assert lookup(adcode=code) is place
        if place.level != "nation":
            assert table.by_code[place.parent_adcode].level in ("nation", "province", "city")
