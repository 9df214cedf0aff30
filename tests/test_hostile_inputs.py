"""Hostile inputs (``tests/data/hostile_inputs.jsonl``): zero escapes.

File arguments stay inside the allowed folders; URLs reach only public hosts (every address
checked, redirects checked again, nothing connected to before the check); downloads keep to
their size, time and content-type limits; the server keeps uploads, artifact downloads, input
files and session ids inside its output folder; secrets never show. Every HTTP server here is on
127.0.0.1, reached only through an explicit allow-list, and a socket guard fails the test if
anything else is connected to.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import QuietHandler, fake_agent, http_server

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import HuggingGPTError, InputError
from hugginggpt_tools.inputs import download, local_file, resolve_file
from hugginggpt_tools.policy import URLPolicy, address_problem, resolve_host
from hugginggpt_tools.redaction import REDACTED, redact
from hugginggpt_tools.sessions import SessionManager, check_session_id

CORPUS = [json.loads(line) for line in (Path(__file__).parent / "data" / "hostile_inputs.jsonl").open(encoding="utf-8")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
ENV_SECRET = "plain-looking-value-4242"


def cases(kind: str) -> list[dict[str, Any]]:
    return [c for c in CORPUS if c["kind"] == kind]


def ids(kind: str) -> list[str]:
    return [f"{c['id']}:{c['value'][:40]}" for c in cases(kind)]


def test_corpus_is_large_and_varied() -> None:
    refused = [c for c in CORPUS if c["expect"] == "refused"]
    assert len(refused) >= 50 and len({c["id"] for c in CORPUS}) == len(CORPUS)
    assert {"path", "url", "served", "upload_name", "artifact_path", "input_file", "session_id", "secret"} == \
        {c["kind"] for c in CORPUS}


# ----------------------------------------------------------------------------- a guard on the network


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection attempted; any to an address but 127.0.0.1 fails the test at once."""
    made: list[tuple[str, int]] = []
    original = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        made.append((str(address[0]), int(address[1])))
        if address[0] != "127.0.0.1":
            raise AssertionError(f"connection attempted to {address}")
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return made


# ----------------------------------------------------------------------------- local paths


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, Path]:
    """cwd ``work`` (ok.png, sub/ok2.png and traps), ``outside`` (secret.png) and a session folder."""
    work, outside = tmp_path / "work", tmp_path / "outside"
    (work / "sub").mkdir(parents=True)
    outside.mkdir()
    (work / "ok.png").write_bytes(PNG)
    (work / "sub" / "ok2.png").write_bytes(PNG)
    (outside / "secret.png").write_bytes(b"SECRET CONTENT")
    (work / "escape.png").symlink_to(outside / "secret.png")
    (outside / "hop.png").symlink_to(outside / "secret.png")
    (work / "chain.png").symlink_to(outside / "hop.png")
    (work / "linkdir").symlink_to(outside)
    (work / "zero.png").symlink_to("/dev/zero")
    (work / "inner.png").symlink_to(work / "ok.png")
    (work / "folder.png").mkdir()
    os.mkfifo(work / "pipe.png")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(work / "sock.png"))
    yield {"work": work, "outside": outside, "out": tmp_path / "out"}
    sock.close()


def fill(value: str, places: dict[str, Any]) -> str:
    for name, path in places.items():
        value = value.replace("{" + name + "}", str(path))
    return value


@pytest.mark.parametrize("case", cases("path"), ids=ids("path"))
def test_local_paths(case: dict[str, Any], workspace: dict[str, Path], connections: list) -> None:
    value = fill(case["value"], workspace)
    store = ArtifactStore(workspace["out"], "s1")
    settings = Settings(output_dir=workspace["out"])
    if case["expect"] == "allowed":
        resolved = Path(local_file(value, store, cwd=workspace["work"], settings=settings))
        assert resolved.is_relative_to(workspace["work"].resolve()) and resolved.read_bytes() == PNG
        return
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        local_file(value, store, cwd=workspace["work"], settings=settings)
    assert any(reason in str(info.value) for reason in case["reason"].split("|")), str(info.value)
    assert time.perf_counter() - started < 2, "refusing must not read or wait on the file"
    assert store.list() == [] and connections == []


