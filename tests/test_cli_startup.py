"""What ``hugginggpt plan`` loads: the planner alone, not the agent.

The offline ``plan`` command used to build the whole agent, importing LangGraph, the pipeline and
``langchain_core.language_models`` (about 2 s of a 4 s start on a 2-core machine) for a stage that
needs none of them. Each check runs in a fresh interpreter, where ``sys.modules`` shows what loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.planning import AutoPlanner, LLMPlanner, OfflinePlanner, make_planner

ROOT = Path(__file__).resolve().parents[1]
AGENT_ONLY = ("langgraph", "hugginggpt_tools.pipeline", "langchain_core.language_models")


def _loaded_after(code: str, tmp_path: Path) -> tuple[list[str], str]:
    """Run ``code`` in a fresh interpreter; which of :data:`AGENT_ONLY` it loaded, and its stdout
    before the last line."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    check = f"; import json; print(json.dumps([m for m in {AGENT_ONLY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", "import sys; " + code + check], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    *printed, loaded = done.stdout.splitlines()
    return json.loads(loaded), "\n".join(printed)


def test_importing_the_planners_loads_no_agent_library(tmp_path):
    loaded, _ = _loaded_after("import hugginggpt_tools.planning", tmp_path)
    assert loaded == []


def test_the_offline_plan_command_loads_neither_langgraph_nor_the_pipeline(tmp_path):
    """A request and a batch file, planned offline: the plans come out and nothing of the agent loaded."""
    (tmp_path / "requests.jsonl").write_text(json.dumps("Transcribe talk.wav") + "\n")
    code = ("from hugginggpt_tools.cli import main; "
            "assert main(['plan', 'Caption photo.jpg and read it aloud', '--planner', 'offline']) == 0; "
            "assert main(['plan', '--input', 'requests.jsonl']) == 0")
    loaded, out = _loaded_after(code, tmp_path)
    assert loaded == []
    plan, row = (json.loads(line) for line in out.splitlines())
    assert [t["task"] for t in plan] == ["image-to-text", "text-to-speech"]
    assert row["plan"][0]["task"] == "automatic-speech-recognition"


def test_plan_names_the_files_by_their_file_names_as_the_agent_does(capsys):
    from hugginggpt_tools.cli import main

    assert main(["plan", "Detect the objects in shots/street.jpg", "--file", "shots/street.jpg", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["tasks"][0]["task"] == "object-detection" and plan["tasks"][0]["args"] == {"image": "street.jpg"}


def test_a_bad_setting_is_still_a_one_line_error_of_plan(capsys, monkeypatch):
    """``plan`` no longer builds the agent, which read the settings; a bad HUGGINGGPT_* is still exit 2."""
    from hugginggpt_tools.cli import main

    monkeypatch.setenv("HUGGINGGPT_TOP_K", "abc")
    assert main(["plan", "Caption photo.jpg"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Invalid setting:") and "Fix the HUGGINGGPT_* variable" in err


def test_make_planner_picks_the_planner_the_agent_would():
    from helpers import recording_chat

    from hugginggpt_tools.pipeline import HuggingGPT

    chat = recording_chat("[]")
    offline = OfflinePlanner(matcher=False)
    assert make_planner(offline) is offline and make_planner(offline, chat) is offline
    assert isinstance(make_planner(None), OfflinePlanner) and isinstance(make_planner("offline", chat), OfflinePlanner)
    assert isinstance(make_planner(None, chat), LLMPlanner) and isinstance(make_planner("llm", chat), LLMPlanner)
    assert isinstance(make_planner("auto", chat), AutoPlanner)
    for name, llm in ((None, None), ("offline", chat), ("llm", chat), ("auto", chat)):
        assert type(make_planner(name, llm)) is type(HuggingGPT(llm, planner=name).planner)
    with pytest.raises(ConfigError, match=r"planner='llm' needs an llm.*--llm provider:model"):
        make_planner("llm")
    with pytest.raises(ConfigError, match=r"planner='auto' needs an llm.*or use planner='offline'"):
        make_planner("auto")
    with pytest.raises(ConfigError, match=r"Unknown planner 'fast'\. Use 'offline', 'llm', 'auto'"):
        make_planner("fast", chat)
    with pytest.raises(ConfigError, match=r"Unknown planner 'ofline' \(did you mean offline\?\)\. Use 'offline'"):
        make_planner("ofline", chat)
