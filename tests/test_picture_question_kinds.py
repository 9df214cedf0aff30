"""A question about a picture's writing is read (OCR, then question answering), not handed to the
face and person detector: only a question that counts or looks for people, faces or things a detector
finds ("how many faces?", "is there a dog?", "who is in it?") gets the detector; "where and when are they
meeting?" over a chat screenshot and "is there gluten in this product?" over a label are read."""

from __future__ import annotations

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import Plan, Task
from hugginggpt_tools.selection import select_models, stand_in, stand_ins
from hugginggpt_tools.testing import SubsetBackend, local_card

CARDS = [local_card("org/blip-vqa", "visual-question-answering", "answer questions about images"),
         local_card("det/faces", "object-detection", "detect faces and people"),
         local_card("ocr/reader", "image-to-text", "reads printed text", tags=("ocr",)),
         local_card("qa/extractive", "question-answering", "extractive question answering")]
RUNNABLE = {"det/faces", "ocr/reader", "qa/extractive"}


def _vqa(question: str, image: str = "chat.png") -> Task:
    return Task(id=0, task="visual-question-answering", args={"image": image, "text": question})


@pytest.mark.parametrize("question", [
    "chat.png - where and when are they meeting?",
    "Is there gluten in this product? label.png",
    "Is there gluten in this bottle?",
    "who is Tom meeting?",
    "how many calories per serving?",
])
def test_a_question_the_writing_answers_gets_no_detector(question):
    assert stand_in(_vqa(question)) is None


@pytest.mark.parametrize("question", [
    "How many faces are there?", "count the people", "Is there a person in portrait.jpg?", "is there a dog in it?",
    "where is the red car?", "where are the kids?", "Is anyone in the picture?", "Who is in portrait.jpg?",
    "Who's this?", "Who are the people in the photo?", "Who is he?",
])
def test_a_question_that_counts_or_looks_for_people_or_things_gets_the_detector(question):
    assert stand_in(_vqa(question, "portrait.jpg")).task == "object-detection"


@pytest.mark.parametrize("request_", ["chat.png - where and when are they meeting?",
                                      "Is there gluten in this product? label.png"])
def test_with_a_detector_here_the_writing_is_still_read_then_answered(request_):
    catalog = ModelIndex.build(CARDS, HashEmbedder())
    backends = Backends([SubsetBackend(RUNNABLE)])
    plan = Plan(tasks=[_vqa(request_)])
    new_plan, choices = stand_ins(plan, select_models(plan, request_, catalog, backends), request_, catalog,
                                  backends)
    assert [t.task for t in new_plan.tasks] == ["image-to-text", "question-answering"]
    assert [c.model_id for c in choices] == ["ocr/reader", "qa/extractive"]
