"""The task tool: one HuggingGPT task type as a LangChain tool.

A :class:`HuggingGPTTool` runs its task type the way the pipeline runs a one-task plan: it
picks a model (the injected ``model_id``, else the best runnable candidate from the model index
by :func:`~hugginggpt_tools.selection.select_models`), runs it through the
:class:`~hugginggpt_tools.execution.Executor` (worker thread, time limit, fallback to the next
candidate), and returns ``(content, artifact)``: a short text for the LLM and the full
:class:`~hugginggpt_tools.schemas.TaskResult` (structured output, model, files, timings).

Everything the LLM must not choose is injected in the constructor: the model id, the model
index, the backends, the artifact store and the settings. A model id the catalog knows only for
another task type is a :class:`~hugginggpt_tools.errors.ConfigError` there
(:func:`~hugginggpt_tools.tools.models.wrong_task`).

Like a ``@tool`` function, a tool with one required argument takes a plain string for it
(``tool.invoke("The cat sat.")``); :meth:`HuggingGPTTool.availability` and
:meth:`HuggingGPTTool.runnable_cards` say whether and on which models it can run now, and
:meth:`HuggingGPTTool.describe_runnable` describes it by them.
"""

from __future__ import annotations

import asyncio
import pickle
import threading
from pathlib import Path
from typing import Any, Literal, NamedTuple

from langchain_core.tools import BaseTool, ToolException
from pydantic import BaseModel, Field, PrivateAttr, model_validator

from ..errors import ConfigError, HuggingGPTError, unknown_names
from ..schemas import Candidate, ModelCard, ModelChoice, Plan, Task, TaskResult
from ..tasks import TASK_TYPES, TaskType, get_task
from .models import runnable_description, wrong_task
from .schemas import REQUEST_ARG, is_file_arg
from .shared_ids import adopt, remember

MAX_CONTENT_CHARS = 2000
"""Longest text result put into the tool message (the artifact keeps the whole result)."""


