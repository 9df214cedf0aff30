"""The LangServe app: the agent under ``/hugginggpt``, file upload and artifact download.

Routes:

* ``/hugginggpt/invoke``, ``/batch``, ``/stream``, ``/stream_events``, ``/playground/`` and
  the schemas (LangServe). Input ``{"input": str, "files": [...], "chat_history": [...]}``.
  The ``X-Session-Id`` header makes requests share a session (multi-turn).
* ``POST /files``: upload a file (multipart field ``file``); the answer's ``path`` goes into
  the agent input's ``files``.
* ``GET /artifacts/{session_id}/{name}``: download a file a run wrote (``artifact_url``).
* ``GET /health``.

Settings (environment): ``HUGGINGGPT_API_KEYS`` (comma-separated; when set, every route but
``/health`` needs ``X-API-Key: KEY`` or ``Authorization: Bearer KEY``),
``HUGGINGGPT_CORS_ORIGINS`` (comma-separated), ``HUGGINGGPT_MAX_REQUEST_MB`` (default 50).
LangServe is in maintenance upstream; this module is the only one that imports it, and
``agents/langgraph.json`` deploys the same graph with the LangGraph CLI.
"""


import hmac
import os
import re
import uuid
from pathlib import Path
from typing import Any

from .config import Settings, get_settings
from .errors import MissingExtraError
from .sessions import check_session_id

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_OPEN_PATHS = ("/health",)


def _require_serve() -> None:
    try:
        import fastapi  # noqa: F401
        import langserve  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(exc.name or "langserve", "serve", "the LangServe endpoint") from exc


def _env_list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def _authorized(headers: Any, keys: list[str]) -> bool:
    given = headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ").strip()
    return any(hmac.compare_digest(given.encode(), k.encode()) for k in keys) if given else False


def _session_modifier(config: dict[str, Any], request: Any) -> dict[str, Any]:
    """Put the ``X-Session-Id`` header into the run's ``configurable.session_id``."""
    session = request.headers.get("x-session-id")
    if session:
        config = {**config, "configurable": {**config.get("configurable", {}),
                                             "session_id": check_session_id(session)}}
    return config


def artifact_url(path: str | Path, settings: Settings | None = None) -> str:
    """The download URL path of a file the agent wrote under ``settings.output_dir``."""
    root = (settings or get_settings()).output_dir.resolve()
    return "/artifacts/" + Path(path).resolve().relative_to(root).as_posix()


def create_app(
    agent: Any = None, *, settings: Settings | None = None, api_keys: list[str] | None = None,
    cors_origins: list[str] | None = None, max_request_mb: float | None = None,
) -> Any:
    """A FastAPI app serving ``agent`` (default: :func:`create_hugginggpt_agent` offline)."""
    _require_serve()
    from fastapi import FastAPI, File, HTTPException, Request, UploadFile
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import FileResponse, JSONResponse
    from langserve import add_routes

    from .pipeline import create_hugginggpt_agent

    settings = settings or get_settings()
    agent = agent if agent is not None else create_hugginggpt_agent(settings=settings)
    keys = api_keys if api_keys is not None else _env_list("HUGGINGGPT_API_KEYS")
    limit = int((max_request_mb or float(os.environ.get("HUGGINGGPT_MAX_REQUEST_MB", 50))) * 2**20)
    root = settings.output_dir.resolve()
    app = FastAPI(title="hugginggpt-tools", description="HuggingGPT agent on LangServe")

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Any:
        if keys and request.url.path not in _OPEN_PATHS and not _authorized(request.headers, keys):
            return JSONResponse({"detail": "missing or invalid API key (X-API-Key header)"}, status_code=401)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            return JSONResponse({"detail": f"request larger than {limit} bytes"}, status_code=413)
        return await call_next(request)

    origins = cors_origins if cors_origins is not None else _env_list("HUGGINGGPT_CORS_ORIGINS")
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/files")
    async def upload(file: UploadFile = File(...)) -> dict[str, Any]:
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"file larger than {limit} bytes")
        name = _SAFE_NAME.sub("_", Path(file.filename or "upload").name).lstrip(".") or "upload"
        folder = root / "uploads" / uuid.uuid4().hex[:12]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return {"name": name, "path": str(path), "bytes": len(data), "url": artifact_url(path, settings)}

    @app.get("/artifacts/{folder}/{subpath:path}")
    async def download(folder: str, subpath: str) -> Any:
        path = (root / folder / subpath).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise HTTPException(404, "no such artifact")
        return FileResponse(path)

    add_routes(app, agent, path="/hugginggpt", per_req_config_modifier=_session_modifier)
    return app


__all__ = ["artifact_url", "create_app"]
