"""The only place that wires the stages: plan -> select -> execute -> respond, as a LangGraph.

>>> from hugginggpt_tools import create_hugginggpt_agent
>>> agent = create_hugginggpt_agent()                  # offline defaults, no key needed
>>> state = agent.invoke({"input": "Read the text in invoice.png aloud", "files": ["examples/invoice.png"]})
>>> state["output"], state["answer"].files             # doctest: +SKIP

The graph streams progress in ``stream_mode="custom"``: ``{"stage": ...}`` when a stage ends
and ``{"event": "task_started" | "task_finished" | "task_skipped", "stage": "execute", ...}`` per
task; the answer's ``trace.events`` lists them, one line each.
"""

from __future__ import annotations

import asyncio
import difflib
import operator
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from langchain_core.callbacks import BaseCallbackHandler, adispatch_custom_event
from langchain_core.messages import AnyMessage, BaseMessage, convert_to_messages
from langchain_core.runnables import RunnableConfig, RunnableLambda
from langchain_core.tracers.context import register_configure_hook
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import Required, TypedDict

from .agent_checks import INPUT_FORMS, check_components, checked_llm, folder_fix, refuse_empty_input, refuse_folder
from .artifacts import ArtifactStore
from .backends import default_backends
from .backends.base import Backends
from .charsets import lone_surrogate
from .config import Settings, get_settings
from .errors import (
    AgentInputError,
    ConfigError,
    HuggingGPTError,
    InputError,
    LLMCallError,
    LLMTimeoutError,
    MissingExtraError,
)
from .execution import Executor
from .filekinds import given_files
from .inputs import did_you_mean, is_url, url_scheme, with_spaced_names
from .model_index.index import ModelIndex, load_default_index
from .planning import Planner, make_planner
from .policy import FilePolicy, not_an_upload
from .redaction import redact
from .response import Responder, llm_failure
from .schemas import Answer, ModelCard, ModelChoice, Plan, StageTiming, TaskResult, Trace
from .selection import achoose_with_llm, select_models, stand_ins
from .sessions import Session, SessionManager, recent_turns

if TYPE_CHECKING:  # annotations only: the chat model is only called
    from langchain_core.language_models import BaseChatModel


class AgentInput(BaseModel):
    """Input of the agent: the request, optional files and earlier chat messages.

    The graph's input schema (``agent.get_input_jsonschema()``, the server's ``input_schema``,
    ``agent.as_tool()``'s arguments): only ``input`` is required. The agent is invoked with a
    dict of these keys (or the request string alone, or an ``AgentInput``); another key is an
    :class:`~hugginggpt_tools.errors.AgentInputError` naming it."""

    model_config = ConfigDict(extra="forbid")

    input: str = Field(description="The request, e.g. 'Read the text in invoice.png aloud'.")
    files: list[str] = Field(default_factory=list, description="Paths of the files the request is about.")
    chat_history: list[Any] = Field(
        default_factory=list,
        description="Earlier turns: LangChain messages, ('human' | 'ai', text) pairs, "
                    "{'role': 'user' | 'assistant', 'content': text} dicts or strings (the user's turns).")


INPUT_KEYS = tuple(AgentInput.model_fields)
"""The keys of the agent's input dict."""


class AgentOutput(TypedDict):
    """Output of the agent: the answer text and the full :class:`Answer`."""

    output: str
    answer: Answer


class OpenTurn(NamedTuple):
    """What :meth:`HuggingGPT.open_turn` gives a turn."""

    session: Session
    files: list[str]
    given: list[str]
    history: list[AnyMessage]
    refused: list[str]


class AgentState(TypedDict, total=False):
    input: Required[str]
    files: list[str]
    given: list[str]  # the files given with this request and kept (``files`` adds the session's): the turn records these
    chat_history: list[AnyMessage]
    plan: Plan
    choices: list[ModelChoice]
    results: list[TaskResult]
    session_id: str
    timings: Annotated[list[StageTiming], operator.add]
    output: str
    answer: Answer
    llm_calls: Annotated[int, operator.add]
    events: Annotated[list[str], operator.add]


