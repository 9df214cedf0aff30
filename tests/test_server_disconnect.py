"""Faults a tester found in the server: a client that disconnected from ``/invoke`` (``curl -m 4``)
left its run going to the task limit (and shutting the server down waited on it), and ``POST /files``
took an empty file."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import fake_agent, uvicorn_server

pytest.importorskip("langserve")

from starlette.testclient import TestClient  # noqa: E402

from hugginggpt_tools.backends.base import TaskOutput  # noqa: E402
from hugginggpt_tools.config import Settings  # noqa: E402
from hugginggpt_tools.server import create_app  # noqa: E402


class _SlowSpeech:
    """A text-to-speech model that speaks until its task is cancelled (at most ``limit_s`` seconds)."""

    def __init__(self, limit_s: float = 20.0) -> None:
        self.limit_s = limit_s
        self.started, self.cancelled, self.finished = threading.Event(), threading.Event(), threading.Event()

    def __call__(self, inputs: dict[str, Any], ctx: Any) -> TaskOutput:
        self.started.set()
        if ctx.cancelled.wait(self.limit_s):
            self.cancelled.set()
        self.finished.set()
        return TaskOutput(text="spoken")


def _request(base: str, route: str) -> bytes:
    """The raw HTTP request of ``route`` asking to read a text aloud (a batch of one for ``batch``)."""
    one = {"input": "Read this aloud: the meeting moved to Friday."}
    body = json.dumps({"inputs": [one]} if route == "batch" else {"input": one}).encode()
    host = urlsplit(base).netloc
    head = (f"POST /hugginggpt/{route} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


@pytest.mark.parametrize("route", ["invoke", "batch"])
def test_a_client_that_disconnects_has_its_run_cancelled(tmp_path: Path, route: str) -> None:
    """The run went on to the task limit (a growing .partial WAV) after the client had gone."""
    settings = Settings(output_dir=tmp_path / "out")
    speech = _SlowSpeech()
    app = create_app(fake_agent(settings, {"fake/tts": ("text-to-speech", speech)}), settings=settings, api_keys=[])
    with uvicorn_server(app) as base:
        parts = urlsplit(base)
        with socket.create_connection((parts.hostname, parts.port)) as client:
            client.sendall(_request(base, route))
            assert speech.started.wait(15), "the run never started"
        # the client has gone: the speech task is told to stop (RunContext.cancelled) long before its limit
        assert speech.finished.wait(speech.limit_s + 5)
        assert speech.cancelled.is_set(), f"/{route}'s run went on after its client disconnected"


def test_a_client_that_stays_gets_its_answer(tmp_path: Path) -> None:
    """Watching for the disconnect cancels nothing of a client that waits for its answer."""
    settings = Settings(output_dir=tmp_path / "out")
    speech = _SlowSpeech(limit_s=0.2)
    client = TestClient(create_app(fake_agent(settings, {"fake/tts": ("text-to-speech", speech)}),
                                   settings=settings, api_keys=[]))
    response = client.post("/hugginggpt/invoke", json={"input": {"input": "Read this aloud: hello there."}})
    assert response.status_code == 200, response.text
    assert response.json()["output"]["answer"]["results"][0]["status"] == "succeeded"
    assert not speech.cancelled.is_set()


def test_an_empty_upload_is_a_400_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    """A 0-byte upload was saved ("bytes": 0) and failed later, in the run that named it."""
    settings = Settings(output_dir=tmp_path / "out")
    client = TestClient(create_app(fake_agent(settings, {}), settings=settings, api_keys=[]))
    response = client.post("/files", files={"file": ("empty.png", b"")})
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "'empty.png'" in detail and "empty (0 bytes)" in detail and "file=@" in detail
    assert not any(p.is_file() for p in (tmp_path / "out").rglob("*"))
    assert client.post("/files", files={"file": ("page.png", b"png")}).json()["bytes"] == 3
