"""The fonts charts and pages are drawn with: files the project ships, never whatever the machine has.

Charts use Noto Sans CJK SC from the noto-cjk package and DejaVu Sans from matplotlib's own data folder (for the
few symbols CJK fonts lack). A machine may have other copies of these families (Debian's fonts-noto-cjk, the
system DejaVu): another version draws other glyph widths, so a chart would look, and measure, different from
machine to machine. ``setup_fonts`` therefore removes every other file of these two families from matplotlib's
font list; other families stay available to anyone who asks for them by name.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "DejaVu Sans"
CJK_FACE = 2  # the Simplified Chinese face of the collection (for PIL, which opens faces by index)


def cjk_font_path() -> Path:
    """The Noto Sans CJK collection shipped by the noto-cjk package."""
    return Path(str(importlib.resources.files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc"))


def matplotlib_fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts"


def _ours(fname: str) -> bool:
    path = Path(fname).resolve()
    return path == cjk_font_path().resolve() or path.is_relative_to(matplotlib_fonts_dir().resolve())


def pin_font_files() -> None:
    """Register the shipped CJK font and drop every other file of the two families charts use."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(Path(f.fname).resolve() == cjk_font_path().resolve() for f in manager.ttflist):
        manager.addfont(str(cjk_font_path()))
    kept = [f for f in manager.ttflist if f.name not in (CJK_FAMILY, LATIN_FAMILY) or _ours(f.fname)]
    if len(kept) != len(manager.ttflist):
        manager.ttflist = kept
        # findfont remembers earlier answers (an lru_cache on the class): forget them
        cached = getattr(type(manager), "_findfont_cached", None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def setup_fonts() -> str:
    """Make the shipped fonts matplotlib's defaults, with the charts' style; returns the CJK family name.
    Safe to call many times."""
    import matplotlib.pyplot as plt

    pin_font_files()
    plt.rcParams.update({
        "font.family": [CJK_FAMILY, LATIN_FAMILY],
        "axes.unicode_minus": False,  # the CJK font has no U+2212; use the ASCII hyphen-minus
        "svg.fonttype": "path",
        "svg.hashsalt": "reviewfigs",  # stable ids in SVG output
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#767676",
        "axes.labelcolor": "#222222",
        "xtick.color": "#767676",
        "ytick.color": "#767676",
        "text.color": "#222222",
    })
    return CJK_FAMILY
