"""Which task types can run right now, on which backend, and how to enable the rest.

:func:`availability_matrix` asks each configured backend about the catalog cards of each task
type, exactly as selection does (``Backend.availability``), so the matrix shows what a request
would get now. Each cell is one of:

* available, with the runnable model ids;
* unavailable, with the reason and the fix (install an extra, set an environment variable,
  download a model that a laptop runs, pass a chat model);
* not applicable: the backend has no implementation of the task type.

``hugginggpt doctor`` prints it (``--json`` for machines), with the fixes for the task types nothing
here runs yet; those of types that already run (on a bundled model) are optional upgrades, listed
with ``--upgrades``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .backends.base import ENABLE_FIXES, Backends
from .model_index.ranking import SUGGESTION_POOL, suggestion_key
from .schemas import ModelCard
from .tasks import TASK_TYPES

BACKEND_NAMES: tuple[str, ...] = ("bundled", "transformers", "hf-inference", "llm")
"""The backends the matrix shows, in column order."""

MAX_MODELS = 5


@dataclass
class Cell:
    """One task type on one backend."""

    task: str
    backend: str
    status: str  # "available", "unavailable" or "n/a"
    models: list[str] = field(default_factory=list)
    count: int = 0
    reason: str | None = None
    fix: str | None = None


def supported_tasks() -> dict[str, set[str]]:
    """The task types each backend has an implementation for."""
    from .backends._hf_tasks import HF_TASKS
    from .backends._transformers_tasks import ADAPTERS
    from .backends.bundled import BUNDLED_MODELS
    from .backends.llm import LLM_TEMPLATES

    return {"bundled": {cls.task for cls in BUNDLED_MODELS.values()}, "transformers": set(ADAPTERS),
            "hf-inference": set(HF_TASKS), "llm": set(LLM_TEMPLATES)}


def _fix_of(reason: str) -> str:
    """The fix part of an availability message (``"<problem>; <fix>"``)."""
    return reason.split("; ", 1)[1] if "; " in reason else reason


def cell(task: str, backend_name: str, cards: Sequence[ModelCard], backends: Backends,
         supported: dict[str, set[str]]) -> Cell:
    """The matrix cell of ``task`` on ``backend_name`` given the catalog ``cards`` of that task.

    An unavailable cell's reason and fix are those of the card best to suggest
    (:func:`~hugginggpt_tools.model_index.ranking.suggestion_key` with downloads as the merit):
    the most downloaded one that the ``transformers`` library loads and a laptop runs, not a 6B
    chat model or a fairseq vocoder that happens to have more downloads (among the
    :data:`~hugginggpt_tools.model_index.ranking.SUGGESTION_POOL` most downloaded)."""
    if task not in supported.get(backend_name, set()):
        return Cell(task, backend_name, "n/a", reason=f"the {backend_name} backend does not implement {task}")
    named = sorted((c for c in cards if backend_name in c.backends), key=lambda c: (-c.downloads, c.id))
    if not named:
        return Cell(task, backend_name, "unavailable", reason=f"the catalog has no {backend_name} model for {task}",
                    fix="add a model card for it: hugginggpt models add PATH_OR_ID")
    backend = backends.get(backend_name)
    if backend is None:
        return Cell(task, backend_name, "unavailable", reason=f"the {backend_name} backend is not configured",
                    fix=ENABLE_FIXES.get(backend_name))
    runnable = [c.id for c in named if backend.availability(c) is None]
    if runnable:
        return Cell(task, backend_name, "available", models=runnable[:MAX_MODELS], count=len(runnable))
    suggested = min(named[:SUGGESTION_POOL], key=lambda c: suggestion_key(c, c.downloads))
    reason = backend.availability(suggested) or "unknown"
    return Cell(task, backend_name, "unavailable", reason=reason, fix=_fix_of(reason))


def availability_matrix(
    cards: Iterable[ModelCard], backends: Backends, backend_names: Sequence[str] = BACKEND_NAMES,
) -> list[list[Cell]]:
    """One row per task type of the registry, one cell per backend in ``backend_names``."""
    by_task: dict[str, list[ModelCard]] = {}
    for card in cards:
        by_task.setdefault(card.task, []).append(card)
    supported = supported_tasks()
    return [[cell(task, name, by_task.get(task, []), backends, supported) for name in backend_names]
            for task in TASK_TYPES]


def matrix_json(rows: list[list[Cell]]) -> dict[str, Any]:
    """The matrix as JSON-ready data: per task, per backend, plus the tasks runnable now."""
    tasks = {row[0].task: {c.backend: {k: v for k, v in asdict(c).items() if k not in ("task", "backend")}
                           for c in row} for row in rows}
    runnable = [row[0].task for row in rows if any(c.status == "available" for c in row)]
    return {"backends": [c.backend for c in rows[0]] if rows else [], "tasks": tasks, "runnable_now": runnable}


def _mark(c: Cell) -> str:
    if c.status == "available":
        return f"yes: {c.models[0]}" if c.count == 1 else f"yes ({c.count} models)"
    return "no" if c.status == "unavailable" else "n/a"


def _fix_lines(rows: list[list[Cell]], names: list[str]) -> list[str]:
    """Each fix of the unavailable cells of ``rows`` once, with the cells it applies to, by backend."""
    fixes: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        for c in row:
            if c.status == "unavailable":
                fixes.setdefault((c.backend, c.fix or c.reason or ""), []).append(c.task)
    lines = []
    for (backend, fix), tasks in sorted(fixes.items(), key=lambda item: (names.index(item[0][0]), -len(item[1]))):
        where = tasks[0] if len(tasks) == 1 else f"{len(tasks)} task types"
        lines.append(f"- {backend}, {where}: {fix}")
    return lines


def matrix_text(rows: list[list[Cell]], upgrades: bool = False) -> str:
    """A table of task types x backends, then each fix once with the cells it applies to: first those of
    the task types nothing here runs yet (the fixes a user needs); the fixes of types that already run
    on some backend (a bundled model) are optional upgrades, listed under their own heading with
    ``upgrades``, else counted in one line that says how to list them."""
    names = [c.backend for c in rows[0]] if rows else []
    widths = [max(len("task type"), *(len(r[0].task) for r in rows))]
    widths += [max(len(n), *(len(_mark(r[i])) for r in rows)) for i, n in enumerate(names)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(["task type", *names], widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip([row[0].task, *(_mark(c) for c in row)], widths)))
    running = [row for row in rows if any(c.status == "available" for c in row)]
    missing = [row for row in rows if not any(c.status == "available" for c in row)]
    lines += ["", f"{len(running)} of {len(rows)} task types can run now."]
    needed = _fix_lines(missing, names)
    if needed:
        count = f"the {len(missing)} task types" if len(missing) > 1 else "the task type"
        lines += ["", f"To run {count} nothing here runs yet:", *needed]
    optional = _fix_lines(running, names)
    if optional and upgrades:
        lines += ["", "Optional upgrades: these task types already run here; each fix adds another model for them "
                      "(a larger one, or one of another kind: a captioner beside the bundled text reader):", *optional]
    elif optional:
        types = sum(any(c.status == "unavailable" for c in row) for row in running)
        lines += ["", f"Optional upgrades for the {types} task types that already run here (another model, "
                      f"on another backend): `hugginggpt doctor --upgrades` lists their {len(optional)} fixes."]
    return "\n".join(lines)


__all__ = ["BACKEND_NAMES", "ENABLE_FIXES", "Cell", "availability_matrix", "cell", "matrix_json", "matrix_text",
           "supported_tasks"]
