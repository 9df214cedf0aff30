"""The download a "no runnable model" reason suggests does not swing with a request's wording between
cards that score nearly the same: within :data:`NEAR_TIE` of the best, the most downloaded card is
suggested, then the first by id (``faisalraza/layoutlm-invoices``, a 153-download copy of the card of
``impira/layoutlm-invoices``, or a 843-download LayoutLMv3, were suggested for some wordings of a
document question while a 1M-download model scored within a few hundredths)."""

from __future__ import annotations

import re

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.ranking import ScoredCard, suggestion_key
from hugginggpt_tools.schemas import ModelCard, Plan, Task
from hugginggpt_tools.selection import select_models
from hugginggpt_tools.testing import SubsetBackend


def _scored(model_id: str, similarity: float, downloads: int) -> ScoredCard:
    card = ModelCard(id=model_id, task="document-question-answering", downloads=downloads, backends=["local"],
                     description="LayoutLM for invoices", languages=["en"])
    return ScoredCard(position=0, card=card, similarity=similarity)


def _order(*scored: ScoredCard) -> list[str]:
    from hugginggpt_tools.selection.reasons import _suggestion_order

    return [s.card.id for s in _suggestion_order(list(scored), lambda s: suggestion_key(s.card, s.score, 1.0))]


def test_a_near_tie_goes_to_the_more_downloaded_card_then_the_id():
    copy, original = _scored("faisalraza/layoutlm-invoices", 0.46, 153), _scored("impira/layoutlm-invoices", 0.44, 2877)
    assert _order(copy, original) == ["impira/layoutlm-invoices", "faisalraza/layoutlm-invoices"]
    assert _order(original, copy) == ["impira/layoutlm-invoices", "faisalraza/layoutlm-invoices"]
    twin = _scored("a/layoutlm-invoices", 0.45, 2877)
    assert _order(copy, original, twin)[:2] == ["a/layoutlm-invoices", "impira/layoutlm-invoices"]


def test_a_clearly_better_card_is_still_suggested_first():
    from hugginggpt_tools.selection.reasons import NEAR_TIE

    assert _order(_scored("b/fit", 0.40 + 2 * NEAR_TIE, 10), _scored("a/popular", 0.40, 10**6))[0] == "b/fit"
    assert _order() == []


def test_the_shipped_index_suggests_one_document_model_for_wordings_of_a_general_document_question():
    index = ModelIndex.load(REPO_DIR / "indexes" / "default")
    backends = Backends([SubsetBackend(set(), name="transformers", fix="hf download")])
    suggested = set()
    for question, request in (("What is the total on scan.png?", "What is the total on scan.png? Also summarize it"),
                              ("who signed the form?", "who signed the form?"),
                              ("What is the title of the paper?", "What is the title of the paper? Read it aloud")):
        task = Task(id=0, task="document-question-answering", args={"image": "scan.png", "text": question})
        (choice,) = select_models(Plan(tasks=[task]), request, index, backends)
        suggested.add(re.search(r"hf download of ([\w./-]+)", choice.reason).group(1))
    assert suggested == {"impira/layoutlm-document-qa"}
