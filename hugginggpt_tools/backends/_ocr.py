"""Reading text with RapidOCR more carefully than its one-call pipeline does.

RapidOCR detects text boxes, crops each one tightly and recognises the crops. On ordinary
printed lines (14 to 28 px text) that loses a lot: the detector often splits one line into
several boxes, so each crop starts or ends inside a letter ("your k" + "badge"), and the
recogniser, given small tight crops, drops the gaps between words ("Exitviathenorthstairs").
:func:`read_lines` keeps RapidOCR's detector and recogniser but hands the recogniser better
crops: neighbouring boxes of one straight line, a word gap apart at most, are merged into one box
(:func:`line_groups`), a long line is cut at word gaps into pieces the direction classifier and the
recogniser read well (:func:`pieces`), and each crop gets a margin and, when low, is enlarged with
cubic interpolation (:func:`prepared`); a word gap the recogniser read through is put back where
the crop shows one between the characters it read (:func:`respaced`); the fragments read are then
merged into lines in reading order (:func:`merge_ocr_lines`: set level, columns one after the other,
a receipt's or a form's rows kept whole, each line numbered with its paragraph), and
:func:`ocr_text` writes them with a blank line between paragraphs. ``benchmarks/ocr.py`` measures
both readers on rendered notices, and with ``--suite scenes`` on screenshots, receipts, signs,
columns, skewed scans and other images of ``benchmarks/ocr_scenes.py``.

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

WORD_GAP = 0.18
"""A blank run of columns (no ink between a tenth and nine tenths of the line's height) between two
characters the recogniser read without a space is a word gap when it is at least this many line
heights wide, at least :data:`LETTER_GAPS` times the line's typical blank run and, where the line has
spaces read, at least :data:`SPACE_LIKE` times their typical gap (:func:`respaced`)."""

LETTER_GAPS = 2.0
"""... this many times the median blank run of the line (mostly the gaps between letters) ..."""

SPACE_LIKE = 0.8
"""... and this share of the median gap where the recogniser did read a space on the line. Gaps between
letters measured at most half that median in 19 cases of 20 (at most 0.75 in 99 of 100: "P" before "M",
"1" before "1"); the word gaps it missed on blurred photos of documents at least 0.83 of it."""

CTC_LAG = 0.7
"""The recogniser's time step (8 of its 48-high input's columns) of a character, plus this, is the
middle of the blank run where it read a space (the median of the spaces read on photos, screenshots
and handwriting); a step is a sixth of the (padded) crop's height."""

LONE_GAP = 0.25
"""On a line read without a space, a blank run is a word gap only when at least this many heights wide ..."""

LONE_LETTER_GAPS = 3.0
"""... and this many times the line's median blank run: "LETTER|CAFE" is (0.26 heights, 3.3 times),
not the gap after a serif "I" ("I|nvoice", 0.18) nor an anti-aliased gap in 10 px text ("muse|um",
2 times)."""

MATCH_STEPS = 3.0
"""A space read and a blank run at most this many time steps apart may be the same word gap (:func:`_matched`)."""

PARAGRAPH = 0.8
"""A blank between two lines this many line heights more than the page's usual one starts a paragraph (:func:`_paragraphs`)."""

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


def recognise(engine: Any, images: Sequence[Any]) -> list[tuple[str, float, list[float] | None]]:
    """RapidOCR's recogniser on ``images``: for each, the text, its score and where each of its
    characters was read, in time steps from the image's left edge (a step is a sixth of the
    image's height), or None where the recogniser does not say (another RapidOCR version)."""
    try:
        results, _ = engine.text_rec(list(images), return_word_box=True)
    except TypeError:  # a recogniser without character positions
        results, _ = engine.text_rec(list(images))
    read = []
    for result in results:
        text, score = str(result[0]), float(result[1])
        steps = None
        if len(result) > 2 and isinstance(result[2], (list, tuple)) and len(result[2]) > 2:
            steps = [float(c) for word in result[2][2] for c in word]
            if len(steps) != len(text):
                steps = None
        read.append((text, score, steps))
    return read


