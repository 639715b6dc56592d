"""Where things go on a chart: the canvas (title, subtitle, panels, footnote laid out in inches, so the blocks
never overlap whatever the height and however many footnote lines), text wrapping, and a label placer that
puts each label at the first of its candidate spots where it overlaps no text and no marker already there.

    canvas = new_canvas(title, subtitle, footer_parts, panels=4, ncols=2)
    placer = LabelPlacer(canvas.figure)
    placer.block_points(ax, xs, ys)          # markers a label must not cover
    placer.place(ax, "6.3%", (2024, 6.3), AROUND, required=False)
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from extract.charts.fonts import setup_fonts

INK, MUTED = "#222222", "#767676"
FOOTER_PT = 8.5
TOP_BLOCK = 0.95  # inches: title + subtitle
PANEL_TITLE = 0.32  # inches above a small multiple for its title
AXIS_LABELS = 0.55  # inches under a row of panels: tick labels (and an axis label)
RIGHT = 0.35

# Candidate spots for a value label, in points from the point it labels: above, below, right, left, diagonals.
AROUND = [((0, 7), "center", "bottom"), ((0, -7), "center", "top"), ((7, 0), "left", "center"),
          ((-7, 0), "right", "center"), ((6, 6), "left", "bottom"), ((-6, 6), "right", "bottom"),
          ((6, -6), "left", "top"), ((-6, -6), "right", "top")]
BELOW_FIRST = [AROUND[1], AROUND[0], *AROUND[2:]]
# A line's name at its last point: right of it first, then above or below to the right.
LINE_END = [((8, 0), "left", "center"), ((8, 9), "left", "bottom"), ((8, -9), "left", "top"),
            ((0, 12), "center", "bottom"), ((0, -12), "center", "top"), ((16, 18), "left", "bottom"),
            ((16, -18), "left", "top")]


def around(gap: float) -> list[tuple[tuple[float, float], str, str]]:
    """Spots at ``gap`` points from a marker's centre (right, left, below, above, diagonals), then farther out."""
    spots = []
    for extra in (0, 10, 22):
        g = gap + extra
        d = g / math.sqrt(2)
        spots += [((g, 0), "left", "center"), ((-g, 0), "right", "center"), ((0, -g), "center", "top"),
                  ((0, g), "center", "bottom"), ((d, -d), "left", "top"), ((-d, d), "right", "bottom"),
                  ((d, d), "left", "bottom"), ((-d, -d), "right", "top")]
    return spots


