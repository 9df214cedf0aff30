"""The LangServe app: RemoteRunnable over uvicorn on 127.0.0.1, uploads, downloads, auth, limits."""

from __future__ import annotations

import httpx
import pytest
from helpers import fake_agent, uvicorn_server

pytest.importorskip("langserve")

from langserve import RemoteRunnable  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from hugginggpt_tools.backends.base import TaskOutput  # noqa: E402
from hugginggpt_tools.config import Settings  # noqa: E402
from hugginggpt_tools.server import create_app  # noqa: E402


def _tts(inputs, ctx):
    return TaskOutput(text="spoken", artifacts=[ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)])


@pytest.fixture
def app_parts(tmp_path):
    settings = Settings(output_dir=tmp_path / "out")
    agent = fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: "TEXT ON THE PAGE"),
                                  "fake/tts": ("text-to-speech", _tts)})
    return agent, settings


@pytest.fixture
def live_server(app_parts):
    agent, settings = app_parts
    with uvicorn_server(create_app(agent, settings=settings, api_keys=[])) as url:
        yield url, settings


def test_remote_runnable_file_round_trip(live_server, tmp_path):
    base, settings = live_server
    page = tmp_path / "page.png"
    page.write_bytes(b"fake png")
    uploaded = httpx.post(f"{base}/files", files={"file": ("page.png", page.read_bytes())}).json()
    remote = RemoteRunnable(f"{base}/hugginggpt/")
    result = remote.invoke({"input": "Read the text in page.png aloud", "files": [uploaded["path"]]})
    assert "TEXT ON THE PAGE" in result["output"]
    wav = result["answer"]["files"][0]
    rel = wav.split(str(settings.output_dir.resolve()) + "/")[1]
    download = httpx.get(f"{base}/artifacts/{rel}")
    assert download.status_code == 200 and download.content == b"TEXT ON THE PAGE"


def test_remote_runnable_streams(live_server):
    base, _ = live_server
    remote = RemoteRunnable(f"{base}/hugginggpt/")
    chunks = list(remote.stream({"input": "Read the text in missing.png aloud"}))
    assert [next(iter(c)) for c in chunks] == ["plan", "select", "execute", "respond"]
    assert "missing.png" in chunks[-1]["respond"]["output"]


def test_api_key_and_limits(app_parts):
    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=["s3cret"], max_request_mb=0.001))
    assert client.get("/health").status_code == 200
    assert client.get("/hugginggpt/input_schema").status_code == 401
    assert client.get("/hugginggpt/input_schema", headers={"X-API-Key": "wrong"}).status_code == 401
    ok = client.get("/hugginggpt/input_schema", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and all(f'"{k}"' in ok.text for k in ("input", "files", "chat_history"))
    big = client.post("/files", files={"file": ("x.bin", b"x" * 5000)}, headers={"X-API-Key": "s3cret"})
    assert big.status_code == 413


def test_artifact_paths_cannot_escape(app_parts):
    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=[]))
    assert client.get("/artifacts/../../etc/passwd").status_code == 404
    assert client.get("/artifacts/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_session_header_carries_turns(app_parts, tmp_path):
    agent, settings = app_parts
    page = tmp_path / "page.png"
    page.write_bytes(b"png")
    client = TestClient(create_app(agent, settings=settings, api_keys=[]))
    headers = {"X-Session-Id": "user-1"}
    uploaded = client.post("/files", files={"file": ("page.png", page.read_bytes())}).json()["path"]
    first = client.post("/hugginggpt/invoke", headers=headers,
                        json={"input": {"input": "Read the text in page.png", "files": [uploaded]}})
    assert first.status_code == 200, first.text
    second = client.post("/hugginggpt/invoke", headers=headers, json={"input": {"input": "Now read that aloud"}})
    results = second.json()["output"]["answer"]["results"]
    assert results[0]["task"] == "text-to-speech" and results[0]["inputs"]["text"] == "TEXT ON THE PAGE"


def test_an_empty_input_is_a_400_naming_the_problem(app_parts):
    """It was a bare 500 "Internal Server Error"."""
    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=[]), raise_server_exceptions=False)
    response = client.post("/hugginggpt/invoke", json={"input": {"input": ""}})
    assert response.status_code == 400 and "non-empty request string" in response.json()["detail"]


def test_a_setup_error_of_the_server_stays_a_500(tmp_path):
    """A ConfigError is the server's own (an unwritable output folder, a bad index): not the
    client's to fix, so no 400 telling it to pass --output-dir."""
    from langchain_core.runnables import RunnableLambda

    from hugginggpt_tools.errors import ConfigError

    def broken(_: dict) -> dict:
        raise ConfigError("Cannot write to the output folder '/srv/out'")

    client = TestClient(create_app(RunnableLambda(broken), settings=Settings(output_dir=tmp_path), api_keys=[]),
                        raise_server_exceptions=False)
    response = client.post("/hugginggpt/invoke", json={"input": {"input": "hello"}})
    assert response.status_code == 500 and "/srv/out" not in response.text