def respaced(parts: Sequence[Any], reads: Sequence[tuple[str, float, list[float] | None]],
             pad: float = PAD) -> list[str]:
    """The texts ``reads`` (:func:`recognise`) of the pieces ``parts`` of one line (read with a margin
    of ``pad`` times their height), with a space put back at each word gap the recogniser read
    through. The blank runs of columns of each piece (:func:`blank_runs`) at least :data:`WORD_GAP`
    heights wide are matched in order to the spaces read (:func:`_matched`: where the space was read,
    :data:`CTC_LAG`, at most :data:`MATCH_STEPS` steps from the run's middle); a run left over is a
    word gap read through when it is also :data:`LETTER_GAPS` times the line's median run and
    :data:`SPACE_LIKE` times the median run of the spaces read (on a line read without a space,
    :data:`LONE_GAP` heights and :data:`LONE_LETTER_GAPS` times its median run), and a space goes
    between the two characters read on either side of it (between the spaces matched around it;
    after a closing mark read in it, "journey.|The"). Not between two digits or a digit and its
    decimal point ("8.|80", "471|1": a "1" stands in a wide cell), before closing punctuation,
    after an opening bracket, nor next to a CJK character.

    On blurred JPEG photos of documents, the recogniser ran words together ("April.Water",
    "yourticketuntil") whose gaps were plain in the crop, the letters read right: their word error
    went from 16.2% to 1.8% (``benchmarks/ocr.py --suite scenes``)."""
    found = []  # per piece: its text, the steps of its characters, its runs with where each fell, in steps
    spaced, other = [], []
    height = max((part.shape[0] for part in parts), default=0)
    for part, (text, _score, steps) in zip(parts, reads):
        runs: list[tuple[int, float, int | None]] = []
        if steps and text.strip():
            margin = round(pad * part.shape[0])
            step = (part.shape[0] + 2 * margin) / 6  # the recogniser's time step, in the piece's pixels
            runs = [(hi - lo, ((lo + hi) / 2 + margin) / step - CTC_LAG, None) for lo, hi in blank_runs(part)]
            wide = [k for k, run in enumerate(runs) if run[0] >= WORD_GAP * part.shape[0]]
            blanks = [k for k, ch in enumerate(text) if ch == " "]
            for w, b in _matched([runs[k][1] for k in wide], [steps[k] for k in blanks]):
                runs[wide[w]] = (*runs[wide[w]][:2], blanks[b])
        for width, _at, space in runs:
            (spaced if space is not None else other).append(width)
        found.append((text, steps, runs))
    letters = statistics.median(other) if other else 0.0
    if spaced:
        need = max(WORD_GAP * height, LETTER_GAPS * letters, SPACE_LIKE * statistics.median(spaced))
    else:  # no word gap read to compare with
        need = max(LONE_GAP * height, LONE_LETTER_GAPS * letters)
    texts = []
    for text, steps, runs in found:
        anchors = [(at, space) for _width, at, space in runs if space is not None]
        cuts = set()
        for width, at, space in runs:
            if space is not None or width < need:
                continue
            lo = max((s for a, s in anchors if a < at), default=-1)  # the spaces matched on either side
            hi = min((s for a, s in anchors if a > at), default=len(text))
            k = min(max(sum(c < at for c in steps), lo + 1), hi)
            if 0 < k < len(text) - 1 and text[k] in CLOSING:  # a mark read in the gap: the gap is after it
                k += 1
            if 0 < k < len(text) and _may_part(text[k - 1], text[k]):
                cuts.add(k)
        for k in sorted(cuts, reverse=True):
            text = f"{text[:k]} {text[k:]}"
        texts.append(text)
    return texts


