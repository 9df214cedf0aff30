"""``HuggingGPTToolkit``: the task tools for any LangChain agent.

>>> from langchain.agents import create_agent
>>> from hugginggpt_tools import HuggingGPTToolkit
>>> tools = HuggingGPTToolkit().get_tools()              # one tool per task type
>>> agent = create_agent(llm, tools=tools)                # doctest: +SKIP

The tools of one toolkit share their settings, backends (so a model loads once), artifact store
(so one tool's output can be the next tool's input by artifact id) and model index.

``get_tools()`` describes each tool by the models that can run it now (an image-to-text tool
whose only model reads text says so and promises no captions). ``runnable_tools()``, or
``HuggingGPTToolkit(runnable_only=True).get_tools()``, leaves out the tools no model can run
now, as ``hugginggpt doctor`` reports them, so an LLM is not offered tools that would only fail.
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.tools import BaseTool, BaseToolkit
from pydantic import ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .errors import ConfigError, HuggingGPTError, ModelIndexError, close_hint
from .tasks import TASK_TYPES, find_task, names_the_type
from .tools import TOOL_CLASSES, HuggingGPTTool
from .tools.base import check_arguments, portable_state, restored_state, share_parts
from .tools.models import wrong_task

logger = logging.getLogger(__name__)


def _task_name(name: str, what: str) -> str:
    """The pipeline tag ``name`` means; a :class:`ConfigError` naming an unknown one, the closest
    known name or alias ("did you mean summarization?" for "summarisation") and the valid names."""
    found = find_task(name)
    if found is None:
        known = [n for t in TASK_TYPES.values() for n in (t.name, *t.aliases)]
        hint = close_hint(name, known)
        raise ConfigError(f"Unknown task type {name!r} in {what}{hint}. Use one of: {', '.join(TASK_TYPES)}.")
    return found.name


def _task_list(value: Any) -> list[str]:
    """``tasks`` as a list of names: a string is one task name or alias; an empty list, or
    anything but names, is a :class:`ConfigError` naming it and the valid names."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(t, str) for t in value):
        raise ConfigError(f"tasks={value!r} is not a list of task type names. Pass e.g. tasks=['image-to-text', 'asr'] "
                          f"(pipeline tags or aliases), or leave tasks out for all 24: {', '.join(TASK_TYPES)}.")
    if not value:
        raise ConfigError("tasks=[] names no task type, so the toolkit would have no tool. Name at least one (e.g. "
                          f"tasks=['asr']), or leave tasks out (None) for all 24: {', '.join(TASK_TYPES)}.")
    return list(value)


def _invalid_message(exc: ValidationError) -> str:
    """Each bad argument of the toolkit, its value and what it must be."""
    problems = [f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}={e.get('input')!r}: {e['msg']}"
                for e in exc.errors()]
    return (f"Invalid HuggingGPTToolkit argument: {'; '.join(problems)}. See help(HuggingGPTToolkit) for what each "
            "argument takes.")


def _by_task(value: dict[str, str], what: str) -> dict[str, str]:
    """``value`` keyed by task type names; two spellings of one type are a :class:`ConfigError`."""
    by_task: dict[str, str] = {}
    for key, item in value.items():
        name = _task_name(key, what)
        if name in by_task:
            raise ConfigError(f"{what} names the task type {name!r} twice ({key!r} and another spelling); "
                              f"give one entry per task type.")
        by_task[name] = item
    return by_task


