"""The extractive summarizer on texts that are not news: lists and receipts (fragments too short to
be a summary two at a time), texts whose point comes last ("In short, ..."), lead-ins that say
nothing by themselves ("We changed three things:"). Measured by ``benchmarks/summarization.py``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveSummarizer
from hugginggpt_tools.config import Settings

LONG = "A sentence with enough words in it to count fully here."


def test_a_concluding_sentence_scores_as_high_as_the_best() -> None:
    model = MiniLMExtractiveSummarizer(Settings())
    vectors = np.array([[1, 0], [1, 0], [1, 0], [0, 1]], dtype=np.float32)
    sentences = [LONG, LONG, LONG, "In short, the alarms were caused by a torn door seal, now replaced."]
    assert model.scores(sentences, vectors)[3] == pytest.approx(1.0)
    sentences[3] = "The alarms were caused by a torn door seal, which is now replaced."
    assert model.scores(sentences, vectors)[3] == pytest.approx(0.0)


def test_a_lead_in_counts_half_unless_it_opens_the_text() -> None:
    model = MiniLMExtractiveSummarizer(Settings())
    vectors = np.array([[1, 0], [1, 0], [1, 0]], dtype=np.float32)
    plain = model.scores([LONG, LONG, LONG], vectors)
    bridged = model.scores([LONG, "After the review we decided to change these three things:", LONG], vectors)
    assert bridged[1] == pytest.approx(model.bridge_weight * plain[1]) and bridged[0] == plain[0]
    assert model.scores(["Here is what happened next.", LONG, LONG], vectors)[0] == plain[0] * 5 / 8


def test_short_picks_are_topped_up_to_the_word_floor() -> None:
    model = MiniLMExtractiveSummarizer(Settings())
    lines = ["GREEN VALLEY MARKET", "123 Oak Street", "BANANAS 1.29", "TOTAL 12.41", "THANK YOU", "VISA 4821",
             "MILK 0.99", "EGGS 2.89"]
    scores = np.linspace(1.0, 0.3, len(lines))
    similarity = np.eye(len(lines))
    picked = model.pick(lines, scores, similarity, wanted=2)
    assert picked[:2] == [0, 1] and len(picked) == 4  # 2 lines of 3 words are no summary: up to twice as many
    assert model.pick(lines, scores, similarity, wanted=2, asked=True) == [0, 1]  # "in two lines": two
    long_lines = [LONG] * len(lines)
    assert model.pick(long_lines, scores, similarity, wanted=2) == [0, 1]  # 2 x 11 words reach it


def test_mmr_uses_the_similarities_it_is_given() -> None:
    """MMR needs no vectors: the pairwise similarities, computed once, are kept up to date per pick."""
    model = MiniLMExtractiveSummarizer(Settings())
    similarity = np.array([[1, 0.8, 0.1], [0.8, 1, 0.1], [0.1, 0.1, 1]])
    assert model.pick([LONG] * 3, np.array([1.0, 0.95, 0.8]), similarity, wanted=2) == [0, 2]
    assert model.pick([LONG] * 3, np.array([1.0, 0.95, 0.8]), np.eye(3), wanted=2) == [0, 1]


@pytest.fixture(scope="module")
def summarizer() -> MiniLMExtractiveSummarizer:
    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    model.load()
    return model


@pytest.mark.integration
def test_a_report_whose_finding_comes_last_is_summarized_by_it(summarizer, tmp_path: Path) -> None:
    text = ("Over the past month the lab's freezer raised four alarms, each at night. Facilities first suspected "
            "the power supply, but the logs showed no outages on those nights. The compressor was tested twice and "
            "worked within its specification. Staff recorded every door opening for two weeks. A closer look at "
            "the lower door found the rubber seal worn along one edge. In short, the alarms were caused by a torn "
            "door seal, which has now been replaced, and no samples were lost.")
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings(num_threads=1), task="summarization",
                     request="Summarize this report.")
    out = summarizer.predict({"text": text}, ctx)
    assert "In short, the alarms were caused by a torn door seal" in out.text
