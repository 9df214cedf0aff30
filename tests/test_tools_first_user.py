"""Faults a first user of the Python API met with the toolkit and its tools: the ``tasks``
argument, misspelt arguments, one warning for a missing index, copying and pickling tools."""

from __future__ import annotations

import copy
import logging
import pickle
from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import HuggingGPTToolkit
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.testing import FakeBackend, fake_card
from hugginggpt_tools.tools import TOOL_CLASSES, make_tool


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(output_dir=tmp_path / "out", index_dir=tmp_path / "no-index", catalog_dir=tmp_path / "catalog")


# ----------------------------------------------------------------------------- tasks and arguments


def test_one_string_is_one_task_name_or_alias(settings: Settings) -> None:
    assert HuggingGPTToolkit(tasks="asr").tasks == ["automatic-speech-recognition"]
    toolkit = HuggingGPTToolkit(tasks="language identification", settings=settings)
    assert toolkit.tasks == ["text-classification"]
    assert toolkit.needs == {"text-classification": "language identification"}


def test_an_empty_task_list_is_an_error_not_all_24_tools() -> None:
    with pytest.raises(ConfigError, match=r"tasks=\[\] names no task type.*leave tasks out \(None\) for all 24: "
                                          r"text-classification"):
        HuggingGPTToolkit(tasks=[])


@pytest.mark.parametrize("tasks", [5, ["asr", 3], {"asr": 1}])
def test_tasks_that_are_not_names_are_a_config_error(tasks: object) -> None:
    with pytest.raises(ConfigError, match=r"is not a list of task type names.*automatic-speech-recognition"):
        HuggingGPTToolkit(tasks=tasks)


def test_an_unknown_task_name_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"Unknown task type 'painting' in tasks\. Use one of: text-classification"):
        HuggingGPTToolkit(tasks="painting")


def test_bad_and_misspelt_arguments_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"model_ids=\['x'\]: Input should be a valid dictionary"):
        HuggingGPTToolkit(model_ids=["x"])
    with pytest.raises(ConfigError, match=r"unknown argument\(s\) 'task' \(did you mean tasks\?\)"):
        HuggingGPTToolkit(task=["asr"])
    with pytest.raises(ConfigError, match=r"AutomaticSpeechRecognitionTool\(\) got unknown argument\(s\) 'modelid' "
                                          r"\(did you mean model_id\?\)"):
        make_tool("asr", modelid="bundled/faster-whisper-tiny.en")


# ----------------------------------------------------------------------------- a missing index


def test_a_missing_index_is_warned_about_once(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    toolkit = HuggingGPTToolkit(settings=settings, backends=Backends([FakeBackend()]))
    with caplog.at_level(logging.WARNING):
        tools = toolkit.get_tools()
    assert len(tools) == 24
    warnings = [r.getMessage() for r in caplog.records if "No model index" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert "any of the 24 tools" in warnings[0]


# ----------------------------------------------------------------------------- copying and pickling


def test_deepcopy_of_a_tool_shares_its_parts_and_has_its_own_lock(settings: Settings) -> None:
    index = ModelIndex.build([fake_card("text-classification", "fake/sentiment")], HashEmbedder())
    backends = Backends([FakeBackend()])
    tool = make_tool("text-classification", settings=settings, backends=backends, index=index)
    tool.get_store()
    twin = copy.deepcopy(tool)
    assert twin is not tool and twin.name == tool.name
    assert twin.backends is backends and twin.index is index and twin.store is tool.store
    assert twin.settings is settings and twin._lock is not tool._lock
    assert twin.invoke("great film") == tool.invoke("great film")


def test_deepcopy_of_a_toolkit_shares_its_backends(settings: Settings) -> None:
    toolkit = HuggingGPTToolkit(settings=settings, backends=Backends([FakeBackend()]), tasks=["ner", "ocr"])
    tools = toolkit.get_tools()
    twin = copy.deepcopy(toolkit)
    assert twin.backends is toolkit.backends and twin.store is toolkit.store
    assert all(a is not b and b.backends is toolkit.backends for a, b in zip(tools, twin.get_tools()))


def test_generated_tool_classes_are_importable_by_name() -> None:
    from hugginggpt_tools.tools import base

    for cls in TOOL_CLASSES.values():
        assert getattr(base, cls.__name__) is cls


def test_a_tool_pickles_without_its_loaded_backends_and_keeps_its_session(settings: Settings) -> None:
    tool = make_tool("asr", settings=settings, model_id="bundled/faster-whisper-tiny.en")
    tool.get_backends()  # made by the tool: left out of the pickle, made again on first use
    artifact = tool.get_store().add_bytes(b"RIFF....", ".wav")
    copy_ = pickle.loads(pickle.dumps(tool))
    assert type(copy_) is type(tool) and copy_.model_id == tool.model_id and copy_.args_schema is tool.args_schema
    assert copy_.backends is None and copy_.get_backends() is not None
    assert copy_.get_store().folder == tool.store.folder and copy_.store.get(artifact.id).path == artifact.path
    assert copy_.settings == settings
    message = copy_.invoke({"type": "tool_call", "id": "1", "name": tool.name, "args": {"audio": "nope.wav"}})
    assert message.status == "error" and "not found" in message.content


def test_a_toolkit_pickles_and_makes_its_tools_again(settings: Settings) -> None:
    toolkit = HuggingGPTToolkit(settings=settings, tasks=["asr"], session_id="s1")
    assert toolkit.get_tool("asr").backends is toolkit.backends
    copy_ = pickle.loads(pickle.dumps(toolkit))
    assert copy_.tasks == ["automatic-speech-recognition"] and copy_.backends is None
    tool = copy_.get_tool("asr")
    assert tool.backends is copy_.backends is not None and copy_.store.folder == toolkit.store.folder


def test_pickling_with_given_backends_that_cannot_be_pickled_names_the_fix(settings: Settings) -> None:
    tool = make_tool("asr", settings=settings, backends=Backends([FakeBackend()]))
    with pytest.raises(TypeError, match=r"the backends given to it \(Backends\) cannot be pickled .* Make it without "
                                        r"backends=\.\.\."):
        pickle.dumps(tool)
    with pytest.raises(TypeError, match=r"Cannot pickle HuggingGPTToolkit: the backends given to it"):
        pickle.dumps(HuggingGPTToolkit(settings=settings, backends=Backends([FakeBackend()])))
