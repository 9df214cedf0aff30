"""A task's failure reason on ``hugginggpt run``'s progress lines (stderr): as it is when short, else
its first clause and "the answer says why", since the answer on stdout gives the whole reason."""

from __future__ import annotations

import pytest

from hugginggpt_tools.cli.run import _SHORT_REASON, _progress, _short_reason

_NO_MODEL = ("no runnable model for image-to-text: the transformers backend needs `pip install "
             "'hugginggpt-tools[transformers]'`; the hf-inference backend needs HF_TOKEN set; the bundled "
             "backend has no model of this task.")


def test_a_short_reason_is_given_as_it_is() -> None:
    assert _short_reason("timed out after 300 s") == "timed out after 300 s"


def test_a_long_reason_is_cut_to_its_first_clause() -> None:
    assert _short_reason(_NO_MODEL) == "no runnable model for image-to-text; the answer says why"


def test_the_model_heading_a_reason_is_kept_with_its_first_clause() -> None:
    error = "bundled/ocr: the image is empty. " + "Give a picture with text in it, " * 5
    assert _short_reason(error) == "bundled/ocr: the image is empty; the answer says why"


def test_a_reason_of_several_lines_keeps_its_first_line() -> None:
    assert _short_reason("CUDA out of memory\nTraceback (most recent call last)") == \
        "CUDA out of memory; the answer says why"


def test_a_long_first_clause_is_cut_at_a_word() -> None:
    short = _short_reason("word " * 60)
    clause = short.removesuffix("; the answer says why")
    assert clause.endswith(" …") and len(clause) <= _SHORT_REASON + 2 and "wor …" not in clause


def test_the_progress_line_on_stderr_gives_the_short_reason(capsys: pytest.CaptureFixture[str]) -> None:
    _progress({"event": "task_finished", "task_id": 0, "task": "image-to-text", "status": "failed",
               "error": _NO_MODEL})
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "[task 0] image-to-text failed: no runnable model for image-to-text; the answer says why\n"
