"""A model call that outlives its task's time limit cannot be stopped; ``hugginggpt run`` prints the
answer and ends at once instead of waiting for it at exit (a timed-out text-to-speech of a 60 KB
chapter printed its answer at 305 s and the process ran on, burning CPU, until 562 s). A long
text to speak is said up front, and a timeout on a long text names its size and the fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hugginggpt_tools.execution import calls_running, input_size, long_input_note

HANG_S = 30
"""How long the hanging fake model sleeps: the process would wait that long at exit."""

SCRIPT = textwrap.dedent(f"""
    import sys, time
    from fake_embedder import HashEmbedder
    from hugginggpt_tools import pipeline
    from hugginggpt_tools.backends.base import Backends, TaskOutput
    from hugginggpt_tools.cli import main
    from hugginggpt_tools.model_index.index import ModelIndex
    from hugginggpt_tools.testing import FakeBackend, fake_card

    def ocr(inputs, ctx):
        return "WET FLOOR"

    def speak(inputs, ctx):
        art = ctx.save_bytes(b"RIFF-partial", ".wav", "speech", stem="speech")  # a file kept before the hang
        time.sleep({HANG_S})
        return TaskOutput(text="spoke", artifacts=[art])

    tasks = {{"image-to-text": ocr, "text-to-speech": speak}}
    index = ModelIndex.build([fake_card(t) for t in tasks], HashEmbedder())
    pipeline.load_default_index = lambda settings: index
    pipeline.default_backends = lambda settings, llm=None: Backends([FakeBackend(handlers=tasks)])
    sys.argv = ["hugginggpt", *sys.argv[1:]]
    sys.exit(main())
""")


def test_the_process_ends_once_the_answer_is_out_though_a_timed_out_call_still_runs(tmp_path: Path) -> None:
    tests = Path(__file__).parent
    (tmp_path / "sign.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "hang.py").write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), os.environ.get("PYTHONPATH", "")]),
           "HUGGINGGPT_TASK_TIMEOUT": "1", "HUGGINGGPT_TASK_RETRIES": "0"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "hang.py", "run", "read the text in sign.png aloud", "--session", "s",
                           "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_S * 3)
    took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    answer = json.loads(done.stdout)  # the whole answer came out before the process ended
    assert [r["status"] for r in answer["results"]] == ["succeeded", "failed"]
    assert "took longer than 1 s" in answer["results"][1]["error"]
    assert took < HANG_S / 2, f"the process waited {took:.1f} s for the timed-out call"
    session = tmp_path / "hugginggpt_outputs" / "s"
    assert (session / "session.json").is_file()  # written before the process ended
    assert [p.read_bytes() for p in session.glob("speech-*.wav")] == [b"RIFF-partial"]


def test_calls_running_counts_a_call_past_its_time_limit() -> None:
    import asyncio
    import threading

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.execution import Executor
    from hugginggpt_tools.schemas import Plan, Task
    from hugginggpt_tools.testing import FakeBackend, fake_choice

    release = threading.Event()
    backend = FakeBackend(handlers={"summarization": lambda inputs, ctx: release.wait(10) and "done"})
    settings = Settings(task_timeout_s=0.2, task_retries=0)
    executor = Executor(Backends([backend]), ArtifactStore(settings.output_dir), settings)
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "a text"})])
    before = calls_running()
    results = asyncio.run(executor.arun(plan, [fake_choice(0, "summarization")]))
    assert results[0].status == "failed" and calls_running() == before + 1
    release.set()
    deadline = time.monotonic() + 5
    while calls_running() != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls_running() == before


@pytest.mark.parametrize(("words", "size"), [(1999, None), (2000, "2,000 words, about 11 minutes of speech"),
                                              (10875, "10,875 words, about 60 minutes of speech")])
def test_a_timeout_on_a_long_text_names_its_size(words: int, size: str | None) -> None:
    inputs = {"text": "word " * words}
    assert input_size("text-to-speech", inputs) == size
    assert input_size("summarization", inputs) == (None if size is None else f"{words:,} words")


def test_speaking_a_long_text_is_said_up_front_with_the_limit_and_the_fix() -> None:
    assert long_input_note("text-to-speech", {"text": "word " * 1799}, 300) is None  # under 10 minutes
    assert long_input_note("summarization", {"text": "word " * 10875}, 300) is None
    assert long_input_note("text-to-speech", {"text": "word " * 10875}, 300) == (
        "10,875 words to speak, about 60 minutes of speech: this may take minutes, and the task stops after 300 s "
        "(HUGGINGGPT_TASK_TIMEOUT); to be quicker, give a part of the text or its summary")


def test_a_model_that_works_in_steps_stops_at_its_next_step_once_its_time_is_up() -> None:
    """The executor sets ``RunContext.cancelled`` on a timeout; a model checking it between steps
    stops there instead of burning CPU for a result nobody reads."""
    import asyncio

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import Backends, RunContext
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.errors import TaskTimeoutError
    from hugginggpt_tools.execution import Executor
    from hugginggpt_tools.schemas import Plan, Task
    from hugginggpt_tools.testing import FakeBackend, fake_choice

    steps: list[int] = []
    stopped: list[BaseException] = []

    def speak(inputs: dict[str, str], ctx: RunContext) -> str:
        try:
            for step in range(500):  # 10 s of "sentences" unless stopped
                ctx.stop_if_cancelled()
                steps.append(step)
                time.sleep(0.02)
        except TaskTimeoutError as exc:
            stopped.append(exc)
            raise
        return "spoke"

    settings = Settings(task_timeout_s=0.3, task_retries=0)
    executor = Executor(Backends([FakeBackend(handlers={"text-to-speech": speak})]),
                        ArtifactStore(settings.output_dir), settings)
    plan = Plan(tasks=[Task(id=0, task="text-to-speech", args={"text": "a long text"})])
    before = calls_running()
    results = asyncio.run(executor.arun(plan, [fake_choice(0, "text-to-speech")]))
    assert results[0].status == "failed" and "took longer than 0.3 s" in results[0].error
    deadline = time.monotonic() + 3
    while calls_running() != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls_running() == before and len(stopped) == 1 and len(steps) < 100
    assert str(stopped[0]) == "stopped: the task's time limit (HUGGINGGPT_TASK_TIMEOUT) passed"
