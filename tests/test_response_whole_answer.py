"""A stand-in whose output holds the whole answer ("how many people are in slide.png?" answered by the
detector's count) gets no hint on how to run a model of the type asked for: its choice says so with a flag
(``ModelChoice.answers_whole``, set by selection), not with words of its reason that response looked for."""

from __future__ import annotations

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.response import summarize
from hugginggpt_tools.schemas import ModelChoice, Plan, Task, TaskResult
from hugginggpt_tools.selection import select_models, stand_ins
from hugginggpt_tools.testing import SubsetBackend, local_card

_WHY = ("no visual-question-answering model can run here (download the weights with "
        "`hf download Salesforce/blip-vqa-base`); object-detection stands in")
_HINT = "(to run one: `hf download Salesforce/blip-vqa-base`)"


def _counted(reason: str, *, whole: bool) -> str:
    choice = ModelChoice(task_id=0, task="object-detection", model_id="bundled/faces", backend="bundled",
                         reason=reason, stands_in_for="visual-question-answering", answers_whole=whole)
    plan = Plan(tasks=[Task(id=0, task="object-detection", args={"image": "slide.png"})])
    result = TaskResult(task_id=0, task="object-detection", status="succeeded", model_id="bundled/faces",
                        backend="bundled", text="0 people found in slide.png", stands_in_for="visual-question-answering")
    return summarize("how many people are in slide.png", plan, [choice], [result])


@pytest.mark.parametrize("reason", [f"{_WHY}: its output holds the answer.", f"{_WHY}: it counts them.", _WHY])
def test_the_hint_goes_by_the_flag_whatever_the_reason_says(reason: str) -> None:
    assert _HINT not in _counted(reason, whole=True)
    assert _HINT in _counted(reason, whole=False)


def test_an_answer_saved_before_the_flag_still_loads() -> None:
    saved = ModelChoice(task_id=0, task="object-detection", reason="r").model_dump()
    del saved["answers_whole"]
    assert ModelChoice.model_validate(saved).answers_whole is False


@pytest.mark.parametrize(("question", "whole"), [("How many faces are there?", True), ("Who is in portrait.jpg?", False)])
def test_selection_flags_a_stand_in_that_holds_the_whole_answer(question: str, whole: bool) -> None:
    cards = [local_card("org/blip-vqa", "visual-question-answering", "answer questions about images"),
             local_card("det/faces", "object-detection", "detect faces and people")]
    catalog = ModelIndex.build(cards, HashEmbedder())
    backends = Backends([SubsetBackend({"det/faces"})])
    plan = Plan(tasks=[Task(id=0, task="visual-question-answering", args={"image": "portrait.jpg", "text": question})])
    _, choices = stand_ins(plan, select_models(plan, question, catalog, backends), question, catalog, backends)
    assert choices[0].stands_in_for == "visual-question-answering" and choices[0].answers_whole is whole


def test_a_documents_text_read_in_place_of_its_question_is_not_the_whole_answer() -> None:
    """OCR standing in for document question answering gives the whole text, in which the answer is to be found:
    its choice is not flagged, so the answer keeps the hint on how to run a document question answering model."""
    cards = [local_card("org/layoutlm", "document-question-answering", "answer questions about documents"),
             local_card("org/ocr", "image-to-text", "read printed text in images")]
    catalog = ModelIndex.build(cards, HashEmbedder())
    backends = Backends([SubsetBackend({"org/ocr"})])
    question = "What does invoice.png say?"
    plan = Plan(tasks=[Task(id=0, task="document-question-answering", args={"image": "invoice.png", "text": question})])
    _, choices = stand_ins(plan, select_models(plan, question, catalog, backends), question, catalog, backends)
    assert choices[0].task == "image-to-text" and choices[0].stands_in_for == "document-question-answering"
    assert choices[0].answers_whole is False
