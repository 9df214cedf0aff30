"""A stdlib HTTP server on 127.0.0.1 that answers like the Hugging Face Hub API.

It serves ``GET /api/models`` (``pipeline_tag`` filter, sorted by downloads, ``limit``, pages
of ``page_size`` linked with a ``Link: <...>; rel="next"`` header as the Hub does),
``GET /api/models/{id}`` and ``GET /{id}/resolve/main/README.md``. ``fail`` makes chosen paths
answer an error status a number of times first (429 with ``Retry-After: 0``, 503, ...), and
every request path is recorded in ``requests``.
"""

from __future__ import annotations

import json
from collections import Counter
from contextlib import ExitStack
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from helpers import QuietHandler, http_server


def hub_model(model_id: str, task: str, downloads: int, *, likes: int = 0, language: Any = None,
              license: str | None = None, tags: list[str] | None = None,
              last_modified: str = "2025-01-15T10:00:00.000Z") -> dict[str, Any]:
    """A model as ``/api/models`` lists it (with card data)."""
    card_data = {k: v for k, v in {"language": language, "license": license}.items() if v is not None}
    return {"id": model_id, "modelId": model_id, "pipeline_tag": task, "downloads": downloads, "likes": likes,
            "tags": list(tags or []) + ([f"license:{license}"] if license else []), "cardData": card_data,
            "lastModified": last_modified, "library_name": "transformers", "private": False}


class FakeHub:
    """The server's state: models, READMEs, injected failures and the requests seen."""

    def __init__(self, models: list[dict[str, Any]], readmes: dict[str, str] | None = None, page_size: int = 1000):
        self.models = models
        self.readmes = dict(readmes or {})
        self.page_size = page_size
        self.fail: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.requests: list[str] = []
        self.counts: Counter[str] = Counter()
        self._server: ThreadingHTTPServer | None = None
        self._serving = ExitStack()

    def fail_next(self, path: str, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` requests of ``path`` with ``status``."""
        self.fail.setdefault(path, []).extend([(status, dict(headers or {}))] * times)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeHub":
        hub = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                hub._handle(self)

            def do_HEAD(self) -> None:  # noqa: N802
                hub._handle(self)

        self._server = self._serving.enter_context(http_server(Handler))
        return self

    def __exit__(self, *exc: Any) -> None:
        self._serving.close()

    # --- routing ---------------------------------------------------------------------------

    def _handle(self, request: QuietHandler) -> None:
        parsed = urlparse(request.path)
        path = parsed.path
        self.requests.append(request.path)
        self.counts[path] += 1
        if self.fail.get(path):
            status, headers = self.fail[path].pop(0)
            return self._send(request, status, {"error": f"injected {status}"}, headers)
        if path == "/api/models":
            return self._list(request, parse_qs(parsed.query))
        if path.startswith("/api/models/"):
            model = self._model(path[len("/api/models/"):])
            return self._send(request, 200, model) if model else self._send(request, 404, {"error": "Repository not found"},
                                                                          {"X-Error-Code": "RepoNotFound"})
        if path.endswith("/resolve/main/README.md"):
            model_id = path[1:-len("/resolve/main/README.md")]
            if model_id in self.readmes:
                return self._send_text(request, 200, self.readmes[model_id])
            return self._send(request, 404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
        return self._send(request, 404, {"error": f"no route {path}"})

    def _model(self, model_id: str) -> dict[str, Any] | None:
        return next((m for m in self.models if m["id"] == model_id), None)

    def _list(self, request: QuietHandler, query: dict[str, list[str]]) -> None:
        tag = (query.get("pipeline_tag") or [None])[0]
        found = [m for m in self.models if tag is None or m["pipeline_tag"] == tag]
        if (query.get("sort") or [""])[0] == "downloads":
            found.sort(key=lambda m: -m["downloads"])
        limit = int((query.get("limit") or [len(found)])[0])
        found = found[:limit]
        start = int((query.get("cursor") or ["0"])[0])
        page = found[start:start + self.page_size]
        headers = {}
        if start + self.page_size < len(found):
            params = {k: v[0] for k, v in query.items() if k != "cursor"}
            headers["Link"] = f'<{self.url}/api/models?{urlencode({**params, "cursor": start + self.page_size})}>; rel="next"'
        self._send(request, 200, page, headers)

    # --- answers ----------------------------------------------------------------------------

    @staticmethod
    def _send(request: QuietHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        request.reply(status, json.dumps(body).encode(), headers=headers)

    @staticmethod
    def _send_text(request: QuietHandler, status: int, text: str) -> None:
        request.reply(status, text.encode(), "text/plain; charset=utf-8")
