"""The LangServe app: the agent under ``/hugginggpt``, file upload and artifact download.

Routes:

* ``/hugginggpt/invoke``, ``/batch``, ``/stream``, ``/stream_events``, ``/playground/`` and
  the schemas (LangServe). Input ``{"input": str, "files": [...], "chat_history": [...]}``.
  The ``X-Session-Id`` header, or the run config's ``configurable.session_id`` (what
  ``RemoteRunnable(...).invoke(x, config={"configurable": {"session_id": "s1"}})`` sends;
  LangGraph's ``thread_id`` alike), makes requests share a session (multi-turn), scoped to the
  API key either way; a header and a config naming different sessions are a 400. The served output
  speaks in download URLs: ``answer.urls`` holds the ``/artifacts/...`` URL of each of
  ``answer.files`` (the server paths, which later requests may name in ``files``, as they may
  the URLs), and every other place a file of the output folder shows, in every endpoint's output
  and stream event (texts, a result's ``data.path`` and ``inputs``, artifacts' ``path``, the
  ``answer_ready`` event's ``files``), names it by its URL (:func:`served_output`): only
  ``answer.files`` carries server paths. An input that is not a non-empty request
  is answered 400 before the run starts, on ``/stream*`` too (to a client of server-sent events,
  as LangServe's ``error`` event with ``status_code`` 400 and the message), and so is an input
  with a key the agent does not read or a ``chat_history`` item that is not a message (messages,
  ``["human", text]`` pairs and ``{"role": "user", "content": text}`` dicts are). The controller
  LLM failing while planning (the provider down, ...) is a 502 naming its error; any other
  failure of the server is a 500 naming the error's type (its traceback goes to the server log).
  On ``/stream*`` either is the stream's ``error`` event, after which the stream ends properly.
  A fix worded for the command line or the Python API ("--file PATH", "files=[...]") is worded
  for a client of the server (:data:`SERVER_FILE_FIX`: upload with ``POST /files``). A client
  that disconnects before its answer has its run cancelled, on ``/invoke`` and ``/batch`` as on
  ``/stream*`` (:class:`_CancelOnDisconnect`).
* ``POST /files``: upload a file (multipart field ``file``); the answer's ``path`` (or its
  ``url``) goes into the agent input's ``files``; an empty file (0 bytes) is a 400. The file keeps
  its own name ("my sign.png"; only characters unsafe in a file name and ``()+,@`` become ``_``), in
  a folder of its own; sent with an ``X-Session-Id`` header, it is an upload of that session. A
  request may name an upload by its name alone, without ``files``: the session's latest upload of
  that name, else, with API keys, the key's only one; without keys only the session's uploads
  (:mod:`~hugginggpt_tools.server_uploads`).
* ``GET /artifacts/{session_id}/{name}``: download a file a run wrote (``artifact_url``). With
  API keys, only with the key whose request uploaded or made it (in its header), or with the
  signed link (``?exp=...&sig=...``) the answers and ``POST /files`` give, until it expires
  (``HUGGINGGPT_LINK_EXPIRY_HOURS``): 401 without a key, 403 with another key, a bad
  signature, an expired link ("link expired ...; ask the server for the result again") or a
  link without ``exp`` (the older, never-expiring form).
* ``GET /health``.

Settings (environment): ``HUGGINGGPT_API_KEYS`` (comma-separated; when set, every route but
``/health`` needs ``X-API-Key: KEY`` or ``Authorization: Bearer KEY``, each key's sessions,
uploads and outputs are its own, and download URLs are signed links),
``HUGGINGGPT_LINK_EXPIRY_HOURS`` (how long a signed link lasts; default 24), ``HUGGINGGPT_RATE_LIMIT``
(requests a minute per key, or per client address without keys; default 60, 0 turns it off),
``HUGGINGGPT_RATE_BURST`` (default 20), ``HUGGINGGPT_CORS_ORIGINS`` (comma-separated),
``HUGGINGGPT_MAX_REQUEST_MB`` (default 50).
Each run learns of its controller LLM as any invocation of the agent does
(:func:`~hugginggpt_tools.llms.llm_run`): once it has not answered one call within
``HUGGINGGPT_LLM_TIMEOUT``, the run's later calls to it fall back at once. ``hugginggpt serve`` stopped (Ctrl-C, SIGTERM) waits
``--shutdown-timeout`` seconds (:data:`~hugginggpt_tools.cli.serve.SHUTDOWN_TIMEOUT_S`, 10) for the
requests in progress, then cancels them.
:class:`~hugginggpt_tools.server_guard.Guard` enforces keys, rate and size, and answers 400
when an /invoke, /batch or /stream* body (also under ``/c/{config}/``) names a file that is not
an upload (nor in the output folder; with keys, another key's file is "not yours", whether or
not it exists); a file may be named by its path, its ``/artifacts/...`` URL or this server's
full ``http(s)://HOST/artifacts/...`` URL, on both route families alike. The pipeline keeps such
files untrusted too, and of the output folder's files only the request's session's outputs: the
plan's ``missing`` says another session's output is one (send that session's
``X-Session-Id``), and a task naming one is refused. Relative file arguments start in the
uploads folder, never in the server's working folder.
LangServe is in maintenance upstream; this module is the only one that imports it, and
``agents/langgraph.json`` deploys the same graph with the LangGraph CLI.
"""


