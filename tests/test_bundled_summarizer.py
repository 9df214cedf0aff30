"""The bundled extractive summarizer: directed centrality, the length prior, MMR and the bounded cost.

The quality of its picks over more kinds of text is measured by ``benchmarks/summarization.py``.
"""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveSummarizer, split_sentences
from hugginggpt_tools.config import Settings


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="summarization")


@pytest.fixture(scope="module")
def summarizer() -> MiniLMExtractiveSummarizer:
    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    model.load()
    return model


MUSEUM = ("The city museum will reopen on Saturday after a two-year renovation that doubled its exhibition space. "
          "The 30 million dollar project added a new wing for modern art, a rooftop cafe and a children's learning "
          "centre. Entry will be free for the first month. Director Helen Park said the museum expects half a "
          "million visitors in its first year. The old building had suffered from leaks and poor lighting for "
          "decades. The director thanked everyone.")
STORM = ("A powerful storm left more than 200,000 homes without electricity across the northern counties on Sunday "
         "night. Winds of up to 120 kilometres per hour brought down trees and power lines, and several roads were "
         "blocked. Utility crews worked through the night, but officials warned that some homes may not have power "
         "until Wednesday. Schools in three counties will stay closed on Monday. It was a long night for everyone.")
EMAIL = ("Hello everyone,\n\nI hope your week is going well. The staff parking garage on Elm Street will be closed "
         "from June 2 to June 6 for resurfacing work. During those days, please park in the visitor lot behind "
         "building C, which will be reserved for staff. Shuttle buses will run from the visitor lot to the main "
         "entrance every ten minutes between 7 a.m. and 7 p.m. Please do not park on the street, as the city will "
         "be towing cars there.\n\nBest wishes,\nDaniel\nFacilities Office")


@pytest.mark.integration
@pytest.mark.parametrize("text", [MUSEUM, STORM], ids=["museum", "storm"])
def test_news_summary_opens_with_the_lead_not_the_closing_courtesy(summarizer, ctx, text: str) -> None:
    sentences = split_sentences(text)
    ctx.request = "Give me a one-line summary"
    assert summarizer.predict({"text": text}, ctx).text == sentences[0]
    ctx.request = "Summarize it"
    out = summarizer.predict({"text": text}, ctx)
    assert out.data["sentences"][0] == 0 and len(sentences) - 1 not in out.data["sentences"]
    assert out.data["considered"] == out.data["of"] == len(sentences)


@pytest.mark.integration
def test_email_summary_skips_the_greeting_and_keeps_the_news(summarizer, ctx) -> None:
    ctx.request = "Summarize this email"
    out = summarizer.predict({"text": EMAIL}, ctx)
    assert "closed from June 2 to June 6" in out.text
    assert "Hello" not in out.text and "hope your week" not in out.text and "Best wishes" not in out.text


def test_long_texts_are_scored_on_their_lead_and_a_sample() -> None:
    model = MiniLMExtractiveSummarizer(Settings())
    assert model.considered(model.max_sentences) == list(range(model.max_sentences))
    picked = model.considered(10_000)
    assert len(picked) == model.max_sentences == len(set(picked)) and picked == sorted(picked)
    assert picked[:model.lead_sentences] == list(range(model.lead_sentences)) and picked[-1] == 9_999
    gaps = np.diff(picked[model.lead_sentences:])
    assert gaps.max() - gaps.min() <= 1, "the rest is sampled evenly"


def test_a_long_text_costs_a_bounded_number_of_embeddings(ctx) -> None:
    """Ten thousand sentences: only ``max_sentences`` are embedded, memory stays small, and the
    pick is reported by its index in the whole text."""
    n = 10_000
    vectors = np.random.default_rng(0).standard_normal((n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    model = MiniLMExtractiveSummarizer(Settings())
    model.backward_weight = 1.0  # plain centrality: the planted sentence is central wherever it stands
    target = model.considered(n)[200]
    pool = model.considered(n)
    total = vectors[pool].sum(axis=0) - vectors[target]
    vectors[target] = total / np.linalg.norm(total)
    encoded: list[int] = []

    class Fixed:
        def encode(self, texts: list[str]) -> np.ndarray:
            encoded.append(len(texts))
            return vectors[[int(re.search(r"\d+", text).group()) for text in texts]]

    model.embedder = Fixed()
    text = " ".join(f"Sentence number {k} is here in the long text." for k in range(n))
    ctx.request = "Summarize it in one sentence"
    tracemalloc.start()
    try:
        out = model.predict({"text": text}, ctx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert encoded == [model.max_sentences]
    assert out.data["sentences"] == [target] > [model.lead_sentences] and out.data["of"] == n
    assert out.data["considered"] == model.max_sentences
    assert out.text == f"Sentence number {target} is here in the long text."
    assert peak < 20e6, f"peak {peak / 1e6:.0f} MB"


class _Given:
    """An embedder returning fixed vectors in order."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.vectors[:len(texts)]


def test_mmr_takes_a_new_point_over_a_near_repeat(ctx) -> None:
    # sentence 1 is close (0.8) to sentence 0, below the hard redundancy cut, and scores a bit higher
    # than sentence 2, which says something else
    vectors = np.array([[1, 0, 0], [0.8, 0.6, 0], [0.1, 0, 0.995], [0, 0, 1]], dtype=np.float32)
    model = MiniLMExtractiveSummarizer(Settings())
    model.embedder = _Given(vectors)
    model.scores = lambda sentences, vectors: np.array([1.0, 0.95, 0.8, 0.1])
    text = "First point here. Nearly the first point. Another point. Last one here."
    ctx.request = "Summarize it in two sentences"
    assert model.predict({"text": text}, ctx).data["sentences"] == [0, 2]
    model.mmr_penalty = 0.0
    assert model.predict({"text": text}, ctx).data["sentences"] == [0, 1]


def test_scores_weigh_following_sentences_and_length() -> None:
    model = MiniLMExtractiveSummarizer(Settings())
    # 0 and 2 are alike; 1 is unlike both. Directed: 0 has 2 after it, 2 has nothing after it.
    vectors = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    sentences = ["A sentence with enough words to count fully here.", "Another sentence with enough words to count.",
                 "A third sentence with enough words to count fully."]
    assert model.scores(sentences, vectors).tolist() == [1.0, 0.0, 0.0]
    model.backward_weight = 1.0
    assert model.scores(sentences, vectors).tolist() == [1.0, 0.0, 1.0]
    short = ["Hi all.", *sentences[1:]]
    assert model.scores(short, vectors)[0] == pytest.approx(2 / model.short_words)
    long_one = [" ".join(["word"] * 4 * model.long_words), *sentences[1:]]
    assert model.scores(long_one, vectors)[0] == pytest.approx(0.25)
