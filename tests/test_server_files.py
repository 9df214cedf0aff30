"""The server's files, URLs and sessions: another session's outputs, full download URLs in
``files``, no server path on the wire but ``answer.files``, and downloads tied to API keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent, invoke_agent, upload_page

pytest.importorskip("langserve")

from starlette.testclient import TestClient  # noqa: E402

from hugginggpt_tools.artifacts import ArtifactStore  # noqa: E402
from hugginggpt_tools.backends.base import TaskOutput  # noqa: E402
from hugginggpt_tools.config import Settings  # noqa: E402
from hugginggpt_tools.policy import not_an_upload  # noqa: E402
from hugginggpt_tools.server import create_app  # noqa: E402
from hugginggpt_tools.server_guard import key_fingerprint  # noqa: E402

READ_ALOUD = "Read the text in page.png aloud"


def _tts(inputs: dict[str, Any], ctx: Any) -> TaskOutput:
    """A text-to-speech model that, like the real ones, gives its file's path in ``data.path``."""
    wav = ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)
    return TaskOutput(text=f"spoken: {wav.path}", data={"path": wav.path, "bytes": 16}, artifacts=[wav])


@pytest.fixture
def parts(tmp_path: Path) -> tuple[Any, Settings]:
    settings = Settings(output_dir=tmp_path / "out")
    agent = fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: "TEXT ON THE PAGE"),
                                  "fake/tts": ("text-to-speech", _tts)})
    return agent, settings


def _client(parts: tuple[Any, Settings], keys: list[str] | None = None, **kwargs: Any) -> TestClient:
    agent, settings = parts
    return TestClient(create_app(agent, settings=settings, api_keys=keys or [], rate_limit=0), **kwargs)


def _strings(value: Any, trail: str = "") -> list[tuple[str, str]]:
    """(where, string) of every string in a JSON value."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{trail}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{trail}[{i}]")]
    return [(trail, value)] if isinstance(value, str) else []


# ----------------------------------------------------------------------------- another session's output


def test_another_sessions_output_is_named_as_such(parts: tuple[Any, Settings], tmp_path: Path) -> None:
    """It was refused as "not an upload: upload it", though the fix is the session's header."""
    _, settings = parts
    client = _client(parts)
    made = invoke_agent(client, [upload_page(client)["path"]], {"X-Session-Id": "alice"}).json()["output"]["answer"]
    wav_path, wav_url = made["files"][0], made["urls"][0]
    root = str(settings.output_dir.resolve())
    for headers in ({"X-Session-Id": "bob"}, {}):  # a different, or no, session
        for name in (wav_path, wav_url):
            response = invoke_agent(client, [name], headers, request="Transcribe the audio")
            assert response.status_code == 200, response.text
            missing = response.json()["output"]["answer"]["plan"]["missing"][0]
            assert "is an output of another session: send the same X-Session-Id header" in missing, missing
            assert "not an upload" not in missing and root not in response.text  # no server path on the wire
    # in its own session it is used
    again = invoke_agent(client, [wav_url], {"X-Session-Id": "alice"}, request="Transcribe the audio")
    assert not any("another session" in m for m in again.json()["output"]["answer"]["plan"]["missing"])


def test_a_file_that_is_no_output_is_still_not_an_upload(parts: tuple[Any, Settings], tmp_path: Path) -> None:
    client = _client(parts)
    outside = tmp_path / "secret.wav"
    outside.write_bytes(b"RIFF")
    refused = invoke_agent(client, [str(outside)], request="Transcribe the audio")
    assert refused.status_code == 400 and "is not an upload" in refused.json()["detail"]
    assert "another session" not in refused.json()["detail"]
    # the /c/{config}/ routes refuse it alike
    other = invoke_agent(client, [str(outside)], request="Transcribe the audio", route="c/N4XyA/invoke")
    assert other.status_code == 400 and other.json() == refused.json()
    # and behind the guard the pipeline keeps it untrusted too: the plan's missing line says it
    agent, settings = parts
    state = agent.invoke({"input": "Transcribe the audio", "files": [str(outside)]},
                         {"configurable": {"hugginggpt_work_dir": str(settings.output_dir / "uploads")}})
    missing = state["answer"].plan.missing[0]
    assert "is not an upload" in missing and "another session" not in missing and not state["answer"].results


