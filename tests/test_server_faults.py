"""Faults a tester found in the server: an upload's name with spaces, a session's upload named by
its name alone, a stream the controller LLM's failure cut off, and fixes worded for the command line."""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import fake_agent, uvicorn_server

pytest.importorskip("langserve")

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel  # noqa: E402
from langserve import RemoteRunnable  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from hugginggpt_tools import create_hugginggpt_agent  # noqa: E402
from hugginggpt_tools.backends.base import TaskOutput  # noqa: E402
from hugginggpt_tools.config import Settings  # noqa: E402
from hugginggpt_tools.errors import InputError  # noqa: E402
from hugginggpt_tools.inputs import resolve_file  # noqa: E402
from hugginggpt_tools.planning.base import Planner  # noqa: E402
from hugginggpt_tools.policy import GIVE_FILE_FIX, FilePolicy  # noqa: E402
from hugginggpt_tools.server import SERVER_FILE_FIX, create_app, server_fixes  # noqa: E402
from hugginggpt_tools.server_uploads import MAX_NAME_BYTES, named_candidates, upload_name  # noqa: E402

KEY = {"X-API-Key": "key-one-123"}
OTHER = {"X-API-Key": "key-two-456"}
DOWN = "provider unreachable"


def _tts(inputs: dict[str, Any], ctx: Any) -> TaskOutput:
    wav = ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)
    return TaskOutput(text=f"spoken: {wav.path}", artifacts=[wav])


def _agent(settings: Settings) -> Any:
    return fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: "TEXT ON THE PAGE"),
                                 "fake/tts": ("text-to-speech", _tts)})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(output_dir=tmp_path / "out")


