"""Fill a folder with the Chinese fonts a user's machine may have, for scripts/with_system_cjk_font.sh.

    python scripts/make_cjk_font_dir.py DIR

- ``NotoSansCJK-Regular.ttc``: the collection noto-cjk ships (Debian's fonts-noto-cjk installs the same family);
- ``NotoSansCJKsc-Wide.otf``: a worse case, a font that *calls itself* Noto Sans CJK SC but has other glyph widths
  and only a few glyphs (made here with fontTools, which matplotlib installs), as another version of the family
  would be. A chart or page that picked it up would look, and measure, different.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset

from extract.charts.fonts import CJK_FACE, cjk_font_path

IMPOSTOR_TEXT = "".join(chr(c) for c in range(0x20, 0x7F)) + "地区生产总值增速金华市东阳市义乌市年目标为从降至升实际值单位来源页"


def make_font_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(cjk_font_path(), folder / cjk_font_path().name)
    options = subset.Options()
    options.font_number = CJK_FACE
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    font = subset.load_font(str(cjk_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=IMPOSTOR_TEXT)
    subsetter.subset(font)
    metrics = font["hmtx"].metrics
    for glyph, (advance, side) in list(metrics.items()):
        metrics[glyph] = (int(advance * 1.3), side)  # wider: every line of text would measure differently
    font.save(str(folder / "NotoSansCJKsc-Wide.otf"))
    return folder


if __name__ == "__main__":
    print(make_font_dir(Path(sys.argv[1])))
