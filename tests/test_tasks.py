"""The task registry holds HuggingGPT's 24 task types with modalities and aliases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hugginggpt_tools.errors import UnknownTaskError
from hugginggpt_tools.tasks import TASK_TYPES, find_task, get_task

JARVIS_TASKS = """text-classification token-classification text2text-generation summarization translation
question-answering conversational text-generation sentence-similarity tabular-classification
object-detection image-classification image-to-text text-to-image image-to-image image-segmentation
depth-estimation text-to-speech automatic-speech-recognition audio-to-audio audio-classification
document-question-answering visual-question-answering text-to-video""".split()

TOOL_DESC = Path(__file__).resolve().parents[2] / "shared" / "data" / "taskbench_hf" / "tool_desc.json"


def test_registry_holds_the_24_jarvis_task_types():
    assert sorted(TASK_TYPES) == sorted(JARVIS_TASKS)
    for t in TASK_TYPES.values():
        assert t.args and t.outputs and t.description


@pytest.mark.parametrize("alias,name", [
    ("Image Editing", "image-to-image"), ("Text-to-Speech", "text-to-speech"), ("OCR", "image-to-text"),
    ("automatic_speech_recognition", "automatic-speech-recognition"), ("Question Answering", "question-answering"),
])
def test_aliases(alias, name):
    assert get_task(alias).name == name


def test_unknown_task_lists_valid_names():
    assert find_task("teleportation") is None
    with pytest.raises(UnknownTaskError, match="text-to-speech"):
        get_task("teleportation")


@pytest.mark.skipif(not TOOL_DESC.is_file(), reason="shared TaskBench data not beside the checkout")
def test_taskbench_tool_names_and_modalities_match():
    nodes = json.loads(TOOL_DESC.read_text())["nodes"]
    for node in nodes:
        task = get_task(node["id"])
        for modality in set(node["input-type"]):
            assert any(modality in a.modalities for a in task.args), (node["id"], modality)
        for modality in set(node["output-type"]):
            assert modality in task.outputs, (node["id"], modality)
