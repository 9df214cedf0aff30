"""A question about the writing in an image that the plan already reads ("read the receipt.png and tell me the
total": image-to-text, then document-question-answering) is answered from that reading: the reading stand-in
added a second OCR of the same file, and the answer printed the receipt twice. Only the question-answering step
takes the question's place (its id), its context the plan's own OCR; nothing else is renumbered."""

from __future__ import annotations

from fake_embedder import HashEmbedder
from test_reading_stand_in import DOCQA, OCR, QA, TTS, VQA  # the cards of the stand-in's own tests

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelChoice, Plan, Ref, Task
from hugginggpt_tools.selection import select_models, stand_ins
from hugginggpt_tools.selection.stand_in_tasks import _new_id
from hugginggpt_tools.testing import SubsetBackend, local_card

CLASSIFY = local_card("cls/labels", "image-classification", "labels a picture")
CARDS = [VQA, DOCQA, OCR, QA, TTS, CLASSIFY]
RUNNABLE = {OCR.id, QA.id, TTS.id, CLASSIFY.id}


def _selected(plan: Plan, request: str) -> tuple[Plan, list[ModelChoice]]:
    catalog = ModelIndex.build(CARDS, HashEmbedder())
    backends = Backends([SubsetBackend(RUNNABLE)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


def _shape(plan: Plan) -> list[tuple[int, str, list[int], dict]]:
    return [(t.id, t.task, t.dep, t.args) for t in plan.tasks]


def test_a_document_question_reads_the_plans_own_ocr_of_the_receipt() -> None:
    request = "read the receipt.png and tell me the total"
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "receipt.png"}),
                       Task(id=1, task="document-question-answering",
                            args={"image": "receipt.png", "text": "what is the total?"})])
    new_plan, choices = _selected(plan, request)
    assert _shape(new_plan) == [
        (0, "image-to-text", [-1], {"image": "receipt.png"}),
        (1, "question-answering", [0], {"text": "what is the total?", "context": Ref(task_id=0)})]
    assert [(c.task_id, c.model_id, c.stands_in_for) for c in choices] == [
        (0, OCR.id, None), (1, QA.id, "document-question-answering")]
    assert "answering from the writing task 0 reads" in choices[1].reason
    assert choices[0].fallback is None  # its writing is asked about: a classifier's labels answer nothing
    assert new_plan.warnings == []


def test_a_visual_question_reads_the_plans_ocr_and_its_warning_names_it() -> None:
    request = "read agenda.png then tell me when lunch is, and read the answer aloud"
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "agenda.png"}),
                       Task(id=1, task="visual-question-answering", args={"image": "agenda.png",
                                                                          "text": "when is lunch?"}),
                       Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})])
    new_plan, choices = _selected(plan, request)
    assert _shape(new_plan) == [
        (0, "image-to-text", [-1], {"image": "agenda.png"}),
        (1, "question-answering", [0], {"text": "when is lunch?", "context": Ref(task_id=0)}),
        (2, "text-to-speech", [1], {"text": Ref(task_id=1)})]  # the answer, ids unchanged
    assert [c.task_id for c in choices] == [0, 1, 2]
    (warning,) = new_plan.warnings
    assert warning.startswith("task 1 (question-answering, standing in for visual-question-answering) answers "
                              "\"when is lunch?\" from the writing task 0 reads in agenda.png")


def test_a_reading_reused_after_another_split_keeps_the_ids_right() -> None:
    """A question with no OCR of its own before it is still two steps; the later one reuses the plan's OCR,
    and every id after the first split shifts by one."""
    request = "what is the total on receipt.png? read agenda.png and tell me when lunch is"
    plan = Plan(tasks=[Task(id=0, task="document-question-answering",
                            args={"image": "receipt.png", "text": "what is the total?"}),
                       Task(id=1, task="image-to-text", args={"image": "agenda.png"}),
                       Task(id=2, task="visual-question-answering", args={"image": "agenda.png",
                                                                          "text": "when is lunch?"})])
    new_plan, choices = _selected(plan, request)
    assert _shape(new_plan) == [
        (0, "image-to-text", [-1], {"image": "receipt.png"}),
        (1, "question-answering", [0], {"text": "what is the total?", "context": Ref(task_id=0)}),
        (2, "image-to-text", [-1], {"image": "agenda.png"}),
        (3, "question-answering", [2], {"text": "when is lunch?", "context": Ref(task_id=2)})]
    assert [(c.task_id, c.stands_in_for) for c in choices] == [
        (0, "document-question-answering"), (1, "document-question-answering"), (2, None),
        (3, "visual-question-answering")]
    (warning,) = new_plan.warnings
    assert warning.startswith("task 3 (question-answering, standing in for visual-question-answering) answers "
                              "\"when is lunch?\" from the writing task 2 reads in agenda.png")


def test_an_ocr_of_another_image_is_not_reused() -> None:
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "agenda.png"}),
                       Task(id=1, task="document-question-answering",
                            args={"image": "receipt.png", "text": "what is the total?"})])
    new_plan, _ = _selected(plan, "read agenda.png and tell me the total on receipt.png")
    assert [(t.id, t.task) for t in new_plan.tasks] == [
        (0, "image-to-text"), (1, "image-to-text"), (2, "question-answering")]
    assert new_plan.tasks[2].args["context"] == Ref(task_id=1)


def test_new_ids_count_the_steps_each_split_adds() -> None:
    class Split:
        def __init__(self, steps: int) -> None:
            self.steps = [None] * steps

    splits = {0: Split(2), 2: Split(1), 4: Split(2)}
    assert [_new_id(old, splits) for old in range(6)] == [1, 2, 3, 4, 6, 7]
