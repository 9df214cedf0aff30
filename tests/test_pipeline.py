"""The LangGraph agent: four stages wired, with fakes and with the real offline defaults."""

from __future__ import annotations

import asyncio
import json
import wave
from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.backends.base import Backends, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError, InputError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.testing import FakeBackend, fake_card, scripted_chat_model

ROOT = Path(__file__).resolve().parents[1]
INVOICE = ROOT / "examples" / "invoice.png"


@pytest.fixture
def fake_parts(tmp_path):
    image = tmp_path / "scan.png"
    image.write_bytes(b"png")
    backend = FakeBackend(handlers={
        "image-to-text": lambda inputs, ctx: "HELLO FROM THE SCAN",
        "text-to-speech": lambda inputs, ctx: TaskOutput(
            text="spoken", artifacts=[ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)]),
    })
    cards = [fake_card("image-to-text", "fake/ocr", downloads=10), fake_card("text-to-speech", "fake/tts"),
             fake_card("image-to-text", "fake/captioner", downloads=5)]
    index = ModelIndex.build(cards, HashEmbedder())
    settings = Settings(output_dir=tmp_path / "out")
    return {"image": image, "backend": backend, "index": index, "settings": settings}


def _agent(parts, llm=None, planner=None):
    return create_hugginggpt_agent(llm, planner=planner, settings=parts["settings"], index=parts["index"],
                                   backends=Backends([parts["backend"]]))


PLAN = json.dumps([{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "scan.png"}},
                   {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}])


def test_llm_agent_plans_selects_executes_and_responds(fake_parts):
    llm = scripted_chat_model(["Sure! Here is the plan: [{'task': 'image-to-text', 'id': 0,",  # malformed
                               PLAN, "The scan says HELLO FROM THE SCAN; I read it aloud."])
    agent = _agent(fake_parts, llm=llm)
    state = agent.invoke({"input": "read scan.png aloud", "files": [str(fake_parts["image"])]})
    answer = state["answer"]
    # the LLM's answer, and the file it does not name (response.files_note)
    assert state["output"] == f"The scan says HELLO FROM THE SCAN; I read it aloud.\n\nFiles written:\n- {answer.files[0]}"
    assert [t.task for t in answer.plan.tasks] == ["image-to-text", "text-to-speech"]
    assert [c.model_id for c in answer.choices] == ["fake/ocr", "fake/tts"]
    assert [r.status for r in answer.results] == ["succeeded", "succeeded"]
    assert Path(answer.files[0]).read_bytes() == b"HELLO FROM THE SCAN"
    assert answer.trace.llm_calls == 3
    assert [t.stage for t in answer.trace.timings] == ["plan", "select", "execute", "respond"]


def test_a_task_no_model_can_run_gets_its_stand_in(fake_parts):
    """The catalog has no document-QA model: OCR stands in, the plan says so, and the answer too."""
    dqa = json.dumps([{"task": "document-question-answering", "id": 0, "dep": [-1],
                       "args": {"image": "scan.png", "text": "What does it say?"}},
                      {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}])
    agent = _agent(fake_parts, llm=scripted_chat_model([dqa, "It says HELLO FROM THE SCAN."]))
    state = agent.invoke({"input": "what does scan.png say? read it aloud", "files": [str(fake_parts["image"])]})
    answer = state["answer"]
    assert [t.task for t in answer.plan.tasks] == ["image-to-text", "text-to-speech"]
    assert answer.choices[0].stands_in_for == answer.results[0].stands_in_for == "document-question-answering"
    assert "task 0 ran image-to-text for the document-question-answering asked for" in state["output"]
    assert [r.status for r in answer.results] == ["succeeded", "succeeded"]
    assert Path(answer.files[0]).read_bytes() == b"HELLO FROM THE SCAN"


def test_offline_agent_streams_stage_and_task_events(fake_parts):
    agent = _agent(fake_parts, planner="offline")
    chunks = list(agent.stream({"input": "Read the text in scan.png aloud",
                                "files": [str(fake_parts["image"])]}, stream_mode="custom"))
    stages = [c["event"] for c in chunks if c["event"] in ("plan_ready", "model_chosen", "answer_ready")]
    events = [(c["event"], c["task_id"]) for c in chunks if c["event"].startswith("task_")]
    assert stages == ["plan_ready", "model_chosen", "model_chosen", "answer_ready"]
    assert ("task_finished", 0) in events and ("task_finished", 1) in events
    assert events.index(("task_finished", 0)) < events.index(("task_started", 1))


def test_unplannable_request_gets_an_explaining_answer(fake_parts):
    llm = scripted_chat_model(["no json here", "still no json", "unused"])
    agent = _agent(fake_parts, llm=llm, planner="llm")
    state = agent.invoke({"input": "do the thing"})
    assert state["answer"].plan.tasks == []
    assert "planning failed" in state["answer"].plan.notes[0]


def test_blank_request_is_rejected(fake_parts):
    with pytest.raises(ConfigError, match="non-empty request"):
        _agent(fake_parts).invoke({"input": "  "})
    # no input at all, and files given as bytes, are told how to call instead of a KeyError / TypeError
    with pytest.raises(ConfigError, match=r"got None: invoke the agent with \{'input': 'your request'"):
        _agent(fake_parts).invoke({"files": [str(fake_parts["image"])]})
    with pytest.raises(InputError, match=r"'files' must be file paths, got \[b'png'\]; save bytes to a file first"):
        _agent(fake_parts).invoke({"input": "Read the text aloud", "files": [b"png"]})


