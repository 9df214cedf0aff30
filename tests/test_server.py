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
    wav = ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)
    return TaskOutput(text=f"spoken: {wav.path}", artifacts=[wav])


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


def test_artifact_paths_cannot_escape(app_parts, tmp_path):
    """A file beside the output folder, where ``..`` leads, stays out of reach. (``/artifacts/../..``
    written plainly never reaches the route: the client folds the dots away; %-escaped it does.)"""
    agent, settings = app_parts
    secret = tmp_path / "secret.txt"  # the output folder is tmp_path / "out"
    secret.write_text("TOP SECRET")
    inside = settings.output_dir / "s1" / "ok.txt"
    inside.parent.mkdir(parents=True)
    inside.write_text("fine")
    client = TestClient(create_app(agent, settings=settings, api_keys=[]))
    assert client.get("/artifacts/s1/ok.txt").text == "fine"  # the route serves what is inside
    for url in ("/artifacts/%2e%2e/secret.txt", "/artifacts/..%2fsecret.txt", "/artifacts/s1/%2e%2e/%2e%2e/secret.txt",
                "/artifacts/s1/..%2f..%2fsecret.txt"):
        response = client.get(url)
        assert response.status_code == 404 and "TOP SECRET" not in response.text, url


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


def _sse(text: str) -> list[tuple[str, str]]:
    """(event, data) of each server-sent event in ``text``."""
    events = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        events.append((fields.get("event", ""), fields.get("data", "")))
    return events


def _upload(client, tmp_path) -> dict:
    page = tmp_path / "page.png"
    page.write_bytes(b"png")
    return client.post("/files", files={"file": ("page.png", page.read_bytes())}).json()


def test_answers_give_a_download_url_for_every_file_written(app_parts, tmp_path):
    """The answer named files by server paths only; now ``answer.urls`` (and the texts) give the
    ``/artifacts/...`` URL a client downloads, on /invoke, /batch, /stream and /stream_events."""
    import json

    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=[]))
    request = {"input": "Read the text in page.png aloud", "files": [_upload(client, tmp_path)["path"]]}
    root = str(settings.output_dir.resolve())

    output = client.post("/hugginggpt/invoke", json={"input": request}).json()["output"]
    answer = output["answer"]
    assert answer["files"][0].startswith(root)  # the server path stays, for later requests' files
    assert len(answer["urls"]) == 1 and answer["urls"][0].startswith("/artifacts/")
    download = client.get(answer["urls"][0])
    assert download.status_code == 200 and download.content == b"TEXT ON THE PAGE"
    assert answer["urls"][0] in output["output"] and root not in output["output"] and root not in answer["text"]
    assert root not in answer["results"][1]["text"] and answer["urls"][0] in answer["results"][1]["text"]

    batch = client.post("/hugginggpt/batch", json={"inputs": [request, request]}).json()["output"]
    assert all(o["answer"]["urls"][0].startswith("/artifacts/") for o in batch)

    events = _sse(client.post("/hugginggpt/stream", json={"input": request}).text)
    chunks = [json.loads(data) for event, data in events if event == "data"]
    assert [next(iter(c)) for c in chunks] == ["plan", "select", "execute", "respond"]  # the stream's shape
    assert client.get(chunks[-1]["respond"]["answer"]["urls"][0]).content == b"TEXT ON THE PAGE"

    events = _sse(client.post("/hugginggpt/stream_events", json={"input": request}).text)
    ends = [json.loads(data) for event, data in events if event == "data" and '"on_chain_end"' in data]
    assert ends[-1]["data"]["output"]["answer"]["urls"][0].startswith("/artifacts/")


def test_the_python_answer_keeps_local_paths(app_parts, tmp_path):
    agent, settings = app_parts
    page = tmp_path / "page.png"
    page.write_bytes(b"png")
    state = agent.invoke({"input": "Read the text in page.png aloud", "files": [str(page)]})
    assert state["answer"].files[0].startswith(str(settings.output_dir)) and state["answer"].files[0] in state["output"]
    assert not hasattr(state["answer"], "urls")


