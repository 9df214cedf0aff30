"""The server's gate: API keys, per-key rate limit, body size limit and input-file check.

A plain ASGI middleware (no framework import) in front of the LangServe app
(:func:`hugginggpt_tools.server.create_app`). In order, for every route but the open ones
(``/health``):

1. **Rate limit** per caller (:class:`~hugginggpt_tools.ratelimit.RateLimiter`): the caller is
   its API key's fingerprint when the key is valid, else its client address, so floods of
   wrong keys are limited too. Over the limit: 429 with ``Retry-After``. The playground's
   static files are not counted.
2. **API key** (``X-API-Key: KEY`` or ``Authorization: Bearer KEY``) when keys are configured:
   401 without a valid one, naming the header. A download (``GET /artifacts/...``) may instead
   carry a signed link's ``?exp=...&sig=...`` (:func:`signed_link`), which the download route
   checks (:func:`link_problem`): a browser cannot send the header. A signed link lasts
   ``HUGGINGGPT_LINK_EXPIRY_HOURS`` (default 24) from when the server gave it; an expired one,
   or one of the older form without ``exp``, is a 403 saying to ask the server again. Every file
   a key's requests upload or write lies in a folder named after its fingerprint
   (:func:`owner_fingerprint`), and only that key (or a link it signed) downloads it.
3. **Size**: a ``Content-Length`` over the limit is refused at once (413); a body sent without
   one (chunked) is counted while it arrives and cut off with 413 at the limit, so an upload
   never fills the disk.
4. **Input files**: an agent request (``.../invoke``, ``/batch``, ``/stream``, ...; the same
   under ``.../c/{config}/``) may only name uploads (``POST /files``; with keys, the caller's
   key's own), files of the output folder (with keys, of the caller's key's sessions) and files
   in ``Settings.allowed_dirs``: a remote caller cannot make the agent read the server's files.
   Another file is a 400 saying it is not an upload; with keys, a name in another key's folder
   is a 400 saying it belongs to another API key, whether or not such a file exists (no probing
   another key's files). Of the output folder's files the pipeline keeps those of the request's
   own session only; another session's output is left out with the plan's ``missing`` line
   saying to send that session's ``X-Session-Id``
   (:func:`~hugginggpt_tools.policy.not_an_upload`). A file may also be named by its download
   URL, ``/artifacts/...`` as ``POST /files`` and the answers give it (a signed link's query
   dropped, expired or not), or the full ``http(s)://HOST/artifacts/...`` a browser shows when
   HOST is this server (the request's ``Host``): the body reaches the app with the file's server
   path in its place. A URL of another host is no upload (400).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, MutableMapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .policy import FilePolicy, not_an_upload
from .ratelimit import RateLimiter, retry_after
from .redaction import redact

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = ("/health",)
AGENT_ENDPOINTS = ("/invoke", "/batch", "/stream", "/stream_log", "/stream_events")
ARTIFACTS_URL = "/artifacts/"
UPLOADS = "uploads"
"""The output folder's subfolder for ``POST /files`` (never a session's name)."""
_OWNED = re.compile(r"[0-9a-f]{12}-.")


def agent_routes(agent_path: str, endpoints: Iterable[str]) -> re.Pattern[str]:
    """The paths of the agent's ``endpoints`` ("/invoke", "/batch") under ``agent_path``, directly or
    through a configured route (``/c/{config}/invoke``), to full-match a request's path without its
    trailing slash."""
    alternatives = "|".join(re.escape(e) for e in endpoints)
    return re.compile(f"{re.escape(agent_path.rstrip('/'))}(?:/c/[^/]+)?(?:{alternatives})")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
DEFAULT_LINK_HOURS = 24.0
"""How long a signed download link lasts by default (``HUGGINGGPT_LINK_EXPIRY_HOURS``)."""


def _now() -> float:
    """The time links are signed and checked at (a function, so tests can move the clock)."""
    return time.time()


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


def key_error(path: str = "") -> str:
    """The 401's detail: the headers that carry a key (and, for a download, the signed link)."""
    link = " or open the signed link (?exp=...&sig=...) the answer's urls give" if path.startswith(ARTIFACTS_URL) else ""
    return f"missing or invalid API key: send it as the X-API-Key header (or Authorization: Bearer KEY){link}"