def test_given_files_and_extra_roots_are_allowed(workspace: dict[str, Path]) -> None:
    secret = workspace["outside"] / "secret.png"
    assert resolve_file(str(secret), [str(secret)], cwd=workspace["work"]) == str(secret.resolve())
    assert resolve_file("secret.png", [str(secret)], cwd=workspace["work"]) == str(secret.resolve())
    assert resolve_file(str(secret), cwd=workspace["work"], roots=[workspace["outside"]]) == str(secret.resolve())
    with pytest.raises(InputError, match="HUGGINGGPT_ALLOWED_DIRS"):
        resolve_file(str(secret), cwd=workspace["work"], roots=[])
    given_link = workspace["work"] / "zero.png"  # a given file must still be a regular file
    with pytest.raises(InputError, match="not a regular file"):
        resolve_file(str(given_link), [str(given_link)], cwd=workspace["out"], roots=[])


# ----------------------------------------------------------------------------- URLs, refused before connecting


def fake_resolver(host: str, port: int) -> list[str]:
    """``rebind.test`` answers a public and a private address; everything else resolves for real."""
    if host == "rebind.test":
        return ["93.184.216.34", "10.0.0.5"]
    return resolve_host(host, port)


@pytest.mark.parametrize("case", cases("url"), ids=ids("url"))
def test_urls_are_refused_before_any_connection(case: dict[str, Any], tmp_path: Path, connections: list) -> None:
    store = ArtifactStore(tmp_path, "s1")
    with pytest.raises(InputError) as info:
        download(case["value"], store, policy=URLPolicy(resolver=fake_resolver), timeout_s=2)
    assert case["reason"] in str(info.value), str(info.value)
    assert connections == [] and store.list() == []


def test_every_address_of_a_host_is_checked() -> None:
    assert address_problem("93.184.216.34") is None and address_problem("2606:4700::1111") is None
    assert address_problem("::ffff:10.0.0.1").startswith("private")
    with pytest.raises(InputError, match="10.0.0.5, a private address"):
        URLPolicy(resolver=fake_resolver).target("https://rebind.test/cat.png")
    allowed = URLPolicy(allowed_hosts=("10.0.0.0/8",), resolver=fake_resolver).target("https://rebind.test/cat.png")
    assert allowed.address == "93.184.216.34" and allowed.request_url == "https://93.184.216.34/cat.png"
    assert allowed.host_header == "rebind.test" and allowed.host == "rebind.test"
    assert URLPolicy(allowed_hosts=("rebind.test",), resolver=fake_resolver).target("http://rebind.test:8080/a").\
        host_header == "rebind.test:8080"
    assert URLPolicy(allowed_hosts=("*",)).target("http://127.0.0.1/x").address == "127.0.0.1"


def test_allowed_hosts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUGGINGGPT_ALLOWED_HOSTS", "localhost, 10.0.0.0/8")
    settings = Settings.from_env()
    assert settings.allowed_hosts == ["localhost", "10.0.0.0/8"]
    policy = URLPolicy.from_settings(settings)
    assert policy.target("http://localhost:1/x.png").host == "localhost"
    with pytest.raises(InputError, match="loopback"):
        policy.target("http://127.0.0.2/x.png")


# ----------------------------------------------------------------------------- URLs against a local server


