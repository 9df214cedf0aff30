"""A file given with the request (or earlier in the session) and deleted or moved before its task ran
failed with "File 'sign.png' not found (looked in ... and among the given files ['sign.png'])": it
was among the given files. It now says what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.inputs import resolve_file

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_resolve_file_says_a_given_file_is_gone(tmp_path: Path) -> None:
    gone = tmp_path / "in" / "sign.png"
    with pytest.raises(InputError) as error:
        resolve_file("sign.png", [str(gone)], tmp_path)
    assert str(error.value) == (f"File 'sign.png' is no longer there: it was given as {str(gone)!r}, which has been "
                                "deleted or moved since. Give it with the request (--file PATH on the command line, "
                                "files=[...] in Python) or give its full path.")
    with pytest.raises(InputError, match=r"File 'other.png' not found \(looked in .* among the given files"):
        resolve_file("other.png", [str(gone)], tmp_path)  # a name that was never given: as before


@pytest.fixture
def agent(tmp_path: Path) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"), {"fake/ocr": ("image-to-text", lambda i, c: "WET FLOOR")})


def test_a_file_deleted_after_the_check_fails_its_task_saying_so(agent: Any, tmp_path: Path) -> None:
    sign = tmp_path / "sign.png"
    sign.write_bytes(PNG)
    planned = agent.hugginggpt.planner.aplan

    async def plan_then_delete(*args: Any, **kwargs: Any) -> Any:
        sign.unlink()  # after the check of files, before the task runs
        return await planned(*args, **kwargs)

    agent.hugginggpt.planner.aplan = plan_then_delete
    (result,) = agent.invoke({"input": "read the text in sign.png", "files": [str(sign)]})["answer"].results
    assert result.status == "failed"
    assert f"File 'sign.png' is no longer there: it was given as {str(sign)!r}" in result.error
    assert "among the given files" not in result.error


def test_a_session_file_deleted_since_its_turn_fails_saying_so(agent: Any, tmp_path: Path) -> None:
    config = {"configurable": {"session_id": "s"}}
    sign = tmp_path / "sign.png"
    sign.write_bytes(PNG)
    agent.invoke({"input": "read the text in sign.png", "files": [str(sign)]}, config)
    sign.unlink()
    (result,) = agent.invoke({"input": "read the text in sign.png again"}, config)["answer"].results
    assert result.status == "failed" and "is no longer there" in result.error and str(sign) in result.error
