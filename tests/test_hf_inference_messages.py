"""What a user reads when a remote (hf-inference) model fails: the model named once, by the executor
in front of the backend's message ("org/model: the server ..."), not again inside it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import QuietHandler, allow_hub, http_server

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.backends.hf_inference import TOKEN_FIX, HFInferenceBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.schemas import Plan, Task
from hugginggpt_tools.testing import fake_choice

MODEL = "acme/sentiment-model"
STATUSES = {"missing": 404, "limited": 429, "denied": 401, "broken": 500}


class _Failing(QuietHandler):
    """Answers ``/<name>`` with the HTTP status :data:`STATUSES` gives it."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.reply(STATUSES[self.path.strip("/")], b'{"error": "nope"}')


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with http_server(_Failing) as httpd:
        yield f"http://127.0.0.1:{httpd.server_port}"


@pytest.fixture(autouse=True)
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let huggingface_hub talk to the loopback server."""
    allow_hub(monkeypatch)


def _error(backend: HFInferenceBackend, tmp_path: Path) -> str:
    """The error the executor records for one text-classification task on ``MODEL``."""
    settings = Settings(output_dir=tmp_path, task_retries=0)
    executor = Executor(Backends([backend]), ArtifactStore(tmp_path, "s"), settings)
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": "I love it"})])
    (result,) = executor.run(plan, [fake_choice(0, "text-classification", [MODEL], backend="hf-inference")])
    assert result.status == "failed"
    return result.error or ""


def _backend(url: str, **kwargs: object) -> HFInferenceBackend:
    return HFInferenceBackend(Settings(), base_url=url, timeout_s=5, max_retries=1, sleep=lambda s: None,
                              **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "message"), [
    ("missing", "{model}: the server does not know the model (HTTP 404): Client error '404 Not Found' for url "
                "'{url}'. It may not be deployed on this provider."),
    ("limited", "{model}: the server still answered HTTP 429 after 1 retries (429 Too Many Requests for url: "
                "{url}.); try again later."),
    ("denied", "{model}: the server refused the token (HTTP 401): Client error '401 Unauthorized' for url '{url}'. "
               "Check HF_TOKEN and its permissions."),
    ("broken", "{model}: the server answered HTTP 500: Server error '500 Internal Server Error' for url '{url}'"),
])
def test_an_http_error_names_the_model_once(server: str, tmp_path: Path, path: str, message: str) -> None:
    """It read "acme/sentiment-model: acme/sentiment-model (text-classification) was not found ...": the
    backend named the model (and the task, which the answer names) again after the executor had.
    (The part after "HTTP N" is the first line of huggingface_hub's error, as this venv's version writes it.)"""
    url = f"{server}/{path}"
    assert _error(_backend(url), tmp_path) == message.format(model=MODEL, url=url)


def test_an_unconfigured_backend_names_the_model_once(tmp_path: Path) -> None:
    error = _error(HFInferenceBackend(Settings()), tmp_path)
    assert error == f"{MODEL}: cannot run on the hf-inference backend: no token or endpoint configured; {TOKEN_FIX}."


def test_a_refused_connection_names_the_model_once(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    error = _error(_backend(url), tmp_path)
    assert error.startswith(f"{MODEL}: the connection failed after 1 retries (ConnectError: ")
    assert error.endswith("); check the endpoint or try again later.") and error.count(MODEL) == 1
