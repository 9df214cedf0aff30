"""The LLM chooses among each task's ranked candidates, in one call for the whole plan."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fake_embedder import HashEmbedder
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.planning.base import Planner
from hugginggpt_tools.schemas import Plan, Ref, Task
from hugginggpt_tools.selection import (
    achoose_with_llm,
    apply_llm_choices,
    choice_messages,
    parse_choice_answer,
    select_models,
)
from hugginggpt_tools.testing import FakeBackend, fake_card, fake_choice

SELECTION_MARK = "#2 Model Selection Stage"


class RecordingChatModel(BaseChatModel):
    """Answers the model-selection prompt with ``choice`` and anything else with ``answer``; records calls."""

    choice: str = "{}"
    answer: str = "done"
    calls: list[list[Any]] = []

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        is_choice = any(SELECTION_MARK in str(m.content) for m in messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.choice if is_choice else self.answer))])

    def selection_calls(self) -> list[list[Any]]:
        return [c for c in self.calls if any(SELECTION_MARK in str(m.content) for m in c)]


PLAN = Plan(tasks=[
    Task(id=0, task="image-to-text", args={"image": "receipt.png"}),
    Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0), "target_language": "German"}),
    Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)}),
])
CARDS = [
    fake_card("image-to-text", "ocr/receipts", downloads=500, description="reads printed text on receipts"),
    fake_card("image-to-text", "ocr/handwriting", downloads=90, description="reads handwritten notes"),
    fake_card("image-to-text", "cap/photos", downloads=9000, description="captions photos"),
    fake_card("translation", "mt/en-de", downloads=100, description="translates english to german"),
    fake_card("translation", "mt/en-fr", downloads=900, description="translates english to french"),
    fake_card("text-to-speech", "tts/male", downloads=10, description="male english voice"),
    fake_card("text-to-speech", "tts/female", downloads=20, description="female english voice"),
]


class FixedPlanner(Planner):
    name = "fixed"

    def plan(self, request: str, *, files=(), chat_history=()) -> Plan:
        return PLAN


@pytest.fixture
def index() -> ModelIndex:
    return ModelIndex.build(CARDS, HashEmbedder())


def test_one_call_for_all_tasks_and_choices_validated(index):
    backends = Backends([FakeBackend()])
    choices = select_models(PLAN, "read the receipt, translate it to German and say it", index, backends)
    ranked_best = [c.model_id for c in choices]
    llm = RecordingChatModel(choice=json.dumps({
        "0": {"id": "ocr/handwriting", "reason": "the receipt is handwritten"},
        "1": {"id": "not/a-candidate", "reason": "made up"},
    }), calls=[])
    chosen = asyncio.run(achoose_with_llm(choices, PLAN, "read the receipt", llm))
    assert len(llm.calls) == 1
    payload = llm.calls[0][1].content
    assert all(c.model_id in payload for choice in choices for c in choice.candidates)
    assert chosen[0].model_id == "ocr/handwriting" and chosen[0].backend == "fake"
    assert chosen[0].reason.startswith("chosen by the LLM (ranked #") and "handwritten" in chosen[0].reason
    assert chosen[0].candidates == choices[0].candidates
    assert chosen[1].model_id == ranked_best[1] and "'not/a-candidate', which is not a candidate" in chosen[1].reason
    assert chosen[2].model_id == ranked_best[2] and "gave no choice" in chosen[2].reason


def test_no_call_when_no_task_has_several_candidates(index):
    single = [fake_choice(0, "image-to-text", ["ocr/receipts"])]
    llm = RecordingChatModel(calls=[])
    assert asyncio.run(achoose_with_llm(single, PLAN, "x", llm)) == single
    assert llm.calls == [] and choice_messages(single, PLAN, "x") is None


def test_unreadable_or_failing_llm_keeps_the_ranked_best():
    choices = [fake_choice(0, "image-to-text", ["a", "b"]), fake_choice(1, "translation", ["c"])]
    kept = apply_llm_choices(choices, "I think the first one is best.")
    assert [c.model_id for c in kept] == ["a", "c"] and "LLM choice unreadable" in kept[0].reason
    assert kept[1] == choices[1]

    class Broken(RecordingChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
            raise RuntimeError("provider down")

    failed = asyncio.run(achoose_with_llm(choices, PLAN, "x", Broken(calls=[])))
    assert failed[0].model_id == "a" and "LLM choice failed (RuntimeError: provider down)" in failed[0].reason


def test_parse_tolerates_fences_and_prose():
    assert parse_choice_answer('```json\n{"0": {"id": "a"}}\n```') == {"0": {"id": "a"}}
    assert parse_choice_answer('Sure! {"1": "b"} Hope it helps.') == {"1": "b"}
    assert parse_choice_answer("[1, 2]") is None and parse_choice_answer("") is None
    # read as plans are read: thinking dropped, prose with braces after the object, Python quoting
    assert parse_choice_answer('<think>maybe {"0": "x"}</think>{"1": {"id": "a"}}') == {"1": {"id": "a"}}
    assert parse_choice_answer('{"1": {"id": "a"}} since {this} fits') == {"1": {"id": "a"}}
    assert parse_choice_answer("{'1': {'id': 'a', 'reason': None}}") == {"1": {"id": "a", "reason": None}}
    picked = apply_llm_choices([fake_choice(1, "translation", ["a", "b"])], '{"1": "b"}')
    assert picked[0].model_id == "b" and "no reason given" in picked[0].reason


def test_pipeline_with_choose_model_makes_one_selection_call(index, tmp_path):
    from hugginggpt_tools.pipeline import create_hugginggpt_agent

    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(b"not really a png; the fake OCR model echoes its input")

    backend = FakeBackend()
    llm = RecordingChatModel(choice=json.dumps({
        "0": {"id": "ocr/handwriting", "reason": "handwritten receipt"},
        "1": {"id": "mt/en-de", "reason": "German target"},
        "2": {"id": "tts/female", "reason": "asked for a female voice"},
    }), answer="Here is your audio.", calls=[])
    agent = create_hugginggpt_agent(llm, planner=FixedPlanner(), index=index, backends=Backends([backend]),
                                    choose_model=True)
    state = agent.invoke({"input": "Read my handwritten receipt, translate it to German, female voice",
                          "files": [str(receipt)]})
    answer = state["answer"]
    assert len(llm.selection_calls()) == 1
    assert [c.model_id for c in answer.choices] == ["ocr/handwriting", "mt/en-de", "tts/female"]
    assert all(c.reason.startswith("chosen by the LLM") for c in answer.choices)
    assert [call.model_id for call in backend.calls] == ["ocr/handwriting", "mt/en-de", "tts/female"]
    assert answer.trace.llm_calls == len(llm.calls)


def test_choose_model_without_an_llm_is_a_config_error(index):
    from hugginggpt_tools.errors import ConfigError
    from hugginggpt_tools.pipeline import HuggingGPT, create_hugginggpt_agent

    for make in (create_hugginggpt_agent, HuggingGPT):
        with pytest.raises(ConfigError, match=r"choose_model .*needs an llm.*fix: pass llm=init_chat_model"):
            make(planner="offline", index=index, backends=Backends([FakeBackend()]), choose_model=True)
    assert HuggingGPT(planner="offline", index=index, backends=Backends([FakeBackend()])).choose_model is False


def test_pipeline_without_choose_model_does_not_ask(index):
    from hugginggpt_tools.pipeline import create_hugginggpt_agent

    llm = RecordingChatModel(choice="{}", answer="ok", calls=[])
    agent = create_hugginggpt_agent(llm, planner=FixedPlanner(), index=index, backends=Backends([FakeBackend()]))
    agent.invoke({"input": "read it"})
    assert llm.selection_calls() == []
