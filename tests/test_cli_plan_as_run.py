"""``hugginggpt run`` says the plan as it runs when selection changed its tasks' ids: the ``[plan]`` line
"0:document-question-answering, 1:summarization" is followed by tasks 0 to 2 running (OCR, then question
answering, then the summary), so a "[select] plan as run" line gives the new ids; a stand-in in its
task's place (same ids) adds no line."""

from __future__ import annotations

import asyncio
from typing import Any

from hugginggpt_tools.cli.run import _run_agent
from hugginggpt_tools.schemas import ModelChoice, Plan, Ref, Task


class _Agent:
    """Streams the state after planning, after selection and after execution, as the LangGraph agent does."""

    def __init__(self, *chunks: dict[str, Any]) -> None:
        self.chunks = chunks

    async def astream(self, payload: Any, config: Any, stream_mode: Any):
        for chunk in self.chunks:
            yield "values", chunk


def _choice(task_id: int, task: str, stands_in_for: str | None = None) -> ModelChoice:
    return ModelChoice(task_id=task_id, task=task, model_id=f"bundled/{task}", backend="bundled", reason="r",
                       stands_in_for=stands_in_for)


def _stderr(planned: Plan, run: Plan, choices: list[ModelChoice], capsys: Any, quiet: bool = False) -> str:
    after = {"plan": run, "files": [], "choices": choices}
    agent = _Agent({"plan": planned, "files": []}, after, {**after, "results": []})
    asyncio.run(_run_agent(agent, {}, quiet))
    return capsys.readouterr().err


def test_a_spliced_stand_in_prints_the_plan_as_run(tmp_path, capsys):
    scan = str(tmp_path / "scan.png")
    (tmp_path / "scan.png").write_bytes(b"")
    planned = Plan(tasks=[
        Task(id=0, task="document-question-answering", args={"image": scan, "text": "What is the total?"}),
        Task(id=1, task="summarization", dep=[0], args={"text": Ref(task_id=0)})])
    run = Plan(tasks=[
        Task(id=0, task="image-to-text", args={"image": scan}),
        Task(id=1, task="question-answering", dep=[0], args={"text": "What is the total?", "context": Ref(task_id=0)}),
        Task(id=2, task="summarization", dep=[1], args={"text": Ref(task_id=1)})])
    choices = [_choice(0, "image-to-text", "document-question-answering"),
               _choice(1, "question-answering", "document-question-answering"), _choice(2, "summarization")]
    err = _stderr(planned, run, choices, capsys)
    assert err.strip() == ("[select] plan as run: 0:image-to-text, 1:question-answering, 2:summarization "
                           "(tasks 0 and 1 stand in for document-question-answering)")
    assert _stderr(planned, run, choices, capsys, quiet=True) == ""


def test_a_stand_in_in_its_tasks_place_adds_no_line(tmp_path, capsys):
    photo = str(tmp_path / "p.jpg")
    (tmp_path / "p.jpg").write_bytes(b"")
    planned = Plan(tasks=[Task(id=0, task="visual-question-answering", args={"image": photo, "text": "how many?"})])
    run = Plan(tasks=[Task(id=0, task="object-detection", args={"image": photo})])
    assert _stderr(planned, run, [_choice(0, "object-detection", "visual-question-answering")], capsys) == ""
