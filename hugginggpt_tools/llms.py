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
rather than left as a decoding error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import json
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ConfigError, LLMCallError, LLMTimeoutError
from .workers import DaemonPool

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
    longer = f"{timeout_s * 2:g}"
    return LLMTimeoutError(
        f"The LLM {model_name(_inner(llm))} did not answer within {timeout_s:g} s{' ' + what if what else ''} "
        f"(HUGGINGGPT_LLM_TIMEOUT); to wait longer, set HUGGINGGPT_LLM_TIMEOUT={longer} (in Python "
        f"Settings(llm_timeout_s={longer})), else check that the LLM's server answers (its address, such as "
        "OPENAI_BASE_URL, and its status)", timeout_s)


_NOT_JSON = (UnicodeDecodeError, json.JSONDecodeError)
"""What the provider's client raises when reading a reply that is not JSON: the server is no
OpenAI-compatible (or other chat API) server, whatever its key and quota."""


def not_json_error(llm: Any, error: BaseException, what: str = "") -> LLMCallError:
    """The error of a call to ``llm`` whose server answered with something that is not JSON (``error``:
    a ``UnicodeDecodeError`` or ``JSONDecodeError`` from its client) ``what`` ("while planning the
    request"), with where to look: the server's address, not its key or quota."""
    detail = " ".join(str(error).split())
    detail = detail if len(detail) <= 160 else detail[:160] + "..."
    return LLMCallError(  # the fix first: one-line reports of the error clip it at 200 characters
        f"The LLM {model_name(_inner(llm))}'s server answered with something that is not JSON "
        f"({type(error).__name__}){' ' + what if what else ''}: check that OPENAI_BASE_URL points at an "
        f"OpenAI-compatible server (its address usually ends in /v1), or your provider's address setting; "
        f"its client said: {detail}")


def invoke_within(runnable: Any, value: Any, timeout_s: float, *, llm: Any = None, what: str = "") -> Any:
    """``runnable.invoke(value)``, or :class:`LLMTimeoutError` (:func:`timeout_error`) when it has
    not returned within ``timeout_s``; ``llm`` is the chat model ``runnable`` calls (default:
    ``runnable``), named in the error. The call runs in a daemon thread (:func:`_in_daemon_thread`),
    left to run on past the limit; its error, when it fails in time, is raised as it is, but for a
    reply that is not JSON (:func:`not_json_error`)."""
    future = _in_daemon_thread(lambda: runnable.invoke(value))
    done, _ = concurrent.futures.wait([future], timeout=timeout_s)
    if not done:
        raise timeout_error(llm if llm is not None else runnable, timeout_s, what)
    try:
        return future.result()
    except _NOT_JSON as exc:
        raise not_json_error(llm if llm is not None else runnable, exc, what) from exc


async def ainvoke_within(runnable: Any, value: Any, timeout_s: float, *, llm: Any = None, what: str = "") -> Any:
    """``await runnable.ainvoke(value)``, or :class:`LLMTimeoutError` when it has not answered within
    ``timeout_s``. A chat model with async code of its own (:func:`_has_own_async`, checked on
    ``llm``, default ``runnable``) is awaited and cancelled at the limit; any other call runs
    ``runnable.invoke`` in a daemon thread (:func:`_in_daemon_thread`) that is left behind."""
    model = llm if llm is not None else runnable
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
        raise timeout_error(model, timeout_s, what)
    try:
        return call.result()
    except _NOT_JSON as exc:
        raise not_json_error(model, exc, what) from exc


def _in_daemon_thread(call: Callable[[], T]) -> concurrent.futures.Future[T]:
    """The future of ``call()`` run in a daemon thread of its own (:class:`~hugginggpt_tools.workers.DaemonPool`),
    in a copy of the caller's context (LangChain's callbacks and the pipeline's LLM call counting follow
    it): a call that hangs never keeps the process from ending."""
    pool = DaemonPool(1, thread_name_prefix="hugginggpt-llm-call")
    try:
        return pool.submit(contextvars.copy_context().run, call)
    finally:
        pool.shutdown(wait=False)  # the thread ends once the call does


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


__all__ = ["TIMEOUT_PROVIDERS", "ainvoke_within", "invoke_within", "llm_timeout", "load_llm",
           "model_name", "not_json_error", "timeout_error"]
