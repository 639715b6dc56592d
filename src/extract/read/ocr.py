"""OCR for pages without a text layer: a page image -> char dicts like a text layer's, with a confidence each.

    chars, complete = ocr_image(rgb_pixels, scale, origin, deadline)
    # [{"text", "x0", "top", "x1", "bottom", "size", "fontname", "baseline", "confidence"}, ...] in PDF points

The engine is RapidOCR (rapidocr-onnxruntime): PaddleOCR's PP-OCRv4 Chinese detection and recognition models,
shipped inside its PyPI wheel, run with onnxruntime on the CPU. Nothing is downloaded, ever. Measured on the
three checked pages of the scanned 张家界 bulletin against Debian's tesseract 5 with chi_sim (README, "Scanned
pages"): tesseract splits the Chinese lines into single glyphs with wide gaps, reads 亿 and % poorly and needs
Debian packages that the project's install cannot bring; RapidOCR reads the figures right and installs with
``make setup``.

Only extract.read.pdf calls this module, for the pages it judges to have no text layer; the characters then go
through the same layout, grammar and rules as a text layer's. Each char's box comes from the recogniser's CTC
columns (where along the line the char was read), its confidence from the column's probability. A figure with
a char below LOW_CONFIDENCE is flagged ``ocr_low_confidence`` (extract.figures).

Latin look-alikes read among digits are digits, as the page shows ("2O15" -> 2015, "l0%" -> 10%): such a
char keeps a confidence below LOW_CONFIDENCE, so its figure is flagged, never silently trusted.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where pages are OCRed: reading a text layer (and `reviewfigs extract`) needs no numpy
    import numpy as np

# A char read with a lower probability than this flags its figure ocr_low_confidence. PP-OCR's recogniser gives
# 0.95-1.0 for clean print; misread digits of the scanned pages measured 0.4-0.8.
LOW_CONFIDENCE = 0.9
# Recognised lines with a lower mean probability are dropped as noise (stamps, pictures, rules): RapidOCR's own
# default text_score.
MIN_LINE_SCORE = 0.5
# Pages are rendered at this resolution for OCR (pixels per inch): A4 body text (10.5-16 pt) is then 20-30 px
# high, what the recogniser (48 px lines) reads best; more costs time and reads no better.
OCR_DPI = 120
# The detector sees the page scaled to this longest side (pixels): it finds lines, the recogniser reads them
# from the full-resolution image.
DETECT_SIDE = 1024
# How far the detector's boxes are grown around the text it found (RapidOCR's default is 1.6): the recogniser
# reads each line scaled to 48 px high, so a roomier box is a shorter input. Measured on the 20 scanned pages
# of the 张家界 bulletin: 2.2 reads the same 647 figures for 20% less CPU (2.5 against 3.1 s a page).
UNCLIP_RATIO = 2.2
FONTNAME = "OCR"
DEFAULT_PAGE_SECONDS = 60.0
# Look-alikes an OCR engine reads among digits, and the digit the page shows.
# (Only letters no figure is printed with: S316 and G60 are road codes and stay letters.)
_LOOKALIKE_DIGITS = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}


@dataclass
class OcrSettings:
    """Whether and how pages without a text layer are OCRed (one object from the command line to the reader)."""

    enabled: bool = True
    page_seconds: float = DEFAULT_PAGE_SECONDS  # time budget of one page; the lines read by then are kept
    progress: Callable[[int, int, float], None] | None = None  # (page number, pages in document, seconds)


def print_progress(page: int, pages: int, seconds: float) -> None:
    """OCR takes seconds a page: say where it is on stderr (one line rewritten in place on a terminal; every
    tenth page and the last otherwise)."""
    tty = sys.stderr.isatty()
    if tty or page == pages or page % 10 == 0:
        end = "\r" if tty and page < pages else "\n"
        print(f"reviewfigs: OCR page {page} of {pages} ({seconds:.1f} s)", end=end, file=sys.stderr, flush=True)


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed (an install without the project's dependencies)."""


_ENGINE = None