def scoped_session(session: str | None, key: str | None) -> str | None:
    """The session a request names (``session``: by its ``X-Session-Id`` header, or its run config's
    ``configurable.session_id`` as ``RemoteRunnable`` sends it), prefixed with the fingerprint of
    ``key`` (the request's valid API key, :func:`valid_key`; None without keys) so keys never share a
    session, whichever way it was named; None when it names none. Not yet checked
    (:func:`~hugginggpt_tools.artifacts.check_session_id`)."""
    if not session:
        return None
    return f"{key_fingerprint(key)}-{session}" if key else session


def owner_fingerprint(rel: str) -> str | None:
    """The key fingerprint owning the file at ``rel`` (a path relative to the output folder): the
    first 12 hex digits of its session folder (``FP-session/...``) or upload folder
    (``uploads/FP-xxxx/...``) when they are followed by ``-``; None for a folder of no key."""
    parts = rel.strip("/").split("/")
    folder = parts[1] if parts[0] == UPLOADS and len(parts) > 2 else parts[0]
    return folder[:12] if _OWNED.match(folder) else None


def link_signature(key: str, rel: str, exp: int) -> str:
    """The ``sig`` of a download link of ``rel`` (relative to the output folder) signed with
    ``key`` that lasts until ``exp`` (Unix time, seconds): an HMAC of the path and the expiry
    time, so it opens that file only, until then, and only while ``key`` is configured."""
    message = f"{ARTIFACTS_URL}{rel.strip('/')}?exp={exp}"
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def signed_link(url: str, keys: Sequence[str], lifetime_s: float = DEFAULT_LINK_HOURS * 3600,
                now: float | None = None) -> str:
    """``url`` (``/artifacts/REL``) with ``?exp=EXP&sig=SIG`` when keys are configured: EXP the
    Unix time ``lifetime_s`` seconds after ``now`` (default: the current time), rounded up, and
    SIG the :func:`link_signature` of REL and EXP by the key owning REL. Unchanged without keys
    or for a file of no key."""
    rel = url.removeprefix(ARTIFACTS_URL)
    owner = owner_fingerprint(rel) if keys and url.startswith(ARTIFACTS_URL) else None
    key = next((k for k in keys if owner and key_fingerprint(k) == owner), None)
    if key is None:
        return url
    exp = math.ceil((_now() if now is None else now) + lifetime_s)
    return f"{url}?exp={exp}&sig={link_signature(key, rel, exp)}"


def _utc(stamp: int) -> str:
    try:
        return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return str(stamp)


def link_problem(rel: str, exp: str | None, sig: str, keys: Sequence[str], now: float | None = None) -> str | None:
    """Why a signed link of ``rel`` with query ``exp`` and ``sig`` opens nothing (the 403's
    detail), or None when it is good: signed by the configured key owning ``rel``
    (:func:`link_signature`) and not past ``exp`` at ``now`` (default: the current time). A link
    without ``exp`` (the older, never-expiring form) or past it is told to ask the server again;
    a signature of another file, key or expiry time is told so."""
    again = ("ask the server for the result again (repeat the request, or upload the file again) for a fresh link, "
             "or send the X-API-Key header of the key that made it")
    if exp is None:
        return f"this link has no expiry time (?exp=): links without one are no longer accepted; {again}"
    owner = owner_fingerprint(rel)
    stamp = int(exp) if exp.isascii() and exp.isdigit() and len(exp) <= 12 else None
    if stamp is None or not any(owner == key_fingerprint(k) and hmac.compare_digest(
            sig.encode(), link_signature(k, rel, stamp).encode()) for k in keys):
        return ("the link's signature does not match this file: use the link from the answer's urls as given, "
                "or send the X-API-Key header of the key that made it")
    if (_now() if now is None else now) > stamp:
        return f"link expired (at {_utc(stamp)}); {again}"
    return None


