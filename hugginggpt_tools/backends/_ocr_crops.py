"""Line boxes and crops for RapidOCR's recogniser: the boxes of one line merged, long lines cut.

RapidOCR's detector often splits one printed line into several boxes, so each crop starts or ends
inside a letter; neighbouring boxes of one straight line, a word gap apart at most, are merged into
one box (:func:`line_groups`, :func:`merged_quad`), a long line is cut at word gaps into pieces the
direction classifier and the recogniser read well (:func:`pieces`), and each crop gets a margin and,
when low, is enlarged with cubic interpolation (:func:`prepared`). The box geometry needs only the
standard library; numpy and cv2 are imported where a merged box is fitted or a crop cut or enlarged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

MIN_HEIGHT = 64
"""Crops lower than this (after padding) are enlarged to it; the recogniser's input is 48 high."""

PAD = 0.25
"""The margin added around each crop (repeating its edge pixels), in crop heights."""

MAX_TILT_DEG = 30.0
"""Boxes tilted more than this from horizontal are never merged (vertical or steeply rotated text)."""

SAME_LINE = 0.5
"""Two boxes are on one line when each centre lies within this many box heights of the other's centre line."""

MAX_GAP = 0.8
"""... and the gap between them along the line is at most this many box heights: a word gap. It was
1.5, which took in the gutter between columns (1 to 3 text heights, less between the detector's
boxes, which reach past the ink) and a menu's spaced items, and joined them into one crop read
across the gap ("Tools" read "ols"); fragments of one line further apart are joined by
:func:`._ocr_layout.merge_ocr_lines` after reading."""

MAX_PIECE = 10.0
"""Lines wider than this many heights are classified and read in pieces cut at word gaps (:func:`pieces`)."""

MIN_CUT = 0.12
"""A line with no word gap to cut at (:data:`WORD_CUT`) is cut, if it must, only at a blank run at least
this many crop heights wide (and 3 px): a word gap is about a quarter of the text's size, a letter gap
a tenth or less. In a crop of small text (10 px high), a 2 px gap was as often between two letters as
between two words, so 3 px at least."""

WORD_CUT = 0.2
"""A blank run at least this many crop heights wide is a word gap to cut a long line at (:func:`pieces`):
where the recogniser read a space, the gap measured 0.22 heights or more in 19 cases of 20; between two
letters of a line read right, 0.17 or less."""

MIN_CUT_HEIGHT = 16
"""Crops lower than this are read whole: in 10 px text, anti-aliasing leaves blank runs between
letters as wide as those between words ("lea ve")."""


