"""Helpers shared by the tests (importable as ``helpers``, like ``fake_embedder`` and ``fake_hub``).

* :func:`http_server`: a ``http.server`` handler served on 127.0.0.1 for the length of a ``with``;
  :class:`QuietHandler`, the base of the tests' handlers: it logs nothing and has :meth:`~QuietHandler.reply`.
* :func:`uvicorn_server`: an ASGI app under uvicorn on 127.0.0.1 for the length of a ``with``.
* :class:`RecordingChat` / :func:`recording_chat`: a scripted chat model that records its prompts.
* :func:`fake_agent`: an offline-planner agent over :class:`~hugginggpt_tools.testing.FakeBackend`
  models, indexed with the hash embedder.
* :func:`taskbench_tool`: a tool node of TaskBench's ``tool_desc.json``.
* :func:`upload_page` / :func:`invoke_agent`: a served app's ``POST /files`` and agent routes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fake_embedder import HashEmbedder
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.testing import FakeBackend, Handler, fake_card


class QuietHandler(BaseHTTPRequestHandler):
    """A ``http.server`` request handler that logs nothing (the base class writes a line to stderr
    per request); :meth:`reply` sends a whole answer."""

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing."""

    def reply(self, status: int, body: bytes = b"", content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        """Answer ``status`` with ``body`` (its length as ``Content-Length``) and ``headers``; no body to a HEAD."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """Serve ``handler`` (a :class:`QuietHandler`, usually) on 127.0.0.1 at a free port
    (``server.server_port``) from a daemon thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 at a free port; yields its base URL once it has started."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class RecordingChat(FakeMessagesListChatModel):
    """Replies with ``responses`` in order and records every prompt (and whether it was async)."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    modes: list[str] = Field(default_factory=list)

    @property
    def received(self) -> list[str]:
        """The text of the last message of each prompt."""
        return [str(prompt[-1].content) for prompt in self.prompts]

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(list(messages))
        self.modes.append("sync")
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    async def _agenerate(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(list(messages))
        self.modes.append("async")
        return super()._generate(messages, stop=stop, **kwargs)


def recording_chat(*replies: str) -> RecordingChat:
    """A :class:`RecordingChat` answering ``replies`` in order."""
    return RecordingChat(responses=[AIMessage(r) for r in replies])


def fake_agent(settings: Settings, models: dict[str, tuple[str, Handler]], llm: Any = None) -> Any:
    """``create_hugginggpt_agent(llm, planner="offline")`` over one :class:`FakeBackend`.

    ``models`` maps a model id to its task type and the function answering it; each becomes a
    :func:`fake_card` in an index built with the hash embedder.
    """
    index = ModelIndex.build([fake_card(task, model_id) for model_id, (task, _) in models.items()], HashEmbedder())
    backend = FakeBackend(handlers={task: handler for task, handler in models.values()})
    return create_hugginggpt_agent(llm, planner="offline", settings=settings, index=index,
                                   backends=Backends([backend]))


def taskbench_tool(name: str, inputs: list[str], outputs: list[str], desc: str = "The {name} tool.") -> dict[str, Any]:
    """A node of TaskBench's ``tool_desc.json`` (``{"nodes": [...]}``); ``desc`` is formatted with ``name``."""
    return {"id": name, "desc": desc.format(name=name), "input-type": inputs, "output-type": outputs}


def upload_page(client: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """``POST /files`` of a file ``page.png`` through the test ``client``; its JSON answer."""
    response = client.post("/files", files={"file": ("page.png", b"png")}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def invoke_agent(client: Any, files: list[str], headers: dict[str, str] | None = None,
                 request: str = "Read the text in page.png aloud", route: str = "invoke") -> Any:
    """The served agent's ``route`` (``invoke``, ``c/{config}/invoke``, ...) asked ``request`` on ``files``."""
    return client.post(f"/hugginggpt/{route}", headers=headers or {}, json={"input": {"input": request, "files": files}})


def make_video(path: Path, samples: Any = None, rate: int = 16000, seconds: float = 2.0, video: str = "mpeg4",
               sound: str = "aac", sound_rate: int | None = None, fmt: str | None = None) -> Path:
    """A small video (64x48, 5 frames a second) with ``samples`` (float mono at ``rate``) as its
    ``sound`` track, as long as they are; silent (no audio stream at all, ``seconds`` long) when
    ``samples`` is None. Skips the test without PyAV."""
    import numpy as np
    import pytest

    av = pytest.importorskip("av")
    if samples is not None:
        seconds = len(samples) / rate
    with av.open(str(path), "w", format=fmt) as container:
        picture = container.add_stream(video, rate=5)
        picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        track = container.add_stream(sound, rate=sound_rate or rate, layout="mono") if samples is not None else None
        for i in range(max(1, int(seconds * 5))):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 40 * i % 256, np.uint8), format="rgb24")
            frame.pts = i
            for packet in picture.encode(frame):
                container.mux(packet)
        for packet in picture.encode(None):
            container.mux(packet)
        if track is not None:
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[None, :], np.float32), format="flt",
                                               layout="mono")
            frame.rate = rate
            for packet in [*track.encode(frame), *track.encode(None)]:
                container.mux(packet)
    return path


def allow_hub(monkeypatch: Any) -> None:
    """Let huggingface_hub talk to a test's own loopback server (HF_HUB_OFFLINE=1 blocks it otherwise),
    with no token from the environment: for an autouse fixture of the files that serve one."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