import asyncio
import json
import logging
import math
import os
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from pydantic import BaseModel, Field, create_model
from typing_extensions import TypedDict

from .artifacts import check_session_id
from .config import Settings, get_settings
from .errors import AgentInputError, ConfigError, InputError, LLMCallError, MissingExtraError, PlanError
from .policy import GIVE_FILE_FIX
from .ratelimit import RateLimiter
from .redaction import redact
from .schemas import Answer
from .server_guard import (
    ARTIFACTS_URL,
    DEFAULT_LINK_HOURS,
    UPLOADS,
    Guard,
    agent_inputs,
    agent_routes,
    key_error,
    key_fingerprint,
    link_problem,
    owner_fingerprint,
    scoped_session,
    signed_link,
    valid_key,
)
from .server_uploads import Uploads, with_named_uploads

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = 60.0
DEFAULT_RATE_BURST = 20
DEFAULT_MAX_REQUEST_MB = 50.0
STREAM_ENDPOINTS = ("/stream", "/stream_log", "/stream_events")


def _require_serve() -> None:
    try:
        import fastapi  # noqa: F401
        import langserve  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(exc.name or "langserve", "serve", "the LangServe endpoint") from exc


def _env_list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def _env_number(name: str, default: float, *, positive: bool = False) -> float:
    """The number in environment variable ``name`` (``default`` when unset); with ``positive``,
    one above 0 (and finite). :class:`ConfigError` names the variable, its value and the fix."""
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number; set it to e.g. {default:g}.") from exc
    if positive and not 0 < value < math.inf:
        raise ConfigError(f"{name}={raw!r} must be a number above 0; set it to e.g. {default:g}.")
    return value


def max_request_bytes(max_request_mb: float | None = None) -> int:
    """The largest request body, in bytes: ``max_request_mb`` megabytes when given (and not 0),
    else ``HUGGINGGPT_MAX_REQUEST_MB`` (default 50), which must be a number above 0."""
    mb = max_request_mb or _env_number("HUGGINGGPT_MAX_REQUEST_MB", DEFAULT_MAX_REQUEST_MB, positive=True)
    return int(mb * 2**20)


def link_lifetime_s(link_hours: float | None = None) -> float:
    """How long a signed download link lasts, in seconds: ``link_hours`` hours when given (and
    not 0), else ``HUGGINGGPT_LINK_EXPIRY_HOURS`` (default 24), which must be a number above 0."""
    hours = link_hours or _env_number("HUGGINGGPT_LINK_EXPIRY_HOURS", DEFAULT_LINK_HOURS, positive=True)
    return hours * 3600