class HuggingGPTTool(BaseTool):
    """Runs one task type on a model chosen from the model index (or the injected ``model_id``).

    Args:
        task: the task type (pipeline tag); set by each generated subclass.
        model_id: run this model instead of selecting one (a catalog id, a local model folder,
            a Hub id for transformers or hf-inference, or ``controller-llm``); a catalog model of
            another task type is a :class:`~hugginggpt_tools.errors.ConfigError`.
        settings: runtime settings (default: from the environment).
        index: the model index (default: the shipped index, loaded on first use).
        backends: the backends (default: bundled, transformers, hf-inference; plus llm with ``llm``).
        store: where files go and where artifact ids are looked up (default: a new session
            under ``settings.output_dir``).
        llm: chat model for the llm backend when ``backends`` is not given.
        request: optional text describing the need, used with the arguments to rank models (the
            toolkit's ``needs``). The tools of :data:`~.schemas.ASKED_EXAMPLES` (text-classification,
            audio-classification, ...) also take a ``request`` argument on each call, what the LLM
            wants to know ("which language"), which is read before this one.

    ``tool.invoke(args)`` returns the content (:func:`tool_content`: the text, the files, the
    model line); invoked with a tool call it returns a ToolMessage whose ``artifact`` is the
    :class:`~hugginggpt_tools.schemas.TaskResult`. A failure does not raise (``handle_tool_error``
    is True, as agents need): a tool call gets ``ToolMessage(status="error")``, a plain invoke the
    error text alone; set ``handle_tool_error = False`` to have a plain invoke raise ToolException.
    ``copy.deepcopy`` shares the injected parts; pickling leaves out the backends and index the
    tool loaded itself (loaded again on first use) and reopens the store from its folder.
    """

    task: str
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"
    handle_tool_error: Any = True
    handle_validation_error: Any = Field(default_factory=lambda: validation_message)
    model_id: str | None = Field(default=None, description="Injected model id (not an LLM argument).")
    settings: Any = Field(default=None, exclude=True)
    index: Any = Field(default=None, exclude=True)
    backends: Any = Field(default=None, exclude=True)
    store: Any = Field(default=None, exclude=True)
    llm: Any = Field(default=None, exclude=True)
    request: str = ""
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _made: set[str] = PrivateAttr(default_factory=set)

    @model_validator(mode="before")
    @classmethod
    def _known_arguments(cls, data: Any) -> Any:
        """An argument that is no field (``modelid=``) is a ConfigError naming the closest one."""
        if isinstance(data, dict):
            check_arguments(cls, data)
        return data

    @model_validator(mode="after")
    def _model_serves_the_task(self) -> "HuggingGPTTool":
        """A ``model_id`` the catalog (or the injected index) knows only for other task types fails here."""
        if self.model_id is not None and (why := wrong_task(self.model_id, self.task, self.index)):
            raise ConfigError(f"{self.name}: {why}")
        return self

    @property
    def task_type(self) -> TaskType:
        return get_task(self.task)

    # ------------------------------------------------------------------ injected parts, lazily

    def get_settings(self) -> Any:
        from ..config import get_settings

        with self._lock:
            if self.settings is None:
                self.settings = get_settings()
            return self.settings

    def get_backends(self) -> Any:
        from ..backends import default_backends

        settings = self.get_settings()
        with self._lock:
            if self.backends is None:
                self.backends = default_backends(settings, llm=self.llm)
                self._made.add("backends")
            return self.backends

    def get_store(self) -> Any:
        from ..artifacts import ArtifactStore

        settings = self.get_settings()
        with self._lock:
            if self.store is None:
                self.store = ArtifactStore.open(settings)
            return self.store

    def get_index(self) -> Any:
        from ..model_index.index import load_default_index

        settings = self.get_settings()
        with self._lock:
            if self.index is None:
                self.index = load_default_index(settings)
                self._made.add("index")
            return self.index

    # ------------------------------------------------------------------ copying and pickling

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> "HuggingGPTTool":
        """A copy with its own lock that shares the injected parts (settings, index, backends,
        store, llm), so loaded models are not copied (LangChain copies tools when binding them)."""
        memo = share_parts(self, {} if memo is None else memo)
        memo[id(self._lock)] = threading.Lock()
        return super().__deepcopy__(memo)

    def __getstate__(self) -> dict[Any, Any]:
        """The picklable state (:func:`portable_state`): the backends and model index the tool
        loaded itself are left out and load again on first use; the artifact store travels as its
        folder and session; a generated args schema as its class's default."""
        state = super().__getstate__()
        fields = portable_state(self, dict(state["__dict__"]), self._made)
        if fields.get("args_schema") is type(self).model_fields["args_schema"].default:
            fields["args_schema"] = _ClassDefault
        private = {k: v for k, v in (state.get("__pydantic_private__") or {}).items() if k != "_lock"}
        return {**state, "__dict__": fields, "__pydantic_private__": {**private, "_made": set()}}

    def __setstate__(self, state: dict[Any, Any]) -> None:
        fields = restored_state(state["__dict__"])
        if fields.get("args_schema") is _ClassDefault:
            fields["args_schema"] = type(self).model_fields["args_schema"].default
        private = {**(state.get("__pydantic_private__") or {}), "_lock": threading.Lock()}
        super().__setstate__({**state, "__dict__": fields, "__pydantic_private__": private})

    # ------------------------------------------------------------------ what can run now

    def runnable_cards(self) -> list[ModelCard]:
        """The models this tool can run now, one card each: the injected model when a backend can
        run it, else the index's cards of the task that a configured backend can run now (asked
        as selection and ``hugginggpt doctor`` ask, ``Backend.availability``), most downloaded first."""
        backends = self.get_backends()
        if self.model_id is not None:
            card = self.card_for(self.model_id)
            return [card] if backends.runnable_backend(card) is not None else []
        cards = {c.id: c for c in self.get_index().cards_for_task(self.task) if backends.runnable_backend(c)}
        return sorted(cards.values(), key=lambda c: (-c.downloads, c.id))

    def availability(self) -> str | None:
        """None when a model can run this tool now, else why not and where the fix is."""
        if self.runnable_cards():
            return None
        if self.model_id is not None:
            card = self.card_for(self.model_id)
            return f"model {card.id!r} cannot run now: {self.get_backends().why_not(card)}"
        count = len(self.get_index().cards_for_task(self.task))
        return (f"none of the {count} {self.task} models of the model index can run now; `hugginggpt doctor` "
                "lists the fixes")

    def describe_runnable(self, cards: list[ModelCard] | None = None) -> str:
        """The description by the models that can run now (``cards``, default
        :meth:`runnable_cards`; :func:`~hugginggpt_tools.tools.models.runnable_description`).
        The toolkit sets it; for a tool made alone, ``tool.description = tool.describe_runnable()``."""
        cards = self.runnable_cards() if cards is None else cards
        return runnable_description(self.task_type, cards, injected=self.model_id is not None)

    # ------------------------------------------------------------------ running

    def _to_args_and_kwargs(self, tool_input: str | dict[str, Any],
                            tool_call_id: str | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """A plain string is the tool's one required argument (as for a ``@tool`` function), so
        ``tool.invoke("text")`` works; for a tool with more, a ToolException naming them."""
        if isinstance(tool_input, str):
            tool_input = self._string_input(tool_input)
        return super()._to_args_and_kwargs(tool_input, tool_call_id)

    def _string_input(self, text: str) -> dict[str, str]:
        fields = self.tool_call_schema.model_json_schema()
        required = fields.get("required") or list(fields.get("properties", {}))[:1]
        if len(required) != 1:
            example = ", ".join(f"{name!r}: ..." for name in required)
            raise ToolException(f"{self.name} takes {len(required)} arguments ({', '.join(required)}), and a "
                                f"plain string gives one: pass them as a dict, {{{example}}}.")
        return {required[0]: text}

    def _run(self, run_manager: Any = None, **kwargs: Any) -> tuple[str, TaskResult]:
        task, choice, request = self._prepare(kwargs)
        coroutine = self._executor().arun(Plan(tasks=[task]), [choice], request=request,
                                          files=_given_paths(kwargs))
        return self._answer(_blocking(coroutine)[0], task.args)

    async def _arun(self, run_manager: Any = None, **kwargs: Any) -> tuple[str, TaskResult]:
        task, choice, request = await asyncio.to_thread(self._prepare, kwargs)
        results = await self._executor().arun(Plan(tasks=[task]), [choice], request=request,
                                              files=_given_paths(kwargs))
        return self._answer(results[0], task.args)

    def _fixes(self, text: str, args: dict[str, Any]) -> str:
        """``text`` with a fix worded for the command line naming this tool's argument instead (:func:`.fixes.tool_fixes`)."""
        from .fixes import file_argument, tool_fixes

        files = [s.name for s in self.task_type.args if is_file_arg(s)]
        argument = file_argument(text, args, files)
        return tool_fixes(text, self.name, argument, ids=argument in files)

    def _executor(self) -> Any:
        from ..execution import Executor

        return Executor(self.get_backends(), self.get_store(), self.get_settings())

    def _prepare(self, kwargs: dict[str, Any]) -> tuple[Task, ModelChoice, str]:
        """The one-task plan for the arguments, the model choice and the request it was chosen
        for; ToolException on bad input. The call's ``request`` argument (what the LLM wants from
        the task, :data:`~.schemas.ASKED_EXAMPLES`) is the task's ``about`` and comes before the
        tool's own request (the toolkit's need) in the request models are ranked and run for."""
        asked = str(kwargs.pop(REQUEST_ARG, None) or "").strip()
        request = ". ".join(part for part in (asked, self.request.strip()) if part)
        try:
            task = Task(id=0, task=self.task, args=self._args(kwargs), about=asked or None)
            return task, self.choose(task, request), request
        except HuggingGPTError as exc:
            raise ToolException(self._fixes(f"{self.name}: {exc}", kwargs)) from exc

    def _args(self, kwargs: dict[str, Any]) -> dict[str, str]:
        """Arguments as strings: bytes become files in the store; None values are dropped.

        A ``Path`` object (only Python code passes one, never an LLM) counts as a file the
        user gave, so it is allowed wherever it lies; string paths must be inside the allowed
        folders (:class:`~hugginggpt_tools.policy.FilePolicy`). A file argument that is the artifact
        id of another toolkit's tool's output is added to this tool's store when its file lies in a
        folder this tool may read (its output folder, ``Settings.allowed_dirs``; :func:`~.shared_ids.adopt`);
        any other id is an InputError.
        """
        from ..inputs import find_file, local_file

        args: dict[str, str] = {}
        for name, value in kwargs.items():
            if value is None:
                continue
            if isinstance(value, (bytes, bytearray)):
                value = local_file(value, self.get_store())
            elif _is_file_arg(self.task_type, name) and isinstance(value, str):
                settings = self.get_settings()
                adopt(value, self.get_store(), roots=[settings.output_dir, *settings.allowed_dirs],
                      exists=find_file(value.strip()) is not None)
            args[name] = str(value)
        return args

    def choose(self, task: Task, request: str | None = None) -> ModelChoice:
        """The injected model (when runnable) or the index's runnable candidates ranked for
        ``request`` (default: the tool's ``request``)."""
        from ..selection import select_models

        backends, settings = self.get_backends(), self.get_settings()
        request = self.request if request is None else request
        if self.model_id is None:
            return select_models(Plan(tasks=[task]), request, self.get_index(), backends,
                                 top_k=settings.top_k, popularity_weight=settings.popularity_weight)[0]
        card = self.card_for(self.model_id)
        backend = backends.runnable_backend(card)
        if backend is None:
            return ModelChoice(task_id=task.id, task=task.task,
                               reason=f"model {card.id!r} cannot run now: {backends.why_not(card)}")
        candidate = Candidate(model_id=card.id, backend=backend, score=1.0, card=card)
        return ModelChoice(task_id=task.id, task=task.task, model_id=card.id, backend=backend,
                           reason="model given to the tool", candidates=[candidate])

    def card_for(self, model_id: str) -> ModelCard:
        """The catalog card of ``model_id`` for this task, else a card for a local folder or Hub id;
        :class:`ConfigError` when the catalog knows it only for task types it cannot serve."""
        from ..model_index.catalog import bundled_cards, llm_cards

        known = bundled_cards() + llm_cards() + (self.index.cards_for_task(self.task) if self.index else [])
        for card in known:
            if card.id == model_id and card.task == self.task:
                return card
        if why := wrong_task(model_id, self.task, self.index):
            raise ConfigError(f"{self.name}: {why}")
        folder = Path(model_id).expanduser()
        if (folder / "config.json").is_file():
            return ModelCard(id=folder.name, task=self.task, backends=["transformers"], path=str(folder.resolve()),
                             source="user")
        return ModelCard(id=model_id, task=self.task, backends=["transformers", "hf-inference"], source="user")

    def _answer(self, result: TaskResult, args: dict[str, Any]) -> tuple[str, TaskResult]:
        """(content, artifact) of a succeeded result, whose files' ids any tool of this process then
        takes (:func:`~.shared_ids.remember`); ToolException with the reason of a failed one."""
        if result.status != "succeeded":
            raise ToolException(self._fixes(f"{self.name} failed: {result.error or 'no reason recorded'}", args))
        remember(result.artifacts)
        return tool_content(result), result


SHARED_PARTS = ("settings", "index", "backends", "store", "llm")
"""The injected parts a copy of a tool or toolkit shares with the original."""

class _ClassDefault:
    """Stands for a generated tool class's args schema in a pickle (the class pickles by reference)."""


class _StoreAt(NamedTuple):
    """An artifact store pickled as its folder and session, reopened on unpickling."""

    root: str
    session_id: str


def share_parts(owner: Any, memo: dict[int, Any]) -> dict[int, Any]:
    """``memo`` for :func:`copy.deepcopy` with ``owner``'s :data:`SHARED_PARTS` copied as themselves."""
    for name in SHARED_PARTS:
        value = getattr(owner, name, None)
        if value is not None:
            memo[id(value)] = value
    return memo


def portable_state(owner: Any, fields: dict[str, Any], made: set[str]) -> dict[str, Any]:
    """``fields`` made picklable: the backends and index ``owner`` made itself (``made``) dropped,
    to be made again on first use; an :class:`~hugginggpt_tools.artifacts.ArtifactStore` as its
    folder and session. Backends or an index given by the caller that cannot be pickled (loaded
    models, an ONNX session, a FAISS index) are a TypeError naming the fix."""
    from ..artifacts import ArtifactStore

    for name in ("backends", "index"):
        if name in made:
            fields[name] = None
        elif fields.get(name) is not None:
            try:
                pickle.dumps(fields[name])
            except Exception as exc:  # noqa: BLE001 - any pickling failure gets the same fix
                raise TypeError(
                    f"Cannot pickle {type(owner).__name__}: the {name} given to it ({type(fields[name]).__name__}) "
                    f"cannot be pickled ({exc}). Make it without {name}=... (it then makes the default {name} "
                    "again after unpickling), or make the tool in each process instead of pickling it.") from exc
    store = fields.get("store")
    if isinstance(store, ArtifactStore):
        fields["store"] = _StoreAt(str(store.root), store.session_id)
    return fields


def restored_state(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields of :func:`portable_state` with the artifact store reopened."""
    store = fields.get("store")
    if isinstance(store, _StoreAt):
        from ..artifacts import ArtifactStore

        fields = {**fields, "store": ArtifactStore(store.root, store.session_id)}
    return fields


def check_arguments(cls: type[BaseModel], data: dict[str, Any]) -> None:
    """:class:`ConfigError` naming each key of ``data`` that is no field of ``cls``, with the closest field."""
    hints = unknown_names(data, cls.model_fields)
    if hints:
        raise ConfigError(f"{cls.__name__}() got unknown argument(s) {', '.join(hints)}; see "
                          f"help({cls.__name__}) for the arguments it takes.")


def _is_file_arg(task: TaskType, name: str) -> bool:
    """Whether ``name`` is an argument of ``task`` that takes a file."""
    spec = task.arg(name)
    return spec is not None and is_file_arg(spec)


def _given_paths(kwargs: dict[str, Any]) -> list[str]:
    """The ``Path`` arguments: files a Python caller gave explicitly."""
    return [str(v) for v in kwargs.values() if isinstance(v, Path)]


def validation_message(error: Exception) -> str:
    """The LLM-facing text of invalid tool arguments: each bad argument and what is wrong."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return f"Invalid arguments: {error}"
    by_argument: dict[str, list[dict[str, Any]]] = {}
    for e in errors():
        by_argument.setdefault(str(e["loc"][0]) if e.get("loc") else "arguments", []).append(e)
    problems = []
    for name, found in by_argument.items():
        # a value no branch of a union takes fails each branch ("str", "bytes", "lax-or-strict[...]"):
        # one line with the first branch's reason and what was given; so is an empty string
        given = found[0].get("input")
        named = len(found) > 1 or found[0].get("type") == "string_too_short"
        got = f" (got {type(given).__name__} {given!r:.40})" if named and given is not None else ""
        problems.append(f"{name}: {found[0].get('msg', '')}{got}")
    return "Invalid arguments: " + "; ".join(problems) + ". Call the tool again with the arguments its schema lists."


def _blocking(coroutine: Any) -> Any:
    """Run ``coroutine`` to completion, in a helper thread when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def tool_content(result: TaskResult) -> str:
    """The short text the LLM reads: the text result, the files (id and path), the model and any
    warning about the result (a text in a language the model does not read)."""
    text = (result.text or "").strip() or "(no text output)"
    if len(text) > MAX_CONTENT_CHARS:
        text = text[:MAX_CONTENT_CHARS - 1] + "…"
    lines = [text]
    lines += [f"{a.modality} file, artifact id {a.id}: {a.path}" for a in result.artifacts]
    lines.append(f"(model {result.model_id} on the {result.backend} backend)")
    lines += [f"Warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def tool_description(task: TaskType) -> str:
    """What the LLM reads about the tool before anyone asks what runs: what the task does and what
    it returns (:meth:`HuggingGPTTool.describe_runnable` narrows it to the models that run now)."""
    return runnable_description(task, None)


def _class_name(task: TaskType) -> str:
    return "".join(part.capitalize() for part in task.snake_name.split("_")) + "Tool"


def make_tool_class(task: TaskType) -> type[HuggingGPTTool]:
    """The :class:`HuggingGPTTool` subclass of ``task``: its name, description and args schema."""
    from pydantic import create_model

    from .schemas import args_schema_for

    cls = create_model(  # type: ignore[call-overload]
        _class_name(task), __base__=HuggingGPTTool, __module__=__name__,
        task=(str, task.name), name=(str, task.snake_name), description=(str, tool_description(task)),
        args_schema=(Any, args_schema_for(task)),
    )
    cls.__doc__ = f"The {task.name} task as a tool: {task.description}"
    return cls


TOOL_CLASSES: dict[str, type[HuggingGPTTool]] = {name: make_tool_class(t) for name, t in TASK_TYPES.items()}
"""The tool class of every task type, by pipeline tag."""

globals().update({cls.__name__: cls for cls in TOOL_CLASSES.values()})  # importable by name, so tools pickle


def make_tool(task: str, **injected: Any) -> HuggingGPTTool:
    """The tool for ``task`` (a pipeline tag or alias) with ``injected`` parts (model_id, index, ...)."""
    return TOOL_CLASSES[get_task(task).name](**injected)


__all__ = ["TOOL_CLASSES", "HuggingGPTTool", "make_tool", "make_tool_class", "tool_content", "tool_description",
           "validation_message"]