def _host_port(host: str | None, port: int | None, scheme: str) -> str:
    return f"{(host or '').lower().rstrip('.')}" + ("" if port in (None, _DEFAULT_PORTS.get(scheme)) else f":{port}")


def server_hosts(scope: Scope) -> set[str]:
    """This server's names as a request reached it: its ``Host`` header and the socket it was
    received on (``host`` or ``host:port`` when the port is not the scheme's default)."""
    scheme, names = scope.get("scheme", "http"), set()
    host = _Headers(scope).get("host")
    if host:
        try:
            parts = urlsplit(f"//{host}")
            names.add(_host_port(parts.hostname, parts.port, scheme))
        except ValueError:
            pass
    server = scope.get("server")
    if server and server[0]:
        names.add(_host_port(str(server[0]), server[1], scheme))
    return names


def artifact_rel(name: str, hosts: Collection[str] = ()) -> str | None:
    """REL when ``name`` is a download URL: ``/artifacts/REL`` or ``http(s)://HOST/artifacts/REL``
    with HOST one of ``hosts`` (this server); its query (``?exp=...&sig=...``) and fragment dropped, its
    %-escapes decoded as the download route decodes them. None for anything else (a URL of
    another host included)."""
    try:
        parts = urlsplit(name)
        if name.startswith(ARTIFACTS_URL):
            path = parts.path
        elif parts.scheme in ("http", "https") and _host_port(parts.hostname, parts.port, parts.scheme) in hosts:
            path = parts.path
        else:
            return None
    except ValueError:  # a bad port, brackets
        return None
    rel = unquote(path).removeprefix(ARTIFACTS_URL) if path.startswith(ARTIFACTS_URL) else None
    return rel if rel and "\0" not in rel else None


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