def rate_limiter(per_minute: float | None = None, burst: int | None = None) -> RateLimiter | None:
    """The server's limiter from the arguments or ``HUGGINGGPT_RATE_LIMIT`` / ``_BURST``; None when 0."""
    rate = per_minute if per_minute is not None else _env_number("HUGGINGGPT_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    size = burst if burst is not None else int(_env_number("HUGGINGGPT_RATE_BURST", DEFAULT_RATE_BURST))
    return RateLimiter(rate, size) if rate > 0 else None


async def check_inputs(request: Any) -> None:
    """Raise :class:`AgentInputError` (answered 400) when an agent request's input, or one of a
    batch's inputs, is not an object with a non-empty ``input`` request, has a key the agent does
    not read, or a ``chat_history`` that is not a list of messages: the checks the graph makes,
    made before the run starts, so ``/stream`` answers them as a client error too."""
    from .pipeline import chat_messages, check_keys, check_request

    try:
        body = await request.json()
    except ValueError:
        return  # LangServe answers malformed JSON itself
    for item in agent_inputs(body):
        if not isinstance(item, dict):
            raise AgentInputError(f"The request body's 'input' must be an object, got {item!r:.80}: send "
                                  '{"input": {"input": "your request", "files": ["<path from POST /files>"]}}.')
        check_request(item.get("input"))
        check_keys(item)
        chat_messages(item.get("chat_history"))


_FAILURES: ContextVar[list[str] | None] = ContextVar("hugginggpt_served_failures", default=None)
"""The messages of the controller LLM's failures (:class:`~hugginggpt_tools.errors.LLMCallError`)
in the request being served, for :class:`_StreamErrors`."""
_GENERIC_ERROR = json.dumps({"status_code": 500, "message": "Internal Server Error"}).encode()
"""LangServe's ``error`` event data for any error raised while it streams."""
_ERROR_EVENT = re.compile(rb"(?:^|\n)event: error\r?\n")
"""An ``error`` event's first line in a stream's body (a data line's JSON cannot hold a line break)."""


class _StreamErrors:
    """ASGI middleware: a ``/stream*`` answer's ``error`` event for a run the controller LLM failed
    says so, ``{"status_code": 502, "message": ...}`` (``RemoteRunnable`` raises it as an
    ``httpx.HTTPStatusError`` with status 502 and the message) instead of LangServe's generic
    500 "Internal Server Error", which it sends for any error once the stream has started. LangServe
    raises the error again after that event; the stream is then ended properly (its last, empty
    body), not cut off, and the error logged in one line (a controller LLM's failure) or with its
    traceback (any other)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        failures: list[str] = []
        token = _FAILURES.set(failures)
        stream = {"events": False, "ended": False, "error_sent": False}

        async def rewrite(message: Any) -> None:
            if message["type"] == "http.response.start":
                stream["events"] = any(k.lower() == b"content-type" and v.startswith(b"text/event-stream")
                                       for k, v in message.get("headers", []))
            if message["type"] == "http.response.body":
                if failures and _GENERIC_ERROR in message.get("body", b""):
                    said = json.dumps({"status_code": 502, "message": failures[-1]}).encode()
                    message = {**message, "body": message["body"].replace(_GENERIC_ERROR, said)}
                stream["error_sent"] |= bool(_ERROR_EVENT.search(message.get("body", b"")))
                stream["ended"] = not message.get("more_body")
            await send(message)

        try:
            await self.app(scope, receive, rewrite)
        except Exception as exc:
            if not stream["events"] or stream["ended"]:  # not a started stream: the app's error handlers'
                raise
            await _end_stream(exc, failures, not stream["error_sent"], send, scope.get("path", ""))
        finally:
            _FAILURES.reset(token)


async def _end_stream(exc: Exception, failures: list[str], tell: bool, send: Any, path: str) -> None:
    """End a server-sent-events answer that ``exc`` broke off: the ``error`` event first when ``tell``
    (LangServe had no chance to send it), then the last, empty body. The controller LLM's failure
    (``failures``) is logged in one line, anything else with its traceback."""
    if failures:
        logger.warning("%s: the stream ended with an error event: %s", path, failures[-1])
    else:
        logger.error("%s: the stream ended with an error event", path, exc_info=exc)
    said = {"status_code": 502, "message": failures[-1]} if failures else json.loads(_GENERIC_ERROR)
    event = f"event: error\r\ndata: {json.dumps(said)}\r\n\r\n".encode() if tell else b""
    try:
        await send({"type": "http.response.body", "body": event, "more_body": False})
    except (OSError, RuntimeError):  # the client has gone
        pass


class _CancelOnDisconnect:
    """ASGI middleware: the run of an ``/invoke`` or ``/batch`` request (also under ``/c/{config}/``)
    whose client disconnects before its answer is sent is cancelled, as LangServe's ``/stream*``
    routes cancel theirs, so a client that gives up (``curl -m 4``) leaves no run going (a
    text-to-speech stops at its next sentence) and stopping the server waits on none. The client's
    messages are read as they come and handed on to the app, which gets the disconnect too."""

    def __init__(self, app: Any, agent_path: str = "/hugginggpt") -> None:
        self.app = app
        self.routes = agent_routes(agent_path, ("/invoke", "/batch"))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "POST" or not self.routes.fullmatch(path.rstrip("/")):
            await self.app(scope, receive, send)
            return
        messages: asyncio.Queue[Any] = asyncio.Queue()
        answered = asyncio.Event()

        async def listen() -> None:
            """Hand the client's messages on until it disconnects (also sent once the answer is)."""
            while (message := await receive())["type"] != "http.disconnect":
                messages.put_nowait(message)
            messages.put_nowait(message)

        async def answer(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                answered.set()
            await send(message)

        run = asyncio.ensure_future(self.app(scope, messages.get, answer))
        listener = asyncio.ensure_future(listen())
        try:
            await asyncio.wait({run, listener}, return_when=asyncio.FIRST_COMPLETED)
            gone = listener.done() and not listener.cancelled() and listener.exception() is None
            if gone and not run.done() and not answered.is_set():
                logger.info("%s: the client disconnected before the answer; its run is cancelled", path)
                run.cancel()
                await asyncio.wait({run})
                return
            await run
        finally:
            for task in (run, listener):
                task.cancel()


SESSION_KEYS = ("session_id", "thread_id")
"""The run config's ``configurable`` keys naming a session (:func:`with_session_config`)."""


def with_session_config(agent: Any, output_type: Any = None) -> Any:
    """``agent`` with ``configurable.session_id`` and ``thread_id`` in its config schema (and
    ``output_type`` as its output type, when given), so LangServe keeps them in a request's
    ``config`` (it drops the keys a runnable's schema lacks) and ``/config_schema`` shows them;
    :func:`_session_modifier` then scopes the session they name to the caller's API key."""
    from langchain_core.runnables import RunnableBinding
    from langchain_core.runnables.utils import ConfigurableFieldSpec

    # a plain string ("" for none): the playground shows no form at all for an Optional one
    specs = [ConfigurableFieldSpec(
        id=key, annotation=str, default="", name=key if key == "session_id" else f"{key} (same as session_id)",
        description="The session the run belongs to (its chat history, files and outputs carry over), as the "
                    "X-Session-Id header names it; scoped to the API key.")
        for key in SESSION_KEYS]

    class SessionConfigurable(RunnableBinding):
        @property
        def config_specs(self) -> list[ConfigurableFieldSpec]:
            own = list(super().config_specs)
            return [*own, *(spec for spec in specs if spec.id not in {c.id for c in own})]

        async def astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:  # stream_log and _events too
            """The bound agent's stream; the controller LLM's failure noted for :class:`_StreamErrors`."""
            async for chunk in _noting_llm_failure(super().astream(*args, **kwargs)):
                yield chunk

        async def astream_events(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            async for event in _noting_llm_failure(super().astream_events(*args, **kwargs)):
                yield event

    async def _noting_llm_failure(stream: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """``stream``'s items; the controller LLM's failure (:class:`LLMCallError`) is noted for
        :class:`_StreamErrors` on its way out."""
        try:
            async for item in stream:
                yield item
        except LLMCallError as exc:
            failures = _FAILURES.get()
            if failures is not None:
                failures.append(redact(str(exc)))
            raise

    return SessionConfigurable(bound=agent, kwargs={}, config={}, custom_output_type=output_type)


def _session_modifier(keys: list[str], work_dir: Path | None = None) -> Any:
    """Put the session the ``X-Session-Id`` header or the config's ``configurable.session_id`` (or
    ``thread_id``) names into the run's ``configurable.session_id`` (prefixed with the caller's key
    fingerprint when keys are configured, so keys never share a session; with keys and neither,
    a fresh session of the key, so its outputs are the key's too) and ``work_dir`` (the uploads
    folder) into ``configurable.hugginggpt_work_dir``: file arguments start there, and the
    server's own working folder is out of reach. A bad session id, ``uploads`` (the uploads
    folder's name), or a header and a config naming different sessions, is a 400."""

    def modify(config: dict[str, Any], request: Any) -> dict[str, Any]:
        from fastapi import HTTPException

        configurable = {**config.get("configurable", {}),
                        "hugginggpt_work_dir": str(work_dir) if work_dir else None}
        named = {f"config.configurable.{k}": v for k in SESSION_KEYS if (v := configurable.pop(k, None))}
        if request.headers.get("x-session-id"):
            named = {"X-Session-Id": request.headers["x-session-id"], **named}
        if len(set(named.values())) > 1:
            given = " and ".join(f"{where} {value!r:.60}" for where, value in named.items())
            raise HTTPException(400, f"{given} name different sessions; name the session once (the X-Session-Id "
                                     "header, or config.configurable.session_id).")
        key = valid_key(request.headers, keys) if keys else None
        scoped = scoped_session(next(iter(named.values()), None), key)
        if key:  # its uploads only, checked again by the pipeline (the guard has read the body's files)
            configurable["hugginggpt_owner"] = key_fingerprint(key)
        if scoped is None and key:
            scoped = f"{key_fingerprint(key)}-{uuid.uuid4().hex[:12]}"
        if scoped is not None:
            configurable["session_id"] = _checked_session(scoped, next(iter(named), "X-Session-Id"))
        return {**config, "configurable": configurable}

    return modify


def _checked_session(scoped: str, where: str) -> str:
    """``scoped`` (a session id scoped to the key, :func:`scoped_session`) when it is a good one; a
    400 naming ``where`` it came from otherwise (a bad id, or ``uploads``, the uploads folder's name)."""
    from fastapi import HTTPException

    if scoped == UPLOADS:
        raise HTTPException(400, f"{where}: {UPLOADS!r} is the uploads folder's name; choose another id.")
    try:
        return check_session_id(scoped)
    except InputError as exc:
        raise HTTPException(400, f"{where}: {exc}") from exc


def artifact_url(path: str | Path, settings: Settings | None = None) -> str:
    """The download URL path of a file the agent wrote under ``settings.output_dir``, not %-escaped
    (what a signed link signs: :func:`download_url`)."""
    root = (settings or get_settings()).output_dir.resolve()
    return "/artifacts/" + Path(path).resolve().relative_to(root).as_posix()


def download_url(path: str | Path, settings: Settings | None = None, keys: Sequence[str] = (),
                 link_s: float = DEFAULT_LINK_HOURS * 3600) -> str:
    """The URL a client downloads ``path`` (under ``settings.output_dir``) with: its
    :func:`artifact_url`, a signed link with ``keys`` (lasting ``link_s`` seconds), its path
    %-escaped (an upload's name may hold spaces: ``my%20sign.png``)."""
    url, mark, query = signed_link(artifact_url(path, settings), keys, link_s).partition("?")
    return quote(url, safe="/") + mark + query


_CLI_FIX = re.escape(GIVE_FILE_FIX)
_CLI_FIXES = re.compile(_CLI_FIX + r"(?: or give its full path\.|, copy it into the working folder, or add its folder "
                        r"to HUGGINGGPT_ALLOWED_DIRS \(Settings\.allowed_dirs\)\.)")
SERVER_FILE_FIX = 'Upload it with POST /files and pass the "path" it returns in the request\'s "files".'
"""How a client of the server gives a file: what its answers say in place of the command line's fix."""


def server_fixes(text: str) -> str:
    """``text`` with each fix worded for the command line and the Python API ("Give it with the
    request (--file PATH on the command line, files=[...] in Python) or give its full path.") worded
    for a client of the server instead (:data:`SERVER_FILE_FIX`)."""
    if "--file PATH" not in text:
        return text
    text = _CLI_FIXES.sub(SERVER_FILE_FIX, text)
    return re.sub(_CLI_FIX, SERVER_FILE_FIX.removesuffix("."), text)


_ERROR_FIELDS = frozenset({"error", "missing", "notes", "warnings"})
"""The fields whose strings are errors and warnings (a result's ``error`` and ``warnings``, the plan's
``missing``, ``notes`` and ``warnings``): :func:`server_fixes` rewrites only them and the answer's text."""


def answer_fixes(text: str, answer: Answer) -> str:
    """``answer``'s ``text`` (or the ``output`` beside it) with :func:`server_fixes` applied where
    it quotes an error: only when an error or warning of ``answer`` holds a fix worded for the
    command line, and never inside the request or a succeeded result's text it quotes (a summary
    of a document that holds the phrase stays as the model wrote it)."""
    plan = answer.plan
    said = [r.error or "" for r in answer.results] + [w for r in answer.results for w in r.warnings]
    if not any("--file PATH" in e for e in [*said, *plan.missing, *plan.notes, *plan.warnings]):
        return text
    kept = {answer.request, plan.read_as or "", *(r.text or "" for r in answer.results if r.status == "succeeded")}
    kept = sorted((k for k in kept if "--file PATH" in k), key=len, reverse=True)
    if not kept:
        return server_fixes(text)
    parts = re.split("(" + "|".join(map(re.escape, kept)) + ")", text)
    return "".join(part if i % 2 else server_fixes(part) for i, part in enumerate(parts))


ServedAnswer = create_model(  # Answer's fields, ``files`` a plain one (its artifacts' paths are URLs)
    "ServedAnswer",
    __doc__="An :class:`Answer` as the server sends it: ``urls`` beside ``files``, and files named by URL "
            "everywhere else (artifacts' ``path`` included), so ``files`` is given, not computed from them.",
    **{name: (field.annotation, field) for name, field in Answer.model_fields.items()},
    files=(list[str], Field(
        default_factory=list,
        description="The server paths of the files the run wrote (a later request of the session may name them).")),
    urls=(list[Optional[str]], Field(
        default_factory=list,
        description="The download URL (/artifacts/...) of each of `files`, in the same order; None for a "
                    "file outside the server's output folder.")),
)


class ServedOutput(TypedDict):
    """The served agent's output (the schema of ``/hugginggpt/output_schema``)."""

    output: str
    answer: ServedAnswer  # type: ignore[valid-type]


def _link(text: str | None, urls: dict[str, str]) -> str | None:
    """``text`` with each server path in ``urls`` replaced by its download URL (longest first)."""
    for path in sorted(urls, key=len, reverse=True):
        text = text.replace(path, urls[path]) if text else text
    return text


def served_output(value: Any, settings: Settings, keys: Sequence[str] = (),
                  link_s: float = DEFAULT_LINK_HOURS * 3600) -> Any:
    """``value`` (an agent output, a stream chunk or event) as the server sends it: each
    :class:`Answer` in it a :class:`ServedAnswer` dict, whose ``urls`` give each of ``files`` its
    download URL, and every other string naming a file of the output folder names it by its
    URL instead: a string that is such a file's path becomes its URL (a result's ``data.path``,
    ``inputs``, an artifact's ``path``, the ``answer_ready`` event's ``files``), and a text naming
    one (``output``, ``answer.text``, a result's ``text`` or ``error``) has it replaced. Only
    ``answer.files`` keeps the server paths (later requests may name files by them). With
    ``keys``, the URLs of files a key owns are its signed links (``?exp=...&sig=...``, lasting
    ``link_s`` seconds: :func:`~hugginggpt_tools.server_guard.signed_link`). Each path's URL is
    made once per call. A fix worded for the command line is worded for a client of the server
    (:func:`server_fixes`) in errors and warnings (:data:`_ERROR_FIELDS`) and where the answer's
    text quotes them (:func:`answer_fixes`), never in a model's output or the user's text. The
    Python API keeps its local paths; only the wire changes."""
    root = settings.output_dir.resolve()
    prefixes = sorted({str(p) for p in (root, settings.output_dir) if p.is_absolute() and str(p) != "/"},
                      key=len, reverse=True)
    made: dict[str, str | None] = {}

    def url(path: str) -> str | None:
        if path not in made:
            try:
                made[path] = download_url(path, settings, keys, link_s)
            except (ValueError, OSError):  # outside the output folder: not downloadable
                made[path] = None
        return made[path]

    def path_url(text: str, known: dict[str, str]) -> str:
        """``text`` with the output folder's files named by URL."""
        if text in known:
            return known[text]
        if any(text.startswith(p + "/") for p in prefixes) and Path(text).is_file():
            return url(text) or text
        text = _link(text, known) or text
        for prefix in prefixes:
            text = text.replace(prefix + "/", ARTIFACTS_URL)
        return text

    def answer(ans: Answer, known: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        paths = {a.path for a in ans.artifacts} | {a.path for r in ans.results for a in r.artifacts}
        urls = {p: u for p in paths for u in [url(p)] if u}
        urls |= {str(Path(p).resolve()): u for p, u in urls.items()}
        urls = {**known, **urls}
        dumped = walk(ans.model_dump(), urls)
        dumped["text"] = path_url(answer_fixes(ans.text, ans), urls)
        dumped["files"] = list(ans.files)
        dumped["urls"] = [url(f) for f in ans.files]
        return dumped, urls

    def walk(item: Any, known: dict[str, str], fix: bool = False) -> Any:
        """``item`` served; ``fix``: its strings are errors (:data:`_ERROR_FIELDS`)."""
        if isinstance(item, Answer):
            return answer(item, known)[0]
        if isinstance(item, dict):
            out: dict[Any, Any] = {}
            for key, value in item.items():  # an answer first: its siblings (``output``) name its files
                if isinstance(value, Answer):
                    out[key], found = answer(value, known)
                    known = found if key == "answer" else known
                    if key == "answer" and isinstance(item.get("output"), str):
                        out["output"] = path_url(answer_fixes(item["output"], value), known)
            for key, value in item.items():
                if key not in out:
                    out[key] = walk(value, known, fix or key in _ERROR_FIELDS)
            return {key: out[key] for key in item}
        if isinstance(item, BaseModel):  # a TaskResult, Plan, message: dumped as LangServe would dump it
            return walk(item.model_dump(), known, fix)
        if isinstance(item, (list, tuple)):
            return [walk(v, known, fix) for v in item]
        if isinstance(item, str):
            return server_fixes(path_url(item, known)) if fix else path_url(item, known)
        return item

    return walk(value, {})


def _serializer(settings: Settings, keys: Sequence[str] = (), link_s: float = DEFAULT_LINK_HOURS * 3600) -> Any:
    """LangServe's serializer, writing every output through :func:`served_output`."""
    from langserve.serialization import WellKnownLCSerializer

    class LinkingSerializer(WellKnownLCSerializer):
        def dumps(self, obj: Any) -> bytes:
            return super().dumps(served_output(obj, settings, keys, link_s))

    return LinkingSerializer()


def create_app(
    agent: Any = None, *, settings: Settings | None = None, api_keys: list[str] | None = None,
    cors_origins: list[str] | None = None, max_request_mb: float | None = None,
    rate_limit: float | None = None, rate_burst: int | None = None, link_hours: float | None = None,
) -> Any:
    """A FastAPI app serving ``agent`` (default: :func:`create_hugginggpt_agent` offline).

    ``rate_limit`` (requests a minute per key; 0 turns it off) and ``rate_burst`` default to
    ``HUGGINGGPT_RATE_LIMIT`` and ``HUGGINGGPT_RATE_BURST``; ``link_hours`` (how long a signed
    download link lasts, with keys) to ``HUGGINGGPT_LINK_EXPIRY_HOURS`` (24).
    """
    _require_serve()
    from fastapi import FastAPI, File, HTTPException, Request, UploadFile
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import FileResponse
    from langserve import add_routes

    from .pipeline import create_hugginggpt_agent

    settings = settings or get_settings()
    agent = agent if agent is not None else create_hugginggpt_agent(settings=settings)
    keys = api_keys if api_keys is not None else _env_list("HUGGINGGPT_API_KEYS")
    limit = max_request_bytes(max_request_mb)
    link_s = link_lifetime_s(link_hours)
    root = settings.output_dir.resolve()
    uploads = Uploads(root / UPLOADS)
    app = FastAPI(title="hugginggpt-tools", description="HuggingGPT agent on LangServe")

    app.add_middleware(_CancelOnDisconnect)  # an /invoke whose client has gone stops
    app.add_middleware(_StreamErrors)  # it sees the app's stream before the guard
    app.add_middleware(Guard, keys=keys, limiter=rate_limiter(rate_limit, rate_burst), max_bytes=limit,
                       file_roots=settings.allowed_dirs, uploads=root / UPLOADS, artifacts=root, outputs=root)

    origins = cors_origins if cors_origins is not None else _env_list("HUGGINGGPT_CORS_ORIGINS")
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])

    async def bad_request(request: Any, exc: Exception) -> Any:
        """An error of the request (an empty input, a plan that cannot be made) is the client's to
        fix: 400 with the message, not a bare 500. A ``/stream*`` request from a client of server-sent
        events (``Accept: text/event-stream``: ``RemoteRunnable``, the playground) gets it the way
        LangServe's stream protocol reports errors, an ``error`` event ``{"status_code": 400,
        "message": ...}`` (``RemoteRunnable`` raises it as an ``httpx.HTTPStatusError`` with status
        400 and the message; an HTTP 400 would reach it without the message)."""
        from fastapi.responses import JSONResponse, Response

        streaming = request.url.path.rstrip("/").endswith(STREAM_ENDPOINTS)
        message = server_fixes(str(exc))
        if streaming and "text/event-stream" in request.headers.get("accept", ""):
            data = json.dumps({"status_code": 400, "message": message})
            return Response(f"event: error\ndata: {data}\n\n", media_type="text/event-stream")
        return JSONResponse({"detail": message}, status_code=400)

    for error in (InputError, PlanError):  # a ConfigError is the server's own setup: a 500
        app.add_exception_handler(error, bad_request)

    async def upstream_failed(request: Any, exc: Exception) -> Any:
        """The controller LLM failed while planning: 502 (Bad Gateway) with the message naming its error."""
        from fastapi.responses import JSONResponse

        return JSONResponse({"detail": redact(str(exc))}, status_code=502)

    async def server_failed(request: Any, exc: Exception) -> Any:
        """Any other error: 500 with one line naming its type (not its message, which may hold the
        server's details; the server log has the traceback)."""
        from fastapi.responses import JSONResponse

        return JSONResponse({"detail": f"internal server error ({type(exc).__name__}); the server's log has the "
                                       "details"}, status_code=500)

    app.add_exception_handler(LLMCallError, upstream_failed)
    app.add_exception_handler(Exception, server_failed)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/files")
    async def upload(request: Request, file: UploadFile = File(...)) -> dict[str, Any]:
        """Save the file under its own name in a fresh folder of the uploads (named after the
        caller's key when keys are configured: only that key may name or download it), as an
        upload of the ``X-Session-Id`` header's session, when it names one (its requests may name
        the file by its name alone: :class:`~hugginggpt_tools.server_uploads.Uploads`)."""
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"file larger than {limit} bytes")
        if not data:
            raise HTTPException(400, f"the uploaded file {file.filename or '(no name)'!r:.120} is empty (0 bytes): upload "
                                     "the file with its content (multipart field 'file', e.g. curl -F "
                                     "'file=@photo.png'), checking its path and that it is not empty on disk")
        key = valid_key(request.headers, keys) if keys else None
        session = scoped_session(request.headers.get("x-session-id"), key)
        path = uploads.save(file.filename, data, key, session and _checked_session(session, "X-Session-Id"))
        return {"name": path.name, "path": str(path), "bytes": len(data),
                "url": download_url(path, settings, keys, link_s)}

    @app.get("/artifacts/{folder}/{subpath:path}")
    async def download(folder: str, subpath: str, request: Request) -> Any:
        """The file; with keys, only for the key owning it (its header) or its signed link
        while it lasts (:func:`~hugginggpt_tools.server_guard.link_problem`)."""
        if "\0" in folder + subpath:
            raise HTTPException(404, "no such artifact")
        path = (root / folder / subpath).resolve()
        if not path.is_relative_to(root):
            raise HTTPException(404, "no such artifact")
        if keys:  # before looking for the file: another key learns nothing of what exists
            rel = path.relative_to(root).as_posix()
            key, sig = valid_key(request.headers, keys), request.query_params.get("sig")
            if not (key and owner_fingerprint(rel) == key_fingerprint(key)):
                if sig:
                    problem = link_problem(rel, request.query_params.get("exp"), sig, keys)
                    if problem:
                        raise HTTPException(403, problem)
                elif key is None:
                    raise HTTPException(401, key_error(ARTIFACTS_URL))
                else:
                    raise HTTPException(403, "this file belongs to another API key: download it with the key whose "
                                             "request uploaded or made it (X-API-Key header), or with the signed link "
                                             "its answer gave")
        if not path.is_file():
            raise HTTPException(404, "no such artifact")
        return FileResponse(path)

    served = "answer" in (agent.get_output_jsonschema().get("properties") or {})  # the agent's output, with urls
    agent = with_session_config(with_named_uploads(agent, uploads), ServedOutput if served else None)
    session = _session_modifier(keys, root / UPLOADS)

    async def modify(config: dict[str, Any], request: Any) -> dict[str, Any]:
        """Every run endpoint's inputs checked (a 400 before a stream starts), then the session."""
        await check_inputs(request)
        return session(config, request)

    add_routes(app, agent, path="/hugginggpt", serializer=_serializer(settings, keys, link_s),
               per_req_config_modifier=modify)
    return app


__all__ = ["SERVER_FILE_FIX", "SESSION_KEYS", "ServedAnswer", "ServedOutput", "artifact_url", "check_inputs",
           "create_app", "download_url", "link_lifetime_s", "served_output", "server_fixes", "with_session_config"]
