"""Reading text with RapidOCR more carefully than its one-call pipeline does.

RapidOCR detects text boxes, crops each one tightly and recognises the crops. On ordinary
printed lines (14 to 28 px text) that loses a lot: the detector often splits one line into
several boxes, so each crop starts or ends inside a letter ("your k" + "badge"), and the
recogniser, given small tight crops, drops the gaps between words ("Exitviathenorthstairs").
:func:`read_lines` keeps RapidOCR's detector and recogniser but hands the recogniser better
crops: neighbouring boxes of one straight line, a word gap apart at most, are merged into one box
(:func:`line_groups`), a long line is cut at word gaps into pieces the direction classifier and the
recogniser read well (:func:`pieces`), and each crop gets a margin and, when low, is enlarged with
cubic interpolation (:func:`prepared`); the fragments read are then merged into lines in reading
order (:func:`merge_ocr_lines`: set level, columns one after the other, a receipt's or a form's
rows kept whole). ``benchmarks/ocr.py`` measures both readers on rendered notices, and with
``--suite scenes`` on screenshots, receipts, signs, columns, skewed scans and other images of
``benchmarks/ocr_scenes.py``.

When nothing is read, :func:`no_text_message` says so in the terms of the request: a request
about the writing in the image (:func:`asks_for_writing`) is told the image has no legible text
and how to get a readable one; any other (a caption, a description) that an OCR does not describe
pictures and which model to add.

The box geometry needs only the standard library; numpy and cv2 (which RapidOCR depends on) are
imported where an image is read, a merged box fitted or a crop enlarged.
"""

from __future__ import annotations

import math
import re
import statistics
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

MIN_HEIGHT = 64
"""Crops lower than this (after padding) are enlarged to it; the recogniser's input is 48 high."""

PAD = 0.25
"""The margin added around each crop (repeating its edge pixels), in crop heights."""

MAX_TILT_DEG = 30.0
"""Boxes tilted more than this from horizontal are never merged (vertical or steeply rotated text)."""

SAME_LINE = 0.5
"""Two boxes are on one line when each centre lies within this many box heights of the other's centre line."""

STANDING = 3.0
"""A box at least this many times as tall as wide is a line standing up (a turned page); the box of
a single upright character ("1", "I", a keypad's digits) is up to about 2.8 times."""

LARGE_TEXT = 36.0
"""Text boxes at least this many pixels high (the median box) are detected well at the image's
own size; lower ones, or none, send an image whose shorter side is under RapidOCR's 736 px
through its own setting again, which enlarges that side to 736 px (small print needs it: at
their own size, lines of 14 and 20 px text were read exactly 56% and 83% of the time, against
90% and 96%)."""

_DETECTION = threading.Lock()
"""Held while the detector's size setting is changed for a pass (engines are shared by threads)."""

MAX_GAP = 0.8
"""... and the gap between them along the line is at most this many box heights: a word gap. It was
1.5, which took in the gutter between columns (1 to 3 text heights, less between the detector's
boxes, which reach past the ink) and a menu's spaced items, and joined them into one crop read
across the gap ("Tools" read "ols"); fragments of one line further apart are joined by
:func:`merge_ocr_lines` after reading."""

MAX_PIECE = 10.0
"""Lines wider than this many heights are classified and read in pieces cut at word gaps (:func:`pieces`)."""

MIN_CUT = 0.12
"""A line is cut only at a blank run at least this many crop heights wide (and 3 px): a word gap
is about a quarter of the text's size, a letter gap a tenth or less. In a crop of small text (10 px
high), a 2 px gap was as often between two letters as between two words, so 3 px at least."""

MIN_CUT_HEIGHT = 16
"""Crops lower than this are read whole: in 10 px text, anti-aliasing leaves blank runs between
letters as wide as those between words ("lea ve")."""

GUTTER = 0.5
"""A vertical gap at least this many text heights wide may separate columns (:func:`_blocks`)."""