def _matched(runs: Sequence[float], spaces: Sequence[float]) -> list[tuple[int, int]]:
    """Pairs ``(run, space)`` of indices matching blank runs to the spaces read, both given where they
    fall in time steps and in order: the order-keeping matching of least total distance, a pair at
    most :data:`MATCH_STEPS` apart, each thing left unmatched costing half that."""
    miss = MATCH_STEPS / 2
    cost = [[0.0] * (len(spaces) + 1) for _ in range(len(runs) + 1)]
    for i in range(len(runs) + 1):
        for j in range(len(spaces) + 1):
            if i or j:
                options = []
                if i:
                    options.append(cost[i - 1][j] + miss)
                if j:
                    options.append(cost[i][j - 1] + miss)
                if i and j and abs(runs[i - 1] - spaces[j - 1]) <= MATCH_STEPS:
                    options.append(cost[i - 1][j - 1] + abs(runs[i - 1] - spaces[j - 1]))
                cost[i][j] = min(options)
    pairs, i, j = [], len(runs), len(spaces)
    while i and j:
        if abs(runs[i - 1] - spaces[j - 1]) <= MATCH_STEPS and \
                cost[i][j] == cost[i - 1][j - 1] + abs(runs[i - 1] - spaces[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + miss:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


CLOSING = ".,;:!?%)]}'’”"
"""Marks no word gap comes before."""


def _may_part(left: str, right: str) -> bool:
    """Whether a word gap may fall between the characters ``left`` and ``right`` (see :func:`respaced`)."""
    if left.isspace() or right.isspace() or right in CLOSING or left in "([{‘“":
        return False
    if right.isdigit() and (left.isdigit() or left in ".,:/-"):
        return False
    return not any(unicodedata.east_asian_width(ch) in "WF" for ch in (left, right))


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
    ``{"text", "box": [x0, y0, x1, y1], "score", "paragraph"}``, its box in the fragments' own
    coordinates, ``paragraph`` the number of its paragraph (:func:`_paragraphs`; :func:`ocr_text`
    joins lines into text with a blank line between paragraphs).
    Texts are NFKC-normalised (the recogniser, trained on Chinese and English, writes some digits
    and letters full-width, "６") with runs of spaces made one.
    """
    fragments = [(box, text, score) for box, text, score in fragments]
    angle = _skew([box for box, _, _ in fragments])
    frags = [_bounds(box, str(text), float(score), angle) for box, text, score in fragments]
    lines: list[dict[str, Any]] = []
    spans: list[tuple[float, float]] = []
    for block in _blocks(frags):
        rows: list[list[dict[str, Any]]] = []
        for frag in sorted(block, key=lambda f: (f["y0"] + f["y1"]) / 2):
            if rows and _same_line(rows[-1], frag, tolerance):
                rows[-1].append(frag)
            else:
                rows.append([frag])
        lines.extend(_line(row) for row in rows)
        spans.extend((min(f["y0"] for f in row), max(f["y1"] for f in row)) for row in rows)
    for line, paragraph in zip(lines, _paragraphs(spans)):
        line["paragraph"] = paragraph
    return lines


def _paragraphs(spans: Sequence[tuple[float, float]]) -> list[int]:
    """The paragraph of each line, numbered from 0, given the lines' levelled vertical extents
    ``(top, bottom)`` in reading order. A line starts a new paragraph when it starts higher than the
    line before it ends (the next column), when its height differs from that line's by half
    or more (a heading and its text), or when the blank between them is :data:`PARAGRAPH` median
    line heights more than the page's usual one (the lower quartile of the blanks between lines)."""
    if not spans:
        return []
    height = statistics.median(bottom - top for top, bottom in spans)
    blanks = sorted(b[0] - a[1] for a, b in zip(spans, spans[1:]) if b[0] > a[1])
    usual = blanks[len(blanks) // 4] if blanks else 0.0
    numbers = [0]
    for (top0, bottom0), (top, bottom) in zip(spans, spans[1:]):
        taller = max(bottom - top, bottom0 - top0) / max(min(bottom - top, bottom0 - top0), 1e-6)
        new = (top + bottom) / 2 <= bottom0 or taller >= 1.5 or top - bottom0 >= usual + PARAGRAPH * height
        numbers.append(numbers[-1] + new)
    return numbers


def ocr_text(lines: Iterable[dict[str, Any]]) -> str:
    """The text of ``lines`` (:func:`merge_ocr_lines`), one line each, a blank line between paragraphs
    (and columns), so that a summary or a translation downstream sees the paragraphs."""
    out, last = [], None
    for line in lines:
        if not line["text"]:
            continue
        if last is not None and line.get("paragraph", last) != last:
            out.append("")
        out.append(line["text"])
        last = line.get("paragraph", last)
    return "\n".join(out)


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


_ENGINE_BUILD = threading.Lock()
"""Held while RapidOCR's session options method is wrapped to build an engine (:func:`rapidocr_engine`)."""


def rapidocr_engine(num_threads: int = 1) -> Any:
    """A RapidOCR engine (PP-OCRv4 detector and recogniser, the direction classifier) on the CPU with
    ``num_threads`` threads, its three onnxruntime sessions built with the bundled models' options
    (:func:`.bundled.onnx_session_options`: memory reuse off, which opened them in 0.1 s instead of
    0.2 s, with the same output, speed and memory).

    RapidOCR makes each session's options itself (``OrtInferSession._init_sess_opts``: no CPU memory
    arena, its log level, all graph optimisations) and takes none from outside, so that method is
    wrapped while the engine is built to set ours on top of its own, and put back after; a RapidOCR
    without it (another version) is built as it comes."""
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime.utils import infer_engine

    from .bundled import onnx_session_options  # local: the bundled module imports this one

    def build() -> Any:
        return RapidOCR(intra_op_num_threads=num_threads, inter_op_num_threads=num_threads)

    session_class = getattr(infer_engine, "OrtInferSession", None)
    own = vars(session_class).get("_init_sess_opts") if isinstance(session_class, type) else None
    if not isinstance(own, staticmethod):
        return build()

    def options(config: dict[str, Any]) -> Any:
        return onnx_session_options(num_threads, own.__func__(config))

    with _ENGINE_BUILD:
        session_class._init_sess_opts = staticmethod(options)
        try:
            return build()
        finally:
            session_class._init_sess_opts = own


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
    :func:`pieces` (:func:`_upside_down`), and the recogniser reads those same pieces (each crop is cut
    once; a line surely upside down has its pieces turned over, in reverse order) with a margin, enlarged
    (:func:`prepared`), a word gap it read through put back (:func:`respaced`), a line's pieces
    joined by spaces; its score threshold applies to each line (its pieces' scores weighted by
    width). The lines come in reading order, numbered with their paragraphs (:func:`merge_ocr_lines`).
    An engine without the pieces this needs (another RapidOCR version) is simply called."""
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
        cut = [pieces(crop) for crop in crops]
        down, sure = _upside_down(engine, cut)
        if turn is None and len(crops) > 1 and 2 * sum(down) > len(crops):
            # most lines upside down: the page is, and read as they stand its lines run bottom to top
            import cv2

            turn = cv2.ROTATE_180
            image = np.ascontiguousarray(cv2.rotate(image, turn))
            quads = _line_quads(detect(engine, image))
            crops = engine.get_crop_img_list(image, quads)
            cut = [pieces(crop) for crop in crops]
            down, sure = _upside_down(engine, cut)
        # a line turned over: its pieces turned, in the reverse order (the pieces the classifier saw)
        cut = [[_rotate_180(piece) for piece in reversed(parts)] if flip else parts for parts, flip in zip(cut, sure)]
    else:
        cut = [pieces(crop) for crop in crops]
    recognised = recognise(engine, [prepared(piece) for parts in cut for piece in parts])
    found, k = [], 0
    for parts in cut:
        read = recognised[k:k + len(parts)]
        k += len(parts)
        widths = [part.shape[1] for part in parts]
        score = sum(r[1] * w for r, w in zip(read, widths)) / max(sum(widths), 1)
        texts = [text.strip() for text in respaced(parts, read)]
        found.append((" ".join(text for text in texts if text), score))
    lines = merge_ocr_lines((quad.tolist(), text, score) for quad, (text, score) in zip(quads, found)
                            if score >= engine.text_score)
    if turn is not None:
        for line in lines:
            line["box"] = _turned_back(line["box"], turn, height, width)
    return lines


def _upside_down(engine: Any, cut: Sequence[Sequence[Any]]) -> tuple[list[bool], list[bool]]:
    """For each crop, given as its :func:`pieces`, whether RapidOCR's direction classifier finds it
    upside down (most of its pieces), and whether surely so (above the classifier's threshold): the
    classifier sees each piece, not a long line squeezed to 192 x 48. The caller cuts each crop once
    and reads the same pieces (turned over where surely upside down)."""
    threshold = float(getattr(engine.text_cls, "cls_thresh", 0.9))
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
                        r"transcri(?:be|bes|bed|bing|ption|ptions)|digiti[sz](?:e|es|ed|ing)|"
                        r"(?:type|copy)\s+(?:(?:it|this|that|them)\s+)?(?:out|up|down)|"
                        r"what (?:it|this|that|they|(?:the|this|that|each|every) [^?!]{1,40}?) says|"
                        r"what (?:does|do|did)\b[^?!]{0,60}\bsay)\b", re.IGNORECASE)
"""A request about the writing in an image ("read the text in ...", "what does the sign say?",
"transcribe this", "type out the note", "tell me what the label says"); not "say the description
aloud", "give me a text description" or "text-to-speech". "Transcribe" of an image asks for its
writing: a picture has no speech to transcribe."""


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
           "ocr_text", "prepared", "rapidocr_engine", "read_lines"]
