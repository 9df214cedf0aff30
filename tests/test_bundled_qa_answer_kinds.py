"""The extractive answerer declines when the passage it finds cannot hold the kind of answer the
question asks for: no colour word for "What colour ...?", no cause for "Why ...?", no number for
"How many ...?", however close the passage is in meaning ("What color was Mara's coat?" was answered
with the story's sentence about Mara)."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_minilm import asked_kinds, can_hold

FERRY = ("Ivo Brandt ran the ferry across Lake Senna for twenty years. Each spring he painted the hull dark green so "
         "that it stood out against the water. In 2009 the engine failed in a storm, and Ivo rowed the passengers to "
         "shore. The council bought a new boat because the old one could not be repaired. Ivo now lives in a cottage "
         "beside the pier at Varenna.")


@pytest.mark.parametrize(("question", "kinds"), [
    ("What colour was Ivo's hat?", {"colour"}),
    ("What color is the car?", {"colour"}),
    ("Which colours does it come in?", {"colour"}),
    ("Where does Ivo live?", {"place"}),
    ("In which city was she born?", {"place"}),
    ("When did the engine fail?", {"time"}),
    ("What time does the shop open?", {"time"}),
    ("How long did he run the ferry?", {"time", "amount"}),
    ("How many carts fell into the river?", {"amount"}),
    ("How much does parking cost?", {"amount"}),
    ("Why did the council buy a new boat?", {"reason"}),
    ("What caused the fire?", {"reason"}),
    ("What did the town give Biscuit?", set()),
    ("Who signed the letter?", set()),
    ("Is the case included?", set()),
])
def test_the_kinds_of_answer_a_question_asks_for(question: str, kinds: set[str]) -> None:
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize(("kind", "question", "passage", "holds"), [
    ("colour", "What colour is the hull?", "He painted the hull dark green.", True),
    ("colour", "What colour was her coat?", "She checked the ice every day.", False),
    ("reason", "Why did they leave?", "They left early because the road was flooded.", True),
    ("reason", "Why did they leave?", "It rained, so they left early.", True),
    ("reason", "Why is Julia blocked?", "Julia is blocked on the test account from the bank.", True),
    ("reason", "Why did the elders ignore her?", "She warned the elders, but they ignored her.", False),
    ("amount", "How many people came?", "Twelve people came to the fair.", True),
    ("amount", "How much is parking?", "Parking is free for patients.", True),
    ("amount", "How much are the tickets?", "Please bring a dish to share.", False),
    ("time", "When does it open?", "It opens next Monday.", True),
    ("time", "When was it built?", "The hall has a slate roof and a red door.", False),
    ("place", "Where is the present?", "It is on your desk.", True),
    ("place", "Where did she go?", "She smiled and waved.", False),
])
def test_whether_a_passage_can_hold_the_kind_asked(kind: str, question: str, passage: str, holds: bool) -> None:
    assert can_hold(kind, question, passage) is holds


@pytest.mark.integration
@pytest.mark.parametrize(("question", "lacks"), [
    ("What colour was Ivo's hat?", "colour"),
    ("Why did Ivo move to Varenna?", "reason"),
])
def test_a_passage_that_cannot_hold_the_answer_is_declined(bundled_qa, qa_ctx, question: str, lacks: str) -> None:
    out = bundled_qa.predict({"text": question, "context": FERRY}, qa_ctx)
    assert out.data["found"] is False and out.data["answer"] == "" and out.data["lacks"] == lacks
    assert out.text.startswith(f'no passage of the text answers "{question}"') and f"holds no {lacks}" in out.text


@pytest.mark.integration
@pytest.mark.parametrize(("question", "words"), [
    ("What colour is the hull?", "dark green"),
    ("Why did the council buy a new boat?", "because the old one could not be repaired"),
    ("Where does Ivo live?", "Varenna"),
    ("When did the engine fail?", "2009"),
    ("How many years did Ivo run the ferry?", "twenty years"),
])
def test_a_passage_that_holds_the_kind_asked_is_still_the_answer(bundled_qa, qa_ctx, question: str,
                                                                 words: str) -> None:
    out = bundled_qa.predict({"text": question, "context": FERRY}, qa_ctx)
    assert out.data["found"] is True and words in out.data["answer"]