def _upload(client: TestClient, name: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.post("/files", files={"file": (name, b"png")}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def _ask(client: TestClient, request: str, files: list[str] | None = None,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = {"input": request, **({"files": files} if files is not None else {})}
    response = client.post("/hugginggpt/invoke", json={"input": body}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()["output"]


def _read(output: dict[str, Any]) -> str:
    """The text task 0 read, or its error."""
    result = output["answer"]["results"][0]
    return result["text"] or result["error"]


def test_an_upload_keeps_its_name_with_spaces_and_the_request_naming_it_finds_it(settings: Settings) -> None:
    """"my sign.png" was stored as my_sign.png, so "Read the text in my sign.png" looked for sign.png."""
    for keys, headers in (([], {}), (["key-one-123"], KEY)):
        client = TestClient(create_app(_agent(settings), settings=settings, api_keys=keys))
        uploaded = _upload(client, "my sign.png", headers)
        assert uploaded["name"] == "my sign.png" and Path(uploaded["path"]).name == "my sign.png"
        assert " " not in uploaded["url"] and "my%20sign.png" in uploaded["url"]
        assert client.get(uploaded["url"]).content == b"png"  # the signed link, with keys, opens it as given
        for named in (uploaded["path"], uploaded["url"]):
            output = _ask(client, "Read the text in my sign.png aloud", [named], headers)
            assert _read(output) == "TEXT ON THE PAGE", (keys, named, output["output"])


def test_remote_runnable_reads_an_upload_with_spaces_by_its_signed_url(settings: Settings) -> None:
    with uvicorn_server(create_app(_agent(settings), settings=settings, api_keys=["key-one-123"])) as base:
        uploaded = httpx.post(f"{base}/files", files={"file": ("my sign.png", b"png")}, headers=KEY).json()
        remote = RemoteRunnable(f"{base}/hugginggpt/", headers=KEY)
        output = remote.invoke({"input": "Read the text in my sign.png aloud", "files": [uploaded["url"]]})
        assert output["answer"]["results"][0]["text"] == "TEXT ON THE PAGE", output["output"]


def test_a_request_names_an_upload_of_its_session_by_its_name_alone(settings: Settings) -> None:
    """Uploads go into a folder each, so "memo2.png" never resolved from the uploads folder."""
    client = TestClient(create_app(_agent(settings), settings=settings, api_keys=[]))
    _upload(client, "memo2.png", {"X-Session-Id": "up1"})
    assert _read(_ask(client, "Read the text in memo2.png", headers={"X-Session-Id": "up1"})) == "TEXT ON THE PAGE"
    _upload(client, "my memo.png", {"X-Session-Id": "up1"})
    assert _read(_ask(client, "Read the text in my memo.png", headers={"X-Session-Id": "up1"})) == \
        "TEXT ON THE PAGE"
    # without keys another client's upload is never found by its name: with no session, another
    # session, or when it is the only one of that name on the server
    for headers in ({}, {"X-Session-Id": "up2"}):
        error = _read(_ask(client, "Read the text in memo2.png", headers=headers))
        assert "'memo2.png' not found" in error and SERVER_FILE_FIX in error and "--file" not in error
    _upload(client, "memo2.png")
    assert "'memo2.png' not found" in _read(_ask(client, "Read the text in memo2.png"))
    # the session's own one still wins
    assert _read(_ask(client, "Read the text in memo2.png", headers={"X-Session-Id": "up1"})) == "TEXT ON THE PAGE"


def test_names_with_brackets_and_combining_marks_are_found_by_their_names(settings: Settings) -> None:
    """"photo (1).png" was stored but never found by its name; "नमस्ते.png" lost its vowel signs."""
    client = TestClient(create_app(_agent(settings), settings=settings, api_keys=[]))
    session = {"X-Session-Id": "marks"}
    for name in ("photo (1).png", "नमस्ते.png", "வணக்கம் படம்.png"):
        uploaded = _upload(client, name, session)
        assert uploaded["name"] == unicodedata.normalize("NFC", name).replace("(", "_").replace(")", "_"), uploaded
        assert _read(_ask(client, f"Read the text in {name} please", headers=session)) == "TEXT ON THE PAGE", name
    assert upload_name("नमस्ते.png") == "नमस्ते.png" and upload_name("a+b,c@d.png") == "a_b_c_d.png"


def test_with_keys_a_name_finds_only_the_keys_own_uploads(settings: Settings) -> None:
    client = TestClient(create_app(_agent(settings), settings=settings, api_keys=["key-one-123", "key-two-456"]))
    _upload(client, "memo2.png", {**KEY, "X-Session-Id": "up1"})
    assert _read(_ask(client, "Read the text in memo2.png", headers={**KEY, "X-Session-Id": "up1"})) == \
        "TEXT ON THE PAGE"
    assert _read(_ask(client, "Read the text in memo2.png", headers=KEY)) == "TEXT ON THE PAGE"
    for headers in (OTHER, {**OTHER, "X-Session-Id": "up1"}):  # the same session name, another key
        assert "'memo2.png' not found" in _read(_ask(client, "Read the text in memo2.png", headers=headers))


def test_an_upload_name_keeps_what_is_safe() -> None:
    assert upload_name("my sign.png") == "my sign.png"
    assert upload_name("Café (1).png") == "Café _1_.png"
    assert upload_name("../../etc/passwd") == "passwd"
    assert upload_name("C:\\Users\\ann\\my sign.png") == "my sign.png"
    assert upload_name("a\nb$`|.png") == "a_b$`_.png"
    assert upload_name("x\u202egnp.exe") == "x_gnp.exe" and upload_name("क\u200dष.png") == "क\u200dष.png"
    assert upload_name("..hidden.png ") == "hidden.png"
    assert upload_name("") == upload_name("..") == upload_name(None) == "upload"
    long = upload_name("é" * 300 + ".png")
    assert len(long.encode()) <= MAX_NAME_BYTES and len(upload_name("x" * 300 + ".png")) <= 100 and long.endswith("é.png")
    assert list(named_candidates('Read "my sign.png" aloud')) == [['Read _my sign.png', "my sign.png", "sign.png"]]
    assert list(named_candidates("see photo (1).png, a.png,b.png")) == [
        ["see photo _1_.png", "photo _1_.png", "1_.png"],
        ["see photo _1_.png_ a.png", "photo _1_.png_ a.png", "1_.png_ a.png", "a.png"],
        ["see photo _1_.png_ a.png_b.png", "photo _1_.png_ a.png_b.png", "1_.png_ a.png_b.png", "a.png_b.png", "b.png"]]


def test_a_bad_session_id_on_an_upload_is_a_400(settings: Settings) -> None:
    client = TestClient(create_app(_agent(settings), settings=settings, api_keys=[]))
    for session in ("bad/id", "uploads"):
        response = client.post("/files", files={"file": ("a.png", b"png")}, headers={"X-Session-Id": session})
        assert response.status_code == 400 and "X-Session-Id" in response.json()["detail"], response.text


class _Down(GenericFakeChatModel):
    """A chat model whose provider is down."""

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(DOWN)

    async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(DOWN)


class _Broken(Planner):
    name = "broken"

    def plan(self, request: str, *, files: Any = (), chat_history: Any = ()) -> Any:
        raise KeyError("a bug")


def test_a_failed_stream_ends_properly_after_its_error_event(settings: Settings, caplog: Any) -> None:
    """LangServe raised again after the error event, so the connection was cut (curl rc=18) and the
    log had an "Exception in ASGI application" traceback."""
    body = {"input": {"input": "Summarize: The cat sat."}}
    down = create_app(create_hugginggpt_agent(_Down(messages=iter([])), planner="llm", settings=settings),
                      settings=settings, api_keys=[])
    client = TestClient(down)  # raises what the app raises
    for route in ("stream", "stream_events", "stream_log"):
        with caplog.at_level(logging.WARNING, "hugginggpt_tools.server"):
            caplog.clear()
            response = client.post(f"/hugginggpt/{route}", json=body)
        assert response.text.count("event: error") == 1 and '"status_code": 502' in response.text, response.text
        assert [r.exc_info for r in caplog.records] == [None] and DOWN in caplog.text  # one line, no traceback
    with uvicorn_server(down) as base:
        with httpx.stream("POST", f"{base}/hugginggpt/stream", json=body, timeout=30) as response:
            text = response.read().decode()  # httpx.RemoteProtocolError when the stream is cut off
        assert f"ConnectionError: {DOWN}" in text
        with pytest.raises(httpx.HTTPStatusError) as error:
            list(RemoteRunnable(f"{base}/hugginggpt/").stream(body["input"]))
        assert error.value.response.status_code == 502
    broken = create_app(create_hugginggpt_agent(planner=_Broken(), settings=settings), settings=settings, api_keys=[])
    with caplog.at_level(logging.ERROR, "hugginggpt_tools.server"):
        response = TestClient(broken).post("/hugginggpt/stream", json=body)
    assert '"status_code": 500' in response.text and "a bug" not in response.text
    assert any(r.exc_info for r in caplog.records)  # any other error: its traceback in the server's log


def test_fixes_worded_for_the_command_line_are_worded_for_the_server(settings: Settings, tmp_path: Path) -> None:
    messages = []
    for fail in (lambda: resolve_file("nothere.png", [], tmp_path),
                 lambda: FilePolicy.create([tmp_path / "in"]).check(tmp_path)):
        with pytest.raises(InputError) as error:
            fail()
        messages.append(server_fixes(str(error.value)))
    for message in messages:
        assert message.endswith(SERVER_FILE_FIX) and "--file" not in message and "Python" not in message, message
    client = TestClient(create_app(_agent(settings), settings=settings, api_keys=[]))
    output = _ask(client, "Read the text in ghost.png aloud")
    assert SERVER_FILE_FIX in output["output"] and "--file" not in str(output), output["output"]


def test_a_stream_broken_off_before_its_error_event_gets_one() -> None:
    """A stream whose app raised before any ``error`` event: the event, then the stream's end."""
    import asyncio

    from hugginggpt_tools.server import _StreamErrors

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        await send({"type": "http.response.body", "body": b'event: data\r\ndata: "event: error\\n"\r\n\r\n',
                    "more_body": True})
        raise KeyError("a bug")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(_StreamErrors(app)({"type": "http", "path": "/hugginggpt/stream"}, None, send))
    assert sent[-1]["more_body"] is False and sent[-1]["body"].startswith(b"event: error\r\n")
    assert b'"status_code": 500' in sent[-1]["body"]


def test_the_name_index_finds_another_process_upload_and_reads_the_folder_at_most_once_a_second(
        tmp_path: Path, monkeypatch: Any) -> None:
    """The index was read again only when the uploads folder's modification time moved past the one
    its own saves had recorded, so another process's upload could stay unfound for good."""
    import os

    from hugginggpt_tools import server_uploads
    from hugginggpt_tools.server_guard import key_fingerprint

    root = tmp_path / "uploads"
    mine, other = server_uploads.Uploads(root), server_uploads.Uploads(root)
    owner = key_fingerprint("key-one-123")
    seed = mine.save("seed.png", b"x", "key-one-123")
    assert mine.named("Read seed.png", owner=owner) == [str(seed)]
    stat = os.stat(root)
    theirs = other.save("theirs.png", b"x", "key-one-123")
    os.utime(root, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as if within the same tick, or before a save of mine
    mine.save("later.png", b"x", "key-one-123")
    monkeypatch.setattr(server_uploads, "RESCAN_S", 0.0)
    assert mine.named("Read theirs.png", owner=owner) == [str(theirs)]
    reads: list[Path] = []
    read = server_uploads._read_index
    monkeypatch.setattr(server_uploads, "_read_index", lambda folder: reads.append(folder) or read(folder))
    monkeypatch.setattr(server_uploads, "RESCAN_S", 60.0)
    for _ in range(3):  # a name not found: the folder read once, not at every look-up
        assert mine.named("Read ghost.png", owner=owner) == [] and mine.named("Read later.png", owner=owner)
    assert len(reads) <= 1


def test_the_name_index_keeps_the_newest_folders(tmp_path: Path, monkeypatch: Any) -> None:
    import os

    from hugginggpt_tools import server_uploads

    monkeypatch.setattr(server_uploads, "MAX_SCANNED", 2)
    paths = [server_uploads.Uploads(tmp_path).save(f"f{i}.png", b"x") for i in range(4)]
    for i, path in enumerate(paths):
        os.utime(path.parent, ns=(i * 10**9, i * 10**9))
    assert sorted(server_uploads._read_index(tmp_path)) == ["f2.png", "f3.png"]


def test_a_model_output_holding_the_command_line_fix_is_left_alone(settings: Settings) -> None:
    """Every string of the output was rewritten: a text a model read that quotes the command line's
    fix was changed too. Only errors, warnings and the answer's lines quoting them are."""
    page = f"Manual: {GIVE_FILE_FIX} or give its full path."
    agent = fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: page)})
    client = TestClient(create_app(agent, settings=settings, api_keys=[]))
    session = {"X-Session-Id": "manual"}
    _upload(client, "manual.png", session)
    output = _ask(client, "Read the text in manual.png", headers=session)
    assert _read(output) == page and page in output["output"] and page in output["answer"]["text"], output
    output = _ask(client, "Read the text in manual.png and the text in ghost.png", headers=session)
    results = output["answer"]["results"]
    assert [r["text"] for r in results if r["status"] == "succeeded"] == [page], results
    errors = [r["error"] for r in results if r["status"] != "succeeded"]
    assert errors and all(SERVER_FILE_FIX in e and "--file" not in e for e in errors), errors
    assert page in output["output"] and output["output"].count("--file") == 1, output["output"]
    assert SERVER_FILE_FIX in output["output"], output["output"]
