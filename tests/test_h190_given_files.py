"""The Python API checks ``files`` before planning, as ``hugginggpt run`` checks ``--file``: a path that
is not there (or a folder, a device, an unreadable file) was only found out when its task ran, with
"File 'photo.jpg' not found (looked in ... and among the given files ['photo.jpg'])"."""

from __future__ import annotations

import os
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent, http_server

from hugginggpt_tools.agent_tool import create_hugginggpt_tool
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import AgentInputError

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def seen() -> list[dict[str, str]]:
    """The inputs of every model call the agent made."""
    return []


@pytest.fixture
def agent(tmp_path: Path, seen: list[dict[str, str]]) -> Any:
    def ocr(inputs: dict[str, str], ctx: Any) -> str:
        seen.append(dict(inputs))
        return "WET FLOOR"

    made = fake_agent(Settings(output_dir=tmp_path / "out", allowed_hosts=["127.0.0.1"]),
                      {"fake/ocr": ("image-to-text", ocr)})
    planned = made.hugginggpt.planner.aplan

    async def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append({"planned": args[0]})
        return await planned(*args, **kwargs)

    made.hugginggpt.planner.aplan = counted
    return made


def test_a_missing_file_is_refused_before_anything_is_planned_or_run(agent: Any, seen: list[Any]) -> None:
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "describe photo.jpg", "files": ["/tmp/nope/photo.jpg"]})
    message = str(error.value)
    assert message == ("'files' names a path that is not a readable file, so nothing was run: '/tmp/nope/photo.jpg' "
                       "(no such file). Check the name, or give the file's full path.")
    assert "among the given files" not in message and seen == []
    with pytest.raises(AgentInputError, match="'/tmp/nope/photo.jpg' \\(no such file\\)"):
        agent.invoke({"input": "describe photo.jpg", "files": "/tmp/nope/photo.jpg"})  # one path alone


def test_every_bad_path_is_named_in_one_error_and_a_good_one_is_not(agent: Any, seen: list[Any], tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("sign.png").write_bytes(PNG)
    Path("scans").mkdir()
    Path("scans", "a.png").write_bytes(PNG)
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "read the text in sign.png", "files": ["sign.png", "sign.pgn", "scans", "/dev/null",
                                                                      "ftp://example.org/b.png"]})
    message = str(error.value)
    assert message == (
        "'files' names 4 paths that are not readable files, so nothing was run: 'sign.pgn' (no such file; did you "
        "mean 'sign.png'?); 'scans' (a folder: give one path per file in it, e.g. files=['scans/a.png']); '/dev/null' "
        "(not a regular file but a device, pipe or socket); 'ftp://example.org/b.png' (no such file; only http(s) "
        f"URLs are downloaded, not ftp). Check each name, or give each file's full path (relative paths start at "
        f"{tmp_path})."), message
    assert seen == []


def test_an_unreadable_file_and_a_broken_link_are_named(agent: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.png"
    locked.write_bytes(PNG)
    link = tmp_path / "link.png"
    link.symlink_to(tmp_path / "moved.png")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != locked and real_access(path, mode, **kw))
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "read the text in locked.png", "files": [str(locked), str(link)]})
    assert f"{str(locked)!r} (not readable: permission denied (give read permission" in str(error.value)
    assert f"{str(link)!r} (a link to {str(tmp_path / 'moved.png')!r}, which does not exist)" in str(error.value)


def test_the_tool_returns_the_error_to_the_calling_agent(agent: Any, seen: list[Any]) -> None:
    message = create_hugginggpt_tool(agent).invoke({"input": "describe photo.jpg", "files": ["/tmp/nope/photo.jpg"]})
    assert "'/tmp/nope/photo.jpg' (no such file)" in message and seen == []


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the handler's name)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("request_text", ["read the text in sign.png", "read the text in this image"])
def test_an_http_url_passes_the_check_and_its_task_downloads_it(agent: Any, seen: list[Any], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 request_text: str) -> None:
    """The URL passed the planner by its name alone ("sign.png"), which no task could find."""
    monkeypatch.chdir(tmp_path)  # no sign.png here
    with http_server(_Page) as httpd:
        url = f"http://127.0.0.1:{httpd.server_port}/pics/sign.png"
        answer = agent.invoke({"input": request_text, "files": [url]})["answer"]
    (result,) = answer.results
    assert result.status == "succeeded" and result.text == "WET FLOOR", result.error
    image = seen[-1]["image"]
    assert Path(image).read_bytes() == PNG and Path(image).is_relative_to(tmp_path / "out")


def test_a_home_relative_path_passes(agent: Any, seen: list[Any], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sign.png").write_bytes(PNG)
    answer = agent.invoke({"input": "read the text in sign.png", "files": ["~/sign.png"]})["answer"]
    assert answer.results[0].text == "WET FLOOR"


def test_a_session_file_gone_since_is_not_an_input_error_but_a_new_missing_one_is(agent: Any, tmp_path: Path) -> None:
    """Files carried by the session are not the request's: only ``files`` is checked up front."""
    config = {"configurable": {"session_id": "s"}}
    sign = tmp_path / "sign.png"
    sign.write_bytes(PNG)
    agent.invoke({"input": "read the text in sign.png", "files": [str(sign)]}, config)
    sign.unlink()
    again = agent.invoke({"input": "read the text in sign.png", "files": []}, config)["answer"]
    assert again.results[0].status == "failed"  # found out when its task runs
    session = agent.hugginggpt.sessions.get("s")
    turns = len(session.history)
    with pytest.raises(AgentInputError, match="'gone.png' \\(no such file"):
        agent.invoke({"input": "read the text in gone.png", "files": ["gone.png"]}, config)
    assert len(session.history) == turns  # the refused turn is not recorded
