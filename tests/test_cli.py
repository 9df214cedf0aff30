"""The command line: plan, batch plan, run, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hugginggpt_tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_plan_prints_the_task_list(capsys):
    assert main(["plan", "Read the text in invoice.png aloud", "--planner", "offline"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [t["task"] for t in plan] == ["image-to-text", "text-to-speech"]
    assert plan[1]["args"]["text"] == "<resource>-0" and plan[1]["dep"] == [0]


def test_plan_json_prints_the_plan_object(capsys):
    assert main(["plan", "Transcribe meeting.wav", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["planner"] == "offline" and plan["tasks"][0]["task"] == "automatic-speech-recognition"


def test_plan_batch_writes_one_json_line_per_request(tmp_path, capsys):
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps({"id": "a", "request": "Transcribe talk.wav"}) + "\n"
                        + json.dumps("Classify the photo cat.jpg") + "\n")
    assert main(["plan", "--input", str(requests)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2]
    assert lines[1]["plan"][0]["task"] == "image-classification"


def test_bad_batch_line_is_a_one_line_error(tmp_path, capsys):
    requests = tmp_path / "requests.jsonl"
    requests.write_text("{not json\n")
    assert main(["plan", "--input", str(requests)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "requests.jsonl:1" in err and "\n" not in err


def test_missing_file_is_a_one_line_error(capsys):
    assert main(["run", "Read the text in nope.png aloud", "--file", "nope.png"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: --file 'nope.png': no such file (relative paths start at {Path.cwd()})."


def test_unknown_llm_spec_is_a_one_line_error(capsys):
    assert main(["plan", "hello", "--llm", "nosuchprovider:model"]) == 2
    assert "provider:model" in capsys.readouterr().err


def test_request_and_input_are_exclusive(capsys):
    assert main(["plan"]) == 2
    assert "either a REQUEST or --input" in capsys.readouterr().err


@pytest.mark.integration
def test_run_json_on_the_example(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "hugginggpt_tools", "run", "Read the text in examples/invoice.png aloud",
         "--file", "examples/invoice.png", "--json", "--output-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert "Invoice 1042 is due on Friday" in answer["text"]
    assert answer["files"] and Path(answer["files"][0]).is_file()
    assert [c["model_id"] for c in answer["choices"]] == ["bundled/rapidocr-ppocrv4", "bundled/piper-en_US-joe-medium"]
    assert "[task 1] text-to-speech succeeded" in out.stderr


def test_choose_model_needs_an_llm(capsys):
    assert main(["run", "Transcribe talk.wav", "--choose-model"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: choose_model (--choose-model) needs an llm") and "--llm provider:model" in err and "\n" not in err


def test_a_chat_model_that_cannot_be_made_is_a_setup_error_with_the_fix(capsys, monkeypatch):
    """A provider's own error (OpenAI with no API key) exits 2 with one line, like every setup
    error, not 3 as an unexpected one; --planner llm without --llm names the option."""
    pytest.importorskip("langchain_openai")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["run", "Summarize 'a b c'", "--llm", "openai:gpt-4o-mini"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Cannot create the chat model 'openai:gpt-4o-mini'") and "OPENAI_API_KEY" in err
    assert main(["run", "Summarize 'a b c'", "--planner", "llm"]) == 2
    assert "(on the command line: --llm provider:model)" in capsys.readouterr().err


def test_progress_lines_say_what_stands_in_and_what_falls_back(capsys: pytest.CaptureFixture[str]) -> None:
    from hugginggpt_tools.cli.run import _progress

    _progress({"event": "model_chosen", "task_id": 0, "task": "image-to-text", "model_id": "bundled/ocr",
               "stands_in_for": None, "fallback": "image-classification with bundled/cls"})
    _progress({"event": "task_finished", "task_id": 0, "task": "image-classification", "status": "succeeded",
               "model_id": "bundled/cls", "duration_s": 0.5, "error": "bundled/ocr: found no text",
               "stands_in_for": "image-to-text"})
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "[select] task 0 image-to-text: bundled/ocr; if it fails: image-classification with bundled/cls",
        "[task 0] image-classification succeeded with bundled/cls in 0.50 s "
        "(standing in for image-to-text: bundled/ocr: found no text)"]
