"""``hugginggpt bench taskbench`` and the benchmark runner: offline, a fake LLM, and auto."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import taskbench_tool
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from hugginggpt_tools.cli import main
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.planning import LLMPlanner, OfflinePlanner
from hugginggpt_tools.taskbench import is_valid_dag, load_requests, run_benchmark
from hugginggpt_tools.toolgraph import ToolGraph

TOOLS = {"nodes": [
    taskbench_tool(name, inputs, outputs, desc="{name}.")
    for name, inputs, outputs in [
        ("Image-to-Text", ["image"], ["text"]), ("Text-to-Speech", ["text"], ["audio"]),
        ("Translation", ["text"], ["text"]), ("Summarization", ["text"], ["text"]),
        ("Object Detection", ["image"], ["text"]), ("Depth Estimation", ["image"], ["image"]),
        ("Automatic Speech Recognition", ["audio"], ["text"]),
    ]
]}

ROWS = [
    {"id": "s1", "type": "single", "instruction": "Please translate 'Good morning, friends' into Spanish.",
     "task_nodes": [{"task": "Translation", "arguments": ["Good morning, friends"]}], "task_links": []},
    {"id": "c1", "type": "chain", "instruction": "Write a caption for 'beach.jpg' and then read the caption aloud.",
     "task_nodes": [{"task": "Image-to-Text", "arguments": ["beach.jpg"]},
                    {"task": "Text-to-Speech", "arguments": ["<node-0>"]}],
     "task_links": [{"source": "Image-to-Text", "target": "Text-to-Speech"}]},
    {"id": "c2", "type": "chain", "instruction": "Transcribe 'talk.wav', then summarize the transcript.",
     "task_nodes": [{"task": "Automatic Speech Recognition", "arguments": ["talk.wav"]},
                    {"task": "Summarization", "arguments": ["<node-0>"]}],
     "task_links": [{"source": "Automatic Speech Recognition", "target": "Summarization"}]},
    {"id": "d1", "type": "dag", "instruction": "For 'yard.jpg', detect the objects and separately estimate the depth.",
     "task_nodes": [{"task": "Object Detection", "arguments": ["yard.jpg"]},
                    {"task": "Depth Estimation", "arguments": ["yard.jpg"]}], "task_links": []},
]

ANSWERS = {
    "Good morning": [{"task": "Translation", "id": 0, "dep": [-1],
                      "args": {"text": "Good morning, friends", "target_language": "Spanish"}}],
    "beach.jpg": [{"task": "Image-to-Text", "id": 0, "dep": [-1], "args": {"image": "beach.jpg"}},
                  {"task": "Text-to-Speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}],
    "talk.wav": [{"task": "automatic-speech-recognition", "id": 0, "dep": [-1], "args": {"audio": "talk.wav"}},
                 {"task": "summarization", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}}],
}


class KeyedChat(BaseChatModel):
    """A fake chat model answering by a key found in the request; counts calls and concurrency."""

    answers: dict[str, Any]
    delay: float = 0.02
    calls: int = 0
    running: int = 0
    peak: int = 0

    @property
    def _llm_type(self) -> str:
        return "keyed-fake"

    def _answer(self, messages: list[BaseMessage]) -> ChatResult:
        self.calls += 1
        request = messages[-1].text
        reply = next((json.dumps(v) for k, v in self.answers.items() if k in request), "I cannot plan this.")
        return ChatResult(generations=[ChatGeneration(message=AIMessage(reply))])

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return self._answer(messages)

    async def _agenerate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                         **kwargs: Any) -> ChatResult:
        self.running += 1
        self.peak = max(self.peak, self.running)
        await asyncio.sleep(self.delay)
        self.running -= 1
        return self._answer(messages)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    data, tools = tmp_path / "small.jsonl", tmp_path / "tool_desc.json"
    data.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n")
    tools.write_text(json.dumps(TOOLS))
    return {"data": data, "tools": tools, "out": tmp_path / "pred.jsonl"}


def bench(files: dict[str, Path], *extra: str) -> int:
    return main(["bench", "taskbench", "--data", str(files["data"]), "--tools", str(files["tools"]),
                 "--predictions", str(files["out"]), "--quiet", *extra])


def predictions(files: dict[str, Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in files["out"].read_text().splitlines()]


def test_offline_bench_writes_taskbench_predictions_and_prints_every_split(
        files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert bench(files, "--no-semantic") == 0
    out = capsys.readouterr().out
    for split in ("overall", "single", "chain", "dag"):
        assert f"\n{split} " in "\n" + out
    preds = predictions(files)
    assert [p["id"] for p in preds] == ["s1", "c1", "c2", "d1"]
    assert preds[1]["task_nodes"] == ROWS[1]["task_nodes"]
    assert preds[1]["task_links"] == ROWS[1]["task_links"]
    assert preds[3]["task_nodes"] == ROWS[3]["task_nodes"]
    assert "planner offline" in out and "every prediction a DAG: True" in out
    # single-task requests have no links to score: n/a, not a 0.00 that reads as all wrong
    single = next(line for line in out.splitlines() if line.startswith("single "))
    assert single.split()[3] == "n/a", single


def test_offline_bench_json_scores(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert bench(files, "--no-semantic", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["failures"] == 0 and report["planner"] == "offline"
    assert report["scores"]["overall"]["node_f1"] == pytest.approx(1.0)
    assert report["scores"]["chain"]["link_f1"] == pytest.approx(1.0)
    assert report["scores"]["overall"]["argument_value_f1"] == pytest.approx(1.0)


def test_llm_bench_runs_concurrently_and_counts_a_failed_plan_as_empty(
        files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = KeyedChat(answers=ANSWERS)
    monkeypatch.setattr("hugginggpt_tools.cli.bench.load_llm", lambda spec: fake)
    assert bench(files, "--llm", "fake:model", "--concurrency", "4", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    preds = {p["id"]: p for p in predictions(files)}
    assert fake.peak > 1
    assert report["failures"] == 1 and preds["d1"]["task_nodes"] == [] and "error" in preds["d1"]
    assert fake.calls == 3 + 2  # d1 is asked twice (one re-ask with the problems)
    assert preds["c2"]["task_nodes"] == ROWS[2]["task_nodes"]
    assert report["scores"]["chain"]["node_f1"] == pytest.approx(1.0)
    assert report["scores"]["dag"]["node_f1"] == 0.0


def test_auto_bench_asks_the_llm_only_when_the_offline_plan_is_unsure(
        files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = KeyedChat(answers=ANSWERS)
    monkeypatch.setattr("hugginggpt_tools.cli.bench.load_llm", lambda spec: fake)
    assert bench(files, "--llm", "fake:model", "--planner", "auto", "--threshold", "0.5", "--no-semantic") == 0
    assert fake.calls == 0
    assert predictions(files)[2]["task_nodes"] == ROWS[2]["task_nodes"]
    assert bench(files, "--llm", "fake:model", "--planner", "auto", "--threshold", "1.0", "--no-semantic") == 0
    assert fake.calls >= 3


def test_bench_without_an_llm_for_the_llm_planner_is_a_usage_error(
        files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert bench(files, "--planner", "llm") == 2
    assert "needs --llm" in capsys.readouterr().err


def test_offline_planner_runs_in_batches(files: dict[str, Path]) -> None:
    graph = ToolGraph.load(files["tools"])
    planner = OfflinePlanner(graph, matcher=False)
    seen: list[int] = []
    original = planner.prepare
    planner.prepare = lambda requests: (seen.append(len(requests)), original(requests))[1]  # type: ignore[method-assign]
    result = run_benchmark(planner, load_requests(files["data"]), graph, batch_size=3)
    assert seen == [3, 1]
    assert result.failures == 0 and result.all_valid_dags and result.p50_ms > 0


def test_llm_planner_with_a_graph_plans_in_the_graphs_names(files: dict[str, Path]) -> None:
    graph = ToolGraph.load(files["tools"])
    planner = LLMPlanner(KeyedChat(answers=ANSWERS), tools=graph)
    assert "- Automatic Speech Recognition(audio: audio) -> text: Automatic Speech Recognition." in \
        planner.messages("x")[0].text
    result = run_benchmark(planner, load_requests(files["data"])[:2], graph)
    assert [n["task"] for n in result.predictions[1]["task_nodes"]] == ["Image-to-Text", "Text-to-Speech"]


def test_load_requests_checks_each_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"instruction": "Summarize \'x\'"}\n\n')
    assert load_requests(path) == [{"instruction": "Summarize 'x'", "id": 1}]
    path.write_text('{"instruction": "ok"}\n{broken\n')
    with pytest.raises(InputError, match="rows.jsonl:2"):
        load_requests(path)
    path.write_text('{"id": 7, "text": "no request field"}\n')
    with pytest.raises(InputError, match="no request text"):
        load_requests(path)


def test_is_valid_dag_needs_references_to_earlier_nodes() -> None:
    assert is_valid_dag({"task_nodes": [{"task": "A", "arguments": ["x"]}, {"task": "B", "arguments": ["<node-0>"]}]})
    assert not is_valid_dag({"task_nodes": [{"task": "A", "arguments": ["<node-1>"]}, {"task": "B", "arguments": []}]})
    assert not is_valid_dag({"task_nodes": [{"task": "A", "arguments": ["<node-0>"]}]})


def test_offline_bench_without_the_node_model_plans_with_the_rules_alone(
        files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools.planning import offline

    built: list[Any] = []
    real = offline.OfflinePlanner.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        built.append(self.node_model)

    monkeypatch.setattr(offline.OfflinePlanner, "__init__", spy)
    assert bench(files, "--no-semantic", "--no-node-model", "--json") == 0
    assert built == [None]
    assert json.loads(capsys.readouterr().out)["scores"]["overall"]["node_f1"] == pytest.approx(1.0)
    assert bench(files, "--no-semantic", "--json") == 0
    assert built[-1] is not None and not built[-1].uses_embedding