class HuggingGPTToolkit(BaseToolkit):
    """One :class:`~hugginggpt_tools.tools.HuggingGPTTool` per task type, sharing their parts.

    Args:
        llm: chat model for the llm backend (text tasks by prompting) when ``backends`` is not given.
        settings: runtime settings (default: from the environment).
        index: the model index (default: the shipped index, loaded by ``get_tools`` to describe the tools).
        backends: the backends (default: bundled, transformers, hf-inference; plus llm with ``llm``).
        store: the artifact store (default: a new session under ``settings.output_dir``).
        session_id: names the default store's session folder.
        tasks: task types to make tools for (pipeline tags or aliases; default, None: all 24). One
            string is one task type (``tasks="asr"`` is ``tasks=["asr"]``); an empty list is a
            :class:`~hugginggpt_tools.errors.ConfigError` (a toolkit of no tools is a mistake;
            leave ``tasks`` out for all of them), as is an unknown name, which the message lists
            with the valid ones.
        model_ids: a fixed model per task type, e.g. ``{"automatic-speech-recognition": "bundled/faster-whisper-tiny.en"}``;
            a catalog model of another task type is a :class:`~hugginggpt_tools.errors.ConfigError`.
        needs: what a tool's models are ranked for, per task type, e.g. ``{"text-classification":
            "sentiment analysis"}`` (the tool's ``request``). A task named in ``tasks`` by an alias
            ("language identification") gets that alias as its need, so the text-classification
            tool it makes picks the language identifier, not the sentiment model.
        runnable_only: ``get_tools`` gives only the tools a model can run now (:meth:`runnable_tools`).

    An unknown argument (``task=``) or a value of the wrong kind is a ConfigError naming it.
    ``copy.deepcopy`` gives a toolkit (and tools) sharing the settings, index, backends, store
    and llm, so no model loads twice. Pickling leaves out the backends the toolkit made and its
    tools (made again on first use in the new process) and reopens the artifact store from its
    folder; backends or an index given to it that cannot be pickled (loaded models, an ONNX
    session, a FAISS index) are a TypeError saying to make it without them or in each process.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: Any = None
    settings: Any = None
    index: Any = None
    backends: Any = None
    store: Any = None
    session_id: str | None = None
    tasks: list[str] | None = None
    model_ids: dict[str, str] = Field(default_factory=dict)
    needs: dict[str, str] = Field(default_factory=dict)
    runnable_only: bool = False
    _tools: list[HuggingGPTTool] | None = PrivateAttr(default=None)
    _made: set[str] = PrivateAttr(default_factory=set)

    def __init__(self, **data: Any) -> None:
        """A toolkit of valid parts; :class:`ConfigError` naming a bad value, what it must be and the fix."""
        check_arguments(type(self), data)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ConfigError(_invalid_message(exc)) from exc

    @model_validator(mode="before")
    @classmethod
    def _aliases_are_needs(cls, data: Any) -> Any:
        """``tasks`` as a list (one string is one task name); a task named by an alias ("language
        identification") is also the need its tool ranks models for, unless ``needs`` says
        otherwise for that type (under any of its names)."""
        if not isinstance(data, dict) or data.get("tasks") is None:
            return data
        data = {**data, "tasks": _task_list(data["tasks"])}
        needs = dict(data.get("needs") or {})  # keys are checked and normalised by _known_need_tasks
        given = {found.name for key in needs if isinstance(key, str) and (found := find_task(key)) is not None}
        for name in data["tasks"]:
            found = find_task(name)
            if found is not None and not names_the_type(name, found) and found.name not in given:
                needs[found.name] = name.strip()
                given.add(found.name)
        return {**data, "needs": needs}

    @field_validator("tasks")
    @classmethod
    def _known_tasks(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        names = [_task_name(t, "tasks") for t in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            given = [t for t, n in zip(value, names) if n in twice]
            raise ConfigError(f"tasks {given} name the same task type {twice[0]!r} more than once; a toolkit has "
                              "one tool per task type. Name it once (needs={task: text} says what it is for), or "
                              "make one toolkit per use.")
        return names

    @field_validator("model_ids")
    @classmethod
    def _known_model_tasks(cls, value: dict[str, str]) -> dict[str, str]:
        return _by_task(value, "model_ids")

    @field_validator("needs")
    @classmethod
    def _known_need_tasks(cls, value: dict[str, str]) -> dict[str, str]:
        return _by_task(value, "needs")

    @model_validator(mode="after")
    def _models_serve_their_tasks(self) -> "HuggingGPTToolkit":
        """A model in ``model_ids`` that the catalog knows only for other task types fails here, not on a call."""
        for task, model_id in self.model_ids.items():
            if why := wrong_task(model_id, task, self.index):
                raise ConfigError(f"model_ids[{task!r}]: {why}")
        return self

    def _shared(self) -> dict[str, Any]:
        """Settings, backends and store, made once and shared by every tool."""
        from .artifacts import ArtifactStore
        from .backends import default_backends
        from .config import get_settings

        self.settings = self.settings or get_settings()
        if self.backends is None:
            self.backends = default_backends(self.settings, llm=self.llm)
            self._made.add("backends")
        self.store = self.store or ArtifactStore.open(self.settings, self.session_id)
        return {"settings": self.settings, "backends": self.backends, "store": self.store, "index": self.index}

    def _all_tools(self) -> list[HuggingGPTTool]:
        """Every tool of ``tasks`` (the same instances on every call)."""
        if self._tools is None:
            shared = self._shared()
            names = list(TOOL_CLASSES) if self.tasks is None else self.tasks
            self._tools = [TOOL_CLASSES[n](model_id=self.model_ids.get(n), request=self.needs.get(n, ""), **shared)
                           for n in names]
            for tool in self._tools:
                tool._made.update(self._made)
        return self._tools

    # ------------------------------------------------------------------ copying and pickling

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> "HuggingGPTToolkit":
        """A copy that shares the settings, index, backends, store and llm (loaded models are not
        copied); its tools are copies sharing them too."""
        return super().__deepcopy__(share_parts(self, {} if memo is None else memo))

    def __getstate__(self) -> dict[Any, Any]:
        """The picklable state: the backends the toolkit made are left out and made again on first
        use, and so are its tools; the artifact store travels as its folder and session. Backends or
        an index given to it that cannot be pickled (loaded models, ONNX sessions) are a TypeError
        naming the fix: make the toolkit without them, or make it in each process."""
        state = super().__getstate__()
        fields = portable_state(self, dict(state["__dict__"]), self._made)
        private = {**(state.get("__pydantic_private__") or {}), "_tools": None, "_made": set()}
        return {**state, "__dict__": fields, "__pydantic_private__": private}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__({**state, "__dict__": restored_state(state["__dict__"])})

    def _describe(self, tools: list[HuggingGPTTool] | None = None) -> list[HuggingGPTTool]:
        """The ``tools`` (default: all) a model can run now, after describing each by the models it
        can run now (:meth:`HuggingGPTTool.describe_runnable`). When that cannot be told (the index
        does not load) a tool keeps its task's description and counts as runnable; its calls say
        what failed. Each distinct failure is logged once (a missing index once, not once per
        tool), and once the index fails to load the other tools that would read it are not asked again."""
        tools = self._all_tools() if tools is None else tools
        runnable: list[HuggingGPTTool] = []
        failed: dict[str, list[str]] = {}
        index_error: ModelIndexError | None = None
        for tool in tools:
            try:
                if index_error is not None and tool.model_id is None and tool.index is None:
                    raise index_error
                cards = tool.runnable_cards()
            except HuggingGPTError as exc:
                index_error = exc if isinstance(exc, ModelIndexError) else index_error
                failed.setdefault(str(exc), []).append(tool.name)
                runnable.append(tool)
                continue
            tool.description = tool.describe_runnable(cards)
            if cards:
                runnable.append(tool)
        for reason, names in failed.items():
            which = f"any of the {len(names)} tools" if len(names) == len(tools) > 1 else ", ".join(names)
            logger.warning("cannot tell which models run %s now (%s); describing %s by %s task", which, reason,
                           "it" if len(names) == 1 else "them", "its" if len(names) == 1 else "their")
        return runnable

    def get_tools(self) -> list[BaseTool]:
        """The tools (the same instances on every call), each described by the models that can run
        it now; only those a model can run now with ``runnable_only``."""
        runnable = self._describe()
        if not self.runnable_only:
            return list(self._all_tools())
        kept = {id(t) for t in runnable}
        left_out = [t.name for t in self._all_tools() if id(t) not in kept]
        if left_out:
            logger.info("runnable_only leaves out %d tool(s) no model can run now: %s (`hugginggpt doctor` lists "
                        "the fixes)", len(left_out), ", ".join(left_out))
        return list(runnable)

    def runnable_tools(self) -> list[BaseTool]:
        """The tools a model can run now (checked on each call, as ``hugginggpt doctor`` checks:
        a configured backend can run one of the task's models), each described by those models."""
        return list(self._describe())

    def get_tool(self, task: str) -> HuggingGPTTool:
        """The tool of ``task`` (a pipeline tag, snake_case name or alias), whether or not a model
        can run it now (a call then returns the fix), described as :meth:`get_tools` describes it:
        by the models that can run it now."""
        name = _task_name(task, "get_tool")
        for tool in self._all_tools():
            if tool.task == name:
                self._describe([tool])
                return tool
        raise ConfigError(f"This toolkit has no tool for {name!r}; its tasks are {self.tasks}.")


__all__ = ["HuggingGPTToolkit"]