def test_not_an_upload_tells_outputs_from_other_files(tmp_path: Path) -> None:
    from hugginggpt_tools.artifacts import is_session_output

    store = ArtifactStore(tmp_path / "out", "s1")
    made = store.add_bytes(b"RIFF", ".wav", task_id=0)
    stray = store.folder / "stray.wav"  # in a session folder, but no run wrote it
    stray.write_bytes(b"RIFF")
    elsewhere = tmp_path / "x.wav"
    elsewhere.write_bytes(b"RIFF")
    assert is_session_output(made.path) and not is_session_output(stray) and not is_session_output(elsewhere)
    assert not is_session_output("out/s1/" + Path(made.path).name)  # relative: never (read from the cwd)
    assert not is_session_output(made.path + "\0")
    assert "another session" in not_an_upload("/artifacts/s1/a.wav", made.path)
    assert "another session" in not_an_upload(made.path)
    for other in (str(stray), str(elsewhere), "/etc/passwd", "page.png"):
        assert "is not an upload" in not_an_upload(other), other


# ----------------------------------------------------------------------------- full URLs in files


def test_a_full_url_of_this_server_names_the_file(parts: tuple[Any, Settings]) -> None:
    """Only ``/artifacts/...`` was accepted; ``http://host/artifacts/...`` (what a browser shows) was
    refused as "not an upload"."""
    client = _client(parts)
    uploaded = upload_page(client)
    for url in (f"http://testserver{uploaded['url']}", f"https://testserver{uploaded['url']}"):
        response = invoke_agent(client, [url])
        assert response.status_code == 200, response.text
        assert response.json()["output"]["answer"]["results"][0]["text"] == "TEXT ON THE PAGE"
    # the Host a client reached the server by (a port, another name) counts
    ported = invoke_agent(client, [f"http://localhost:8000{uploaded['url']}"], {"Host": "localhost:8000"})
    assert ported.status_code == 200 and ported.json()["output"]["answer"]["results"][0]["text"] == "TEXT ON THE PAGE"
    # a session's output by its full URL, in its session
    made = invoke_agent(client, [uploaded["path"]], {"X-Session-Id": "s"}).json()["output"]["answer"]
    again = invoke_agent(client, [f"http://testserver{made['urls'][0]}"], {"X-Session-Id": "s"}, request="Transcribe it")
    assert again.status_code == 200 and not again.json()["output"]["answer"]["plan"]["missing"]


@pytest.mark.parametrize("url", ["http://example.com{url}", "http://testserver:9999{url}", "http://testserver.evil{url}",
                                 "ftp://testserver{url}", "http://testserver/health", "http://testserver/artifacts/x/no.png",
                                 "http://testserver/artifacts/../../etc/passwd", "http://testserver:bad{url}"])
def test_a_url_of_another_host_or_no_file_is_still_refused(parts: tuple[Any, Settings], url: str) -> None:
    client = _client(parts)
    uploaded = upload_page(client)
    named = url.format(url=uploaded["url"])
    response = invoke_agent(client, [named])
    assert response.status_code == 400 and f"input file {named!r} is not an upload" in response.json()["detail"]


def test_artifact_rel_reads_bare_and_full_urls() -> None:
    from hugginggpt_tools.server_guard import artifact_rel

    hosts = {"testserver", "localhost:8000"}
    assert artifact_rel("/artifacts/s/a.wav") == "s/a.wav"
    assert artifact_rel("/artifacts/s/a.wav?sig=abc#x") == "s/a.wav"
    assert artifact_rel("http://TestServer/artifacts/s/my%20a.wav", hosts) == "s/my a.wav"
    assert artifact_rel("http://localhost:8000/artifacts/s/a.wav", hosts) == "s/a.wav"
    assert artifact_rel("https://testserver:443/artifacts/s/a.wav", hosts) == "s/a.wav"
    for other in ("http://localhost/artifacts/s/a.wav", "http://testserver/artifacts/s/a.wav",
                  "http://testserver:80/other/a.wav", "/artifacts/", "/artifacts/s/%00", "s/a.wav"):
        assert artifact_rel(other, {"localhost:8000"} if "testserver" in other else hosts) is None, other


# ----------------------------------------------------------------------------- no server path on the wire