def engine():
    """The RapidOCR engine, built once per process (~0.3 s: three ONNX models from the wheel).

    One thread per model: measured on the scanned pages of the 张家界 bulletin on the 2-core machine, two
    threads cost 1.5x the CPU time for a wall time no shorter (2.8 s a page with one, 3.3-3.8 s with two), and a
    run reads -j documents at once, one process each."""
    global _ENGINE
    if _ENGINE is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - the project's install always has it
            raise OcrUnavailable("OCR engine rapidocr-onnxruntime is not installed") from exc
        _ENGINE = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False,
                           det_unclip_ratio=UNCLIP_RATIO)
    return _ENGINE


def ocr_image(image: np.ndarray, scale: float, origin: tuple[float, float] = (0.0, 0.0),
              deadline: float = math.inf) -> tuple[list[dict], bool]:
    """Chars of an RGB page image (``scale`` pixels per PDF point; ``origin`` = the page box's top-left in PDF
    points). Returns the chars and whether the page was read to the end before ``deadline`` (time.monotonic)."""
    eng = engine()
    boxes = _detect(eng, image)
    crops = [_crop(image, box) for box in boxes]
    lines, complete = _recognise(eng, crops, deadline)
    read = [(box, line) for box, line in zip(boxes, lines, strict=False) if line is not None]
    heights = sorted(float(box[:, 1].max() - box[:, 1].min()) for box, _ in read)
    usual = heights[len(heights) // 2] if heights else 0.0
    chars: list[dict] = []
    for box, line in read:
        chars.extend(_line_chars(box, line, scale, origin, usual))
    return chars, complete


# ----------------------------------------------------------------------------------------------- the models


def _detect(eng, image: np.ndarray) -> list[np.ndarray]:
    """Text line quadrilaterals (4x2, image pixels), top to bottom."""
    import cv2
    import numpy as np

    h, w = image.shape[:2]
    ratio = min(1.0, DETECT_SIDE / max(h, w))
    small = cv2.resize(image, (max(32, round(w * ratio)), max(32, round(h * ratio)))) if ratio < 1.0 else image
    found, _ = eng.text_det(small)
    if found is None or len(found) == 0:
        return []
    boxes = [np.asarray(b, dtype=np.float32) / np.float32(ratio) for b in found]
    return sorted(boxes, key=lambda b: (float(b[:, 1].min()), float(b[:, 0].min())))


def _crop(image: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The line's pixels, straightened (the detector's quadrilateral warped to a rectangle)."""
    import cv2
    import numpy as np

    width = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
    height = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(box.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE,
                               flags=cv2.INTER_CUBIC)


@dataclass
class _Read:
    """One recognised line: per char its text, centre (0..1 along the crop) and probability."""

    chars: list[tuple[str, float, float]]
    score: float


def _recognise(eng, crops: list[np.ndarray], deadline: float) -> tuple[list[_Read | None], bool]:
    """Read the line crops in batches of similar width (the recogniser pads a batch to its widest line)."""
    import numpy as np

    rec = eng.text_rec
    _, img_h, img_w = rec.rec_image_shape
    characters = rec.postprocess_op.character
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
    out: list[_Read | None] = [None] * len(crops)
    batch = rec.rec_batch_num
    for start in range(0, len(order), batch):
        if time.monotonic() > deadline:
            return out, False
        members = order[start:start + batch]
        ratios = [crops[i].shape[1] / max(1, crops[i].shape[0]) for i in members]
        max_ratio = max([img_w / img_h, *ratios])
        inputs = np.concatenate([rec.resize_norm_img(crops[i], max_ratio)[None] for i in members])
        preds = rec.session(inputs.astype(np.float32))[0]  # (batch, steps, classes)
        for k, i in enumerate(members):
            used = min(1.0, ratios[k] / max_ratio)  # share of the padded input the line fills
            out[i] = _decode(preds[k], characters, used)
    return out, True


def _decode(pred: np.ndarray, characters: list[str], used: float) -> _Read | None:
    """CTC greedy decoding that keeps, per char, the columns it was read in and its best probability."""
    best = pred.argmax(axis=1)
    prob = pred.max(axis=1)
    steps = len(best)
    chars: list[tuple[str, float, float]] = []
    probs: list[float] = []
    t = 0
    while t < steps:
        index = int(best[t])
        end = t
        while end + 1 < steps and best[end + 1] == index:
            end += 1
        if index != 0:  # 0 is CTC's blank
            text = characters[index] if index < len(characters) else ""
            p = float(prob[t:end + 1].max())
            probs.append(p)
            if text and not text.isspace():
                centre = (t + end + 1) / 2.0 / steps / used
                chars.append((text, min(1.0, centre), p))
        t = end + 1
    if not chars:
        return None
    score = sum(probs) / len(probs)
    return _Read(chars, score) if score >= MIN_LINE_SCORE else None


# ----------------------------------------------------------------------------------------------- geometry


def _line_chars(box: np.ndarray, line: _Read, scale: float, origin: tuple[float, float],
                usual_height: float) -> list[dict]:
    """Char dicts of one line: each char spans from halfway to its neighbours' centres (the first and last
    half a typical pitch out), the line's height top to bottom.

    The detector's boxes vary by a few pixels from line to line; the layout tells headings from body text by
    size, so a line within a quarter of the page's usual line height gets exactly that height.
    """
    left = float(box[:, 0].min())
    right = float(box[:, 0].max())
    top = float(box[:, 1].min())
    bottom = float(box[:, 1].max())
    if usual_height and abs((bottom - top) - usual_height) <= 0.25 * usual_height:
        middle = (top + bottom) / 2
        top, bottom = middle - usual_height / 2, middle + usual_height / 2
    width = right - left
    centres = [left + c * width for _, c, _ in line.chars]
    pitch = _typical_pitch(centres, bottom - top)
    texts = _as_printed([t for t, _, _ in line.chars])
    ox, oy = origin
    size = (bottom - top) / scale
    out = []
    for k, ((raw, _, p), centre, text) in enumerate(zip(line.chars, centres, texts, strict=True)):
        x0 = (centres[k - 1] + centre) / 2 if k else centre - pitch / 2
        x1 = (centre + centres[k + 1]) / 2 if k + 1 < len(centres) else centre + pitch / 2
        confidence = p if text == raw else min(p, LOW_CONFIDENCE - 0.01)
        out.append({"text": text, "x0": ox + max(left, x0) / scale, "top": oy + top / scale,
                    "x1": ox + min(right, x1) / scale, "bottom": oy + bottom / scale, "size": size,
                    "fontname": FONTNAME, "baseline": None, "confidence": round(confidence, 4)})
    return out


def _typical_pitch(centres: list[float], height: float) -> float:
    steps = sorted(b - a for a, b in zip(centres, centres[1:], strict=False) if b > a)
    return steps[len(steps) // 2] if steps else 0.9 * height


def _as_printed(texts: list[str]) -> list[str]:
    """What the recogniser's look-alikes are in Chinese print: a latin letter among digits is the digit
    ("2O15", "l0%"); ASCII punctuation beside a Chinese character is the full-width mark (the recogniser
    knows both and often picks the ASCII one), so sentences end where the page shows they do ("增长3.3%.其中")
    while a point between digits stays a decimal point."""
    out = list(texts)
    for k, ch in enumerate(texts):
        before = texts[k - 1] if k else ""
        after = texts[k + 1] if k + 1 < len(texts) else ""
        digit = _LOOKALIKE_DIGITS.get(ch)
        if digit is not None:
            latin = (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
            if not latin and (before.isdigit() or after.isdigit()):
                out[k] = digit
        elif ch in _FULL_WIDTH and (_is_han(before) or _is_han(after) or ch in "()"):
            if not (ch in ".,:" and before.isdigit() and after.isdigit()):  # 5.5, 1,234, 14.2:11.8
                out[k] = _FULL_WIDTH[ch]
    return out


_FULL_WIDTH = {",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"
