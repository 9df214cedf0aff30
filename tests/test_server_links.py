"""Signed download links that expire, the ``/c/{config}/`` routes taking the same files as the
plain ones, another key's files refused alike whether or not they exist, and the manifest cache."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent, invoke_agent, upload_page

pytest.importorskip("langserve")

from starlette.testclient import TestClient  # noqa: E402

from hugginggpt_tools import server_guard  # noqa: E402
from hugginggpt_tools.artifacts import ArtifactStore, is_session_output  # noqa: E402
from hugginggpt_tools.backends.base import TaskOutput  # noqa: E402
from hugginggpt_tools.config import Settings  # noqa: E402
from hugginggpt_tools.errors import ConfigError  # noqa: E402
from hugginggpt_tools.server import create_app, link_lifetime_s  # noqa: E402

READ_ALOUD = "Read the text in page.png aloud"
ONE, TWO = {"X-API-Key": "key-one-123"}, {"X-API-Key": "key-two-456"}


def _tts(inputs: dict[str, Any], ctx: Any) -> TaskOutput:
    wav = ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)
    return TaskOutput(text=f"spoken: {wav.path}", data={"path": wav.path}, artifacts=[wav])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(output_dir=tmp_path / "out")


def _client(settings: Settings, keys: list[str] | None = None, **kwargs: Any) -> TestClient:
    agent = fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: "TEXT ON THE PAGE"),
                                  "fake/tts": ("text-to-speech", _tts)})
    return TestClient(create_app(agent, settings=settings, api_keys=keys or [], rate_limit=0, **kwargs))


class Clock:
    """The guard's clock, moved by the test."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# ----------------------------------------------------------------------------- links expire


