"""Word gaps the recogniser read through, put back where the crop shows them (:func:`respaced`).

Given small or blurred crops, RapidOCR's recogniser runs words together ("Exitviathenorthstairs");
:func:`recognise` reads the crops with where each character was read, and :func:`respaced` puts a
space back at each blank run of columns wide enough to be a word gap between the characters read.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Sequence
from typing import Any

from ._ocr_crops import PAD, blank_runs

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