class _LLMCallCounter(BaseCallbackHandler):
    """Counts chat model and LLM calls made while it is the active counter, and keeps their errors."""

    def __init__(self) -> None:
        self.calls = 0
        self.errors: list[BaseException] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1

    def on_llm_start(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1

    def on_llm_error(self, error: BaseException, *args: Any, **kwargs: Any) -> None:
        self.errors.append(error)

    def raised(self, exc: BaseException) -> bool:
        """Whether ``exc`` (or the error it was raised from) is an error an LLM call raised."""
        seen: BaseException | None = exc
        for _ in range(4):
            if seen is None:
                return False
            if any(seen is e for e in self.errors):
                return True
            seen = seen.__cause__ or seen.__context__
        return False


_active_counter: ContextVar[_LLMCallCounter | None] = ContextVar("hugginggpt_llm_counter", default=None)
register_configure_hook(_active_counter, inheritable=True)


@contextmanager
def _count_llm_calls() -> Iterator[_LLMCallCounter]:
    """Count every LLM call made by code run inside the block (planner, responder, backends)."""
    counter = _LLMCallCounter()
    token = _active_counter.set(counter)
    try:
        yield counter
    finally:
        _active_counter.reset(token)


def _writer() -> Any:
    """LangGraph's custom stream writer, or a no-op outside a streaming run."""
    try:
        return get_stream_writer()
    except RuntimeError:
        return lambda chunk: None


class HuggingGPT:
    """The four stages with their components; heavy ones (index, backends) load on first use."""

    def __init__(
        self, llm: BaseChatModel | None = None, *, planner: Planner | str | None = None,
        settings: Settings | None = None, index: ModelIndex | None = None,
        backends: Backends | None = None, choose_model: bool = False,
    ) -> None:
        llm = checked_llm(llm)
        check_components(settings=settings, index=index, backends=backends, choose_model=choose_model)
        if choose_model and llm is None:
            raise ConfigError("choose_model (--choose-model) needs an llm: the LLM chooses among each task's ranked "
                              "models; fix: pass llm=init_chat_model('provider:model') (on the command line: "
                              "--llm provider:model), or leave choose_model off.")
        self.llm = llm
        self.choose_model = choose_model
        self.settings = settings or get_settings()
        self.planner = make_planner(planner, llm, timeout_s=self.settings.llm_timeout_s)
        self.responder = Responder(llm, timeout_s=self.settings.llm_timeout_s)
        self.sessions = SessionManager(self.settings)
        self._index = index
        self._backends = backends

    @property
    def index(self) -> ModelIndex:
        if self._index is None:
            self._index = load_default_index(self.settings)
        return self._index

    def cards(self) -> list[ModelCard]:
        """The model cards selection ranks: the index's when it is loaded (or was given), else read
        without loading it (:func:`~hugginggpt_tools.tools.models.index_cards`: no embedder, no FAISS)."""
        from .tools.models import index_cards

        return list(self._index.cards) if self._index is not None else index_cards(self.settings)

    @property
    def backends(self) -> Backends:
        if self._backends is None:
            self._backends = default_backends(self.settings, llm=self.llm)
        return self._backends

    async def aplan(self, request: str, files: Sequence[str] = (), chat_history: Sequence[AnyMessage] = ()) -> Plan:
        """The plan of ``request``; the planner is told the ``files`` by name, an http(s) URL whole (its
        task downloads it: by its name alone, no file would be found)."""
        names = [f if is_url(f) else Path(f).name for f in files]
        with given_files(files):  # "scan", a PNG with no suffix, is an image to the planner
            return await self.planner.aplan(request, files=names, chat_history=list(chat_history))

    async def aselect(self, plan: Plan, request: str) -> tuple[Plan, list[ModelChoice]]:
        """A model for each task; a task no model of its type can run gets its stand-in where one
        can (:func:`~hugginggpt_tools.selection.stand_ins`: OCR for a document question, ...), so
        the plan may change too."""
        if not plan.tasks:
            return plan, []
        select = {"top_k": self.settings.top_k, "popularity_weight": self.settings.popularity_weight}
        choices = await asyncio.to_thread(select_models, plan, request, self.index, self.backends, **select)
        plan, choices = await asyncio.to_thread(stand_ins, plan, choices, request, self.index, self.backends, **select)
        if self.choose_model and self.llm is not None:
            choices = await achoose_with_llm(choices, plan, request, self.llm, timeout_s=self.settings.llm_timeout_s)
        return plan, choices

    async def aexecute(
        self, plan: Plan, choices: Sequence[ModelChoice], request: str, files: Sequence[str],
        store: ArtifactStore, on_event: Any = None, cwd: str | Path | None = None,
    ) -> list[TaskResult]:
        """Run the plan; relative file arguments start at ``cwd`` (default: the current folder)."""
        executor = Executor(self.backends, store, self.settings, on_event=on_event)
        return await executor.arun(plan, choices, request=request, files=files, cwd=cwd)

    def open_turn(
        self, config: RunnableConfig, files: Sequence[str], chat_history: Sequence[AnyMessage] | None,
    ) -> OpenTurn:
        """The turn's session, every file it can address (this request's first, then the session's, latest
        first), the request's own files that were kept (what the turn records as given), the chat history
        to plan with, and why each refused file was refused.

        The session id comes from ``configurable.session_id`` (or LangGraph's ``thread_id``);
        an explicit ``chat_history`` input replaces the session's own history; either is cut to
        its last turns (:func:`~hugginggpt_tools.sessions.recent_turns`). A path among the files that
        is no readable file is an :class:`AgentInputError` naming it (:func:`check_given_files`); the
        session's files are not checked (a task naming one that is gone says so). A served request
        (``configurable.hugginggpt_work_dir`` set, by the server only) does not make the files it
        names trusted: only those inside the uploads folder, ``Settings.allowed_dirs`` or the
        session's folder are kept, whichever route (invoke, batch, stream, ``/c/{config}/...``) it
        came by. Each other one is left out with a refusal (:func:`~hugginggpt_tools.policy.not_an_upload`)
        that the plan carries in ``missing``; a task naming one is refused when it runs, saying why.
        """
        configurable = config.get("configurable") or {}
        session = self.sessions.get(configurable.get("session_id") or configurable.get("thread_id"))
        work_dir = configurable.get("hugginggpt_work_dir")
        refused: list[str] = []
        if work_dir:
            policy = FilePolicy.create([work_dir, *self.settings.allowed_dirs, session.store.folder])
            kept = []
            owner = configurable.get("hugginggpt_owner")
            for f in files:  # relative names start in the uploads folder, as the executor reads them
                path = Path(work_dir, f)
                if policy.allows(path) and (owner is None or _owned(path, work_dir, owner)):
                    refuse_folder(path, f, listing=False)  # a client is not shown the server's folders
                    kept.append(str(path))
                else:
                    refused.append(not_an_upload(f))
            files = kept
        if not work_dir:
            check_given_files(files)
        session.add_files([f for f in files if Path(f).is_file()])
        # this request's files first, then the session's latest first: "transcribe that recording"
        # is the last one made, "describe this photo" the one just given
        ours = [str(Path(f).resolve()) if Path(f).is_file() else f for f in files]
        earlier = [f for f in reversed(session.files) if f not in ours]
        history = recent_turns(chat_history, session.max_turns) if chat_history else list(session.history)
        return OpenTurn(session, ours + earlier, ours, history, refused)


def _unusable(value: str) -> str | None:
    """Why ``value``, a path given in ``files``, is no file a task can read ("no such file", "a folder:
    ...", "not readable: ..."), or None when it is one; an http(s) URL passes (downloaded when a task
    reads it)."""
    if is_url(value):
        return None
    if "\0" in value:
        return "not a file name: it holds a NUL character"
    path = Path(value).expanduser()
    try:
        if path.is_dir():
            return f"a folder: {folder_fix(path, value)}"
        if not path.exists():
            scheme = url_scheme(value) if "://" in value else None
            hint = f"only http(s) URLs are downloaded, not {scheme}" if scheme else did_you_mean(value).strip()
            broken = f"a link to {os.readlink(path)!r}, which does not exist" if path.is_symlink() else "no such file"
            return f"{broken}; {hint[0].lower()}{hint[1:]}" if hint else broken
        if not path.is_file():
            return "not a regular file but a device, pipe or socket"
        if not os.access(path, os.R_OK):
            return "not readable: permission denied (give read permission, or copy it where it can be read)"
    except OSError as exc:  # a name too long, a loop of links
        return f"cannot be looked at ({exc.strerror or exc})"
    return None


def check_given_files(files: Sequence[str]) -> None:
    """:class:`AgentInputError` naming every path of ``files`` (the input's ``files``) that is no readable
    file (:func:`_unusable`: missing, a folder, a device, unreadable) and the fix, checked before anything
    is planned or run; http(s) URLs pass. A folder alone keeps its own message (a few of its files shown)."""
    bad = [(f, why) for f in files if (why := _unusable(f)) is not None]
    if not bad:
        return
    if len(bad) == 1 and bad[0][1].startswith("a folder"):
        refuse_folder(Path(bad[0][0]).expanduser(), bad[0][0], listing=True)
    items = "; ".join(f"{f!r} ({why})" for f, why in bad)
    what = "a path that is not a readable file" if len(bad) == 1 else f"{len(bad)} paths that are not readable files"
    relative = any(not Path(f).expanduser().is_absolute() for f, _ in bad)
    where = f" (relative paths start at {Path.cwd()})" if relative else ""
    fix = "the name, or give the file's full path" if len(bad) == 1 else "each name, or give each file's full path"
    raise AgentInputError(f"'files' names {what}, so nothing was run: {items}. Check {fix}{where}.")


def _owned(path: Path, uploads: str, owner: str) -> bool:
    """Whether ``path``, when it lies in the uploads folder, is an upload of the key whose
    fingerprint is ``owner`` (files elsewhere are not uploads: other rules decide)."""
    from .server_guard import UPLOADS, owner_fingerprint  # local: the server's, stdlib only

    try:
        rel = path.resolve().relative_to(Path(uploads).resolve())
    except ValueError:
        return True
    return owner_fingerprint(f"{UPLOADS}/{rel.as_posix()}") == owner


_NO_LLM_PLANNERS = ("planner='auto' falls back to the offline plan and planner='offline' needs no LLM (on the command "
                    "line: --planner auto, --planner offline)")
"""How to plan when the controller LLM fails, for its errors."""


def _sync(afunc: Callable[..., Awaitable[dict[str, Any]]]) -> Callable[..., dict[str, Any]]:
    """A blocking version of an async node, for ``invoke``/``stream`` (also inside a running loop)."""

    def node(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(afunc(state, config))
        # inside a running loop (Jupyter): the node's own loop runs in a helper thread, a daemon,
        # and an interrupt (Ctrl-C, the kernel's stop button) cancels it rather than waiting
        from .workers import in_daemon_thread

        running: dict[str, Any] = {}
        stop = threading.Event()  # interrupted before the helper's loop started: it does not start the node

        async def main() -> dict[str, Any]:
            running["loop"], running["task"] = asyncio.get_running_loop(), asyncio.current_task()
            if stop.is_set():
                raise asyncio.CancelledError
            return await afunc(state, config)

        future = in_daemon_thread(asyncio.run, main(), name="hugginggpt-node")
        try:
            return future.result()
        except BaseException:
            stop.set()
            if not future.done() and "task" in running:
                with suppress(RuntimeError):  # its loop closed meanwhile: nothing to cancel
                    running["loop"].call_soon_threadsafe(running["task"].cancel)
            raise

    return node


_HISTORY_FIX = ("give a list of LangChain messages, ('human' | 'ai', text) pairs, {'role': 'user' | 'assistant', "
                "'content': text} dicts or strings (the user's turns)")


def chat_messages(history: Any) -> list[BaseMessage]:
    """``history`` (the input's ``chat_history``) as LangChain messages: messages, (role, text)
    pairs, ``{"role" | "type": ..., "content": ...}`` dicts (OpenAI's and LangChain's serialized
    form, as a server's JSON brings them) and strings (the user's turns) are converted with
    :func:`langchain_core.messages.convert_to_messages`; None is no history. A value that is not
    a list of such items is an :class:`AgentInputError` naming the item and the fix."""
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict, BaseMessage)) or not isinstance(history, (list, tuple)):
        one = f" (one turn: chat_history=[{history!r:.40}])" if isinstance(history, str) else ""
        raise AgentInputError(f"'chat_history' must be a list of messages, got {history!r:.80}; {_HISTORY_FIX}{one}.")
    messages = []
    for i, item in enumerate(history):
        try:
            messages += convert_to_messages([item])
        except (ValueError, TypeError, KeyError, NotImplementedError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise AgentInputError(f"'chat_history' item {i} is not a chat message: {item!r:.80} ({reason}); "
                                  f"{_HISTORY_FIX}.") from None
    return messages


_OUTPUT_KEYS = ("output", "answer")
"""What the agent returns besides its input, which a parent graph holding it as a node passes back
with the next turn's input: left out of that input, not refused."""


def check_keys(value: dict[str, Any]) -> None:
    """:class:`AgentInputError` when the input dict ``value`` has a key the agent does not read,
    naming it (and the key it may be a typo of); ``session_id`` and ``thread_id`` are told to go
    into the config."""
    unknown = [k for k in value if k not in INPUT_KEYS]
    if not unknown:
        return
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(str(key), INPUT_KEYS, n=1, cutoff=0.6)
        if key in ("session_id", "thread_id"):
            hints.append(f"{key!r} goes into the config: agent.invoke(..., config={{'configurable': {{{key!r}: ...}}}})")
        elif close:
            hints.append(f"did you mean {close[0]!r} for {key!r}?")
    listed = ", ".join(repr(k)[:40] for k in unknown[:5])
    hint = f" ({'; '.join(hints)})" if hints else ""
    raise AgentInputError(f"The agent's input has unknown key(s) {listed}{hint}: it reads 'input', 'files' and "
                          f"'chat_history' only; {INPUT_FORMS}.")


def check_request(request: Any) -> str:
    """``request`` when it is a non-empty string of characters, else :class:`AgentInputError` naming it
    and the fix (a lone surrogate, :func:`~hugginggpt_tools.charsets.lone_surrogate`, named by its index).

    The plan node's check of ``input``; the server runs it too, before a run (or a stream) starts.
    """
    if not isinstance(request, str) or not request.strip():
        raise AgentInputError(f"The input must be a non-empty request string, got {request!r:.80}: {INPUT_FORMS}.")
    problem = lone_surrogate(request)
    if problem:  # no tokenizer reads it: a TypeError deep in planning otherwise
        raise AgentInputError(problem)
    return request


def _coerce_input(value: Any) -> Any:
    """The mapper of the graph's START node: a request string alone stands for ``{"input": value}``
    (``agent.invoke("Caption photo.jpg")``), an :class:`AgentInput` for the dict of the fields it
    was given; a value LangGraph cannot read as the input dict (a number, bytes, a list) is an
    :class:`AgentInputError` naming the fix instead of LangGraph's ``InvalidUpdateError``, and so
    is a dict with a key the agent does not read (:func:`check_keys`: a typo, ``"file"``, would
    otherwise be dropped silently); its own output keys (``output``, ``answer``: a parent graph's
    state passed back) are left out. Other dicts (and LangGraph's own ``Command``s) pass unchanged."""
    if isinstance(value, str):
        return {"input": value}
    if isinstance(value, AgentInput):
        return {key: getattr(value, key) for key in value.model_fields_set}
    if isinstance(value, dict):
        # the agent's own answer coming back as input (a parent graph's state, checkpointed): not input
        value = {key: item for key, item in value.items() if key not in _OUTPUT_KEYS}
        check_keys(value)
        return value
    if isinstance(value, (bytes, bytearray, int, float)) or (
            isinstance(value, (list, tuple)) and not any(isinstance(v, Command) for v in value)):
        raise AgentInputError(f"The agent's input must be a dict (or the request string alone), got {value!r:.80}: "
                              f"{INPUT_FORMS}.")
    return value


def _planner_name(planner: Planner) -> str:
    """The name ``planner`` writes into ``Plan.planner`` ("llm:gpt-4o-mini", "offline"), for the
    empty plan of a failed planning too; a planner that sets none is named by its class."""
    name = getattr(planner, "name", None)
    return name if isinstance(name, str) and name != Planner.name else type(planner).__name__


def _timed(stage: str, started: float) -> list[StageTiming]:
    return [StageTiming(stage=stage, seconds=round(time.perf_counter() - started, 4))]


class _Events:
    """Progress events of one node: to LangGraph's custom stream and as LangChain custom events.

    Stream consumers get the dicts with ``stream_mode="custom"``; ``astream_events`` consumers
    get ``on_custom_event`` events named ``hugginggpt.<event>``.
    """

    def __init__(self, config: RunnableConfig, stage: str) -> None:
        self.config = config
        self.stage = stage
        self.write = _writer()
        self.pending: list[asyncio.Future[Any]] = []
        self.lines: list[str] = []

    def __call__(self, event: dict[str, Any]) -> None:
        event = event if "stage" in event else {"stage": self.stage, **event}  # the executor's task events
        self.lines.append(_event_line(event))
        self.write(event)
        self.pending.append(asyncio.ensure_future(self._dispatch(event)))

    async def _dispatch(self, event: dict[str, Any]) -> None:
        try:
            await adispatch_custom_event(f"hugginggpt.{event['event']}", event, config=self.config)
        except RuntimeError:  # no parent run (a node called outside a graph run)
            pass

    async def flush(self) -> None:
        await asyncio.gather(*self.pending)


def _event_line(event: dict[str, Any]) -> str:
    """A progress event on one line, for the answer's ``trace.events``: "execute: task_finished task 0
    (image-to-text) succeeded with bundled/ocr"."""
    kind, task = event.get("event", "event"), ""
    if "task_id" in event:
        task = f" task {event['task_id']} ({event.get('task')})"
    detail = {
        "plan_ready": lambda: f" {len(event.get('plan') or [])} task(s) by {event.get('planner')}",
        "model_chosen": lambda: f" {event.get('model_id')} ({event.get('backend')})",
        "task_finished": lambda: f" {event.get('status')}" + (f" with {event['model_id']}" if event.get("model_id")
                                                              else ""),
        "task_skipped": lambda: " skipped",
        "answer_ready": lambda: f" {len(event.get('files') or [])} file(s)",
    }.get(kind, lambda: "")()
    return f"{event.get('stage')}: {kind}{task}{detail}"


def _read_as(state: AgentState) -> str:
    """The request as the plan reads it (its ``read_as``: the words of a quoted request), for
    selection and execution."""
    return state["plan"].read_as or state["input"]


def build_graph(hg: HuggingGPT) -> Any:
    """Compile the plan -> select -> execute -> respond graph over ``hg``'s components."""

    async def plan(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        started, events = time.perf_counter(), _Events(config, "plan")
        request = check_request(state.get("input"))
        given = state.get("files") or []
        given = [given] if isinstance(given, (str, bytes, os.PathLike)) else list(given)  # one path alone is fine
        bad = [f for f in given if not isinstance(f, (str, os.PathLike))]
        if bad:
            raise InputError(f"'files' must be file paths, got {bad!r:.80}; save bytes to a file first and pass "
                             "its path, or give them to a tool (the tools take bytes).")
        given = [os.fspath(f) for f in given]
        # "small text.png" in the working (or uploads) folder, named in the request but not given
        folder = (config.get("configurable") or {}).get("hugginggpt_work_dir")
        given = with_spaced_names(request, given, folder)
        history = chat_messages(state.get("chat_history"))
        session, files, given, history, refused = hg.open_turn(config, given, history)
        with _count_llm_calls() as counter:
            try:
                result = await hg.aplan(request, files, history)
            except MissingExtraError:
                raise  # the installation's fault, not the request's: no "say what to do" answer
            except LLMTimeoutError as exc:  # nothing can be planned: how to plan without waiting for it
                raise LLMTimeoutError(f"{exc}; or plan without it: {_NO_LLM_PLANNERS}.", exc.timeout_s) from exc
            except LLMCallError as exc:  # the LLM failed (its server answered no JSON): nothing can be planned
                raise LLMCallError(f"{exc}; or plan without it: {_NO_LLM_PLANNERS}.") from exc
            except HuggingGPTError as exc:
                result = Plan(planner=_planner_name(hg.planner), notes=[redact(f"planning failed: {exc}")])
            except Exception as exc:
                if not counter.raised(exc):
                    raise
                raise LLMCallError(redact(
                    f"The LLM failed while planning the request ({llm_failure(exc)}), so nothing was run; ask again "
                    f"once the LLM provider answers (check its key, quota and status), or plan without it: "
                    f"{_NO_LLM_PLANNERS}.")) from exc
        if refused:
            result = result.model_copy(update={"missing": [*refused, *result.missing]})
        events({"stage": "plan", "event": "plan_ready", "plan": result.to_hugginggpt(), "notes": result.notes,
                "missing": result.missing, "warnings": result.warnings, "planner": result.planner,
                "confidence": result.confidence})
        await events.flush()
        return {"plan": result, "session_id": session.id, "files": files, "given": given, "chat_history": history,
                "timings": _timed("plan", started), "llm_calls": counter.calls, "events": events.lines}

    async def select(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        started, events = time.perf_counter(), _Events(config, "select")
        with _count_llm_calls() as counter:
            plan_, choices = await hg.aselect(state["plan"], _read_as(state))
        for c in choices:
            events({"stage": "select", "event": "model_chosen", "task_id": c.task_id, "task": c.task,
                    "model_id": c.model_id, "backend": c.backend, "reason": c.reason,
                    "stands_in_for": c.stands_in_for,
                    "fallback": f"{c.fallback.task} with {c.fallback.model_id}" if c.fallback else None})
        await events.flush()
        return {"plan": plan_, "choices": choices, "timings": _timed("select", started), "llm_calls": counter.calls,
                "events": events.lines}

    async def execute(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        started, events = time.perf_counter(), _Events(config, "execute")
        store = hg.sessions.get(state["session_id"]).store
        work_dir = (config.get("configurable") or {}).get("hugginggpt_work_dir")  # set by the server only
        with _count_llm_calls() as counter:
            results = await hg.aexecute(state["plan"], state["choices"], _read_as(state),
                                        state["files"], store,
                                        on_event=events, cwd=work_dir)
        await events.flush()
        return {"results": results, "timings": _timed("execute", started), "llm_calls": counter.calls,
                "events": events.lines}

    async def respond(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        started, events = time.perf_counter(), _Events(config, "respond")
        request, plan_ = state["input"], state["plan"]
        choices, results = state.get("choices", []), state.get("results", [])
        with _count_llm_calls() as counter:
            text = await hg.responder.arespond(request, plan_, choices, results, state.get("chat_history", []),
                                               files=state.get("files") or [])
        timings = state.get("timings", []) + _timed("respond", started)
        trace = Trace(timings=timings, llm_calls=state.get("llm_calls", 0) + counter.calls,
                      events=list(state.get("events", [])))
        answer = Answer(
            request=request, text=text, plan=plan_, choices=choices, results=results,
            artifacts=[a for r in results for a in r.artifacts], trace=trace,
        )
        ready = {"stage": "respond", "event": "answer_ready", "files": answer.files}
        answer.trace.events.append(_event_line(ready))
        hg.sessions.get(state["session_id"]).record_turn(request, answer, state.get("given") or [])
        events(ready)
        await events.flush()
        return {"output": text, "answer": answer, "timings": timings[-1:], "llm_calls": counter.calls,
                "events": events.lines}

    graph = StateGraph(AgentState, input_schema=AgentInput, output_schema=AgentOutput)
    for name, node in (("plan", plan), ("select", select), ("execute", execute), ("respond", respond)):
        runnable = RunnableLambda(_sync(node), afunc=node, name=name).with_config(
            tags=[f"hugginggpt:{name}"], metadata={"hugginggpt_stage": name})
        graph.add_node(name, runnable)
    graph.add_edge(START, "plan")
    graph.add_edge("plan", "select")
    graph.add_edge("select", "execute")
    graph.add_edge("execute", "respond")
    graph.add_edge("respond", END)
    compiled = graph.compile(name="hugginggpt")
    compiled.nodes[START].mapper = _coerce_input  # a request string alone is a valid input
    compiled.hugginggpt = hg  # the components behind the graph (agent_tool describes what they can run)
    refuse_empty_input(compiled)  # invoke(None): the input forms, not LangGraph's bare EmptyInputError
    return compiled


def create_hugginggpt_agent(
    llm: BaseChatModel | None = None, *, planner: Planner | str | None = None,
    settings: Settings | None = None, index: ModelIndex | None = None, backends: Backends | None = None,
    choose_model: bool = False,
) -> Any:
    """A LangGraph runnable running HuggingGPT's four stages.

    Args:
        llm: the controller chat model (any LangChain chat model, or a ``"provider:model"``
            spec made into one as ``--llm`` does). Without one the offline planner plans and a
            deterministic summary answers; text tasks need it to run on the ``llm`` backend.
        planner: ``"offline"``, ``"llm"``, a :class:`~hugginggpt_tools.planning.Planner`, or
            None (the LLM planner when ``llm`` is given, else the offline planner).
        settings: runtime settings (default: from the environment).
        index: the model index (default: the shipped index, loaded on first use).
        backends: the backends (default: bundled + transformers, plus llm when ``llm`` is given).
        choose_model: let ``llm`` choose among each task's ranked candidates, in one call for
            all tasks (its reasons go into each ``ModelChoice.reason``); otherwise the
            best-ranked runnable model is taken. Needs ``llm`` (:class:`ConfigError` without one).

    Input: ``{"input": str, "files": [paths], "chat_history": [messages]}`` (a request string
    alone, ``agent.invoke("Caption photo.jpg")``, stands for ``{"input": ...}``); output:
    ``{"output": str, "answer": Answer}``. ``config={"configurable": {"session_id": ...}}``
    (or ``thread_id``) makes turns share a session: its chat history, the files given and the
    files produced carry over, in the folder ``Settings.output_dir/<session_id>``; the last
    :data:`~hugginggpt_tools.sessions.SESSION_TURNS` turns are kept. Without a session id every
    run is a fresh, private session.

    An argument of the wrong type is a :class:`ConfigError` naming it and the fix. As a tool of
    another agent, wrap the agent with :func:`~hugginggpt_tools.agent_tool.create_hugginggpt_tool`
    (``agent.as_tool()`` returns the whole state dict).
    """
    return build_graph(HuggingGPT(llm, planner=planner, settings=settings, index=index, backends=backends,
                                  choose_model=choose_model))


__all__ = ["INPUT_KEYS", "AgentInput", "AgentOutput", "HuggingGPT", "LLMCallError", "build_graph", "chat_messages",
           "check_given_files", "check_keys", "check_request", "create_hugginggpt_agent"]
