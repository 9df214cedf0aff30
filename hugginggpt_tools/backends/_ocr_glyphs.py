"""Telling writing from shapes that RapidOCR's recogniser reads as characters.

The PP-OCRv4 recogniser knows some 6,600 characters, among them simple Chinese ones drawn with a
few straight strokes, and its detector boxes any compact, contrasting object. A photo with no
writing in it then gets a character made up: a drawn house (a triangle roof over a brown wall with a
door) is read "合", its box covering the whole house, a sunlit ellipse "O", a flat-roofed house "n";
a screen's dark bezel "口". Two checks drop such readings before the lines are merged
(:func:`._ocr.read_lines`):

- :func:`solid_shape`: a short reading (:data:`GLYPH_CHARS` characters at most) whose crop shows no
  stroke, only solid areas: writing is drawn with strokes much thinner than the characters are high,
  a house's wall or a ball is as thick as it is high.
- :func:`stray_glyphs`: a lone CJK character read with a score under :data:`LONE_SCORE` where no
  other reading on the image is in those scripts: the recogniser's guess at a shape (the bezel's
  "口" at 0.70, the house's "合" at 0.51 to 0.90) rather than a character written there. Latin
  letters and digits are not judged by their score: a big "X" on a sign was read at 0.61 to 0.88.

A shape drawn with thin lines is not told from a character this way: a window's cross bars are
still read "田" (0.91) and a box with a line across it "日" (0.995).

numpy and cv2 are imported where a crop is measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

GLYPH_CHARS = 4
"""Readings of at most this many characters (spaces aside) are checked for strokes (:func:`solid_shape`):
made-up text on a photo is one or two characters; a longer line is not measured."""

MIN_HEIGHT = 24
"""Crops lower than this (pixels) are not measured: small print's strokes are a pixel or two wide and
its letters run together."""

STROKE = 0.4
"""A stroke is at most this many crop heights thick. Measured as twice the largest distance from a
component's pixel to its edge: printed letters and digits, bold sign lettering included, were 0.08
to 0.30 of their crop's height; drawn houses and filled ellipses read as characters 0.65 to 0.75,
or had no component clear of the crop's edge at all."""

GLYPH_HEIGHT = 0.25
"""A component at least this many crop heights high is a character's (or a shape's), not noise: a
lowercase "o" in a word's crop is about a third of its height."""

LONE_SCORE = 0.8
"""A lone CJK character read below this score, with no other CJK text on the image, is dropped
(:func:`stray_glyphs`). Single characters on signs (福, 中, 店, 口, 日, 田, 人), blurred, in JPEG at
quality 25, turned 10 degrees, in low contrast or noise, were read at 0.80 to 0.9999 (56 images; the
lowest two, 日 in low contrast and a turned 口, at 0.80 and 0.88); shapes read as characters at
0.51 to 0.995."""

CJK_RE = re.compile(r"[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff\u3400-\u4dbf"
                    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
"""Characters of the CJK scripts: Han ideographs and radicals, kana, bopomofo, Hangul."""


def solid_shape(crop: Any, text: str) -> bool:
    """Whether the reading ``text`` of ``crop`` (BGR, the line's box as cut) is a solid shape rather
    than writing: at most :data:`GLYPH_CHARS` characters, a crop at least :data:`MIN_HEIGHT` px high,
    and no stroke in it (:func:`has_strokes`)."""
    chars = len("".join(text.split()))
    if not 0 < chars <= GLYPH_CHARS or crop.shape[0] < MIN_HEIGHT:
        return False
    return not has_strokes(crop)


def has_strokes(crop: Any) -> bool:
    """Whether ``crop`` (BGR or grey) shows a stroke: a component of either side of Otsu's threshold
    (dark ink on light or light on dark) clear of the crop's edge, at least :data:`GLYPH_HEIGHT` of
    the crop high, and at most :data:`STROKE` of its height thick (twice its largest distance to
    its edge). The ground of the writing reaches the crop's edge; a letter's does not."""
    import cv2

    height, width = crop.shape[:2]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    for mask in (binary, 255 - binary):
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        depth = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
        for i in range(1, count):
            x, y, w, h, _area = stats[i]
            if x == 0 or y == 0 or x + w >= width or y + h >= height or h < GLYPH_HEIGHT * height:
                continue
            if 2 * float(depth[labels == i].max()) <= STROKE * height:
                return True
    return False


def stray_glyphs(found: Sequence[tuple[str, float]]) -> list[bool]:
    """For each reading ``(text, score)`` of one image, whether it is a stray glyph: one CJK character
    (:data:`CJK_RE`) read below :data:`LONE_SCORE`, no other reading containing CJK text."""
    cjk = [bool(CJK_RE.search(text)) for text, _ in found]
    return [len(text.strip()) == 1 and has and score < LONE_SCORE and sum(cjk) == 1
            for (text, score), has in zip(found, cjk)]


__all__ = ["CJK_RE", "has_strokes", "solid_shape", "stray_glyphs"]
