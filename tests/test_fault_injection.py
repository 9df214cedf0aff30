"""Fault injection: 100 random plans with random failures, each property checked.

Every task of a random DAG gets 1 to 4 ranked fake models, each of which works, fails for good,
fails transiently a few times first (HTTP 503-like), or is too slow for the task time limit. An
oracle written from the rules (not from the executor) says what must happen; the test checks:

* timeouts: a too-slow model is cut off at the task time limit and the next one is tried;
* retries: a transient failure is retried on the same model with growing delays, up to
  ``Settings.task_retries`` times;
* fallback: the models are tried in rank order (at most three), the first that works wins;
* nothing lost: every task whose inputs succeeded runs, each success keeps its exact output
  (built from its inputs, so a lost or mixed-up hand-off shows), one result per task;
* the answer says which tasks failed and why, with and without an LLM writing it.
"""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.dag import check_plan
from hugginggpt_tools.execution import MAX_ATTEMPTS, Executor
from hugginggpt_tools.response import Responder, summarize
from hugginggpt_tools.schemas import Plan, TaskResult
from hugginggpt_tools.testing import FakeBackend, fake_choice, scripted_chat_model

TIMEOUT_S = 0.4
SLOW_S = 2.0
RETRIES = 2
BEHAVIOURS = ("ok", "ok", "fail", "flaky", "flaky", "slow")


@dataclass
class Model:
    """A fake model and how it behaves: ok, fail, flaky (``transient`` failures first) or slow."""

    id: str
    kind: str
    transient: int = 0


@dataclass
class Expected:
    status: str
    model: str | None = None
    attempts: tuple[str, ...] = ()
    text: str | None = None


def random_case(seed: int) -> tuple[list[dict[str, Any]], dict[int, list[Model]]]:
    """A random DAG of text tasks (HuggingGPT format) and the ranked models of each task."""
    rng = random.Random(seed)
    n = rng.randint(1, 7)
    tasks, models = [], {}
    for i in range(n):
        uses = sorted(rng.sample(range(i), rng.randint(0, min(i, 2)))) if i else []
        text = " + ".join(f"<resource>-{u}" for u in uses) or f"input {i}"
        tasks.append({"task": "summarization", "id": i, "dep": uses or [-1], "args": {"text": text}})
        models[i] = [Model(f"m{i}-{k}", kind := rng.choice(BEHAVIOURS), rng.randint(1, 3) if kind == "flaky" else 0)
                     for k in range(rng.randint(1, 4))]
    return tasks, models


def oracle(plan: Plan, models: dict[int, list[Model]]) -> dict[int, Expected]:
    """What must happen, from the rules alone."""
    out: dict[int, Expected] = {}
    for task in plan.tasks:
        if any(out[r].status != "succeeded" for r in task.references()):
            out[task.id] = Expected("skipped")
            continue
        tried: list[str] = []
        for model in models[task.id][:MAX_ATTEMPTS]:
            tried.append(model.id)
            if model.kind == "ok" or (model.kind == "flaky" and model.transient <= RETRIES):
                text = raw_text(task.args["text"], out)
                out[task.id] = Expected("succeeded", model.id, tuple(tried), f"<{task.id}:{model.id}:{text}>")
                break
        else:
            out[task.id] = Expected("failed", attempts=tuple(tried))
    return out


def raw_text(arg: Any, out: dict[int, Expected]) -> str:
    """The text argument with each reference replaced by the producer's expected output."""
    parts = getattr(arg, "parts", [arg])
    return "".join(out[p.task_id].text if hasattr(p, "task_id") else p for p in parts)


def expected_calls(model: Model) -> int:
    return {"ok": 1, "fail": 1, "slow": 1, "flaky": min(model.transient, RETRIES) + 1}[model.kind]


