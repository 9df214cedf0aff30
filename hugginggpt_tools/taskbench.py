"""Benchmarking a planner on TaskBench: plan every request, write predictions, score them.

>>> from hugginggpt_tools.taskbench import load_requests, run_benchmark
>>> from hugginggpt_tools.toolgraph import ToolGraph
>>> graph = ToolGraph.load("tool_desc.json")                     # doctest: +SKIP
>>> result = run_benchmark(OfflinePlanner(graph), load_requests("dev.jsonl"), graph)  # doctest: +SKIP
>>> print(format_scores(result))                                 # doctest: +SKIP

Planners that plan in batches (the offline planner's ``plan_batch``) run batch after batch in a
worker thread; the others (LLM, auto) run concurrently on an asyncio loop, at most
``concurrency`` requests at a time. A request whose plan fails counts as an empty plan; its
error is kept in :attr:`Outcome.error`. Metrics are :mod:`hugginggpt_tools.evaluation`'s.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import HuggingGPTError, InputError
from .evaluation import SPLITS, Counts, Scores, score
from .jsonl import read_jsonl
from .planning.base import Planner
from .schemas import Plan
from .toolgraph import ToolGraph

logger = logging.getLogger(__name__)

_REQUEST_KEYS = ("instruction", "user_request", "request", "input")
_NODE_REF = re.compile(r"<node-(-?\d+)>")


@dataclass
class Outcome:
    """One request's plan (None when planning failed), its error and how long planning took."""

    row: dict[str, Any]
    plan: Plan | None
    seconds: float
    error: str | None = None

    @property
    def id(self) -> Any:
        return self.row.get("id")


@dataclass
class BenchmarkResult:
    """Every request's outcome and prediction, and the scores per split."""

    outcomes: list[Outcome]
    predictions: list[dict[str, Any]]
    scores: dict[str, Scores]
    wall_seconds: float = 0.0
    planner: str = ""

    @property
    def failures(self) -> int:
        return sum(1 for o in self.outcomes if o.plan is None)

    @property
    def all_valid_dags(self) -> bool:
        """Whether every prediction's nodes, in order, form a DAG."""
        return all(is_valid_dag(p) for p in self.predictions)

    @property
    def p50_ms(self) -> float:
        """Median planning time per request, in milliseconds."""
        return statistics.median(o.seconds for o in self.outcomes) * 1000 if self.outcomes else 0.0


def request_text(row: dict[str, Any]) -> str:
    """The request of a TaskBench row (``instruction``; also ``user_request``, ``request``)."""
    for key in _REQUEST_KEYS:
        if isinstance(row.get(key), str):
            return row[key]
    raise InputError(f"Row {row.get('id')!r} has no request text; give it one of the fields {list(_REQUEST_KEYS)}.")


_TASKBENCH_LINE = ('Each line is a JSON object like {"id": "1", "type": "single", "instruction": "Caption photo.jpg", '
                  '"task_nodes": [{"task": "Image-to-Text", "arguments": ["photo.jpg"]}], "task_links": []}, '
                  "as in TaskBench's data.json.")
"""What a line of a TaskBench requests file looks like, said with the error of a line that is not one."""


