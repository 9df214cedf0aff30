"""The command line's bytes that are not UTF-8: a request typed in a terminal that does not send UTF-8
is read as Windows-1252 with a warning, and a batch file that is not UTF-8 text fails naming the line
(needs run.patch and jsonl.patch)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hugginggpt_tools.cli import main


def test_a_request_with_a_byte_that_is_not_utf8_is_planned_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["plan", os.fsdecode(b"Summarize this text: the caf\xe9 opens at nine and closes at six.")]) == 0
    out, err = capsys.readouterr()
    assert "byte 0xe9 at character 29, which is not UTF-8; read it as Windows-1252, where it is 'é'" in err
    assert "TypeError" not in err
    assert [task["task"] for task in json.loads(out)] == ["summarization"]


def test_a_batch_file_that_is_not_utf8_names_the_line_and_the_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(b'"Summarize: cats."\n\x89PNG\r\n\x1a\n\x00\x00')
    assert main(["plan", "--input", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: not UTF-8 text (byte 0x89; a binary file" in err and "save it as UTF-8" in err
    assert "UnicodeDecodeError" not in err
