"""Reading order: OCR fragments merged into lines, columns and paragraphs (:func:`merge_ocr_lines`).

The fragments read are set level, cut into blocks read one after the other (columns left to right,
a receipt's or a form's rows kept whole), merged into lines and numbered with their paragraphs;
:func:`ocr_text` writes them with a blank line between paragraphs.
"""

from __future__ import annotations

import math
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from ._ocr_crops import MAX_TILT_DEG, _frame

PARAGRAPH = 0.8
"""A blank between two lines this many line heights more than the page's usual one starts a paragraph (:func:`_paragraphs`)."""

GUTTER = 0.5
"""A vertical gap at least this many text heights wide may separate columns (:func:`_blocks`)."""

COLUMN_WIDTH = 5.0
"""... when the lines on each side of it are, in the median, at least this many text heights long:
running text, not a receipt's prices or a form's labels."""


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