def test_a_download_url_names_an_input_file(app_parts, tmp_path):
    """``POST /files`` answers a ``url`` too; naming the file by it was refused as "not an upload"."""
    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=[]))
    uploaded = _upload(client, tmp_path)
    response = client.post("/hugginggpt/invoke", json={"input": {"input": "Read the text in page.png aloud",
                                                                 "files": [uploaded["url"]]}})
    assert response.status_code == 200, response.text
    answer = response.json()["output"]["answer"]
    assert answer["results"][0]["text"] == "TEXT ON THE PAGE"
    # a produced file's URL works in the next request too; a URL of no file is still refused
    again = client.post("/hugginggpt/invoke", json={"input": {"input": "Read the text in it aloud",
                                                              "files": [answer["urls"][0], uploaded["url"]]}})
    assert again.status_code == 200, again.text
    missing = client.post("/hugginggpt/invoke", json={"input": {"input": "Read it", "files": ["/artifacts/x/no.png"]}})
    assert missing.status_code == 400 and "not an upload" in missing.json()["detail"]
    (tmp_path / "beside.png").write_bytes(b"png")  # beside the output folder, tmp_path / "out"
    for escape in ("/artifacts/../beside.png", "/artifacts/%2e%2e/beside.png", "/artifacts/x/../../beside.png"):
        refused = client.post("/hugginggpt/invoke", json={"input": {"input": "Read it", "files": [escape]}})
        assert refused.status_code == 400 and "not an upload" in refused.json()["detail"], escape


def test_an_empty_input_is_a_400_on_the_stream_too(app_parts):
    """/stream answered an empty input with a bare 500 error event; /batch and /stream_events too."""
    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=[]), raise_server_exceptions=False)
    sse = {"Accept": "text/event-stream"}
    for endpoint in ("stream", "stream_events", "c/N4XyA/stream"):
        response = client.post(f"/hugginggpt/{endpoint}", json={"input": {"input": "  "}}, headers=sse)
        (event, data), = _sse(response.text)  # LangServe's stream protocol: an error event
        assert event == "error" and httpx.Response(200, content=data).json()["status_code"] == 400, endpoint
        assert "non-empty request string" in data
        plain = client.post(f"/hugginggpt/{endpoint}", json={"input": {"input": "  "}})  # e.g. curl
        assert plain.status_code == 400 and "non-empty request string" in plain.json()["detail"]
    batch = client.post("/hugginggpt/batch", json={"inputs": [{"input": "Read page.png"}, {"input": ""}]})
    assert batch.status_code == 400 and "non-empty request string" in batch.json()["detail"]


def test_a_string_body_input_names_the_fix(app_parts):
    """``{"input": "text"}`` (the request without its object) was a 422 "Input should be a valid dictionary"."""
    agent, settings = app_parts
    client = TestClient(create_app(agent, settings=settings, api_keys=[]), raise_server_exceptions=False)
    response = client.post("/hugginggpt/invoke", json={"input": "Read page.png"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body's 'input' must be an object, got 'Read page.png'")
    assert '{"input": {"input": "your request"' in response.json()["detail"]


def test_remote_runnable_stream_raises_the_client_error(live_server):
    base, _ = live_server
    remote = RemoteRunnable(f"{base}/hugginggpt/")
    for stream in (remote.stream, remote.astream_events):
        with pytest.raises(httpx.HTTPStatusError) as error:
            _drain(stream({"input": ""}))
        assert error.value.response.status_code == 400 and "non-empty request string" in str(error.value)


def _drain(chunks) -> list:
    import asyncio

    async def collect() -> list:
        return [c async for c in chunks]

    return asyncio.run(collect()) if hasattr(chunks, "__aiter__") else list(chunks)
