"""A model that fails names itself once: the executor puts the model id in front of the backend's
message, so the backends' own messages do not repeat it ("x: 'x' failed on task ..." read twice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends import transformers as transformers_module
from hugginggpt_tools.backends._transformers_tasks import ADAPTERS, TaskAdapter
from hugginggpt_tools.backends.base import Backends, RunContext, TaskOutput
from hugginggpt_tools.backends.bundled import BUNDLED_MODELS, BundledBackend, BundledModel
from hugginggpt_tools.backends.transformers import TransformersBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.schemas import Candidate, ModelCard, ModelChoice, Plan, Task


class _Crashing(BundledModel):
    model_id, task, packages = "bundled/crashing", "text-classification", ()

    def load(self) -> None:
        pass

    def predict(self, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        raise RuntimeError("kaput")


def _failure(backend, card: ModelCard, tmp_path: Path) -> str:
    plan = Plan(tasks=[Task(id=0, task=card.task, args={"text": "hello"})])
    choice = ModelChoice(task_id=0, task=card.task, model_id=card.id, backend=backend.name,
                         candidates=[Candidate(model_id=card.id, backend=backend.name, score=1.0, card=card)])
    executor = Executor(Backends([backend]), ArtifactStore(tmp_path / "out"), Settings(output_dir=tmp_path / "out"))
    (result,) = executor.run(plan, [choice])
    assert result.status == "failed"
    return result.error


def test_a_bundled_model_that_fails_is_named_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(BUNDLED_MODELS, _Crashing.model_id, _Crashing)
    card = ModelCard(id=_Crashing.model_id, task=_Crashing.task, backends=["bundled"])
    error = _failure(BundledBackend(), card, tmp_path)
    assert error == "bundled/crashing: failed on task 'text-classification': RuntimeError: kaput"
    unknown = ModelCard(id="bundled/absent", task="text-classification", backends=["bundled"])
    error = _failure(BundledBackend(), unknown, tmp_path)
    assert error.startswith("bundled/absent: cannot run on the bundled backend: no bundled model 'bundled/absent'")
    assert error.count("bundled/absent") == 2  # once in front, once in the reason that lists the bundled models


def test_a_transformers_model_that_fails_is_named_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def crash(runner, inputs, ctx, options):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setitem(ADAPTERS, "text-classification", TaskAdapter("text-classification", crash))
    monkeypatch.setattr(transformers_module, "local_model_dir", lambda card, settings: tmp_path)
    monkeypatch.setattr(TransformersBackend, "_runner", lambda self, card, task, kind, path: object())
    card = ModelCard(id="org/tiny-bert", task="text-classification", backends=["transformers"])
    error = _failure(TransformersBackend(Settings(num_threads=1)), card, tmp_path)
    assert error == "org/tiny-bert: failed on task 'text-classification': RuntimeError: CUDA out of memory"
