"""Charts and `reviewfigs show` pages are the same whatever fonts the machine has.

A Chinese system font is made visible where pdfium, fontconfig and matplotlib look for system fonts, privately
(scripts/with_system_cjk_font.sh: a mount namespace laying a font folder over /usr/share/fonts), and the same
charts and pages are drawn with and without it. The folder holds the Noto Sans CJK collection (as Debian's
fonts-noto-cjk installs it) and a font that calls itself Noto Sans CJK SC with other glyph widths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.config import REPO_DIR

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    bool(os.environ.get("REVIEWFIGS_SYSTEM_FONTS")),
    reason="the whole suite runs with system CJK fonts visible (make test-system-fonts): there is no machine without "
           "them to compare with in here; `make test` runs these comparisons")]
SCRIPT = REPO_DIR / "scripts" / "with_system_cjk_font.sh"

CHARTS = r'''
import sys
import pandas as pd
from extract.charts import plots
rows = []
for region, code, level, values in [("中华人民共和国", "100000", "nation", [(2013, 7.7, "actual"), (2014, 7.4, "actual"),
                                     (2015, 7.0, "target")]),
                                    ("金华市", "330700", "city", [(2023, 6.8, "actual"), (2024, 6.3, "actual")]),
                                    ("东阳市", "330783", "county", [(2023, 5.1, "actual"), (2024, 5.4, "actual")]),
                                    ("义乌市", "330782", "county", [(2023, 5.6, "actual"), (2024, 6.0, "actual")])]:
    for year, value, stance in values:
        rows.append({"region": region, "adcode": code, "admin_level": level, "year": year, "period": str(year),
                     "metric": "gdp_growth", "stance": stance, "value": value, "low": value, "high": value,
                     "unit": "%", "qualifier": "exact", "doc_id": f"{code}_{year}", "page": 1, "text": f"{value}%",
                     "subject": "地区生产总值"})
table = pd.DataFrame(rows).astype({"year": "Int64", "page": "Int64"})
out = sys.argv[1]
for name, chart in [("years", plots.years_chart(table, "gdp_growth")),
                    ("ranked", plots.regions_chart(table, "gdp_growth", 2024)),
                    ("map", plots.placement_chart(table, "gdp_growth", 2024))]:
    plots.save_chart(chart, out, name)
from matplotlib import font_manager
from extract.charts import fonts
used = {font_manager.findfont(font_manager.FontProperties(family=family)) for family in (fonts.CJK_FAMILY,
        [fonts.CJK_FAMILY, fonts.LATIN_FAMILY])}
print("\n".join(sorted(used)))
'''

SEEN = r'''
from matplotlib import font_manager
print("\n".join(f.fname for f in font_manager.fontManager.ttflist if f.name == "Noto Sans CJK SC"))
'''


@pytest.fixture(scope="module")
def font_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cjk-fonts")
    done = subprocess.run([sys.executable, str(REPO_DIR / "scripts" / "make_cjk_font_dir.py"), str(folder)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1500:]
    return folder


def with_fonts(font_dir: Path, *command: str) -> subprocess.CompletedProcess:
    done = subprocess.run(["sh", str(SCRIPT), str(font_dir), *command], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "REVIEWFIGS_PROGRESS": "0"})
    if done.returncode == 3 and "with_system_cjk_font:" in done.stderr:
        pytest.skip(done.stderr.strip())
    return done


def plain(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=600)


def test_the_fonts_are_visible_to_matplotlib_inside_and_not_outside(font_dir):
    inside = with_fonts(font_dir, sys.executable, "-c", SEEN)
    assert inside.returncode == 0, inside.stderr
    assert "/usr/share/fonts/NotoSansCJKsc-Wide.otf" in inside.stdout.split() or \
        "/usr/local/share/fonts/NotoSansCJKsc-Wide.otf" in inside.stdout.split()
    assert "NotoSansCJKsc-Wide.otf" not in plain(sys.executable, "-c", SEEN).stdout


def test_charts_are_identical_with_a_chinese_system_font(font_dir, tmp_path):
    without, with_ = tmp_path / "without", tmp_path / "with"
    first = plain(sys.executable, "-c", CHARTS, str(without))
    assert first.returncode == 0, first.stderr[-2000:]
    second = with_fonts(font_dir, sys.executable, "-c", CHARTS, str(with_))
    assert second.returncode == 0, second.stderr[-2000:]
    from extract.charts.fonts import cjk_font_path

    assert second.stdout.split() == [str(cjk_font_path())]  # the shipped file, though system copies are visible
    for name in ("years", "ranked", "map"):
        for ext in ("png", "svg"):
            assert (with_ / f"{name}.{ext}").read_bytes() == (without / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"


def test_show_pages_are_identical_with_a_chinese_system_font(font_dir, tmp_path):
    pdf = REPO_DIR / "raw" / "jinhua_2025_gov-report.pdf"
    show = [sys.executable, "-m", "extract", "show", str(pdf), "--page", "1"]
    first = plain(*show, "--out", str(tmp_path / "without.png"))
    assert first.returncode == 0, first.stderr
    second = with_fonts(font_dir, *show, "--out", str(tmp_path / "with.png"))
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "with.png").read_bytes() == (tmp_path / "without.png").read_bytes()
