"""Chat models named by a spec, and the time limit of every call to one.

A spec ``'provider:model'`` (``openai:gpt-4o-mini``) is made into a LangChain chat model for the
library (``create_hugginggpt_agent(llm='openai:gpt-4o-mini')``) and the command line's ``--llm``
(:func:`load_llm`). LangChain loads only when a spec is given.

Every call the package makes to a chat model (planning, the model choice, the answer, the llm
backend's tasks) goes through :func:`invoke_within` or :func:`ainvoke_within`, which raise
:class:`LLMTimeoutError` when it has not answered within ``Settings.llm_timeout_s``
(``HUGGINGGPT_LLM_TIMEOUT``): a server that accepts the connection and never answers cannot hang a
run. The limit holds without the provider's help, for any chat model object: a model with async
code of its own is awaited and cancelled at the limit; any other call runs in a daemon thread of
its own, left behind at the limit, which never keeps the process from exiting (LangChain's default
async path would run it in asyncio's default executor, whose threads ``asyncio.run`` and the
interpreter's exit wait for). :func:`load_llm` also gives the limit to the providers that take one
(:data:`TIMEOUT_PROVIDERS`), so their own client gives up too. A server whose reply is not JSON
(bytes that are not UTF-8, an HTML page) is named as such, with its fix (:func:`not_json_error`),
rather than left as a decoding error; so is a reply of another content type (a proxy's login page
sent as ``text/html`` with status 200, which OpenAI's client hands on as a string and LangChain then
fails on with an ``AttributeError``): :func:`reply_kind_error` names its address and its kind.

Within one run (:func:`llm_run`), a chat model that did not answer one call within its limit is not
asked again: the run's later calls to it (the answer after the plan, the llm backend's tasks) raise
:class:`LLMTimeoutError` at once, saying so, and fall back as a timed-out call does, rather than
waiting the whole limit once more. The next run asks it again. A call left running past its limit
in a daemon thread is counted by :func:`calls_running` until it really ends.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import ConfigError, LLMReplyError, LLMTimeoutError
from .workers import CallCounter, in_daemon_thread

T = TypeVar("T")

TIMEOUT_PROVIDERS = frozenset({
    "anthropic", "azure_openai", "deepseek", "fireworks", "groq", "mistralai", "openai", "together", "xai",
})
"""Providers of ``init_chat_model`` whose chat model takes ``timeout=`` (seconds per request)."""


def load_llm(spec: str | None, timeout_s: float | None = None) -> Any:
    """A chat model from an ``init_chat_model`` spec such as ``openai:gpt-4o-mini``; None for no
    spec; :class:`ConfigError` naming the spec and the fix when the provider cannot make it. A
    provider of :data:`TIMEOUT_PROVIDERS` named in the spec gets ``timeout_s`` (default:
    ``Settings.llm_timeout_s``) and a little more as its request timeout: the client gives up on the
    connection soon after the package's own limit (:func:`invoke_within`), whose error says which
    setting to raise, has passed."""
    if not spec:
        return None
    from langchain.chat_models import init_chat_model

    provider = spec.split(":", 1)[0].strip().lower() if ":" in spec else ""
    limit = llm_timeout(timeout_s)
    extra = {"timeout": limit + max(1.0, 0.1 * limit)} if provider in TIMEOUT_PROVIDERS else {}
    try:
        return init_chat_model(spec, **extra)
    except Exception as exc:  # noqa: BLE001 - a provider's own error (no API key: OpenAIError) is a setup error too
        raise ConfigError(
            f"Cannot create the chat model {spec!r}: {type(exc).__name__}: {exc}. Use 'provider:model' "
            "(e.g. openai:gpt-4o-mini), install the provider's langchain package and set its API key "
            "(OPENAI_API_KEY, ANTHROPIC_API_KEY, ...); OpenAI-compatible servers read OPENAI_BASE_URL and OPENAI_API_KEY."
        ) from exc


def llm_timeout(timeout_s: float | None = None) -> float:
    """``timeout_s`` when given, else ``Settings.llm_timeout_s`` from the environment
    (``HUGGINGGPT_LLM_TIMEOUT``); :class:`ConfigError` for a limit that is not above 0."""
    if timeout_s is None:
        from .config import get_settings

        return get_settings().llm_timeout_s
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not timeout_s > 0:
        raise ConfigError(f"timeout_s={timeout_s!r} is not valid: it must be a number of seconds above 0, "
                          "e.g. timeout_s=120 (the default of HUGGINGGPT_LLM_TIMEOUT), or None for that setting.")
    return float(timeout_s)


def model_name(llm: Any) -> str:
    """The chat model's name for the record: its model id, else its LangChain type."""
    for attr in ("model_name", "model", "model_id", "repo_id"):
        value = getattr(llm, attr, None)
        if isinstance(value, str) and value:
            return value
    llm_type = getattr(llm, "_llm_type", None)
    return llm_type if isinstance(llm_type, str) else type(llm).__name__