def run(executor: Executor, plan: Plan, choices: list) -> list[TaskResult]:
    """The plan on a roomy thread pool, so cut-off slow calls cannot starve the next ones; the
    loop closes without waiting for them (they end on their own)."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=64))
    try:
        return loop.run_until_complete(executor.arun(plan, choices))
    finally:
        loop.close()


@pytest.mark.parametrize("seed", range(100))
def test_random_plans_with_random_failures(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, models = random_case(seed)
    plan = check_plan(raw)
    everyone = [m for ms in models.values() for m in ms]
    backend = NamingBackend(
        handlers={"summarization": lambda i, c: f"<{c.task_id}:{i['model']}:{i['text']}>"},
        failing={m.id for m in everyone if m.kind == "fail"},
        flaky={m.id: m.transient for m in everyone if m.kind == "flaky"},
        delays={m.id: SLOW_S for m in everyone if m.kind == "slow"},
    )
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(delay: float, *args: Any) -> Any:
        sleeps.append(delay)
        return await real_sleep(0)

    monkeypatch.setattr("hugginggpt_tools.execution.asyncio.sleep", recorded_sleep)
    settings = Settings(output_dir=tmp_path, task_timeout_s=TIMEOUT_S, task_retries=RETRIES, retry_backoff_s=0.2)
    executor = Executor(Backends([backend]), ArtifactStore(tmp_path, "s"), settings)
    choices = [fake_choice(t, "summarization", [m.id for m in models[t]]) for t in models]
    results = run(executor, plan, choices)
    expected = oracle(plan, models)

    assert [r.task_id for r in results] == [t.id for t in plan.tasks]  # one result per task, in plan order
    for r in results:
        want = expected[r.task_id]
        assert r.status == want.status, (r, want)
        if want.status == "skipped":
            blocked = [d for d in plan.tasks[r.task_id].references() if expected[d].status != "succeeded"]
            assert r.error and r.error.startswith("it needs the output") and not backend_calls(backend, r)
            assert all(f"task {d} (summarization), which " in r.error for d in blocked)
            continue
        assert tuple(r.attempts) == want.attempts  # fallback in rank order, at most MAX_ATTEMPTS
        if want.status == "succeeded":
            assert (r.model_id, r.text, r.error) == (want.model, want.text, None)  # nothing lost or mixed up
        else:
            assert r.error and all(f"{m}: " in r.error for m in want.attempts)
        tried = [m for m in models[r.task_id] if m.id in want.attempts]
        for model in tried:
            assert backend.calls_of(model.id) == expected_calls(model), model  # retried, and no more
        _check_timeouts(r, tried, backend)
        if r.status == "failed":
            for model in (m for m in tried if m.kind == "flaky"):
                assert f"{model.id}: {model.id} is overloaded (HTTP 503" in r.error and \
                    f"still failing after {RETRIES} retries" in r.error
    tried_flaky = [m for r in results for m in models[r.task_id] if m.kind == "flaky" and m.id in r.attempts]
    assert len(sleeps) == sum(min(m.transient, RETRIES) for m in tried_flaky)
    _check_backoff(sleeps)
    _check_answers(plan, choices, results)


class NamingBackend(FakeBackend):
    """A FakeBackend whose handlers also get the running model's id (``inputs["model"]``)."""

    def run(self, card: Any, task: str, inputs: dict[str, str], ctx: Any) -> Any:
        return super().run(card, task, {**inputs, "model": card.id}, ctx)


def backend_calls(backend: FakeBackend, result: TaskResult) -> list:
    return [c for c in backend.calls if c.model_id.startswith(f"m{result.task_id}-")]


def _check_timeouts(result: TaskResult, tried: list[Model], backend: FakeBackend) -> None:
    """A slow model is cut off at the time limit: the next try starts long before it would end."""
    calls = sorted((c for c in backend.calls if c.model_id in {m.id for m in tried}), key=lambda c: c.started)
    for before, after in zip(calls, calls[1:]):
        if next(m for m in tried if m.id == before.model_id).kind == "slow":
            assert after.started - before.started < SLOW_S / 2
    if result.status == "failed":
        for model in (m for m in tried if m.kind == "slow"):
            assert f"{model.id}: took longer than {TIMEOUT_S:g} s (the limit per model, HUGGINGGPT_TASK_TIMEOUT)" \
                in result.error


def _check_backoff(sleeps: list[float]) -> None:
    """Retry delays are 0.2 s then 0.4 s (doubling) plus at most 10% jitter."""
    for delay in sleeps:
        assert any(base <= delay <= base * 1.1 + 1e-9 for base in (0.2, 0.4)), sleeps


def _check_answers(plan: Plan, choices: list, results: list[TaskResult]) -> None:
    """Both answers name every task that did not succeed, with its reason."""
    plain = summarize("do it", plan, choices, results)
    llm_text = asyncio.run(Responder(scripted_chat_model(["All done, everything worked!"])).arespond(
        "do it", plan, choices, results))
    for r in results:
        if r.status == "succeeded":
            assert r.text in plain
            continue
        assert f"task {r.task_id} (summarization) {r.status}: {r.error}" in plain  # named by its id, as with an LLM
        assert f"task {r.task_id} (summarization) {r.status}: {r.error}" in llm_text
    if all(r.status == "succeeded" for r in results):
        assert llm_text == "All done, everything worked!"


def test_the_random_plans_exercise_every_behaviour() -> None:
    kinds, statuses = set(), set()
    for seed in range(100):
        raw, models = random_case(seed)
        kinds |= {(m.kind, m.transient > RETRIES) for ms in models.values() for m in ms}
        statuses |= {e.status for e in oracle(check_plan(raw), models).values()}
    assert {("ok", False), ("fail", False), ("slow", False), ("flaky", False), ("flaky", True)} <= kinds
    assert statuses == {"succeeded", "failed", "skipped"}