def _frame(box: Sequence[Sequence[float]]) -> tuple[tuple[float, float], tuple[float, float], float, float]:
    """A detected quad (top-left, top-right, bottom-right, bottom-left) as its centre, unit
    direction along the text, width along it and height across it."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = [(float(p[0]), float(p[1])) for p in box]
    dx, dy = (x1 - x0 + x2 - x3) / 2, (y1 - y0 + y2 - y3) / 2
    width = math.hypot(dx, dy) or 1e-6
    height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
    centre = ((x0 + x1 + x2 + x3) / 4, (y0 + y1 + y2 + y3) / 4)
    return centre, (dx / width, dy / width), width, height


def _mergeable(a: tuple, b: tuple) -> bool:
    """Whether two framed boxes are neighbouring pieces of one straight line of text."""
    (ca, ua, wa, ha), (cb, ub, wb, hb) = a, b
    if min(ha, hb) <= 0 or max(ha, hb) > 1.6 * min(ha, hb):
        return False
    if abs(ua[0] * ub[0] + ua[1] * ub[1]) < math.cos(math.radians(10)):
        return False
    dx, dy = cb[0] - ca[0], cb[1] - ca[1]
    across = max(abs(-ua[1] * dx + ua[0] * dy), abs(-ub[1] * dx + ub[0] * dy))  # each from the other's line
    along = abs(ua[0] * dx + ua[1] * dy)
    return across <= SAME_LINE * min(ha, hb) and along - (wa + wb) / 2 <= MAX_GAP * max(ha, hb)


def line_groups(boxes: Sequence[Sequence[Sequence[float]]]) -> list[list[int]]:
    """Indices of ``boxes`` grouped into runs that are pieces of one line: boxes of similar
    height and direction, one's centre on the other's centre line, and at most a word gap apart.
    Boxes tilted more than :data:`MAX_TILT_DEG` stay alone. Groups come in input order of
    their first box."""
    frames = [_frame(b) for b in boxes]
    flat = [abs(math.degrees(math.atan2(u[1], u[0]))) <= MAX_TILT_DEG and w >= h for _, u, w, h in frames]
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if flat[i] and flat[j] and _mergeable(frames[i], frames[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def merged_quad(boxes: Sequence[Sequence[Sequence[float]]]) -> Any:
    """The smallest rotated rectangle around ``boxes`` as a float32 quad (top-left, top-right,
    bottom-right, bottom-left), for text tilted less than 45 degrees."""
    import cv2
    import numpy as np

    points = np.asarray([p for box in boxes for p in box], dtype=np.float32)
    corners = cv2.boxPoints(cv2.minAreaRect(points))
    total, diff = corners.sum(axis=1), corners[:, 1] - corners[:, 0]
    return np.array([corners[total.argmin()], corners[diff.argmin()], corners[total.argmax()],
                     corners[diff.argmax()]], dtype=np.float32)


def prepared(crop: Any, pad: float = PAD, height: int = MIN_HEIGHT) -> Any:
    """``crop`` with a margin of ``pad`` times its height on every side (its edge pixels repeated),
    then scaled up (cubic) to ``height`` pixels if it is lower."""
    import cv2

    margin = round(pad * crop.shape[0])
    if margin:
        crop = cv2.copyMakeBorder(crop, margin, margin, margin, margin, cv2.BORDER_REPLICATE)
    if 0 < crop.shape[0] < height:
        scale = height / crop.shape[0]
        return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return crop


def pieces(crop: Any, ratio: float = MAX_PIECE) -> list[Any]:
    """``crop`` (a line, BGR) cut into pieces at most ``ratio`` times as wide as high, at word gaps:
    blank runs of columns (:func:`blank_runs`, no ink between a fifth and four fifths of the height)
    at least :data:`WORD_CUT` of the height (and 3 px) wide. Each cut goes in the middle of the widest
    such run that ends a piece between half and all of that length, else between a fifth and half of
    it (a long word follows). A line with no word gap there is read whole from there on, unless
    what is left is more than twice that long: then the widest blank run at least :data:`MIN_CUT` of
    the height wide will do. A crop lower than :data:`MIN_CUT_HEIGHT` px stays whole (small print
    reads well whole).

    The recogniser reads a long line badly in one go: a paragraph's 1000 px line of 24 px text lost
    most of its word gaps and letters ("Thenewbridgewillcaryfoulanesof traffic"), and the direction
    classifier, which squeezes its input to 192 x 48, took a 49:1 line for upside down. Lines of a
    scan turned 2 to 12 degrees read exactly went from 69% to 94% cutting at 10 heights rather than
    20. Cut at any gap of :data:`MIN_CUT` heights, a word of 12 heights ("Supercalifragilistic|
    expialidocious" in 20 px DejaVu Sans) was cut between two letters; a word gap is wider than the
    gaps between letters of the line, but the line's median gap is no measure of those: on a blurred
    photo most gaps between letters close up and the median gap is a word gap."""
    height, width = crop.shape[:2]
    if height < MIN_CUT_HEIGHT or width <= ratio * height:
        return [crop]
    runs = [r for r in blank_runs(crop, 0.2) if r[1] - r[0] >= max(3, MIN_CUT * height)]
    words = [r for r in runs if r[1] - r[0] >= max(3, WORD_CUT * height)]
    cuts, start = [0], 0
    while width - start > ratio * height:
        span = ratio * height
        fits = ([r for r in words if start + span / 2 <= (r[0] + r[1]) / 2 <= start + span]
                or [r for r in words if start + span / 5 <= (r[0] + r[1]) / 2 < start + span / 2])
        if not fits and width - start > 2 * span:
            fits = [r for r in runs if start + span / 2 <= (r[0] + r[1]) / 2 <= start + span]
        if not fits:
            break
        lo, hi = max(fits, key=lambda r: (r[1] - r[0], r[0]))
        start = (lo + hi) // 2
        cuts.append(start)
    cuts.append(width)
    return [crop[:, a:b] for a, b in zip(cuts, cuts[1:])]


def blank_runs(crop: Any, band: float = 0.1) -> list[tuple[int, int]]:
    """The runs ``(start, end)`` of blank columns inside ``crop`` (a line, BGR or grey): no ink between
    ``band`` and ``1 - band`` of its height, ink being the minority side of Otsu's threshold. Runs
    touching either end are left out."""
    import cv2

    height, width = crop.shape[:2]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = binary == 0 if (binary == 0).mean() < 0.5 else binary == 255
    edge = int(band * height)
    blank = ~ink[edge: height - edge].any(axis=0)
    runs, x = [], 0
    while x < width:
        if blank[x]:
            start = x
            while x < width and blank[x]:
                x += 1
            if start > 0 and x < width:
                runs.append((start, x))
        x += 1
    return runs
