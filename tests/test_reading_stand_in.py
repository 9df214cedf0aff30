"""A question about the writing in a picture or a document that no model of its type can answer here is
answered from that writing: OCR, then extractive question answering over the lines read ("what is the
total?" over a receipt is "TOTAL $18.90", not the whole receipt; "when is the dentist appointment?" over
a note); a visual question that counts things keeps its detector; one about a picture with no writing
says that no model here answers questions about what a picture shows."""

from __future__ import annotations

from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import Plan, Ref, Task
from hugginggpt_tools.selection import select_models, stand_ins
from hugginggpt_tools.selection.reading import asks_particular, reading_stand_in
from hugginggpt_tools.testing import SubsetBackend, local_card

VQA = local_card("Salesforce/blip-vqa-base", "visual-question-answering", "answer questions about images")
DOCQA = local_card("impira/layoutlm-invoices", "document-question-answering", "answer questions about documents")
OCR = local_card("ocr/reader", "image-to-text", "reads printed text", tags=("ocr",))
QA = local_card("qa/extractive", "question-answering", "extractive question answering")
DETECT = local_card("det/faces", "object-detection", "finds faces and people")
TTS = local_card("tts/voice", "text-to-speech", "speak text aloud")
CARDS = [VQA, DOCQA, OCR, QA, DETECT, TTS]
RUNNABLE = {OCR.id, QA.id, DETECT.id, TTS.id}


def _selected(plan: Plan, request: str, runnable: set[str] = RUNNABLE):
    catalog = ModelIndex.build(CARDS, HashEmbedder())
    backends = Backends([SubsetBackend(runnable)])
    return stand_ins(plan, select_models(plan, request, catalog, backends), request, catalog, backends)


def _vqa(question: str, image: str = "note.png") -> Task:
    return Task(id=0, task="visual-question-answering", args={"image": image, "text": question})


def test_a_visual_question_about_the_writing_is_read_then_answered_from_what_was_read() -> None:
    request = "when is the dentist appointment on note.png? Read the answer aloud."
    plan = Plan(tasks=[_vqa("when is the dentist appointment on note.png?"),
                       Task(id=1, task="text-to-speech", dep=[0], args={"text": Ref(task_id=0)})])
    new_plan, choices = _selected(plan, request)
    assert [(t.id, t.task, t.dep) for t in new_plan.tasks] == [
        (0, "image-to-text", [-1]), (1, "question-answering", [0]), (2, "text-to-speech", [1])]
    assert new_plan.tasks[1].args == {"text": "when is the dentist appointment on note.png?",
                                      "context": Ref(task_id=0)}
    assert new_plan.tasks[2].args == {"text": Ref(task_id=1)}  # the answer, not the whole note
    assert [(c.task_id, c.model_id, c.stands_in_for) for c in choices] == [
        (0, OCR.id, "visual-question-answering"), (1, QA.id, "visual-question-answering"), (2, TTS.id, None)]
    (warning,) = new_plan.warnings
    assert "no model here answers questions about what a picture shows" in warning
    assert "Salesforce/blip-vqa-base" in warning  # how to get a model of the type asked for


def test_a_document_question_is_answered_from_the_lines_read_without_a_warning() -> None:
    task = Task(id=0, task="document-question-answering", args={"image": "receipt.jpg", "text": "What is the total?"})
    new_plan, choices = _selected(Plan(tasks=[task]), "What is the total on receipt.jpg?")
    assert [t.task for t in new_plan.tasks] == ["image-to-text", "question-answering"]
    assert [c.stands_in_for for c in choices] == ["document-question-answering"] * 2
    assert new_plan.warnings == []


def test_a_counting_question_keeps_its_detector() -> None:
    new_plan, choices = _selected(Plan(tasks=[_vqa("How many people are in portrait.jpg?", "portrait.jpg")]),
                                  "How many people are in portrait.jpg?")
    assert [t.task for t in new_plan.tasks] == ["object-detection"]
    assert choices[0].model_id == DETECT.id


def test_a_vqa_model_that_can_run_is_used_itself() -> None:
    new_plan, choices = _selected(Plan(tasks=[_vqa("what is the total?")]), "what is the total?",
                                  RUNNABLE | {VQA.id})
    assert [t.task for t in new_plan.tasks] == ["visual-question-answering"] and choices[0].model_id == VQA.id


def test_only_questions_about_something_in_particular_are_answered_from_the_lines() -> None:
    assert asks_particular("what is the total?") and asks_particular("read receipt.jpg and tell me how much tax i paid")
    assert not asks_particular("What does the sign say?") and not asks_particular("Read the text")
    for asked in ("what is written on the sign?", "what's written on the sign?", "what’s written on the sign?",
                  "What's the text on it?", "what is printed on the label?"):
        assert not asks_particular(asked), asked
    whole = Task(id=0, task="document-question-answering", args={"image": "a.png", "text": "what does it say"})
    assert reading_stand_in(whole, "reads") is None  # the whole writing: OCR alone
    counts = _vqa("how many apples are on the list?")
    assert reading_stand_in(counts, "counts") is None
