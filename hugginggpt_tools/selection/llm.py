"""The LLM's choice among each task's ranked candidates.

With an LLM, :func:`achoose_with_llm` asks it once for all tasks that have several candidates
(HuggingGPT's "in-context task-model assignment", batched: JARVIS asks once per task) and keeps
its choices that name a listed candidate (:func:`apply_llm_choices`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ..llms import ainvoke_within, llm_timeout
from ..prompting import render_prompt
from ..schemas import ModelChoice, Plan

logger = logging.getLogger(__name__)

_DESCRIPTION_CHARS = 240


def _choice_payload(choices: list[ModelChoice], plan: Plan) -> list[dict[str, Any]]:
    """The tasks with several candidates, as the LLM sees them."""
    payload = []
    for choice in choices:
        if len(choice.candidates) < 2:
            continue
        task = plan.task(choice.task_id)
        payload.append({
            "task_id": choice.task_id, "task": choice.task,
            "args": {k: str(v) for k, v in task.args.items()},
            "candidates": [{
                "id": c.model_id, "downloads": c.card.downloads, "languages": c.card.languages[:8],
                "score": round(c.score, 3), "description": " ".join(c.card.description.split())[:_DESCRIPTION_CHARS],
            } for c in choice.candidates],
        })
    return payload


def choice_messages(choices: list[ModelChoice], plan: Plan, request: str) -> list[tuple[str, str]] | None:
    """The system and user messages of the batched choice, or None when no task has several candidates."""
    payload = _choice_payload(choices, plan)
    if not payload:
        return None
    example = {str(p["task_id"]): {"id": p["candidates"][0]["id"], "reason": "..."} for p in payload[:1]}
    user = render_prompt("selection_user", request=request, tasks=json.dumps(payload, ensure_ascii=False, indent=1),
                         example=json.dumps(example, ensure_ascii=False))
    return [("system", render_prompt("selection_system")), ("human", user)]


def parse_choice_answer(text: str) -> dict[str, Any] | None:
    """The JSON object in an LLM answer (thinking blocks, code fences, surrounding prose and
    Python-style quoting tolerated, as for plans), or None."""
    from ..planning.parsing import first_json_object

    return first_json_object(text)


def apply_llm_choices(choices: list[ModelChoice], answer: str) -> list[ModelChoice]:
    """``choices`` with the LLM's valid picks applied; invalid or missing picks keep the ranked best.

    Each choice's ``reason`` says what happened: the LLM's reason, or why its answer was not used.
    """
    parsed = parse_choice_answer(answer)
    asked = [c for c in choices if len(c.candidates) >= 2]
    if parsed is None:
        note = f"LLM choice unreadable (expected a JSON object, got {(answer or '')[:80]!r}); kept the ranked best"
        return [_noted(c, note) if c in asked else c for c in choices]
    return [_apply_one(c, parsed.get(str(c.task_id))) if c in asked else c for c in choices]


def _noted(choice: ModelChoice, note: str) -> ModelChoice:
    return choice.model_copy(update={"reason": f"{choice.reason}; {note}"})


def _apply_one(choice: ModelChoice, pick: Any) -> ModelChoice:
    ids = [c.model_id for c in choice.candidates]
    picked = pick.get("id") if isinstance(pick, dict) else pick if isinstance(pick, str) else None
    if picked is None:
        return _noted(choice, "the LLM gave no choice for this task; kept the ranked best")
    if picked not in ids:
        return _noted(choice, f"the LLM chose {picked!r}, which is not a candidate ({', '.join(ids)}); "
                              "kept the ranked best")
    chosen = choice.candidates[ids.index(picked)]
    why = str(pick.get("reason") or "").strip() if isinstance(pick, dict) else ""
    return choice.model_copy(update={
        "model_id": chosen.model_id, "backend": chosen.backend,
        "reason": f"chosen by the LLM (ranked #{ids.index(picked) + 1} of {len(ids)}): {why or 'no reason given'}",
    })


async def achoose_with_llm(choices: list[ModelChoice], plan: Plan, request: str, llm: Any,
                           timeout_s: float | None = None) -> list[ModelChoice]:
    """Let ``llm`` choose among each task's candidates in one call (none when no task has several),
    within ``timeout_s`` (None: ``Settings.llm_timeout_s``); past it, as on any error, the ranked best stay."""
    messages = choice_messages(choices, plan, request)
    if messages is None:
        return choices
    try:
        reply = await ainvoke_within(llm, messages, llm_timeout(timeout_s), what="while choosing the models")
    except Exception as exc:  # noqa: BLE001 - any provider error: keep the ranked choices
        logger.warning("LLM model choice failed: %s", exc)
        return [_noted(c, f"LLM choice failed ({type(exc).__name__}: {exc}); kept the ranked best")
                if len(c.candidates) >= 2 else c for c in choices]
    return apply_llm_choices(choices, _text(reply))


def _text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content)