COLUMN_WIDTH = 5.0
"""... when the lines on each side of it are, in the median, at least this many text heights long:
running text, not a receipt's prices or a form's labels."""


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
    """``crop`` (a line, BGR) cut into pieces at most ``ratio`` times as wide as high, each cut in the
    middle of the widest blank run of columns (no ink between a fifth and four fifths of the
    height; ink is the minority side of Otsu's threshold) that ends a piece at least half that long
    and is at least :data:`MIN_CUT` of the height (and 3 px) wide: a word gap, not the gap between two
    letters. A line with no such gap stays whole where it has none, and so does a crop lower
    than :data:`MIN_CUT_HEIGHT` px (small print reads well whole).

    The recogniser reads a long line badly in one go: a paragraph's 1000 px line of 24 px text lost
    most of its word gaps and letters ("Thenewbridgewillcaryfoulanesof traffic"), and the direction
    classifier, which squeezes its input to 192 x 48, took a 49:1 line for upside down. Lines of a
    scan turned 2 to 12 degrees read exactly went from 69% to 94% cutting at 10 heights rather than
    20; on upright notices of 20 and 28 px, from 99.5% to 97.4% (a cut between two letters)."""
    import cv2

    height, width = crop.shape[:2]
    if height < MIN_CUT_HEIGHT or width <= ratio * height:
        return [crop]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = binary == 0 if (binary == 0).mean() < 0.5 else binary == 255
    blank = ~ink[height // 5: height - height // 5].any(axis=0)
    runs, x = [], 0
    while x < width:
        if blank[x]:
            start = x
            while x < width and blank[x]:
                x += 1
            if start > 0 and x < width and x - start >= max(3, MIN_CUT * height):
                runs.append((start, x))
        x += 1
    cuts, start = [0], 0
    while width - start > ratio * height:
        fits = [r for r in runs if start + ratio * height / 2 <= (r[0] + r[1]) / 2 <= start + ratio * height]
        if not fits:
            break
        lo, hi = max(fits, key=lambda r: (r[1] - r[0], r[0]))
        start = (lo + hi) // 2
        cuts.append(start)
    cuts.append(width)
    return [crop[:, a:b] for a, b in zip(cuts, cuts[1:])]


def merge_ocr_lines(
    fragments: Iterable[Sequence[Any]], tolerance: float = 0.5
) -> list[dict[str, Any]]:
    """Merge OCR fragments ``(box, text, score)`` into lines, in reading order.

    The fragments are first set level: turned back by the median direction of their lines
    (:func:`_skew`), so the lines of a page scanned a few degrees askew are not taken for one
    another. The page is then cut into blocks read one after the other (:func:`_blocks`): at a gap
    between rows of text, and between columns, left to right, where a vertical gutter separates
    two runs of long lines (a two-column article, not a receipt's items and prices or a form's labels
    and values, which stay on their rows). In a block, two fragments are on the same line when
    their vertical centres differ by at most ``tolerance`` times the smaller box height; a line's
    fragments are joined left to right, however far apart. Each line is
    ``{"text", "box": [x0, y0, x1, y1], "score"}``, its box in the fragments' own coordinates.
    Texts are NFKC-normalised (the recogniser, trained on Chinese and English, writes some digits
    and letters full-width, "６") with runs of spaces made one.
    """
    fragments = [(box, text, score) for box, text, score in fragments]
    angle = _skew([box for box, _, _ in fragments])
    frags = [_bounds(box, str(text), float(score), angle) for box, text, score in fragments]
    lines: list[dict[str, Any]] = []
    for block in _blocks(frags):
        rows: list[list[dict[str, Any]]] = []
        for frag in sorted(block, key=lambda f: (f["y0"] + f["y1"]) / 2):
            if rows and _same_line(rows[-1], frag, tolerance):
                rows[-1].append(frag)
            else:
                rows.append([frag])
        lines.extend(_line(row) for row in rows)
    return lines


def _skew(boxes: Sequence[Sequence[Sequence[float]]]) -> float:
    """The median direction, in radians, of the boxes that are clearly lines (at least twice as
    wide as high, tilted at most :data:`MAX_TILT_DEG`); 0 when there are none."""
    angles = []
    for box in boxes:
        _, (ux, uy), width, height = _frame(box)
        angle = math.atan2(uy, ux)
        if width >= 2 * height and abs(math.degrees(angle)) <= MAX_TILT_DEG:
            angles.append(angle)
    return statistics.median(angles) if angles else 0.0


def _bounds(box: Sequence[Sequence[float]], text: str, score: float, angle: float = 0.0) -> dict[str, Any]:
    """A fragment: its text and score, its bounds on the page turned back by ``angle`` (``x0`` ...
    ``y1``) and as given (``box``)."""
    c, s = math.cos(-angle), math.sin(-angle)
    points = [(float(p[0]), float(p[1])) for p in box]
    xs, ys = [x * c - y * s for x, y in points], [x * s + y * c for x, y in points]
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return {"text": text, "score": score, "x0": min(xs), "y0": min(ys), "x1": max(xs), "y1": max(ys),
            "box": [min(x for x, _ in points), min(y for _, y in points),
                    max(x for x, _ in points), max(y for _, y in points)]}


def _gaps(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The gaps between the union of ``intervals``, in order."""
    gaps: list[tuple[float, float]] = []
    end = None
    for lo, hi in sorted(intervals):
        if end is not None and lo > end:
            gaps.append((end, lo))
        end = hi if end is None else max(end, hi)
    return gaps


def _is_column(frags: list[dict[str, Any]], height: float) -> bool:
    """Whether ``frags`` look like a column of running text: two rows or more of lines at least
    :data:`COLUMN_WIDTH` text heights long (the median line)."""
    if len(frags) < 2 or max(f["y1"] for f in frags) - min(f["y0"] for f in frags) < 1.5 * height:
        return False
    return statistics.median(f["x1"] - f["x0"] for f in frags) >= COLUMN_WIDTH * height


def _blocks(frags: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``frags`` cut into blocks in reading order (a recursive XY cut): at the widest vertical
    gutter (at least :data:`GUTTER` text heights) with a column of running text on each side
    (:func:`_is_column`), left block first; else at the widest gap between rows, upper block first;
    a block with neither is read row by row."""
    if len(frags) < 2:
        return [frags] if frags else []
    height = statistics.median(f["y1"] - f["y0"] for f in frags)
    gutters = [g for g in _gaps((f["x0"], f["x1"]) for f in frags) if g[1] - g[0] >= GUTTER * height]
    for lo, hi in sorted(gutters, key=lambda g: g[0] - g[1]):
        left = [f for f in frags if f["x1"] <= lo]
        right = [f for f in frags if f["x0"] >= hi]
        if _is_column(left, height) and _is_column(right, height):
            return _blocks(left) + _blocks(right)
    rows = _gaps((f["y0"], f["y1"]) for f in frags)
    if not rows:
        return [frags]
    lo, hi = max(rows, key=lambda g: g[1] - g[0])
    return _blocks([f for f in frags if f["y1"] <= lo]) + _blocks([f for f in frags if f["y0"] >= hi])


def _same_line(line: list[dict[str, Any]], frag: dict[str, Any], tolerance: float) -> bool:
    centre = sum((f["y0"] + f["y1"]) / 2 for f in line) / len(line)
    height = sum(f["y1"] - f["y0"] for f in line) / len(line)
    return abs((frag["y0"] + frag["y1"]) / 2 - centre) <= tolerance * min(height, frag["y1"] - frag["y0"])


def _line(frags: list[dict[str, Any]]) -> dict[str, Any]:
    frags = sorted((f for f in frags if f["text"].strip()), key=lambda f: f["x0"]) or frags
    box = [min(f["box"][0] for f in frags), min(f["box"][1] for f in frags),
           max(f["box"][2] for f in frags), max(f["box"][3] for f in frags)]
    text = frags[0]["text"].strip()
    for prev, frag in zip(frags, frags[1:]):
        text = _join(text, frag["text"].strip(), _overlap_chars(prev, frag))
    return {
        "text": text,
        "box": [int(round(v)) for v in box],
        "score": round(sum(f["score"] for f in frags) / len(frags), 4),
    }


def _overlap_chars(prev: dict[str, Any], frag: dict[str, Any]) -> float:
    """How many characters wide the horizontal overlap of two neighbouring fragments is."""
    char_width = (frag["x1"] - frag["x0"]) / max(1, len(frag["text"].strip()))
    return max(0.0, prev["x1"] - frag["x0"]) / max(char_width, 1e-6)


def _join(left: str, right: str, overlap: float) -> str:
    """Join two fragments of a line, dropping characters the detector read twice.

    Overlapping detection boxes make RapidOCR read the characters at the seam twice
    ("Invoice" + "e number", "Shipment a" + "arrives"): when the boxes overlap by at least a
    third of a character and ``left`` ends with the first characters of ``right``, the copy is
    dropped, and the word gap is kept on whichever side has it.
    """
    if overlap >= 0.3:
        for k in range(min(len(left), len(right), int(overlap + 0.5) + 1), 0, -1):
            if left.endswith(right[:k]):
                head, tail = left[:-k], right[k:]
                if tail.startswith(" "):
                    return f"{left} {tail.lstrip()}"
                if head.endswith(" "):
                    return f"{head.rstrip()} {right}"
                return head + right
    return f"{left} {right}"


def detect(engine: Any, image: Any) -> list[Any]:
    """The text boxes RapidOCR's detector finds in ``image`` (BGR), in its coordinates.

    RapidOCR's own setting enlarges an image's shorter side to 736 px (``limit_type="min"``), which
    small print needs and a 666 x 208 invoice does not: it takes 0.8 s there, 0.1 s at its own
    size. So an image whose shorter side is under that is first detected without enlarging
    (``limit_type="max"``), and again with the engine's setting only when the text found is small
    (median box under :data:`LARGE_TEXT` px high), its lines mostly stand (a page turned a
    quarter, whose direction classification was measured on enlarged boxes) or none is found. A
    larger image is detected once: the engine's setting would not enlarge it either."""
    det = getattr(engine, "text_det", None)
    if not hasattr(det, "limit_type"):  # another RapidOCR version: its own setting only
        return engine(image, use_cls=False, use_rec=False)[0] or []
    with _DETECTION:  # the setting is read under the lock too: another thread's pass may have it at "max"
        if det.limit_type != "min" or min(image.shape[:2]) >= det.limit_side_len:
            return engine(image, use_cls=False, use_rec=False)[0] or []
        det.limit_type = "max"
        try:
            boxes = engine(image, use_cls=False, use_rec=False)[0] or []
        finally:
            det.limit_type = "min"
        lying = [frame[3] for frame in map(_frame, boxes) if not _stands(frame)]
        if lying and 2 * len(lying) > len(boxes) and statistics.median(lying) >= LARGE_TEXT:
            return boxes
        return engine(image, use_cls=False, use_rec=False)[0] or []


def _stands(frame: tuple) -> bool:
    """Whether a box (its :func:`_frame`) is a line standing up: :data:`STANDING` times as tall as wide."""
    return frame[3] >= STANDING * frame[2]


def _quarter_turn(engine: Any, image: Any, boxes: Sequence[Sequence[Sequence[float]]]) -> int | None:
    """The cv2 rotation that sets upright a page turned a quarter (most of its boxes standing, at
    least :data:`STANDING` times as tall as wide), else None. RapidOCR turns a standing crop a
    quarter anticlockwise; the direction classifier then finds it upside down when the page was
    turned anticlockwise (its lines run upwards) and upright when it was turned clockwise."""
    standing = [box for box in boxes if _stands(_frame(box))]
    if not standing or 2 * len(standing) <= len(boxes) or not engine.use_cls:
        return None
    import cv2
    import numpy as np

    _, directions, _ = engine.text_cls(engine.get_crop_img_list(image, [np.asarray(b, np.float32) for b in standing]))
    upside_down = sum(str(label) == "180" for label, _score in directions)
    return cv2.ROTATE_90_CLOCKWISE if 2 * upside_down > len(directions) else cv2.ROTATE_90_COUNTERCLOCKWISE


def read_lines(engine: Any, path: str) -> list[dict[str, Any]]:
    """The lines of text in the image at ``path``, top to bottom (:func:`merge_ocr_lines`), each
    ``{"text", "box", "score"}`` with its box in the image's own coordinates.

    The image is opened by :func:`._images.open_image` (upright by EXIF, transparency on a
    contrasting ground, 16-bit scaled). RapidOCR's detector finds the boxes (:func:`detect`: at the
    image's own size first, enlarged for small print); a page turned a
    quarter is set upright and detected again (:func:`_quarter_turn`), so its lines are found and
    ordered as lines; so is a page upside down (most of its lines, two or more, upside down to the
    direction classifier), else its lines would come last first. The boxes of one line are merged
    (:func:`line_groups`); RapidOCR's direction classifier sees the crops as cut, a long one in its
    :func:`pieces` (:func:`_upside_down`), and the recogniser reads the pieces with a margin, enlarged
    (:func:`prepared`), a line's pieces joined by spaces; its score threshold applies to each line
    (its pieces' scores weighted by width). The lines come in reading order (:func:`merge_ocr_lines`). An engine without the pieces this needs
    (another RapidOCR version) is simply called."""
    needed = ("get_crop_img_list", "text_rec", "text_cls", "text_score", "use_cls")
    if not all(hasattr(engine, name) for name in needed):
        return merge_ocr_lines(engine(path)[0] or [])
    import numpy as np

    from ._images import open_image

    image = np.ascontiguousarray(np.asarray(open_image(path))[:, :, ::-1])  # BGR, as RapidOCR reads
    height, width = image.shape[:2]
    boxes = detect(engine, image)
    turn = _quarter_turn(engine, image, boxes) if boxes else None
    if turn is not None:
        import cv2

        image = np.ascontiguousarray(cv2.rotate(image, turn))
        boxes = detect(engine, image)
    if not boxes:
        return []
    quads = _line_quads(boxes)
    crops = engine.get_crop_img_list(image, quads)
    if engine.use_cls:  # on the crops as cut: given margins, it turns some upright lines upside down
        down, sure = _upside_down(engine, crops)
        if turn is None and len(crops) > 1 and 2 * sum(down) > len(crops):
            # most lines upside down: the page is, and read as they stand its lines run bottom to top
            import cv2

            turn = cv2.ROTATE_180
            image = np.ascontiguousarray(cv2.rotate(image, turn))
            quads = _line_quads(detect(engine, image))
            crops = engine.get_crop_img_list(image, quads)
            down, sure = _upside_down(engine, crops)
        crops = [_rotate_180(crop) if flip else crop for crop, flip in zip(crops, sure)]
    cut = [pieces(crop) for crop in crops]
    recognised, _ = engine.text_rec([prepared(piece) for parts in cut for piece in parts])
    found, k = [], 0
    for parts in cut:
        read = recognised[k:k + len(parts)]
        k += len(parts)
        widths = [part.shape[1] for part in parts]
        score = sum(float(r[1]) * w for r, w in zip(read, widths)) / max(sum(widths), 1)
        found.append((" ".join(str(r[0]).strip() for r in read if str(r[0]).strip()), score))
    lines = merge_ocr_lines((quad.tolist(), text, score) for quad, (text, score) in zip(quads, found)
                            if score >= engine.text_score)
    if turn is not None:
        for line in lines:
            line["box"] = _turned_back(line["box"], turn, height, width)
    return lines


def _upside_down(engine: Any, crops: Sequence[Any]) -> tuple[list[bool], list[bool]]:
    """For each crop, whether RapidOCR's direction classifier finds it upside down (most of its
    :func:`pieces`), and whether surely so (above the classifier's threshold): the classifier sees
    each piece, not a long line squeezed to 192 x 48."""
    threshold = float(getattr(engine.text_cls, "cls_thresh", 0.9))
    cut = [pieces(crop) for crop in crops]
    _, directions, _ = engine.text_cls([piece for parts in cut for piece in parts])
    down, sure, k = [], [], 0
    for parts in cut:
        votes = directions[k:k + len(parts)]
        k += len(parts)
        flipped = [float(score) for label, score in votes if str(label) == "180"]
        down.append(2 * len(flipped) > len(parts))
        sure.append(2 * sum(score > threshold for score in flipped) > len(parts))
    return down, sure


def _rotate_180(crop: Any) -> Any:
    import cv2

    return cv2.rotate(crop, cv2.ROTATE_180)


def _line_quads(boxes: Sequence[Sequence[Sequence[float]]]) -> list[Any]:
    """One quadrilateral per line: the boxes of each :func:`line_groups` group merged."""
    import numpy as np

    quads = []
    for group in line_groups(boxes):
        members = [boxes[i] for i in group]
        quads.append(merged_quad(members) if len(members) > 1 else np.asarray(members[0], dtype=np.float32))
    return quads


def _turned_back(box: Sequence[int], turn: int, height: int, width: int) -> list[int]:
    """A box ``[x0, y0, x1, y1]`` of the page turned by cv2 rotation ``turn``, in the coordinates of
    the page as given (``height`` x ``width`` pixels)."""
    import cv2

    x0, y0, x1, y1 = box
    if turn == cv2.ROTATE_180:  # (x, y) went to (width - 1 - x, height - 1 - y)
        return [width - 1 - x1, height - 1 - y1, width - 1 - x0, height - 1 - y0]
    if turn == cv2.ROTATE_90_CLOCKWISE:  # (x, y) went to (height - 1 - y, x)
        return [y0, height - 1 - x1, y1, height - 1 - x0]
    return [width - 1 - y1, x0, width - 1 - y0, x1]  # anticlockwise: (x, y) went to (y, width - 1 - x)


WRITING_RE = re.compile(r"\b(?:texts? (?:in|on|from|of|it (?:says|contains))|(?:the|any|its|what) texts?\b|written|"
                        r"writing|handwrit\w*|lettering|printed|ocr|the words|"
                        r"what (?:does|do|did)\b[^?!]{0,60}\bsay)\b", re.IGNORECASE)
"""A request about the writing in an image ("read the text in ...", "what does the sign say?"); not
"say the description aloud", "give me a text description" or "text-to-speech"."""


def asks_for_writing(request: str) -> bool:
    """Whether ``request`` asks for the writing in an image (:data:`WRITING_RE`) rather than for a
    caption or description of it."""
    return bool(WRITING_RE.search(request or ""))


def no_text_message(name: str, request: str = "") -> str:
    """Why a text reader returned nothing for the image ``name``, with the fix that fits ``request``:
    for the writing in it (:func:`asks_for_writing`), that none was found and, if the image does
    show some, to try a clearer one (a captioning model would not help); otherwise (a caption, a
    description), that the model reads printed text and does not describe pictures, and how to
    add a captioning model."""
    if asks_for_writing(request):
        return f"found no text in {name}; if it does show text, try a sharper, closer or better-lit image of it"
    return (f"found no text in {name}: this model reads printed text and does not describe pictures; to caption "
            "photos, add an image captioning model (`hugginggpt models add <folder or Hub id> --task image-to-text`) "
            "or run with a remote endpoint (HF_TOKEN)")


__all__ = ["WRITING_RE", "asks_for_writing", "line_groups", "merge_ocr_lines", "merged_quad", "no_text_message",
           "prepared", "read_lines"]