def timeout_error(llm: Any, timeout_s: float, what: str) -> LLMTimeoutError:
    """The error of a call to ``llm`` that did not answer ``what`` ("while planning") within
    ``timeout_s``, on one line with how to wait longer."""
    return LLMTimeoutError(
        f"The LLM {model_name(_inner(llm))} did not answer within {timeout_s:g} s{' ' + what if what else ''} "
        f"(HUGGINGGPT_LLM_TIMEOUT); {wait_longer_fix(timeout_s)}", timeout_s)


def wait_longer_fix(timeout_s: float) -> str:
    """How to give an LLM that did not answer within ``timeout_s`` longer, or what to check."""
    longer = f"{timeout_s * 2:g}"
    return (f"to wait longer, set HUGGINGGPT_LLM_TIMEOUT={longer} (in Python Settings(llm_timeout_s={longer})), else "
            "check that the LLM's server answers (its address, such as OPENAI_BASE_URL, and its status)")


ADDRESS_FIX = ("check that OPENAI_BASE_URL points at an OpenAI-compatible server (its address usually ends in /v1), "
               "or your provider's address setting")
"""Where to look when an LLM's server answered, but not as a chat API does."""


@dataclass
class LLMRun:
    """What one run (one agent invocation) learnt of its chat models: the first call to each that did
    not answer within its limit (:func:`llm_run`). ``timed_out`` maps ``id()`` of the chat model to
    that call's limit and what it was asked ("while planning the request")."""

    timed_out: dict[int, tuple[float, str]] = field(default_factory=dict)

    def note_timeout(self, llm: Any, timeout_s: float, what: str) -> None:
        """Remember that ``llm`` did not answer ``what`` within ``timeout_s`` (the first time only)."""
        self.timed_out.setdefault(id(_inner(llm)), (timeout_s, what))

    def given_up(self, llm: Any, timeout_s: float, what: str) -> LLMTimeoutError | None:
        """The error for a call to ``llm`` that this run does not make, as ``llm`` did not answer an
        earlier call within a limit as long as ``timeout_s`` or longer; None when it may be asked."""
        earlier = self.timed_out.get(id(_inner(llm)))
        if earlier is None or earlier[0] < timeout_s:
            return None
        limit, asked = earlier
        return LLMTimeoutError(
            f"The LLM {model_name(_inner(llm))} was not asked{' ' + what if what else ''}: it did not answer within "
            f"{limit:g} s{' ' + asked if asked else ''}, earlier in this run (HUGGINGGPT_LLM_TIMEOUT), and is asked "
            f"again in the next run; {wait_longer_fix(limit)}", limit)


_RUN: contextvars.ContextVar[LLMRun | None] = contextvars.ContextVar("hugginggpt_llm_run", default=None)


@contextlib.contextmanager
def llm_run(run: LLMRun | None = None) -> Iterator[LLMRun]:
    """A block whose LLM calls (:func:`invoke_within`, :func:`ainvoke_within`, also in the threads and
    tasks it starts) share ``run``: once a chat model did not answer one of them within its limit, the
    later ones raise :class:`LLMTimeoutError` at once (:meth:`LLMRun.given_up`). ``run`` defaults to
    the enclosing block's, else a new one; pass the same :class:`LLMRun` to the blocks of one run that
    do not nest (the stages of a LangGraph run each run in a context of their own). Outside any
    block, every call waits its whole limit, as before."""
    current = run or _RUN.get() or LLMRun()
    before = _RUN.get()
    token = _RUN.set(current)
    try:
        yield current
    finally:
        try:
            _RUN.reset(token)
        except ValueError:  # a generator's block closed in another context than it opened in
            _RUN.set(before)


def _check_run(llm: Any, timeout_s: float, what: str) -> None:
    """Raise the run's :meth:`LLMRun.given_up` error for a call to ``llm``, if any."""
    run = _RUN.get()
    error = run.given_up(llm, timeout_s, what) if run is not None else None
    if error is not None:
        raise error


def _timed_out(llm: Any, timeout_s: float, what: str) -> LLMTimeoutError:
    """:func:`timeout_error`, noted in the run in progress (:func:`llm_run`)."""
    run = _RUN.get()
    if run is not None:
        run.note_timeout(llm, timeout_s, what)
    return timeout_error(llm, timeout_s, what)


