"""The LLM planner: HuggingGPT's task-planning prompt over any LangChain chat model.

The prompt is spec-based (the task list format, the ``<resource>-K`` convention, the dep rules
and every registered task type with its arguments and modalities, generated from
:data:`~hugginggpt_tools.tasks.TASK_TYPES`), followed by demonstrations and the request with the
conversation so far. Models that support it answer through structured output; others answer in
text, read by :func:`~hugginggpt_tools.planning.parsing.extract_task_list`. An invalid answer is
sent back once with the validation problems (``max_reasks``) before the error is raised; so is an
answer that structured output's parser could not read inside the call (a server that ignores the
JSON schema and answers prose), read by the tolerant parser and re-asked in plain text. Each call
has ``timeout_s`` to answer (``Settings.llm_timeout_s``, ``HUGGINGGPT_LLM_TIMEOUT``), else it raises
:class:`~hugginggpt_tools.errors.LLMTimeoutError` (:func:`~hugginggpt_tools.llms.invoke_within`), which
the auto planner answers with its offline plan.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Sequence

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError

from .. import dag
from ..errors import ConfigError, PlanError
from ..llms import ainvoke_within, invoke_within, llm_timeout, model_name
from ..prompting import render_prompt
from ..schemas import Plan
from ..tasks import TASK_TYPES, TaskType
from ..toolgraph import ToolGraph
from .base import Planner
from .parsing import EXPECTED_FORMAT, as_task_list, extract_task_list, unreadable_answer
from .resources import find_resources

if TYPE_CHECKING:  # annotations only: langchain_core.language_models takes about 0.3 s to import
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

HISTORY_MESSAGES = 10
"""How many of the latest chat-history messages the planning prompt shows."""

_HISTORY_CHARS = 600
_PLANNING = "while planning the request"
_UNREAD = (ValidationError, OutputParserException)
"""What structured output raises inside the call when the model's answer does not parse into a
:class:`TaskList` (OpenAI's client validates the content itself): a malformed answer, not a failed call."""


class PlannedTask(BaseModel):
    """One task of the plan."""

    task: str = Field(description="Task type: one of the listed task type names, e.g. 'image-to-text'.")
    id: int = Field(description="Task id, numbering the tasks from 0 in the order they run.")
    dep: list[int] = Field(description="Ids of the tasks whose outputs this task uses; [-1] when none.")
    args: dict[str, str] = Field(
        description="Arguments by name (as listed for the task type): a file name, a URL, a text, "
        "or '<resource>-K' for the output of task K."
    )


class TaskList(BaseModel):
    """The tasks that fulfil the user's request, in run order; empty when no model is needed."""

    tasks: list[PlannedTask] = Field(description="The tasks, in run order; [] when no task is needed.")


@dataclass
class _Answer:
    """One LLM answer: its text (for the re-ask and errors) and, from structured output, the tasks;
    ``unread`` is the structured-output parser's error when it could not read the answer."""

    text: str
    tasks: list[dict[str, Any]] | None = None
    unread: str | None = None


def task_spec(task: TaskType) -> str:
    """One task type as the prompt lists it: name(arguments) -> outputs: description."""
    args = ", ".join(
        f"{a.name}: {'/'.join(a.modalities)}{'' if a.required else ', optional'}" for a in task.args
    )
    return f"- {task.name}({args}) -> {'/'.join(task.outputs)}: {task.description}"


def task_specs() -> str:
    """Every registered task type, one line each."""
    return "\n".join(task_spec(t) for t in TASK_TYPES.values())


def load_demos() -> list[dict[str, Any]]:
    """The package's demonstrations (``prompts/planning_demos.json``)."""
    path = resources.files("hugginggpt_tools").joinpath("prompts", "planning_demos.json")
    return json.loads(path.read_text("utf-8"))


def _message_text(message: BaseMessage) -> str:
    return " ".join(message.text.split())


def _history_text(chat_history: Sequence[BaseMessage]) -> str:
    lines = []
    for message in list(chat_history)[-HISTORY_MESSAGES:]:
        text = _message_text(message)
        if len(text) > _HISTORY_CHARS:
            text = text[:_HISTORY_CHARS] + "..."
        lines.append(f"{message.type}: {text}")
    return "\n".join(lines) or "(none)"


def _earlier_resources(chat_history: Sequence[BaseMessage]) -> str:
    """Files and URLs mentioned in earlier turns, with their modalities."""
    seen: dict[str, str] = {}
    for message in chat_history:
        for found in find_resources(_message_text(message)):
            if found.kind != "quote":
                seen.setdefault(found.value, found.modality)
    return ", ".join(f"{value} ({modality})" for value, modality in seen.items()) or "(none)"


def request_message(
    request: str, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
) -> HumanMessage:
    """The user message of the planning prompt: conversation, resources, files and request."""
    return HumanMessage(render_prompt(
        "planning_request",
        history=_history_text(chat_history),
        earlier_resources=_earlier_resources(chat_history),
        files=", ".join(files) or "(none)",
        request=request,
    ))


def _demo_messages(demos: Sequence[dict[str, Any]]) -> list[BaseMessage]:
    messages: list[BaseMessage] = []
    for demo in demos:
        messages.append(request_message(demo["request"], demo.get("files", ())))
        messages.append(AIMessage(json.dumps(demo["plan"], ensure_ascii=False)))
    return messages


def _check_demos(demos: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    for k, demo in enumerate(demos):
        if not isinstance(demo, dict) or "request" not in demo or "plan" not in demo:
            raise ConfigError(
                f"Planning demonstration {k} is {demo!r}; each must be a dict with 'request' "
                "(text), 'plan' (a task list) and optionally 'files'."
            )
    return list(demos)


def _shorten(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


class LLMPlanner(Planner):
    """Plans with a chat model, as HuggingGPT's task-planning stage does.

    Args:
        llm: any LangChain chat model.
        demos: demonstrations, each ``{"request", "files", "plan"}``; None uses the package's
            (``prompts/planning_demos.json``), ``[]`` none.
        structured: True or None use ``llm.with_structured_output`` when the model supports it
            (None quietly, True with a warning when it does not); False always parses text.
        max_reasks: how many times an invalid answer is sent back with its problems.
        tools: a tool graph (TaskBench's ``tool_desc.json``) to plan with: the prompt lists its
            tools instead of the registry, the answer may use their names, and the plan is
            checked against the graph's types (:meth:`ToolGraph.conform`).
        timeout_s: seconds each LLM call has to answer before :class:`~hugginggpt_tools.errors.LLMTimeoutError`;
            None reads ``Settings.llm_timeout_s`` (``HUGGINGGPT_LLM_TIMEOUT``).

    ``calls`` counts every LLM invocation this planner made; ``last_call_count`` those of the
    latest :meth:`plan` / :meth:`aplan`.
    """

    def __init__(
        self, llm: BaseChatModel, *, demos: Sequence[dict[str, Any]] | None = None,
        structured: bool | None = None, max_reasks: int = 1, tools: ToolGraph | None = None,
        timeout_s: float | None = None,
    ) -> None:
        if max_reasks < 0:
            raise ConfigError(f"max_reasks must be 0 or more, got {max_reasks}.")
        self.llm = llm
        self.timeout_s = llm_timeout(timeout_s)
        self.tools = tools
        self.demos = _check_demos(load_demos() if demos is None else demos)
        if tools is not None:
            self.demos = [d for d in (_graph_demo(d, tools) for d in self.demos) if d is not None]
        self.max_reasks = max_reasks
        self.name = f"llm:{model_name(llm)}"
        self.calls = 0
        self.last_call_count = 0
        self._structured = self._structured_runnable() if structured is not False else None
        if structured and self._structured is None:
            logger.warning("%s does not support structured output; planning from its text answers.", self.name)

    @property
    def structured(self) -> bool:
        """Whether answers come through structured output."""
        return self._structured is not None

    def _structured_runnable(self) -> Any:
        for kwargs in ({"include_raw": True}, {}):
            try:
                return self.llm.with_structured_output(TaskList, **kwargs)
            except TypeError:
                continue
            except (NotImplementedError, AttributeError, ValueError) as exc:
                logger.debug("No structured output for %s: %s", self.name, exc)
                return None
        return None

    def messages(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> list[BaseMessage]:
        """The planning prompt: system instruction, demonstrations, then the request."""
        specs = self.tools.spec_lines() if self.tools is not None else task_specs()
        system = SystemMessage(render_prompt("planning_system", task_specs=specs))
        return [system, *_demo_messages(self.demos), request_message(request, files, chat_history)]

    def plan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        messages = self.messages(request, files=files, chat_history=chat_history)
        self.last_call_count = 0
        runnable = self._runnable()
        answer = self._call(runnable, messages)
        for _ in range(self.max_reasks):
            try:
                return self._validate(answer, files)
            except PlanError as exc:
                messages = self._with_correction(messages, answer, exc)
            runnable = self.llm if answer.unread is not None else runnable
            answer = self._call(runnable, messages)
        return self._final_validate(answer, files)

    async def aplan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        messages = self.messages(request, files=files, chat_history=chat_history)
        self.last_call_count = 0
        runnable = self._runnable()
        answer = await self._acall(runnable, messages)
        for _ in range(self.max_reasks):
            try:
                return self._validate(answer, files)
            except PlanError as exc:
                messages = self._with_correction(messages, answer, exc)
            runnable = self.llm if answer.unread is not None else runnable
            answer = await self._acall(runnable, messages)
        return self._final_validate(answer, files)

    def _runnable(self) -> Any:
        return self._structured if self._structured is not None else self.llm

    def _count(self) -> None:
        self.calls += 1
        self.last_call_count += 1

    def _call(self, runnable: Any, messages: list[BaseMessage]) -> _Answer:
        """The answer of one call to ``runnable`` (the structured runnable or the chat model); a
        structured answer its parser could not read is a malformed answer (:func:`_unread_answer`)."""
        self._count()
        try:
            output = invoke_within(runnable, messages, self.timeout_s, llm=self.llm, what=_PLANNING)
        except _UNREAD as exc:
            if runnable is self.llm:
                raise
            return _unread_answer(exc, self.name)
        return self._read(output)

    async def _acall(self, runnable: Any, messages: list[BaseMessage]) -> _Answer:
        """:meth:`_call`, awaited."""
        self._count()
        try:
            output = await ainvoke_within(runnable, messages, self.timeout_s, llm=self.llm, what=_PLANNING)
        except _UNREAD as exc:
            if runnable is self.llm:
                raise
            return _unread_answer(exc, self.name)
        return self._read(output)

    def _read(self, output: Any) -> _Answer:
        """The answer in an LLM output: a message, or structured output's raw/parsed dict."""
        if isinstance(output, dict) and "raw" in output:
            return _read_structured(output)
        if isinstance(output, TaskList):
            return _tasks_answer(output)
        if isinstance(output, BaseMessage):
            return _Answer(output.text)
        return _Answer(str(output))

    def _validate(self, answer: _Answer, files: Sequence[str]) -> Plan:
        if answer.tasks is None and not answer.text and answer.unread is not None:
            raise unreadable_answer(answer.unread)
        raw = answer.tasks if answer.tasks is not None else extract_task_list(answer.text)
        if self.tools is None:
            return dag.check_plan(raw, files=files, planner=self.name)
        plan = dag.check_plan(_graph_names(raw, self.tools), files=files, planner=self.name)
        return self.tools.conform(plan, files)

    def _final_validate(self, answer: _Answer, files: Sequence[str]) -> Plan:
        """The last answer's plan, or its error quoting the answer."""
        try:
            return self._validate(answer, files)
        except PlanError as exc:
            raise _final_error(exc, answer.text) from exc

    def _with_correction(
        self, messages: list[BaseMessage], answer: _Answer, error: PlanError
    ) -> list[BaseMessage]:
        """The conversation with the invalid answer and a correction listing its problems."""
        logger.info("Plan from %s rejected, asking again: %s", self.name, error)
        problems = "\n".join(f"- {p}" for p in error.problems)
        correction = render_prompt("planning_correction", problems=problems, expected_format=EXPECTED_FORMAT)
        said = answer.text or ("(an answer that does not fit the task list's JSON schema)" if answer.unread else "(empty answer)")
        return [*messages, AIMessage(said), HumanMessage(correction)]


def _graph_names(raw: Any, tools: ToolGraph) -> Any:
    """The task list with the graph's tool names ("Image Editing") read as registry task types."""
    items = as_task_list(raw) if not isinstance(raw, list) else raw
    if not isinstance(items, list):
        return raw
    renamed = []
    for item in items:
        name = item.get("task") if isinstance(item, dict) else None
        task = tools.task_for(name) if isinstance(name, str) and tools.tool(name) else None
        renamed.append({**item, "task": task} if task else item)
    return renamed


def _graph_demo(demo: dict[str, Any], tools: ToolGraph) -> dict[str, Any] | None:
    """A demonstration with its tasks named as the graph names them; None when it uses a task
    type the graph lacks."""
    plan = dag.check_plan(demo["plan"], files=demo.get("files", ()))
    if any(t.task not in tools.tasks for t in plan.tasks):
        return None
    steps = [{**t.to_hugginggpt(), "task": tools.name_for(t)} for t in plan.tasks]
    return {**demo, "plan": steps}


def _tasks_answer(parsed: TaskList) -> _Answer:
    tasks = [t.model_dump() for t in parsed.tasks]
    return _Answer(json.dumps(tasks, ensure_ascii=False), tasks)


def _read_structured(output: dict[str, Any]) -> _Answer:
    """Structured output's parsed tasks, else the task list in the raw message's tool call or text."""
    parsed, raw = output.get("parsed"), output.get("raw")
    if isinstance(parsed, TaskList):
        return _tasks_answer(parsed)
    if isinstance(parsed, dict) and as_task_list(parsed) is not None:
        tasks = as_task_list(parsed)
        return _Answer(json.dumps(tasks, ensure_ascii=False), tasks)
    for call in getattr(raw, "tool_calls", None) or []:
        tasks = as_task_list(call.get("args"))
        if tasks is not None:
            return _Answer(json.dumps(call.get("args"), ensure_ascii=False), tasks)
    return _Answer(raw.text if isinstance(raw, BaseMessage) else "")


def _unread_answer(error: ValidationError | OutputParserException, planner: str) -> _Answer:
    """The answer structured output's parser rejected with ``error`` inside the call: its text when the
    error holds it (the whole content, for the tolerant parser and the re-ask), with the error."""
    logger.info("%s's structured answer did not parse: %s", planner, " ".join(str(error).split()))
    if isinstance(error, OutputParserException):
        text = error.llm_output if isinstance(error.llm_output, str) else ""
        return _Answer(text, unread=" ".join(str(error).split()))
    whole = [e["input"] for e in error.errors() if not e["loc"]]
    text = whole[0] if whole and isinstance(whole[0], str) else ""
    if whole and not isinstance(whole[0], str):
        text = json.dumps(whole[0], ensure_ascii=False, default=str)
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'the answer'}: {e['msg']}" for e in error.errors()[:5])
    return _Answer(text, unread=problems)


def _final_error(error: PlanError, answer_text: str) -> PlanError:
    """``error`` again, its message quoting the planner's (shortened) answer."""
    message = f"{error} The planner's last answer was: {_shorten(answer_text)!r}"
    try:
        return type(error)(message, error.problems)
    except TypeError:
        return PlanError(message, error.problems)


__all__ = ["LLMPlanner", "PlannedTask", "TaskList", "load_demos", "model_name", "request_message", "task_specs"]
