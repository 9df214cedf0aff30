"""prefer_language detects the language of the text once, not once per candidate."""

from __future__ import annotations

import pytest

from hugginggpt_tools import execution, textlang
from hugginggpt_tools.schemas import Candidate, ModelCard


def _candidate(model_id: str, languages: list[str]) -> Candidate:
    card = ModelCard(id=model_id, task="text-classification", backends=["fake"], languages=languages)
    return Candidate(model_id=model_id, backend="fake", score=1.0, card=card)


def test_the_language_is_detected_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def detect(text: str) -> list[tuple[str, float]]:
        calls.append(text)
        return [("fr", 0.97), ("en", 0.01)]

    monkeypatch.setattr(textlang, "detect_languages", detect)
    monkeypatch.setattr(execution, "detect_languages", detect)
    ranked = [_candidate("a/english", ["en"]), _candidate("c/german", ["de"]), _candidate("d/spanish", ["es"]),
              _candidate("b/french", ["fr"])]
    order = execution.prefer_language(ranked, {"text": "Un film magnifique, je l'ai adoré du début à la fin."})
    assert [c.model_id for c in order] == ["b/french", "a/english", "c/german", "d/spanish"]
    assert len(calls) == 1
