"""One task-numbering scheme: every text a user reads names a task by its plan id, the number its
result (``task_id``), its stream events and its references carry.

The deterministic answer numbered its task lines and stand-ins from 1 ("1. image-to-text",
"tasks 1, 2 and 3 ran ...") while its results, warnings, failure notes, the executor's skip
reasons and the CLI's ``[task 0]`` lines used the ids, from 0: "2. summarization skipped: ...
task 0 failed" next to "[task 1]" named two tasks by one number.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hugginggpt_tools.cli.run import _progress
from hugginggpt_tools.response import summarize
from hugginggpt_tools.schemas import Plan, Ref, Task, TaskResult

ROOT = Path(__file__).resolve().parents[1]

_ONE = re.compile(r"\btask (\d+) \(([a-z-]+)")  # "task 2 (image-classification, ..." / "task 0 (asr) failed"
_RAN = re.compile(r"\btasks? ([\d, and]+?) ran ([a-z-]+)")  # "tasks 0, 1 and 2 ran image-classification"
_LINE = re.compile(r"^\[task (\d+)\] ([a-z-]+)", re.M)  # the CLI's progress lines


def _named(text: str) -> list[tuple[int, str]]:
    """Each (task number, task type) the text names."""
    found = [(int(n), t) for n, t in _ONE.findall(text)] + [(int(n), t) for n, t in _LINE.findall(text)]
    for numbers, task in _RAN.findall(text):
        found += [(int(n), task) for n in re.findall(r"\d+", numbers)]
    return found


def _check_names(text: str, results: list[TaskResult]) -> None:
    by_id = {r.task_id: r for r in results}
    named = _named(text)
    assert named, text
    for number, task in named:
        assert number in by_id, f"'task {number}' names no result: {text}"
        assert task in (by_id[number].task, by_id[number].stands_in_for), f"task {number} is not {task}: {text}"


def test_answer_lines_stand_ins_and_skips_name_tasks_by_their_ids():
    plan = Plan(tasks=[Task(id=0, task="automatic-speech-recognition", args={"audio": "a.wav"}),
                       Task(id=1, task="summarization", dep=[0], args={"text": Ref(task_id=0)}),
                       Task(id=2, task="image-to-text", args={"image": "b.jpg"})])
    results = [
        TaskResult(task_id=0, task="automatic-speech-recognition", status="failed", error="w: cannot decode a.wav"),
        TaskResult(task_id=1, task="summarization", status="skipped",
                   error="it needs the output of task 0 (automatic-speech-recognition), which failed"),
        TaskResult(task_id=2, task="image-classification", status="succeeded", model_id="cls", backend="bundled",
                   text="tabby cat (0.80)", stands_in_for="image-to-text", error="ocr: found no text in b.jpg"),
    ]
    text = summarize("transcribe a.wav, summarize it and describe b.jpg", plan, [], results)
    assert "task 0 (automatic-speech-recognition) failed: w: cannot decode a.wav" in text
    assert "task 2 (image-classification, standing in for image-to-text) succeeded with cls" in text
    assert "- task 2 ran image-classification for the image-to-text asked for" in text
    assert not re.search(r"^\d+\. ", text, re.M)  # no list numbering of its own
    _check_names(text, results)


@pytest.mark.integration
def test_a_real_run_with_a_failure_a_skip_and_a_stand_in_names_each_task_by_its_id(
        tmp_path, monkeypatch, capsys):
    """Bundled models, offline: the recording cannot be decoded (task 0 fails, task 1 that
    summarizes it is skipped) and the OCR finds no text in the portrait, so the classifier stands
    in for task 2. The answer, the skip reason and the progress lines all say "task 2" for it."""
    from hugginggpt_tools import create_hugginggpt_agent
    from hugginggpt_tools.config import Settings

    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples" / "portrait.jpg", tmp_path / "portrait.jpg")
    (tmp_path / "broken.wav").write_text("not audio at all")
    agent = create_hugginggpt_agent(settings=Settings(output_dir=tmp_path / "out"))
    request = "Transcribe broken.wav and summarize the transcript, then describe portrait.jpg"
    state = {}
    for mode, chunk in agent.stream({"input": request, "files": ["broken.wav", "portrait.jpg"]},
                                    stream_mode=["custom", "values"]):
        if mode == "custom":
            _progress(chunk)
        else:
            state = chunk
    answer, progress = state["answer"], capsys.readouterr().err
    results = answer.results
    assert [(r.task_id, r.status) for r in results] == [(0, "failed"), (1, "skipped"), (2, "succeeded")]
    assert results[2].stands_in_for == "image-to-text" and results[1].error.startswith(
        "it needs the output of task 0 (automatic-speech-recognition)")
    assert "task 0 (automatic-speech-recognition) failed: " in answer.text
    assert "task 1 (summarization) skipped: it needs the output of task 0" in answer.text
    assert "task 2 (image-classification, standing in for image-to-text) succeeded with " in answer.text
    assert "- task 2 ran image-classification for the image-to-text asked for" in answer.text
    assert "[task 2] image-classification succeeded" in progress and "[task 0] automatic-speech-recognition failed" \
        in progress
    _check_names(answer.text, results)
    _check_names(progress, results)
    # the stand-in's reason is said once, in the answer; the progress line points at it
    assert answer.text.count("found no text in portrait.jpg") == 1 and "found no text" not in progress