def test_one_file_path_alone_is_a_list_of_one(fake_parts):
    agent = _agent(fake_parts, planner="offline")
    state = agent.invoke({"input": "Read the text in scan.png aloud", "files": str(fake_parts["image"])})
    assert "HELLO FROM THE SCAN" in state["output"]


def test_batch_and_async(fake_parts):
    agent = _agent(fake_parts, planner="offline")
    inputs = {"input": "Read the text in scan.png aloud", "files": [str(fake_parts["image"])]}
    states = agent.batch([inputs, inputs])
    assert all(s["answer"].results[1].status == "succeeded" for s in states)
    state = asyncio.run(agent.ainvoke(inputs))
    assert "HELLO FROM THE SCAN" in state["output"]


@pytest.mark.integration
def test_offline_main_job_reads_the_invoice_aloud(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    agent = create_hugginggpt_agent(settings=Settings(output_dir=tmp_path))
    state = agent.invoke({"input": "Read the text in examples/invoice.png aloud",
                          "files": ["examples/invoice.png"]})
    answer = state["answer"]
    assert [r.status for r in answer.results] == ["succeeded", "succeeded"]
    assert "Invoice 1042 is due on Friday" in state["output"]
    assert "Total amount: 250 dollars" in state["output"]
    (wav_path,) = answer.files
    with wave.open(wav_path) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.0 < seconds < 15.0
    assert wav_path in state["output"]


def _turn(agent, request, session, files=()):
    return agent.invoke({"input": request, "files": list(files)},
                        config={"configurable": {"session_id": session}})


def test_next_turn_uses_the_previous_turns_text(fake_parts):
    agent = _agent(fake_parts, planner="offline")
    first = _turn(agent, "Read the text in scan.png", "s1", [str(fake_parts["image"])])
    assert first["answer"].results[0].text == "HELLO FROM THE SCAN"
    second = _turn(agent, "Now read that aloud", "s1")
    (result,) = second["answer"].results
    assert result.task == "text-to-speech" and result.inputs["text"] == "HELLO FROM THE SCAN"


def test_a_later_turn_finds_an_earlier_output_by_its_kind(fake_parts):
    """Turn 3's "the translation" was the sentiment that turn 2 ended on."""
    backend = FakeBackend(handlers={
        "translation": lambda inputs, ctx: "Anna met Tom in Paris",
        "text-classification": lambda inputs, ctx: "sentiment: neutral",
        "token-classification": lambda inputs, ctx: f"entities of {inputs['text']}"})
    cards = [fake_card(task, f"fake/{task}") for task in ("translation", "text-classification", "token-classification")]
    agent = create_hugginggpt_agent(planner="offline", settings=fake_parts["settings"],
                                    index=ModelIndex.build(cards, HashEmbedder()), backends=Backends([backend]))
    _turn(agent, "Translate 'Anna traf Tom in Paris' into English", "s1")
    assert _turn(agent, "What is the sentiment of it?", "s1")["answer"].results[0].text == "sentiment: neutral"
    results = _turn(agent, "Find the names in the translation", "s1")["answer"].results
    assert [(r.task, r.inputs["text"]) for r in results] == [("token-classification", "Anna met Tom in Paris")]


def test_files_given_earlier_stay_addressable_and_sessions_are_isolated(fake_parts, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # scan.png is not in the current directory
    agent = _agent(fake_parts, planner="offline")
    _turn(agent, "Classify the image scan.png", "s1", [str(fake_parts["image"])])
    again = _turn(agent, "Read the text in scan.png", "s1")
    assert again["answer"].results[0].status == "succeeded"
    assert again["answer"].results[0].inputs["image"] == str(fake_parts["image"].resolve())
    other = _turn(agent, "Read the text in scan.png", "s2")
    assert other["answer"].results[0].status == "failed" and "scan.png" in other["answer"].results[0].error


def test_session_files_go_to_the_session_folder(fake_parts):
    agent = _agent(fake_parts, planner="offline")
    state = _turn(agent, "Read the text in scan.png aloud", "abc", [str(fake_parts["image"])])
    (wav,) = state["answer"].files
    assert Path(wav).parent == (fake_parts["settings"].output_dir / "abc").resolve()


def test_astream_events_carries_stage_events_and_tags(fake_parts):
    agent = _agent(fake_parts, planner="offline")

    async def collect():
        return [e async for e in agent.astream_events(
            {"input": "Read the text in scan.png aloud", "files": [str(fake_parts["image"])]}, version="v2")]

    events = asyncio.run(collect())
    custom = [e["name"] for e in events if e["event"] == "on_custom_event"]
    assert custom[0] == "hugginggpt.plan_ready" and custom[-1] == "hugginggpt.answer_ready"
    assert custom.count("hugginggpt.task_finished") == 2 and custom.count("hugginggpt.model_chosen") == 2
    stage_runs = {e["name"]: e["tags"] for e in events if e["event"] == "on_chain_start"}
    assert "hugginggpt:execute" in stage_runs["execute"]


def test_a_file_named_with_spaces_is_found_in_the_folder_though_not_given(fake_parts, tmp_path, monkeypatch):
    (tmp_path / "small scan.png").write_bytes(b"png")
    monkeypatch.chdir(tmp_path)
    answer = _agent(fake_parts).invoke({"input": "Read the text in small scan.png aloud"})["answer"]
    assert answer.plan.tasks[0].args["image"] == "small scan.png"
    assert [r.status for r in answer.results] == ["succeeded", "succeeded"]