def text_width(text: str) -> float:
    """Width in em of a line: CJK and full-width characters 1, others about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def wrap_text(text: str, width: float, indent: str = "　　") -> list[str]:
    """Lines of at most ``width`` em: breaks after "；", else after "、", "，" or a space, else anywhere.
    Continuation lines are indented (under "来源：")."""
    if not text:
        return []
    lines: list[str] = []
    line = ""
    for char in text:
        if text_width(line + char) > width and line.strip():
            cut = -1
            for separators in ("；", "、，） "):  # between sources first, then between names or words
                cut = max(line.rfind(c) for c in separators)
                if cut > len(line) // 2:
                    break
            if cut > len(line) // 2:
                lines.append(line[: cut + 1])
                line = indent + line[cut + 1:]
            else:
                lines.append(line)
                line = indent
        line += char
    lines.append(line)
    return [ln.rstrip() for ln in lines]


@dataclass
class Canvas:
    figure: MplFigure
    axes: list
    title: Text
    subtitle: Text
    footer: Text | None


def new_canvas(title: str, subtitle: str, footer_parts: list[str], panels: int = 1, ncols: int = 1,
               width: float = 9.0, panel_height: float | None = None, left: float = 0.9,
               gap: float = 0.8) -> Canvas:
    """A figure with the title and subtitle on top, ``panels`` axes in ``ncols`` columns, and the footnote
    (each part wrapped to the figure's width) at the bottom."""
    setup_fonts()
    per_line = (width - 0.4) * 72 / FOOTER_PT  # em of the footnote's size that fit across
    footer_lines = [line for part in footer_parts for line in wrap_text(part, per_line)]
    footer_h = 0.15 + 0.17 * len(footer_lines)
    nrows = math.ceil(panels / ncols)
    height_each = panel_height or (3.8 if panels == 1 else 2.3)
    title_h = PANEL_TITLE if panels > 1 else 0.0
    row_h = title_h + height_each + AXIS_LABELS
    height = TOP_BLOCK + nrows * row_h + footer_h
    fig = plt.figure(figsize=(width, height))
    axes_w = (width - left - RIGHT - (ncols - 1) * gap) / ncols
    axes = []
    for i in range(panels):
        r, c = divmod(i, ncols)
        top = height - TOP_BLOCK - r * row_h - title_h
        axes.append(fig.add_axes(((left + c * (axes_w + gap)) / width, (top - height_each) / height,
                                  axes_w / width, height_each / height)))
    title_text = fig.text(0.18 / width, 1 - 0.18 / height, title, fontsize=15, color=INK, va="top", ha="left")
    subtitle_text = fig.text(0.18 / width, 1 - 0.55 / height, subtitle, fontsize=10.5, color=MUTED, va="top",
                             ha="left")
    footer = fig.text(0.18 / width, 0.12 / height, "\n".join(footer_lines), fontsize=FOOTER_PT, color=MUTED,
                      va="bottom", ha="left", linespacing=1.35) if footer_lines else None
    fit_heading(title_text, fig)
    fit_heading(subtitle_text, fig, smallest=7.5)
    return Canvas(fig, axes, title_text, subtitle_text, footer)


def fit_heading(text: Text, figure: MplFigure, smallest: float = 8.0) -> None:
    """Shrink a one-line heading until it fits across the figure (a long finding must not run off the edge)."""
    renderer = figure.canvas.get_renderer()
    limit = figure.bbox.width - 0.3 * figure.dpi
    while text.get_window_extent(renderer).width > limit and text.get_fontsize() > smallest:
        text.set_fontsize(text.get_fontsize() - 0.5)


@dataclass
class LabelPlacer:
    """Labels placed one at a time, each at the first candidate spot where its box lies inside its axes (or
    the figure) and overlaps no text and no marker placed before it."""

    figure: MplFigure
    taken: list[Bbox] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # required labels that found no free spot

    def __post_init__(self) -> None:
        self.figure.canvas.draw()  # tick labels and headings are where they will be drawn
        self.renderer = self.figure.canvas.get_renderer()
        from extract.charts.audit import drawn_texts

        self.taken += [t.box for t in drawn_texts(self.figure)]

    def block_points(self, ax, xs, ys, radius_pt: float = 4.5) -> None:
        r = radius_pt * self.figure.dpi / 72
        for x, y in zip(xs, ys, strict=False):
            if x is None or y is None or (isinstance(y, float) and math.isnan(y)):
                continue
            cx, cy = ax.transData.transform((x, y))
            self.taken.append(Bbox([[cx - r, cy - r], [cx + r, cy + r]]))

    def block_line(self, ax, xs, ys, every_px: float = 5.0, half_px: float = 2.5) -> None:
        """A line through the points, as small boxes along it: labels are kept off the lines too."""
        points = [ax.transData.transform((x, y)) for x, y in zip(xs, ys, strict=False)]
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=False):
            steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / every_px))
            for k in range(steps + 1):
                cx, cy = x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps
                self.taken.append(Bbox([[cx - half_px, cy - half_px], [cx + half_px, cy + half_px]]))

    def block(self, box: Bbox) -> None:
        self.taken.append(box)

    def place(self, ax, text: str, xy: tuple[float, float], spots, required: bool = False, within_axes: bool = True,
              leader_after: int | None = None, **style) -> Text | None:
        """The label at the first free spot (None when there is none: optional labels are then left out). From
        spot ``leader_after`` on, a thin line leads from the label back to its point."""
        area = ax.bbox if within_axes else self.figure.bbox
        style = {"fontsize": 8.5, "color": INK, **style}
        for i, ((dx, dy), ha, va) in enumerate(spots):
            leader = {"arrowprops": {"arrowstyle": "-", "color": MUTED, "linewidth": 0.6, "shrinkA": 0,
                                     "shrinkB": 3}} if leader_after is not None and i >= leader_after else {}
            label = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                annotation_clip=False, **leader, **style)
            label.update_positions(self.renderer)
            box = Text.get_window_extent(label, self.renderer)  # the text alone, without its leader line
            inside = area.x0 - 1 <= box.x0 and box.x1 <= area.x1 + 1 and area.y0 - 1 <= box.y0 and box.y1 <= area.y1 + 1
            if inside and not any(_overlap(box, other) for other in self.taken):
                self.taken.append(box)
                return label
            label.remove()
        if required:
            self.failed.append(text)
        return None


def _overlap(a: Bbox, b: Bbox, slack: float = 1.0) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > slack and min(a.y1, b.y1) - max(a.y0, b.y0) > slack