def load_requests(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a TaskBench JSONL file (``id``, ``type``, ``instruction``, labels), each checked
    to have a request; a row without ``id`` gets its line number. :class:`InputError` naming the
    line of one that is not JSON or not an object, with the line format (:data:`_TASKBENCH_LINE`)."""
    rows = []
    for number, row in read_jsonl(path, fix=_TASKBENCH_LINE):
        if not isinstance(row, dict):
            raise InputError(f"{path}:{number}: expected a JSON object with an 'instruction', got "
                             f"{type(row).__name__}. {_TASKBENCH_LINE}")
        row.setdefault("id", number)
        request_text(row)
        rows.append(row)
    return rows


def _timed(planner: Planner, row: dict[str, Any]) -> Outcome:
    started = time.perf_counter()
    try:
        plan = planner.plan(request_text(row), files=row.get("files", ()))
        return Outcome(row, plan, time.perf_counter() - started)
    except HuggingGPTError as exc:
        return Outcome(row, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")


async def _atimed(planner: Planner, row: dict[str, Any], limit: asyncio.Semaphore) -> Outcome:
    async with limit:
        started = time.perf_counter()
        try:
            plan = await planner.aplan(request_text(row), files=row.get("files", ()))
            return Outcome(row, plan, time.perf_counter() - started)
        except HuggingGPTError as exc:
            return Outcome(row, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")


def _plan_batch(planner: Planner, rows: Sequence[dict[str, Any]]) -> list[Outcome]:
    """One batch: the planner prepares for all its requests at once, then plans each (timed)."""
    prepare = getattr(planner, "prepare", None)
    if callable(prepare):
        prepare([request_text(r) for r in rows])
    return [_timed(planner, r) for r in rows]


async def plan_requests(
    planner: Planner, rows: Sequence[dict[str, Any]], *, concurrency: int = 8, batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Plan every row: in batches in a worker thread for a planner with ``prepare`` (the offline
    planner), else concurrently with at most ``concurrency`` requests in flight."""
    if concurrency < 1 or batch_size < 1:
        raise InputError(f"concurrency ({concurrency}) and batch_size ({batch_size}) must be at least 1.")
    outcomes: list[Outcome] = []
    if callable(getattr(planner, "prepare", None)):
        for start in range(0, len(rows), batch_size):
            outcomes += await asyncio.to_thread(_plan_batch, planner, rows[start:start + batch_size])
            if progress:
                progress(len(outcomes), len(rows))
        return outcomes
    limit = asyncio.Semaphore(concurrency)
    tasks = [asyncio.ensure_future(_atimed(planner, r, limit)) for r in rows]
    for done in asyncio.as_completed(tasks):
        await done
        if progress:
            progress(sum(t.done() for t in tasks), len(rows))
    return [t.result() for t in tasks]


def predictions(outcomes: Iterable[Outcome], graph: ToolGraph) -> list[dict[str, Any]]:
    """One TaskBench prediction per outcome (an empty plan for a failed one)."""
    return [graph.to_taskbench(o.plan or Plan(), o.id) for o in outcomes]


def is_valid_dag(prediction: dict[str, Any]) -> bool:
    """Whether every ``<node-k>`` argument of a prediction uses an earlier node (so the nodes, in
    order, form a DAG)."""
    for index, node in enumerate(prediction.get("task_nodes") or []):
        for argument in node.get("arguments") or []:
            for k in _NODE_REF.findall(str(argument)):
                if not 0 <= int(k) < index:
                    return False
    return True


def output_types(graph: ToolGraph) -> dict[str, str]:
    """Each tool's first output type, as TaskBench names reference arguments."""
    return {t.name: t.output_type for t in graph.tools}


def run_benchmark(
    planner: Planner, rows: Sequence[dict[str, Any]], graph: ToolGraph, *, concurrency: int = 8,
    batch_size: int = 64, progress: Callable[[int, int], None] | None = None,
) -> BenchmarkResult:
    """Plan, predict and score ``rows`` (blocking; use :func:`plan_requests` inside a loop)."""
    started = time.perf_counter()
    outcomes = asyncio.run(plan_requests(planner, rows, concurrency=concurrency, batch_size=batch_size,
                                         progress=progress))
    preds = predictions(outcomes, graph)
    scores = score(rows, {p["id"]: p for p in preds}, output_types(graph))
    return BenchmarkResult(outcomes, preds, scores, time.perf_counter() - started, planner.name)


def write_predictions(result: BenchmarkResult, path: str | Path) -> None:
    """The predictions as JSONL, one line per request (``error`` added for a failed plan)."""
    errors = {o.id: o.error for o in result.outcomes if o.error}
    with Path(path).open("w", encoding="utf-8") as out:
        for pred in result.predictions:
            line = {**pred, "error": errors[pred["id"]]} if pred["id"] in errors else pred
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _cell(counts: Counts, width: int) -> str:
    """An F1 in percent, or "n/a" where neither the labels nor the predictions hold any item (the
    links of single-task requests): no score, rather than a 0 that reads as all wrong."""
    return f"{'n/a' if not counts.tp + counts.fp + counts.fn else f'{counts.f1 * 100:.2f}':>{width}s}"


def format_scores(result: BenchmarkResult) -> str:
    """The scores as a table (F1 in percent), one row per split, then latency and failures."""
    head = f"{'split':8s} {'n':>4s} {'node F1':>8s} {'link F1':>8s} {'arg name F1':>12s} {'arg value F1':>13s}"
    rows = [head]
    for split in SPLITS:
        s = result.scores.get(split)
        if s is None or not s.samples:
            continue
        rows.append(f"{split:8s} {s.samples:4d} {_cell(s.nodes, 8)} {_cell(s.links, 8)} "
                    f"{_cell(s.argument_names, 12)} {_cell(s.argument_values, 13)}")
    rows.append(f"planner {result.planner}: p50 {result.p50_ms:.2f} ms per request, {result.failures} failed plan(s), "
                f"every prediction a DAG: {result.all_valid_dags}, {result.wall_seconds:.1f} s in all")
    return "\n".join(rows)


__all__ = [
    "BenchmarkResult", "Outcome", "format_scores", "is_valid_dag", "load_requests", "output_types", "plan_requests",
    "predictions", "request_text", "run_benchmark", "write_predictions",
]
