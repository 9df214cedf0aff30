"""A text argument that is only an http(s) URL ("summarize https://example.org/article") stands for the
text of the page there, fetched as a file argument's URL is (the same allowed hosts and limits); when it
cannot be fetched, the task fails naming the URL and the fix, instead of summarizing the address itself."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from helpers import QuietHandler, http_server

from hugginggpt_tools import inputs
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.schemas import Plan, Task
from hugginggpt_tools.testing import FakeBackend, fake_choice

PAGE = (b"<!DOCTYPE html><html><head><title>Photosynthesis</title><style>p{color:red}</style>"
        b"<script>var x = 1;</script></head><body><h1>Photosynthesis</h1><p>Photosynthesis is the process "
        b"by which plants turn light into chemical energy.</p></body></html>")


class _Pages(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/wiki/Photosynthesis":
            self.reply(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/big":
            self.reply(200, b"<p>" + b"word " * 4000 + b"</p>", "text/html")
        elif self.path == "/logo":
            self.reply(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
        else:
            self.reply(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def port() -> int:
    with http_server(_Pages) as httpd:
        yield httpd.server_port


def _summarize(url: str, tmp_path: Path, **settings):  # noqa: ANN003, ANN202
    backend = FakeBackend(handlers={"summarization": lambda i, c: f"summary of: {i['text']}"})
    ex = Executor(Backends([backend]), ArtifactStore(tmp_path / "out"),
                  Settings(output_dir=tmp_path / "out", **settings))
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": url})])
    return ex.run(plan, [fake_choice(0, "summarization")])[0], backend


def test_a_web_page_url_is_summarized_by_its_text(port: int, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{port}/wiki/Photosynthesis"
    result, backend = _summarize(url, tmp_path, allowed_hosts=["127.0.0.1"])
    assert result.status == "succeeded", result.error
    text = backend.calls[0].inputs["text"]
    assert "plants turn light into chemical energy" in text
    assert "<p>" not in text and "var x" not in text and "http://" not in text


def test_an_unreachable_page_fails_naming_the_url_and_the_fix(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    url = f"http://127.0.0.1:{closed}/wiki/Photosynthesis"
    result, backend = _summarize(url, tmp_path, allowed_hosts=["127.0.0.1"])
    assert result.status == "failed" and not backend.calls
    assert url in result.error and "download the page yourself" in result.error
    assert "give the file: 'summarize page.html'" in result.error


def test_the_url_policy_and_limits_of_downloads_apply(port: int, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{port}/wiki/Photosynthesis"
    result, backend = _summarize(url, tmp_path)  # a loopback host, not allowed
    assert result.status == "failed" and not backend.calls
    assert "loopback" in result.error and "HUGGINGGPT_ALLOWED_HOSTS" in result.error and url in result.error
    store = ArtifactStore(tmp_path / "s")
    allowed = Settings(allowed_hosts=["127.0.0.1"], download_max_bytes=5000)
    with pytest.raises(InputError, match=r"larger than the limit .*download the page yourself"):
        inputs.page_text(f"http://127.0.0.1:{port}/big", store, settings=allowed)
    with pytest.raises(InputError, match=r"HTTP 404.*download the page yourself"):
        inputs.page_text(f"http://127.0.0.1:{port}/missing", store, settings=allowed)
    with pytest.raises(InputError, match=r"Could not read the text of .*/logo.*a PNG image"):
        inputs.page_text(f"http://127.0.0.1:{port}/logo", store, settings=allowed)


def test_a_url_inside_a_sentence_is_text(tmp_path: Path) -> None:
    result, backend = _summarize("See https://example.org for the details of the plan.", tmp_path)
    assert backend.calls[0].inputs["text"] == "See https://example.org for the details of the plan."
