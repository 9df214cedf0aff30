"""A title or heading on its own line (no full stop) is a sentence of its own, not glued to the first
sentence of the paragraph under it; the summarizer leaves such a heading out of the summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends import _sentences
from hugginggpt_tools.backends._sentences import split_sentences
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.config import Settings

NEWS = """City Council Approves New Cycling Lanes
The Springfield city council voted 7-2 on Tuesday to build twelve miles of
protected cycling lanes across the downtown area. Construction will begin in
the spring and is expected to take eighteen months. Supporters said the lanes
will reduce traffic injuries, while local business owners worried about losing
parking spaces. The project will cost $14 million, funded mostly by a state
transportation grant. Mayor Linda Ortiz called the vote a turning point."""

RECIPE = """Grandma's Banana Bread
Ingredients: three ripe bananas, one third cup of melted butter, one cup of
sugar, one egg, one teaspoon of baking soda and one and a half cups of flour.
Preheat the oven to 350 degrees and butter a loaf pan. Mash the bananas in a
bowl and stir in the melted butter. Mix in the sugar, the egg and the baking
soda, then fold in the flour. Pour the batter into the pan and bake for about
an hour, until a toothpick comes out clean."""


@pytest.mark.parametrize(("text", "title"), [(NEWS, "City Council Approves New Cycling Lanes"),
                                             (RECIPE, "Grandma's Banana Bread")], ids=["news", "recipe"])
def test_a_title_over_a_wrapped_paragraph_is_its_own_sentence(text: str, title: str) -> None:
    sentences = split_sentences(text)
    assert sentences[0] == title
    assert sentences[1].startswith(("The Springfield city council voted", "Ingredients: three ripe bananas"))
    assert _sentences.headings(sentences) == {0}


def test_a_heading_between_paragraphs_and_wrapped_prose_stay_as_they_were() -> None:
    text = ("The museum reopens on Saturday after a long renovation of the\nEast Wing and its gardens. "
            "Entry is free.\nOpening Hours and Tickets\nThe museum opens at 9 a.m. every day but Monday.")
    assert split_sentences(text) == [
        "The museum reopens on Saturday after a long renovation of the East Wing and its gardens.",
        "Entry is free.", "Opening Hours and Tickets", "The museum opens at 9 a.m. every day but Monday."]


@pytest.mark.parametrize("line", ["City Council Approves New Cycling Lanes", "Grandma's Banana Bread",
                                  "A Guide to the City", "QUARTERLY RESULTS 2024"])
def test_headings(line: str) -> None:
    assert _sentences.heading(line)


@pytest.mark.parametrize("line", ["The council voted on Tuesday.", "Dear Sam,", "Ingredients:",
                                  "the downtown area and the", "Meeting With The Mayor And",
                                  "A very long title that goes on and on Past Twelve Words Of Title Case Text"])
def test_not_headings(line: str) -> None:
    assert not _sentences.heading(line)


def test_receipt_lines_are_not_headings_over_prose() -> None:
    """A receipt's or slide's lines are not followed by full sentences: none is left out as a heading."""
    assert _sentences.headings(["GREEN VALLEY MARKET", "123 Oak Street", "Milk 2.49", "TOTAL 14.20"]) == set()


@pytest.mark.integration
@pytest.mark.parametrize("text", [NEWS, RECIPE], ids=["news", "recipe"])
def test_the_summary_leaves_the_title_out(text: str, tmp_path: Path) -> None:
    from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveSummarizer

    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    model.load()
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings(num_threads=1), task="summarization")
    summary = model.predict({"text": text}, ctx).text
    assert not summary.startswith(("City Council", "Grandma's")), summary
    assert summary.startswith(("The Springfield city council voted", "Ingredients: three ripe bananas")), summary
