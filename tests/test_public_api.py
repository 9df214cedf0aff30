"""The public surface is deliberate and importing the package is light."""

from __future__ import annotations

import json
import subprocess
import sys

import hugginggpt_tools
from hugginggpt_tools import errors

PUBLIC = {
    "Answer", "Artifact", "ArtifactStore", "HuggingGPTError", "HuggingGPTToolkit", "ModelCard", "ModelChoice",
    "Plan", "Ref",
    "Settings", "TASK_TYPES", "Task", "TaskResult", "check_plan", "create_hugginggpt_agent",
    "create_hugginggpt_tool", "get_settings", "get_task", "__version__",
}


def test_public_names_are_pinned():
    assert set(hugginggpt_tools.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(hugginggpt_tools, name) is not None


def test_import_loads_no_heavy_library():
    code = ("import sys, json, hugginggpt_tools; "
            "print(json.dumps([m for m in ('torch', 'transformers', 'faiss', 'sentence_transformers', "
            "'onnxruntime', 'langgraph') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_every_error_derives_from_the_base_class():
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.HuggingGPTError)


def test_missing_extra_message_names_the_pip_command():
    err = errors.MissingExtraError("piper", "offline", "text-to-speech")
    assert "pip install 'hugginggpt-tools[offline]'" in str(err)


def test_llm_call_error_is_one_of_the_errors_and_still_importable_from_pipeline():
    from hugginggpt_tools import pipeline

    assert "LLMCallError" in errors.__all__
    assert pipeline.LLMCallError is errors.LLMCallError