def test_served_results_and_events_name_files_by_url(parts: tuple[Any, Settings]) -> None:
    """The answer_ready event's ``files`` and a result's ``data.path`` carried server paths."""
    agent, settings = parts
    client = _client(parts)
    root = str(settings.output_dir.resolve())
    uploaded = upload_page(client)
    answer = invoke_agent(client, [uploaded["path"]]).json()["output"]["answer"]
    spoken = answer["results"][1]
    assert spoken["data"]["path"] == answer["urls"][0] == answer["artifacts"][0]["path"]
    assert client.get(spoken["data"]["path"]).content == b"TEXT ON THE PAGE"
    assert spoken["inputs"]["text"] == "TEXT ON THE PAGE" and answer["results"][0]["inputs"]["image"] == uploaded["url"]
    leaks = [where for where, s in _strings(answer) if root in s]
    assert leaks == [".files[0]"]  # the server path stays only where later requests take it

    stream = client.post("/hugginggpt/stream_events", json={"input": {"input": READ_ALOUD, "files": [uploaded["path"]]}})
    events = [json.loads(line[6:]) for line in stream.text.splitlines() if line.startswith("data: ")]
    ready = [e for e in events if e.get("name") == "hugginggpt.answer_ready"]
    assert len(ready) == 1 and ready[0]["data"]["files"] and ready[0]["data"]["files"][0].startswith("/artifacts/")
    assert client.get(ready[0]["data"]["files"][0]).content == b"TEXT ON THE PAGE"
    leaks = {where for e in events for where, s in _strings(e) if root in s}
    assert leaks and all(where.endswith("answer.files[0]") for where in leaks), leaks
    # the Python API keeps its local paths
    state = agent.invoke({"input": READ_ALOUD, "files": [uploaded["path"]]})
    assert state["answer"].results[1].data["path"].startswith(root)


# ----------------------------------------------------------------------------- downloads and API keys


def test_downloads_need_the_key_that_made_them(parts: tuple[Any, Settings]) -> None:
    """Any valid key downloaded any key's files; now only the key that uploaded or made a file
    (or the signed link its answer gave, for a browser) does."""
    from hugginggpt_tools.server_guard import owner_fingerprint

    client = _client(parts, ["key-one-123", "key-two-456"])
    one, two = {"X-API-Key": "key-one-123"}, {"Authorization": "Bearer key-two-456"}
    uploaded = upload_page(client, one)
    answer = invoke_agent(client, [uploaded["path"]], one).json()["output"]["answer"]
    signed = answer["urls"][0]
    plain, _, query = signed.partition("?")
    assert query.startswith("exp=") and "&sig=" in query and "?exp=" in uploaded["url"]
    assert signed in answer["text"] and answer["results"][1]["data"]["path"] == signed
    assert owner_fingerprint(plain.removeprefix("/artifacts/")) == key_fingerprint("key-one-123")

    assert client.get(plain, headers=one).content == b"TEXT ON THE PAGE"
    assert client.get(signed).content == b"TEXT ON THE PAGE"  # a browser: no header, the link's signature
    no_key = client.get(plain)
    assert no_key.status_code == 401 and "X-API-Key" in no_key.json()["detail"] and "&sig=" in no_key.json()["detail"]
    for url in (plain, uploaded["url"].split("?")[0]):
        other = client.get(url, headers=two)
        assert other.status_code == 403 and "another API key" in other.json()["detail"], url
    exp = query.split("&")[0]
    forged = client.get(f"{plain}?{exp}&sig={'0' * 32}")
    assert forged.status_code == 403 and "signature" in forged.json()["detail"]
    moved = client.get(uploaded["url"].split("?")[0] + "?" + query)  # a signature opens its own file only
    assert moved.status_code == 403
    # another key names the file: the upload is not its upload, the output another session's
    refused = invoke_agent(client, [uploaded["path"]], two)
    assert refused.status_code == 400 and "is not yours" in refused.json()["detail"]
    # ... also on the /c/{config}/ routes (it read key one's upload): refused alike
    other_route = invoke_agent(client, [uploaded["path"]], two, route="c/N4XyA/invoke")
    assert other_route.status_code == 400 and other_route.json() == refused.json()
    theirs = invoke_agent(client, [signed], two, request="Transcribe it")
    assert theirs.status_code == 400 and "is not yours" in theirs.json()["detail"]
    # a path that does not exist is no oracle: 403 for another key, 404 for the owner
    missing = plain.rsplit("/", 1)[0] + "/none.wav"
    assert client.get(missing, headers=two).status_code == 403 and client.get(missing, headers=one).status_code == 404


def test_downloads_without_keys_are_as_before(parts: tuple[Any, Settings]) -> None:
    client = _client(parts)
    uploaded = upload_page(client)
    answer = invoke_agent(client, [uploaded["path"]]).json()["output"]["answer"]
    assert "?" not in answer["urls"][0] and "?" not in uploaded["url"]
    assert client.get(answer["urls"][0]).content == b"TEXT ON THE PAGE"
    assert client.get(uploaded["url"]).content == b"png"


def test_the_uploads_folder_is_no_session(parts: tuple[Any, Settings]) -> None:
    """``X-Session-Id: uploads`` wrote the session's outputs and manifest into the uploads folder,
    which session pruning then deletes whole."""
    client = _client(parts)
    response = invoke_agent(client, [upload_page(client)["path"]], {"X-Session-Id": "uploads"})
    assert response.status_code == 400 and "uploads" in response.json()["detail"]