class _Files(QuietHandler):
    """/cat.png, /redirect?to=URL, /loop, /page.html, /script.js, /big, /endless, /drip."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Files.hits.append(self.path)
        url = urlsplit(self.path)
        if url.path == "/redirect":
            return self._redirect(parse_qs(url.query)["to"][0])
        if url.path == "/loop":
            return self._redirect("/loop")
        if url.path == "/endless":
            return self._stream(b"x" * 4096, 10_000, 0)
        if url.path == "/drip":
            return self._stream(b"x", 100, 0.05)
        body, kind = {"/cat.png": (PNG, "image/png"), "/page.html": (b"<html></html>", "text/html; charset=utf-8"),
                      "/script.js": (b"alert(1)", "application/javascript"),
                      "/big": (b"x" * 50_000, "image/png")}.get(url.path, (b"", ""))
        self.reply(200 if kind else 404, body, kind or "text/plain")

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to.replace("{port}", str(self.server.server_port)))
        self.end_headers()

    def _stream(self, chunk: bytes, count: int, pause: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(chunk)
                self.wfile.flush()
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    with http_server(_Files) as httpd:
        yield httpd.server_port


@pytest.mark.parametrize("case", cases("served"), ids=ids("served"))
def test_downloads_from_an_allowed_host(case: dict[str, Any], server: int, tmp_path: Path, connections: list) -> None:
    store = ArtifactStore(tmp_path, "s1")
    policy = URLPolicy(allowed_hosts=("127.0.0.1",))
    url = case["value"].replace("{port}", str(server))
    _Files.hits.clear()
    if case["expect"] == "allowed":
        assert Path(download(url, store, policy=policy).path).read_bytes() == PNG
        return
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        download(url, store, policy=policy, max_bytes=20_000, timeout_s=1.0)
    assert case["reason"] in str(info.value), str(info.value)
    assert time.perf_counter() - started < 3 and store.list() == []
    assert all(port == server for _, port in connections)  # only the allowed test server was contacted
    assert len(_Files.hits) <= 6  # redirects stop at 5


# ----------------------------------------------------------------------------- the server


@pytest.fixture
def client(tmp_path: Path, workspace: dict[str, Path]) -> Any:
    pytest.importorskip("langserve")
    from starlette.testclient import TestClient

    from hugginggpt_tools.server import create_app

    settings = Settings(output_dir=workspace["out"])
    (workspace["out"]).mkdir(exist_ok=True)
    (workspace["out"] / "link").symlink_to("/etc")
    agent = fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: "TEXT")})
    app = create_app(agent, settings=settings, api_keys=["k-0123456789"], max_request_mb=0.05, rate_limit=0)
    return TestClient(app, headers={"X-API-Key": "k-0123456789"}), workspace


@pytest.mark.parametrize("case", cases("upload_name"), ids=ids("upload_name"))
def test_upload_names_stay_in_the_uploads_folder(case: dict[str, Any], client: Any) -> None:
    http, places = client
    answer = http.post("/files", files={"file": (case["value"], PNG)})
    assert answer.status_code == 200, answer.text
    path = Path(answer.json()["path"])
    assert path.parent.parent == (places["out"] / "uploads").resolve() and path.read_bytes() == PNG
    assert not path.name.startswith(".") and len(path.name) <= 100 and "/" not in answer.json()["name"]


def test_uploads_over_the_limit_are_cut_off_without_content_length(client: Any) -> None:
    http, places = client
    limit = int(0.05 * 2**20)

    def chunks() -> Iterator[bytes]:  # a streamed (chunked) multipart body, no Content-Length
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n\r\n'
        for _ in range(200):
            yield b"x" * 1024
        yield b"\r\n--b--\r\n"

    answer = http.post("/files", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert answer.status_code == 413
    assert not (places["out"] / "uploads").exists() or not any((places["out"] / "uploads").rglob("big.png"))
    declared = http.post("/files", files={"file": ("big.png", b"x" * (limit + 10))})
    assert declared.status_code == 413


@pytest.mark.parametrize("case", cases("artifact_path"), ids=ids("artifact_path"))
def test_artifact_downloads_cannot_escape(case: dict[str, Any], client: Any) -> None:
    http, _ = client
    answer = http.get(case["value"])
    assert answer.status_code == 404 and b"root:" not in answer.content


@pytest.mark.parametrize("case", cases("input_file"), ids=ids("input_file"))
def test_agent_input_files_must_be_uploads(case: dict[str, Any], client: Any) -> None:
    http, places = client
    value = fill(case["value"], places)
    answer = http.post("/hugginggpt/invoke", json={"input": {"input": "Read the text in it", "files": [value]}})
    assert answer.status_code == 400 and case["reason"] in answer.json()["detail"]
    batch = http.post("/hugginggpt/batch", json={"inputs": [{"input": "x", "files": [value]}]})
    assert batch.status_code == 400


def test_uploaded_files_work_and_the_server_folder_is_out_of_reach(client: Any) -> None:
    http, places = client
    uploaded = http.post("/files", files={"file": ("page.png", PNG)}).json()["path"]
    ok = http.post("/hugginggpt/invoke", json={"input": {"input": "Read the text in page.png", "files": [uploaded]}})
    assert ok.status_code == 200 and ok.json()["output"]["answer"]["results"][0]["text"] == "TEXT"
    # a name relative to the uploads folder passes the guard as the pipeline reads it
    relative = f"{Path(uploaded).parent.name}/page.png"
    ok = http.post("/hugginggpt/invoke", json={"input": {"input": "Read the text in page.png", "files": [relative]}})
    assert ok.status_code == 200 and ok.json()["output"]["answer"]["results"][0]["text"] == "TEXT"
    by_path = http.post("/hugginggpt/invoke", json={"input": {"input": f"Read the text in {uploaded}"}})
    assert by_path.json()["output"]["answer"]["results"][0]["text"] == "TEXT"  # an upload named in the text
    sneaky = http.post("/hugginggpt/invoke", json={"input": {"input": "Read the text in examples/invoice.png"}})
    result = sneaky.json()["output"]["answer"]["results"][0]
    assert result["status"] == "failed" and "not found" in result["error"]


@pytest.mark.parametrize("case", cases("session_id"), ids=ids("session_id"))
def test_session_ids_cannot_name_other_folders(case: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(InputError):
        check_session_id(case["value"])
    with pytest.raises(HuggingGPTError):
        SessionManager(Settings(output_dir=tmp_path / "out")).get(case["value"])
    assert not any(tmp_path.iterdir())  # no session folder (or anything else) was made


def test_bad_session_header_is_a_400_and_keys_do_not_share_sessions(client: Any) -> None:
    http, places = client
    answer = http.post("/hugginggpt/invoke", headers={"X-Session-Id": "../escape"}, json={"input": {"input": "hi"}})
    assert answer.status_code == 400 and "session id" in answer.text
    from hugginggpt_tools.server import _session_modifier
    from hugginggpt_tools.server_guard import key_fingerprint

    class Request:
        def __init__(self, key: str) -> None:
            self.headers = {"x-session-id": "shared", "x-api-key": key}

    modify = _session_modifier(["key-one-123", "key-two-456"], places["out"] / "uploads")
    one, two = (modify({}, Request(k))["configurable"] for k in ("key-one-123", "key-two-456"))
    assert one["session_id"] == f"{key_fingerprint('key-one-123')}-shared" != two["session_id"]
    assert one["hugginggpt_work_dir"] == str(places["out"] / "uploads") and "key-one" not in one["session_id"]


# ----------------------------------------------------------------------------- secrets


@pytest.mark.parametrize("case", cases("secret"), ids=ids("secret"))
def test_secrets_are_redacted(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_SECRET)
    text = case["value"].replace("{env_key}", f"the key is {ENV_SECRET}!")
    out = redact(f"error: {text}")
    assert REDACTED in out
    for secret in ("hf_AbCdEf", "sk-live", "hunter2", "SECRET123", "sk-abcdef", "correct-horse", ENV_SECRET):
        assert secret not in out


def test_no_served_route_makes_an_outside_file_trusted(client: Any) -> None:
    """LangServe also serves the agent under /c/{config}/...: the guard checks those bodies' files
    as it checks /invoke's (400 before the run), and behind it the pipeline keeps a served
    request's outside files untrusted (a path named only in the request's text)."""
    http, places = client
    outside = places["outside"] / "secret.png"
    outside.write_bytes(PNG)
    uploaded = http.post("/files", files={"file": ("page.png", PNG)}).json()["path"]
    for route in ("invoke", "c/N4XyA/invoke"):
        answer = http.post(f"/hugginggpt/{route}", json={"input": {"input": f"Read the text in {outside}"}})
        assert answer.status_code == 200, answer.text
        result = answer.json()["output"]["answer"]["results"][0]
        assert result["status"] == "failed" and "outside the folders" in result["error"] and "TEXT" not in answer.text
        # named in files: refused before the run, on both route families alike
        answer = http.post(f"/hugginggpt/{route}",
                           json={"input": {"input": "Read the text in it", "files": [str(outside)]}})
        assert answer.status_code == 400 and "TEXT" not in answer.text
        assert answer.json()["detail"] == (f"input file {str(outside)!r} is not an upload: upload it with POST /files "
                                           "and pass the returned path in 'files'")
        ok = http.post(f"/hugginggpt/{route}", json={"input": {"input": "Read the text in page.png",
                                                                "files": [uploaded]}})
        assert ok.json()["output"]["answer"]["results"][0]["text"] == "TEXT"
