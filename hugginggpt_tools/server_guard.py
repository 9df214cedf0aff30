"""The server's gate: API keys, per-key rate limit, body size limit and input-file check.

A plain ASGI middleware (no framework import) in front of the LangServe app
(:func:`hugginggpt_tools.server.create_app`). In order, for every route but the open ones
(``/health``):

1. **Rate limit** per caller (:class:`~hugginggpt_tools.ratelimit.RateLimiter`): the caller is
   its API key's fingerprint when the key is valid, else its client address, so floods of
   wrong keys are limited too. Over the limit: 429 with ``Retry-After``. The playground's
   static files are not counted.
2. **API key** (``X-API-Key: KEY`` or ``Authorization: Bearer KEY``) when keys are configured:
   401 without a valid one.
3. **Size**: a ``Content-Length`` over the limit is refused at once (413); a body sent without
   one (chunked) is counted while it arrives and cut off with 413 at the limit, so an upload
   never fills the disk.
4. **Input files**: an agent request (``.../invoke``, ``/batch``, ``/stream``, ...) may only
   name files under the allowed folders (the uploads of ``POST /files``, the output folder,
   ``Settings.allowed_dirs``): a remote caller cannot make the agent read the server's files.
   A file may also be named by its download URL (``/artifacts/...``, as ``POST /files`` and the
   answers give it): the body reaches the app with the file's server path in its place.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from .policy import FilePolicy, not_an_upload
from .ratelimit import RateLimiter, retry_after

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = ("/health",)
AGENT_ENDPOINTS = ("/invoke", "/batch", "/stream", "/stream_log", "/stream_events")
ARTIFACTS_URL = "/artifacts/"


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a request body passes the limit."""


def key_fingerprint(key: str) -> str:
    """A short, non-secret name of an API key (for rate-limit buckets and session scoping)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def given_key(headers: Any) -> str:
    """The API key a request carries (``X-API-Key`` or ``Authorization: Bearer``), or ""."""
    return (headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")).strip()


def valid_key(headers: Any, keys: Sequence[str]) -> str | None:
    """The request's API key when it is one of ``keys`` (compared in constant time), else None."""
    given = given_key(headers)
    if not given:
        return None
    found = [k for k in keys if hmac.compare_digest(given.encode(), k.encode())]
    return found[0] if found else None


def agent_inputs(body: Any) -> list[Any]:
    """Every agent input of a LangServe request body: a batch's ``inputs``, else the one ``input``."""
    items = body.get("inputs") if isinstance(body, dict) and "inputs" in body else [body.get("input")] \
        if isinstance(body, dict) else []
    return items if isinstance(items, list) else []


def _file_lists(body: Any) -> list[list[Any]]:
    """The ``files`` list of every agent input in a LangServe request body (invoke, batch, stream)."""
    lists = [item.get("files") for item in agent_inputs(body) if isinstance(item, dict)]
    return [value for value in lists if isinstance(value, list)]


def input_files(body: Any) -> list[str]:
    """The ``files`` of every agent input in a LangServe request body (invoke, batch, stream)."""
    return [str(f) for value in _file_lists(body) for f in value]


