"""Reading text with RapidOCR more carefully than its one-call pipeline does.

RapidOCR detects text boxes, crops each one tightly and recognises the crops. On ordinary
printed lines (14 to 28 px text) that loses a lot: the detector often splits one line into
several boxes, so each crop starts or ends inside a letter ("your k" + "badge"), and the
recogniser, given small tight crops, drops the gaps between words ("Exitviathenorthstairs").
:func:`read_text` keeps RapidOCR's detector and recogniser but hands the recogniser better
crops: neighbouring boxes of one straight line are merged into one box (:func:`line_groups`),
and each crop gets a margin and, when low, is enlarged with cubic interpolation
(:func:`prepared`). ``benchmarks/ocr.py`` measures both readers on rendered notices.

The box geometry needs only the standard library; numpy and cv2 (which RapidOCR depends on) are
imported where an image is read, a merged box fitted or a crop enlarged.
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

MAX_GAP = 1.5
"""... and the gap between them along the line is at most this many box heights (a word gap, not a column)."""


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
    across = abs(-ua[1] * dx + ua[0] * dy)
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


def _quarter_turn(engine: Any, image: Any, boxes: Sequence[Sequence[Sequence[float]]]) -> int | None:
    """The cv2 rotation that sets upright a page turned a quarter (most of its boxes standing, at
    least half again as tall as wide), else None. RapidOCR turns a standing crop a quarter
    anticlockwise; the direction classifier then finds it upside down when the page was turned
    anticlockwise (its lines run upwards) and upright when it was turned clockwise."""
    standing = [box for box in boxes if _frame(box)[3] >= 1.5 * _frame(box)[2]]
    if not standing or 2 * len(standing) <= len(boxes) or not engine.use_cls:
        return None
    import cv2
    import numpy as np

    _, directions, _ = engine.text_cls(engine.get_crop_img_list(image, [np.asarray(b, np.float32) for b in standing]))
    upside_down = sum(str(label) == "180" for label, _score in directions)
    return cv2.ROTATE_90_CLOCKWISE if 2 * upside_down > len(directions) else cv2.ROTATE_90_COUNTERCLOCKWISE


def read_text(engine: Any, path: str) -> list[tuple[list[list[float]], str, float]]:
    """OCR fragments ``(quad, text, score)`` of the image at ``path`` (opened by
    :func:`._images.open_image`: upright, transparent parts white, 16-bit scaled): RapidOCR's detector
    (on a page turned a quarter, again on the page set upright, whose coordinates the boxes are then
    in), the boxes of one line merged, RapidOCR's direction classifier, the crops given a margin and
    enlarged (:func:`prepared`), RapidOCR's recogniser and its score threshold. An engine without
    the pieces this needs (another RapidOCR version) is simply called."""
    needed = ("get_crop_img_list", "text_rec", "text_cls", "text_score", "use_cls")
    if not all(hasattr(engine, name) for name in needed):
        return list(engine(path)[0] or [])
    import numpy as np

    from ._images import open_image

    image = np.ascontiguousarray(np.asarray(open_image(path))[:, :, ::-1])  # BGR, as RapidOCR reads
    boxes, _ = engine(image, use_cls=False, use_rec=False)
    if not boxes:
        return []
    turn = _quarter_turn(engine, image, boxes)
    if turn is not None:  # read the page upright, so its lines are found and ordered as lines
        import cv2

        image = np.ascontiguousarray(cv2.rotate(image, turn))
        boxes, _ = engine(image, use_cls=False, use_rec=False)
        if not boxes:
            return []
    quads = []
    for group in line_groups(boxes):
        members = [boxes[i] for i in group]
        quads.append(merged_quad(members) if len(members) > 1 else np.asarray(members[0], dtype=np.float32))
    crops = engine.get_crop_img_list(image, quads)
    if engine.use_cls:  # on the crops as cut: given margins, it turns some upright lines upside down
        crops, _, _ = engine.text_cls(crops)
    recognised, _ = engine.text_rec([prepared(c) for c in crops])
    return [(quad.tolist(), str(found[0]), float(found[1])) for quad, found in zip(quads, recognised)
            if float(found[1]) >= engine.text_score]


__all__ = ["line_groups", "merged_quad", "prepared", "read_text"]
