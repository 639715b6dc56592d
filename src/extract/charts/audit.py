"""The check every chart passes before it is saved, made on the rendered figure itself.

    problems = audit(chart)        # [] or one line per problem

- no two text labels overlap, and none is cut off by the figure's edge (the boxes of the rendered texts,
  tick labels included, measured with the renderer that draws them);
- no raw metric id (``imports_exports_growth``) or other code name in the title, subtitle or panel titles;
- no axis carries a scale factor (``1e7``): units are scaled for reading (万标准箱) instead;
- every region of the data the chart was asked to show is drawn (its name is on the chart) or named in the
  footnote with the reason it was left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matplotlib.text import Text
from matplotlib.transforms import Bbox

CODE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+")
SLACK = 1.0  # pixels: anti-aliasing may touch, text may not overlap


@dataclass
class DrawnText:
    artist: Text
    box: Bbox
    role: str  # heading (title, subtitle) | panel (a small multiple's title) | footer | label | tick

    @property
    def text(self) -> str:
        return self.artist.get_text()


def drawn_texts(figure, headings=(), footer=None) -> list[DrawnText]:
    """Every non-empty text the figure draws, with its box in display pixels."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    heading_ids = {id(h) for h in headings}
    found: list[DrawnText] = []

    def add(artist: Text, role: str) -> None:
        if not artist.get_visible() or not artist.get_text().strip():
            return
        role = "heading" if id(artist) in heading_ids else "footer" if artist is footer else role
        # Text's own extent: an annotation's would include its leader line, which is not text
        found.append(DrawnText(artist, Text.get_window_extent(artist, renderer), role))

    for text in figure.texts:
        add(text, "label")
    for ax in figure.axes:
        for text in ax.texts:
            add(text, "label")
        for title in (ax.title, ax._left_title, ax._right_title):  # matplotlib keeps the three apart
            add(title, "panel")
        add(ax.xaxis.label, "label")
        add(ax.yaxis.label, "label")
        add(ax.xaxis.get_offset_text(), "tick")  # "1e7" or "+2.02e3" would be a scale the reader must apply
        add(ax.yaxis.get_offset_text(), "tick")
        for axis, (low, high) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            for tick in axis.get_major_ticks():
                # ticks outside the view are not drawn (matplotlib keeps their labels around)
                if low - 1e-9 <= tick.get_loc() <= high + 1e-9 and tick.label1.get_visible():
                    add(tick.label1, "tick")
    return found


def overlapping(texts: list[DrawnText]) -> list[tuple[DrawnText, DrawnText]]:
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            width = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
            height = min(a.box.y1, b.box.y1) - max(a.box.y0, b.box.y0)
            if width > SLACK and height > SLACK:
                pairs.append((a, b))
    return pairs


def audit(chart) -> list[str]:
    """Problems of a plots.Chart as drawn (see the module docstring)."""
    figure = chart.figure
    texts = drawn_texts(figure, chart.headings, chart.footer)
    problems = [f"labels overlap: {a.text!r} and {b.text!r}" for a, b in overlapping(texts)]
    edge = figure.bbox
    for item in texts:
        box = item.box
        if box.x0 < edge.x0 - SLACK or box.y0 < edge.y0 - SLACK or box.x1 > edge.x1 + SLACK \
                or box.y1 > edge.y1 + SLACK:
            problems.append(f"text cut off by the figure's edge: {item.text!r}")
    for ax in figure.axes:
        for offset in (ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text()):
            if offset.get_visible() and offset.get_text().strip():
                problems.append(f"an axis shows a scale factor {offset.get_text()!r}: scale the unit instead")
    for item in texts:
        if item.role in ("heading", "panel"):
            for code in CODE_NAME.findall(item.text):
                problems.append(f"code name {code!r} in the heading {item.text!r}")
    shown = " ".join(t.text for t in texts)  # a title names its one line's region; labels and panels the others
    for region in chart.regions:
        if region and region not in shown:
            problems.append(f"region {region} is in the data but neither drawn nor named in the footnote")
    return problems