def local_files(body: Any, artifacts: str | Path) -> bool:
    """Replace, in place, each input file of ``body`` named by its download URL (``/artifacts/REL``)
    with its path ``artifacts/REL`` when that is a file inside ``artifacts``; True when one was."""
    root, changed = Path(artifacts).resolve(), False
    for value in _file_lists(body):
        for i, name in enumerate(value):
            if isinstance(name, str) and name.startswith(ARTIFACTS_URL) and "\0" not in name:
                path = (root / name.removeprefix(ARTIFACTS_URL)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    value[i], changed = str(path), True
    return changed


class _Headers:
    """Lower-cased request headers from an ASGI scope."""

    def __init__(self, scope: Scope) -> None:
        self._items = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

    def get(self, name: str, default: str = "") -> str:
        return self._items.get(name, default)


class Guard:
    """The ASGI middleware; see the module docstring.

    Args:
        app: the wrapped ASGI app.
        keys: accepted API keys (empty: no key needed).
        limiter: per-caller rate limiter, or None for no limit.
        max_bytes: largest request body.
        file_roots: folders whose files agent requests may name.
        agent_path: where the agent's LangServe routes are mounted.
        uploads: the folder relative file names start in (the server's uploads folder).
        artifacts: the folder ``/artifacts/...`` URLs point into (the output folder), or None
            when input files may not be named by URL.
    """

    def __init__(self, app: ASGIApp, *, keys: Sequence[str] = (), limiter: RateLimiter | None = None,
                 max_bytes: int = 50 * 2**20, file_roots: Sequence[str | Path] = (),
                 agent_path: str = "/hugginggpt", uploads: str | Path | None = None,
                 artifacts: str | Path | None = None) -> None:
        self.app, self.keys, self.limiter, self.max_bytes = app, list(keys), limiter, max_bytes
        self.uploads, self.artifacts = uploads, artifacts
        self.files = FilePolicy.create(file_roots)
        self.agent_routes = tuple(agent_path.rstrip("/") + e for e in AGENT_ENDPOINTS)
        self.unlimited = agent_path.rstrip("/") + "/playground"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = _Headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None and scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # policy violation
            return
        if refusal is not None:
            await _respond(send, *refusal)
            return
        if scope.get("method") == "POST" and scope.get("path", "").rstrip("/") in self.agent_routes:
            await self._agent_request(scope, receive, send)
            return
        await self._limited(scope, receive, send)

    def _refusal(self, scope: Scope, headers: _Headers) -> tuple[int, str, dict[str, str]] | None:
        """(status, detail, headers) when the request is refused before its body is read."""
        key = valid_key(headers, self.keys) if self.keys else None
        client = scope.get("client") or ("unknown", 0)
        caller = f"key:{key_fingerprint(key)}" if key else f"addr:{client[0]}"
        limited = self.limiter is not None and not scope.get("path", "").startswith(self.unlimited)
        wait = self.limiter.check(caller) if limited else 0.0  # type: ignore[union-attr]
        if wait > 0:
            return 429, f"rate limit exceeded; retry in {retry_after(wait)} s", {"retry-after": retry_after(wait)}
        if self.keys and key is None:
            return 401, "missing or invalid API key (X-API-Key header)", {}
        length = headers.get("content-length")
        if length.isdigit() and int(length) > self.max_bytes:
            return 413, f"request larger than {self.max_bytes} bytes", {}
        return None

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, cutting its body off with 413 at the size limit."""
        state = {"bytes": 0, "too_large": False, "started": False}

        async def counted() -> Message:
            message = await receive()
            state["bytes"] += len(message.get("body", b""))
            if state["bytes"] > self.max_bytes:
                state["too_large"] = True
                raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["too_large"]:
                return  # the app's own error answer to the cut-off body is replaced by the 413
            state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except BodyTooLarge:
            pass
        if state["too_large"] and not state["started"]:
            await _respond(send, 413, f"request larger than {self.max_bytes} bytes")

    async def _agent_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the whole (size-limited) body, check its input files, then replay it to the app."""
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            total += len(chunks[-1])
            if total > self.max_bytes:
                await _respond(send, 413, f"request larger than {self.max_bytes} bytes")
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            parsed = {}  # LangServe answers malformed JSON itself
        if self.artifacts is not None and local_files(parsed, self.artifacts):
            body = json.dumps(parsed).encode()
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        problem = self._file_problem(parsed)
        if problem:
            await _respond(send, 400, problem)
            return
        await self.app(scope, _replay(body, receive), send)

    def _file_problem(self, parsed: Any) -> str | None:
        for name in input_files(parsed):
            # relative names start in the uploads folder, as the pipeline and the executor read them
            path = Path(self.uploads, name) if self.uploads else Path(name)
            if not (self.files.allows(path) and path.is_file()):
                return not_an_upload(name)
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then what the client sends next (disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _respond(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    payload = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


__all__ = ["AGENT_ENDPOINTS", "ARTIFACTS_URL", "OPEN_PATHS", "Guard", "agent_inputs", "given_key", "input_files",
           "key_fingerprint", "local_files", "valid_key"]