def test_signed_links_expire(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signed link (``?sig=``, an HMAC of the path) opened its file for ever; now it carries its
    expiry time (``?exp=``, signed with the path) and is refused after it, saying what to do."""
    clock = Clock()
    monkeypatch.setattr(server_guard, "_now", clock)
    client = _client(settings, ["key-one-123", "key-two-456"], link_hours=2)
    uploaded = upload_page(client, ONE)
    signed = invoke_agent(client, [uploaded["path"]], ONE).json()["output"]["answer"]["urls"][0]
    plain, _, query = signed.partition("?")
    exp = int(query.split("&")[0].removeprefix("exp="))
    assert exp == clock.now + 2 * 3600 and query.endswith(f"&sig={query.rsplit('=', 1)[1]}")
    assert f"?exp={exp}&sig=" in uploaded["url"]

    clock.now = exp  # the last second it lasts
    assert client.get(signed).content == b"TEXT ON THE PAGE"
    clock.now = exp + 1
    for link in (signed, uploaded["url"]):
        expired = client.get(link)
        assert expired.status_code == 403, link
        detail = expired.json()["detail"]
        assert detail.startswith("link expired (at ") and "ask the server for the result again" in detail
    assert client.get(plain, headers=ONE).content == b"TEXT ON THE PAGE"  # the key itself still downloads
    # a later expiry time written into the link does not match its signature
    longer = client.get(signed.replace(f"exp={exp}", f"exp={exp + 10**6}"))
    assert longer.status_code == 403 and "signature does not match" in longer.json()["detail"]
    for bad in ("", "soon", "-1", "1e99", "9" * 40):
        broken = client.get(signed.replace(f"exp={exp}", f"exp={bad}"))
        assert broken.status_code == 403 and "signature does not match" in broken.json()["detail"], bad


def test_links_without_an_expiry_are_refused(settings: Settings) -> None:
    """The older form, ``?sig=`` alone (an HMAC of the path, valid for ever), opened the file."""
    client = _client(settings, ["key-one-123"])
    url = upload_page(client, ONE)["url"].partition("?")[0]
    old_sig = hmac.new(b"key-one-123", url.encode(), hashlib.sha256).hexdigest()[:32]
    response = client.get(f"{url}?sig={old_sig}")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "no expiry time" in detail and "ask the server for the result again" in detail
    assert client.get(url).status_code == 401  # no link at all: the key is asked for


def test_link_lifetime_comes_from_the_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(server_guard, "_now", clock)
    assert link_lifetime_s() == 24 * 3600
    monkeypatch.setenv("HUGGINGGPT_LINK_EXPIRY_HOURS", "0.5")
    assert link_lifetime_s() == 1800 and link_lifetime_s(3) == 3 * 3600
    url = upload_page(_client(settings, ["key-one-123"]), ONE)["url"]
    assert f"?exp={int(clock.now) + 1800}&sig=" in url
    for bad in ("never", "0", "-2", "inf"):
        monkeypatch.setenv("HUGGINGGPT_LINK_EXPIRY_HOURS", bad)
        with pytest.raises(ConfigError, match=f"HUGGINGGPT_LINK_EXPIRY_HOURS='{bad}'"):
            _client(settings, ["key-one-123"])


def test_an_answer_gives_each_file_one_url(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """``served_output`` made a file's URL once for ``urls`` and again for its other mentions: with
    the clock between two seconds, the same file got two links of different expiry."""
    clock = Clock()

    def ticking() -> float:
        clock.now += 1.0
        return clock.now

    monkeypatch.setattr(server_guard, "_now", ticking)
    client = _client(settings, ["key-one-123"])
    answer = invoke_agent(client, [upload_page(client, ONE)["path"]], ONE).json()["output"]["answer"]
    url = answer["urls"][0]
    assert "?exp=" in url and answer["artifacts"][0]["path"] == url == answer["results"][1]["data"]["path"]
    assert url in answer["text"]


# ----------------------------------------------------------------------------- both route families


def test_config_routes_take_download_urls_as_the_plain_ones_do(settings: Settings) -> None:
    """``/hugginggpt/c/{config}/invoke`` left ``/artifacts/...`` URLs in ``files`` as they were, so
    the file was "not an upload" there while ``/hugginggpt/invoke`` read it."""
    client = _client(settings)
    uploaded = upload_page(client)
    for route in ("invoke", "c/N4XyA/invoke"):
        for name in (uploaded["url"], f"http://testserver{uploaded['url']}", uploaded["path"]):
            response = invoke_agent(client, [name], route=route)
            assert response.status_code == 200, (route, name, response.text)
            assert response.json()["output"]["answer"]["results"][0]["text"] == "TEXT ON THE PAGE", (route, name)
    batch = client.post("/hugginggpt/c/N4XyA/batch", json={"inputs": [{"input": READ_ALOUD, "files": [uploaded["url"]]}]})
    assert batch.status_code == 200 and batch.json()["output"][0]["answer"]["results"][0]["text"] == "TEXT ON THE PAGE"
    # what the plain route refuses, the other refuses the same way
    for name in ("/artifacts/x/no.png", "http://example.com/artifacts/x/a.png", "/etc/hostname"):
        plain, other = invoke_agent(client, [name]), invoke_agent(client, [name], route="c/N4XyA/invoke")
        assert plain.status_code == other.status_code == 400 and plain.json() == other.json(), name


# ----------------------------------------------------------------------------- not yours, and no more


def test_another_keys_files_are_not_yours_whether_or_not_they_exist(settings: Settings) -> None:
    """Key two naming key one's output was told "an output of another session", and naming a path
    there that is no file "not an upload": it learnt which of key one's files exist."""
    client = _client(settings, ["key-one-123", "key-two-456"])
    uploaded = upload_page(client, ONE)
    answer = invoke_agent(client, [uploaded["path"]], ONE).json()["output"]["answer"]
    made, folder = answer["files"][0], Path(answer["files"][0]).parent
    names = [made, answer["urls"][0].partition("?")[0], str(folder / "output-00000000.wav"), uploaded["path"],
             str(Path(uploaded["path"]).parent / "other.png")]
    for route in ("invoke", "c/N4XyA/invoke"):
        details = []
        for name in names:
            response = invoke_agent(client, [name], TWO, request="Transcribe it", route=route)
            assert response.status_code == 400, (route, name, response.text)
            details.append(response.json()["detail"].replace(repr(name), "NAME"))
        assert len(set(details)) == 1 and details[0].startswith("input file NAME is not yours"), details
        assert folder.name not in details[0] and "session" not in details[0].split(":")[0]
    # key one itself still names them
    assert invoke_agent(client, [answer["urls"][0]], ONE, request="Transcribe it").status_code == 200


def test_a_manifest_outside_the_output_folder_is_not_read(settings: Settings, tmp_path: Path) -> None:
    """The guard's refusal of a path outside the served folders read the manifest beside it: a
    caller learnt whether a file elsewhere on the server was the output of a command-line run."""
    elsewhere = ArtifactStore(tmp_path / "cli-out", "run1").add_bytes(b"RIFF", ".wav", task_id=0)
    assert is_session_output(elsewhere.path)
    client = _client(settings)
    for name in (elsewhere.path, str(Path(elsewhere.path).with_name("none.wav"))):
        response = invoke_agent(client, [name], request="Transcribe it")
        assert response.status_code == 400 and "is not an upload" in response.json()["detail"], name
        assert "another session" not in response.json()["detail"]


def test_manifests_are_read_again_only_when_they_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ArtifactStore(tmp_path / "out", "s1")
    first = store.add_bytes(b"one", ".txt", task_id=0)
    reads: list[Path] = []
    original = Path.read_text

    def counted(self: Path, *args: Any, **kwargs: Any) -> str:
        reads.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    assert all(is_session_output(first.path) for _ in range(5))
    assert len(reads) == 1
    second = store.add_bytes(b"two", ".txt", task_id=1)  # the manifest grows: read again
    assert is_session_output(second.path) and is_session_output(first.path)
    assert len(reads) == 2
    stray = Path(second.path).with_name("stray.txt")
    stray.write_text("x")
    assert not is_session_output(stray)
