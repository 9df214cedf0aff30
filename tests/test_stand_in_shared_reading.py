"""Two questions about the writing in one image, neither of which a model of its type can answer here,
share one reading of it: "what card did I pay with and what day was it?" of receipt.jpg ran OCR as task 0
and again as task 2 (each question's stand-in read the receipt itself); now task 0 reads it and both
question-answering steps answer from that text. Images of their own are still read apart."""

from __future__ import annotations

from fake_embedder import HashEmbedder
from test_reading_stand_in import DOCQA, OCR, QA, TTS, VQA  # the cards of the stand-in's own tests

from hugginggpt_tools import dag
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelChoice, Plan, Ref, Task, TextTemplate
from hugginggpt_tools.selection import select_models, stand_ins
from hugginggpt_tools.testing import SubsetBackend

CARDS = [VQA, DOCQA, OCR, QA, TTS]
RUNNABLE = {OCR.id, QA.id, TTS.id}
REQUEST = "what card did I pay with and what day was it?"


def _selected(plan: Plan, request: str = REQUEST) -> tuple[Plan, list[ModelChoice]]:
    catalog = ModelIndex.build(CARDS, HashEmbedder())
    backends = Backends([SubsetBackend(RUNNABLE)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


def _shape(plan: Plan) -> list[tuple[int, str, list[int], dict]]:
    return [(t.id, t.task, t.dep, t.args) for t in plan.tasks]


def _vqa(task_id: int, question: str, image: str = "receipt.jpg") -> Task:
    return Task(id=task_id, task="visual-question-answering", args={"image": image, "text": question})


def test_two_questions_of_one_receipt_read_it_once() -> None:
    plan = Plan(tasks=[_vqa(0, "what card did I pay with?"), _vqa(1, "What day was it?")])
    new_plan, choices = _selected(plan)
    assert _shape(new_plan) == [
        (0, "image-to-text", [-1], {"image": "receipt.jpg"}),
        (1, "question-answering", [0], {"text": "what card did I pay with?", "context": Ref(task_id=0)}),
        (2, "question-answering", [0], {"text": "What day was it?", "context": Ref(task_id=0)})]
    assert [(c.task_id, c.model_id, c.stands_in_for) for c in choices] == [
        (0, OCR.id, "visual-question-answering"), (1, QA.id, "visual-question-answering"),
        (2, QA.id, "visual-question-answering")]
    assert "answering from the writing task 0 reads" in choices[2].reason
    assert [w.split(" in receipt.jpg")[0] for w in new_plan.warnings] == [
        "task 1 (question-answering, standing in for visual-question-answering) answers \"what card did I pay "
        "with?\" from the writing task 0 reads",
        "task 2 (question-answering, standing in for visual-question-answering) answers \"What day was it?\" from "
        "the writing task 0 reads"]
    dag.check_plan(new_plan, repair=False)  # the plan as run is a valid plan: every task uses earlier ones


def test_the_tasks_after_the_questions_read_the_right_answers() -> None:
    """A third question, of a document, shares the reading too; the answers spoken after keep pointing at
    their questions' answers (ids shift by the one step added)."""
    plan = Plan(tasks=[
        _vqa(0, "what card did I pay with?"),
        Task(id=1, task="document-question-answering", args={"image": "receipt.jpg", "text": "what is the total?"}),
        _vqa(2, "What day was it?"),
        Task(id=3, task="text-to-speech", dep=[0, 1, 2], args={"text": TextTemplate(
            parts=[Ref(task_id=0), ", ", Ref(task_id=1), ", ", Ref(task_id=2)])})])
    new_plan, choices = _selected(plan, "what card did I pay with, what is the total and what day was it? Say it.")
    assert [(t.id, t.task, t.dep) for t in new_plan.tasks] == [
        (0, "image-to-text", [-1]), (1, "question-answering", [0]), (2, "question-answering", [0]),
        (3, "question-answering", [0]), (4, "text-to-speech", [1, 2, 3])]
    assert [t.args["context"] for t in new_plan.tasks[1:4]] == [Ref(task_id=0)] * 3
    assert new_plan.tasks[4].args["text"] == TextTemplate(
        parts=[Ref(task_id=1), ", ", Ref(task_id=2), ", ", Ref(task_id=3)])
    assert [c.task_id for c in choices] == [0, 1, 2, 3, 4]
    assert choices[2].stands_in_for == "document-question-answering"
    dag.check_plan(new_plan, repair=False)


def test_a_shared_reading_after_another_split_keeps_the_ids_right() -> None:
    """A question of another image first: the receipt's reading is task 2 once the first split's two steps
    are in, and the receipt's second question reads task 2, not the first image's."""
    plan = Plan(tasks=[_vqa(0, "what is the date on it?", image="ticket.png"), _vqa(1, "what card did I pay with?"),
                       _vqa(2, "What day was it?")])
    new_plan, _ = _selected(plan, "what is the date on ticket.png? " + REQUEST)
    assert [(t.id, t.task, t.dep, t.args.get("image") or t.args["context"]) for t in new_plan.tasks] == [
        (0, "image-to-text", [-1], "ticket.png"), (1, "question-answering", [0], Ref(task_id=0)),
        (2, "image-to-text", [-1], "receipt.jpg"), (3, "question-answering", [2], Ref(task_id=2)),
        (4, "question-answering", [2], Ref(task_id=2))]
    assert "the writing task 2 reads in receipt.jpg" in new_plan.warnings[2]
    dag.check_plan(new_plan, repair=False)


def test_questions_of_two_images_each_read_their_own() -> None:
    plan = Plan(tasks=[_vqa(0, "what card did I pay with?"), _vqa(1, "What day was it?", image="ticket.png")])
    new_plan, _ = _selected(plan)
    assert [(t.id, t.task, t.args.get("image")) for t in new_plan.tasks] == [
        (0, "image-to-text", "receipt.jpg"), (1, "question-answering", None),
        (2, "image-to-text", "ticket.png"), (3, "question-answering", None)]
    assert new_plan.tasks[3].args["context"] == Ref(task_id=2)