_NOT_JSON = (UnicodeDecodeError, json.JSONDecodeError)
"""What the provider's client raises when reading a reply that is not JSON: the server is no
OpenAI-compatible (or other chat API) server, whatever its key and quota."""


def not_json_error(llm: Any, error: BaseException, what: str = "") -> LLMReplyError:
    """The error of a call to ``llm`` whose server answered with something that is not JSON (``error``:
    a ``UnicodeDecodeError`` or ``JSONDecodeError`` from its client) ``what`` ("while planning the
    request"), with where to look: the server's address, not its key or quota."""
    detail = " ".join(str(error).split())
    detail = detail if len(detail) <= 160 else detail[:160] + "..."
    return LLMReplyError(  # the fix first: one-line reports of the error clip it at 200 characters
        f"The LLM {model_name(_inner(llm))}'s server answered with something that is not JSON "
        f"({type(error).__name__}){' ' + what if what else ''}: {ADDRESS_FIX}; its client said: {detail}")


def reply_kind_error(llm: Any, reply: _Reply, what: str = "") -> LLMReplyError:
    """The error of a call to ``llm`` whose server answered ``what`` with a reply of a content type that
    is not JSON (``reply``: a proxy's login page, ``text/html``, status 200): its address and kind, and
    where to look."""
    kind = "an HTML page" if reply.content_type == "text/html" else "a reply"
    return LLMReplyError(
        f"The LLM {model_name(_inner(llm))}'s server at {reply.url} answered with {kind} ({reply.content_type}, "
        f"status {reply.status}){' ' + what if what else ''}, not as the chat API does (JSON): {ADDRESS_FIX}, "
        "and that no proxy's login page stands in the way")


def invoke_within(runnable: Any, value: Any, timeout_s: float, *, llm: Any = None, what: str = "") -> Any:
    """``runnable.invoke(value)``, or :class:`LLMTimeoutError` (:func:`timeout_error`) when it has
    not returned within ``timeout_s``; ``llm`` is the chat model ``runnable`` calls (default:
    ``runnable``), named in the error. The call runs in a daemon thread (:func:`_in_daemon_thread`),
    left to run on past the limit; its error, when it fails in time, is raised as it is, but for a
    reply that is not JSON (:func:`not_json_error`, :func:`reply_kind_error`). In a run whose earlier
    call to ``llm`` timed out (:func:`llm_run`) it raises :class:`LLMTimeoutError` at once."""
    model = llm if llm is not None else runnable
    _check_run(model, timeout_s, what)
    with _watching(model) as replies:
        future = _in_daemon_thread(lambda: runnable.invoke(value))
    done, _ = concurrent.futures.wait([future], timeout=timeout_s)
    if not done:
        raise _timed_out(model, timeout_s, what)
    try:
        return future.result()
    except Exception as exc:
        error = _read_error(model, exc, replies, what)
        if error is exc:
            raise
        raise error from exc


async def ainvoke_within(runnable: Any, value: Any, timeout_s: float, *, llm: Any = None, what: str = "") -> Any:
    """``await runnable.ainvoke(value)``, or :class:`LLMTimeoutError` when it has not answered within
    ``timeout_s``. A chat model with async code of its own (:func:`_has_own_async`, checked on
    ``llm``, default ``runnable``) is awaited and cancelled at the limit; any other call runs
    ``runnable.invoke`` in a daemon thread (:func:`_in_daemon_thread`) that is left behind."""
    model = llm if llm is not None else runnable
    _check_run(model, timeout_s, what)
    with _watching(model) as replies:
        if _has_own_async(model):
            call: asyncio.Future[Any] = asyncio.ensure_future(runnable.ainvoke(value))
        else:
            call = asyncio.wrap_future(_in_daemon_thread(lambda: runnable.invoke(value)))
    try:
        done, _ = await asyncio.wait({call}, timeout=timeout_s)
    finally:
        if not call.done():
            call.cancel()
    if not done:
        raise _timed_out(model, timeout_s, what)
    try:
        return call.result()
    except Exception as exc:
        error = _read_error(model, exc, replies, what)
        if error is exc:
            raise
        raise error from exc


def _read_error(llm: Any, error: Exception, replies: list[_Reply], what: str) -> Exception:
    """The error to raise for a call to ``llm`` that failed with ``error``: :func:`reply_kind_error`
    when its server answered with a content type that is not JSON (whatever the client then failed
    with), :func:`not_json_error` for a reply its client could not decode, else ``error`` itself."""
    odd = [r for r in replies if r.odd]
    if odd:
        return reply_kind_error(llm, odd[-1], what)
    if isinstance(error, _NOT_JSON):
        return not_json_error(llm, error, what)
    return error


