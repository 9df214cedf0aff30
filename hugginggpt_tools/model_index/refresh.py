"""``hugginggpt index refresh``: pull model cards from the Hub into the user catalog, resumably.

For each task type, the ``limit`` most downloaded models with that pipeline tag are listed
(one paged request), then each model's README is read and its card appended to
``hub_cards.jsonl`` at once. A state file (``refresh_state.jsonl``: the run's parameters,
then one line per finished model) lets an interrupted refresh (Ctrl-C, a rate limit that
outlasted the retries, a lost connection) resume with the same command, skipping the models
already done. A finished refresh deletes the state file, so the next one fetches fresh
download counts. Merging the cards into the index is :func:`~.user_catalog.merged_index`'s job.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelIndexError
from ..tasks import TASK_TYPES, find_task
from .hub import HubClient, card_from_model_info
from .user_catalog import UserCatalog

logger = logging.getLogger(__name__)

STATE_FILE = "refresh_state.jsonl"


@dataclass
class RefreshResult:
    """What a refresh did, per run."""

    tasks: list[str]
    listed: int = 0
    written: int = 0
    resumed: int = 0
    skipped: list[str] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)


class RefreshState:
    """The resume file: a header line with the run's parameters, then one ``[task, id]`` line per model."""

    def __init__(self, path: Path, params: dict[str, Any]) -> None:
        self.path = path
        self.params = params
        self.done: set[tuple[str, str]] = set()

    @classmethod
    def open(cls, path: Path, params: dict[str, Any]) -> "RefreshState":
        """Resume the state at ``path`` when it was started with ``params``; else start a new one."""
        state = cls(path, params)
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        header = _json_or_none(lines[0]) if lines else None
        if header == {"params": params}:
            state.done = {tuple(item) for item in map(_json_or_none, lines[1:]) if isinstance(item, list) and len(item) == 2}
            logger.info("resuming a refresh: %d models already done", len(state.done))
            return state
        if lines:
            logger.info("an earlier refresh with other parameters was not finished; starting over")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"params": params}) + "\n", encoding="utf-8")
        return state

    def mark(self, task: str, model_id: str) -> None:
        self.done.add((task, model_id))
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps([task, model_id]) + "\n")

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


def _json_or_none(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def refresh_tasks(tasks: Sequence[str] | None) -> list[str]:
    """Task types by registry name (all of them when ``tasks`` is empty); unknown names are refused."""
    if not tasks:
        return list(TASK_TYPES)
    names = []
    for task in tasks:
        found = find_task(task)
        if found is None:
            raise ModelIndexError(f"Unknown task type {task!r} for --task. Use one of: {', '.join(TASK_TYPES)}.")
        names.append(found.name)
    return list(dict.fromkeys(names))


def _progress_bar(total: int, task: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=task, unit="model", file=sys.stderr, disable=not enabled, leave=True)


def refresh_catalog(
    catalog: UserCatalog,
    *,
    tasks: Sequence[str] | None = None,
    limit: int = 100,
    client: HubClient | None = None,
    endpoint: str | None = None,
    token: str | None = None,
    readme: bool = True,
    progress: bool = False,
) -> RefreshResult:
    """Fetch the ``limit`` most downloaded models of each task type into ``catalog``.

    Args:
        catalog: the user catalog that receives the cards (``hub_cards.jsonl``).
        tasks: task types to refresh (default: all of them).
        limit: models per task type, most downloaded first.
        client: a :class:`HubClient` (default: one for ``endpoint`` and ``token``).
        readme: also read each model's README for its description (one request per model).
        progress: show a progress bar per task type on stderr.
    """
    if limit < 1:
        raise ModelIndexError(f"--limit must be at least 1, got {limit}. Try --limit 100.")
    names = refresh_tasks(tasks)
    client = client or HubClient(endpoint, token)
    params = {"endpoint": client.endpoint, "tasks": names, "limit": limit, "readme": readme}
    state = RefreshState.open(catalog.folder / STATE_FILE, params)
    result = RefreshResult(tasks=names)
    for task in names:
        infos = client.list_models(task, limit)
        result.listed += len(infos)
        with _progress_bar(len(infos), task, progress) as bar:
            for info in infos:
                _refresh_one(catalog, client, state, result, task, info, readme)
                bar.update(1)
    catalog.compact_hub()
    state.finish()
    result.waits = list(client.waits)
    return result


def _refresh_one(catalog: UserCatalog, client: HubClient, state: RefreshState, result: RefreshResult,
                 task: str, info: Any, readme: bool) -> None:
    if (task, info.id) in state.done:
        result.resumed += 1
        return
    text = client.readme(info.id) if readme else ""
    card = card_from_model_info(info, text, task)
    if card is None:  # pragma: no cover - task is a registry name
        result.skipped.append(info.id)
    else:
        catalog.append_hub(card)
        result.written += 1
    state.mark(task, info.id)


__all__ = ["STATE_FILE", "RefreshResult", "RefreshState", "refresh_catalog", "refresh_tasks"]
