"""No named entity runs across a line break: spaCy reads an e-mail's "Date: March 3, 2024", the blank
line and the "Dear Lena" after it as one DATE, and a header's name with the line break after it; each
such entity is read again a line at a time ("pull out all the names ... from email.txt" printed
"March 3, 2024\\n\\nHi (DATE)")."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.backends.bundled_text import line_spans

EMAIL = ("From: Rafa Costa\nSubject: Tiling quote\nDate: March 3, 2024\n\nDear Lena,\n\nThe tilers start on Friday "
         "and the quote was $2,450.\n\nBest,\nRafa")


def test_an_entity_span_is_cut_into_its_lines_without_white_space() -> None:
    text = "Date: March 3, 2024\n\nDear Lena,"
    start = text.index("March")
    assert [text[a:b] for a, b in line_spans(text, start, len(text))] == ["March 3, 2024", "Dear Lena,"]
    assert [text[a:b] for a, b in line_spans(text, start, text.index("Dear"))] == ["March 3, 2024"]
    assert line_spans(text, len("Date:"), len("Date: ")) == []


@pytest.mark.integration
def test_no_entity_runs_across_a_line_break(tmp_path: Path) -> None:
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled_text import SpacyNERModel
    from hugginggpt_tools.config import Settings

    model = SpacyNERModel(Settings(num_threads=1))
    model.load()
    ctx = RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1),
                     task="token-classification")
    out = model.predict({"text": EMAIL}, ctx)
    found = [(entity["word"], entity["entity"]) for entity in out.data]
    assert all("\n" not in word for word, _label in found), found
    assert all(entity["word"] == EMAIL[entity["start"]:entity["end"]] for entity in out.data)
    assert ("March 3, 2024", "DATE") in found and ("Rafa Costa", "PERSON") in found and ("$2,450", "MONEY") in found
    assert not any("Dear" in word for word, _label in found), "the salutation is no part of the date"
    assert "\n" not in out.text