_CALLS = CallCounter()
"""The calls :func:`_in_daemon_thread` runs (:func:`calls_running`)."""


def calls_running() -> int:
    """How many chat model calls run in daemon threads of their own (:func:`invoke_within`, and
    :func:`ainvoke_within` for a model without async code): once every run has returned, the calls
    left behind at their time limit that have not ended yet (a thread cannot be stopped).
    :func:`hugginggpt_tools.execution.calls_running` counts them with the runs' model calls."""
    return _CALLS.running


def _in_daemon_thread(call: Callable[[], T]) -> concurrent.futures.Future[T]:
    """The future of ``call()`` run in a daemon thread of its own (:class:`~hugginggpt_tools.workers.DaemonPool`),
    in a copy of the caller's context (LangChain's callbacks and the pipeline's LLM call counting follow
    it): a call that hangs never keeps the process from ending. It is counted (:func:`calls_running`)
    while it runs, also when nobody waits for it any more."""
    return in_daemon_thread(_CALLS.count, call, name="hugginggpt-llm-call")


@dataclass(frozen=True)
class _Reply:
    """One HTTP reply a chat model's client read during a call (:func:`_watching`): its address (no
    query), status and content type (lower case, without parameters)."""

    url: str
    status: int
    content_type: str

    @property
    def odd(self) -> bool:
        """A successful reply of a content type no chat API sends: not JSON, not a stream of events."""
        return (200 <= self.status < 300 and bool(self.content_type)
                and not self.content_type.endswith(("json", "event-stream", "ndjson")))


_REPLIES: contextvars.ContextVar[list[_Reply] | None] = contextvars.ContextVar("hugginggpt_llm_replies", default=None)


@contextlib.contextmanager
def _watching(llm: Any) -> Iterator[list[_Reply]]:
    """A list that gets the HTTP replies ``llm``'s client reads in the calls started in the block (in
    the threads and tasks the block starts, which copy its context): the client's response hooks are
    added once (:func:`_hook_replies`), and note a reply only while a call watches."""
    _hook_replies(llm)
    replies: list[_Reply] = []
    token = _REPLIES.set(replies)
    try:
        yield replies
    finally:
        _REPLIES.reset(token)


def _hook_replies(llm: Any) -> None:
    """Add :func:`_note_reply` to the response hooks of the httpx clients of ``llm`` (unwrapped), when
    it has OpenAI's (``root_client`` and ``root_async_client``, as LangChain's OpenAI-compatible chat
    models do), once; models without them are left as they are."""
    model = _inner(llm)
    for attr, hook in (("root_client", _note_reply), ("root_async_client", _anote_reply)):
        hooks = getattr(getattr(getattr(model, attr, None), "_client", None), "event_hooks", None)
        if isinstance(hooks, dict) and isinstance(hooks.get("response"), list) and hook not in hooks["response"]:
            hooks["response"].append(hook)


def _note_reply(response: Any) -> None:
    """An httpx response hook: note the reply for the call that watches (:func:`_watching`), if any."""
    replies = _REPLIES.get()
    if replies is None:
        return
    url = response.request.url
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    replies.append(_Reply(str(url.copy_with(query=None, fragment=None)), response.status_code, content_type))


async def _anote_reply(response: Any) -> None:
    """:func:`_note_reply` for an async client."""
    _note_reply(response)


def _inner(llm: Any) -> Any:
    """The chat model inside ``llm`` when it is wrapped (``bind``, ``with_retry``, ``with_fallbacks``)."""
    for _ in range(8):
        inner = getattr(llm, "bound", None) or getattr(llm, "runnable", None)
        if inner is None:
            return llm
        llm = inner
    return llm


def _has_own_async(llm: Any) -> bool:
    """Whether ``llm`` (unwrapped, :func:`_inner`) is a chat model with async code of its own, which a
    cancel at the time limit stops. Another's ``ainvoke`` runs its sync code in asyncio's default
    executor, whose thread would outlive the limit and keep ``asyncio.run`` waiting for it."""
    from langchain_core.language_models import BaseChatModel  # loaded already by any chat model

    model = _inner(llm)
    return isinstance(model, BaseChatModel) and type(model)._agenerate is not BaseChatModel._agenerate


__all__ = ["ADDRESS_FIX", "TIMEOUT_PROVIDERS", "LLMRun", "ainvoke_within", "calls_running", "invoke_within", "llm_run",
           "llm_timeout", "load_llm", "model_name", "not_json_error", "reply_kind_error", "timeout_error", "wait_longer_fix"]