def local_files(body: Any, artifacts: str | Path, hosts: Collection[str] = ()) -> bool:
    """Replace, in place, each input file of ``body`` named by its download URL (``/artifacts/REL``,
    or ``http(s)://HOST/artifacts/REL`` with HOST in ``hosts``: :func:`artifact_rel`) with its
    path ``artifacts/REL`` when that is a file inside ``artifacts``; True when one was."""
    root, changed = Path(artifacts).resolve(), False
    for value in _file_lists(body):
        for i, name in enumerate(value):
            rel = artifact_rel(name, hosts) if isinstance(name, str) else None
            if rel is not None:
                path = (root / rel).resolve()
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
        file_roots: folders whose files agent requests may always name (``Settings.allowed_dirs``).
        agent_path: where the agent's LangServe routes are mounted (their ``/c/{config}/``
            twins are guarded alike).
        uploads: the uploads folder: relative file names start there, and its files may be
            named (with keys, only those in the caller's key's folders).
        artifacts: the folder ``/artifacts/...`` URLs point into (the output folder), or None
            when input files may not be named by URL.
        outputs: the output folder, whose files (the runs' outputs; with keys, those in the
            caller's key's folders) requests may name; the pipeline keeps only those of the
            request's own session. None: none may be named (but those in ``file_roots``).
    """

    def __init__(self, app: ASGIApp, *, keys: Sequence[str] = (), limiter: RateLimiter | None = None,
                 max_bytes: int = 50 * 2**20, file_roots: Sequence[str | Path] = (),
                 agent_path: str = "/hugginggpt", uploads: str | Path | None = None,
                 artifacts: str | Path | None = None, outputs: str | Path | None = None) -> None:
        self.app, self.keys, self.limiter, self.max_bytes = app, list(keys), limiter, max_bytes
        self.uploads, self.artifacts, self.outputs = uploads, artifacts, outputs
        self.files = FilePolicy.create(file_roots)
        self.upload_files = FilePolicy.create([uploads]) if uploads is not None else None
        self.output_files = FilePolicy.create([outputs]) if outputs is not None else None
        self.agent_routes = agent_routes(agent_path, AGENT_ENDPOINTS)
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
        if scope.get("method") == "POST" and self.agent_routes.fullmatch(scope.get("path", "").rstrip("/")):
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
        if self.keys and key is None and not self._signed_download(scope):
            return 401, key_error(scope.get("path", "")), {}
        length = headers.get("content-length")
        if length.isdigit() and int(length) > self.max_bytes:
            return 413, f"request larger than {self.max_bytes} bytes", {}
        return None

    @staticmethod
    def _signed_download(scope: Scope) -> bool:
        """A ``GET /artifacts/...`` with a ``sig`` query: the download route checks the signature."""
        query = scope.get("query_string", b"").decode("latin-1")
        return scope.get("method") in ("GET", "HEAD") and scope.get("path", "").startswith(ARTIFACTS_URL) \
            and bool(parse_qs(query).get("sig"))

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
        given = input_files(parsed)  # as the client named them, for the messages
        if self.artifacts is not None and local_files(parsed, self.artifacts, server_hosts(scope)):
            body = json.dumps(parsed).encode()
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        problem = self._file_problem(given, input_files(parsed), _Headers(scope))
        if problem:
            await _respond(send, 400, problem)
            return
        await self.app(scope, _replay(body, receive), send)

    def _file_problem(self, given: list[str], names: list[str], headers: _Headers) -> str | None:
        """The refusal of the first file (named ``given``, standing for ``names``) the request may not name."""
        key = valid_key(headers, self.keys) if self.keys else None
        for shown, name in zip(given, names):
            # relative names start in the uploads folder, as the pipeline and the executor read them
            path = Path(self.uploads, name) if self.uploads else Path(name)
            problem = self._name_problem(shown, path, key)
            if problem:
                return problem
        return None

    def _name_problem(self, shown: str, path: Path, key: str | None) -> str | None:
        """Why the request may not name ``path`` (shown as ``shown``), or None when it is a regular
        file in ``file_roots``, an upload or in the output folder (with keys, in a folder of
        ``key``; the pipeline keeps only the request's session's outputs, and says of another
        session's that it is one). With keys, a name in another key's folder is "not yours", and
        one in a folder of no key "not an upload", whether or not the file exists, so a key learns
        nothing of files not its own."""
        if "\0" in str(path):
            return _no_upload(shown)
        if self.files.allows(path) and path.is_file():
            return None
        inside, owner = self._owner(path)
        if key is not None and inside and owner != key_fingerprint(key):
            if owner is None:  # a folder of no key (the uploads folder itself, a run before keys were set)
                return _no_upload(shown)
            return redact(f"input file {shown!r} is not yours: it is in another API key's folder. Name only files "
                          "your key uploaded (POST /files) or its requests made, or send the API key and "
                          "X-Session-Id header of the request that made it")
        return None if inside and path.is_file() else _no_upload(shown)

    def _owner(self, path: Path) -> tuple[bool, str | None]:
        """Whether ``path`` (symlinks followed) lies in the uploads or output folder, and the key
        fingerprint owning its folder there (:func:`owner_fingerprint`; None for a folder of no key)."""
        for policy, prefix in ((self.upload_files, f"{UPLOADS}/"), (self.output_files, "")):
            if policy is not None and policy.allows(path):
                rel = Path(os.path.realpath(os.path.expanduser(path))).relative_to(policy.roots[0]).as_posix()
                return True, owner_fingerprint(prefix + rel) if rel != "." else None
        return False, None


def _no_upload(shown: str) -> str:
    """The "not an upload" refusal of ``shown`` (:func:`~hugginggpt_tools.policy.not_an_upload`),
    never its "another session's output": the guard lets every file of the output folder the
    caller may use through (the pipeline tells another session's output from the rest), so what
    it refuses is none, and a path elsewhere must not make the server read a manifest there
    (the bare file name is relative, so no manifest is read)."""
    return not_an_upload(shown, Path(shown).name)


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


__all__ = ["AGENT_ENDPOINTS", "ARTIFACTS_URL", "OPEN_PATHS", "UPLOADS", "Guard", "agent_inputs", "agent_routes", "artifact_rel",
           "given_key", "input_files", "key_error", "key_fingerprint", "link_problem", "link_signature",
           "local_files", "owner_fingerprint", "scoped_session", "server_hosts", "signed_link", "valid_key"]
